"""Tests for outcomespec.loading.loader: every encoding, every data diagnostic, real-format files.

Datasets are built directly as model values, except for the SSDA903 and ONS population
libraries shipped in `frameworks/datasets/`, which are checked with `check_paths` first. The
SSDA903 files in `tests/data/ssda903-fake/` are the DfE 903 validator's fake returns (MIT; see
the README there).
"""

from __future__ import annotations

import builtins
import csv
import datetime as dt
import io
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.checking import check_paths
from outcomespec.language.codes import CODES
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.rendering import render_text
from outcomespec.loading.loader import (
    ABSENT,
    EMPTY,
    EMPTY_ROW,
    WRONG_WIDTH,
    LoadResult,
    codelists_of,
    load_directory,
    load_table,
)
from outcomespec.loading.tables import Table, missing_mask
from tests.paths import REPO, TESTS

FAKE_903 = TESTS / "data" / "ssda903-fake"
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

LEGAL = m.Codelist("t.legal_status", None, tuple(m.Code(c, c) for c in ("C1", "C2", "V2", "E1")),
                   ())
CODELISTS = {LEGAL.name: LEGAL}
INTEGER = m.ValueType(m.ValueKind.NUMBER, integer=True)
IDENT = m.ValueType(m.ValueKind.IDENTIFIER, unit="child")
CODE = m.ValueType(m.ValueKind.CODE, codelist=LEGAL.name)


def col(name: str, value_type: m.ValueType, *, optional: bool = False,
        since: int | None = None) -> m.Column:
    """A column declaration."""
    return m.Column(name=name, type=value_type, optional=optional, since=since)


def dataset(*columns: m.Column, key: tuple[str, ...] = (), missing: tuple[str, ...] = (),
            warn: bool = False, area: str | None = None, name: str = "t.data") -> m.Dataset:
    """A dataset declaration over `columns`."""
    policy = m.UnknownCodePolicy.WARN if warn else m.UnknownCodePolicy.ERROR
    return m.Dataset(name=name, rows="row", columns=columns, key=key, area=area,
                     missing_symbols=missing, unknown_codes=policy)


def write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> Path:
    """Write a data file under tmp_path (text exactly as given: no newline translation)."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def load(ds: m.Dataset, source: Any, **kwargs: Any) -> LoadResult:
    """load_table with the test codelists."""
    return load_table(ds, source, CODELISTS, **kwargs)


def table_of(result: LoadResult) -> Table:
    """The result's table, asserting there is one."""
    assert result.table is not None, [d.message for d in result.diagnostics]
    return result.table


def codes(result: LoadResult) -> list[str]:
    """The diagnostic codes of a result, in order."""
    return [d.code for d in result.diagnostics]


def rendered(result: LoadResult) -> list[str]:
    """Each diagnostic's first rendered line (`path:line: severity[CODE]: message`)."""
    return [render_text(d).splitlines()[0] for d in result.diagnostics]


def assert_missing_accounted(result: LoadResult) -> None:
    """Every missing value of every column is counted under exactly one rule of the report."""
    table = table_of(result)
    for column in table.dataset.columns:
        count = int(missing_mask(table.columns[column.name], column.type).sum())
        assert sum(result.report.read_as_missing(column.name).values()) == count, column.name


# ------------------------------------------------------------------ encodings


def test_codes_become_indices_into_the_codelist(tmp_path: Path) -> None:
    """Codes → index of the code in the codelist (int8 for a short list); empty → -1; the
    code table is set."""
    ds = dataset(col("CHILD", IDENT), col("LS", CODE, optional=True))
    result = load(ds, write(tmp_path, "CHILD,LS\nA,C2\nB,E1\n\nC,C1\nD,\nE,C2\n"))
    table = table_of(result)
    assert table.columns["LS"].dtype == np.int8
    assert table.columns["LS"].tolist() == [1, 3, 0, -1, 1]
    assert table.code_tables["LS"] == ("C1", "C2", "V2", "E1")
    assert [row["LS"] for row in table.rows()] == ["C2", "E1", "C1", None, "C2"]
    assert result.report.rows_read == 6
    assert result.report.rows_kept == 5
    assert result.report.rows_excluded() == {EMPTY_ROW: 1}
    assert result.report.read_as_missing() == {EMPTY: 1}
    assert result.diagnostics == ()


def test_dates_in_both_formats_and_with_times(tmp_path: Path) -> None:
    """dd/mm/YYYY, d/m/YYYY, YYYY-MM-DD and either with a time all read as the date."""
    ds = dataset(col("D", m.DATE, optional=True))
    text = ("D\n01/04/2024\n2024-03-31\n1/4/2024\n29/02/2024 13:45\n2024-04-01T00:00:00\n"
            "31/12/1999 23:59:59\n\n")
    table = table_of(load(ds, write(tmp_path, text)))
    assert table.columns["D"].dtype == np.int32  # days since 1970-01-01
    assert table.columns["D"][:2].tolist() == [19814, 19813]
    assert table.values("D").dtype == np.dtype("datetime64[D]")
    assert table.values("D").astype(str).tolist() == [
        "2024-04-01", "2024-03-31", "2024-04-01", "2024-02-29", "2024-04-01", "1999-12-31"]


def test_byte_order_mark_and_windows_line_ends(tmp_path: Path) -> None:
    """A UTF-8 BOM before the header and CRLF line ends do not reach names or values."""
    ds = dataset(col("CHILD", IDENT), col("N", INTEGER))
    result = load(ds, write(tmp_path, b"\xef\xbb\xbfCHILD,N\r\nA1,3\r\nB2,4\r\n"))
    table = table_of(result)
    assert table.values("CHILD").tolist() == ["A1", "B2"]
    assert table.columns["N"].tolist() == [3.0, 4.0]
    assert result.report.ignored_columns == ()


def test_spaces_around_names_and_values_are_stripped(tmp_path: Path) -> None:
    """Header names and values lose surrounding spaces, as DfE files with trailing spaces need."""
    ds = dataset(col("CHILD", IDENT), col("LS", CODE), col("D", m.DATE), col("N", m.NUMBER))
    text = " CHILD , LS ,D ,N  \n 12 , C2 , 01/04/2024 , 7 \nAB  ,V2,2024-01-02,  1.5\n"
    result = load(ds, write(tmp_path, text))
    table = table_of(result)
    assert table.values("CHILD").tolist() == ["12", "AB"]
    assert table.columns["LS"].tolist() == [1, 2]
    assert table.values("D").astype(str).tolist() == ["2024-04-01", "2024-01-02"]
    assert table.columns["N"].tolist() == [7.0, 1.5]
    assert result.diagnostics == ()


