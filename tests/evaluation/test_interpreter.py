"""The reference interpreter on hand-built tables, against numbers worked out by hand.

Each expectation below is computed from the written semantics (see the comments), not by
running anything; the plan is then required to give the same totals. Three cases below
were plan bugs found this way, now fixed and kept as regression cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from outcomespec import model as m
from outcomespec.checking import check_paths
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.evaluation.compiler import compile_plan
from outcomespec.evaluation.coverage import data_coverage
from outcomespec.evaluation.evaluator import area_frame, evaluate_plan
from outcomespec.evaluation.interpreter import completed_months, completed_years, interpret, shift
from outcomespec.loading.tables import Table
from tests.checked import checked_framework
from tests.paths import TESTS

TODAY = dt.date(2026, 12, 1)
"""The clock as the tests see it: a return's dates after it do not count."""

DATA = TESTS / "data" / "frameworks"

LIBRARY = """
library tiny "Tiny returns" {
  codelist sex { 1 "Male" 2 "Female" }
  codelist legal_status { C1 "Interim care order" C2 "Full care order" V2 "Section 20" }
  dataset header {
    rows child  key CHILD  area LA
    column CHILD identifier child  column LA text  column SEX code sex  column DOB date optional
  }
  dataset episodes {
    rows episode  area LA
    column CHILD identifier child  column LA text  column DECOM date  column DEC date optional
    column LS code legal_status
  }
  dataset referrals {
    rows referral  area LA
    column LAchildID identifier child  column LA text  column CINreferralDate date
  }
  define open "Still open" for episodes = DEC is missing
}
"""

Rows = Mapping[str, Sequence[Mapping[str, Any]]]
Totals = dict[tuple[str, str], IndicatorTotals]


def table(dataset: m.Dataset, rows: Sequence[Mapping[str, Any]],
          codelists: Mapping[str, tuple[str, ...]]) -> Table:
    """A typed table from plain rows (None for missing), encoded as `tables.py` says."""
    columns: dict[str, Any] = {}
    code_tables: dict[str, tuple[str, ...]] = {}
    for column in dataset.columns:
        values = [row.get(column.name) for row in rows]
        if column.type.kind is m.ValueKind.CODE:
            codes = code_tables[column.name] = codelists[column.type.codelist or ""]
            columns[column.name] = np.array([-1 if v is None else codes.index(v)
                                             for v in values], dtype=np.int32)
        elif column.type.kind is m.ValueKind.DATE:
            columns[column.name] = np.array(["NaT" if v is None else v for v in values],
                                            dtype="datetime64[D]")
        elif column.type.kind is m.ValueKind.NUMBER:
            columns[column.name] = np.array([np.nan if v is None else v for v in values],
                                            dtype=np.float64)
        else:
            columns[column.name] = np.array(["" if v is None else v for v in values],
                                            dtype=np.str_)
    return Table.of(dataset, columns, code_tables)


def run(frameworks: tuple[m.Framework, ...], framework: m.Framework, rows: Rows,
        period: int, same_as_plan: bool = True) -> Totals:
    """The interpreter's totals by (indicator id, breakdown); by default the plan's must be
    identical (numerators, denominators, measure values with their areas)."""
    datasets = {d.name.rsplit(".", 1)[-1]: d for f in frameworks for d in f.datasets}
    codelists = {c.name: c.code_values for f in frameworks for c in f.codelists}
    tables = {datasets[name].name: table(datasets[name], r, codelists) for name, r in rows.items()}
    frame = area_frame(frameworks, tables)
    plan = compile_plan(frameworks, framework.indicators)
    coverage = data_coverage(plan, tables, framework.period, TODAY)
    ours = interpret(frameworks, framework.indicators, tables, period, framework.period, frame,
                     {module: found.year for module, found in coverage.returns.items()})
    if same_as_plan:
        theirs = evaluate_plan(plan, frameworks, tables, period, framework.period, frame,
                               coverage).totals
        assert [summary(t) for t in ours] == [summary(t) for t in theirs]
    return {(t.indicator.id, t.breakdown): t for t in ours}


def summary(totals: IndicatorTotals) -> tuple[Any, ...]:
    """Comparable form: NaN as None, measure values as a sorted (area, value) multiset."""
    def clean(values: Any) -> list[Any]:
        return [None if np.isnan(v) else float(v) for v in values]
    pairs = None if totals.values is None or totals.value_areas is None else sorted(
        zip(totals.value_areas.tolist(), clean(totals.values), strict=True))
    return (totals.indicator.id, totals.breakdown, clean(totals.numerator),
            clean(totals.denominator), pairs)


