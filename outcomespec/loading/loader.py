"""Loading data into typed tables: CSV and Parquet files, pandas and pyarrow tables, arrays.

Every value of a declared column becomes one element of a typed NumPy array in the encoding
of `outcomespec.loading.tables`. Nothing is dropped or made up without a trace:

- a value read as missing is counted in the report under the rule that made it missing: an
  empty cell (`empty`), a missing-value symbol the dataset declares (`symbol "c"`), a column
  the file does not have (`absent column`), or a value that could not be read (`D102 ...` to
  `D106 ...`, each also reported as a diagnostic); so for every column, the counts of its
  rules add up to the number of missing values in its array;
- a row left out of the table is counted under the rule that left it out: an `empty row`
  (every field blank, as spreadsheets write at the end of a sheet) or a row with the wrong
  number of fields (`D108 ...`, also a diagnostic);
- columns of the file that the dataset does not declare are ignored and listed.

Bad data never raises: every problem becomes a `Diagnostic` naming the file, the line (the
header is line 1), the column and the value, with a help line saying how to fix it. At most
20 diagnostics of one code are given per column, then one saying how many more there are.
The table is still built when values are bad (they are read as missing); it is None only
when the file cannot be read at all or a required column is absent. `LoadResult.ok` says
whether the table can be used: no errors.

CSV files are read as local authorities and the Department for Education write them: UTF-8
with or without a byte-order mark, names and values stripped of surrounding spaces, quoted
fields, dates as dd/mm/YYYY or YYYY-MM-DD (a time after the date is allowed and dropped),
booleans as 1/0, true/false, yes/no or Y/N, numbers with optional thousands separators.
Missing-value symbols apply to every column; a column may be empty only when it is declared
`optional` (otherwise each empty value is a D109 warning), while declared symbols are an
expected kind of missing value and only counted.

Tables read together share the integer codes of their identifiers
(`outcomespec.loading.identifiers`): the duplicate-key check makes them once, for every table with
that identifier, and evaluation relates the tables through them.

Reading a source into raw columns is `outcomespec.loading.sources`'s job, and converting them to
typed arrays `outcomespec.loading.conversion`'s; this module matches the source's columns to the
dataset's, places each problem in the file and keeps the report. Both are vectorised, for
national files of some 650,000 rows.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import evolve, frozen

from outcomespec import model as m
from outcomespec.language.diagnostics import Diagnostic, did_you_mean, sort_diagnostics
from outcomespec.loading.coding import factorize, first_rows
from outcomespec.loading.conversion import (
    EMPTY,
    RULES,
    Bad,
    ColumnConverter,
    all_missing,
    display_value,
    group_ids,
    in_range,
    value_hashes,
)
from outcomespec.loading.identifiers import share_codes
from outcomespec.loading.periods import row_periods
from outcomespec.loading.sources import (
    CAP,
    EMPTY_ROW,
    SUFFIXES,
    WRONG_WIDTH,
    RawColumns,
    default_name,
    read_source,
)
from outcomespec.loading.tables import Table, missing_mask
from outcomespec.loading.xmlreader import Returns, read_returns

__all__ = ["ABSENT", "CAP", "EMPTY", "EMPTY_ROW", "RULES", "SUFFIXES", "WRONG_WIDTH",
           "LoadReport", "LoadResult", "codelists_of", "file_names", "load_directory",
           "load_table"]

ABSENT = "absent column"
"""The report's rule for the values of a declared column that the file does not have."""


# ------------------------------------------------------------------ results


