"""outcomespec.results.series: the recent trend read from a results table over several
periods — which rows get one, and from which published figures."""

from __future__ import annotations

import math
import random

import numpy as np

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.evaluation.evaluator import Evaluation
from outcomespec.results.builder import build_results, results_of
from outcomespec.results.series import trend_windows, with_trends
from outcomespec.results.table import Results
from outcomespec.results.trends import Trend, proportion_trends, read_trends
from tests.results.cases import NE, NW, PER_10K, framework, indicator

FRAME = AreaFrame(("805", "806", "807", "390"), ("Hartlepool", "Middlesbrough", "Redcar",
                                                 "Gateshead"), [0, 0, 0, 0], (NE,),
                  ("North East",))
"""Four authorities of one region (so the region is England's whole)."""

PLANS = [  # repeat child protection plans: numerators, denominators by year, four LAs
    (2021, [90, 60, 45, 70], [300, 250, 180, 260]),
    (2022, [80, 62, 44, 71], [310, 255, 185, 262]),
    (2023, [72, 61, 46, 69], [305, 258, 181, 259]),
    (2024, [60, 64, 43, 70], [300, 251, 186, 261]),
    (2025, [52, 63, 45, 72], [298, 254, 183, 264]),
    (2026, [44, 61, 2, 70], [301, 256, 184, 263]),
]


def yearly(ind: m.Indicator, years: list[tuple[int, list[int], list[int]]] = PLANS
           ) -> list[Results]:
    """One results table per year, each built alone."""
    return [build_results([IndicatorTotals(ind, num, den)], FRAME, year,
                          framework=framework(None)) for year, num, den in years]


def trends_by(table: Results) -> dict[tuple[int, str], Trend]:
    """Each row's trend by period and area."""
    return {(int(p), name): t for p, name, t in zip(table.period.tolist(), table.area_name,
                                                     table.trend, strict=True)}


def test_rows_with_four_periods_before_them_get_a_trend() -> None:
    """2025 and 2026 have five periods ending with theirs; 2021 to 2024 are not assessed."""
    table = with_trends(Results.concatenate(yearly(indicator("cpp_repeat"))))
    found = trends_by(table)
    assert {found[(year, "Hartlepool")] for year in range(2021, 2025)} == {Trend.NOT_ASSESSED}
    assert found[(2025, "Hartlepool")] is Trend.DECREASING_BETTER  # 30% to 17%, fewer is better
    assert found[(2025, "Middlesbrough")] is Trend.NO_SIGNIFICANT_CHANGE


def test_the_trend_is_that_of_the_published_counts() -> None:
    """Hartlepool 2025: the trend of its five published counts, computed directly."""
    table = with_trends(Results.concatenate(yearly(indicator("cpp_repeat"))))
    chi2, slope, steady = proportion_trends([[90, 80, 72, 60, 52]], [[300, 310, 305, 300, 298]])
    assert trends_by(table)[(2025, "Hartlepool")] is read_trends(
        chi2, slope, steady, m.Polarity.LOWER_IS_BETTER)[0]


def test_a_suppressed_value_in_the_window_cannot_be_calculated() -> None:
    """Redcar's 2 of 2026 is suppressed: its 2026 trend cannot be calculated (and the table
    says nothing it would not otherwise say), while 2025's, before it, can."""
    found = trends_by(with_trends(Results.concatenate(yearly(indicator("cpp_repeat")))))
    assert found[(2026, "Redcar")] is Trend.CANNOT_BE_CALCULATED
    assert found[(2025, "Redcar")] is Trend.NO_SIGNIFICANT_CHANGE


def test_a_missing_period_breaks_the_series() -> None:
    """Without 2023, no row has five consecutive periods: nothing is assessed."""
    tables = [t for t in yearly(indicator("cpp_repeat")) if t.period[0] != 2023]
    table = with_trends(Results.concatenate(tables))
    assert set(table.trend) == {Trend.NOT_ASSESSED}


def test_rows_in_any_order_give_the_same_trends() -> None:
    """The periods' tables concatenated in any order: each row's trend is the same."""
    tables = yearly(indicator("cpp_repeat"))
    expected = trends_by(with_trends(Results.concatenate(tables)))
    shuffled = tables[:]
    random.Random(7).shuffle(shuffled)
    assert trends_by(with_trends(Results.concatenate(shuffled))) == expected


