"""The syntax tree: what a framework file says, exactly as written, with no meaning attached.

Nodes are frozen attrs classes. Every node keeps its span, and spans never take part in
equality, so `parse(format(tree)) == tree` can hold. Comments are nodes too (`Comment`
items inside blocks), so the formatter can keep every one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
from attrs import field, frozen

from outcomespec.language.source import NOWHERE, Span


def _span() -> Any:
    return field(default=NOWHERE, eq=False, repr=False, kw_only=True)


# ------------------------------------------------------------------ leaves


@frozen
class Name:
    """An identifier as written: a dataset, column, definition, goal, …"""

    text: str
    span: Span = _span()


@frozen
class Code:
    """A code as written in a codelist or a code set, e.g. `V3` or `1A`."""

    text: str
    span: Span = _span()


@frozen
class Comment:
    """A `#` comment; `trailing` ones sit at the end of the line of the item before them."""

    text: str
    trailing: bool = False
    span: Span = _span()


# ------------------------------------------------------------------ expressions


@frozen
class NumberLit:
    """A number as written (kept as text so `10.50` formats back as `10.50`)."""

    text: str
    span: Span = _span()


@frozen
class StringLit:
    """A quoted text; `value` is the text with escapes resolved."""

    value: str
    span: Span = _span()


@frozen
class DateLit:
    """An ISO date such as `2025-03-31`."""

    text: str
    span: Span = _span()


@frozen
class BoolLit:
    """`true` or `false`."""

    value: bool
    span: Span = _span()


@frozen
class DurationLit:
    """A length of time such as `12 months` or `2 years 6 months`."""

    parts: tuple[tuple[NumberLit, str], ...]
    span: Span = _span()


@frozen
class NameRef:
    """A possibly qualified name used in an expression: `DECOM`, `shared.stable_homes`."""

    parts: tuple[Name, ...]
    span: Span = _span()

    @property
    def dotted(self) -> str:
        """The name as written, parts joined by dots."""
        return ".".join(part.text for part in self.parts)


@frozen
class OuterRef:
    """`this.COLUMN`: a column of the row an aggregation is computed for."""

    name: Name
    span: Span = _span()


@frozen
class PeriodRef:
    """`period.start`, `period.end` or `period.year` of the reporting period."""

    name: Name
    span: Span = _span()


@frozen
class Call:
    """A built-in function, e.g. `age(DOB, period.end)`."""

    function: Name
    args: tuple[Expr, ...]
    span: Span = _span()


@frozen
class PreviousPeriod:
    """`for period - 1`: the rows of an earlier period instead of the reporting period's."""

    back: NumberLit
    span: Span = _span()


@frozen
class LastPeriods:
    """`for last 3 periods`: the rows of the reporting period and those before it, pooled."""

    count: NumberLit
    span: Span = _span()


@frozen
class AllPeriods:
    """`for all periods`: every row, whatever its period."""

    span: Span = _span()


PeriodSelection = PreviousPeriod | LastPeriods | AllPeriods
"""Which periods' rows of a dataset with a period column are read (after its name)."""


@frozen
class Aggregate:
    """Aggregation over related rows: `count(episodes where ...)`, `max(DECOM of episodes)`,
    `sum(population_estimate of ons_population for period - 1)`."""

    function: str
    value: Expr | None
    source: NameRef
    link: Name | None
    where: Expr | None
    order: Expr | None
    periods: PeriodSelection | None = None
    span: Span = _span()


@frozen
class Not:
    """Logical negation."""

    operand: Expr
    span: Span = _span()


@frozen
class Negate:
    """Arithmetic negation."""

    operand: Expr
    span: Span = _span()


@frozen
class Logical:
    """`a and b and c` or `a or b`: operands kept flat, in order."""

    op: str
    operands: tuple[Expr, ...]
    span: Span = _span()


@frozen
class Binary:
    """Arithmetic (`+ - * /`) or a comparison (`= != < <= > >=`)."""

    op: str
    left: Expr
    right: Expr
    span: Span = _span()


