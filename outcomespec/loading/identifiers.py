"""Identifiers as integers shared by the tables read together: which rows are one child.

Relating datasets (`count episodes where CHILD = this.CHILD`) needs, for every row, a
number that is equal exactly when the row's (local authority, identifier) is: CHILD is
unique only within an authority. Finding those numbers means grouping millions of texts,
the dearest step of an evaluation, and loading groups the same texts to find duplicate
keys. So the tables read together share their codes (`share_codes`): each unit is coded
once, for all of them, when first needed, and both the duplicate-key check and every
evaluation over those tables use the same codes. Tables built any other way are coded
when an evaluation relates them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from attrs import evolve

from outcomespec.loading import coding
from outcomespec.loading.tables import AreaCodes, SharedCodes, Table, UnitCodes

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
    """The tables, sharing one `SharedCodes`: the codes of their identifiers, made when
    first asked for."""
    group = dict(tables)
    shared = SharedCodes(lambda unit: _code(group, unit, shared.areas()),
                         lambda: area_codes(group))
    return {name: evolve(table, shared=shared) for name, table in tables.items()}


def codes_for(tables: Mapping[str, Table], unit: str, areas: AreaCodes | None = None
              ) -> UnitCodes:
    """The codes of `unit` for `tables`: those they share when they were read together,
    else made now. `areas`, when given, are the areas rows relate within, instead of the
    texts of the tables' area columns (an authority written two ways is one area)."""
    if areas is not None:
        return _code(tables, unit, areas)
    group = _group(tables)
    return group.codes(unit) if group is not None else _code(tables, unit, area_codes(tables))


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


def _code(tables: Mapping[str, Table], unit: str, areas: AreaCodes) -> UnitCodes:
    """Dense codes of the identifier alone, and of (area, identifier): the tables' distinct
    identifiers encoded together once, then one sort of the (area, identifier) pairs. A
    missing identifier is -1."""
    sources = [(table.dataset.name, table, column) for table in tables.values()
               if (column := table.dataset.identifier_units().get(unit)) is not None
               and column in table.columns]
    ids, n_ids = _shared_ids([(table.columns[column], table.texts[column])
                              for _, table, column in sources])
    by_id = dict(zip((name for name, _, _ in sources), ids, strict=True))
    pairs = [np.where(ids >= 0, areas.codes[name].astype(np.int64) * n_ids + ids, -1)
             for name, ids in by_id.items()]
    every = np.concatenate(pairs) if pairs else np.zeros(0, dtype=np.int64)
    order, ordered = coding.sort_keys(every)
    missing = int(np.searchsorted(ordered, 0))  # -1 sorts first
    codes, n_pairs = coding.sorted_codes(order[missing:], ordered[missing:], len(every))
    ends = np.cumsum([len(p) for p in pairs])
    by_area = {name: part.astype(np.int32) for name, part
               in zip(list(by_id), np.split(codes, ends[:-1]), strict=True)}
    rows = order[missing:]
    table_of = np.searchsorted(ends, rows, side="right")  # rows stay in code order
    area_order = {}
    for position, (name, table, _) in enumerate(sources):
        mine = rows[table_of == position] - (ends[position] - table.n_rows)
        area_order[name] = mine.astype(np.int32 if table.n_rows < 1 << 31 else np.int64)
    if all(table.dataset.area is not None for _, table, _ in sources):
        by_id = {}  # every relation and key check is within an area: not needed, not kept
    return UnitCodes(unit, {name: ids.astype(np.int32) for name, ids in by_id.items()}, n_ids,
                     by_area, n_pairs, area_order)


def _shared_ids(columns: list[tuple[npt.NDArray[Any], Any]]
                ) -> tuple[list[npt.NDArray[np.int64]], int]:
    """Identifier columns (stored indices and their distinct texts) as codes into the
    distinct identifiers of all of them together, and how many there are: each table's
    distinct texts are encoded once, together, and its rows look their codes up."""
    if not columns:
        return [], 0
    indices, distinct = coding.dictionary_codes(
        pa.concat_arrays([texts.cast(pa.string()) for _, texts in columns]))
    ends = np.cumsum([len(texts) for _, texts in columns])
    out = []
    for (stored, _), lookup in zip(columns, np.split(indices.astype(np.int64), ends[:-1]),
                                   strict=True):
        out.append(np.append(lookup, -1)[stored])
    n_ids = len(distinct)
    return out, n_ids
