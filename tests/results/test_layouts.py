"""outcomespec.results.layouts: each published layout of a table laid out by hand
(tests/results/cases.py), cell by cell."""

from __future__ import annotations

import csv
import importlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from outcomespec.results.layouts import (
    EES_HEADER,
    FINGERTIPS_HEADER,
    arrow_table,
    ees_csv,
    fingertips_csv,
    json_records,
    plain_csv,
)
from outcomespec.results.table import COLUMNS
from tests.results.cases import NE, hand_built

PLACEMENTS = "csc,placements_3plus,Three or more placements,2025"
GIRLS = "csc,uasc,Unaccompanied children,2025"
NOT_COMPARED_3 = "not_compared,not_compared,not_compared"

CSV = "\n".join([
    ",".join(COLUMNS),
    f"{PLACEMENTS},england,E92000001,,England,,8500,81770,10.4,percent,10.2,10.6,,,"
    f"false,,{NOT_COMPARED_3},,proportion,lower_is_better,worse,not_compared,"
    ",,,no_significant_change",
    f"{PLACEMENTS},region,{NE},,North East,,630,6040,10.4,percent,9.7,11.2,,,false,"
    "incomplete: 1 authority's counts not known,similar,not_compared,not_compared,"
    f"{NE},proportion,lower_is_better,similar,not_compared,,,,",
    f"{PLACEMENTS},region,E12000002,,North West,,0,0,,percent,,,,,false,zero_denominator,"
    f"{NOT_COMPARED_3},E12000002,proportion,lower_is_better,not_compared,not_compared,,,,",
    f"{PLACEMENTS},local_authority,E06000001,805,Hartlepool,,31,332,9.3,percent,6.7,12.9,,,"
    f"false,,similar,similar,better,{NE},proportion,lower_is_better,similar,not_compared,"
    "3,150,1,decreasing_getting_better",
    f"{PLACEMENTS},local_authority,E06000002,806,Middlesbrough,,,,,percent,,,,,true,"
    f"suppressed,{NOT_COMPARED_3},{NE},proportion,lower_is_better,not_compared,not_compared,"
    ",,,cannot_be_calculated",
    f"{GIRLS},local_authority,E06000001,805,Hartlepool,Sex: Female,12,,12,count,6,21,,,false,,"
    f"lower,not_compared,not_compared,{NE},count,no_judgement,not_compared,not_compared,"
    "1,2,,cannot_be_calculated",
    f"{GIRLS},local_authority,E06000002,806,Middlesbrough,Sex: Female,,,,count,,,,,false,"
    f"published_suppressed: numerator,{NOT_COMPARED_3},{NE},count,no_judgement,"
    "not_compared,not_compared,,,,",
]) + "\n"

EES = """\
time_period,time_identifier,geographic_level,country_code,country_name,region_code,\
region_name,new_la_code,old_la_code,la_name,indicator,breakdown,numerator,denominator,value,\
rank,rank_of,quartile,trend
2025,Reporting year,National,E92000001,England,,,,,,placements_3plus,Total,8500,81770,10.4,\
z,z,z,no_significant_change
2025,Reporting year,Regional,E92000001,England,E12000001,North East,,,,placements_3plus,Total,\
630,6040,10.4,z,z,z,x
2025,Reporting year,Regional,E92000001,England,E12000002,North West,,,,placements_3plus,Total,\
0,0,z,z,z,z,x
2025,Reporting year,Local authority,E92000001,England,E12000001,North East,E06000001,805,\
Hartlepool,placements_3plus,Total,31,332,9.3,3,150,1,decreasing_getting_better
2025,Reporting year,Local authority,E92000001,England,E12000001,North East,E06000002,806,\
Middlesbrough,placements_3plus,Total,c,c,c,c,c,c,cannot_be_calculated
2025,Reporting year,Local authority,E92000001,England,E12000001,North East,E06000001,805,\
Hartlepool,uasc,Sex: Female,12,z,12,1,2,x,cannot_be_calculated
2025,Reporting year,Local authority,E92000001,England,E12000001,North East,E06000002,806,\
Middlesbrough,uasc,Sex: Female,c,z,c,c,c,c,x
"""


def fingertips_rows() -> list[dict[str, str]]:
    """The hand-built table in the Fingertips layout, read back as records."""
    text = hand_built().to_fingertips_csv()
    assert text is not None
    return list(csv.DictReader(io.StringIO(text)))


def test_plain_csv_is_exact() -> None:
    """Blank cells for NaN, `true`/`false`, counts whole, values and limits to the indicator's
    decimals (9.337 → 9.3), both area codes, notes and judgements."""
    assert hand_built().to_csv() == CSV


