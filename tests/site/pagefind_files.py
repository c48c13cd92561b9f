"""Read what Pagefind wrote into a built site: one fragment per indexed page (gzip, a signature, then JSON)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


def indexed_pages(site: Path) -> dict[str, dict[str, Any]]:
    """Every page in the search index by its URL: its text as indexed ('content'), 'meta' (title) and 'anchors'."""
    pages: dict[str, dict[str, Any]] = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(SIGNATURE), path.name
        fragment: dict[str, Any] = json.loads(data[len(SIGNATURE) :])
        pages[fragment["url"]] = fragment
    return pages