def test_quoted_fields_with_commas_quotes_and_line_breaks(tmp_path: Path) -> None:
    """Quoted values keep their commas, doubled quotes and line breaks; lines stay right."""
    ds = dataset(col("la_name", m.TEXT), col("n", m.NUMBER))
    text = ('la_name,n\n"Kingston upon Hull, City of","1,234"\n"Say ""hi""",2\n'
            '"two\nlines",3\nBristol,x\n')
    result = load(ds, write(tmp_path, text))
    table = table_of(result)
    assert table.values("la_name").tolist() == [
        "Kingston upon Hull, City of", 'Say "hi"', "two\nlines", "Bristol"]
    assert table.columns["n"][:3].tolist() == [1234.0, 2.0, 3.0]
    # The record that spans lines 4-5 pushes Bristol to line 6.
    assert rendered(result) == [
        f"{tmp_path / 'data.csv'}:6: error[D105]: `x` in column `n` is not a number"]


def test_suppression_symbols_are_missing_and_counted_never_zero(tmp_path: Path) -> None:
    """DfE symbols c, k, z, : become NaN, each counted by symbol, with no D109 warning."""
    ds = dataset(col("la", m.TEXT), col("children_count", INTEGER),
                 col("children_percent", m.NUMBER), missing=("c", "k", "u", "x", "z", ":"))
    text = ("la,children_count,children_percent\n201,c,c\n202,10,k\n203,z,z\n204,:,50\n"
            "205,1,c\n")
    result = load(ds, write(tmp_path, text))
    table = table_of(result)
    counts = table.columns["children_count"]
    assert np.isnan(counts).tolist() == [True, False, True, True, False]
    assert np.nansum(counts) == 11.0
    assert result.report.read_as_missing() == {
        'symbol "c"': 3, 'symbol "k"': 1, 'symbol "z"': 2, 'symbol ":"': 1}
    assert result.report.read_as_missing("children_count") == {
        'symbol "c"': 1, 'symbol "z"': 1, 'symbol ":"': 1}
    assert result.diagnostics == ()
    assert_missing_accounted(result)


def test_thousands_separators_and_number_forms(tmp_path: Path) -> None:
    """1,234 and 12,345,678.5 read with separators; signs, decimals and exponents too."""
    ds = dataset(col("n", m.NUMBER))
    text = 'n\n"1,234"\n"12,345,678.5"\n-3\n+0.25\n.5\n1e3\n007\n'
    table = table_of(load(ds, write(tmp_path, text)))
    assert table.columns["n"].tolist() == [1234.0, 12345678.5, -3.0, 0.25, 0.5, 1000.0, 7.0]


def test_booleans_in_every_spelling(tmp_path: Path) -> None:
    """1/0, true/false, yes/no, Y/N in any case → int8 1/0; empty → -1."""
    ds = dataset(col("k", IDENT), col("b", m.BOOLEAN, optional=True))
    values = ["1", "0", "TRUE", "false", "Yes", "no", "Y", "n", "y", "True", ""]
    text = "k,b\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values))
    table = table_of(load(ds, write(tmp_path, text)))
    assert table.columns["b"].dtype == np.int8
    assert table.columns["b"].tolist() == [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, -1]


def test_text_missing_is_empty_and_identifier_kept_verbatim(tmp_path: Path) -> None:
    """Text columns hold indices into their distinct texts; empty is missing and counted;
    leading zeros of identifiers survive."""
    ds = dataset(col("CHILD", IDENT), col("note", m.TEXT, optional=True))
    result = load(ds, write(tmp_path, "CHILD,note\n007,\n0100,hello world\n"))
    table = table_of(result)
    assert table.values("CHILD").tolist() == ["007", "0100"]
    assert table.columns["note"].tolist() == [-1, 0]
    assert table.texts["note"].to_pylist() == ["hello world"]
    assert table.values("note").tolist() == ["", "hello world"]
    assert result.report.read_as_missing("note") == {EMPTY: 1}


def test_extra_columns_are_ignored_and_listed(tmp_path: Path) -> None:
    """Columns the dataset does not declare are left out of the table and named in the report."""
    ds = dataset(col("CHILD", IDENT))
    result = load(ds, write(tmp_path, "CHILD,SEX,,NOTE\nA,1,,x\n"))
    assert list(table_of(result).columns) == ["CHILD"]
    assert result.report.ignored_columns == ("SEX", "(unnamed column 3)", "NOTE")
    assert result.diagnostics == ()


def test_absent_optional_and_later_columns_are_missing_not_d101(tmp_path: Path) -> None:
    """An absent optional or `from YEAR` column is all missing, counted, and not an error."""
    ds = dataset(col("CHILD", IDENT), col("DEC", m.DATE, optional=True),
                 col("SW_ID", m.TEXT, since=2024), col("LS", CODE, optional=True))
    result = load(ds, write(tmp_path, "CHILD\nA\nB\n"))
    table = table_of(result)
    assert result.ok
    assert np.isnat(table.values("DEC")).all()
    assert table.values("SW_ID").tolist() == ["", ""]
    assert table.columns["LS"].tolist() == [-1, -1]
    assert result.report.absent_columns == ("DEC", "SW_ID", "LS")
    assert result.report.read_as_missing() == {ABSENT: 6}
    assert_missing_accounted(result)


def test_area_fills_a_single_authoritys_missing_area_column(tmp_path: Path) -> None:
    """`area=` fills the absent area column with the authority's code, and says so."""
    ds = dataset(col("LA", m.TEXT), col("CHILD", IDENT), area="LA")
    path = write(tmp_path, "CHILD\nA\nB\n")
    result = load(ds, path, area="201")
    assert table_of(result).values("LA").tolist() == ["201", "201"]
    assert result.report.filled_columns == (("LA", "201"),)
    without = load(ds, path)
    assert without.table is None
    assert codes(without) == ["D101"]
    assert "give its code as `area`" in (without.diagnostics[0].help or "")
    with pytest.raises(ValueError, match="declares no area column"):
        load(dataset(col("CHILD", IDENT)), path, area="201")


