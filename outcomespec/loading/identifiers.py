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
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
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
    shared = SharedCodes(lambda unit: _code(group, unit, shared.areas(), shared.codes),
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
    """The area columns of `tables` as dense codes shared by all of them."""
    columns = [table.columns[area] if (area := table.dataset.area) is not None
               and area in table.columns else np.full(table.n_rows, "")
               for table in tables.values()]
    codes, n = coding.dense_codes(*columns) if columns else ([], 0)
    narrow = np.int16 if n < 1 << 15 else np.int32 if n < 1 << 31 else np.int64
    texts = [""] * n
    for column, dense in zip(columns, codes, strict=True):
        example = np.full(n, -1, dtype=np.int64)
        example[dense] = np.arange(len(dense))  # a row of each code
        for code in np.flatnonzero(example >= 0).tolist():
            texts[code] = area_text(column[example[code]])
    return AreaCodes({table.dataset.name: c.astype(narrow) for table, c
                      in zip(tables.values(), codes, strict=True)}, tuple(texts))


def _code(tables: Mapping[str, Table], unit: str, areas: AreaCodes,
          outer: Callable[[str], UnitCodes] | None = None) -> UnitCodes:
    """Dense codes of the identifier alone, and of (area, identifier): one grouping of the
    identifiers' texts, one of the areas', one sort of the pairs. The empty identifier is
    missing (-1).

    A unit identified `within` another (an assessment within its referral, numbered from 1
    in each) is coded with that unit's codes, `outer` giving them (made here when not
    given): (referral, assessment) in place of (area, identifier), and a row missing
    either is missing. Each table is coded as its own column says: tables that identify the
    unit differently share the code space but are never related (the checker's E253)."""
    sources = [(table.dataset.name, table, column) for table in tables.values()
               if (column := table.dataset.identifier_units().get(unit)) is not None
               and column in table.columns]
    values = [table.columns[column] for _, table, column in sources]
    dense, n_ids = coding.dense_codes(*values)
    by_id = {name: np.where(_empty(column), -1, ids)
             for (name, _, _), column, ids in zip(sources, values, dense, strict=True)}
    prefixes = {name: areas.codes[name].astype(np.int64) for name in by_id}
    nested = {name: found.within for name, table, column in sources
              if (found := table.dataset.column(column)) is not None and found.within}
    if nested:  # each table as it says: two tables identifying the unit alike are related
        make = outer or (lambda u: _code(tables, u, areas))
        parents = {name: make(within) for name, within in nested.items()}
        joined, n_nested = _nested({name: _joined(parent.by_id.get(name), by_id[name], n_ids)
                                    for name, parent in parents.items()})
        by_id.update(joined)
        prefixes.update({name: parent.by_area[name] for name, parent in parents.items()})
        n_ids = max(n_ids, n_nested)
    pairs = [_joined(prefixes[name], ids, n_ids) for name, ids in by_id.items()]
    every = np.concatenate(pairs) if pairs else np.zeros(0, dtype=np.int64)
    order, ordered = coding.sort_keys(every)
    missing = int(np.searchsorted(ordered, 0))  # -1 sorts first
    codes, n_pairs = coding.sorted_codes(order[missing:], ordered[missing:], len(every))
    ends = np.cumsum([len(p) for p in pairs])
    by_area = dict(zip(by_id, np.split(codes, ends[:-1]), strict=True))
    rows = order[missing:]
    table_of = np.searchsorted(ends, rows, side="right")  # rows stay in code order
    area_order = {}
    for position, (name, table, _) in enumerate(sources):
        mine = rows[table_of == position] - (ends[position] - table.n_rows)
        area_order[name] = mine.astype(np.int32 if table.n_rows < 1 << 31 else np.int64)
    if all(table.dataset.area is not None and not table.dataset.national(unit)
           for _, table, _ in sources):
        by_id = {}  # every relation and key check is within an area: not needed, not kept
    return UnitCodes(unit, by_id, n_ids, by_area, n_pairs, area_order)


def _joined(outer: Any, ids: Any, n_ids: int) -> Any:
    """Codes of (outer code, identifier code) pairs, missing (-1) where either is; None
    for `outer`: the identifier alone."""
    if outer is None:
        return ids
    return np.where((outer >= 0) & (ids >= 0), outer * n_ids + ids, -1)


def _nested(parts: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The tables' (outer, identifier) pair codes, made dense together (-1 kept)."""
    every = np.concatenate(list(parts.values())) if parts else np.zeros(0, dtype=np.int64)
    present = every >= 0
    dense = np.full(len(every), -1, dtype=np.int64)
    dense[present], n = coding.factorize(every[present])
    ends = np.cumsum([len(p) for p in parts.values()])
    return dict(zip(parts, np.split(dense, ends[:-1]), strict=True)), n


def _empty(values: Any) -> Any:
    return values == "" if values.dtype.kind in "SU" else np.zeros(len(values), np.bool_)
