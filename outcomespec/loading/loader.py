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

import ctypes
import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from attrs import evolve, frozen

from outcomespec import model as m
from outcomespec.language.diagnostics import Diagnostic, did_you_mean, sort_diagnostics
from outcomespec.loading.conversion import (
    ColumnConverter,
    ConvertedColumn,
    all_missing,
    in_range,
)
from outcomespec.loading.identifiers import share_codes
from outcomespec.loading.periods import row_periods
from outcomespec.loading.repeats import duplicate_keys, repeated_rows
from outcomespec.loading.sources import (
    CAP,
    EMPTY_ROW,
    SUFFIXES,
    WRONG_WIDTH,
    RawColumns,
    default_name,
    read_source,
)
from outcomespec.loading.tables import Table
from outcomespec.loading.values import EMPTY, RULES, Bad
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
    returned: str | None = None
    """The XML return the table was read from ("SSDA903 return"), if it was."""
    not_carried: tuple[str, ...] = ()
    """Declared columns that the return's schema cannot give: no file of it ever has them."""

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
    >>> table = load_table(ds, {"DOB": ["01/04/2024", "2024-03-31"]}, {}).table
    >>> table.columns["DOB"], table.values("DOB")
    (array([19814, 19813], dtype=int32), array(['2024-04-01', '2024-03-31'], dtype='datetime64[D]'))
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
    with _loading():
        raw = read_source(source, shown, dataset)
        if isinstance(raw, Diagnostic):
            return LoadResult(None, (raw,), LoadReport(shown, 0, 0))
        loader = _Loader(dataset, codelists, shown, raw, area)
        table = loader.read()
        del raw
        result = loader.finish(None if table is None else share_codes({dataset.name: table})[
            dataset.name])
    if loader.n >= LARGE:
        release_memory()
    return result


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
    files: dict[str, tuple[m.Dataset, Path, str, RawColumns | None]] = {}
    returns = read_returns(directory, [_short(d.name) for d in datasets])
    for dataset in datasets:
        located = _locate(dataset, directory, root, returns)
        if isinstance(located, LoadResult):
            results[dataset.name] = located
        elif located is not None:
            files[dataset.name] = located

    def read(dataset: m.Dataset, path: Path, shown: str, returned: RawColumns | None
             ) -> tuple[_Loader, Table | None] | LoadResult:
        raw = returned if returned is not None else read_source(path, shown, dataset)
        if isinstance(raw, Diagnostic):
            return LoadResult(None, (raw,), LoadReport(shown, 0, 0))
        loader = _Loader(dataset, codelists, shown, raw,
                         area if dataset.area is not None else None)
        read = loader, loader.read()
        if loader.n >= LARGE:
            release_memory()
        return read

    largest_first = sorted(files, key=lambda name: -_size(files[name][1]))
    loaders: dict[str, tuple[_Loader, Table | None]] = {}
    with _loading():
        for name in largest_first:
            outcome = read(*files[name])
            if isinstance(outcome, LoadResult):
                results[name] = outcome
            else:
                loaders[name] = outcome
        large = any(loader.n >= LARGE for loader, _ in loaders.values())
        if large:  # what reading the smaller files left, before the codes are sorted
            release_memory()
        shared = share_codes({name: table for name, (_, table) in loaders.items()
                              if table is not None})
        if large:  # the sorts of the codes, handed back before the checks
            release_memory()
        for name, (loader, _) in loaders.items():
            results[name] = loader.finish(shared.get(name))
    if large:
        release_memory()
    _place_returned(results, returns, datasets)
    return {d.name: results[d.name] for d in datasets if d.name in results}


def _locate(dataset: m.Dataset, directory: Path, root: Path, returns: Returns
            ) -> tuple[m.Dataset, Path, str, RawColumns | None] | LoadResult | None:
    """Where a dataset is read from (its file, or the table an XML return gave), or why it
    cannot be (a D108), or None when the directory holds no file for it."""
    short = dataset.name.rsplit(".", 1)[-1]
    found = [directory / name for name in file_names(dataset)
             if os.path.lexists(directory / name)]
    returned = returns.tables.get(short)
    if returned is not None:
        found.append(Path(returned.shown))
    elif short in returns.problems and not found:
        refused = returns.problems[short]
        return LoadResult(None, (refused,), LoadReport(refused.path or "", 0, 0))
    if not found:
        return None
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
        return LoadResult(None, (problem,), LoadReport(shown, 0, 0))
    return dataset, real, shown, returned.raw if returned is not None else None


