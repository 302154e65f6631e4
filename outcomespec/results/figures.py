"""One indicator's figures as published over every cell (LA, region, England): its counts,
rounded where the framework says; its value and confidence limits; withheld where suppressed;
and why each blank is blank.

Why a module of its own: this is where the rules of a published figure live, apart from how
the table is put together and judged (`builder`). The value and its limits are computed from
the unrounded counts where the counts are published as they are (LAs), and from the
*published* counts where these are rounded (DfE rounds England's and the regions' to the
nearest 10): a value computed from the unrounded counts would give them back (with the rounded
counts, often only one pair of whole numbers has that exact ratio). A mean's count cannot be
taken out of it that way, so a rounded row's mean and its limits are published to one decimal
place instead, as DfE publishes them; a median does not depend on the count. Every blank says
why (the `note` column, `outcomespec.model.notes`).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from attrs import field, frozen

from outcomespec import model as m
from outcomespec.evaluation.areas import IndicatorTotals
from outcomespec.model.notes import MARKER_NOTES, Marker, Note
from outcomespec.results.disclosure import Protected
from outcomespec.results.limits import (
    byars_limits,
    group_median,
    mean_limits,
    rate_limits,
    wilson_limits,
)
from outcomespec.results.pooling import WITHOUT_DENOMINATOR, Cells, Counts, Units
from outcomespec.results.suppression import round_counts

__all__ = ["Figures", "figures_of", "limits_of", "value_of"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
TextArray = npt.NDArray[np.object_]

_MEAN_PLACES: Final = 1
"""Decimal places of a mean whose count is published rounded (as DfE publishes means)."""


def value_of(ind: m.Indicator, num: FloatArray, den: FloatArray, units: Units | None
             ) -> FloatArray:
    """The indicator's value for each cell (or group) from its counts or unit values."""
    match ind.statistic:
        case m.Statistic.PROPORTION | m.Statistic.RATE | m.Statistic.RATIO:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(den > 0, num / den * ind.unit.multiplier, np.nan)
        case m.Statistic.COUNT:
            return num.copy()
        case m.Statistic.MEAN | m.Statistic.MEDIAN:
            assert units is not None
            values, groups, n = units
            if ind.statistic is m.Statistic.MEDIAN:
                return group_median(values, groups, n)
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.bincount(groups, weights=values, minlength=n) / num


def limits_of(ind: m.Indicator, level: float, num: FloatArray, den: FloatArray,
            units: Units | None) -> tuple[FloatArray, FloatArray]:
    """Confidence limits of each cell's value at one level, by the indicator's method."""
    match ind.confidence:
        case m.ConfidenceMethod.WILSON:
            lower, upper = wilson_limits(num, den, level)
            return lower * ind.unit.multiplier, upper * ind.unit.multiplier
        case m.ConfidenceMethod.BYARS if ind.statistic is m.Statistic.COUNT:
            return byars_limits(num, level)
        case m.ConfidenceMethod.BYARS:
            return rate_limits(num, den, ind.unit.multiplier, level)
        case m.ConfidenceMethod.STUDENT_T if units and ind.statistic is m.Statistic.MEAN:
            values, groups, n = units
            total = np.bincount(groups, weights=values, minlength=n)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = total / num
                squares = np.bincount(groups, weights=(values - mean[groups]) ** 2, minlength=n)
                sd = np.sqrt(squares / (num - 1))
            return mean_limits(total, num, sd, level)
        case _:
            nothing = np.full(num.shape, np.nan)
            return nothing, nothing.copy()


@frozen
class Figures:
    """One indicator (one breakdown) over all cells, as published: counts (rounded where the
    framework says), value, limits, suppression and notes. `counts` keeps the unrounded
    counts for pooling neighbours."""

    counts: Counts
    num: FloatArray
    den: FloatArray
    value: FloatArray
    limits: dict[float, tuple[FloatArray, FloatArray]]
    suppressed: BoolArray
    note: TextArray = field(eq=False)

    @property
    def totals(self) -> IndicatorTotals:
        """What evaluation handed over for this table."""
        return self.counts.totals


