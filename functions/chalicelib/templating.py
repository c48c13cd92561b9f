"""The one jinja2 environment of everything the API writes: its pages, the application form, the mails.

Templates live in templates/ (pages/, mail/, form.html). HTML is escaped, plain-text mail is not.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
import markupsafe

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _one_line(value: object) -> markupsafe.Markup:
    """Escaped, with line breaks as character references: the fragment then has no blank lines that
    carry meaning, and a textarea still gets its lines back (the parser decodes them)."""
    text = str(markupsafe.escape(value)).replace("\r", "&#13;").replace("\n", "&#10;")
    return markupsafe.Markup(text)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["one_line"] = _one_line
    return env
