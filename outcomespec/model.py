"""The checked model: what a framework means, with every name resolved and every value typed.

The checker builds it from syntax trees; the compiler and the publishers read it. Nothing
here refers back to how the text was laid out, except spans (kept out of equality) so that
later stages can still point at the source. Names of declarations are qualified by the
module that declares them (`ssda903.episodes`), so models of several files never collide.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from attrs import field, frozen

from outcomespec.source import NOWHERE, Span


def _span() -> Any:
    return field(default=NOWHERE, eq=False, repr=False, kw_only=True)


class ValueKind(enum.Enum):
    """The types an expression can have."""

    CODE = "code"
    DATE = "date"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TEXT = "text"
    IDENTIFIER = "identifier"
    DURATION = "duration"


@frozen
class ValueType:
    """A type, with the codelist for codes and the unit for identifiers."""

    kind: ValueKind
    codelist: str | None = None
    unit: str | None = None
    integer: bool = False

    def __format__(self, spec: str) -> str:
        """`f"{t:a}"` gives the type with its article: "a date", "an integer"."""
        text = str(self)
        if spec == "a":
            return ("an " if text[0] in "aeiou" else "a ") + text
        return text

    def __str__(self) -> str:
        if self.kind is ValueKind.CODE and self.codelist:
            return f"code from `{self.codelist.rsplit('.', 1)[-1]}`"
        if self.kind is ValueKind.IDENTIFIER and self.unit:
            return f"identifier of a {self.unit}"
        return "integer" if self.integer else self.kind.value


BOOLEAN = ValueType(ValueKind.BOOLEAN)
NUMBER = ValueType(ValueKind.NUMBER)
DATE = ValueType(ValueKind.DATE)
TEXT = ValueType(ValueKind.TEXT)
DURATION = ValueType(ValueKind.DURATION)


# ------------------------------------------------------------------ codelists and datasets


@frozen
class Code:
    """A code, its label and the collection years (ending year) it is valid in."""

    code: str
    label: str
    since: int | None = None
    until: int | None = None


@frozen
class Codelist:
    """The codes a column may take, and named groups of them."""

    name: str
    title: str | None
    codes: tuple[Code, ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    span: Span = _span()

    @property
    def code_values(self) -> tuple[str, ...]:
        """The codes alone, in declared order."""
        return tuple(code.code for code in self.codes)

    def group(self, name: str) -> tuple[str, ...] | None:
        """The codes of a named group, or None."""
        return dict(self.groups).get(name)


@frozen
class ValueRange:
    """The values a number or date column may hold, open at an end that is None.

    >>> str(ValueRange(0.0, 40.0)), str(ValueRange(dt.date(1990, 1, 1), None))
    ('0 .. 40', '1990-01-01 ..')
    """

    low: float | dt.date | None
    high: float | dt.date | None

    def __str__(self) -> str:
        low = "" if self.low is None else f"{_bound_text(self.low)} "
        high = "" if self.high is None else f" {_bound_text(self.high)}"
        return f"{low}..{high}"


def _bound_text(bound: float | dt.date) -> str:
    if isinstance(bound, dt.date):
        return bound.isoformat()
    return str(int(bound)) if bound.is_integer() else repr(bound)


@frozen
class Column:
    """A typed column of a dataset; `bounds` are the values it may hold (`range`)."""

    name: str
    type: ValueType
    optional: bool
    since: int | None
    until: int | None
    description: str | None
    bounds: ValueRange | None = None
    span: Span = _span()


class PeriodKind(enum.Enum):
    """How a dataset's period column labels its years; each maps to the framework's period,
    the year in which the labelled year ends (`outcomespec.periods` reads the labels)."""

    YEAR_ENDING = "year_ending"
    FINANCIAL_YEAR = "financial_year"
    ACADEMIC_YEAR = "academic_year"
    CALENDAR_YEAR = "calendar_year"


class UnknownCodePolicy(enum.Enum):
    """What loading does with a code that is not in the column's codelist."""

    ERROR = "error"
    WARN = "warn"


@frozen
class Dataset:
    """A table the framework reads, with the unit each row describes."""

    name: str
    title: str | None
    rows: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    area: str | None
    period: str | None
    missing_symbols: tuple[str, ...]
    unknown_codes: UnknownCodePolicy
    period_kind: PeriodKind = PeriodKind.YEAR_ENDING
    """How the `period` column labels its years (meaningless without one)."""
    dated_by: tuple[str, ...] = ()
    """The date columns of its events (`dated by`), which place a record-level return in its
    reporting year: a date of birth does not say which year's return a table belongs to."""
    span: Span = _span()

    def column(self, name: str) -> Column | None:
        """The column called `name`, or None."""
        for column in self.columns:
            if column.name == name:
                return column
        return None

    def identifier_units(self) -> dict[str, str]:
        """Unit → the column that identifies it in this dataset."""
        return {
            c.type.unit: c.name
            for c in self.columns
            if c.type.kind is ValueKind.IDENTIFIER and c.type.unit
        }