def tiny(tmp_path: Path, indicators: Mapping[str, str]) -> tuple[tuple[m.Framework, ...],
                                                                 m.Framework]:
    """The tiny library and a framework holding `indicators` (name → fields), checked."""
    return checked_framework(tmp_path, LIBRARY, indicators)


COUNT = 'kind context statistic count polarity no_judgement "context" '


def numerators(totals: Totals) -> dict[str, list[float]]:
    """Indicator id → numerator per area (whole cohort only)."""
    return {name: t.numerator.tolist() for (name, label), t in totals.items() if not label}


# ------------------------------------------------------------------ the worked demo


def test_demo_framework_gives_the_worked_example_totals() -> None:
    """The demo's placements_3plus (with its SEX split) and cla_rate on hand-built tables."""
    result = check_paths([DATA / "demo.ospec"], DATA)
    framework = result.framework("demo")
    assert framework is not None
    episodes = [  # child, LA, DECOM, RNE, LS, DEC
        ("a", "801", "2024-05-01", "S", "C1", "2024-06-01"),
        ("a", "801", "2024-06-01", "P", "C1", "2024-09-01"),
        ("a", "801", "2024-09-01", "P", "C2", None),
        ("b", "801", "2023-01-01", "S", "V3", None),  # only short breaks: not in the cohort
        ("c", "802", "2020-01-01", "S", "C2", None),
        ("a", "802", "2024-07-01", "S", "C2", None),  # another child `a`, in another LA
    ]
    rows = {
        "header": [{"CHILD": c, "LA": la, "SEX": s, "DOB": d} for c, la, s, d in (
            ("a", "801", "1", "2010-01-01"), ("b", "801", "2", "2012-05-05"),
            ("c", "802", "1", "2015-01-01"), ("a", "802", "2", "2011-01-01"))],
        "episodes": [dict(zip(("CHILD", "LA", "DECOM", "RNE", "LS", "DEC"), e, strict=True))
                     for e in episodes],
        "population": [{"la": "801", "year": 2024.0, "children": 10000.0},
                       {"la": "802", "year": 2024.0, "children": 20000.0},
                       {"la": "801", "year": 2023.0, "children": 5.0}],
    }
    totals = run(result.frameworks, framework, rows, 2025)
    expected = {  # cohort: 801 {a}, 802 {c, a}; only 801's a had 3 new placements in the year
        ("placements_3plus", ""): ([1, 0], [1, 2]),
        ("placements_3plus", "SEX: 1"): ([1, 0], [1, 1]),
        ("placements_3plus", "SEX: 2"): ([0, 0], [0, 1]),
        ("cla_rate", ""): ([1, 2], [10000, 20000]),  # population of the year before
    }
    assert {k: (t.numerator.tolist(), t.denominator.tolist()) for k, t in totals.items()} \
        == expected


# ------------------------------------------------------------------ history windows


def test_rereferral_within_12_months_before_for_the_same_child(tmp_path: Path) -> None:
    """`within 12 months before this.date` is b − 12 months ≤ a < b, within one LA."""
    frameworks, framework = tiny(tmp_path, {"rereferrals": (
        'kind outcome statistic proportion unit percent polarity lower_is_better "x" '
        "cohort referrals where CINreferralDate in period "
        "numerator cohort where any(referrals for same child "
        "where CINreferralDate within 12 months before this.CINreferralDate)")})
    referrals = [
        ("x", "801", "2023-06-01"), ("x", "801", "2024-05-31"),  # within a year: counts
        ("x", "801", "2025-01-10"),  # 2024-05-31 is within the 12 months: counts
        ("y", "801", "2024-04-01"),  # first referral: no
        ("x", "802", "2024-06-01"),  # 801's x is another child: no
        ("z", "802", "2023-06-01"), ("z", "802", "2024-06-01"),  # exactly 12 months: counts
        ("v", "802", "2023-05-30"), ("v", "802", "2024-05-31"),  # a day more: no
        ("w", "802", "2024-05-01"), ("w", "802", "2024-05-01"),  # same day: not before
    ]
    rows = {"referrals": [{"LAchildID": c, "LA": la, "CINreferralDate": d}
                          for c, la, d in referrals]}
    totals = run(frameworks, framework, rows, 2025)[("rereferrals", "")]
    assert totals.numerator.tolist() == [2, 1]
    assert totals.denominator.tolist() == [3, 5]


