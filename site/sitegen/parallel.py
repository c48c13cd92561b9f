"""Work shared between forked processes: they inherit the build's state instead of receiving it pickled."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_TASK: Callable[[Any], Any] | None = None  # what a forked worker runs on its share


def _run(share: Sequence[Any]) -> list[Any]:
    assert _TASK is not None
    return [_TASK(item) for item in share]


def forked_map(task: Callable[[Item], Result], items: Sequence[Item], workers: int) -> list[Result]:
    """[task(item) for item in items], on `workers` forked processes, in the items' order.

    Each worker takes every workers-th item (interleaved: long items next to each other are shared out);
    only the items' results travel back, pickled. With one worker, or one item, nothing is forked."""
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
