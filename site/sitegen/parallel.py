"""Work shared between forked processes: they inherit the build's state instead of receiving it pickled."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")

_TASK: Callable[[Any], Any] | None = None  # what a forked worker runs on its share


def _run(share: Sequence[Any]) -> list[Any]:
    assert _TASK is not None
    return [_TASK(item) for item in share]


def forked_map(task: Callable[[Item], Result], items: Sequence[Item], workers: int) -> list[Result]:
    """[task(item) for item in items], on `workers` forked processes, in the items' order.

    Each worker takes every workers-th item (interleaved: long items next to each other are shared out).
    The items and their results travel pickled; whatever else `task` reads (the catalogue, the engine) is
    inherited by the fork. With one worker, or one item, nothing is forked."""
    if workers <= 1 or len(items) <= 1:
        return [task(item) for item in items]
    global _TASK
    shares = [list(items[start::workers]) for start in range(workers)]
    _TASK = task
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = pool.map(_run, shares, chunksize=1)
    finally:
        _TASK = None
    results: list[Result] = [None] * len(items)  # type: ignore[list-item]
    for start, share in enumerate(done):
        results[start::workers] = share
    return results


class Background(Generic[Result]):
    """`task()` run in a forked process while this one goes on; `result()` waits for what it returned (or
    raises what it raised), pickled back through a pipe. A bare process starts no thread here, so the build
    may fork its workers meanwhile."""

    def __init__(self, task: Callable[[], Result]) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_outcome, args=(task, send), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> Result:
        outcome: tuple[bool, Any] | None = None
        try:
            outcome = self._receive.recv()  # before join: a large result fills the pipe
        except EOFError:
            pass
        finally:
            self._receive.close()
            self._process.join()
        if outcome is None:
            raise RuntimeError(f"the background task stopped (exit code {self._process.exitcode})")
        succeeded, value = outcome
        if not succeeded:
            raise value
        return cast(Result, value)


def _send_outcome(task: Callable[[], Any], send: Connection) -> None:
    try:
        outcome: tuple[bool, Any] = (True, task())
    except BaseException as error:  # every failure goes back to the parent, which raises it
        outcome = (False, error)
    send.send(outcome)
    send.close()
