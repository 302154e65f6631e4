"""What checking one module needs at hand: its names, the models built so far, and the sink
for diagnostics. Passed explicitly to every check so that no state is hidden or global."""

from __future__ import annotations

from attrs import define, field

from outcomespec import model as m
from outcomespec.checking.scope import Resolver
from outcomespec.language.diagnostics import Diagnostic


@define
class Registry:
    """Models of every declaration checked so far, by qualified name, across all modules."""

    codelists: dict[str, m.Codelist] = field(factory=dict)
    datasets: dict[str, m.Dataset] = field(factory=dict)
    geographies: dict[str, m.Geography] = field(factory=dict)
    definitions: dict[str, m.Definition] = field(factory=dict)
    cohorts: dict[str, m.Cohort] = field(factory=dict)
    indicators: dict[str, m.Indicator] = field(factory=dict)
    goals: dict[str, m.Goal] = field(factory=dict)
    failed: set[str] = field(factory=set)


@define
class Context:
    """Checking state for one module."""

    module: str
    kind: str
    resolver: Resolver
    registry: Registry
    diagnostics: list[Diagnostic]
    in_progress: list[str] = field(factory=list)

    def report(self, diagnostic: Diagnostic) -> None:
        """Collect a diagnostic; checking always goes on."""
        self.diagnostics.append(diagnostic)
