"""The plan: what `compile_plan` makes of checked indicators, one typed step per operation.

The model says *what* an indicator means; the plan says *how* it is computed: which array
operation, over which rows. Each kind of step is a frozen class of its own holding its own
typed parameters, and names the steps it reads by their position in the plan (`inputs`), so
the evaluator dispatches on the class and never reads one step's parameters from another.
Steps are values: an expression written in two indicators, or a definition used by ten,
compiles to equal steps, which the compiler keeps once, so each is computed once per
evaluation.

Every step lives in a `Space`, the rows it has a value for: a dataset's `Rows`, one
`Scalar`, one value per local authority (`Areas`; per unit of comparison, such as a
provider, for an indicator that compares those), per unit of a `Link` (`Units`: per child
within its authority, say), or per pair of an outer row and a related inner row (`Pairs`,
for aggregations whose filter refers to `this`).

Nothing here runs a computation; NumPy is the evaluator's.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
from attrs import field, frozen

from outcomespec import model as m
from outcomespec.model.rendering import short_name

# ------------------------------------------------------------------ spaces


@frozen
class Link:
    """How the rows of two datasets relate: through the identifier of one unit (`child`),
    within a local authority when both datasets have an area column (identifiers are unique
    only there), else on the identifier alone: when either has none, or the unit's
    identifier is `national` (a pupil number, the same in every authority). Each link has a
    code space of its own. A unit identified within another (an assessment within its
    referral) is coded from that unit's code and its own identifier."""

    unit: str
    by_area: bool

    def __str__(self) -> str:
        return f"{self.unit} (within its local authority)" if self.by_area else self.unit


@frozen
class Scalar:
    """One value, the same for every row."""

    def __str__(self) -> str:
        return "one value"


@frozen
class Areas:
    """One value per local authority of the area frame."""

    def __str__(self) -> str:
        return "per local authority"


@frozen
class Rows:
    """One value per row of a dataset."""

    dataset: str

    def __str__(self) -> str:
        return f"per row of {short_name(self.dataset)}"


@frozen
class Units:
    """One value per unit of a link (per child, say)."""

    link: Link

    def __str__(self) -> str:
        return f"per {self.link.unit}"


@frozen
class Pairs:
    """One value per pair of a row of `outer` and a row of `inner` related through `link`."""

    outer: str
    inner: str
    link: Link

    def __str__(self) -> str:
        return (f"per pair of {short_name(self.outer)} and {short_name(self.inner)} rows "
                f"of one {self.link.unit}")


Space = Scalar | Areas | Rows | Units | Pairs
SCALAR = Scalar()
AREAS = Areas()


def _reads() -> Any:
    """A field holding the position in the plan of a step whose value this step reads (or a
    tuple of them): `inputs` gives them, in the order of the fields."""
    return field(metadata={_READS: True})


_READS = "reads"


@frozen
class _Step:
    """What every kind of step has: the steps it reads."""

    @property
    def inputs(self) -> tuple[int, ...]:
        """The positions of the steps whose values this step reads, in field order."""
        found: list[int] = []
        for reading in attrs.fields(type(self)):
            if reading.metadata.get(_READS):
                value = getattr(self, reading.name)
                found.extend(value if isinstance(value, tuple) else (value,))
        return tuple(found)


class Side(enum.StrEnum):
    """Which row of a pair a value is taken from."""

    INNER = "inner"
    OUTER = "outer"


# ------------------------------------------------------------------ reading


@frozen(kw_only=True)
class Constant(_Step):
    """A literal: a number, text, date (ISO text) or true/false."""

    value: float | str | bool
    type: m.ValueType

    @property
    def space(self) -> Space:
        return SCALAR


@frozen(kw_only=True)
class PeriodBound(_Step):
    """`period.start`, `period.end` or `period.year` of the period evaluated."""

    field: m.PeriodField

    @property
    def space(self) -> Space:
        return SCALAR