def _size(path: Path) -> int:
    """A file's size in bytes (0 when it cannot be asked): the largest is read first, while
    little else is held in memory."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _place_returned(results: dict[str, LoadResult], returns: Returns,
                    datasets: Sequence[m.Dataset]) -> None:
    """The diagnostics of tables read from XML returns naming elements, not columns; the
    problems of a whole return given with the first of its tables (or else the first
    result)."""
    names = {_short(d.name): d.name for d in datasets}
    for short, table in returns.tables.items():
        result = results.get(names.get(short, ""))
        if result is not None and result.report.source == table.shown:
            report = evolve(result.report, returned=table.kind, not_carried=tuple(
                c for c in result.report.absent_columns if c not in table.schema))
            results[names[short]] = evolve(result, report=report,
                                           diagnostics=table.place(result.diagnostics))
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


LARGE = 500_000
"""Rows from which a table is large enough for its temporaries to be worth handing back."""


def release_memory() -> None:
    """Hand back to the system the memory freed while reading: pyarrow's allocator keeps
    what it frees for reuse, and C's allocator keeps freed pages in its heap, so the
    temporaries of a national file would stay in the process's memory after loading."""
    pa.default_memory_pool().release_unused()
    with suppress(OSError, AttributeError):  # C's allocator (NumPy's, and pyarrow's while
        ctypes.CDLL(None).malloc_trim(0)     # loading): glibc only


