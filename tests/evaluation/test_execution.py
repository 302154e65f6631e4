"""The execution of a plan: each kind of step computes what it says, on four episodes.

The expected values are worked out by hand from the rows below for the reporting year ending
31 March 2025 (1 April 2024 to 31 March 2025). Every test evaluates the plan's steps one by
one, so a step dispatched to the wrong computation shows as a wrong row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from outcomespec import model as m
from outcomespec.evaluation import plan as p
from outcomespec.evaluation.compiler import compile_plan
from outcomespec.evaluation.evaluator import area_frame, period_bounds
from outcomespec.evaluation.execution import Execution
from tests.checked import checked_framework
from tests.evaluation.test_interpreter import table

LIBRARY = """
library lib "Test returns" {
  codelist rne { S "Started"  L "Legal status only"  P "Placement and carer" }
  dataset header {
    rows child  key CHILD  area LA
    column CHILD identifier child  column LA text
  }
  dataset episodes {
    rows episode  area LA
    column CHILD identifier child  column LA text  column DECOM date
    column DEC date optional  column RNE code rne optional  column PLACES number optional
  }
}
"""
HEADER = [{"CHILD": "c1", "LA": "A"}, {"CHILD": "c2", "LA": "A"}, {"CHILD": "c3", "LA": "B"}]
EPISODES = [
    {"CHILD": "c1", "LA": "A", "DECOM": "2024-05-01", "DEC": None, "RNE": "S", "PLACES": 2.0},
    {"CHILD": "c1", "LA": "A", "DECOM": "2023-01-10", "DEC": "2024-04-30", "RNE": "P",
     "PLACES": None},
    {"CHILD": "c2", "LA": "A", "DECOM": "2025-03-31", "DEC": "2025-06-01", "RNE": "L",
     "PLACES": 4.0},
    {"CHILD": "c3", "LA": "B", "DECOM": "2022-02-28", "DEC": None, "RNE": None, "PLACES": 1.0},
]
COUNT = 'kind context statistic count polarity no_judgement "context" '
PERIOD = 2025


def evaluated(tmp_path: Path, numerator: str) -> tuple[p.Plan, Execution]:
    """The plan of one count whose numerator is `numerator`, and a run over the rows above."""
    frameworks, framework = checked_framework(tmp_path, LIBRARY,
                                              {"a": f"{COUNT} numerator {numerator}"})
    datasets = {d.name: d for f in frameworks for d in f.datasets}
    codelists = {c.name: c.code_values for f in frameworks for c in f.codelists}
    tables = {name: table(datasets[name], rows, codelists)
              for name, rows in (("lib.header", HEADER), ("lib.episodes", EPISODES))}
    plan = compile_plan(frameworks, framework.indicators)
    start, end = period_bounds(PERIOD, framework.period)
    run = Execution(plan, tables, area_frame(frameworks, tables), PERIOD,
               (np.datetime64(start, "D"), np.datetime64(end, "D")))
    return plan, run


def numerator(tmp_path: Path, text: str) -> tuple[set[type], list[Any]]:
    """The kinds of step the numerator uses, and its value per row (or per area)."""
    plan, run = evaluated(tmp_path, text)
    root = plan.indicators[0].numerator
    assert root is not None
    kinds = {type(plan.steps[i]) for i in plan.reachable((root,))}
    return kinds, np.asarray(run.get(root)).tolist()


@pytest.mark.parametrize(("condition", "kind", "expected"), [
    ("DEC is missing", p.MissingTest, [True, False, False, True]),
    ("DECOM in period", p.InPeriod, [True, False, True, False]),
    ("DECOM <= period.start", p.Compare, [False, True, False, True]),
    ("not DEC is missing", p.Not, [False, True, True, False]),
    ("DEC is missing or DECOM in period", p.Or, [True, False, True, True]),
    ("DEC is missing and DECOM in period", p.And, [True, False, False, False]),
    ("RNE in {S, P}", p.CodeTest, [True, True, False, False]),
    ("RNE not in {S}", p.CodeTest, [False, True, True, False]),
    ("DEC within 6 months after DECOM", p.Within, [False, False, True, False]),
    ("DECOM within 3 months after period.start", p.Within, [True, False, False, False]),
    ("DEC > DECOM + 1 year", p.ShiftDates, [False, True, False, False]),
    ("days_between(DECOM, period.end) >= 7", p.Call, [True, True, False, True]),
    ("age(DECOM, period.end) >= 3", p.Call, [False, False, False, True]),
    ("PLACES / 2 > 1", p.Arithmetic, [False, False, True, False]),
    ("-PLACES < -1", p.Negate, [True, False, True, False]),
])
def test_each_row_step_computes_its_condition(tmp_path: Path, condition: str, kind: type,
                                              expected: list[bool]) -> None:
    """A filter over the episodes holds on exactly the rows worked out by hand."""
    kinds, values = numerator(tmp_path, f"episodes where {condition}")
    assert kind in kinds
    assert values == expected


def test_an_aggregation_per_child_is_gathered_to_each_row(tmp_path: Path) -> None:
    """c1 and c3 have an open episode, c2 has none."""
    kinds, values = numerator(tmp_path, "header where any(episodes where DEC is missing)")
    assert {p.ReduceUnits, p.GatherUnits, p.Key} <= kinds
    assert values == [True, False, True]


@pytest.mark.parametrize("condition", [
    "any(episodes for same child where DECOM within 24 months before this.DECOM)",
    "PLACES is not missing and any(episodes for same child where DECOM within 24 months "
    "before this.DECOM)",
])
def test_a_window_counts_the_earlier_episodes_of_the_same_child(tmp_path: Path,
                                                                condition: str) -> None:
    """Only c1's 2024 episode has another of c1's within the 24 months before it; alone or
    inside an `and` (where it is computed last, for the rows the rest leaves)."""
    kinds, values = numerator(tmp_path, f"episodes where {condition}")
    assert p.Window in kinds
    assert p.Pair not in kinds
    assert values == [True, False, False, False]


def test_pairs_relate_each_row_to_the_rows_of_the_same_child(tmp_path: Path) -> None:
    """The last earlier episode of c1's 2024 episode began with P; no other episode has an
    earlier one, so the test is false (missing) for them."""
    kinds, values = numerator(
        tmp_path, "episodes where last(RNE of episodes for same child where DECOM < "
                  "this.DECOM by DECOM) in {P}")
    assert {p.Pair, p.PairSide, p.ReducePairs} <= kinds
    assert values == [True, False, False, False]


def test_an_area_total_is_unknown_where_a_row_it_adds_has_no_value(tmp_path: Path) -> None:
    """Authority A adds 2, 4 and a blank: not known, never 6; B adds 1."""
    kinds, values = numerator(tmp_path, "sum(PLACES of episodes)")
    assert {p.ReduceAreas, p.AreaIndex} <= kinds
    assert np.isnan(values[0])
    assert values[1] == 1.0


def test_an_area_count_counts_the_rows_that_pass(tmp_path: Path) -> None:
    """One open episode in each of A (c1's) and B (c3's)."""
    _, values = numerator(tmp_path, "count(episodes where DEC is missing)")
    assert values == [1.0, 1.0]


def test_constants_and_period_bounds_are_scalars(tmp_path: Path) -> None:
    """A date literal is a day, `period.year` the year the period ends."""
    plan, run = evaluated(tmp_path, "episodes where DECOM >= 2024-04-01 and period.year > 2024")
    date = plan.steps.index(p.Constant(value="2024-04-01", type=m.DATE))
    year = plan.steps.index(p.PeriodBound(field=m.PeriodField.YEAR))
    assert run.get(date) == np.datetime64("2024-04-01", "D")
    assert run.get(year) == 2025.0
    root = plan.indicators[0].numerator
    assert root is not None
    assert isinstance(plan.steps[root], p.And)
    assert run.get(root).tolist() == [True, False, True, False]
