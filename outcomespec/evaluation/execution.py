"""The values of a plan's steps over loaded tables: one dispatch on the kind of step.

Each step is computed at most once, when a step or an indicator first needs it, from the
values of the steps it reads, with the array kernels (`kernels`) and the relating of rows
(`pairs`). What an indicator makes of the values — its totals per area — is the evaluator's.

Missing values follow the kernels' rule: a test on a missing value is false, arithmetic on
one is missing. An area's total (`sum` per local authority) is not known where a row it adds
up has no value, and remembers why (`area_markers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

import numpy as np
from attrs import define, field

from outcomespec import model as m
from outcomespec.evaluation import kernels as k
from outcomespec.evaluation import pairs
from outcomespec.evaluation import plan as p
from outcomespec.evaluation.areas import AreaFrame
from outcomespec.evaluation.plan import Plan
from outcomespec.loading import coding
from outcomespec.loading.identifiers import area_codes, areas_of, codes_for
from outcomespec.loading.tables import Table
from outcomespec.model.notes import Marker

_F = m.AggregateFunction
_EMPTY = {_F.COUNT: 0.0, _F.COUNT_DISTINCT: 0.0, _F.SUM: 0.0, _F.ANY: False, _F.ALL: True}
_SKIPS_MISSING = (_F.SUM, _F.MIN, _F.MAX)


@define
class Execution:
    """The values of the steps of `plan` over `tables`, for the period whose first and last
    days are `bounds`, computed on demand (`get`)."""

    plan: Plan
    tables: Mapping[str, Table]
    frame: AreaFrame
    period: int
    bounds: tuple[np.datetime64, np.datetime64]
    values: dict[int, Any] = field(factory=dict)
    area_markers: dict[p.Step, Any] = field(factory=dict)
    """Area-level sum → per LA, the marker of the missing value that made its total unknown."""
    keys: dict[p.Link, tuple[Mapping[str, Any], int]] = field(factory=dict)
    sorted_rows: dict[tuple[p.Link, str], Any] = field(factory=dict)
    area_index_cache: dict[str, Any] = field(factory=dict)
    absent: dict[str, Any] = field(factory=dict)
    """Dataset → its rows naming an authority absent in the period (None: there are none)."""
    absent_counted: dict[str, Any] = field(factory=dict)
    """Dataset → those of its absent rows an indicator would have counted."""
    units: Mapping[str, AreaFrame] = field(factory=dict)
    """The units of each comparison other than areas the plan's indicators compare."""
    unplaced: dict[int, Any] = field(factory=dict)
    """`UnitIndex` step → the rows an indicator would have counted that name no unit."""

    def get(self, step_id: int) -> Any:
        found = self.values.get(step_id)
        if found is None:
            found = self.values[step_id] = self.compute(self.plan.steps[step_id])
        return found

    def compute(self, step: p.Step) -> Any:
        """The value of one step, from the values of the steps it reads."""
        get = self.get
        match step:
            case p.Constant():
                if step.type.kind is m.ValueKind.DATE:
                    return np.datetime64(str(step.value), "D")
                return np.asarray(step.value)
            case p.PeriodBound():
                return self.period_bound(step.field)
            case p.ReadColumn():
                return self.tables[step.dataset].values(step.column)
            case p.PeriodMask():
                periods = self.tables[step.dataset].periods
                assert periods is not None
                return np.isin(periods, [self.period + offset for offset in step.offsets])
            case p.AreaIndex():
                return self.area_index(step.dataset)
            case p.UnitIndex():
                return self.unit_index(step)
            case p.Key():
                return self.key(step.dataset, step.link)
            case p.And():
                return self.conjunction(step)
            case p.Or():
                return np.logical_or.reduce([k.as_condition(np.asarray(get(i)))
                                             for i in step.operands])
            case p.Not():
                return ~k.as_condition(np.asarray(get(step.operand)))
            case p.Negate():
                return -get(step.operand)
            case p.Arithmetic():
                return _arithmetic(step.op, get(step.left), get(step.right))
            case p.ShiftDates():
                return k.shift_dates(get(step.dates), step.duration, _sign(step.op))
            case p.Compare():
                return k.compare(step.op, get(step.left), get(step.right), step.type)
            case p.CodeTest():
                return k.code_test(np.asarray(get(step.operand)),
                                   np.asarray(step.positions, dtype=np.int32), step.negated)
            case p.MissingTest():
                gone = ~k.present(np.asarray(get(step.operand)), step.type)
                return ~gone if step.negated else gone
            case p.InPeriod():
                dates = get(step.operand)
                return (dates >= self.bounds[0]) & (dates <= self.bounds[1])
            case p.Within():
                return _within(get(step.operand), get(step.anchor), step.duration,
                               step.direction)
            case p.Call():
                return _call(step.function, *(get(i) for i in step.args))
            case p.ReduceAreas():
                return self.reduce_areas(step)
            case p.ReduceUnits():
                keys = get(step.keys)  # coding the keys counts the units
                return self.reduce(step.function, step.type, keys,
                                   [get(step.where), get(step.value), get(step.order)],
                                   self.keys[step.link][1])
            case p.GatherUnits():
                per_unit, keys = get(step.per_unit), get(step.keys)
                out = np.full(keys.shape, _default(step.function, step.type),
                              dtype=per_unit.dtype)
                good = keys >= 0
                out[good] = per_unit[keys[good]]
                return out
            case p.Pair():
                outer_keys, inner_keys = get(step.outer_keys), get(step.inner_keys)
                return pairs.expand_pairs(outer_keys, inner_keys, self.keys[step.link][1],
                                          self.key_order(step.link, step.inner))
            case p.Window():
                return self.window(step)
            case p.PairSide():
                values, (outer_index, inner_index) = get(step.values), get(step.pairs)
                if np.ndim(values) == 0:
                    return values
                return values[inner_index if step.side is p.Side.INNER else outer_index]
            case p.ReducePairs():
                outer_index, _ = get(step.pairs)
                return self.reduce(step.function, step.type, outer_index,
                                   [get(step.where), get(step.value), get(step.order)],
                                   self.rows(step.space.dataset))
            case _:
                assert_never(step)

    def rows(self, dataset: str) -> int:
        return self.tables[dataset].n_rows

    def period_bound(self, bound: m.PeriodField) -> Any:
        match bound:
            case m.PeriodField.START:
                return self.bounds[0]
            case m.PeriodField.END:
                return self.bounds[1]
            case m.PeriodField.YEAR:
                return np.float64(self.period)
            case _:
                assert_never(bound)

    def conjunction(self, step: p.And) -> Any:
        """`and`, with its windows (the dearest conditions) computed last and only for the
        rows the other conditions leave: a re-referral is looked for only among the
        referrals of the year, not all three years of the census."""
        windows = {i: window for i in step.operands if i not in self.values
                   and isinstance(window := self.plan.steps[i], p.Window)
                   and window.function is m.AggregateFunction.ANY}
        result: Any = True
        for i in step.operands:
            if i not in windows:
                result = result & k.as_condition(np.asarray(self.get(i)))
        for i, window in windows.items():
            if np.ndim(result) == 0:  # nothing to narrow it down: the whole window, kept
                result = result & self.get(i)
                continue
            # rows that the other conditions leave out have no key, and count nothing
            result = result & self.window(window, np.where(result, self.get(window.outer_keys),
                                                           -1))
        return np.asarray(result, dtype=np.bool_)

    def window(self, step: p.Window, outer_keys: Any = None) -> Any:
        """`any` or `count` of the related rows in a window of dates (`pairs.window_counts`),
        for the rows whose key `outer_keys` gives (default: every row of the outer rows)."""
        if outer_keys is None:
            outer_keys = self.get(step.outer_keys)
        inner_keys = self.get(step.inner_keys)
        counts = pairs.window_counts(
            outer_keys, np.broadcast_to(self.get(step.anchor), outer_keys.shape), inner_keys,
            np.broadcast_to(self.get(step.dates), inner_keys.shape),
            np.broadcast_to(k.as_condition(np.asarray(self.get(step.selected))),
                            inner_keys.shape),
            step.duration, step.direction, self.key_order(step.link, step.inner))
        if step.function is m.AggregateFunction.ANY:
            return counts > 0
        return counts.astype(np.float64)

    def reduce_areas(self, step: p.ReduceAreas) -> Any:
        """A `ReduceAreas` step, noting the rows of absent authorities (or of no unit) it
        would have counted; an area's total (`sum`) as `area_sum` makes it."""
        groups = self.get(step.areas)
        parts = [self.get(step.where), self.get(step.value), self.get(step.order)]
        index = self.plan.steps[step.areas]
        assert isinstance(index, p.AreaIndex | p.UnitIndex)
        contributing = _contributing(step.function, parts[0], parts[1])
        if isinstance(index, p.UnitIndex):
            self.note_unplaced(step.areas, contributing)
        elif self.absent_in(index.dataset) is not None:
            self.note_absent(index.dataset, contributing)
        if step.function is m.AggregateFunction.SUM:
            return self.area_sum(step, groups, parts)
        return self.reduce(step.function, step.type, groups, parts, self.size(step.areas))

    def size(self, index: int) -> int:
        """How many areas (or units) the rows an `AreaIndex` or `UnitIndex` step places are
        placed among."""
        step = self.plan.steps[index]
        return self.units[step.units].n_areas if isinstance(step, p.UnitIndex) \
            else self.frame.n_areas

    def unit_index(self, step: p.UnitIndex) -> Any:
        """Each row's unit by its register code (-1 where the code names none): each
        distinct code looked up once, spaces around it ignored."""
        codes = np.broadcast_to(np.asarray(self.get(step.codes)), (self.rows(step.dataset),))
        texts, inverse = np.unique(codes.astype(np.str_), return_inverse=True)
        frame = self.units[step.units]
        return frame.positions(t.strip() for t in texts.tolist())[inverse.reshape(-1)]

    def note_unplaced(self, index: int, counted: Any) -> None:
        """Remember which rows about to be counted per unit name no unit."""
        step = self.plan.steps[index]
        assert isinstance(step, p.UnitIndex)
        hit = (np.asarray(self.get(index)) < 0) & np.broadcast_to(
            k.as_condition(np.asarray(counted)), (self.rows(step.dataset),))
        before = self.unplaced.get(index)
        self.unplaced[index] = hit if before is None else before | hit

    def counted_in(self, units: Mapping[str, int], dataset: str, counted: Any) -> Any:
        """Where the rows of `dataset` are counted: the area index of its rows (`counted`
        among them about to be counted), or their unit index for an indicator comparing
        units (`units`: its `UnitIndex` step of each dataset)."""
        index = units.get(dataset)
        if index is None:
            return self.counted_in_areas(dataset, counted)
        self.note_unplaced(index, counted)
        return self.get(index)

    def reduce(self, function: m.AggregateFunction, value_type: m.ValueType, groups: Any,
               parts: list[Any], n: int) -> Any:
        where, value, order = (np.broadcast_to(np.asarray(a), groups.shape) for a in parts)
        mask = k.as_condition(where)
        match function:
            case m.AggregateFunction.COUNT:
                return k.group_count(groups, mask, n)
            case m.AggregateFunction.COUNT_DISTINCT:
                return k.group_count_distinct(groups, mask, value, n)
            case m.AggregateFunction.SUM:
                return k.group_sum(groups, mask, value.astype(np.float64), n)
            case m.AggregateFunction.ANY:
                return k.group_any(groups, mask, n)
            case m.AggregateFunction.ALL:
                return ~k.group_any(groups, mask & ~k.as_condition(value), n)
            case m.AggregateFunction.MIN | m.AggregateFunction.MAX:
                return k.group_extreme(groups, mask, value, n,
                                       largest=function is m.AggregateFunction.MAX)
            case m.AggregateFunction.FIRST | m.AggregateFunction.LAST:
                if value.dtype == np.bool_:  # a computed condition: store as a boolean column
                    value = value.astype(np.int8)
                return k.group_pick(groups, mask, order, value, n,
                                    function is m.AggregateFunction.LAST,
                                    _default(function, value_type))
            case _:
                assert_never(function)

    def area_sum(self, step: p.ReduceAreas, groups: Any, parts: list[Any]) -> Any:
        """Each LA's total of a column (a published table's counts): not known (NaN), never
        0 or a partial sum, when a row it adds up has no value or the LA has no row at all.

        Why: an authority whose published count is `c` is not an authority with none, and
        adding up the rows that are known would give a total smaller than the true one. The
        strongest marker among the missing rows (`c` before `u`, `k`, `x`, `z`, an empty
        cell) is kept in `area_markers`, so the blank says why.
        """
        where, value, _ = (np.broadcast_to(np.asarray(a), groups.shape) for a in parts)
        n = self.size(step.areas)
        rows = k.as_condition(where) & (groups >= 0)
        values = value.astype(np.float64)
        missing = rows & np.isnan(values)
        present = rows & ~missing
        sums = np.bincount(groups[present], weights=values[present], minlength=n
                           ).astype(np.float64)
        markers = np.zeros(n, dtype=np.int8)
        if missing.any():
            found = self.row_markers(step.value, groups.shape[0])
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
            if not isinstance(step, p.ReadColumn):
                continue
            markers = self.tables[step.dataset].markers.get(step.column)
            if markers is not None and markers.shape[0] == n_rows:
                found = markers if found is None else np.maximum(found, markers)
        return found

    def quantity_markers(self, step_id: int, n: int) -> Any:
        """Per LA (or unit, of `n`), the strongest marker that made an area-level quantity
        unknown."""
        out = np.zeros(n, dtype=np.int8)
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

    def key(self, dataset: str, link: p.Link) -> Any:
        """Codes of (area, identifier) for the link's unit, shared by every dataset the plan
        relates through it: identifiers such as CHILD are unique only within a local
        authority. When either side of a relation has no area column, rows relate on the
        identifier alone (`by_area` false), in a code space of its own."""
        if link not in self.keys:
            related = {s.dataset for s in self.plan.steps
                       if isinstance(s, p.Key) and s.link == link}
            tables = {name: self.tables[name] for name in sorted(related)
                      if name in self.tables}
            areas = self.frame.same_areas(areas_of(tables)) if link.by_area else None
            codes = codes_for(tables, link.unit, areas)
            stored, n = ((codes.by_area, codes.n_pairs) if link.by_area
                         else (codes.by_id, codes.n_ids))
            self.keys[link] = ({name: ids.astype(np.int64) for name, ids in stored.items()}, n)
            if link.by_area:  # the order of the rows by code comes with the codes
                for name, rows in codes.area_order.items():
                    self.sorted_rows[(link, name)] = rows
        return self.keys[link][0][dataset]

    def key_order(self, link: p.Link, dataset: str) -> Any:
        """The rows of `dataset` that have a key, ordered by key then row."""
        found = self.sorted_rows.get((link, dataset))
        if found is None:
            order, ordered = coding.sort_keys(self.keys[link][0][dataset])
            found = self.sorted_rows[(link, dataset)] = order[
                int(np.searchsorted(ordered, 0)):]  # -1 (no key) sorts first
        return found


