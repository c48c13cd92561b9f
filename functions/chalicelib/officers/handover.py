"""After the officer directory changes: the steps waiting on a removed officer go to the role's current officers.

A removed officer's links already decide nothing (applications/approvals.py reads the directory at each use: the
page shows nothing personal and offers to pass the step on). This does not wait for that click: `make officers`
runs it once the directory is stored (infra/officers.py), and every open step waiting on a role that one of its
link holders has left gets fresh review links, queued in the outbox, for the role's current officers.

Which steps, without a Scan: per agency and role, the index of waiting steps the daily digest reads
(`Store.waiting_steps`, gsi1pk WAITING#<agency>#<role>), then for each its own outbox (one Query of its partition)
for who was sent a link to its current step. A step is passed on when someone sent such a link is no longer
listed for the role and the latest review requests of the step did not go to exactly the role's current officers.
The hand-over sends exactly those, so running it again finds nothing to do. Each hand-over is one step change,
conditional on the submission's version (a decision, a renewal or another run meanwhile: re-read, and only what is
still needed is done), recorded in the timeline as a new link (EventKind.LINK_RENEWED) by the officer who left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from chalicelib.applications.approvals import issue_review_requests
from chalicelib.applications.link_holders import removed_holders
from chalicelib.applications.records import ClientInfo, Event, EventKind, StepChange, Submission, TokenUse
from chalicelib.officers.directory import Directory
from chalicelib.randomness import TokenSource
from chalicelib.storage.port import ConflictError, Store
from chalicelib.time.clock import Clock

log = logging.getLogger(__name__)

MAX_WAITING = 100_000  # steps read per agency and role: far above any office's open applications
ATTEMPTS = 4


@dataclass(frozen=True)
class HandOver:
    reference: str
    step: int
    role_id: str
    removed: tuple[str, ...]  # who had a link and is no longer listed
    recipients: tuple[str, ...]  # the role's current officers, each mailed a fresh link


@dataclass
class HandoverReport:
    checked: int = 0  # waiting steps looked at
    handed_over: list[HandOver] = field(default_factory=list)
    unstaffed: list[tuple[str, str]] = field(default_factory=list)  # (reference, role) with nobody listed to ask


@dataclass(frozen=True)
class HandoverService:
    store: Store
    directory: Callable[[], Directory]
    clock: Clock
    nonces: TokenSource
    secret: bytes
    token_ttl_days: int

    def run(self, roles: Iterable[tuple[str, str]] | None = None) -> HandoverReport:
        """Pass on the steps waiting on `roles` ((agency, role) pairs; default: every role of the directory).

        Give the roles of the directory before the change too: a role nobody holds any more is reported
        (`unstaffed`), its steps cannot be passed on."""
        directory = self.directory()
        if roles is None:
            roles = [(agency_id, role) for agency_id, agency in directory.agencies.items() for role in agency.roles]
        report = HandoverReport()
        for agency_id, role_id in sorted(set(roles)):
            officers = directory.officers(agency_id, role_id)
            for submission in self.store.waiting_steps(agency_id, role_id, MAX_WAITING):
                report.checked += 1
                self._pass_on(submission, role_id, officers, report)
        return report

    def _pass_on(self, submission: Submission, role_id: str, officers: tuple[str, ...], report: HandoverReport) -> None:
        step = submission.current_step
        for _ in range(ATTEMPTS):
            removed = removed_holders(submission, self.store.outbox_of(submission.reference), officers)
            if not removed:
                return
            if not officers:
                log.error("%s: nobody listed for %s, step %d cannot be passed on", submission.reference, role_id, step)
                report.unstaffed.append((submission.reference, role_id))
                return
            try:
                self.store.apply_step_change(self._change(submission, removed, officers))
            except ConflictError:
                fresh = self.store.get_submission(submission.reference)
                if fresh is None or not fresh.is_open or fresh.current_step != step:
                    return  # decided or moved on meanwhile: its next links go to the current officers anyway
                submission = fresh
                continue
            report.handed_over.append(HandOver(submission.reference, step, role_id, removed, officers))
            return
        raise ConflictError(f"{submission.reference} kept changing while passing it on", retryable=True)

    def _change(self, submission: Submission, removed: tuple[str, ...], officers: tuple[str, ...]) -> StepChange:
        now = self.clock.now()
        step, seq = submission.current_step, submission.version + 1
        updated = replace(submission, version=seq, updated_at=now)
        issued, queued = issue_review_requests(
            updated, step, officers, seq=seq, first_index=0, now=now,
            nonces=self.nonces, secret=self.secret, ttl_days=self.token_ttl_days,
        )  # fmt: skip
        event = Event(
            seq, EventKind.LINK_RENEWED, now, step, ", ".join(removed), submission.role_name(step), "", ClientInfo()
        )
        # No officer's link is used: the directory passed the step on (the removed officers' links stay revoked).
        return StepChange(
            submission.reference, submission.version, "", TokenUse.NONE, now, updated, event, issued, queued
        )