def test_plain_csv_goes_to_a_path_or_a_stream(tmp_path: Path) -> None:
    """Given a path or an open stream, the text is written there and None returned."""
    results = hand_built()
    assert results.to_csv(tmp_path / "out.csv") is None
    assert (tmp_path / "out.csv").read_bytes() == CSV.encode("utf-8")  # "\n", not "\r\n"
    stream = io.StringIO()
    assert results.to_csv(stream) is None
    assert stream.getvalue() == CSV


def test_numbers_too_large_to_be_exact_keep_their_point() -> None:
    """Whole numbers below 2**53 lose `.0`; larger ones and fractions keep Python's repr."""
    rows = [{"n": 3.0, "m": None}, {"n": 0.1, "m": True}, {"n": 2.0**53, "m": False},
            {"n": -7.0, "m": "E06000001"}]
    assert plain_csv(("n", "m"), rows) == \
        "n,m\n3,\n0.1,true\n9007199254740992.0,false\n-7,E06000001\n"


def test_ees_layout_is_exact() -> None:
    """Levels, both LA codes on every LA row, values to their decimals, `Total`, and DfE's
    symbols: c suppressed, z no denominator."""
    assert hand_built().to_ees_csv() == EES
    assert EES.split("\n", 1)[0] == ",".join(EES_HEADER)


def test_ees_symbol_follows_the_note() -> None:
    """A blank value takes its note's symbol; a blank with no note would be `x`."""
    rows = [dict(zip(("numerator", "denominator", "value"), (None, None, None), strict=True))
            | {"area_type": "england", "area_code": "E92000001", "la_code": "", "region_code": "",
               "area_name": "England", "period": 2025, "indicator": "i", "breakdown": "",
               "statistic": "proportion", "note": note, "trend": ""}
            | dict.fromkeys(("rank", "rank_of", "quartile"))
            for note in ("rounds_to_zero", "low_reliability", "not_applicable",
                         "not_evaluated: needs `episodes`", "")]
    text = ees_csv(rows, {})
    assert text is not None
    assert [line.rsplit(",", 7)[1:4] for line in text.splitlines()[1:]] == [
        ["k", "k", "k"], ["u", "u", "u"], ["z", "z", "z"], ["x", "x", "x"], ["x", "x", "x"]]


def test_fingertips_header_and_england() -> None:
    """The export's 27 columns in order, then the ranks'; England has no parent; a target
    judges the goal; the recent trend in Fingertips' words."""
    header = hand_built().to_fingertips_csv().split("\n", 1)[0]  # type: ignore[union-attr]
    assert header.split(",") == list(FINGERTIPS_HEADER)
    assert len(FINGERTIPS_HEADER) == 27 + 3
    england = fingertips_rows()[0]
    assert england == {
        "Indicator ID": "placements_3plus", "Indicator Name": "Three or more placements",
        "Parent Code": "", "Parent Name": "", "Area Code": "E92000001", "Area Name": "England",
        "Area Type": "England", "Sex": "Persons", "Age": "", "Category Type": "",
        "Category": "", "Time period": "2024/25", "Value": "10.4",
        "Lower CI 95.0 limit": "10.2", "Upper CI 95.0 limit": "10.6",
        "Lower CI 99.8 limit": "", "Upper CI 99.8 limit": "", "Count": "8500",
        "Denominator": "81770", "Value note": "", "Recent Trend": "No significant change",
        "Compared to England value or percentiles": "Not compared",
        "Compared to Region value or percentiles": "Not compared",
        "Time period Sortable": "20240000", "New data": "", "Compared to goal": "Worse",
        "Time period range": "1y", "Rank": "", "Rank of": "", "Quartile": ""}


def test_fingertips_parents_area_types_and_categories() -> None:
    """A region's parent is England, an LA's its region; a breakdown is its type and category."""
    rows = fingertips_rows()
    columns = ("Parent Code", "Parent Name", "Area Type", "Category Type", "Category")
    assert [tuple(row[c] for c in columns) for row in rows[1:]] == [
        ("E92000001", "England", "Region", "", ""),
        ("E92000001", "England", "Region", "", ""),
        (NE, "North East", "Upper tier local authorities", "", ""),
        (NE, "North East", "Upper tier local authorities", "", ""),
        (NE, "North East", "Upper tier local authorities", "Sex", "Female"),
        (NE, "North East", "Upper tier local authorities", "Sex", "Female"),
    ]


def test_fingertips_notes_and_judgements_in_its_words() -> None:
    """Notes become Fingertips value notes with their detail; judgements are capitalised; an
    indicator without a target leaves `Compared to goal` empty."""
    rows = fingertips_rows()
    assert [row["Value note"] for row in rows] == [
        "", "Aggregated from all known lower geography values: 1 authority's counts not known",
        "Denominator is zero", "", "Value suppressed for disclosure control", "",
        "Value suppressed for disclosure control in the source data: numerator"]
    hartlepool, girls = rows[3], rows[5]
    assert (hartlepool["Compared to England value or percentiles"],
            hartlepool["Compared to Region value or percentiles"],
            hartlepool["Compared to goal"]) == ("Similar", "Similar", "Similar")
    assert (girls["Compared to England value or percentiles"], girls["Compared to goal"],
            girls["Count"], girls["Denominator"]) == ("Lower", "", "12", "")


