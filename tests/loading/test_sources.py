"""Reading CSV files with pyarrow (`outcomespec.loading.sources`): the rows, their lines and
what is left out must be what a plain reading with Python's `csv` module gives.

The reference below reads a file with the `csv` module alone, row by row, by the rules
the loader documents (a row of the header's width, or an empty line, is a row; a row
whose every value is blank is left out as an empty row; any other width is D108 and left
out; a quote left open or followed by more text refuses the file). Generated files mix
what a CSV reader must get right: quotes around commas, doubled quotes and line breaks,
blank lines, CRLF and lone CR, a byte order mark, spaces around values, rows of the wrong
width, empty fields, non-ASCII text.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading import sources
from outcomespec.loading.conversion import SPACES
from outcomespec.loading.loader import EMPTY_ROW, WRONG_WIDTH, LoadResult, load_table
from outcomespec.loading.sources import RawColumns, read_source

PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

DATASET = m.Dataset(name="t.data", rows="row", columns=tuple(
    m.Column(name=name, type=m.TEXT, optional=True) for name in "AB"))


def plain_fields() -> st.SearchStrategy[str]:
    """Values a plain file may hold: spaces and tabs around them, empty ones, long ones."""
    return st.one_of(st.text(alphabet="ab1 \t-/", max_size=6),
                     st.text(alphabet="xy ", min_size=60, max_size=80))


def hostile_fields() -> st.SearchStrategy[str]:
    """Values a reader must treat specially: quoted, non-ASCII, with stray commas, quotes
    or carriage returns."""
    quoted = st.text(alphabet='a,"\n\r é', max_size=5).map(
        lambda text: '"' + text.replace('"', '""') + '"')
    raw = st.text(alphabet='a,"\r é’\x0b', max_size=4)
    return st.one_of(plain_fields(), quoted, raw)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV file's bytes: plain or not, with or without blank lines and rows of the wrong
    width."""
    hostile, messy = draw(st.integers(0, 2)) == 0, draw(st.booleans())
    fields = hostile_fields() if hostile else plain_fields()
    width = draw(st.integers(1, 4))
    header = [draw(st.sampled_from(["A", "B", " A ", "C", ""])) for _ in range(width)]
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


def reference(data: bytes) -> dict[str, Any] | str:
    """What the `csv` module alone reads: the kept rows' values of A and B (stripped) and
    lines, rows read, rows left out and the lines of rows of the wrong width; or the reason
    the file is refused."""
    text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    if not text.strip():
        return "empty"
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for fields in reader:
            records.append((end + 1, fields))
            end = reader.line_num
    except csv.Error:
        return "malformed"
    names = [name.strip() for name in records[0][1]]
    if not any(names):
        return "no names"
    width = len(names)
    out: dict[str, Any] = {"A": [], "B": [], "lines": [], "wrong": [], "blank": 0,
                           "read": len(records) - 1}
    for line, fields in records[1:]:
        if len(fields) in (width, 0):
            if not "".join(fields).strip():
                out["blank"] += 1
                continue
            out["lines"].append(line)
            for name in "AB":
                out[name].append(fields[names.index(name)].strip() if name in names else "")
        elif "".join(fields).strip():
            out["wrong"].append(line)
        else:
            out["blank"] += 1
    return out


def loaded(tmp_path: Path, data: bytes) -> LoadResult:
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    return load_table(DATASET, path, {})


