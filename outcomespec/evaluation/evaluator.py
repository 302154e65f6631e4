"""Run a plan over loaded tables: records → units → local authorities.

Each step is computed at most once, in plan order, and only if some indicator that can be
evaluated needs it. The output is per-area totals (see `areas`), which the results stage
pools, tests and publishes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
from attrs import define, field, frozen

from outcomespec import model as m
from outcomespec.evaluation import kernels as k
from outcomespec.evaluation import pairs
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.evaluation.coverage import Coverage, data_coverage
from outcomespec.evaluation.gazetteer import absent_rows, area_frame
from outcomespec.evaluation.planning import AREA, IndicatorPlan, Plan, Step
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading import coding
from outcomespec.loading.identifiers import area_codes, areas_of, codes_for
from outcomespec.loading.tables import Table
from outcomespec.model.notes import Marker, Note

_EMPTY = {"count": 0.0, "sum": 0.0, "any": False, "all": True}
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
    above its denominator (D210)."""


def period_bounds(period: int, reporting: m.ReportingPeriod) -> tuple[dt.date, dt.date]:
    """First and last day of the reporting year that ends in `period`.

    >>> period_bounds(2025, m.ReportingPeriod())
    (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
    """
    end = dt.date(period, reporting.month, reporting.day)
    start = dt.date(period - 1, reporting.month, reporting.day) + dt.timedelta(days=1)
    return start, end


