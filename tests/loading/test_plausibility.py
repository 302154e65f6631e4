"""Data that cannot be right are refused or flagged, never counted as they stand.

Each case is one fault put into realistic data (the DfE 903 validator's fake return, DfE's
published tables in frameworks/data/dfe, a small synthetic national return), checked against
a plain-Python reading of the same files: declared value ranges (D120), repeated rows (D107
for keyed published tables, D121 where no key covers them), columns an indicator reads that
the file lacks (D101), zoned Parquet dates, and text conditions that match only but for case
(D122).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import statistics
from pathlib import Path
from typing import Any

import pytest

import outcomespec
from outcomespec import OutcomeSpecError
from outcomespec import model as m
from outcomespec.api import Run
from outcomespec.checking import check_paths
from outcomespec.cli import main
from outcomespec.loading.loader import codelists_of, load_table
from outcomespec.synthetic.generator import GenerationReport, generate
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
FAKE = REPO / "tests" / "data" / "ssda903-fake"
DFE = FRAMEWORKS / "data" / "dfe"
NATIONAL = FRAMEWORKS / "csc_national_framework.ospec"
PUBLISHED = FRAMEWORKS / "dfe_published.ospec"


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """A CSV file's header and rows."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a CSV file as DfE and the validator write them."""
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])


def copy_of(source: Path, tmp_path: Path) -> Path:
    """A copy of a data directory to put one fault into."""
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def row_of(run: Run, indicator: str, area_type: str = "local_authority",
           area: str | None = None) -> dict[str, Any]:
    """The results row of an indicator for one area (the first of its type by default)."""
    for row in run.results.rows():
        if row["indicator"] == indicator and row["area_type"] == area_type \
                and not row["breakdown"] and area in (None, row["area_code"]):
            return row
    raise AssertionError(indicator)


def diagnostics_of(error: pytest.ExceptionInfo[OutcomeSpecError]
                   ) -> list[tuple[str, str, int | None]]:
    """(code, file name, line) of each error an evaluation raised."""
    return [(d.code, Path(d.path or "").name, d.line) for d in error.value.diagnostics
            if d.is_error]


# ------------------------------------------------------------------ declared ranges (D120)


def test_sdq_scores_and_births_no_return_can_hold_are_errors(tmp_path: Path) -> None:
    """An SDQ score of 400 or -40 and a birth in 1066 stop evaluation, each named by line."""
    data = copy_of(FAKE, tmp_path)
    header, rows = read_rows(data / "oc2.csv")
    score, dob = header.index("SDQ_SCORE"), header.index("DOB")
    rows[0][score], rows[4][score], rows[9][dob] = "400", "-40", "02/09/1066"
    write_rows(data / "oc2.csv", header, rows)
    framework = outcomespec.load(NATIONAL, root=FRAMEWORKS)
    with pytest.raises(OutcomeSpecError) as caught:
        framework.run(data, 2018, area="999")
    found = [d for d in caught.value.diagnostics if d.code == "D120"]
    assert [(Path(d.path or "").name, d.line, d.message) for d in found] == [
        ("oc2.csv", 2, "`400` in column `SDQ_SCORE` is above 40, the highest value its "
                       "`range 0 .. 40` allows"),
        ("oc2.csv", 6, "`-40` in column `SDQ_SCORE` is below 0, the lowest value its "
                       "`range 0 .. 40` allows"),
        ("oc2.csv", 11, "`1066-09-02` in column `DOB` is before 1990-01-01, the earliest "
                        "value its `range 1990-01-01 ..` allows")]


def test_values_out_of_range_are_read_as_missing_when_carrying_on(tmp_path: Path) -> None:
    """With keep_going, the mean SDQ score is the plain mean of the scores in range."""
    data = copy_of(FAKE, tmp_path)
    header, rows = read_rows(data / "oc2.csv")
    score, dob = header.index("SDQ_SCORE"), header.index("DOB")
    rows[0][score], rows[4][score], rows[9][dob] = "400", "-40", "02/09/1066"
    write_rows(data / "oc2.csv", header, rows)
    run = outcomespec.load(NATIONAL, root=FRAMEWORKS).run(data, 2018, area="999",
                                                          keep_going=True)
    end = dt.date(2018, 3, 31)

    def age(text: str) -> int:
        born = dt.datetime.strptime(text, "%d/%m/%Y").date()
        return end.year - born.year - ((end.month, end.day) < (born.month, born.day))

    scores = [int(r[score]) for r in rows if r[score] and 0 <= int(r[score]) <= 40
              and not r[dob].endswith("1066") and 5 <= age(r[dob]) <= 16]
    result = row_of(run, "sdq_mean")
    assert result["value"] == pytest.approx(statistics.fmean(scores))
    assert result["numerator"] == len(scores)
    assert run.loads["ssda903.oc2"].report.read_as_missing("SDQ_SCORE")[
        "D120 outside its range"] == 2


