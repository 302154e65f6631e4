"""The results table: every indicator for every LA, region and England, judged and protected.

`build_results` takes what evaluation hands over (per-LA totals of each indicator, see
`outcomespec.evaluation.areas`) and does the rest with whole-array operations:

1. pool LAs into regions and England (`outcomespec.results.pooling`). An LA whose count is not
   known (a published `c`) is left out of the pool, and so is one whose proportion has a
   numerator above its denominator; the pooled value is then `incomplete`, and says how
   many were left out;
2. suppress small counts and whatever would give them away, over every table published
   together (`outcomespec.results.disclosure`);
3. compute each value and its confidence limits, from the counts as published (rounded
   where the framework says), and say why each blank value is blank and when a value is
   qualified (`outcomespec.results.figures`);
4. judge each area against England, its region, its statistical neighbours, a target (or
   the range inside which the value is good) and another population, England's or the
   same area's (`outcomespec.results.judgement`). Comparator values are the
   *published* ones: a suppressed region or England is not compared with, and a suppressed
   neighbour is left out of the neighbours' median, as from the DfE dashboard's median of
   published figures. Pooled neighbours, like England and the regions, pool every LA's
   unrounded counts;
5. put the rows together, England first, then the regions, then the LAs. Indicators that
   could not be evaluated are published too, as rows with blank values whose note says why.

`Results` holds the table column by column and writes it out. It is defined, with its
columns, by `outcomespec.results.table`, which this module imports and never the other way
round; it is exported from here too, so callers need only this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from attrs import field, frozen

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals, Published
from outcomespec.evaluation.evaluator import Evaluation, Skipped
from outcomespec.results.disclosure import protect
from outcomespec.results.figures import Figures, figures_of, value_of
from outcomespec.results.funnels import FunnelGroup
from outcomespec.results.judgement import (
    Judgement,
    JudgementArray,
    judge,
    judge_range,
    judging_level,
    neighbour_median,
    neighbour_pairs,
    neighbour_units,
)
from outcomespec.results.peers import funnel_comparison, peer_values
from outcomespec.results.pooling import ENGLAND_CODE, Cells, cells_of, pool_counts, sum_by
from outcomespec.results.published import publish, published_neighbours
from outcomespec.results.ranks import rank_values
from outcomespec.results.table import COLUMNS, NUMBER_COLUMNS, Results
from outcomespec.results.trends import Trend

__all__ = ["COLUMNS", "ENGLAND_CODE", "Part", "Results", "build_results",
           "build_results_together", "results_of"]

FloatArray = npt.NDArray[np.float64]

_COLUMN_LEVELS: Final = {0.95: ("lower_95", "upper_95"), 0.998: ("lower_99_8", "upper_99_8")}


@frozen
class Part:
    """One framework's evaluated totals and the indicators it could not evaluate, to be
    published beside others (`build_results_together`); `period` when not the others'; the
    publications its published comparators are taken from, by indicator."""

    totals: Sequence[IndicatorTotals]
    skipped: Sequence[Skipped] = ()
    framework: m.Framework | None = None
    period: int | None = None
    published: Mapping[str, Published] = field(factory=dict)


def _neighbour_values(table: Figures, comparator: m.Comparator, frame: AreaFrame,
                      cells: Cells, published: Published | None) -> FloatArray:
    """Each LA's neighbours' value: their median, or the value of their pooled counts; as
    published when the comparator says so (and none in a single authority's return, whose
    neighbours are not evaluated, otherwise); each unit's peer group's value
    (`peers.peer_values`)."""
    if comparator.name in frame.peers:
        return peer_values(table, comparator, frame, cells)
    out = np.full(cells.n, np.nan)
    if comparator.published:
        out[:cells.n_la] = published_neighbours(table.totals.indicator, comparator, frame,
                                                published, cells.n_la)
        return out
    matrix = frame.neighbours.get(comparator.name or "")
    if matrix is None or cells.only is not None:
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
    out[:cells.n_la] = value_of(table.totals.indicator, num, den, units)
    return out


_FUNNELLED = (("vs_england", m.ComparatorKind.ENGLAND), ("vs_region", m.ComparatorKind.REGION),
              ("vs_neighbours", m.ComparatorKind.NEIGHBOURS))
"""The judgement columns whose comparator may judge units by funnel limits."""


def _comparisons(table: Figures, frame: AreaFrame, cells: Cells,
                 populations: dict[tuple[str, str], FloatArray], published: Published | None,
                 framework: str, drawn: list[FunnelGroup]) -> dict[str, JudgementArray]:
    """The five judgement columns of one table, in cell order. `populations` holds every
    published table's values, by (indicator, breakdown), for `compare population`; units are
    judged by funnel limits where the comparator says so, each funnel kept in `drawn`."""
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
    other = nothing
    if population is not None:
        name = population.name or ""
        found = populations.get((name, table.totals.breakdown), populations.get((name, "")))
        if found is not None:  # the same area's value, or England's everywhere
            other = found.copy() if population.same_area else np.full(n, found[cells.england])
    comparators = {
        "vs_england": england if m.ComparatorKind.ENGLAND in declared else nothing,
        "vs_region": region if m.ComparatorKind.REGION in declared else nothing,
        "vs_neighbours": (_neighbour_values(table, declared[m.ComparatorKind.NEIGHBOURS], frame,
                                            cells, published if not table.totals.breakdown
                                            else None)
                          if m.ComparatorKind.NEIGHBOURS in declared else nothing),
        "vs_target": np.full(n, target.target if target and target.target is not None
                             else np.nan),
        "vs_population": other,
    }
    judged = {name: judge(table.value, lower, upper, values, ind.polarity,
                          suppressed=table.suppressed) for name, values in comparators.items()}
    if ind.target_range is not None:
        judged["vs_target"] = judge_range(table.value, lower, upper, ind.target_range,
                                          suppressed=table.suppressed)
    for column, kind in _FUNNELLED:
        comparator = declared.get(kind)
        if comparator is not None and comparator.method is not None \
                and comparator.method.funnel:
            units, groups = funnel_comparison(table, comparator, frame, cells, column,
                                              framework)
            judged[column][:cells.n_la] = units
            drawn.extend(groups)
    return judged


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
    >>> from outcomespec.model.notes import Marker
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


def build_results_together(parts: Sequence[Part], frame: AreaFrame, period: int,
                           only: int | None = None) -> tuple[Results, ...]:
    """One results table per part (each a framework's), suppressed together.

    Why: frameworks published side by side often publish the same counts (the National
    Framework's and Supporting Families' repeat child protection plans, children in need):
    chosen apart, each table's secondary suppression could leave published in one what it
    hides in the other, and a suppressed count would be recovered by subtraction. Chosen
    together, a count is hidden everywhere or nowhere. `only` is the authority of a single
    authority's return: its rows are the only authority's published, with England's and its
    region's (see `outcomespec.results.published`).
    """
    cells = cells_of(frame, only)
    counted = [[pool_counts(t, cells) for t in part.totals] for part in parts]
    flat = [c for tables in counted for c in tables]
    protected = iter(protect(flat, cells))
    published = [[publish(figures_of(c, next(protected), cells, part.framework.rounding
                                     if part.framework is not None else None),
                          part.published.get(c.totals.indicator.name), cells)
                  for c in tables] for part, tables in zip(parts, counted, strict=True)]
    years = [part.period if part.period is not None else period for part in parts]
    populations: dict[int, dict[tuple[str, str], FloatArray]] = {}
    for year, tables in zip(years, published, strict=True):
        populations.setdefault(year, {}).update(
            ((t.totals.indicator.name, t.totals.breakdown), t.value) for t in tables)
    results = []
    for part, tables, year in zip(parts, published, years, strict=True):
        name = part.framework.name if part.framework is not None else None
        drawn: list[FunnelGroup] = []
        columns = [_columns(t, cells, _comparisons(
            t, frame, cells, populations[year], part.published.get(t.totals.indicator.name),
            name or t.totals.indicator.framework, drawn), name, year) for t in tables]
        columns += [_skipped_columns(s, cells, name, year) for s in part.skipped]
        results.append(_joined(columns, frame, part, name, tuple(drawn)))
    return tuple(results)


def results_of(evaluations: Sequence[tuple[Evaluation, m.Framework | None]]
               ) -> tuple[Results, ...]:
    """The results table of each evaluation (one per framework and period of a run), in the
    order given: those over the same period and areas (or units of comparison) suppressed
    together (`build_results_together`), and so are periods over the same areas that publish
    the same count (equal in every area), so that it is hidden in all of them or in none.
    Each table holds a framework's area indicators, then those of each comparison of units
    other than areas it benchmarks.

    Why periods apart otherwise: a period's figures must be what evaluating it alone gives.
    A count that is 0 in every area joins nothing: England's 0 already gives it away.
    """
    items = [(i, frame, part) for i, (evaluation, framework) in enumerate(evaluations)
             for frame, part in _parts(evaluation, framework)]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for k, (i, frame, _) in enumerate(items):
        evaluation = evaluations[i][0]
        only = evaluation.only if frame is evaluation.frame else None
        key = (evaluation.period, frame.level, frame.geography, *_frame_key(frame), only)
        groups.setdefault(key, []).append(k)
    found: dict[int, Results] = {}
    for members in _sharing(list(groups.values()), items):
        i, frame, _ = items[members[0]]
        first = evaluations[i][0]
        built = build_results_together([items[k][2] for k in members], frame, first.period,
                                       first.only if frame is first.frame else None)
        found.update(zip(members, built, strict=True))
    tables: dict[int, list[Results]] = {}
    for k in sorted(found):
        tables.setdefault(items[k][0], []).append(found[k])
    return tuple(Results.concatenate(tables[i]) if len(tables[i]) > 1 else tables[i][0]
                 for i in range(len(evaluations)))


def _parts(evaluation: Evaluation, framework: m.Framework | None
           ) -> list[tuple[AreaFrame, Part]]:
    """One evaluation's totals and skipped indicators by the frame they are per: the areas
    (always, so that every framework has a table), then each comparison's units."""
    def part(units: str | None) -> Part:
        return Part([t for t in evaluation.totals if t.indicator.benchmark == units],
                    [s for s in evaluation.skipped if s.indicator.benchmark == units],
                    framework, evaluation.period,
                    {p.indicator.name: p for p in evaluation.published})

    compared = dict.fromkeys(ind.benchmark for ind in (
        *(t.indicator for t in evaluation.totals), *(s.indicator for s in evaluation.skipped))
        if ind.benchmark is not None)
    return [(evaluation.frame, part(None)),
            *((evaluation.units[name], part(name)) for name in compared)]


def _frame_key(frame: AreaFrame) -> tuple[Any, ...]:
    """What makes two evaluations' areas the same: codes, names, regions, who is in which,
    and their neighbours."""
    return (frame.codes, frame.names, frame.region_codes, frame.region_names,
            tuple(np.asarray(frame.region_of).tolist()),
            tuple(sorted((name, np.asarray(matrix).tobytes())
                         for name, matrix in frame.neighbours.items())))


def _sharing(groups: list[list[int]], items: Sequence[tuple[int, AreaFrame, Part]]
             ) -> list[list[int]]:
    """The groups (each one period's, over one set of areas or units: `items` by index),
    those that publish a common count joined: the members of each joined group, in order."""
    owner: dict[tuple[Any, ...], int] = {}
    joined = list(range(len(groups)))

    def root(g: int) -> int:
        while joined[g] != g:
            g = joined[g]
        return g

    for g, members in enumerate(groups):
        for k in members:
            _, frame, part = items[k]
            area_key = _frame_key(frame)
            for totals in part.totals:
                for counts in (totals.numerator, totals.denominator):
                    if counts.size == 0 or not np.any(np.nan_to_num(counts)):
                        continue
                    key = (area_key, np.where(np.isnan(counts), -1.0, counts).tobytes())
                    first = owner.setdefault(key, g)
                    joined[root(g)] = root(first)
    merged: dict[int, list[int]] = {}
    for g, members in enumerate(groups):
        merged.setdefault(root(g), []).extend(members)
    return [sorted(members) for members in merged.values()]


def _joined(parts: list[dict[str, npt.NDArray[Any]]], frame: AreaFrame, part: Part,
            name: str | None, funnels: tuple[FunnelGroup, ...] = ()) -> Results:
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
                           if ind.target_range is not None
                           or any(c.kind is m.ComparatorKind.TARGET for c in ind.comparators)),
        funnels=funnels,
        decimals=tuple({(name or ind.framework, ind.id): ind.decimals
                        for ind in indicators}.items()),
    )


