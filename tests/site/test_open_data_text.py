"""sitegen.open_data_text: data/standards.json as json.dumps(indent=1) writes it, each entry encoded once."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from chalicelib.standard.catalogue import Catalogue, load_catalogue
from sitegen import open_data_text, synthetic
from sitegen.open_data import base_url, published_data
from sitegen.open_data_text import OpenDataText
from sitegen.quality import verification_notes

from tests.site.conftest import STANDARDS


def as_json_writes_it(catalogue: Catalogue, notes: dict[str, list[str]], text: str) -> str:
    """json.dumps of the published data, with the generated_at of `text` (the clock moved in between)."""
    published: dict[str, Any] = published_data(catalogue, notes, datetime.now(UTC), base_url())
    published["generated_at"] = json.loads(text)["generated_at"]
    return json.dumps(published, ensure_ascii=False, indent=1) + "\n"


@pytest.fixture(scope="module", params=["real", "synthetic"])
def catalogue(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    if request.param == "real":
        return load_catalogue(STANDARDS)
    folder = tmp_path_factory.mktemp("synthetic") / "standards"
    synthetic.generate(folder, 60, 4)
    return load_catalogue(folder)


def test_the_text_is_what_json_dumps_writes(catalogue: Catalogue) -> None:
    notes = verification_notes(catalogue, date.today())
    kept = OpenDataText()
    kept.update(catalogue, notes)
    text = kept.text(catalogue, notes)
    assert text == as_json_writes_it(catalogue, notes, text)


def test_after_an_edit_only_the_edited_service_is_encoded_again(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = verification_notes(catalogue, date.today())
    kept = OpenDataText()
    kept.update(catalogue, notes)
    edited = replace(catalogue.standards[0], title="Layanan dengan Judul Baru")
    new = Catalogue(catalogue.agencies, (edited, *catalogue.standards[1:]))
    encoded: list[str] = []
    real = open_data_text._indented

    def counted(entry: dict[str, Any]) -> str:
        encoded.append(entry["id"])
        return real(entry)

    monkeypatch.setattr(open_data_text, "_indented", counted)
    kept.update(new, notes, {edited.key})
    text = kept.text(new, notes)
    assert encoded == [edited.key]
    assert text == as_json_writes_it(new, notes, text)
    assert "Layanan dengan Judul Baru" in text


def test_entries_kept_on_disk_are_not_encoded_by_the_next_build(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = verification_notes(catalogue, date.today())
    first = OpenDataText.load(tmp_path / "open-data.pickle")
    first.update(catalogue, notes)
    first.save(tmp_path / "open-data.pickle")

    def never(entry: object) -> str:
        raise AssertionError("an unchanged entry was encoded again")

    monkeypatch.setattr(open_data_text, "_indented", never)
    second = OpenDataText.load(tmp_path / "open-data.pickle")
    second.update(catalogue, notes)
    text = second.text(catalogue, notes)
    assert text == as_json_writes_it(catalogue, notes, text)


def test_an_unreadable_cache_is_only_slower(catalogue: Catalogue, tmp_path: Path) -> None:
    (tmp_path / "open-data.pickle").write_bytes(b"bukan pickle")
    notes = verification_notes(catalogue, date.today())
    kept = OpenDataText.load(tmp_path / "open-data.pickle")
    kept.update(catalogue, notes)
    text = kept.text(catalogue, notes)
    assert text == as_json_writes_it(catalogue, notes, text)
