"""The checker: names resolved across imports, expressions typed, indicator rules enforced."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outcomespec import model as m
from outcomespec.checking import CheckResult, check_paths
from tests.paths import REPO, TESTS

DATA = TESTS / "data" / "frameworks"


def check(tmp_path: Path, body: str) -> CheckResult:
    """Check a framework body that imports the mini SSDA903 library."""
    (tmp_path / "mini903.ospec").write_text((DATA / "mini903.ospec").read_text("utf-8"), "utf-8")
    main = tmp_path / "main.ospec"
    main.write_text('framework t "T" {\n  import "mini903.ospec"\n' + body + "\n}\n", "utf-8")
    return check_paths([main], tmp_path)


def codes(result: CheckResult) -> list[str]:
    return [d.code for d in result.diagnostics]


INDICATOR = """
  cohort cla "Looked after at 31 March" = header where any(episodes where looked_after_at_end)
  outcome o "Outcome" {{
    indicator i "Indicator" {{
      {fields}
    }}
  }}
"""


def indicator(tmp_path: Path, fields: str) -> CheckResult:
    return check(tmp_path, INDICATOR.format(fields=fields))


PROPORTION = """kind outcome statistic proportion unit percent cohort cla
      numerator cohort where count(episodes where RNE in new_placement) >= 3
      polarity lower_is_better "Fewer moves" """


def test_demo_framework_checks_clean() -> None:
    """The demo framework resolves every name and builds its indicators."""
    result = check_paths([DATA / "demo.ospec"], DATA)
    assert result.diagnostics == ()
    framework = result.framework("demo")
    assert framework is not None
    first, second = framework.indicators
    assert first.name == "demo.placements_3plus"
    assert first.numerator_subset is m.SubsetProof.PROVEN
    assert first.unit == m.Unit("percent", 100.0)
    assert first.levels == (0.95, 0.998)
    assert first.polarity is m.Polarity.LOWER_IS_BETTER
    assert second.unit == m.Unit("per 10,000", 10000.0)
    assert isinstance(second.denominator, m.Aggregate)
    assert second.denominator.link is None


def test_cohort_filters_carry_into_the_numerator(tmp_path: Path) -> None:
    """`numerator cohort where X` is the cohort's filters plus X: proven a subset."""
    result = indicator(tmp_path, PROPORTION)
    assert codes(result) == []
    framework = result.framework("t")
    assert framework is not None
    (ind,) = framework.indicators
    assert ind.cohort is not None
    assert isinstance(ind.numerator, m.Population)
    assert ind.numerator.filters[: len(ind.cohort.filters)] == ind.cohort.filters
    assert len(ind.numerator.filters) == len(ind.cohort.filters) + 1
    assert ind.numerator_subset is m.SubsetProof.PROVEN


def test_aggregation_links_rows_through_the_child(tmp_path: Path) -> None:
    """`count(episodes …)` inside a child-level filter is linked on the child identifier."""
    result = indicator(tmp_path, PROPORTION)
    framework = result.framework("t")
    assert framework is not None
    numerator = framework.indicators[0].numerator
    assert isinstance(numerator, m.Population)
    comparison = numerator.filters[-1]
    assert isinstance(comparison, m.Comparison)
    aggregate = comparison.left
    assert isinstance(aggregate, m.Aggregate)
    assert (aggregate.dataset, aggregate.link) == ("mini903.episodes", "child")
    assert isinstance(aggregate.where, m.CodeTest)
    assert aggregate.where.codes == frozenset({"S", "P", "T", "B", "U"})


def test_numerator_not_written_as_refinement_is_checked_on_data(tmp_path: Path) -> None:
    """A numerator over the same rows but written independently gets W602, not an error."""
    result = indicator(tmp_path, PROPORTION.replace("numerator cohort where",
                                                    "numerator header where"))
    assert codes(result) == ["W602"]
    assert result.ok
    framework = result.framework("t")
    assert framework is not None
    assert framework.indicators[0].numerator_subset is m.SubsetProof.CHECK_ON_DATA


def test_numerator_of_a_different_unit_is_refused(tmp_path: Path) -> None:
    """Counting episodes over a cohort of children is E405."""
    result = indicator(tmp_path, PROPORTION.replace(
        "numerator cohort where count(episodes where RNE in new_placement) >= 3",
        "numerator episodes where RNE in new_placement"))
    assert codes(result) == ["E405"]


