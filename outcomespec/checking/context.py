"""What checking one module needs at hand: its names, the models built so far, and the sink
for diagnostics. Passed explicitly to every check so that no state is hidden or global."""

from __future__ import annotations

from attrs import define, field, frozen

from outcomespec import model as m
from outcomespec.checking.scope import Resolver
from outcomespec.language.diagnostics import Diagnostic


@define
class Registry:
    """Models of every declaration checked so far, by qualified name, across all modules."""

    codelists: dict[str, m.Codelist] = field(factory=dict)
    datasets: dict[str, m.Dataset] = field(factory=dict)
    geographies: dict[str, m.Geography] = field(factory=dict)
    comparisons: dict[str, m.ComparisonUnits] = field(factory=dict)
    definitions: dict[str, m.Definition] = field(factory=dict)
    cohorts: dict[str, m.Cohort] = field(factory=dict)
    indicators: dict[str, m.Indicator] = field(factory=dict)
    goals: dict[str, m.Goal] = field(factory=dict)
    failed: set[str] = field(factory=set)


@frozen
class Settings:
    """A framework's settings, defaults for its indicators: reporting period, suppression of
    small counts, rounding."""

    period: m.ReportingPeriod = field(factory=m.ReportingPeriod)
    suppression: tuple[int, int] | None = (1, 5)
    """`suppress counts LOW..HIGH`, or None for `suppress none`."""
    rounding: tuple[tuple[m.AreaLevel, ...], int] | None = None
    smallest: int | None = None
    """`suppress denominators below N`: units counting fewer are withheld."""
    benchmark: m.ComparisonUnits | None = None
    """`benchmark NAME`: the units the indicators compare (None: areas)."""


@define
class Context:
    """Checking state for one module."""

    module: str
    kind: m.ModuleKind
    resolver: Resolver
    registry: Registry
    diagnostics: list[Diagnostic]
    in_progress: list[str] = field(factory=list)

    def report(self, diagnostic: Diagnostic) -> None:
        """Collect a diagnostic; checking always goes on."""
        self.diagnostics.append(diagnostic)
