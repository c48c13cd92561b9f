"""sitegen.open_data_text: data/standards.json, the published data indented with a service per line."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from chalicelib.standard.catalogue import Catalogue, load_catalogue
from sitegen import open_data_text, synthetic
from sitegen.open_data import base_url, published_data
from sitegen.open_data_text import OpenDataText
from sitegen.quality import verification_notes

from tests.site.conftest import STANDARDS


def published(catalogue: Catalogue, notes: dict[str, list[str]], text: str) -> dict[str, Any]:
    """The published data, with the generated_at of `text` (the clock moved in between)."""
    data: dict[str, Any] = published_data(catalogue, notes, datetime.now(UTC), base_url())
    data["generated_at"] = json.loads(text)["generated_at"]
    return data


def as_json_writes_it(catalogue: Catalogue, notes: dict[str, list[str]], text: str) -> str:
    """json.dumps(indent=1) of the published data, each service then put on one line as json.dumps writes it."""
    data = published(catalogue, notes, text)
    indented = json.dumps(data, ensure_ascii=False, indent=1)
    for entry in data["services"]:
        indented = indented.replace(
            "\n".join("  " + line for line in json.dumps(entry, ensure_ascii=False, indent=1).split("\n")),
            "  " + json.dumps(entry, ensure_ascii=False),
            1,
        )
    return indented + "\n"


@pytest.fixture(scope="module", params=["real", "synthetic"])
def catalogue(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    if request.param == "real":
        return load_catalogue(STANDARDS)
    folder = tmp_path_factory.mktemp("synthetic") / "standards"
    synthetic.generate(folder, 60, 4)
    return load_catalogue(folder)


def test_the_text_is_the_published_data_indented_with_a_service_per_line(catalogue: Catalogue) -> None:
    notes = verification_notes(catalogue, date.today())
    kept = OpenDataText()
    kept.update(catalogue, notes)
    text = kept.text(catalogue, notes)
    assert json.loads(text) == published(catalogue, notes, text)
    assert text == as_json_writes_it(catalogue, notes, text)
    lines = text.split("\n")
    services = [line for line in lines if line.startswith('  {"id": ')]
    assert len(services) == len(catalogue.standards)


def test_after_an_edit_only_the_edited_service_is_encoded_again(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = verification_notes(catalogue, date.today())
    kept = OpenDataText()
    kept.update(catalogue, notes)
    edited = replace(catalogue.standards[0], title="Layanan dengan Judul Baru")
    new = Catalogue(catalogue.agencies, (edited, *catalogue.standards[1:]))
    encoded: list[str] = []
    real = open_data_text._line

    def counted(entry: dict[str, Any]) -> str:
        encoded.append(entry["id"])
        return real(entry)

    monkeypatch.setattr(open_data_text, "_line", counted)
    kept.update(new, notes, {edited.key})
    text = kept.text(new, notes)
    assert encoded == [edited.key]
    assert text == as_json_writes_it(new, notes, text)
    assert "Layanan dengan Judul Baru" in text