def test_negative_counts_and_a_population_of_zero_are_errors(tmp_path: Path) -> None:
    """A count of -205 and a population of 0 in DfE's tables stop evaluation, each named."""
    data = copy_of(DFE, tmp_path)
    header, rows = read_rows(data / "cla_numbers.csv")
    count = header.index("children_count")
    camden = next(i for i, r in enumerate(rows) if r[7] == "202" and r[0] == "2025"
                  and r[10] == "Children looked after on 31 March each year")
    rows[camden][count] = "-205"
    write_rows(data / "cla_numbers.csv", header, rows)
    header, rows = read_rows(data / "ons_population.csv")
    population = header.index("population_estimate")
    hackney = next(i for i, r in enumerate(rows) if r[7] == "204" and r[0] == "2024")
    rows[hackney][population] = "0"
    write_rows(data / "ons_population.csv", header, rows)
    framework = outcomespec.load(PUBLISHED, root=FRAMEWORKS)
    with pytest.raises(OutcomeSpecError) as caught:
        framework.run(data, 2025)
    assert diagnostics_of(caught) == [("D120", "cla_numbers.csv", camden + 2),
                                      ("D120", "ons_population.csv", hackney + 2)]
    messages = [d.message for d in caught.value.diagnostics]
    assert messages == [
        "`-205` in column `children_count` is below 0, the lowest value its `range 0 ..` "
        "allows",
        "`0` in column `population_estimate` is below 1, the lowest value its `range 1 ..` "
        "allows"]


# ------------------------------------------------------------------ repeated rows


def test_a_repeated_row_of_a_published_table_is_a_duplicate_key(tmp_path: Path) -> None:
    """Camden's row pasted twice no longer doubles its count: D107 names both lines."""
    data = copy_of(DFE, tmp_path)
    header, rows = read_rows(data / "cla_numbers.csv")
    camden = next(i for i, r in enumerate(rows) if r[7] == "202" and r[0] == "2025"
                  and r[10] == "Children looked after on 31 March each year")
    rows.append(rows[camden])
    write_rows(data / "cla_numbers.csv", header, rows)
    with pytest.raises(OutcomeSpecError) as caught:
        outcomespec.load(PUBLISHED, root=FRAMEWORKS).run(data, 2025)
    assert diagnostics_of(caught) == [("D107", "cla_numbers.csv", len(rows) + 1)]
    assert caught.value.diagnostics[0].message.startswith(
        f"duplicate key: line {len(rows) + 1} has the same time_period, geographic_level, "
        f"region_code, old_la_code, population_type as line {camden + 2} (`2025`, "
        "`Local authority`, `E13000001`, `202`, ")


def test_national_rows_without_area_codes_are_keyed_too(tmp_path: Path) -> None:
    """The national row has no region or authority code; given twice it is still D107."""
    data = copy_of(DFE, tmp_path)
    header, rows = read_rows(data / "ons_population.csv")
    national = next(i for i, r in enumerate(rows) if r[2] == "National" and r[0] == "2024")
    assert rows[national][5] == rows[national][7] == ""
    rows.insert(national + 1, list(rows[national]))
    rows[national + 1][-1] = "12183017"  # not a whole-row repeat: only the key says so
    write_rows(data / "ons_population.csv", header, rows)
    with pytest.raises(OutcomeSpecError) as caught:
        outcomespec.load(PUBLISHED, root=FRAMEWORKS).run(data, 2025)
    assert diagnostics_of(caught) == [("D107", "ons_population.csv", national + 3)]


def test_rows_missing_their_identifier_are_not_duplicate_keys() -> None:
    """Two children of the fake return with no CHILD are D109 warnings, not a D107 pair."""
    library = check_paths([FRAMEWORKS / "datasets" / "ssda903.ospec"], FRAMEWORKS)
    header = next(d for d in library.frameworks[0].datasets if d.name == "ssda903.header")
    _, rows = read_rows(FAKE / "header.csv")
    columns = {name: [r[i] for r in rows[:40]] for i, name in
               enumerate(read_rows(FAKE / "header.csv")[0])}
    columns["CHILD"][3] = columns["CHILD"][17] = ""
    result = load_table(header, columns, codelists_of(library.frameworks), area="999")
    assert [(d.code, d.line) for d in result.diagnostics if d.code != "D106"] == [
        ("D109", 5), ("D109", 19)]


