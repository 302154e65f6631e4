"""Fast CSV writing for the synthetic data generator: whole columns at a time, no row loop.

A field is an (n × width) matrix of bytes padded with NUL bytes, or a `Gather`: rows of a
table of such texts picked by an index (every code, date and identifier is one), copied into
place only when the file is written. Tables are kept in rows of 1, 2, 4, 8 or 16 bytes so
that a gather reads one number per value. A file is written a block of rows at a time: each
field put in its columns of one row matrix, commas and a newline between them, and the NUL
padding dropped. Values never contain NUL, commas, quotes or line breaks (the generator writes
codes, numbers, dates and plain identifiers), so the files are the "plain" CSV that
`outcomespec.loading.loader` cuts into columns with array operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from attrs import frozen

Bytes = npt.NDArray[np.uint8]
Index = npt.NDArray[np.int64]
Days = npt.NDArray[np.int64]
"""Dates as days since 1970-01-01; `NO_DATE` where missing."""

NO_DATE = np.int64(np.iinfo(np.int64).min)
_FIRST_DAY = -25567
"""1 January 1900, in days since 1970."""
_LAST_DAY = 84006
"""1 January 2200."""


@frozen(eq=False)
class Gather:
    """The field whose row i is the first `width` bytes of `table[index[i]]`."""

    table: Bytes
    index: Index
    width: int = -1
    """-1: the table's width."""

    def __len__(self) -> int:
        return len(self.index)

    @property
    def columns(self) -> int:
        """Bytes per value."""
        return int(self.table.shape[1]) if self.width < 0 else self.width


Field = Bytes | Gather
_UNITS = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64, 16: np.complex128}
"""Row widths read as one number each: a table of them is gathered element by element."""


def take(field: Field, rows: npt.NDArray[np.integer], width: int = -1) -> Gather:
    """The field's values at `rows` (without copying the texts)."""
    if isinstance(field, Gather):
        return Gather(field.table, field.index[rows], field.width)
    return Gather(field, np.asarray(rows, dtype=np.int64), width)


def wide(texts: Bytes) -> Bytes:
    """The same texts in rows of 1, 2, 4, 8 or 16 bytes (NUL-padded), the widths that are
    gathered fastest."""
    width = next(w for w in _UNITS if w >= texts.shape[1])
    if width == texts.shape[1] and texts.flags.c_contiguous:
        return texts
    out = np.zeros((len(texts), width), dtype=np.uint8)
    out[:, : texts.shape[1]] = texts
    return out


def table(texts: Sequence[str]) -> Bytes:
    """Texts as a matrix of bytes, one per row, and an empty row last."""
    width = max((len(text) for text in texts), default=1) or 1
    out = np.zeros((len(texts) + 1, width), dtype=np.uint8)
    for i, text in enumerate(texts):
        encoded = text.encode("ascii")
        out[i, : len(encoded)] = np.frombuffer(encoded, dtype=np.uint8)
    return out


def codes(index: npt.NDArray[np.integer], texts: Sequence[str]) -> Gather:
    """Field of code texts: `texts[index]`, empty where the index is negative."""
    index = np.asarray(index, dtype=np.int64)
    return Gather(wide(table(texts)), np.where(index < 0, len(texts), index))


def constant(text: str, n: int) -> Gather:
    """Field holding the same text on every row."""
    return Gather(wide(table([text])), np.zeros(n, dtype=np.int64))


def empty(n: int) -> Gather:
    """Field that is empty on every row."""
    return Gather(np.zeros((1, 1), dtype=np.uint8), np.zeros(n, dtype=np.int64))


_QUADS = np.frombuffer(b"".join(f"{v:04d}".encode() for v in range(10_000)),
                       dtype=np.uint32)
"""Every number 0000-9999 written as four ASCII digits, one uint32 each."""
_LEADING = np.frombuffer(b"".join(f"{v:4d}".replace(" ", "\0").encode()
                                  for v in range(10_000)), dtype=np.uint32)
"""The same without leading zeros (NUL padding instead)."""


def integers(values: npt.NDArray[np.integer], missing: npt.NDArray[np.bool_] | None = None
             ) -> Field:
    """Field of non-negative whole numbers in decimal; empty where `missing`."""
    values = np.asarray(values)
    if values.size and int(values.min()) < 0:
        msg = "integers() writes non-negative numbers only"
        raise ValueError(msg)
    top = int(values.max(initial=0))
    if top < 10_000:  # a lookup
        small = _LEADING.view(np.uint8).reshape(-1, 4)
        index = values.astype(np.int64)
        if missing is not None:
            index = np.where(missing, 10_000, index)
        return Gather(np.vstack([small, np.zeros((1, 4), dtype=np.uint8)]), index)
    out = numbers(values)
    if missing is not None:
        out[missing] = 0
    return out


