"""The survey's place on the site: each service and agency page has a section showing its published index
(IKM, served by the API from counters, so it is current without rebuilding the site). With JavaScript,
assets/javascripts/angka.js reads the figures into the section; without, its plain link leads to them. The
service page also links to the questionnaire."""

from __future__ import annotations

import json
from html import escape

from chalicelib import messages as m

HEADING = "Survei Kepuasan Masyarakat"
# The same sentences on every page: left out of the search index (Pagefind reads data-pagefind-ignore), so
# that they do not crowd every result's excerpt. The heading stays searchable: "survei" still finds every
# page, the services whose own standard speaks of surveys first.
NOT_SEARCHED = "data-pagefind-ignore"


def _section(results: str, form: str = "") -> str:
    items = [f'<li><a href="{escape(results)}">{escape(m.SURVEY_SITE_RESULTS)}</a></li>']
    if form:
        items.append(f'<li><a href="{escape(form)}">{escape(m.SURVEY_FILL)}</a></li>')
    words = escape(json.dumps(m.SURVEY_SCRIPT, ensure_ascii=False))
    data = f'data-ikm="{escape(results)}?format=json" data-pesan="{words}"'
    return (
        f'## {HEADING}\n\n<div class="survei" {data} {NOT_SEARCHED}>\n<p>{escape(m.SURVEY_SITE_TEXT)}</p>\n'
        f'<ul class="survei__tautan">\n{chr(10).join(items)}\n</ul>\n</div>\n'
    )


def service_section(agency_id: str, service_id: str) -> str:
    path = f"{agency_id}/{service_id}"
    return _section(f"/api/ikm/layanan/{path}", f"/api/survei/layanan/{path}")


def agency_section(agency_id: str) -> str:
    return _section(f"/api/ikm/instansi/{agency_id}")
