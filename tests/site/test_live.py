"""`python -m sitegen.live`'s protocol: one JSON line answered for each request line, the state kept between."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sitegen.incremental import LiveSite
from sitegen.live import serve

from tests.site.conftest import STANDARDS

pytestmark = pytest.mark.integration  # mkdocs builds

PASPOR = Path("disperinaker-klungkung") / "rekomendasi-paspor.md"


class Edits(io.StringIO):
    """Requests, with an edit to the standards made before each one after the first."""

    def __init__(self, standards: Path, requests: list[tuple[str, str | None]]) -> None:
        super().__init__()
        self._standards = standards
        self._requests = requests

    def __iter__(self) -> Any:
        for request, product in self._requests:
            if product is not None:
                source = self._standards / PASPOR
                text = source.read_text(encoding="utf-8")
                start = text.index("## Produk Pelayanan\n\n") + len("## Produk Pelayanan\n\n")
                end = text.index("\n", start)
                source.write_text(text[:start] + product + text[end:], encoding="utf-8")
            yield request + "\n"


def test_each_request_gets_one_answer_a_whole_build_then_pages_then_an_error_then_the_search(tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    shutil.copytree(STANDARDS, standards)
    site = tmp_path / "site"
    replies = io.StringIO()
    live = LiveSite(standards, site)
    requests = [
        ("build", None),
        ("build", "Rekomendasi Paspor Baru"),
        ("build", "## Bukan Komponen"),  # a heading the checker refuses
        ("search", None),
    ]
    serve(live, Edits(standards, requests), replies)
    answers = [json.loads(line) for line in replies.getvalue().splitlines()]
    assert [a.get("kind") for a in answers] == ["full", "pages", None, "search"]
    assert answers[1]["pages"] == ["disperinaker-klungkung/rekomendasi-paspor/index.md"]
    assert "disperinaker-klungkung/rekomendasi-paspor/index.html" in answers[1]["files"]
    assert answers[2]["ok"] is False
    assert "KESALAHAN standards/disperinaker-klungkung/rekomendasi-paspor.md:" in answers[2]["error"]
