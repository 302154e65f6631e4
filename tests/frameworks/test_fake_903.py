"""The National Framework over real-format messy records: the DfE 903 validator's fake return.

The fake data (tests/data/ssda903-fake, MIT, see its README) is one authority's SSDA903 return
for 2017-18 with random codes, a float where a flag belongs and codes from older code lists.
Evaluation must complete, report every problem with its file and line, and compute what the
data allow — checked here against a plain-Python count from the CSV files.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import outcomespec
from outcomespec import OutcomeSpecError
from outcomespec.api import Run
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
FAKE = REPO / "tests" / "data" / "ssda903-fake"
START, END = dt.date(2017, 4, 1), dt.date(2018, 3, 31)


@pytest.fixture(scope="module")
def run() -> Run:
    """The framework evaluated for 2017-18, carrying on past the data errors."""
    framework = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)
    return framework.run(FAKE, 2018, area="805", keep_going=True)


def rows(name: str) -> list[dict[str, str]]:
    """A CSV file of the fake return."""
    with (FAKE / f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def day(text: str) -> dt.date | None:
    """A dd/mm/YYYY date, or None when empty."""
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def value(run: Run, indicator: str) -> tuple[float | None, float | None, float | None]:
    """Numerator, denominator and value of the authority's row of an indicator."""
    for row in run.results.rows():
        if row["indicator"] == indicator and row["area_type"] == "local_authority" \
                and not row["breakdown"]:
            return row["numerator"], row["denominator"], row["value"]
    raise AssertionError(indicator)


def test_errors_stop_evaluation_unless_asked() -> None:
    """Without keep_going, the unreadable flag and the derived distance the return lacks
    (placed_20_miles reads it) stop evaluation with their diagnostics."""
    framework = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)
    with pytest.raises(OutcomeSpecError) as caught:
        framework.run(FAKE, 2018, area="805")
    errors = [d for d in caught.value.diagnostics if d.is_error]
    assert [(d.code, Path(d.path or "").name, d.line) for d in errors] == [
        ("D101", "episodes.csv", 1), ("D106", "header.csv", 1273)]
    assert errors[0].message == ("column `PL_DISTANCE` of dataset `episodes` is missing from "
                                 "the file, and indicator placed_20_miles reads it")


def test_every_problem_is_reported(run: Run) -> None:
    """The bad flag is an error, each out-of-list code a warning with its line."""
    found = sorted((d.code, Path(d.path or "").name, d.line) for d in run.diagnostics)
    assert ("D106", "header.csv", 1273) in found
    warnings = [(name, line) for code, name, line in found if code == "D104"]
    assert len(warnings) == 14
    assert {name for name, _ in warnings} == {"oc3.csv"}
    assert sum(run.loads["ssda903.header"].report.read_as_missing().values()) == 5_349


def test_indicators_without_their_data_are_named(run: Run) -> None:
    """Indicators whose datasets are not in a 903 return are reported, not silently dropped."""
    skipped = {s.indicator.id for s in run.evaluation.skipped}
    assert skipped == {
        "cin_rate_per_10k", "rereferrals_12m", "cla_started_rate_per_10k", "cla_rate_per_10k",
        "uasc_rate_per_10k", "cpp_second_or_subsequent", "cpp_2_years_plus",
        "injury_admissions_0_14", "spend_not_on_cla", "spend_per_child",
        "social_worker_turnover", "agency_worker_rate", "vacancy_rate", "average_caseload",
        "placed_20_miles", "all_pupils_persistent_absence", "cino_persistent_absence",
        "cppo_persistent_absence", "cla_persistent_absence", "all_pupils_severe_absence",
        "cino_severe_absence", "cppo_severe_absence", "cla_severe_absence",
        "all_pupils_attainment8", "cino_attainment8", "cppo_attainment8", "cla_attainment8"}
    (distance,) = [s for s in run.evaluation.skipped if s.indicator.id == "placed_20_miles"]
    assert distance.reason == (f"reads column `PL_DISTANCE` of `ssda903.episodes`, which "
                               f"`{FAKE / 'episodes.csv'}` lacks")
    evaluated = {t.indicator.id for t in run.evaluation.totals}
    assert {"placements_3plus", "foster_care", "sdq_mean"} <= evaluated