def test_empty_rows_are_excluded_and_counted(tmp_path: Path) -> None:
    """Blank lines and rows of empty fields are left out, counted, and later lines stay right."""
    ds = dataset(col("CHILD", IDENT), col("N", m.NUMBER))
    result = load(ds, write(tmp_path, "CHILD,N\nA,1\n\n , \n,,\nB,zz\n\n"))
    assert table_of(result).values("CHILD").tolist() == ["A", "B"]
    assert result.report.rows_read == 6
    assert result.report.rows_kept == 2
    assert result.report.rows_excluded() == {EMPTY_ROW: 4}
    assert rendered(result) == [
        f"{tmp_path / 'data.csv'}:6: error[D105]: `zz` in column `N` is not a number"]


def test_plain_and_quoted_files_read_alike(tmp_path: Path) -> None:
    """A file with one quoted value (read by `csv`) gives the same table as the plain file."""
    ds = dataset(col("CHILD", IDENT), col("LS", CODE), col("D", m.DATE, optional=True),
                 col("N", m.NUMBER, optional=True), col("B", m.BOOLEAN, optional=True))
    rows = "A, C2 ,01/04/2024,1.5,Y\n\nB,E1,,,0\r\nC,C1,2024-02-29,-2,true\n"
    plain = load(ds, write(tmp_path, "CHILD,LS,D,N,B\n" + rows, "plain.csv"))
    quoted = load(ds, write(tmp_path, 'CHILD,LS,D,N,"B"\n' + rows, "quoted.csv"))
    for name in ("CHILD", "LS", "D", "N", "B"):
        np.testing.assert_array_equal(table_of(plain).values(name),
                                      table_of(quoted).values(name))
    assert plain.report.rows_excluded() == quoted.report.rows_excluded() == {EMPTY_ROW: 1}


# ------------------------------------------------------------------ bad data


def test_d101_missing_column_suggests_similar_header_names(tmp_path: Path) -> None:
    """A required column not in the header: D101 on line 1, help with the near name, no table."""
    ds = dataset(col("CHILD", IDENT), col("DECOM", m.DATE))
    path = write(tmp_path, "CHILD,DECMO\nA,01/04/2024\n")
    result = load(ds, path)
    assert result.table is None
    assert not result.ok
    assert rendered(result) == [
        f"{path}:1: error[D101]: column `DECOM` of dataset `data` is missing from the file"]
    assert result.diagnostics[0].help == (
        "did you mean `DECMO`? If not, add the column (one declared `optional` may be left "
        "out of a file when no indicator reads it)")
    assert result.report.ignored_columns == ("DECMO",)


def test_d102_unparseable_dates_name_line_column_and_value(tmp_path: Path) -> None:
    """Dates that are not dates, or days that do not exist, are D102 and read as missing."""
    ds = dataset(col("CHILD", IDENT), col("DOB", m.DATE))
    path = write(tmp_path, "CHILD,DOB\nA,31/02/2017\nB,2017/01/31\nC,01/04/24\nD,01/04/2024\n")
    result = load(ds, path)
    assert rendered(result) == [
        f"{path}:2: error[D102]: `31/02/2017` in column `DOB` is not a date: there is no such day",
        f"{path}:3: error[D102]: `2017/01/31` in column `DOB` is not a date",
        f"{path}:4: error[D102]: `01/04/24` in column `DOB` is not a date",
    ]
    assert result.diagnostics[0].help == "write dates as dd/mm/YYYY or YYYY-MM-DD"
    assert np.isnat(table_of(result).values("DOB")).tolist() == [True, True, True, False]
    assert result.report.read_as_missing() == {"D102 unparseable date": 3}
    assert not result.ok


def test_d103_unknown_code_is_an_error(tmp_path: Path) -> None:
    """A code outside the codelist is D103 (error) with a suggestion, and read as missing."""
    ds = dataset(col("LS", CODE))
    path = write(tmp_path, "LS\nC2\nC3\nc1\n")
    result = load(ds, path)
    assert rendered(result) == [
        f"{path}:3: error[D103]: `C3` in column `LS` is not a code of `legal_status`",
        f"{path}:4: error[D103]: `c1` in column `LS` is not a code of `legal_status`",
    ]
    assert result.diagnostics[0].help == (
        "did you mean `C1` or `C2`? If not, correct the value, or add the code to the codelist "
        "if it is valid")
    assert result.diagnostics[1].help == (
        "did you mean `C1`? If not, correct the value, or add the code to the codelist if it "
        "is valid")
    assert table_of(result).columns["LS"].tolist() == [1, -1, -1]
    assert result.report.read_as_missing() == {"D103 unknown code": 2}


GRADE = m.Codelist("t.grade", None, (m.Code("outstanding", "Outstanding"), m.Code("good", "Good"),
                                     m.Code("requires_improvement",
                                            "Requires improvement to be good"),
                                     m.Code("inadequate", "Inadequate")), ())


def test_a_column_read_by_label_holds_the_codes_of_the_labels(tmp_path: Path) -> None:
    """`code grade by label`: "Good" is `good`; a code written as such is not a label (D103)."""
    column = m.Column(name="leadership", type=m.ValueType(m.ValueKind.CODE, codelist=GRADE.name),
                      by_label=True)
    path = write(tmp_path, "leadership\nGood\nRequires improvement to be good\n"
                 "Inadequate\ngood\n")
    result = load_table(dataset(column), path, {GRADE.name: GRADE})
    assert [row["leadership"] for row in table_of(result).rows()] == [
        "good", "requires_improvement", "inadequate", None]
    assert rendered(result) == [
        f"{path}:5: error[D103]: `good` in column `leadership` is not a label of `grade`"]
    assert result.diagnostics[0].help is not None
    assert result.diagnostics[0].help.startswith("did you mean `Good`?")


def test_d104_unknown_code_warns_when_the_dataset_says_so(tmp_path: Path) -> None:
    """With `unknown codes warn` the same value is a D104 warning, missing and counted."""
    ds = dataset(col("LS", CODE), warn=True)
    path = write(tmp_path, "LS\nC2\nZZ\n")
    result = load(ds, path)
    assert rendered(result) == [
        f"{path}:3: warning[D104]: `ZZ` in column `LS` is not a code of `legal_status`; "
        "read as missing"]
    assert result.diagnostics[0].help == "the codes of `legal_status` are C1, C2, V2, E1"
    assert result.ok
    assert result.report.read_as_missing() == {"D104 unknown code": 1}
    assert CODES["D104"].severity == "warning"
    assert CODES["D103"].severity == "error"