def test_misspelt_column_suggests_the_column(tmp_path: Path) -> None:
    """`DECMO` gets E201 at its position with help `did you mean DECOM`."""
    result = indicator(tmp_path, PROPORTION.replace("RNE in new_placement",
                                                    "DECMO in period"))
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "E201"
    assert diagnostic.help == "did you mean `DECOM`?"
    assert diagnostic.span is not None
    assert diagnostic.span.text == "DECMO"


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    """Independent mistakes in one indicator each get their own diagnostic."""
    result = indicator(tmp_path, """kind context statistic proportion unit per 1000
      cohort cla numerator cohort where SEX in {3}
      polarity higher_is_better""")
    assert sorted(codes(result)) == ["E207", "E402", "E408"]


def test_context_indicator_must_not_be_judged(tmp_path: Path) -> None:
    """kind context with higher_is_better is E403."""
    result = indicator(tmp_path, PROPORTION.replace("kind outcome", "kind context"))
    assert codes(result) == ["E403"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("unit percent", 'unit "score"'), None),
        (("statistic proportion", "statistic mean"), "E404 E404 E408"),
        (("kind outcome", "kind outcom"), "E410"),
        (("polarity lower_is_better", "polarity lower_is_worse"), "E410"),
        (('"Fewer moves"', '"Fewer moves" confidence byars'), "E409"),
        (('"Fewer moves"', '"Fewer moves" compare region'), "E412"),
        (('"Fewer moves"', '"Fewer moves" kind outcome'), "E406"),
        (("RNE in new_placement", "RNE in {S, S}"), "E503"),
        (("RNE in new_placement", "DEC is missing"), None),
        (("RNE in new_placement", "DECOM is missing"), "E502"),
        (("RNE in new_placement", "DECOM + DECOM"), "E301"),
        (("RNE in new_placement", "DECOM"), "E302"),
        (("RNE in new_placement", "DECOM in {S}"), "E303"),
        (("RNE in new_placement", "this.DOB > DECOM"), None),
        (("count(episodes where RNE in new_placement)", "count(DECOM of episodes)"), "E304"),
    ],
)
def test_indicator_rules(tmp_path: Path, change: tuple[str, str], code: str | None) -> None:
    """Each change to a valid indicator gives exactly the expected diagnostic (or none)."""
    old, new = change
    assert old in PROPORTION
    result = indicator(tmp_path, PROPORTION.replace(old, new))
    assert sorted(codes(result)) == (code.split() if code else [])


def test_this_outside_an_aggregation(tmp_path: Path) -> None:
    """`this.X` at the cohort's own row level is E210."""
    result = indicator(tmp_path, PROPORTION.replace(
        "count(episodes where RNE in new_placement) >= 3", "this.DOB > DOB"))
    assert codes(result) == ["E210"]


def test_unused_definition_and_import(tmp_path: Path) -> None:
    """A framework's unused definition and unused import are each E501."""
    (tmp_path / "other.ospec").write_text('library other { codelist c { A "a" } }', "utf-8")
    result = check(tmp_path, 'import "other.ospec"\n'
                   "define spare for episodes = DEC is missing\n"
                   + INDICATOR.format(fields=PROPORTION))
    assert sorted(d.message for d in result.diagnostics) == [
        "definition `spare` is never used",
        "nothing from `other.ospec` is used",
    ]


def test_reused_indicator_overrides_only_presentation(tmp_path: Path) -> None:
    """`indicator x from other.i` keeps the computation and takes a new polarity."""
    check(tmp_path, INDICATOR.format(fields=PROPORTION))
    (tmp_path / "reuse.ospec").write_text(
        'framework r "R" {\n  import "main.ospec" as t\n  outcome o "O" {\n'
        '    indicator moves from t.i { polarity no_judgement "Shown for context" }\n  }\n}\n',
        "utf-8")
    result = check_paths([tmp_path / "reuse.ospec"], tmp_path)
    assert codes(result) == []
    framework = result.framework("r")
    assert framework is not None
    (reused,) = framework.indicators
    original = result.framework("t")
    assert original is not None
    assert reused.origin == "t.i"
    assert reused.polarity is m.Polarity.NO_JUDGEMENT
    assert reused.numerator == original.indicators[0].numerator


def test_shipped_files_check_clean() -> None:
    """Every shipped framework and dataset library checks with no diagnostics at all."""
    files = sorted((REPO / "frameworks").rglob("*.ospec"))
    assert files
    result = check_paths(files, REPO / "frameworks")
    assert [(d.path, d.code, d.message) for d in result.diagnostics] == []


def test_code_compared_with_equals_gets_the_in_form(tmp_path: Path) -> None:
    """`LS = C2` is explained as a code test, with `LS in {C2}` as the fix."""
    result = indicator(tmp_path, PROPORTION.replace("RNE in new_placement", "LS = C2"))
    (diagnostic,) = result.diagnostics
    assert (diagnostic.code, diagnostic.help) == ("E301", "write `LS in {C2}`")


