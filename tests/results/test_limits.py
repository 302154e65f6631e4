"""outcomespec.results.limits: reference figures, hand-checked values and properties."""

from __future__ import annotations

import csv
import math
import statistics

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from outcomespec.results.limits import (
    byars_limits,
    group_median,
    mean_limits,
    rate_limits,
    wilson_limits,
    z_for_level,
)
from outcomespec.results.quantiles import t_quantile
from tests.paths import TESTS

DATA = TESTS / "data" / "pheindicatormethods"
RTOL = 1e-6  # agreement required with the PHEindicatormethods reference figures
HAND_ATOL = 5e-5  # hand-checked figures are given to 4 decimal places
LEVEL_COLUMNS = {0.95: ("lower95_0cl", "upper95_0cl"), 0.998: ("lower99_8cl", "upper99_8cl")}


def _read(name: str) -> list[dict[str, str]]:
    """Read one reference CSV from tests/data as a list of row dictionaries."""
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _num(text: str) -> float:
    """Parse a CSV cell, an empty cell being a missing value (NaN)."""
    return float(text) if text.strip() else math.nan


def _level(text: str) -> float:
    """Turn a confidence cell such as '95%' or '99.8%' into a fraction."""
    return round(float(text.rstrip("%")) / 100.0, 6)


def _column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    """One column of the rows as a float array."""
    return np.array([_num(row[name]) for row in rows])


# ---------------------------------------------------------------------------------------------
# PHEindicatormethods reference figures
# ---------------------------------------------------------------------------------------------


def test_reference_files_are_present():
    """The copied reference data carries its attribution and the files the tests use."""
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "PHEindicatormethods 2.1.0 test data" in readme
    assert "GPL-3.0" in readme
    assert len(_read("testdata_B_W.csv")) == 13


def test_wilson_matches_bw_reference():
    """Wilson limits agree with the testdata_B_W Wilson rows at 95% and 99.8%."""
    rows = [row for row in _read("testdata_B_W.csv") if row["method"] == "Wilson"]
    assert len(rows) == 6
    for level in (0.95, 0.998):
        chosen = [row for row in rows if _level(row["confidence"]) == level]
        lower, upper = wilson_limits(_column(chosen, "x"), _column(chosen, "n"), level)
        np.testing.assert_allclose(lower, _column(chosen, "lowercl"), rtol=RTOL)
        np.testing.assert_allclose(upper, _column(chosen, "uppercl"), rtol=RTOL)
    lower, upper = wilson_limits(0.445, 1.0, 0.95)
    np.testing.assert_allclose([lower, upper], [0.04381744772058822, 0.9334621276979156], rtol=RTOL)


def test_byars_formula_matches_bw_reference():
    """Byar's formula (no exact limits) agrees with the testdata_B_W Byars rows."""
    rows = [row for row in _read("testdata_B_W.csv") if row["method"] == "Byars"]
    assert len(rows) == 7
    # The last row (x = 1 at 99.8%) has no lower limit in the reference: Byar's lower formula
    # is negative there and the R tests never check it. Its upper limit is still compared.
    complete = [row for row in rows if row["lowercl"].strip()]
    assert len(complete) == 6
    for level in (0.95, 0.998):
        chosen = [row for row in complete if _level(row["confidence"]) == level]
        lower, upper = byars_limits(_column(chosen, "x"), level, exact_below=0)
        np.testing.assert_allclose(lower, _column(chosen, "lowercl"), rtol=RTOL)
        np.testing.assert_allclose(upper, _column(chosen, "uppercl"), rtol=RTOL)
    lower, upper = byars_limits([1.0], 0.998, exact_below=0)
    np.testing.assert_allclose(upper, [9.362180217908362], rtol=RTOL)
    assert lower.tolist() == [0.0]


