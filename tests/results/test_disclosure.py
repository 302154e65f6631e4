"""An attacker's view of the results: can a suppressed count be worked out from what is published?

The attack is linear programming, as a statistical disclosure reviewer (or tau-argus's audit)
runs it: every count is a variable (one per count and area; counts equal in every LA are one
count, as anyone reading the definitions knows), and everything a run publishes is a
constraint — published counts exactly (LAs) or within their rounding interval (regions and
England, to the nearest 10), values that say more than their counts, regions and England as
the sums of their LAs, breakdown categories as the parts of their total, counts at least 0.
Each suppressed count in the suppression range is then bounded below and above
(`scipy.optimize.linprog`); it is protected when its interval is wider than that range (4 for
counts 1 to 5), so that it cannot be pinned down. The attacker is given more than is
published (the true part of a total outside its categories), so passing is conservative.

The attacks of issue 12 come first, each on the smallest table that shows it; then the whole
attack on every indicator, breakdown, region and England of the National Framework and
Supporting Families, evaluated together on synthetic data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

import outcomespec
from outcomespec import model as m
from outcomespec.api import Run, run_all
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.evaluation.evaluator import Evaluation
from outcomespec.results.builder import Part, Results, build_results, build_results_together
from outcomespec.synthetic.generator import generate
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
NE, NW = "E12000001", "E12000002"
SUPPRESSED_RANGE = (1, 5)
ROUNDED = (m.AreaLevel.ENGLAND, m.AreaLevel.REGION)
NEAREST = 10


# ------------------------------------------------------------------ the attacker


class Published(NamedTuple):
    """One framework's published table, and what the attacker knows of its definitions: the
    evaluated LA counts (to tell which published counts are the same count) and the areas."""

    results: Results
    totals: Sequence[IndicatorTotals]
    rounding: bool


class Target(NamedTuple):
    """A suppressed count: where, its true value, and the interval the attack leaves."""

    label: str
    truth: float
    low: float
    high: float


def attack(published: Sequence[Published], frame: AreaFrame) -> list[Target]:
    """Bound every suppressed count in the suppression range by linear programming."""
    areas = [*frame.codes, *frame.region_codes, "E92000001"]
    n_la, n_areas = len(frame.codes), len(areas)
    column = {code: i for i, code in enumerate(areas)}
    region_of = np.asarray(frame.region_of, dtype=np.int64).reshape(-1)
    if region_of.size != n_la:
        region_of = np.full(n_la, -1)

    def pooled(la: np.ndarray) -> np.ndarray:
        """A count over every area: LAs, their regions' sums, England's sum (plain sums)."""
        regions = [la[region_of == r].sum() for r in range(len(frame.region_codes))]
        return np.array([*la, *regions, la.sum()], dtype=float)

    counts: dict[bytes, int] = {}
    truth: list[np.ndarray] = []

    def count_of(la: Any) -> int:
        """One variable per distinct count (equal in every LA: the same count)."""
        values = np.asarray(la, dtype=float)
        key = values.tobytes()
        if key not in counts:
            counts[key] = len(truth)
            truth.append(pooled(values))
        return counts[key]

    sides: dict[tuple[str, str, str], tuple[int, int | None, m.Indicator]] = {}
    for part in published:
        framework = part.results.framework[0] if len(part.results) else ""
        for t in part.totals:
            ind = t.indicator
            if ind.statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN):
                assert t.value_areas is not None
                num = np.bincount(t.value_areas, minlength=n_la).astype(float)
                den = None
            else:
                num = np.asarray(t.numerator, dtype=float)
                den = (None if ind.statistic is m.Statistic.COUNT
                       else np.asarray(t.denominator, dtype=float))
            sides[(framework, ind.id, t.breakdown)] = (
                count_of(num), None if den is None else count_of(den), ind)
    values = np.concatenate(truth)
    n_vars = values.size
    lower = np.zeros(n_vars)
    upper = np.full(n_vars, np.inf)
    equalities: list[tuple[dict[int, float], float]] = []
    inequalities: list[tuple[dict[int, float], float]] = []

    def var(count: int, area: int) -> int:
        return count * n_areas + area

    # Published counts and values.
    targets: dict[int, str] = {}
    for part in published:
        for row in part.results.rows():
            key = (row["framework"], row["indicator"], row["breakdown"])
            if key not in sides:
                continue
            num_count, den_count, ind = sides[key]
            area = column[row["la_code"] or row["area_code"]]
            rounded = part.rounding and row["area_type"] in ROUNDED
            shown = {}
            for name, count in (("numerator", num_count), ("denominator", den_count)):
                if count is None:
                    continue
                v = var(count, area)
                if row["suppressed"]:
                    if SUPPRESSED_RANGE[0] <= values[v] <= SUPPRESSED_RANGE[1]:
                        targets[v] = f"{key} {row['area_name']} {name}"
                    continue
                if row[name] is None:
                    continue
                published_count = float(row[name])
                shown[name] = published_count
                low, high = ((published_count - NEAREST / 2, published_count + NEAREST / 2 - 1)
                             if rounded else (published_count, published_count))
                lower[v], upper[v] = max(lower[v], low), min(upper[v], high)
            value = row["value"]
            ratio = ind.statistic in (m.Statistic.PROPORTION, m.Statistic.RATE,
                                      m.Statistic.RATIO)
            if (ratio and rounded and value is not None and den_count is not None
                    and len(shown) == 2):
                from_published = shown["numerator"] / shown["denominator"] * \
                    ind.unit.multiplier
                if not math.isclose(value, from_published, rel_tol=1e-9):
                    # The value says more than the rounded counts: num·mult = value·den.
                    n, d = var(num_count, area), var(den_count, area)
                    slack = 1e-9 * abs(value)
                    inequalities.append(({n: ind.unit.multiplier, d: -(value + slack)}, 0.0))
                    inequalities.append(({n: -ind.unit.multiplier, d: value - slack}, 0.0))
    # Regions and England add up their LAs, for every count.
    for count in range(len(truth)):
        for r in range(len(frame.region_codes)):
            members = np.flatnonzero(region_of == r)
            row_eq = {var(count, n_la + r): 1.0}
            row_eq.update({var(count, int(i)): -1.0 for i in members})
            equalities.append((row_eq, 0.0))
        row_eq = {var(count, n_areas - 1): 1.0}
        row_eq.update({var(count, n_la + r): -1.0 for r in range(len(frame.region_codes))})
        row_eq.update({var(count, int(i)): -1.0 for i in np.flatnonzero(region_of < 0)})
        equalities.append((row_eq, 0.0))
    # Breakdown categories are parts of their total (the rest of the total given away).
    for (framework, indicator, breakdown), (num_count, den_count, _) in sides.items():
        if breakdown:
            continue
        for label in {b.rpartition(": ")[0] for (f, i, b) in sides
                      if (f, i) == (framework, indicator) and b}:
            parts = [v for (f, i, b), v in sides.items()
                     if (f, i) == (framework, indicator) and b.rpartition(": ")[0] == label]
            for side, whole in ((0, num_count), (1, den_count)):
                pieces = [p[side] for p in parts]
                if whole is None or any(p is None for p in pieces):
                    continue
                rest = values[whole * n_areas:(whole + 1) * n_areas] - sum(
                    values[p * n_areas:(p + 1) * n_areas] for p in pieces if p is not None)
                if (rest < 0).any() or whole in pieces:
                    continue
                for area in range(n_areas):
                    row_eq = {var(whole, area): 1.0}
                    for p in pieces:
                        assert p is not None
                        row_eq[var(p, area)] = row_eq.get(var(p, area), 0.0) - 1.0
                    equalities.append((row_eq, float(rest[area])))
    return [Target(label, float(values[v]), *bounds) for v, label, bounds in
            _bound(targets, values, lower, upper, equalities, inequalities)]


def _bound(targets: dict[int, str], values: np.ndarray, lower: np.ndarray, upper: np.ndarray,
           equalities: list[tuple[dict[int, float], float]],
           inequalities: list[tuple[dict[int, float], float]]
           ) -> list[tuple[int, str, tuple[float, float]]]:
    """Each target's least and greatest feasible value, one connected system at a time."""
    known = lower == upper

    def reduce(rows: list[tuple[dict[int, float], float]]) -> list[tuple[dict[int, float],
                                                                          float]]:
        out = []
        for terms, rhs in rows:
            free = {v: a for v, a in terms.items() if not known[v] and a}
            rest = rhs - sum(a * lower[v] for v, a in terms.items() if known[v])
            if free:
                out.append((free, rest))
        return out

    eqs, ineqs = reduce(equalities), reduce(inequalities)
    edges = [(min(t), v) for t, _ in eqs + ineqs for v in t]
    n = values.size
    graph = coo_matrix((np.ones(len(edges)), ([a for a, _ in edges], [b for _, b in edges])),
                       shape=(n, n))
    _, component = connected_components(graph, directed=False)
    by_component: dict[int, list[int]] = {}
    for v in sorted(targets):
        by_component.setdefault(int(component[v]), []).append(v)
    found = []
    for number, chosen in by_component.items():
        members = np.flatnonzero((component == number) & ~known)
        local = {int(x): i for i, x in enumerate(members)}

        def matrix(rows: list[tuple[dict[int, float], float]]) -> tuple[Any, Any]:
            mine = [(t, r) for t, r in rows if next(iter(t)) in local]  # noqa: B023
            if not mine:
                return None, None
            entries = [(i, local[x], a) for i, (t, _) in enumerate(mine)  # noqa: B023
                       for x, a in t.items()]
            a = csr_matrix(([e[2] for e in entries], ([e[0] for e in entries],
                                                       [e[1] for e in entries])),
                           shape=(len(mine), len(members)))  # noqa: B023
            return a, np.array([r for _, r in mine])

        a_eq, b_eq = matrix(eqs)
        a_ub, b_ub = matrix(ineqs)
        bounds = [(lower[x], None if math.isinf(upper[x]) else upper[x]) for x in members]
        for v in chosen:
            cost = np.zeros(len(members))
            cost[local[v]] = 1.0
            ends = []
            for sign in (1.0, -1.0):
                solved = linprog(sign * cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                                 bounds=bounds, method="highs")
                assert solved.status in (0, 3), (targets[v], solved.message)  # 3: unbounded
                ends.append(sign * solved.fun if solved.status == 0 else math.inf)
            found.append((v, targets[v], (ends[0], ends[1])))
    return found