@frozen(kw_only=True)
class ReadColumn(_Step):
    """A column of a dataset, as loaded."""

    dataset: str
    column: str
    type: m.ValueType

    @property
    def space(self) -> Space:
        return Rows(self.dataset)


@frozen(kw_only=True)
class PeriodMask(_Step):
    """Which rows of a dataset are in the periods read: the reporting period moved by one of
    `offsets`, by its period column."""

    dataset: str
    column: str
    offsets: tuple[int, ...]

    @property
    def space(self) -> Space:
        return Rows(self.dataset)


@frozen(kw_only=True)
class AreaIndex(_Step):
    """The local authority of each row of a dataset, by its area column (None: it has
    none, and its rows are in no area)."""

    dataset: str
    column: str | None

    @property
    def space(self) -> Space:
        return Rows(self.dataset)


@frozen(kw_only=True)
class UnitIndex(_Step):
    """The unit of comparison other than an area (a provider) of each row of a dataset, in
    the units of the comparison `units`, by the register code `codes` gives each row (a text
    column or definition of its rows); -1 where the code names no unit."""

    dataset: str
    units: str
    codes: int = _reads()

    @property
    def space(self) -> Space:
        return Rows(self.dataset)


@frozen(kw_only=True)
class Key(_Step):
    """The code of each row's unit in a link's code space, read from its identifier columns
    (the unit's own last, after those of the units it is identified within); shared by
    every dataset the plan relates through the same link."""

    dataset: str
    link: Link
    identifiers: tuple[str, ...]

    @property
    def space(self) -> Space:
        return Rows(self.dataset)


# ------------------------------------------------------------------ row by row


@frozen(kw_only=True)
class And(_Step):
    """Every condition holds (a missing one does not); the dearest are computed last."""

    space: Space
    operands: tuple[int, ...] = _reads()


@frozen(kw_only=True)
class Or(_Step):
    """Some condition holds (a missing one does not)."""

    space: Space
    operands: tuple[int, ...] = _reads()


@frozen(kw_only=True)
class Not(_Step):
    """A condition that does not hold (a missing one counts as not holding)."""

    space: Space
    operand: int = _reads()


@frozen(kw_only=True)
class Negate(_Step):
    """A number negated."""

    space: Space
    operand: int = _reads()


@frozen(kw_only=True)
class Arithmetic(_Step):
    """`+ - * /` on numbers; missing in, division by zero or overflow give missing."""

    space: Space
    op: m.ArithmeticOp
    left: int = _reads()
    right: int = _reads()


@frozen(kw_only=True)
class ShiftDates(_Step):
    """Dates moved forward (`op` +) or back (-) by a calendar duration."""

    space: Space
    op: m.ArithmeticOp
    dates: int = _reads()
    duration: m.Duration


@frozen(kw_only=True)
class Compare(_Step):
    """`= != < <= > >=` of two values of `type`; false where either is missing."""

    space: Space
    op: m.ComparisonOp
    left: int = _reads()
    right: int = _reads()
    type: m.ValueType


@frozen(kw_only=True)
class CodeTest(_Step):
    """Whether a code is one of `codes` (at `positions` of its codelist); false when it is
    missing, negated or not."""

    space: Space
    operand: int = _reads()
    codes: tuple[str, ...]
    """In the codelist's order."""
    positions: tuple[int, ...]
    negated: bool


@frozen(kw_only=True)
class MissingTest(_Step):
    """Whether a value of `type` is missing (`negated`: present)."""

    space: Space
    operand: int = _reads()
    type: m.ValueType
    negated: bool


@frozen(kw_only=True)
class InPeriod(_Step):
    """Whether a date is in the reporting period, ends included."""

    space: Space
    operand: int = _reads()


@frozen(kw_only=True)
class Within(_Step):
    """Whether a date is within `duration` before or after an anchor date."""

    space: Space
    operand: int = _reads()
    anchor: int = _reads()
    duration: m.Duration
    direction: m.Direction


