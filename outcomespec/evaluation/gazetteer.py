"""The areas of a reporting period, from the declared geography, and which area each code in
the data names.

Why a stage of its own: a figure is only as right as the rows it counts, and rows reach an
authority only through the text of their area column. So the geography is read as its
authors declare it — each authority with its code, its alternative codes (DfE's 3-digit code
and ONS's 9-character codes, both ways) and the reporting years it existed — and every way a
row can fail to reach an authority is said, never left to a blank or a zero:

- `area_frame`: the authorities that existed in the period, their regions and neighbours;
  a neighbour that did not exist is absent (-1), not a zero;
- `check_areas`: before evaluation, the geography's own table (a code naming two authorities
  in the same year, D206) and each data file's area codes: written in a form only
  `areas.normal_code` recognises (D201), mostly matching nothing (D202, an error naming the
  code system they look like) or a few matching nothing (D203);
- `absent_rows`: rows an indicator would have counted for an authority that did not exist
  in the period (D204);
- `area_problem`: the `area` of a single authority's return that is not one (D205);
- `foreign_rows`: a single authority's run given returns whose records name another
  authority (D207), which would otherwise publish that authority's figures as zeros.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from attrs import evolve, frozen

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, Authority
from outcomespec.language.diagnostics import Diagnostic, did_you_mean
from outcomespec.loading.identifiers import area_codes, area_text, normal_code
from outcomespec.loading.tables import Table

__all__ = ["AreaTally", "absent_rows", "area_frame", "area_problem", "check_areas", "code_system"]

SHOWN = 5
"""How many codes a message names before saying how many more there are."""

LONGEST_CODE = 40
"""Longer texts given as `area` are no code: not compared with every code for a suggestion,
and shortened in the message."""


@frozen
class _Row:
    """One row of a geography level's table: an authority, with its region."""

    authority: Authority
    region: tuple[str, str] | None
    line: int


@frozen
class _Declared:
    """The geography whose tables were given, its level of local authorities and their rows."""

    geography: m.Geography
    level: m.GeoLevel
    table: Table
    rows: tuple[_Row, ...]


def area_frame(frameworks: Sequence[m.Framework], tables: Mapping[str, Table],
               period: int | None = None) -> AreaFrame:
    """The local authorities of `period` (every one the geography knows when None), their
    regions and neighbours, from the declared geography when its tables are loaded;
    otherwise every area value seen in the data, in sorted order."""
    declared = _declared(frameworks, tables)
    if declared is None:
        seen: set[str] = set()
        for table in tables.values():
            area = table.dataset.area
            if area is not None and area in table.columns:
                seen.update(t for v in np.unique(table.values(area)) if (t := area_text(v)))
        codes = tuple(sorted(seen)) or ("all",)
        return AreaFrame(codes, codes, np.full(len(codes), -1, dtype=np.int64))
    existing: dict[str, _Row] = {}
    for row in declared.rows:
        if period is None or row.authority.exists_in(period):
            existing.setdefault(row.authority.code, row)
    kept = list(existing.values())
    codes = tuple(row.authority.code for row in kept)
    aliases: dict[str, int] = {}
    for i, row in enumerate(kept):
        for alternative in row.authority.alternative_codes:
            if alternative not in existing:
                aliases.setdefault(alternative, i)
    absent = {text: row.authority for row in declared.rows if row.authority.code not in existing
              for text in (row.authority.code, *row.authority.alternative_codes)
              if text not in existing and text not in aliases}
    regions = sorted({row.region for row in kept if row.region is not None})
    region_index = {code: i for i, (code, _) in enumerate(regions)}
    region_of = [region_index[row.region[0]] if row.region else -1 for row in kept]
    frame = AreaFrame(codes, tuple(row.authority.name for row in kept), np.asarray(region_of),
                      tuple(code for code, _ in regions), tuple(name for _, name in regions),
                      aliases=aliases, absent=absent, geography=declared.geography.name,
                      period=period)
    return evolve(frame, neighbours=_neighbours(declared.geography, tables, frame))


def _declared(frameworks: Iterable[m.Framework], tables: Mapping[str, Table]
              ) -> _Declared | None:
    """The first geography whose level of local authorities (the level with a parent, else
    the first) was given, read."""
    for framework in frameworks:
        for geography in framework.geographies:
            base = next((lv for lv in geography.levels if lv.parent is not None), None) \
                or (geography.levels[0] if geography.levels else None)
            if base is not None and base.dataset in tables:
                table = tables[base.dataset]
                parent = next((lv for lv in geography.levels if lv.name == base.parent), None)
                return _Declared(geography, base, table, _rows(base, parent, table))
    return None


