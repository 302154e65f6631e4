"""outcomespec.results.figures: an indicator's published figures over every cell, from
DfE's 2025 counts of children looked after with three or more placements."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from outcomespec import model as m
from outcomespec.evaluation.areas import IndicatorTotals
from outcomespec.results.disclosure import protect
from outcomespec.results.figures import Figures, figures_of, value_of
from outcomespec.results.pooling import cells_of, pool_counts
from tests.results.cases import indicator, placements_frame

ROUNDING = (("england", "region"), 10)
"""DfE's rule: England's and the regions' counts published to the nearest 10."""


def published(totals: IndicatorTotals,
              rounding: tuple[tuple[str, ...], int] | None = ROUNDING) -> Figures:
    """`totals` over the placements frame's cells, pooled, protected and published."""
    cells = cells_of(placements_frame()[0])
    counts = pool_counts(totals, cells)
    (protected,) = protect([counts], cells)
    return figures_of(counts, protected, cells, rounding)


def test_value_of_each_statistic() -> None:
    """A proportion is num / den × multiplier (NaN, not inf, over 0), a count its numerator,
    a mean and a median those of each cell's unit values."""
    num, den = np.array([31.0, 5.0, 0.0]), np.array([332.0, 0.0, 0.0])
    share = value_of(indicator(), num, den, None)
    assert share[0] == pytest.approx(100 * 31 / 332, rel=1e-15)
    assert np.isnan(share[1:]).all()
    count = value_of(indicator(statistic=m.Statistic.COUNT), num, den, None)
    assert count.tolist() == num.tolist()
    assert count is not num
    units = (np.array([1.0, 2.0, 6.0, 4.0]), np.array([0, 0, 0, 1]), 3)
    mean = value_of(indicator(statistic=m.Statistic.MEAN), np.array([3.0, 1.0, 0.0]), den,
                    units)
    assert mean[:2].tolist() == [3.0, 4.0]
    assert math.isnan(mean[2])
    median = value_of(indicator(statistic=m.Statistic.MEDIAN), num, den, units)
    assert median[:2].tolist() == [2.0, 4.0]


def test_rounded_counts_give_the_published_values() -> None:
    """North East's 109 / 1,120 is published as 110 / 1,120, its value 110 / 1,120; an LA's
    counts and value are its own."""
    _, nums, dens = placements_frame()
    figures = published(IndicatorTotals(indicator(levels=(0.95,)), nums, dens))
    assert (figures.num[6], figures.den[6]) == (110, 1120)
    assert figures.value[6] == pytest.approx(100 * 110 / 1120, rel=1e-15)
    assert (figures.num[7], figures.den[7]) == (140, 1950)
    assert (figures.num[8], figures.den[8]) == (8500, 81770)
    assert figures.num[0] == 31
    assert figures.value[0] == pytest.approx(100 * 31 / 332, rel=1e-15)
    assert list(figures.limits) == [0.95]
    assert figures.counts.num[6] == 109  # kept unrounded, for pooling neighbours


def test_a_rounded_mean_is_published_to_one_decimal_place() -> None:
    """England's and the regions' means are rounded to 0.1 (their counts are rounded); an
    LA's mean is exact. (No suppression here, so that the small counts are shown.)"""
    values = [3.0, 4.0, 4.0, 1.0, 2.0, 2.0, 5.0, 7.0]
    areas = [0, 0, 0, 1, 3, 3, 4, 5]
    totals = IndicatorTotals(indicator(statistic=m.Statistic.MEAN, suppression=None,
                                       confidence=m.ConfidenceMethod.STUDENT_T),
                             [3, 1, 0, 2, 1, 1], [math.nan] * 6, values=values,
                             value_areas=areas)
    figures = published(totals, rounding=ROUNDING)
    unrounded = published(totals, rounding=None)
    assert figures.value[0] == statistics.fmean([3.0, 4.0, 4.0])
    assert figures.value[6] == round(statistics.fmean([3.0, 4.0, 4.0, 1.0]), 1) == 3.0
    assert figures.value[8] == round(statistics.fmean(values), 1) == 3.5
    assert unrounded.value[8] == statistics.fmean(values)
    lower, upper = figures.limits[0.95]
    assert lower[8] == round(lower[8], 1)
    assert upper[8] == round(upper[8], 1)
