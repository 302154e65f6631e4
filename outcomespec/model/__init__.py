"""The checked model: what a framework means, with every name resolved and every value typed.

The checker builds it from syntax trees; the compiler and the publishers read it. Nothing
here refers back to how the text was laid out, except spans (kept out of equality) so that
later stages can still point at the source. Names of declarations are qualified by the
module that declares them (`ssda903.episodes`), so models of several files never collide.

One module per part: value `types`, `declarations` (codelists, datasets, geographies),
the `comparisons` of units other than areas (providers of care),
`expressions`, `indicators` (and outcomes and goals), the `framework` itself, the `notes`
that say why a published value is blank, and the `rendering` of expressions as the language
writes them. Every closed set of words (operators, functions, comparator kinds, relations,
area levels, …) is an enumeration whose values are the words as written.
"""
from outcomespec.model.comparisons import ComparisonUnits, UnitRows
from outcomespec.model.declarations import (
    AreaLevel,
    Code,
    Codelist,
    Column,
    Dataset,
    Geography,
    GeoLevel,
    NeighbourSet,
    PeriodKind,
    UnknownCodePolicy,
    ValueRange,
)
from outcomespec.model.expressions import (
    CURRENT,
    Aggregate,
    AggregateFunction,
    Arithmetic,
    ArithmeticOp,
    Call,
    CodeTest,
    Cohort,
    ColumnRef,
    Comparison,
    ComparisonOp,
    Definition,
    DefinitionRef,
    Direction,
    Duration,
    Expr,
    Function,
    InPeriod,
    Literal,
    Logical,
    LogicalOp,
    MissingTest,
    Negate,
    Not,
    PeriodField,
    Periods,
    PeriodValue,
    Population,
    Quantity,
    Within,
)
from outcomespec.model.framework import (
    Framework,
    ModuleKind,
    ReportingPeriod,
)
from outcomespec.model.indicators import (
    SMALLEST_UNIT,
    Comparator,
    ComparatorChoice,
    ComparatorKind,
    ConfidenceMethod,
    Exclusion,
    Goal,
    Indicator,
    Kind,
    NeighbourMethod,
    Polarity,
    Publication,
    PublishedCount,
    PublishedLimits,
    Relation,
    Section,
    SectionKind,
    Serving,
    Statistic,
    SubsetProof,
    Unit,
)
from outcomespec.model.types import (
    BOOLEAN,
    DATE,
    DURATION,
    NUMBER,
    TEXT,
    ValueKind,
    ValueType,
)

__all__ = ["BOOLEAN", "CURRENT", "DATE", "DURATION", "NUMBER", "SMALLEST_UNIT", "TEXT",
           "Aggregate", "AggregateFunction", "AreaLevel", "Arithmetic", "ArithmeticOp", "Call",
           "Code", "CodeTest", "Codelist", "Cohort", "Column", "ColumnRef", "Comparator",
           "ComparatorChoice", "ComparatorKind", "Comparison", "ComparisonOp",
           "ComparisonUnits", "ConfidenceMethod", "Dataset", "Definition", "DefinitionRef",
           "Direction", "Duration", "Exclusion", "Expr", "Framework", "Function", "GeoLevel",
           "Geography", "Goal", "InPeriod", "Indicator", "Kind", "Literal", "Logical",
           "LogicalOp", "MissingTest", "ModuleKind", "Negate", "NeighbourMethod", "NeighbourSet",
           "Not", "PeriodField", "PeriodKind", "PeriodValue", "Periods", "Polarity", "Population",
           "Publication", "PublishedCount", "PublishedLimits", "Quantity", "Relation",
           "ReportingPeriod", "Section", "SectionKind", "Serving", "Statistic", "SubsetProof",
           "Unit", "UnitRows", "UnknownCodePolicy", "ValueKind", "ValueRange", "ValueType",
           "Within"]