def _rows(level: m.GeoLevel, parent: m.GeoLevel | None, table: Table) -> tuple[_Row, ...]:
    """Every row of the level's table that names an authority (a row with no code is none)."""
    def texts(column: str | None) -> list[str]:
        if column is None or column not in table.columns:
            return [""] * table.n_rows
        return [area_text(v) for v in table.values(column)]

    def years(column: str | None) -> list[int | None]:
        values = table.columns.get(column or "")
        return [None] * table.n_rows if values is None else [
            None if np.isnan(v) else int(v) for v in values.tolist()]

    codes, names = texts(level.code), texts(level.name_column)
    alternatives = [texts(column) for column in level.alternative_codes]
    regions = None
    if parent is not None and parent.dataset == level.dataset:
        region_codes = texts(parent.code)
        region_names = texts(parent.name_column) if parent.name_column else region_codes
        regions = list(zip(region_codes, region_names, strict=True))
    starts, ends = years(level.valid_from), years(level.valid_until)
    rows = []
    for i, code in enumerate(codes):
        if not code:
            continue
        others = tuple(dict.fromkeys(a[i] for a in alternatives if a[i] and a[i] != code))
        authority = Authority(code, names[i] or code, others, starts[i], ends[i])
        region = regions[i] if regions is not None and regions[i][0] else None
        rows.append(_Row(authority, region, table.line(i)))
    return tuple(rows)


def _neighbours(geography: m.Geography, tables: Mapping[str, Table], frame: AreaFrame
                ) -> dict[str, Any]:
    """Each neighbour set as a matrix of positions in the frame, -1 for a neighbour that is
    not an authority of the frame (one that did not exist in the period)."""
    matrices: dict[str, Any] = {}
    for neighbour_set in geography.neighbours:
        peers = tables.get(neighbour_set.dataset)
        if peers is None:
            continue
        matrix = np.full((frame.n_areas, len(neighbour_set.members)), -1, dtype=np.int64)
        for area, *members in zip(peers.values(neighbour_set.area),
                                  *(peers.values(c) for c in neighbour_set.members),
                                  strict=True):
            row = frame.position(area_text(area))
            if row is not None:
                matrix[row] = frame.positions(area_text(peer) for peer in members)
        matrices[neighbour_set.name] = matrix
    return matrices


# ------------------------------------------------------------------ checks before evaluation


AreaTally = tuple[tuple[str, ...], list[int], list[int]]
"""A table's area texts, how many rows hold each and the line of the first that does."""


def check_areas(frameworks: Sequence[m.Framework], tables: Mapping[str, Table],
                frame: AreaFrame, tallies: Mapping[str, AreaTally] | None = None
                ) -> list[Diagnostic]:
    """The geography's table, and the area codes of every other table, against `frame`;
    `tallies` gives a table's area texts already counted (by partition, and added up)."""
    declared = _declared(frameworks, tables)
    if declared is None:
        return []
    found = _geography_problems(declared)
    geography = {level.dataset for level in declared.geography.levels} | {
        n.dataset for n in declared.geography.neighbours}
    for name, table in sorted(tables.items()):
        area = table.dataset.area
        if name not in geography and area is not None and area in table.columns \
                and table.n_rows:
            tally = (tallies or {}).get(name) or _distinct(name, table)
            found.extend(_file_problems(table.source, tally, area, frame, declared))
    return found


def _geography_problems(declared: _Declared) -> list[Diagnostic]:
    """Years that end before they begin; a code naming two authorities in the same year."""
    found = []
    source = declared.table.source
    named: dict[str, list[_Row]] = {}
    for row in declared.rows:
        authority = row.authority
        start, end = authority.valid_from, authority.valid_until
        if start is not None and end is not None and start > end:
            found.append(Diagnostic.of(
                "D206", f"the years of local authority `{authority.code}` end "
                f"({authority.valid_until}) before they begin ({authority.valid_from})", None,
                path=source, line=row.line,
                help="give the first reporting year it existed, then the last "
                f"({_years(declared.level)})"))
        for text in dict.fromkeys((authority.code, *authority.alternative_codes)):
            clash = next((other for other in named.get(text, [])
                          if _overlap(other.authority, authority)), None)
            if clash is not None:
                found.append(Diagnostic.of(
                    "D206", f"`{text}` names two local authorities in the same years: "
                    f"`{clash.authority.code}` {clash.authority.name} (line {clash.line}) and "
                    f"`{authority.code}` {authority.name}", None, path=source, line=row.line,
                    help=_years_help(declared.level)))
            named.setdefault(text, []).append(row)
    return found


