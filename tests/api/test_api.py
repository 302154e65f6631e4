"""outcomespec.api as a unit: load, evaluate, run and align on a small framework of its own
dataset (moves of children looked after in three authorities), checked against plain Python:
what each returns, what it warns, and what it raises."""

from __future__ import annotations

import math
import statistics
import warnings
from pathlib import Path
from typing import Any

import pytest

import outcomespec
from outcomespec import Alignment, OutcomeSpecError, OutcomeSpecWarning
from outcomespec import model as m
from outcomespec.api import Framework, PeriodChoice, Run, UnknownAreaError
from outcomespec.results import Results
from tests.paths import REPO

FRAMEWORK = """\
framework small "Moves of children looked after" {
  period year ending 31 March
  suppress counts 1..5
  dataset moves "Children looked after, one row per child and year" {
    rows child_year  area la  period year
    column la text  column year integer  column child text
    column moves integer
  }
  outcome stable "Stable homes" {
    indicator moved_3plus "Three or more moves in the year" {
      kind outcome  statistic proportion  unit percent
      numerator count(moves where moves >= 3)
      denominator count(moves)
      polarity lower_is_better "fewer moves"
      compare england
      confidence wilson 95%
    }
    indicator mean_moves "Moves per child" {
      kind context  statistic mean
      cohort moves
      measure moves
      unit "moves"
      polarity no_judgement "context"
      confidence student_t 95%
    }
  }
}
"""

CHILDREN = {"805": 40, "806": 30, "390": 25}
"""Children looked after in 2025 by authority (Hartlepool, Middlesbrough, Gateshead)."""


