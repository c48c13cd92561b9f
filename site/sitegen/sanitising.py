"""The source's own wording of a component, on a page as text, lists, links and tables only.

The checker already refuses raw HTML in a standard (chalicelib.standard.parsing); this is the second
wall, in the build. Each component's Markdown is rendered here as mkdocs will render it; when that
holds anything but the allowed tags, attributes and link schemes (a script, an event handler, a
javascript: link, whatever slipped past the checker's patterns), the page gets nh3's cleaned HTML
instead of the Markdown. Clean Markdown goes to mkdocs as it is, so its links to other pages are still
rewritten and checked by the strict build, and every seed page is built byte for byte as before.
"""

from __future__ import annotations

import functools
import threading
from html.parser import HTMLParser

import markdown
import nh3

# The Markdown extensions of site/mkdocs.yml: what mkdocs would make of the text.
SITE_EXTENSIONS = ("toc", "attr_list", "md_in_html", "tables")
# What the source's wording needs: paragraphs, lists, emphasis, links, tables, quotes, code.
TAGS = frozenset(
    {
        *("p", "br", "hr", "ul", "ol", "li", "strong", "em", "b", "i", "code", "pre", "blockquote"),
        *("a", "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})  # toc gives each an id
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = frozenset({"href"})


class _Disallowed(HTMLParser):
    """Collects every tag, attribute and link scheme of some HTML that the lists above do not allow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.found.append(f"<{tag}>")
        allowed = ATTRIBUTES.get(tag, set()) | ({"id"} if tag in HEADINGS else set())
        for name, value in attrs:
            if name not in allowed:
                self.found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and not _safe_url(value or ""):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _safe_url(url: str) -> bool:
    """A relative URL, or one whose scheme is allowed (whitespace and control characters dropped first)."""
    plain = "".join(ch for ch in url if ord(ch) > 0x20 and ord(ch) != 0x7F).casefold()
    scheme, colon, _ = plain.partition(":")
    return not colon or any(ch in scheme for ch in "/?#") or scheme in URL_SCHEMES


class _Converters(threading.local):
    """One Markdown converter of each kind per thread, reset before each text: building one costs more than
    converting a component's text (the build renders about twenty per service), and reset() gives the
    same output as a new one (toc's ids, footnotes and all other per-document state start afresh)."""

    def __init__(self) -> None:
        self.site = markdown.Markdown(extensions=list(SITE_EXTENSIONS))
        self.tables = markdown.Markdown(
            extensions=["tables"], extension_configs={"tables": {"use_align_attribute": True}}
        )


_converters = _Converters()


def _convert(converter: markdown.Markdown, text: str) -> str:
    converter.reset()
    html: str = converter.convert(text)
    return html


def disallowed(text: str) -> list[str]:
    """What mkdocs would render from this Markdown that a page must not carry ([] when it is clean)."""
    return list(_disallowed(text))


@functools.lru_cache(maxsize=65536)
def site_html(text: str) -> str:
    """The text as the site's Markdown renders it (mkdocs.yml's extensions). Kept per text: standards repeat
    much of their wording (legal bases, facilities, the agency's own paragraphs), the checks below and the
    service pages written as HTML (sitegen/direct.py) both read it, and it depends on the text alone."""
    return _convert(_converters.site, text)


@functools.lru_cache(maxsize=65536)
def _disallowed(text: str) -> tuple[str, ...]:
    """Kept per text, as site_html."""
    parser = _Disallowed()
    parser.feed(site_html(text))
    parser.close()
    return tuple(parser.found)


def clean_html(html: str) -> str:
    """HTML with every tag, attribute and link scheme outside the lists above removed (their text kept)."""
    return nh3.clean(html, tags=set(TAGS), attributes=ATTRIBUTES, url_schemes=set(URL_SCHEMES), link_rel=None)


def markdown_html(text: str) -> str:
    """Markdown as clean HTML (tables, lists, emphasis, links; none of the extensions that add attributes)."""
    return clean_html(_convert(_converters.tables, text))


def inline_html(text: str) -> str:
    """One line of Markdown (a list item) as clean inline HTML: emphasis and links, no paragraph around it."""
    html = markdown_html(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[len("<p>") : -len("</p>")]
    return html
