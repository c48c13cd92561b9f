"""The theme's page template rendered once per kind of page, then filled in per page (issue 15).

mkdocs-material's templates cost about 3 ms a page: the same header, navigation, sidebars, scripts and
translations, rendered again for every one of thousands of service and form pages, with only the title,
the description, the first heading's anchor and the content differing between two pages of one kind.
Here a page of a new kind is rendered once more with stand-ins (private-use characters and a space) in
place of those values, split around its content, and the next pages of that kind are the stand-ins
replaced by their own values: text replacement instead of a template run.

A kind is what the templates read besides those values: the template, the page's depth (every relative
link), its front matter, the rest of its table of contents, whether its content holds its own `<h1>`.
Only pages outside the navigation qualify (no active entry, no previous or next page), whose first path
segment is not one the navigation or the static files begin with (their relative links then depend on the
depth alone), and whose values hold no character a filter would change (`&<>"'`, `{}`, `%`, backslashes,
runs of spaces, private-use characters). A kind is trusted only once a second page of it, rendered by the
templates as well, is equal to that page filled in; otherwise every page of that kind is rendered by the
templates. A filter that changed a stand-in leaves it unfound and the check fails; the whole site is held
equal to mkdocs' own build, page kinds with ampersands and quotes included (tests/site/test_skeleton.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

TITLE = "\ue000 \ue001"
DESCRIPTION = "\ue000 \ue002"
ANCHOR = "\ue000\ue003"
ANCHOR_TITLE = "\ue000 \ue004"
# A value a template filter leaves as it is: escaping, tag stripping, trimming and whitespace collapsing
# are the identity on it, as they are on the stand-ins.
_INERT = re.compile(r"[^\s&<>\"'{}%\\\ue000-\uf8ff]+(?: [^\s&<>\"'{}%\\\ue000-\uf8ff]+)*")


@dataclass(frozen=True)
class _Values:
    title: str
    description: str | None
    anchor: str | None
    anchor_title: str | None

    def pairs(self) -> list[tuple[str, str]]:
        found = [(TITLE, self.title)]
        if self.description is not None:
            found.append((DESCRIPTION, self.description))
        if self.anchor is not None and self.anchor_title is not None:
            found += [(ANCHOR, self.anchor), (ANCHOR_TITLE, self.anchor_title)]
        return found


@dataclass(frozen=True)
class _Skeleton:
    before: str
    after: str

    def fill(self, values: _Values, content: str) -> str:
        before, after = self.before, self.after
        for stand_in, value in values.pairs():
            before, after = before.replace(stand_in, value), after.replace(stand_in, value)
        return before + content + after


@dataclass(frozen=True)
class _Unchecked:
    skeleton: _Skeleton


def _inert(value: Any) -> bool:
    return isinstance(value, str) and _INERT.fullmatch(value) is not None


def _toc_shape(items: Iterable[AnchorLink]) -> tuple[Any, ...]:
    return tuple((item.level, item.id, item.title, _toc_shape(item.children)) for item in items)


class Skeletons:
    """Pages rendered through `render` (the theme's template run), or filled in from their kind's skeleton."""

    def __init__(self, render: Callable[[Page], str], reserved_segments: Iterable[str]) -> None:
        self._render = render
        self._reserved = frozenset(reserved_segments)
        # By kind: a skeleton checked against a second page, one waiting for that page, or None (no shortcut).
        self._kinds: dict[tuple[Any, ...], _Skeleton | _Unchecked | None] = {}
        self.filled = 0

    def render(self, page: Page) -> str:
        kind = self._kind(page)
        if kind is None:
            return self._render(page)
        known = self._kinds.get(kind)
        if isinstance(known, _Skeleton):
            self.filled += 1
            return known.fill(self._values(page), page.content or "")
        output = self._render(page)
        if kind not in self._kinds:  # the first page of its kind: the skeleton is made from it
            self._kinds[kind] = self._unchecked(page)
        elif isinstance(known, _Unchecked):  # the second: filled in, it must be what the templates made
            filled = known.skeleton.fill(self._values(page), page.content or "")
            self._kinds[kind] = known.skeleton if filled == output else None
        return output

    def _kind(self, page: Page) -> tuple[Any, ...] | None:
        meta = dict(page.meta)
        content = page.content or ""
        values = self._values(page)
        if page.is_homepage or page.parent is not None or page.previous_page or page.next_page:
            return None
        if not content or page.url.split("/", 1)[0] in self._reserved:
            return None
        if not all(_inert(value) for _, value in values.pairs()):
            return None
        if ("description" in meta) != (values.description is not None) or not values.title:
            return None
        toc = list(page.toc)
        first = toc[0] if toc else None
        title_in_meta = meta.pop("title", None) is not None
        meta.pop("description", None)
        return (
            meta.get("template", "main.html"),
            title_in_meta,
            page.url.count("/"),
            repr(sorted(meta.items())),
            None if first is None else (first.level, _toc_shape(first.children)),
            _toc_shape(toc[1:]),
            "<h1" in content,
        )

    @staticmethod
    def _values(page: Page) -> _Values:
        description = page.meta.get("description")
        toc = list(page.toc)
        first = toc[0] if toc else None
        return _Values(
            title=page.title or "",
            description=description if isinstance(description, str) else None,
            anchor=None if first is None else first.id,
            anchor_title=None if first is None else first.title,
        )

    def _unchecked(self, page: Page) -> _Unchecked | None:
        """The page rendered again with stand-ins for its values, cut around its content."""
        saved = (page._title_from_render, page.meta, page.toc)
        toc = list(page.toc)
        try:
            stand_ins = {"title": TITLE, "description": DESCRIPTION}
            page.meta = {**page.meta, **{key: value for key, value in stand_ins.items() if key in page.meta}}
            if "title" not in page.meta:
                page._title_from_render = TITLE
            if toc:
                first = AnchorLink(ANCHOR_TITLE, ANCHOR, toc[0].level)
                first.children = toc[0].children
                page.toc = TableOfContents([first, *toc[1:]])
            output = self._render(page)
        finally:
            page._title_from_render, page.meta, page.toc = saved
        content = page.content or ""
        if output.count(content) != 1:
            return None
        before, after = output.split(content)
        return _Unchecked(_Skeleton(before, after))
