"""Who holds a link to a step, and whether a step whose link holder left its role is passed on already.

Read from the submission's own outbox (one Query of its partition): the officer directory is what counts now,
the outbox is who was mailed a link. Used by officers/handover.py (after `make officers`) and by a removed
officer's link (applications/approvals.py), so that neither sends the role's officers a second set of links.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from chalicelib.applications.records import MessageKind, OutboxMessage, Submission

# Mails that carry a link deciding the step: review requests, and the deadline reminders sent with a fresh one.
LINK_KINDS = frozenset({MessageKind.REVIEW_REQUEST, MessageKind.DEADLINE_REMINDER, MessageKind.DEADLINE_OVERDUE})


def removed_holders(
    submission: Submission, messages: Sequence[OutboxMessage], officers: Iterable[str]
) -> tuple[str, ...]:
    """The link holders of the submission's current step that the role no longer lists, when the step still has to
    be passed on to `officers`; () when nobody left or the latest review requests went to exactly `officers`."""
    current = set(officers)
    links = [m for m in messages if m.step == submission.current_step and m.kind in LINK_KINDS]
    removed = sorted({m.to for m in links} - current)
    if not removed:
        return ()
    requests = [m for m in links if m.kind == MessageKind.REVIEW_REQUEST]
    latest = max((m.seq for m in requests), default=None)
    if latest is not None and {m.to for m in requests if m.seq == latest} == current:
        return ()  # passed on already (by `make officers`, or by a removed officer's link)
    return tuple(removed)