def test_d105_not_a_number_and_not_a_whole_number(tmp_path: Path) -> None:
    """Words, NaN, infinity, bad separators and fractions in integers are D105."""
    ds = dataset(col("n", m.NUMBER), col("k", INTEGER))
    path = write(tmp_path, 'n,k\nabc,1\nnan,2.5\ninf,"1,5"\n"1,23",3.0\n12%,4\n')
    result = load(ds, path)
    assert rendered(result) == [
        f"{path}:2: error[D105]: `abc` in column `n` is not a number",
        f"{path}:3: error[D105]: `2.5` in column `k` is not a whole number",
        f"{path}:3: error[D105]: `nan` in column `n` is not a number",
        f"{path}:4: error[D105]: `1,5` in column `k` is not a number",
        f"{path}:4: error[D105]: `inf` in column `n` is not a number",
        f"{path}:5: error[D105]: `1,23` in column `n` is not a number",
        f"{path}:6: error[D105]: `12%` in column `n` is not a number",
    ]
    assert table_of(result).columns["k"].tolist()[3:] == [3.0, 4.0]
    assert result.report.read_as_missing() == {"D105 not a number": 7}


def test_d106_not_a_true_false_value(tmp_path: Path) -> None:
    """`1.0`, `2` and `maybe` in a boolean column are D106, read as missing (-1)."""
    ds = dataset(col("b", m.BOOLEAN))
    path = write(tmp_path, "b\n1\n1.0\n2\nmaybe\n")
    result = load(ds, path)
    assert codes(result) == ["D106"] * 3
    assert rendered(result)[0] == (
        f"{path}:3: error[D106]: `1.0` in column `b` is not a true/false value")
    assert table_of(result).columns["b"].tolist() == [1, -1, -1, -1]


def test_d107_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    """Rows repeating the key are D107 naming both lines; rows are kept; missing keys skipped."""
    ds = dataset(col("CHILD", IDENT, optional=True), col("N", m.NUMBER), key=("CHILD",))
    path = write(tmp_path, "CHILD,N\nA,1\nB,2\n A ,3\n,4\n,5\nB,6\nA,7\n")
    result = load(ds, path)
    assert rendered(result) == [
        f"{path}:4: error[D107]: duplicate key: line 4 has the same CHILD as line 2 (`A`)",
        f"{path}:7: error[D107]: duplicate key: line 7 has the same CHILD as line 3 (`B`)",
        f"{path}:8: error[D107]: duplicate key: line 8 has the same CHILD as line 2 (`A`)",
    ]
    assert result.diagnostics[0].help == (
        "each row of `data` must have a different CHILD (its `key`); correct or remove one of "
        "the two rows")
    assert table_of(result).n_rows == 7


def test_d107_compound_key(tmp_path: Path) -> None:
    """A key of two columns (one a date) repeats only when both values repeat."""
    ds = dataset(col("CHILD", IDENT), col("D", m.DATE), key=("CHILD", "D"))
    path = write(tmp_path, "CHILD,D\nA,01/04/2024\nA,02/04/2024\nB,01/04/2024\nA,2024-04-01\n")
    result = load(ds, path)
    assert rendered(result) == [
        f"{path}:5: error[D107]: duplicate key: line 5 has the same CHILD, D as line 2 "
        "(`A`, `2024-04-01`)"]


def test_d108_files_that_cannot_be_read(tmp_path: Path) -> None:
    """Missing, empty, not UTF-8, wrong suffix, a directory, semicolons, a broken quote: D108."""
    ds = dataset(col("CHILD", IDENT), col("N", m.NUMBER))
    (tmp_path / "dir.csv").mkdir()
    cases = {
        "nothing.csv": None,
        "empty.csv": b"",
        "blank.csv": b"\xef\xbb\xbf \r\n\n",
        "latin1.csv": b"CHILD,N\nA,1\nB\xa3,2\n",
        "data.xlsx": b"PK\x03\x04",
        "semi.csv": b"CHILD;N\nA;1\n",
        "quote.csv": b'CHILD,N\nA,1\n"B,2\nC,3\n',
        "dir.csv": None,
    }
    messages = {}
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        result = load(ds, path)
        assert result.table is None
        assert codes(result) == ["D108"], name
        messages[name] = rendered(result)[0].split(": error[D108]: ")
    assert messages == {
        "nothing.csv": [f"{tmp_path / 'nothing.csv'}",
                        f"cannot read `{tmp_path / 'nothing.csv'}`: No such file or directory"],
        "empty.csv": [f"{tmp_path / 'empty.csv'}", f"`{tmp_path / 'empty.csv'}` is empty"],
        "blank.csv": [f"{tmp_path / 'blank.csv'}", f"`{tmp_path / 'blank.csv'}` is empty"],
        "latin1.csv": [f"{tmp_path / 'latin1.csv'}:3",
                       f"`{tmp_path / 'latin1.csv'}` is not UTF-8 text: byte 0xa3 on line 3 "
                       "cannot be read"],
        "data.xlsx": [f"{tmp_path / 'data.xlsx'}",
                      f"`{tmp_path / 'data.xlsx'}` is not a .csv or .parquet file"],
        "semi.csv": [f"{tmp_path / 'semi.csv'}:1",
                     f"`{tmp_path / 'semi.csv'}` separates values with semicolons, not commas"],
        "quote.csv": [f"{tmp_path / 'quote.csv'}:3",
                      f"`{tmp_path / 'quote.csv'}` cannot be read as CSV: unexpected end of "
                      "data in the row that begins on line 3"],
        "dir.csv": [f"{tmp_path / 'dir.csv'}",
                    f"`{tmp_path / 'dir.csv'}` is a directory, not a file"],
    }


