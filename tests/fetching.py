"""What makes a browser fetch from another host: read by the offline tests (tests/site/test_offline.py) and
by the benchmark that checks another engine's output the same way (bench/bench_zensical.py)."""

from __future__ import annotations

import re

# Attributes that make the browser fetch something (a link's href only navigates when clicked).
FETCHING = {
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "poster"),
    ("object", "data"),
    ("embed", "src"),
    ("audio", "src"),
    ("track", "src"),
    ("input", "src"),
}
FONT_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "use.typekit.net", "fonts.bunny.net")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def external(url: str) -> bool:
    """A URL naming a host (scheme://host or //host), not a path on this site."""
    return _EXTERNAL.match(url) is not None
