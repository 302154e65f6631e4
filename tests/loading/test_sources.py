"""pyarrow's CSV reader as a fast path for plain files, giving exactly the existing reader's
columns.

`datafiles._split_arrow` must either refuse a file (None: the existing reader is used) or
return what `_split_plain` returns for it, byte for byte and dtype for dtype, since
conversion picks its paths by the columns' widths. Generated files mix what the existing
reader treats specially: quotes, blank lines, CRLF and lone CR, a byte order mark, spaces
around values, rows of the wrong width, empty fields, non-ASCII text.
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading import sources as datafiles
from outcomespec.loading.sources import RawColumns, read_source

PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

DATASET = m.Dataset(name="t.data", rows="row",
                    columns=tuple(m.Column(name=name, type=m.TEXT) for name in "AB"))

SIMPLE = "LA,CHILD,DECOM,RNE\r\n201, 4039803 ,07/07/2015,S\r\n202,17,,L\r\n203,,\t,P\r\n"


def plain_fields() -> st.SearchStrategy[str]:
    """Values a plain file may hold: spaces and tabs around them, empty ones, long ones."""
    return st.one_of(st.text(alphabet="ab1 \t-/", max_size=6),
                     st.text(alphabet="xy ", min_size=60, max_size=80))


def hostile_fields() -> st.SearchStrategy[str]:
    """Values the existing reader treats specially: quoted, non-ASCII, with stray commas or
    carriage returns, control bytes."""
    quoted = st.text(alphabet='a,"\n\r é', max_size=5).map(
        lambda text: '"' + text.replace('"', '""') + '"')
    raw = st.text(alphabet='a,"\r é’\x0b\x00', max_size=4)
    return st.one_of(plain_fields(), quoted, raw)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV file's bytes: plain or not, with or without blank lines and rows of the wrong
    width (so that the fast path is often taken, and often refused)."""
    hostile, messy = draw(st.integers(0, 2)) == 0, draw(st.booleans())
    fields = hostile_fields() if hostile else plain_fields()
    width = draw(st.integers(1, 4))
    header = [draw(st.text(alphabet="AB _", max_size=3)) for _ in range(width)]
    lines = [",".join(header)]
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["row", "row", "short", "long", "blank"] if messy
                                    else ["row"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t", "," * (width - 1),
                                               " ," * (width - 1) + "\t", ",,,,,"])))
            continue
        n = width + {"row": 0, "short": -1, "long": 1}[kind]
        lines.append(",".join(draw(fields) for _ in range(max(n, 0))))
    ends = ["\n", "\r\n", "\r"] if hostile else ["\n", "\r\n"]
    text = ""
    for line in lines:
        text += line + draw(st.sampled_from(ends))
    if draw(st.booleans()):
        text = text.removesuffix("\n").removesuffix("\r")
    if messy:
        text += draw(st.sampled_from(["", "\n", "\r\n\r\n"]))
    bom = codecs.BOM_UTF8 if draw(st.booleans()) else b""
    return bom + text.encode("utf-8")


def assert_same_split(fast: Any, plain: Any) -> None:
    """Two `_Plain` results are identical: names, bytes and widths of columns, lines."""
    assert fast.header == plain.header
    assert len(fast.columns) == len(plain.columns)
    for ours, theirs in zip(fast.columns, plain.columns, strict=True):
        assert ours.dtype == theirs.dtype
        assert ours.tolist() == theirs.tolist()
    assert fast.lines.dtype == plain.lines.dtype
    assert fast.lines.tolist() == plain.lines.tolist()
    assert (fast.rows_read, fast.blank) == (plain.rows_read, plain.blank)


def assert_same_raw(ours: RawColumns | Diagnostic, theirs: RawColumns | Diagnostic) -> None:
    """Two reads of a file are identical, down to each column's dtype."""
    assert type(ours) is type(theirs)
    if isinstance(ours, Diagnostic) or isinstance(theirs, Diagnostic):
        assert ours == theirs
        return
    assert ours.header == theirs.header
    assert len(ours.columns) == len(theirs.columns)
    for a, b in zip(ours.columns, theirs.columns, strict=True):
        assert isinstance(a, np.ndarray) == isinstance(b, np.ndarray)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype
            assert a.tolist() == b.tolist()
        else:
            assert a == b
    assert ours.lines.dtype == theirs.lines.dtype
    assert ours.lines.tolist() == theirs.lines.tolist()
    assert ours.rows_read == theirs.rows_read
    assert ours.excluded == theirs.excluded
    assert ours.diagnostics == theirs.diagnostics
    assert ours.texts == theirs.texts


def read_both(data: bytes) -> tuple[RawColumns | Diagnostic, RawColumns | Diagnostic]:
    """`_read_csv` with the fast path tried on any size, and with it never tried."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datafiles, "_ARROW_MIN", 0)
        fast = datafiles._read_csv(data, "data.csv", DATASET)
        patch.setattr(datafiles, "_ARROW_MIN", sys.maxsize)
        slow = datafiles._read_csv(data, "data.csv", DATASET)
    return fast, slow


@PROPERTY
@given(csv_files())
def test_fast_split_is_the_plain_split_or_refuses(data: bytes) -> None:
    """Whatever the file, `_split_arrow` refuses it or gives `_split_plain`'s result."""
    pytest.importorskip("pyarrow")
    data = data.removeprefix(codecs.BOM_UTF8)  # as `_read_csv` does before splitting
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datafiles, "_ARROW_MIN", 0)
        fast = datafiles._split_arrow(data)
    if fast is not None:
        plain = datafiles._split_plain(data)
        assert plain is not None
        assert_same_split(fast, plain)


