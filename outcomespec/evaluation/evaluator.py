"""Run a plan over loaded tables: records → units → local authorities.

Each indicator that can be evaluated (its datasets supplied, holding rows for the period)
takes the values of its steps (`execution`, each step computed at most once, only if some
such indicator needs it) and counts its cohort, numerator and denominator per area. The
output is per-area totals (see `areas`), which the results stage pools, tests and publishes,
with what could not be evaluated and the warnings found on the way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from attrs import field, frozen

from outcomespec import model as m
from outcomespec.evaluation import kernels as k
from outcomespec.evaluation import plan as p
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals, Published
from outcomespec.evaluation.coverage import Coverage, data_coverage
from outcomespec.evaluation.execution import Execution
from outcomespec.evaluation.gazetteer import absent_rows, area_frame
from outcomespec.evaluation.plan import IndicatorPlan, Plan
from outcomespec.evaluation.publications import published_figures
from outcomespec.evaluation.units import unit_frames, unplaced_rows
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.tables import Table
from outcomespec.model.notes import Marker, Note

_CAP = 20
"""At most this many D210 warnings per indicator, then one saying how many more."""


@frozen
class Skipped:
    """An indicator that was not evaluated, and why (e.g. its dataset was not supplied).

    `note` is the results' keyword for it (`outcomespec.model.notes.Note`): `not_evaluated`, or
    `no_data_for_period` when its datasets were given but hold no rows for the period."""

    indicator: m.Indicator
    reason: str
    note: str = Note.NOT_EVALUATED.value


@frozen
class SubsetViolation:
    """Units counted by a numerator that are not in its denominator (checked on data)."""

    indicator: m.Indicator
    units: int
    example_rows: tuple[int, ...]


@frozen
class Evaluation:
    """Per-area totals of every evaluated indicator, and what could not be evaluated."""

    period: int
    frame: AreaFrame
    totals: tuple[IndicatorTotals, ...]
    skipped: tuple[Skipped, ...]
    violations: tuple[SubsetViolation, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    """Warnings about the data found while evaluating: rows an indicator would have counted
    for an authority that did not exist in the period (D204, one per dataset), a numerator
    above its denominator (D210), a publication with no figure for England or a region
    (D160) or not supplied (D161), rows that name no unit of a comparison (D220)."""
    published: tuple[Published, ...] = ()
    """The publication of each evaluated indicator that takes a comparator from it."""
    only: int | None = None
    """The authority (its position in the frame) of a single authority's return: the only
    one evaluated, whose England and region are not pooled from it."""
    units: Mapping[str, AreaFrame] = field(factory=dict)
    """The units of each comparison other than areas, by name: the totals of an indicator
    that compares them (`m.Indicator.benchmark`) are per unit of its frame here, not per
    local authority of `frame`."""

    def frame_of(self, indicator: m.Indicator) -> AreaFrame:
        """The areas, or units, an indicator's totals are per."""
        return self.frame if indicator.benchmark is None else self.units[indicator.benchmark]


def period_bounds(period: int, reporting: m.ReportingPeriod) -> tuple[dt.date, dt.date]:
    """First and last day of the reporting year that ends in `period`.

    >>> period_bounds(2025, m.ReportingPeriod())
    (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
    """
    end = dt.date(period, reporting.month, reporting.day)
    start = dt.date(period - 1, reporting.month, reporting.day) + dt.timedelta(days=1)
    return start, end


