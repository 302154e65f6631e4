"""The results table: every indicator for every LA, region and England, judged and protected.

`build_results` takes what evaluation hands over (per-LA totals of each indicator, see
`outcomespec.evaluation.areas`) and does the rest with whole-array operations:

1. pool LAs into regions and England (`outcomespec.results.pooling`). An LA whose count is not
   known (a published `c`) is left out of the pool, and so is one whose proportion has a
   numerator above its denominator; the pooled value is then `incomplete`, and says how
   many were left out;
2. suppress small counts and whatever would give them away, over every table published
   together (`outcomespec.results.disclosure`);
3. compute each value and its confidence limits: from the unrounded counts where the counts
   are published as they are (LAs), from the *published* counts where these are rounded
   (DfE rounds England's and the regions' to the nearest 10): a value computed from the
   unrounded counts would give them back (with the rounded counts, often only one pair of
   whole numbers has that exact ratio). A mean's count cannot be taken out of it that way,
   so a rounded row's mean and its limits are published to one decimal place instead, as
   DfE publishes them; a median does not depend on the count;
4. judge each area against England, its region, its statistical neighbours, a target and
   another population (`outcomespec.results.judgement`). Comparator values are the *published* ones:
   a suppressed region or England is not compared with, and a suppressed neighbour is left
   out of the neighbours' median, as from the DfE dashboard's median of published figures.
   Pooled neighbours, like England and the regions, pool every LA's unrounded counts;
5. say why each blank value is blank, and when a value is qualified (the `note` column,
   `outcomespec.model.notes`). Indicators that could not be evaluated are published too, as rows
   with blank values whose note says why.

`Results` holds the table column by column and writes it out. It is defined, with its columns
and the layouts it is written in, by `outcomespec.results.table`, which this module imports and
never the other way round; it is exported from here too, so callers need only this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from attrs import field, frozen

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.evaluation.evaluator import Evaluation, Skipped
from outcomespec.model.notes import MARKER_NOTES, Marker, Note
from outcomespec.results.disclosure import Protected, protect
from outcomespec.results.judgement import (
    Judgement,
    JudgementArray,
    judge,
    judging_level,
    neighbour_median,
    neighbour_pairs,
    neighbour_units,
)
from outcomespec.results.pooling import (
    ENGLAND_CODE,
    WITHOUT_DENOMINATOR,
    Cells,
    Counts,
    Units,
    cells_of,
    pool_counts,
    sum_by,
)
from outcomespec.results.statistics import (
    byars_limits,
    group_median,
    mean_limits,
    rate_limits,
    wilson_limits,
)
from outcomespec.results.suppression import round_counts
from outcomespec.results.table import COLUMNS, NUMBER_COLUMNS, Results

__all__ = ["COLUMNS", "ENGLAND_CODE", "Part", "Results", "build_results",
           "build_results_together", "results_of"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
TextArray = npt.NDArray[np.object_]

_COLUMN_LEVELS: Final = {0.95: ("lower_95", "upper_95"), 0.998: ("lower_99_8", "upper_99_8")}
_MEAN_PLACES: Final = 1
"""Decimal places of a mean whose count is published rounded (as DfE publishes means)."""


@frozen
class Part:
    """One framework's evaluated totals and the indicators it could not evaluate, to be
    published beside others (`build_results_together`)."""

    totals: Sequence[IndicatorTotals]
    skipped: Sequence[Skipped] = ()
    framework: m.Framework | None = None


# ------------------------------------------------------------------ values


def _value(ind: m.Indicator, num: FloatArray, den: FloatArray, units: Units | None
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
class _Table:
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


def _publish(counts: Counts, protected: Protected, cells: Cells,
             rounding: tuple[tuple[str, ...], int] | None) -> _Table:
    """Round, compute, withhold and explain one table (see the module's docstring, 3 and 5)."""
    ind = counts.totals.indicator
    rounded = (np.isin(cells.types, rounding[0]) if rounding is not None
               else np.zeros(cells.n, dtype=bool))

    def printed(raw: FloatArray) -> FloatArray:
        return np.where(rounded, round_counts(raw, rounding[1]), raw) if rounding else raw

    num, den = printed(counts.num), printed(counts.den)
    by_counts = ind.statistic not in (m.Statistic.MEAN, m.Statistic.MEDIAN)
    basis = (num, den) if by_counts else (counts.num, counts.den)
    value = _value(ind, *basis, counts.units)
    limits = {level: _limits(ind, level, *basis, counts.units) for level in ind.levels}
    if ind.statistic is m.Statistic.MEAN:
        value = np.where(rounded, np.round(value, _MEAN_PLACES), value)
        limits = {level: (np.where(rounded, np.round(lower, _MEAN_PLACES), lower),
                          np.where(rounded, np.round(upper, _MEAN_PLACES), upper))
                  for level, (lower, upper) in limits.items()}
    suppressed = protected.suppressed
    blank = suppressed | counts.exceeds

    def withheld(values: FloatArray) -> FloatArray:
        return np.where(blank, np.nan, values)

    return _Table(counts, np.where(suppressed, np.nan, num), np.where(suppressed, np.nan, den),
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


# ------------------------------------------------------------------ comparisons


def _neighbour_values(table: _Table, comparator: m.Comparator, frame: AreaFrame,
                      cells: Cells) -> FloatArray:
    """Each LA's neighbours' value: their median, or the value of their pooled counts."""
    out = np.full(cells.n, np.nan)
    matrix = frame.neighbours.get(comparator.name or "")
    if matrix is None:
        return out
    if comparator.method is not m.NeighbourMethod.POOLED:
        out[:cells.n_la] = neighbour_median(table.value[:cells.n_la], matrix)
        return out
    rows, members = neighbour_pairs(matrix)
    counts = table.counts
    num, den = (sum_by(rows, raw[members], cells.n_la) for raw in (counts.num, counts.den))
    units = None
    if counts.units is not None:
        values, groups, _ = counts.units
        la = groups < cells.n_la  # each unit's first copy, grouped by its own LA
        pooled, owners = neighbour_units(values[la], groups[la], matrix)
        units = (pooled, owners, cells.n_la)
        num = np.bincount(owners, minlength=cells.n_la).astype(np.float64)
    out[:cells.n_la] = _value(table.totals.indicator, num, den, units)
    return out


def _comparisons(table: _Table, frame: AreaFrame, cells: Cells,
                 england_values: dict[tuple[str, str], float]) -> dict[str, JudgementArray]:
    """The five judgement columns of one table, in cell order."""
    ind = table.totals.indicator
    n = cells.n
    nothing = np.full(n, np.nan)
    level = judging_level(ind.levels)
    lower, upper = table.limits[level] if level is not None else (nothing, nothing)
    declared = {c.kind: c for c in reversed(ind.comparators)}
    england = np.full(n, table.value[cells.england])
    england[cells.england] = np.nan
    region = np.full(n, np.nan)
    inside = np.flatnonzero(cells.region_of >= 0)
    region[inside] = table.value[cells.n_la + cells.region_of[inside]]
    target = declared.get(m.ComparatorKind.TARGET)
    population = declared.get(m.ComparatorKind.POPULATION)
    other = np.nan
    if population is not None:
        name = population.name or ""
        other = england_values.get((name, table.totals.breakdown),
                                   england_values.get((name, ""), np.nan))
    comparators = {
        "vs_england": england if m.ComparatorKind.ENGLAND in declared else nothing,
        "vs_region": region if m.ComparatorKind.REGION in declared else nothing,
        "vs_neighbours": (_neighbour_values(table, declared[m.ComparatorKind.NEIGHBOURS], frame,
                                            cells)
                          if m.ComparatorKind.NEIGHBOURS in declared else nothing),
        "vs_target": np.full(n, target.target if target and target.target is not None
                             else np.nan),
        "vs_population": np.full(n, other),
    }
    return {name: judge(table.value, lower, upper, values, ind.polarity,
                        suppressed=table.suppressed) for name, values in comparators.items()}


# ------------------------------------------------------------------ the table


def build_results(totals: Sequence[IndicatorTotals], frame: AreaFrame, period: int, *,
                  framework: m.Framework | None = None, skipped: Sequence[Skipped] = ()
                  ) -> Results:
    """The results table for every indicator, over the LAs of `frame`, their regions and England.

    Why: this is the one place where evaluated totals become what people read — pooled,
    with confidence limits, judged, with small numbers protected and every blank explained
    — so the CLI, the API and the reports all publish the same figures. `framework`
    supplies its name and the rounding of published national and regional counts; `skipped`
    indicators are published as rows with blank values and the reason in their note. Rows
    come England first, then the regions, then the LAs, for each totals in the order given,
    then for each skipped indicator.

    >>> ind = m.Indicator(name="f.p", framework="f", section="s", title="Placements",
    ...     kind=m.Kind.OUTCOME, statistic=m.Statistic.PROPORTION, unit=m.Unit("percent", 100.0),
    ...     polarity=m.Polarity.LOWER_IS_BETTER,
    ...     comparators=(m.Comparator(m.ComparatorKind.ENGLAND),),
    ...     confidence=m.ConfidenceMethod.WILSON, levels=(0.95,), suppression=(1, 5),
    ...     numerator_subset=m.SubsetProof.PROVEN)
    >>> frame = AreaFrame(("805", "890", "201"), ("Hartlepool", "Blackpool", "City of London"),
    ...                   [-1, -1, -1])
    >>> totals = IndicatorTotals(ind, [31, 41, float("nan")], [332, 531, 9],
    ...                          numerator_markers=[0, 0, Marker.SUPPRESSED])  # a published `c`
    >>> for row in build_results([totals], frame, 2025).rows():
    ...     print(row["area_name"], row["value"] and round(row["value"], 3), row["vs_england"],
    ...           repr(row["note"]))
    England 8.257 not_compared "incomplete: 1 authority's counts not known"
    Hartlepool 9.337 similar ''
    Blackpool 7.721 similar ''
    City of London None not_compared 'published_suppressed: numerator'
    """
    return build_results_together([Part(totals, skipped, framework)], frame, period)[0]


def build_results_together(parts: Sequence[Part], frame: AreaFrame, period: int
                           ) -> tuple[Results, ...]:
    """One results table per part (each a framework's), suppressed together.

    Why: frameworks published side by side often publish the same counts (the National
    Framework's and Supporting Families' repeat child protection plans, children in need):
    chosen apart, each table's secondary suppression could leave published in one what it
    hides in the other, and a suppressed count would be recovered by subtraction. Chosen
    together, a count is hidden everywhere or nowhere.
    """
    cells = cells_of(frame)
    counted = [[pool_counts(t, cells) for t in part.totals] for part in parts]
    flat = [c for tables in counted for c in tables]
    protected = iter(protect(flat, cells))
    published = [[_publish(c, next(protected), cells,
                           part.framework.rounding if part.framework is not None else None)
                  for c in tables] for part, tables in zip(parts, counted, strict=True)]
    england_values = {(t.totals.indicator.name, t.totals.breakdown): float(t.value[-1])
                      for tables in published for t in tables}
    results = []
    for part, tables in zip(parts, published, strict=True):
        name = part.framework.name if part.framework is not None else None
        columns = [_columns(t, cells, _comparisons(t, frame, cells, england_values), name,
                            period) for t in tables]
        columns += [_skipped_columns(s, cells, name, period) for s in part.skipped]
        results.append(_joined(columns, frame, part, name))
    return tuple(results)


def results_of(evaluations: Sequence[tuple[Evaluation, m.Framework | None]]
               ) -> tuple[Results, ...]:
    """The results table of each evaluation (one per framework of a run), those over the same
    period and areas suppressed together (`build_results_together`), in the order given."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, (evaluation, _) in enumerate(evaluations):
        frame = evaluation.frame
        key = (evaluation.period, frame.codes, frame.region_codes,
               tuple(np.asarray(frame.region_of).tolist()))
        groups.setdefault(key, []).append(i)
    found: dict[int, Results] = {}
    for members in groups.values():
        first = evaluations[members[0]][0]
        parts = [Part(evaluations[i][0].totals, evaluations[i][0].skipped, evaluations[i][1])
                 for i in members]
        found.update(zip(members, build_results_together(parts, first.frame, first.period),
                         strict=True))
    return tuple(found[i] for i in range(len(evaluations)))


def _joined(parts: list[dict[str, npt.NDArray[Any]]], frame: AreaFrame, part: Part,
            name: str | None) -> Results:
    """One `Results` from the columns of its tables, in order."""
    joined: dict[str, Any] = {}
    for column in COLUMNS:
        values = np.concatenate([p[column] for p in parts]) if parts else np.array([])
        kind = {"period": np.int64, "suppressed": np.bool_}.get(column, np.float64)
        joined[column] = (values.astype(kind) if column in NUMBER_COLUMNS
                          else tuple(values.tolist()))
    indicators = [t.indicator for t in part.totals] + [s.indicator for s in part.skipped]
    return Results(
        **joined,
        region_names=tuple(zip(frame.region_codes, frame.region_names, strict=True)),
        targeted=frozenset((name or ind.framework, ind.id) for ind in indicators
                           if any(c.kind is m.ComparatorKind.TARGET for c in ind.comparators)),
    )


def _constant(ind: m.Indicator, framework: str | None, period: int, breakdown: str
              ) -> dict[str, Any]:
    """The columns that are the same in every row of one table."""
    return {"framework": framework or ind.framework, "indicator": ind.id, "title": ind.title,
            "period": period, "breakdown": breakdown, "unit": ind.unit.label,
            "statistic": ind.statistic.value, "polarity": ind.polarity.value}


def _columns(table: _Table, cells: Cells, judged: dict[str, JudgementArray],
             framework: str | None, period: int) -> dict[str, npt.NDArray[Any]]:
    """One table's rows in output order. (A count's value is its published numerator, so
    rounded where the numerator is: `_publish` computes values from the printed counts.)"""
    ind, o = table.totals.indicator, cells.order
    limits = {c: np.full(o.size, np.nan) for pair in _COLUMN_LEVELS.values() for c in pair}
    for level, (lower, upper) in table.limits.items():
        names = _COLUMN_LEVELS.get(round(level, 6))
        if names:
            limits[names[0]], limits[names[1]] = lower[o], upper[o]
    constant = _constant(ind, framework, period, table.totals.breakdown)
    varying = {"area_type": cells.types[o], "area_code": cells.codes[o],
               "area_name": cells.names[o], "value": table.value[o],
               "suppressed": table.suppressed[o], "note": table.note[o],
               "region_code": cells.region_codes[o], "numerator": table.num[o],
               "denominator": table.den[o], **limits,
               **{name: j[o] for name, j in judged.items()}}
    return {name: varying[name] if name in varying
            else np.full(o.size, constant[name], dtype=object) for name in COLUMNS}


def _skipped_columns(skipped: Skipped, cells: Cells, framework: str | None, period: int
                     ) -> dict[str, npt.NDArray[Any]]:
    """Rows for an indicator that was not evaluated: every area, blank, and why."""
    o = cells.order
    nothing = np.full(o.size, np.nan)
    judged = np.empty(o.size, dtype=object)
    judged[:] = [Judgement.NOT_COMPARED] * o.size  # np.full would make it a str
    varying: dict[str, npt.NDArray[Any]] = {
        "area_type": cells.types[o], "area_code": cells.codes[o], "area_name": cells.names[o],
        "region_code": cells.region_codes[o], "suppressed": np.zeros(o.size, dtype=bool),
        "note": np.full(o.size, f"{skipped.note}: {skipped.reason}", dtype=object)}
    constant = _constant(skipped.indicator, framework, period, "")
    return {name: varying.get(name, nothing if name in NUMBER_COLUMNS else judged)
            if name not in constant else np.full(o.size, constant[name], dtype=object)
            for name in COLUMNS}
