"""Reading period labels (`outcomespec.loading.periods`): every kind and written form of a year, the
periods people ask for, what data hold (`outcomespec.evaluation.coverage`: the periods a selection
reads, the year of a record-level return), and choosing the period."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import outcomespec
from outcomespec import model as m
from outcomespec.evaluation.coverage import held_periods, return_year
from outcomespec.language.diagnostics import OutcomeSpecError
from outcomespec.loading.periods import (
    Holding,
    PeriodLabelError,
    choose_period,
    label,
    parse_period,
    period_of,
    read_label,
    row_periods,
)
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"

YEAR_ENDING = m.PeriodKind.YEAR_ENDING
FINANCIAL = m.PeriodKind.FINANCIAL_YEAR
ACADEMIC = m.PeriodKind.ACADEMIC_YEAR
CALENDAR = m.PeriodKind.CALENDAR_YEAR

READ = [
    # (written, kind, period): the year in which the labelled year ends
    ("2025", YEAR_ENDING, 2025),
    ("2024-25", YEAR_ENDING, 2025),
    ("2024/25", YEAR_ENDING, 2025),
    ("2024/2025", YEAR_ENDING, 2025),
    ("202425", YEAR_ENDING, 2025),
    ("20240000", YEAR_ENDING, 2025),
    ("2023/24", FINANCIAL, 2024),
    ("2023-24", FINANCIAL, 2024),
    ("202324", FINANCIAL, 2024),
    ("20230000", FINANCIAL, 2024),  # Fingertips: the year a financial year starts in
    ("2023/24", ACADEMIC, 2024),  # DfE pairs it with the children looked after at 31 March 2024
    ("2023/2024", ACADEMIC, 2024),
    ("2024", CALENDAR, 2024),  # the ONS mid-2024 estimate
    ("20240000", CALENDAR, 2024),  # Fingertips: the calendar year itself
    ("1999-00", FINANCIAL, 2000),  # the century turns
    (" 2024/25 ", FINANCIAL, 2025),
]

REFUSED = [
    # (written, kind, the start of the message)
    ("2025", FINANCIAL, "`2025` does not say which financial year it is: 2024-25 or 2025-26"),
    ("2025", ACADEMIC, "`2025` does not say which academic year it is"),
    ("2024-25", CALENDAR, "`2024-25` spans two years, but the column holds calendar years"),
    ("202425", CALENDAR, "`202425` spans two years"),
    ("2024-26", FINANCIAL, "`2024-26` does not name two years in a row"),
    ("2024/2026", YEAR_ENDING, "`2024/2026` does not name two years in a row"),
    ("20240100", FINANCIAL, "`20240100` is a Fingertips code of part of a year"),
    ("1066", YEAR_ENDING, "`1066` is not a year between 1900 and 2100"),
    ("Q3 2024", YEAR_ENDING, "`Q3 2024` is not a year"),
    ("25", YEAR_ENDING, "`25` is not a year"),
]


@pytest.mark.parametrize(("written", "kind", "period"), READ)
def test_each_form_of_each_kind_reads_as_its_period(written: str, kind: m.PeriodKind,
                                                     period: int) -> None:
    """A label is read as the year in which the labelled year ends."""
    assert read_label(written, kind) == period


@pytest.mark.parametrize(("written", "kind", "message"), REFUSED)
def test_labels_that_are_not_years_of_the_kind_are_refused(written: str, kind: m.PeriodKind,
                                                            message: str) -> None:
    """An ambiguous, inconsistent or impossible label is refused, with a help line."""
    with pytest.raises(PeriodLabelError) as caught:
        read_label(written, kind)
    assert str(caught.value).startswith(message)
    assert caught.value.help


def written_forms(period: int) -> list[str]:
    """Every way a file writes the financial or academic year ending in `period`."""
    start = period - 1
    return [f"{start}-{period % 100:02d}", f"{start}/{period % 100:02d}", f"{start}/{period}",
            f"{start}{period % 100:02d}", f"{start}0000", label(period)]


@given(period=st.integers(1901, 2100),
       kind=st.sampled_from((YEAR_ENDING, FINANCIAL, ACADEMIC)))
def test_two_year_labels_round_trip(period: int, kind: m.PeriodKind) -> None:
    """`label(p)` and every other two-year form of the year ending in p read back as p."""
    assert {read_label(text, kind) for text in written_forms(period)} == {period}


@given(year=st.integers(1900, 2100))
def test_calendar_years_round_trip(year: int) -> None:
    """A calendar year, bare or as a Fingertips code, is its own period."""
    assert read_label(str(year), CALENDAR) == read_label(f"{year}0000", CALENDAR) == year


@given(values=st.lists(st.sampled_from(
    ["2023-24", "2024/25", "202526", "20230000", "2025", "x", "", "2024-26", "1999/00"]),
    max_size=30))
def test_row_periods_agree_with_reading_each_value(values: list[str]) -> None:
    """The vectorised periods of a column equal reading each value on its own (-1 where it is
    missing or not a year), and the unreadable rows are exactly those."""
    found = row_periods(np.array(values, dtype=np.str_), FINANCIAL)
    expected = [period_of(v, FINANCIAL) for v in values]
    assert found.periods.tolist() == [-1 if p is None else p for p in expected]
    assert found.unreadable.tolist() == [i for i, v in enumerate(values)
                                         if v and period_of(v, FINANCIAL) is None]


def test_integer_columns_read_whole_numbers() -> None:
    """An `integer` period column (float64, NaN missing) reads 2025.0 as 2025."""
    values = np.array([2025.0, np.nan, 202425.0, 20240000.0])
    assert row_periods(values, YEAR_ENDING).periods.tolist() == [2025, -1, 2025, 2025]


ASKED = [(2025, 2025), ("2025", 2025), ("2024-25", 2025), ("2024/25", 2025), ("2023/24", 2024),
         ("2024/2025", 2025), (" 2023-24 ", 2024)]


@pytest.mark.parametrize(("asked", "period"), ASKED)
def test_periods_people_write_are_accepted(asked: int | str, period: int) -> None:
    """`period` takes the year as people write it."""
    assert parse_period(asked) == period


@pytest.mark.parametrize(("asked", "error", "message"), [
    (25, ValueError, "`period` 25 has two digits; write the year in full: 2025"),
    ("24", ValueError, "`period` 24 has two digits; write the year in full: 2024"),
    (10**30, ValueError, "`period` '10000000000000000000…' is not a year"),
    ("2024-26", ValueError, "`period`: `2024-26` does not name two years in a row"),
    ("20240000", ValueError, "`period` '20240000' is not a year"),
    ("last year", ValueError, "`period` 'last year' is not a year"),
    (True, TypeError, "`period` must be a year such as 2025 or \"2024-25\", not bool"),
    (2025.0, TypeError, "`period` must be a year such as 2025 or \"2024-25\", not float"),
    ([2025], TypeError, "`period` must be a year"),
])
def test_other_periods_are_refused_naming_period(asked: object, error: type[Exception],
                                                 message: str) -> None:
    """A two-digit year gets the four-digit suggestion; bool, float and other types are a
    TypeError; anything else that is not a year a ValueError; each names `period`."""
    with pytest.raises(error) as caught:
        parse_period(asked)
    assert str(caught.value).startswith(message)


def test_held_periods_need_every_period_of_the_window() -> None:
    """A pooled read holds a period only when each period it pools has rows."""
    present = {2019, 2020, 2021, 2023}
    assert held_periods(present, m.CURRENT) == present
    assert held_periods(present, m.Periods((-1,))) == {2020, 2021, 2022, 2024}
    assert held_periods(present, m.Periods((-2, -1, 0))) == {2021}


def dates(*texts: str) -> np.ndarray:
    """A date column."""
    return np.array(texts, dtype="datetime64[D]")


def test_a_return_is_of_the_year_of_its_latest_dates() -> None:
    """The return's year is the reporting year of its latest date, named with its column."""
    found = return_year({"episodes.DECOM": dates("2023-05-01", "2024-06-30"),
                         "episodes.DEC": dates("2025-03-31", "NaT")},
                        m.ReportingPeriod(), dt.date(2026, 1, 1))
    assert found is not None
    assert (found.year, found.date, found.column) == (2025, dt.date(2025, 3, 31), "episodes.DEC")


