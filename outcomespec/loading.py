"""Loading data into typed tables: CSV and Parquet files, pandas and pyarrow tables, arrays.

Every value of a declared column becomes one element of a typed NumPy array in the encoding
of `outcomespec.tables`. Nothing is dropped or made up without a trace:

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

Reading and conversion are vectorised, for national files of some 650,000 rows: a plain
file (ASCII, no quotes, the same number of values on every line, as most returns are) is cut
into columns by array operations on its bytes, any other by the `csv` module; text columns
are stripped with NumPy string operations on the whole column, and the other types are read
once per distinct value, the results spread back by index. pandas and pyarrow are optional:
they are imported only to read what needs them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import importlib
import io
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m
from outcomespec.diagnostics import Diagnostic, did_you_mean, sort_diagnostics
from outcomespec.tables import MISSING_BOOLEAN, MISSING_CODE, Table, dtype_for, missing_mask

CAP = 20
"""Diagnostics of one code given per column before the rest are summed up in one."""

EMPTY = "empty"
ABSENT = "absent column"
EMPTY_ROW = "empty row"
WRONG_WIDTH = "D108 wrong number of fields"
RULES = {
    "D102": "D102 unparseable date",
    "D103": "D103 unknown code",
    "D104": "D104 unknown code",
    "D105": "D105 not a number",
    "D106": "D106 not a true/false value",
}
"""The report's rule for values read as missing because a diagnostic of that code was given."""

SUFFIXES = (".csv", ".parquet")

DATE_HELP = "write dates as dd/mm/YYYY or YYYY-MM-DD"
BOOLEAN_HELP = ("write 1 or 0 (true/false, yes/no and Y/N are read too); leave the cell empty "
                "when the value is not known")
QUOTE_HELP = ('put a value that holds a comma, a quote or a line break in double quotes, and '
              'double each quote inside it: "Kingston upon Hull, City of"')
UTF8_HELP = "save the file as UTF-8 (in Excel: Save As, CSV UTF-8 (Comma delimited))"

_TRUE = frozenset({"1", "true", "yes", "y"})
_FALSE = frozenset({"0", "false", "no", "n"})
_TIME = r"(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?"
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})" + _TIME)
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_EXACT_INTEGER = 2.0**53


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

    >>> ds = m.Dataset("demo.t", None, "child", (m.Column("DOB", m.DATE, False, None, None,
    ...                None),), (), None, None, (), m.UnknownCodePolicy.ERROR)
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
    shown = name if name is not None else _default_name(source)
    with _gc_paused():
        raw = _read(source, shown, dataset)
        if isinstance(raw, Diagnostic):
            return LoadResult(None, (raw,), LoadReport(shown, 0, 0))
        return _Loader(dataset, codelists, shown, raw, area).run()


def load_directory(
    datasets: Sequence[m.Dataset],
    directory: Path,
    codelists: Mapping[str, m.Codelist],
    *,
    area: str | None = None,
) -> dict[str, LoadResult]:
    """Read each dataset from `<short name>.csv` or `.parquet` in `directory`, by dataset name.

    The short name is the part of the qualified name after the last dot (`episodes` for
    `ssda903.episodes`); the result is keyed by the qualified name. A dataset with no file is
    absent from the result. Files that are symbolic links to somewhere outside `directory`
    are refused (D108), as is a dataset with both a `.csv` and a `.parquet` file. `area` is
    passed on to `load_table` for the datasets that declare an area column.
    """
    if not directory.is_dir():
        msg = f"`{directory}` is not a directory"
        raise NotADirectoryError(msg)
    root = directory.resolve()
    results: dict[str, LoadResult] = {}
    for dataset in datasets:
        short = dataset.name.rsplit(".", 1)[-1]
        found = [directory / f"{short}{suffix}" for suffix in SUFFIXES
                 if os.path.lexists(directory / f"{short}{suffix}")]
        if not found:
            continue
        shown = str(found[0])
        problem = None
        if len(found) > 1:
            problem = Diagnostic.of(
                "D108", f"both `{found[0].name}` and `{found[1].name}` hold dataset "
                f"`{short}`", None, path=shown, help="keep only one of the two files")
        else:
            real = found[0].resolve()
            if not real.is_relative_to(root):
                problem = Diagnostic.of(
                    "D108", f"`{shown}` is a symbolic link to a file outside `{directory}`",
                    None, path=shown,
                    help="copy the file into the directory instead of linking to it")
        if problem is not None:
            results[dataset.name] = LoadResult(None, (problem,), LoadReport(shown, 0, 0))
            continue
        results[dataset.name] = load_table(
            dataset, real, codelists, name=shown,
            area=area if dataset.area is not None else None)
    return results


