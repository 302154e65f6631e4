"""Indicators of the model, with their polarity, comparators and confidence; outcomes and goals."""

from __future__ import annotations

import enum

from attrs import frozen

from outcomespec.language.source import Span
from outcomespec.model.expressions import Expr, Population, Quantity
from outcomespec.model.types import span_field


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

    @property
    def has_funnel(self) -> bool:
        """Whether funnel limits can be drawn for it: a proportion's numerator is binomial, a
        rate's and a ratio's Poisson.

        >>> Statistic.RATE.has_funnel, Statistic.MEAN.has_funnel
        (True, False)
        """
        return self in (Statistic.PROPORTION, Statistic.RATE, Statistic.RATIO)


class Polarity(enum.Enum):
    """Whether a higher value is better, worse, or not to be judged."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NO_JUDGEMENT = "no_judgement"
    TARGET_RANGE = "target_range"
    """Good inside a declared range, whether too high or too low outside it (a repeat
    child protection plan rate, say): judged against the range, not by direction."""


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


class ComparatorKind(enum.StrEnum):
    """What an area is compared with."""

    ENGLAND = "england"
    REGION = "region"
    NEIGHBOURS = "neighbours"
    POPULATION = "population"
    TARGET = "target"


class NeighbourMethod(enum.StrEnum):
    """How a comparator's value is made, and how an area is judged against it: the median of
    its neighbours' values, or their counts pooled, judged by the area's confidence interval
    (Fingertips); or by funnel limits around the comparator's value at the area's own
    denominator (PHE's funnel plots), widened for overdispersion (Spiegelhalter 2005)."""

    MEDIAN = "median"
    POOLED = "pooled"
    FUNNEL = "funnel"
    OVERDISPERSED_FUNNEL = "overdispersed_funnel"

    @property
    def funnel(self) -> bool:
        """Whether units are judged by funnel limits.

        >>> NeighbourMethod.OVERDISPERSED_FUNNEL.funnel, NeighbourMethod.POOLED.funnel
        (True, False)
        """
        return self in (NeighbourMethod.FUNNEL, NeighbourMethod.OVERDISPERSED_FUNNEL)


class ComparatorChoice(enum.StrEnum):
    """Where a run takes England, the regions and the neighbours from: as each indicator
    declares, from every indicator's publication, or pooled from the areas evaluated."""

    DECLARED = "declared"
    PUBLISHED = "published"
    POOLED = "pooled"


@frozen
class Comparator:
    """One comparison: `england`, `region`, a neighbour set, another population, a target.

    England, the region and the neighbours are pooled from the areas evaluated, or, when
    `published`, taken from the indicator's `Publication`.
    """

    kind: ComparatorKind
    name: str | None = None
    method: NeighbourMethod | None = None
    target: float | None = None
    same_area: bool = False
    """For a population: the value of the area being judged (all children of the same
    authority), not England's."""
    published: bool = False


@frozen(kw_only=True)
class PublishedCount:
    """A publication's column holding a count, on the rows `rows` selects (None: the
    publication's own rows)."""

    column: str
    rows: Population | None = None


@frozen
class PublishedLimits:
    """The columns of a publication holding one level's confidence limits."""

    level: float
    lower: str
    upper: str


@frozen(kw_only=True)
class Publication:
    """Where an indicator's figures are published: the rows of a published table (one per
    area and reporting period, each area named by the dataset's area columns), the column
    of the value, and those of its counts and confidence limits when the table gives them.

    >>> Publication(rows=Population("lib.rates", ()), value="rate").dataset
    'lib.rates'
    """

    rows: Population
    value: str
    numerator: PublishedCount | None = None
    denominator: PublishedCount | None = None
    limits: tuple[PublishedLimits, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    span: Span = span_field()

    @property
    def dataset(self) -> str:
        """The published table."""
        return self.rows.dataset


@frozen
class Exclusion:
    """Units removed from the cohort, with the reason published beside the definition."""

    condition: Expr
    reason: str | None


class Relation(enum.StrEnum):
    """How closely an outcome or indicator measures the goal it serves."""

    EXACT = "exact"
    BROADER = "broader"
    NARROWER = "narrower"
    PROXY = "proxy"


@frozen
class Serving:
    """A link from an outcome or indicator to a shared goal."""

    goal: str
    relation: Relation


@frozen(kw_only=True)
class Indicator:
    """One indicator of a framework, fully resolved.

    >>> Indicator(name="f.n", framework="f", section="s", title="Children",
    ...           kind=Kind.CONTEXT, statistic=Statistic.COUNT, unit=Unit("count", 1.0),
    ...           polarity=Polarity.NO_JUDGEMENT, confidence=ConfidenceMethod.NONE,
    ...           suppression=(1, 5)).id
    'n'
    """

    name: str
    framework: str
    section: str
    title: str
    kind: Kind
    statistic: Statistic
    cohort: Population | None = None
    numerator: Quantity | None = None
    denominator: Quantity | None = None
    measure: Expr | None = None
    exclusions: tuple[Exclusion, ...] = ()
    unit: Unit
    polarity: Polarity
    rationale: str = ""
    target_range: tuple[float, float] | None = None
    """The values, in the indicator's unit, inside which it is good (`polarity
    target_range`); None for any other polarity."""
    comparators: tuple[Comparator, ...] = ()
    confidence: ConfidenceMethod
    levels: tuple[float, ...] = ()
    suppression: tuple[int, int] | None
    """The counts withheld (`suppress counts 1..5`); None when nothing is."""
    smallest: int | None = None
    """Units counting fewer than this in their denominator are withheld (`suppress
    denominators below 10`); None: no such rule."""
    benchmark: str | None = None
    """The units it compares (a `ComparisonUnits`' name); None: areas."""
    decimals: int = 1
    """The decimal places values and limits are published to (`decimals 0`): the CSV, EES
    and Fingertips layouts round to them, the typed ones keep full precision."""
    publication: Publication | None = None
    breakdowns: tuple[Expr, ...] = ()
    serves: tuple[Serving, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    numerator_subset: SubsetProof = SubsetProof.NOT_APPLICABLE
    origin: str | None = None
    span: Span = span_field()

    @property
    def id(self) -> str:
        """The indicator's name inside its framework (`placements_3plus`)."""
        return self.name.rsplit(".", 1)[-1]

    @property
    def fewest(self) -> int | None:
        """The least denominator a unit is published with: `smallest`, and for units other
        than areas never less than `SMALLEST_UNIT`, declared or not.

        >>> Indicator(name="f.x", framework="f", section="s", title="x", kind=Kind.OUTCOME,
        ...     statistic=Statistic.PROPORTION, unit=Unit("percent", 100.0),
        ...     polarity=Polarity.NO_JUDGEMENT, confidence=ConfidenceMethod.NONE, suppression=None,
        ...     benchmark="f.homes").fewest
        2
        """
        if self.benchmark is None:
            return self.smallest
        return max(self.smallest or 0, SMALLEST_UNIT)


SMALLEST_UNIT = 2
"""The least denominator a unit other than an area is published with: a row counting one
child (a provider with a single placement) tells that child's outcome."""


class SectionKind(enum.StrEnum):
    """What a section of a framework is."""

    OUTCOME = "outcome"
    ENABLER = "enabler"


@frozen(kw_only=True)
class Section:
    """An outcome or enabler heading with its indicators."""

    name: str
    kind: SectionKind
    title: str
    indicators: tuple[Indicator, ...] = ()
    serves: tuple[Serving, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    span: Span = span_field()


@frozen
class Goal:
    """A shared goal."""

    name: str
    title: str
    serves: tuple[Serving, ...]
    metadata: tuple[tuple[str, str], ...]
    span: Span = span_field()
