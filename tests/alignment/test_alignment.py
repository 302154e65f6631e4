"""Tests for outcomespec.alignment and `outcomespec align`: coverage, duplicates, conflicts.

The frameworks under `tests/golden/alignment/` are small on purpose: a library of datasets
(`care_data.ospec`), the shared goals (`shared_goals.ospec`) and two frameworks aligned to
them (`national.ospec`, `local.ospec`), written to exercise every part of the report. The
expected reports `expected.txt`, `expected.json` and `expected.html` are the exact output of

    outcomespec align --format FORMAT national.ospec local.ospec shared_goals.ospec

run in that directory. `OUTCOMESPEC_UPDATE_GOLDEN=1` rewrites them from the current output;
review each changed file by eye before keeping it: a golden file records what users will read.
"""

from __future__ import annotations

import functools
import json
import os
import random
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import outcomespec
from outcomespec import model as m
from outcomespec.alignment import (
    Alignment,
    Duplicate,
    GoalCoverage,
    IndicatorRef,
    Link,
    PolarityConflict,
    align,
)
from outcomespec.alignment.expressions import Normaliser, constant_differences
from outcomespec.checking import check_paths
from outcomespec.cli import main
from outcomespec.model.rendering import render_expr
from tests.paths import REPO, TESTS

GOLDEN = TESTS / "golden" / "alignment"
FRAMEWORKS = REPO / "frameworks"
FILES = ("national.ospec", "local.ospec", "shared_goals.ospec")
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"
PROPERTY = settings(max_examples=25, deadline=None)

OP = m.ComparisonOp


@functools.cache
def _checked() -> tuple[tuple[m.Framework, ...], tuple[m.Framework, ...]]:
    """The test frameworks as checked models: (the three aligned, every module)."""
    result = check_paths([GOLDEN / name for name in FILES], GOLDEN)
    assert result.diagnostics == ()
    chosen = tuple(f for name in result.requested if (f := result.framework(name)) is not None)
    return chosen, result.frameworks