def _overlap(one: Authority, other: Authority) -> bool:
    """Whether the two authorities existed in some year together."""
    starts = [year for year in (one.valid_from, other.valid_from) if year is not None]
    ends = [year for year in (one.valid_until, other.valid_until) if year is not None]
    return not starts or not ends or max(starts) <= min(ends)


def _years_help(level: m.GeoLevel) -> str:
    return ("each code names one authority in any reporting year: correct the codes, or the "
            f"years each authority existed ({_years(level)})")


def _years(level: m.GeoLevel) -> str:
    columns = [c for c in (level.valid_from, level.valid_until) if c]
    return " and ".join(f"`{c}`" for c in columns) or "`valid_from` and `valid_until`"


def _file_problems(source: str, tally: AreaTally, column: str, frame: AreaFrame,
                   declared: _Declared) -> list[Diagnostic]:
    """D201, D202 and D203 for one table's area column (read from `source`)."""
    texts, counts, first = tally
    named = unknown = normalised = 0
    unknown_texts: list[int] = []
    example = None
    for i, text in enumerate(texts):
        if not counts[i] or not text or frame.names_upper_area(text):
            continue
        named += counts[i]
        recognised = frame.recognise(text)
        if recognised is None:
            unknown += counts[i]
            unknown_texts.append(i)
        elif recognised:
            normalised += counts[i]
            if example is None or first[i] < first[example]:
                example = i
    found = []
    where = f"column `{column}`"
    if example is not None:
        code = normal_code(texts[example])
        found.append(Diagnostic.of(
            "D201", f"{normalised:,} values of {where} name a local authority only once "
            f"written as its code is: `{texts[example]}` (line {first[example]}) is "
            f"read as `{code}`", None, path=source, line=first[example],
            help=f"write the codes as the geography does (`{code}`): no leading zeros, decimal "
            "places or surrounding spaces"))
    if unknown_texts:
        unknown_texts.sort(key=lambda i: (-counts[i], first[i]))
        shown = _listed([f"`{texts[i]}`" for i in unknown_texts])
        line = min(first[i] for i in unknown_texts)
        system = code_system([texts[i] for i in unknown_texts])
        if 2 * unknown > named:
            found.append(Diagnostic.of(
                "D202", f"most area codes of {where} match no local authority of geography "
                f"`{_short(declared.geography.name)}` ({unknown:,} of {named:,} rows): {shown}; "
                f"they look like {system}", None, path=source, line=line,
                help=_system_help(declared, system)))
        else:
            found.append(Diagnostic.of(
                "D203", f"{len(unknown_texts)} area code{'s' if len(unknown_texts) > 1 else ''}"
                f" of {where} match no local authority of geography "
                f"`{_short(declared.geography.name)}`: {shown} ({unknown:,} of {named:,} rows, "
                "left out of every authority, region and England)", None, path=source,
                line=line, help="add the authorities to the geography's "
                f"`{_short(declared.level.dataset)}` table, with the years they existed, or "
                "correct the codes"))
    return found


def _distinct(name: str, table: Table) -> AreaTally:
    """The area texts of `table` (shared with the tables read with it), how many rows hold
    each and the line of the first that does."""
    areas = table.shared.areas() if table.shared is not None else area_codes({name: table})
    codes = areas.codes[name].astype(np.int64)
    counts = np.bincount(codes, minlength=len(areas.texts))
    first = np.full(len(areas.texts), table.n_rows, dtype=np.int64)
    uniques, rows = np.unique(codes, return_index=True)
    first[uniques] = rows
    return areas.texts, counts.tolist(), [table.line(row) if row < table.n_rows else 0
                                          for row in first.tolist()]


_SYSTEMS = (
    (re.compile(r"E(0[6-9]|10)\d{6}"),
     "ONS 9-character local authority codes (E06…, E08…, E09…, E10…)"),
    (re.compile(r"[EWSNK]\d{8}"), "ONS 9-character area codes"),
    (re.compile(r"\d{3}"), "DfE 3-digit local authority codes"),
    (re.compile(r"\d+"), "numbers"),
    (re.compile(r"[^\W\d_][\w ,.'&()-]*"), "names"),
)


def code_system(texts: Iterable[str]) -> str:
    """The code system most of `texts` are written in, in words.

    >>> code_system(["E09000007", "E06000001", "202"])
    'ONS 9-character local authority codes (E06…, E08…, E09…, E10…)'
    >>> code_system(["Camden", "Hartlepool"])
    'names'
    """
    tally: dict[str, int] = {}
    for text in texts:
        system = next((words for pattern, words in _SYSTEMS if pattern.fullmatch(text)),
                      "codes of no system outcomespec knows")
        tally[system] = tally.get(system, 0) + 1
    return max(tally, key=lambda s: tally[s]) if tally else "nothing"


