"""Expressions of the model, fully resolved and typed; definitions, populations and cohorts."""

from __future__ import annotations

import enum

from attrs import frozen

from outcomespec.language.source import Span
from outcomespec.model.types import BOOLEAN, DURATION, NUMBER, ValueType, span_field


@frozen
class Periods:
    """Which rows of a dataset with a period column a population or aggregation reads: those
    whose period is the reporting period moved by one of `offsets`, or every row when
    `offsets` is None (`for all periods`). A dataset without a period column is read whole.

    >>> str(Periods((-2, -1, 0)))
    'for last 3 periods'
    """

    offsets: tuple[int, ...] | None = (0,)

    def __str__(self) -> str:
        """The selection as written after the dataset's name ("" for the default)."""
        offsets = self.offsets
        if offsets is None:
            return "for all periods"
        if offsets == (0,):
            return ""
        if len(offsets) == 1:
            return f"for period - {-offsets[0]}"
        return f"for last {len(offsets)} periods"

    def years(self, period: int) -> tuple[int, ...] | None:
        """The periods read when evaluating `period` (None: every row).

        >>> Periods((-1,)).years(2025)
        (2024,)
        """
        return None if self.offsets is None else tuple(period + o for o in self.offsets)


CURRENT = Periods()
"""The default: the rows of the reporting period."""


class LogicalOp(enum.StrEnum):
    """How `Logical` joins its conditions."""

    AND = "and"
    OR = "or"


class ArithmeticOp(enum.StrEnum):
    """The operator of an `Arithmetic`."""

    ADD = "+"
    SUBTRACT = "-"
    MULTIPLY = "*"
    DIVIDE = "/"


class ComparisonOp(enum.StrEnum):
    """The operator of a `Comparison`."""

    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class Direction(enum.StrEnum):
    """Which side of its anchor a `Within` window lies."""

    BEFORE = "before"
    AFTER = "after"


class PeriodField(enum.StrEnum):
    """What of the reporting period a `PeriodValue` reads."""

    START = "start"
    END = "end"
    YEAR = "year"


class Function(enum.StrEnum):
    """The built-in functions a `Call` may name."""

    AGE = "age"
    YEARS_BETWEEN = "years_between"
    MONTHS_BETWEEN = "months_between"
    DAYS_BETWEEN = "days_between"


class AggregateFunction(enum.StrEnum):
    """How an `Aggregate` reduces its rows."""

    COUNT = "count"
    COUNT_DISTINCT = "count distinct"
    SUM = "sum"
    ANY = "any"
    ALL = "all"
    MIN = "min"
    MAX = "max"
    FIRST = "first"
    LAST = "last"


@frozen
class Literal:
    """A constant: number, text, date (ISO text) or boolean."""

    value: float | str | bool
    type: ValueType
    span: Span = span_field()


@frozen
class Duration:
    """A length of calendar time."""

    years: int
    months: int
    days: int
    type: ValueType = DURATION
    span: Span = span_field()


@frozen
class PeriodValue:
    """`period.start`, `period.end` (dates) or `period.year` (the year the period ends)."""

    name: PeriodField
    type: ValueType
    span: Span = span_field()


@frozen
class ColumnRef:
    """A column of the row being evaluated (`depth` 0) or of an enclosing row (`this.X`)."""

    dataset: str
    column: str
    type: ValueType
    depth: int = 0
    span: Span = span_field()


@frozen
class DefinitionRef:
    """A named definition, computed once per evaluation however often it is used."""

    definition: str
    type: ValueType
    depth: int = 0
    span: Span = span_field()


@frozen
class Logical:
    """`and` / `or` over two or more conditions."""

    op: LogicalOp
    operands: tuple[Expr, ...]
    type: ValueType = BOOLEAN
    span: Span = span_field()


@frozen
class Not:
    """Logical negation."""

    operand: Expr
    type: ValueType = BOOLEAN
    span: Span = span_field()


@frozen
class Negate:
    """Arithmetic negation."""

    operand: Expr
    type: ValueType = NUMBER
    span: Span = span_field()


@frozen
class Arithmetic:
    """`+ - * /` on numbers, or a date moved by a duration."""

    op: ArithmeticOp
    left: Expr
    right: Expr
    type: ValueType
    span: Span = span_field()


@frozen
class Comparison:
    """`= != < <= > >=`; a missing operand makes the comparison false."""

    op: ComparisonOp
    left: Expr
    right: Expr
    type: ValueType = BOOLEAN
    span: Span = span_field()


@frozen
class CodeTest:
    """Membership of a code in a set of codes (already expanded from groups)."""

    operand: Expr
    codes: frozenset[str]
    negated: bool
    type: ValueType = BOOLEAN
    span: Span = span_field()


@frozen
class MissingTest:
    """`is missing` (or, negated, `is not missing`)."""

    operand: Expr
    negated: bool
    type: ValueType = BOOLEAN
    span: Span = span_field()


@frozen
class InPeriod:
    """A date within the reporting period, ends included."""

    operand: Expr
    type: ValueType = BOOLEAN
    span: Span = span_field()


@frozen
class Within:
    """`a within D before b` ⇔ b − D ≤ a < b; `after` ⇔ b < a ≤ b + D."""

    operand: Expr
    duration: Duration
    direction: Direction
    anchor: Expr
    type: ValueType = BOOLEAN
    span: Span = span_field()


@frozen
class Call:
    """A built-in function such as `age(DOB, period.end)`."""

    function: Function
    args: tuple[Expr, ...]
    type: ValueType
    span: Span = span_field()


@frozen(kw_only=True)
class Aggregate:
    """Aggregation over the rows of `dataset` related to the current row through `link`.

    `link` is the unit shared by both rows (e.g. `child`); None means the aggregation is
    at area level (an indicator's numerator or denominator summed per area). `periods` says
    which periods' rows it reads, when `dataset` has a period column.
    """

    function: AggregateFunction
    dataset: str
    type: ValueType
    value: Expr | None = None
    link: str | None = None
    where: Expr | None = None
    order: Expr | None = None
    periods: Periods = CURRENT
    span: Span = span_field()


Expr = (
    Literal | Duration | PeriodValue | ColumnRef | DefinitionRef | Logical | Not | Negate
    | Arithmetic | Comparison | CodeTest | MissingTest | InPeriod | Within | Call | Aggregate
)


@frozen
class Definition:
    """A named per-row value or filter of one dataset."""

    name: str
    title: str | None
    dataset: str
    expr: Expr
    span: Span = span_field()


@frozen
class Population:
    """The rows of a dataset that pass every filter: a cohort, numerator or denominator.
    `periods` says which periods' rows are read, when the dataset has a period column."""

    dataset: str
    filters: tuple[Expr, ...]
    cohort: str | None = None
    periods: Periods = CURRENT
    span: Span = span_field()


@frozen
class Cohort:
    """A named population."""

    name: str
    title: str | None
    population: Population
    span: Span = span_field()


Quantity = Population | Aggregate
