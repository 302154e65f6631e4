"""outcomespec.results.funnels: PHEindicatormethods' published funnels, and properties."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.results.funnels import (
    Funnel,
    funnel_judgements,
    overdispersion,
    poisson_limits,
    poisson_sides,
    proportion_limits,
    proportion_sides,
)
from outcomespec.results.judgement import Judgement
from outcomespec.results.limits import byars_limits
from tests.paths import TESTS

DATA = TESTS / "data" / "pheindicatormethods"
LIMIT_COLUMNS = {0.95: ("Lower2s0025limit", "Upper2s0025limit"),
                 0.998: ("Lower3s0001limit", "Upper3s0001limit")}


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    return np.array([float(row[name]) for row in rows])


def _significance(sides_998: np.ndarray, sides_95: np.ndarray) -> list[str]:
    """PHEindicatormethods' five significance labels from the sides at its two levels."""
    return ["High (0.001)" if a > 0 else "Low (0.001)" if a < 0 else "High (0.025)" if b > 0
            else "Low (0.025)" if b < 0 else "Not significant"
            for a, b in zip(sides_998.tolist(), sides_95.tolist(), strict=True)]


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_proportion_limits_match_the_published_curve(level):
    """The proportion funnel reproduces `calculate_funnel_limits` (100 denominators, 1e-7)."""
    rows = _read("testdata_funnel_prop_outputs.csv")
    population = _column(rows, "Population")
    centre = float(rows[0]["Baseline"]) / 100
    lower, upper = proportion_limits(population, centre, level)
    low_name, high_name = LIMIT_COLUMNS[level]
    np.testing.assert_allclose(lower * 100, _column(rows, low_name), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(upper * 100, _column(rows, high_name), rtol=1e-7)


def test_proportion_significance_matches_the_published_table():
    """All 303 primary care trusts take the side `assign_funnel_significance` gives them."""
    rows = _read("testdata_funnel_prop_inputs.csv")
    x, n = _column(rows, "numerator"), _column(rows, "denominator")
    centre = x.sum() / n.sum()
    found = _significance(proportion_sides(x, n, centre, 0.998),
                          proportion_sides(x, n, centre, 0.95))
    assert found == [row["significance"] for row in rows]


def test_ratio_significance_matches_the_published_table():
    """All 300 observed/expected ratios take the side the package gives them (centre 1)."""
    rows = _read("testdata_funnel_ratio_inputs.csv")
    obs, expected = _column(rows, "obs"), _column(rows, "expected")
    found = _significance(poisson_sides(obs, expected, 1.0, 0.998),
                          poisson_sides(obs, expected, 1.0, 0.95))
    assert found == [row["significance"] for row in rows]


@pytest.mark.parametrize(("column", "rate", "multiplier"), [
    ("crude_per_100000_with_0", "rate_crude_per_100000", 1e5),
    ("crude_per_100_with_0", "rate_crude_per_100", 100.0)])
def test_crude_rate_significance_matches_the_published_table(column, rate, multiplier):
    """Crude rates, zero counts among them, judged around their weighted mean as published."""
    rows = _read("testdata_funnel_rate_dsr_inputs.csv")
    count, population = _column(rows, "count"), _column(rows, "pop")
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = np.where(count == 0, population, multiplier * count / _column(rows, rate))
    centre = count.sum() / denominator.sum()
    found = _significance(poisson_sides(count, denominator, centre, 0.998),
                          poisson_sides(count, denominator, centre, 0.95))
    assert found == [row[column] for row in rows]


@pytest.mark.parametrize(("level", "lower", "upper"), [
    (0.95, "lower_2s_exp_events", "upper_2s_exp_events"),
    (0.998, "lower_3s_exp_events", "upper_3s_exp_events")])
def test_ratio_limits_invert_the_published_curve(level, lower, upper):
    """At the expected count where PHE puts O observed events on a limit, the limit found by
    bisection (exact Poisson throughout, as the package draws) is O events (1e-4: the
    package bisects to 1e-7 on a transformed scale)."""
    rows = _read("testdata_funnel_ratio_outputs.csv")
    observed = _column(rows, "Observed_events")
    at_lower = _column(rows, lower)
    found, _ = poisson_limits(at_lower, 1.0, level, exact_below=math.inf)
    np.testing.assert_allclose(found * at_lower, observed, rtol=1e-4)
    at_upper = _column(rows, upper)
    _, found = poisson_limits(at_upper, 1.0, level, exact_below=math.inf)
    np.testing.assert_allclose(found * at_upper, observed, rtol=1e-4)
    counts = _column(rows, "lower_2s_count" if level == 0.95 else "lower_3s_count")
    np.testing.assert_allclose(observed / at_lower - 1, counts, rtol=1e-6, atol=1e-9)


def test_crude_rate_limits_match_the_published_curve():
    """PHE's crude-rate funnel with zero counts and denominators: at the population where E
    events are on the 95% limit, the limit is E events; the rate there is as published."""
    rows = _read("testdata_funnel_rate_outputs_3.csv")
    events = _column(rows, "Events")
    centre = float(rows[0]["baseline"]) / 1e5
    population = _column(rows, "lower_2s_population_1_year") * 3
    lower, _ = poisson_limits(population, centre, 0.95, exact_below=math.inf)
    np.testing.assert_allclose(lower * population, events, rtol=1e-4)
    np.testing.assert_allclose(lower * 1e5, _column(rows, "lower_2s_limit"), rtol=1e-4)


def test_default_poisson_limits_agree_with_the_sides():
    """The limits tabulated at a unit's denominator and the side it is judged on agree: a
    count just above the upper limit is above, just below it within."""
    denominators = np.array([3.0, 40.0, 250.0, 4000.0])
    centre = 0.2
    for level in (0.95, 0.998):
        _, upper = poisson_limits(denominators, centre, level)
        counts = upper * denominators
        assert poisson_sides(counts * 1.001 + 1e-6, denominators, centre, level).tolist() \
            == [1, 1, 1, 1]
        assert poisson_sides(counts * 0.999, denominators, centre, level).tolist() \
            == [0, 0, 0, 0]


def test_exact_poisson_curve_is_the_exact_interval():
    """PHE's ratio curve: the expected events that put O observed on a limit are O's exact
    Poisson limits, as `byars_limits` gives them with no Byar's approximation."""
    rows = _read("testdata_funnel_ratio_outputs.csv")
    observed = _column(rows, "Observed_events")
    lower, upper = byars_limits(observed, 0.95, exact_below=math.inf)
    np.testing.assert_allclose(upper, _column(rows, "lower_2s_exp_events"), rtol=1e-5)
    np.testing.assert_allclose(lower, _column(rows, "upper_2s_exp_events"), rtol=1e-4)


def _overdispersion_by_hand(x: list[float], n: list[float], centre: float) -> float:
    """Spiegelhalter's τ², written out in plain Python from the paper's formulas (R's
    default quantile for the Winsorising)."""
    s = [math.sqrt(centre * (1 - centre) / d) for d in n]
    z = [(a / d - centre) / e for a, d, e in zip(x, n, s, strict=True)]

    def quantile(values: list[float], p: float) -> float:
        ordered = sorted(values)
        h = (len(ordered) - 1) * p
        low = math.floor(h)
        return ordered[low] + (h - low) * (ordered[min(low + 1, len(ordered) - 1)]
                                           - ordered[low])

    low, high = quantile(z, 0.1), quantile(z, 0.9)
    phi = sum(min(max(v, low), high) ** 2 for v in z) / len(z)
    w = [1 / e ** 2 for e in s]
    tau2 = (len(z) * phi - (len(z) - 1)) / (sum(w) - sum(v * v for v in w) / sum(w))
    return max(tau2, 0.0)


def test_overdispersion_hand_worked():
    """Four providers of 100 placements with 10, 50, 30 and 20 endings around a mean of
    27.5%: Winsorised z² average 6.83, so τ² = (4 × 6.83 − 3) / 1504.8 = 0.0162."""
    x, n = [10.0, 50.0, 30.0, 20.0], [100.0] * 4
    tau2 = overdispersion(x, n, 0.275, m.Statistic.PROPORTION)
    assert tau2 == pytest.approx(0.016173, abs=1e-6)
    assert tau2 == pytest.approx(_overdispersion_by_hand(x, n, 0.275), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 60)), min_size=3, max_size=30))