def _constant(ind: m.Indicator, framework: str | None, period: int, breakdown: str
              ) -> dict[str, Any]:
    """The columns that are the same in every row of one table."""
    return {"framework": framework or ind.framework, "indicator": ind.id, "title": ind.title,
            "period": period, "breakdown": breakdown, "unit": ind.unit.label,
            "statistic": ind.statistic.value, "polarity": ind.polarity.value}


def _columns(table: Figures, cells: Cells, judged: dict[str, JudgementArray],
             framework: str | None, period: int) -> dict[str, npt.NDArray[Any]]:
    """One table's rows in output order. (A count's value is its published numerator, so
    rounded where the numerator is: `figures_of` computes values from the printed counts.)"""
    ind, o = table.totals.indicator, cells.order
    limits = {c: np.full(o.size, np.nan) for pair in _COLUMN_LEVELS.values() for c in pair}
    for level, (lower, upper) in table.limits.items():
        names = _COLUMN_LEVELS.get(round(level, 6))
        if names:
            limits[names[0]], limits[names[1]] = lower[o], upper[o]
    constant = _constant(ind, framework, period, table.totals.breakdown)
    # A single authority's return ranks among nothing: its rank is blank, never 1 of 1.
    among = (np.arange(cells.n) < cells.n_la) & (cells.only is None)
    ranked = rank_values(np.where(among, table.value, np.nan), ind.polarity)
    varying = {"area_type": cells.types[o], "area_code": cells.ons_codes[o],
               "la_code": cells.la_codes[o], "area_name": cells.names[o],
               "value": table.value[o],
               "suppressed": table.suppressed[o], "note": table.note[o],
               "region_code": cells.region_codes[o], "numerator": table.num[o],
               "denominator": table.den[o], **limits,
               **{name: j[o] for name, j in judged.items()},
               "rank": ranked.rank[o], "rank_of": ranked.rank_of[o],
               "quartile": ranked.quartile[o], "trend": _not_assessed(o.size)}
    return {name: varying[name] if name in varying
            else np.full(o.size, constant[name], dtype=object) for name in COLUMNS}