def test_a_few_dates_after_the_year_do_not_move_the_return() -> None:
    """Dates keyed in error or still to come (under 1 in 100) and dates after today are not
    the return's year."""
    year_dates = dates(*(f"2024-{month:02d}-15" for month in range(4, 13)),
                       *(f"2025-0{month}-15" for month in range(1, 4))).repeat(10)
    stray = dates("2026-02-01")  # 1 of 121 dates: under 1%
    future = dates("2031-01-01", "2031-01-02", "2031-01-03")
    found = return_year({"reviews.REVIEW": np.concatenate([year_dates, stray, future])},
                        m.ReportingPeriod(), dt.date(2030, 1, 1))
    assert found is not None
    assert found.year == 2025


def test_a_return_without_dates_has_no_year() -> None:
    """Tables without dates (geography) are timeless."""
    assert return_year({}, m.ReportingPeriod(), dt.date(2026, 1, 1)) is None


HELD = [Holding("cla_numbers", frozenset({2021, 2022, 2023, 2024, 2025}),
                "time_period 2021 to 2025"),
        Holding("ons_population", frozenset(range(2013, 2026)),
                "time_period 2012 to 2024, read for period - 1")]


def test_without_a_period_the_latest_held_is_chosen_and_explained() -> None:
    """No period asked: the latest any dataset holds, with the datasets that hold it."""
    choice = choose_period(HELD, None)
    assert choice.period == 2025
    assert choice.reason == (
        "the latest period the data hold: cla_numbers (time_period 2021 to 2025); "
        "ons_population (time_period 2012 to 2024, read for period - 1)")


