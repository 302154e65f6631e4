"""Dataset periods applied in evaluation: each indicator reads the rows of the reporting
period unless it says otherwise; the period is chosen from the data when none is given; an
indicator without data for the period is not evaluated, never 0.

The figures are checked against plain sums of the rows given, and against DfE's published
tables (frameworks/data/dfe, read here with the `csv` module).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

import outcomespec
from outcomespec.api import Run
from outcomespec.cli import main
from outcomespec.language.diagnostics import OutcomeSpecError
from outcomespec.synthetic.generator import generate
from tests.paths import REPO, TESTS

FRAMEWORKS = REPO / "frameworks"
DFE = FRAMEWORKS / "data" / "dfe"
FAKE_903 = TESTS / "data" / "ssda903-fake"
GEOGRAPHY = {"local_authorities": DFE / "local_authorities.csv",
             "statistical_neighbours_2025": DFE / "statistical_neighbours_2025.csv"}
AUTHORITIES = {"202": "Camden", "203": "Greenwich", "204": "Hackney"}


@pytest.fixture(scope="module")
def national() -> outcomespec.Framework:
    """The shipped National Framework, checked once."""
    return outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)


@pytest.fixture(scope="module")
def published() -> outcomespec.Framework:
    """The framework over DfE's published tables, checked once."""
    return outcomespec.load(FRAMEWORKS / "dfe_published.ospec", root=FRAMEWORKS)