def _not_assessed(size: int) -> npt.NDArray[Any]:
    """A trend column claiming nothing: a trend needs the other periods (`with_trends`)."""
    trends = np.empty(size, dtype=object)
    trends[:] = [Trend.NOT_ASSESSED] * size
    return trends


def _skipped_columns(skipped: Skipped, cells: Cells, framework: str | None, period: int
                     ) -> dict[str, npt.NDArray[Any]]:
    """Rows for an indicator that was not evaluated: every area, blank, and why."""
    o = cells.order
    nothing = np.full(o.size, np.nan)
    judged = np.empty(o.size, dtype=object)
    judged[:] = [Judgement.NOT_COMPARED] * o.size  # np.full would make it a str
    varying: dict[str, npt.NDArray[Any]] = {
        "area_type": cells.types[o], "area_code": cells.ons_codes[o],
        "la_code": cells.la_codes[o], "area_name": cells.names[o],
        "region_code": cells.region_codes[o], "suppressed": np.zeros(o.size, dtype=bool),
        "note": np.full(o.size, f"{skipped.note}: {skipped.reason}", dtype=object),
        "trend": _not_assessed(o.size)}
    constant = _constant(skipped.indicator, framework, period, "")
    return {name: varying.get(name, nothing if name in NUMBER_COLUMNS else judged)
            if name not in constant else np.full(o.size, constant[name], dtype=object)
            for name in COLUMNS}
