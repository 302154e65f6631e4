"""Reporting periods: the labels people and files give years, and which periods data hold.

A framework's period is an int, the year in which its reporting year ends: with the default
`period year ending 31 March`, 2025 is 1 April 2024 to 31 March 2025 (written 2024-25). Data
label their years in other ways, and a dataset says how in its `period COLUMN KIND`. Every
label is read as the year in which the labelled year ends:

| written                           | year_ending | financial_year, academic_year | calendar_year |
|-----------------------------------|-------------|-------------------------------|---------------|
| `2025`                            | 2025        | refused: 2024-25 or 2025-26?  | 2025          |
| `2024-25`, `2024/25`, `2024/2025` | 2025        | 2025                          | refused       |
| `202425` (EES)                    | 2025        | 2025                          | refused       |
| `20240000` (Fingertips)           | 2025        | 2025                          | 2024          |

Why the end year: it is how DfE pairs years. The children looked after on 31 March 2024 are
published with the academic year 2023/24 (school outcomes) and the financial year 2023-24
(spending), and a rate of the year ending 31 March 2025 divides by the mid-2024 population.
So reporting year 2024, academic year 2023/24, financial year 2023-24 and calendar year 2024
are all period 2024; the mid-year population of the year before is read with
`for period - 1`. Fingertips' sortable codes name the year a financial year starts in
(20230000 is 2023/24) and the calendar year itself (20230000 is 2023).

Data hold periods (`Holding`, found by `outcomespec.evaluation.coverage`): a dataset with a period
column holds the periods of its rows, as each population or aggregation reads them (read
`for period - 1`, the mid-2024 population serves period 2025); a record-level return
(SSDA903, the CIN census) is one return, of the reporting year in which it records its
events. `choose_period` picks the latest period the data hold when none is asked for, and
refuses a period they do not hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m
from outcomespec.language.diagnostics import Diagnostic, OutcomeSpecError

FIRST_YEAR = 1900
LAST_YEAR = 2100
"""Years outside these are not reporting years: a typing error, never data."""

_TWO_YEARS = re.compile(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})")
_TWO_YEAR_KINDS = (m.PeriodKind.FINANCIAL_YEAR, m.PeriodKind.ACADEMIC_YEAR)


class PeriodLabelError(ValueError):
    """A year label that cannot be read as a period: why, and how to write it instead."""

    def __init__(self, written: str, reason: str, help: str) -> None:
        super().__init__(f"`{written}` {reason}")
        self.reason = reason
        self.help = help


# ------------------------------------------------------------------ reading labels


def read_label(text: str, kind: m.PeriodKind = m.PeriodKind.YEAR_ENDING) -> int:
    """The period a year label of a dataset's period column names (see the table above).

    >>> read_label("2024/25"), read_label("202425")
    (2025, 2025)
    >>> read_label("20230000", m.PeriodKind.FINANCIAL_YEAR)
    2024
    >>> read_label("2024", m.PeriodKind.CALENDAR_YEAR)
    2024
    """
    written = text.strip()
    two_years = _TWO_YEARS.fullmatch(written)
    if two_years:
        return _two_years(written, int(two_years.group(1)), two_years.group(2), kind)
    if written.isdigit() and len(written) == 6:
        return _two_years(written, int(written[:4]), written[4:], kind)
    if written.isdigit() and len(written) == 8:
        if written[4:] != "0000":
            raise PeriodLabelError(
                written, "is a Fingertips code of part of a year",
                "the period column holds whole years: 20230000 is the year starting in 2023")
        start = _year(written, int(written[:4]))
        return start if kind is m.PeriodKind.CALENDAR_YEAR else start + 1
    if written.isdigit() and len(written) == 4:
        year = _year(written, int(written))
        if kind in _TWO_YEAR_KINDS:
            word = kind.value.replace("_", " ")
            raise PeriodLabelError(
                written, f"does not say which {word} it is: {year - 1}-{year % 100:02d} or "
                f"{year}-{(year + 1) % 100:02d}",
                f"write the {word} with both its years, as {year - 1}-{year % 100:02d}; or "
                f"declare the column `year_ending` if {year} is the year ending 31 March {year}")
        return year
    raise PeriodLabelError(
        written, "is not a year", "write years as 2025, 2024-25, 2024/25, 202425 (EES) or "
        "20240000 (Fingertips)")


def _two_years(written: str, start: int, end: str, kind: m.PeriodKind) -> int:
    """A label naming the two years a year spans: `2024-25`, `2024/2025`, `202425`."""
    _year(written, start)
    following = start + 1
    if int(end) != (following if len(end) == 4 else following % 100):
        raise PeriodLabelError(
            written, "does not name two years in a row",
            f"a year starting in {start} is written {start}-{following % 100:02d}")
    if kind is m.PeriodKind.CALENDAR_YEAR:
        raise PeriodLabelError(
            written, "spans two years, but the column holds calendar years",
            f"write the calendar year alone ({start} or {following}); or declare the column "
            "`year_ending`, `financial_year` or `academic_year`")
    return following


def _year(written: str, year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodLabelError(written, f"is not a year between {FIRST_YEAR} and {LAST_YEAR}",
                               "check the value for a typing error")
    return year


def parse_period(label: object) -> int:
    """A reporting period as people write it: `2025`, `"2025"`, `"2024-25"`, `"2023/24"`.

    Raises `TypeError` for a value that is not an int or text (bool and float included), and
    `ValueError`, naming `period`, for text that is not a year or a year written with two
    digits (`25`: write 2025).

    >>> parse_period("2024-25"), parse_period(2025), parse_period("2023/24")
    (2025, 2025, 2024)
    """
    if isinstance(label, bool) or not isinstance(label, int | str):
        msg = f"`period` must be a year such as 2025 or \"2024-25\", not {type(label).__name__}"
        raise TypeError(msg)
    text = str(label).strip()
    if text.isdigit() and len(text) <= 2:
        msg = (f"`period` {text} has two digits; write the year in full: "
               f"{2000 + int(text)}")
        raise ValueError(msg)
    if not (text.isdigit() and len(text) == 4) and not _TWO_YEARS.fullmatch(text):
        shown = text if len(text) <= 20 else text[:20] + "…"
        msg = (f"`period` {shown!r} is not a year: write it as 2025, 2024-25 or 2024/25 "
               "(the reporting year ending 31 March 2025)")
        raise ValueError(msg)
    try:
        return read_label(text)
    except PeriodLabelError as error:
        msg = f"`period`: {error}; {error.help}"
        raise ValueError(msg) from None


MAX_PERIODS = 50
"""The most periods one run evaluates: more is a typing error (2021..20025), never a series."""


def parse_periods(periods: object) -> tuple[int, ...]:
    """Several reporting periods, oldest first: a span `"2021..2025"` (its ends written as
    `parse_period` reads them, `"2020-21..2024-25"` too), or a `range` or sequence of years.

    Raises `TypeError` for a value that is none of these, and `ValueError`, naming `period`,
    for an empty or backward span, a year given twice, or more than `MAX_PERIODS` years.

    >>> parse_periods("2021..2025"), parse_periods(range(2023, 2026)), parse_periods(["2024-25"])
    ((2021, 2022, 2023, 2024, 2025), (2023, 2024, 2025), (2025,))
    """
    if isinstance(periods, str) and ".." in periods:
        first, _, last = periods.partition("..")
        start, end = parse_period(first.strip()), parse_period(last.strip())
        if end < start:
            msg = f"`period` runs backwards: write the earlier year first ({end}..{start})"
            raise ValueError(msg)
        years: tuple[int, ...] = tuple(range(start, end + 1))
    elif isinstance(periods, range | list | tuple):
        years = tuple(parse_period(p) for p in periods)
        repeated = sorted({y for y in years if years.count(y) > 1})
        if repeated:
            msg = f"`period` names {', '.join(map(str, repeated))} more than once"
            raise ValueError(msg)
        years = tuple(sorted(years))
    else:
        years = (parse_period(periods),)
    if not years:
        msg = "`period` names no year: give at least one"
        raise ValueError(msg)
    if len(years) > MAX_PERIODS:
        msg = (f"`period` spans {len(years)} years ({years[0]} to {years[-1]}); at most "
               f"{MAX_PERIODS} are evaluated in one run")
        raise ValueError(msg)
    return years


def label(period: int) -> str:
    """The reporting year as people write it.

    >>> label(2025)
    '2024-25'
    """
    return f"{period - 1}-{period % 100:02d}"


# ------------------------------------------------------------------ periods of rows


@frozen(eq=False)
class RowPeriods:
    """The period of each row (-1 where missing or unreadable) and the unreadable rows."""

    periods: npt.NDArray[np.int64]
    unreadable: npt.NDArray[np.intp]
    problems: Mapping[str, PeriodLabelError]
    """Unreadable value (as text) → why."""

    def value_of(self, values: npt.NDArray[Any], row: int) -> str:
        """The text of a row's value, as `problems` is keyed."""
        return _text(values[row])