@pytest.mark.parametrize("name", ["testdata_Prop.csv", "testdata_Rate.csv"])
def test_limits_match_two_level_reference(name):
    """Wilson / rate limits agree with testdata_Prop and testdata_Rate at both levels."""
    rows = _read(name)
    x = _column(rows, "Numerator")
    n = _column(rows, "Denominator")
    multiplier = _column(rows, "multiplier")
    for level, (lower_name, upper_name) in LEVEL_COLUMNS.items():
        if name == "testdata_Prop.csv":
            lower, upper = wilson_limits(x, n, level)
        else:
            lower, upper = rate_limits(x, n, 1.0, level)  # each row carries its own multiplier
        lower, upper = lower * multiplier, upper * multiplier
        # Rows with a missing numerator or denominator have missing limits in the reference.
        np.testing.assert_allclose(lower, _column(rows, lower_name), rtol=RTOL, equal_nan=True)
        np.testing.assert_allclose(upper, _column(rows, upper_name), rtol=RTOL, equal_nan=True)
    assert int(np.isnan(_column(rows, "lower95_0cl")).sum()) == 3


@pytest.mark.parametrize("name", ["testdata_Prop_g.csv", "testdata_Rate_g.csv"])
def test_limits_match_grouped_reference(name):
    """Limits agree with the grouped (pre-summed) testdata_Prop_g / testdata_Rate_g at 95%."""
    rows = _read(name)
    assert {_level(row["confidence"]) for row in rows} == {0.95}
    x = _column(rows, "Numerator")
    n = _column(rows, "Denominator")
    multiplier = _column(rows, "multiplier")
    if name == "testdata_Prop_g.csv":
        lower, upper = wilson_limits(x, n, 0.95)
        lower, upper = lower * multiplier, upper * multiplier
    else:
        lower, upper = rate_limits(x, n, 100_000, 0.95)
    np.testing.assert_allclose(lower, _column(rows, "lowercl"), rtol=RTOL, equal_nan=True)
    np.testing.assert_allclose(upper, _column(rows, "uppercl"), rtol=RTOL, equal_nan=True)


def test_rate_reference_uses_exact_limits_below_ten():
    """The rows the reference marks Exact are exactly those with fewer than 10 events."""
    rows = [row for row in _read("testdata_Rate.csv") if row["Numerator"].strip()]
    exact = {row["Area"] for row in rows if row["method"] == "Exact"}
    assert exact == {row["Area"] for row in rows if float(row["Numerator"]) < 10}
    lower, upper = rate_limits([1.0, 5.0], [100.0, 100.0], 100, 0.998)
    np.testing.assert_allclose(lower, [0.0010005003335835344, 0.739371731917839], rtol=RTOL)
    np.testing.assert_allclose(upper, [9.233413476451585, 16.454745203680105], rtol=RTOL)


def test_mean_limits_match_reference():
    """Student's t limits from the raw testdata_Mean values agree with testdata_Mean_results."""
    raw = _read("testdata_Mean.csv")
    results = {row["area"]: row for row in _read("testdata_Mean_results.csv")}
    groups = {
        "Area1": [_num(row["values"]) for row in raw if row["area"] == "Area1"],
        "Area2": [_num(row["values"]) for row in raw if row["area"] == "Area2"],
        "No grouping": [_num(row["values"]) for row in raw],
    }
    areas = list(groups)
    total = np.array([sum(groups[a]) for a in areas])
    count = np.array([len(groups[a]) for a in areas], dtype=float)
    sd = np.array([statistics.stdev(groups[a]) for a in areas])
    expected = [results[a] for a in areas]
    np.testing.assert_allclose(total, _column(expected, "value_sum"), rtol=RTOL)
    np.testing.assert_allclose(count, _column(expected, "value_count"), rtol=RTOL)
    np.testing.assert_allclose(sd, _column(expected, "stdev"), rtol=RTOL)
    for level, (lower_name, upper_name) in LEVEL_COLUMNS.items():
        lower, upper = mean_limits(total, count, sd, level)
        np.testing.assert_allclose(lower, _column(expected, lower_name), rtol=RTOL)
        np.testing.assert_allclose(upper, _column(expected, upper_name), rtol=RTOL)


# ---------------------------------------------------------------------------------------------
# hand-checked figures
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "n", "value", "lower", "upper"),
    [
        (8500, 81770, 10.3950, 10.1877, 10.6061),
        (5, 20, 25.0, 11.1862, 46.8701),
        (0, 10, 0.0, 0.0, 27.7533),
        (10, 10, 100.0, 72.2467, 100.0),
    ],
)
def test_wilson_hand_checked(x, n, value, lower, upper):
    """Wilson 95% limits as percentages match hand-checked figures to 4 decimal places."""
    lo, hi = wilson_limits(x, n, 0.95)
    assert 100 * x / n == pytest.approx(value, abs=HAND_ATOL)
    np.testing.assert_allclose([100 * lo, 100 * hi], [lower, upper], rtol=0, atol=HAND_ATOL)


