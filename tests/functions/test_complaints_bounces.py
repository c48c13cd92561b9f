"""A complaint's mail that bounces, replayed as SES events through the SNS handler (like test_bounces.py): the
agency's complaint coordinator is told once which address failed and for which ticket; nobody else reads the
complainant's address; a notice that bounces tells no one. `both`: the in-memory store and DynamoDB Local."""

from __future__ import annotations

from chalicelib.applications.records import MessageKind
from chalicelib.wiring import Services

from tests.fakes.mailer import FakeMailer
from tests.functions.complaint_factories import (
    COMPLAINANT_EMAIL,
    COORDINATOR,
    SERVICE_OFFICER,
    SERVICE_ROLE,
    file,
    handler_links,
)
from tests.functions.factories import CLIENT
from tests.functions.test_bounces import replay, ses_event

ESCALATION = "kepala.dinas@disperinaker-klungkung.example"
ANSWER = "Mohon maaf, loket kini dibuka pukul 08.00 sampai 15.30 setiap hari kerja."


def sent(services: Services) -> FakeMailer:
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return mailer


def notices_to(services: Services, address: str) -> list[str]:
    return [e.text for e in sent(services).to(address) if "tidak terkirim" in e.subject]


def everyone_but(services: Services, address: str) -> list[str]:
    return [e.text + e.html for e in sent(services).sent if e.to != address]


def forward(services: Services) -> None:
    link = handler_links(sent(services), COORDINATOR)[-1]
    view = services.complaint_handling.view(link)
    services.complaint_handling.act(link, "teruskan", "", SERVICE_ROLE, view.form_token, CLIENT)
    services.deliver_outbox()


def test_a_bounced_receipt_tells_the_coordinator_which_address_failed_for_which_ticket(both: Services) -> None:
    ticket = file(both).complaint.ticket
    both.deliver_outbox()
    (receipt,) = sent(both).to(COMPLAINANT_EMAIL)
    replay(both, ses_event(receipt))
    (problem,) = both.store.mail_problems(ticket)
    assert (problem.address, problem.permanent) == (COMPLAINANT_EMAIL, True)
    both.deliver_outbox()
    (notice,) = [e for e in sent(both).to(COORDINATOR) if "tidak terkirim" in e.subject]
    assert notice.subject.startswith(f"Surel pengaduan {ticket} tidak terkirim")
    assert COMPLAINANT_EMAIL in notice.text and COMPLAINANT_EMAIL in notice.html
    assert "tanda terima pengaduan kepada pengadu" in notice.text and "Hubungi" not in notice.subject
    assert "hubungi pengadu melalui nomor itu" in notice.text
    assert not any(COMPLAINANT_EMAIL in text for text in everyone_but(both, COORDINATOR))


def test_the_same_event_twice_tells_the_coordinator_once(both: Services) -> None:
    ticket = file(both).complaint.ticket
    both.deliver_outbox()
    (receipt,) = sent(both).to(COMPLAINANT_EMAIL)
    replay(both, ses_event(receipt))
    replay(both, ses_event(receipt, "Complaint"))  # the same message reported again, as spam this time
    replay(both, ses_event(receipt))
    assert len(both.store.mail_problems(ticket)) == 1
    queued = [m for m in both.store.outbox_of(ticket) if m.kind == MessageKind.COMPLAINT_DELIVERY_PROBLEM]
    assert [m.to for m in queued] == [COORDINATOR]
    both.deliver_outbox()
    assert len(notices_to(both, COORDINATOR)) == 1


def test_an_answer_that_bounces_on_a_forwarded_confidential_complaint_reaches_only_the_coordinator(
    both: Services,
) -> None:
    ticket = file(both, confidential=True).complaint.ticket
    both.deliver_outbox()
    forward(both)
    link = handler_links(sent(both), SERVICE_OFFICER)[-1]
    view = both.complaint_handling.view(link)
    both.complaint_handling.act(link, "jawab", ANSWER, "", view.form_token, CLIENT)
    both.deliver_outbox()
    answer = sent(both).to(COMPLAINANT_EMAIL)[-1]
    assert "Tanggapan" in answer.subject
    replay(both, ses_event(answer))
    both.deliver_outbox()
    (notice,) = notices_to(both, COORDINATOR)
    assert "tanggapan kepada pengadu" in notice and COMPLAINANT_EMAIL in notice
    assert notices_to(both, SERVICE_OFFICER) == [] and notices_to(both, ESCALATION) == []
    assert not any(COMPLAINANT_EMAIL in text for text in everyone_but(both, COORDINATOR))
    assert ticket in notice


def test_a_forwarded_officers_bounced_link_is_reported_to_the_coordinator(both: Services) -> None:
    ticket = file(both).complaint.ticket
    both.deliver_outbox()
    forward(both)
    (request,) = sent(both).to(SERVICE_OFFICER)
    replay(both, ses_event(request))
    both.deliver_outbox()
    (notice,) = notices_to(both, COORDINATOR)
    assert SERVICE_OFFICER in notice and ticket in notice and "direktori petugas" in notice
    assert "permintaan tanggapan kepada petugas" in notice


def test_the_coordinators_own_bounce_with_nobody_else_listed_tells_the_forwarded_role_without_contact(
    both: Services,
) -> None:
    ticket = file(both, confidential=True).complaint.ticket
    both.deliver_outbox()
    forward(both)
    (request,) = [e for e in sent(both).to(COORDINATOR) if "perlu ditanggapi" in e.subject]
    replay(both, ses_event(request))
    both.deliver_outbox()
    assert notices_to(both, COORDINATOR) == []  # never told at the address that failed
    (notice,) = notices_to(both, SERVICE_OFFICER)
    assert COORDINATOR in notice and ticket in notice and COMPLAINANT_EMAIL not in notice


def test_a_bounced_receipt_with_the_only_coordinator_failing_is_told_to_no_one_else(both: Services) -> None:
    """The address that failed is the complainant's: only a coordinator may read it."""
    ticket = file(both, email=COORDINATOR).complaint.ticket  # the complainant wrote the coordinator's own address
    both.deliver_outbox()
    receipt = next(e for e in sent(both).to(COORDINATOR) if e.subject.startswith("Tanda terima"))
    forward(both)
    replay(both, ses_event(receipt))
    assert len(both.store.mail_problems(ticket)) == 1
    assert [m for m in both.store.outbox_of(ticket) if m.kind == MessageKind.COMPLAINT_DELIVERY_PROBLEM] == []


def test_a_notice_that_bounces_is_recorded_and_tells_no_one(both: Services) -> None:
    ticket = file(both).complaint.ticket
    both.deliver_outbox()
    replay(both, ses_event(sent(both).to(COMPLAINANT_EMAIL)[0]))
    both.deliver_outbox()
    (notice,) = [e for e in sent(both).to(COORDINATOR) if "tidak terkirim" in e.subject]
    replay(both, ses_event(notice))
    assert len(both.store.mail_problems(ticket)) == 2
    queued = [m for m in both.store.outbox_of(ticket) if m.kind == MessageKind.COMPLAINT_DELIVERY_PROBLEM]
    assert len(queued) == 1