def figures_of(counts: Counts, protected: Protected, cells: Cells,
               rounding: tuple[tuple[str, ...], int] | None) -> Figures:
    """Round, compute, withhold and explain one table (see the module's docstring)."""
    ind = counts.totals.indicator
    rounded = (np.isin(cells.types, rounding[0]) if rounding is not None
               else np.zeros(cells.n, dtype=bool))

    def printed(raw: FloatArray) -> FloatArray:
        return np.where(rounded, round_counts(raw, rounding[1]), raw) if rounding else raw

    num, den = printed(counts.num), printed(counts.den)
    by_counts = ind.statistic not in (m.Statistic.MEAN, m.Statistic.MEDIAN)
    basis = (num, den) if by_counts else (counts.num, counts.den)
    value = value_of(ind, *basis, counts.units)
    limits = {level: limits_of(ind, level, *basis, counts.units) for level in ind.levels}
    if ind.statistic is m.Statistic.MEAN:
        value = np.where(rounded, np.round(value, _MEAN_PLACES), value)
        limits = {level: (np.where(rounded, np.round(lower, _MEAN_PLACES), lower),
                          np.where(rounded, np.round(upper, _MEAN_PLACES), upper))
                  for level, (lower, upper) in limits.items()}
    suppressed = protected.suppressed
    blank = suppressed | counts.exceeds

    def withheld(values: FloatArray) -> FloatArray:
        return np.where(blank, np.nan, values)

    return Figures(counts, np.where(suppressed, np.nan, num), np.where(suppressed, np.nan, den),
                  withheld(value), {level: (withheld(lower), withheld(upper))
                                    for level, (lower, upper) in limits.items()},
                  suppressed, _notes(counts, protected, withheld(value), cells))


def _notes(counts: Counts, protected: Protected, value: FloatArray, cells: Cells
           ) -> TextArray:
    """Why each cell's value is blank, or how it is qualified; "" for a plain value.

    In order: withheld by suppression; a count not known (the source's marker: `c` before
    `u`, `k`, `x`, `z`, an empty cell); a numerator above its denominator; nothing to divide
    by; a pooled value that leaves LAs out (`incomplete`, still a value). A blank left with
    no reason would be a defect, so any other blank says `not_available`.
    """
    ind = counts.totals.indicator
    notes = np.full(cells.n, "", dtype=object)
    n_la = cells.n_la
    num_markers, den_markers = counts.markers
    strongest = np.maximum(num_markers, den_markers)
    for i in np.flatnonzero(strongest).tolist():
        which = [name for name, markers in (("numerator", num_markers),
                                             ("denominator", den_markers)) if markers[i]]
        notes[i] = MARKER_NOTES[Marker(int(strongest[i]))].text(" and ".join(which))
    notes[:n_la][counts.exceeds[:n_la] & (notes[:n_la] == "")] = \
        Note.NUMERATOR_EXCEEDS_DENOMINATOR.value
    empty = (counts.num <= 0) if ind.statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN) \
        else (counts.den == 0) if ind.statistic not in WITHOUT_DENOMINATOR \
        else np.zeros(cells.n, dtype=bool)
    notes[empty & (notes == "")] = Note.ZERO_DENOMINATOR.value
    for i in np.flatnonzero((counts.unknown_left_out + counts.exceeding_left_out > 0)
                            & (notes == "")).tolist():
        notes[i] = Note.INCOMPLETE.text(_left_out_text(int(counts.unknown_left_out[i]),
                                                       int(counts.exceeding_left_out[i])))
    notes[np.isnan(value) & (notes == "")] = Note.NOT_AVAILABLE.value
    notes[protected.suppressed] = Note.SUPPRESSED_SECONDARY.value
    notes[protected.primary] = Note.SUPPRESSED.value
    return notes


def _left_out_text(unknown: int, exceeding: int) -> str:
    """How many LAs a pooled value leaves out, and why.

    >>> _left_out_text(3, 0), _left_out_text(1, 1)
    ("3 authorities' counts not known", "1 authority's counts not known; 1 authority's \
numerator larger than its denominator")
    """
    def authorities(n: int) -> str:
        return f"{n} authorit{'y' if n == 1 else 'ies'}'{'s' if n == 1 else ''}"

    parts = [f"{authorities(unknown)} counts not known"] if unknown else []
    if exceeding:
        parts.append(f"{authorities(exceeding)} numerator{'' if exceeding == 1 else 's'} "
                     f"larger than {'its' if exceeding == 1 else 'their'} "
                     f"denominator{'' if exceeding == 1 else 's'}")
    return "; ".join(parts)