def evaluate_plan(plan: Plan, frameworks: tuple[m.Framework, ...], tables: Mapping[str, Table],
                  period: int, reporting: m.ReportingPeriod, frame: AreaFrame | None = None,
                  coverage: Coverage | None = None, *, only: int | None = None,
                  units: Mapping[str, AreaFrame] | None = None) -> Evaluation:
    """Per-area totals of every indicator whose datasets were supplied and hold rows for
    `period` (`coverage`: what periods the tables hold, found from them when not given),
    and the publications its published comparators are taken from; `only` is the authority
    of a single authority's return; per unit of its comparison for an indicator comparing
    units other than areas (`units`: their frames, made from their registers when not
    given)."""
    frame = frame or area_frame(frameworks, tables, period)
    coverage = coverage or data_coverage(plan, tables, reporting, modules=frameworks)
    units = units if units is not None else unit_frames(frameworks, tables)
    start, end = period_bounds(period, reporting)
    bounds = (np.datetime64(start, "D"), np.datetime64(end, "D"))
    run = Execution(plan, tables, frame, period, bounds, units=units)
    totals: list[IndicatorTotals] = []
    skipped: list[Skipped] = []
    violations: list[SubsetViolation] = []
    warnings: list[Diagnostic] = []
    published: list[Published] = []
    for indicator_plan in plan.indicators:
        missing = [d for d in indicator_plan.datasets if d not in tables]
        if indicator_plan.problem or missing:
            verb = "were" if len(missing) > 1 else "was"
            reason = indicator_plan.problem or (
                "needs " + ", ".join(f"`{d}`" for d in missing) + f", which {verb} not supplied")
            skipped.append(Skipped(indicator_plan.indicator, reason))
            continue
        no_data = coverage.missing(indicator_plan, tables, period)
        if no_data is not None:
            skipped.append(Skipped(indicator_plan.indicator, no_data,
                                   Note.NO_DATA_FOR_PERIOD.value))
            continue
        found = _totals(run, indicator_plan, violations)
        warnings.extend(_numerators_above_denominators(run, indicator_plan, found[0]))
        totals.extend(found)
        publication = _publication(run, indicator_plan, only)
        if publication is not None:
            published.append(publication[0])
            warnings.extend(publication[1])
    absent = [absent_rows(frame, tables[name], np.flatnonzero(rows))
              for name, rows in sorted(run.absent_counted.items()) if rows.any()]
    unplaced = [unplaced_rows(run, index, rows) for index, rows in sorted(run.unplaced.items())
                if rows.any()]
    return Evaluation(period, frame, tuple(totals), tuple(skipped), tuple(violations),
                      (*absent, *unplaced, *warnings), tuple(published), only, units=units)


def publications_of(plan: Plan, evaluated: Sequence[IndicatorPlan],
                    tables: Mapping[str, Table], period: int, reporting: m.ReportingPeriod,
                    frame: AreaFrame) -> tuple[tuple[Published, ...], tuple[Diagnostic, ...]]:
    """The publications of the `evaluated` indicators that take a comparator from one, read
    from `tables`, and their D160 and D161 warnings: for an engine that evaluates the
    authorities' totals elsewhere (Spark), since a published table is small and read whole."""
    start, end = period_bounds(period, reporting)
    run = Execution(plan, tables, frame, period,
                    (np.datetime64(start, "D"), np.datetime64(end, "D")))
    published: list[Published] = []
    warnings: list[Diagnostic] = []
    for indicator_plan in evaluated:
        found = _publication(run, indicator_plan, None)
        if found is not None:
            published.append(found[0])
            warnings.extend(found[1])
    return tuple(published), tuple(warnings)


def _publication(run: Execution, plan: IndicatorPlan, only: int | None
                 ) -> tuple[Published, list[Diagnostic]] | None:
    """The publication of an indicator that takes a comparator from it (None when none
    does), or a D161 warning when its table was not supplied."""
    indicator = plan.indicator
    if plan.publication is None or not any(c.published for c in indicator.comparators):
        return None
    dataset = plan.publication.dataset
    if dataset in run.tables:
        return published_figures(run, plan.publication, indicator, only)
    frame = run.frame
    short = dataset.rsplit(".", 1)[-1]
    warning = Diagnostic.of(
        "D161", f"`{indicator.id}` takes comparators from its publication in `{short}`, which "
        "was not supplied", indicator.span,
        help=f"give `{short}.csv` with the data, or evaluate with pooled comparators "
        "(`--comparators pooled`)")
    return Published.missing(indicator, frame.n_areas + len(frame.region_codes) + 1,
                             short), [warning]


