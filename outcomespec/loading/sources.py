"""Reading sources into raw columns: CSV and Parquet files, pyarrow and pandas tables, arrays.

One reader for each kind of source, and for CSV one rule for when the `csv` module is used:

- **CSV files are read by pyarrow's CSV reader**, in blocks on every core, each column's Arrow
  type decided before the read from the type its dataset declares (`arrow_type`): code,
  date, boolean, text and identifier columns dictionary-encoded as they are read (each
  distinct text is then read once), numbers parsed as float64 unless the dataset declares
  missing-value symbols (which number columns may hold). A number column pyarrow cannot
  parse (a thousands separator, a word) is read again as text, and so is one whose message
  must quote what the file wrote (`conversion`). Dates are not given to pyarrow's timestamp
  parsers: they read 31/02/2024 as 2 March and 01/04/24 as the year 24, which must be
  refused; a file's distinct dates are few, and are read by our rules instead.
- **The `csv` module is used only where pyarrow cannot say where a row is**: to read the
  header line, and, in a file holding a double quote (a quoted value may span lines, and a
  quote left open or followed by more text must be refused with the line it is on), to find
  the line each row begins on. In a file without quotes each line is a row, and the rows
  of the wrong width are numbered by pyarrow itself.
- Before pyarrow reads a file, one pass over its bytes checks that it is UTF-8 without NUL
  bytes and counts its lines; the file is never held in memory whole.
- Parquet files are read by `pyarrow.parquet`, pyarrow Tables taken as they are; pandas
  DataFrames (pandas is optional, imported by whoever made the DataFrame) and mappings of
  arrays give NumPy arrays.

Nothing here knows how values are read: that is `outcomespec.loading.conversion`'s job.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from attrs import frozen

from outcomespec import model as m
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.conversion import SPACES
from outcomespec.loading.sniffing import (
    HEAD_BYTES,
    data_size_limit,
    sniff_csv,
    sniff_parquet,
    too_large,
)

__all__ = ["CAP", "EMPTY_ROW", "SUFFIXES", "WRONG_WIDTH", "RawColumns", "arrow_type",
           "default_name", "is_source", "read_source"]

CAP = 20
"""Diagnostics of one code given per column before the rest are summed up in one."""

EMPTY_ROW = "empty row"
WRONG_WIDTH = "D108 wrong number of fields"
SUFFIXES = (".csv", ".parquet")

QUOTE_HELP = ('put a value that holds a comma, a quote or a line break in double quotes, and '
              'double each quote inside it: "Kingston upon Hull, City of"')
UTF8_HELP = "save the file as UTF-8 (in Excel: Save As, CSV UTF-8 (Comma delimited))"

_CHUNK = 1 << 24
"""Bytes of a file looked at a time before pyarrow reads it."""
_BLOCK = 1 << 22
"""Bytes pyarrow's CSV reader parses at a time, on each core: each block is one chunk of
every column, with a dictionary of its own."""
_TEXT = pa.dictionary(pa.int32(), pa.string())
_COLUMN = re.compile(r"In CSV column #(\d+)")


@frozen
class RawColumns:
    """A source as columns of raw values, before conversion."""

    header: tuple[str, ...]
    columns: list[Any]
    """Each column's values: a pyarrow (chunked) array, a NumPy array, or None for a column
    of a CSV file that no declared column reads (it was not read). `take` hands one over."""
    lines: npt.NDArray[np.int64] | None
    """The line of each row in the file; None: row i is on line i + 2 (in-memory tables
    are numbered as if written to CSV)."""
    rows_read: int
    excluded: tuple[tuple[str, int], ...]
    diagnostics: tuple[Diagnostic, ...]
    reread: Callable[[int], Any] | None = None
    """For a CSV file: column j read again as text, row for row."""

    def take(self, j: int) -> Any:
        """Column j, no longer held here: a national file's columns are let go one by one
        as they are converted, so that they are never all held beside what they become."""
        values, self.columns[j] = self.columns[j], None
        return values


def arrow_type(column: m.Column, dataset: m.Dataset) -> Any:
    """The Arrow type pyarrow's CSV reader gives a declared column: float64 for a number
    (unless the dataset declares missing-value symbols, which a number column may hold),
    plain text for an identifier (nearly every value is different: conversion reads them
    as whole numbers when they are written as such), otherwise dictionary-encoded text.

    >>> ds = m.Dataset(name="demo.t", rows="child", columns=())
    >>> arrow_type(m.Column(name="N", type=m.NUMBER), ds)
    DataType(double)
    """
    if column.type.kind is m.ValueKind.NUMBER and not dataset.missing_symbols:
        return pa.float64()
    if column.type.kind is m.ValueKind.IDENTIFIER:
        return pa.string()
    return _TEXT


def default_name(source: Any) -> str:
    """How a source is named in diagnostics when the caller gives no name.

    >>> default_name("data/episodes.csv"), default_name({"A": [1]})
    ('data/episodes.csv', '<columns>')
    """
    if isinstance(source, str | os.PathLike):
        return str(source)
    if _is_instance(source, "pandas", "DataFrame"):
        return "<DataFrame>"
    if isinstance(source, pa.Table):
        return "<pyarrow Table>"
    return "<columns>"


def _is_instance(value: Any, module: str, cls: str) -> bool:
    """isinstance against a class of an optional package, without importing the package."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(value, getattr(loaded, cls))


