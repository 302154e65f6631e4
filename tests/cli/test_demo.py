"""`outcomespec demo`: data generated once and reused, frameworks evaluated, a summary."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from outcomespec.cli import main
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"


def test_demo_writes_results_and_reuses_its_data(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A small-scale demo writes both results tables, prints England beside the published
    figures, and a second run reuses the generated data."""
    args = ["demo", "--out", str(tmp_path), "--frameworks", str(FRAMEWORKS), "--scale", "0.05"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "generating synthetic national data for 2021-2025" in err
    assert "placements_3plus" in out
    assert "10.0  percent" in out  # the published England figure beside the computed one
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "csc_national_framework.csv").read_text(encoding="utf-8"))))
    england = {r["indicator"] for r in rows if r["area_type"] == "england"}
    assert {"placements_3plus", "sdq_mean", "care_leavers_19_21_eet",
            "cla_rate_per_10k"} <= england
    assert (tmp_path / "dfe_published.csv").is_file()
    assert "cpp_second_or_subsequent" in out
    assert "24.5  percent" in out
    assert "supporting_families        serves 11 of 14 goals" in out
    assert "polarity conflicts: 1" in out
    for name in ("supporting_families.csv", "alignment.json", "alignment.html",
                 "alignment.txt"):
        assert (tmp_path / name).is_file(), name
    assert main(args) == 0
    assert "reusing synthetic data" in capsys.readouterr().err


def test_demo_needs_the_frameworks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without the shipped frameworks the demo says where to run it, as a usage error."""
    assert main(["demo", "--out", str(tmp_path), "--frameworks", str(tmp_path)]) == 2
    assert "run from the checkout" in capsys.readouterr().err