def test_overdispersion_agrees_with_the_formula(units):
    """Any set of units: the vectorised τ² is the paper's, computed by hand."""
    x = [float(min(a, b)) for a, b in units]
    n = [float(b) for _, b in units]
    centre = sum(x) / sum(n)
    if not 0 < centre < 1:
        return
    assert overdispersion(x, n, centre, m.Statistic.PROPORTION) == pytest.approx(
        _overdispersion_by_hand(x, n, centre), rel=1e-9, abs=1e-12)


def test_no_overdispersion_when_units_agree():
    """Units within chance of each other have τ² = 0, and their funnel is the exact one."""
    tau2 = overdispersion([27, 28, 27, 28], [100] * 4, 0.275, m.Statistic.PROPORTION)
    assert tau2 == 0.0
    plain = Funnel(m.Statistic.PROPORTION, 0.275, 100.0)
    asked = Funnel(m.Statistic.PROPORTION, 0.275, 100.0, tau2)
    for a, b in zip(plain.limits([100], 0.95), asked.limits([100], 0.95), strict=True):
        assert a.tolist() == b.tolist()


def test_overdispersed_limits_are_wider():
    """With τ² found, the 95% limits at 100 placements widen from the exact funnel's to
    mean ± 1.96 √(s² + τ²), and a lower limit below 0 is 0."""
    tau2 = overdispersion([10, 50, 30, 20], [100] * 4, 0.275, m.Statistic.PROPORTION)
    lower, upper = Funnel(m.Statistic.PROPORTION, 0.275, 100.0, tau2).limits([100], 0.95)
    half = 1.959964 * math.sqrt(0.275 * 0.725 / 100 + tau2)
    assert lower[0] == pytest.approx((0.275 - half) * 100, abs=1e-4)
    assert upper[0] == pytest.approx((0.275 + half) * 100, abs=1e-4)
    assert Funnel(m.Statistic.PROPORTION, 0.275, 100.0, tau2).limits([100], 0.998)[0][0] == 0
    exact_lower, exact_upper = proportion_limits([100], 0.275, 0.95)
    assert lower[0] < exact_lower[0] * 100
    assert upper[0] > exact_upper[0] * 100


