"""Kinerja layanan on the site: each service and agency page links to its published performance, served by the
API from counters (current without rebuilding the site, cached 5 minutes) as a page, JSON and CSV. Links only:
it works without JavaScript and keeps the static pages free of figures that would be stale by tomorrow."""

from __future__ import annotations

from html import escape

from chalicelib import messages as m

HEADING = m.PERFORMANCE_TITLE


def _section(path: str) -> str:
    items = [
        f'<li><a href="{escape(path)}">{escape(m.PERFORMANCE_SITE_LINK)}</a></li>',
        f'<li><a href="{escape(path)}?format=json">{escape(m.PERFORMANCE_JSON)}</a></li>',
        f'<li><a href="{escape(path)}?format=csv">{escape(m.PERFORMANCE_CSV)}</a></li>',
    ]
    links = f'<ul class="kinerja">\n{chr(10).join(items)}\n</ul>'
    return f"## {HEADING}\n\n<p>{escape(m.PERFORMANCE_SITE_TEXT)}</p>\n\n{links}\n"


def service_section(agency_id: str, service_id: str) -> str:
    return _section(f"/api/kinerja/layanan/{agency_id}/{service_id}")


def agency_section(agency_id: str) -> str:
    return _section(f"/api/kinerja/instansi/{agency_id}")