def _mask(run: Execution, step: int | None, dataset: str) -> Any:
    rows = run.rows(dataset)
    if step is None:
        return np.ones(rows, dtype=np.bool_)
    return np.broadcast_to(k.as_condition(np.asarray(run.get(step))), (rows,)).copy()


def _size(run: Execution, plan: IndicatorPlan) -> int:
    """How many areas, or units of its comparison, an indicator's totals are per."""
    units = plan.indicator.benchmark
    return run.frame.n_areas if units is None else run.units[units].n_areas


def _totals(run: Execution, plan: IndicatorPlan, violations: list[SubsetViolation]
            ) -> list[IndicatorTotals]:
    indicator = plan.indicator
    n = _size(run, plan)
    cohort = None
    if plan.cohort_dataset is not None:
        cohort = _mask(run, plan.cohort, plan.cohort_dataset)
        for exclusion in plan.exclusions:
            cohort &= ~_mask(run, exclusion, plan.cohort_dataset)
    splits: list[tuple[str, Any]] = [("", None)]
    if cohort is not None:
        for (label, step), expr in zip(plan.breakdowns, indicator.breakdowns, strict=True):
            values = np.broadcast_to(np.asarray(run.get(step)), cohort.shape)
            splits.extend(_categories(run, label, values, expr))
    out = []
    for label, selector in splits:
        sub_cohort = cohort if selector is None else cohort & selector
        out.append(_one(run, plan, sub_cohort, label, violations if not label else [], n))
    return out


def _categories(run: Execution, label: str, values: Any, expr: m.Expr
                ) -> list[tuple[str, Any]]:
    if expr.type.kind is m.ValueKind.BOOLEAN:
        condition = k.as_condition(values)
        return [(f"{label}: yes", condition), (f"{label}: no", ~condition)]
    codes: tuple[str, ...] = ()
    for table in run.tables.values():
        for column in table.dataset.columns:
            if column.type.codelist == expr.type.codelist and column.name in table.code_tables:
                codes = table.code_tables[column.name]
                break
        if codes:
            break
    present = np.unique(values[values >= 0])
    return [(f"{label}: {codes[i] if i < len(codes) else i}", values == i) for i in present]


def _one(run: Execution, plan: IndicatorPlan, cohort: Any, label: str,
         violations: list[SubsetViolation], n: int) -> IndicatorTotals:
    indicator = plan.indicator
    statistic = indicator.statistic
    nan = np.full(n, np.nan)
    if statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN):
        assert plan.cohort_dataset is not None
        assert plan.measure is not None
        measure = np.broadcast_to(np.asarray(run.get(plan.measure), dtype=np.float64),
                                  cohort.shape)
        measured = cohort & ~np.isnan(measure)
        areas = run.counted_in(dict(plan.units), plan.cohort_dataset, measured)
        keep = measured & (areas >= 0)
        return IndicatorTotals(indicator, k.group_count(areas, keep, n), nan,
                               values=measure[keep], value_areas=areas[keep], breakdown=label)
    denominator = nan
    if plan.cohort_dataset is not None and statistic is m.Statistic.PROPORTION:
        denominator = k.group_count(
            run.counted_in(dict(plan.units), plan.cohort_dataset, cohort), cohort, n)
    elif plan.denominator is not None:
        denominator = _quantity(run, plan.denominator, plan.denominator_dataset, None, n, plan)
    numerator = _quantity(run, plan.numerator, plan.numerator_dataset,
                          cohort if plan.numerator_dataset == plan.cohort_dataset else None, n,
                          plan, violations)
    return IndicatorTotals(
        indicator, numerator, denominator, breakdown=label,
        numerator_markers=_markers(run, plan.numerator, plan.numerator_dataset, numerator),
        denominator_markers=_markers(run, plan.denominator, plan.denominator_dataset,
                                     denominator))


