"""The survey on the site: every service and agency page links to its published index and the service page
to its questionnaire (plain links: they work without JavaScript)."""

from __future__ import annotations

from pathlib import Path

from chalicelib.standard.catalogue import Catalogue
from sitegen.pages import agency_page, service_page

from tests.site.conftest import PASPOR, article, page


def test_every_service_page_links_to_its_index_and_its_questionnaire(catalogue: Catalogue) -> None:
    for standard in catalogue.standards:
        text = service_page(catalogue, standard).markdown
        assert "## Survei Kepuasan Masyarakat" in text
        assert f'href="/api/ikm/layanan/{standard.key}"' in text
        assert f'href="/api/survei/layanan/{standard.key}"' in text
    paspor = service_page(catalogue, next(s for s in catalogue.standards if s.key == PASPOR)).markdown
    assert paspor.index("Survei Kepuasan Masyarakat") < paspor.index("maklumat-pelayanan")


def test_every_agency_page_links_to_the_agencys_index(catalogue: Catalogue) -> None:
    for agency in catalogue.agencies:
        text = agency_page(catalogue, agency).markdown
        assert f'href="/api/ikm/instansi/{agency.id}"' in text


def test_the_built_service_page_shows_the_links_in_its_article(site: Path) -> None:
    content = article(page(site, f"/{PASPOR}/"))
    assert '<h2 id="survei-kepuasan-masyarakat">Survei Kepuasan Masyarakat</h2>' in content
    assert f'<a href="/api/ikm/layanan/{PASPOR}">' in content
    assert f'<a href="/api/survei/layanan/{PASPOR}">Isi Survei Kepuasan Masyarakat</a>' in content
    assert f'data-ikm="/api/ikm/layanan/{PASPOR}?format=json"' in content
    assert 'src="../../assets/javascripts/angka.js"' in page(site, f"/{PASPOR}/")
    assert "angka.js" not in page(site, "/")  # only where figures are shown
