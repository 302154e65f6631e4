"""A checked framework or library file, and its reporting period."""

from __future__ import annotations

import enum

from attrs import frozen

from outcomespec.model.comparisons import ComparisonUnits
from outcomespec.model.declarations import AreaLevel, Codelist, Dataset, Geography
from outcomespec.model.expressions import Cohort, Definition
from outcomespec.model.indicators import Goal, Indicator, Section


@frozen
class ReportingPeriod:
    """The reporting year: it ends on `day` `month` (31 March by default)."""

    day: int = 31
    month: int = 3


class ModuleKind(enum.StrEnum):
    """A framework (outcomes and indicators) or a library (datasets and definitions)."""

    FRAMEWORK = "framework"
    LIBRARY = "library"


@frozen(kw_only=True)
class Framework:
    """A checked framework or library file and everything it declares.

    >>> Framework(name="empty", kind=ModuleKind.FRAMEWORK, path="empty.ospec").indicators
    ()
    """

    name: str
    kind: ModuleKind
    title: str | None = None
    path: str
    imports: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    period: ReportingPeriod = ReportingPeriod()
    suppression: tuple[int, int] | None = (1, 5)
    """The counts withheld by default (`suppress counts`); None when nothing is."""
    rounding: tuple[tuple[AreaLevel, ...], int] | None = None
    """The levels whose counts are rounded, and to what (`round england, region to …`)."""
    codelists: tuple[Codelist, ...] = ()
    datasets: tuple[Dataset, ...] = ()
    geographies: tuple[Geography, ...] = ()
    comparisons: tuple[ComparisonUnits, ...] = ()
    """Units compared other than areas, declared here (`comparison … { … }`)."""
    benchmark: str | None = None
    """The units the framework's indicators compare by default (`benchmark providers`);
    None: local authorities, regions and England."""
    definitions: tuple[Definition, ...] = ()
    cohorts: tuple[Cohort, ...] = ()
    sections: tuple[Section, ...] = ()
    goals: tuple[Goal, ...] = ()

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, in the order the sections declare them."""
        return tuple(ind for section in self.sections for ind in section.indicators)