def _contributing(function: m.AggregateFunction, where: Any, value: Any) -> Any:
    """The rows an aggregation's result depends on: those it selects, less (for a sum, a
    minimum or a maximum) those whose value is missing, such as a published `z`."""
    selected = k.as_condition(np.asarray(where))
    value = np.asarray(value)
    if function in _SKIPS_MISSING and value.dtype.kind == "f":
        return selected & ~np.isnan(value)
    return selected


def _default(function: m.AggregateFunction, value_type: m.ValueType) -> Any:
    """The value of an aggregation over no rows."""
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


def _sign(op: m.ArithmeticOp) -> int:
    """Which way `ShiftDates` moves its dates: forward for +, back for -."""
    return 1 if op is m.ArithmeticOp.ADD else -1


def _arithmetic(op: m.ArithmeticOp, left: Any, right: Any) -> Any:
    """`+ - * /`; missing where an operand is missing, or the result is not finite (a
    division by zero)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        left, right = (np.asarray(a, dtype=np.float64) for a in (left, right))
        match op:
            case m.ArithmeticOp.ADD:
                out = np.add(left, right)
            case m.ArithmeticOp.SUBTRACT:
                out = np.subtract(left, right)
            case m.ArithmeticOp.MULTIPLY:
                out = np.multiply(left, right)
            case m.ArithmeticOp.DIVIDE:
                out = np.divide(left, right)
            case _:
                assert_never(op)
    return np.where(np.isinf(out), np.nan, out)


def _within(dates: Any, anchor: Any, duration: m.Duration, direction: m.Direction) -> Any:
    """`a within D before b` ⇔ b − D ≤ a < b; `after` ⇔ b < a ≤ b + D."""
    match direction:
        case m.Direction.BEFORE:
            return (dates >= k.shift_dates(anchor, duration, -1)) & (dates < anchor)
        case m.Direction.AFTER:
            return (dates > anchor) & (dates <= k.shift_dates(anchor, duration, 1))
        case _:
            assert_never(direction)


def _call(function: m.Function, start: Any, end: Any) -> Any:
    """A built-in function of two dates."""
    match function:
        case m.Function.AGE | m.Function.YEARS_BETWEEN:
            return k.whole_years(start, end)
        case m.Function.MONTHS_BETWEEN:
            return k.whole_months(start, end)
        case m.Function.DAYS_BETWEEN:
            return k.days_between(start, end)
        case _:
            assert_never(function)


__all__ = ["Execution"]
