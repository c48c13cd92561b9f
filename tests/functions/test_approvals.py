"""Decisions by emailed link: shown without change, decided once, bound to one step, expiring."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from typing import Any

import pytest
from chalicelib.applications import tokens
from chalicelib.applications.approvals import (
    AlreadyDecidedError,
    ExpiredLinkError,
    ForgedRequestError,
    LinkRevokedError,
    LinkState,
    LinkStillValidError,
    UnknownLinkError,
)
from chalicelib.applications.records import EventKind, MessageKind, SubmissionStatus
from chalicelib.applications.validation import ValidationError
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import (
    APPLICANT_EMAIL,
    CLIENT,
    LK3,
    OFFICER_1,
    OFFICER_2,
    PASPOR_OFFICERS,
    approve_all,
    decide,
    directory_replacing,
    form_token,
    links_for,
    make_services,
    paspor_fields,
    submit,
)


def first_link(services: Services, service: str | None = None) -> tuple[str, str]:
    receipt = submit(services, **({"service": service} if service else {}))
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    officer = OFFICER_1 if service is None else "bidang.teknis@dinsos-kalbar.example"
    return receipt.reference, links_for(mailer, officer)[-1]


def state_of(services: Services, reference: str) -> dict[str, Any]:
    """Everything stored about a submission, to compare before and after."""
    store = services.store
    submission = store.get_submission(reference)
    return {
        "submission": asdict(submission) if submission else None,
        "events": [asdict(e) for e in store.events(reference)],
        "outbox": [asdict(m) for m in store.outbox_of(reference)],
    }


def test_opening_a_link_shows_the_application_and_changes_nothing(both: Services) -> None:
    reference, token = first_link(both)
    before = state_of(both, reference)
    for _ in range(3):  # a mail scanner, the preview pane, the officer
        view = both.approvals.review(token)
    assert view.state == LinkState.OPEN
    assert view.submission is not None and view.submission.reference == reference
    assert view.token is not None and view.token.step == 1 and view.token.used_at is None
    assert view.form_token == form_token(token)
    assert state_of(both, reference) == before


def test_approving_moves_to_the_next_step_and_emails_its_officer(both: Services) -> None:
    _reference, token = first_link(both)
    outcome = decide(both, token)
    assert outcome.submission.current_step == 2 and outcome.submission.status == SubmissionStatus.IN_PROGRESS
    assert outcome.notified == (OFFICER_2,)
    assert (
        outcome.event.kind == EventKind.STEP_APPROVED
        and outcome.event.actor == OFFICER_1
        and outcome.event.client == CLIENT
    )
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    assert len(links_for(mailer, OFFICER_2)) == 1


def test_the_last_approval_tells_the_applicant(both: Services) -> None:
    reference = submit(both).reference
    approve_all(both, PASPOR_OFFICERS)
    submission = both.store.get_submission(reference)
    assert submission is not None and submission.status == SubmissionStatus.APPROVED
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    decision = mailer.to(APPLICANT_EMAIL)[-1]
    assert decision.subject == f"Permohonan {reference} disetujui: Pelayanan Rekomendasi Paspor"
    assert [e.kind for e in both.store.events(reference)] == ["diajukan"] + [EventKind.STEP_APPROVED] * 4


def test_a_single_step_service_is_decided_by_one_approval(both: Services) -> None:
    reference, token = first_link(both, LK3)
    assert decide(both, token).submission.status == SubmissionStatus.APPROVED
    assert [m.kind for m in both.store.outbox_of(reference)][-1] == MessageKind.DECISION


def test_rejecting_needs_a_reason_and_tells_the_applicant_why(both: Services) -> None:
    _reference, token = first_link(both)
    with pytest.raises(ValidationError) as caught:
        decide(both, token, "reject", "   ")
    assert caught.value.errors == {"reason": "Alasan penolakan wajib diisi: pemohon akan membacanya."}
    outcome = decide(both, token, "reject", "Perjanjian penempatan belum ditandatangani.")
    assert outcome.submission.status == SubmissionStatus.REJECTED
    assert outcome.submission.decision_reason == "Perjanjian penempatan belum ditandatangani."
    assert outcome.event.kind == EventKind.STEP_REJECTED
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    assert "Perjanjian penempatan belum ditandatangani." in mailer.to(APPLICANT_EMAIL)[-1].text


def test_a_reason_is_bounded(services: Services) -> None:
    _, token = first_link(services)
    with pytest.raises(ValidationError):
        decide(services, token, "reject", "x" * 1001)


def test_an_unknown_decision_is_refused(services: Services) -> None:
    _, token = first_link(services)
    with pytest.raises(ValidationError):
        decide(services, token, "maybe")


def test_a_replayed_decision_is_refused_and_says_who_decided(both: Services) -> None:
    reference, token = first_link(both)
    decide(both, token)
    with pytest.raises(AlreadyDecidedError) as caught:
        decide(both, token, "reject", "terlambat")
    view = caught.value.view
    assert view.state == LinkState.DECIDED and view.decided_by_this_link
    assert view.decision is not None and view.decision.actor == OFFICER_1
    assert both.store.get_submission(reference).current_step == 2  # type: ignore[union-attr]


def test_a_used_link_shows_who_decided_and_when(both: Services, clock: FakeClock) -> None:
    _, token = first_link(both)
    decided_at = clock.now()
    decide(both, token)
    clock.advance(days=30)  # long after expiry, the used link still explains itself
    view = both.approvals.review(token)
    assert view.state == LinkState.DECIDED
    assert view.decision is not None
    assert (view.decision.actor, view.decision.at) == (OFFICER_1, decided_at)


def test_parallel_decisions_on_one_step_have_exactly_one_winner(both: Services) -> None:
    reference, token = first_link(both)
    start = threading.Barrier(8)

    def click(n: int) -> str:
        start.wait()
        try:
            decide(both, token, "approve" if n % 2 else "reject", f"Berkas belum lengkap ({n})")
        except AlreadyDecidedError:
            return "refused"
        return "won"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(click, range(8)))
    assert results.count("won") == 1
    decisions = [e for e in both.store.events(reference) if e.step == 1]
    assert len(decisions) == 1


def test_two_officers_of_one_step_at_once_decide_it_once(any_store: Any, clock: FakeClock) -> None:
    services = make_services(any_store, clock=clock)
    reference = submit(services, service=LK3).reference
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    links = [links_for(mailer, a)[-1] for a in ("bidang.teknis@dinsos-kalbar.example", "rehsos@dinsos-kalbar.example")]
    start = threading.Barrier(2)

    def click(token: str) -> bool:
        start.wait()
        try:
            decide(services, token)
        except AlreadyDecidedError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sorted(pool.map(click, links)) == [False, True]
    assert len([e for e in services.store.events(reference) if e.kind == EventKind.STEP_APPROVED]) == 1
    assert len([m for m in services.store.outbox_of(reference) if m.kind == MessageKind.DECISION]) == 1
    loser = next(t for t in links if services.approvals.review(t).decided_by_this_link is False)
    assert services.approvals.review(loser).state == LinkState.DECIDED


def test_a_forged_token_is_refused(both: Services) -> None:
    reference, _ = first_link(both)
    forged = f"{reference}." + "A" * 43
    assert both.approvals.review(forged).state == LinkState.UNKNOWN
    with pytest.raises(UnknownLinkError):
        both.approvals.decide(forged, "approve", "", form_token(forged), CLIENT)


def test_a_real_token_under_another_submissions_reference_is_refused(both: Services) -> None:
    reference, link = first_link(both)
    other = submit(both, fields=paspor_fields(nama="Pemohon Lain")).reference
    swapped = link.replace(reference, other, 1)
    assert both.approvals.review(swapped).state == LinkState.UNKNOWN
    with pytest.raises(UnknownLinkError):
        both.approvals.decide(swapped, "approve", "", form_token(swapped), CLIENT)
    assert both.approvals.review(link).state == LinkState.OPEN


def test_a_malformed_token_is_refused_before_any_lookup(services: Services) -> None:
    assert services.approvals.review("../../etc/passwd").state == LinkState.UNKNOWN
    with pytest.raises(UnknownLinkError):
        services.approvals.decide("x", "approve", "", "", CLIENT)


def test_a_decision_without_the_pages_form_token_is_refused(both: Services) -> None:
    reference, token = first_link(both)
    before = state_of(both, reference)
    another_links = form_token(f"{reference}." + "B" * 43)
    for wrong in ("", "A" * 43, another_links, "é" * 43):  # non-ASCII once crashed the comparison
        with pytest.raises(ForgedRequestError):
            both.approvals.decide(token, "approve", "", wrong, CLIENT)
    assert state_of(both, reference) == before


def test_an_expired_link_is_refused_and_changes_nothing(both: Services, clock: FakeClock) -> None:
    reference, token = first_link(both)
    clock.advance(days=7)
    assert both.approvals.review(token).state == LinkState.EXPIRED
    before = state_of(both, reference)
    with pytest.raises(ExpiredLinkError):
        decide(both, token)
    assert state_of(both, reference) == before


def test_a_link_works_until_just_before_it_expires(services: Services, clock: FakeClock) -> None:
    _, token = first_link(services)
    clock.advance(days=7, seconds=-1)
    assert decide(services, token).submission.current_step == 2


def test_the_expiry_is_configurable(clock: FakeClock) -> None:
    services = make_services(MemoryStore(), clock=clock, ttl_days=2)
    _, token = first_link(services)
    clock.advance(days=2)
    assert services.approvals.review(token).state == LinkState.EXPIRED


def test_a_link_of_an_earlier_step_cannot_decide_a_later_one(both: Services) -> None:
    reference, step_1 = first_link(both)
    decide(both, step_1)
    with pytest.raises(AlreadyDecidedError):
        decide(both, step_1)
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    step_2 = links_for(mailer, OFFICER_2)[-1]
    assert both.approvals.review(step_2).state == LinkState.OPEN
    assert both.store.get_submission(reference).current_step == 2  # type: ignore[union-attr]


def test_a_link_of_another_submission_cannot_decide_this_one(services: Services) -> None:
    _, token_a = first_link(services)
    submit(services, fields=None, idempotency_key="lain", service=LK3)
    view = services.approvals.review(token_a)
    assert view.submission is not None and view.submission.reference == "DPTK-2026-000001"
    assert view.token is not None and view.token.reference == view.submission.reference


def test_an_expired_link_can_have_a_fresh_one_sent_to_its_officer_once(both: Services, clock: FakeClock) -> None:
    reference, token = first_link(both)
    clock.advance(days=8)
    outcome = both.approvals.renew(token, form_token(token), CLIENT)
    assert outcome.notified == (OFFICER_1,) and outcome.event.kind == EventKind.LINK_RENEWED
    with pytest.raises(ExpiredLinkError) as caught:
        both.approvals.renew(token, form_token(token), CLIENT)
    assert not caught.value.view.can_renew
    both.deliver_outbox()
    mailer = both.mailer
    assert isinstance(mailer, FakeMailer)
    fresh = links_for(mailer, OFFICER_1)[-1]
    assert fresh != token
    assert decide(both, fresh).submission.current_step == 2
    assert [e.kind for e in both.store.events(reference)] == [
        "diajukan",
        EventKind.LINK_RENEWED,
        EventKind.STEP_APPROVED,
    ]


def test_a_valid_link_cannot_be_renewed(services: Services) -> None:
    _, token = first_link(services)
    with pytest.raises(LinkStillValidError):
        services.approvals.renew(token, form_token(token), CLIENT)


def test_the_tables_tokens_are_hashes_never_the_links(both: Services) -> None:
    reference, link = first_link(both)
    token = link.removeprefix(f"{reference}.")
    stored = both.store.get_token(tokens.hash_token(token))
    assert stored is not None and stored.reference == reference
    assert both.store.get_token(token) is None
    assert all(m.token_nonce != token for m in both.store.outbox_of(reference))


def test_a_sent_review_request_no_longer_holds_what_its_link_is_made_from(both: Services) -> None:
    reference, _ = first_link(both)
    assert all(m.token_nonce == "" for m in both.store.outbox_of(reference) if m.sent_at)


def test_memory_store_counts_one_transaction_per_state_change(clock: FakeClock) -> None:
    store = MemoryStore()
    services = make_services(store, clock=clock)
    _, token = first_link(services)
    decide(services, token)
    assert store.transactions == 2


def test_an_approval_counts_even_when_the_next_role_has_left_the_directory(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    from chalicelib.officers.directory import parse_directory

    from tests.functions.factories import directory

    current = {"directory": directory()}
    services = make_services(MemoryStore(), clock=clock)
    services.approvals = replace(services.approvals, directory=lambda: current["directory"])
    reference, token = first_link(services)
    # The deciding officer still holds the role; nobody holds the next one any more.
    current["directory"] = parse_directory(
        f"disperinaker-klungkung:\n  roles:\n    petugas-antar-kerja: [{OFFICER_1}]\n", "tes"
    )
    outcome = decide(services, token)
    assert outcome.submission.current_step == 2 and outcome.notified == ()
    assert f"{reference}: no officer listed for kepala-seksi-penempatan" in caplog.text


def test_a_removed_officers_link_shows_nothing_personal_and_cannot_decide(both: Services, clock: FakeClock) -> None:
    reference, link = first_link(both)
    after_removal = make_services(both.store, clock=clock, directory_=directory_replacing(OFFICER_1))
    view = after_removal.approvals.review(link)
    assert view.state == LinkState.REVOKED and view.can_renew
    before = state_of(after_removal, reference)
    with pytest.raises(LinkRevokedError):
        after_removal.approvals.decide(link, "approve", "", form_token(link), CLIENT)
    assert state_of(after_removal, reference) == before


def test_a_removed_officers_pending_step_is_passed_on_to_the_roles_current_officers(
    both: Services, clock: FakeClock
) -> None:
    reference, link = first_link(both)
    mailer = FakeMailer()
    successor = "pengganti.antarkerja@disperinaker-klungkung.example"
    after_removal = make_services(
        both.store, clock=clock, mailer=mailer, directory_=directory_replacing(OFFICER_1, successor)
    )
    outcome = after_removal.approvals.renew(link, form_token(link), CLIENT)
    current = after_removal.directory().officers("disperinaker-klungkung", "petugas-antar-kerja")
    assert outcome.notified == current == (successor,)
    after_removal.deliver_outbox()
    assert {m.to for m in mailer.sent} == set(current)
    assert after_removal.approvals.review(link).can_renew is False  # passed on once
    with pytest.raises(LinkRevokedError):
        after_removal.approvals.renew(link, form_token(link), CLIENT)
    new_link = links_for(mailer, current[0])[-1]
    assert decide(after_removal, new_link).submission.current_step == 2
    assert after_removal.store.get_submission(reference).current_step == 2  # type: ignore[union-attr]