def _markers(run: Execution, step: int | None, dataset: str | None, counts: Any) -> Any:
    """Why each LA's (or unit's) area-level count is not known (empty when every count is
    known); a count unknown for no recorded reason is "not available"."""
    unknown = np.isnan(counts)
    if step is None or dataset is not None or not unknown.any():
        return np.zeros(0, dtype=np.int8)
    why = np.maximum(run.quantity_markers(step, counts.size), Marker.EMPTY)
    return np.where(unknown, why, Marker.NONE).astype(np.int8)


def _numerators_above_denominators(run: Execution, plan: IndicatorPlan,
                                   totals: IndicatorTotals) -> list[Diagnostic]:
    """D210 for each LA whose proportion counts more in its numerator than its denominator
    (e.g. counts of different years or tables): the value cannot be right, and results
    withhold it, but the figures must be checked where they came from."""
    indicator = plan.indicator
    if indicator.statistic is not m.Statistic.PROPORTION:
        return []
    with np.errstate(invalid="ignore"):
        over = np.flatnonzero(totals.numerator > totals.denominator)
    if not over.size:
        return []
    frame = run.frame if indicator.benchmark is None else run.units[indicator.benchmark]
    reads = f"the numerator {_reads(run, plan.numerator, plan.numerator_dataset)}"
    if plan.denominator is not None:
        reads += f" and the denominator {_reads(run, plan.denominator, plan.denominator_dataset)}"

    def area(i: int) -> str:
        name, code = frame.names[i], frame.codes[i]
        return name if name == code else f"{name} ({code})"

    found = [Diagnostic.of(
        "D210", f"`{indicator.id}`: the numerator of {area(i)}, {totals.numerator[i]:,g}, is "
        f"larger than its denominator, {totals.denominator[i]:,g}", indicator.span,
        help=f"{reads}: check {frame.names[i]}'s figures in the data; its value is left blank "
        f"with the note `{Note.NUMERATOR_EXCEEDS_DENOMINATOR}`")
        for i in over[:_CAP].tolist()]
    if over.size > _CAP:
        found.append(Diagnostic.of(
            "D210", f"`{indicator.id}`: … and {over.size - _CAP} more "
            f"{'local authorities' if indicator.benchmark is None else 'units'} whose "
            "numerator is larger than their denominator", indicator.span))
    return found


def _reads(run: Execution, step: int | None, dataset: str | None) -> str:
    """What a numerator or denominator counts or adds up, for people: the columns its
    area-level sums add up, or the rows it counts."""
    if dataset is not None or step is None:
        return f"counts rows of `{dataset}`"
    steps = run.plan.steps
    summed = [summing.value for i in run.plan.reachable((step,))
              if isinstance(summing := steps[i], p.ReduceAreas)]
    columns = sorted({(column.dataset, column.column)
                      for i in run.plan.reachable(tuple(summed))
                      if isinstance(column := steps[i], p.ReadColumn)})
    return "adds up " + (", ".join(f"`{column}` of `{table}`" for table, column in columns)
                         or "computed values")


def _quantity(run: Execution, step: int | None, dataset: str | None, within: Any, n: int,
              plan: IndicatorPlan | None = None,
              violations: list[SubsetViolation] | None = None) -> Any:
    if step is None:
        return np.full(n, np.nan)
    if dataset is None:
        return np.asarray(run.get(step), dtype=np.float64)
    mask = _mask(run, step, dataset)
    units = dict(plan.units) if plan is not None else {}
    if within is not None:
        outside = mask & ~within
        if plan is not None and violations is not None and outside.any() and \
                plan.indicator.numerator_subset is m.SubsetProof.CHECK_ON_DATA:
            rows = np.flatnonzero(outside)
            violations.append(SubsetViolation(plan.indicator, int(rows.size),
                                              tuple(int(r) for r in rows[:5])))
        mask &= within
    return k.group_count(run.counted_in(units, dataset, mask), mask, n)


__all__ = ["Evaluation", "Skipped", "SubsetViolation", "area_frame", "evaluate_plan",
           "period_bounds", "publications_of"]