def columns(rows: Iterable[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows as a table of columns, as `evaluate` takes them."""
    rows = list(rows)
    return {name: [row[name] for row in rows] for name in rows[0]}


def by_area(run: Run, indicator: str, field: str = "value") -> dict[str, Any]:
    """One field of an indicator's local authority and England rows, by area name."""
    return {row["area_name"]: row[field] for row in run.results.rows()
            if row["indicator"] == indicator and row["area_type"] != "region"
            and not row["breakdown"]}


# ------------------------------------------------------------------ multi-year files


def workforce(years: Iterable[int]) -> dict[str, list[Any]]:
    """The workforce census of three authorities, its counts different in every year."""
    rows = []
    for year in years:
        for i, code in enumerate(AUTHORITIES):
            in_post = 100.0 + 40 * i + 7 * (year - 2021)
            rows.append({"time_period": year, "old_la_code": code,
                         "social_workers_fte": in_post, "leavers_fte": 9.0 + i + 3 * (2025 - year),
                         "agency_fte": 5.0 + year - 2021, "vacancies_fte": 4.0 + i,
                         "workers_fte": in_post + 5.0 + year - 2021,
                         "posts_fte": in_post + 4.0 + i, "cases": 1500 + 100 * i + year - 2021,
                         "case_holders_fte": in_post - 10})
    return columns(rows)


def test_a_multi_year_workforce_file_gives_the_year_asked_for(
        national: outcomespec.Framework) -> None:
    """Turnover from DfE's 2021-2025 file is each authority's 2023 leavers over its 2023 staff,
    the same as from a file of 2023 alone: the years are not pooled."""
    data = {**GEOGRAPHY, "social_work_workforce": workforce(range(2021, 2026))}
    pooled_file = by_area(national.run(data, 2023), "social_worker_turnover")
    one_year = by_area(national.run({**data, "social_work_workforce": workforce([2023])}, 2023),
                       "social_worker_turnover")
    rows = workforce([2023])
    by_code = dict(zip(rows["old_la_code"], zip(rows["leavers_fte"], rows["social_workers_fte"],
                                                 strict=True), strict=True))
    expected = {name: 100 * by_code[code][0] / by_code[code][1]
                for code, name in AUTHORITIES.items()}
    assert {name: pooled_file[name] for name in expected} == pytest.approx(expected)
    assert pooled_file == one_year
    # England's counts are published rounded to the nearest 10 (`round england, region`), and
    # its value is computed from the rounded counts.
    leavers = round(sum(n for n, _ in by_code.values()), -1)
    staff = round(sum(d for _, d in by_code.values()), -1)
    assert pooled_file["England"] == pytest.approx(100 * leavers / staff)


def population(years: Iterable[int], per_child: float = 1.0) -> dict[str, list[Any]]:
    """ONS mid-year estimates of three authorities, in DfE's layout."""
    rows = []
    for year in years:
        for i, (code, name) in enumerate(AUTHORITIES.items()):
            rows.append({"time_period": year, "time_identifier": "Reporting year",
                         "geographic_level": "Local authority", "country_code": "E92000001",
                         "country_name": "England", "old_la_code": code, "la_name": name,
                         "age_group": "Children aged 0 to 17 years",
                         "population_estimate": int(per_child * (40000 + 5000 * i
                                                                 + 300 * (year - 2020)))})
    return columns(rows)


def spend(years: Iterable[int]) -> dict[str, list[Any]]:
    """Children's services spending by financial year, labelled as the outturn files do."""
    return columns({"time_period": f"{year - 1}-{year % 100:02d}", "old_la_code": code,
                    "spend_total": 1_000_000.0 * (50 + 10 * i + year - 2020),
                    "spend_cla": 500_000.0, "spend_not_cla": 250_000.0 * (i + 1)}
                   for year in years for i, code in enumerate(AUTHORITIES))


def test_spend_per_child_is_one_year_over_the_previous_mid_year(
        national: outcomespec.Framework) -> None:
    """2025's spending per child is 2024-25's spending over the mid-2024 population, not the
    spending of every year in the file."""
    data = {**GEOGRAPHY, "childrens_services_spend": spend(range(2022, 2026)),
            "ons_population": population(range(2021, 2025))}
    run = national.run(data, "2024-25")
    values = by_area(run, "spend_per_child")
    money, people = spend([2025]), population([2024])
    expected = {AUTHORITIES[code]: pounds / children for code, pounds, children in zip(
        money["old_la_code"], money["spend_total"], people["population_estimate"], strict=True)}
    assert {name: values[name] for name in expected} == pytest.approx(expected)
    assert values["England"] == pytest.approx(
        sum(money["spend_total"]) / sum(people["population_estimate"]))


WINDOWS = """
framework windows "Reading other periods" {
  suppress none
  dataset counts "Counts by area and calendar year" {
    rows area_year
    area la
    period year calendar_year
    column la text
    column year integer
    column n integer
  }

  outcome counted "Counted" {
    indicator this_year "This year" {
      kind context  statistic count  polarity no_judgement "c"
      numerator sum(n of counts)
    }
    indicator last_year "The year before" {
      kind context  statistic count  polarity no_judgement "c"
      numerator sum(n of counts for period - 1)
    }
    indicator two_back "Two years before" {
      kind context  statistic count  polarity no_judgement "c"
      numerator sum(n of counts for period - 2)
    }
    indicator three_years "The last three years pooled" {
      kind context  statistic count  polarity no_judgement "c"
      numerator sum(n of counts for last 3 periods)
    }
    indicator every_year "Every year" {
      kind context  statistic count  polarity no_judgement "c"
      numerator sum(n of counts for all periods)
    }
    indicator large_last_year "Rows of the year before with more than 60" {
      kind context  statistic count  polarity no_judgement "c"
      numerator counts for period - 1 where n > 60
    }
  }
}
"""
YEARS = range(2016, 2026)
ROWS = [{"la": la, "year": year, "n": 10 * (year - 2010) + (3 if la == "b" else 0)}
        for year in YEARS for la in ("a", "b")]


@pytest.fixture(scope="module")
def windows(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The framework above evaluated for 2024 on counts of 2016-2025."""
    path = tmp_path_factory.mktemp("windows") / "windows.ospec"
    path.write_text(WINDOWS, encoding="utf-8")
    return outcomespec.load(path).run({"counts": columns(ROWS)}, 2024)


def hand_sum(la: str, years: Iterable[int]) -> float:
    """The plain sum of `n` over an area's rows of the given years."""
    wanted = set(years)
    return float(sum(row["n"] for row in ROWS if row["la"] == la and row["year"] in wanted))


@pytest.mark.parametrize(("indicator", "years"), [
    ("this_year", [2024]), ("last_year", [2023]), ("two_back", [2022]),
    ("three_years", [2022, 2023, 2024]), ("every_year", YEARS)])
def test_aggregations_read_the_periods_they_name(windows: Run, indicator: str,
                                                 years: Iterable[int]) -> None:
    """Each selection sums exactly the rows of the periods it names."""
    assert by_area(windows, indicator, "numerator") == {
        "a": hand_sum("a", years), "b": hand_sum("b", years),
        "England": hand_sum("a", years) + hand_sum("b", years)}


def test_a_population_reads_the_periods_it_names(windows: Run) -> None:
    """`counts for period - 1 where n > 60` counts the 2023 rows only (n = 130 and 133), not
    the other years' rows over 60."""
    assert by_area(windows, "large_last_year", "numerator") == {"a": 1.0, "b": 1.0,
                                                                "England": 2.0}


def test_a_window_short_of_data_is_not_evaluated(tmp_path: Path) -> None:
    """Three years pooled need all three: with 2023 missing, 2024 is not evaluated, and
    the reason names the missing year."""
    path = tmp_path / "windows.ospec"
    path.write_text(WINDOWS, encoding="utf-8")
    rows = [row for row in ROWS if row["year"] != 2023]
    run = outcomespec.load(path).run({"counts": columns(rows)}, 2024)
    skipped = {s.indicator.id: (s.note, s.reason) for s in run.evaluation.skipped}
    assert skipped == {
        "last_year": ("no_data_for_period", "`counts` has no rows for 2023 (year holds "
                      "2016 to 2022, 2024 to 2025)"),
        "three_years": ("no_data_for_period", "`counts` has no rows for 2023 (year holds "
                        "2016 to 2022, 2024 to 2025)"),
        "large_last_year": ("no_data_for_period", "`counts` has no rows for 2023 (year "
                            "holds 2016 to 2022, 2024 to 2025)")}


# ------------------------------------------------------------------ choosing the period


def test_without_a_period_the_latest_the_tables_hold_is_evaluated(
        published: outcomespec.Framework) -> None:
    """DfE's tables end in 2025 (the population in mid-2024, read for period - 1): 2025,
    and the choice is explained."""
    run = published.run(DFE)
    assert run.period_choice.period == 2025
    assert run.period_choice.reason.startswith(
        "the latest period the data hold: cla_numbers (time_period 2021 to 2025); "
        "ons_population (time_period 2012 to 2024, read for period - 1)")
    assert {row["period"] for row in run.results.rows()} == {2025}


def published_rows(name: str, year: int, **where: str) -> list[dict[str, str]]:
    """Local authority rows of a DfE table of one year, read with the csv module."""
    with (DFE / name).open(encoding="utf-8-sig", newline="") as stream:
        return [row for row in csv.DictReader(stream)
                if row["time_period"] == str(year) and row["geographic_level"] ==
                "Local authority" and all(row[k] == v for k, v in where.items())]


def test_a_year_before_the_looked_after_table_is_not_evaluated_not_zero(
        published: outcomespec.Framework) -> None:
    """2019: the children looked after table begins in 2021, so the rate is not evaluated
    (not published as 0), while the re-referrals table (2013-2025) gives 2019's figures."""
    run = published.run(DFE, 2019)
    skipped = {s.indicator.id: s for s in run.evaluation.skipped}
    assert skipped["cla_rate_per_10k"].note == "no_data_for_period"
    assert skipped["cla_rate_per_10k"].reason == (
        "`cla_numbers` has no rows for 2019 (time_period holds 2021 to 2025)")
    rows = [row for row in run.results.rows() if row["indicator"] == "cla_rate_per_10k"]
    assert rows
    assert {(row["value"], row["note"]) for row in rows} == {
        (None, "no_data_for_period: `cla_numbers` has no rows for 2019 (time_period holds 2021 "
               "to 2025)")}
    numerators = {row["area_code"]: row["numerator"] for row in run.results.rows()
                  if row["indicator"] == "rereferrals_12m" and not row["breakdown"]}
    compared = 0
    for row in published_rows("cin_referrals.csv", 2019):
        code = row["old_la_code"] if row["old_la_code"] in numerators else row["new_la_code"]
        if row["rereferral_count"].isdigit() and code in numerators:
            assert numerators[code] == float(row["rereferral_count"])
            compared += 1
    assert compared > 140


def test_the_cli_says_which_period_and_refuses_others(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """No --period: 2025, said on standard error; 2030: exit 1 naming the periods held;
    25: exit 2, one line suggesting 2025."""
    out = tmp_path / "results.csv"
    assert main(["eval", str(FRAMEWORKS / "dfe_published.ospec"), "--data", str(DFE),
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "dfe_published: 6 indicator results for period 2025 (2024-25)" in err
    assert "  period 2025: the latest period the data hold: cla_numbers" in err
    assert main(["eval", str(FRAMEWORKS / "dfe_published.ospec"), "--data", str(DFE),
                 "--period", "2030"]) == 1
    assert ("error[D131]: the data hold no rows for period 2030 (2029-30); they hold 2013 to "
            "2025") in capsys.readouterr().err
    assert main(["eval", str(FRAMEWORKS / "dfe_published.ospec"), "--data", str(DFE),
                 "--period", "25"]) == 2
    assert capsys.readouterr().err == (
        "outcomespec: error: --period 25: 25 has two digits; write the year in full: 2025\n")


def test_the_api_refuses_a_period_no_data_hold(published: outcomespec.Framework) -> None:
    """`evaluate(..., 2030)` raises D131 rather than returning blanks."""
    with pytest.raises(OutcomeSpecError) as caught:
        published.evaluate(DFE, 2030)
    assert [d.code for d in caught.value.diagnostics] == ["D131"]


# ------------------------------------------------------------------ record-level returns


def test_an_episodes_file_with_only_its_header_is_not_evaluated(
        national: outcomespec.Framework, tmp_path: Path) -> None:
    """Synthetic 2025 returns of six authorities, episodes.csv cut to its header: the
    indicators reading episodes are not evaluated (never 0); those of the CIN census are."""
    generate(tmp_path, years=(2025,), seed=7, las=6, scale=0.2)
    episodes = tmp_path / "2025" / "episodes.csv"
    episodes.write_text(episodes.read_text(encoding="utf-8").splitlines()[0] + "\n",
                        encoding="utf-8")
    run = national.run(tmp_path / "2025")
    assert run.period_choice.period == 2025
    skipped = {s.indicator.id: (s.note, s.reason) for s in run.evaluation.skipped}
    for indicator in ("placements_3plus", "long_term_stability", "cla_rate_per_10k"):
        assert skipped[indicator] == ("no_data_for_period", "`episodes` has no rows")
    evaluated = {row["indicator"] for row in run.results.rows() if row["value"] is not None}
    assert "placements_3plus" not in evaluated
    assert {"cin_rate_per_10k", "rereferrals_12m"} <= evaluated


def test_a_return_is_of_the_year_of_its_events(national: outcomespec.Framework) -> None:
    """The fake 903 return records episodes to 31 March 2018: without a period it is 2018;
    2017 gives the warning that the return holds a later year; 2019 is refused."""
    run = national.run(FAKE_903, area="999", keep_going=True)
    assert (run.period_choice.period, run.period_choice.reason) == (
        2018, "the latest period the data hold: ssda903 return (latest date 2018-03-31 in "
        "episodes.DEC)")
    earlier = national.run(FAKE_903, 2017, area="999", keep_going=True)
    (warning,) = [d for d in earlier.diagnostics if d.code == "D132"]
    assert warning.message.startswith("the `ssda903` return holds 2018 (2017-18")
    assert Path(warning.path or "").name == "episodes.csv"
    with pytest.raises(OutcomeSpecError) as caught:
        national.run(FAKE_903, 2019, area="999", keep_going=True)
    assert caught.value.diagnostics[0].message == (
        "the data hold no rows for period 2019 (2018-19); they hold 2018")