@PROPERTY
@given(csv_files())
def test_pyarrow_reads_what_the_csv_module_reads(tmp_path: Path, data: bytes) -> None:
    """Values, lines, rows read and left out, and the D108 rows are the `csv` module's."""
    expected = reference(data)
    result = loaded(tmp_path, data)
    d108 = [d for d in result.diagnostics if d.code == "D108"]
    if isinstance(expected, str):
        assert result.table is None
        assert len(d108) == 1
        assert expected == "malformed" or d108[0].message.endswith(
            {"empty": "` is empty", "no names": "the first line is empty"}[expected])
        return
    table = result.table
    if table is None:  # the header names A (or B) twice
        assert d108[0].message.startswith("the header names column")
        return
    assert table.values("A").tolist() == expected["A"]
    assert table.values("B").tolist() == expected["B"]
    assert [table.line(i) for i in range(table.n_rows)] == expected["lines"]
    assert result.report.rows_read == expected["read"]
    left_out = {EMPTY_ROW: expected["blank"], WRONG_WIDTH: len(expected["wrong"])}
    assert result.report.rows_excluded() == {k: v for k, v in left_out.items() if v}
    assert [d.line for d in d108 if "the row is left out" in d.message] == \
        expected["wrong"][:sources.CAP]


@pytest.mark.parametrize(("text", "column", "values", "lines"), [
    ("A,B\n1,2\n3\n4,5\n", "A", ["1", "4"], [2, 4]),  # no quotes: pyarrow numbers the row
    ("A,B\n1,2\n3,4,5\n\n6,7\r\n", "A", ["1", "6"], [2, 5]),  # and a blank line left out
    ('A,B\n"x\ny",2\n3\n4,5\n', "A", ["x\ny", "4"], [2, 5]),  # the csv module finds lines
    ('"A\nA",B\nz,1\n', "B", ["1"], [3]),  # a header over two lines
    ('A,"B\nB",C\n1,2,3\n"4\n4",5,6\n', "A", ["1", "4\n4"], [3, 4]),
])
def test_rows_keep_their_lines(tmp_path: Path, text: str, column: str, values: list[str],
                               lines: list[int]) -> None:
    """Short and long rows, values over two lines and a header over two lines: every kept
    row is named by the line it begins on."""
    result = loaded(tmp_path, text.encode())
    assert result.table is not None
    assert result.table.values(column).tolist() == values
    assert [result.table.line(i) for i in range(result.table.n_rows)] == lines


def test_columns_are_typed_as_they_are_read(tmp_path: Path) -> None:
    """Numbers come as float64, everything else dictionary-encoded; undeclared columns are
    not read."""
    ds = m.Dataset(name="t.data", rows="row", columns=(
        m.Column(name="N", type=m.NUMBER), m.Column(name="D", type=m.DATE),
        m.Column(name="C", type=m.TEXT)))
    path = tmp_path / "data.csv"
    path.write_text("N,D,X,C\n1.5,01/04/2024,x,a\n2,2024-04-02,y,a\n")
    raw = read_source(path, "data.csv", ds)
    assert isinstance(raw, RawColumns)
    assert [None if c is None else str(c.type) for c in raw.columns] == [
        "double", "dictionary<values=string, indices=int32, ordered=0>", None,
        "dictionary<values=string, indices=int32, ordered=0>"]
    assert raw.lines is None
    with_symbols = m.Dataset(name="t.data", rows="row", columns=ds.columns[:1],
                             missing_symbols=("c",))
    assert sources.arrow_type(ds.columns[0], with_symbols) == sources.arrow_type(
        ds.columns[2], ds)  # a number column may hold a symbol: read as text


def test_numbers_pyarrow_cannot_quote_are_read_again_as_text(tmp_path: Path) -> None:
    """`1,200` fails pyarrow's parse and `nan`, `inf`, `1.50` in an integer column pass it:
    each column is read again as text, so the messages quote the file."""
    ds = m.Dataset(name="t.data", rows="row", columns=(
        m.Column(name="N", type=m.NUMBER, optional=True),
        m.Column(name="X", type=m.NUMBER, optional=True),
        m.Column(name="I", type=m.ValueType(m.ValueKind.NUMBER, integer=True), optional=True)))
    path = tmp_path / "data.csv"
    path.write_text('N,X,I\n"1,200",nan,1.50\n7,inf,2\n')
    result = load_table(ds, path, {})
    assert result.table is not None
    assert result.table.columns["N"].tolist() == [1200.0, 7.0]
    assert sorted((d.line, d.message) for d in result.diagnostics) == [
        (2, "`1.50` in column `I` is not a whole number"),
        (2, "`nan` in column `X` is not a number"),
        (3, "`inf` in column `X` is not a number")]