def pinned(targets: list[Target]) -> list[Target]:
    """The suppressed counts whose interval is no wider than the suppressed range."""
    width = SUPPRESSED_RANGE[1] - SUPPRESSED_RANGE[0]
    return [t for t in targets if t.high - t.low <= width + 1e-6]


# ------------------------------------------------------------------ small cases


def indicator(name: str, statistic: m.Statistic = m.Statistic.PROPORTION,
              breakdowns: tuple[m.Expr, ...] = ()) -> m.Indicator:
    """A checked indicator with suppression 1..5, comparing with England."""
    unit = m.Unit("percent", 100.0) if statistic is m.Statistic.PROPORTION else \
        m.Unit("count", 1.0)
    return m.Indicator(
        name=f"csc.{name}", framework="csc", section="s", title=name, kind=m.Kind.OUTCOME,
        statistic=statistic, unit=unit, polarity=m.Polarity.LOWER_IS_BETTER,
        comparators=(m.Comparator(m.ComparatorKind.ENGLAND),),
        confidence=m.ConfidenceMethod.WILSON if statistic is m.Statistic.PROPORTION
        else m.ConfidenceMethod.BYARS, levels=(0.95,), suppression=SUPPRESSED_RANGE,
        breakdowns=breakdowns, numerator_subset=m.SubsetProof.PROVEN)


