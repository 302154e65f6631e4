"""A dataset's rows as typed NumPy columns: what loading produces and evaluation reads.

One encoding per declared type, chosen so that every kernel is a plain vectorised NumPy
operation and a missing value can never be mistaken for a real one:

| declared type        | array                                   | missing          |
|----------------------|-----------------------------------------|------------------|
| `code CODELIST`      | int32 index into the codelist's codes   | -1               |
| `date`               | datetime64[D]                           | NaT              |
| `integer`, `number`  | float64                                 | NaN              |
| `boolean`            | int8, 1 true / 0 false                  | -1               |
| `text`, `identifier` | str (NumPy unicode)                     | "" (empty)       |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any, assert_never

import numpy as np
import numpy.typing as npt
from attrs import Factory, define, field, frozen

from outcomespec import model as m
from outcomespec.loading.periods import row_periods

MISSING_CODE = -1
MISSING_BOOLEAN = -1


def dtype_for(value_type: m.ValueType) -> np.dtype[Any]:
    """The NumPy dtype that holds a column of this declared type.

    >>> dtype_for(m.DATE)
    dtype('<M8[D]')
    """
    match value_type.kind:
        case m.ValueKind.CODE:
            return np.dtype(np.int32)
        case m.ValueKind.DATE:
            return np.dtype("datetime64[D]")
        case m.ValueKind.NUMBER:
            return np.dtype(np.float64)
        case m.ValueKind.BOOLEAN:
            return np.dtype(np.int8)
        case m.ValueKind.TEXT | m.ValueKind.IDENTIFIER:
            return np.dtype(np.str_)
        case m.ValueKind.DURATION:
            raise ValueError("durations are not stored in tables")
        case _:
            assert_never(value_type.kind)


def missing_mask(values: npt.NDArray[Any], value_type: m.ValueType) -> npt.NDArray[np.bool_]:
    """True where the value is missing, by the encoding above."""
    match value_type.kind:
        case m.ValueKind.CODE:
            return np.asarray(values == MISSING_CODE)
        case m.ValueKind.BOOLEAN:
            return np.asarray(values == MISSING_BOOLEAN)
        case m.ValueKind.DATE:
            return np.asarray(np.isnat(values), dtype=np.bool_)
        case m.ValueKind.NUMBER:
            return np.asarray(np.isnan(values), dtype=np.bool_)
        case _:
            return np.asarray(values == "")


@frozen(eq=False)
class UnitCodes:
    """One unit's identifiers (such as CHILD) as dense integer codes shared by several tables:
    equal codes for equal identifiers, -1 for missing.

    `by_id` codes the identifier alone; `by_area` codes (area, identifier) (in a table with
    no area column, the area is empty), as identifiers such as CHILD are unique only within
    one local authority. Both map dataset name → one code per row; `by_id` is empty when
    every table declares an area column, as nothing relates them on the identifier alone.
    """

    unit: str
    by_id: Mapping[str, npt.NDArray[np.int64]] = field(repr=False)
    n_ids: int
    by_area: Mapping[str, npt.NDArray[np.int64]] = field(repr=False)
    n_pairs: int
    area_order: Mapping[str, npt.NDArray[np.int32 | np.int64]] = field(repr=False)
    """Dataset name → its rows that have a code, ordered by `by_area` code, then row: what
    relating two tables row by row needs, kept from the sort that made the codes."""


@frozen(eq=False)
class AreaCodes:
    """The area column of several tables as dense codes: `codes` maps dataset name → one
    code per row (an index into `texts`); a table with no area column has the empty area."""

    codes: Mapping[str, npt.NDArray[np.signedinteger[Any]]] = field(repr=False)
    texts: tuple[str, ...]


@define(eq=False)
class SharedCodes:
    """The identifier and area codes of tables read together (`outcomespec.loading.identifiers`),
    each made when first asked for: checking a table's keys or relating two tables."""

    make_units: Callable[[str], UnitCodes] = field(repr=False)
    make_areas: Callable[[], AreaCodes] = field(repr=False)
    made: dict[str, UnitCodes] = field(factory=dict, repr=False)
    made_areas: AreaCodes | None = field(default=None, repr=False)

    def codes(self, unit: str) -> UnitCodes:
        """The codes of `unit` in every table read together that identifies it."""
        found = self.made.get(unit)
        if found is None:
            found = self.made[unit] = self.make_units(unit)
        return found

    def areas(self) -> AreaCodes:
        """The codes of every table's area column."""
        if self.made_areas is None:
            self.made_areas = self.make_areas()
        return self.made_areas


