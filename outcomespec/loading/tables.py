"""A dataset's rows as typed NumPy columns: what loading produces and evaluation reads.

One encoding per declared type, as compact as a national file needs (ten years of records
are some 50 million rows) and chosen so that a missing value can never be mistaken for a
real one:

| declared type        | stored array (`Table.columns`)                    | missing  |
|----------------------|---------------------------------------------------|----------|
| `code CODELIST`      | index into the codelist's codes                   | -1       |
| `date`               | int32, days since 1970-01-01                      | -2³¹     |
| `integer`, `number`  | float64                                           | NaN      |
| `boolean`            | int8, 1 true / 0 false                            | -1       |
| `text`               | index into the column's distinct texts (`texts`)  | -1       |
| `identifier`         | int32 code of (area, identifier) (`identifiers`)  | -1       |

An index is int8, int16 or int32, the narrowest that holds it (a codelist of 40 codes takes
one byte a row, an authority's code two). The identifiers of tables read together are coded
together (`outcomespec.loading.identifiers.share_codes`): equal codes, in any of them, are one
identifier of one authority, and `texts` gives the identifier of each code.

Evaluation reads a column through `Table.values`, in the encoding its kernels compute with:
dates as datetime64[D] (NaT missing), text and identifiers as str ("" missing), the others
as stored. Each text is stored once per column, so equal indices are equal texts: keys,
repeated rows and relations between tables compare integers, never texts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any, assert_never

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from attrs import Factory, define, field, frozen

from outcomespec import model as m
from outcomespec.loading.coding import dictionary_codes, index_dtype, without_entries
from outcomespec.loading.periods import row_periods

MISSING_CODE = -1
MISSING_BOOLEAN = -1
MISSING_DAY = np.iinfo(np.int32).min
"""A missing date, in days since 1970-01-01: no date a file can write (years 1 to 9999)."""
_NOT_A_TIME = np.iinfo(np.int64).min  # NaT as an int64


def raw_missing(numbers: npt.NDArray[np.signedinteger[Any]]) -> npt.NDArray[np.bool_]:
    """Where identifiers read as whole numbers, before they are coded, are missing: the
    smallest number of their type (int32, or int64 for numbers that need it) stands for it.

    >>> raw_missing(np.array([7, -2147483648], dtype=np.int32)).tolist()
    [False, True]
    """
    return np.asarray(numbers == np.iinfo(numbers.dtype).min)


def dtype_for(value_type: m.ValueType, distinct: int = 0) -> np.dtype[Any]:
    """The NumPy dtype that stores a column of this declared type; `distinct`: how many
    codes or texts the column's indices point into.

    >>> dtype_for(m.DATE), dtype_for(m.TEXT, 300)
    (dtype('int32'), dtype('int16'))
    """
    match value_type.kind:
        case m.ValueKind.CODE | m.ValueKind.TEXT | m.ValueKind.IDENTIFIER:
            return index_dtype(distinct)
        case m.ValueKind.DATE:
            return np.dtype(np.int32)
        case m.ValueKind.NUMBER:
            return np.dtype(np.float64)
        case m.ValueKind.BOOLEAN:
            return np.dtype(np.int8)
        case m.ValueKind.DURATION:
            raise ValueError("durations are not stored in tables")
        case _:
            assert_never(value_type.kind)


def missing_mask(values: npt.NDArray[Any], value_type: m.ValueType) -> npt.NDArray[np.bool_]:
    """True where the value is missing, in the stored encoding above or as `Table.values`
    gives it."""
    match value_type.kind:
        case m.ValueKind.CODE | m.ValueKind.BOOLEAN:
            return np.asarray(values < 0)
        case m.ValueKind.DATE:
            if values.dtype.kind == "M":
                return np.asarray(np.isnat(values), dtype=np.bool_)
            return np.asarray(values == MISSING_DAY)
        case m.ValueKind.NUMBER:
            return np.asarray(np.isnan(values), dtype=np.bool_)
        case m.ValueKind.TEXT | m.ValueKind.IDENTIFIER:
            if values.dtype.kind in "US":
                return np.asarray(values == "")
            return np.asarray(values < 0)
        case m.ValueKind.DURATION:
            raise ValueError("durations are not stored in tables")
        case _:
            assert_never(value_type.kind)


def days_of(dates: npt.NDArray[Any]) -> npt.NDArray[np.int32]:
    """Dates (datetime64 of any unit, NaT missing) as stored: int32 days, `MISSING_DAY`.

    >>> days_of(np.array(["1970-01-02", "NaT"], dtype="datetime64[D]")).tolist()
    [1, -2147483648]
    """
    days = np.asarray(dates).astype("datetime64[D]").view(np.int64)
    return np.where(days == _NOT_A_TIME, MISSING_DAY, days).astype(np.int32)


def dates_of(days: npt.NDArray[Any]) -> npt.NDArray[np.datetime64]:
    """Stored days as datetime64[D], NaT where missing (what date kernels compute with).

    >>> dates_of(np.array([1, -2147483648], dtype=np.int32)).tolist()
    [datetime.date(1970, 1, 2), None]
    """
    wide = days.astype(np.int64)
    wide[days == MISSING_DAY] = _NOT_A_TIME
    return wide.view("datetime64[D]")


def texts_of(indices: npt.NDArray[Any], distinct: Any) -> npt.NDArray[np.str_]:
    """Stored text indices as str, "" where missing (-1).

    >>> texts_of(np.array([1, -1, 0], dtype=np.int8), pa.array(["a", "b"])).tolist()
    ['b', '', 'a']
    """
    known = np.asarray([*distinct.to_pylist(), ""], dtype=np.str_)
    texts: npt.NDArray[np.str_] = known[indices]
    return texts


def encode_texts(values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], Any]:
    """Text values ("" missing) as stored: indices into their distinct texts, and those.

    >>> indices, distinct = encode_texts(np.array(["b", "", "a", "b"]))
    >>> indices.tolist(), distinct.to_pylist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    indices, distinct = dictionary_codes(pa.array(np.asarray(values, dtype=np.str_)),
                                         unique=True)
    empty = np.asarray(pc.equal(distinct, "").to_numpy(zero_copy_only=False), dtype=np.bool_)
    indices, distinct = without_entries(indices, distinct, empty)
    return indices.astype(index_dtype(len(distinct))), distinct


