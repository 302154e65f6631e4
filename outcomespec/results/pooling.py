"""Pooling: each indicator's per-LA totals as *cells* — every LA, region and England.

`outcomespec.results.builder` publishes what this module pools: a region's and England's counts are
the sums of their LAs' counts that are known (a published `c` cannot be added in), and for
means and medians the unit-level values themselves are regrouped, so that a region's median
is the median of its children, not a median of medians. An LA whose proportion has a
numerator above its denominator is left out of the pool altogether: its counts cannot both
be right. What each pooled cell leaves out is counted, for its note (`incomplete`).
"""

from __future__ import annotations

import re
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from attrs import evolve, field, frozen

from outcomespec import model as m
from outcomespec.evaluation.areas import ENGLAND_CODE, AreaFrame, IndicatorTotals

__all__ = ["ENGLAND_CODE", "WITHOUT_DENOMINATOR", "Cells", "Counts", "Units", "cells_of",
           "pool_counts", "pooled", "replaced_cells", "sum_by"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

WITHOUT_DENOMINATOR: Final = frozenset({m.Statistic.COUNT, m.Statistic.MEAN,
                                        m.Statistic.MEDIAN})
"""Statistics that have no denominator: the column is blank, and `z` in the EES layout."""


@frozen(kw_only=True)
class Cells:
    """The cells of every indicator: the LAs (or units of comparison, such as providers),
    then the regions, then England.

    `codes` are the frame's own codes; `ons_codes` and `la_codes` each cell's ONS code and
    DfE code (`area_code` and `la_code` of the results). `order` is the cells published, in
    order; `only` the authority of a single authority's return (None: every authority).
    """

    n_la: int
    region_of: IntArray
    parent: IntArray
    rank: IntArray
    codes: npt.NDArray[np.str_]
    ons_codes: npt.NDArray[np.str_]
    la_codes: npt.NDArray[np.str_]
    names: npt.NDArray[np.str_]
    types: npt.NDArray[np.str_]
    region_codes: npt.NDArray[np.str_]
    order: IntArray
    only: int | None = None

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


def cells_of(frame: AreaFrame, only: int | None = None) -> Cells:
    """The cells of `frame`: its LAs, then its regions, then England, each with the cell it
    adds up into and the order rows are published in (England, regions, LAs); for a single
    authority's return (`only`, its position), England, its region and itself.

    >>> frame = AreaFrame(("805", "806"), ("Hartlepool", "Middlesbrough"), [0, 0],
    ...                   ("E12000001",), ("North East",), aliases={"E06000001": 0})
    >>> cells = cells_of(frame)
    >>> cells.codes.tolist(), cells.parent.tolist(), cells.order.tolist()
    (['805', '806', 'E12000001', 'E92000001'], [2, 2, 3, -1], [3, 2, 0, 1])
    >>> cells.ons_codes.tolist(), cells.la_codes.tolist()
    (['E06000001', '806', 'E12000001', 'E92000001'], ['805', '806', '', ''])
    >>> cells_of(frame, only=1).order.tolist()
    [3, 2, 1]
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
    ons, dfe = _code_systems(frame)
    order = np.concatenate([[england], np.arange(n_la, england), np.arange(n_la)])
    if only is not None:
        order = np.array([england, *([n_la + region_of[only]] if region_of[only] >= 0 else []),
                          only])
    return Cells(
        n_la=n_la, region_of=region_of, parent=parent, rank=rank, codes=codes,
        ons_codes=np.array([*ons, *frame.region_codes, ENGLAND_CODE], dtype=np.str_),
        la_codes=np.array([*dfe, *[""] * (n_reg + 1)], dtype=np.str_),
        names=np.array([*frame.names, *frame.region_names, "England"], dtype=np.str_),
        types=np.array([frame.level] * n_la + [m.AreaLevel.REGION.value] * n_reg
                       + [m.AreaLevel.ENGLAND.value], dtype=np.str_),
        region_codes=np.concatenate([in_region, codes[n_la:england], [""]]).astype(np.str_),
        order=order.astype(np.int64), only=only,
    )


_ONS: Final = re.compile(r"[EWSN]\d{8}")
_DFE: Final = re.compile(r"\d{3}")


def _code_systems(frame: AreaFrame) -> tuple[list[str], list[str]]:
    """Each authority's ONS code and DfE code, from its code and the geography's
    alternative codes (the first of each system declared, so the latest ONS code). The DfE
    code is blank where the geography gives none; an authority with no ONS code (a geography
    of DfE codes alone, or a frame made from the data's own codes, say `A`) keeps its own
    code as its `area_code`, so that every row names its area.

    >>> _code_systems(AreaFrame(("805", "E06000002", "A", "807"), ("H", "M", "A", "R"),
    ...                         [-1, -1, -1, -1],
    ...                         aliases={"E06000001": 0, "E10000023": 0, "806": 1}))
    (['E06000001', 'E06000002', 'A', '807'], ['805', '806', '', '807'])
    """
    others: list[list[str]] = [[] for _ in frame.codes]
    for text, position in frame.aliases.items():
        others[position].append(text)
    ons, dfe = [], []
    for code, alternatives in zip(frame.codes, others, strict=True):
        every = (code, *alternatives)
        found_ons = next((c for c in every if _ONS.fullmatch(c)), "")
        found_dfe = next((c for c in every if _DFE.fullmatch(c)), "")
        ons.append(found_ons or code)
        dfe.append(found_dfe)
    return ons, dfe


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
    replaced: BoolArray = field(factory=lambda: np.zeros(0, dtype=bool))
    """Cells whose figures are not these pooled counts (England and the regions taken from
    a publication, or not pooled from a single authority's return): what we publish for
    them ties no equation of disclosure control to the authorities' counts."""

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
    """Pool one indicator (see `pooled`), its `replaced` cells those that `replaced_cells`
    says are not pooled."""
    return evolve(pooled(totals, cells), replaced=replaced_cells(totals, cells))


def replaced_cells(totals: IndicatorTotals, cells: Cells) -> BoolArray:
    """The cells of one table whose figures are not pooled from the authorities: England and
    the regions whose comparator is published, and both in a single authority's return.

    >>> ind = m.Indicator(name="f.c", framework="f", section="s", title="C",
    ...     kind=m.Kind.CONTEXT, statistic=m.Statistic.COUNT, unit=m.Unit("count", 1.0),
    ...     polarity=m.Polarity.NO_JUDGEMENT, confidence=m.ConfidenceMethod.NONE,
    ...     suppression=None, comparators=(m.Comparator(m.ComparatorKind.ENGLAND,
    ...                                                 published=True),))
    >>> frame = AreaFrame(("A", "B"), ("A", "B"), [0, 0], ("R",), ("R",))
    >>> replaced_cells(IndicatorTotals(ind, [1, 2], [None, None]), cells_of(frame)).tolist()
    [False, False, False, True]
    """
    published = {c.kind for c in totals.indicator.comparators if c.published}
    out = np.zeros(cells.n, dtype=bool)
    single = cells.only is not None
    out[cells.england] = single or m.ComparatorKind.ENGLAND in published
    out[cells.n_la:cells.england] = single or m.ComparatorKind.REGION in published
    return out


def pooled(totals: IndicatorTotals, cells: Cells) -> Counts:
    """Pool one indicator. A mean's or median's count is the number of its units with a value
    (missing ones left out), which is what suppression looks at.

    >>> ind = m.Indicator(name="f.p", framework="f", section="s", title="P",
    ...     kind=m.Kind.OUTCOME, statistic=m.Statistic.PROPORTION, unit=m.Unit("percent", 100.0),
    ...     polarity=m.Polarity.LOWER_IS_BETTER, confidence=m.ConfidenceMethod.WILSON,
    ...     levels=(0.95,), suppression=(1, 5), numerator_subset=m.SubsetProof.PROVEN)
    >>> cells = cells_of(AreaFrame(("A", "B", "C"), ("A", "B", "C"), [0, 0, 0], ("R",), ("R",)))
    >>> counts = pooled(IndicatorTotals(ind, [3, float("nan"), 9], [40, 50, 5]), cells)
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
