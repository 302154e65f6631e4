"""Declarations of the model: codelists, datasets and their columns, geographies."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen

from outcomespec.language.source import Span
from outcomespec.model.types import ValueKind, ValueType, span_field


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
    span: Span = span_field()

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


@frozen(kw_only=True)
class Column:
    """A typed column of a dataset; `bounds` are the values it may hold (`range`).

    >>> Column(name="DOB", type=ValueType(ValueKind.DATE), optional=True).since is None
    True
    """

    name: str
    type: ValueType
    optional: bool = False
    since: int | None = None
    until: int | None = None
    """The collection years it is collected from and until (None: no limit)."""
    description: str | None = None
    bounds: ValueRange | None = None
    header: str | None = None
    """Its name in a file's header when that is not `name` (`"Area Code"`, a name with a
    space that no expression could write)."""
    by_label: bool = False
    """A `code` column whose files write each code's label, as published tables write
    categories ("Requires improvement to be good"), not the code itself (`code … by label`)."""
    within: str | None = None
    """For an identifier, the unit it is unique within (`identifier assessment within
    referral`): the unit is identified by this column together with that unit's."""
    national: bool = False
    """For an identifier, whether it names the same unit in every local authority (a unique
    pupil number, `identifier pupil national`), so rows relate on it across authorities."""
    span: Span = span_field()

    @property
    def file_name(self) -> str:
        """The name the column has in a file's header.

        >>> Column(name="area_code", type=ValueType(ValueKind.TEXT), header="Area Code").file_name
        'Area Code'
        """
        return self.header if self.header is not None else self.name


class PeriodKind(enum.Enum):
    """How a dataset's period column labels its years; each maps to the framework's period,
    the year in which the labelled year ends (`outcomespec.loading.periods` reads the labels)."""

    YEAR_ENDING = "year_ending"
    FINANCIAL_YEAR = "financial_year"
    ACADEMIC_YEAR = "academic_year"
    CALENDAR_YEAR = "calendar_year"


class UnknownCodePolicy(enum.Enum):
    """What loading does with a code that is not in the column's codelist."""

    ERROR = "error"
    WARN = "warn"


@frozen(kw_only=True)
class Dataset:
    """A table the framework reads, with the unit each row describes.

    >>> id_column = Column(name="ID", type=ValueType(ValueKind.TEXT))
    >>> Dataset(name="lib.people", rows="child", columns=(id_column,)).column("ID").optional
    False
    """

    name: str
    title: str | None = None
    rows: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    area: str | None = None
    period: str | None = None
    missing_symbols: tuple[str, ...] = ()
    unknown_codes: UnknownCodePolicy = UnknownCodePolicy.ERROR
    period_kind: PeriodKind = PeriodKind.YEAR_ENDING
    """How the `period` column labels its years (meaningless without one)."""
    dated_by: tuple[str, ...] = ()
    """The date columns of its events (`dated by`), which place a record-level return in its
    reporting year: a date of birth does not say which year's return a table belongs to."""
    upper_areas: tuple[str, ...] = ()
    """The columns naming the area of a row above a local authority, in order (`area
    old_la_code or region_code or country_code`): a published table's regional and
    national rows, which leave the authority's column empty."""
    span: Span = span_field()

    def column(self, name: str) -> Column | None:
        """The column called `name`, or None."""
        for column in self.columns:
            if column.name == name:
                return column
        return None

    def file_column(self, header: str) -> Column | None:
        """The column a file's header calls `header` (its `header` or its name), or None."""
        for column in self.columns:
            if column.file_name == header:
                return column
        return None

    @property
    def area_columns(self) -> tuple[str, ...]:
        """Every column naming a row's area, the authority's first (`area` and `upper_areas`)."""
        return (*((self.area,) if self.area else ()), *self.upper_areas)

    def identifier_units(self) -> dict[str, str]:
        """Unit → the column that identifies it in this dataset."""
        return {
            c.type.unit: c.name
            for c in self.columns
            if c.type.kind is ValueKind.IDENTIFIER and c.type.unit
        }

    def unit_path(self, unit: str) -> tuple[Column, ...]:
        """The identifier columns that together identify `unit` in this dataset, outermost
        first: those of the units it is identified `within`, then its own. Empty when the
        dataset has no identifier of `unit`, or of a unit it is identified within.

        >>> child = Column(name="CHILD", type=ValueType(ValueKind.IDENTIFIER, unit="child"))
        >>> episode = Column(name="EPISODE", within="child",
        ...                  type=ValueType(ValueKind.IDENTIFIER, unit="episode"))
        >>> data = Dataset(name="lib.episodes", rows="episode", columns=(child, episode))
        >>> [c.name for c in data.unit_path("episode")]
        ['CHILD', 'EPISODE']
        """
        path: list[Column] = []
        columns = {c.type.unit: c for c in self.columns
                   if c.type.kind is ValueKind.IDENTIFIER and c.type.unit}
        current: str | None = unit
        while current is not None:
            column = columns.get(current)
            if column is None or column in path:
                return ()
            path.insert(0, column)
            current = column.within
        return tuple(path)

    def national(self, unit: str) -> bool:
        """Whether `unit` (or the unit it is identified within, outermost) is named the same
        in every local authority: rows relate on it across authorities."""
        path = self.unit_path(unit)
        return bool(path) and path[0].national


class AreaLevel(enum.StrEnum):
    """The levels results are published at, as the results' `area_type` names them."""

    ENGLAND = "england"
    REGION = "region"
    LOCAL_AUTHORITY = "local_authority"


@frozen(kw_only=True)
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
    name_column: str | None = None
    alternative_codes: tuple[str, ...] = ()
    parent: str | None = None
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
