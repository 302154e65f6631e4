"""A plain-Python reference interpreter: the meaning of an indicator, one row at a time.

It exists to be obviously right, not fast. It reads the checked model directly (never the
plan), walks each table's rows as Python values (`Table.rows()`: codes as text, dates as
`datetime.date`, None for missing) and evaluates expressions by recursion with an explicit
stack of rows, so that property tests can demand that the vectorised plan gives the same
per-area totals. NumPy appears only at the very end, to build `IndicatorTotals`.

The rules it implements, in one place:
- A test (comparison, code set, `in period`, `within`) on a missing value is false, negated
  tests too; arithmetic on a missing value, or a division by zero, is missing; `not` flips a
  test's result; `and`/`or` treat a missing condition as false.
- A row's area is the authority of the frame its area value names (`AreaFrame.position`:
  a code or an alternative code, as written or normalised). Rows of two datasets relate when
  they carry the same (area, identifier of the unit); an area-level aggregation reads every
  row of its area. A row outside the area frame (or of a dataset with no area column) is
  counted in no area.
- A population or aggregation over a dataset with a period column reads the rows whose
  period (the column's label read as the year in which the labelled year ends) is one of the
  periods it names: the reporting period unless it says `for period - N`, `for last N
  periods` (those rows pooled) or `for all periods` (every row). An indicator is evaluated
  only when every such read finds rows in each period it names, every dataset it reads has
  rows, and no record-level return it reads is of an earlier year (`returns`).
- Aggregations over no rows: count 0, sum 0, any false, all true, the others missing. A
  `sum` skips missing values, but is missing when every value is; except an area's total (an
  area-level `sum`), which is missing when any row it adds up has no value, or when the area
  has no row at all: a published `c` is not a 0.
  `first`/`last` order by the `by` value (missing values last), then by row position.
- A proportion's cohort is its denominator; a numerator counted on the cohort's dataset is
  intersected with the cohort (after exclusions); means and medians use the cohort rows whose
  measure is present.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, assert_never

import attrs
import numpy as np
import numpy.typing as npt

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.loading.periods import period_of
from outcomespec.loading.tables import Table
from outcomespec.model.rendering import breakdown_label

Row = dict[str, Any]
Stack = tuple[tuple[str, Row], ...]
"""(dataset, row) pairs: the current row first, then the rows `this` refers to, outwards."""

_F = m.AggregateFunction
_EMPTY: dict[m.AggregateFunction, Any] = {_F.COUNT: 0.0, _F.COUNT_DISTINCT: 0.0,
                                          _F.SUM: 0.0, _F.ANY: False, _F.ALL: True}


def interpret(frameworks: tuple[m.Framework, ...], indicators: tuple[m.Indicator, ...],
              tables: Mapping[str, Table], period: int, reporting: m.ReportingPeriod,
              frame: AreaFrame, returns: Mapping[str, int] | None = None
              ) -> list[IndicatorTotals]:
    """Per-area totals of every indicator whose datasets were supplied and hold rows for
    `period`, in the order (and with the breakdown splits) that `evaluation.evaluate_plan`
    gives them. `returns` maps a library module to the year of its record-level return."""
    world = _World(frameworks, tables, period, reporting, frame)
    out: list[IndicatorTotals] = []
    for indicator in indicators:
        if world.needs(indicator) <= set(tables) and world.has_data(indicator, returns or {}):
            out.extend(world.indicator(indicator))
    return out


def shift(date: dt.date, duration: m.Duration, sign: int) -> dt.date:
    """`date` moved by calendar years and months (the day clipped to the month's length:
    31 Jan + 1 month = 28/29 Feb), then by days.

    >>> shift(dt.date(2024, 1, 31), m.Duration(0, 1, 0), 1)
    datetime.date(2024, 2, 29)
    """
    months = date.year * 12 + (date.month - 1) + sign * (duration.years * 12 + duration.months)
    year, month = divmod(months, 12)
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day) + dt.timedelta(days=sign * duration.days)


def completed_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end`: a month is completed once the day of
    the month of `start` is reached again."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - (1 if end.day < start.day else 0)


def completed_years(start: dt.date, end: dt.date) -> int:
    """Age in completed years: the birthday (month, day) must have been reached this year."""
    return end.year - start.year - (1 if (end.month, end.day) < (start.month, start.day) else 0)


class _World:
    """The tables as lists of rows, and what expressions need to be evaluated against them."""

    def __init__(self, frameworks: tuple[m.Framework, ...], tables: Mapping[str, Table],
                 period: int, reporting: m.ReportingPeriod, frame: AreaFrame) -> None:
        self.definitions = {d.name: d for f in frameworks for d in f.definitions}
        self.codelists = {c.name: c for f in frameworks for c in f.codelists}
        self.datasets = {name: table.dataset for name, table in tables.items()}
        self.rows = {name: list(table.rows()) for name, table in tables.items()}
        self.periods = {name: [period_of(row[table.dataset.period], table.dataset.period_kind)
                               for row in self.rows[name]]
                        for name, table in tables.items() if table.dataset.period is not None}
        self.period = period
        self.end = dt.date(period, reporting.month, reporting.day)
        self.start = dt.date(period - 1, reporting.month, reporting.day) + dt.timedelta(days=1)
        self.frame = frame
        self.units: dict[tuple[str, str, bool], dict[Any, list[Row]]] = {}

    # -------------------------------------------------------------- rows, areas and units
    def read(self, dataset: str, periods: m.Periods, rows: list[Row]) -> list[Row]:
        """The rows (of `dataset`, in table order) of the periods a selection reads."""
        years = periods.years(self.period)
        if dataset not in self.periods or years is None:
            return rows
        keep = {id(row) for row, year in zip(self.rows[dataset], self.periods[dataset],
                                             strict=True) if year in years}
        return [row for row in rows if id(row) in keep]

    def area(self, dataset: str, row: Row) -> Any:
        """The row's area value (None when the dataset declares no area column)."""
        column = self.datasets[dataset].area
        return row[column] if column is not None else None

    def authority(self, dataset: str, row: Row) -> Any:
        """The position of the authority the row's area names, or the area as written when
        it names none: a child's rows relate within one authority, however it is written."""
        area = self.area(dataset, row)
        found = self.frame.position(area)
        return area if found is None else found

    def related(self, outer: tuple[str, Row], dataset: str, unit: str) -> list[Row]:
        """Rows of `dataset` for the same unit as the `outer` row, in table order: the same
        identifier in the same area (identifiers are unique only within an area), or the
        identifier alone if either dataset has no area or the identifier is `national`. A
        unit identified within another is the same when every identifier of the two is. A
        missing identifier relates to nothing. The rows are indexed by key on first use."""
        by_area = (None not in (self.datasets[outer[0]].area, self.datasets[dataset].area)
                   and not self.datasets[dataset].national(unit))
        index = self.units.get((dataset, unit, by_area))
        if index is None:
            index = self.units[dataset, unit, by_area] = {}
            for row in self.rows[dataset]:
                index.setdefault(self.unit_key(dataset, row, unit, by_area), []).append(row)
        wanted = self.unit_key(*outer, unit, by_area)
        return [] if wanted is None else index.get(wanted, [])

    def unit_key(self, dataset: str, row: Row, unit: str, by_area: bool
                 ) -> tuple[Any, ...] | None:
        """Which `unit` the row is of: its authority (when `by_area`) and every identifier
        that together identify the unit; None when one is missing."""
        identifiers = [row[column.name] for column in self.datasets[dataset].unit_path(unit)]
        if not identifiers or None in identifiers:
            return None
        return (self.authority(dataset, row) if by_area else None, *identifiers)

    def distinct(self, value: m.Expr, stack: Stack) -> Any:
        """What `count distinct` tells apart: a value, or for an identifier the unit it
        identifies (an assessment numbered 1 within each referral is not one assessment)."""
        if isinstance(value, m.ColumnRef) and value.type.unit:
            dataset, row = stack[value.depth]
            unit = value.type.unit
            by_area = (self.datasets[dataset].area is not None
                       and not self.datasets[dataset].national(unit))
            return self.unit_key(dataset, row, unit, by_area)
        return self.value(value, stack)

    # -------------------------------------------------------------- expressions
    def holds(self, expr: m.Expr, stack: Stack, area: str | None = None) -> bool:
        """An expression used as a condition: only a present `true` holds."""
        return self.value(expr, stack, area) is True

    def value(self, expr: m.Expr, stack: Stack, area: str | None = None) -> Any:
        """The Python value of `expr` for the row on top of `stack` (None = missing).
        `area` is the area an indicator-level aggregation is computed for."""
        match expr:
            case m.Literal(value=value, type=value_type):
                if value_type.kind is m.ValueKind.DATE:
                    return dt.date.fromisoformat(str(value))
                return float(value) if value_type.kind is m.ValueKind.NUMBER else value
            case m.PeriodValue(name=name):
                return {m.PeriodField.START: self.start, m.PeriodField.END: self.end,
                        m.PeriodField.YEAR: float(self.period)}[name]
            case m.ColumnRef(column=column, depth=depth):
                return stack[depth][1][column]
            case m.DefinitionRef(definition=name, depth=depth):
                return self.value(self.definitions[name].expr, (stack[depth],))
            case m.Logical(op=op, operands=operands):
                held = (self.holds(o, stack, area) for o in operands)
                match op:
                    case m.LogicalOp.AND:
                        return all(held)
                    case m.LogicalOp.OR:
                        return any(held)
                    case _:
                        assert_never(op)
            case m.Not(operand=operand):
                return not self.holds(operand, stack, area)
            case m.Negate(operand=operand):
                number = self.value(operand, stack, area)
                return None if number is None else -number
            case m.Arithmetic(op=op, left=left, right=m.Duration() as duration):
                date = self.value(left, stack, area)
                sign = 1 if op is m.ArithmeticOp.ADD else -1
                return None if date is None else shift(date, duration, sign)
            case m.Arithmetic(op=op, left=left, right=right):
                return _arithmetic(op, self.value(left, stack, area),
                                   self.value(right, stack, area))
            case m.Comparison(op=op, left=left, right=right):
                return _compare(op, self.value(left, stack, area), self.value(right, stack, area))
            case m.CodeTest(operand=operand, codes=codes, negated=negated):
                code = self.value(operand, stack, area)
                return code is not None and (code in codes) != negated
            case m.MissingTest(operand=operand, negated=negated):
                return (self.value(operand, stack, area) is None) != negated
            case m.InPeriod(operand=operand):
                date = self.value(operand, stack, area)
                return date is not None and self.start <= date <= self.end
            case m.Within(operand=operand, duration=duration, direction=direction,
                          anchor=anchor):
                date, base = self.value(operand, stack, area), self.value(anchor, stack, area)
                if date is None or base is None:
                    return False
                if direction is m.Direction.BEFORE:
                    return shift(base, duration, -1) <= date < base
                return base < date <= shift(base, duration, 1)
            case m.Call(function=function, args=args):
                start, end = (self.value(a, stack, area) for a in args)
                if start is None or end is None:
                    return None
                return _call(function, start, end)
            case m.Aggregate():
                return self.aggregate(expr, stack, area)
            case m.Duration():
                msg = "a duration on its own has no value"
                raise TypeError(msg)
            case _:
                assert_never(expr)

    def aggregate(self, agg: m.Aggregate, stack: Stack, area: str | None) -> Any:
        """Scan the rows related to the current row (or, at indicator level, every row of
        `area`), keep those passing `where`, and reduce them."""
        if agg.link is None:
            here = self.frame.position(area)
            rows = [r for r in self.rows[agg.dataset]
                    if self.frame.position(self.area(agg.dataset, r)) == here]
        else:
            rows = self.related(stack[0], agg.dataset, agg.link)
        rows = self.read(agg.dataset, agg.periods, rows)
        inner: list[Stack] = [((agg.dataset, row), *stack) for row in rows]
        kept = [s for s in inner if agg.where is None or self.holds(agg.where, s)]
        function = agg.function
        total = function is _F.SUM and agg.link is None  # an area's total: all rows known
        if not kept and function in _EMPTY and not total:
            return _EMPTY[function]
        match function:
            case _F.COUNT:
                return float(len(kept))
            case _F.COUNT_DISTINCT:
                assert agg.value is not None
                value = agg.value
                return float(len({found for s in kept
                                  if (found := self.distinct(value, s)) is not None}))
            case _F.ANY:
                return True
            case _F.ALL:
                assert agg.value is not None
                return all(self.holds(agg.value, s) for s in kept)
            case _F.FIRST | _F.LAST:
                assert agg.value is not None
                assert agg.order is not None
                order = agg.order
                ranked = sorted(kept, key=lambda s: self.order_key(order, s))  # stable
                if not ranked:
                    return None
                return self.value(agg.value, ranked[0] if function is _F.FIRST else ranked[-1])
            case _F.SUM | _F.MIN | _F.MAX:
                assert agg.value is not None
                value = agg.value
                values = [self.value(value, s) for s in kept]
                present = [v for v in values if v is not None]
                if total:
                    return float(sum(present)) if kept and len(present) == len(kept) else None
                if function is _F.SUM:  # as SQL: nothing to add is 0; only unknowns unknown
                    return float(sum(present)) if present or not kept else None
                if not present:
                    return None
                return min(present) if function is _F.MIN else max(present)
            case _:
                assert_never(function)

    def order_key(self, order: m.Expr, stack: Stack) -> tuple[int, Any]:
        """Sort key for `by`: missing values after every present one; codes in the order
        their codelist declares them."""
        found = self.value(order, stack)
        if found is None:
            return (1, 0)
        if order.type.kind is m.ValueKind.CODE and order.type.codelist:
            return (0, self.codelists[order.type.codelist].code_values.index(found))
        return (0, found)

    # -------------------------------------------------------------- indicators
    def needs(self, indicator: m.Indicator) -> set[str]:
        """The datasets an indicator reads (it is skipped unless all were supplied)."""
        found: set[str] = set()
        exprs: list[m.Expr] = []
        for part in (indicator.cohort, indicator.numerator, indicator.denominator,
                     indicator.measure, *indicator.breakdowns,
                     *(e.condition for e in indicator.exclusions)):
            if isinstance(part, m.Population):
                found.add(part.dataset)
                exprs += part.filters
            elif part is not None:
                exprs.append(part)
        found.update(node.dataset for expr in exprs for node in self.walk(expr)
                     if isinstance(node, m.ColumnRef | m.Aggregate))
        return found

    def has_data(self, indicator: m.Indicator, returns: Mapping[str, int]) -> bool:
        """Whether every dataset the indicator reads has rows, in each period it reads, and
        no record-level return it reads is of a year before the period."""
        for dataset, periods in self.reads(indicator):
            if not self.rows[dataset]:
                return False
            years = periods.years(self.period)
            if dataset in self.periods and years is not None:
                if not set(years) <= set(self.periods[dataset]):
                    return False
            elif dataset not in self.periods and returns.get(
                    dataset.rsplit(".", 1)[0], self.period) < self.period:
                return False
        return True

    def reads(self, indicator: m.Indicator) -> set[tuple[str, m.Periods]]:
        """(dataset, periods) of every population and aggregation the indicator computes."""
        found: set[tuple[str, m.Periods]] = set()
        exprs: list[m.Expr] = []
        for part in (indicator.cohort, indicator.numerator, indicator.denominator,
                     indicator.measure, *indicator.breakdowns,
                     *(e.condition for e in indicator.exclusions)):
            if isinstance(part, m.Population):
                found.add((part.dataset, part.periods))
                exprs += part.filters
            elif part is not None:
                exprs.append(part)
        found.update((node.dataset, node.periods) for expr in exprs for node in self.walk(expr)
                     if isinstance(node, m.Aggregate))
        return found

    def walk(self, expr: m.Expr) -> Iterator[m.Expr]:
        """Every node under `expr`, following definitions into their expressions."""
        yield expr
        if isinstance(expr, m.DefinitionRef):
            yield from self.walk(self.definitions[expr.definition].expr)
        for field in attrs.fields(type(expr)):
            value = getattr(expr, field.name)
            for child in value if isinstance(value, tuple) else (value,):
                if isinstance(child, m.Expr):
                    yield from self.walk(child)

    def indicator(self, indicator: m.Indicator) -> list[IndicatorTotals]:
        """The whole-cohort totals, then one per breakdown category."""
        splits: Sequence[tuple[str, list[int] | None]] = [("", None)]
        if indicator.cohort is not None:
            dataset = indicator.cohort.dataset
            cohort = [i for i in self.passing(indicator.cohort)
                      if not any(self.holds(e.condition, ((dataset, self.rows[dataset][i]),))
                                 for e in indicator.exclusions)]
            splits = [("", cohort)] + [split for expr in indicator.breakdowns
                                       for split in self.categories(expr, dataset, cohort)]
        return [self.totals(indicator, label, rows) for label, rows in splits]

    def passing(self, population: m.Population) -> list[int]:
        """Positions of the rows of the population's dataset, in the periods it reads, that
        pass every filter."""
        dataset = population.dataset
        read = {id(row) for row in self.read(dataset, population.periods, self.rows[dataset])}
        return [i for i, row in enumerate(self.rows[dataset]) if id(row) in read
                and all(self.holds(f, ((dataset, row),)) for f in population.filters)]

    def categories(self, expr: m.Expr, dataset: str, cohort: list[int]
                   ) -> list[tuple[str, list[int]]]:
        """Breakdown splits: yes/no for a condition (missing counts as no); for a code, one
        per code seen anywhere in the dataset, in codelist order."""
        label = breakdown_label(expr)
        rows = self.rows[dataset]
        values = [self.value(expr, ((dataset, row),)) for row in rows]
        if expr.type.kind is m.ValueKind.BOOLEAN:
            return [(f"{label}: yes", [i for i in cohort if values[i] is True]),
                    (f"{label}: no", [i for i in cohort if values[i] is not True])]
        codes = self.codelists[expr.type.codelist or ""].code_values
        seen = {v for v in values if v is not None}
        return [(f"{label}: {code}", [i for i in cohort if values[i] == code])
                for code in codes if code in seen]

    def counts(self, dataset: str, positions: list[int]) -> list[float]:
        """How many of the given rows fall in each area of the frame."""
        out = [0.0] * self.frame.n_areas
        for i in positions:
            where = self.frame.position(self.area(dataset, self.rows[dataset][i]))
            if where is not None:
                out[where] += 1
        return out

    def quantity(self, quantity: m.Quantity | None, within: list[int] | None) -> list[float]:
        """A numerator or denominator per area: rows of a population counted (only those
        also `within` the cohort, when given), or an area-level aggregation."""
        if quantity is None:
            return [math.nan] * self.frame.n_areas
        if isinstance(quantity, m.Population):
            rows = self.passing(quantity)
            if within is not None:
                rows = sorted(set(rows) & set(within))
            return self.counts(quantity.dataset, rows)
        found = [self.value(quantity, (), code) for code in self.frame.codes]
        return [math.nan if v is None else float(v) for v in found]

    def totals(self, indicator: m.Indicator, label: str, cohort: list[int] | None
               ) -> IndicatorTotals:
        """One `IndicatorTotals` for one (sub-)cohort."""
        n = self.frame.n_areas
        dataset = indicator.cohort.dataset if indicator.cohort else None
        if indicator.statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN):
            assert dataset is not None
            assert cohort is not None
            assert indicator.measure is not None
            measured = [(self.frame.position(self.area(dataset, row)),
                         self.value(indicator.measure, ((dataset, row),)))
                         for row in (self.rows[dataset][i] for i in cohort)]
            kept = [(a, v) for a, v in measured if a is not None and v is not None]
            areas, values = [a for a, _ in kept], [float(v) for _, v in kept]
            per_area = [float(areas.count(a)) for a in range(n)]
            return IndicatorTotals(indicator, _floats(per_area), _floats([math.nan] * n),
                                   values=_floats(values),
                                   value_areas=np.asarray(areas, dtype=np.int64),
                                   breakdown=label)
        if dataset is not None and cohort is not None \
                and indicator.statistic is m.Statistic.PROPORTION:
            denominator = self.counts(dataset, cohort)
        else:
            denominator = self.quantity(indicator.denominator, None)
        same = isinstance(indicator.numerator, m.Population) \
            and indicator.numerator.dataset == dataset
        numerator = self.quantity(indicator.numerator, cohort if same else None)
        return IndicatorTotals(indicator, _floats(numerator), _floats(denominator),
                               breakdown=label)