@define
class _Run:
    plan: Plan
    tables: Mapping[str, Table]
    frame: AreaFrame
    period: int
    bounds: tuple[np.datetime64, np.datetime64]
    values: dict[int, Any] = field(factory=dict)
    area_markers: dict[Step, Any] = field(factory=dict)
    """Area-level sum → per LA, the marker of the missing value that made its total unknown."""
    keys: dict[str, tuple[Mapping[str, Any], int]] = field(factory=dict)
    sorted_rows: dict[tuple[str, str], Any] = field(factory=dict)
    area_index_cache: dict[str, Any] = field(factory=dict)
    absent: dict[str, Any] = field(factory=dict)
    """Dataset → its rows naming an authority absent in the period (None: there are none)."""
    absent_counted: dict[str, Any] = field(factory=dict)
    """Dataset → those of its absent rows an indicator would have counted."""

    def get(self, step_id: int) -> Any:
        found = self.values.get(step_id)
        if found is None:
            step = self.plan.steps[step_id]
            found = self.values[step_id] = (
                self.conjunction(step) if step.kernel == "and"
                else self.compute(step, [self.get(i) for i in step.inputs]))
        return found

    def conjunction(self, step: Step) -> Any:
        """`and`, with its windows (the dearest conditions) computed last and only for the
        rows the other conditions leave: a re-referral is looked for only among the
        referrals of the year, not all three years of the census."""
        windows = [i for i in step.inputs if i not in self.values
                   and self.plan.steps[i].kernel == "window"
                   and self.plan.steps[i].params[0] == "any"]
        result: Any = True
        for i in step.inputs:
            if i not in windows:
                result = result & k.as_condition(np.asarray(self.get(i)))
        for i in windows:
            window = self.plan.steps[i]
            if np.ndim(result) == 0:  # nothing to narrow it down: the whole window, kept
                result = result & self.get(i)
                continue
            args = [self.get(j) for j in window.inputs]
            args[0] = np.where(result, args[0], -1)  # rows without a key count nothing
            result = result & self.window(window, args)
        return np.asarray(result, dtype=np.bool_)

    def rows(self, space: str) -> int:
        return self.tables[space].n_rows

    def read(self, step: Step) -> Any:
        """A column of a table, or which of its rows are in the periods a step names."""
        table = self.tables[step.params[0]]
        if step.kernel == "column":
            return table.values(step.params[1])
        assert table.periods is not None
        return np.isin(table.periods, [self.period + offset for offset in step.params[2]])

    def compute(self, step: Step, args: list[Any]) -> Any:
        p = step.params
        match step.kernel:
            case "literal":
                value, value_type = p
                if value_type.kind is m.ValueKind.DATE:
                    return np.datetime64(value, "D")
                return np.asarray(value)
            case "period":
                if p[0] == "year":
                    return np.float64(self.period)
                return self.bounds[0] if p[0] == "start" else self.bounds[1]
            case "column" | "period_mask":
                return self.read(step)
            case "or":
                return np.logical_or.reduce([k.as_condition(np.asarray(a)) for a in args])
            case "not":
                return ~k.as_condition(np.asarray(args[0]))
            case "negate":
                return -args[0]
            case "arith":
                with np.errstate(divide="ignore", invalid="ignore"):
                    left, right = (np.asarray(a, dtype=np.float64) for a in args)
                    out = {"+": np.add, "-": np.subtract, "*": np.multiply,
                           "/": np.divide}[p[0]](left, right)
                return np.where(np.isinf(out), np.nan, out)
            case "shift_dates":
                return k.shift_dates(args[0], p[0], p[1])
            case "compare":
                return k.compare(p[0], args[0], args[1], p[1])
            case "code_test":
                return k.code_test(np.asarray(args[0]), np.asarray(p[0], dtype=np.int32), p[1])
            case "missing":
                gone = ~k.present(np.asarray(args[0]), p[0])
                return ~gone if p[1] else gone
            case "in_period":
                return (args[0] >= self.bounds[0]) & (args[0] <= self.bounds[1])
            case "within":
                value, anchor = args
                if p[1] == "before":
                    return (value >= k.shift_dates(anchor, p[0], -1)) & (value < anchor)
                return (value > anchor) & (value <= k.shift_dates(anchor, p[0], 1))
            case "call":
                function = {"age": k.whole_years, "years_between": k.whole_years,
                            "months_between": k.whole_months,
                            "days_between": k.days_between}[p[0]]
                return function(args[0], args[1])
            case "area_index":
                return self.area_index(p[0])
            case "key":
                return self.key(p[0], p[1], p[3])
            case "reduce":
                return self.reduce_step(step, args)
            case "gather_key":
                per_key, outer_key = args
                default = _default(p[0], p[1])
                out = np.full(outer_key.shape, default, dtype=per_key.dtype)
                good = outer_key >= 0
                out[good] = per_key[outer_key[good]]
                return out
            case "pairs":
                outer_key, inner_key = args
                space = step.space.split("|", 2)[-1]
                inner = self.plan.steps[step.inputs[1]].params[0]
                return pairs.expand_pairs(outer_key, inner_key, self.keys[space][1],
                                      self.key_order(space, inner))
            case "window":
                return self.window(step, args)
            case "pair_inner" | "pair_outer":
                values, (outer_index, inner_index) = args
                if np.ndim(values) == 0:
                    return values
                return values[inner_index if step.kernel == "pair_inner" else outer_index]
            case "reduce_pairs":
                (outer_index, _), *rest = args
                outer_rows = self.rows(step.space)
                return self.reduce(p[0], p[1], outer_index, rest, outer_rows)
        raise AssertionError(f"unknown kernel {step.kernel}")

    def window(self, step: Step, args: list[Any]) -> Any:
        """`any` or `count` of the related rows in a window of dates (`pairs.window_counts`)."""
        outer_key, anchor, inner_key, dates, selected = args
        inner, unit, _, by_area = self.plan.steps[step.inputs[2]].params
        function, duration, direction = step.params
        counts = pairs.window_counts(
            outer_key, np.broadcast_to(anchor, outer_key.shape), inner_key,
            np.broadcast_to(dates, inner_key.shape),
            np.broadcast_to(k.as_condition(np.asarray(selected)), inner_key.shape),
            duration, direction, self.key_order(f"{unit}|{'area' if by_area else 'id'}", inner))
        return counts > 0 if function == "any" else counts.astype(np.float64)

    def reduce_step(self, step: Step, args: list[Any]) -> Any:
        """A `reduce` step: per area (noting the rows of absent authorities it would have
        counted) or per key."""
        function, value_type = step.params[:2]
        if step.space == AREA:
            dataset = self.plan.steps[step.inputs[0]].params[0]
            if self.absent_in(dataset) is not None:
                self.note_absent(dataset, _contributing(function, args[1], args[2]))
            if function == "sum":
                return self.area_sum(step, args[0], args[1:])
            n = self.frame.n_areas
        else:
            n = self.keys[step.space.removeprefix("key:")][1]
        return self.reduce(function, value_type, args[0], args[1:], n)

    def reduce(self, function: str, value_type: m.ValueType, groups: Any, parts: list[Any],
               n: int) -> Any:
        where, value, order = (np.broadcast_to(np.asarray(a), groups.shape) for a in parts)
        mask = k.as_condition(where)
        match function:
            case "count":
                return k.group_count(groups, mask, n)
            case "sum":
                return k.group_sum(groups, mask, value.astype(np.float64), n)
            case "any":
                return k.group_any(groups, mask, n)
            case "all":
                return ~k.group_any(groups, mask & ~k.as_condition(value), n)
            case "min" | "max":
                return k.group_extreme(groups, mask, value, n, largest=function == "max")
            case "first" | "last":
                if value.dtype == np.bool_:  # a computed condition: store as a boolean column
                    value = value.astype(np.int8)
                return k.group_pick(groups, mask, order, value, n, function == "last",
                                    _default(function, value_type))
        raise AssertionError(function)

    def area_sum(self, step: Step, groups: Any, parts: list[Any]) -> Any:
        """Each LA's total of a column (a published table's counts): not known (NaN), never
        0 or a partial sum, when a row it adds up has no value or the LA has no row at all.

        Why: an authority whose published count is `c` is not an authority with none, and
        adding up the rows that are known would give a total smaller than the true one. The
        strongest marker among the missing rows (`c` before `u`, `k`, `x`, `z`, an empty
        cell) is kept in `area_markers`, so the blank says why.
        """
        where, value, _ = (np.broadcast_to(np.asarray(a), groups.shape) for a in parts)
        n = self.frame.n_areas
        rows = k.as_condition(where) & (groups >= 0)
        values = value.astype(np.float64)
        missing = rows & np.isnan(values)
        present = rows & ~missing
        sums = np.bincount(groups[present], weights=values[present], minlength=n
                           ).astype(np.float64)
        markers = np.zeros(n, dtype=np.int8)
        if missing.any():
            found = self.row_markers(step.inputs[2], groups.shape[0])
            why = np.maximum(found[missing] if found is not None else 0, Marker.EMPTY)
            np.maximum.at(markers, groups[missing], why.astype(np.int8))
        markers[np.bincount(groups[rows], minlength=n) == 0] = Marker.EMPTY
        sums[markers > 0] = np.nan
        if markers.any():
            self.area_markers[step] = markers
        return sums

    def row_markers(self, step_id: int, n_rows: int) -> Any:
        """Per row, the strongest marker of the columns a value step reads from its own rows
        (None when none of them has any)."""
        found = None
        for i in self.plan.reachable((step_id,)):
            step = self.plan.steps[i]
            if step.kernel != "column":
                continue
            markers = self.tables[step.params[0]].markers.get(step.params[1])
            if markers is not None and markers.shape[0] == n_rows:
                found = markers if found is None else np.maximum(found, markers)
        return found

    def quantity_markers(self, step_id: int) -> Any:
        """Per LA, the strongest marker that made an area-level quantity unknown."""
        out = np.zeros(self.frame.n_areas, dtype=np.int8)
        for i in self.plan.reachable((step_id,)):
            found = self.area_markers.get(self.plan.steps[i])
            if found is not None:
                out = np.maximum(out, found)
        return out

    def area_index(self, dataset: str) -> Any:
        cached = self.area_index_cache.get(dataset)
        if cached is None:
            table = self.tables[dataset]
            column = table.dataset.area
            if column is None or column not in table.columns:  # rows that are in no area
                cached = np.full(table.n_rows, -1, dtype=np.int64)
            elif table.n_rows == 0:
                cached = np.zeros(0, dtype=np.int64)
            else:  # the area codes shared with the tables read with it, or its own
                areas = (table.shared.areas() if table.shared is not None
                         else area_codes({dataset: table}))
                frame = self.frame
                positions = np.append(frame.positions(areas.texts), -1)
                cached = positions[areas.codes[dataset]]
                absent = np.array([frame.absent_authority(text) is not None
                                   for text in areas.texts] + [False])
                if absent.any():
                    self.absent[dataset] = absent[areas.codes[dataset]]
            self.area_index_cache[dataset] = cached
        return cached

    def absent_in(self, dataset: str) -> Any:
        """The rows of `dataset` naming an authority absent in the period (None: none)."""
        self.area_index(dataset)
        return self.absent.get(dataset)

    def note_absent(self, dataset: str, counted: Any) -> None:
        """Remember which of the rows about to be counted name an absent authority."""
        absent = self.absent_in(dataset)
        if absent is None:
            return
        hit = absent & np.broadcast_to(k.as_condition(np.asarray(counted)), absent.shape)
        before = self.absent_counted.get(dataset)
        self.absent_counted[dataset] = hit if before is None else before | hit

    def counted_in_areas(self, dataset: str, counted: Any) -> Any:
        """The area index of `dataset`'s rows, `counted` among them about to be counted."""
        self.note_absent(dataset, counted)
        return self.area_index(dataset)

    def key(self, dataset: str, unit: str, by_area: bool) -> Any:
        """Codes of (area, identifier) for `unit`, shared by every dataset the plan relates
        on it: identifiers such as CHILD are unique only within a local authority. When
        either side of a relation has no area column, rows relate on the identifier alone
        (`by_area` false), in a code space of its own."""
        space = f"{unit}|{'area' if by_area else 'id'}"
        if space not in self.keys:
            related = {s.params[0] for s in self.plan.steps
                       if s.kernel == "key" and s.params[1] == unit and s.params[3] == by_area}
            tables = {name: self.tables[name] for name in sorted(related)
                      if name in self.tables}
            areas = self.frame.same_areas(areas_of(tables)) if by_area else None
            codes = codes_for(tables, unit, areas)
            stored, n = (codes.by_area, codes.n_pairs) if by_area else (codes.by_id, codes.n_ids)
            self.keys[space] = ({name: ids.astype(np.int64) for name, ids in stored.items()}, n)
            if by_area:  # the order of the rows by code comes with the codes
                for name, rows in codes.area_order.items():
                    self.sorted_rows[(space, name)] = rows
        return self.keys[space][0][dataset]

    def key_order(self, space: str, dataset: str) -> Any:
        """The rows of `dataset` that have a key, ordered by key then row."""
        found = self.sorted_rows.get((space, dataset))
        if found is None:
            order, ordered = coding.sort_keys(self.keys[space][0][dataset])
            found = self.sorted_rows[(space, dataset)] = order[
                int(np.searchsorted(ordered, 0)):]  # -1 (no key) sorts first
        return found