@frozen
class GeoLevel:
    """A level of the area hierarchy read from a dataset (local authorities, regions).

    Data name an area by its `code` or by any of its `alternative_codes` (DfE's 3-digit
    code and ONS's 9-character codes, say). `valid_from` and `valid_until` name the columns
    holding the first and last reporting year in which each area existed (blank: no limit),
    so that a period's areas are those that existed in it.
    """

    name: str
    dataset: str
    code: str
    name_column: str | None
    alternative_codes: tuple[str, ...]
    parent: str | None
    valid_from: str | None = None
    valid_until: str | None = None


@frozen
class NeighbourSet:
    """A comparator set, e.g. each local authority's ten statistical neighbours."""

    name: str
    title: str | None
    dataset: str
    area: str
    members: tuple[str, ...]


@frozen
class Geography:
    """The area hierarchy and comparator sets."""

    name: str
    title: str | None
    levels: tuple[GeoLevel, ...]
    neighbours: tuple[NeighbourSet, ...]


# ------------------------------------------------------------------ expressions


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


@frozen
class Literal:
    """A constant: number, text, date (ISO text) or boolean."""

    value: float | str | bool
    type: ValueType
    span: Span = _span()


@frozen
class Duration:
    """A length of calendar time."""

    years: int
    months: int
    days: int
    type: ValueType = DURATION
    span: Span = _span()


@frozen
class PeriodValue:
    """`period.start`, `period.end` (dates) or `period.year` (the year the period ends)."""

    name: str
    type: ValueType
    span: Span = _span()


@frozen
class ColumnRef:
    """A column of the row being evaluated (`depth` 0) or of an enclosing row (`this.X`)."""

    dataset: str
    column: str
    type: ValueType
    depth: int = 0
    span: Span = _span()


@frozen
class DefinitionRef:
    """A named definition, computed once per evaluation however often it is used."""

    definition: str
    type: ValueType
    depth: int = 0
    span: Span = _span()


@frozen
class Logical:
    """`and` / `or` over two or more conditions."""

    op: str
    operands: tuple[Expr, ...]
    type: ValueType = BOOLEAN
    span: Span = _span()


@frozen
class Not:
    """Logical negation."""

    operand: Expr
    type: ValueType = BOOLEAN
    span: Span = _span()


@frozen
class Negate:
    """Arithmetic negation."""

    operand: Expr
    type: ValueType = NUMBER
    span: Span = _span()


@frozen
class Arithmetic:
    """`+ - * /` on numbers, or a date moved by a duration."""

    op: str
    left: Expr
    right: Expr
    type: ValueType
    span: Span = _span()


@frozen
class Comparison:
    """`= != < <= > >=`; a missing operand makes the comparison false."""

    op: str
    left: Expr
    right: Expr
    type: ValueType = BOOLEAN
    span: Span = _span()


@frozen
class CodeTest:
    """Membership of a code in a set of codes (already expanded from groups)."""

    operand: Expr
    codes: frozenset[str]
    negated: bool
    type: ValueType = BOOLEAN
    span: Span = _span()


@frozen
class MissingTest:
    """`is missing` (or, negated, `is not missing`)."""

    operand: Expr
    negated: bool
    type: ValueType = BOOLEAN
    span: Span = _span()


@frozen
class InPeriod:
    """A date within the reporting period, ends included."""

    operand: Expr
    type: ValueType = BOOLEAN
    span: Span = _span()


@frozen
class Within:
    """`a within D before b` ⇔ b − D ≤ a < b; `after` ⇔ b < a ≤ b + D."""

    operand: Expr
    duration: Duration
    direction: str
    anchor: Expr
    type: ValueType = BOOLEAN
    span: Span = _span()


@frozen
class Call:
    """A built-in function such as `age(DOB, period.end)`."""

    function: str
    args: tuple[Expr, ...]
    type: ValueType
    span: Span = _span()


@frozen
class Aggregate:
    """Aggregation over the rows of `dataset` related to the current row through `link`.

    `link` is the unit shared by both rows (e.g. `child`); None means the aggregation is
    at area level (an indicator's numerator or denominator summed per area). `periods` says
    which periods' rows it reads, when `dataset` has a period column.
    """

    function: str
    value: Expr | None
    dataset: str
    link: str | None
    where: Expr | None
    order: Expr | None
    type: ValueType
    periods: Periods = CURRENT
    span: Span = _span()


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
    span: Span = _span()