# ------------------------------------------------------------------ reading sources


@frozen
class _Raw:
    """A source as columns of raw values, before conversion."""

    header: tuple[str, ...]
    columns: tuple[Any, ...]
    """Each column's values: a sequence of str (CSV) or a NumPy array."""
    lines: npt.NDArray[np.int64]
    """The line of each kept row in the file (for in-memory tables, as if written to CSV)."""
    rows_read: int
    excluded: tuple[tuple[str, int], ...]
    diagnostics: tuple[Diagnostic, ...]
    texts: bool
    """True when every value is a str (CSV), so text columns take the vectorised path."""


def _default_name(source: Any) -> str:
    if isinstance(source, str | os.PathLike):
        return str(source)
    if _is_instance(source, "pandas", "DataFrame"):
        return "<DataFrame>"
    if _is_instance(source, "pyarrow", "Table"):
        return "<pyarrow Table>"
    return "<columns>"


def _is_instance(value: Any, module: str, cls: str) -> bool:
    """isinstance against a class of an optional package, without importing the package."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(value, getattr(loaded, cls))


def _read(source: Any, shown: str, dataset: m.Dataset) -> _Raw | Diagnostic:
    if isinstance(source, str | os.PathLike):
        return _read_path(Path(source), shown, dataset)
    if _is_instance(source, "pandas", "DataFrame"):
        header = [str(c) for c in source.columns]
        arrays = [source.iloc[:, i].to_numpy() for i in range(len(header))]
        return _from_arrays(header, arrays, shown)
    if _is_instance(source, "pyarrow", "Table"):
        return _from_arrow(source, shown)
    if isinstance(source, Mapping):
        header = [str(key) for key in source]
        arrays = [value if isinstance(value, np.ndarray) else np.asarray(value)
                  for value in source.values()]
        return _from_arrays(header, arrays, shown)
    msg = ("source must be a path to a .csv or .parquet file, a pandas DataFrame, a pyarrow "
           f"Table or a mapping of column name to values, not {type(source).__name__}")
    raise TypeError(msg)


def _read_path(path: Path, shown: str, dataset: m.Dataset) -> _Raw | Diagnostic:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return Diagnostic.of(
            "D108", f"`{shown}` is not a .csv or .parquet file", None, path=shown,
            help="save the table as CSV (UTF-8, comma separated) or Parquet")
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return Diagnostic.of("D108", f"`{shown}` is a directory, not a file", None,
                                 path=shown)
        if not stat.S_ISREG(info.st_mode):
            return Diagnostic.of("D108", f"`{shown}` is not a regular file", None, path=shown)
        if suffix == ".parquet":
            return _read_parquet(path, shown)
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return Diagnostic.of("D108", f"cannot read `{shown}`: {reason}", None, path=shown,
                             help="check the path and that you may read the file")
    return _read_csv(data, shown, dataset)


def _read_parquet(path: Path, shown: str) -> _Raw | Diagnostic:
    try:
        pq = importlib.import_module("pyarrow.parquet")  # optional: only for Parquet files
    except ImportError:
        return Diagnostic.of("D108", f"cannot read `{shown}`: reading Parquet needs pyarrow",
                             None, path=shown, help="pip install pyarrow, or give a CSV file")
    try:
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises many kinds of error for a bad file
        return Diagnostic.of("D108", f"cannot read `{shown}` as Parquet: {error}", None,
                             path=shown, help="check that the file is a complete Parquet file")
    return _from_arrow(table, shown)


def _from_arrow(table: Any, shown: str) -> _Raw | Diagnostic:
    header = [str(name) for name in table.column_names]
    arrays = [table.column(i).to_numpy() for i in range(len(header))]
    return _from_arrays(header, arrays, shown)


def _from_arrays(header: list[str], arrays: list[Any], shown: str) -> _Raw | Diagnostic:
    arrays = [np.asarray(a) for a in arrays]
    lengths = sorted({len(a) for a in arrays if a.ndim == 1})
    if any(a.ndim != 1 for a in arrays) or len(lengths) > 1:
        return Diagnostic.of("D108", f"the columns of `{shown}` are not all one-dimensional "
                             f"and of one length (lengths {lengths})", None, path=shown)
    n = lengths[0] if lengths else 0
    lines = np.arange(2, n + 2, dtype=np.int64)
    texts = all(a.dtype.kind == "U" for a in arrays)
    return _Raw(tuple(h.strip() for h in header), tuple(arrays), lines, n, (), (), texts)


def _read_csv(data: bytes, shown: str, dataset: m.Dataset) -> _Raw | Diagnostic:
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Diagnostic.of(
            "D108", f"`{shown}` is not UTF-8 text: byte 0x{data[error.start]:02x} on line "
            f"{line} cannot be read", None, path=shown, line=line, help=UTF8_HELP)
    if not text.strip():
        return Diagnostic.of("D108", f"`{shown}` is empty", None, path=shown,
                             help="the first line must name the columns")
    plain = _split_plain(data)
    records: list[list[str]] = []
    starts = None
    if plain is not None:
        header = [name.strip() for name in plain.header]
    else:
        parsed, starts = _parse_csv(text, shown)
        if isinstance(parsed, Diagnostic):
            return parsed
        records = parsed
        header = [name.strip() for name in records[0]]
    if not any(header):
        return Diagnostic.of("D108", "the first line is empty", None, path=shown, line=1,
                             help="the first line must name the columns")
    if len(header) == 1 and len(dataset.columns) > 1:
        for separator, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if separator in header[0]:
                return Diagnostic.of(
                    "D108", f"`{shown}` separates values with {word}, not commas", None,
                    path=shown, line=1, help="save the file as CSV with commas between values")
    if plain is not None:
        excluded = ((EMPTY_ROW, plain.blank),) if plain.blank else ()
        return _Raw(tuple(header), plain.columns, plain.lines, plain.rows_read, excluded, (),
                    True)
    return _rows_to_columns(header, records, starts, shown)


@frozen
class _Plain:
    """A plain CSV file cut into columns of bytes."""

    header: list[str]
    columns: tuple[npt.NDArray[np.bytes_], ...]
    lines: npt.NDArray[np.int64]
    rows_read: int
    blank: int


_CONTENT = np.ones(256, dtype=np.bool_)
_CONTENT[[ord(c) for c in ", \t\r\n"]] = False
"""Byte → True when it makes a line of a plain CSV file more than blank."""


def _split_plain(data: bytes) -> _Plain | None:
    """Columns of a plain file by array operations on its bytes; None for any other file.

    Plain: ASCII, no quotes, line ends `\n` or `\r\n`, and every line that is not blank
    holding exactly one comma fewer than the header has names. Local authorities' returns
    usually are; anything else is read by the `csv` module, which handles quoting and
    reports rows of the wrong width. Both readers give the same columns.
    """
    if (not data.isascii() or b'"' in data or b"\x00" in data
            or data.count(b"\r") != data.count(b"\r\n")):
        return None
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buf == ord("\n"))
    ends = newlines if buf[-1] == ord("\n") else np.append(newlines, len(buf))
    starts = np.concatenate([[0], newlines + 1])[: len(ends)]
    stops = ends - ((ends > starts) & (buf[np.maximum(ends - 1, 0)] == ord("\r")))
    header = data[starts[0]: stops[0]].decode("ascii").split(",")
    width = len(header)
    starts, stops = starts[1:], stops[1:]
    commas = np.flatnonzero(buf == ord(","))
    first_comma = np.searchsorted(commas, starts)
    n_commas = np.searchsorted(commas, stops) - first_comma
    blank = (~np.logical_or.reduceat(_CONTENT[buf], starts) if len(starts)
             else np.zeros(0, dtype=np.bool_))
    if bool(np.any(~blank & (n_commas != width - 1))):
        return None
    keep = ~blank
    low, high, first = starts[keep], stops[keep], first_comma[keep]
    columns = []
    for j in range(width):
        begin = low if j == 0 else commas[first + j - 1] + 1
        end = high if j == width - 1 else commas[first + j]
        columns.append(_gather(data, buf, begin, end))
    return _Plain(header, tuple(columns), np.flatnonzero(keep).astype(np.int64) + 2,
                  len(starts), int(blank.sum()))


def _gather(data: bytes, buf: npt.NDArray[np.uint8], begin: npt.NDArray[np.intp],
            end: npt.NDArray[np.intp]) -> npt.NDArray[np.bytes_]:
    """The byte strings data[begin[i]:end[i]] as one fixed-width bytes array."""
    lengths = end - begin
    width = int(lengths.max(initial=0))
    if width > 64:  # a few long values would make a wide array: slice them one by one
        return np.asarray([data[a:b] for a, b in zip(begin.tolist(), end.tolist(),
                                                    strict=True)], dtype=np.bytes_)
    out = np.zeros((len(begin), max(width, 1)), dtype=np.uint8)
    last = len(buf) - 1
    for k in range(width):
        out[:, k] = np.where(lengths > k, buf[np.minimum(begin + k, last)], 0)
    return out.view(f"S{max(width, 1)}").reshape(-1)


def _parse_csv(text: str, shown: str) -> tuple[list[list[str]] | Diagnostic,
                                               npt.NDArray[np.int64] | None]:
    """Records of the file, and the line each begins on (None when record i is on line i+1)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, skipinitialspace=True)
    try:
        records = list(reader)
        if reader.line_num == len(records):
            return records, None
    except csv.Error:
        pass
    # A quoted value spans lines, or the file is malformed: read again, noting where each
    # record begins, to name the right lines.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, skipinitialspace=True)
    starts: list[int] = []
    records = []
    end = 0
    try:
        for record in reader:
            starts.append(end + 1)
            records.append(record)
            end = reader.line_num
    except csv.Error as error:
        return Diagnostic.of(
            "D108", f"`{shown}` cannot be read as CSV: {error} in the row that begins on line "
            f"{end + 1}", None, path=shown, line=end + 1, help=QUOTE_HELP), None
    return records, np.asarray(starts, dtype=np.int64)