def is_source(value: Any) -> bool:
    """Whether `read_source` reads `value`: a path, a DataFrame, a pyarrow Table, a mapping.

    >>> is_source("episodes.csv"), is_source({"A": [1]}), is_source(b"episodes.csv")
    (True, True, False)
    """
    return (isinstance(value, str | os.PathLike | Mapping | pa.Table)
            or _is_instance(value, "pandas", "DataFrame"))


def read_source(source: Any, shown: str, dataset: m.Dataset) -> RawColumns | Diagnostic:
    """A source's columns as read, or the D108 diagnostic saying why it cannot be read.

    `dataset` says how to read a CSV file's columns (`arrow_type`) and is used to tell a
    file separated by something other than commas; bad values are left for conversion to
    find. A bad source type is a programming error and raises TypeError.

    >>> ds = m.Dataset(name="demo.t", rows="child", columns=(m.Column(name="A", type=m.TEXT),))
    >>> raw = read_source({"A": [" x ", "y"]}, "<columns>", ds)
    >>> raw.header, raw.columns[0].tolist(), raw.lines
    (('A',), [' x ', 'y'], None)
    """
    if isinstance(source, str | os.PathLike):
        return _read_path(Path(source), shown, dataset)
    if _is_instance(source, "pandas", "DataFrame"):
        source = _index_as_columns(source)
        header = [str(c) for c in source.columns]
        arrays = [_series_values(source.iloc[:, i]) for i in range(len(header))]
        return _from_arrays(header, arrays, shown)
    if isinstance(source, pa.Table):
        return _from_arrow(source, shown)
    if isinstance(source, Mapping):
        header = [str(key) for key in source]
        arrays = [value if isinstance(value, np.ndarray) else np.asarray(value)
                  for value in source.values()]
        return _from_arrays(header, arrays, shown)
    msg = ("source must be a path to a .csv or .parquet file, a pandas DataFrame, a pyarrow "
           f"Table or a mapping of column name to values, not {type(source).__name__}")
    raise TypeError(msg)


def _index_as_columns(frame: Any) -> Any:
    """The DataFrame with its named index levels as columns (unless a column has that name).

    Why: `frame.set_index("LA")` moves the area column out of `frame.columns`; read without
    it, every row would be in no area, and England would be 0.
    """
    names = frame.columns
    levels = [name for name in frame.index.names if name is not None and name not in names]
    return frame.reset_index(level=levels) if levels else frame


def _series_values(series: Any) -> Any:
    """A pandas column as a NumPy array; zoned timestamps as the wall-clock times of their
    zone (see `conversion._numpy_of`)."""
    if getattr(series.dtype, "tz", None) is not None:
        series = series.dt.tz_localize(None)
    return series.to_numpy()


def _from_arrays(header: list[str], arrays: list[Any], shown: str) -> RawColumns | Diagnostic:
    arrays = [np.asarray(a) for a in arrays]
    lengths = sorted({len(a) for a in arrays if a.ndim == 1})
    if any(a.ndim != 1 for a in arrays) or len(lengths) > 1:
        return Diagnostic.of("D108", f"the columns of `{shown}` are not all one-dimensional "
                             f"and of one length (lengths {lengths})", None, path=shown)
    n = lengths[0] if lengths else 0
    return RawColumns(tuple(h.strip() for h in header), list(arrays), None, n, (), ())