@frozen
class Population:
    """The rows of a dataset that pass every filter: a cohort, numerator or denominator.
    `periods` says which periods' rows are read, when the dataset has a period column."""

    dataset: str
    filters: tuple[Expr, ...]
    cohort: str | None = None
    periods: Periods = CURRENT
    span: Span = _span()


@frozen
class Cohort:
    """A named population."""

    name: str
    title: str | None
    population: Population
    span: Span = _span()


Quantity = Population | Aggregate


# ------------------------------------------------------------------ indicators


class Kind(enum.Enum):
    """Whether an indicator measures an outcome, a process, or gives context."""

    OUTCOME = "outcome"
    PROCESS = "process"
    CONTEXT = "context"


class Statistic(enum.Enum):
    """What the indicator's value is."""

    PROPORTION = "proportion"
    RATE = "rate"
    MEAN = "mean"
    MEDIAN = "median"
    COUNT = "count"
    RATIO = "ratio"


class Polarity(enum.Enum):
    """Whether a higher value is better, worse, or not to be judged."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NO_JUDGEMENT = "no_judgement"


class ConfidenceMethod(enum.Enum):
    """How confidence limits are computed."""

    WILSON = "wilson"
    BYARS = "byars"
    STUDENT_T = "student_t"
    NONE = "none"


class SubsetProof(enum.Enum):
    """Whether a proportion's numerator is known to be inside its denominator."""

    PROVEN = "proven"
    CHECK_ON_DATA = "check_on_data"
    NOT_APPLICABLE = "not_applicable"


@frozen
class Unit:
    """How the value is shown: label and multiplier (percent ×100, per 10,000 ×10,000)."""

    label: str
    multiplier: float


@frozen
class Comparator:
    """One comparison: `england`, `region`, a neighbour set, another population, a target."""

    kind: str
    name: str | None = None
    method: str | None = None
    target: float | None = None


@frozen
class Exclusion:
    """Units removed from the cohort, with the reason published beside the definition."""

    condition: Expr
    reason: str | None


@frozen
class Serving:
    """A link from an outcome or indicator to a shared goal."""

    goal: str
    relation: str


@frozen
class Indicator:
    """One indicator of a framework, fully resolved."""

    name: str
    framework: str
    section: str
    title: str
    kind: Kind
    statistic: Statistic
    cohort: Population | None
    numerator: Quantity | None
    denominator: Quantity | None
    measure: Expr | None
    exclusions: tuple[Exclusion, ...]
    unit: Unit
    polarity: Polarity
    rationale: str
    comparators: tuple[Comparator, ...]
    confidence: ConfidenceMethod
    levels: tuple[float, ...]
    suppression: tuple[int, int] | None
    breakdowns: tuple[Expr, ...]
    serves: tuple[Serving, ...]
    metadata: tuple[tuple[str, str], ...]
    numerator_subset: SubsetProof
    origin: str | None = None
    span: Span = _span()

    @property
    def id(self) -> str:
        """The indicator's name inside its framework (`placements_3plus`)."""
        return self.name.rsplit(".", 1)[-1]


@frozen
class Section:
    """An outcome or enabler heading with its indicators."""

    name: str
    kind: str
    title: str
    indicators: tuple[Indicator, ...]
    serves: tuple[Serving, ...]
    metadata: tuple[tuple[str, str], ...]
    span: Span = _span()


@frozen
class Goal:
    """A shared goal."""

    name: str
    title: str
    serves: tuple[Serving, ...]
    metadata: tuple[tuple[str, str], ...]
    span: Span = _span()


@frozen
class ReportingPeriod:
    """The reporting year: it ends on `day` `month` (31 March by default)."""

    day: int = 31
    month: int = 3


@frozen
class Framework:
    """A checked framework or library file and everything it declares."""

    name: str
    kind: str
    title: str | None
    path: str
    imports: tuple[str, ...]
    metadata: tuple[tuple[str, str], ...]
    period: ReportingPeriod
    suppression: tuple[int, int] | None
    rounding: tuple[tuple[str, ...], int] | None
    codelists: tuple[Codelist, ...]
    datasets: tuple[Dataset, ...]
    geographies: tuple[Geography, ...]
    definitions: tuple[Definition, ...]
    cohorts: tuple[Cohort, ...]
    sections: tuple[Section, ...]
    goals: tuple[Goal, ...]

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, in the order the sections declare them."""
        return tuple(ind for section in self.sections for ind in section.indicators)