def test_impossible_dates_are_refused_not_moved(tmp_path: Path) -> None:
    """pyarrow's timestamp parsers read 31/02/2024 as 2 March and 01/04/24 as the year 24;
    the loader refuses both."""
    ds = m.Dataset(name="t.data", rows="row",
                   columns=(m.Column(name="D", type=m.DATE, optional=True),))
    path = tmp_path / "data.csv"
    path.write_text("D\n31/02/2024\n01/04/24\n2024-4-1\n29/02/2024\n")
    result = load_table(ds, path, {})
    assert result.table is not None
    assert result.table.values("D").astype(str).tolist() == ["NaT", "NaT", "NaT", "2024-02-29"]
    assert [d.message for d in result.diagnostics] == [
        "`31/02/2024` in column `D` is not a date: there is no such day",
        "`01/04/24` in column `D` is not a date", "`2024-4-1` in column `D` is not a date"]


def test_blank_rows_count_the_columns_not_read(tmp_path: Path) -> None:
    """A row blank in every declared column but holding a value elsewhere is a row."""
    path = tmp_path / "data.csv"
    path.write_text("A,B,NOTE\n1,2,\n,,kept\n,,\n")
    result = load_table(DATASET, path, {})
    assert result.table is not None
    assert result.table.values("A").tolist() == ["1", ""]
    assert result.report.rows_excluded() == {EMPTY_ROW: 1}


@pytest.mark.parametrize(("data", "message", "line"), [
    (b"A,B\n1,2\n3,\xa3\n", "is not UTF-8 text: byte 0xa3 on line 3 cannot be read", 3),
    (b"A,B\n1,2\n3,\xe2\x80\n", "is not UTF-8 text: byte 0xe2 on line 3 cannot be read", 3),
    (b"A,B\n1,2\n\n3,\x004\n", "cannot be read as CSV: line contains NUL in the row that "
     "begins on line 4", 4),
])
def test_bytes_past_the_first_chunk_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                data: bytes, message: str, line: int) -> None:
    """A file is looked at a chunk at a time: a bad byte in a later chunk (or a character cut
    by a chunk's end) is found with its line."""
    monkeypatch.setattr(sources, "_CHUNK", 3)
    monkeypatch.setattr(sources, "HEAD_BYTES", 5)
    result = loaded(tmp_path, data)
    assert result.table is None
    (diagnostic,) = result.diagnostics
    assert isinstance(diagnostic, Diagnostic)
    assert diagnostic.message.endswith(message)
    assert diagnostic.line == line


def test_a_character_across_chunks_is_read(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid UTF-8 cut by a chunk's end is not an error."""
    monkeypatch.setattr(sources, "_CHUNK", 3)
    result = loaded(tmp_path, "A,B\né,’\n".encode())
    assert result.table is not None
    assert result.table.values("B").tolist() == ["’"]


def test_spaces_are_what_python_strips() -> None:
    """`SPACES`, given to pyarrow's trim, is exactly the set of characters `str.strip` removes."""
    assert set(SPACES) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def test_a_pyarrow_table_is_read_as_it_is() -> None:
    """A pyarrow Table's columns are handed over as they are, rows numbered as in a file."""
    table = pa.table({"A": ["x", None], "B": pa.array(["y", "z"]).dictionary_encode()})
    raw = read_source(table, "<pyarrow Table>", DATASET)
    assert isinstance(raw, RawColumns)
    assert raw.columns[1].type == pa.dictionary(pa.int32(), pa.string())
    assert (raw.lines, raw.rows_read) == (None, 2)
    result = load_table(DATASET, table, {})
    assert result.table is not None
    assert np.asarray(result.table.values("A")).tolist() == ["x", ""]