def _rows_to_columns(
    header: list[str], records: list[list[str]], starts: npt.NDArray[np.int64] | None,
    shown: str,
) -> _Raw:
    body = records[1:]
    rows_read = len(body)
    width = len(header)
    lengths = np.fromiter(map(len, body), dtype=np.int64, count=rows_read)
    line_of = (starts[1:] if starts is not None
               else np.arange(2, rows_read + 2, dtype=np.int64))
    blank = np.fromiter((not "".join(r).strip() for r in body), dtype=np.bool_,
                        count=rows_read)
    # A row of another width is left out, even if its extra values are empty: that is how
    # an unquoted comma in a name looks when the row's last value is empty.
    wrong: list[int] = np.flatnonzero(~blank & (lengths != width)).tolist()
    keep = ~blank & (lengths == width)
    diagnostics = [
        Diagnostic.of(
            "D108", f"line {line_of[index]} has {_count(len(body[index]), 'value')} but the "
            f"header names {_count(width, 'column')}; the row is left out", None, path=shown,
            line=int(line_of[index]), help=QUOTE_HELP)
        for index in wrong[:CAP]]
    if len(wrong) > CAP:
        rest = line_of[wrong[CAP:]]
        diagnostics.append(Diagnostic.of(
            "D108", f"… and {len(wrong) - CAP} more rows with the wrong number of values "
            f"(lines {rest[0]} to {rest[-1]})", None, path=shown, line=int(rest[0])))
    excluded = []
    if blank.any():
        excluded.append((EMPTY_ROW, int(blank.sum())))
    if wrong:
        excluded.append((WRONG_WIDTH, len(wrong)))
    kept = body if bool(keep.all()) else _select(body, keep)
    columns: tuple[Any, ...] = (tuple(zip(*kept, strict=True)) if kept
                                          else tuple(() for _ in header))
    return _Raw(tuple(header), columns, line_of[keep], rows_read, tuple(excluded),
                tuple(diagnostics), True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _select(rows: list[list[str]], keep: npt.NDArray[np.bool_]) -> list[list[str]]:
    return [rows[i] for i in np.flatnonzero(keep).tolist()]


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


# ------------------------------------------------------------------ conversion


@frozen
class _Bad:
    """A value that could not be read: the diagnostic it gets, less its place."""

    code: str
    message: str
    help: str | None


@frozen
class _Missing:
    """A value read as missing, and the rule that says so."""

    rule: str


_EMPTY = _Missing(EMPTY)


@frozen
class _Column:
    """One converted column: values, missing counts by rule, rows to report by code."""

    values: npt.NDArray[Any]
    missing: dict[str, int]
    problems: dict[str, tuple[npt.NDArray[np.intp], Callable[[int], _Bad]]]


class _Loader:
    """Matches the source's columns to the dataset's and converts each one."""

    def __init__(self, dataset: m.Dataset, codelists: Mapping[str, m.Codelist], shown: str,
                 raw: _Raw, area: str | None) -> None:
        self.dataset = dataset
        self.codelists = codelists
        self.shown = shown
        self.raw = raw
        self.area = area
        self.symbols = frozenset(dataset.missing_symbols)
        self.diagnostics: list[Diagnostic] = list(raw.diagnostics)
        self.missing: list[tuple[str, str, int]] = []
        self.n = len(raw.lines)

    def run(self) -> LoadResult:
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
                columns[column.name] = _all_missing(column, self.n)
                if self.n:
                    self.missing.append((column.name, ABSENT, self.n))
                continue
            converted = self._convert(column, values, raw.texts)
            columns[column.name] = converted.values
            self.missing.extend((column.name, rule, count)
                                for rule, count in converted.missing.items() if count)
            for code, (rows, describe) in converted.problems.items():
                self._report_rows(code, column.name, rows, describe)
        usable = not duplicated and not any(d.code == "D101" for d in self.diagnostics)
        table = None
        if usable:
            codes = {c.name: self.codelists[c.type.codelist].code_values
                     for c in self.dataset.columns
                     if c.type.kind is m.ValueKind.CODE and c.type.codelist}
            table = Table(self.dataset, columns, codes)
            self.diagnostics.extend(self._duplicate_keys(table))
        report = LoadReport(self.shown, raw.rows_read, self.n if usable else 0,
                            tuple(self.missing), raw.excluded, ignored, tuple(absent),
                            tuple(filled))
        return LoadResult(table, tuple(sort_diagnostics(self.diagnostics)), report)

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
            fix = "add the column, or declare it `optional` if files may lack it"
        help_text = (f"{suggestion} If not, {fix}" if suggestion
                     else f"the file's columns are {shown or 'none'}; {fix}")
        return Diagnostic.of(
            "D101", f"column `{column.name}` of dataset `{_short(self.dataset.name)}` is "
            "missing from the file", None, path=self.shown, line=1, help=help_text)

    def _report_rows(self, code: str, column: str, rows: npt.NDArray[np.intp],
                     describe: Callable[[int], _Bad]) -> None:
        lines = self.raw.lines
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

    def _duplicate_keys(self, table: Table) -> list[Diagnostic]:
        key = self.dataset.key
        if not key or table.n_rows < 2:
            return []
        valid = np.ones(table.n_rows, dtype=np.bool_)
        combined = np.zeros(table.n_rows, dtype=np.int64)
        for name in key:
            column = self.dataset.column(name)
            if column is None:
                return []
            values = table.columns[name]
            valid &= ~missing_mask(values, column.type)
            ids = _group_ids(values)
            combined = combined * (int(ids.max(initial=0)) + 1) + ids
            combined = np.unique(combined, return_inverse=True)[1].astype(np.int64)
        rows = np.flatnonzero(valid)
        _, first, inverse = np.unique(combined[rows], return_index=True, return_inverse=True)
        original = rows[first[inverse]]
        repeats = np.flatnonzero(original != rows)
        names = ", ".join(key)
        found = []
        lines = self.raw.lines
        decoded = {name: table.columns[name] for name in key}
        for index in repeats[:CAP].tolist():
            row, other = int(rows[index]), int(original[index])
            shown = ", ".join(f"`{_display(table, name, decoded[name], row)}`" for name in key)
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
        return found

    # ---- conversion

    def _convert(self, column: m.Column, values: Any, texts: bool) -> _Column:
        kind = column.type.kind
        if kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER) and texts:
            return self._convert_text(column, values)
        if isinstance(values, np.ndarray):
            fast = self._convert_typed(column, values)
            if fast is not None:
                return fast
        if isinstance(values, np.ndarray) and values.dtype.kind in "SU":
            uniques, inverse = _factorize_text_array(values)
        else:
            if isinstance(values, np.ndarray):
                values = values.astype(str) if values.dtype.kind in "mM" else values.tolist()
            uniques, inverse = _factorize(values)
        parse = self._parser(column)
        parsed = [parse(value) for value in uniques]
        counts = np.bincount(inverse, minlength=len(uniques))
        missing: dict[str, int] = {}
        by_code: dict[str, list[int]] = {}
        for index, outcome in enumerate(parsed):
            if isinstance(outcome, _Missing):
                missing[outcome.rule] = missing.get(outcome.rule, 0) + int(counts[index])
            elif isinstance(outcome, _Bad):
                rule = RULES[outcome.code]
                missing[rule] = missing.get(rule, 0) + int(counts[index])
                by_code.setdefault(outcome.code, []).append(index)
        problems: dict[str, tuple[npt.NDArray[np.intp], Callable[[int], _Bad]]] = {}

        def describe(row: int) -> _Bad:
            outcome = parsed[inverse[row]]
            assert isinstance(outcome, _Bad)
            return outcome

        for code, indices in by_code.items():
            flags = np.zeros(len(uniques), dtype=np.bool_)
            flags[indices] = True
            problems[code] = (np.flatnonzero(flags[inverse]), describe)
        if missing.get(EMPTY) and not column.optional:
            flags = np.asarray([outcome is _EMPTY for outcome in parsed], dtype=np.bool_)
            problems["D109"] = (np.flatnonzero(flags[inverse]), self._empty(column))
        good = [None if isinstance(o, _Missing | _Bad) else o for o in parsed]
        return _Column(_typed(column, good)[inverse], missing, problems)

    def _convert_text(self, column: m.Column, values: Sequence[Any]) -> _Column:
        array = np.char.strip(np.asarray(values, dtype=np.str_))
        missing: dict[str, int] = {}
        empty = array == ""
        missing[EMPTY] = int(empty.sum())
        for symbol in sorted(self.symbols):
            hits = array == symbol
            count = int(hits.sum())
            if count:
                missing[f'symbol "{symbol}"'] = count
                array[hits] = ""
        problems: dict[str, tuple[npt.NDArray[np.intp], Callable[[int], _Bad]]] = {}
        if missing[EMPTY] and not column.optional:
            problems["D109"] = (np.flatnonzero(empty), self._empty(column))
        return _Column(array, missing, problems)

    def _convert_typed(self, column: m.Column, values: npt.NDArray[Any]) -> _Column | None:
        """Numbers, booleans and dates already typed (pandas, pyarrow, NumPy), whole arrays."""
        kind = column.type.kind
        dtype = values.dtype.kind
        problems: dict[str, tuple[npt.NDArray[np.intp], Callable[[int], _Bad]]] = {}
        if kind is m.ValueKind.DATE and dtype == "M":
            out: npt.NDArray[Any] = values.astype("datetime64[D]")
            empty = np.isnat(out)
            bad = np.zeros(len(out), dtype=np.bool_)
        elif kind is m.ValueKind.NUMBER and dtype in "iuf":
            out = values.astype(np.float64)
            empty = np.isnan(out)
            bad = np.isinf(out)
            if column.type.integer:
                with np.errstate(invalid="ignore"):
                    bad |= ~empty & ((out != np.floor(out)) | (np.abs(out) > _EXACT_INTEGER))
            out[bad] = np.nan
        elif kind is m.ValueKind.BOOLEAN and dtype in "biuf":
            number = values.astype(np.float64)
            empty = np.isnan(number)
            out = np.where(number == 1, 1, np.where(number == 0, 0, MISSING_BOOLEAN))
            out = out.astype(np.int8)
            bad = ~empty & (out == MISSING_BOOLEAN)
        else:
            return None
        missing = {EMPTY: int(empty.sum())}
        if bad.any():
            parse = self._parser(column)

            def describe(row: int) -> _Bad:
                outcome = parse(values[row].item())
                assert isinstance(outcome, _Bad)
                return outcome

            code = "D106" if kind is m.ValueKind.BOOLEAN else "D105"
            missing[RULES[code]] = int(bad.sum())
            problems[code] = (np.flatnonzero(bad), describe)
        if missing[EMPTY] and not column.optional:
            problems["D109"] = (np.flatnonzero(empty), self._empty(column))
        return _Column(out, missing, problems)

    def _empty(self, column: m.Column) -> Callable[[int], _Bad]:
        bad = _Bad("D109", f"column `{column.name}` has no value but is not declared "
                   "`optional`; read as missing",
                   "fill in the value, or declare the column `optional` if it may be missing")
        return lambda row: bad

    def _parser(self, column: m.Column) -> Callable[[Any], Any]:
        """Value as read → converted value, `_Missing` or `_Bad`, for one column's type."""
        kind = column.type.kind
        symbols = self.symbols
        from_text: Callable[[str, str], Any]
        from_object: Callable[[Any, str], Any]
        match kind:
            case m.ValueKind.DATE:
                from_text, from_object = _date_from_text, _date_from_object
            case m.ValueKind.NUMBER:
                symbols_help = (", or one of the missing-value symbols "
                                + ", ".join(f"`{s}`" for s in self.dataset.missing_symbols)
                                if self.dataset.missing_symbols else "")
                from_text = _number_parser(column.type.integer, symbols_help)
                from_object = _number_from_object(column.type.integer)
            case m.ValueKind.BOOLEAN:
                from_text, from_object = _boolean_from_text, _boolean_from_object
            case m.ValueKind.CODE:
                assert column.type.codelist is not None
                from_text = _code_parser(self.codelists[column.type.codelist],
                                         self.dataset.unknown_codes)
                from_object = _no_object
            case _:
                from_text, from_object = _text_from_text, _no_object
        name = column.name

        def parse(value: Any) -> Any:
            if isinstance(value, str):
                text = value.strip()
            elif _is_null(value):
                return _EMPTY
            else:
                converted = from_object(value, name)
                if converted is not None:
                    return converted
                text = _object_text(value).strip()
            if not text:
                return _EMPTY
            if text in symbols:
                return _Missing(f'symbol "{text}"')
            return from_text(text, name)

        return parse


