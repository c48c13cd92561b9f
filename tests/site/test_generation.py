"""sitegen.generation: the catalogue and the pages' Markdown kept between builds, the same as made afresh."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from chalicelib.standard.catalogue import load_catalogue
from sitegen import generation, synthetic
from sitegen.generation import CachedParser, generated_pages
from sitegen.pages import all_pages
from sitegen.quality import verification_notes

from tests.site.conftest import STANDARDS


@pytest.fixture(params=["real", "synthetic"])
def standards(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    folder = tmp_path / "standards"
    if request.param == "real":
        shutil.copytree(STANDARDS, folder)
    else:
        synthetic.generate(folder, 40, 3)
    return folder


def test_a_second_parse_takes_every_standard_from_the_cache_and_is_the_same_catalogue(
    standards: Path, tmp_path: Path
) -> None:
    first = CachedParser(tmp_path / "standards.pickle")
    parsed = load_catalogue(standards, parse=first)
    first.save()
    second = CachedParser(tmp_path / "standards.pickle")
    again = load_catalogue(standards, parse=second)
    assert first.hits == 0 and second.hits == len(parsed.standards) > 0
    assert again == parsed == load_catalogue(standards)


def test_an_edited_file_is_parsed_again(standards: Path, tmp_path: Path) -> None:
    first = CachedParser(tmp_path / "standards.pickle")
    load_catalogue(standards, parse=first)
    first.save()
    edited = sorted(standards.glob("*/[!_]*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: Baru ", 1), encoding="utf-8")
    second = CachedParser(tmp_path / "standards.pickle")
    catalogue = load_catalogue(standards, parse=second)
    assert second.hits == len(catalogue.standards) - 1
    assert catalogue == load_catalogue(standards)


def test_the_pages_kept_are_all_pages_in_the_same_order(standards: Path, tmp_path: Path) -> None:
    catalogue = load_catalogue(standards)
    notes = verification_notes(catalogue, date.today())
    fresh, kept_first = generated_pages(catalogue, notes, tmp_path / "markdown.pickle")
    again, kept_second = generated_pages(catalogue, notes, tmp_path / "markdown.pickle")
    assert fresh == again == all_pages(catalogue, notes)
    assert kept_first == 0 and kept_second == len(catalogue.standards)


def test_a_change_of_code_renews_every_page(standards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = load_catalogue(standards)
    notes = verification_notes(catalogue, date.today())
    generated_pages(catalogue, notes, tmp_path / "markdown.pickle")
    monkeypatch.setattr(generation, "code_version", lambda: "the next version")
    _, kept = generated_pages(catalogue, notes, tmp_path / "markdown.pickle")
    assert kept == 0
