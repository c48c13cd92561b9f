"""Raw HTML in a standard never reaches a built page: the checker refuses it, and the build cleans what
the source's wording could still carry (the second wall, tested here with the checker bypassed)."""

from __future__ import annotations

import dataclasses
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from chalicelib.standard.catalogue import Catalogue, load_catalogue
from sitegen import build
from sitegen.__main__ import main
from sitegen.sanitising import disallowed, inline_html, markdown_html

from tests.site.conftest import PASPOR, STANDARDS

SCRIPT = "<script>alert('xss')</script>"
IMAGE = "<img src=x onerror=alert('xss')>"
LINK = "[Unduh formulir](javascript:alert('xss'))"


class _ActiveContent(HTMLParser):
    """What a browser would run on a page: event handlers, script links, and the scripts themselves."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.script_links: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and re.sub(r"\s", "", value or "").lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.script_links.append(f"<{tag} {name}={value}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _active_content(out: Path) -> _ActiveContent:
    found = _ActiveContent()
    for path in sorted(out.rglob("*.html")):
        found.feed(path.read_text(encoding="utf-8"))
    return found


def _standards_with(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """A copy of the seed standards whose Rekomendasi Paspor carries text in its Produk Pelayanan."""
    standards = tmp_path / "standards"
    shutil.copytree(STANDARDS, standards)
    path = standards / f"{PASPOR}.md"
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace("## Produk Pelayanan\n", f"## Produk Pelayanan\n\n{text}\n", 1), encoding="utf-8")
    return standards, path


@pytest.mark.integration
@pytest.mark.parametrize("payload", [SCRIPT, IMAGE, LINK])
def test_a_standard_carrying_script_is_refused_by_the_build_which_writes_no_page(
    tmp_path: Path, payload: str, capsys: pytest.CaptureFixture[str]
) -> None:
    standards, path = _standards_with(tmp_path, f"Surat rekomendasi. {payload}")
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if payload in text)
    out = tmp_path / "site"

    with pytest.raises(SystemExit) as refused:
        build.build_site(standards, out)

    assert f"standards/{PASPOR}.md:{line}: [Produk Pelayanan]" in str(refused.value)
    assert "situs tidak dibangun" in str(refused.value)
    assert not out.exists()
    assert main(["check", str(standards)]) == 1
    assert f"KESALAHAN standards/{PASPOR}.md:{line}: [Produk Pelayanan]" in capsys.readouterr().err


@pytest.mark.integration
def test_with_the_checker_bypassed_the_build_still_writes_no_script_handler_or_script_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme_scripts = len(_active_content(_clean_build(tmp_path)).scripts)
    real = load_catalogue(STANDARDS)
    hostile = f"Surat rekomendasi.\n\n{SCRIPT}\n\nFoto {IMAGE}\n\n- {LINK}\n- [Tautan]( jav&#x09;ascript:alert('xss'))"
    standards = tuple(
        dataclasses.replace(
            standard,
            components={
                key: dataclasses.replace(
                    component,
                    text=hostile,
                    # as many hostile items as the standard has, so its requirement rules still name each
                    items=tuple((SCRIPT, IMAGE, LINK)[n % 3] for n in range(len(component.items)))
                    if key == "requirements"
                    else component.items,
                )
                for key, component in standard.components.items()
            },
        )
        if standard.key == PASPOR
        else standard
        for standard in real.standards
    )
    monkeypatch.setattr(build, "load_catalogue", lambda root, parse=None: Catalogue(real.agencies, standards))
    out = tmp_path / "site"

    build.build_site(STANDARDS, out)

    service = (out / PASPOR / "index.html").read_text(encoding="utf-8")
    assert "Surat rekomendasi." in service and "Unduh formulir" in service  # the words stay, the code goes
    active = _active_content(out)
    assert active.handlers == []
    assert active.script_links == []
    assert not any("xss" in script for script in active.scripts)
    assert len(active.scripts) == theme_scripts  # the theme's own, no more


def _clean_build(tmp_path: Path) -> Path:
    out = tmp_path / "clean"
    build.build_site(STANDARDS, out)
    return out


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (SCRIPT, "<script>"),
        ("Foto <img src=x onerror=alert(1)> di sini", "<img onerror>"),
        ("[Unduh formulir](javascript:alert(1))", "<a href=javascript:alert(1)>"),
        ("*tebal*{ onclick=alert(1) }", "<em onclick>"),
        ("[Perda](perda-2020.md) dan [situs](https://contoh.go.id/)", None),
    ],
)
def test_what_a_page_must_not_carry_is_found_in_the_markdown_as_mkdocs_renders_it(text: str, found: str | None) -> None:
    assert (found in disallowed(text)) if found else disallowed(text) == []


def test_legitimate_markdown_keeps_its_lists_links_tables_and_emphasis() -> None:
    text = (
        "**Wajib** dibawa, _asli_:\n\n1. KTP-el\n2. Kartu Keluarga\n\nTautan:\n\n"
        "- [Formulir](https://contoh.go.id/f.pdf), <https://contoh.go.id/>, [surel](mailto:a@contoh.go.id)\n\n"
        "| Berkas | Jumlah |\n| :--- | ---: |\n| Pas foto | 2 |"
    )
    html = markdown_html(text)
    assert "<strong>Wajib</strong>" in html and "<em>asli</em>" in html
    assert "<ol>\n<li>KTP-el</li>\n<li>Kartu Keluarga</li>\n</ol>" in html
    assert '<a href="https://contoh.go.id/f.pdf">Formulir</a>' in html
    assert '<a href="https://contoh.go.id/">https://contoh.go.id/</a>' in html
    assert '<a href="mailto:a@contoh.go.id">surel</a>' in html
    assert '<th align="left">Berkas</th>' in html and '<td align="right">2</td>' in html
    assert inline_html("**Asli** dan [salinan](https://contoh.go.id/)") == (
        '<strong>Asli</strong> dan <a href="https://contoh.go.id/">salinan</a>'
    )


def test_the_sanitiser_changes_nothing_in_any_seed_standard() -> None:
    """Every seed's wording goes to mkdocs as Markdown, untouched; cleaned, it would render just the same."""
    for standard in load_catalogue(STANDARDS).standards:
        for component in standard.components.values():
            assert disallowed(component.text) == [], f"{standard.key} [{component.heading}]"
            assert all(disallowed(item) == [] for item in component.items)
            plain = markdown.markdown(component.text, extensions=["tables"])
            assert markdown_html(component.text) == plain, f"{standard.key} [{component.heading}]"
            for item in component.items:
                assert inline_html(item) == markdown.markdown(item).removeprefix("<p>").removesuffix("</p>")


def test_a_quote_in_a_title_cannot_end_the_description_attribute(site: Path) -> None:
    from sitegen.pages import _description

    assert _description('Izin "Usaha" <x>') == "Izin &quot;Usaha&quot; &lt;x&gt;"
    assert re.search(r'<meta name="description" content="[^"<>]+">', (site / PASPOR / "index.html").read_text())