def framework(rounding: bool) -> m.Framework:
    """An empty framework `csc`, rounding England and regions to 10 when asked."""
    return m.Framework(name="csc", kind=m.ModuleKind.FRAMEWORK, path="",
                       suppression=SUPPRESSED_RANGE,
                       rounding=(ROUNDED, NEAREST) if rounding else None)


def six_las() -> AreaFrame:
    """Six LAs, three in each of two regions."""
    return AreaFrame(tuple(f"E0600000{i}" for i in range(1, 7)),
                     tuple(f"LA {i}" for i in range(1, 7)), [0, 0, 0, 1, 1, 1], (NE, NW),
                     ("North East", "North West"))


def test_a_breakdown_cannot_give_back_a_suppressed_category() -> None:
    """Attack 1 (LA 303: total 11, boys 6, girls suppressed, so 5): the girls' 5 is hidden,
    and so is what would give it back from its total and from the other LAs' girls."""
    ind = indicator("placements_3plus")
    totals = [IndicatorTotals(ind, [11, 30, 41, 25, 60, 33], [90, 300, 410, 250, 600, 330]),
              IndicatorTotals(ind, [6, 16, 22, 12, 31, 17], [50, 160, 220, 120, 310, 170],
                              breakdown="SEX: 1"),
              IndicatorTotals(ind, [5, 14, 19, 13, 29, 16], [40, 140, 190, 130, 290, 160],
                              breakdown="SEX: 2")]
    results = build_results(totals, six_las(), 2025, framework=framework(False))
    targets = attack([Published(results, totals, False)], six_las())
    assert [t.truth for t in targets] == [5.0]
    assert not pinned(targets), targets
    by_row = {(r["breakdown"], r["area_name"]): r for r in results.rows()}
    assert by_row[("SEX: 2", "LA 1")]["note"] == "suppressed"
    assert by_row[("SEX: 1", "LA 1")]["note"] == "suppressed_secondary"