@frozen
class CodeLiterals:
    """A set of codes written out: `{V3, V4}`."""

    codes: tuple[Code, ...]
    span: Span = _span()


@frozen
class CodeGroupRef:
    """A named group of codes from the column's codelist: `LS in short_breaks`."""

    name: Name
    span: Span = _span()


CodeSet = CodeLiterals | CodeGroupRef


@frozen
class Membership:
    """`x in {…}` or `x not in {…}`."""

    operand: Expr
    codes: CodeSet
    negated: bool
    span: Span = _span()


@frozen
class InPeriod:
    """`x in period`: a date within the reporting period."""

    operand: Expr
    span: Span = _span()


@frozen
class IsMissing:
    """`x is missing` or `x is not missing`."""

    operand: Expr
    negated: bool
    span: Span = _span()


@frozen
class Within:
    """`a within 12 months before b`: b − 12 months ≤ a < b (or the mirror for `after`)."""

    operand: Expr
    duration: DurationLit
    direction: str
    anchor: Expr
    span: Span = _span()


Expr = (
    NumberLit | StringLit | DateLit | BoolLit | DurationLit | NameRef | OuterRef | PeriodRef
    | Call | Aggregate | Not | Negate | Logical | Binary | Membership | InPeriod | IsMissing
    | Within
)


# ------------------------------------------------------------------ fields shared by blocks


@frozen
class Word:
    """A bare word used as a metadata value, e.g. `status published`."""

    text: str
    span: Span = _span()


@frozen
class Meta:
    """A metadata field: `version "1.0"`, `owner "…"`, `reviewed 2025-03-31`."""

    key: str
    value: StringLit | DateLit | Word
    span: Span = _span()


@frozen
class Serves:
    """`serves shared.stable_homes exact`: this outcome or indicator serves a goal."""

    goal: NameRef
    relation: Name
    span: Span = _span()


@frozen
class SuppressCounts:
    """`suppress counts 1..5`."""

    low: NumberLit
    high: NumberLit
    span: Span = _span()


@frozen
class SuppressNone:
    """`suppress none`: publish every count (only for already-published aggregates)."""

    span: Span = _span()


@frozen
class SuppressSmall:
    """`suppress denominators below 10`: a unit counting fewer is not published."""

    below: NumberLit
    span: Span = _span()


Suppress = SuppressCounts | SuppressNone | SuppressSmall


# ------------------------------------------------------------------ codelists and datasets


@frozen
class CodeEntry:
    """One code with its label, and the collection years it is valid in."""

    code: Code
    label: StringLit
    since: NumberLit | None = None
    until: NumberLit | None = None
    span: Span = _span()


@frozen
class CodeGroup:
    """A named group of codes: `group short_breaks "Short breaks" = V3, V4`."""

    name: Name
    title: StringLit | None
    codes: tuple[Code, ...]
    span: Span = _span()


@frozen
class Codelist:
    """The codes a column may take."""

    name: Name
    title: StringLit | None
    items: tuple[CodeEntry | CodeGroup | Meta | Comment, ...]
    span: Span = _span()


@frozen
class IdentifierType:
    """`identifier child`: the column identifies a unit (a child, a referral);
    `identifier pupil national`: in every local authority alike; `identifier assessment
    within referral`: only together with the identifier of another unit."""

    unit: Name | None
    national: bool = False
    within: Name | None = None
    span: Span = _span()


@frozen
class CodeType:
    """`code legal_status`: values come from a codelist; `… by label`: files write each
    code's label."""

    codelist: Name
    by_label: bool = False
    span: Span = _span()


@frozen
class ScalarType:
    """`date`, `integer`, `number`, `boolean` or `text`."""

    name: str
    span: Span = _span()


ColumnType = IdentifierType | CodeType | ScalarType


@frozen
class ValueRange:
    """`range 0 .. 40`, `range 1990-01-01 ..`: the values a column may hold, open at an end
    that is None."""

    low: NumberLit | DateLit | None
    high: NumberLit | DateLit | None
    span: Span = _span()


