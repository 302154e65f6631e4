"""The checked model: what a framework means, with every name resolved and every value typed.

The checker builds it from syntax trees; the compiler and the publishers read it. Nothing
here refers back to how the text was laid out, except spans (kept out of equality) so that
later stages can still point at the source. Names of declarations are qualified by the
module that declares them (`ssda903.episodes`), so models of several files never collide.

One module per part: value `types`, `declarations` (codelists, datasets, geographies),
`expressions`, `indicators` (and outcomes and goals), the `framework` itself, and the
`notes` that say why a published value is blank.
"""
from outcomespec.model.declarations import (
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
    Arithmetic,
    Call,
    CodeTest,
    Cohort,
    ColumnRef,
    Comparison,
    Definition,
    DefinitionRef,
    Duration,
    Expr,
    InPeriod,
    Literal,
    Logical,
    MissingTest,
    Negate,
    Not,
    Periods,
    PeriodValue,
    Population,
    Quantity,
    Within,
)
from outcomespec.model.framework import (
    Framework,
    ReportingPeriod,
)
from outcomespec.model.indicators import (
    Comparator,
    ConfidenceMethod,
    Exclusion,
    Goal,
    Indicator,
    Kind,
    Polarity,
    Section,
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

__all__ = ["BOOLEAN", "CURRENT", "DATE", "DURATION", "NUMBER", "TEXT", "Aggregate", "Arithmetic",
           "Call", "Code", "CodeTest", "Codelist", "Cohort", "Column", "ColumnRef",
           "Comparator", "Comparison", "ConfidenceMethod", "Dataset", "Definition",
           "DefinitionRef", "Duration", "Exclusion", "Expr", "Framework", "GeoLevel",
           "Geography", "Goal", "InPeriod", "Indicator", "Kind", "Literal", "Logical",
           "MissingTest", "Negate", "NeighbourSet", "Not", "PeriodKind", "PeriodValue",
           "Periods", "Polarity", "Population", "Quantity", "ReportingPeriod",
           "Section", "Serving", "Statistic", "SubsetProof", "Unit",
           "UnknownCodePolicy", "ValueKind", "ValueRange", "ValueType", "Within"]