def test_a_repeated_review_is_reported_with_both_lines(tmp_path: Path) -> None:
    """A keyless table (903 reviews) with a row given twice: D121 with both lines."""
    data = copy_of(FAKE, tmp_path)
    header, rows = read_rows(data / "reviews.csv")
    rows.insert(101, list(rows[100]))
    write_rows(data / "reviews.csv", header, rows)
    library = check_paths([FRAMEWORKS / "datasets" / "ssda903.ospec"], FRAMEWORKS)
    reviews = next(d for d in library.frameworks[0].datasets if d.name == "ssda903.reviews")
    result = load_table(reviews, data / "reviews.csv", codelists_of(library.frameworks),
                        area="999")
    first, *others = result.diagnostics
    assert (first.code, first.line, first.message) == (
        "D121", 103, "line 103 repeats line 102 in every column")
    assert [(d.code, d.line) for d in others] == [("D121", 9827), ("D121", 12075)]


# ------------------------------------------------------------------ absent columns (D101)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """One reporting year (2025) of synthetic returns for 12 authorities."""
    return generate(tmp_path_factory.mktemp("synthetic"), years=(2025,), seed=7, las=12,
                    scale=0.1)


def renamed(directory: Path, tmp_path: Path, name: str, column: str, new: str) -> Path:
    """A copy of the data with one column of one file renamed in its header."""
    data = copy_of(directory, tmp_path)
    header, rows = read_rows(data / f"{name}.csv")
    header[header.index(column)] = new
    write_rows(data / f"{name}.csv", header, rows)
    return data


def test_an_optional_column_renamed_stops_evaluation(synthetic: GenerationReport,
                                                     tmp_path: Path) -> None:
    """`DEC` renamed `DEC_`: D101 names the file, the column, the readers and the new name."""
    data = renamed(synthetic.directory / "2025", tmp_path, "episodes", "DEC", "DEC_")
    framework = outcomespec.load(NATIONAL, root=FRAMEWORKS)
    with pytest.raises(OutcomeSpecError) as caught:
        framework.run(data, 2025)
    (error,) = [d for d in caught.value.diagnostics if d.is_error]
    assert (error.code, error.path, error.line) == ("D101", str(data / "episodes.csv"), 1)
    assert error.message.startswith(
        "column `DEC` of dataset `episodes` is missing from the file, and indicators "
        "cla_rate_per_10k, uasc_rate_per_10k, ")
    assert error.help is not None
    assert error.help.startswith("did you mean `DEC_`?")


def test_indicators_reading_an_absent_column_are_not_evaluated(synthetic: GenerationReport,
                                                               tmp_path: Path) -> None:
    """With keep_going, the readers of the absent `DEC` are skipped with the reason, never
    computed (the rate of children looked after was 93 per 10,000 instead of 68); the
    indicators that do not read it are the same as on the intact data."""
    framework = outcomespec.load(NATIONAL, root=FRAMEWORKS)
    intact = framework.run(synthetic.directory / "2025", 2025)
    data = renamed(synthetic.directory / "2025", tmp_path, "episodes", "DEC", "DEC_")
    run = framework.run(data, 2025, keep_going=True)
    reasons = {s.indicator.id: s.reason for s in run.evaluation.skipped}
    assert reasons["cla_rate_per_10k"] == (
        f"reads column `DEC` of `ssda903.episodes`, which `{data / 'episodes.csv'}` lacks")
    readers = {i for i, r in reasons.items() if "`DEC`" in r}
    assert {"cla_rate_per_10k", "placements_3plus", "long_term_stability"} <= readers
    evaluated = {t.indicator.id for t in run.evaluation.totals}
    assert readers.isdisjoint(evaluated)
    assert {"sdq_mean", "cin_rate_per_10k", "rereferrals_12m"} <= evaluated
    for indicator in ("sdq_mean", "cin_rate_per_10k", "rereferrals_12m"):
        assert row_of(run, indicator, "england") == row_of(intact, indicator, "england")


def test_a_renamed_area_column_of_a_published_table_is_refused(tmp_path: Path) -> None:
    """`old_la_code` renamed: not every authority 0 judged similar, but D101 for the area."""
    data = renamed(DFE, tmp_path, "cla_numbers", "old_la_code", "LA_code")
    with pytest.raises(OutcomeSpecError) as caught:
        outcomespec.load(PUBLISHED, root=FRAMEWORKS).run(data, 2025)
    assert [(d.code, d.message) for d in caught.value.diagnostics] == [
        ("D101", "column `old_la_code` of dataset `cla_numbers` is missing from the file, and "
                 "indicator cla_rate_per_10k reads it")]


