"""outcomespec.results.judgement: the Fingertips benchmarking rule and neighbour comparators."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.results.judgement import (
    Judgement,
    judge,
    judging_level,
    neighbour_median,
    neighbour_pairs,
    neighbour_units,
)

NAN = math.nan
LOW = m.Polarity.LOWER_IS_BETTER
HIGH = m.Polarity.HIGHER_IS_BETTER
NONE = m.Polarity.NO_JUDGEMENT
B, S, W = Judgement.BETTER, Judgement.SIMILAR, Judgement.WORSE
HI, LO, NC = Judgement.HIGHER, Judgement.LOWER, Judgement.NOT_COMPARED

# Fingertips indicator 90284 (hospital admissions for injuries, per 10,000, 2023/24, Persons):
# area value, 95% limits as published, and the published "Compared to England" (RAG low is good).
ENGLAND_90284 = 72.71223
FINGERTIPS_90284 = {
    "West Midlands": (73.181, 71.608, 74.817, S),
    "South East": (70.670, 69.403, 71.980, B),
    "North East": (109.823, 106.778, 112.980, W),
    "Kent": (70.555, 67.488, 73.653, S),
    "Hampshire": (67.403, 64.053, 70.708, B),
    "Hartlepool": (77.473, 65.272, 92.641, S),
}

# Children looked after with 3+ placements, 2025, England 10.395% (low is good): value, 95% limits.
ENGLAND_3PLUS = 10.395
PLACEMENTS_3PLUS = {
    "Hartlepool": (9.337, 6.656, 12.949, S),
    "Liverpool": (6.850, 5.648, 8.286, B),
    "South Tyneside": (6.441, 4.162, 9.840, B),
    "Blackpool": (7.721, 5.742, 10.307, B),
    "Middlesbrough": (11.968, 9.392, 15.131, S),
}

HARTLEPOOL_NEIGHBOURS = [9.32, 8.82, 6.44, 7.72, 11.97, 7.16, 9.30, 11.17, 13.03, 7.38]


def test_fingertips_90284_regions_and_las_match_the_published_comparison() -> None:
    """Each published 90284 area is Similar/Better/Worse exactly as Fingertips shows it."""
    names = list(FINGERTIPS_90284)
    value, lower, upper, expected = (list(col) for col in zip(*FINGERTIPS_90284.values(),
                                                               strict=True))
    got = judge(value, lower, upper, ENGLAND_90284, LOW)
    assert dict(zip(names, got.tolist(), strict=True)) == dict(zip(names, expected, strict=True))


def test_placements_3plus_las_against_england() -> None:
    """Hartlepool and Middlesbrough are Similar; Liverpool, South Tyneside, Blackpool Better."""
    value, lower, upper, expected = (list(col) for col in zip(*PLACEMENTS_3PLUS.values(),
                                                               strict=True))
    assert judge(value, lower, upper, ENGLAND_3PLUS, LOW).tolist() == expected


def test_blackpool_upper_limit_just_below_england_is_better() -> None:
    """Blackpool's upper limit 10.307 < 10.395: better, and similar once England sits on it."""
    assert judge(7.721, 5.742, 10.307, 10.395, LOW).tolist() == B
    assert judge(7.721, 5.742, 10.307, 10.307, LOW).tolist() == S


def test_interval_ends_count_as_inside() -> None:
    """A comparator equal to either limit is similar (lower <= v <= upper)."""
    got = judge([5.0, 5.0], [4.0, 4.0], [6.0, 6.0], [4.0, 6.0], HIGH)
    assert got.tolist() == [S, S]


def test_higher_is_better_unswapped() -> None:
    """With higher is better, below the comparator is worse and above it better."""
    got = judge([1.0, 9.0, 5.0], [0.5, 8.0, 4.0], [1.5, 10.0, 6.0], 5.0, HIGH)
    assert got.tolist() == [W, B, S]


def test_lower_is_better_swaps_better_and_worse() -> None:
    """With lower is better, below the comparator is better and above it worse."""
    got = judge([1.0, 9.0, 5.0], [0.5, 8.0, 4.0], [1.5, 10.0, 6.0], 5.0, LOW)
    assert got.tolist() == [B, W, S]


def test_no_judgement_gives_lower_higher_similar() -> None:
    """An indicator that is not judged shows significance as lower / higher / similar."""
    got = judge([1.0, 9.0, 5.0], [0.5, 8.0, 4.0], [1.5, 10.0, 6.0], 5.0, NONE)
    assert got.tolist() == [LO, HI, S]