@PROPERTY
@given(csv_files())
def test_reading_is_the_same_with_and_without_the_fast_path(data: bytes) -> None:
    """The whole read (header, columns, lines, excluded rows, diagnostics) is the same."""
    pytest.importorskip("pyarrow")
    fast, slow = read_both(data)
    assert_same_raw(fast, slow)


@pytest.mark.parametrize(("text", "taken"), [
    (SIMPLE, True),
    ("\ufeff" + SIMPLE, True),  # a byte order mark is removed before either reader
    (SIMPLE.replace("\r\n", "\n").removesuffix("\n"), True),  # no line end on the last line
    (" LA , CHILD\n1,2\n", True),  # names are stripped after either reader
    ("A,A\n1,2\n", True),  # a repeated name
    ("A\n1\n\n2\n", False),  # a blank line
    ("A,B\n1,2\n,\n3,4\n", False),  # a line of only commas: left out by the plain reader
    ("A,B\n1,2\n \t, \n", False),  # ... or of spaces and commas
    ("A,B\n1,2\n\n", False),  # a blank line at the end
    ("A,B\n1,2,3\n", False),  # a row of the wrong width
    ("A,B\n1\n", False),
    ('A,B\n"1,5",2\n', False),  # quotes
    ("A,B\n1\r2,3\n", False),  # a carriage return alone
    ("A,B\n1,2\r", False),
    ("A,B\né,2\n", False),  # not ASCII
    ("A,B\n1,\x002\n", False),  # a zero byte
    ("A,B\n", False),  # no rows
    ("A,B", False),
])
def test_which_files_take_the_fast_path(text: str, taken: bool) -> None:
    """Plain files without blank lines are read by pyarrow; the rest fall back, and every
    file reads the same either way."""
    pytest.importorskip("pyarrow")
    data = text.encode("utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datafiles, "_ARROW_MIN", 0)
        assert (datafiles._split_arrow(data.removeprefix(codecs.BOM_UTF8)) is not None) == taken
    fast, slow = read_both(data)
    assert_same_raw(fast, slow)


def test_a_large_plain_file_is_read_by_pyarrow(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain file over the size limit never reaches the byte splitter."""
    pytest.importorskip("pyarrow")
    row = "201,4039803,07/07/2015,S, C1 ,,X1\r\n"
    count = datafiles._ARROW_MIN // len(row) + 1
    path = tmp_path / "episodes.csv"
    path.write_bytes(("LA,CHILD,DECOM,RNE,LS,REC,REASON\r\n" + row * count).encode("ascii"))

    def refuse(data: bytes) -> None:
        raise AssertionError("the byte splitter was used")

    monkeypatch.setattr(datafiles, "_split_plain", refuse)
    raw = read_source(path, "episodes.csv", DATASET)
    assert isinstance(raw, RawColumns)
    assert raw.header == ("LA", "CHILD", "DECOM", "RNE", "LS", "REC", "REASON")
    assert raw.rows_read == count
    assert raw.lines.tolist() == list(range(2, count + 2))
    assert [c.dtype.str for c in raw.columns] == ["|S3", "|S7", "|S10", "|S1", "|S4", "|S1",
                                                  "|S2"]
    assert raw.columns[4][:2].tolist() == [b" C1 ", b" C1 "]
    assert raw.columns[5][-1] == b""
    assert (raw.excluded, raw.diagnostics, raw.texts) == ((), (), True)


def test_small_files_and_missing_pyarrow_use_the_byte_splitter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Below the size limit pyarrow is not tried; without pyarrow every file falls back."""
    data = SIMPLE.encode("ascii")
    assert datafiles._split_arrow(data) is None  # small
    monkeypatch.setattr(datafiles, "_ARROW_MIN", 0)
    for name in ("pyarrow", "pyarrow.csv", "pyarrow.compute"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it raises ImportError
    assert datafiles._split_arrow(data) is None
    raw = datafiles._read_csv(data, "data.csv", DATASET)
    assert isinstance(raw, RawColumns)
    assert raw.columns[1].tolist() == [b" 4039803 ", b"17", b""]


def test_chunked_and_sliced_arrow_columns_convert_to_fixed_width() -> None:
    """Chunks that are slices of larger arrays (offsets not starting at zero), and empty
    chunks, give the values in order, as wide as the longest."""
    pa = pytest.importorskip("pyarrow")
    compute = pytest.importorskip("pyarrow.compute")
    whole = pa.array([b"skip", b"ab", b"", b" c ", b"dddd-long"], type=pa.binary())
    column = pa.chunked_array([whole.slice(1, 3), whole.slice(0, 0), whole.slice(4, 1),
                               pa.array([b"e"], type=pa.binary())])
    fixed = datafiles._fixed_width(column, pa, compute)
    assert fixed is not None
    assert fixed.dtype == np.dtype("S9")
    assert fixed.tolist() == [b"ab", b"", b" c ", b"dddd-long", b"e"]
    empty = pa.chunked_array([pa.array([b"", b""], type=pa.binary())])
    fixed = datafiles._fixed_width(empty, pa, compute)
    assert fixed is not None
    assert fixed.dtype == np.dtype("S1")
    assert fixed.tolist() == [b"", b""]
