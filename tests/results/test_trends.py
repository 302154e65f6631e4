"""outcomespec.results.trends: the recent trend against the values Fingertips' own tests
pin (tests/data/fingertips-trends) and against the same statistics computed another way in
plain Python."""

from __future__ import annotations

import csv
import math
from itertools import groupby

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.results.trends import (
    SIGNIFICANT,
    Trend,
    proportion_trends,
    rate_trends,
    read_trends,
    standard_errors,
)
from tests.paths import TESTS

LOW = m.Polarity.LOWER_IS_BETTER
HIGH = m.Polarity.HIGHER_IS_BETTER
NONE = m.Polarity.NO_JUDGEMENT
MARKERS = {"increasing": Trend.INCREASING, "decreasing": Trend.DECREASING,
           "no_change": Trend.NO_SIGNIFICANT_CHANGE}


def reference_cases() -> list[tuple[str, list[dict[str, str]]]]:
    """Fingertips' cases: name and five points each, oldest first."""
    with (TESTS / "data" / "fingertips-trends" / "trends.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [(name, list(points)) for name, points in groupby(rows, key=lambda r: r["case"])]


def trend_of(points: list[dict[str, str]]) -> tuple[float, Trend]:
    """χ² and the trend (no polarity) of one reference case, by its method."""
    def column(name: str) -> list[float]:
        return [float(p[name]) for p in points]

    if points[0]["method"] == "proportion":
        chi2, slope, steady = proportion_trends([column("count")], [column("denominator")])
    else:
        errors = standard_errors([column("lower_95")], [column("upper_95")], 0.95)
        chi2, slope, steady = rate_trends([column("value")], errors)
    return float(chi2[0]), read_trends(chi2, slope, steady, NONE)[0]


@pytest.mark.parametrize(("name", "points"), reference_cases(), ids=lambda v: str(v)[:14])
def test_the_trend_fingertips_gives(name: str, points: list[dict[str, str]]) -> None:
    """Each of Fingertips' cases: the marker Fingertips gives, and its χ² where pinned."""
    chi2, trend = trend_of(points)
    assert trend is MARKERS[points[0]["expected"]], (name, chi2)
    if points[0]["chi2"]:
        assert round(chi2, 2) == float(points[0]["chi2"])


def test_significance_is_at_99_8_percent() -> None:
    """The threshold is χ²₁ at 99.8%, the constant in Fingertips' calculator."""
    assert abs(SIGNIFICANT - 9.54953570608324) < 1e-10


def armitage(x: list[float], n: list[float]) -> float:
    """χ² for trend in proportions as R's `prop.trend.test` computes it: the regression of
    the proportions on the scores, weighted by n / (p̄ (1 − p̄)), its explained sum of
    squares."""
    scores = [1.0, 2.0, 3.0, 4.0, 5.0]
    p_bar = sum(x) / sum(n)
    weights = [ni / (p_bar * (1 - p_bar)) for ni in n]
    props = [xi / ni for xi, ni in zip(x, n, strict=True)]
    w_sum = sum(weights)
    t_bar = sum(w * t for w, t in zip(weights, scores, strict=True)) / w_sum
    p_mean = sum(w * p for w, p in zip(weights, props, strict=True)) / w_sum
    sxy = sum(w * (t - t_bar) * (p - p_mean)
              for w, t, p in zip(weights, scores, props, strict=True))
    sxx = sum(w * (t - t_bar) ** 2 for w, t in zip(weights, scores, strict=True))
    return sxy**2 / sxx


@given(st.lists(st.tuples(st.integers(1, 500), st.integers(1, 400)), min_size=5, max_size=5))
def test_proportions_chi_squared_is_armitages(points: list[tuple[int, int]]) -> None:
    """Any five proportions strictly between 0 and 1: χ² is R's prop.trend.test statistic."""
    x = [float(a) for a, _ in points]
    n = [float(a + b) for a, b in points]
    chi2, _, _ = proportion_trends([x], [n])
    assert chi2[0] == pytest.approx(armitage(x, n), rel=1e-9, abs=1e-12)


def weighted_line(y: list[float], se: list[float], left_out: int | None = None
                  ) -> tuple[float, float]:
    """The inverse-variance weighted least-squares slope over periods 1 to 5 (one point left
    out if asked) and its standard error, from centred sums."""
    kept = [(t + 1.0, v, 1 / s**2) for t, (v, s) in enumerate(zip(y, se, strict=True))
            if t != left_out]
    w_sum = sum(w for _, _, w in kept)
    t_bar = sum(w * t for t, _, w in kept) / w_sum
    y_bar = sum(w * v for _, v, w in kept) / w_sum
    sxx = sum(w * (t - t_bar) ** 2 for t, _, w in kept)
    slope = sum(w * (t - t_bar) * (v - y_bar) for t, v, w in kept) / sxx
    return slope, 1 / math.sqrt(sxx)


@given(st.lists(st.tuples(st.floats(0.5, 200), st.floats(0.05, 20)), min_size=5, max_size=5))
def test_rates_slope_and_chi_squared_are_weighted_least_squares(
        points: list[tuple[float, float]]) -> None:
    """Any five values and standard errors: the slope is the weighted least-squares slope,
    χ² its square over its variance, and `steady` whether every leave-one-out slope keeps
    the sign."""
    y, se = [v for v, _ in points], [s for _, s in points]
    chi2, slope, steady = rate_trends([y], [se])
    line, error = weighted_line(y, se)
    assert slope[0] == pytest.approx(line, rel=1e-9, abs=1e-9)
    assert chi2[0] == pytest.approx((line / error) ** 2, rel=1e-7, abs=1e-9)
    slopes = [line, *(weighted_line(y, se, k)[0] for k in range(5))]
    if all(abs(s) > 1e-9 for s in slopes):
        assert bool(steady[0]) == (all(s > 0 for s in slopes) or all(s < 0 for s in slopes))


def test_one_outlying_year_makes_no_trend() -> None:
    """Four years falling, then a jump: χ² is far above 9.55, but left out the jump, the
    slope falls, so Fingertips' guard says no significant change."""
    chi2, slope, steady = proportion_trends([[3000, 2900, 2800, 2700, 6000]], [[10000] * 5])
    assert chi2[0] > 100
    assert slope[0] > 0
    assert not steady[0]
    assert read_trends(chi2, slope, steady, LOW)[0] is Trend.NO_SIGNIFICANT_CHANGE


@pytest.mark.parametrize(("x", "n"), [([0, 3, 4, 5, 6], [50] * 5),
                                      ([50, 40, 30, 20, 10], [50] * 5)])
def test_a_proportion_of_0_or_100_percent_cannot_be_calculated(x: list[int], n: list[int]
                                                               ) -> None:
    """0% or 100% in any year has no log-odds: the trend cannot be calculated."""
    chi2, slope, steady = proportion_trends([x], [n])
    assert read_trends(chi2, slope, steady, HIGH)[0] is Trend.CANNOT_BE_CALCULATED


def test_a_rate_without_an_interval_cannot_be_calculated() -> None:
    """A zero-width or missing interval gives no weight: cannot be calculated."""
    chi2, slope, steady = rate_trends([[1.0, 2.0, 3.0, 4.0, 5.0]], [[0.1, 0.1, 0.0, 0.1, 0.1]])
    assert read_trends(chi2, slope, steady, HIGH)[0] is Trend.CANNOT_BE_CALCULATED


@pytest.mark.parametrize(("polarity", "rising", "falling"), [
    (HIGH, Trend.INCREASING_BETTER, Trend.DECREASING_WORSE),
    (LOW, Trend.INCREASING_WORSE, Trend.DECREASING_BETTER),
    (NONE, Trend.INCREASING, Trend.DECREASING)])
def test_polarity_reads_the_direction(polarity: m.Polarity, rising: Trend, falling: Trend
                                      ) -> None:
    """Rising and falling read as better or worse by polarity, plain without one."""
    chi2, slope = np.array([50.0, 50.0]), np.array([0.2, -0.2])
    assert read_trends(chi2, slope, np.array([True, True]), polarity).tolist() == [rising,
                                                                                   falling]


def test_labels_in_fingertips_words() -> None:
    """The Fingertips export's words; a trend not assessed is an empty cell."""
    assert [t.label for t in Trend] == [
        "Increasing and getting better", "Increasing and getting worse",
        "Decreasing and getting better", "Decreasing and getting worse", "Increasing",
        "Decreasing", "No significant change", "Cannot be calculated", ""]


def test_standard_error_from_a_99_8_percent_interval() -> None:
    """A 99.8% interval's width is 2 × 3.0902 standard errors."""
    assert standard_errors([10.0], [16.180464], 0.998)[0] == pytest.approx(1.0, rel=1e-5)


def test_a_target_range_trend_rises_or_falls_without_better_or_worse() -> None:
    """A significant rise of a value good inside a range is `increasing`, as for no_judgement."""
    chi2, slope, steady = np.array([47.9, 47.9]), np.array([0.1, -0.1]), np.array([True, True])
    assert read_trends(chi2, slope, steady, m.Polarity.TARGET_RANGE).tolist() == [
        Trend.INCREASING, Trend.DECREASING]