@frozen(eq=False)
class UnitCodes:
    """One unit's identifiers (such as CHILD) as dense integer codes shared by several tables:
    equal codes for equal identifiers, -1 for missing.

    `by_id` codes the identifier alone; `by_area` codes (area, identifier) (in a table with
    no area column, the area is empty), as identifiers such as CHILD are unique only within
    one local authority: what the tables' identifier columns store. Both map dataset name →
    one code per row; `by_id` is empty when every table declares an area column, as nothing
    relates them on the identifier alone.
    """

    unit: str
    by_id: Mapping[str, npt.NDArray[np.int32]] = field(repr=False)
    n_ids: int
    """How many identifiers `by_id` codes (0 when it is empty)."""
    by_area: Mapping[str, npt.NDArray[np.int32]] = field(repr=False)
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
    return row_periods(table.values(column), table.dataset.period_kind).periods


@frozen(eq=False)
class Table:
    """The rows of one dataset, each declared column as one typed array of equal length."""

    dataset: m.Dataset
    columns: Mapping[str, npt.NDArray[Any]] = field(repr=lambda c: f"<{len(c)} columns>")
    """Column → its values as stored (the encoding above)."""
    code_tables: Mapping[str, tuple[str, ...]] = field(factory=dict, repr=False)
    """Code column → the code texts its integers index (the codelist's codes, in order)."""
    texts: Mapping[str, Any] = field(factory=dict, repr=False)
    """Text or identifier column → the distinct texts its integers index, each once: a
    pyarrow string array, or an int64 array for identifiers all written as whole numbers
    (each the number the text writes)."""
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

    @classmethod
    def of(cls, dataset: m.Dataset, columns: Mapping[str, npt.NDArray[Any]],
           code_tables: Mapping[str, tuple[str, ...]] | None = None, **fields: Any) -> Table:
        """A table from columns in the encoding `values` gives (datetime64 dates, str texts
        with "" missing, codes as indices): for tables built in code rather than loaded."""
        stored: dict[str, npt.NDArray[Any]] = {}
        texts: dict[str, Any] = {}
        for name, values in columns.items():
            column = dataset.column(name)
            kind = column.type.kind if column is not None else None
            if kind is m.ValueKind.DATE:
                stored[name] = days_of(values)
            elif kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER):
                stored[name], texts[name] = encode_texts(values)
            elif kind is m.ValueKind.CODE:
                stored[name] = np.asarray(values).astype(
                    index_dtype(len((code_tables or {}).get(name, ()))))
            else:
                stored[name] = np.asarray(values)
        return cls(dataset, stored, dict(code_tables or {}), texts, **fields)

    @property
    def n_rows(self) -> int:
        """How many rows the table holds."""
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def line(self, row: int) -> int:
        """The line of the file that `row` was read from (the header is line 1)."""
        return int(self.lines[row]) if self.lines is not None else row + 2

    def values(self, name: str) -> npt.NDArray[Any]:
        """A column as evaluation reads it: dates as datetime64[D] (NaT missing), text and
        identifiers as str ("" missing), others as stored."""
        stored = self.columns[name]
        column = self.dataset.column(name)
        kind = column.type.kind if column is not None else None
        if kind is m.ValueKind.DATE:
            return dates_of(stored)
        if kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER) and name in self.texts:
            return texts_of(stored, self.texts[name])
        if kind is m.ValueKind.IDENTIFIER:  # whole numbers, not coded yet
            return np.where(raw_missing(stored), "", stored.astype(np.str_))
        return stored

    def rows(self) -> Iterator[dict[str, Any]]:
        """Rows as plain Python values (None for missing): for the reference interpreter.

        Codes become their code text, dates `datetime.date`, booleans `bool`.
        """
        decoded = {name: self._python_values(name) for name in self.columns}
        for index in range(self.n_rows):
            yield {name: values[index] for name, values in decoded.items()}

    def _python_values(self, name: str) -> list[Any]:
        column = self.dataset.column(name)
        values = self.values(name)
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