def numbers(values: npt.NDArray[np.integer]) -> Bytes:
    """Non-negative whole numbers in decimal, as a matrix of bytes (NUL-padded on the left)."""
    values = np.asarray(values)
    top = int(values.max(initial=0))
    values = values.astype(np.int32 if top < 2**31 else np.int64)
    chunks = -(-len(str(top)) // 4)
    quads = np.empty((len(values), chunks), dtype=np.uint32)
    rest = values
    for k in range(chunks - 1, -1, -1):
        place = chunks - 1 - k  # 0 for the last four digits
        above = rest // 10_000
        low = rest - above * 10_000
        quads[:, k] = np.where(above > 0, _QUADS[low], _LEADING[low])
        if place:
            quads[:, k] *= values >= 10 ** (4 * place)
        rest = above
    return quads.view(np.uint8).reshape(len(values), 4 * chunks)


_TENTHS = wide(table([f"{v // 10}.{v % 10}" for v in range(10_000)]))
"""Every number 0.0-999.9 written with one decimal, and an empty row last."""


def tenths(values: npt.NDArray[np.integer]) -> Gather:
    """Field of numbers with one decimal from whole tenths (0 to 9999: 0.0 to 999.9); empty
    where a value is negative."""
    index = np.asarray(values, dtype=np.int64)
    if index.size and int(index.max()) >= 10_000:
        msg = "tenths() writes 0.0 to 999.9 only"
        raise ValueError(msg)
    return Gather(_TENTHS, np.where(index < 0, 10_000, index))


_DATES: list[Bytes] = []


def _date_table() -> Bytes:
    """Every day from 1900 to 2199 written dd/mm/YYYY, and an empty row last."""
    if not _DATES:
        when = np.arange(_FIRST_DAY, _LAST_DAY).astype("datetime64[D]")
        years = when.astype("datetime64[Y]")
        months = when.astype("datetime64[M]")
        year = years.astype(np.int64) + 1970
        month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
        day = (when - months.astype("datetime64[D]")).astype(np.int64) + 1
        out = np.zeros((len(when) + 1, 10), dtype=np.uint8)
        zero = ord("0")
        out[:-1, 0] = day // 10 + zero
        out[:-1, 1] = day % 10 + zero
        out[:-1, 2] = ord("/")
        out[:-1, 3] = month // 10 + zero
        out[:-1, 4] = month % 10 + zero
        out[:-1, 5] = ord("/")
        for k in range(4):
            out[:-1, 9 - k] = (year // 10**k) % 10 + zero
        _DATES.append(wide(out))
    return _DATES[0]


def dates(days: npt.NDArray[np.integer]) -> Gather:
    """Field of dates written dd/mm/YYYY (1900-2199); empty where the day is `NO_DATE`."""
    days = np.asarray(days, dtype=np.int64)
    missing = (days == NO_DATE) | (days < _FIRST_DAY) | (days >= _LAST_DAY)
    return Gather(_date_table(), np.where(missing, _LAST_DAY - _FIRST_DAY, days - _FIRST_DAY),
                  10)


def texts(values: npt.NDArray[np.bytes_]) -> Bytes:
    """Field of byte strings (ASCII, no commas)."""
    values = np.asarray(values, dtype=np.bytes_)
    width = max(values.dtype.itemsize, 1)
    return np.ascontiguousarray(values.astype(f"S{width}")).view(np.uint8).reshape(-1, width)


def write(path: Path, columns: Sequence[tuple[str, Field]]) -> int:
    """Write a CSV file with a header line; return the number of data rows."""
    names = ",".join(name for name, _ in columns) + "\n"
    n = len(columns[0][1]) if columns else 0
    widths = [(field.columns if isinstance(field, Gather) else field.shape[1]) + 1
              for _, field in columns]  # each field and the separator after it
    for name, field in columns:
        if len(field) != n:
            msg = f"column {name} has {len(field)} rows, not {n}"
            raise ValueError(msg)
    block = 1 << 16  # rows at a time: the row matrix stays in cache
    matrix = np.empty((min(block, n), sum(widths)), dtype=np.uint8)
    units: dict[int, npt.NDArray[np.generic]] = {}
    for _, field in columns:
        if isinstance(field, Gather) and field.table.shape[1] in _UNITS:
            table = np.ascontiguousarray(field.table)
            units[id(field.table)] = table.view(_UNITS[table.shape[1]]).reshape(-1)
    with path.open("wb") as out:
        out.write(names.encode("ascii"))
        for start in range(0, n, block):
            stop = min(start + block, n)
            rows = matrix[: stop - start]
            at = 0
            for (_, field), width in zip(columns, widths, strict=True):
                place = rows[:, at: at + width - 1]
                if isinstance(field, Gather):
                    index = field.index[start:stop]
                    unit = units.get(id(field.table))
                    if unit is None:
                        place[...] = field.table[index][:, : width - 1]
                    else:
                        size = field.table.shape[1]
                        place[...] = unit[index].view(np.uint8).reshape(-1, size)[
                            :, : width - 1]
                else:
                    place[...] = field[start:stop]
                rows[:, at + width - 1] = ord(",")
                at += width
            rows[:, -1] = ord("\n")
            out.write(rows.tobytes().translate(None, b"\0"))
    return n


def texts_of(field: Field) -> list[str]:
    """The field's values as texts, as `write` puts them in a file (NUL padding dropped)."""
    if isinstance(field, Gather):
        width = field.columns
        matrix = np.ascontiguousarray(field.table[field.index][:, :width])
    else:
        matrix, width = np.ascontiguousarray(field), field.shape[1]
    if not len(matrix):
        return []
    packed = matrix.view(f"S{max(width, 1)}").reshape(-1)
    return [value.replace(b"\0", b"").decode("ascii") for value in packed.tolist()]