def _all_missing(column: m.Column, n: int) -> npt.NDArray[Any]:
    dtype = dtype_for(column.type)
    match column.type.kind:
        case m.ValueKind.CODE:
            return np.full(n, MISSING_CODE, dtype=dtype)
        case m.ValueKind.BOOLEAN:
            return np.full(n, MISSING_BOOLEAN, dtype=dtype)
        case m.ValueKind.DATE:
            return np.full(n, np.datetime64("NaT"), dtype=dtype)
        case m.ValueKind.NUMBER:
            return np.full(n, np.nan, dtype=dtype)
        case _:
            return np.full(n, "", dtype=dtype)


def _typed(column: m.Column, values: list[Any]) -> npt.NDArray[Any]:
    """Converted distinct values (None where missing) as an array of the column's dtype."""
    match column.type.kind:
        case m.ValueKind.CODE:
            return np.asarray([MISSING_CODE if v is None else v for v in values], dtype=np.int32)
        case m.ValueKind.BOOLEAN:
            return np.asarray([MISSING_BOOLEAN if v is None else v for v in values],
                              dtype=np.int8)
        case m.ValueKind.DATE:
            return np.asarray(values, dtype="datetime64[D]")
        case m.ValueKind.NUMBER:
            return np.asarray([math.nan if v is None else v for v in values], dtype=np.float64)
        case _:
            return np.asarray(["" if v is None else v for v in values], dtype=np.str_)