def row_periods(values: npt.NDArray[Any], kind: m.PeriodKind) -> RowPeriods:
    """The period of every row of a period column (float64 for an `integer` column, NaN
    missing; str for `text`, "" missing). Each distinct value is read once.

    >>> row_periods(np.array(["2023/24", "", "2024/25", "x"]), m.PeriodKind.ACADEMIC_YEAR).periods
    array([2024,   -1, 2025,   -1])
    """
    uniques, inverse = np.unique(values, return_inverse=True)
    found = np.full(len(uniques), -1, dtype=np.int64)
    problems: dict[str, PeriodLabelError] = {}
    bad = np.zeros(len(uniques), dtype=np.bool_)
    for index, value in enumerate(uniques.tolist()):
        text = _text(value)
        if not text:
            continue
        try:
            found[index] = read_label(text, kind)
        except PeriodLabelError as error:
            problems[text] = error
            bad[index] = True
    inverse = inverse.reshape(-1)
    return RowPeriods(found[inverse], np.flatnonzero(bad[inverse]), problems)


def _text(value: Any) -> str:
    """A value of a period column as written: whole numbers without `.0`, "" for missing."""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def period_of(value: Any, kind: m.PeriodKind) -> int | None:
    """One row's period from its Python value (None when missing or unreadable): what the
    reference interpreter reads, value by value.

    >>> period_of(2024.0, m.PeriodKind.CALENDAR_YEAR), period_of(None, m.PeriodKind.CALENDAR_YEAR)
    (2024, None)
    """
    text = "" if value is None else _text(value)
    try:
        return read_label(text, kind) if text else None
    except PeriodLabelError:
        return None