@contextmanager
def _loading() -> Iterator[None]:
    """While a load runs: the cyclic garbage collector paused, and pyarrow allocating from
    C's allocator (as NumPy does).

    Why: loading allocates no reference cycles, and the collector's passes over a growing
    heap can take longer than the reading itself. pyarrow's own allocator keeps what a
    thread frees for that thread to reuse, so the blocks of one national file read on
    several threads would stay in the process after loading; from C's allocator, what is
    freed is reused by the next file and handed back at the end (`release_memory`).
    """
    enabled = gc.isenabled()
    pool = pa.default_memory_pool()
    gc.disable()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(pool)
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
        self.n = raw.rows_read - sum(count for _, count in raw.excluded)
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
            if name in positions and self.dataset.file_column(name) is not None:
                duplicated.add(name)
            positions.setdefault(name, index)
        for name in sorted(duplicated):
            self.diagnostics.append(Diagnostic.of(
                "D108", f"the header names column `{name}` twice", None, path=self.shown,
                line=1, help="rename or remove one of the two columns"))
        ignored = tuple(name or f"(unnamed column {i + 1})" for i, name in enumerate(raw.header)
                        if self.dataset.file_column(name) is None)
        columns: dict[str, npt.NDArray[Any]] = {}
        texts: dict[str, Any] = {}
        markers: dict[str, npt.NDArray[np.int8]] = {}
        absent: list[str] = []
        filled: list[tuple[str, str]] = []
        for column in self.dataset.columns:
            reread = None
            if column.file_name in positions:
                position = positions[column.file_name]
                values = raw.take(position)
                if raw.reread is not None:
                    reread = partial(raw.reread, position)
            elif column.name == self.dataset.area and self.area is not None:
                values = np.full(self.n, self.area)
                filled.append((column.name, self.area))
            else:
                if not (column.optional or column.since is not None
                        or column.until is not None):
                    self.diagnostics.append(self._absent(column))
                absent.append(column.name)
                columns[column.name] = all_missing(column, self.n)
                if column.type.kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER):
                    texts[column.name] = pa.array([], type=pa.string())
                if self.n:
                    self.missing.append((column.name, ABSENT, self.n))
                continue
            converted = self._convert(column, values, reread)
            columns[column.name] = converted.values
            if converted.texts is not None:
                texts[column.name] = converted.texts
            if converted.markers is not None:
                markers[column.name] = converted.markers
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
        table = Table(self.dataset, columns, codes, texts, markers=markers, source=self.shown,
                      lines=self.lines, periods=None)
        return evolve(table, periods=self._periods(table))

    def _convert(self, column: m.Column, values: Any, reread: Callable[[], Any] | None
                 ) -> ConvertedColumn:
        """One column converted, its range checked and its problems reported; what it was
        read as is let go (and, for a large table, handed back) before the next."""
        converted = in_range(column, self.converter.convert(column, values, reread))
        del values
        if self.n >= LARGE:
            release_memory()
        self.missing.extend((column.name, rule, count)
                            for rule, count in converted.missing.items() if count)
        for code, (rows, describe) in converted.problems.items():
            self._report_rows(code, column.name, rows, describe)
            if code in RULES:
                self.unread[rows] = True
        return converted

    def _periods(self, table: Table) -> npt.NDArray[np.int64] | None:
        """The period of each row, each value that is not a year of the column's kind
        reported (D130) with its line."""
        name, kind = self.dataset.period, self.dataset.period_kind
        if name is None:
            return None
        values = table.values(name)
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
        for rows repeated whole (leaving out rows with a value that could not be read: they
        are errors already, and two of them may differ in what was written)."""
        if table is not None:
            found, keyed = duplicate_keys(table, self._lines, self.report.absent_columns)
            self.diagnostics.extend(found)
            unkeyed = ~keyed & ~self.unread
            self.diagnostics.extend(repeated_rows(
                table, None if unkeyed.all() else np.flatnonzero(unkeyed), self._lines))
            if self.n >= LARGE:
                release_memory()
        return LoadResult(table, tuple(sort_diagnostics(self.diagnostics)), self.report)

    def _lines(self, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
        """The lines of the file that `rows` were read from."""
        if self.lines is None:
            return np.asarray(rows, dtype=np.int64) + 2
        return self.lines[rows]

    # ---- problems

    def _absent(self, column: m.Column) -> Diagnostic:
        names = [name for name in self.raw.header if name]
        shown = ", ".join(f"`{name}`" for name in names[:12]) + (", …" if len(names) > 12
                                                                  else "")
        if column.name == self.dataset.area:
            fix = ("a single authority's return has no area column: give its code as `area` "
                   "when loading")
        else:
            fix = ("add the column (one declared `optional` may be left out of a file when "
                   "no indicator reads it)")
        declared = {c.file_name for c in self.dataset.columns}
        undeclared = [name for name in names if name not in declared]
        suggestion = did_you_mean(column.file_name, undeclared)  # a declared one is no rename
        if suggestion:
            help_text = f"{suggestion} If not, {fix}"
        elif 0 < len(undeclared) <= 3:  # most likely renamed: say how to read it as it is
            other = ", ".join(f"`{name}`" for name in undeclared)
            help_text = (f"the file has {other}, which the dataset does not declare: if "
                         f"`{column.name}` is called `{undeclared[0]}` in this file, declare "
                         f"`column \"{undeclared[0]}\" as {column.name} …` or rename it in the "
                         f"file; otherwise {fix}")
        else:
            help_text = f"the file's columns are {shown or 'none'}; {fix}"
        called = ("" if column.header is None
                  else f" (\"{column.header}\" in the file's header)")
        return Diagnostic.of(
            "D101", f"column `{column.name}`{called} of dataset `{_short(self.dataset.name)}` is "
            "missing from the file", None, path=self.shown, line=1, help=help_text)

    def _report_rows(self, code: str, column: str, rows: npt.NDArray[np.intp],
                     describe: Callable[[int], Bad]) -> None:
        lines = self._lines(rows[:CAP])
        for row, line in zip(rows[:CAP].tolist(), lines.tolist(), strict=True):
            bad = describe(row)
            self.diagnostics.append(Diagnostic.of(bad.code, bad.message, None, path=self.shown,
                                                  line=line, help=bad.help))
        if len(rows) > CAP:
            rest = self._lines(rows[CAP:])
            self.diagnostics.append(Diagnostic.of(
                code, f"… and {len(rows) - CAP} more rows with the same problem in column "
                f"`{column}` (lines {rest[0]} to {rest[-1]})", None, path=self.shown,
                line=int(rest[0])))


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