@frozen
class Column:
    """A typed column of a dataset; `header` is its name in the file when that is no name of
    the language (`column "Area Code" as area_code text`)."""

    name: Name
    type: ColumnType
    optional: bool = False
    since: NumberLit | None = None
    until: NumberLit | None = None
    description: StringLit | None = None
    bounds: ValueRange | None = None
    header: StringLit | None = None
    span: Span = _span()


@frozen
class Rows:
    """`rows episode`: what one row of the dataset describes."""

    unit: Name
    span: Span = _span()


@frozen
class Key:
    """`key CHILD, DECOM`: the columns that identify a row."""

    columns: tuple[Name, ...]
    span: Span = _span()


@frozen
class DatedBy:
    """`dated by DECOM, DEC`: the date columns that place a record-level return in its year."""

    columns: tuple[Name, ...]
    span: Span = _span()


@frozen
class AreaColumn:
    """`area LA`: the column that names the local authority a row belongs to; in a published
    table of several levels, the columns naming the area of rows above an authority follow
    (`area old_la_code or region_code or country_code`)."""

    column: Name
    upper: tuple[Name, ...] = ()
    span: Span = _span()


@frozen
class PeriodColumn:
    """`period time_period calendar_year`: the column that names the year of a row, and how
    it labels years (`year_ending` when not given)."""

    column: Name
    kind: Name | None = None
    span: Span = _span()


@frozen
class MissingSymbols:
    """`missing "c", "x"`: cell values that mean "no value", never zero."""

    symbols: tuple[StringLit, ...]
    span: Span = _span()


@frozen
class UnknownCodes:
    """`unknown codes warn`: what loading does with a code not in the codelist."""

    policy: Name
    span: Span = _span()


DatasetItem = (Column | Rows | Key | AreaColumn | PeriodColumn | DatedBy | MissingSymbols
               | UnknownCodes)


@frozen
class Dataset:
    """A table: record-level return (episodes) or published aggregate (LA-year rows)."""

    name: Name
    title: StringLit | None
    items: tuple[DatasetItem | Meta | Comment, ...]
    span: Span = _span()


# ------------------------------------------------------------------ geography


@frozen
class GeoField:
    """`code old_la_code`, `members SN_1, SN_2, …` inside a geography block."""

    key: str
    values: tuple[Name, ...]
    span: Span = _span()


@frozen
class GeoLevel:
    """A level of the area hierarchy read from a dataset: local authorities, regions."""

    name: Name
    dataset: Name
    fields: tuple[GeoField | Comment, ...]
    span: Span = _span()


@frozen
class Neighbours:
    """A comparator set, e.g. DfE statistical neighbours: each area's list of peers."""

    name: Name
    title: StringLit | None
    dataset: Name
    fields: tuple[GeoField | Comment, ...]
    span: Span = _span()


@frozen
class Geography:
    """The area hierarchy and comparator sets, declared from datasets."""

    name: Name
    title: StringLit | None
    items: tuple[GeoLevel | Neighbours | Meta | Comment, ...]
    span: Span = _span()


# ------------------------------------------------------------------ units of comparison


@frozen
class UnitRows:
    """`rows ssda903.episodes by URN`: the unit each row of a dataset belongs to."""

    dataset: NameRef
    by: Name
    span: Span = _span()


@frozen
class Comparison:
    """Units compared other than areas, read from a register dataset: `comparison providers
    "…" from ofsted_providers { code URN … }`."""

    name: Name
    title: StringLit | None
    dataset: Name
    items: tuple[GeoField | UnitRows | Meta | Comment, ...]
    span: Span = _span()


@frozen
class Benchmark:
    """`benchmark providers`: the framework's indicators are evaluated per unit."""

    comparison: NameRef
    span: Span = _span()


# ------------------------------------------------------------------ definitions and cohorts


@frozen
class Population:
    """`header where …`: the units of a dataset or cohort, optionally filtered;
    `ons_population for period - 1`: of another period."""

    base: NameRef
    where: Expr | None
    periods: PeriodSelection | None = None
    span: Span = _span()


