"""A checked framework or library file, and its reporting period."""

from __future__ import annotations

from attrs import frozen

from outcomespec.model.declarations import Codelist, Dataset, Geography
from outcomespec.model.expressions import Cohort, Definition
from outcomespec.model.indicators import Goal, Indicator, Section


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