def _from_arrow(table: Any, shown: str) -> RawColumns:
    header = tuple(str(name).strip() for name in table.column_names)
    return RawColumns(header, list(table.columns), None, table.num_rows, (), ())


# ------------------------------------------------------------------ files


def _read_path(path: Path, shown: str, dataset: m.Dataset) -> RawColumns | Diagnostic:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return Diagnostic.of(
            "D108", f"`{shown}` is not a .csv or .parquet file", None, path=shown,
            help="save the table as CSV (UTF-8, comma separated) or Parquet")
    limit = data_size_limit(shown)
    if isinstance(limit, Diagnostic):
        return limit
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return Diagnostic.of("D108", f"`{shown}` is a directory, not a file", None,
                                 path=shown)
        if not stat.S_ISREG(info.st_mode):
            return Diagnostic.of("D108", f"`{shown}` is not a regular file", None, path=shown)
        if info.st_size > limit:
            return too_large(shown, info.st_size, limit)
        with path.open("rb") as stream:
            if suffix == ".parquet":
                head = stream.read(HEAD_BYTES)
                stream.seek(max(info.st_size - 4, 0))
                problem = sniff_parquet(head, stream.read(4), shown)
                return problem if problem is not None else _read_parquet(path, shown, limit)
            scanned = _scan(stream, info.st_size, shown)
        if isinstance(scanned, Diagnostic):
            return scanned
        return _CsvFile(path, shown, dataset, scanned).read()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return Diagnostic.of("D108", f"cannot read `{shown}`: {reason}", None, path=shown,
                             help="check the path and that you may read the file")
    except MemoryError:
        return Diagnostic.of("D108", f"there is not enough memory to read `{shown}` "
                             f"({info.st_size:,} bytes)", None, path=shown,
                             help="read it on a machine with more memory, or split the file")


def _read_parquet(path: Path, shown: str, limit: int) -> RawColumns | Diagnostic:
    try:
        metadata = pq.read_metadata(path)
        size = sum(metadata.row_group(i).total_byte_size
                   for i in range(metadata.num_row_groups))
        if size > limit:  # the columns once decompressed, which is what is held in memory
            return too_large(shown, size, limit)
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises many kinds of error for a bad file
        return Diagnostic.of("D108", f"cannot read `{shown}` as Parquet: {error}", None,
                             path=shown, help="check that the file is a complete Parquet file")
    return _from_arrow(table, shown)


@frozen
class _Scan:
    """What one pass over a CSV file's bytes found."""

    head: bytes
    """Its first bytes, less a byte order mark (the header line ends within them)."""
    quoted: bool
    """Whether it holds a double quote."""


def _scan(stream: Any, size: int, shown: str) -> _Scan | Diagnostic:
    """One pass over the file a chunk at a time, each test a search at memory speed: refuse
    what is not a CSV file (`sniff_csv`), what is not UTF-8 or holds a NUL byte (with its
    line) and an empty file; note whether it holds quotes."""
    head = stream.read(HEAD_BYTES)
    problem = sniff_csv(head, size, shown)
    if problem is not None:
        return problem
    stream.seek(0)
    quoted, blank, carry, start = False, True, b"", 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        where = chunk.find(b"\x00")
        if where >= 0:
            line = _line_at(stream, start, chunk[:where])
            return Diagnostic.of(
                "D108", f"`{shown}` cannot be read as CSV: line contains NUL in the row that "
                f"begins on line {line}", None, path=shown, line=line, help=QUOTE_HELP)
        if not chunk.isascii() or carry:
            text = carry + chunk.removeprefix(codecs.BOM_UTF8 if start == 0 else b"")
            try:
                _, used = codecs.utf_8_decode(text, "strict", False)
            except UnicodeDecodeError as error:
                return _not_utf8(shown, text[error.start],
                                 _line_at(stream, start, text[:error.start]))
            carry = text[used:]
        blank = blank and not (chunk.removeprefix(codecs.BOM_UTF8) if start == 0
                               else chunk).strip(_ASCII_SPACES)
        quoted = quoted or b'"' in chunk
        start += len(chunk)
    if carry:  # a character cut short at the end of the file
        return _not_utf8(shown, carry[0], _line_at(stream, start - len(carry), b""))
    if start > size:
        return Diagnostic.of("D108", f"`{shown}` grew while it was read", None, path=shown,
                             help="read it again once whatever writes it has finished")
    if blank:
        return Diagnostic.of("D108", f"`{shown}` is empty", None, path=shown,
                             help="the first line must name the columns")
    return _Scan(head.removeprefix(codecs.BOM_UTF8), quoted)