# ------------------------------------------------------------------ what data hold


@frozen
class Holding:
    """The periods one dataset or return holds rows for, and how that is known."""

    source: str
    periods: frozenset[int]
    how: str
    """In words: `time_period 2021 to 2025`, `latest date 2025-03-31 (episodes.DEC)`."""
    earlier: bool = False
    """A record-level return also serves periods before its own (with a warning: it holds
    what it recorded then, not that year's return)."""
    timeless: bool = False
    """Record-level tables without dates: they serve any period asked for, and name none."""

    def serves(self, period: int) -> bool:
        """Whether evaluating `period` finds rows here."""
        return (self.timeless or period in self.periods
                or (self.earlier and period < max(self.periods)))


def years_text(years: Iterable[int]) -> str:
    """Years as runs: `2012 to 2014, 2016`.

    >>> years_text([2016, 2012, 2013, 2014])
    '2012 to 2014, 2016'
    """
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs)


@frozen
class PeriodChoice:
    """The period evaluated, and why: asked for, or the latest the data hold."""

    period: int
    reason: str

    @property
    def label(self) -> str:
        """The period as people write it, `2024-25`."""
        return label(self.period)


def choose_period(holdings: Sequence[Holding], requested: int | None,
                  source: str | None = None) -> PeriodChoice:
    """`requested` if the data hold rows for it; without one, the latest period they hold.

    Raises `OutcomeSpecError` (D131, placed in `source`, the data's directory) naming the
    periods the data hold when they hold none, or not the one requested.

    >>> held = [Holding("cla_numbers", frozenset({2024, 2025}), "time_period 2024 to 2025")]
    >>> choose_period(held, None).reason
    'the latest period the data hold: cla_numbers (time_period 2024 to 2025)'
    """
    holdings = tuple(dict.fromkeys(holdings))  # frameworks read together share datasets
    present = frozenset().union(*(h.periods for h in holdings))
    if requested is None and present:
        latest = max(present)
        sources = "; ".join(f"{h.source} ({h.how})" for h in holdings if latest in h.periods)
        return PeriodChoice(latest, f"the latest period the data hold: {sources}")
    if requested is not None and any(h.serves(requested) for h in holdings):
        return PeriodChoice(requested, "as requested")
    detail = "; ".join(f"{h.source}: {h.how}" for h in holdings)
    if not present and any(h.timeless for h in holdings):
        message = "the data do not say which reporting period they hold"
        fix = f"give the period, e.g. 2025 ({detail})"
    elif not present:
        message = "the data hold rows of no reporting period"
        fix = (f"give the datasets the framework reads ({detail})" if detail
               else "give the datasets the framework reads")
    else:
        assert requested is not None
        message = (f"the data hold no rows for period {requested} ({label(requested)}); they "
                   f"hold {years_text(present)}")
        fix = f"choose one of those periods; what each dataset holds: {detail}"
    raise OutcomeSpecError([Diagnostic.of("D131", message, None, path=source, help=fix)])
