"""sitegen.generation: the catalogue and the pages' Markdown kept between builds, the same as made afresh."""

from __future__ import annotations

import pickle
import shutil
from datetime import date
from pathlib import Path

import pytest
from chalicelib.standard.catalogue import load_catalogue
from chalicelib.standard.parsing import InvalidStandardError
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
    first = CachedParser(tmp_path / "standards.pickle", workers=2)
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


def test_files_with_errors_parsed_on_two_processes_are_told_in_order_and_not_kept(
    standards: Path, tmp_path: Path
) -> None:
    broken = sorted(standards.glob("*/[!_]*.md"))
    for path in (broken[0], broken[-1]):
        path.write_text(path.read_text(encoding="utf-8").replace("title: ", "judul: ", 1), encoding="utf-8")
    with pytest.raises(InvalidStandardError) as in_turn:
        load_catalogue(standards)
    parser = CachedParser(tmp_path / "standards.pickle", workers=2)
    with pytest.raises(InvalidStandardError) as shared:
        load_catalogue(standards, parse=parser)
    assert shared.value.problems == in_turn.value.problems
    assert {problem.file for problem in shared.value.problems} >= {str(broken[0].relative_to(standards.parent))}
    parser.save()
    assert len(pickle.loads((tmp_path / "standards.pickle").read_bytes())) == len(broken) - 2


def test_the_pages_kept_are_all_pages_in_the_same_order(standards: Path, tmp_path: Path) -> None:
    catalogue = load_catalogue(standards)
    notes = verification_notes(catalogue, date.today())
    fresh = generated_pages(catalogue, notes, tmp_path / "markdown.pickle")
    again = generated_pages(catalogue, notes, tmp_path / "markdown.pickle", workers=2)
    assert fresh.pages == again.pages == all_pages(catalogue, notes)
    assert fresh.kept == 0 and again.kept == len(catalogue.standards)


def test_a_change_of_code_renews_every_page(standards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = load_catalogue(standards)
    notes = verification_notes(catalogue, date.today())
    generated_pages(catalogue, notes, tmp_path / "markdown.pickle")
    monkeypatch.setattr(generation, "code_version", lambda: "the next version")
    assert generated_pages(catalogue, notes, tmp_path / "markdown.pickle").kept == 0
