"""The compiler: which typed steps each expression becomes, and which steps are shared.

A small library shaped like SSDA903 (a header of children, their episodes, a population by
year) is checked from text; each test compiles a framework of a few indicators and looks at
the plan's steps directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest

from outcomespec import model as m
from outcomespec.evaluation import plan as p
from outcomespec.evaluation.compiler import compile_plan
from tests.checked import checked_framework

LIBRARY = """
library lib "Test returns" {
  codelist rne {
    S "Started"  L "Legal status only"  P "Placement and carer"  B "Legal status and placement"
    group moves = P, S
  }
  dataset header {
    rows child  key CHILD  area LA
    column CHILD identifier child  column LA text  column DOB date optional
  }
  dataset episodes {
    rows episode  area LA
    column CHILD identifier child  column LA text  column DECOM date
    column DEC date optional  column RNE code rne optional  column PLACES number optional
  }
  dataset population {
    rows area_year  area la  period year calendar_year
    column la text  column year integer  column children number optional
  }
  define open "Still open" for episodes = DEC is missing
}
"""

S = TypeVar("S")
COUNT = 'kind context statistic count polarity no_judgement "context" '


def compiled(tmp_path: Path, indicators: dict[str, str]) -> p.Plan:
    """The plan of a framework importing the library and holding `indicators` (name →
    fields)."""
    frameworks, framework = checked_framework(tmp_path, LIBRARY, indicators)
    return compile_plan(frameworks, framework.indicators)


def used(plan: p.Plan, index: int = 0) -> list[p.Step]:
    """The steps the `index`th indicator uses, in plan order."""
    return [plan.steps[i] for i in sorted(plan.reachable(plan.indicators[index].roots))]


def of_kind(steps: list[p.Step], kind: type[S]) -> list[S]:
    """The steps of one kind."""
    return [step for step in steps if isinstance(step, kind)]


def test_a_definition_used_twice_is_one_step(tmp_path: Path) -> None:
    """`open` used by two indicators is compiled once, and the plan names its step."""
    plan = compiled(tmp_path, {
        "a": COUNT + "numerator episodes where open",
        "b": COUNT + "numerator episodes where open and DECOM in period",
    })
    (step, name), = plan.definitions
    assert name == "lib.open"
    assert isinstance(plan.steps[step], p.MissingTest)
    assert plan.indicators[0].numerator == step
    assert step in plan.reachable(plan.indicators[1].roots)
    assert len(of_kind(list(plan.steps), p.MissingTest)) == 1


def test_two_indicators_share_their_cohort_steps(tmp_path: Path) -> None:
    """Two proportions over the same cohort have one cohort step, and every step under it is
    shared; only their numerators differ."""
    cohort = ('kind outcome statistic proportion unit percent polarity lower_is_better "x" '
              "cohort episodes where DECOM in period and RNE in {S, P} ")
    plan = compiled(tmp_path, {"a": cohort + "numerator cohort where open",
                               "b": cohort + "numerator cohort where DEC in period"})
    first, second = plan.indicators
    assert first.cohort is not None
    assert first.cohort == second.cohort
    assert plan.reachable((first.cohort,)) <= plan.reachable(second.roots)
    assert first.numerator != second.numerator
    assert len(plan.steps) == len(set(plan.steps))


@pytest.mark.parametrize(("condition", "kind"), [
    ("DEC is not missing", p.MissingTest),
    ("DECOM in period", p.InPeriod),
    ("DECOM <= period.end", p.Compare),
    ("not open", p.Not),
    ("open or DECOM in period", p.Or),
    ("open and DECOM in period", p.And),
    ("RNE in moves", p.CodeTest),
    ("DEC within 6 months after DECOM", p.Within),
    ("DEC > DECOM + 1 year", p.ShiftDates),
    ("days_between(DECOM, period.end) >= 7", p.Call),
    ("PLACES / 2 > 1", p.Arithmetic),
    ("-PLACES < 0", p.Negate),
])
def test_each_step_kind_is_built_from_the_expression_that_needs_it(
        tmp_path: Path, condition: str, kind: type[p.Step]) -> None:
    """A numerator's filter compiles to the step class its expression names, on the rows of
    the numerator's dataset."""
    plan = compiled(tmp_path, {"a": COUNT + f"numerator episodes where {condition}"})
    found = of_kind(used(plan), kind)
    assert found
    assert all(step.space == p.Rows("lib.episodes") for step in found)


