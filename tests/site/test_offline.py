"""Nothing in the built site makes a browser fetch from another host (the browser test proves it
at run time; these read every file, including pages the browser test does not open)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from chalicelib.standard.catalogue import Catalogue
from sitegen.channels import channel_href
from sitegen.open_data import LICENCE

from tests.fetching import FETCHING, FONT_HOSTS, external


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.anchors: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in FETCHING:
                self.fetched.append(value)
            elif tag == "a" and name == "href":
                self.anchors.append(value)
            elif name == "style":
                self.styles.append(value)


def _parse(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_no_page_fetches_from_another_host(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 12
    for path in pages:
        links = _parse(path)
        assert links.fetched, path
        assert [url for url in links.fetched if external(url)] == [], path
        assert not any("url(" in style and "//" in style for style in links.styles), path


def test_the_only_links_to_other_hosts_are_the_agencies_complaint_channels(site: Path, catalogue: Catalogue) -> None:
    channels = [
        *(c for a in catalogue.agencies for c in a.complaint_channels),
        *(c for s in catalogue.standards for c in s.complaint_channels),
    ]
    allowed = {href for href in map(channel_href, channels) if href}
    allowed.add(LICENCE["url"])  # the open data's licence, named on /data-terbuka/: a link, nothing loaded
    for path in site.rglob("*.html"):
        elsewhere = {url for url in _parse(path).anchors if external(url)}
        assert elsewhere <= allowed, (path, elsewhere - allowed)


def test_stylesheets_import_nothing_and_load_no_remote_fonts_or_images(site: Path) -> None:
    for path in site.rglob("*.css"):
        css = path.read_text(encoding="utf-8")
        assert "@import" not in css, path
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css), path
        assert not any(host in css for host in FONT_HOSTS), path


def test_no_script_names_a_font_service(site: Path) -> None:
    for path in site.rglob("*.js"):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not any(host in text for host in FONT_HOSTS), path


def test_our_own_scripts_contain_no_address_of_another_host(site: Path) -> None:
    for name in ("alur.js", "permohonan.js", "cari.js"):
        script = (site / "assets" / "javascripts" / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://", script), name


def test_the_themes_cdn_fallbacks_are_never_triggered(site: Path) -> None:
    """The theme fetches mermaid from unpkg for `pre.mermaid` blocks when window.mermaid is missing,
    and repository facts from GitHub when a repository is configured: the site has neither."""
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert 'class="mermaid"' not in text, path
        assert "md-source" not in text, path
