"""A results table over several periods: each value's recent trend, read from the table.

Why from the table: a trend (`outcomespec.results.trends`) judges the series of figures as
published — the same counts, values and limits a reader sees, rounded where they are rounded
and blank where they are blank — so it can give away nothing the table withholds, and the
periods' rows are exactly those of the periods evaluated one at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import evolve

from outcomespec import model as m
from outcomespec.model.notes import Note, parse_note
from outcomespec.results.table import Results
from outcomespec.results.trends import (
    POINTS,
    Trend,
    TrendArray,
    proportion_trends,
    rate_trends,
    read_trends,
    standard_errors,
)

__all__ = ["trend_windows", "with_trends"]

IndexArray = npt.NDArray[np.intp]

_LEVELS = ((0.95, "lower_95", "upper_95"), (0.998, "lower_99_8", "upper_99_8"))
"""The confidence levels a rate's variance may come from, the first published preferred."""


def with_trends(results: Results) -> Results:
    """The table with its `trend` column filled: every row whose series (same framework,
    indicator, breakdown and area) holds the four periods before its own gets its recent
    trend; the other rows stay `not_assessed` (blank).

    >>> from outcomespec.results.builder import build_results
    >>> from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
    >>> ind = m.Indicator(name="f.p", framework="f", section="s", title="Repeat plans",
    ...     kind=m.Kind.OUTCOME, statistic=m.Statistic.PROPORTION, unit=m.Unit("percent", 100.0),
    ...     polarity=m.Polarity.LOWER_IS_BETTER, confidence=m.ConfidenceMethod.WILSON,
    ...     levels=(0.95,), suppression=None, numerator_subset=m.SubsetProof.PROVEN)
    >>> frame = AreaFrame(("805",), ("Hartlepool",), [-1])
    >>> years = [build_results([IndicatorTotals(ind, [x], [n])], frame, year)
    ...          for year, x, n in zip(range(2021, 2027), (80, 70, 64, 52, 45, 44),
    ...                                (300, 310, 305, 300, 298, 301))]
    >>> table = with_trends(Results.concatenate(years))
    >>> [t.value for t, a in zip(table.trend, table.area_type) if a == "local_authority"]
    ['', '', '', '', 'decreasing_getting_better', 'decreasing_getting_better']
    """
    rows, windows = trend_windows(results)
    trends = np.empty(len(results), dtype=object)
    trends[:] = [Trend.NOT_ASSESSED] * len(results)
    if rows.size:
        kinds: dict[tuple[str, str], list[int]] = {}
        for i, row in enumerate(rows.tolist()):
            kinds.setdefault((results.statistic[row], results.polarity[row]), []).append(i)
        for (statistic, polarity), members in kinds.items():
            chosen = np.array(members, dtype=np.intp)
            trends[rows[chosen]] = _trends(results, windows[chosen], statistic,
                                           m.Polarity(polarity))
    return evolve(results, trend=tuple(trends.tolist()))


def trend_windows(results: Results) -> tuple[IndexArray, IndexArray]:
    """The rows that have a series of `POINTS` periods ending with their own, and for each
    the rows of those periods, oldest first (a matrix, one row per window).

    A series is the rows of one framework, indicator, breakdown and area; its periods must
    follow one another, one year apart.
    """
    keys = list(zip(results.framework, results.indicator, results.breakdown,
                    results.area_code, strict=True))
    periods = results.period.tolist()
    where = {(key, period): row for row, (key, period) in enumerate(zip(keys, periods,
                                                                        strict=True))}
    rows: list[int] = []
    windows: list[list[int]] = []
    for row, (key, period) in enumerate(zip(keys, periods, strict=True)):
        window = [where.get((key, period - back)) for back in range(POINTS - 1, -1, -1)]
        if None not in window:
            rows.append(row)
            windows.append([w for w in window if w is not None])
    return (np.array(rows, dtype=np.intp),
            np.array(windows, dtype=np.intp).reshape(-1, POINTS))


def _trends(results: Results, windows: IndexArray, statistic: str, polarity: m.Polarity
            ) -> TrendArray:
    """The trend of each window of one kind of indicator."""
    usable = _plain(results, windows)
    match m.Statistic(statistic):
        case m.Statistic.PROPORTION:
            num, den = (np.where(usable[:, None], getattr(results, column)[windows], np.nan)
                        for column in ("numerator", "denominator"))
            return read_trends(*proportion_trends(num, den), polarity)
        case m.Statistic.RATE:
            values = np.where(usable[:, None], results.value[windows], np.nan)
            return read_trends(*rate_trends(values, _errors(results, windows)), polarity)
        case m.Statistic.COUNT | m.Statistic.MEAN | m.Statistic.MEDIAN | m.Statistic.RATIO:
            trends = np.empty(len(windows), dtype=object)
            trends[:] = [Trend.CANNOT_BE_CALCULATED] * len(windows)
            return trends


def _plain(results: Results, windows: IndexArray) -> npt.NDArray[np.bool_]:
    """Whether every value of a window is published and unqualified: a value pooled without
    some authorities (`incomplete`) is not the area's whole figure, so no trend reads it."""
    qualified = np.array([_qualifies(text) for text in results.note], dtype=bool)
    published = ~np.isnan(results.value) & ~qualified
    usable: npt.NDArray[np.bool_] = np.all(published[windows], axis=1)
    return usable


def _qualifies(note: str) -> bool:
    """Whether a row's note qualifies its value (a blank has no value anyway)."""
    parsed = parse_note(note)
    return parsed is not None and parsed[0] is Note.INCOMPLETE


def _errors(results: Results, windows: IndexArray) -> npt.NDArray[np.float64]:
    """Each value's standard error from its limits: at 95% where all five have them, else at
    99.8%; NaN where neither level is published for all five."""
    errors = np.full(windows.shape, np.nan)
    found = np.zeros(len(windows), dtype=bool)
    for level, lower, upper in _LEVELS:
        low: Any = getattr(results, lower)[windows]
        high: Any = getattr(results, upper)[windows]
        complete = ~found & np.all(~np.isnan(low) & ~np.isnan(high), axis=1)
        errors[complete] = standard_errors(low[complete], high[complete], level)
        found |= complete
    return errors