def moves(child: int) -> int:
    """Child `child`'s moves: 0 to 5 by a fixed rule, so the figures are known."""
    return (child * 7 + child // 3) % 6


def table() -> dict[str, dict[str, list[str]]]:
    """The data: the moves table as columns of text, every child of every authority in 2025,
    and one child of 2024 (which a 2025 figure must not count)."""
    rows = [(la, "2025", f"{la}-{i}", str(moves(i))) for la, n in CHILDREN.items()
            for i in range(n)] + [("805", "2024", "805-old", "5")]
    return {"moves": {name: list(column) for name, column in zip(
        ("la", "year", "child", "moves"), zip(*rows, strict=True), strict=True)}}


def expected(la: str | None) -> tuple[int, int, float]:
    """An authority's (or, for None, England's) children with 3+ moves, children, and mean."""
    values = [moves(i) for code, n in CHILDREN.items() if la in (None, code) for i in range(n)]
    return sum(v >= 3 for v in values), len(values), statistics.fmean(values)


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Framework:
    """The small framework, loaded from its file."""
    path = tmp_path_factory.mktemp("small") / "small.ospec"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return outcomespec.load(path)


def row(results: Results, indicator: str, area: str) -> dict[str, Any]:
    """One row by indicator id and area code (ONS, or an authority's DfE code)."""
    (found,) = [r for r in results.rows() if r["indicator"] == indicator
                and area in (r["area_code"], r["la_code"])]
    return found


def test_load_gives_a_checked_framework(framework: Framework) -> None:
    """`load` returns a Framework: its name, indicators, datasets, no warnings and a plan."""
    assert isinstance(framework, Framework)
    assert framework.name == "small"
    assert [i.name for i in framework.indicators] == ["small.moved_3plus", "small.mean_moves"]
    assert all(isinstance(i, m.Indicator) for i in framework.indicators)
    assert [d.name for d in framework.datasets()] == ["small.moves"]
    assert framework.warnings == ()
    assert "\nmoved_3plus  " in framework.explain()


def test_load_raises_every_diagnostic(tmp_path: Path) -> None:
    """A framework with errors raises OutcomeSpecError carrying each, located in the file."""
    path = tmp_path / "bad.ospec"
    path.write_text(FRAMEWORK.replace("count(moves where", "count(move where"),
                    encoding="utf-8")
    with pytest.raises(OutcomeSpecError) as raised:
        outcomespec.load(path)
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("E201", str(path))
    assert str(raised.value).startswith(f"1 error(s); first: {path}:12:")


def test_evaluate_gives_the_results_of_plain_counting(framework: Framework) -> None:
    """Each authority's and England's share with 3+ moves and mean moves, as counted by hand;
    the 2024 child is not counted."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutcomeSpecWarning)  # clean data: no warning at all
        results = framework.evaluate(table(), 2025)
    assert isinstance(results, Results)
    assert len(results) == 2 * (len(CHILDREN) + 1)
    for la, code in [*((la, la) for la in CHILDREN), (None, "E92000001")]:
        three, children, mean = expected(la)
        share = row(results, "moved_3plus", code)
        assert (share["numerator"], share["denominator"]) == (three, children)
        assert share["value"] == pytest.approx(100 * three / children, rel=1e-12)
        assert share["lower_95"] < share["value"] < share["upper_95"]
        average = row(results, "mean_moves", code)
        assert (average["numerator"], average["denominator"]) == (children, None)
        assert average["value"] == pytest.approx(mean, rel=1e-12)


def test_wilson_limits_by_hand(framework: Framework) -> None:
    """England's 95% limits are Wilson's, computed here from its formula."""
    results = framework.run(table(), 2025).results
    three, n, _ = expected(None)
    z = statistics.NormalDist().inv_cdf(0.975)
    p = three / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    england = row(results, "moved_3plus", "E92000001")
    assert england["lower_95"] == pytest.approx(100 * (centre - half) / (1 + z * z / n))
    assert england["upper_95"] == pytest.approx(100 * (centre + half) / (1 + z * z / n))


def test_run_keeps_the_reports(framework: Framework) -> None:
    """`run` gives the results, what was loaded, the diagnostics and the period chosen."""
    run = framework.run(table(), None)
    assert isinstance(run, Run)
    assert isinstance(run.period_choice, PeriodChoice)
    assert run.period_choice.period == 2025
    assert run.period_choice.label == "2024-25"
    assert run.period_choice.reason.startswith("the latest period the data hold")
    assert list(run.loads) == ["small.moves"]
    assert run.loads["small.moves"].report.rows_read == 96
    assert (run.diagnostics, run.notices()) == ((), ())
    assert run.evaluation.skipped == ()


@pytest.mark.parametrize("period", [2025, "2025", "2024-25", "2024/25"])
def test_period_as_people_write_it(framework: Framework, period: int | str) -> None:
    """The year ending March 2025 however written gives the same table."""
    assert framework.run(table(), period).results.to_csv() == \
        framework.run(table(), 2025).results.to_csv()


def test_a_period_the_data_do_not_hold_raises(framework: Framework) -> None:
    """2019 is not in the data: OutcomeSpecError D131 saying which periods are held."""
    with pytest.raises(OutcomeSpecError) as raised:
        framework.evaluate(table(), 2019)
    assert [d.code for d in raised.value.diagnostics] == ["D131"]
    assert str(raised.value) == ("1 error(s); first: [D131] the data hold no rows for period "
                                 "2019 (2018-19); they hold 2024 to 2025")


def test_a_missing_value_is_warned_and_left_out(framework: Framework) -> None:
    """An empty `moves` is a D109 warning and a value read as missing: Hartlepool's child 0
    is still one of its 40 children, but not one of the 39 values of its mean."""
    data = table()
    data["moves"]["moves"][0] = ""
    with pytest.warns(OutcomeSpecWarning) as record:
        results = framework.evaluate(data, 2025)
    assert [str(w.message).split("\n")[0] for w in record] == [
        "moves:2: warning[D109]: column `moves` has no value but is not declared `optional`; "
        "read as missing", "`small.moves` (moves): 1 values read as missing (empty: 1)"]
    assert row(results, "moved_3plus", "805")["denominator"] == 40
    assert row(results, "mean_moves", "805")["numerator"] == 39
    assert row(results, "mean_moves", "805")["value"] == pytest.approx(
        statistics.fmean(moves(i) for i in range(1, 40)))


def test_a_data_error_stops_unless_keep_going(framework: Framework) -> None:
    """`many` moves is D105: raised, or with keep_going read as missing and reported."""
    data = table()
    data["moves"]["moves"][0] = "many"
    with pytest.raises(OutcomeSpecError) as raised:
        framework.evaluate(data, 2025)
    assert str(raised.value) == ("1 error(s); first: moves:2: [D105] `many` in column "
                                 "`moves` is not a number")
    run = framework.run(data, 2025, keep_going=True)
    assert [d.code for d in run.diagnostics] == ["D105"]
    assert row(run.results, "mean_moves", "805")["numerator"] == 39


def test_a_data_directory_works_as_a_mapping_does(framework: Framework, tmp_path: Path) -> None:
    """The same table as `moves.csv` in a folder gives the same results."""
    data = table()
    columns = data["moves"]
    lines = [",".join(columns)] + [",".join(values) for values in
                                   zip(*columns.values(), strict=True)]
    (tmp_path / "moves.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert framework.run(tmp_path, 2025).results.to_csv() == \
        framework.run(data, 2025).results.to_csv()


def test_small_counts_are_suppressed(framework: Framework) -> None:
    """An authority with three children (1 to 5) has its share withheld, with its note."""
    columns = table()["moves"]
    keep = [i for i, la in enumerate(columns["la"]) if la != "390" or columns["child"][i] in
            ("390-0", "390-1", "390-2")]
    small = {"moves": {name: [column[i] for i in keep] for name, column in columns.items()}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutcomeSpecWarning)
        results = framework.evaluate(small, 2025)
    gateshead = row(results, "moved_3plus", "390")
    assert (gateshead["value"], gateshead["suppressed"], gateshead["note"]) == (
        None, True, "suppressed")


def test_an_area_that_is_no_authority_raises_before_evaluating() -> None:
    """`area` naming no local authority of the geography is UnknownAreaError."""
    dfe = outcomespec.load(REPO / "frameworks" / "dfe_published.ospec")
    with pytest.raises(UnknownAreaError, match="`99999` is not a local authority"):
        dfe.evaluate(REPO / "frameworks" / "data" / "dfe", 2025, area="99999")


def test_align_returns_an_alignment() -> None:
    """Two shipped frameworks aligned: an Alignment of both, as text and as a dict."""
    alignment = outcomespec.align([REPO / "frameworks" / "csc_national_framework.ospec",
                                   REPO / "frameworks" / "supporting_families.ospec"])
    assert isinstance(alignment, Alignment)
    assert isinstance(alignment.to_dict(), dict)
    assert alignment.render_text()


def test_align_raises_on_a_framework_with_errors(tmp_path: Path) -> None:
    """A file that cannot be read is OutcomeSpecError E001."""
    with pytest.raises(OutcomeSpecError) as raised:
        outcomespec.align([tmp_path / "missing.ospec"])
    assert [d.code for d in raised.value.diagnostics] == ["E001"]
