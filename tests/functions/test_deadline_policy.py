"""An agency's reminder and escalation settings in `_agency.yml` (`deadlines`): read when written, defaults
when not, every mistake named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from chalicelib.standard.parsing import InvalidStandardError, parse_agency
from chalicelib.standard.schema import DeadlinePolicy

from tests.functions.standard_files import AGENCY_YAML, write_agency


def problems_of(root: Path, block: str) -> list[str]:
    with pytest.raises(InvalidStandardError) as caught:
        parse_agency(write_agency(root, text=AGENCY_YAML + block))
    return [problem.message for problem in caught.value.problems]


def test_without_a_deadlines_block_reminders_go_at_half_time_and_nobody_is_escalated_to(tmp_path: Path) -> None:
    policy = parse_agency(write_agency(tmp_path)).deadlines
    assert policy == DeadlinePolicy(reminder_percent=50, escalate_after_minutes=480, escalation_role="")
    assert policy.completion_days == 10  # a returned application may wait two working weeks for its applicant


def test_the_share_the_delay_in_office_hours_and_the_escalation_role_are_read(tmp_path: Path) -> None:
    block = (
        "deadlines:\n  reminder_percent: 75\n  escalate_after_hours: 4\n  escalation_role: kepala-dinas\n"
        "  completion_days: 5\n"
    )
    policy = parse_agency(write_agency(tmp_path, text=AGENCY_YAML + block)).deadlines
    assert policy == DeadlinePolicy(75, 240, "kepala-dinas", completion_days=5)


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ("deadlines:\n  reminder_percent: 100\n", "'reminder_percent' harus 1 sampai 99"),
        ("deadlines:\n  reminder_percent: separuh\n", "'reminder_percent' harus 1 sampai 99"),
        ("deadlines:\n  escalate_after_hours: 0\n", "'escalate_after_hours' harus 1 sampai 1000 jam"),
        ("deadlines:\n  escalation_role: bupati\n", "'escalation_role' 'bupati' bukan peran petugas"),
        ("deadlines:\n  escalation_role: pemohon\n", "'escalation_role' 'pemohon' bukan peran petugas"),
        ("deadlines:\n  completion_days: 0\n", "'completion_days' harus 1 sampai 60 hari kerja"),
        ("deadlines:\n  completion_days: 90\n", "'completion_days' harus 1 sampai 60 hari kerja"),
        ("deadlines:\n  pengingat: 50\n", "tidak dikenal"),
        ("deadlines: setengah\n", "'deadlines' harus berisi"),
    ],
)
def test_a_mistake_in_the_deadlines_block_is_named(tmp_path: Path, block: str, problem: str) -> None:
    assert any(problem in message for message in problems_of(tmp_path, block)), problems_of(tmp_path, block)
