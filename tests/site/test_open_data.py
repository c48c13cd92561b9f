"""data/standards.json: every service, with exactly the fourteen components, in structured form."""

from __future__ import annotations

from typing import Any

from chalicelib.standard.catalogue import Catalogue
from sitegen.open_data import DEFAULT_BASE_URL as BASE

COMPONENT_KEYS = {
    "requirements",
    "procedure",
    "duration",
    "fee",
    "product",
    "complaints",
    "legal_basis",
    "facilities",
    "competencies",
    "internal_supervision",
    "staffing",
    "service_guarantee",
    "safety_guarantee",
    "performance_evaluation",
}


def _service(open_data: dict[str, Any], service_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in open_data["services"] if s["id"] == service_id)
    return found


def test_open_data_lists_the_eight_services_each_with_exactly_the_fourteen_components(
    open_data: dict[str, Any],
) -> None:
    services = open_data["services"]
    assert len(services) == 8
    for service in services:
        assert set(service["components"]) == COMPONENT_KEYS, service["id"]
        assert {"id", "title", "agency", "url", "document_number", "components"} <= set(service)
        assert set(service["agency"]) == {"id", "name"}


def test_procedure_items_carry_their_actor(open_data: dict[str, Any]) -> None:
    items = _service(open_data, "disperinaker-klungkung/rekomendasi-paspor")["components"]["procedure"]["items"]
    assert len(items) == 5
    assert items[1]["actor"] == {"id": "petugas-antar-kerja", "name": "Petugas Antar Kerja"}
    assert all(item["text"] for item in items)


def test_duration_is_parsed_and_keeps_the_original_text(open_data: dict[str, Any]) -> None:
    duration = _service(open_data, "dinsospm-tarakan/pmbs")["components"]["duration"]
    assert (duration["min"], duration["max"], duration["value"], duration["unit"]) == (1, 3, None, "hari")
    assert duration["text"] == "1 – 3 Hari"


def test_fee_carries_the_amount_in_rupiah(open_data: dict[str, Any]) -> None:
    for service in open_data["services"]:
        assert service["components"]["fee"]["amount_idr"] == 0


def test_complaints_carry_channel_and_value(open_data: dict[str, Any]) -> None:
    channels = _service(open_data, "dinsos-kalbar/lk3")["components"]["complaints"]["channels"]
    assert {"channel": "whatsapp", "value": "082158948200", "label": "WhatsApp"} in channels
    assert all(set(c) >= {"channel", "value"} for c in channels)


def test_online_is_present_exactly_on_services_that_accept_applications(
    open_data: dict[str, Any], catalogue: Catalogue
) -> None:
    online = {s["id"] for s in open_data["services"] if "online" in s}
    assert online == {s.key for s in catalogue.standards if s.online}
    paspor = _service(open_data, "disperinaker-klungkung/rekomendasi-paspor")["online"]
    assert paspor["form_url"] == f"{BASE}/disperinaker-klungkung/rekomendasi-paspor/ajukan/"
    assert [step["role"] for step in paspor["approval_chain"]] == [
        "petugas-antar-kerja",
        "kepala-seksi-penempatan",
        "kepala-bidang-penempatan",
        "kepala-dinas",
    ]


def test_every_url_in_open_data_is_a_built_page(open_data: dict[str, Any], site: Any) -> None:
    for service in open_data["services"]:
        assert (site / service["url"].removeprefix(BASE).strip("/") / "index.html").exists()
        if "online" in service:
            assert (site / service["online"]["form_url"].removeprefix(BASE).strip("/") / "index.html").exists()


def test_open_data_says_when_by_whom_and_under_which_licence_it_is_published(open_data: dict[str, Any]) -> None:
    assert open_data["licence"]["id"] == "CC-BY-4.0"
    assert open_data["publisher"] == {"name": "Standar Pelayanan Publik", "url": f"{BASE}/"}
    assert open_data["generated_at"][:2] == "20" and "T" in open_data["generated_at"]
    assert open_data["url"] == f"{BASE}/data/standards.json"
    assert all(service["url"].startswith(f"{BASE}/") for service in open_data["services"])


def test_open_data_describes_each_agency_with_address_code_channels_and_maklumat(open_data: dict[str, Any]) -> None:
    klungkung = next(a for a in open_data["agencies"] if a["id"] == "disperinaker-klungkung")
    assert (
        klungkung["code"] == "DPTK" and klungkung["address"] and klungkung["url"] == f"{BASE}/disperinaker-klungkung/"
    )
    assert {"channel": "email", "value": "disperinakerklungkung@gmail.com", "label": "Surel"} in klungkung["channels"]
    assert klungkung["maklumat"] is None  # none published: never invented


def test_open_data_carries_the_verification_notes_readers_see(open_data: dict[str, Any]) -> None:
    paspor = _service(open_data, "disperinaker-klungkung/rekomendasi-paspor")
    assert any("20014" in note for note in paspor["verification_notes"])
    assert _service(open_data, "dinsos-kalbar/lk3")["verification_notes"] == []


def test_open_data_says_where_each_service_and_agency_publishes_its_month_figures(open_data: dict[str, Any]) -> None:
    paspor = _service(open_data, "disperinaker-klungkung/rekomendasi-paspor")
    url = f"{BASE}/api/kinerja/layanan/disperinaker-klungkung/rekomendasi-paspor"
    assert paspor["performance"] == {"page": url, "json": f"{url}?format=json", "csv": f"{url}?format=csv"}
    klungkung = next(a for a in open_data["agencies"] if a["id"] == "disperinaker-klungkung")
    assert klungkung["performance"]["csv"] == f"{BASE}/api/kinerja/instansi/disperinaker-klungkung?format=csv"
