"""The routes, through chalice's test client: status codes, content types, pages, and what they store."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import urlencode

from chalice.test import Client
from chalicelib.applications.records import SubmissionStatus
from chalicelib.officers.directory import Directory
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import (
    APPLICANT_EMAIL,
    BASE_URL,
    LK3,
    NIK_WOMAN,
    OFFICER_1,
    OFFICER_2,
    app_client,
    directory_replacing,
    form_body,
    json_body,
    links_for,
    make_services,
    paspor_fields,
    stored,
)

JSON = {"content-type": "application/json", "accept": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
SAME_ORIGIN = {**FORM, "origin": BASE_URL, "sec-fetch-site": "same-origin"}


def post_json(client: Client, body: Any) -> Any:
    return client.http.post("/submissions", headers=JSON, body=json.dumps(body).encode())


def post_form(client: Client, pairs: dict[str, str]) -> Any:
    return client.http.post("/submissions", headers=FORM, body=urlencode(pairs).encode())


def page(response: Any) -> str:
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return str(response.body.decode("utf-8"))


def officer_link(services: Services, officer: str = OFFICER_1) -> str:
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return links_for(mailer, officer)[-1]


def form_token_of(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def submitted(client: Client, services: Services) -> str:
    assert post_json(client, json_body()).status_code == 201
    return officer_link(services)


# --- submissions -----------------------------------------------------------------------------------------------


def test_a_json_submission_answers_201_with_the_reference_and_status_url(client: Client) -> None:
    response = post_json(client, json_body(idempotency_key="k1"))
    assert response.status_code == 201
    body = json.loads(response.body)
    assert body["reference"] == "DPTK-2026-000001"
    assert body["status_url"].startswith("/api/status/DPTK-2026-000001?key=")
    assert body["next_step"] == "Petugas Antar Kerja" and body["steps"] == 4
    assert body["expected_completion_text"] == "Senin, 12 Januari 2026 pukul 11.00 WITA"


def test_a_repeated_json_submission_answers_200_with_the_same_submission(client: Client, services: Services) -> None:
    first = json.loads(post_json(client, json_body(idempotency_key="k1")).body)
    again = post_json(client, json_body(idempotency_key="k1"))
    assert again.status_code == 200
    assert json.loads(again.body) == first
    assert len(stored(services)["submissions"]) == 1


def test_a_plain_form_post_is_redirected_to_the_confirmation_page_which_links_the_status_page(client: Client) -> None:
    response = post_form(client, form_body())
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/api/status/DPTK-2026-000001/terkirim?key=")
    html = page(client.http.get(location.removeprefix("/api")))
    assert "<title>Permohonan terkirim" in html and "<h1>Permohonan terkirim</h1>" in html
    assert '<p class="nomor" style="white-space:nowrap' in html and ">DPTK-2026-000001</p>" in html
    assert f"Tanda terima dikirim ke {APPLICANT_EMAIL}." in html
    key = location.split("key=")[1]
    status_url = f"{BASE_URL}/api/status/DPTK-2026-000001?key={key}"
    assert f'<input type="text" id="tautan-status" value="{status_url}" readonly' in html  # shown, copyable
    assert f'<a href="{status_url}">Lihat status permohonan</a>' in html
    status = page(client.http.get(f"/status/DPTK-2026-000001?key={key}"))
    assert "Petugas Antar Kerja" in status and "langkah 1 dari 4" in status


def test_the_confirmation_says_what_happens_next_where_when_and_what_to_bring(client: Client) -> None:
    location = post_form(client, form_body()).headers["Location"]
    html = page(client.http.get(location.removeprefix("/api")))
    assert "Apa yang terjadi selanjutnya" in html
    assert "Target selesai: Senin, 12 Januari 2026 pukul 11.00 WITA" in html
    # Where: the agency's address as its file gives it, nothing invented; no hours stated, so none shown.
    assert "Dinas Perindustrian dan Tenaga Kerja Kabupaten Klungkung<br>Kabupaten Klungkung, Bali" in html
    assert "belum mencantumkan jam layanan" in html
    # What to bring: the originals of every requirement; and the interview the procedure names.
    assert "Berkas asli yang dibawa" in html and "<li>Perjanjian penempatan</li>" in html
    assert "mewawancarai Anda" in html
    assert "Produk layanan yang Anda terima: Rekomendasi Paspor." in html
    assert "Dilakukan oleh: Kepala Seksi Penempatan dan Informasi Pasar Kerja" in html


def test_the_confirmation_of_a_wrong_key_is_404_and_names_nothing(client: Client) -> None:
    post_form(client, form_body())
    response = client.http.get("/status/DPTK-2026-000001/terkirim?key=" + "A" * 43)
    assert response.status_code == 404
    assert "DPTK-2026-000001" not in page(response)


def test_a_double_clicked_plain_form_is_one_submission_and_the_second_says_it_was_sent_already(
    client: Client, services: Services
) -> None:
    first, second = post_form(client, form_body()), post_form(client, form_body())
    assert second.headers["Location"] == first.headers["Location"] + "&ulang=1"
    assert len(stored(services)["submissions"]) == 1
    html = page(client.http.get(second.headers["Location"].removeprefix("/api")))
    assert "<h1>Permohonan ini sudah terkirim</h1>" in html and "Tidak ada permohonan baru yang dibuat" in html
    assert ">DPTK-2026-000001</p>" in html


def test_a_json_submission_names_its_confirmation_page_the_same_when_repeated(client: Client) -> None:
    first = json.loads(post_json(client, json_body(idempotency_key="k9")).body)
    assert first["confirmation_url"] == first["status_url"].replace("?key=", "/terkirim?key=")
    assert (
        json.loads(post_json(client, json_body(idempotency_key="k9")).body)["confirmation_url"]
        == (first["confirmation_url"])
    )


def test_a_form_posted_from_another_site_is_403_in_indonesian_and_stores_nothing(
    client: Client, services: Services
) -> None:
    before = stored(services)
    body = urlencode(form_body()).encode()
    for headers in (
        {**FORM, "origin": "https://evil.example"},
        {**FORM, "sec-fetch-site": "cross-site"},
        {**FORM, "referer": "https://evil.example/form.html"},
        {**JSON, "origin": "https://evil.example"},
    ):
        response = client.http.post("/submissions", headers=headers, body=body)
        assert response.status_code == 403
        assert "Permohonan hanya dapat dikirim dari formulir di situs layanan ini" in response.body.decode()
    assert stored(services) == before
    # The site's own form, and clients that name no origin at all, still go through.
    assert client.http.post("/submissions", headers=SAME_ORIGIN, body=body).status_code == 303


def test_json_errors_are_422_with_a_message_per_field(client: Client, services: Services) -> None:
    response = post_json(client, json_body(fields=paspor_fields(nik="5105015708", telepon="12"), consent=False))
    assert response.status_code == 422
    errors = json.loads(response.body)["errors"]
    assert set(errors) == {"nik", "telepon", "persetujuan_data"}
    assert stored(services)["submissions"] == {}


def test_a_form_with_errors_comes_back_with_the_values_and_an_error_summary(client: Client) -> None:
    response = post_form(client, form_body(fields=paspor_fields(nik="5105015708"), persyaratan_3=""))
    assert response.status_code == 422
    html = page(response)
    assert "Ada yang perlu diperbaiki" in html
    assert "NIK harus 16 digit angka." in html
    assert "Centang semua persyaratan" in html
    assert 'value="Ni Made Ayu Lestari"' in html  # what the applicant typed is kept
    assert 'value="5105015708"' in html
    assert 'action="/api/submissions"' in html


def test_a_form_for_an_unknown_service_is_a_422_page(client: Client) -> None:
    response = post_form(client, {"service": "tidak/ada", "nama": "x"})
    assert response.status_code == 422
    assert "Layanan tidak dikenal" in page(response)


def test_the_honeypot_looks_accepted_and_stores_nothing(client: Client, services: Services) -> None:
    assert post_json(client, json_body(website="http://spam.example")).status_code == 202
    assert post_form(client, form_body(website="http://spam.example")).status_code == 202
    assert stored(services)["submissions"] == {}


def test_bodies_that_are_not_applications_are_400_and_413(client: Client) -> None:
    assert client.http.post("/submissions", headers=JSON, body=b"{bukan json").status_code == 400
    assert client.http.post("/submissions", headers=JSON, body=b"[1, 2]").status_code == 400
    huge = json.dumps(json_body(fields=paspor_fields(alamat="x" * 70_000))).encode()
    assert client.http.post("/submissions", headers=JSON, body=huge).status_code == 413


def test_other_content_types_are_415(client: Client) -> None:
    response = client.http.post("/submissions", headers={"content-type": "text/plain"}, body=b"halo")
    assert response.status_code == 415


def test_a_service_without_officers_is_503(client: Client, services: Services) -> None:
    services.submissions = services.submissions.__class__(
        services.store, services.catalogue, lambda: Directory(), services.clock, services.nonces, services.secret, 7
    )
    assert post_json(client, json_body()).status_code == 503


# --- the status page -------------------------------------------------------------------------------------------


def test_the_status_is_json_when_asked_for(client: Client) -> None:
    url = json.loads(post_json(client, json_body()).body)["status_url"].removeprefix("/api")
    response = client.http.get(url, headers={"accept": "application/json"})
    assert response.status_code == 200
    body = json.loads(response.body)
    assert body["status"] == "diproses"
    assert [row["state"] for row in body["timeline"]] == ["diperiksa", "menunggu", "menunggu", "menunggu"]
    assert "nik" not in json.dumps(body)


def test_a_wrong_status_key_is_404_and_says_nothing_about_the_submission(client: Client) -> None:
    post_json(client, json_body())
    response = client.http.get("/status/DPTK-2026-000001?key=" + "A" * 43)
    assert response.status_code == 404
    assert "DPTK-2026-000001" not in page(response)
    assert client.http.get("/status/DPTK-2026-000001").status_code == 404


def test_pages_are_never_cached_framed_or_leaked_by_referrer(client: Client) -> None:
    url = post_form(client, form_body()).headers["Location"].removeprefix("/api")
    headers = client.http.get(url).headers
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none': no script at all


# --- officers -------------------------------------------------------------------------------------------------


def test_get_and_head_of_a_review_link_show_it_and_change_nothing(client: Client, services: Services) -> None:
    token = submitted(client, services)
    before = stored(services)
    response = client.http.get(f"/review/{token}")
    assert response.status_code == 200
    html = page(response)
    assert "Ni Made Ayu Lestari" in html and "+6281234567890" in html
    assert "Langkah 1 dari 4" in html
    head = client.http.request("HEAD", f"/review/{token}")
    assert head.status_code == 200 and head.body == b""
    assert stored(services) == before


def test_approving_redirects_to_the_link_which_then_shows_the_decision(client: Client, services: Services) -> None:
    token = submitted(client, services)
    html = page(client.http.get(f"/review/{token}"))
    body = urlencode({"decision": "approve", "form_token": form_token_of(html)}).encode()
    response = client.http.post(f"/review/{token}", headers=SAME_ORIGIN, body=body)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/api/review/{token}"
    after = page(client.http.get(f"/review/{token}"))
    assert "Keputusan tersimpan." in after and OFFICER_1 in after
    assert "Ni Made Ayu Lestari" not in after  # no applicant data once decided
    # a double click: the same answer, nothing more stored
    before = stored(services)
    assert client.http.post(f"/review/{token}", headers=SAME_ORIGIN, body=body).status_code == 303
    assert stored(services) == before
    assert len(links_for_next(services)) == 1


def links_for_next(services: Services) -> list[str]:
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return links_for(mailer, OFFICER_2)


def test_a_cross_site_post_is_403_and_changes_nothing(client: Client, services: Services) -> None:
    token = submitted(client, services)
    body = urlencode({"decision": "approve", "form_token": form_token_of(page(client.http.get(f"/review/{token}")))})
    before = stored(services)
    for headers in (
        {**FORM, "origin": "https://jahat.example"},
        {**FORM, "sec-fetch-site": "cross-site"},
        {**FORM, "origin": "null"},
    ):
        assert client.http.post(f"/review/{token}", headers=headers, body=body.encode()).status_code == 403
    assert stored(services) == before


def test_a_post_without_the_pages_form_token_is_403(client: Client, services: Services) -> None:
    token = submitted(client, services)
    body = urlencode({"decision": "approve"}).encode()
    assert client.http.post(f"/review/{token}", headers=SAME_ORIGIN, body=body).status_code == 403


def test_rejecting_without_a_reason_shows_the_form_again_with_the_error(client: Client, services: Services) -> None:
    token = submitted(client, services)
    form = form_token_of(page(client.http.get(f"/review/{token}")))
    body = urlencode({"decision": "reject", "reason": "  ", "form_token": form}).encode()
    response = client.http.post(f"/review/{token}", headers=SAME_ORIGIN, body=body)
    assert response.status_code == 422
    assert "Alasan penolakan wajib diisi" in page(response)


def test_rejecting_with_a_reason_finishes_the_application(client: Client, services: Services) -> None:
    token = submitted(client, services)
    form = form_token_of(page(client.http.get(f"/review/{token}")))
    body = urlencode({"decision": "reject", "reason": "SIP belum ada.", "form_token": form}).encode()
    assert client.http.post(f"/review/{token}", headers=SAME_ORIGIN, body=body).status_code == 303
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    assert "SIP belum ada." in mailer.to(APPLICANT_EMAIL)[-1].text


def test_a_second_officer_of_a_decided_step_gets_409_with_who_decided(client: Client, services: Services) -> None:
    assert post_json(client, json_body(service=LK3)).status_code == 201
    first = officer_link(services, "bidang.teknis@dinsos-kalbar.example")
    second = officer_link(services, "rehsos@dinsos-kalbar.example")
    # both open their page before either decides
    bodies = {
        token: urlencode(
            {"decision": "approve", "form_token": form_token_of(page(client.http.get(f"/review/{token}")))}
        )
        for token in (first, second)
    }
    assert client.http.post(f"/review/{first}", headers=SAME_ORIGIN, body=bodies[first].encode()).status_code == 303
    response = client.http.post(f"/review/{second}", headers=SAME_ORIGIN, body=bodies[second].encode())
    assert response.status_code == 409
    html = page(response)
    assert "Langkah ini sudah diputuskan." in html and "bidang.teknis@dinsos-kalbar.example" in html
    store = services.store
    assert isinstance(store, MemoryStore)
    assert next(iter(store.submissions.values())).status == SubmissionStatus.APPROVED


def test_unknown_and_malformed_links_are_404(client: Client) -> None:
    unknown = "DPTK-2026-000001." + "A" * 43
    assert client.http.get(f"/review/{unknown}").status_code == 404
    assert client.http.get("/review/" + "A" * 43).status_code == 404  # a token without its reference
    assert client.http.get("/review/kurang-panjang").status_code == 404
    body = urlencode({"decision": "approve", "form_token": "x"}).encode()
    assert client.http.post(f"/review/{unknown}", headers=SAME_ORIGIN, body=body).status_code == 403


def test_an_expired_link_is_410_and_can_have_a_new_one_sent(
    client: Client, services: Services, clock: FakeClock
) -> None:
    token = submitted(client, services)
    clock.advance(days=8)
    response = client.http.get(f"/review/{token}")
    assert response.status_code == 410
    html = page(response)
    assert "sudah kedaluwarsa" in html and "Kirim tautan baru" in html
    body = urlencode({"form_token": form_token_of(html)}).encode()
    assert client.http.post(f"/review/{token}/renew", headers=SAME_ORIGIN, body=body).status_code == 303
    assert "Tautan baru sudah dikirim" in page(client.http.get(f"/review/{token}"))
    assert client.http.post(f"/review/{token}/renew", headers=SAME_ORIGIN, body=body).status_code == 410
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    assert len(links_for(mailer, OFFICER_1)) == 2


def test_the_openapi_document_is_served(client: Client) -> None:
    response = client.http.get("/openapi.json")
    assert response.status_code == 200
    assert json.loads(response.body)["openapi"].startswith("3.")
    assert client.http.request("HEAD", "/openapi.json").body == b""


def test_a_removed_officers_link_is_403_without_the_applicants_data_and_decides_nothing(
    client: Client, services: Services, clock: FakeClock
) -> None:
    link = submitted(client, services)
    form = form_token_of(page(client.http.get(f"/review/{link}")))
    successor = "pengganti.antarkerja@disperinaker-klungkung.example"
    after = make_services(services.store, clock=clock, directory_=directory_replacing(OFFICER_1, successor))
    with app_client(after) as restarted:  # `make officers` restarts the functions: a new process
        response = restarted.http.get(f"/review/{link}")
        html = page(response)
        assert response.status_code == 403
        assert "Tautan ini bukan lagi milik Anda." in html
        assert "Ni Made Ayu Lestari" not in html and NIK_WOMAN not in html and "+6281234567890" not in html
        before = stored(after)
        body = urlencode({"decision": "approve", "form_token": form}).encode()
        assert restarted.http.post(f"/review/{link}", headers=SAME_ORIGIN, body=body).status_code == 403
        assert stored(after) == before
        # Passed on from that page to whoever holds the role now.
        renew = urlencode({"form_token": form_token_of(html)}).encode()
        assert restarted.http.post(f"/review/{link}/renew", headers=SAME_ORIGIN, body=renew).status_code == 303
        after.deliver_outbox()
        assert isinstance(after.mailer, FakeMailer) and links_for(after.mailer, successor)
        assert "sudah diteruskan" in page(restarted.http.get(f"/review/{link}"))


# --- what the applicant reads next, and the officer's reasons and dates ----------------------------------------


def test_the_status_page_says_what_happens_next_and_its_deadline_in_formal_words(client: Client) -> None:
    url = json.loads(post_json(client, json_body()).body)["status_url"].removeprefix("/api")
    html = page(client.http.get(url))
    assert "Apa yang terjadi selanjutnya" in html and "Berkas asli yang dibawa" in html
    assert "Target selesai: Senin, 12 Januari 2026 pukul 11.00 WITA, sesuai standar pelayanan." in html
    assert "Perkiraan selesai" not in html and "paling lambat" not in html
    assert "Standar pelayanan Pelayanan" not in html  # the standard's title starts with "Pelayanan"


def test_a_plain_form_over_the_rate_limit_gets_a_way_back_to_its_form(client: Client) -> None:
    for n in range(10):
        assert post_json(client, json_body(fields=paspor_fields(nama=f"Pemohon {n}"))).status_code == 201
    refused = post_form(client, form_body(fields=paspor_fields(nama="Pemohon 10")))
    assert refused.status_code == 429
    html = page(refused)
    assert '<a href="/disperinaker-klungkung/rekomendasi-paspor/ajukan/">Kembali ke formulir permohonan</a>' in html


def test_a_form_sent_back_with_errors_has_kesalahan_before_its_title(client: Client) -> None:
    html = page(post_form(client, form_body(fields=paspor_fields(nik="5105015708"))))
    assert "<title>Kesalahan: Perbaiki permohonan: Pelayanan Rekomendasi Paspor" in html
    assert '<span class="sr-only">Kesalahan:</span>' in html and "Galat" not in html


def reject(client: Client, link: str, reason: str) -> Any:
    form = form_token_of(page(client.http.get(f"/review/{link}")))
    body = urlencode({"decision": "reject", "reason": reason, "form_token": form}).encode()
    return client.http.post(f"/review/{link}", headers=SAME_ORIGIN, body=body)


def test_rejecting_without_a_reason_shows_an_error_summary_first_focused_and_marks_the_field(
    client: Client, services: Services
) -> None:
    link = submitted(client, services)
    response = reject(client, link, " \n ")
    assert response.status_code == 422
    html = page(response)
    main = html.split('<main id="isi">')[1]
    assert main.lstrip().startswith('<div class="ringkasan-galat" id="ringkasan-galat" role="alert" tabindex="-1"')
    summary = main.split("</div>")[0]
    assert "autofocus" in summary and "Ada yang perlu diperbaiki" in summary
    assert '<a href="#alasan">Alasan penolakan wajib diisi' in summary
    assert '<p class="galat" id="alasan-galat"><span class="sr-only">Kesalahan:</span> Alasan penolakan' in html
    textarea = re.search(r"<textarea[^>]*>", html)
    assert textarea and 'aria-invalid="true"' in textarea.group(0)
    assert "<title>Kesalahan: Permohonan DPTK-2026-000001" in html
    # The browser's own (English) bubble never stands in for this page.
    assert re.search(
        r'<form class="keputusan" method="post" action="[^"]+" novalidate>\s*<input[^>]*>\s*<input[^>]*"reject"', html
    )


def test_a_one_character_reason_is_not_a_reason(client: Client, services: Services) -> None:
    link = submitted(client, services)
    for reason in ("x", "tidak", "  x  y  "):
        response = reject(client, link, reason)
        assert response.status_code == 422, reason
        assert "Alasan penolakan terlalu singkat" in page(response)
    assert reject(client, link, "SIP belum ada.").status_code == 303


def test_officers_read_dates_as_indonesians_write_them(client: Client, services: Services) -> None:
    link = submitted(client, services)
    html = page(client.http.get(f"/review/{link}"))
    assert "<dd>17 Agustus 1990</dd>" in html
    assert "1990-08-17" not in html


def test_the_apps_warnings_reach_the_log_as_they_would_on_lambda() -> None:
    """Chalice sets its logger to ERROR unless debug is on: the 429 and 'not stored' warnings would vanish."""
    import app

    assert app.app.log.isEnabledFor(logging.WARNING) and app.app.log.isEnabledFor(logging.INFO)
