"""The agency's follow-up plan beside its standards: read for the published index (its population gives the
minimum sample), and checked by `make check` (folder, name, keys, values) with a message naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from chalicelib.standard.catalogue import Catalogue
from chalicelib.surveys.follow_up import FollowUpError, check_follow_ups, load_follow_up, parse_follow_up
from chalicelib.surveys.records import Scope
from chalicelib.surveys.semesters import Semester

from tests.functions.factories import catalogue

PLAN = """---
population: 420
elements: [U3, U9]
---
Waktu penyelesaian: loket kedua dibuka mulai Agustus 2026 (penanggung jawab: Kepala Seksi Penempatan).
"""


def plans(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "standards"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_plan_gives_its_population_elements_and_text(tmp_path: Path) -> None:
    root = plans(tmp_path, {"disperinaker-klungkung/_tindak-lanjut/2026-1/rekomendasi-paspor.md": PLAN})
    plan = load_follow_up(root, Scope.SERVICE, "disperinaker-klungkung/rekomendasi-paspor", Semester(2026, 1))
    assert plan is not None
    assert (plan.population, plan.elements) == (420, ("U3", "U9"))
    assert plan.text.startswith("Waktu penyelesaian: loket kedua")
    assert load_follow_up(root, Scope.SERVICE, "disperinaker-klungkung/rekomendasi-paspor", Semester(2026, 2)) is None


def test_the_agencys_own_plan_is_its_instansi_file(tmp_path: Path) -> None:
    root = plans(tmp_path, {"disperinaker-klungkung/_tindak-lanjut/2026-1/_instansi.md": PLAN})
    plan = load_follow_up(root, Scope.AGENCY, "disperinaker-klungkung", Semester(2026, 1))
    assert plan is not None and plan.population == 420


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Tanpa bagian depan.\n", "bagian depan"),
        ("---\npopulasi: 3\n---\nRencana.\n", "kunci tidak dikenal: populasi"),
        ("---\npopulation: -1\n---\nRencana.\n", "population harus bilangan bulat"),
        ("---\npopulation: '420'\n---\nRencana.\n", "population harus bilangan bulat"),
        ("---\nelements: [U10]\n---\nRencana.\n", "elements harus daftar kode unsur"),
        ("---\npopulation: 5\n---\n\n", "kosong"),
    ],
)
def test_a_wrong_plan_is_refused_with_an_indonesian_reason(text: str, message: str) -> None:
    with pytest.raises(FollowUpError, match=message):
        parse_follow_up(text)


def test_the_checker_names_each_wrong_file_and_accepts_good_ones(tmp_path: Path) -> None:
    seeds: Catalogue = catalogue()
    root = plans(
        tmp_path,
        {
            "disperinaker-klungkung/_tindak-lanjut/2026-1/rekomendasi-paspor.md": PLAN,
            "disperinaker-klungkung/_tindak-lanjut/2026-1/_instansi.md": PLAN,
            "disperinaker-klungkung/_tindak-lanjut/2026-1/tidak-ada.md": PLAN,
            "disperinaker-klungkung/_tindak-lanjut/2026-3/rekomendasi-paspor.md": PLAN,
            "disperinaker-klungkung/_tindak-lanjut/2026-2/kartu-pencari-kerja.md": "---\npopulation: x\n---\nA.\n",
            "dinsos-kalbar/_tindak-lanjut/catatan.md": PLAN,
        },
    )
    problems = {p.file: p.message for p in check_follow_ups(root, seeds)}
    base = "standards/disperinaker-klungkung/_tindak-lanjut"
    assert set(problems) == {
        f"{base}/2026-1/tidak-ada.md",
        f"{base}/2026-3",
        f"{base}/2026-3/rekomendasi-paspor.md",
        f"{base}/2026-2/kartu-pencari-kerja.md",
        "standards/dinsos-kalbar/_tindak-lanjut/catatan.md",
    }
    assert "population harus bilangan bulat" in problems[f"{base}/2026-2/kartu-pencari-kerja.md"]


def test_the_published_index_states_the_minimum_sample_from_the_plans_population(tmp_path: Path) -> None:
    from chalicelib.surveys.index import Tally
    from chalicelib.surveys.service import Results

    results = Results(Scope.SERVICE, "x/y", "Y", Semester(2026, 1), Tally(90, (90,) * 9, (270,) * 9), None, 420)
    assert (results.minimum_sample, results.sample_reached) == (201, False)
    assert Results(Scope.SERVICE, "x/y", "Y", Semester(2026, 1), Tally.empty(), None, None).sample_reached is None


def test_the_lambda_package_carries_the_plans_beside_the_compiled_catalogue(tmp_path: Path) -> None:
    from infra.package import copy_follow_up_plans

    root = plans(
        tmp_path,
        {
            "disperinaker-klungkung/_tindak-lanjut/2026-1/rekomendasi-paspor.md": PLAN,
            "disperinaker-klungkung/rekomendasi-paspor.md": "not a plan",
        },
    )
    bundled = tmp_path / "bundle" / "chalicelib" / "standards"
    assert copy_follow_up_plans(root, bundled) == 1
    plan = load_follow_up(bundled, Scope.SERVICE, "disperinaker-klungkung/rekomendasi-paspor", Semester(2026, 1))
    assert plan is not None and plan.population == 420