def test_a_count_shared_by_two_indicators_is_hidden_in_both() -> None:
    """Attack 2 (City of London's children in need, 515 − 513 = 2): one cohort is the
    denominator of two indicators; where one indicator hides it, so does the other."""
    need = indicator("family_stress")
    income = indicator("low_income")
    cohort = [2, 400, 515, 300, 420, 380]
    # Each indicator choosing on its own numerators would hide LA 2 beside LA 1 in the first
    # and LA 3 in the second, publishing both their cohorts: 917 - 400 - 515 = 2.
    totals = [IndicatorTotals(need, [1, 150, 200, 90, 140, 120], cohort),
              IndicatorTotals(income, [0, 60, 40, 30, 45, 35], cohort)]
    results = build_results(totals, six_las(), 2025, framework=framework(False))
    targets = attack([Published(results, totals, False)], six_las())
    assert {t.truth for t in targets} == {1.0, 2.0}
    assert not pinned(targets), targets
    hidden = {(r["indicator"], r["area_name"]) for r in results.rows() if r["suppressed"]}
    assert hidden == {(name, la) for name in ("family_stress", "low_income")
                      for la in ("LA 1", "LA 2")}


def test_two_frameworks_hide_a_count_they_share_in_both() -> None:
    """Attack 2 across frameworks: the same count in two frameworks published together is
    hidden by both, with the same companions."""
    first, second = indicator("repeat_plans"), indicator("repeat_child_protection_plans")
    plans = [3, 90, 120, 80, 150, 60]
    cohort = [20, 400, 515, 300, 420, 380]
    parts = [Part([IndicatorTotals(first, plans, cohort)], (), framework(False)),
             Part([IndicatorTotals(second, plans, cohort)], (), framework(False))]
    results = build_results_together(parts, six_las(), 2025)
    hidden = [[r["area_name"] for r in part.rows() if r["suppressed"]] for part in results]
    assert hidden[0] == hidden[1] == ["LA 1", "LA 2"]  # 3 and the next adequate, 90
    both = [Published(r, p.totals, False) for r, p in zip(results, parts, strict=True)]
    assert not pinned(attack(both, six_las()))


