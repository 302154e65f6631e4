"""Reading sources into raw columns: CSV and Parquet files, pandas and pyarrow tables, arrays.

Reading is vectorised, for national files of some 650,000 rows: a plain file (ASCII, no
quotes, the same number of values on every line, as most returns are) is cut into columns by
array operations on its bytes (a large one by pyarrow's CSV reader where pyarrow is installed,
to the same result, faster), any other by the `csv` module. pandas and pyarrow are optional:
they are imported only to read what needs them. Nothing here knows the declared types; that
is `outcomespec.loading.conversion`'s job.
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
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.sniffing import (
    HEAD_BYTES,
    data_size_limit,
    sniff_csv,
    sniff_parquet,
    too_large,
)

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


def is_source(value: Any) -> bool:
    """Whether `read_source` reads `value`: a path, a DataFrame, a pyarrow Table, a mapping.

    >>> is_source("episodes.csv"), is_source({"A": [1]}), is_source(b"episodes.csv")
    (True, True, False)
    """
    return (isinstance(value, str | os.PathLike | Mapping)
            or _is_instance(value, "pandas", "DataFrame")
            or _is_instance(value, "pyarrow", "Table"))


def read_source(source: Any, shown: str, dataset: m.Dataset) -> RawColumns | Diagnostic:
    """A source's columns as read, or the D108 diagnostic saying why it cannot be read.

    `dataset` is used only to tell a file separated by something other than commas; bad
    values are left for conversion to find. A bad source type is a programming error and
    raises TypeError.

    >>> ds = m.Dataset(name="demo.t", rows="child", columns=(m.Column(name="A", type=m.TEXT),))
    >>> raw = read_source({"A": [" x ", "y"]}, "<columns>", ds)
    >>> raw.header, raw.columns[0].tolist(), raw.lines.tolist()
    (('A',), [' x ', 'y'], [2, 3])
    """
    if isinstance(source, str | os.PathLike):
        return _read_path(Path(source), shown, dataset)
    if _is_instance(source, "pandas", "DataFrame"):
        source = _index_as_columns(source)
        header = [str(c) for c in source.columns]
        arrays = [_series_values(source.iloc[:, i]) for i in range(len(header))]
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


def _index_as_columns(frame: Any) -> Any:
    """The DataFrame with its named index levels as columns (unless a column has that name).

    Why: `frame.set_index("LA")` moves the area column out of `frame.columns`; read without
    it, every row would be in no area, and England would be 0.
    """
    names = frame.columns
    levels = [name for name in frame.index.names if name is not None and name not in names]
    return frame.reset_index(level=levels) if levels else frame


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
            head = stream.read(HEAD_BYTES)
            if suffix == ".parquet":
                stream.seek(max(info.st_size - 4, 0))
                problem = sniff_parquet(head, stream.read(4), shown)
            else:
                problem = sniff_csv(head, info.st_size, shown)
            if problem is not None:
                return problem
            if suffix == ".csv":
                stream.seek(0)
                data = stream.read(info.st_size + 1)  # one byte more: has the file grown?
                if len(data) > info.st_size:
                    return Diagnostic.of(
                        "D108", f"`{shown}` grew while it was read", None, path=shown,
                        help="read it again once whatever writes it has finished")
        if suffix == ".parquet":
            return _read_parquet(path, shown, limit)
        return _read_csv(data, shown, dataset)
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
        pq = importlib.import_module("pyarrow.parquet")  # optional: only for Parquet files
    except ImportError:
        return Diagnostic.of("D108", f"cannot read `{shown}`: reading Parquet needs pyarrow",
                             None, path=shown, help="pip install pyarrow, or give a CSV file")
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


def _from_arrow(table: Any, shown: str) -> RawColumns | Diagnostic:
    header = [str(name) for name in table.column_names]
    arrays = [_arrow_values(table.column(i)) for i in range(len(header))]
    return _from_arrays(header, arrays, shown)


def _arrow_values(column: Any) -> Any:
    """An Arrow column as a NumPy array; a timestamp with a time zone as the wall-clock time
    of its own zone.

    Why: NumPy has no time zones, and Arrow hands over a zoned timestamp in UTC, so midnight
    of a summer day in London would become 23:00 of the day before, and its date a day early.
    The date a return records is the one on the calendar where it was written.
    """
    if getattr(column.type, "tz", None):
        column = importlib.import_module("pyarrow.compute").local_timestamp(column)
    return column.to_numpy()


def _series_values(series: Any) -> Any:
    """A pandas column as a NumPy array; zoned timestamps as wall-clock times of their zone
    (see `_arrow_values`)."""
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
    lines = np.arange(2, n + 2, dtype=np.int64)
    texts = all(a.dtype.kind == "U" for a in arrays)
    return RawColumns(tuple(h.strip() for h in header), tuple(arrays), lines, n, (), (),
                      texts)


def _read_csv(data: bytes, shown: str, dataset: m.Dataset) -> RawColumns | Diagnostic:
    data = data.removeprefix(codecs.BOM_UTF8)
    text = None  # ASCII is UTF-8 as it is: decoded only for the `csv` module
    if not data.isascii():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            return Diagnostic.of(
                "D108", f"`{shown}` is not UTF-8 text: byte 0x{data[error.start]:02x} on "
                f"line {line} cannot be read", None, path=shown, line=line, help=UTF8_HELP)
    if (not text or text.isspace()) if text is not None else _blank(data):
        return Diagnostic.of("D108", f"`{shown}` is empty", None, path=shown,
                             help="the first line must name the columns")
    plain = _split_arrow(data) if text is None else None
    if plain is None:
        plain = _split_plain(data)
    records: list[list[str]] = []
    starts = None
    if plain is not None:
        header = [name.strip() for name in plain.header]
    else:
        parsed, starts = _parse_csv(text if text is not None else data.decode("ascii"), shown)
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


_SPACES = bytes(c for c in range(128) if chr(c).isspace())
"""The ASCII characters `str.strip` removes."""


def _blank(data: bytes) -> bool:
    """Whether ASCII text holds nothing but spaces (without copying a long file)."""
    return not data[:4096].strip(_SPACES) and not data.strip(_SPACES)
_CHUNK = 1 << 22
"""Bytes scanned at a time when finding separators: temporaries stay in the cache."""
_BLOCK = 1 << 24
"""Bytes of whole lines cut into fields at a time, so that memory stays bounded."""
_ROWS = 1 << 15
"""Rows whose fields are gathered at a time."""


_ARROW_MIN = 1 << 22
"""Files of fewer bytes are left to `_split_plain`: it is quick on them, and importing
pyarrow would cost more than its reader saves."""


def _split_arrow(data: bytes) -> _Plain | None:
    """`_split_plain(data)`, read by pyarrow's CSV reader (several times quicker on a national
    file); None where pyarrow is missing or the result might differ in any way.

    Taken only when certain: the file is plain (see `_split_plain`) and has no blank line, so
    that row i is line i + 2; pyarrow is told to read every value as bytes, as written (no
    quotes, nulls or type inference), and refuses a row of the wrong width. A file with a
    line of only commas, spaces and tabs is refused too: `_split_plain` leaves such rows out
    and sizes its columns without them.
    """
    if len(data) < _ARROW_MIN:
        return None
    if not data.isascii() or b'"' in data or b"\x00" in data:
        return None
    first = data.find(b"\n")
    if first < 0 or first + 1 == len(data) or data.endswith((b"\n\n", b"\n\r\n")):
        return None  # no rows, or a blank line (others are found below)
    breaks, paired = _line_breaks(data)
    if not paired:
        return None
    try:  # optional: only to read large files faster
        pa = importlib.import_module("pyarrow")
        arrow_csv = importlib.import_module("pyarrow.csv")
        compute = importlib.import_module("pyarrow.compute")
    except ImportError:
        return None
    names = data[:first].removesuffix(b"\r").decode("ascii").split(",")
    keys = [str(j) for j in range(len(names))]  # the names as written may repeat
    try:
        table = arrow_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(first + 1)),
            read_options=arrow_csv.ReadOptions(column_names=keys, block_size=_CHUNK),
            parse_options=arrow_csv.ParseOptions(
                delimiter=",", quote_char=False, double_quote=False, escape_char=False,
                newlines_in_values=False, ignore_empty_lines=False),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(keys, pa.binary()), check_utf8=False,
                null_values=[], strings_can_be_null=False, quoted_strings_can_be_null=False,
                auto_dict_encode=False))
    except pa.ArrowException:  # chiefly a row of the wrong width
        return None
    n = table.num_rows
    if n != breaks - 1 + (not data.endswith(b"\n")):  # a row for each line but the header
        return None
    chunked: list[Any] = [table.column(j) for j in range(len(keys))]
    del table  # each column's Arrow memory goes once it is converted
    columns = []
    for j in range(len(chunked)):
        column = _fixed_width(chunked[j], pa, compute)
        chunked[j] = None
        if column is None:
            return None
        columns.append(column)
    if _blank_row(columns):
        return None
    return _Plain(names, tuple(columns), np.arange(2, n + 2, dtype=np.int64), n, 0)


def _line_breaks(data: bytes) -> tuple[int, bool]:
    """How many line feeds the data holds, and whether each carriage return is followed by
    one; a cache-sized chunk at a time, several times quicker than `bytes.count`."""
    buf = np.frombuffer(data, dtype=np.uint8)
    returns = b"\r" in data
    breaks = returns_seen = returns_paired = 0
    for low in range(0, len(buf), _CHUNK):
        chunk = buf[low: low + _CHUNK]
        breaks += int(np.count_nonzero(chunk == ord("\n")))
        if returns:
            cr = chunk == ord("\r")
            after = buf[low + 1: low + _CHUNK + 1] == ord("\n")  # one shorter at the end
            returns_seen += int(np.count_nonzero(cr))
            returns_paired += int(np.count_nonzero(cr[: len(after)] & after))
    return breaks, returns_seen == returns_paired


def _fixed_width(column: Any, pa: Any, compute: Any) -> npt.NDArray[np.bytes_] | None:
    """An Arrow column of ASCII bytes as one fixed-width bytes array, as wide as its longest
    value (at least 1, as `_fields` makes it); None where Arrow cannot pad it.

    Arrow pads each value with zero bytes to the width (NumPy's own padding), so the padded
    values lie end to end, already the array's layout: one copy per chunk, no loop over rows.
    """
    if not pa.types.is_binary(column.type) or column.null_count:
        return None
    width = max(int(compute.max(compute.binary_length(column)).as_py() or 0), 1)
    dtype = np.dtype(f"S{width}")
    out = np.empty(len(column), dtype=dtype)
    row = 0
    for chunk in column.chunks:
        if not len(chunk):
            continue
        if len(chunk) * width >= 1 << 31:  # the padded chunk's offsets would overflow
            return None
        padded = compute.ascii_rpad(chunk.view(pa.string()), width=width, padding="\x00")
        _, offsets, values = padded.buffers()
        ends = np.frombuffer(offsets, dtype=np.int32, count=len(padded) + 1,
                             offset=4 * padded.offset)
        if int(ends[-1]) - int(ends[0]) != len(padded) * width:
            return None
        out[row: row + len(padded)] = np.frombuffer(values, dtype=dtype, count=len(padded),
                                                    offset=int(ends[0]))
        row += len(padded)
    return out


def _blank_row(columns: list[npt.NDArray[np.bytes_]]) -> bool:
    """Whether some row holds only spaces and tabs (`_split_plain`'s blank line); a row's
    first byte is looked at before the rest, so a file with none costs one pass."""
    rows = None
    for column in columns:
        chars = column.view(np.uint8).reshape(len(column), column.dtype.itemsize)
        head = chars[:, 0] if rows is None else chars[rows, 0]
        space = (head == 0) | (head == ord(" ")) | (head == ord("\t"))
        rows = np.flatnonzero(space) if rows is None else rows[space]
        part = chars[rows]
        rows = rows[((part == 0) | (part == ord(" ")) | (part == ord("\t"))).all(axis=1)]
        if not len(rows):
            return False
    return True


def _split_plain(data: bytes) -> _Plain | None:
    """Columns of a plain file by array operations on its bytes; None for any other file.

    Plain: ASCII, no quotes, line ends `\n` or `\r\n`, and every line that is not blank
    holding exactly one comma fewer than the header has names. Local authorities' returns
    usually are; anything else is read by the `csv` module, which handles quoting and
    reports rows of the wrong width. Both readers give the same columns.

    The lines after the header are read a block of whole lines at a time (see
    `_split_block`), so that the memory used beside the columns stays bounded.
    """
    if not data.isascii() or b'"' in data or b"\x00" in data:
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    first = data.find(b"\n")
    header = data[: first if first >= 0 else len(data)].removesuffix(b"\r")
    names = header.decode("ascii").split(",")
    words = _Words(data)
    blocks = []
    low = len(data) if first < 0 else first + 1
    while low < len(data):
        high = len(data)
        if low + _BLOCK < len(data):
            high = data.rfind(b"\n", low, low + _BLOCK) + 1
            if high <= low:  # a line longer than a block
                high = data.find(b"\n", low + _BLOCK) + 1 or len(data)
        block = _split_block(data, words, low, high, len(names))
        if block is None:
            return None
        blocks.append(block)
        low = high
    lines, read = [], 0
    for _, kept, n_lines in blocks:
        lines.append(kept + read + 2)
        read += n_lines
    columns = tuple(np.concatenate([block[0][j] for block in blocks]) if blocks
                    else np.zeros(0, dtype="S1") for j in range(len(names)))
    numbers = np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64)
    return _Plain(names, columns, numbers, read, read - len(numbers))


def _split_block(data: bytes, words: _Words, low: int, high: int, width: int
                 ) -> tuple[tuple[npt.NDArray[np.bytes_], ...], npt.NDArray[np.int64], int] | None:
    """The fields of the whole lines in data[low:high], the lines kept (counted from 0) and
    how many lines there are; None when a line that is not blank has the wrong width.

    The positions of every comma and line end are found once; the lines that are kept hold
    exactly `width` of them each, so the field boundaries are that array reshaped.
    """
    buf = np.frombuffer(data, dtype=np.uint8, count=high - low, offset=low)
    separators = _find(buf, b",\n")
    line_end = buf[separators] == ord("\n")
    if buf[-1] != ord("\n"):  # the last line ends at the end of the file
        separators = np.append(separators, len(buf))
        line_end = np.append(line_end, True)
    line_ends = np.flatnonzero(line_end)
    ends = separators[line_ends]
    starts = np.concatenate([[0], ends[:-1] + 1])
    stops = ends - ((ends > starts) & (buf[ends - 1] == ord("\r")))
    commas = np.diff(line_ends, prepend=-1) - 1
    filler = stops - starts - commas  # what a line holds besides commas
    if data.find(b" ", low, high) >= 0 or data.find(b"\t", low, high) >= 0:
        spaces = _find(buf, b" \t")
        filler -= np.searchsorted(spaces, stops) - np.searchsorted(spaces, starts)
    blank = filler == 0
    if bool(np.any(~blank & (commas != width - 1))):
        return None
    keep = ~blank
    boundaries = separators
    if not keep.all():  # leave out the commas and line ends of blank lines
        boundaries = boundaries[np.repeat(keep, commas + 1)]
    columns = _fields(data, words, boundaries.reshape(-1, width) + low, starts[keep] + low,
                      stops[keep] + low)
    return columns, np.flatnonzero(keep).astype(np.int64), len(starts)


class _Words:
    """The file as overlapping little-endian 64-bit words, one starting at each byte; a
    word that would run past the end of the file ends in zero bytes."""

    def __init__(self, data: bytes) -> None:
        self.size = len(data)
        self.last = max(len(data) - 8, 0)  # the words from here on are read from `tail`
        tail = np.frombuffer(data[self.last:] + bytes(16), dtype=np.uint8)
        self.tail = np.ndarray((9,), dtype="<u8", buffer=tail, strides=(1,))
        self.body = (np.ndarray((self.last + 1,), dtype="<u8", buffer=data, strides=(1,))
                     if len(data) >= 8 else self.tail[:1])

    def at(self, positions: npt.NDArray[np.int64], furthest: int) -> npt.NDArray[np.uint64]:
        """The word starting at each position (a position may be the end of the file);
        `furthest`: the largest position."""
        if furthest <= self.last:
            words: npt.NDArray[np.uint64] = self.body[positions]
            return words
        words = self.body[np.minimum(positions, self.last)]
        late = positions > self.last
        words[late] = self.tail[np.minimum(positions[late], self.size) - self.last]
        return words


def _fields(data: bytes, words: _Words, boundaries: npt.NDArray[np.int64],
            starts: npt.NDArray[np.int64], stops: npt.NDArray[np.int64]
            ) -> tuple[npt.NDArray[np.bytes_], ...]:
    """Each column's fields as one fixed-width bytes array, from the position of the comma
    or line end after each field (`boundaries`, rows × columns) and where each line's first
    field starts and its last one stops.

    Eight bytes at a time: the word at each field's start (see `_Words`), the bytes past the
    field's end masked to zero; the words of a block of rows are read together, in file
    order.
    """
    n, width = boundaries.shape

    def block(rows: slice) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        ends = boundaries[rows].copy()
        begins = np.empty_like(ends)
        begins[:, 0] = starts[rows]
        begins[:, 1:] = ends[:, :-1] + 1
        ends[:, -1] = stops[rows]  # before a `\r`
        return begins, ends - begins

    blocks = [slice(row, row + _ROWS) for row in range(0, n, _ROWS)]
    sizes = [1] * width
    if n:
        flat = boundaries.reshape(-1)
        gaps = np.empty_like(flat)
        np.subtract(flat[1:], flat[:-1], out=gaps[1:])
        gaps -= 1
        lengths = gaps.reshape(n, width)
        lengths[:, 0] = boundaries[:, 0] - starts
        lengths[:, -1] = stops - (boundaries[:, -2] + 1 if width > 1 else starts)
        sizes = np.maximum(lengths.max(axis=0), 1).tolist()
        del lengths
    long = [j for j in range(width) if sizes[j] > 64]  # sliced one by one, not made wide
    short = [j for j in range(width) if sizes[j] <= 64]
    out = [np.zeros((n, 0 if j in long else size), dtype=np.uint8)
           for j, size in enumerate(sizes)]
    spans: dict[int, list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]] = {
        j: [] for j in long}
    n_words = -(-max((sizes[j] for j in short), default=0) // 8)
    for rows in blocks:
        begins, lengths = block(rows)
        for k in range(n_words):
            wide = [j for j in short if sizes[j] > 8 * k]
            furthest = int(stops[rows][-1]) + 8 * k
            if k == 0 and len(wide) == width:
                word, kept = words.at(begins, furthest), np.minimum(lengths, 8)
            else:
                word = words.at(begins[:, wide] + 8 * k, furthest)
                kept = np.clip(lengths[:, wide] - 8 * k, 0, 8)
            word &= _LOW_BYTES[kept]
            chars = np.ascontiguousarray(word).view(np.uint8).reshape(len(word), 8 * len(wide))
            for place, j in enumerate(wide):
                part = min(8, sizes[j] - 8 * k)
                out[j][rows, 8 * k: 8 * k + part] = chars[:, 8 * place: 8 * place + part]
        for j in long:
            spans[j].append((begins[:, j], begins[:, j] + lengths[:, j]))
    columns = []
    for j, size in enumerate(sizes):
        if j in long:
            bounds = [(a, b) for begin, end in spans[j]
                      for a, b in zip(begin.tolist(), end.tolist(), strict=True)]
            columns.append(np.asarray([data[a:b] for a, b in bounds], dtype=np.bytes_))
        else:
            columns.append(out[j].view(f"S{size}").reshape(-1))
    return tuple(columns)


def _find(buf: npt.NDArray[np.uint8], values: bytes) -> npt.NDArray[np.int64]:
    """Positions of the bytes `values` in `buf`, in order, a cache-sized chunk at a time."""
    found = []
    for offset in range(0, len(buf), _CHUNK):
        chunk = buf[offset: offset + _CHUNK]
        hit = chunk == values[0]
        for value in values[1:]:
            hit |= chunk == value
        found.append(np.flatnonzero(hit) + offset)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype="<u8")
"""How many bytes of a little-endian word to keep → the mask that keeps them."""


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