@frozen
class LoadReport:
    """What loading did to the data: rows read and kept, and why values or rows were lost.

    `missing` holds (column, rule, count) for every value read as missing; `excluded` holds
    (rule, count) for every row left out of the table.
    """

    source: str
    rows_read: int
    rows_kept: int
    missing: tuple[tuple[str, str, int], ...] = ()
    excluded: tuple[tuple[str, int], ...] = ()
    ignored_columns: tuple[str, ...] = ()
    """Columns of the file that the dataset does not declare."""
    absent_columns: tuple[str, ...] = ()
    """Declared columns (optional, or collected only in some years) that the file lacks."""
    filled_columns: tuple[tuple[str, str], ...] = ()
    """(column, value): the area column filled from `load_table(..., area=...)`."""

    def read_as_missing(self, column: str | None = None) -> dict[str, int]:
        """Rule → how many values it made missing, in one column or in all of them."""
        totals: dict[str, int] = {}
        for name, rule, count in self.missing:
            if column is None or name == column:
                totals[rule] = totals.get(rule, 0) + count
        return totals

    def rows_excluded(self) -> dict[str, int]:
        """Rule → how many rows it left out of the table."""
        return dict(self.excluded)


@frozen
class LoadResult:
    """The table read from one source (None when it cannot be built), with what went wrong."""

    table: Table | None
    diagnostics: tuple[Diagnostic, ...]
    report: LoadReport

    @property
    def ok(self) -> bool:
        """True when there is a table and no diagnostic is an error (warnings allowed)."""
        return self.table is not None and not any(d.is_error for d in self.diagnostics)


def codelists_of(frameworks: Sequence[m.Framework]) -> dict[str, m.Codelist]:
    """Every codelist the checked frameworks declare, by qualified name (what loading needs)."""
    return {codelist.name: codelist for fw in frameworks for codelist in fw.codelists}


# ------------------------------------------------------------------ entry points


def load_table(
    dataset: m.Dataset,
    source: Any,
    codelists: Mapping[str, m.Codelist],
    *,
    name: str | None = None,
    area: str | None = None,
) -> LoadResult:
    """Read one dataset's rows from a file or an in-memory table.

    `source` is a path to a `.csv` or `.parquet` file, a pandas DataFrame, a pyarrow Table, or
    a mapping of column name → NumPy array or list. `name` is how the source is named in
    diagnostics (default: the path as given). `area` is for a single authority's return, which
    has no column for the area: when the file lacks the dataset's `area` column, the column
    is filled with this code (and the report says so).

    >>> ds = m.Dataset(name="demo.t", rows="child", columns=(m.Column(name="DOB", type=m.DATE),))
    >>> load_table(ds, {"DOB": ["01/04/2024", "2024-03-31"]}, {}).table.columns["DOB"]
    array(['2024-04-01', '2024-03-31'], dtype='datetime64[D]')
    """
    if area is not None and dataset.area is None:
        msg = f"dataset `{dataset.name}` declares no area column to fill with `{area}`"
        raise ValueError(msg)
    for column in dataset.columns:
        if column.type.kind is m.ValueKind.CODE and column.type.codelist not in codelists:
            msg = (f"codelist `{column.type.codelist}` of column `{column.name}` was not given "
                   "(see `codelists_of`)")
            raise ValueError(msg)
    shown = name if name is not None else default_name(source)
    with _gc_paused():
        raw = read_source(source, shown, dataset)
        if isinstance(raw, Diagnostic):
            return LoadResult(None, (raw,), LoadReport(shown, 0, 0))
        loader = _Loader(dataset, codelists, shown, raw, area)
        table = loader.read()
        return loader.finish(None if table is None else share_codes({dataset.name: table})[
            dataset.name])