@pytest.mark.parametrize(
    ("x", "n", "value", "lower", "upper"),
    [(81770, 12183016, 67.1180, 66.6588, 67.5797), (12, 5000, 24.0, 12.3870, 41.9257)],
)
def test_byars_rate_hand_checked(x, n, value, lower, upper):
    """Byar's 95% limits per 10,000 match hand-checked figures to 4 decimal places."""
    lo, hi = rate_limits(x, n, 10_000, 0.95)
    assert x / n * 10_000 == pytest.approx(value, abs=HAND_ATOL)
    np.testing.assert_allclose([lo, hi], [lower, upper], rtol=0, atol=HAND_ATOL)


def test_exact_poisson_hand_checked():
    """Exact Poisson 95% limits on small counts match hand-checked figures."""
    lower, upper = byars_limits([0, 1, 5, 9], 0.95)
    np.testing.assert_allclose(lower, [0.0, 0.0253, 1.6235, 4.1154], rtol=0, atol=HAND_ATOL)
    np.testing.assert_allclose(upper, [3.6889, 5.5716, 11.6683, 17.0848], rtol=0, atol=HAND_ATOL)


def test_exact_poisson_closed_forms():
    """For x = 0 and 1 the exact limits have closed forms: -ln(alpha/2) and -ln(1 - alpha/2)."""
    lower, upper = byars_limits([0, 1], 0.95)
    assert upper[0] == pytest.approx(-math.log(0.025), rel=1e-13)
    assert lower[1] == pytest.approx(-math.log(0.975), rel=1e-13)


def test_z_for_level_values():
    """z for 95% and 99.8% two-sided levels are the familiar 1.959964 and 3.090232."""
    assert z_for_level(0.95) == pytest.approx(1.959963984540054, rel=1e-14)
    assert z_for_level(0.998) == pytest.approx(3.090232306167813, rel=1e-14)


@pytest.mark.parametrize("level", [0.0, 1.0, 95.0, -0.5, math.nan])
def test_z_for_level_rejects_bad_levels(level):
    """A level that is not a fraction strictly between 0 and 1 raises ValueError."""
    with pytest.raises(ValueError, match="confidence level"):
        z_for_level(level)


# ---------------------------------------------------------------------------------------------
# missing and invalid input
# ---------------------------------------------------------------------------------------------


def test_wilson_invalid_inputs_give_nan():
    """Wilson limits are NaN for n <= 0, x < 0, x > n and missing values, and only there."""
    x = [1.0, 1.0, -1.0, 11.0, math.nan, 1.0, 3.0]
    n = [0.0, -5.0, 10.0, 10.0, 10.0, math.nan, 10.0]
    lower, upper = wilson_limits(x, n)
    assert np.isnan(lower).tolist() == [True] * 6 + [False]
    assert np.isnan(upper).tolist() == [True] * 6 + [False]


def test_rate_invalid_inputs_give_nan():
    """Rate limits are NaN for a negative or missing count or a non-positive denominator."""
    lower, upper = rate_limits([-1.0, math.nan, 5.0, 5.0, 5.0], [10, 10, 0, -1, 10], 100)
    assert np.isnan(lower).tolist() == [True, True, True, True, False]
    assert np.isnan(upper).tolist() == [True, True, True, True, False]
    assert upper[4] == pytest.approx(116.68332079322669, rel=RTOL)


def test_mean_limits_need_two_observations():
    """Mean limits are NaN when the count is below 2 or an input is missing."""
    lower, upper = mean_limits([10.0, 10.0, math.nan, 10.0], [1, 0, 5, 4], [1.0, 1.0, 1.0, 2.0])
    assert np.isnan(lower).tolist() == [True, True, True, False]
    assert np.isnan(upper).tolist() == [True, True, True, False]
    half = t_quantile(0.975, 3) * 2.0 / 2.0
    np.testing.assert_allclose([lower[3], upper[3]], [2.5 - half, 2.5 + half], rtol=1e-14)


