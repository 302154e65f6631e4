"""The results table: every indicator for every LA, region and England, judged and protected.

`build_results` takes what evaluation hands over (per-LA totals of each indicator, see
`outcomespec.areas`) and does the rest with whole-array operations:

1. pool LAs into regions and England (numerators and denominators summed; for means and
   medians the unit-level values themselves, so a region's median is the median of its
   children, not a median of medians);
2. compute each value and its confidence limits from the **unrounded** counts;
3. suppress small counts and whatever would give them away (`outcomespec.suppression`), then
   round the published national and regional counts;
4. judge each area against England, its region, its statistical neighbours, a target and
   another population (`outcomespec.judgement`). Comparator values are the *published* ones:
   a suppressed region or England is not compared with, and a suppressed neighbour is left
   out of the neighbours' median, as from the DfE dashboard's median of published figures.
   Pooled neighbours, like England and the regions, pool every LA's unrounded counts.

`Results` holds the table column by column and writes it out. It is defined, with its columns
and the layouts it is written in, by `outcomespec.publishing`, which this module imports and
never the other way round; it is exported from here too, so callers need only this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m
from outcomespec.areas import AreaFrame, IndicatorTotals
from outcomespec.judgement import (
    JudgementArray,
    judge,
    judging_level,
    neighbour_median,
    neighbour_pairs,
    neighbour_units,
)
from outcomespec.publishing import (
    COLUMNS,
    ENGLAND_CODE,
    NUMBER_COLUMNS,
    WITHOUT_DENOMINATOR,
    Results,
)
from outcomespec.statistics import (
    byars_limits,
    group_median,
    mean_limits,
    rate_limits,
    wilson_limits,
)
from outcomespec.suppression import primary_suppression, round_counts, secondary_suppression

__all__ = ["COLUMNS", "ENGLAND_CODE", "Results", "build_results"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_COLUMN_LEVELS: Final = {0.95: ("lower_95", "upper_95"), 0.998: ("lower_99_8", "upper_99_8")}


@frozen
class _Cells:
    """The cells of every indicator: the LAs, then the regions, then England."""

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


_Units = tuple[FloatArray, npt.NDArray[np.intp], int]
"""Unit-level values, the cell (or group) each belongs to, and how many cells there are."""


def _cells(frame: AreaFrame) -> _Cells:
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
    return _Cells(
        n_la, region_of, parent, rank, codes,
        np.array([*frame.names, *frame.region_names, "England"], dtype=np.str_),
        np.array(["local_authority"] * n_la + ["region"] * n_reg + ["england"], dtype=np.str_),
        np.concatenate([in_region, codes[n_la:england], [""]]).astype(np.str_),
        np.concatenate([[england], np.arange(n_la, england), np.arange(n_la)]).astype(np.int64),
    )


def _pool(counts: FloatArray, cells: _Cells) -> FloatArray:
    """LA counts, then the regions' and England's sums of the LA counts that are known.

    A count that is not known (published as suppressed, `c`) cannot be added in and is left
    out; its LA's row stays blank. Each count is pooled on its own, so a suppressed
    numerator still leaves its denominator in: checked against DfE's published national
    figures 2021-2025, this reproduces them where leaving the whole LA out does not (a
    suppressed numerator is at most 5).
    """
    known = ~np.isnan(counts)
    inside = (cells.region_of >= 0) & known
    n_reg = cells.england - cells.n_la
    regions = _sum_by(cells.region_of[inside], counts[inside], n_reg)
    return np.concatenate([counts, regions, [counts[known].sum()]])


def _sum_by(groups: npt.NDArray[Any], weights: FloatArray, n: int) -> FloatArray:
    """Sums of `weights` within each group 0 .. n - 1 (NaN if any term is NaN)."""
    return np.asarray(np.bincount(groups, weights=weights, minlength=n), dtype=np.float64)


def _unit_cells(totals: IndicatorTotals, cells: _Cells) -> _Units:
    """Each unit-level value once for its LA, once for its region and once for England."""
    if totals.values is None or totals.value_areas is None:
        msg = f"a {totals.indicator.statistic.value} needs unit-level values and their areas"
        raise ValueError(msg)
    values = np.asarray(totals.values, dtype=np.float64)
    areas = np.asarray(totals.value_areas, dtype=np.intp)
    keep = ~np.isnan(values)
    values, areas = values[keep], areas[keep]
    region = cells.region_of[areas]
    inside = region >= 0
    groups = np.concatenate([areas, cells.n_la + region[inside],
                             np.full(areas.size, cells.england)]).astype(np.intp)
    return np.concatenate([values, values[inside], values]), groups, cells.england + 1


def _value(ind: m.Indicator, num: FloatArray, den: FloatArray, units: _Units | None
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


def _limits(ind: m.Indicator, level: float, num: FloatArray, den: FloatArray,
            units: _Units | None) -> tuple[FloatArray, FloatArray]:
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
class _Table:
    """One indicator (one breakdown) over all cells: counts unrounded, the rest published."""

    totals: IndicatorTotals
    num: FloatArray
    den: FloatArray
    value: FloatArray
    limits: dict[float, tuple[FloatArray, FloatArray]]
    suppressed: BoolArray
    units: _Units | None


def _table(totals: IndicatorTotals, cells: _Cells) -> _Table:
    """Pool, compute and suppress one indicator. A mean's or median's count is the number of
    its units with a value (missing ones left out), which is what suppression looks at."""
    ind = totals.indicator
    units = None
    if ind.statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN):
        units = _unit_cells(totals, cells)
        num = np.bincount(units[1], minlength=units[2]).astype(np.float64)
    else:
        num = _pool(np.asarray(totals.numerator, dtype=np.float64), cells)
    if ind.statistic in WITHOUT_DENOMINATOR:
        den = np.full(num.shape, np.nan)
    else:
        den = _pool(np.asarray(totals.denominator, dtype=np.float64), cells)
    suppressed = np.zeros(num.shape, dtype=bool)
    if ind.suppression is not None:
        primary = primary_suppression(num, den, ind.suppression)
        suppressed = secondary_suppression(primary, cells.parent, num, cells.rank)

    def published(values: FloatArray) -> FloatArray:
        return np.where(suppressed, np.nan, values)

    limits = {}
    for level in ind.levels:
        lower, upper = _limits(ind, level, num, den, units)
        limits[level] = (published(lower), published(upper))
    return _Table(totals, num, den, published(_value(ind, num, den, units)), limits,
                  suppressed, units)


def _neighbour_values(table: _Table, comparator: m.Comparator, frame: AreaFrame,
                      cells: _Cells) -> FloatArray:
    """Each LA's neighbours' value: their median, or the value of their pooled counts."""
    out = np.full(cells.england + 1, np.nan)
    matrix = frame.neighbours.get(comparator.name or "")
    if matrix is None:
        return out
    if comparator.method != "pooled":
        out[:cells.n_la] = neighbour_median(table.value[:cells.n_la], matrix)
        return out
    rows, members = neighbour_pairs(matrix)
    num, den = (_sum_by(rows, counts[members], cells.n_la) for counts in (table.num, table.den))
    units = None
    if table.units is not None:
        values, groups, _ = table.units
        la = groups < cells.n_la  # each unit's first copy, grouped by its own LA
        pooled, owners = neighbour_units(values[la], groups[la], matrix)
        units = (pooled, owners, cells.n_la)
        num = np.bincount(owners, minlength=cells.n_la).astype(np.float64)
    out[:cells.n_la] = _value(table.totals.indicator, num, den, units)
    return out


def _comparisons(table: _Table, frame: AreaFrame, cells: _Cells,
                 england_values: dict[tuple[str, str], float]) -> dict[str, JudgementArray]:
    """The five judgement columns of one table, in cell order."""
    ind = table.totals.indicator
    n = cells.england + 1
    nothing = np.full(n, np.nan)
    level = judging_level(ind.levels)
    lower, upper = table.limits[level] if level is not None else (nothing, nothing)
    declared = {c.kind: c for c in reversed(ind.comparators)}
    england = np.full(n, table.value[cells.england])
    england[cells.england] = np.nan
    region = np.full(n, np.nan)
    inside = np.flatnonzero(cells.region_of >= 0)
    region[inside] = table.value[cells.n_la + cells.region_of[inside]]
    target = declared.get("target")
    population = declared.get("population")
    other = np.nan
    if population is not None:
        name = population.name or ""
        other = england_values.get((name, table.totals.breakdown),
                                   england_values.get((name, ""), np.nan))
    comparators = {
        "vs_england": england if "england" in declared else nothing,
        "vs_region": region if "region" in declared else nothing,
        "vs_neighbours": (_neighbour_values(table, declared["neighbours"], frame, cells)
                          if "neighbours" in declared else nothing),
        "vs_target": np.full(n, target.target if target and target.target is not None
                             else np.nan),
        "vs_population": np.full(n, other),
    }
    return {name: judge(table.value, lower, upper, values, ind.polarity,
                        suppressed=table.suppressed) for name, values in comparators.items()}


def build_results(totals: Sequence[IndicatorTotals], frame: AreaFrame, period: int, *,
                  framework: m.Framework | None = None) -> Results:
    """The results table for every indicator, over the LAs of `frame`, their regions and England.

    Why: this is the one place where evaluated totals become what people read — pooled,
    with confidence limits, judged and with small numbers protected — so the CLI, the API
    and the reports all publish the same figures. `framework` supplies its name and the
    rounding of published national and regional counts. Rows come England first, then the
    regions, then the LAs, for each totals in the order given.

    >>> ind = m.Indicator("f.p", "f", "s", "Placements", m.Kind.OUTCOME, m.Statistic.PROPORTION,
    ...     None, None, None, None, (), m.Unit("percent", 100.0), m.Polarity.LOWER_IS_BETTER,
    ...     "", (m.Comparator("england"),), m.ConfidenceMethod.WILSON, (0.95,), (1, 5), (), (),
    ...     (), m.SubsetProof.PROVEN)
    >>> frame = AreaFrame(("805", "890"), ("Hartlepool", "Blackpool"), [-1, -1])
    >>> table = build_results([IndicatorTotals(ind, [31, 41], [332, 531])], frame, 2025)
    >>> for row in table.rows():
    ...     print(row["area_name"], round(row["value"], 3), row["vs_england"])
    England 8.343 not_compared
    Hartlepool 9.337 similar
    Blackpool 7.721 similar
    """
    cells = _cells(frame)
    tables = [_table(t, cells) for t in totals]
    england_values = {(t.totals.indicator.name, t.totals.breakdown): float(t.value[-1])
                      for t in tables}
    rounding = framework.rounding if framework is not None else None
    parts = [_columns(table, cells, _comparisons(table, frame, cells, england_values), rounding,
                      framework.name if framework is not None else None, period)
             for table in tables]
    joined: dict[str, Any] = {}
    for name in COLUMNS:
        column = np.concatenate([p[name] for p in parts]) if parts else np.array([])
        kind = {"period": np.int64, "suppressed": np.bool_}.get(name, np.float64)
        joined[name] = column.astype(kind) if name in NUMBER_COLUMNS else tuple(column.tolist())
    return Results(
        **joined,
        region_names=tuple(zip(frame.region_codes, frame.region_names, strict=True)),
        targeted=frozenset((framework.name if framework is not None else t.indicator.framework,
                            t.indicator.id) for t in totals
                           if any(c.kind == "target" for c in t.indicator.comparators)),
    )


def _columns(table: _Table, cells: _Cells, judged: dict[str, JudgementArray],
             rounding: tuple[tuple[str, ...], int] | None, framework: str | None, period: int
             ) -> dict[str, npt.NDArray[Any]]:
    """One table's rows in output order, counts rounded where the framework says so.

    A count's value is its (published, so possibly rounded) numerator: rounding the count
    while printing it unrounded as the value would undo the rounding.
    """
    ind, o = table.totals.indicator, cells.order
    shown = {}
    for name, raw in (("numerator", table.num), ("denominator", table.den)):
        printed = raw if rounding is None else np.where(
            np.isin(cells.types, rounding[0]), round_counts(raw, rounding[1]), raw)
        shown[name] = np.where(table.suppressed, np.nan, printed)[o]
    value = shown["numerator"] if ind.statistic is m.Statistic.COUNT else table.value[o]
    limits = {c: np.full(o.size, np.nan) for pair in _COLUMN_LEVELS.values() for c in pair}
    for level, (lower, upper) in table.limits.items():
        names = _COLUMN_LEVELS.get(round(level, 6))
        if names:
            limits[names[0]], limits[names[1]] = lower[o], upper[o]
    constant = {"framework": framework or ind.framework, "indicator": ind.id,
                "title": ind.title, "period": period, "breakdown": table.totals.breakdown,
                "unit": ind.unit.label, "statistic": ind.statistic.value,
                "polarity": ind.polarity.value}
    varying = {"area_type": cells.types[o], "area_code": cells.codes[o],
               "area_name": cells.names[o], "value": value, "suppressed": table.suppressed[o],
               "region_code": cells.region_codes[o], **shown, **limits,
               **{name: j[o] for name, j in judged.items()}}
    return {name: varying[name] if name in varying
            else np.full(o.size, constant[name], dtype=object) for name in COLUMNS}
