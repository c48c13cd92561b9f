"""When a complaint's mail bounces (or is reported as spam): who is told, and that it is told once.

mail/bounces.py records SES's report against the outbox message (applications/mail_problems.py) and, for a
complaint's message, queues these notices in the same transaction. They go to the agency's complaint
coordinator role, the only role allowed to see a complainant's contact, because the failed address may be
the complainant's; never to the coordinator whose own address failed. Only when the failed mail went to an
officer (not to the complainant) and no other coordinator is listed is the role the complaint was forwarded
to told instead: the address is then an officer's, not a contact. A notice has the failed message's own
number (notice_seq), so an event SES or SNS delivers twice queues nothing twice; a notice that itself
bounces tells no one (no loops).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.applications.mail_problems import MAX_NOTICES, MailProblem, notice_seq
from chalicelib.applications.records import MessageKind, OutboxMessage
from chalicelib.complaints.records import Complaint
from chalicelib.officers.directory import Directory

TO_COMPLAINANT = frozenset({MessageKind.COMPLAINT_RECEIPT, MessageKind.COMPLAINT_ANSWER})

FAILED_TEXT = {
    MessageKind.COMPLAINT_RECEIPT: "tanda terima pengaduan kepada pengadu",
    MessageKind.COMPLAINT_ANSWER: "tanggapan kepada pengadu",
    MessageKind.COMPLAINT_REQUEST: "permintaan tanggapan kepada petugas (tautan penanganan)",
    MessageKind.COMPLAINT_REMINDER: "pengingat batas waktu tanggapan kepada petugas (tautan penanganan)",
    MessageKind.COMPLAINT_DECISION_REMINDER: "pengingat batas waktu penyelesaian kepada petugas (tautan penanganan)",
    MessageKind.COMPLAINT_ESCALATION: "pemberitahuan eskalasi kepada pimpinan",
    MessageKind.COMPLAINT_DECISION_ESCALATION: "pemberitahuan eskalasi kepada pimpinan",
}


def to_complainant(complaint: Complaint, failed: OutboxMessage | None, address: str) -> bool:
    """Whether the failed mail went to the complainant: by its kind, or by its address (unknown: assume so)."""
    if failed is None or failed.kind in TO_COMPLAINANT:
        return True
    return bool(complaint.contact.email) and address.lower() == complaint.contact.email.lower()


def problem_notices(
    complaint: Complaint, failed: OutboxMessage | None, problem: MailProblem, directory: Directory, now: datetime
) -> tuple[OutboxMessage, ...]:
    """The notices to queue with the problem's record: () for a notice's own bounce, or when nobody is left."""
    if failed is not None and failed.kind == MessageKind.COMPLAINT_DELIVERY_PROBLEM:
        return ()
    failed_address = problem.address.lower()

    def others(role: str) -> list[str]:
        return [a for a in directory.officers(complaint.agency_id, role) if a.lower() != failed_address]

    recipients = others(complaint.coordinator_role)
    if not recipients and complaint.handler_role and not to_complainant(complaint, failed, problem.address):
        recipients = others(complaint.handler_role)
    return tuple(
        OutboxMessage(
            complaint.ticket, notice_seq(problem), number, MessageKind.COMPLAINT_DELIVERY_PROBLEM, address, now, now,
            failed.step if failed is not None else 0,
        )
        for number, address in enumerate(recipients[:MAX_NOTICES])
    )  # fmt: skip