def _factorize(values: Sequence[Any]) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """Distinct values in order of appearance, and each value's index among them."""
    try:
        lookup: dict[Any, int] = dict.fromkeys(values, 0)
    except TypeError:  # unhashable values in an object column: compare them as text
        values = [_object_text(v) for v in values]
        lookup = dict.fromkeys(values, 0)
    for index, key in enumerate(lookup):
        lookup[key] = index
    inverse = np.fromiter(map(lookup.__getitem__, values), dtype=np.intp, count=len(values))
    return list(lookup), inverse


def _factorize_text_array(values: npt.NDArray[Any]) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """`_factorize` for an array of fixed-width text, by hashing whole rows of characters.

    Equal texts have equal hashes; texts that merely share a hash are caught by comparing
    every value with its group's first, and then the array is sorted instead.
    """
    n = len(values)
    if n == 0:
        return [], np.zeros(0, dtype=np.intp)
    unit = np.uint8 if values.dtype.kind == "S" else np.uint32
    chars = np.ascontiguousarray(values).view(unit).reshape(n, -1)
    _, first, inverse = np.unique(_row_hashes(chars), return_index=True, return_inverse=True)
    distinct = values[first]
    if not np.array_equal(distinct[inverse], values):
        distinct, inverse = np.unique(values, return_inverse=True)
    texts = distinct.tolist()
    if values.dtype.kind == "S":
        texts = [t.decode("ascii", errors="backslashreplace") for t in texts]
    return texts, inverse.astype(np.intp).reshape(-1)


