"""Complaints through the services, on the memory store and on DynamoDB Local (`both`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chalicelib.applications.rate_limit import RateLimitedError
from chalicelib.applications.submissions import HoneypotError
from chalicelib.applications.validation import ValidationError
from chalicelib.complaints.figures import month_document
from chalicelib.complaints.filing import ComplaintNotFoundError, ComplaintsNotAcceptedError
from chalicelib.complaints.handling import HandlerLinkState, HandlerLinkStateError
from chalicelib.complaints.records import ComplaintEventKind, ComplaintStatus
from chalicelib.time.working_time import calendar_of
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.functions.complaint_factories import (
    COMPLAINANT_EMAIL,
    COMPLAINANT_NAME,
    COMPLAINANT_PHONE_E164,
    COORDINATOR,
    SERVICE_OFFICER,
    SERVICE_ROLE,
    file,
    handler_links,
)
from tests.functions.factories import CLIENT, LK3, PASPOR, make_services

AGENCY = "disperinaker-klungkung"


def coordinator_link(services: Services, mailer: FakeMailer) -> str:
    services.deliver_outbox()
    return handler_links(mailer, COORDINATOR)[-1]


def act(services: Services, link: str, action: str, text: str = "", role: str = "") -> None:
    view = services.complaint_handling.view(link)
    services.complaint_handling.act(link, action, text, role, view.form_token, CLIENT)


ANSWER = "Mohon maaf, loket kini dibuka pukul 08.00 sampai 15.30 setiap hari kerja."


def test_a_complaint_gets_a_ticket_a_receipt_and_reaches_the_coordinator(both: Services, mailer: FakeMailer) -> None:
    ticket = file(both)
    assert ticket.created and ticket.complaint.ticket == "ADU-DPTK-2026-000001"
    both.deliver_outbox()
    receipt = mailer.to(COMPLAINANT_EMAIL)
    assert len(receipt) == 1 and "ADU-DPTK-2026-000001" in receipt[0].text
    assert ticket.status_path in receipt[0].text
    assert len(handler_links(mailer, COORDINATOR)) == 1
    assert COMPLAINANT_EMAIL not in mailer.to(COORDINATOR)[0].text  # the contact is on the page, never in mail


def test_the_same_form_sent_twice_is_one_complaint(both: Services, mailer: FakeMailer) -> None:
    first = file(both, idempotency_key="k-1")
    again = file(both, idempotency_key="k-1")
    assert not again.created and again.complaint.ticket == first.complaint.ticket
    assert file(both).complaint.ticket != first.complaint.ticket  # another form is another complaint


def test_an_anonymous_complaint_has_no_receipt_mail_but_a_status_link(both: Services, mailer: FakeMailer) -> None:
    ticket = file(both, name="", email="", phone="")
    assert ticket.complaint.anonymous
    both.deliver_outbox()
    assert [email.to for email in mailer.sent] == [COORDINATOR]
    assert (
        both.complaints.status(ticket.complaint.ticket, ticket.status_key).complaint.ticket == ticket.complaint.ticket
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service": "tidak-ada/layanan"}, "service"),
        ({"category": "keluhan"}, "kategori"),
        ({"text": "pendek"}, "uraian"),
        ({"text": ""}, "uraian"),
        ({"application_reference": "DINSOS-2026-000001"}, "nomor_permohonan"),
        ({"email": "bukan surel"}, "email"),
        ({"phone": "12"}, "telepon"),
        ({"confidential": True, "name": "", "email": "", "phone": ""}, "rahasia"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(both: Services, overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        file(both, **overrides)
    assert field in refused.value.errors
    with pytest.raises(ComplaintNotFoundError):
        both.complaints.status("ADU-DPTK-2026-000001", "A" * 43)


def test_the_honeypot_stores_nothing(services: Services) -> None:
    with pytest.raises(HoneypotError):
        file(services, honeypot="http://spam.example")
    assert isinstance(services.store, MemoryStore) and not services.store.complaint_tables.complaints


def test_an_agency_without_a_complaint_role_takes_no_complaints_online(services: Services) -> None:
    with pytest.raises(ComplaintsNotAcceptedError):
        file(services, service=LK3)


def test_complaints_count_against_the_clients_rate_window(clock: FakeClock, mailer: FakeMailer) -> None:
    services = make_services(MemoryStore(), clock=clock, mailer=mailer, submission_rate_limit=2)
    file(services, text="Keluhan pertama tentang antrean yang panjang sekali.")
    file(services, text="Keluhan kedua tentang antrean yang panjang sekali.")
    with pytest.raises(RateLimitedError):
        file(services, text="Keluhan ketiga tentang antrean yang panjang sekali.")


def test_the_coordinator_answers_and_the_complainant_reads_it_on_the_status_page_and_by_mail(
    both: Services, mailer: FakeMailer
) -> None:
    ticket = file(both)
    act(both, coordinator_link(both, mailer), "jawab", ANSWER)
    view = both.complaints.status(ticket.complaint.ticket, ticket.status_key)
    assert view.complaint.status == ComplaintStatus.ANSWERED
    assert [event.text for event in view.public_events] == [ANSWER]
    both.deliver_outbox()
    assert ANSWER in mailer.to(COMPLAINANT_EMAIL)[-1].text


def test_a_forwarded_complaint_must_be_answered_by_the_services_role(both: Services, mailer: FakeMailer) -> None:
    ticket = file(both)
    act(both, coordinator_link(both, mailer), "teruskan", "Mohon ditindaklanjuti.", SERVICE_ROLE)
    both.deliver_outbox()
    [link] = handler_links(mailer, SERVICE_OFFICER)
    view = both.complaint_handling.view(link)
    assert view.state == HandlerLinkState.OPEN and not view.may_forward_or_close
    with pytest.raises(ValidationError) as refused:
        both.complaint_handling.act(link, "tutup", "Sudah ditangani di loket.", "", view.form_token, CLIENT)
    assert "tindakan" in refused.value.errors
    act(both, link, "jawab", ANSWER)
    status = both.complaints.status(ticket.complaint.ticket, ticket.status_key)
    assert status.complaint.status == ComplaintStatus.ANSWERED
    assert status.public_events[-1].role_name == "Petugas Antar Kerja"
    assert "Mohon ditindaklanjuti." not in [event.text for event in status.public_events]  # the note stays inside


def test_a_confidential_contact_never_reaches_the_forwarded_officer(both: Services, mailer: FakeMailer) -> None:
    file(both, confidential=True)
    coordinator = coordinator_link(both, mailer)
    seen_by_coordinator = both.complaint_handling.view(coordinator).complaint
    assert seen_by_coordinator is not None and seen_by_coordinator.contact.email == COMPLAINANT_EMAIL
    act(both, coordinator, "teruskan", "", SERVICE_ROLE)
    both.deliver_outbox()
    [link] = handler_links(mailer, SERVICE_OFFICER)
    view = both.complaint_handling.view(link)
    assert view.complaint is not None
    shown = repr(view)
    for secret in (COMPLAINANT_NAME, COMPLAINANT_EMAIL, COMPLAINANT_PHONE_E164):
        assert secret not in shown
        assert all(secret not in email.text + email.html for email in mailer.to(SERVICE_OFFICER))


def test_a_link_acts_once(both: Services, mailer: FakeMailer) -> None:
    file(both)
    link = coordinator_link(both, mailer)
    form_token = both.complaint_handling.view(link).form_token
    both.complaint_handling.act(link, "jawab", ANSWER, "", form_token, CLIENT)
    with pytest.raises(HandlerLinkStateError) as refused:
        both.complaint_handling.act(link, "tutup", "Sudah dijawab sebelumnya.", "", form_token, CLIENT)
    assert refused.value.view.state == HandlerLinkState.USED


def test_the_coordinator_closes_with_a_reason_the_complainant_reads(both: Services, mailer: FakeMailer) -> None:
    ticket = file(both)
    act(both, coordinator_link(both, mailer), "tutup", "Pengaduan yang sama sudah dijawab pada tiket sebelumnya.")
    view = both.complaints.status(ticket.complaint.ticket, ticket.status_key)
    assert view.complaint.status == ComplaintStatus.CLOSED
    assert view.public_events[-1].kind == ComplaintEventKind.CLOSED


def test_not_resolved_returns_it_to_the_coordinator_and_resolved_closes_it(both: Services, mailer: FakeMailer) -> None:
    ticket = file(both)
    act(both, coordinator_link(both, mailer), "jawab", ANSWER)
    number, key = ticket.complaint.ticket, ticket.status_key
    assert both.complaints.feedback(number, key, "tidak", CLIENT).complaint.status == ComplaintStatus.WITH_COORDINATOR
    act(both, coordinator_link(both, mailer), "jawab", ANSWER + " Kami juga menambah satu petugas.")
    closed = both.complaints.feedback(number, key, "ya", CLIENT)
    assert closed.complaint.status == ComplaintStatus.CLOSED and closed.complaint.resolved is True
    again = both.complaints.feedback(number, key, "tidak", CLIENT)  # said already: nothing changes
    assert again.complaint.status == ComplaintStatus.CLOSED and again.complaint.version == closed.complaint.version


def test_deadlines_follow_the_agencys_calendar(services: Services, clock: FakeClock) -> None:
    clock.set(datetime(2026, 3, 13, 2, 0, tzinfo=UTC))  # Friday 13 March 2026, 10:00 WITA
    complaint = file(services).complaint
    assert complaint.first_answer_due == datetime(2026, 3, 27, 2, 0, tzinfo=UTC)  # 14 days, as UU 25/2009 counts
    assert complaint.decision_due == datetime(2026, 5, 12, 2, 0, tzinfo=UTC)  # 60 days


def test_an_answer_after_the_deadline_is_counted_late(both: Services, clock: FakeClock, mailer: FakeMailer) -> None:
    on_time = file(both, text="Pertama: antrean panjang sekali di loket.")
    act(both, coordinator_link(both, mailer), "jawab", ANSWER)  # at once: 0 working minutes
    file(both, text="Kedua: antrean panjang sekali di loket.")
    link = coordinator_link(both, mailer)
    received = clock.now()
    clock.advance(days=15)
    act(both, link, "jawab", ANSWER)
    late_minutes = calendar_of(both.catalogue().agency(AGENCY).office_hours).working_minutes_between(
        received, clock.now()
    )
    assert late_minutes > 0
    month = on_time.complaint.month
    document = month_document(AGENCY, month, both.store.complaint_figures(AGENCY, month))
    assert document["semua"] == {
        "diterima": 2,
        "dijawab": 2,
        "dijawab_tepat_waktu": 1,
        "median_menit_kerja_sampai_jawaban_pertama": late_minutes / 2,
    }
    assert document["per_jenis"] == {"pengaduan": document["semua"]}
    assert document["per_layanan"] == {PASPOR: document["semua"]}


def test_each_action_is_one_transaction(services: Services, mailer: FakeMailer) -> None:
    store = services.store
    assert isinstance(store, MemoryStore)
    file(services)
    assert store.transactions == 1
    act(services, coordinator_link(services, mailer), "teruskan", "", SERVICE_ROLE)
    assert store.transactions == 2