def test_counts_within_6_months_after_for_the_same_child(tmp_path: Path) -> None:
    """`within 6 months after this.date` is b < a ≤ b + 6 months: the same day is not after,
    exactly six months is within, a day more is not; counted per row, within one LA."""
    proportion = 'kind outcome statistic proportion unit percent polarity lower_is_better "x" '
    later = "referrals for same child where CINreferralDate within 6 months after " \
            "this.CINreferralDate"
    frameworks, framework = tiny(tmp_path, {
        "referred_again": f"{proportion} cohort referrals where CINreferralDate in period "
                          f"numerator cohort where any({later})",
        "referred_twice": f"{proportion} cohort referrals where CINreferralDate in period "
                          f"numerator cohort where count({later}) >= 2"})
    referrals = [
        ("a", "801", "2024-05-01"), ("a", "801", "2024-05-01"),  # later: 08-01, 11-01
        ("a", "801", "2024-08-01"),  # later: 11-01, 11-02
        ("a", "801", "2024-11-01"),  # later: 11-02
        ("a", "801", "2024-11-02"),  # none
        ("b", "801", "2024-06-15"),  # another child
        ("a", "802", "2024-06-01"),  # 801's a is another child
    ]
    rows = {"referrals": [{"LAchildID": c, "LA": la, "CINreferralDate": d}
                          for c, la, d in referrals]}
    totals = run(frameworks, framework, rows, 2025)
    assert totals[("referred_again", "")].numerator.tolist() == [4, 0]
    assert totals[("referred_twice", "")].numerator.tolist() == [3, 0]
    assert totals[("referred_twice", "")].denominator.tolist() == [6, 1]


def test_within_after_and_date_shifts_clip_the_day() -> None:
    """Calendar months clip the day; ages and months count completed units."""
    assert shift(dt.date(2024, 1, 31), m.Duration(0, 1, 0), 1) == dt.date(2024, 2, 29)
    assert shift(dt.date(2024, 2, 29), m.Duration(1, 0, 0), 1) == dt.date(2025, 2, 28)
    assert shift(dt.date(2025, 3, 31), m.Duration(0, 1, 14), -1) == dt.date(2025, 2, 14)
    assert completed_years(dt.date(2007, 4, 1), dt.date(2025, 3, 31)) == 17
    assert completed_years(dt.date(2008, 2, 29), dt.date(2025, 2, 28)) == 16
    assert completed_years(dt.date(2008, 2, 29), dt.date(2025, 3, 1)) == 17
    assert completed_months(dt.date(2024, 1, 31), dt.date(2024, 3, 30)) == 1
    assert completed_months(dt.date(2024, 1, 15), dt.date(2024, 3, 15)) == 2


# ------------------------------------------------------------------ aggregations

EPISODES = [  # child, DECOM, DEC, LS — all in LA 801
    ("a", "2024-05-01", None, "V2"), ("a", "2024-05-01", None, "C1"),  # a tie on DECOM
    ("a", "2024-07-01", None, "C2"),
    ("b", "2023-01-01", "2023-06-01", "C1"), ("b", "2022-01-01", None, "C2"),  # out of order
    ("d", "2024-10-10", "2024-12-01", "C1"),
]  # c has no episodes
HEADER = [("a", "1", "2010-04-01"), ("b", "2", "2010-03-31"), ("c", "1", "2008-02-29"),
          ("d", "2", None)]


def episode_rows() -> Rows:
    """Header and episodes of four children in one LA."""
    return {
        "header": [{"CHILD": c, "LA": "801", "SEX": s, "DOB": d} for c, s, d in HEADER],
        "episodes": [{"CHILD": c, "LA": "801", "DECOM": s, "DEC": e, "LS": ls}
                     for c, s, e, ls in EPISODES],
    }