@functools.cache
def _report() -> Alignment:
    """The alignment of the test frameworks, through the public API."""
    return outcomespec.align([GOLDEN / name for name in FILES])


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: Path,
         *args: str) -> tuple[int, str, str]:
    """`outcomespec align ARGS` run in `where`: (exit code, stdout, stderr)."""
    monkeypatch.chdir(where)
    capsys.readouterr()
    code = main(["align", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ------------------------------------------------------------------ golden reports


@pytest.mark.parametrize(("form", "suffix"), [("text", "txt"), ("json", "json"),
                                              ("html", "html")])
def test_report_matches_golden(form: str, suffix: str, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """`outcomespec align --format FORM` prints exactly the expected report, and exits 0."""
    code, out, err = _run(monkeypatch, capsys, GOLDEN, "--format", form, *FILES)
    expected = GOLDEN / f"expected.{suffix}"
    if UPDATE:
        expected.write_text(out, encoding="utf-8", newline="\n")
    assert (code, err) == (0, "")
    assert expected.exists(), f"no {expected.name}; run with OUTCOMESPEC_UPDATE_GOLDEN=1"
    assert out == expected.read_text(encoding="utf-8")


def test_json_report_is_the_dict_form() -> None:
    """The golden JSON is `Alignment.to_dict()` of the API's alignment, keys in schema order."""
    data = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))
    assert data == _report().to_dict()
    assert list(data) == ["version", "frameworks", "goals", "duplicates", "near_duplicates",
                          "conflicts", "process_only", "unmeasured"]


# ------------------------------------------------------------------ what the report finds


def test_frameworks_keep_the_order_given() -> None:
    """The frameworks are the columns, in the order the files were given."""
    assert _report().frameworks == ("national", "local_offer", "shared_goals")


def test_coverage_uses_every_relation_and_outcome_level_serving() -> None:
    """Each framework's strongest relation per goal; an outcome heading can serve a goal."""
    report = _report()
    strongest = {g.goal.split(".")[1]: (g.strongest("national"), g.strongest("local_offer"))
                 for g in report.goals}
    assert strongest == {
        "safe_at_home": ("exact", "broader"),
        "stable_homes": ("exact", "exact"),
        "thriving_care_leavers": ("exact", "exact"),
        "emotional_wellbeing": ("broader", "proxy"),
        "family_help": ("proxy", "narrower"),
        "healthy": (None, None),
    }
    stable = report.goal("shared_goals.stable_homes")
    assert stable is not None
    assert Link("shared_goals.stable_homes", "national", "stable", None, "exact", None) \
        in stable.links


def test_strongest_relation_order() -> None:
    """exact > narrower > broader > proxy, whatever order the links come in."""
    def coverage(*relations: str) -> GoalCoverage:
        return GoalCoverage("g.x", "X", tuple(Link("g.x", "f", "o", None, r, None)
                                              for r in relations))

    assert coverage("proxy", "broader").strongest("f") == "broader"
    assert coverage("broader", "narrower", "proxy").strongest("f") == "narrower"
    assert coverage("proxy", "exact").strongest("f") == "exact"
    assert coverage().strongest("f") is None


def test_unmeasured_and_process_only_goals() -> None:
    """A goal nothing serves, and one served only by a process and a context indicator."""
    report = _report()
    assert report.unmeasured == ("shared_goals.healthy",)
    assert report.process_only == ("shared_goals.family_help",)


def _pairs(found: tuple[Duplicate, ...]) -> set[tuple[str, str]]:
    return {(d.first.qualified, d.second.qualified) for d in found}


def test_exact_duplicates_written_differently() -> None:
    """Same quantity with conditions reordered, a definition inlined, a cohort spelt out —
    across frameworks and within one; a `from` reuse is flagged as such."""
    report = _report()
    assert _pairs(report.duplicates) == {
        ("local_offer.three_moves", "national.placements_3plus"),
        ("local_offer.three_moves", "local_offer.placements_3plus"),
        ("local_offer.placements_3plus", "national.placements_3plus"),
        ("local_offer.wellbeing_score", "national.sdq_mean"),
        ("local_offer.children_in_care", "local_offer.looked_after_count"),
    }
    assert all(d.differences == () for d in report.duplicates)
    reused = {(d.first.indicator, d.second.qualified) for d in report.duplicates if d.reuse}
    assert reused == {("placements_3plus", "national.placements_3plus")}


def test_near_duplicates_say_how_they_differ() -> None:
    """A 12 versus 24 month window, and one extra condition on the cohort, in words."""
    near = {(d.first.indicator, d.second.indicator): d.differences
            for d in _report().near_duplicates}
    assert near == {
        ("rereferrals_24m", "rereferrals_12m"): (
            "numerator: `PREVIOUS_REFDATE within 24 months before REFDATE` in "
            "`local_offer.rereferrals_24m` but `PREVIOUS_REFDATE within 12 months before "
            "REFDATE` in `national.rereferrals_12m`",),
        ("eet_in_touch", "care_leavers_eet"): (
            "denominator: only `local_offer.eet_in_touch` requires `IN_TOUCH in {Y}`",),
    }


def test_polarity_conflicts() -> None:
    """Opposite polarities on duplicates, and on two indicators serving one goal exactly."""
    conflicts = {(c.first.indicator, c.second.indicator, c.goal, c.reason)
                 for c in _report().conflicts}
    assert conflicts == {
        ("wellbeing_score", "sdq_mean", None, "they compute the same quantity"),
        ("leavers_in_touch", "care_leavers_eet", "shared_goals.thriving_care_leavers",
         "both serve `shared_goals.thriving_care_leavers` exactly"),
    }


def test_a_target_range_against_a_direction_is_a_conflict_with_both_reasons(
        tmp_path: Path) -> None:
    """The SDQ duplicate judged inside 5 .. 15 in one framework, lower is better in the other."""
    shutil.copytree(GOLDEN, tmp_path / "frameworks")
    local = tmp_path / "frameworks" / "local.ospec"
    local.write_text(local.read_text().replace(
        'polarity higher_is_better "Written the wrong way round"',
        'polarity target_range 5 .. 15 "Too low a score may hide difficulties"'))
    report = outcomespec.align([tmp_path / "frameworks" / name for name in FILES])
    reasons = {c.first.indicator: c.reason for c in report.conflicts if c.goal is None}
    assert reasons == {"wellbeing_score": (
        "they compute the same quantity, judged differently: `local_offer` judges it good "
        'between 5 and 15 (score): "Too low a score may hide difficulties"; `national` judges '
        'it lower is better: "A higher score means more difficulties"')}


def test_goals_come_from_imports() -> None:
    """Goals declared in an imported file are covered even when that file is not aligned."""
    report = outcomespec.align([GOLDEN / "national.ospec"])
    assert report.frameworks == ("national",)
    assert [g.goal for g in report.goals][:2] == ["shared_goals.safe_at_home",
                                                  "shared_goals.stable_homes"]
    assert report.duplicates == ()


# ------------------------------------------------------------------ properties


@PROPERTY
@given(st.permutations(range(len(FILES))))
def test_order_of_frameworks_changes_only_the_columns(order: list[int]) -> None:
    """Aligning the frameworks in any order gives the same report but for `frameworks`."""
    chosen, modules = _checked()
    given_order = align([chosen[i] for i in order], modules=modules)
    assert given_order.frameworks == tuple(chosen[i].name for i in order)
    assert attrs.evolve(given_order, frameworks=()) == attrs.evolve(
        align(chosen, modules=modules), frameworks=())


def _shuffled(value: Any, rnd: random.Random) -> Any:
    """The model with the operands of every `and`/`or` and the filters of every population
    in a random order (the same meaning)."""
    if isinstance(value, tuple):
        return tuple(_shuffled(v, rnd) for v in value)
    if not attrs.has(type(value)) or isinstance(value, m.ValueType | m.Unit):
        return value
    changes = {f.name: _shuffled(getattr(value, f.name), rnd) for f in attrs.fields(type(value))
               if f.eq}
    for name in ("operands", "filters"):
        if isinstance(value, m.Logical | m.Population) and name in changes:
            changes[name] = tuple(rnd.sample(changes[name], len(changes[name])))
    return attrs.evolve(value, **changes)


@PROPERTY
@given(st.randoms(use_true_random=False))
def test_order_of_conditions_changes_nothing(rnd: random.Random) -> None:
    """Reordering the conditions of every `and`, `or` and population changes nothing."""
    chosen, modules = _checked()
    assert align(_shuffled(chosen, rnd), modules=_shuffled(modules, rnd)) == align(
        chosen, modules=modules)


# ------------------------------------------------------------------ expressions


def test_definition_used_through_this_is_shifted_outward() -> None:
    """`this.name` inlines the definition with its columns read from the enclosing row."""
    decom = m.ColumnRef("d.episodes", "DECOM", m.DATE)
    definition = m.Definition("d.started", None, "d.episodes", m.InPeriod(decom))
    ref = m.DefinitionRef("d.started", m.BOOLEAN, depth=1)
    assert render_expr(Normaliser({"d.started": definition}).expr(ref)) == "this.DECOM in period"


def test_normal_forms_ignore_how_a_condition_is_written() -> None:
    """Constants on the right, `not` pushed into tests, numbers by value, months for years."""
    normal = Normaliser({}).expr
    age = m.ColumnRef("d.people", "AGE", m.NUMBER)
    ls = m.ColumnRef("d.people", "LS", m.ValueType(m.ValueKind.CODE, "d.ls"))
    assert normal(m.Comparison(OP.LE, m.Literal(19.0, m.NUMBER), age)) == normal(
        m.Comparison(OP.GE, age, m.Literal(19.0, m.ValueType(m.ValueKind.NUMBER, integer=True))))
    assert normal(m.Not(m.CodeTest(ls, frozenset({"V3"}), False))) == normal(
        m.CodeTest(ls, frozenset({"V3"}), True))
    assert normal(m.Duration(1, 0, 0)) == normal(m.Duration(0, 12, 0))


def test_strict_comparisons_of_whole_numbers_are_inclusive() -> None:
    """`plans > 0` is `plans >= 1` for an integer column, but not for a number column."""
    normal = Normaliser({}).expr
    whole = m.ColumnRef("d.plans", "PREVIOUS", m.ValueType(m.ValueKind.NUMBER, integer=True))
    real = m.ColumnRef("d.plans", "SCORE", m.NUMBER)
    assert normal(m.Comparison(OP.GT, whole, m.Literal(0.0, m.NUMBER))) == normal(
        m.Comparison(OP.GE, whole, m.Literal(1.0, m.NUMBER)))
    assert normal(m.Comparison(OP.LT, m.Literal(5.0, m.NUMBER), whole)) == normal(
        m.Comparison(OP.GE, whole, m.Literal(6.0, m.NUMBER)))
    assert normal(m.Comparison(OP.GT, real, m.Literal(0.0, m.NUMBER))) != normal(
        m.Comparison(OP.GE, real, m.Literal(1.0, m.NUMBER)))


def test_constant_differences_need_the_same_shape() -> None:
    """Only constants may differ: another column or operator is a different shape."""
    age = m.ColumnRef("d.people", "AGE", m.NUMBER)
    other = m.ColumnRef("d.people", "OTHER", m.NUMBER)
    nineteen = m.Comparison(OP.GE, age, m.Literal(19.0, m.NUMBER))
    assert constant_differences(nineteen, m.Comparison(OP.GE, age, m.Literal(17.0, m.NUMBER))) \
        == [(m.Literal(19.0, m.NUMBER), m.Literal(17.0, m.NUMBER))]
    assert constant_differences(nineteen, m.Comparison(OP.GE, other, m.Literal(19.0, m.NUMBER))) \
        is None
    assert constant_differences(nineteen, m.Comparison(OP.GT, age, m.Literal(19.0, m.NUMBER))) \
        is None


def test_html_escapes_framework_text() -> None:
    """Titles and names from framework files are escaped in the HTML page."""
    ref = IndicatorRef("fw", "x", "<script>alert(1)</script>", "outcome", "higher_is_better")
    other = attrs.evolve(ref, indicator="y", polarity="lower_is_better")
    report = Alignment(
        ("fw",), (GoalCoverage("g.a&b", 'Goal "<b>"', ()),), (Duplicate(ref, other, ()),), (),
        (PolarityConflict(ref, other, None, "they compute the same quantity"),), (), ("g.a&b",))
    page = report.render_html()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "g.a&amp;b" in page


# ------------------------------------------------------------------ command line


def test_json_to_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    """`--out FILE` writes the report there and nothing to standard output."""
    out = tmp_path / "alignment.json"
    code, stdout, err = _run(monkeypatch, capsys, GOLDEN, "--format", "json", "--out", str(out),
                             *FILES)
    assert (code, stdout, err) == (0, "", "")
    assert json.loads(out.read_text(encoding="utf-8")) == _report().to_dict()


def test_broken_framework_exits_1_with_the_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A framework serving a goal that does not exist: exit 1, the diagnostic on standard
    error, no report on standard output."""
    project = tmp_path / "project"
    shutil.copytree(GOLDEN, project)
    (project / "broken.ospec").write_text(
        'framework broken "Broken" {\n'
        '  import "shared_goals.ospec"\n'
        '  outcome safe "Safe" {\n'
        "    serves shared_goals.safe_at_hom exact\n"
        "  }\n"
        "}\n", encoding="utf-8")
    code, out, err = _run(monkeypatch, capsys, project, "national.ospec", "broken.ospec")
    assert (code, out) == (1, "")
    assert err.startswith("broken.ospec:4:12: error[E201]: unknown goal "
                          "`shared_goals.safe_at_hom`")
    assert "did you mean `shared_goals.safe_at_home`?" in err


def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """A --root that is not a directory, an --out in no directory, no files: exit 2."""
    missing = str(tmp_path / "nowhere")
    assert _run(monkeypatch, capsys, GOLDEN, "--root", missing, *FILES)[0] == 2
    assert _run(monkeypatch, capsys, GOLDEN, "--out", f"{missing}/a.txt", *FILES)[0] == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["align"])
    assert exit_info.value.code == 2


# ------------------------------------------------------------------ shipped frameworks


def test_shipped_frameworks_align() -> None:
    """Every framework (not library) in frameworks/ aligns, is listed, and the report renders."""
    declared = {path: _declared(path) for path in sorted(FRAMEWORKS.glob("*.ospec"))}
    frameworks = [path for path, (kind, _) in declared.items() if kind == "framework"]
    assert frameworks, "no shipped frameworks found"
    report = outcomespec.align(frameworks, root=FRAMEWORKS)
    assert report.frameworks == tuple(declared[path][1] for path in frameworks)
    assert report.render_text().startswith(f"Alignment of {len(frameworks)} frameworks")
    assert report.render_html().startswith("<!DOCTYPE html>")
    assert json.loads(json.dumps(report.to_dict())) == report.to_dict()
    for goal in report.goals:
        assert {link.framework for link in goal.links} <= set(report.frameworks)


def _declared(path: Path) -> tuple[str, str]:
    """What a file declares, `framework` or `library`, and the module's name."""
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and words[0] in ("framework", "library"):
            return words[0], words[1]
    return "", ""


SHIPPED = ("csc_national_framework", "supporting_families", "shared_outcomes")


def test_shipped_report_matches_golden() -> None:
    """The report on the National Framework, Supporting Families and the shared goals is pinned:
    both frameworks against every shared goal, the duplicates they share (one written `> 0`
    against `>= 1`) and a disagreement on polarity, the near-duplicates, the goal only
    enablers serve."""
    report = outcomespec.align([FRAMEWORKS / f"{name}.ospec" for name in SHIPPED],
                               root=FRAMEWORKS)
    text = json.dumps(report.to_dict(), indent=2) + "\n"
    expected = GOLDEN / "shipped.json"
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    assert expected.exists(), f"no {expected.name}; run with OUTCOMESPEC_UPDATE_GOLDEN=1"
    assert text == expected.read_text(encoding="utf-8")
    covered = {g.goal: (g.strongest("csc_national_framework"),
                        g.strongest("supporting_families")) for g in report.goals}
    assert len(covered) == 14
    assert covered["shared_outcomes.safe_from_harm"] == ("exact", "exact")
    assert covered["shared_outcomes.stable_homes"] == ("exact", None)
    assert [(c.first.indicator, c.second.indicator) for c in report.conflicts] == [
        ("cla_started_rate_per_10k", "children_entering_care_rate")]
    assert [(d.first.indicator, d.second.indicator) for d in report.duplicates
            if not d.reuse] == [
        ("cla_started_rate_per_10k", "children_entering_care_rate"),
        ("cpp_second_or_subsequent", "repeat_child_protection_plans")]
    # the Dashboard's pupil metrics the National Framework reuses from the shared outcomes
    assert {(d.first.indicator, d.second.indicator) for d in report.duplicates if d.reuse} == {
        ("all_pupils_persistent_absence", "all_pupils_persistent_absence"),
        ("cino_persistent_absence", "cin_persistent_absence"),
        ("cppo_persistent_absence", "cpp_persistent_absence"),
        ("cla_persistent_absence", "cla_persistent_absence"),
        ("all_pupils_attainment8", "all_pupils_attainment8"),
        ("cino_attainment8", "cin_attainment8"),
        ("cla_attainment8", "cla_attainment8")}
    assert report.unmeasured == ()
    assert report.process_only == ("shared_outcomes.effective_services",)