@settings(max_examples=80, deadline=None)
@given(st.floats(0.01, 0.99), st.integers(1, 5000))
def test_proportion_funnel_contains_its_centre_and_nests(centre, n):
    """At any size the funnel contains its centre, the 99.8% funnel the 95% one, and a
    larger denominator never widens it."""
    lo95, hi95 = proportion_limits([n, n * 4], centre, 0.95)
    lo998, hi998 = proportion_limits([n, n * 4], centre, 0.998)
    assert (lo998 <= lo95 + 1e-12).all()
    assert (hi95 <= hi998 + 1e-12).all()
    assert (lo95 <= centre + 1e-12).all()
    assert (centre <= hi95 + 1e-12).all()
    assert lo95[1] >= lo95[0] - 1e-12
    assert hi95[1] <= hi95[0] + 1e-12


@settings(max_examples=40, deadline=None)
@given(st.floats(0.001, 5.0), st.floats(1.0, 1e5))
def test_poisson_funnel_contains_its_centre_and_nests(centre, n):
    """The rate funnel contains its centre and the 99.8% funnel the 95% one."""
    lo95, hi95 = poisson_limits([n], centre, 0.95)
    lo998, hi998 = poisson_limits([n], centre, 0.998)
    assert lo998[0] <= lo95[0] + 1e-9
    assert lo95[0] <= centre + 1e-9
    assert centre <= hi95[0] <= hi998[0] + 1e-9


def test_missing_inputs_have_no_limits_and_no_side():
    """A unit with no denominator has no limits and is placed within (never flagged)."""
    lower, upper = proportion_limits([0.0, float("nan")], 0.5, 0.95)
    assert np.isnan(lower).all()
    assert np.isnan(upper).all()
    assert proportion_sides([1.0, 3.0], [0.0, 2.0], 0.5, 0.95).tolist() == [0, 0]
    assert poisson_sides([float("nan")], [10.0], 0.5, 0.95).tolist() == [0]


def test_judgements_read_the_side_by_polarity():
    """Above the funnel is better when higher is better, worse when lower is, and higher
    when no judgement is made; within is similar; a withheld unit is not compared."""
    sides = np.array([1, -1, 0, 1])
    comparable = np.array([True, True, True, False])
    assert funnel_judgements(sides, m.Polarity.HIGHER_IS_BETTER, comparable).tolist() == [
        Judgement.BETTER, Judgement.WORSE, Judgement.SIMILAR, Judgement.NOT_COMPARED]
    assert funnel_judgements(sides, m.Polarity.NO_JUDGEMENT, comparable).tolist()[:2] == [
        Judgement.HIGHER, Judgement.LOWER]