def test_code_sets_keep_the_codelist_order_and_positions(tmp_path: Path) -> None:
    """`RNE in moves` (P, S) tests positions 0 and 2 of the codelist, named S, P in its
    order."""
    plan = compiled(tmp_path, {"a": COUNT + "numerator episodes where RNE not in moves"})
    (test,) = of_kind(used(plan), p.CodeTest)
    assert (test.codes, test.positions, test.negated) == (("S", "P"), (0, 2), True)


def test_a_shifted_date_keeps_its_duration_and_direction(tmp_path: Path) -> None:
    """`DECOM - 18 months` moves the dates back by the duration as written."""
    plan = compiled(tmp_path, {"a": COUNT + "numerator episodes where DEC > DECOM - 18 months"})
    (shifted,) = of_kind(used(plan), p.ShiftDates)
    assert (shifted.op, shifted.duration) == (m.ArithmeticOp.SUBTRACT, m.Duration(0, 18, 0))


def test_an_area_total_reads_the_area_column_and_the_periods(tmp_path: Path) -> None:
    """`sum(children of population for period - 1)` reduces per authority by the dataset's
    area column, over the rows of the year before."""
    plan = compiled(tmp_path, {
        "a": COUNT + "numerator sum(children of population for period - 1)"})
    steps = used(plan)
    (total,) = of_kind(steps, p.ReduceAreas)
    assert total.function is m.AggregateFunction.SUM
    assert plan.steps[total.areas] == p.AreaIndex(dataset="lib.population", column="la")
    assert plan.steps[total.where] == p.PeriodMask(dataset="lib.population", column="year",
                                                   offsets=(-1,))
    assert plan.indicators[0].reads == (("lib.population", m.Periods((-1,))),)


def test_an_aggregation_over_related_rows_is_reduced_per_unit(tmp_path: Path) -> None:
    """`any(episodes where open)` on the header reduces the episodes per child within its
    authority, then gives each header row its child's value."""
    plan = compiled(tmp_path, {"a": COUNT + "numerator header where any(episodes where open)"})
    steps = used(plan)
    link = p.Link("child", by_area=True)
    (per_unit,) = of_kind(steps, p.ReduceUnits)
    (gathered,) = of_kind(steps, p.GatherUnits)
    assert (per_unit.link, per_unit.function) == (link, m.AggregateFunction.ANY)
    assert per_unit.space == p.Units(link)
    assert plan.steps[gathered.per_unit] == per_unit
    assert plan.steps[gathered.keys] == p.Key(dataset="lib.header", link=link,
                                              identifiers=("CHILD",))
    assert gathered.space == p.Rows("lib.header")


def test_a_window_of_dates_is_counted_without_pairs(tmp_path: Path) -> None:
    """`any(episodes for same child where DECOM within 12 months before this.DECOM)` is a
    `Window`; the same with any other use of `this` pairs the rows."""
    plan = compiled(tmp_path, {
        "a": COUNT + "numerator episodes where any(episodes for same child where DECOM "
                     "within 12 months before this.DECOM)",
        "b": COUNT + "numerator episodes where any(episodes for same child where DECOM "
                     "< this.DECOM)",
    })
    (window,) = of_kind(used(plan, 0), p.Window)
    assert (window.function, window.duration, window.direction, window.inner) == (
        m.AggregateFunction.ANY, m.Duration(0, 12, 0), m.Direction.BEFORE, "lib.episodes")
    assert not of_kind(used(plan, 0), p.Pair)
    assert of_kind(used(plan, 1), p.Pair)
    sides = {step.side for step in of_kind(used(plan, 1), p.PairSide)}
    assert sides == {p.Side.INNER, p.Side.OUTER}
    (reduced,) = of_kind(used(plan, 1), p.ReducePairs)
    assert reduced.space == p.Rows("lib.episodes")


def test_nested_aggregations_over_pairs_are_a_stated_problem(tmp_path: Path) -> None:
    """An aggregation inside one that uses `this` is not evaluable, says so, and leaves no
    steps behind for other indicators."""
    plan = compiled(tmp_path, {
        "a": COUNT + "numerator episodes where any(episodes for same child where DECOM "
                     "< this.DECOM and any(header where DOB < this.DECOM))",
        "b": COUNT + "numerator episodes where open",
    })
    nested, plain = plan.indicators
    assert nested.problem == ("aggregations nested inside an aggregation that uses `this` "
                              "are not supported yet")
    assert nested.roots == ()
    assert plain.problem is None
    assert plan.reachable(plain.roots) == set(range(len(plan.steps)))
