"""The whole complaint path through the API, without JavaScript, on both stores: the form on a service page's
link, filing, the status page, the coordinator forwarding, the service's officer answering, the complainant
reading the answer and saying it resolved the complaint; and the published month figures."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from chalicelib.wiring import Services

from tests.fakes.mailer import FakeMailer
from tests.functions.complaint_factories import (
    COMPLAINANT_EMAIL,
    COMPLAINANT_NAME,
    COMPLAINANT_PHONE_E164,
    COORDINATOR,
    SERVICE_OFFICER,
    SERVICE_ROLE,
    handler_links,
    status_path_in,
)
from tests.functions.factories import BASE_URL, PASPOR, app_client

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SAME_ORIGIN = {**FORM, "Origin": BASE_URL}
TEXT = "Loket rekomendasi paspor tutup pada jam layanan, padahal saya sudah datang dua kali."
ANSWER = "Mohon maaf, loket kini dibuka pukul 08.00 sampai 15.30 setiap hari kerja."
LAPOR = "SP4N-LAPOR!"


@pytest.fixture
def api(both: Services) -> Iterator[Client]:
    with app_client(both) as client:
        yield client


def body(response: Any) -> str:
    return str(response.body.decode("utf-8"))


def post(client: Client, path: str, values: dict[str, str], headers: dict[str, str] = SAME_ORIGIN) -> Any:
    return client.http.post(path.removeprefix("/api"), headers=headers, body=urlencode(values).encode())


def complaint_values(**overrides: str) -> dict[str, str]:
    values = {
        "service": PASPOR,
        "kategori": "pengaduan",
        "uraian": TEXT,
        "nomor_permohonan": "DPTK-2026-000001",
        "nama": COMPLAINANT_NAME,
        "email": COMPLAINANT_EMAIL,
        "telepon": "0813 3700 1122",
        "rahasia": "ya",
        "idempotency_key": "satu",
    }
    values.update(overrides)
    return values


def form_token_of(page: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match is not None, page
    return match.group(1)


def test_the_form_is_offered_for_a_service_and_for_an_agency_and_names_sp4n_lapor(api: Client) -> None:
    page = body(api.http.get(f"/pengaduan/formulir?layanan={PASPOR}"))
    assert "Sampaikan pengaduan, saran, atau masukan" in page and LAPOR in page and "1708" in page
    assert f'name="service" value="{PASPOR}"' in page
    agency = body(api.http.get("/pengaduan/formulir?instansi=disperinaker-klungkung"))
    assert '<select id="service" name="service">' in agency and PASPOR in agency
    assert api.http.get("/pengaduan/formulir?instansi=dinsos-kalbar").status_code == 404  # takes none online


def test_each_form_carries_its_own_key_so_the_same_words_from_two_people_are_two_complaints(api: Client) -> None:
    pages = [body(api.http.get(f"/pengaduan/formulir?layanan={PASPOR}")) for _ in range(2)]
    keys = [re.findall(r'name="idempotency_key" value="([^"]+)"', page) for page in pages]
    assert all(len(found) == 1 for found in keys) and keys[0] != keys[1]
    first = post(api, "/pengaduan", complaint_values(nama="", email="", telepon="", rahasia="", idempotency_key="a"))
    second = post(api, "/pengaduan", complaint_values(nama="", email="", telepon="", rahasia="", idempotency_key="b"))
    assert first.headers["Location"] != second.headers["Location"]


def test_a_complaint_from_another_site_is_refused_and_stores_nothing(api: Client, both: Services) -> None:
    response = post(api, "/pengaduan", complaint_values(), {**FORM, "Origin": "https://jahat.example"})
    assert response.status_code == 403
    assert both.store.get_complaint("ADU-DPTK-2026-000001") is None


def test_bad_input_shows_the_form_again_with_each_field_named(api: Client, both: Services) -> None:
    response = post(api, "/pengaduan", complaint_values(uraian="pendek", email="bukan-surel"))
    assert response.status_code == 422
    page = body(response)
    assert 'href="#uraian"' in page and 'href="#email"' in page and "pendek" in page
    assert both.store.get_complaint("ADU-DPTK-2026-000001") is None


def test_filed_forwarded_answered_read_and_resolved(api: Client, both: Services, mailer: FakeMailer) -> None:
    filed = post(api, "/pengaduan", complaint_values())
    assert filed.status_code == 303
    status = filed.headers["Location"]
    assert status.startswith("/api/pengaduan/status/ADU-DPTK-2026-000001?key=") and status.endswith("&baru=1")
    page = body(api.http.get(status.removeprefix("/api")))
    assert "ADU-DPTK-2026-000001" in page and "Belum ada jawaban." in page and LAPOR in page
    assert post(api, "/pengaduan", complaint_values()).headers["Location"] == status  # a second click: same ticket

    both.deliver_outbox()
    assert status_path_in(mailer.to(COMPLAINANT_EMAIL)[0].text) in status
    [coordinator] = handler_links(mailer, COORDINATOR)
    coordinator_page = body(api.http.get(f"/pengaduan/tangani/{coordinator}"))
    assert COMPLAINANT_EMAIL in coordinator_page and COMPLAINANT_PHONE_E164 in coordinator_page
    forwarded = post(
        api,
        f"/pengaduan/tangani/{coordinator}",
        {"tindakan": "teruskan", "jabatan": SERVICE_ROLE, "teks": "", "form_token": form_token_of(coordinator_page)},
    )
    assert forwarded.status_code == 303

    both.deliver_outbox()
    [officer] = handler_links(mailer, SERVICE_OFFICER)
    officer_page = body(api.http.get(f"/pengaduan/tangani/{officer}"))
    for secret in (COMPLAINANT_NAME, COMPLAINANT_EMAIL, COMPLAINANT_PHONE_E164, "+62 813"):
        assert secret not in officer_page
        assert all(secret not in mail.text + mail.html for mail in mailer.to(SERVICE_OFFICER))
    assert 'value="tutup"' not in officer_page  # the forwarded role must answer
    answered = post(
        api,
        f"/pengaduan/tangani/{officer}",
        {"tindakan": "jawab", "teks": ANSWER, "form_token": form_token_of(officer_page)},
    )
    assert answered.status_code == 303
    assert (
        post(
            api,
            f"/pengaduan/tangani/{officer}",
            {"tindakan": "jawab", "teks": ANSWER, "form_token": form_token_of(officer_page)},
        ).status_code
        == 409
    )

    page = body(api.http.get(status.removeprefix("/api")))
    assert ANSWER in page and "Petugas Antar Kerja" in page and 'name="selesai"' in page
    both.deliver_outbox()
    assert ANSWER in mailer.to(COMPLAINANT_EMAIL)[-1].text

    assert post(api, status, {"selesai": "ya"}).status_code == 303
    page = body(api.http.get(status.removeprefix("/api")))
    assert "Selesai" in page and 'name="selesai"' not in page

    figures = json.loads(api.http.get("/pengaduan/angka/disperinaker-klungkung/2026-01").body)
    assert figures["semua"]["diterima"] == 1 and figures["semua"]["dijawab_tepat_waktu"] == 1
    assert figures["per_layanan"][PASPOR]["dijawab"] == 1


def test_the_months_figures_are_published_as_a_page_too(api: Client, both: Services, mailer: FakeMailer) -> None:
    post(api, "/pengaduan", complaint_values())
    both.deliver_outbox()
    [coordinator] = handler_links(mailer, COORDINATOR)
    token = form_token_of(body(api.http.get(f"/pengaduan/tangani/{coordinator}")))
    post(api, f"/pengaduan/tangani/{coordinator}", {"tindakan": "jawab", "teks": ANSWER, "form_token": token})
    page = body(api.http.get("/pengaduan/angka/disperinaker-klungkung"))  # this month by the fake clock
    assert "Januari 2026" in page and "Pelayanan Rekomendasi Paspor" in page and LAPOR in page
    row = re.search(r"<th scope=\"row\"[^>]*>Semua</th>(.*?)</tr>", page)
    assert row is not None and re.findall(r"<td>([^<]*)</td>", row.group(1))[:3] == ["1", "1", "1"]
    assert 'href="/api/pengaduan/angka/disperinaker-klungkung/2026-01"' in page
    assert api.http.get("/pengaduan/angka/disperinaker-klungkung?bulan=2026-13").status_code == 404


def test_a_handler_form_without_its_token_is_refused(api: Client, both: Services, mailer: FakeMailer) -> None:
    post(api, "/pengaduan", complaint_values())
    both.deliver_outbox()
    [coordinator] = handler_links(mailer, COORDINATOR)
    response = post(api, f"/pengaduan/tangani/{coordinator}", {"tindakan": "jawab", "teks": ANSWER, "form_token": "x"})
    assert response.status_code == 403
    assert both.complaint_handling.view(coordinator).state == "open"


def test_every_api_page_names_sp4n_lapor_as_the_national_channel(api: Client) -> None:
    for path in ("/", "/status/DPTK-2026-000001?key=" + "A" * 43, "/review/DPTK-2026-000001." + "A" * 43):
        page = body(api.http.get(path))
        assert LAPOR in page and "SMS 1708" in page and 'href="https://www.lapor.go.id/"' in page, path


def test_the_complainants_word_on_an_unknown_ticket_is_404_and_redirects_nowhere(api: Client) -> None:
    response = post(api, "/pengaduan/status/ADU-AA-0000-000000?key=%0D%0ASet-Cookie:x", {"selesai": ""})
    assert response.status_code == 404 and "Location" not in response.headers


def test_the_status_page_needs_the_key(api: Client) -> None:
    assert api.http.get("/pengaduan/status/ADU-DPTK-2026-000001?key=" + "A" * 43).status_code == 404
    assert api.http.get("/pengaduan/angka/disperinaker-klungkung/2026-13").status_code == 404
