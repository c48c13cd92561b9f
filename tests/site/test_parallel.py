"""sitegen.parallel: work shared between forked processes comes back whole and in order."""

from __future__ import annotations

import os

import pytest
from sitegen.parallel import Background, forked_map

STATE = {"made before the fork": 3}


def _square_and_where(number: int) -> tuple[int, int]:
    return number * number + STATE["made before the fork"], os.getpid()


def test_the_results_come_back_in_the_items_order_from_several_processes() -> None:
    found = forked_map(_square_and_where, list(range(11)), workers=3)
    assert [value for value, _ in found] == [number * number + 3 for number in range(11)]
    assert os.getpid() not in {pid for _, pid in found}  # every share was done by a forked worker


def test_one_worker_or_one_item_runs_here_without_forking() -> None:
    assert {pid for _, pid in forked_map(_square_and_where, [1, 2, 3], workers=1)} == {os.getpid()}
    assert forked_map(_square_and_where, [4], workers=4) == [(19, os.getpid())]
    assert forked_map(_square_and_where, [], workers=4) == []


def test_a_lambda_works_because_nothing_but_the_results_is_pickled() -> None:
    offset = 10
    assert forked_map(lambda number: number + offset, [1, 2, 3, 4], workers=2) == [11, 12, 13, 14]


def test_a_background_task_runs_in_another_process_and_gives_back_its_result() -> None:
    job = Background(lambda: (os.getpid(), "x" * 1_000_000))  # larger than a pipe holds at once
    pid, text = job.result()
    assert pid != os.getpid() and len(text) == 1_000_000


def test_what_a_background_task_raises_is_raised_by_its_result() -> None:
    def failing() -> None:
        raise ValueError("rusak")

    with pytest.raises(ValueError, match="rusak"):
        Background(failing).result()


def test_a_background_task_that_dies_is_told_not_waited_for() -> None:
    with pytest.raises(RuntimeError, match="exit code 3"):
        Background(lambda: os._exit(3)).result()
