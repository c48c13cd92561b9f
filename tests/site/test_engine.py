"""sitegen.engine: the same site as mkdocs' own build, on two processes, from a cache of rendered pages."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from sitegen import engine
from sitegen.build import build_site, work_dir
from sitegen.engine import Engine, EngineError

from tests.site.conftest import STANDARDS

pytestmark = pytest.mark.integration  # mkdocs builds of the real standards


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mkdocs configuration and docs a real `sitegen build` writes, to build again by each engine."""
    out = tmp_path_factory.mktemp("generated") / "site"
    built = build_site(STANDARDS, out)
    for path, markdown in built.pages.items():  # on disk, for mkdocs' own build
        (built.docs / path).parent.mkdir(parents=True, exist_ok=True)
        (built.docs / path).write_text(markdown, encoding="utf-8")
    return work_dir(out) / "mkdocs.yml"


def configured(config: Path, site: Path) -> Path:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["site_dir"] = str(site)
    path = site.with_suffix(".yml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}


def mkdocs_build(config: Path, site: Path) -> dict[str, bytes]:
    build(load_config(str(configured(config, site)), strict=True))
    return files_of(site)


def test_two_workers_write_the_same_files_byte_for_byte_as_mkdocs_build(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PARALLEL_FROM_PAGES", 2)  # the real standards are few pages
    expected = mkdocs_build(config, tmp_path / "mkdocs")
    Engine(configured(config, tmp_path / "engine")).build(workers=2)
    assert files_of(tmp_path / "engine") == expected
    assert len(expected) > 20


def test_pages_held_in_memory_build_the_site_mkdocs_builds_from_files(config: Path, tmp_path: Path) -> None:
    expected = mkdocs_build(config, tmp_path / "mkdocs")
    docs = Path(yaml.safe_load(config.read_text(encoding="utf-8"))["docs_dir"])
    pages = {path.relative_to(docs).as_posix(): path.read_text(encoding="utf-8") for path in docs.rglob("*.md")}
    shutil.copytree(docs, tmp_path / "assets-only", ignore=shutil.ignore_patterns("*.md"))
    data = yaml.safe_load(configured(config, tmp_path / "engine").read_text(encoding="utf-8"))
    data["docs_dir"] = str(tmp_path / "assets-only")
    path = tmp_path / "in-memory.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    Engine(path, pages=pages).build()
    assert files_of(tmp_path / "engine") == expected
    assert len(pages) > 15


def test_a_second_build_takes_every_page_from_the_cache_and_writes_the_same_site(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = Engine(configured(config, tmp_path / "first"), cache)
    first.build()
    second = Engine(configured(config, tmp_path / "second"), cache)

    def no_template(*args: object) -> bytes:
        raise AssertionError("a page went through the templates again")

    monkeypatch.setattr(Engine, "_write", no_template)  # without plugins, whole pages are kept: none is rendered
    second.build()
    assert first.cache.hits == 0 and first.cache.misses > 0
    assert second.cache.misses == 0 and second.cache.hits > 0
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")


def test_with_a_plugin_only_the_markdown_conversion_is_kept(config: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"] = ["search"]  # it reads every page as it is rendered: pages go through the templates again
    with_search = tmp_path / "search.yml"
    with_search.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cache = tmp_path / "cache"
    Engine(configured(with_search, tmp_path / "first"), cache).build()
    second = Engine(configured(with_search, tmp_path / "second"), cache)
    second.build()
    assert second.cache.misses == 0 and second.cache.hits > 0
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")
    assert (tmp_path / "second" / "search" / "search_index.json").exists()


def test_a_new_generator_version_renders_every_page_again(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    Engine(configured(config, tmp_path / "first"), cache).build()
    monkeypatch.setattr(engine, "generator_version", lambda: "another version of sitegen")
    again = Engine(configured(config, tmp_path / "second"), cache)
    again.build()
    assert again.cache.hits == 0


def test_the_generator_version_follows_sitegen_s_own_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "sitegen"
    shutil.copytree(Path(engine.__file__).parent, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(engine, "__file__", str(code / "engine.py"))
    before = engine.generator_version()
    (code / "pages.py").write_text((code / "pages.py").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert engine.generator_version() != before


def test_a_warning_fails_the_build_and_the_page_that_warned_is_not_cached(config: Path, tmp_path: Path) -> None:
    docs = Path(yaml.safe_load(config.read_text(encoding="utf-8"))["docs_dir"])
    broken = tmp_path / "docs"
    shutil.copytree(docs, broken)
    home = broken / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\n[Hilang](tidak-ada.md)\n", encoding="utf-8")
    data = yaml.safe_load(configured(config, tmp_path / "site").read_text(encoding="utf-8"))
    data["docs_dir"] = str(broken)
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cache = tmp_path / "cache"
    for _ in range(2):  # the second time too: the warning is not lost to the cache
        failing = Engine(path, cache)
        with pytest.raises(EngineError, match=r"tidak-ada\.md"):
            failing.build()
    assert failing.cache.misses >= 1


def test_a_rebuilt_page_is_written_where_asked_and_the_site_is_left_alone(config: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    built = Engine(configured(config, site))
    built.build()
    before = files_of(site)
    home = (Path(yaml.safe_load(config.read_text(encoding="utf-8"))["docs_dir"]) / "index.md").read_text("utf-8")
    built.rebuild_pages({"index.md": home}, tmp_path / "partial")
    assert (tmp_path / "partial" / "index.html").read_bytes() == before["index.html"]
    assert files_of(site) == before


def test_mkdocs_warnings_are_not_left_to_the_root_logger(config: Path, tmp_path: Path) -> None:
    handlers = list(logging.getLogger("mkdocs").handlers)
    Engine(configured(config, tmp_path / "site")).build()
    assert logging.getLogger("mkdocs").handlers == handlers


def test_what_an_earlier_build_left_and_this_one_does_not_write_is_removed(config: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    stale = site / "layanan-yang-dihapus" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("<p>halaman lama</p>", encoding="utf-8")
    expected = mkdocs_build(config, tmp_path / "mkdocs")
    Engine(configured(config, site)).build()
    assert not stale.parent.exists()
    assert files_of(site) == expected


def test_cached_pages_no_build_used_for_two_weeks_are_forgotten(config: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Engine(configured(config, tmp_path / "first"), cache).build()
    stale = cache / "ab" / ("ab" + "0" * 62 + ".pickle")
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"from an earlier generator")
    month_ago = time.time() - 30 * 86400
    for entry in cache.glob("*/*.pickle"):  # all old; the second build takes what it needs, which is kept
        os.utime(entry, (month_ago, month_ago))
    Engine(configured(config, tmp_path / "second"), cache).build()
    assert not stale.exists()
    third = Engine(configured(config, tmp_path / "third"), cache)
    third.build()
    assert third.cache.misses == 0 and third.cache.hits > 0