@pytest.mark.parametrize("position", [0, 1, 2, 3])
def test_any_nan_input_is_not_compared(position: int) -> None:
    """A NaN value, limit or comparator value gives not_compared."""
    args: list[float] = [1.0, 0.5, 1.5, 5.0]
    args[position] = NAN
    assert judge(*args, HIGH).tolist() == NC


def test_suppressed_is_not_compared() -> None:
    """A suppressed area is never judged, whatever numbers are passed."""
    got = judge([1.0, 1.0], [0.5, 0.5], [1.5, 1.5], 5.0, HIGH, suppressed=[True, False])
    assert got.tolist() == [NC, W]


def test_judge_broadcasts_comparators_per_area() -> None:
    """An array of comparator values (one per area, e.g. each LA's region) is accepted."""
    got = judge([9.337, 9.337], [6.656, 6.656], [12.949, 12.949], [10.0, 13.0], LOW)
    assert got.tolist() == [S, B]
    assert got.dtype == object


def test_judgement_values_and_labels() -> None:
    """Results show the lower-case value; Fingertips exports the capitalised label."""
    assert [j.value for j in Judgement] == ["better", "similar", "worse", "higher", "lower",
                                           "not_compared"]
    assert [j.label for j in Judgement] == ["Better", "Similar", "Worse", "Higher", "Lower",
                                           "Not compared"]
    assert Judgement.BETTER == "better"


def test_judging_level_prefers_95_percent() -> None:
    """95% is used when computed; otherwise the first level; None without limits."""
    assert judging_level((0.95, 0.998)) == 0.95
    assert judging_level((0.9, 0.95)) == 0.95
    assert judging_level((0.998,)) == 0.998
    assert judging_level(()) is None


def test_hartlepool_neighbour_median_is_9_06() -> None:
    """The median of Hartlepool's ten 2025-model neighbours' percentages is 9.06."""
    values = np.array([NAN, *HARTLEPOOL_NEIGHBOURS])
    matrix = np.full((11, 10), -1)
    matrix[0] = np.arange(1, 11)
    got = neighbour_median(values, matrix)
    assert got[0] == pytest.approx(9.06, abs=1e-12)
    assert np.isnan(got[1:]).all()


def test_neighbour_median_leaves_out_missing_neighbours() -> None:
    """Absent (-1) and NaN-valued neighbours are left out of the median."""
    got = neighbour_median([NAN, 1.0, 2.0, NAN, 10.0], [[1, 2, 3, 4], [0, -1, -1, -1],
                                                        [0, 3, -1, -1], [1, 2, 4, -1],
                                                        [-1, -1, -1, -1]])
    assert got.tolist()[0] == 2.0
    assert np.isnan(got[1])
    assert np.isnan(got[2])
    assert np.isnan(got[4])
    assert got[3] == 2.0


def test_neighbour_pairs_and_units() -> None:
    """Units are copied to every LA that has their LA as a neighbour."""
    rows, members = neighbour_pairs([[1, 2], [2, -1], [-1, -1]])
    assert rows.tolist() == [0, 0, 1]
    assert members.tolist() == [1, 2, 2]
    values, groups = neighbour_units([1.0, 2.0, 3.0, 4.0], [2, 1, 2, 0], [[1, 2], [2, -1],
                                                                         [-1, -1]])
    pooled = sorted(zip(groups.tolist(), values.tolist(), strict=True))
    assert pooled == [(0, 1.0), (0, 2.0), (0, 3.0), (1, 1.0), (1, 3.0)]


@given(st.lists(st.tuples(st.floats(-100, 100), st.floats(0, 10), st.floats(0, 10)),
                min_size=1, max_size=30),
       st.floats(-100, 100), st.sampled_from(list(m.Polarity)))
def test_judgement_is_elementwise(areas: list[tuple[float, float, float]], comparator: float,
                                  polarity: m.Polarity) -> None:
    """Judging all areas at once equals judging each on its own, in any order."""
    value = np.array([a[0] for a in areas])
    lower, upper = value - [a[1] for a in areas], value + [a[2] for a in areas]
    together = judge(value, lower, upper, comparator, polarity).tolist()
    alone = [judge(v, lo, hi, comparator, polarity).tolist()
             for v, lo, hi in zip(value, lower, upper, strict=True)]
    assert together == alone
    flipped = judge(value[::-1], lower[::-1], upper[::-1], comparator, polarity).tolist()
    assert flipped == together[::-1]