def _contributing(function: str, where: Any, value: Any) -> Any:
    """The rows an aggregation's result depends on: those it selects, less (for a sum, a
    minimum or a maximum) those whose value is missing, such as a published `z`."""
    selected = k.as_condition(np.asarray(where))
    value = np.asarray(value)
    if function in ("sum", "min", "max") and value.dtype.kind == "f":
        return selected & ~np.isnan(value)
    return selected


def _default(function: str, value_type: m.ValueType) -> Any:
    if function in _EMPTY:
        return _EMPTY[function]
    kind = value_type.kind
    if kind is m.ValueKind.DATE:
        return np.datetime64("NaT")
    if kind is m.ValueKind.CODE:
        return -1
    if kind is m.ValueKind.BOOLEAN:
        return -1
    if kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER):
        return ""
    return np.nan


def evaluate_plan(plan: Plan, frameworks: tuple[m.Framework, ...], tables: Mapping[str, Table],
                  period: int, reporting: m.ReportingPeriod, frame: AreaFrame | None = None,
                  coverage: Coverage | None = None) -> Evaluation:
    """Per-area totals of every indicator whose datasets were supplied and hold rows for
    `period` (`coverage`: what periods the tables hold, found from them when not given)."""
    frame = frame or area_frame(frameworks, tables, period)
    coverage = coverage or data_coverage(plan, tables, reporting, modules=frameworks)
    start, end = period_bounds(period, reporting)
    run = _Run(plan, tables, frame, period, (np.datetime64(start, "D"), np.datetime64(end, "D")))
    totals: list[IndicatorTotals] = []
    skipped: list[Skipped] = []
    violations: list[SubsetViolation] = []
    warnings: list[Diagnostic] = []
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
    absent = [absent_rows(frame, tables[name], np.flatnonzero(rows))
              for name, rows in sorted(run.absent_counted.items()) if rows.any()]
    return Evaluation(period, frame, tuple(totals), tuple(skipped), tuple(violations),
                      (*absent, *warnings))