def test_d108_rows_of_the_wrong_width_are_left_out_and_counted(tmp_path: Path) -> None:
    """A row with more or fewer values than the header (even empty extras) is D108 and left out."""
    ds = dataset(col("CHILD", IDENT), col("N", m.NUMBER, optional=True))
    path = write(tmp_path, "CHILD,N\nA,1\nB,2,3\nC\nD,4,\nHull, City of,\nE,5\n")
    result = load(ds, path)
    assert rendered(result) == [
        f"{path}:3: error[D108]: line 3 has 3 values but the header names 2 columns; the row "
        "is left out",
        f"{path}:4: error[D108]: line 4 has 1 value but the header names 2 columns; the row "
        "is left out",
        f"{path}:5: error[D108]: line 5 has 3 values but the header names 2 columns; the row "
        "is left out",
        f"{path}:6: error[D108]: line 6 has 3 values but the header names 2 columns; the row "
        "is left out",
    ]
    assert result.diagnostics[0].help == (
        'put a value that holds a comma, a quote or a line break in double quotes, and double '
        'each quote inside it: "Kingston upon Hull, City of"')
    assert table_of(result).values("CHILD").tolist() == ["A", "E"]
    assert result.report.rows_read == 6
    assert result.report.rows_kept == 2
    assert result.report.rows_excluded() == {WRONG_WIDTH: 4}


def test_d108_header_naming_a_column_twice(tmp_path: Path) -> None:
    """A declared column named twice in the header is D108 and no table is built."""
    ds = dataset(col("CHILD", IDENT))
    path = write(tmp_path, "CHILD,CHILD \nA,B\n")
    result = load(ds, path)
    assert result.table is None
    assert rendered(result) == [f"{path}:1: error[D108]: the header names column `CHILD` twice"]


def test_d109_missing_value_in_a_required_column(tmp_path: Path) -> None:
    """An empty value where the column is not optional is a D109 warning, kept as missing."""
    ds = dataset(col("CHILD", IDENT), col("DOB", m.DATE), col("LS", CODE, optional=True))
    path = write(tmp_path, "CHILD,DOB,LS\nA,01/01/2010,\n,02/02/2012,C1\nC, ,C2\n")
    result = load(ds, path)
    assert rendered(result) == [
        f"{path}:3: warning[D109]: column `CHILD` has no value but is not declared `optional`; "
        "read as missing",
        f"{path}:4: warning[D109]: column `DOB` has no value but is not declared `optional`; "
        "read as missing",
    ]
    assert result.ok
    assert result.report.read_as_missing() == {EMPTY: 3}
    assert_missing_accounted(result)


def test_problems_are_capped_per_column_with_a_count_of_the_rest(tmp_path: Path) -> None:
    """25 bad dates give 20 diagnostics and one saying 5 more, with their lines."""
    ds = dataset(col("D", m.DATE), col("n", m.NUMBER))
    path = write(tmp_path, "D,n\n" + "".join(f"bad{i},x{i}\n" for i in range(25)))
    result = load(ds, path)
    assert codes(result).count("D102") == 21
    assert codes(result).count("D105") == 21
    last = [d for d in result.diagnostics if d.code == "D102"][-1]
    assert render_text(last).splitlines()[0] == (
        f"{path}:22: error[D102]: … and 5 more rows with the same problem in column `D` "
        "(lines 22 to 26)")
    assert result.report.read_as_missing() == {"D102 unparseable date": 25,
                                               "D105 not a number": 25}


def test_every_data_code_is_registered_with_an_explanation() -> None:
    """D101-D109, D120-D122, D130-D132, the published comparators' D160-D161 and the XML
    returns' D170-D174 are registered, each with a title, an explanation and its severity."""
    severities = {code: CODES[code].severity for code in CODES if code.startswith("D1")}
    assert severities == {"D101": "error", "D102": "error", "D103": "error",
                          "D104": "warning", "D105": "error", "D106": "error",
                          "D107": "error", "D108": "error", "D109": "warning",
                          "D120": "error", "D121": "error", "D122": "warning",
                          "D130": "error", "D131": "error", "D132": "warning",
                          "D160": "warning", "D161": "warning",
                          "D170": "error", "D171": "warning", "D172": "error",
                          "D173": "warning", "D174": "warning"}
    assert all(CODES[code].title and len(CODES[code].explanation) > 80 for code in severities)


def test_caller_errors_raise_but_bad_data_never_does(tmp_path: Path) -> None:
    """A codelist not given or a source of the wrong kind is the caller's error: it raises."""
    ds = dataset(col("LS", CODE))
    with pytest.raises(ValueError, match=r"codelist `t\.legal_status`"):
        load_table(ds, {"LS": ["C1"]}, {})
    with pytest.raises(TypeError, match="source must be"):
        load(ds, 42)


# ------------------------------------------------------------------ directories


def test_load_directory_reads_by_short_name_and_skips_absent(tmp_path: Path) -> None:
    """`ssda903.header` is read from header.csv; a dataset with no file is absent."""
    header = dataset(col("CHILD", IDENT), name="ssda903.header")
    episodes = dataset(col("CHILD", IDENT), name="ssda903.episodes")
    write(tmp_path, "CHILD\nA\n", "header.csv")
    results = load_directory([header, episodes], tmp_path, CODELISTS)
    assert list(results) == ["ssda903.header"]
    assert table_of(results["ssda903.header"]).values("CHILD").tolist() == ["A"]
    assert results["ssda903.header"].report.source == str(tmp_path / "header.csv")
    with pytest.raises(NotADirectoryError):
        load_directory([header], tmp_path / "header.csv", CODELISTS)


def test_load_directory_refuses_links_out_and_two_files(tmp_path: Path) -> None:
    """A symbolic link out of the directory, or both .csv and .parquet, is D108; links in are ok."""
    data = tmp_path / "data"
    data.mkdir()
    secret = write(tmp_path, "CHILD\nSECRET\n", "secret.csv")
    write(data, "CHILD\nA\n", "inside.csv")
    try:
        (data / "outside.csv").symlink_to(secret)
        (data / "linked.csv").symlink_to(data / "inside.csv")
    except OSError as error:
        pytest.skip(f"cannot make symbolic links here: {error}")
    write(data, "CHILD\nB\n", "both.csv")
    write(data, b"PAR1", "both.parquet")
    sets = [dataset(col("CHILD", IDENT), name=f"x.{short}")
            for short in ("outside", "linked", "both")]
    results = load_directory(sets, data, CODELISTS)
    outside = results["x.outside"]
    assert outside.table is None
    assert rendered(outside) == [
        f"{data / 'outside.csv'}: error[D108]: `{data / 'outside.csv'}` is a symbolic link to a "
        f"file outside `{data}`"]
    assert table_of(results["x.linked"]).values("CHILD").tolist() == ["A"]
    assert rendered(results["x.both"]) == [
        f"{data / 'both.csv'}: error[D108]: both `both.csv` and `both.parquet` hold dataset "
        "`both`"]


