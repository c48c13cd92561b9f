"""sitegen.incremental: under `make serve`, an edited standard rebuilds only the pages that show it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sitegen.build import build_site
from sitegen.incremental import LiveBuildError, LiveSite
from sitegen.live_search import SearchRefresh

from tests.site.conftest import STANDARDS, article, page
from tests.site.pagefind_files import indexed_pages

pytestmark = pytest.mark.integration  # whole mkdocs builds

PASPOR = Path("disperinaker-klungkung") / "rekomendasi-paspor.md"
PASPOR_URL = "/disperinaker-klungkung/rekomendasi-paspor/"
TITLE = "\ntitle: Pelayanan Rekomendasi Paspor\n"


def live(tmp_path: Path) -> tuple[LiveSite, Path, Path]:
    """A copy of the standards, built whole into its site as `make serve` does at start."""
    standards = tmp_path / "standards"
    shutil.copytree(STANDARDS, standards)
    site = tmp_path / "site"
    built = LiveSite(standards, site)
    update = built.update()
    assert update.kind == "full"
    update.folder.rename(site)
    return built, standards, site


def move_in(update_folder: Path, files: tuple[str, ...], site: Path) -> None:
    for name in files:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (update_folder / name).replace(site / name)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def site_files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and "pagefind" not in p.parts and p.name != "standards.json"
    }


def test_an_edited_title_shows_on_its_page_its_agency_s_page_and_the_a_to_z_list_and_nothing_else_is_built(
    tmp_path: Path,
) -> None:
    site_state, standards, site = live(tmp_path)
    edit(standards / PASPOR, TITLE, "\ntitle: Pelayanan Rekomendasi Paspor Kilat\n")
    update = site_state.update()
    assert update.kind == "pages"
    assert set(update.pages) == {
        "disperinaker-klungkung/rekomendasi-paspor/index.md",
        "disperinaker-klungkung/rekomendasi-paspor/ajukan.md",  # the form's heading names the service
        "disperinaker-klungkung/index.md",
        "daftar-layanan/index.md",
    }
    move_in(update.folder, update.files, site)
    assert "Paspor Kilat" in article(page(site, PASPOR_URL))
    assert "Paspor Kilat" in article(page(site, "/disperinaker-klungkung/"))
    assert "Paspor Kilat" in article(page(site, "/daftar-layanan/"))
    data = json.loads((site / "data" / "standards.json").read_text(encoding="utf-8"))
    titles = {service["id"]: service["title"] for service in data["services"]}
    assert titles["disperinaker-klungkung/rekomendasi-paspor"] == "Pelayanan Rekomendasi Paspor Kilat"


def test_an_edited_product_rebuilds_the_service_s_own_page_only(tmp_path: Path) -> None:
    site_state, standards, site = live(tmp_path)
    product = "## Produk Pelayanan\n\nRekomendasi Paspor\n"
    edit(standards / PASPOR, product, product.replace("Paspor\n", "Paspor yang masih berlaku sampai akhir tahun\n"))
    update = site_state.update()
    assert update.pages == ("disperinaker-klungkung/rekomendasi-paspor/index.md",)
    assert set(update.files) == {"disperinaker-klungkung/rekomendasi-paspor/index.html", "data/standards.json"}
    move_in(update.folder, update.files, site)
    assert "masih berlaku sampai akhir tahun" in article(page(site, PASPOR_URL))


def test_after_edits_the_site_is_the_one_a_whole_build_makes(tmp_path: Path) -> None:
    site_state, standards, site = live(tmp_path)
    edit(standards / PASPOR, TITLE, "\ntitle: Pelayanan Rekomendasi Paspor Kilat\n")
    update = site_state.update()
    move_in(update.folder, update.files, site)
    whole = tmp_path / "whole"
    build_site(standards, whole)
    assert site_files(site) == site_files(whole)
    ours = json.loads((site / "data" / "standards.json").read_text(encoding="utf-8"))
    theirs = json.loads((whole / "data" / "standards.json").read_text(encoding="utf-8"))
    assert {**ours, "generated_at": ""} == {**theirs, "generated_at": ""}


def test_a_broken_edit_keeps_the_last_good_state_and_names_the_file_and_line(tmp_path: Path) -> None:
    site_state, standards, site = live(tmp_path)
    good = (standards / PASPOR).read_text(encoding="utf-8")
    edit(standards / PASPOR, "## Persyaratan Pelayanan", "## Persyaratan Yang Salah")
    with pytest.raises(LiveBuildError, match=r"KESALAHAN standards/disperinaker-klungkung/rekomendasi-paspor\.md:\d+"):
        site_state.update()
    assert not (tmp_path / "site.pages").exists()
    # Fixed again, with a new title: only now is anything built, from the last good state.
    (standards / PASPOR).write_text(good.replace(TITLE, "\ntitle: Pelayanan Rekomendasi Paspor Baru\n"), "utf-8")
    update = site_state.update()
    assert update.kind == "pages"
    move_in(update.folder, update.files, site)
    assert "Paspor Baru" in article(page(site, PASPOR_URL))


def test_nothing_changed_builds_nothing_and_a_new_file_builds_the_whole_site(tmp_path: Path) -> None:
    site_state, standards, _ = live(tmp_path)
    assert site_state.update().kind == "none"
    (standards / PASPOR).touch()  # the same content: no change
    assert site_state.update().kind == "none"
    shutil.copyfile(standards / PASPOR, standards / PASPOR.with_name("rekomendasi-paspor-kedua.md"))
    assert site_state.update().kind == "full"


def test_after_a_partial_rebuild_the_search_index_follows_in_the_background(tmp_path: Path) -> None:
    site_state, standards, site = live(tmp_path)
    product = "## Produk Pelayanan\n\nRekomendasi Paspor\n"
    edit(standards / PASPOR, product, product.replace("Paspor\n", "Paspor bersampul zamrudkatulistiwa\n"))
    update = site_state.update()
    move_in(update.folder, update.files, site)
    assert "zamrudkatulistiwa" not in indexed_pages(site)[PASPOR_URL]["content"]
    search = SearchRefresh(site)
    search.start(delay=30)  # an edit, then another before the quiet: only the second one's run happens
    search.start(delay=0.05)
    search.wait(120)
    assert search.refreshed == 1, search.failed
    assert "zamrudkatulistiwa" in indexed_pages(site)[PASPOR_URL]["content"]
    assert not (site / "pagefind.next").exists() and not (site / "pagefind.old").exists()