def test_first_last_min_max_and_all_over_no_rows(tmp_path: Path) -> None:
    """first/last order by the `by` value then row position; empty groups give defaults."""
    indicators = {
        "first_v2": "header where first(LS of episodes by DECOM) in {V2}",  # a: tie → row 1
        "first_c2": "header where first(LS of episodes by DECOM) in {C2}",  # b: 2022 row
        "last_c1": "header where last(LS of episodes by DECOM) in {C1}",  # b, d
        "first_none": "header where first(LS of episodes by DECOM) is missing",  # c
        "all_c1": "header where all(LS in {C1} of episodes)",  # c (no rows), d
        "all_c1_some": "header where all(LS in {C1} of episodes) and any(episodes)",  # d
        "min_early": "header where min(DECOM of episodes) < 2023-01-01",  # b
        "max_late": "header where max(DECOM of episodes) >= 2024-07-01",  # a, d
        "max_dec_none": "header where max(DEC of episodes) is missing",  # a, c
        "count_arith": "header where count(episodes) * 2 - count(episodes where LS in {C1}) "
                       ">= 4",  # a: 3*2-1 = 5; b: 2*2-1 = 3; d: 2-1 = 1
    }
    frameworks, framework = tiny(tmp_path, {
        name: f"{COUNT} numerator {expr}" for name, expr in indicators.items()})
    got = numerators(run(frameworks, framework, episode_rows(), 2025))
    assert got == {"first_v2": [1], "first_c2": [1], "last_c1": [2], "first_none": [1],
                   "all_c1": [2], "all_c1_some": [1], "min_early": [1], "max_late": [2],
                   "max_dec_none": [2], "count_arith": [1]}


def test_exclusions_leave_the_cohort_before_the_numerator(tmp_path: Path) -> None:
    """Excluded units leave denominator and numerator; missing DOB is no exclusion."""
    frameworks, framework = tiny(tmp_path, {"in_care": (
        'kind outcome statistic proportion unit percent polarity higher_is_better "x" '
        "cohort header "
        'exclude SEX in {2} "girls counted elsewhere" '  # b, d leave
        'exclude age(DOB, period.end) < 15 "too young" '  # a (14) leaves; d's DOB missing
        "numerator cohort where any(episodes) "
        "breakdown by SEX")})
    totals = run(frameworks, framework, episode_rows(), 2025)
    # cohort: {c}; c has no episodes
    assert totals[("in_care", "")].numerator.tolist() == [0]
    assert totals[("in_care", "")].denominator.tolist() == [1]
    assert totals[("in_care", "SEX: 1")].denominator.tolist() == [1]
    assert totals[("in_care", "SEX: 2")].denominator.tolist() == [0]


def test_mean_and_median_use_present_measures(tmp_path: Path) -> None:
    """A mean of ages at 31 March and a median of episode lengths in days."""
    frameworks, framework = tiny(tmp_path, {
        "mean_age": 'kind context statistic mean unit "years" polarity no_judgement "x" '
                    "cohort header measure age(DOB, period.end)",
        "median_days": 'kind context statistic median unit "days" polarity no_judgement "x" '
                       "cohort episodes measure days_between(DECOM, DEC)",
    })
    totals = run(frameworks, framework, episode_rows(), 2025)
    ages = totals[("mean_age", "")]
    assert ages.values is not None
    assert sorted(ages.values.tolist()) == [14, 15, 17]  # a, b, c; d's DOB is missing
    assert ages.numerator.tolist() == [3]
    assert np.isnan(ages.denominator).all()
    days = totals[("median_days", "")]
    assert days.values is not None
    assert days.value_areas is not None
    assert sorted(days.values.tolist()) == [52, 151]  # d's closed episode, b's
    assert days.value_areas.tolist() == [0, 0]


def test_breakdown_labels_follow_codelist_order_and_booleans(tmp_path: Path) -> None:
    """Code breakdowns list the codes seen in the dataset, in codelist order; a condition
    splits into yes and no."""
    frameworks, framework = tiny(tmp_path, {"ls": (
        'kind outcome statistic proportion unit percent polarity higher_is_better "x" '
        "cohort episodes numerator cohort where DEC is missing breakdown by LS, open")})
    totals = run(frameworks, framework, episode_rows(), 2025)
    assert [label for name, label in totals] == ["", "LS: C1", "LS: C2", "LS: V2",
                                                 "open: yes", "open: no"]
    assert totals[("ls", "LS: C1")].numerator.tolist() == [1]  # a's second episode
    assert totals[("ls", "LS: C1")].denominator.tolist() == [3]
    assert totals[("ls", "open: yes")].numerator.tolist() == [4]
    assert totals[("ls", "open: no")].denominator.tolist() == [2]