def _floats(values: list[float]) -> npt.NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)


_ARITHMETIC: dict[m.ArithmeticOp, Callable[[Any, Any], Any]] = {
    m.ArithmeticOp.ADD: operator.add, m.ArithmeticOp.SUBTRACT: operator.sub,
    m.ArithmeticOp.MULTIPLY: operator.mul, m.ArithmeticOp.DIVIDE: operator.truediv,
}
_COMPARISONS: dict[m.ComparisonOp, Callable[[Any, Any], Any]] = {
    m.ComparisonOp.EQ: operator.eq, m.ComparisonOp.NE: operator.ne,
    m.ComparisonOp.LT: operator.lt, m.ComparisonOp.LE: operator.le,
    m.ComparisonOp.GT: operator.gt, m.ComparisonOp.GE: operator.ge,
}


def _arithmetic(op: m.ArithmeticOp, left: Any, right: Any) -> float | None:
    """`+ - * /` on numbers; missing in, division by zero or overflow give missing."""
    if left is None or right is None or (op is m.ArithmeticOp.DIVIDE and right == 0):
        return None
    result = float(_ARITHMETIC[op](left, right))
    return result if math.isfinite(result) else None


def _compare(op: m.ComparisonOp, left: Any, right: Any) -> bool:
    """`= != < <= > >=`; false when either side is missing."""
    return left is not None and right is not None and bool(_COMPARISONS[op](left, right))


def _call(function: m.Function, start: dt.date, end: dt.date) -> float:
    """A built-in function of two dates, neither missing."""
    match function:
        case m.Function.AGE | m.Function.YEARS_BETWEEN:
            return float(completed_years(start, end))
        case m.Function.MONTHS_BETWEEN:
            return float(completed_months(start, end))
        case m.Function.DAYS_BETWEEN:
            return float((end - start).days)
        case _:
            assert_never(function)


__all__ = ["completed_months", "completed_years", "interpret", "shift"]