def _mask(run: _Run, step: int | None, dataset: str) -> Any:
    rows = run.rows(dataset)
    if step is None:
        return np.ones(rows, dtype=np.bool_)
    return np.broadcast_to(k.as_condition(np.asarray(run.get(step))), (rows,)).copy()


def _totals(run: _Run, plan: IndicatorPlan, violations: list[SubsetViolation]
            ) -> list[IndicatorTotals]:
    indicator = plan.indicator
    n = run.frame.n_areas
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


def _categories(run: _Run, label: str, values: Any, expr: m.Expr) -> list[tuple[str, Any]]:
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


def _one(run: _Run, plan: IndicatorPlan, cohort: Any, label: str,
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
        areas = run.counted_in_areas(plan.cohort_dataset, measured)
        keep = measured & (areas >= 0)
        return IndicatorTotals(indicator, k.group_count(areas, keep, n), nan,
                               values=measure[keep], value_areas=areas[keep], breakdown=label)
    denominator = nan
    if plan.cohort_dataset is not None and statistic is m.Statistic.PROPORTION:
        denominator = k.group_count(run.counted_in_areas(plan.cohort_dataset, cohort), cohort,
                                    n)
    elif plan.denominator is not None:
        denominator = _quantity(run, plan.denominator, plan.denominator_dataset, None, n)
    numerator = _quantity(run, plan.numerator, plan.numerator_dataset,
                          cohort if plan.numerator_dataset == plan.cohort_dataset else None, n,
                          plan, violations)
    return IndicatorTotals(
        indicator, numerator, denominator, breakdown=label,
        numerator_markers=_markers(run, plan.numerator, plan.numerator_dataset, numerator),
        denominator_markers=_markers(run, plan.denominator, plan.denominator_dataset,
                                     denominator))


def _markers(run: _Run, step: int | None, dataset: str | None, counts: Any) -> Any:
    """Why each LA's area-level count is not known (empty when every count is known); a
    count unknown for no recorded reason is "not available"."""
    unknown = np.isnan(counts)
    if step is None or dataset is not None or not unknown.any():
        return np.zeros(0, dtype=np.int8)
    why = np.maximum(run.quantity_markers(step), Marker.EMPTY)
    return np.where(unknown, why, Marker.NONE).astype(np.int8)


def _numerators_above_denominators(run: _Run, plan: IndicatorPlan, totals: IndicatorTotals
                                   ) -> list[Diagnostic]:
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
    frame = run.frame
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
            "D210", f"`{indicator.id}`: … and {over.size - _CAP} more local authorities whose "
            "numerator is larger than their denominator", indicator.span))
    return found