Quantity = Population | Aggregate


@frozen
class Definition:
    """`define name "title" for dataset = expr`: a reusable per-row value or filter."""

    name: Name
    title: StringLit | None
    dataset: Name
    expr: Expr
    span: Span = _span()


@frozen
class CohortDecl:
    """`cohort name "title" = population`: a named group of units."""

    name: Name
    title: StringLit | None
    population: Population
    span: Span = _span()


# ------------------------------------------------------------------ indicators


@frozen
class KindField:
    """`kind outcome|process|context`."""

    value: Name
    span: Span = _span()


@frozen
class StatisticField:
    """`statistic proportion|rate|mean|median|count|ratio`."""

    value: Name
    span: Span = _span()


@frozen
class CohortField:
    """`cohort …`: whom the indicator is about (the denominator of a proportion)."""

    population: Population
    span: Span = _span()


@frozen
class NumeratorField:
    """`numerator …`: what is counted or summed."""

    quantity: Quantity
    span: Span = _span()


@frozen
class DenominatorField:
    """`denominator …`: what a rate or ratio divides by."""

    quantity: Quantity
    span: Span = _span()


@frozen
class MeasureField:
    """`measure expr`: the per-unit value a mean or median summarises."""

    expr: Expr
    span: Span = _span()


@frozen
class ExcludeField:
    """`exclude expr "reason"`: units removed from the cohort, with why."""

    expr: Expr
    reason: StringLit | None
    span: Span = _span()


@frozen
class UnitField:
    """`unit percent`, `unit per 10,000` or `unit "score"`."""

    kind: str
    value: str
    span: Span = _span()


@frozen
class PolarityField:
    """`polarity lower_is_better "why"`; `polarity target_range 10 .. 15 "why"` with the
    range's ends as written."""

    value: Name
    rationale: StringLit | None
    bounds: tuple[str, str] | None = None
    span: Span = _span()


@frozen
class EnglandComparator:
    """Compare with England: all areas pooled, or its `published` figure; `england funnel`:
    units judged by funnel limits around it."""

    method: Name | None = None
    published: bool = False
    span: Span = _span()


@frozen
class RegionComparator:
    """Compare with the area's region: its areas pooled, or its `published` figure; `region
    funnel`: units judged by funnel limits around it."""

    method: Name | None = None
    published: bool = False
    span: Span = _span()


@frozen
class NeighboursComparator:
    """Compare with a neighbour set: `statistical_neighbours median [published]`."""

    name: Name
    method: Name | None
    published: bool = False
    span: Span = _span()


@frozen
class PopulationComparator:
    """Compare with another population on the same measure (e.g. all children): England's
    value, or (`same area`) the value of the area being judged."""

    indicator: NameRef
    same_area: bool = False
    span: Span = _span()


@frozen
class TargetComparator:
    """Compare with a fixed target value."""

    value: str
    span: Span = _span()


Comparator = (
    EnglandComparator | RegionComparator | NeighboursComparator | PopulationComparator
    | TargetComparator
)


@frozen
class CompareField:
    """`compare england, region, statistical_neighbours median`."""

    comparators: tuple[Comparator, ...]
    span: Span = _span()


@frozen
class ConfidenceField:
    """`confidence wilson 95%, 99.8%`."""

    method: Name
    levels: tuple[str, ...]
    span: Span = _span()


@frozen
class BreakdownField:
    """`breakdown by SEX, age_band`."""

    names: tuple[Name, ...]
    span: Span = _span()


@frozen
class DecimalsField:
    """`decimals 1`: the decimal places values are published to."""

    places: NumberLit
    span: Span = _span()


@frozen
class PublishedValue:
    """`value children_percent`: the publication's column holding the value."""

    column: Name
    span: Span = _span()


@frozen
class PublishedCount:
    """`numerator children_count`, `denominator children_count where …`: the column holding
    a count, on the publication's rows or on the rows `where` selects."""

    which: str
    column: Name
    where: Expr | None = None
    span: Span = _span()


