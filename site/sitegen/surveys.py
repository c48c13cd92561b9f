"""The survey's place on the site: each service and agency page links to its published index (IKM, served
by the API from counters, so it is current without rebuilding the site) and to the questionnaire."""

from __future__ import annotations

from html import escape

from chalicelib import messages as m

HEADING = "Survei Kepuasan Masyarakat"


def _links(results: str, form: str = "") -> str:
    items = [f'<li><a href="{escape(results)}">{escape(m.SURVEY_SITE_RESULTS)}</a></li>']
    if form:
        items.append(f'<li><a href="{escape(form)}">{escape(m.SURVEY_FILL)}</a></li>')
    return f'<ul class="survei">\n{chr(10).join(items)}\n</ul>'


def service_section(agency_id: str, service_id: str) -> str:
    path = f"{agency_id}/{service_id}"
    links = _links(f"/api/ikm/layanan/{path}", f"/api/survei/layanan/{path}")
    return f"## {HEADING}\n\n<p>{escape(m.SURVEY_SITE_TEXT)}</p>\n\n{links}\n"


def agency_section(agency_id: str) -> str:
    return f"## {HEADING}\n\n<p>{escape(m.SURVEY_SITE_TEXT)}</p>\n\n{_links(f'/api/ikm/instansi/{agency_id}')}\n"