def fitting_numerators(row: dict[str, Any], multiplier: float) -> set[int]:
    """The whole numerators an attacker can pair with a whole denominator, both within the
    rounding of the published counts, to give the published value; empty when the value is
    that of the published counts themselves (so it says nothing more than they do)."""
    num, den, value = row["numerator"], row["denominator"], row["value"]
    if math.isclose(value, num / den * multiplier, rel_tol=1e-12):
        return set()
    return {n for n in range(int(num) - NEAREST // 2, int(num) + NEAREST // 2)
            for d in range(int(den) - NEAREST // 2, int(den) + NEAREST // 2)
            if d > 0 and math.isclose(n / d * multiplier, value, rel_tol=1e-12)}


def test_rounded_counts_are_not_given_back_by_their_values() -> None:
    """Attack 3 (702 of 704 rounded rows): North East's 76 / 1,356 is published as 80 /
    1,360; its value of 76 / 1,356 (5.6047%) would fit no other whole counts. The value is
    that of the published counts, so it says nothing more about the counts than they do."""
    ind = indicator("placements_3plus")
    totals = [IndicatorTotals(ind, [31, 4, 41, 97, 15, 22], [332, 493, 531, 1416, 210, 305])]
    results = build_results(totals, six_las(), 2025, framework=framework(True))
    rounded = [row for row in results.rows() if row["area_type"] in ROUNDED]
    assert [(row["numerator"], row["denominator"]) for row in rounded] == [
        (210, 3290), (80, 1360), (130, 1930)]
    assert fitting_numerators({"numerator": 80, "denominator": 1360,
                               "value": 100 * 76 / 1356}, 100) == {76}
    for row in rounded:
        assert not fitting_numerators(row, 100), row
    targets = attack([Published(results, totals, True)], six_las())
    assert [t.truth for t in targets] == [4.0]
    assert not pinned(targets), targets


# ------------------------------------------------------------------ the whole attack


@pytest.fixture(scope="module")
def synthetic_runs(tmp_path_factory: pytest.TempPathFactory
                   ) -> tuple[tuple[Run, ...], list[Any]]:
    """The National Framework and Supporting Families, evaluated together on small
    synthetic national data (every LA, a fifth of England's children)."""
    directory = tmp_path_factory.mktemp("synthetic")
    generate(directory, years=(2025,), scale=0.2, seed=11)
    frameworks = [outcomespec.load(FRAMEWORKS / f"{name}.ospec", root=FRAMEWORKS)
                  for name in ("csc_national_framework", "supporting_families")]
    runs = run_all(frameworks, directory / "2025", 2025)
    return runs, frameworks


def test_no_suppressed_count_is_recoverable_from_everything_published(
        synthetic_runs: tuple[tuple[Run, ...], list[Any]]) -> None:
    """Every suppressed count of 1 to 5 of both frameworks keeps an interval wider than the
    suppressed range, against every indicator, breakdown, region and England published."""
    runs, _ = synthetic_runs
    evaluation: Evaluation = runs[0].evaluation
    published = [Published(run.results, run.evaluation.totals, True) for run in runs]
    targets = attack(published, evaluation.frame)
    assert len(targets) > 1000  # the synthetic data have many small counts to protect
    assert not pinned(targets), pinned(targets)[:10]


def test_no_rounded_count_is_given_back_by_its_value(
        synthetic_runs: tuple[tuple[Run, ...], list[Any]]) -> None:
    """Every rounded England and region row of both frameworks: its value fits only its
    published counts (ratios), or is published to one decimal place (means)."""
    runs, frameworks = synthetic_runs
    checked = 0
    for run, loaded in zip(runs, frameworks, strict=True):
        units = {ind.id: ind for ind in loaded.indicators}
        for row in run.results.rows():
            if row["area_type"] not in ROUNDED or row["value"] is None:
                continue
            ind = units[row["indicator"]]
            if ind.statistic is m.Statistic.MEAN:
                assert row["value"] == round(row["value"], 1)
            elif ind.statistic is not m.Statistic.MEDIAN and row["denominator"]:
                assert not fitting_numerators(row, ind.unit.multiplier), row
                checked += 1
    assert checked > 300
