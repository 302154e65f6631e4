"""Pooling: each indicator's per-LA totals as *cells* — every LA, region and England.

`outcomespec.results.builder` publishes what this module pools: a region's and England's counts are
the sums of their LAs' counts that are known (a published `c` cannot be added in), and for
means and medians the unit-level values themselves are regrouped, so that a region's median
is the median of its children, not a median of medians. An LA whose proportion has a
numerator above its denominator is left out of the pool altogether: its counts cannot both
be right. What each pooled cell leaves out is counted, for its note (`incomplete`).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals

__all__ = ["ENGLAND_CODE", "WITHOUT_DENOMINATOR", "Cells", "Counts", "Units", "cells_of",
           "pool_counts", "sum_by"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

ENGLAND_CODE: Final = "E92000001"
WITHOUT_DENOMINATOR: Final = frozenset({m.Statistic.COUNT, m.Statistic.MEAN,
                                        m.Statistic.MEDIAN})
"""Statistics that have no denominator: the column is blank, and `z` in the EES layout."""


@frozen
class Cells:
    """The cells of every indicator: the LAs (or units of comparison, such as providers),
    then the regions, then England."""

    n_la: int
    region_of: IntArray
    parent: IntArray
    rank: IntArray
    codes: npt.NDArray[np.str_]
    names: npt.NDArray[np.str_]
    types: npt.NDArray[np.str_]
    region_codes: npt.NDArray[np.str_]
    order: IntArray

    @property
    def england(self) -> int:
        """England's cell, the last."""
        return len(self.codes) - 1

    @property
    def n(self) -> int:
        """How many cells there are."""
        return len(self.codes)


Units = tuple[FloatArray, npt.NDArray[np.intp], int]
"""Unit-level values, the cell (or group) each belongs to, and how many cells there are."""


def cells_of(frame: AreaFrame) -> Cells:
    """The cells of `frame`: its LAs, then its regions, then England, each with the cell it
    adds up into and the order rows are published in (England, regions, LAs).

    >>> cells = cells_of(AreaFrame(("805", "806"), ("Hartlepool", "Middlesbrough"), [0, 0],
    ...                            ("E12000001",), ("North East",)))
    >>> cells.codes.tolist(), cells.parent.tolist(), cells.order.tolist()
    (['805', '806', 'E12000001', 'E92000001'], [2, 2, 3, -1], [3, 2, 0, 1])
    """
    n_la, n_reg = frame.n_areas, len(frame.region_codes)
    region_of = np.asarray(frame.region_of, dtype=np.int64)
    region_of = region_of.reshape(n_la) if region_of.size else np.full(n_la, -1)
    england = n_la + n_reg
    parent = np.concatenate([np.where(region_of >= 0, n_la + region_of, england),
                             np.full(n_reg, england), [-1]]).astype(np.int64)
    codes = np.array([*frame.codes, *frame.region_codes, ENGLAND_CODE], dtype=np.str_)
    rank = np.argsort(np.argsort(codes, kind="stable"), kind="stable").astype(np.int64)
    known_regions = np.array(frame.region_codes or [""], dtype=np.str_)
    in_region = np.where(region_of >= 0, known_regions[np.maximum(region_of, 0)], "")
    return Cells(
        n_la, region_of, parent, rank, codes,
        np.array([*frame.names, *frame.region_names, "England"], dtype=np.str_),
        np.array([frame.level] * n_la + [m.AreaLevel.REGION.value] * n_reg
                 + [m.AreaLevel.ENGLAND.value], dtype=np.str_),
        np.concatenate([in_region, codes[n_la:england], [""]]).astype(np.str_),
        np.concatenate([[england], np.arange(n_la, england), np.arange(n_la)]).astype(np.int64),
    )


@frozen
class Counts:
    """One indicator (one breakdown) over all cells, pooled but not yet protected or published.

    `num` and `den` are unrounded (NaN where not known; `den` NaN throughout for statistics
    without one); `pooled[i]` says whether LA `i` is part of the regions' and England's
    counts; `markers` says why an LA's count is not known (the numerator's and the
    denominator's) and `left_out` how many LAs each region and England leave out.
    """

    totals: IndicatorTotals
    num: FloatArray
    den: FloatArray
    units: Units | None
    pooled: BoolArray
    markers: tuple[Int8Array, Int8Array]
    unknown_left_out: IntArray
    exceeding_left_out: IntArray

    @property
    def exceeds(self) -> BoolArray:
        """Cells of LAs whose proportion has a numerator above its denominator: the LAs left
        out of the pool although their counts are known."""
        out = np.zeros(self.num.size, dtype=bool)
        out[:self.pooled.size] = ~self.pooled
        return out


