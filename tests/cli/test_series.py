"""`outcomespec eval --period A..B`: several periods in one table, from DfE's tables holding
every year and from a folder per year, with usage mistakes refused before any work."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from outcomespec import api
from outcomespec.synthetic.generator import generate
from tests.cli.running import run_cli
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
DFE = FRAMEWORKS / "dfe_published.ospec"
DATA = FRAMEWORKS / "data" / "dfe"


def test_a_span_of_published_tables(capsys: pytest.CaptureFixture[str]) -> None:
    """2021..2025 of DfE's tables: one table of five periods, the API's series as CSV, a
    summary per period, and 2025's rows assessed for their recent trend, but for the
    authorities created since 2021 (Northamptonshire's two, and Cumbria's two in 2023-24)."""
    code, out, err = run_cli(capsys, "eval", DFE, "--data", DATA, "--period", "2021..2025")
    assert code == 0
    assert out == api.load(DFE).series(DATA, "2021..2025").results.to_csv()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted({r["period"] for r in rows}) == ["2021", "2022", "2023", "2024", "2025"]
    assert [line.split(" for period ")[1][:4] for line in err.splitlines()
            if " indicator results for period " in line] == ["2021", "2022", "2023", "2024",
                                                             "2025"]
    trends = Counter(r["trend"] for r in rows if r["period"] == "2025")
    assert trends["no_significant_change"] > 0
    assert {r["area_name"] for r in rows if r["period"] == "2025" and not r["trend"]} == {
        "North Northamptonshire", "West Northamptonshire", "Cumberland",
        "Westmorland and Furness"}


def test_a_span_of_yearly_folders_in_the_fingertips_layout(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Five folders of synthetic returns, nothing at the top: the Fingertips layout, its
    Recent Trend filled for 2024/25 and empty before."""
    generate(tmp_path, years=(2021, 2022, 2023, 2024, 2025), scale=0.05, las=12, seed=3)
    code, out, _ = run_cli(capsys, "eval", FRAMEWORKS / "csc_national_framework.ospec",
                           "--data", tmp_path, "--period", "2021..2025", "--format",
                           "fingertips", "--allow-missing")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["Recent Trend"] for r in rows if r["Time period"] != "2024/25"} == {""}
    assert "No significant change" in {r["Recent Trend"] for r in rows}


@pytest.mark.parametrize(("extra", "message"), [
    (("--period", "2025..2021"), "--period 2025..2021: runs backwards: write the earlier year "
                                 "first (2021..2025)"),
    (("--period", "2021..25"), "--period 2021..25: 25 has two digits; write the year in full"),
    (("--period", "2021..2025", "--engine", "spark"), "--engine spark evaluates one period"),
])
def test_span_mistakes_before_any_work(capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch,
                                       extra: tuple[str, ...], message: str) -> None:
    """A span written wrongly, or with the Spark engine, is exit 2 before anything is read."""
    def evaluated(*args: object, **kwargs: object) -> None:
        pytest.fail("the command evaluated before refusing")

    monkeypatch.setattr(api, "run_series", evaluated)
    monkeypatch.setattr(api, "run_all", evaluated)
    code, out, err = run_cli(capsys, "eval", DFE, "--data", DATA, *extra)
    assert (code, out) == (2, "")
    assert err.startswith(f"outcomespec: error: {message}"), err


def test_a_folder_without_the_files_is_a_usage_mistake(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    """An empty directory: exit 2, saying it and its year folders hold none of the files."""
    code, _, err = run_cli(capsys, "eval", DFE, "--data", tmp_path, "--period", "2024..2025")
    assert code == 2
    assert err.startswith(f"outcomespec: error: --data {tmp_path} (nor its folders 2024 to "
                          "2025) holds none of the files the frameworks read")