@frozen(kw_only=True)
class Call(_Step):
    """A built-in function of two dates."""

    space: Space
    function: m.Function
    args: tuple[int, ...] = _reads()


# ------------------------------------------------------------------ aggregations


@frozen(kw_only=True)
class ReduceAreas(_Step):
    """An aggregation of a dataset's rows per local authority (an indicator's numerator or
    denominator): `function` of `value` over the rows where `where` holds, in `order`."""

    function: m.AggregateFunction
    type: m.ValueType
    areas: int = _reads()
    """The dataset's `AreaIndex`, or its `UnitIndex` for an indicator comparing units."""
    where: int = _reads()
    value: int = _reads()
    order: int = _reads()

    @property
    def space(self) -> Space:
        return AREAS


@frozen(kw_only=True)
class ReduceUnits(_Step):
    """An aggregation of a dataset's rows per unit of a link, `keys` being the rows' `Key`."""

    link: Link
    function: m.AggregateFunction
    type: m.ValueType
    keys: int = _reads()
    where: int = _reads()
    value: int = _reads()
    order: int = _reads()

    @property
    def space(self) -> Space:
        return Units(self.link)


@frozen(kw_only=True)
class GatherUnits(_Step):
    """The value per unit (`per_unit`, a `ReduceUnits`) of each row's unit (`keys`); the
    value of no rows where a row has no unit."""

    space: Rows
    """The outer rows, for each of which it has a value."""
    function: m.AggregateFunction
    type: m.ValueType
    per_unit: int = _reads()
    keys: int = _reads()


@frozen(kw_only=True)
class Pair(_Step):
    """Every pair of a row of `outer` and a row of `inner` with the same unit."""

    outer: str
    inner: str
    link: Link
    outer_keys: int = _reads()
    inner_keys: int = _reads()

    @property
    def space(self) -> Space:
        return Pairs(self.outer, self.inner, self.link)


@frozen(kw_only=True)
class PairSide(_Step):
    """A value of the inner or outer rows, laid out on their pairs."""

    space: Space
    side: Side
    values: int = _reads()
    pairs: int = _reads()


@frozen(kw_only=True)
class ReducePairs(_Step):
    """An aggregation, for each outer row, over the pairs it is in."""

    space: Rows
    """The outer rows, for each of which it has a value."""
    function: m.AggregateFunction
    type: m.ValueType
    pairs: int = _reads()
    where: int = _reads()
    value: int = _reads()
    order: int = _reads()


@frozen(kw_only=True)
class Window(_Step):
    """`any` or `count` of the related rows of `inner` that are `selected` and whose date is
    within `duration` before or after this row's `anchor`: for each outer row, its run among
    the inner rows sorted by (unit, date), without pairing every two rows of a unit."""

    space: Rows
    """The outer rows, for each of which it has a value."""
    function: m.AggregateFunction
    inner: str
    link: Link
    duration: m.Duration
    direction: m.Direction
    outer_keys: int = _reads()
    anchor: int = _reads()
    inner_keys: int = _reads()
    dates: int = _reads()
    selected: int = _reads()



Step = (
    Constant | PeriodBound | ReadColumn | PeriodMask | AreaIndex | UnitIndex | Key | And | Or
    | Not | Negate | Arithmetic | ShiftDates | Compare | CodeTest | MissingTest | InPeriod | Within
    | Call | ReduceAreas | ReduceUnits | GatherUnits | Pair | PairSide | ReducePairs | Window
)

# ------------------------------------------------------------------ plans


@frozen(kw_only=True)
class PublicationPlan:
    """The steps selecting the rows of an indicator's publication: its own rows, and those
    of a count that says `where` for itself (None: the publication's own)."""

    dataset: str
    rows: int
    numerator_rows: int | None = None
    denominator_rows: int | None = None


