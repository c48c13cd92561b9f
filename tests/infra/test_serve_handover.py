"""`make serve` at start: steps waiting on an officer the local directory no longer lists are passed on, once."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.applications.records import MessageKind

from infra.local.serve.gateway import pass_on_waiting_steps
from tests.fakes.clock import FakeClock
from tests.fakes.memory_store import MemoryStore
from tests.fakes.randomness import FakeTokenSource
from tests.functions.factories import OFFICER_1, directory_replacing, make_services, submit

SUCCESSOR = "pengganti.antarkerja@disperinaker-klungkung.example"


def test_a_start_after_the_officer_file_changed_queues_the_waiting_steps_for_the_new_officer_once() -> None:
    store, clock = MemoryStore(), FakeClock()
    reference = submit(make_services(store, clock=clock)).reference  # sent while OFFICER_1 held the role
    restarted = make_services(store, clock=clock, directory_=directory_replacing(OFFICER_1, SUCCESSOR))
    restarted.nonces = FakeTokenSource("after the restart")
    wiring.set_services(restarted)
    try:
        first = pass_on_waiting_steps()
        again = pass_on_waiting_steps()  # the next start, same file
    finally:
        wiring.set_services(None)
    assert (
        first == [f"{reference} step 1: {OFFICER_1} left petugas-antar-kerja; new links queued for {SUCCESSOR}"]
        and again == []
    )
    requests = [m.to for m in store.outbox_of(reference) if m.kind == MessageKind.REVIEW_REQUEST]
    assert requests == [OFFICER_1, SUCCESSOR]