_ASCII_SPACES = bytes(c for c in range(128) if chr(c).isspace())
"""The ASCII characters `str.strip` removes."""


def _line_at(stream: Any, start: int, before: bytes) -> int:
    """The line of the byte that follows `before`, which begins at byte `start` of the file:
    the lines before it are counted only now, when a problem has been found there."""
    stream.seek(0)
    earlier = stream.read(start)
    return _breaks(earlier) + _breaks(before) + 1


def _breaks(data: bytes) -> int:
    """Line breaks in `data` (`\\n`, `\\r\\n`, lone `\\r`)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _not_utf8(shown: str, byte: int, line: int) -> Diagnostic:
    """The D108 diagnostic for a byte on `line` that is not UTF-8."""
    return Diagnostic.of(
        "D108", f"`{shown}` is not UTF-8 text: byte 0x{byte:02x} on line {line} cannot be "
        "read", None, path=shown, line=line, help=UTF8_HELP)


class _CsvFile:
    """One CSV file read by pyarrow, its columns typed as the dataset declares them."""

    def __init__(self, path: Path, shown: str, dataset: m.Dataset, scan: _Scan) -> None:
        self.path, self.shown, self.dataset, self.scan = path, shown, dataset, scan

    def read(self) -> RawColumns | Diagnostic:
        header = self._header()
        if isinstance(header, Diagnostic):
            return header
        names, self.header_lines = header
        self.width = len(names)
        self.keys = [str(j) for j in range(self.width)]  # the names as written may repeat
        declared = {c.file_name: c for c in self.dataset.columns}
        self.types: dict[str, Any] = {}
        for j, name in enumerate(names):
            column = declared.get(name)
            if column is not None and names.index(name) == j:
                self.types[self.keys[j]] = arrow_type(column, self.dataset)
        read = self._typed_read()
        if read is None:  # nothing after the header
            empty = [pa.chunked_array([], type=self.types[k]) if k in self.types else None
                     for k in self.keys]
            return RawColumns(tuple(names), empty, None, 0, (), (), self._reread)
        if isinstance(read, Diagnostic):
            return read
        table, invalid = read
        if self.scan.quoted:
            found = self._records(table.num_rows, invalid)
        elif invalid:
            found = self._numbered(table.num_rows)
        else:
            found = None, [], 0
        if isinstance(found, Diagnostic):
            return found
        lines, wrong, blank_wrong = found
        blank = self._blank_rows(table)
        self.kept = None
        if blank.any():
            self.kept = pa.array(~blank)
            table = table.filter(self.kept)
            lines = (np.arange(2, len(blank) + 2) if lines is None else lines)[~blank]
        columns = [table.column(k) if k in self.types else None for k in self.keys]
        del table
        excluded = []
        if int(blank.sum()) + blank_wrong:
            excluded.append((EMPTY_ROW, int(blank.sum()) + blank_wrong))
        if wrong:
            excluded.append((WRONG_WIDTH, len(wrong)))
        rows_read = len(blank) + blank_wrong + len(wrong)
        return RawColumns(tuple(names), columns, lines, rows_read, tuple(excluded),
                          self._wrong_width(wrong), self._reread)

    def _header(self) -> tuple[list[str], int] | Diagnostic:
        """The names on the header line (stripped), and how many lines the header takes."""
        head = self.scan.head.decode("utf-8", errors="replace")
        reader = csv.reader(io.StringIO(head, newline=""), strict=True)
        try:
            first = next(reader, [])
        except csv.Error:
            return self._malformed()
        names = [name.strip() for name in first]
        if not any(names):
            return Diagnostic.of("D108", "the first line is empty", None, path=self.shown,
                                 line=1, help="the first line must name the columns")
        if len(names) == 1 and len(self.dataset.columns) > 1:
            for separator, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
                if separator in names[0]:
                    return Diagnostic.of(
                        "D108", f"`{self.shown}` separates values with {word}, not commas",
                        None, path=self.shown, line=1,
                        help="save the file as CSV with commas between values")
        return names, max(reader.line_num, 1)

    def _arrow(self, types: Mapping[str, Any], *, threads: bool = True,
               invalid: Callable[[Any], str] | None = None) -> Any:
        """The file read by pyarrow: the columns `types` names, rows of the wrong width
        handed to `invalid` and skipped."""
        return pacsv.read_csv(
            self.path,
            read_options=pacsv.ReadOptions(use_threads=threads, block_size=_BLOCK,
                                           skip_rows=self.header_lines, column_names=self.keys),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=self.scan.quoted, ignore_empty_lines=False,
                invalid_row_handler=invalid or (lambda row: "skip")),
            convert_options=pacsv.ConvertOptions(
                column_types=types, include_columns=list(types) or self.keys[:1],
                strings_can_be_null=True, null_values=[""], check_utf8=False,
                auto_dict_encode=False))

    def _typed_read(self) -> tuple[Any, list[str]] | Diagnostic | None:
        """The declared columns typed; a number column pyarrow cannot parse is read as
        text instead (one more read for each such column). Also the text of each row of
        the wrong width. None when the file ends with its header line."""
        while True:
            invalid: list[str] = []

            def handler(row: Any, invalid: list[str] = invalid) -> str:
                invalid.append(row.text)
                return "skip"

            try:
                return self._arrow(self.types, invalid=handler), invalid
            except pa.ArrowInvalid as error:
                if str(error).startswith("Could not skip initial"):  # the header is all
                    return None
                found = _COLUMN.search(str(error))
                key = found.group(1) if found else None
                if key is None or self.types.get(key) != pa.float64():
                    return self._malformed(str(error))
                self.types[key] = _TEXT

    def _reread(self, j: int) -> Any:
        """Column j read again as text, row for row with the first read."""
        column = self._arrow({self.keys[j]: _TEXT}).column(0)
        return column.filter(self.kept) if self.kept is not None else column

    def _numbered(self, rows: int) -> tuple[Any, list[tuple[int, int]], int] | Diagnostic:
        """In a file without quotes, where each line is a row: the line of each row pyarrow
        kept, the rows of the wrong width (line, values) and how many of them are blank,
        numbered by pyarrow read once more on one thread."""
        wrong: list[tuple[int, int, str]] = []

        def handler(row: Any) -> str:
            wrong.append((row.number, row.actual_columns, row.text))
            return "skip"

        self._arrow({self.keys[0]: pa.string()}, threads=False, invalid=handler)
        skipped = np.asarray([line for line, _, _ in wrong], dtype=np.int64)
        every = np.arange(self.header_lines + 1, self.header_lines + 1 + rows + len(wrong))
        lines = every[~np.isin(every, skipped)]
        if len(lines) != rows:
            return self._malformed()
        blank = [not text.replace(",", "").strip() for _, _, text in wrong]
        return (lines, [(line, width) for (line, width, _), gone in zip(wrong, blank,
                                                                         strict=True)
                        if not gone], sum(blank))

    def _records(self, rows: int, invalid: list[str]
                 ) -> tuple[Any, list[tuple[int, int]], int] | Diagnostic:
        """In a file with quotes: the line each row pyarrow kept begins on, the rows of the
        wrong width (line, values) and how many of them are blank, found by the `csv`
        module; a D108 diagnostic when the `csv` module finds the quoting malformed, or
        reads the rows otherwise than pyarrow did."""
        starts: list[int] = []
        wrong: list[tuple[int, int]] = []
        blank_wrong = 0
        for line, fields in self._csv_records(self.header_lines):
            if line < 0:
                return self._malformed(fields[0], -line)
            if len(fields) in (self.width, 0):  # pyarrow reads an empty line as a row
                starts.append(line)
            elif "".join(fields).strip():
                wrong.append((line, len(fields)))
            else:
                blank_wrong += 1
        if len(starts) != rows or len(wrong) + blank_wrong != len(invalid):
            return self._malformed("its quotes do not pair up as pyarrow reads them")
        return np.asarray(starts, dtype=np.int64), wrong, blank_wrong

    def _csv_records(self, skip: int) -> Iterator[tuple[int, list[str]]]:
        """(line it begins on, fields) of each row after the first `skip` lines; (-line,
        [error]) for a row the `csv` module cannot read, and no more."""
        with self.path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream, strict=True)
            end = 0
            try:
                for fields in reader:
                    if end >= skip:
                        yield end + 1, fields
                    end = reader.line_num
            except csv.Error as error:
                yield -(end + 1), [str(error)]

    def _malformed(self, reason: str | None = None, line: int | None = None) -> Diagnostic:
        """D108 for a file that cannot be read as CSV, with the `csv` module's reason and
        the line the row begins on (found by reading the file with it, when not given)."""
        if reason is None or line is None:
            for start, fields in self._csv_records(0):
                if start < 0:
                    reason, line = fields[0], -start
                    break
        if line is None:
            return Diagnostic.of("D108", f"`{self.shown}` cannot be read as CSV: {reason}",
                                 None, path=self.shown, help=QUOTE_HELP)
        return Diagnostic.of(
            "D108", f"`{self.shown}` cannot be read as CSV: {reason} in the row that begins "
            f"on line {line}", None, path=self.shown, line=line, help=QUOTE_HELP)

    def _blank_rows(self, table: Any) -> npt.NDArray[np.bool_]:
        """Rows whose every value is blank (spaces at most), as a spreadsheet writes below
        its data: looked for in the first column, then only among the rows blank so far;
        the columns no declared column reads are read for the rows still blank."""
        n = table.num_rows
        rows: npt.NDArray[np.int64] | None = None
        for key in sorted(self.types, key=lambda k: _distinct_texts(table.column(k))):
            column = table.column(key) if rows is None else table.column(key).take(rows)
            found = np.flatnonzero(_blank(column))
            rows = found if rows is None else rows[found]
            if not len(rows):
                return np.zeros(n, dtype=np.bool_)
        if rows is None:  # no declared column was read
            rows = np.arange(n)
        unread = {k: pa.string() for k in self.keys if k not in self.types}  # made null
        if unread and len(rows):
            others = self._arrow(unread)
            for key in unread:
                rows = rows[_blank(others.column(key).take(rows))]
        blank = np.zeros(n, dtype=np.bool_)
        blank[rows] = True
        return blank

    def _wrong_width(self, wrong: list[tuple[int, int]]) -> tuple[Diagnostic, ...]:
        """D108 for each row of the wrong width (left out), the first `CAP` by line."""
        found = [Diagnostic.of(
            "D108", f"line {line} has {_count(values, 'value')} but the header names "
            f"{_count(self.width, 'column')}; the row is left out", None, path=self.shown,
            line=line, help=QUOTE_HELP) for line, values in sorted(wrong)[:CAP]]
        if len(wrong) > CAP:
            rest = sorted(line for line, _ in wrong)[CAP:]
            found.append(Diagnostic.of(
                "D108", f"… and {len(wrong) - CAP} more rows with the wrong number of values "
                f"(lines {rest[0]} to {rest[-1]})", None, path=self.shown, line=rest[0]))
        return tuple(found)


def _blank(column: Any) -> npt.NDArray[np.bool_]:
    """Which values of a column pyarrow read are blank: empty (null) or spaces."""
    if pa.types.is_dictionary(column.type):
        parts = [np.append(_blank_texts(chunk.dictionary), True)[
            chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False)]
            for chunk in column.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.bool_)
    if pa.types.is_string(column.type):
        return _blank_texts(column)
    return np.asarray(pc.is_null(column).to_numpy(zero_copy_only=False), dtype=np.bool_)


def _distinct_texts(column: Any) -> int:
    """How many texts a column's blocks hold (0 for numbers, every row for plain text): the
    fewer, the cheaper to look at first."""
    if pa.types.is_dictionary(column.type):
        return sum(len(chunk.dictionary) for chunk in column.chunks)
    return len(column) if pa.types.is_string(column.type) else 0


def _blank_texts(texts: Any) -> npt.NDArray[np.bool_]:
    """Which texts are empty, null or spaces."""
    trimmed = pc.utf8_trim(texts, characters=SPACES)
    empty = pc.fill_null(pc.equal(trimmed, ""), True)
    return np.asarray(empty.to_numpy(zero_copy_only=False), dtype=np.bool_)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
