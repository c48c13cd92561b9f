"""The site is built once per session from the real standards; tests read the built files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from chalicelib.standard.catalogue import Catalogue, load_catalogue
from sitegen.build import build_site

REPO = Path(__file__).resolve().parents[2]
STANDARDS = REPO / "standards"
PASPOR = "disperinaker-klungkung/rekomendasi-paspor"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(STANDARDS)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    build_site(STANDARDS, out)
    return out


@pytest.fixture(scope="session")
def open_data(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "data" / "standards.json").read_text(encoding="utf-8"))
    return data


def page(site: Path, url_path: str) -> str:
    """The HTML of a built page, by its URL path ('/agency/service/')."""
    return (site / url_path.strip("/") / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's own content, without the theme's header, navigation and footer."""
    match = re.search(r'<article class="md-content__inner md-typeset"[^>]*>(.*?)</article>', html, re.DOTALL)
    assert match, "no article in page"
    return match.group(1)