def _row_hashes(chars: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """A 64-bit FNV-1a hash of each row of character codes."""
    hashes = np.full(len(chars), 0xCBF29CE484222325, dtype=np.uint64)
    for j in range(chars.shape[1]):
        hashes ^= chars[:, j].astype(np.uint64)
        hashes *= np.uint64(0x100000001B3)
    return hashes


def _group_ids(values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Equal values → equal small integers."""
    if values.dtype.kind == "U":
        return _factorize(values.tolist())[1].astype(np.int64)
    return np.unique(values, return_inverse=True)[1].astype(np.int64).reshape(-1)


def _display(table: Table, name: str, values: npt.NDArray[Any], row: int) -> str:
    value = values[row]
    column = table.dataset.column(name)
    if column is not None and column.type.kind is m.ValueKind.CODE:
        return table.codes_of(name)[int(value)]
    if column is not None and column.type.kind is m.ValueKind.NUMBER:
        return _number_text(float(value))
    return _shown(str(value))


# ---- per-type readers of one value


def _shown(text: str) -> str:
    """A value as quoted in a message: control characters escaped, long values cut."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= 40 else text[:39] + "…"


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return type(value).__name__ in ("NAType", "NaTType")


def _object_text(value: Any) -> str:
    """A non-text value in a text or code column: whole numbers without a decimal point."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _no_object(value: Any, name: str) -> Any:
    del value, name


def _text_from_text(text: str, name: str) -> str:
    del name
    return text


def _date_from_text(text: str, name: str) -> dt.date | _Bad:
    match = _UK_DATE.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.fullmatch(text)
        if match is None:
            return _Bad("D102", f"`{_shown(text)}` in column `{name}` is not a date", DATE_HELP)
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return _Bad("D102", f"`{_shown(text)}` in column `{name}` is not a date: there is no "
                    "such day", DATE_HELP)


def _date_from_object(value: Any, name: str) -> dt.date | None:
    del name
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return dt.date.fromisoformat(str(value.astype("datetime64[D]")))
    return None


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < _EXACT_INTEGER else repr(value)


def _number_parser(integer: bool, symbols_help: str) -> Callable[[str, str], float | _Bad]:
    def parse(text: str, name: str) -> float | _Bad:
        if not _NUMBER.fullmatch(text):
            return _Bad("D105", f"`{_shown(text)}` in column `{name}` is not a number",
                        "write numbers in digits, such as 1234, 1,234 or 12.5; leave the cell "
                        f"empty when the value is missing{symbols_help}")
        return _checked_number(float(text.replace(",", "")), text, name, integer)

    return parse


def _number_from_object(integer: bool) -> Callable[[Any, str], Any]:
    def parse(value: Any, name: str) -> float | _Bad | None:
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
            return None
        return _checked_number(float(value), str(value), name, integer)

    return parse


def _checked_number(value: float, text: str, name: str, integer: bool) -> float | _Bad:
    where = f" in column `{name}`"
    if not math.isfinite(value):
        return _Bad("D105", f"`{_shown(text)}`{where} is not a finite number", None)
    if integer and not value.is_integer():
        return _Bad("D105", f"`{_shown(text)}`{where} is not a whole number",
                    "this column holds whole numbers (it is declared `integer`)")
    if integer and abs(value) > _EXACT_INTEGER:
        return _Bad("D105", f"`{_shown(text)}`{where} is too large to hold exactly",
                    "whole numbers may be at most 2^53 = 9,007,199,254,740,992")
    return value


def _boolean_from_text(text: str, name: str) -> int | _Bad:
    lowered = text.lower()
    if lowered in _TRUE:
        return 1
    if lowered in _FALSE:
        return 0
    return _Bad("D106", f"`{_shown(text)}` in column `{name}` is not a true/false value",
                BOOLEAN_HELP)


def _boolean_from_object(value: Any, name: str) -> int | None:
    del name
    if isinstance(value, bool | np.bool_):
        return int(bool(value))
    if isinstance(value, int | float | np.number) and float(value) in (0.0, 1.0):
        return int(value)
    return None


def _code_parser(codelist: m.Codelist, policy: m.UnknownCodePolicy
                 ) -> Callable[[str, str], int | _Bad]:
    index = {code: i for i, code in enumerate(codelist.code_values)}
    short = _short(codelist.name)
    codes = codelist.code_values
    listed = ", ".join(codes[:12]) + (", …" if len(codes) > 12 else "")
    warn = policy is m.UnknownCodePolicy.WARN

    def parse(text: str, name: str) -> int | _Bad:
        found = index.get(text)
        if found is not None:
            return found
        message = f"`{_shown(text)}` in column `{name}` is not a code of `{short}`"
        suggestion = did_you_mean(text, codes)
        hint = suggestion or f"the codes of `{short}` are {listed}"
        if warn:
            return _Bad("D104", message + "; read as missing", hint)
        fix = "correct the value, or add the code to the codelist if it is valid"
        return _Bad("D103", message, f"{suggestion} If not, {fix}" if suggestion
                    else f"{hint}; {fix}")

    return parse