def test_a_period_no_data_hold_is_refused_naming_those_they_hold() -> None:
    """D131 names the periods present and what each dataset holds."""
    with pytest.raises(OutcomeSpecError) as caught:
        choose_period(HELD, 2030, "data/dfe")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("D131", "data/dfe")
    assert diagnostic.message == ("the data hold no rows for period 2030 (2029-30); they hold "
                                  "2013 to 2025")
    assert "cla_numbers: time_period 2021 to 2025" in (diagnostic.help or "")


def test_a_return_serves_earlier_periods_but_not_later_ones() -> None:
    """A 2025 return can be evaluated for 2024 (with a warning elsewhere), never for 2026."""
    held = [Holding("ssda903 return", frozenset({2025}), "latest date 2025-03-31", True)]
    assert choose_period(held, 2024).period == 2024
    with pytest.raises(OutcomeSpecError):
        choose_period(held, 2026)


def test_no_data_at_all_is_refused() -> None:
    """Nothing held, nothing chosen: D131 rather than a table of blanks."""
    with pytest.raises(OutcomeSpecError) as caught:
        choose_period([], None)
    assert caught.value.diagnostics[0].message == "the data hold rows of no reporting period"


def test_tables_without_dates_serve_the_period_asked_for_and_name_none() -> None:
    """Record-level tables with no dates cannot say their year: any period asked for is
    evaluated, and without one D131 asks for it."""
    held = [Holding("things", frozenset(), "no dates to place it in a period", timeless=True)]
    assert choose_period(held, 2025).period == 2025
    with pytest.raises(OutcomeSpecError) as caught:
        choose_period(held, None)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == "the data do not say which reporting period they hold"
    assert diagnostic.help == ("give the period, e.g. 2025 (things: no dates to place it in a "
                               "period)")


def test_a_return_of_care_leavers_alone_is_not_placed_by_their_births() -> None:
    """SSDA903 is dated by its events (`dated by`): a care leavers' table alone, whose only
    date is birth, holds no year and serves the period asked for; with the episodes it is
    the year of their dates."""
    framework = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)
    oc3 = {"CHILD": ["L1", "L2"], "DOB": ["2004-06-01", "2005-02-01"],
           "IN_TOUCH": ["YES", "YES"], "ACCOM": ["U1", "B2"], "ACTIV": ["F1", "G4"]}
    alone = framework.run({"oc3": oc3}, 2025, area="805")
    assert alone.period_choice.period == 2025
    assert not any(d.code == "D132" for d in alone.diagnostics)
    episodes = {"CHILD": ["L1"], "DECOM": ["2024-05-01"], "RNE": ["S"], "LS": ["C2"],
                "CIN": ["N1"], "PLACE": ["U1"], "PLACE_PROVIDER": ["PR1"], "DEC": [""],
                "REC": [""], "REASON_PLACE_CHANGE": [""], "HOME_POST": [""], "PL_POST": [""],
                "URN": [""], "PL_DISTANCE": ["3.0"]}
    both = framework.run({"oc3": oc3, "episodes": episodes}, area="805")
    assert both.period_choice.period == 2025
    assert "2024-05-01 in episodes.DECOM" in both.period_choice.reason
