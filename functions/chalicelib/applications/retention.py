"""The retention period (UU 27/2022): an application's personal data and files are erased once its agency's
`data_protection.retention_days` have passed since it became final (approved, rejected, or closed).

No Scan finds them. The transaction that makes an application final puts its purge timer (`purge_timer`) in the
item of its deadline timer, in the index of timers keyed by due time (storage/table.py); the scheduled run
(deadlines/run.py) reads only the timers that are due and hands a purge timer to `RetentionService.purge`:
the application's files are deleted from the uploads bucket, then its events, mail records and mail problems are
overwritten with erased copies, then the kept submission (erasure.py) replaces it in one transaction that also
removes the timer, conditional on both being as read. A run that stops halfway leaves the timer, so the next run
does it all again; deleting a deleted file and writing the same erased copy twice change nothing. An application
that is not final is never erased: its timer is dropped (it cannot come from the final-decision path).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.applications.erasure import (
    Erasure,
    erased_event,
    erased_message,
    erased_problem,
    erased_submission,
)
from chalicelib.applications.records import Submission
from chalicelib.deadlines.firing import TimerFiring
from chalicelib.deadlines.timers import DeadlineTimer, TimerKind
from chalicelib.documents.port import FileStore
from chalicelib.standard.schema import DEFAULT_RETENTION_DAYS, Agency
from chalicelib.storage.port import Store, StoreUnavailableError
from chalicelib.time.clock import Clock

log = logging.getLogger(__name__)

RETRY_WITHOUT_FILE_STORE = timedelta(days=1)
RETRY_AFTER_FAILURE = timedelta(days=1)


def retention_days(agency: Agency | None) -> int:
    return agency.data_protection.retention_days if agency is not None else DEFAULT_RETENTION_DAYS


def purge_timer(submission: Submission, agency: Agency | None, final_at: datetime) -> DeadlineTimer:
    """The timer that erases `submission` the agency's retention period after `final_at`, when it became final.

    Every path that makes an application final (a rejection, the last approval, the close of a returned one)
    puts it in its StepChange's `timer`: the same transaction that writes the final state plans the erasure."""
    at = final_at + timedelta(days=retention_days(agency))
    return DeadlineTimer(submission.reference, submission.current_step, TimerKind.PURGE, at, final_at)


@dataclass(frozen=True)
class RetentionService:
    store: Store
    files: FileStore | None  # None: no uploads bucket is configured
    clock: Clock

    def purge(self, timer: DeadlineTimer) -> bool:
        """Erase the application of a due purge timer; False when another run got there first."""
        submission = self.store.get_submission(timer.reference)
        if submission is None or submission.purged_at is not None:
            return self.store.fire_timer(TimerFiring(timer, None))  # nothing left to erase
        if not submission.is_final:
            log.error("%s: purge timer on an application that is not final (%s): dropped", timer.reference,
                      submission.status)  # fmt: skip
            return self.store.fire_timer(TimerFiring(timer, None))
        if submission.documents and self.files is None:
            # The files cannot be deleted here: try again tomorrow rather than forget where they are.
            log.error("%s: %d files to delete and no uploads bucket configured", timer.reference,
                      len(submission.documents))  # fmt: skip
            later = replace(timer, fire_at=self.clock.now() + RETRY_WITHOUT_FILE_STORE)
            return self.store.fire_timer(TimerFiring(timer, None, next=later))
        try:
            return self._erase(timer, submission)
        except StoreUnavailableError:
            raise  # DynamoDB itself failed: the next run, a minute later, tries again
        except Exception:  # the bucket refused, or a write was refused for another reason than a condition
            # The run goes on with the other timers (the deadline mails, then the outbox): this one waits a day.
            log.exception("%s: erasure failed, tried again in a day", timer.reference)
            later = replace(timer, fire_at=self.clock.now() + RETRY_AFTER_FAILURE)
            return self.store.fire_timer(TimerFiring(timer, None, next=later))

    def _erase(self, timer: DeadlineTimer, submission: Submission) -> bool:
        for document in submission.documents:
            assert self.files is not None
            self.files.delete(document.key)  # deleting a deleted object succeeds: safe to repeat
        erasure = Erasure(
            timer,
            submission.version,
            erased_submission(submission, self.clock.now()),
            tuple(erased_event(event) for event in self.store.events(submission.reference)),
            tuple(erased_message(message) for message in self.store.outbox_of(submission.reference)),
            tuple(erased_problem(problem) for problem in self.store.mail_problems(submission.reference)),
        )
        return self.store.erase_submission(erasure)