def _system_help(declared: _Declared, system: str) -> str:
    level = declared.level
    columns = " and ".join(f"`{c}`" for c in (level.code, *level.alternative_codes))
    if system == "names":
        return (f"write each authority's code, not its name; the geography reads codes from "
                f"{columns} of `{_short(level.dataset)}`")
    return (f"the geography reads codes from {columns} of `{_short(level.dataset)}`: add a "
            "column holding these codes to that table and declare it in level "
            f"`{level.name}` (`alternative_code COLUMN`), or write the geography's codes in "
            "the area column")


# ------------------------------------------------------------------ during and around evaluation


def absent_rows(frame: AreaFrame, table: Table, rows: Any) -> Diagnostic:
    """D204: `rows` of `table` (row numbers, ascending) would have been counted, but name
    authorities that did not exist in the frame's period."""
    column = table.dataset.area
    assert column is not None
    values = table.values(column)[rows]
    texts = list(dict.fromkeys(area_text(v) for v in values.tolist()))
    authorities = {text: frame.absent_authority(text) for text in texts}
    shown = _listed([f"`{text}` ({a.name}, {a.lifetime()})" if a else f"`{text}`"
                     for text, a in authorities.items()])
    count = len(rows)
    return Diagnostic.of(
        "D204", f"{count:,} row{'s' if count > 1 else ''} an indicator would count "
        f"name{'' if count > 1 else 's'} a local authority that did not exist in "
        f"{frame.period} (column `{column}`): {shown}; they are left out of every authority, "
        "region and England", None, path=table.source,
        line=table.line(int(rows[0])),
        help="rows of an authority belong to the years it existed: check the rows' reporting "
        "year, or the years the geography gives the authority")


def area_problem(frame: AreaFrame, area: str) -> Diagnostic | None:
    """D205 when `area` (the code of a single authority's return) names no local authority of
    the frame; None when it does, or when no geography declares the authorities."""
    if frame.geography is None or frame.match(area) is not None:
        return None
    absent = frame.absent_authority(area)
    if absent is not None:
        return Diagnostic.of(
            "D205", f"`{area}` ({absent.name}) is not a local authority in {frame.period}: "
            f"it existed {absent.lifetime()}", None, path="area",
            help="give the code of an authority that existed in the period, or another period")
    lowered = area.strip().casefold()
    named = [i for i, name in enumerate(frame.names) if name.casefold() == lowered]
    suggestion = did_you_mean(area.strip(), (*frame.codes, *frame.aliases)) \
        if len(area) <= LONGEST_CODE else None
    if named:
        fix = f"give its code: `{frame.codes[named[0]]}`"
    else:
        fix = suggestion or (f"give a code of one of its {frame.n_areas} local authorities, "
                             f"e.g. `{frame.codes[0]}`")
    shown = area if len(area) <= LONGEST_CODE else area[:LONGEST_CODE] + "…"
    return Diagnostic.of(
        "D205", f"`{shown}` is not a local authority of geography "
        f"`{_short(frame.geography)}`", None, path="area", help=fix)


def foreign_rows(tables: Mapping[str, Table], frame: AreaFrame, area: str
                 ) -> list[Diagnostic]:
    """D207 for each table of records (a dataset with an identifier column, as a return is)
    whose area column names an authority other than `area`, the one a single authority's run
    evaluates: its records would be counted nowhere, and the run would publish `area`'s
    figures from no records. Tables of areas (geography, population, published tables) hold
    every authority's rows by design and are not checked."""
    own = frame.position(area)
    found = []
    for name, table in sorted(tables.items()):
        column = table.dataset.area
        records = any(c.type.kind is m.ValueKind.IDENTIFIER for c in table.dataset.columns)
        if own is None or not records or column is None or column not in table.columns \
                or not table.n_rows:
            continue
        texts, counts, first = _distinct(name, table)
        others = [i for i, text in enumerate(texts)
                  if counts[i] and text and frame.position(text) != own]
        if not others:
            continue
        i = min(others, key=lambda j: first[j])
        rows = sum(counts[j] for j in others)
        found.append(Diagnostic.of(
            "D207", f"{rows:,} rows of `{_short(name)}` name another authority than "
            f"`{area}` ({frame.names[own]}) in column `{column}`, the first `{texts[i]}` "
            f"(line {first[i]}); the run is for `{area}` alone", None, path=table.source,
            line=first[i],
            help=f"give the code of the authority whose returns these are as the area "
                 f"(`--area {texts[i]}`), or point the data at `{area}`'s own returns"))
    return found


def _listed(items: Sequence[str]) -> str:
    more = len(items) - SHOWN
    return ", ".join(items[:SHOWN]) + (f" and {more} more" if more > 0 else "")


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]