def load_directory(
    datasets: Sequence[m.Dataset],
    directory: Path,
    codelists: Mapping[str, m.Codelist],
    *,
    area: str | None = None,
) -> dict[str, LoadResult]:
    """Read each dataset from `<short name>.csv` or `.parquet` in `directory`, by dataset name,
    or from the XML return in `directory` that holds it (`outcomespec.loading.xmlreader`:
    a CIN census fills `child_identifiers`, `cin_details` and the other CIN tables, an
    SSDA903 XML return `header`, `episodes` and the other 903 tables).

    The short name is the part of the qualified name after the last dot (`episodes` for
    `ssda903.episodes`); the result is keyed by the qualified name. A dataset with no file is
    absent from the result. Files that are symbolic links to somewhere outside `directory`
    are refused (D108), as is a dataset with both a `.csv` and a `.parquet` file (or a file
    and an XML return holding it). `area` is
    passed on to `load_table` for the datasets that declare an area column.
    """
    if not directory.is_dir():
        msg = f"`{directory}` is not a directory"
        raise NotADirectoryError(msg)
    root = directory.resolve()
    results: dict[str, LoadResult] = {}
    loaders: dict[str, tuple[_Loader, Table | None]] = {}
    returns = read_returns(directory, [_short(d.name) for d in datasets])
    for dataset in datasets:
        short = dataset.name.rsplit(".", 1)[-1]
        found = [directory / name for name in file_names(dataset)
                 if os.path.lexists(directory / name)]
        returned = returns.tables.get(short)
        if returned is not None:
            found.append(Path(returned.shown))
        elif short in returns.problems and not found:
            refused = returns.problems[short]
            results[dataset.name] = LoadResult(None, (refused,), LoadReport(refused.path or "",
                                                                           0, 0))
            continue
        if not found:
            continue
        shown = str(found[0])
        problem = None
        if len(found) > 1:
            problem = Diagnostic.of(
                "D108", f"both `{found[0].name}` and `{found[1].name}` hold dataset "
                f"`{short}`", None, path=shown, help="keep only one of the two files")
        elif returned is not None:
            real = found[0]
        else:
            try:
                real = found[0].resolve()
            except (OSError, RuntimeError) as error:  # a link loop is a RuntimeError on 3.11
                real, problem = found[0], Diagnostic.of(
                    "D108", f"cannot read `{shown}`: {error}", None, path=shown,
                    help="check the path and that you may read the file")
            if problem is None and not real.is_relative_to(root):
                problem = Diagnostic.of(
                    "D108", f"`{shown}` is a symbolic link to a file outside `{directory}`",
                    None, path=shown,
                    help="copy the file into the directory instead of linking to it")
        if problem is not None:
            results[dataset.name] = LoadResult(None, (problem,), LoadReport(shown, 0, 0))
            continue
        with _gc_paused():
            raw = returned.raw if returned is not None else read_source(real, shown, dataset)
        if isinstance(raw, Diagnostic):
            results[dataset.name] = LoadResult(None, (raw,), LoadReport(shown, 0, 0))
            continue
        loader = _Loader(dataset, codelists, shown, raw,
                         area if dataset.area is not None else None)
        with _gc_paused():
            loaders[dataset.name] = (loader, loader.read())
    shared = share_codes({name: table for name, (_, table) in loaders.items()
                          if table is not None})
    for name, (loader, _) in loaders.items():
        results[name] = loader.finish(shared.get(name))
    _place_returned(results, returns, datasets)
    return {d.name: results[d.name] for d in datasets if d.name in results}


def _place_returned(results: dict[str, LoadResult], returns: Returns,
                    datasets: Sequence[m.Dataset]) -> None:
    """The diagnostics of tables read from XML returns naming elements, not columns; the
    problems of a whole return given with the first of its tables (or else the first
    result)."""
    names = {_short(d.name): d.name for d in datasets}
    for short, table in returns.tables.items():
        result = results.get(names.get(short, ""))
        if result is not None and result.report.source == table.shown:
            results[names[short]] = evolve(result, diagnostics=table.place(result.diagnostics))
    for short, diagnostic in returns.diagnostics:
        name = names.get(short) or next(iter(results), None)
        if name is not None and name in results:
            result = results[name]
            results[name] = evolve(result, diagnostics=tuple(sort_diagnostics(
                [*result.diagnostics, diagnostic])))


