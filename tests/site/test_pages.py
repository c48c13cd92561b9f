"""The built pages say what the standards say, in the order and form citizens need."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

from chalicelib.standard.catalogue import Catalogue, service_url
from chalicelib.standard.schema import COMPONENT_HEADINGS, MANAGEMENT, SERVICE_DELIVERY, Agency, Maklumat
from sitegen.pages import maklumat_html

from tests.site.conftest import PASPOR, article, page


def _section(content: str, key: str) -> str:
    css_class = "komponen--" + key.replace("_", "-")
    match = re.search(rf'<section class="komponen {css_class}">(.*?)</section>', content, re.DOTALL)
    assert match, f"no section {key}"
    return match.group(1)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def test_every_page_is_in_indonesian(site: Path) -> None:
    for path in site.rglob("*.html"):
        assert '<html lang="id"' in path.read_text(encoding="utf-8"), path


def test_service_page_has_the_fourteen_headings_in_order_with_service_delivery_first(site: Path) -> None:
    content = article(page(site, PASPOR))
    headings = [html.unescape(h) for h in re.findall(r"<h3[^>]*>(.*?)</h3>", content)]
    assert headings == [COMPONENT_HEADINGS[key] for key in (*SERVICE_DELIVERY, *MANAGEMENT)]
    groups = [html.unescape(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", content)]
    assert groups[:3] == ["Catatan verifikasi", "Komponen Penyampaian Pelayanan", "Komponen Pengelolaan Pelayanan"]
    assert content.index("Komponen Penyampaian") < content.index("Persyaratan Pelayanan")
    assert content.index("Komponen Pengelolaan") < content.index(">Dasar Hukum<")


def test_every_service_page_has_all_fourteen_components(site: Path, catalogue: Catalogue) -> None:
    for standard in catalogue.standards:
        content = article(page(site, service_url(standard)))
        assert content.count('<section class="komponen ') == 14, standard.key


def test_requirements_are_a_checklist_of_the_standards_items(site: Path, catalogue: Catalogue) -> None:
    standard = catalogue.find(PASPOR)
    assert standard is not None
    requirements = _section(article(page(site, PASPOR)), "requirements")
    labels = re.findall(r'<label><input type="checkbox" class="daftar-periksa__kotak">(.*?)</label>', requirements)
    items = standard.components["requirements"]
    numbered = zip(items.numbers, items.items, strict=True)
    assert [_text(label) for label in labels] == [f"{n}. {item}" for n, item in numbered]
    assert len(labels) == 11


def test_procedure_is_numbered_steps_each_naming_its_role(site: Path, catalogue: Catalogue) -> None:
    standard = catalogue.find(PASPOR)
    assert standard is not None
    agency = catalogue.agency(standard.agency_id)
    procedure = _section(article(page(site, PASPOR)), "procedure")
    steps = re.findall(r'<li class="langkah">(.*?)</li>', procedure, re.DOTALL)
    assert len(steps) == len(standard.procedure) == 5
    for step, expected in zip(steps, standard.procedure, strict=True):
        role = agency.role(expected.actor)
        assert role is not None
        assert expected.text in _text(step)
        assert f"Dilakukan oleh: {role.name}" in _text(step)
    assert '<ol class="prosedur">' in procedure


def test_a_free_service_shows_gratis(site: Path) -> None:
    fee = _section(article(page(site, PASPOR)), "fee")
    assert '<p class="komponen__ringkas"><strong>Gratis</strong></p>' in fee


def test_duration_shows_the_parsed_range_and_the_original_wording(site: Path) -> None:
    duration = _text(_section(article(page(site, "dinsospm-tarakan/pmbs")), "duration"))
    assert (
        duration == "Jangka Waktu Penyelesaian Dalam dokumen sumber: Jangka Waktu Pelayanan 1 sampai 3 hari 1 – 3 Hari"
    )


def test_document_number_and_date_are_shown(site: Path) -> None:
    facts = _text(article(page(site, "dinsospm-tarakan/pmbs")).split("</dl>")[0])
    assert "Nomor dokumen 000.8.3.2/0.3.19/DINSOPM" in facts
    assert "Tanggal 10 Januari 2025" in facts


def test_complaint_channels_are_working_links(site: Path) -> None:
    complaints = _section(article(page(site, "dinsos-kalbar/lk3")), "complaints")
    assert '<a href="tel:+62561732523">(0561) 732523</a>' in complaints
    assert '<a href="mailto:dinsos@kalbarprov.go.id">dinsos@kalbarprov.go.id</a>' in complaints
    assert '<a href="https://wa.me/6282158948200">082158948200</a>' in complaints
    assert '<a href="https://t.me/+6282158948200">082158948200</a>' in complaints
    assert '<a href="http://dinsos.kalbarprov.go.id/">' in complaints


def test_channels_that_cannot_be_linked_are_shown_as_text(site: Path) -> None:
    complaints = _section(article(page(site, "dinsos-kalbar/lk3")), "complaints")
    # A Facebook page name is not an address, and a fax number is not for calling.
    assert '<span class="saluran__nilai">Dinas Sosial Provinsi kalbar</span>' in complaints
    assert '<span class="saluran__nilai">(0561) 732524</span>' in complaints


def test_the_flowchart_has_one_lane_per_role_generated_from_the_steps(site: Path, catalogue: Catalogue) -> None:
    for standard in catalogue.standards:
        agency = catalogue.agency(standard.agency_id)
        match = re.search(
            r'<script[^>]*class="alur__sumber"[^>]*>(.*?)</script>', page(site, service_url(standard)), re.DOTALL
        )
        assert match, standard.key
        source = match.group(1).strip()  # a script data block: its text is not HTML-escaped
        assert source.startswith("flowchart TB")
        lanes = re.findall(r'subgraph \w+\["(.*?)"\]', source)
        roles = list(dict.fromkeys(step.actor for step in standard.procedure))
        assert lanes == [role.name if (role := agency.role(r)) else r for r in roles], standard.key
        assert source.count(" --> ") == len(standard.procedure) - 1


def test_mermaid_is_loaded_only_on_pages_with_a_diagram(site: Path) -> None:
    with_diagram = 0
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        has_diagram = 'class="alur__sumber"' in text
        loads_mermaid = re.search(r'data-mermaid="[^"]*assets/vendor/mermaid-[\d.]+\.min\.js"', text) is not None
        assert has_diagram == loads_mermaid, path
        with_diagram += has_diagram
    assert with_diagram == 8
    assert len(list((site / "assets" / "vendor").glob("mermaid-*.min.js"))) == 1


def test_the_online_link_appears_exactly_on_services_that_accept_applications(site: Path, catalogue: Catalogue) -> None:
    for standard in catalogue.standards:
        text = article(page(site, service_url(standard)))
        link = '<a class="tombol tombol--utama aksi-online" href="ajukan/">Ajukan permohonan secara daring</a>'
        assert (link in text) == (standard.online is not None), standard.key
    assert sum(s.online is not None for s in catalogue.standards) >= 2  # issue 12: PMBS is handled in person


def test_home_has_search_and_lists_every_agency(site: Path, catalogue: Catalogue) -> None:
    content = article(page(site, "/"))
    assert re.search(r'<form class="cari-beranda"[^>]*role="search"', content)
    assert '<input class="cari-beranda__masukan" id="cari-beranda" name="q"' in content
    for agency in catalogue.agencies:
        assert f'<a href="{agency.id}/">{html.escape(agency.name)}</a>' in content


def test_agency_page_has_its_pledge_address_channels_and_services(site: Path, catalogue: Catalogue) -> None:
    agency = catalogue.agency("disperinaker-klungkung")
    content = article(page(site, agency.id))
    text = _text(content)
    assert "Maklumat Pelayanan" in text
    # No source of the seeds carries a Maklumat: the page says so instead of showing an invented pledge.
    assert not agency.maklumat.published
    assert f"{agency.name} belum menerbitkan Maklumat Pelayanan" in text
    assert "sanggup menyelenggarakan pelayanan" not in text
    assert agency.address in text
    assert '<a href="mailto:disperinakerklungkung@gmail.com">' in content
    services = re.findall(r'<a href="([^"]+)/">', content.split('class="daftar-layanan"')[1].split("</ul>")[0])
    assert services == [s.id for s in catalogue.standards_of(agency.id)]


def test_the_navigation_is_home_and_the_a_to_z_list_whatever_the_number_of_agencies(site: Path) -> None:
    sidebar = page(site, PASPOR).split('<nav class="md-nav md-nav--primary"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]*)"[^>]*class="md-nav__link', sidebar)
    assert links == ["../..", "../../daftar-layanan/"]
    assert "Disperinaker Klungkung" not in sidebar and "Rekomendasi Paspor" not in sidebar
    home = page(site, "/")
    assert '<a href="disperinaker-klungkung/">' in home  # agencies are reached from the home page


def test_the_print_stylesheet_is_linked_and_hides_the_chrome(site: Path) -> None:
    assert 'href="../../assets/stylesheets/layanan.css"' in page(site, PASPOR)
    css = (site / "assets" / "stylesheets" / "layanan.css").read_text(encoding="utf-8")
    print_rules = css.split("@media print")[1]
    for chrome in (".md-header", ".md-sidebar", ".md-footer", ".md-search", ".aksi-online"):
        assert chrome in print_rules


def test_a_published_maklumat_is_shown_with_who_signed_it_and_when() -> None:
    agency = Agency(
        id="dinas-contoh", name="Dinas Contoh", short_name="Contoh", code="DCT", address="Jl. Contoh 1",
        complaint_channels=(), roles=(),
        maklumat=Maklumat("Kami sanggup melayani sesuai standar.", "I Made Contoh, Kepala Dinas", date(2025, 1, 10)),
    )  # fmt: skip
    shown = _text(maklumat_html(agency))
    assert "Kami sanggup melayani sesuai standar." in shown
    assert "I Made Contoh, Kepala Dinas, 10 Januari 2025" in shown and "(Maklumat Pelayanan Dinas Contoh)" in shown


def test_what_the_checker_found_is_shown_to_readers_as_catatan_verifikasi(site: Path) -> None:
    lpk = _text(article(page(site, "disperinaker-klungkung/rekomendasi-pendirian-lpk")))
    assert "Catatan verifikasi" in lpk and "sama persis dengan standar 'Pelayanan Tanda Daftar BKK'" in lpk
    paspor = _text(article(page(site, PASPOR)))
    assert "menyebut tahun 20014, yang tidak mungkin benar" in paspor
    assert "telah dicabut dan diganti Undang-Undang Nomor 18 Tahun 2017" in paspor
    assert "Catatan verifikasi" not in _text(article(page(site, "dinsos-kalbar/lk3")))  # nothing found there


def test_the_open_data_is_described_on_its_own_page_linked_from_every_footer(site: Path) -> None:
    described = _text(article(page(site, "data-terbuka")))
    assert "data/standards.json" in described and "Creative Commons Atribusi 4.0" in described
    for path in ("/", PASPOR, "disperinaker-klungkung"):
        assert '<a href="/data-terbuka/">Data terbuka</a>' in page(site, path)


def test_a_page_keeps_the_sources_headings_and_its_numbering_of_requirements(site: Path) -> None:
    lk3 = _text(article(page(site, "dinsos-kalbar/lk3")))
    assert "Jangka Waktu Penyelesaian Dalam dokumen sumber: Waktu Pelayanan" in lk3
    lpk = article(page(site, "disperinaker-klungkung/rekomendasi-pendirian-lpk"))
    numbers = re.findall(r'<span class="daftar-periksa__nomor">(\d+)\.</span>', lpk)
    assert numbers == ["1", "7", "8", "9", "10", "11"]  # as the source numbered them
