"""Rows that repeat: two rows with one key (D107), and a row repeated whole (D121).

Both compare stored values, which are integers or floats for every declared type (a text is
the index of its one copy among the column's distinct texts), so a national file costs a
few passes over its columns and one sort.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from outcomespec import model as m
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.coding import factorize, first_rows
from outcomespec.loading.conversion import display_value
from outcomespec.loading.sources import CAP
from outcomespec.loading.tables import Table, missing_mask

__all__ = ["duplicate_keys", "repeated_rows"]

Lines = Callable[[npt.NDArray[np.intp]], npt.NDArray[np.int64]]
"""Rows → the lines of the file they were read from."""


def duplicate_keys(table: Table, lines: Lines, absent: tuple[str, ...] = ()
                   ) -> tuple[list[Diagnostic], npt.NDArray[np.bool_]]:
    """Rows sharing a key (D107), and which rows the key covers (none when a key column is
    `absent` from the file: that is reported where it is read). Identifiers such as CHILD
    are unique only within a local authority, so a pooled file's key is (area, key) when
    the file has the area column.

    A missing identifier identifies nothing, so its row is left to `repeated_rows`; an
    empty value of any other key column is a value like another: a published table's
    national row has no authority code, and two such rows of one year and category are
    one row given twice."""
    dataset = table.dataset
    key = dataset.key
    nothing = np.zeros(table.n_rows, dtype=np.bool_)
    if not key or table.n_rows < 2 or set(key) & set(absent):
        return [], nothing
    area = dataset.area
    if area is not None and area in table.columns and area not in key:
        key = (area, *key)
    valid = np.ones(table.n_rows, dtype=np.bool_)
    combined = np.zeros(table.n_rows, dtype=np.int64)
    units = {column: unit for unit, column in dataset.identifier_units().items()
             if column in key}
    coded = {column: table.shared.codes(unit) for column, unit in units.items()
             if table.shared is not None}
    for name in key:
        column = dataset.column(name)
        if column is None:
            return [], nothing
        values = table.columns[name]
        if column.type.kind is m.ValueKind.IDENTIFIER:
            valid &= ~missing_mask(values, column.type)
        codes = coded.get(name)
        if name == area and any(other in coded for other in key):
            continue  # coded with the identifier, below
        if codes is not None and area in key:  # (area, name) coded together
            ids, bound = codes.by_area[dataset.name].astype(np.int64), codes.n_pairs
        elif codes is not None:
            ids, bound = codes.by_id[dataset.name].astype(np.int64), codes.n_ids
        else:
            ids = group_ids(values)
            bound = int(ids.max(initial=0)) + 1
        combined = combined * bound + np.maximum(ids, 0)
        combined = factorize(combined)[0]
    rows = np.flatnonzero(valid)
    original = rows[first_rows(combined[rows])]
    repeats = np.flatnonzero(original != rows)
    names = ", ".join(key)
    found = []
    short = _short(dataset.name)
    for index in repeats[:CAP].tolist():
        row, other = int(rows[index]), int(original[index])
        line, first = lines(np.asarray([row, other]))
        shown = ", ".join(f"`{display_value(table, name, row)}`" for name in key)
        found.append(Diagnostic.of(
            "D107", f"duplicate key: line {line} has the same {names} as line {first} "
            f"({shown})", None, path=table.source, line=int(line),
            help=f"each row of `{short}` must have a different {names} (its `key`); correct "
            "or remove one of the two rows"))
    if len(repeats) > CAP:
        rest = np.sort(lines(rows[repeats[CAP:]]))
        found.append(Diagnostic.of(
            "D107", f"… and {len(repeats) - CAP} more rows that repeat a key (lines "
            f"{rest[0]} to {rest[-1]})", None, path=table.source, line=int(rest[0])))
    return found, valid


def repeated_rows(table: Table, rows: npt.NDArray[np.intp] | None, lines: Lines
                  ) -> list[Diagnostic]:
    """Rows among `rows` (None: every row) equal in every declared column to an earlier one
    (D121).

    Why: a table with no key, such as a published table of counts, gives no other sign
    that a row was pasted twice, and every sum over it would count the row twice. Each row
    is hashed once over all its columns, a block of rows at a time, to 32 bits; only rows
    whose hash recurs are compared exactly, so a national file costs one pass per column, one
    sort of the hashes and four bytes a row.
    """
    n = table.n_rows if rows is None else len(rows)
    if n < 2:
        return []
    columns = [table.columns[c.name] for c in table.dataset.columns]
    hashes = np.empty(n, dtype=np.uint32)
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        block = np.zeros(stop - start, dtype=np.uint64)
        for values in columns:
            block *= np.uint64(0x100000001B3)
            block ^= value_hashes(values[start:stop] if rows is None
                                  else values[rows[start:stop]])
        hashes[start:stop] = (block >> np.uint64(32)) ^ (block & np.uint64(0xFFFFFFFF))
    ordered = np.sort(hashes)
    recurring = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(recurring):
        return []
    recurs = np.zeros(n, dtype=np.bool_)
    for start in range(0, n, _BLOCK):
        part = hashes[start:start + _BLOCK]
        nearest = np.minimum(np.searchsorted(recurring, part), len(recurring) - 1)
        recurs[start:start + _BLOCK] = recurring[nearest] == part
    candidates = np.flatnonzero(recurs) if rows is None else rows[recurs]
    combined = np.zeros(len(candidates), dtype=np.int64)
    for values in columns:
        ids = group_ids(values[candidates])
        combined = factorize(combined * (int(ids.max()) + 1) + ids)[0]
    original = candidates[first_rows(combined)]
    repeats = np.flatnonzero(original != candidates)
    short = _short(table.dataset.name)
    found = []
    for i in repeats[:CAP].tolist():
        line, first = lines(np.asarray([candidates[i], original[i]]))
        found.append(Diagnostic.of(
            "D121", f"line {line} repeats line {first} in every column", None,
            path=table.source, line=int(line),
            help=f"remove the repeated row; if both rows are real, `{short}` needs a column "
            "that tells them apart (and a `key` naming it)"))
    if len(repeats) > CAP:
        rest = np.sort(lines(candidates[repeats[CAP:]]))
        found.append(Diagnostic.of(
            "D121", f"… and {len(repeats) - CAP} more rows that repeat an earlier row "
            f"(lines {rest[0]} to {rest[-1]})", None, path=table.source, line=int(rest[0])))
    return found


_BLOCK = 1 << 20
"""Rows hashed at a time."""


def group_ids(values: npt.NDArray[np.generic]) -> npt.NDArray[np.int64]:
    """Equal stored values → equal small integers (every NaN one value).

    >>> group_ids(np.array([7, -1, 7], dtype=np.int8)).tolist()
    [1, 0, 1]
    """
    if values.dtype.kind in "iub":
        return factorize(values.astype(np.int64))[0]
    inverse: npt.NDArray[np.int64] = np.unique(values, return_inverse=True)[1].astype(np.int64)
    return inverse.reshape(-1)


def value_hashes(values: npt.NDArray[np.generic]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each stored value: equal values (every missing value of the column
    included) hash equal; unequal ones rarely do.

    >>> hashes = value_hashes(np.array([1.5, np.nan, -0.0, 0.0, np.nan]))
    >>> bool(hashes[1] == hashes[4]), bool(hashes[2] == hashes[3]), bool(hashes[0] == hashes[2])
    (True, True, False)
    """
    if values.dtype.kind == "f":
        floats = values.astype(np.float64)
        canonical = np.where(np.isnan(floats), np.nan, floats + 0.0)  # -0.0 → 0.0
        return canonical.view(np.uint64)
    return values.astype(np.int64).view(np.uint64)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
