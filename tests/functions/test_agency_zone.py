"""The agency's zone comes from its _agency.yml alone: a directory that still names another zone changes nothing."""

from __future__ import annotations

from chalicelib.officers.directory import parse_directory
from chalicelib.time.agency_zone import agency_zone

from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import OFFICERS_SAMPLE, catalogue, make_services, submit


def test_the_zone_is_the_agencys_office_hours_zone_and_wib_once_the_agency_is_gone() -> None:
    assert agency_zone(catalogue(), "disperinaker-klungkung").name == "WITA"  # office_hours.timezone: WITA
    assert agency_zone(catalogue(), "dinsos-kalbar").name == "WIB"
    assert agency_zone(catalogue(), "dinas-yang-sudah-tiada").name == "WIB"


def test_an_old_directory_naming_another_zone_does_not_change_the_receipt_status_or_mail() -> None:
    old = OFFICERS_SAMPLE.read_text(encoding="utf-8").replace(
        "disperinaker-klungkung:\n", "disperinaker-klungkung:\n  timezone: WIT\n", 1
    )
    services = make_services(MemoryStore(), directory_=parse_directory(old, "lama"))
    receipt = submit(services)
    assert receipt.zone.name == "WITA"
    assert services.submissions.status(receipt.reference, receipt.status_key).zone.name == "WITA"
    services.deliver_outbox()
    mail = services.mailer.sent[0]  # type: ignore[attr-defined]
    assert "WITA" in mail.text and " WIT\n" not in mail.text and " WIT " not in mail.text