# ------------------------------------------------------------------ a known plan bug


OPEN_LAST = {"open_last": f"{COUNT} numerator header where last(DEC of episodes by DEC) "
                          "is missing"}
ONE_OPEN_ONE_CLOSED = {
    "header": [{"CHILD": "a", "LA": "801", "SEX": "1"}],
    "episodes": [{"CHILD": "a", "LA": "801", "DECOM": "2024-01-01", "DEC": None, "LS": "C1"},
                 {"CHILD": "a", "LA": "801", "DECOM": "2023-01-01", "DEC": "2023-06-01",
                  "LS": "C1"}],
}


def test_missing_by_values_sort_last(tmp_path: Path) -> None:
    """`last(... by DEC)` with an open episode picks the open one: missing sorts last."""
    frameworks, framework = tiny(tmp_path, OPEN_LAST)
    totals = run(frameworks, framework, ONE_OPEN_ONE_CLOSED, 2024, same_as_plan=False)
    assert numerators(totals) == {"open_last": [1]}


def test_plan_sorts_missing_by_values_last(tmp_path: Path) -> None:
    """The plan agrees with the interpreter on `last(DEC of episodes by DEC)`."""
    frameworks, framework = tiny(tmp_path, OPEN_LAST)
    run(frameworks, framework, ONE_OPEN_ONE_CLOSED, 2024)


FIRST_CONDITION = {  # c has no episodes: the first of nothing is missing, so neither holds
    "first_open": f"{COUNT} numerator header where first(DEC is missing of episodes by DECOM)",
    "first_open_pairs": f"{COUNT} numerator header where "
                        "first(DECOM > this.DOB of episodes where DECOM > this.DOB by DECOM)",
    "first_open_missing": f"{COUNT} numerator header where "
                          "first(DEC is missing of episodes by DECOM) is missing",
}
CHILD_WITHOUT_EPISODES = {"header": [{"CHILD": "c", "LA": "801", "SEX": "1",
                                      "DOB": "2010-01-01"}],
                          "episodes": [{"CHILD": "d", "LA": "801", "DECOM": "2024-06-01",
                                        "LS": "C1"}]}


def test_first_of_a_condition_over_no_rows_is_missing(tmp_path: Path) -> None:
    """`first(condition …)` over no rows is missing: it does not hold, and `is missing` does."""
    frameworks, framework = tiny(tmp_path, FIRST_CONDITION)
    got = numerators(run(frameworks, framework, CHILD_WITHOUT_EPISODES, 2025,
                         same_as_plan=False))
    assert got == {"first_open": [0], "first_open_pairs": [0], "first_open_missing": [1]}


def test_plan_first_of_a_condition_over_no_rows(tmp_path: Path) -> None:
    """The plan agrees with the interpreter on `first(condition …)` over no rows."""
    frameworks, framework = tiny(tmp_path, FIRST_CONDITION)
    run(frameworks, framework, CHILD_WITHOUT_EPISODES, 2025)


NO_AREA = """
library noarea "A dataset without an area" {
  dataset header { rows child key CHILD area LA  column CHILD identifier child column LA text }
  dataset things { rows thing  column CHILD identifier child }
}
"""
NO_AREA_FRAMEWORK = """
framework f "F" {
  import "noarea.ospec"
  outcome o "O" {
    indicator things_counted "n" { kind context statistic count polarity no_judgement "c"
      numerator things }
    indicator children_with_things "h" { kind context statistic count
      polarity no_judgement "c" numerator header where count(things) > 0 }
  }
}
"""
TWO_CHILDREN_CALLED_A = {"header": [{"CHILD": "a", "LA": "801"}, {"CHILD": "a", "LA": "802"}],
                         "things": [{"CHILD": "a"}]}


def no_area(tmp_path: Path) -> tuple[tuple[m.Framework, ...], m.Framework]:
    """A framework whose `things` dataset declares no area column."""
    (tmp_path / "noarea.ospec").write_text(NO_AREA, "utf-8")
    (tmp_path / "f.ospec").write_text(NO_AREA_FRAMEWORK, "utf-8")
    result = check_paths([tmp_path / "f.ospec"], tmp_path)
    framework = result.framework("f")
    assert framework is not None
    return result.frameworks, framework