def test_limits_accept_plain_numbers():
    """Every limit function takes plain numbers and returns 0-d float arrays."""
    results = [
        *wilson_limits(3, 10),
        *byars_limits(5),
        *byars_limits(50),
        *rate_limits(5, 100, 100),
        *mean_limits(10.0, 4, 2.0),
    ]
    assert all(isinstance(r, np.ndarray) and r.shape == () for r in results)
    z = 1.959963984540054
    byars_50 = [
        50 * (1 - 1 / 450 - z / (3 * math.sqrt(50))) ** 3,
        51 * (1 - 1 / 459 + z / (3 * math.sqrt(51))) ** 3,
    ]
    np.testing.assert_allclose(results[4:6], byars_50, rtol=1e-13)
    # testdata_Rate.csv, Area2 (5 events per 100, 95%): the exact limits.
    np.testing.assert_allclose(results[6:8], [1.62348639011842, 11.668332079322669], rtol=RTOL)
    np.testing.assert_allclose(results[2:4], results[6:8], rtol=1e-14)


def test_mean_limits_solve_repeated_counts_once_and_consistently():
    """Cells sharing a count get identical limits, equal to those of the count on its own."""
    count = np.array([5.0, 40.0, 5.0, 2500.0, 40.0, 5.0, np.nan, 1.0])
    lower, upper = mean_limits(count * 3.0, count, np.ones(count.size), 0.998)
    for i in range(6):
        alone = mean_limits(count[i] * 3.0, count[i], 1.0, 0.998)
        assert (lower[i], upper[i]) == (float(alone[0]), float(alone[1]))
    assert np.isnan(lower[6:]).all()
    assert np.isnan(upper[6:]).all()


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------


@st.composite
def counts_and_totals(draw: st.DrawFn) -> tuple[int, int]:
    """A denominator n >= 1 and a numerator 0 <= x <= n, favouring the extremes."""
    n = draw(st.integers(1, 10**9))
    x = draw(st.one_of(st.integers(0, n), st.sampled_from([0, 1, n - 1, n])))
    return x, n


@settings(deadline=None)
@given(counts_and_totals(), st.sampled_from([0.9, 0.95, 0.99, 0.998]))
@example((0, 1), 0.998)
@example((1, 1), 0.95)
@example((10**9, 10**9), 0.998)
def test_wilson_limits_bracket_the_proportion(pair, level):
    """Wilson limits always satisfy 0 <= lower <= x/n <= upper <= 1."""
    x, n = pair
    lower, upper = wilson_limits(x, n, level)
    assert 0.0 <= lower <= x / n <= upper <= 1.0


@settings(deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.one_of(st.floats(-1e12, 1e12), st.just(math.nan), st.sampled_from([0.0, 1.0])),
        ),
        max_size=60,
    )
)
def test_group_median_matches_statistics_median(data):
    """group_median equals a per-group statistics.median that skips NaN values."""
    n_groups = 7
    values = [value for _, value in data]
    groups = np.array([group for group, _ in data], dtype=np.int64)
    expected = []
    for g in range(n_groups):
        members = [v for grp, v in data if grp == g and not math.isnan(v)]
        expected.append(statistics.median(members) if members else math.nan)
    np.testing.assert_array_equal(group_median(values, groups, n_groups), expected)


def test_group_median_small_example():
    """Odd groups take the middle value, even groups the mean of the two middle values."""
    result = group_median([5.0, 1.0, 3.0, 4.0, 2.0, math.nan, 9.0], [1, 1, 1, 0, 0, 0, 3], 4)
    np.testing.assert_array_equal(result, [3.0, 3.0, math.nan, 9.0])


def test_group_median_rejects_bad_groups():
    """Group ids outside 0 .. n_groups - 1, float ids or mismatched sizes raise errors."""
    with pytest.raises(ValueError, match="group ids"):
        group_median([1.0, 2.0], [0, 3], 3)
    with pytest.raises(TypeError, match="integers"):
        group_median([1.0, 2.0], [0.0, 1.0], 3)
    with pytest.raises(ValueError, match="differ in size"):
        group_median([1.0, 2.0], [0], 3)
    empty = group_median([], [], 2)
    assert empty.shape == (2,)
    assert np.isnan(empty).all()
