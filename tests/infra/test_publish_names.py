"""Which published files are immutable (cached a year, kept after a publish) and which are cached 5 minutes."""

from __future__ import annotations

from pathlib import Path

from infra.publish import IMMUTABLE, SHORT, LocalFile, cache_control, make_plan


def test_pagefind_chunks_are_named_by_their_content_and_kept_while_its_entry_file_is_short_lived() -> None:
    assert cache_control("pagefind/fragment/id_048d4d0.pf_fragment") == IMMUTABLE
    assert cache_control("pagefind/index/id_0e03593.pf_index") == IMMUTABLE
    assert cache_control("pagefind/pagefind.id_8d34d398a6.pf_meta") == IMMUTABLE
    assert cache_control("pagefind/pagefind-entry.json") == SHORT  # names the chunks of the current build
    assert cache_control("pagefind/pagefind.js") == SHORT
    assert cache_control("pagefind/wasm.id.pagefind") == SHORT


def test_a_publish_keeps_the_previous_builds_chunks_and_deletes_what_is_not_hashed() -> None:
    new = [LocalFile("pagefind/index/id_1111111.pf_index", Path("id_1111111.pf_index"), "a")]
    remote = {"pagefind/index/id_0e03593.pf_index": "b", "lama/index.html": "c"}
    plan = make_plan(new, remote)
    assert plan.kept == ["pagefind/index/id_0e03593.pf_index"] and plan.delete == ["lama/index.html"]
