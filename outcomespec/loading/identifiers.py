"""Identifiers as integers shared by the tables read together: which rows are one child.

Relating datasets (`count episodes where CHILD = this.CHILD`) needs, for every row, a
number that is equal exactly when the row's (local authority, identifier) is: CHILD is
unique only within an authority. So an identifier column is stored as that number. When
tables are read together (`share_codes`), each unit's identifiers (CHILD of the header, the
episodes, …) are coded by one sort of the (area, identifier) pairs of all their rows, which
also gives each table's rows in the order of their codes, what relating rows needs; the
column's `texts` give the identifier of each code. Identifiers written as whole numbers
(as SSDA903 and CIN identifiers are) come from the reader as numbers, and are never
grouped as texts. The duplicate-key check and every evaluation over those tables use the
same codes. Tables built any other way are coded when an evaluation relates them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from attrs import evolve

from outcomespec.loading import coding
from outcomespec.loading.tables import AreaCodes, SharedCodes, Table, UnitCodes, raw_missing

__all__ = ["area_codes", "areas_of", "codes_for", "share_codes"]


def area_text(value: Any) -> str:
    """An area column's value as text: a code read as a number is written as a whole number
    (`202.0` is `202`), a missing one as empty.

    >>> area_text(np.float64(202.0)), area_text(np.float64("nan")), area_text(np.str_("E09000007"))
    ('202', '', 'E09000007')
    """
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else (str(int(value)) if value == int(value) else str(value))
    return str(value)


_WHOLE_NUMBER = re.compile(r"0*(\d+)(?:\.0*)?")


def normal_code(text: str) -> str:
    """The area code `text` most likely means when, as written, it names no area: without
    surrounding spaces, a whole number without leading zeros or a decimal part (as a
    spreadsheet writes DfE's codes), letters in capitals.

    >>> normal_code(" 0202 "), normal_code("202.0"), normal_code("e09000007")
    ('202', '202', 'E09000007')
    """
    text = text.strip()
    whole = _WHOLE_NUMBER.fullmatch(text)
    return whole[1] if whole else text.upper()


def share_codes(tables: Mapping[str, Table]) -> dict[str, Table]:
    """The tables with their identifier columns coded together (the codes of each unit,
    made once), sharing one `SharedCodes`: those codes and their area codes."""
    group = dict(tables)
    areas = area_codes(group)
    columns = {name: dict(table.columns) for name, table in group.items()}
    texts = {name: dict(table.texts) for name, table in group.items()}
    made = {}
    for unit in sorted({u for table in group.values() for u in table.dataset.identifier_units()}):
        made[unit], stored = _code(group, unit, areas)
        for name, (codes, identifiers) in stored.items():
            column = group[name].dataset.identifier_units()[unit]
            columns[name][column], texts[name][column] = codes, identifiers
    coded = {name: evolve(table, columns=columns[name], texts=texts[name])
             for name, table in group.items()}
    shared = SharedCodes(lambda unit: _code(coded, unit, areas)[0], lambda: areas, made, areas)
    return {name: evolve(table, shared=shared) for name, table in coded.items()}


def codes_for(tables: Mapping[str, Table], unit: str, areas: AreaCodes | None = None
              ) -> UnitCodes:
    """The codes of `unit` for `tables`: those they share when they were read together,
    else made now. `areas`, when given, are the areas rows relate within, instead of the
    texts of the tables' area columns (an authority written two ways is one area)."""
    if areas is not None:
        return _code(tables, unit, areas)[0]
    group = _group(tables)
    return group.codes(unit) if group is not None else _code(tables, unit,
                                                             area_codes(tables))[0]


def areas_of(tables: Mapping[str, Table]) -> AreaCodes:
    """The area codes of `tables`: those they share when read together, else made now."""
    group = _group(tables)
    return group.areas() if group is not None else area_codes(tables)


def _group(tables: Mapping[str, Table]) -> SharedCodes | None:
    """The codes every one of `tables` shares, if they were read together."""
    shared = {id(table.shared): table.shared for table in tables.values()}
    return next(iter(shared.values())) if len(shared) == 1 else None


def area_codes(tables: Mapping[str, Table]) -> AreaCodes:
    """The area columns of `tables` as dense codes shared by all of them, in the order of
    the area texts that some row holds; the empty area for a missing value or a table with
    no area column."""
    parts = [_area_texts(table) for table in tables.values()]
    texts = sorted({distinct[i] for distinct, indices in parts
                    for i in np.flatnonzero(np.bincount(indices, minlength=len(distinct)))})
    position = {text: i for i, text in enumerate(texts)}
    narrow = np.int16 if len(texts) < 1 << 15 else np.int32
    codes: dict[str, npt.NDArray[np.signedinteger[Any]]] = {}
    for table, (distinct, indices) in zip(tables.values(), parts, strict=True):
        lookup: npt.NDArray[np.signedinteger[Any]] = np.asarray(
            [position.get(text, -1) for text in distinct], dtype=narrow)
        codes[table.dataset.name] = lookup[indices]
    return AreaCodes(codes, tuple(texts))


def _area_texts(table: Table) -> tuple[list[str], npt.NDArray[np.intp]]:
    """The distinct texts of a table's area column (a number written as a whole number,
    missing as empty) and each row's index among them."""
    column = table.dataset.area
    if column is None or column not in table.columns:
        return [""], np.zeros(table.n_rows, dtype=np.intp)
    stored = table.columns[column]
    if column in table.texts:
        distinct = [*table.texts[column].to_pylist(), ""]
        return distinct, np.where(stored < 0, len(distinct) - 1, stored).astype(np.intp)
    uniques, inverse = np.unique(stored, return_inverse=True)
    return [area_text(value) for value in uniques], inverse.reshape(-1)


def _code(tables: Mapping[str, Table], unit: str, areas: AreaCodes
          ) -> tuple[UnitCodes, dict[str, tuple[npt.NDArray[np.int32], Any]]]:
    """The codes of (area, identifier) for `unit`, dense from 0 in the order of the pairs
    (a missing identifier is -1), and for each table, those codes and the identifier each
    code stands for (what its identifier column stores); also the codes of the identifier
    alone when some table has no area column or the identifier is `national`. One sort of
    the pairs of all the rows.

    A unit identified `within` another (an assessment within its referral, numbered from 1
    in each) is coded in place of (area, identifier) by (that unit's code, identifier), a
    row missing either missing. Each table as its own column says: tables identifying the
    unit differently share the code space but are never related (the checker's E253)."""
    sources = [(table.dataset.name, table, column) for table in tables.values()
               if (column := table.dataset.identifier_units().get(unit)) is not None
               and column in table.columns]
    parents = {name: _code(tables, found.within, areas)[0] for name, table, column in sources
               if (found := table.dataset.column(column)) is not None and found.within}
    prefixes = {name: parents[name].by_area[name] if name in parents else areas.codes[name]
                for name, _, _ in sources}
    ids, present, identifiers = _identifiers([(table.columns[column], table.texts.get(column))
                                              for _, table, column in sources])
    low = min((int(np.min(i, where=p, initial=np.iinfo(i.dtype).max)) for i, p in
               zip(ids, present, strict=True) if p.any()), default=0)
    span = max((int(np.max(i, where=p, initial=np.iinfo(i.dtype).min)) for i, p in
                zip(ids, present, strict=True) if p.any()), default=0) - low + 1
    sizes = [len(i) for i in ids]
    ends = np.cumsum(sizes, dtype=np.int64)
    keys = np.empty(int(ends[-1]) if sizes else 0, dtype=np.int64)
    for (name, _, _), i, p, end, size in zip(sources, ids, present, ends, sizes, strict=True):
        part = keys[end - size:end]  # area × span + identifier, -1 where missing
        np.multiply(prefixes[name], np.int64(span), out=part)
        part += i
        part -= low
        part[~p] = -1
    del ids, present
    order = coding.sort_in_place(keys)  # keys now in order
    missing = int(np.searchsorted(keys, 0))  # -1 sorts first
    starts = np.empty(len(keys) - missing, dtype=np.bool_)
    starts[:1] = True
    np.not_equal(keys[missing + 1:], keys[missing:-1], out=starts[1:])
    pairs = keys[missing:][starts]  # of each pair, in order: its identifier
    del keys
    pairs %= span
    pairs += low
    texts = identifiers(pairs)
    n_pairs = len(texts)
    rows = order[missing:]  # the rows with a code, in code order
    codes = np.full(len(order), -1, dtype=np.int32)
    ranks = np.cumsum(starts, dtype=np.int32)
    del starts
    ranks -= 1
    codes[rows] = ranks
    del ranks
    stored, by_area, area_order = {}, {}, {}
    for (name, table, _), end in zip(sources, ends, strict=True):
        start = int(end) - table.n_rows
        by_area[name] = codes[start:end]
        stored[name] = (by_area[name], texts)
        inside = rows >= start
        inside &= rows < end
        mine = rows[inside]
        mine -= np.asarray(start, dtype=mine.dtype)
        area_order[name] = mine
    by_id: dict[str, Any] = {}
    n_ids = 0  # every relation and key check is within an area: not needed
    if any(table.dataset.area is None or table.dataset.national(unit)
           for _, table, _ in sources):
        by_id, n_ids = _alone(texts, by_area, parents)
    return UnitCodes(unit, by_id, n_ids, by_area, n_pairs, area_order), stored


def _alone(texts: Any, by_area: dict[str, Any], parents: dict[str, UnitCodes]
           ) -> tuple[dict[str, Any], int]:
    """Codes of the identifier alone, whatever the area (or within its outer unit's
    identifier alone, for a table that identifies the unit `within` another), and how
    many."""
    id_codes, n_ids = coding.factorize(_numbers_of(texts))
    lookup = np.append(id_codes, -1).astype(np.int32)
    by_id = {name: lookup[codes] for name, codes in by_area.items()}
    if parents:
        joined, n_joined = _nested({name: _joined(parents[name].by_id[name], by_id[name],
                                                  n_ids) for name in parents})
        by_id.update(joined)
        n_ids = max(n_ids, n_joined)
    return by_id, n_ids


def _joined(outer: Any, ids: Any, n_ids: int) -> Any:
    """Codes of (outer code, identifier code) pairs, missing (-1) where either is."""
    return np.where((outer >= 0) & (ids >= 0), outer.astype(np.int64) * n_ids + ids, -1)


def _nested(parts: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The tables' (outer, identifier) pair codes, made dense together (-1 kept)."""
    every = np.concatenate(list(parts.values())) if parts else np.zeros(0, dtype=np.int64)
    present = every >= 0
    dense = np.full(len(every), -1, dtype=np.int32)
    dense[present], n = coding.factorize(every[present])
    ends = np.cumsum([len(p) for p in parts.values()])
    return dict(zip(parts, np.split(dense, ends[:-1]), strict=True)), n


def _identifiers(columns: list[tuple[npt.NDArray[Any], Any]]
                 ) -> tuple[list[npt.NDArray[np.int64]], list[npt.NDArray[np.bool_]],
                            Callable[[npt.NDArray[np.int64]], Any]]:
    """Each table's identifiers as int64 (whether present), and how numbers of those
    become the identifiers they stand for: whole numbers are themselves, texts are coded
    by their distinct texts, taken all together.

    A column comes as the reader left it (whole numbers, `raw_missing` where missing, no
    texts) or coded (indices into its texts, -1 missing)."""
    numeric = all(texts is None or pa.types.is_integer(texts.type) for _, texts in columns)
    if numeric:
        ids, present = [], []
        for stored, texts in columns:
            if texts is None:
                ids.append(stored)
                present.append(~raw_missing(stored))
            else:
                ids.append(np.append(texts.to_numpy(zero_copy_only=False).astype(np.int64),
                                     np.int64(0))[stored])
                present.append(stored >= 0)
        return ids, present, lambda numbers: pa.array(numbers, type=pa.int64())
    parts = [_as_texts(stored, texts) for stored, texts in columns]
    indices, distinct = coding.dictionary_codes(pa.concat_arrays(
        [texts for _, texts in parts] or [pa.array([], type=pa.string())]))
    ends = np.cumsum([len(texts) for _, texts in parts])
    ids, present = [], []
    for (stored, _), lookup in zip(parts, np.split(indices.astype(np.int64), ends[:-1]),
                                   strict=True):
        ids.append(np.append(lookup, -1)[stored])
        present.append(stored >= 0)
    return ids, present, lambda numbers: distinct.take(pa.array(numbers, type=pa.int64()))


def _numbers_of(texts: Any) -> npt.NDArray[np.int64]:
    """Identifiers as int64 that are equal exactly when they are: whole numbers as they are,
    texts by their order among the distinct texts."""
    if pa.types.is_integer(texts.type):
        return np.asarray(texts.to_numpy(zero_copy_only=False), dtype=np.int64)
    indices, _ = coding.dictionary_codes(texts)
    return indices.astype(np.int64)


def _as_texts(stored: npt.NDArray[Any], texts: Any) -> tuple[npt.NDArray[Any], Any]:
    """A column's identifiers as indices into distinct texts (whole numbers written out)."""
    if texts is None:
        return coding.dictionary_codes(pa.array(stored, mask=raw_missing(stored),
                                                type=pa.int64()).cast(pa.string()))
    return stored, texts.cast(pa.string())