# ------------------------------------------------------------------ real-format files


@pytest.fixture(scope="module")
def ssda903() -> tuple[tuple[m.Dataset, ...], dict[str, m.Codelist]]:
    """The shipped SSDA903 library, checked."""
    result = check_paths([REPO / "frameworks" / "datasets" / "ssda903.ospec"])
    assert result.ok, [d.message for d in result.diagnostics]
    (framework,) = result.frameworks
    return framework.datasets, codelists_of(result.frameworks)


FAKE_ROWS = {"header": 2675, "episodes": 5050, "reviews": 12582, "uasc": 132, "oc2": 2675,
             "oc3": 53, "ad1": 29, "placed_for_adoption": 29, "previous_permanence": 2675,
             "missing": 43}


def test_ssda903_fake_returns_lack_the_area_column(
    ssda903: tuple[tuple[m.Dataset, ...], dict[str, m.Codelist]],
) -> None:
    """A single authority's return has no `LA`: without `area=` every table is D101 on `LA`."""
    datasets, codelists = ssda903
    results = load_directory(datasets, FAKE_903, codelists)
    assert sorted(results) == sorted(f"ssda903.{short}" for short in FAKE_ROWS)
    for name, result in results.items():
        assert result.table is None
        d101 = [d for d in result.diagnostics if d.code == "D101"]
        assert [(d.message, d.line) for d in d101] == [
            (f"column `LA` of dataset `{name[8:]}` is missing from the file", 1)]
        assert result.report.rows_read == FAKE_ROWS[name[8:]]


def test_ssda903_fake_returns_load_with_their_real_problems(
    ssda903: tuple[tuple[m.Dataset, ...], dict[str, m.Codelist]],
) -> None:
    """With `area=`, every fake table loads in full; the problems are exactly the real ones."""
    datasets, codelists = ssda903
    results = load_directory(datasets, FAKE_903, codelists, area="999")
    assert {name[8:]: r.report.rows_kept for name, r in results.items()} == FAKE_ROWS
    assert {name[8:]: r.report.rows_read for name, r in results.items()} == FAKE_ROWS
    problems = {name[8:]: codes(r) for name, r in results.items() if r.diagnostics}
    assert problems == {"header": ["D106"], "oc3": ["D104"] * 14,
                        "placed_for_adoption": ["D104"] * 21, "reviews": ["D121"] * 2}
    assert [(d.line, d.message) for d in results["ssda903.reviews"].diagnostics] == [
        (9826, "line 9826 repeats line 9825 in every column"),
        (12074, "line 12074 repeats line 12073 in every column")]
    for result in results.values():
        assert_missing_accounted(result)
        assert result.report.filled_columns == (("LA", "999"),)
        assert result.report.ignored_columns == ()
    header = results["ssda903.header"]
    assert rendered(header) == [
        f"{FAKE_903 / 'header.csv'}:1273: error[D106]: `1.0` in column `MOTHER` is not a "
        "true/false value"]
    oc3 = results["ssda903.oc3"].report
    assert oc3.read_as_missing("ACTIV") == {"D104 unknown code": 12}
    assert oc3.read_as_missing("ACCOM") == {"D104 unknown code": 2}
    oc3_values = sorted(d.message.split("`")[1] for d in results["ssda903.oc3"].diagnostics)
    assert oc3_values == ["01", "02"] + ["F3"] * 7 + ["P3"] * 5
    placed = results["ssda903.placed_for_adoption"]
    assert placed.report.read_as_missing("REASON_PLACED_CEASED") == {"D104 unknown code": 29}
    assert placed.diagnostics[-1].message == (
        "… and 9 more rows with the same problem in column `REASON_PLACED_CEASED` "
        "(lines 22 to 30)")
    episodes = results["ssda903.episodes"]
    assert episodes.report.absent_columns == ("PL_DISTANCE", "PL_LA")
    assert episodes.report.read_as_missing("DEC") == {EMPTY: 1413}
    assert episodes.report.read_as_missing("REASON_PLACE_CHANGE") == {EMPTY: 2233}


def test_ssda903_fake_values_decode_to_the_file_text(
    ssda903: tuple[tuple[m.Dataset, ...], dict[str, m.Codelist]],
) -> None:
    """The first rows of header and episodes read back as written in the files."""
    datasets, codelists = ssda903
    results = load_directory(datasets, FAKE_903, codelists, area="999")
    header = next(table_of(results["ssda903.header"]).rows())
    assert header == {"LA": "999", "CHILD": "566910", "SEX": "2",
                      "DOB": dt.date(2008, 3, 27), "ETHNIC": "WROM",
                      "UPN": "D051910639385", "MOTHER": None, "MC_DOB": None}
    first, second = list(table_of(results["ssda903.episodes"]).rows())[:2]
    assert (first["DECOM"], first["RNE"], first["PLACE"], first["DEC"], first["REC"]) == (
        dt.date(2016, 2, 15), "L", "T2", dt.date(2017, 8, 14), "X1")
    assert (second["DEC"], second["HOME_POST"], second["URN"]) == (
        None, "EG19 7TT", "8969628")
    oc2 = table_of(results["ssda903.oc2"])
    assert int((~np.isnan(oc2.columns["SDQ_SCORE"])).sum()) == 2675 - 1354
    reviews = table_of(results["ssda903.reviews"])
    assert reviews.code_tables["REVIEW_CODE"][reviews.columns["REVIEW_CODE"][0]] == "PN6"