def _pool(counts: FloatArray, pooled: BoolArray, cells: Cells) -> FloatArray:
    """LA counts, then the regions' and England's sums of the LA counts pooled.

    A count that is not known (published as suppressed, `c`) cannot be added in and is left
    out; its LA's row stays blank. Each count is pooled on its own, so a suppressed
    numerator still leaves its denominator in: checked against DfE's published national
    figures 2021-2025, this reproduces them where leaving the whole LA out does not (a
    suppressed numerator is at most 5).
    """
    known = ~np.isnan(counts) & pooled
    inside = (cells.region_of >= 0) & known
    n_reg = cells.england - cells.n_la
    regions = sum_by(cells.region_of[inside], counts[inside], n_reg)
    return np.concatenate([counts, regions, [counts[known].sum()]])


def sum_by(groups: npt.NDArray[Any], weights: FloatArray, n: int) -> FloatArray:
    """Sums of `weights` within each group 0 .. n - 1 (NaN if any term is NaN)."""
    return np.asarray(np.bincount(groups, weights=weights, minlength=n), dtype=np.float64)


def _left_out(las: BoolArray, cells: Cells) -> IntArray:
    """How many of the flagged LAs each cell leaves out: 0 for LAs, per region, for England."""
    inside = cells.region_of >= 0
    n_reg = cells.england - cells.n_la
    regions = np.bincount(cells.region_of[inside & las], minlength=n_reg)
    return np.concatenate([np.zeros(cells.n_la, np.int64), regions, [las.sum()]]
                          ).astype(np.int64)


def _unit_cells(totals: IndicatorTotals, cells: Cells) -> Units:
    """Each unit-level value once for its LA, once for its region and once for England,
    in order of area then value.

    Why that order: sums of floating-point numbers depend on the order they are added in,
    and a mean must not depend on the order the rows were read in (nor on how they were
    partitioned, `outcomespec.spark`): the same values give the same mean to the last bit."""
    if totals.values is None or totals.value_areas is None:
        msg = f"a {totals.indicator.statistic.value} needs unit-level values and their areas"
        raise ValueError(msg)
    values = np.asarray(totals.values, dtype=np.float64)
    areas = np.asarray(totals.value_areas, dtype=np.intp)
    keep = ~np.isnan(values)
    values, areas = values[keep], areas[keep]
    order = np.lexsort((values, areas))
    values, areas = values[order], areas[order]
    region = cells.region_of[areas]
    inside = region >= 0
    groups = np.concatenate([areas, cells.n_la + region[inside],
                             np.full(areas.size, cells.england)]).astype(np.intp)
    return np.concatenate([values, values[inside], values]), groups, cells.england + 1


def pool_counts(totals: IndicatorTotals, cells: Cells) -> Counts:
    """Pool one indicator. A mean's or median's count is the number of its units with a value
    (missing ones left out), which is what suppression looks at.

    >>> ind = m.Indicator(name="f.p", framework="f", section="s", title="P",
    ...     kind=m.Kind.OUTCOME, statistic=m.Statistic.PROPORTION, unit=m.Unit("percent", 100.0),
    ...     polarity=m.Polarity.LOWER_IS_BETTER, confidence=m.ConfidenceMethod.WILSON,
    ...     levels=(0.95,), suppression=(1, 5), numerator_subset=m.SubsetProof.PROVEN)
    >>> cells = cells_of(AreaFrame(("A", "B", "C"), ("A", "B", "C"), [0, 0, 0], ("R",), ("R",)))
    >>> counts = pool_counts(IndicatorTotals(ind, [3, float("nan"), 9], [40, 50, 5]), cells)
    >>> counts.num.tolist(), counts.den.tolist()  # C's 9 of 5 is left out; B's 50 is in
    ([3.0, nan, 9.0, 3.0, 3.0], [40.0, 50.0, 5.0, 90.0, 90.0])
    >>> counts.unknown_left_out.tolist(), counts.exceeding_left_out.tolist()
    ([0, 0, 0, 1, 1], [0, 0, 0, 1, 1])
    """
    ind = totals.indicator
    n_la = cells.n_la
    markers = totals.markers(n_la)
    if ind.statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN):
        units = _unit_cells(totals, cells)
        num = np.bincount(units[1], minlength=units[2]).astype(np.float64)
        den = np.full(num.shape, np.nan)
        everyone = np.ones(n_la, dtype=bool)
        none = np.zeros(cells.n, np.int64)
        return Counts(totals, num, den, units, everyone, markers, none, none)
    la_num = np.asarray(totals.numerator, dtype=np.float64)
    la_den = np.asarray(totals.denominator, dtype=np.float64)
    unknown = np.isnan(la_num)
    if ind.statistic not in WITHOUT_DENOMINATOR:
        unknown |= np.isnan(la_den)
    with np.errstate(invalid="ignore"):
        exceeding = ((la_num > la_den) if ind.statistic is m.Statistic.PROPORTION
                     else np.zeros(n_la, dtype=bool))
    pooled = ~exceeding
    num = _pool(la_num, pooled, cells)
    den = (np.full(num.shape, np.nan) if ind.statistic in WITHOUT_DENOMINATOR
           else _pool(la_den, pooled, cells))
    return Counts(totals, num, den, None, pooled, markers, _left_out(unknown, cells),
                   _left_out(exceeding, cells))