def _reads(run: _Run, step: int | None, dataset: str | None) -> str:
    """What a numerator or denominator counts or adds up, for people: the columns its
    area-level sums add up, or the rows it counts."""
    if dataset is not None or step is None:
        return f"counts rows of `{dataset}`"
    steps = run.plan.steps
    summed = [steps[i].inputs[2] for i in run.plan.reachable((step,))
              if steps[i].kernel == "reduce" and steps[i].space == AREA]
    columns = sorted({steps[i].params[:2] for i in run.plan.reachable(tuple(summed))
                      if steps[i].kernel == "column"})
    return "adds up " + (", ".join(f"`{column}` of `{table}`" for table, column in columns)
                         or "computed values")


def _quantity(run: _Run, step: int | None, dataset: str | None, within: Any, n: int,
              plan: IndicatorPlan | None = None,
              violations: list[SubsetViolation] | None = None) -> Any:
    if step is None:
        return np.full(n, np.nan)
    if dataset is None:
        return np.asarray(run.get(step), dtype=np.float64)
    mask = _mask(run, step, dataset)
    if within is not None:
        outside = mask & ~within
        if plan is not None and violations is not None and outside.any() and \
                plan.indicator.numerator_subset is m.SubsetProof.CHECK_ON_DATA:
            rows = np.flatnonzero(outside)
            violations.append(SubsetViolation(plan.indicator, int(rows.size),
                                              tuple(int(r) for r in rows[:5])))
        mask &= within
    return k.group_count(run.counted_in_areas(dataset, mask), mask, n)


__all__ = ["Evaluation", "Skipped", "SubsetViolation", "area_frame", "evaluate_plan",
           "period_bounds"]
