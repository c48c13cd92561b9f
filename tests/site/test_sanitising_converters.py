"""The build's sanitiser reuses one Markdown converter per kind: each text renders exactly as a new converter
would render it alone, whatever came before (no heading ids, footnotes or references carried over)."""

from __future__ import annotations

import markdown
from sitegen.sanitising import SITE_EXTENSIONS, disallowed, markdown_html

TEXTS = [
    "## Persyaratan\n\n1. KTP-el\n2. Pas foto",
    "## Persyaratan\n\nTeks yang sama judulnya: id-nya tetap `persyaratan`, bukan `persyaratan_1`.",
    "Lihat [dasar hukum][uu] dan catatan kaki.\n\n[uu]: https://peraturan.go.id/uu-25-2009",
    "[dasar hukum][uu] tanpa definisi di teks ini: tetap teks biasa",
    "| Biaya | Keterangan |\n|:--|--:|\n| Gratis | Tidak dipungut biaya |",
    '<div markdown="1">*tebal*</div>{ onclick="x" }',
]


def test_each_text_is_checked_as_a_fresh_converter_would_render_it() -> None:
    for text in TEXTS * 2:
        alone = markdown.markdown(text, extensions=list(SITE_EXTENSIONS))
        assert disallowed(text) == disallowed_in(alone), text


def test_each_text_is_cleaned_as_a_fresh_converter_would_render_it() -> None:
    for text in TEXTS * 2:
        first = markdown_html(text)
        assert markdown_html(text) == first
    assert "peraturan.go.id" not in markdown_html(TEXTS[3])  # the earlier text's link reference is forgotten
    assert 'id="persyaratan"' not in markdown_html(TEXTS[1])  # tables converter: no toc, no ids at all


def disallowed_in(html: str) -> list[str]:
    from sitegen.sanitising import _Disallowed

    parser = _Disallowed()
    parser.feed(html)
    parser.close()
    return parser.found