def test_a_count_has_no_trend() -> None:
    """Counts have no trend in Fingertips: `cannot_be_calculated` once there are five."""
    count = indicator("uasc", statistic=m.Statistic.COUNT, unit=m.Unit("count", 1.0),
                      polarity=m.Polarity.NO_JUDGEMENT, confidence=m.ConfidenceMethod.BYARS)
    table = with_trends(Results.concatenate(yearly(count, [(y, n, [math.nan] * 4)
                                                           for y, n, _ in PLANS])))
    assert trends_by(table)[(2025, "Hartlepool")] is Trend.CANNOT_BE_CALCULATED


def test_a_rate_reads_its_limits() -> None:
    """A rate per 10,000 rising steadily (Byars limits): increasing; no polarity, no better."""
    rate = indicator("cla_rate_per_10k", statistic=m.Statistic.RATE, unit=PER_10K,
                     polarity=m.Polarity.NO_JUDGEMENT, confidence=m.ConfidenceMethod.BYARS)
    years = [(2020 + k, [300 + 40 * k, 500, 400, 450], [20000] * 4) for k in range(1, 6)]
    found = trends_by(with_trends(Results.concatenate(yearly(rate, years))))
    assert found[(2025, "Hartlepool")] is Trend.INCREASING
    assert found[(2025, "Middlesbrough")] is Trend.NO_SIGNIFICANT_CHANGE


def test_an_incomplete_pooled_value_has_no_trend() -> None:
    """A region pooled without an authority whose count is not known (`incomplete`) is not
    the region's whole figure: its trend cannot be calculated."""
    ind = indicator("cpp_repeat", suppression=None)
    tables = []
    for year, num, den in PLANS[:5]:
        unknown = [math.nan if year == 2023 and i == 1 else v for i, v in enumerate(num)]
        tables.append(build_results([IndicatorTotals(ind, unknown, den)], FRAME, year))
    found = trends_by(with_trends(Results.concatenate(tables)))
    assert found[(2025, "North East")] is Trend.CANNOT_BE_CALCULATED
    assert found[(2025, "Hartlepool")] is Trend.DECREASING_BETTER


def test_windows_are_the_five_periods_oldest_first() -> None:
    """Each window lists the rows of its series' five periods, oldest first."""
    table = Results.concatenate(yearly(indicator("cpp_repeat")))
    rows, windows = trend_windows(table)
    periods = table.period[windows]
    assert (np.diff(periods, axis=1) == 1).all()
    assert (periods[:, -1] == table.period[rows]).all()
    assert {table.area_code[w] for window in windows for w in window} >= {"805", "E12000001"}


def test_periods_sharing_a_count_hide_it_alike() -> None:
    """A count of children published in 2024, with its girls and boys, and in 2025 alone.
    Alone, 2024 hides its total where the girls' 3 is (the boys' counts are published as
    they are), but 2025 publishes it: 515 − 512 = 3 gives the girls back. The periods share
    the count, so they are built together, and both hide it where either does."""
    frame = AreaFrame(tuple(f"E0600000{i}" for i in range(1, 7)),
                      tuple(f"LA {i}" for i in range(1, 7)), [0, 0, 0, 1, 1, 1], (NE, NW),
                      ("North East", "North West"))

    def count(name: str, suppression: tuple[int, int] | None = (1, 5)) -> m.Indicator:
        return indicator(name, statistic=m.Statistic.COUNT, unit=m.Unit("count", 1.0),
                         polarity=m.Polarity.NO_JUDGEMENT, confidence=m.ConfidenceMethod.BYARS,
                         suppression=suppression)

    children = [40, 400, 515, 300, 420, 380]
    girls = [20, 200, 3, 150, 210, 190]
    boys = [c - g for c, g in zip(children, girls, strict=True)]
    none = [math.nan] * 6
    y2024 = (IndicatorTotals(count("cared_for"), children, none),
             IndicatorTotals(count("cared_for"), girls, none, breakdown="SEX: F"),
             IndicatorTotals(count("cared_for", None), boys, none, breakdown="SEX: M"))
    y2025 = (IndicatorTotals(count("in_care"), children, none),)
    evaluations = [(Evaluation(year, frame, totals, (), ()), framework(None))
                   for year, totals in ((2024, y2024), (2025, y2025))]

    def hidden(table: Results) -> set[str]:
        return {name for name, hide, breakdown in zip(
            table.area_name, table.suppressed.tolist(), table.breakdown, strict=True)
            if hide and not breakdown}

    alone = [hidden(results_of([pair])[0]) for pair in evaluations]
    assert alone == [{"LA 1", "LA 3"}, set()]  # the girls' 3 given back
    assert [hidden(table) for table in results_of(evaluations)] == [{"LA 1", "LA 3"}] * 2
