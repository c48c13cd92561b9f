"""After `make officers`: the steps waiting on a removed officer are mailed to the role's current officers, once."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from chalicelib.applications.approvals import LinkRevokedError, LinkState
from chalicelib.applications.records import EventKind, MessageKind
from chalicelib.officers.directory import Directory
from chalicelib.officers.handover import HandoverReport, HandoverService
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.randomness import FakeTokenSource
from tests.functions.factories import (
    CLIENT,
    LK3,
    OFFICER_1,
    OFFICER_2,
    decide,
    directory,
    directory_replacing,
    form_token,
    links_for,
    make_services,
    paspor_fields,
    submit,
)

AGENCY = "disperinaker-klungkung"
SUCCESSOR = "pengganti.antarkerja@disperinaker-klungkung.example"
LK3_OFFICER = "bidang.teknis@dinsos-kalbar.example"


def hand_over(services: Services, after: Directory, roles: Any = None) -> HandoverReport:
    """What `make officers` runs once the new directory is stored (infra/officers.py)."""
    service = HandoverService(
        services.store, lambda: after, services.clock, FakeTokenSource("handover"), services.secret, 7
    )
    return service.run(roles)


def review_requests(services: Services, reference: str) -> list[tuple[int, str]]:
    return [(m.seq, m.to) for m in services.store.outbox_of(reference) if m.kind == MessageKind.REVIEW_REQUEST]


def test_a_step_waiting_on_a_removed_officer_gets_a_new_link_mailed_to_the_roles_current_officer(
    both: Services, clock: FakeClock
) -> None:
    reference = submit(both).reference
    both.deliver_outbox()
    old_link = links_for(both.mailer, OFFICER_1)[-1]  # type: ignore[arg-type]
    after = directory_replacing(OFFICER_1, SUCCESSOR)
    clock.advance(hours=1)

    report = hand_over(both, after)

    assert [(h.reference, h.step, h.removed, h.recipients) for h in report.handed_over] == [
        (reference, 1, (OFFICER_1,), (SUCCESSOR,))
    ]
    mailer = FakeMailer()
    later = make_services(both.store, clock=clock, mailer=mailer, directory_=after)
    later.deliver_outbox()
    assert [m.to for m in mailer.sent] == [SUCCESSOR]
    (new_link,) = links_for(mailer, SUCCESSOR)
    assert later.approvals.review(old_link).state == LinkState.REVOKED  # the removed officer's stays revoked
    # ... and, the step being passed on already, it offers nothing more: its "pass it on" would send it twice.
    assert later.approvals.review(old_link).can_renew is False
    queued = len(both.store.outbox_of(reference))
    with pytest.raises(LinkRevokedError):
        later.approvals.renew(old_link, form_token(old_link), CLIENT)
    assert len(both.store.outbox_of(reference)) == queued
    assert later.approvals.review(new_link).state == LinkState.OPEN
    assert decide(later, new_link).submission.current_step == 2
    renewed = [e for e in both.store.events(reference) if e.kind == EventKind.LINK_RENEWED]
    assert [(e.step, e.actor) for e in renewed] == [(1, OFFICER_1)]  # in the timeline: passed on from whom


def test_running_the_update_twice_sends_nothing_more(both: Services, clock: FakeClock) -> None:
    reference = submit(both).reference
    after = directory_replacing(OFFICER_1, SUCCESSOR)
    first = hand_over(both, after)
    stored = both.store.get_submission(reference)
    requests = review_requests(both, reference)

    again = hand_over(both, after)

    assert len(first.handed_over) == 1 and again.handed_over == [] and again.checked == 1
    assert both.store.get_submission(reference) == stored
    assert review_requests(both, reference) == requests


def test_steps_of_other_roles_and_agencies_are_untouched(both: Services, clock: FakeClock) -> None:
    at_second_step = submit(both).reference
    both.deliver_outbox()
    decide(both, links_for(both.mailer, OFFICER_1)[-1])  # type: ignore[arg-type]
    at_first_step = submit(both, fields=paspor_fields(nama="Komang Ayu Dewi")).reference
    other_agency = submit(both, service=LK3).reference
    assert both.store.get_submission(at_second_step).current_step == 2  # type: ignore[union-attr]
    before = {ref: both.store.get_submission(ref) for ref in (at_first_step, other_agency)}
    # The second step's officer leaves; the first step's and the other agency's stay.
    after = directory_replacing(OFFICER_2, "kasi.baru@disperinaker-klungkung.example")

    report = hand_over(both, after)

    assert [(h.reference, h.role_id) for h in report.handed_over] == [(at_second_step, "kepala-seksi-penempatan")]
    assert report.checked == 3
    assert {ref: both.store.get_submission(ref) for ref in before} == before
    assert review_requests(both, at_second_step)[-1][1] == "kasi.baru@disperinaker-klungkung.example"
    assert LK3_OFFICER in directory().officers("dinsos-kalbar", "bidang-teknis")


def test_a_role_keeping_one_of_its_officers_sends_that_officer_a_fresh_link(both: Services) -> None:
    sample = directory()
    agency = sample.agencies[AGENCY]
    roles = {**agency.roles, "petugas-antar-kerja": (OFFICER_1, SUCCESSOR)}
    two = replace(sample, agencies={**sample.agencies, AGENCY: replace(agency, roles=roles)})
    services = make_services(both.store, clock=both.clock, directory_=two)  # type: ignore[arg-type]
    reference = submit(services).reference
    assert {to for _, to in review_requests(services, reference)} == {OFFICER_1, SUCCESSOR}

    report = hand_over(services, directory_replacing(SUCCESSOR, source=two))

    assert [h.recipients for h in report.handed_over] == [(OFFICER_1,)]
    latest = max(seq for seq, _ in review_requests(services, reference))
    assert [to for seq, to in review_requests(services, reference) if seq == latest] == [OFFICER_1]


def test_a_step_already_passed_on_from_the_removed_officers_link_is_not_sent_again(
    both: Services, clock: FakeClock
) -> None:
    reference = submit(both).reference
    both.deliver_outbox()
    old_link = links_for(both.mailer, OFFICER_1)[-1]  # type: ignore[arg-type]
    after = directory_replacing(OFFICER_1, SUCCESSOR)
    later = make_services(both.store, clock=clock, directory_=after)
    later.approvals.renew(old_link, form_token(old_link), CLIENT)  # the removed officer clicked "pass it on"
    requests = review_requests(both, reference)

    report = hand_over(both, after)

    assert report.handed_over == [] and review_requests(both, reference) == requests


def test_a_role_left_with_nobody_is_reported_and_nothing_is_sent(
    both: Services, caplog: pytest.LogCaptureFixture
) -> None:
    reference = submit(both).reference
    stored = both.store.get_submission(reference)
    nobody = directory_replacing(OFFICER_1)  # no successor: the role has no officer left

    report = hand_over(both, nobody, roles=[(AGENCY, "petugas-antar-kerja")])

    assert report.unstaffed == [(reference, "petugas-antar-kerja")] and report.handed_over == []
    assert both.store.get_submission(reference) == stored
    assert f"{reference}: nobody listed for petugas-antar-kerja" in caplog.text


class SmallPages:
    """A DynamoDB client whose Query pages hold at most `size` items, as its 1 MB pages do for larger ones."""

    def __init__(self, client: Any, size: int) -> None:
        self._client, self._size = client, size
        self.queries = 0

    def query(self, **request: Any) -> Any:
        self.queries += 1
        return self._client.query(**{**request, "Limit": min(int(request.get("Limit", self._size)), self._size)})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.mark.integration
def test_every_step_waiting_on_a_role_is_read_past_a_page_of_the_index(dynamo_store: Any, clock: FakeClock) -> None:
    from chalicelib.storage.dynamo import DynamoStore

    services = make_services(dynamo_store, clock=clock)
    references = {submit(services, fields=paspor_fields(nama=f"Pemohon {n}")).reference for n in range(5)}
    paging = SmallPages(dynamo_store._client, 2)
    store = DynamoStore(paging, dynamo_store._table)  # type: ignore[arg-type]

    waiting = store.waiting_steps(AGENCY, "petugas-antar-kerja", 100)

    assert {s.reference for s in waiting} == references and paging.queries == 3
    assert len(store.waiting_steps(AGENCY, "petugas-antar-kerja", 4)) == 4


def test_when_one_removed_officer_passed_the_step_on_another_removed_officers_link_offers_nothing_more(
    both: Services, clock: FakeClock
) -> None:
    sample = directory()
    agency = sample.agencies[AGENCY]
    two = replace(
        sample,
        agencies={
            **sample.agencies,
            AGENCY: replace(agency, roles={**agency.roles, "petugas-antar-kerja": (OFFICER_1, SUCCESSOR)}),
        },
    )
    mailer = FakeMailer()
    services = make_services(both.store, clock=clock, mailer=mailer, directory_=two)
    reference = submit(services).reference
    services.deliver_outbox()
    first, second = links_for(mailer, OFFICER_1)[-1], links_for(mailer, SUCCESSOR)[-1]
    newcomer = "petugas.baru@disperinaker-klungkung.example"
    roles = {**agency.roles, "petugas-antar-kerja": (newcomer,)}
    both_left = replace(sample, agencies={**sample.agencies, AGENCY: replace(agency, roles=roles)})
    later = make_services(both.store, clock=clock, directory_=both_left)
    later.nonces = FakeTokenSource("later")

    later.approvals.renew(first, form_token(first), CLIENT)  # one of them passes it on

    assert later.approvals.review(second).state == LinkState.REVOKED
    assert later.approvals.review(second).can_renew is False
    assert [to for seq, to in review_requests(later, reference) if seq > 1] == [newcomer]
