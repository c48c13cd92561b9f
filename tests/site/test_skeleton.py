"""sitegen.skeleton: pages filled in from their kind's skeleton are the pages the theme's template makes."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from sitegen import build, synthetic
from sitegen.build import build_site
from sitegen.engine import Engine
from sitegen.skeleton import Skeletons


@dataclass
class FakePage:
    """What Skeletons reads of a mkdocs page."""

    _title_from_render: str
    content: str
    url: str = "dinas/layanan/"
    meta: dict[str, Any] = field(default_factory=dict)
    toc: Any = None
    is_homepage: bool = False
    parent: Any = None
    previous_page: Any = None
    next_page: Any = None

    def __post_init__(self) -> None:
        self.toc = [AnchorLink(self.title, self.title.lower().replace(" ", "-"), 1)]

    @property
    def title(self) -> str:  # as mkdocs' Page.title reads the first heading
        return self._title_from_render


class Counted:
    """A template, counting its runs."""

    def __init__(self, template: Callable[[FakePage], str]) -> None:
        self.template = template
        self.runs = 0

    def __call__(self, page: Page) -> str:
        self.runs += 1
        return self.template(cast(FakePage, page))


def theme(page: FakePage) -> str:
    skip = next(iter(page.toc)).url
    return f"<title>{page.title} - Situs</title><a href='{skip}'>Lewati</a><main>{page.content}</main>"


def pages(*titles: str) -> list[Page]:
    return [cast(Page, FakePage(title, f"<h1>{title}</h1><p>Isi {number}.</p>")) for number, title in enumerate(titles)]


def rendered(template: Counted, *titles: str) -> list[str]:
    skeletons = Skeletons(template, reserved_segments=())
    return [skeletons.render(page) for page in pages(*titles)]


def test_after_two_pages_of_a_kind_the_others_are_filled_in_without_running_the_template() -> None:
    template = Counted(theme)
    titles = [f"Layanan Nomor {number}" for number in range(10)]
    assert rendered(template, *titles) == [theme(cast(FakePage, page)) for page in pages(*titles)]
    assert template.runs == 3  # the first page, the first again with stand-ins, the second as the check


def test_a_template_that_shortens_the_title_fails_the_check_and_the_kind_stays_on_the_template() -> None:
    def shortening(page: FakePage) -> str:
        return f"<title>{page.title[:12]}</title><main>{page.content}</main>"

    template = Counted(shortening)
    titles = [f"Layanan Panjang Sekali Nomor {number}" for number in range(5)]
    assert rendered(template, *titles) == [shortening(cast(FakePage, page)) for page in pages(*titles)]
    assert template.runs == 6  # the stand-ins, then every page through the template


def test_a_template_that_reads_the_content_elsewhere_fails_the_check() -> None:
    def counting_words(page: FakePage) -> str:
        return f"<meta content='{len(page.content.split())}'><main>{page.content}</main>"

    template = Counted(counting_words)
    titles = ["Izin A", "Izin Bangunan Gedung", "Izin C", "Izin Reklame Besar Sekali"]
    assert rendered(template, *titles) == [counting_words(cast(FakePage, page)) for page in pages(*titles)]


def test_a_title_a_filter_could_change_is_rendered_by_the_template() -> None:
    template = Counted(theme)
    titles = ["Izin A", "Izin B", "Izin C & D", 'Izin "E"', "Izin  F"]
    assert rendered(template, *titles) == [theme(cast(FakePage, page)) for page in pages(*titles)]
    assert template.runs == 3 + 3


def test_pages_in_the_navigation_are_rendered_by_the_template() -> None:
    template = Counted(theme)
    skeletons = Skeletons(template, reserved_segments=("daftar-layanan",))
    homepage, listed = pages("Beranda", "Daftar Layanan")
    cast(FakePage, homepage).is_homepage = True
    cast(FakePage, listed).url = "daftar-layanan/"
    for _ in range(3):
        skeletons.render(homepage)
        skeletons.render(listed)
    assert template.runs == 6 and skeletons.filled == 0


@pytest.mark.integration
def test_a_site_built_with_skeletons_is_the_site_the_theme_makes_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standards = tmp_path / "standards"
    written = synthetic.generate(standards, 30, 3)
    # Titles a filter would change (escaped, stripped): their pages go through the theme's template.
    for path, title in zip(written[:2], ("Izin Usaha & Dagang", "Izin Toko 'Kecil'"), strict=True):
        quoted = title.replace("'", "''")
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^title: .*$", f"title: '{quoted}'", text, count=1, flags=re.M), encoding="utf-8")
    monkeypatch.setenv("LAYANAN_SITE_CACHE", "off")
    filled: list[int] = []

    class Recording(Engine):
        def build(self, workers: int = 1) -> None:
            super().build(workers=1)
            filled.append(self._skeletons.filled if self._skeletons else 0)

    monkeypatch.setattr(build, "Engine", Recording)
    build_site(standards, tmp_path / "skeletons")
    monkeypatch.setattr(build, "Engine", functools.partial(Recording, skeleton_pages=False))
    build_site(standards, tmp_path / "templates")
    html = {path.relative_to(tmp_path / "skeletons"): path for path in (tmp_path / "skeletons").rglob("*.html")}
    assert len(html) > 40
    for relative, path in html.items():
        assert path.read_bytes() == (tmp_path / "templates" / relative).read_bytes(), relative
    assert filled[0] > 30 and filled[1] == 0
