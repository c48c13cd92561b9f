"""build_site: strict mkdocs build into the given directory, search config, and clear failures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sitegen.build import REPO, SiteBuildError, build_site, defer_search_index, work_dir

from tests.site.conftest import STANDARDS

pytestmark = pytest.mark.integration  # runs the whole mkdocs build

AGENCY = "dinsospm-tarakan"


def _copy_agency(tmp_path: Path) -> Path:
    standards = tmp_path / "standards"
    shutil.copytree(STANDARDS / AGENCY, standards / AGENCY)
    return standards


def test_the_site_is_built_into_the_given_directory_and_nowhere_else(site: Path) -> None:
    assert (site / "index.html").exists()
    assert (site / "disperinaker-klungkung" / "rekomendasi-paspor" / "index.html").exists()
    assert (site / "disperinaker-klungkung" / "rekomendasi-paspor" / "ajukan" / "index.html").exists()
    assert (site / "data" / "standards.json").exists()
    assert (work_dir(site) / "docs" / "index.md").exists()
    assert not (REPO / "site" / "site").exists()


def test_search_matches_indonesian_words_as_written(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en"]
    assert index["config"]["pipeline"] == ["trimmer"]
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"]).casefold()
    for word in ("persyaratan", "paspor", "pencari kerja", "pengaduan"):
        assert word in text, word


def test_forms_and_diagram_sources_stay_out_of_the_search_index(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not any("/ajukan/" in doc["location"] for doc in index["docs"])
    assert not any("subgraph" in doc["text"] for doc in index["docs"])


def test_an_invalid_standard_aborts_the_build_with_the_checkers_messages(tmp_path: Path) -> None:
    standards = _copy_agency(tmp_path)
    service = standards / AGENCY / "pmbs.md"
    text = service.read_text(encoding="utf-8").replace("## Dasar Hukum", "## Dasar Hukumnya")
    service.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        build_site(standards, tmp_path / "site")
    message = str(exit_info.value.code)
    assert "KESALAHAN standards/dinsospm-tarakan/pmbs.md:" in message
    assert "judul komponen 'Dasar Hukumnya' tidak dikenal" in message
    assert "[Dasar Hukum] komponen tidak ada" in message
    assert not (tmp_path / "site").exists()


def test_a_link_to_a_missing_page_fails_the_strict_build(tmp_path: Path) -> None:
    standards = _copy_agency(tmp_path)
    service = standards / AGENCY / "pmbs.md"
    text = service.read_text(encoding="utf-8").replace("## Dasar Hukum\n", "## Dasar Hukum\n\n[Perda](perda-2020.md)\n")
    service.write_text(text, encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"perda-2020\.md"):
        build_site(standards, tmp_path / "site")


def test_a_rebuild_removes_pages_of_services_that_were_deleted(tmp_path: Path) -> None:
    standards = _copy_agency(tmp_path)
    out = tmp_path / "site"
    build_site(standards, out)
    assert (out / AGENCY / "pmbs" / "index.html").exists()
    shutil.copy(standards / AGENCY / "pmbs.md", standards / AGENCY / "pmbs-baru.md")
    (standards / AGENCY / "pmbs.md").unlink()
    build_site(standards, out)
    assert not (out / AGENCY / "pmbs").exists()
    assert (out / AGENCY / "pmbs-baru" / "index.html").exists()


def test_the_themes_script_waits_for_the_reader_to_open_search_before_fetching_the_index(site: Path) -> None:
    (bundle,) = (site / "assets" / "javascripts").glob("bundle.*.min.js")
    script = bundle.read_text(encoding="utf-8")
    assert 'location.protocol!=="file:"' not in script and "(!1)," in script


def test_a_theme_that_loads_search_differently_fails_the_build_instead_of_going_unpatched(tmp_path: Path) -> None:
    scripts = tmp_path / "assets" / "javascripts"
    scripts.mkdir(parents=True)
    (scripts / "bundle.0000.min.js").write_text("function setup(){return fetchIndex()}", encoding="utf-8")
    with pytest.raises(SiteBuildError, match="defer_search_index"):
        defer_search_index(tmp_path)