def test_ons_population_file_as_dfe_publishes_it(tmp_path: Path) -> None:
    """A BOM, trailing spaces, quoted names and symbols load against ons_population.ospec."""
    result = check_paths([REPO / "frameworks" / "datasets" / "ons_population.ospec"])
    assert result.ok
    (ds,) = result.frameworks[0].datasets
    text = (
        "\ufefftime_period,time_identifier,geographic_level,country_code,country_name,"
        "region_code,region_name,old_la_code,new_la_code,la_name,age_group,"
        "population_estimate \r\n"
        "2024,Reporting year,National,E92000001,England,,,,,,Children aged 0 to 17 years,"
        "12183016\r\n"
        "2024,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The "
        'Humber,810,E06000010,"Kingston upon Hull, City of",Children aged 0 to 17 years,'
        "62379 \r\n"
        "2024,Reporting year,Local authority,E92000001,England,E12000007,London,201,E09000001,"
        "City of London,Children aged 0 to 17 years,c\r\n")
    loaded = load_table(ds, write(tmp_path, text), {})
    table = table_of(loaded)
    assert table.columns["population_estimate"][:2].tolist() == [12183016.0, 62379.0]
    assert np.isnan(table.columns["population_estimate"][2])
    assert table.values("la_name").tolist() == ["", "Kingston upon Hull, City of",
                                                "City of London"]
    assert loaded.report.read_as_missing("population_estimate") == {'symbol "c"': 1}
    assert loaded.report.read_as_missing("old_la_code") == {EMPTY: 1}
    assert loaded.diagnostics == ()


# ------------------------------------------------------------------ other sources

MIXED = dataset(col("CHILD", IDENT), col("LS", CODE, optional=True),
                col("D", m.DATE, optional=True), col("N", INTEGER, optional=True),
                col("X", m.NUMBER, optional=True), col("B", m.BOOLEAN, optional=True))
MIXED_CSV = ("CHILD,LS,D,N,X,B\nA,C2,01/04/2024,3,1.5,1\nB,,,,,\nC,E1,2023-12-31,-7,0.25,0\n")
MIXED_TEXT: dict[str, list[str]] = {
    "CHILD": ["A", "B", "C"], "LS": ["C2", "", "E1"], "D": ["01/04/2024", "", "2023-12-31"],
    "N": ["3", "", "-7"], "X": ["1.5", "", "0.25"], "B": ["1", "", "0"]}


def assert_same_table(left: LoadResult, right: LoadResult) -> None:
    """Two loads give equal values of equal dtypes for every column, and equal code tables."""
    a, b = table_of(left), table_of(right)
    assert list(a.columns) == list(b.columns)
    for name in a.columns:
        assert a.columns[name].dtype == b.columns[name].dtype, name
        np.testing.assert_array_equal(a.values(name), b.values(name), err_msg=name)
    assert a.code_tables == b.code_tables
    assert left.report.read_as_missing() == right.report.read_as_missing()


def test_mapping_of_arrays_and_lists_reads_like_csv(tmp_path: Path) -> None:
    """Lists of text, NumPy arrays of text, and typed NumPy arrays give the CSV's table."""
    from_csv = load(MIXED, write(tmp_path, MIXED_CSV))
    assert_same_table(from_csv, load(MIXED, MIXED_TEXT))
    arrays = {name: np.asarray(values) for name, values in MIXED_TEXT.items()}
    assert_same_table(from_csv, load(MIXED, arrays))
    typed: Mapping[str, Any] = {
        "CHILD": ["A", "B", "C"], "LS": ["C2", None, "E1"],
        "D": np.array(["2024-04-01", "NaT", "2023-12-31"], dtype="datetime64[s]"),
        "N": np.array([3, np.nan, -7]), "X": [1.5, None, 0.25],
        "B": np.array([1.0, np.nan, 0.0])}
    assert_same_table(from_csv, load(MIXED, typed))
    assert load(MIXED, typed).report.source == "<columns>"


def test_pandas_dataframe_reads_like_csv(tmp_path: Path) -> None:
    """A DataFrame, typed by pandas.read_csv or all text, gives the CSV's table."""
    pd = pytest.importorskip("pandas")
    path = write(tmp_path, MIXED_CSV)
    from_csv = load(MIXED, path)
    typed = pd.read_csv(path, parse_dates=["D"], date_format="mixed", dayfirst=True)
    assert_same_table(from_csv, load(MIXED, typed))
    assert_same_table(from_csv, load(MIXED, pd.read_csv(path, dtype=str, keep_default_na=False)))
    nullable = pd.DataFrame({
        "CHILD": ["A", "B", "C"], "LS": pd.array(["C2", None, "E1"], dtype="string"),
        "D": [dt.date(2024, 4, 1), None, dt.date(2023, 12, 31)],
        "N": pd.array([3, None, -7], dtype="Int64"), "X": [1.5, None, 0.25],
        "B": pd.array([True, None, False], dtype="boolean")})
    result = load(MIXED, nullable)
    assert_same_table(from_csv, result)
    assert result.report.source == "<DataFrame>"


