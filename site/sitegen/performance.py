"""Kinerja layanan on the site: each service and agency page links to its published performance, served by the
API from counters (current without rebuilding the site, cached 5 minutes) as a page, JSON and CSV. With
JavaScript, assets/javascripts/angka.js reads the latest months into the section; without, the links lead to
the same figures. The static pages never hold figures that would be stale by tomorrow."""

from __future__ import annotations

import json
from html import escape

from chalicelib import messages as m
from chalicelib.time.formatting import MONTHS

from sitegen.surveys import NOT_SEARCHED

HEADING = m.PERFORMANCE_TITLE


def _section(path: str) -> str:
    items = [
        f'<li><a href="{escape(path)}">{escape(m.PERFORMANCE_SITE_LINK)}</a></li>',
        f'<li><a href="{escape(path)}?format=json">{escape(m.PERFORMANCE_JSON)}</a></li>',
        f'<li><a href="{escape(path)}?format=csv">{escape(m.PERFORMANCE_CSV)}</a></li>',
    ]
    links = f'<ul class="kinerja">\n{chr(10).join(items)}\n</ul>'
    words = escape(json.dumps({**m.PERFORMANCE_SCRIPT, "months": list(MONTHS)}, ensure_ascii=False))
    data = f'data-kinerja="{escape(path)}?format=json" data-pesan="{words}"'
    return f"## {HEADING}\n\n<div {data} {NOT_SEARCHED}>\n<p>{escape(m.PERFORMANCE_SITE_TEXT)}</p>\n{links}\n</div>\n"


def service_section(agency_id: str, service_id: str) -> str:
    return _section(f"/api/kinerja/layanan/{agency_id}/{service_id}")


def agency_section(agency_id: str) -> str:
    return _section(f"/api/kinerja/instansi/{agency_id}")