@frozen
class LimitColumns:
    """`lower_95 .. upper_95 at 95%`: the columns of one level's confidence limits."""

    lower: Name
    upper: Name
    level: str
    span: Span = _span()


@frozen
class PublishedLimits:
    """`limits lower_95 .. upper_95 at 95%, …`."""

    levels: tuple[LimitColumns, ...]
    span: Span = _span()


PublicationItem = PublishedValue | PublishedCount | PublishedLimits


@frozen
class PublicationField:
    """`publication placement_stability where … { value …  numerator … }`: where the
    indicator's figures are published, one row per area and period."""

    rows: Population
    items: tuple[PublicationItem | Meta | Comment, ...]
    span: Span = _span()


IndicatorField = (
    KindField | StatisticField | CohortField | NumeratorField | DenominatorField | MeasureField
    | ExcludeField | UnitField | DecimalsField | PolarityField | CompareField | PublicationField
    | ConfidenceField | SuppressCounts | SuppressNone | SuppressSmall | BreakdownField | Serves
    | Meta | Benchmark
)


@frozen
class Indicator:
    """An indicator, or (with `origin`) another framework's indicator reused with overrides."""

    name: Name
    title: StringLit | None
    origin: NameRef | None
    fields: tuple[IndicatorField | Comment, ...]
    span: Span = _span()


@frozen
class Section:
    """An `outcome` or `enabler` heading of a framework, holding its indicators."""

    kind: str
    name: Name
    title: StringLit
    items: tuple[Indicator | Serves | Meta | Comment, ...]
    span: Span = _span()


@frozen
class Goal:
    """A shared goal that frameworks' outcomes and indicators serve."""

    name: Name
    title: StringLit
    items: tuple[Meta | Serves | Comment, ...]
    span: Span = _span()


# ------------------------------------------------------------------ module-level items


@frozen
class Import:
    """`import "path" [as alias]`."""

    path: StringLit
    alias: Name | None
    span: Span = _span()


@frozen
class PeriodDecl:
    """`period year ending 31 March`: the reporting year."""

    day: NumberLit
    month: Name
    span: Span = _span()


@frozen
class Rounding:
    """`round england, region to nearest 10`: published rounding of aggregate counts."""

    levels: tuple[Name, ...]
    nearest: NumberLit
    span: Span = _span()


ModuleItem = (
    Meta | Import | PeriodDecl | SuppressCounts | SuppressNone | SuppressSmall | Rounding
    | Codelist | Dataset | Geography | Comparison | Benchmark | Definition | CohortDecl | Section
    | Goal | Comment
)


@frozen
class Module:
    """A `framework` or `library` block: the one declaration a file holds."""

    kind: str
    name: Name
    title: StringLit | None
    items: tuple[ModuleItem, ...]
    span: Span = _span()


@frozen
class File:
    """A parsed file: its module(s) and any comments outside them."""

    items: tuple[Module | Comment, ...]
    span: Span = _span()

    @property
    def modules(self) -> tuple[Module, ...]:
        """The framework or library blocks, ignoring comments."""
        return tuple(item for item in self.items if isinstance(item, Module))


Node = Any
"""Any syntax node; used by generic walks."""


def children(node: Node) -> Iterator[Node]:
    """The syntax nodes directly inside `node`, in field order (generic, for walks).

    >>> [type(c).__name__ for c in children(Logical("and", (NameRef((Name("a"),)), BoolLit(True))))]
    ['NameRef', 'BoolLit']
    """
    for attribute in attrs.fields(type(node)):
        if attribute.name == "span":
            continue
        yield from _nodes_in(getattr(node, attribute.name))


def _nodes_in(value: object) -> Iterator[Node]:
    if attrs.has(type(value)):
        yield value
    elif isinstance(value, tuple):
        for element in value:
            yield from _nodes_in(element)


def depth(node: Node) -> int:
    """How deeply nodes nest under `node`, computed without recursion.

    >>> depth(Not(Not(BoolLit(True))))
    3
    """
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(current))
    return deepest
