"""A Mermaid flowchart of a procedure, one lane (subgraph) per role, generated from its steps."""

from __future__ import annotations

import math

from chalicelib.standard.schema import Agency, Standard

# Mermaid reads these characters as syntax inside a quoted label; its entity codes are safe.
_ENTITIES = str.maketrans({"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"})


def mermaid_text(text: str) -> str:
    return " ".join(text.split()).translate(_ENTITIES)


def lanes(standard: Standard) -> list[str]:
    """The roles of the procedure, in the order they first act."""
    return list(dict.fromkeys(step.actor for step in standard.procedure))


def flowchart_source(standard: Standard, agency: Agency) -> str:
    roles = lanes(standard)
    names = [role.name if (role := agency.role(role_id)) else role_id for role_id in roles]
    lines = [
        "flowchart TB",
        f"  accTitle: Bagan alur {mermaid_text(standard.title)}",
        f"  accDescr: {len(standard.procedure)} langkah oleh {len(roles)} pelaksana: {mermaid_text(', '.join(names))}",
    ]
    for lane_number, (role_id, name) in enumerate(zip(roles, names, strict=True), start=1):
        lines.append(f'  subgraph lajur{lane_number}["{mermaid_text(name)}"]')
        lines.append("    direction TB")
        for number, step in enumerate(standard.procedure, start=1):
            if step.actor == role_id:
                lines.append(f'    langkah{number}["{number}. {mermaid_text(step.text)}"]')
        lines.append("  end")
    # Applicant lanes look different from officer lanes, so the reader sees whose turn it is.
    applicants = [
        f"lajur{n}" for n, role_id in enumerate(roles, start=1) if (role := agency.role(role_id)) and role.applicant
    ]
    lines.extend(f"  langkah{n} --> langkah{n + 1}" for n in range(1, len(standard.procedure)))
    if applicants:
        lines.append("  classDef pemohon fill:#fff8e1,stroke:#8a6d00")
        lines.append(f"  class {','.join(applicants)} pemohon")
    return "\n".join(lines)


# Space kept for a flowchart until mermaid has drawn it, so the page jumps less. Drawn heights vary
# with how often the lane changes; this is about the least seen (rem per step), so no gap is left.
REM_PER_STEP = 4.5
SOURCE_TYPE = "text/x-mermaid"


def flowchart_figure(standard: Standard, agency: Agency) -> str:
    """The figure alur.js draws the diagram into, holding the source in a script data block.

    A data block is never rendered, printed or indexed, whatever a stylesheet says (a `hidden` <pre>
    was shown by the theme's `pre { display: ... }`). Its text is not HTML-escaped, so it must not hold
    "<": mermaid_text writes every "<" of a label as "#lt;". Until the diagram is drawn the figure keeps
    its space and shows nothing (layanan.css); without JavaScript it is not shown at all (tanpa-js.css).
    """
    source = flowchart_source(standard, agency)
    if "<" in source:
        raise ValueError(f"{standard.key}: a flowchart source must not contain '<'")
    steps = len(standard.procedure)
    height = math.ceil(3 + steps * REM_PER_STEP)
    return (
        f'<figure class="alur" style="min-height:{height}rem">\n'
        f'<script type="{SOURCE_TYPE}" class="alur__sumber">\n{source}\n</script>\n'
        f"<figcaption>Bagan alur: {steps} langkah, satu lajur untuk setiap pelaksana "
        f"({len(lanes(standard))} pelaksana).</figcaption>\n</figure>"
    )
