"""Reading sources into raw columns: CSV and Parquet files, pandas and pyarrow tables, arrays.

Reading is vectorised, for national files of some 650,000 rows: a plain file (ASCII, no
quotes, the same number of values on every line, as most returns are) is cut into columns by
array operations on its bytes, any other by the `csv` module. pandas and pyarrow are optional:
they are imported only to read what needs them. Nothing here knows the declared types; that
is `outcomespec.conversion`'s job.
"""

from __future__ import annotations

import codecs
import csv
import importlib
import io
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m
from outcomespec.diagnostics import Diagnostic

__all__ = ["CAP", "EMPTY_ROW", "SUFFIXES", "WRONG_WIDTH", "RawColumns", "default_name",
           "read_source"]

CAP = 20
"""Diagnostics of one code given per column before the rest are summed up in one."""

EMPTY_ROW = "empty row"
WRONG_WIDTH = "D108 wrong number of fields"
SUFFIXES = (".csv", ".parquet")

QUOTE_HELP = ('put a value that holds a comma, a quote or a line break in double quotes, and '
              'double each quote inside it: "Kingston upon Hull, City of"')
UTF8_HELP = "save the file as UTF-8 (in Excel: Save As, CSV UTF-8 (Comma delimited))"


@frozen
class RawColumns:
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


def default_name(source: Any) -> str:
    """How a source is named in diagnostics when the caller gives no name.

    >>> default_name("data/episodes.csv"), default_name({"A": [1]})
    ('data/episodes.csv', '<columns>')
    """
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


def read_source(source: Any, shown: str, dataset: m.Dataset) -> RawColumns | Diagnostic:
    """A source's columns as read, or the D108 diagnostic saying why it cannot be read.

    `dataset` is used only to tell a file separated by something other than commas; bad
    values are left for conversion to find. A bad source type is a programming error and
    raises TypeError.

    >>> ds = m.Dataset("demo.t", None, "child", (m.Column("A", m.TEXT, False, None, None,
    ...                None),), (), None, None, (), m.UnknownCodePolicy.ERROR)
    >>> raw = read_source({"A": [" x ", "y"]}, "<columns>", ds)
    >>> raw.header, raw.columns[0].tolist(), raw.lines.tolist()
    (('A',), [' x ', 'y'], [2, 3])
    """
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


def _read_path(path: Path, shown: str, dataset: m.Dataset) -> RawColumns | Diagnostic:
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


def _read_parquet(path: Path, shown: str) -> RawColumns | Diagnostic:
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


def _from_arrow(table: Any, shown: str) -> RawColumns | Diagnostic:
    header = [str(name) for name in table.column_names]
    arrays = [table.column(i).to_numpy() for i in range(len(header))]
    return _from_arrays(header, arrays, shown)


def _from_arrays(header: list[str], arrays: list[Any], shown: str) -> RawColumns | Diagnostic:
    arrays = [np.asarray(a) for a in arrays]
    lengths = sorted({len(a) for a in arrays if a.ndim == 1})
    if any(a.ndim != 1 for a in arrays) or len(lengths) > 1:
        return Diagnostic.of("D108", f"the columns of `{shown}` are not all one-dimensional "
                             f"and of one length (lengths {lengths})", None, path=shown)
    n = lengths[0] if lengths else 0
    lines = np.arange(2, n + 2, dtype=np.int64)
    texts = all(a.dtype.kind == "U" for a in arrays)
    return RawColumns(tuple(h.strip() for h in header), tuple(arrays), lines, n, (), (),
                      texts)


def _read_csv(data: bytes, shown: str, dataset: m.Dataset) -> RawColumns | Diagnostic:
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
        return RawColumns(tuple(header), plain.columns, plain.lines, plain.rows_read, excluded,
                          (), True)
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
) -> RawColumns:
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
    return RawColumns(tuple(header), columns, line_of[keep], rows_read, tuple(excluded),
                      tuple(diagnostics), True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _select(rows: list[list[str]], keep: npt.NDArray[np.bool_]) -> list[list[str]]:
    return [rows[i] for i in np.flatnonzero(keep).tolist()]