def file_names(dataset: m.Dataset) -> tuple[str, ...]:
    """The names of the files `load_directory` reads a dataset from, in order of preference.

    >>> file_names(m.Dataset(name="ssda903.episodes", rows="episode", columns=()))
    ('episodes.csv', 'episodes.parquet')
    """
    short = dataset.name.rsplit(".", 1)[-1]
    return tuple(f"{short}{suffix}" for suffix in SUFFIXES)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small strings are made.

    Loading allocates no reference cycles, and the collector's passes over the growing heap
    otherwise take longer than the parsing itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ------------------------------------------------------------------ matching columns


class _Loader:
    """Matches the source's columns to the dataset's and converts each one."""

    def __init__(self, dataset: m.Dataset, codelists: Mapping[str, m.Codelist], shown: str,
                 raw: RawColumns, area: str | None) -> None:
        self.dataset = dataset
        self.codelists = codelists
        self.shown = shown
        self.raw = raw
        self.area = area
        self.converter = ColumnConverter(dataset, codelists)
        self.diagnostics: list[Diagnostic] = list(raw.diagnostics)
        self.missing: list[tuple[str, str, int]] = []
        self.n = len(raw.lines)
        self.lines = raw.lines
        self.unread = np.zeros(self.n, dtype=np.bool_)
        """Rows with a value that could not be read (what the file wrote there is lost)."""

    def read(self) -> Table | None:
        """The typed table (None when it cannot be used); its problems are kept for
        `finish`. The raw columns are let go."""
        raw = self.raw
        positions: dict[str, int] = {}
        duplicated: set[str] = set()
        for index, name in enumerate(raw.header):
            if name in positions and self.dataset.column(name) is not None:
                duplicated.add(name)
            positions.setdefault(name, index)
        for name in sorted(duplicated):
            self.diagnostics.append(Diagnostic.of(
                "D108", f"the header names column `{name}` twice", None, path=self.shown,
                line=1, help="rename or remove one of the two columns"))
        ignored = tuple(name or f"(unnamed column {i + 1})" for i, name in enumerate(raw.header)
                        if self.dataset.column(name) is None)
        columns: dict[str, npt.NDArray[Any]] = {}
        markers: dict[str, npt.NDArray[np.int8]] = {}
        absent: list[str] = []
        filled: list[tuple[str, str]] = []
        for column in self.dataset.columns:
            if column.name in positions:
                values = raw.columns[positions[column.name]]
            elif column.name == self.dataset.area and self.area is not None:
                values = (self.area,) * self.n
                filled.append((column.name, self.area))
            else:
                if not (column.optional or column.since is not None
                        or column.until is not None):
                    self.diagnostics.append(self._absent(column))
                absent.append(column.name)
                columns[column.name] = all_missing(column, self.n)
                if self.n:
                    self.missing.append((column.name, ABSENT, self.n))
                continue
            converted = in_range(column, self.converter.convert(column, values, raw.texts))
            columns[column.name] = converted.values
            if converted.markers is not None:
                markers[column.name] = converted.markers
            self.missing.extend((column.name, rule, count)
                                for rule, count in converted.missing.items() if count)
            for code, (rows, describe) in converted.problems.items():
                self._report_rows(code, column.name, rows, describe)
                if code in RULES:
                    self.unread[rows] = True
        usable = not duplicated and not any(d.code == "D101" for d in self.diagnostics)
        self.report = LoadReport(self.shown, raw.rows_read, self.n if usable else 0,
                                 tuple(self.missing), raw.excluded, ignored, tuple(absent),
                                 tuple(filled))
        del self.raw
        if not usable:
            return None
        codes = {c.name: self.codelists[c.type.codelist].code_values
                 for c in self.dataset.columns
                 if c.type.kind is m.ValueKind.CODE and c.type.codelist}
        return Table(self.dataset, columns, codes, markers=markers, source=self.shown,
                     lines=self.lines, periods=self._periods(columns))

    def _periods(self, columns: Mapping[str, npt.NDArray[Any]]) -> npt.NDArray[np.int64] | None:
        """The period of each row, each value that is not a year of the column's kind
        reported (D130) with its line."""
        name, kind = self.dataset.period, self.dataset.period_kind
        if name is None:
            return None
        values = columns[name]
        found = row_periods(values, kind)

        def describe(row: int) -> Bad:
            text = found.value_of(values, row)
            problem = found.problems[text]
            return Bad("D130", f"`{text}` in column `{name}` {problem.reason}", problem.help)

        if found.unreadable.size:
            self._report_rows("D130", name, found.unreadable, describe)
        return found.periods

    def finish(self, table: Table | None) -> LoadResult:
        """The result of `read`, its table checked for duplicate keys (using the identifier
        codes it shares with the tables read with it) and, among the rows no key covers,
        for rows repeated whole."""
        if table is not None:
            found, keyed = self._duplicate_keys(table)
            self.diagnostics.extend(found)
            self.diagnostics.extend(self._repeated_rows(
                table, np.flatnonzero(~keyed & ~self.unread)))
        return LoadResult(table, tuple(sort_diagnostics(self.diagnostics)), self.report)

    # ---- problems

    def _absent(self, column: m.Column) -> Diagnostic:
        names = [name for name in self.raw.header if name]
        suggestion = did_you_mean(column.name, names)
        shown = ", ".join(f"`{name}`" for name in names[:12]) + (", …" if len(names) > 12
                                                                  else "")
        if column.name == self.dataset.area:
            fix = ("a single authority's return has no area column: give its code as `area` "
                   "when loading")
        else:
            fix = ("add the column (one declared `optional` may be left out of a file when "
                   "no indicator reads it)")
        help_text = (f"{suggestion} If not, {fix}" if suggestion
                     else f"the file's columns are {shown or 'none'}; {fix}")
        return Diagnostic.of(
            "D101", f"column `{column.name}` of dataset `{_short(self.dataset.name)}` is "
            "missing from the file", None, path=self.shown, line=1, help=help_text)

    def _report_rows(self, code: str, column: str, rows: npt.NDArray[np.intp],
                     describe: Callable[[int], Bad]) -> None:
        lines = self.lines
        for row in rows[:CAP].tolist():
            bad = describe(row)
            self.diagnostics.append(Diagnostic.of(bad.code, bad.message, None, path=self.shown,
                                                  line=int(lines[row]), help=bad.help))
        if len(rows) > CAP:
            rest = lines[rows[CAP:]]
            self.diagnostics.append(Diagnostic.of(
                code, f"… and {len(rows) - CAP} more rows with the same problem in column "
                f"`{column}` (lines {rest[0]} to {rest[-1]})", None, path=self.shown,
                line=int(rest[0])))

    def _duplicate_keys(self, table: Table) -> tuple[list[Diagnostic], npt.NDArray[np.bool_]]:
        """Rows sharing a key, and which rows the key covers. Identifiers such as CHILD are
        unique only within a local authority, so a pooled file's key is (area, key) when the
        file has the area column.

        A missing identifier identifies nothing, so its row is left to `_repeated_rows`; an
        empty value of any other key column is a value like another: a published table's
        national row has no authority code, and two such rows of one year and category are
        one row given twice."""
        key = self.dataset.key
        nothing = np.zeros(table.n_rows, dtype=np.bool_)
        if not key or table.n_rows < 2 or set(key) & set(self.report.absent_columns):
            return [], nothing  # a key column the file lacks is reported where it is read
        area = self.dataset.area
        if area is not None and area in table.columns and area not in key:
            key = (area, *key)
        valid = np.ones(table.n_rows, dtype=np.bool_)
        combined = np.zeros(table.n_rows, dtype=np.int64)
        units = {column: unit for unit, column in self.dataset.identifier_units().items()
                 if column in key}
        coded = {column: table.shared.codes(unit) for column, unit in units.items()
                 if table.shared is not None}
        for name in key:
            column = self.dataset.column(name)
            if column is None:
                return [], nothing
            values = table.columns[name]
            if column.type.kind is m.ValueKind.IDENTIFIER:
                valid &= ~missing_mask(values, column.type)
            codes = coded.get(name)
            if name == area and any(other in coded for other in key):
                continue  # coded with the identifier, below
            if codes is not None and area in key:  # (area, name) coded together
                ids, bound = codes.by_area[table.dataset.name], codes.n_pairs
            elif codes is not None:
                ids, bound = codes.by_id[table.dataset.name], codes.n_ids
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
        lines = self.lines
        decoded = {name: table.columns[name] for name in key}
        for index in repeats[:CAP].tolist():
            row, other = int(rows[index]), int(original[index])
            shown = ", ".join(f"`{display_value(table, name, decoded[name], row)}`"
                              for name in key)
            found.append(Diagnostic.of(
                "D107", f"duplicate key: line {lines[row]} has the same {names} as line "
                f"{lines[other]} ({shown})", None, path=self.shown, line=int(lines[row]),
                help=f"each row of `{_short(self.dataset.name)}` must have a different "
                f"{names} (its `key`); correct or remove one of the two rows"))
        if len(repeats) > CAP:
            rest = np.sort(lines[rows[repeats[CAP:]]])
            found.append(Diagnostic.of(
                "D107", f"… and {len(repeats) - CAP} more rows that repeat a key (lines "
                f"{rest[0]} to {rest[-1]})", None, path=self.shown, line=int(rest[0])))
        return found, valid

    def _repeated_rows(self, table: Table, rows: npt.NDArray[np.intp]) -> list[Diagnostic]:
        """Rows among `rows` equal in every declared column to an earlier one (D121).

        Why: a table with no key, such as a published table of counts, gives no other sign
        that a row was pasted twice, and every sum over it would count the row twice. Rows
        with a value that could not be read are left out: they are errors already, and two
        of them may differ in what was written. Each row is hashed once over all its
        columns; only rows whose hash recurs are compared exactly, so a national file costs
        one pass per column and one sort of the hashes.
        """
        if len(rows) < 2:
            return []
        columns = [table.columns[c.name] for c in self.dataset.columns]
        every = len(rows) == table.n_rows  # a table with no key: no copy of its columns
        hashes = np.zeros(len(rows), dtype=np.uint64)
        for values in columns:
            hashes = hashes * np.uint64(0x100000001B3) ^ value_hashes(
                values if every else values[rows])
        ordered = np.sort(hashes)
        recurring = ordered[1:][ordered[1:] == ordered[:-1]]
        if not len(recurring):
            return []
        candidates = rows[np.isin(hashes, recurring)]
        combined = np.zeros(len(candidates), dtype=np.int64)
        for values in columns:
            ids = group_ids(values[candidates])
            combined = factorize(combined * (int(ids.max()) + 1) + ids)[0]
        original = candidates[first_rows(combined)]
        repeats = np.flatnonzero(original != candidates)
        lines, short = self.lines, _short(self.dataset.name)
        found = [Diagnostic.of(
            "D121", f"line {lines[candidates[i]]} repeats line {lines[original[i]]} in every "
            "column", None, path=self.shown, line=int(lines[candidates[i]]),
            help=f"remove the repeated row; if both rows are real, `{short}` needs a column "
            "that tells them apart (and a `key` naming it)")
            for i in repeats[:CAP].tolist()]
        if len(repeats) > CAP:
            rest = np.sort(lines[candidates[repeats[CAP:]]])
            found.append(Diagnostic.of(
                "D121", f"… and {len(repeats) - CAP} more rows that repeat an earlier row "
                f"(lines {rest[0]} to {rest[-1]})", None, path=self.shown, line=int(rest[0])))
        return found


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
