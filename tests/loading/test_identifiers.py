"""Identifier codes shared by tables read together (`outcomespec.loading.identifiers`).

The codes must group rows exactly as the texts do: equal codes for equal (area, identifier)
and for equal identifiers, -1 for a missing identifier, dense from 0. Checked against plain
Python dictionaries over generated tables shaped like a pooled SSDA903 return: short CHILD
identifiers that repeat across authorities, 13-character UPNs (too long to pack into one
integer, so coded a few characters at a time), empty values and tables with no area column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.loading.identifiers import area_codes, codes_for, share_codes
from outcomespec.loading.loader import load_directory
from outcomespec.loading.tables import Table

AREAS = ("201", "202", "926", "")
CHILDREN = st.text("0123456789AB", min_size=1, max_size=6)
UPNS = st.from_regex(r"[A-Z][0-9]{12}", fullmatch=True)


def dataset(name: str, area: bool) -> m.Dataset:
    columns = (m.Column(name="CHILD", type=m.ValueType(m.ValueKind.IDENTIFIER, unit="child"),
                        optional=True),)
    if area:
        columns += (m.Column(name="LA", type=m.TEXT, optional=True),)
    return m.Dataset(name=name, rows="row", columns=columns, area="LA" if area else None)


def table(name: str, rows: list[tuple[str, str]], area: bool) -> Table:
    columns: dict[str, Any] = {"CHILD": np.array([c for _, c in rows] or [""], dtype=np.str_)
                               [:len(rows)]}
    if area:
        columns["LA"] = np.array([a for a, _ in rows] or [""], dtype=np.str_)[:len(rows)]
    return Table.of(dataset(name, area), columns)


def grouping(labels: list[Any]) -> list[int]:
    """Each label numbered by first appearance: two codings group rows alike exactly when
    they renumber to the same list."""
    seen: dict[Any, int] = {}
    return [seen.setdefault(label, len(seen)) for label in labels]


ROWS = st.lists(st.tuples(st.sampled_from(AREAS), st.one_of(CHILDREN, UPNS, st.just(""))),
                max_size=40)


@settings(max_examples=150, deadline=None)
@given(first=ROWS, second=ROWS, third=ROWS)
def test_codes_group_rows_as_their_texts_do(first: Any, second: Any, third: Any) -> None:
    """Shared codes group rows as their texts do (by area and identifier), -1 where missing."""
    tables = {"t.a": table("t.a", first, True), "t.b": table("t.b", second, True),
              "t.c": table("t.c", third, False)}
    codes = codes_for(share_codes(tables), "child")
    rows = [(name, a if name != "t.c" else "", c) for name, part in
            (("t.a", first), ("t.b", second), ("t.c", third)) for a, c in part]
    by_area = np.concatenate([codes.by_area[n] for n in tables]).tolist()
    by_id = np.concatenate([codes.by_id[n] for n in tables]).tolist()
    assert [code == -1 for code in by_area] == [c == "" for _, _, c in rows]
    assert [code == -1 for code in by_id] == [c == "" for _, _, c in rows]
    present = [i for i, (_, _, c) in enumerate(rows) if c]
    assert grouping([by_area[i] for i in present]) == grouping([rows[i][1:] for i in present])
    assert grouping([by_id[i] for i in present]) == grouping([rows[i][2] for i in present])
    assert all(0 <= by_area[i] < codes.n_pairs for i in present)
    assert all(0 <= by_id[i] < codes.n_ids for i in present)
    assert codes.n_pairs == len({rows[i][1:] for i in present})
    for name in tables:
        own = codes.by_area[name].tolist()
        assert codes.area_order[name].tolist() == sorted(
            (row for row, code in enumerate(own) if code >= 0), key=lambda r: (own[r], r))
    areas = area_codes(tables)
    assert [areas.texts[c] for n in tables for c in areas.codes[n].tolist()] == \
        [a for _, a, _ in rows]


def test_tables_read_together_share_one_coding(tmp_path: Path) -> None:
    """`load_directory` gives every table one `SharedCodes`: a CHILD of authority 201 in the
    header and in episodes gets the same code, and the same CHILD in 202 another."""
    (tmp_path / "header.csv").write_text("CHILD,LA\n7,201\n7,202\n8,201\n")
    (tmp_path / "episodes.csv").write_text("CHILD,LA\n8,201\n7,202\n7,202\n9,926\n,201\n")
    header, episodes = dataset("t.header", True), dataset("t.episodes", True)
    loads = load_directory((header, episodes), tmp_path, {})
    tables = {name: result.table for name, result in loads.items()}
    assert tables["t.header"].shared is tables["t.episodes"].shared
    codes = codes_for(tables, "child")
    assert codes is tables["t.header"].shared.codes("child")
    header_codes = codes.by_area["t.header"].tolist()
    episode_codes = codes.by_area["t.episodes"].tolist()
    assert episode_codes[:2] == [header_codes[2], header_codes[1]]
    assert episode_codes[2] == episode_codes[1]
    assert len(set(header_codes)) == 3
    assert episode_codes[3] not in header_codes
    assert episode_codes[4] == -1
    assert codes.n_pairs == 4
    assert codes.by_id == {}  # both tables have an area column: nothing relates on CHILD alone