def test_reused_indicator_may_override_breakdowns(tmp_path: Path) -> None:
    """A reused indicator's `breakdown` replaces the original's, checked against its cohort."""
    lib = TESTS / "golden" / "diagnostics" / "_lib"
    (tmp_path / "fw.ospec").write_text((lib / "fw.ospec").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mini903.ospec").write_text(
        (lib / "datasets" / "mini903.ospec").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "local.ospec").write_text(
        'framework local "Local" {\n  import "fw.ospec"\n  import "datasets/mini903.ospec"\n'
        '  define young "Under 10" for header = age(DOB, period.end) < 10\n'
        '  outcome stable "Stable" {\n'
        "    indicator moves from demo.placements_3plus {\n      breakdown by young\n"
        "    }\n    indicator bad from demo.placements_3plus {\n      breakdown by NOPE\n"
        "    }\n  }\n}\n", encoding="utf-8")
    result = check_paths([tmp_path / "local.ospec"], tmp_path)
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("E201", "`NOPE` is not a column of `header` or a definition for it")]
    local = result.framework(result.requested[0])
    assert local is not None
    moves = local.indicators[0]
    assert [b.type.kind for b in moves.breakdowns] == [m.ValueKind.BOOLEAN]  # not SEX


def _ranges(tmp_path: Path, columns: str) -> CheckResult:
    """Check a library with one dataset of the given column declarations."""
    main = tmp_path / "ranges.ospec"
    main.write_text("library r {\n  dataset d {\n    rows child\n" + columns + "\n  }\n}\n",
                    "utf-8")
    return check_paths([main], tmp_path)


def test_column_ranges_become_typed_bounds(tmp_path: Path) -> None:
    """`range` ends are numbers for number columns and dates for date columns, open ends None."""
    result = _ranges(tmp_path, "    column SDQ integer optional range 0 .. 40\n"
                               "    column DOB date range 1990-01-01 ..\n"
                               "    column MILES number range .. 999.9\n"
                               "    column NAME text")
    assert result.diagnostics == ()
    (dataset,) = result.frameworks[0].datasets
    assert [c.bounds for c in dataset.columns] == [
        m.ValueRange(0.0, 40.0), m.ValueRange(dt.date(1990, 1, 1), None),
        m.ValueRange(None, 999.9), None]


@pytest.mark.parametrize(("column", "code"), [
    ("column SDQ integer range 40 .. 0", "E105"),
    ("column SDQ integer range 0 .. 40.5", "E105"),
    ("column DOB date range 2025-03-31 .. 1990-01-01", "E105"),
    ("column DOB date range 0 ..", "E301"),
    ("column SDQ number range .. 2025-03-31", "E301"),
    ("column LA text range 0 .. 999", "E301"),
    ("column FLAG boolean range 0 .. 1", "E301"),
])
def test_column_range_must_fit_the_column(tmp_path: Path, column: str, code: str) -> None:
    """A reversed range, a fraction for an integer, or ends of another type are errors."""
    result = _ranges(tmp_path, "    " + column)
    assert codes(result) == [code]


def _library(tmp_path: Path, dataset: str) -> CheckResult:
    """Check a library declaring one dataset."""
    path = tmp_path / "lib.ospec"
    path.write_text('library lib "L" {\n' + dataset + "\n}\n", "utf-8")
    return check_paths([path], tmp_path)


def test_dated_by_names_the_columns_that_date_a_return() -> None:
    """The shipped SSDA903 episodes are dated by DECOM and DEC; care leavers by nothing."""
    result = check_paths([REPO / "frameworks" / "datasets" / "ssda903.ospec"],
                         REPO / "frameworks")
    (library,) = result.frameworks
    datasets = {d.name.rsplit(".", 1)[-1]: d for d in library.datasets}
    assert datasets["episodes"].dated_by == ("DECOM", "DEC")
    assert datasets["oc3"].dated_by == ()


@pytest.mark.parametrize(("setting", "code", "message"), [
    ("dated by SEX", "E301", "`dated by` names `SEX`, which is a text, not a date"),
    ("dated by START", "E201", "`dated by` names `START`, which is not a column of this dataset"),
    ("period YEAR\n    dated by DECOM", "E420",
     "a dataset with a period column is placed in periods by it, not by its dates"),
])
def test_dated_by_names_date_columns_of_a_return(tmp_path: Path, setting: str, code: str,
                                                  message: str) -> None:
    """`dated by` names date columns of the dataset, and a dataset with a period column has
    none: each mistake is one error saying so."""
    result = _library(tmp_path, f'''  dataset things "Things" {{
    rows thing
    {setting}
    column SEX text
    column DECOM date
    column YEAR integer
  }}''')
    assert [(d.code, d.message) for d in result.diagnostics] == [(code, message)]