@frozen(kw_only=True)
class IndicatorPlan:
    """The steps that give one indicator its per-area totals (None where it has no such
    part), the datasets whose rows they count, and why it cannot be evaluated if it cannot."""

    indicator: m.Indicator
    datasets: tuple[str, ...] = ()
    """Every dataset it reads (it is evaluated only when all are supplied)."""
    cohort: int | None = None
    cohort_dataset: str | None = None
    exclusions: tuple[int, ...] = ()
    numerator: int | None = None
    numerator_dataset: str | None = None
    """The dataset whose rows the numerator counts; None for an area-level aggregation."""
    denominator: int | None = None
    denominator_dataset: str | None = None
    measure: int | None = None
    breakdowns: tuple[tuple[str, int], ...] = ()
    """(label, step) of each breakdown."""
    units: tuple[tuple[str, int], ...] = ()
    """(dataset, `UnitIndex` step) of each dataset it counts per unit, when it compares
    units other than areas (empty: it counts rows per area)."""
    problem: str | None = None
    reads: tuple[tuple[str, m.Periods], ...] = ()
    """(dataset, periods) of every population and aggregation: what rows it needs."""
    publication: PublicationPlan | None = None
    """The rows of its publication, read only when a comparator is taken from it (its
    table is none of `datasets`: without it the indicator is still evaluated)."""

    @property
    def roots(self) -> tuple[int, ...]:
        """The final steps of the indicator: everything else it computes feeds them."""
        found = (self.cohort, *self.exclusions, self.numerator, self.denominator,
                 self.measure, *(step for _, step in self.breakdowns),
                 *(step for _, step in self.units))
        return tuple(step for step in found if step is not None)


@frozen
class Plan:
    """Every step of every indicator, each after the steps it reads, and what each indicator
    uses."""

    steps: tuple[Step, ...]
    indicators: tuple[IndicatorPlan, ...]
    definitions: tuple[tuple[int, str], ...] = ()
    """(step, definition) for each step that computes a named definition on its own rows,
    so that people reading the plan can find the definitions they wrote."""

    def reachable(self, roots: tuple[int, ...]) -> set[int]:
        """The steps `roots` depend on, themselves included."""
        seen: set[int] = set()
        stack = list(roots)
        while stack:
            step = stack.pop()
            if step not in seen:
                seen.add(step)
                stack.extend(self.steps[step].inputs)
        return seen

    def columns_read(self, plan: IndicatorPlan) -> tuple[tuple[str, str], ...]:
        """(dataset, column) pairs an indicator reads, in a stable order."""
        return tuple(sorted({read for step_id in self.reachable(plan.roots)
                             for read in step_columns(self.steps[step_id])}))


def step_columns(step: Step) -> tuple[tuple[str, str], ...]:
    """The (dataset, column) pairs a step reads from a loaded table.

    >>> step_columns(Key(dataset="lib.assessments", link=Link("assessment", True),
    ...                  identifiers=("CHILD", "ASSESSMENT")))
    (('lib.assessments', 'CHILD'), ('lib.assessments', 'ASSESSMENT'))
    >>> step_columns(AreaIndex(dataset="lib.header", column=None))
    ()
    """
    match step:
        case ReadColumn() | PeriodMask():
            return ((step.dataset, step.column),)
        case Key():
            return tuple((step.dataset, column) for column in step.identifiers)
        case AreaIndex():
            return () if step.column is None else ((step.dataset, step.column),)
        case _:
            return ()


__all__ = ["AREAS", "SCALAR", "And", "AreaIndex", "Areas", "Arithmetic", "Call", "CodeTest",
           "Compare", "Constant", "GatherUnits", "InPeriod", "IndicatorPlan", "Key", "Link",
           "MissingTest", "Negate", "Not", "Or", "Pair", "PairSide", "Pairs", "PeriodBound",
           "PeriodMask", "Plan", "PublicationPlan", "ReadColumn", "ReduceAreas", "ReducePairs",
           "ReduceUnits", "Rows", "Scalar", "ShiftDates", "Side", "Space", "Step", "UnitIndex",
           "Units", "Window", "Within", "step_columns"]