def test_pyarrow_table_and_parquet_file_read_like_csv(tmp_path: Path) -> None:
    """A pyarrow Table and a Parquet file written from it give the CSV's table."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from_csv = load(MIXED, write(tmp_path, MIXED_CSV))
    arrow = pa.table({
        "CHILD": ["A", "B", "C"], "LS": ["C2", None, "E1"],
        "D": pa.array([dt.date(2024, 4, 1), None, dt.date(2023, 12, 31)], type=pa.date32()),
        "N": pa.array([3, None, -7], type=pa.int64()), "X": [1.5, None, 0.25],
        "B": pa.array([True, None, False])})
    assert_same_table(from_csv, load(MIXED, arrow))
    pq.write_table(arrow, tmp_path / "data.parquet")
    from_parquet = load(MIXED, tmp_path / "data.parquet")
    assert_same_table(from_csv, from_parquet)
    assert from_parquet.report.source == str(tmp_path / "data.parquet")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    assert codes(load(MIXED, tmp_path / "bad.parquet")) == ["D108"]


def test_typed_inputs_report_bad_values_like_csv(tmp_path: Path) -> None:
    """In typed arrays, a fraction in an integer, infinity and a 2 in a boolean are reported."""
    ds = dataset(col("N", INTEGER), col("X", m.NUMBER), col("B", m.BOOLEAN))
    result = load(ds, {"N": np.array([1.0, 2.5]), "X": np.array([np.inf, 1.0]),
                       "B": np.array([2, 1])}, name="frame")
    assert rendered(result) == [
        "frame:2: error[D105]: `inf` in column `X` is not a finite number",
        "frame:2: error[D106]: `2` in column `B` is not a true/false value",
        "frame:3: error[D105]: `2.5` in column `N` is not a whole number",
    ]
    table = table_of(result)
    assert table.columns["N"][0] == 1.0
    assert math.isnan(table.columns["N"][1])
    assert table.columns["B"].tolist() == [-1, 1]


# ------------------------------------------------------------------ properties

KINDS = {
    "code": CODE, "date": m.DATE, "integer": INTEGER, "number": m.NUMBER,
    "boolean": m.BOOLEAN, "text": m.TEXT,
}


def _values(kind: str) -> st.SearchStrategy[Any]:
    """Python values of one column type, None for missing."""
    present: st.SearchStrategy[Any]
    match kind:
        case "code":
            present = st.sampled_from(LEGAL.code_values)
        case "date":
            present = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
        case "integer":
            present = st.integers(-(2**40), 2**40).map(float)
        case "number":
            present = st.floats(allow_nan=False, allow_infinity=False, width=64)
        case "boolean":
            present = st.booleans()
        case _:
            present = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc",
                                                                                "Zs", "Zl",
                                                                                "Zp")),
                              min_size=1, max_size=12).filter(lambda t: t == t.strip())
    return st.one_of(st.none(), present)


def _as_text(kind: str, value: Any, style: int) -> str:
    """How a local authority might write the value (style picks among the accepted forms)."""
    if value is None:
        return ""
    match kind:
        case "date":
            return value.strftime("%d/%m/%Y") if style % 2 else value.isoformat()
        case "integer":
            return f"{int(value):,}" if style % 2 else str(int(value))
        case "number":
            return repr(value)
        case "boolean":
            return (("1", "true", "Yes", "Y") if value else ("0", "FALSE", "no", "n"))[style % 4]
        case _:
            return str(value)


def _expected(kind: str, values: list[Any]) -> np.ndarray[Any, Any]:
    """The array `Table.values` gives for the Python values."""
    match kind:
        case "code":
            return np.array([-1 if v is None else LEGAL.code_values.index(v) for v in values],
                            dtype=np.int32)
        case "date":
            return np.array(values, dtype="datetime64[D]")
        case "integer" | "number":
            return np.array([math.nan if v is None else v for v in values], dtype=np.float64)
        case "boolean":
            return np.array([-1 if v is None else int(v) for v in values], dtype=np.int8)
        case _:
            return np.array(["" if v is None else v for v in values], dtype=np.str_)


@st.composite
def typed_columns(draw: st.DrawFn) -> tuple[list[str], dict[str, list[Any]], int]:
    """Column kinds, one list of values per column (equal lengths, every row not all missing)."""
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=6))
    n = draw(st.integers(0, 12))
    columns = {f"c{i}_{kind}": draw(st.lists(_values(kind), min_size=n, max_size=n))
               for i, kind in enumerate(kinds)}
    key = "c0_" + kinds[0]
    for row in range(n):  # an all-empty row is an empty row of the file: keep one value
        if all(values[row] is None for values in columns.values()):
            columns[key][row] = draw(_values(kinds[0]).filter(lambda v: v is not None))
    return kinds, columns, draw(st.integers(0, 3))


@PROPERTY
@given(typed_columns(), st.booleans(), st.booleans())
def test_writing_typed_columns_to_csv_and_loading_gives_them_back(
    tmp_path: Path, generated: tuple[list[str], dict[str, list[Any]], int], bom: bool,
    crlf: bool,
) -> None:
    """Any typed columns written as CSV (quoted as needed, either date form) load back equal;
    each row equal to an earlier one, and only such a row, is D121 (the table has no key)."""
    kinds, columns, style = generated
    ds = dataset(*(col(name, KINDS[kind], optional=True)
                   for name, kind in zip(columns, kinds, strict=True)))
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(list(columns))
    n = len(next(iter(columns.values())))
    for row in range(n):
        writer.writerow([_as_text(kind, columns[name][row], style + row)
                         for name, kind in zip(columns, kinds, strict=True)])
    path = tmp_path / "property.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + stream.getvalue().encode("utf-8"))
    result = load(ds, path)
    table = table_of(result)
    assert table.n_rows == n
    for name, kind in zip(columns, kinds, strict=True):
        np.testing.assert_array_equal(table.values(name), _expected(kind, columns[name]),
                                      err_msg=f"{name}: {columns[name]}")
    assert_missing_accounted(result)
    rows = [tuple(None if v != v else v for v in (table.values(name)[row].item()
                                                  for name in columns)) for row in range(n)]
    repeated = [(row + 2, rows.index(rows[row]) + 2) for row in range(n)
                if rows.index(rows[row]) < row]  # (line, line of the first equal row)
    assert [(d.code, d.line) for d in result.diagnostics] == [("D121", line)
                                                               for line, _ in repeated]
    assert [d.message for d in result.diagnostics] == [
        f"line {line} repeats line {first} in every column" for line, first in repeated]


@PROPERTY
@given(st.binary(max_size=300))
def test_any_bytes_give_diagnostics_never_an_exception(tmp_path: Path, data: bytes) -> None:
    """Whatever the file holds, loading returns a result; every missing value is accounted."""
    ds = dataset(col("CHILD", IDENT, optional=True), col("D", m.DATE, optional=True),
                 col("LS", CODE, optional=True), key=("CHILD",))
    path = tmp_path / "fuzz.csv"
    path.write_bytes(b"CHILD,D,LS\n" + data)
    result = load(ds, path)
    assert all(isinstance(d, Diagnostic) and d.path == str(path) for d in result.diagnostics)
    if result.table is not None:
        assert_missing_accounted(result)
        assert result.report.rows_kept + sum(result.report.rows_excluded().values()) == (
            result.report.rows_read)


def test_only_the_given_file_is_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading reads the path it is given and nothing else (no file beside it is touched)."""
    opened: list[Path] = []
    real_read_bytes = Path.read_bytes
    real_open = builtins.open

    def read_bytes(self: Path) -> bytes:
        opened.append(self)
        return real_read_bytes(self)

    def recording_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(os.fsdecode(file)))
        return real_open(file, *args, **kwargs)

    path = write(tmp_path, "CHILD\nA\n")
    write(tmp_path, "CHILD\nB\n", "other.csv")
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    result = load(dataset(col("CHILD", IDENT)), path)
    assert table_of(result).values("CHILD").tolist() == ["A"]
    assert set(opened) == {path}