def test_a_column_collected_only_in_later_years_may_be_absent(tmp_path: Path) -> None:
    """A column read by an indicator but collected `from 2026` may be absent in 2025 (its
    values are missing there by declaration), and is D101 in 2026."""
    (tmp_path / "lib.ospec").write_text(
        'library lib {\n  dataset children "Children" {\n    rows child\n    area LA\n'
        '    column LA text\n    column CHILD identifier child\n'
        '    column SW_CHANGES integer from 2026 range 0 ..\n  }\n}\n', "utf-8")
    (tmp_path / "fw.ospec").write_text(
        'framework fw {\n  import "lib.ospec"\n  outcome o "O" {\n'
        '    indicator changes "Children with a change of social worker" {\n'
        '      kind context statistic count\n'
        '      numerator children where SW_CHANGES > 0\n'
        '      polarity no_judgement "demand"\n    }\n  }\n}\n', "utf-8")
    (tmp_path / "children.csv").write_text("LA,CHILD\n202,C1\n202,C2\n", "utf-8")
    framework = outcomespec.load(tmp_path / "fw.ospec")
    assert framework.run(tmp_path, 2025).diagnostics == ()
    with pytest.raises(OutcomeSpecError) as caught:
        framework.run(tmp_path, 2026)
    assert [d.code for d in caught.value.diagnostics] == ["D101"]


def test_cli_names_the_absent_column_and_exits_1(synthetic: GenerationReport,
                                                 tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`eval` on the renamed column prints D101 with its file and line and exits 1."""
    data = renamed(synthetic.directory / "2025", tmp_path, "episodes", "DEC", "DEC_")
    status = main(["eval", str(NATIONAL), "--root", str(FRAMEWORKS), "--data", str(data),
                   "--period", "2025", "--out", str(tmp_path / "out.csv")])
    assert status == 1
    assert f"{data / 'episodes.csv'}:1: error[D101]: column `DEC`" in capsys.readouterr().err


# ------------------------------------------------------------------ zoned dates


def _zoned(days: list[dt.date]) -> list[dt.datetime]:
    """Midnight of each day in London, with its time zone."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415 (only this test needs the zone database)

    london = ZoneInfo("Europe/London")
    return [dt.datetime(d.year, d.month, d.day, tzinfo=london) for d in days]


@pytest.mark.parametrize("form", ["parquet", "arrow", "pandas", "pandas from arrow"])
def test_zoned_dates_are_read_as_the_day_of_their_zone(tmp_path: Path, form: str) -> None:
    """Midnight in London in summer (UTC 23:00 the day before) and in winter is read as its
    own day, the same as the dates written as text, however the table comes."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pd = pytest.importorskip("pandas")
    days = [dt.date(2024, 7, 1), dt.date(2025, 1, 15), dt.date(2024, 3, 31),
            dt.date(2024, 10, 27)]  # summer, winter, the days the clocks change
    ds = m.Dataset(name="t.episodes", rows="episode",
                   columns=(m.Column(name="DECOM", type=m.DATE),))
    zoned = pa.timestamp("us", tz="Europe/London")
    table = pa.table({"DECOM": pa.array(_zoned(days), type=zoned)})
    match form:
        case "parquet":
            pq.write_table(table, tmp_path / "episodes.parquet")
            source: Any = tmp_path / "episodes.parquet"
        case "arrow":
            source = table
        case "pandas":
            source = pd.DataFrame({"DECOM": pd.Series(_zoned(days),
                                                      dtype="datetime64[ns, Europe/London]")})
        case _:
            source = table.to_pandas()
    loaded = load_table(ds, source, {}).table
    as_text = load_table(ds, {"DECOM": [d.strftime("%d/%m/%Y") for d in days]}, {}).table
    assert loaded is not None
    assert as_text is not None
    assert loaded.values("DECOM").tolist() == as_text.values("DECOM").tolist() == days


# ------------------------------------------------------------------ text conditions (D122)


def test_a_level_written_in_lower_case_is_warned_about(tmp_path: Path) -> None:
    """`geographic_level` in lower case: the D122 warning lists the values found."""
    data = copy_of(DFE, tmp_path)
    header, rows = read_rows(data / "cla_numbers.csv")
    level = header.index("geographic_level")
    for row in rows:
        row[level] = row[level].lower() if row[level] == "Local authority" else row[level]
    write_rows(data / "cla_numbers.csv", header, rows)
    run = outcomespec.load(PUBLISHED, root=FRAMEWORKS).run(data, 2025)
    assert [(d.code, d.path, d.message, d.help) for d in run.diagnostics] == [(
        "D122", str(data / "cla_numbers.csv"),
        'no row of dataset `cla_numbers` has geographic_level = "Local authority", so the '
        'condition selects nothing; the column holds "National", "Regional", "local authority"',
        'the file writes it "local authority": correct the file, or write `geographic_level = '
        '"local authority"` in the framework')]


def test_text_conditions_that_match_give_no_warning() -> None:
    """On DfE's tables as published, every text condition matches rows: no diagnostic."""
    run = outcomespec.load(PUBLISHED, root=FRAMEWORKS).run(DFE, 2025)
    assert run.diagnostics == ()
    assert row_of(run, "cla_rate_per_10k", "england")["value"] == 67  # DfE's, as published