def _periods_of(table: Table) -> npt.NDArray[np.int64] | None:
    """The period of each row, read from the dataset's period column (None without one)."""
    column = table.dataset.period
    if column is None or column not in table.columns:
        return None
    return row_periods(table.columns[column], table.dataset.period_kind).periods


@frozen(eq=False)
class Table:
    """The rows of one dataset, each declared column as one typed array of equal length."""

    dataset: m.Dataset
    columns: Mapping[str, npt.NDArray[Any]] = field(repr=lambda c: f"<{len(c)} columns>")
    code_tables: Mapping[str, tuple[str, ...]] = field(factory=dict, repr=False)
    """Code column → the code texts its integers index (the codelist's codes, in order)."""
    shared: SharedCodes | None = field(default=None, repr=False)
    """Its identifiers' codes, shared with the tables loaded with it."""
    source: str = ""
    """How diagnostics name where the rows came from (a file's path as given)."""
    lines: npt.NDArray[np.int64] | None = field(default=None, repr=False)
    """The line of each row in its file (header = line 1); None: row i is line i + 2."""
    markers: Mapping[str, npt.NDArray[np.int8]] = field(factory=dict, repr=False)
    """Column → which declared missing-value symbol made each value missing (an
    `outcomespec.model.notes.Marker` per row, 0 where none did), for the columns where one did:
    what tells a suppressed published count (`c`) from one not applicable (`z`)."""
    periods: npt.NDArray[np.int64] | None = field(
        default=Factory(_periods_of, takes_self=True), repr=False)
    """The reporting period of each row (-1 where missing or unreadable), read once from the
    period column by the loader (or here, when not given); None without a period column."""

    def __attrs_post_init__(self) -> None:
        lengths = {len(values) for values in self.columns.values()}
        if self.periods is not None:
            lengths.add(len(self.periods))
        if len(lengths) > 1:
            msg = f"columns of `{self.dataset.name}` differ in length: {sorted(lengths)}"
            raise ValueError(msg)

    @property
    def n_rows(self) -> int:
        """How many rows the table holds."""
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def line(self, row: int) -> int:
        """The line of the file that `row` was read from (the header is line 1)."""
        return int(self.lines[row]) if self.lines is not None else row + 2

    def rows(self) -> Iterator[dict[str, Any]]:
        """Rows as plain Python values (None for missing): for the reference interpreter.

        Codes become their code text, dates `datetime.date`, booleans `bool`.
        """
        decoded = {name: self._python_values(name) for name in self.columns}
        for index in range(self.n_rows):
            yield {name: values[index] for name, values in decoded.items()}

    def _python_values(self, name: str) -> list[Any]:
        column = self.dataset.column(name)
        values = self.columns[name]
        if column is None:
            return list(values.tolist())
        missing = missing_mask(values, column.type)
        kind = column.type.kind
        out: list[Any]
        if kind is m.ValueKind.CODE:
            codes = self.codes_of(name)
            out = [codes[i] if i >= 0 else None for i in values.tolist()]
        elif kind is m.ValueKind.DATE:
            out = [None if gone else dt.date.fromisoformat(text) for text, gone
                   in zip(values.astype(str).tolist(), missing.tolist(), strict=True)]
        elif kind is m.ValueKind.BOOLEAN:
            out = [bool(v) for v in values.tolist()]
        elif kind is m.ValueKind.NUMBER:
            out = [float(v) for v in values.tolist()]
        else:
            out = [str(v) for v in values.tolist()]
        return [None if gone else value for value, gone in zip(out, missing.tolist(),
                                                                strict=True)]

    def codes_of(self, name: str) -> tuple[str, ...]:
        """The code texts a code column's integers index (set by the loader)."""
        codes = self.code_tables.get(name)
        if codes is None:
            msg = f"`{name}` of `{self.dataset.name}` is not a code column"
            raise KeyError(msg)
        return codes
