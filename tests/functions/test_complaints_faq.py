"""The anonymised answer to a frequent question: the coordinator answers a question and publishes it with a
question of their own words; the API serves it (page and JSON, cached 5 minutes) without the ticket or
anything of the asker; what would say too much is refused, naming the field, and changes nothing. Both stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from chalicelib.applications.validation import ValidationError
from chalicelib.complaints.records import ComplaintStatus
from chalicelib.wiring import Services

from tests.fakes.mailer import FakeMailer
from tests.functions.complaint_factories import (
    COMPLAINANT_EMAIL,
    COMPLAINANT_NAME,
    COORDINATOR,
    SERVICE_OFFICER,
    SERVICE_ROLE,
    file,
    handler_links,
)
from tests.functions.factories import BASE_URL, CLIENT, PASPOR, app_client

ASKED = "Apakah rekomendasi paspor bisa diurus oleh keluarga jika saya sedang bekerja di luar kota minggu ini?"
QUESTION = "Bolehkah rekomendasi paspor diurus oleh anggota keluarga pemohon?"
ANSWER = "Boleh, dengan surat kuasa bermeterai dan fotokopi KTP pemohon serta penerima kuasa."
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Origin": BASE_URL}
FAQ_PATH = f"/pengaduan/tanya-jawab/{PASPOR}"


def sent(services: Services) -> FakeMailer:
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return mailer


def coordinator_link(services: Services, **complaint: Any) -> tuple[str, str]:
    ticket = file(services, **{"category": "pertanyaan", "text": ASKED, **complaint}).complaint.ticket
    services.deliver_outbox()
    return ticket, handler_links(sent(services), COORDINATOR)[-1]


def answer(services: Services, link: str, question: str = QUESTION, text: str = ANSWER, **kw: Any) -> None:
    view = services.complaint_handling.view(link)
    services.complaint_handling.act(
        link, kw.get("action", "jawab"), text, "", view.form_token, CLIENT, publish=True, faq_question=question
    )


@pytest.fixture
def api(both: Services) -> Iterator[Client]:
    with app_client(both) as client:
        yield client


def test_an_answer_published_by_the_coordinator_is_served_without_the_ticket_or_the_asker(
    both: Services, api: Client
) -> None:
    ticket, link = coordinator_link(both)
    answer(both, link)
    stored = both.store.get_complaint(ticket)
    assert stored is not None and stored.status == ComplaintStatus.ANSWERED  # answered as usual, in one write
    response = api.http.get(f"{FAQ_PATH}?format=json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    document = json.loads(response.body)
    assert document["layanan"] == PASPOR
    [published] = document["tanya_jawab"]
    assert (published["pertanyaan"], published["jawaban"]) == (QUESTION, ANSWER)
    raw = response.body.decode()
    for private in (ticket, COMPLAINANT_NAME, COMPLAINANT_EMAIL, "bekerja di luar kota"):
        assert private not in raw
    page = api.http.get(FAQ_PATH)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=300"
    html = page.body.decode()
    assert QUESTION in html and ANSWER in html and ticket not in html and COMPLAINANT_NAME not in html
    assert f'href="/api{FAQ_PATH}?format=json"' in html and "SP4N-LAPOR!" in html


def test_a_service_without_published_answers_says_so_and_an_unknown_one_is_404(api: Client) -> None:
    assert json.loads(api.http.get(f"{FAQ_PATH}?format=json").body)["tanya_jawab"] == []
    assert "Belum ada tanya jawab" in api.http.get(FAQ_PATH).body.decode()
    assert api.http.get("/pengaduan/tanya-jawab/disperinaker-klungkung/tidak-ada?format=json").status_code == 404
    assert api.http.get("/pengaduan/tanya-jawab/disperinaker-klungkung/tidak-ada").status_code == 404


def test_answers_are_listed_newest_first(both: Services, clock: Any) -> None:
    _, first = coordinator_link(both)
    answer(both, first)
    clock.advance(minutes=5)
    _, second = coordinator_link(both, text=ASKED + " Terima kasih.", idempotency_key="dua")
    answer(both, second, question="Berapa lama rekomendasi paspor selesai diproses?", text="Tiga hari kerja.")
    published = both.store.published_answers(PASPOR, 50)
    assert [a.question for a in published] == ["Berapa lama rekomendasi paspor selesai diproses?", QUESTION]


@pytest.mark.parametrize(
    ("question", "text", "field"),
    [
        (f"Bolehkah {COMPLAINANT_NAME} menguasakan pengurusan paspor?", ANSWER, "pertanyaan_umum"),
        ("Bolehkah paspor diurus keluarga? Hubungi komang.sukadana@contoh.id", ANSWER, "pertanyaan_umum"),
        ("Bolehkah paspor diurus keluarga, nomor 0813 3700 1122?", ANSWER, "pertanyaan_umum"),
        ("Apakah rekomendasi paspor bisa diurus oleh keluarga?", ANSWER, "pertanyaan_umum"),  # the asker's words
        ("", ANSWER, "pertanyaan_umum"),
        (QUESTION, f"Boleh, Bapak {COMPLAINANT_NAME}, dengan surat kuasa bermeterai.", "teks"),
    ],
)
def test_a_publication_that_would_say_too_much_is_refused_and_changes_nothing(
    both: Services, question: str, text: str, field: str
) -> None:
    ticket, link = coordinator_link(both)
    with pytest.raises(ValidationError) as refused:
        answer(both, link, question=question, text=text)
    assert field in refused.value.errors
    stored = both.store.get_complaint(ticket)
    assert stored is not None and stored.status == ComplaintStatus.WITH_COORDINATOR
    assert both.store.published_answers(PASPOR, 50) == []
    answer(both, link)  # the link still acts, once the question is rewritten
    assert len(both.store.published_answers(PASPOR, 50)) == 1


def test_only_a_question_answered_by_the_coordinator_is_published(both: Services) -> None:
    ticket = file(both, category="pengaduan").complaint.ticket
    both.deliver_outbox()
    with pytest.raises(ValidationError) as refused:
        answer(both, handler_links(sent(both), COORDINATOR)[-1])
    assert "terbitkan" in refused.value.errors
    stored = both.store.get_complaint(ticket)
    assert stored is not None and stored.status == ComplaintStatus.WITH_COORDINATOR
    # A question forwarded: the forwarded role answers, but cannot publish.
    _, link = coordinator_link(both, idempotency_key="dua")
    view = both.complaint_handling.view(link)
    both.complaint_handling.act(link, "teruskan", "", SERVICE_ROLE, view.form_token, CLIENT)
    both.deliver_outbox()
    officer = handler_links(sent(both), SERVICE_OFFICER)[-1]
    with pytest.raises(ValidationError) as refused:
        answer(both, officer)
    assert "terbitkan" in refused.value.errors
    # Closing with a reason is not an answer to publish.
    _, third = coordinator_link(both, idempotency_key="tiga")
    with pytest.raises(ValidationError) as refused:
        answer(both, third, action="tutup")
    assert "terbitkan" in refused.value.errors
    assert both.store.published_answers(PASPOR, 50) == []


def test_the_coordinators_page_offers_publication_for_a_question_only_and_names_a_wrong_field(
    both: Services, api: Client
) -> None:
    _, link = coordinator_link(both)
    page = api.http.get(f"/pengaduan/tangani/{link}").body.decode()
    assert 'name="terbitkan" value="ya"' in page and 'name="pertanyaan_umum"' in page
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    values = {"tindakan": "jawab", "teks": ANSWER, "form_token": token, "terbitkan": "ya", "pertanyaan_umum": ASKED}
    refused = api.http.post(f"/pengaduan/tangani/{link}", headers=FORM, body=urlencode(values).encode())
    assert refused.status_code == 422 and "menyalin kalimat penanya" in refused.body.decode()
    values["pertanyaan_umum"] = QUESTION
    done = api.http.post(f"/pengaduan/tangani/{link}", headers=FORM, body=urlencode(values).encode())
    assert done.status_code == 303
    assert [a.question for a in both.store.published_answers(PASPOR, 50)] == [QUESTION]
    file(both, idempotency_key="aduan")  # a complaint of category pengaduan: no publication offered
    both.deliver_outbox()
    other = api.http.get(f"/pengaduan/tangani/{handler_links(sent(both), COORDINATOR)[-1]}").body.decode()
    assert 'name="terbitkan"' not in other