TEMPORARY = ("T0", "T1", "T2", "T3", "T4")


def moving(episodes: list[dict[str, str]]) -> list[bool]:
    """For each episode: not a temporary placement, nor the return from one (the child's
    latest earlier episode is temporary, and the latest earlier other one, if any, has the
    same PLACE)."""
    def latest(among: list[dict[str, str]]) -> dict[str, str] | None:
        """The row with the latest start, the later in the file on a tie."""
        return max(reversed(among), key=lambda x: day(x["DECOM"]) or START) if among else None

    by_child: dict[str, list[dict[str, str]]] = {}
    for e in episodes:
        by_child.setdefault(e["CHILD"], []).append(e)
    out = []
    for e in episodes:
        start = day(e["DECOM"]) or START
        earlier = [x for x in by_child[e["CHILD"]] if (day(x["DECOM"]) or START) < start]
        before = latest(earlier)
        usual = latest([x for x in earlier if x["PLACE"] not in TEMPORARY])
        returns = (before is not None and before["PLACE"] in TEMPORARY
                   and (usual is None or usual["PLACE"] == e["PLACE"]))
        out.append(e["PLACE"] not in TEMPORARY and not returns)
    return out


def test_placements_match_a_plain_count(run: Run) -> None:
    """Children looked after at 31 March 2018 with 3+ placements, counted from the CSV:
    temporary placements (T0-T4, frequent in this random data) and the returns from them
    are not placements."""
    children = {r["CHILD"] for r in rows("header")}
    episodes = rows("episodes")
    looked_after, placements, foster = set(), dict.fromkeys(children, 0), set()
    for e, settled in zip(episodes, moving(episodes), strict=True):
        start, end = day(e["DECOM"]), day(e["DEC"])
        assert start is not None
        open_at_end = start <= END and (end is None or end > END)
        if open_at_end and e["LS"] not in ("V3", "V4"):
            looked_after.add(e["CHILD"])
            if e["PLACE"] in ("U1", "U2", "U3", "U4", "U5", "U6"):
                foster.add(e["CHILD"])
        starts = e["RNE"] in ("S", "P", "B", "T", "U") and settled and START <= start <= END
        held = start < START and (end is None or end >= START)
        if e["CHILD"] in placements and (starts or held):
            placements[e["CHILD"]] += 1
    cohort = looked_after & children
    three = sum(1 for child in cohort if placements[child] >= 3)
    assert (len(cohort), three) == (1201, 241)
    assert value(run, "placements_3plus") == (three, len(cohort), pytest.approx(
        100 * three / len(cohort)))
    assert value(run, "foster_care")[:2] == (len(foster & children), len(cohort))


def test_cli_keep_going_writes_results_and_fails(tmp_path: Path) -> None:
    """`eval --keep-going` writes the table, lists the errors and still exits 1."""
    out = tmp_path / "fake.csv"
    done = subprocess.run(
        [sys.executable, "-c", "from outcomespec.cli import main; raise SystemExit(main())",
         "eval", str(FRAMEWORKS / "csc_national_framework.ospec"), "--root", str(FRAMEWORKS),
         "--data", str(FAKE), "--period", "2018", "--area", "805", "--keep-going",
         "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert "header.csv:1273: error[D106]" in done.stdout + done.stderr
    assert "the single local authority 805\n" in done.stderr
    with out.open(encoding="utf-8") as f:
        indicators = {r["indicator"] for r in csv.DictReader(f)}
    assert "placements_3plus" in indicators