def test_fingertips_periods_across_a_century() -> None:
    """The year ending March 2000 is 1999/00, sortable as 19990000."""
    row = {"area_type": "england", "region_code": "", "breakdown": "", "period": 2000,
           "framework": "f", "indicator": "i", "title": "t", "area_code": "E92000001",
           "area_name": "England", "note": "", "vs_england": "not_compared",
           "vs_region": "not_compared", "vs_target": "not_compared", "trend": ""} | dict.fromkeys(
        ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "numerator",
         "denominator", "rank", "rank_of", "quartile"))
    record = next(csv.DictReader(io.StringIO(fingertips_csv([row], {}, frozenset()) or "")))
    assert (record["Time period"], record["Time period Sortable"]) == ("1999/00", "19990000")


def test_json_records_with_nulls() -> None:
    """One record a line, NaN as null, numbers as numbers, text kept as written (not escaped)."""
    text = hand_built().to_json()
    assert text is not None
    lines = text.splitlines()
    assert (lines[0], lines[-1], len(lines)) == ("[", "]", 9)
    records = json.loads(text)
    assert records[4]["value"] is None
    assert records[4]["suppressed"] is True
    assert records[0]["numerator"] == 8500
    assert records[0]["vs_target"] == "worse"
    assert list(records[0]) == list(COLUMNS)
    assert "NaN" not in text
    assert json_records([{"name": "Bradford – Keighley"}]) == \
        '[\n{"name": "Bradford – Keighley"}\n]\n'


def test_json_of_no_rows_is_an_empty_array() -> None:
    """A table without rows is an empty JSON array, not an error."""
    assert json.loads(json_records([]) or "") == []


def test_arrow_types_and_nulls() -> None:
    """Arrow keeps int64 periods, bool suppression, float64 numbers with NaN as null, text."""
    pa = pytest.importorskip("pyarrow")
    table = hand_built().to_arrow()
    types = {field.name: field.type for field in table.schema}
    assert list(types) == list(COLUMNS)
    assert types["period"] == pa.int64()
    assert types["suppressed"] == pa.bool_()
    assert {types[c] for c in ("numerator", "denominator")} == {pa.int64()}
    assert {types[c] for c in ("value", "lower_99_8")} == {pa.float64()}
    assert table.column("numerator").to_pylist() == [8500, 630, 0, 31, None, 12, None]
    assert {types[c] for c in ("vs_england", "note", "area_code")} == {pa.string()}
    assert table.column("value").null_count == 3
    assert table.column("lower_99_8").null_count == 7
    assert table.column("vs_neighbours").to_pylist()[3] == "better"


def test_arrow_of_plain_columns() -> None:
    """A NumPy array keeps its type; a list of values becomes text."""
    pa = pytest.importorskip("pyarrow")
    table = arrow_table({"n": np.array([1, 2], dtype=np.int64), "x": np.array([0.5, np.nan]),
                         "t": ["a", "b"]})
    assert [f.type for f in table.schema] == [pa.int64(), pa.float64(), pa.string()]
    assert table.column("x").to_pylist() == [0.5, None]


def test_parquet_round_trips(tmp_path: Path) -> None:
    """Parquet written from the table reads back equal to its Arrow table."""
    parquet = pytest.importorskip("pyarrow.parquet")
    results = hand_built()
    results.to_parquet(tmp_path / "r.parquet")
    assert parquet.read_table(tmp_path / "r.parquet").equals(results.to_arrow())


def test_pandas_keeps_order_numbers_and_judgement_text() -> None:
    """pandas gets the columns in order, NaN for blanks and judgements as their words."""
    pytest.importorskip("pandas")
    frame = hand_built().to_pandas()
    assert list(frame.columns) == list(COLUMNS)
    assert frame["suppressed"].dtype == bool
    assert frame["value"].isna().tolist() == [False, False, True, False, True, False, True]
    assert str(frame["numerator"].dtype) == "Int64"
    assert frame["value"].iloc[3] == pytest.approx(9.337)
    assert frame["vs_neighbours"].iloc[3] == "better"


def test_a_missing_optional_package_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyarrow, to_arrow raises ImportError with the pip command."""
    real = importlib.import_module

    def without_pyarrow(name: str, package: str | None = None) -> object:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_pyarrow)
    with pytest.raises(ImportError, match="this export needs pyarrow: pip install pyarrow"):
        hand_built().to_arrow()