def test_rows_without_an_area_count_nowhere_and_relate_by_identifier(tmp_path: Path) -> None:
    """A dataset with no area column: its rows are in no LA, and relate by identifier."""
    frameworks, framework = no_area(tmp_path)
    got = numerators(run(frameworks, framework, TWO_CHILDREN_CALLED_A, 2025,
                         same_as_plan=False))
    assert got == {"things_counted": [0, 0], "children_with_things": [1, 1]}


def test_plan_places_rows_without_an_area_in_no_area(tmp_path: Path) -> None:
    """The plan agrees with the interpreter on a dataset without an area column."""
    frameworks, framework = no_area(tmp_path)
    run(frameworks, framework, TWO_CHILDREN_CALLED_A, 2025)


def test_a_child_relates_across_two_spellings_of_its_authority(tmp_path: Path) -> None:
    """Header rows keyed `202`, episodes keyed `0202` and `E09000007` (one authority, Camden):
    the child's episodes are its own; the plan agrees with the interpreter."""
    frameworks, framework = tiny(tmp_path, {
        "with_episodes": f"{COUNT} numerator header where any(episodes)",
        "episodes_open": f"{COUNT} numerator header where count(episodes where open) >= 2"})
    rows = {
        "header": [{"CHILD": "a", "LA": "202", "SEX": "1"}, {"CHILD": "b", "LA": "202",
                                                             "SEX": "2"},
                   {"CHILD": "a", "LA": "203", "SEX": "1"}],
        "episodes": [{"CHILD": "a", "LA": "0202", "DECOM": "2024-05-01", "LS": "C1"},
                     {"CHILD": "a", "LA": "E09000007", "DECOM": "2024-06-01", "LS": "C2"},
                     {"CHILD": "b", "LA": "203", "DECOM": "2024-06-01", "LS": "C2"}],
    }
    codelists = {c.name: c.code_values for f in frameworks for c in f.codelists}
    datasets = {d.name.rsplit(".", 1)[-1]: d for f in frameworks for d in f.datasets}
    tables = {datasets[n].name: table(datasets[n], r, codelists) for n, r in rows.items()}
    frame = AreaFrame(("202", "203"), ("Camden", "Greenwich"), [-1, -1],
                      aliases={"E09000007": 0})
    ours = interpret(frameworks, framework.indicators, tables, 2025, framework.period, frame)
    plan = compile_plan(frameworks, framework.indicators)
    theirs = evaluate_plan(plan, frameworks, tables, 2025, framework.period, frame).totals
    assert [summary(t) for t in ours] == [summary(t) for t in theirs]
    # Camden: a has two open episodes, b none (b's episode is Greenwich's b); Greenwich: a none.
    assert [t.numerator.tolist() for t in ours] == [[1, 0], [1, 0]]


NESTED = """
library nested "Referrals numbered within each child, and a table that numbers them alone" {
  dataset header {
    rows child  key CHILD  area LA
    column CHILD identifier child  column LA text
  }
  dataset letters {
    rows referral  area LA
    column LA text  column REF identifier referral  column SENT date
  }
  dataset referrals {
    rows referral  area LA
    column CHILD identifier child  column LA text
    column REF identifier referral within child  column DATE date
  }
}
"""


def test_each_table_identifies_a_unit_as_it_says(tmp_path: Path) -> None:
    """Beside a table numbering referrals alone, referral 1 of child a and of child b in 801
    are still two referrals: 801 has three, 802 one; the plan agrees."""
    frameworks, framework = checked_framework(tmp_path, NESTED, {
        "referrals_counted": f"{COUNT} numerator count distinct(REF of referrals)",
        "letters_counted": f"{COUNT} numerator count distinct(REF of letters)"})
    rows = {
        "header": [{"CHILD": "a", "LA": "801"}, {"CHILD": "b", "LA": "801"},
                   {"CHILD": "a", "LA": "802"}],
        "letters": [{"LA": "801", "REF": "1", "SENT": "2024-05-01"},
                    {"LA": "801", "REF": "2", "SENT": "2024-05-01"}],
        "referrals": [{"CHILD": child, "LA": la, "REF": ref, "DATE": "2024-06-01"}
                      for child, la, ref in (("a", "801", "1"), ("a", "801", "2"),
                                             ("b", "801", "1"), ("a", "802", "1"))]}
    got = numerators(run(frameworks, framework, rows, 2025))
    assert got == {"referrals_counted": [3, 1], "letters_counted": [2, 0]}
