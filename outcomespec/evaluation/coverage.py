"""Which reporting periods the loaded data cover, as a plan reads them, and so which
indicators have data for a period.

A dataset with a period column covers the periods of its rows, seen through each selection
that reads it: read `for period - 1`, the mid-2024 population covers period 2025. A record-level
return (the tables of one library file without a period column, such as SSDA903's) is one
return of one reporting year (`return_year`); evaluated for an earlier period it gives
what it recorded then, with a warning (D132), and for a later one nothing. Tables with neither
a period column nor dates are timeless: they serve any period asked for, and name none (the
geography, read only for the areas, does not count at all).

An indicator is evaluated for a period only when every dataset it reads has rows there: an
empty table, or a period the data do not hold, gives `no_data_for_period`, never a 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m
from outcomespec.evaluation.plan import IndicatorPlan, Plan
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.periods import Holding, label, years_text
from outcomespec.loading.tables import Table

RETURN_SHARE = 0.01
"""A return's year is the latest reporting year holding at least this share of its dates."""


def reporting_years(dates: npt.NDArray[np.datetime64], reporting: m.ReportingPeriod
                    ) -> npt.NDArray[np.int64]:
    """The reporting year each date falls in (the year in which that year ends); no NaT.

    Computed once per day of the span the dates cover, then looked up: a national file's
    million dates cost one gather, not a million calendar conversions.

    >>> reporting_years(np.array(["2025-03-31", "2025-04-01"], dtype="datetime64[D]"),
    ...                 m.ReportingPeriod())
    array([2025, 2026])
    """
    days = dates.astype("datetime64[D]").view(np.int64)
    if not days.size:
        return np.zeros(0, dtype=np.int64)
    first = int(days.min())
    span = np.arange(first, int(days.max()) + 1, dtype=np.int64).view("datetime64[D]")
    years = span.astype("datetime64[Y]").astype(np.int64) + 1970
    into = (span - span.astype("datetime64[Y]")).astype(np.int64)  # days since 1 January
    ends = np.array([_day_of_year(int(y), reporting) for y in range(int(years[0]),
                                                                    int(years[-1]) + 1)])
    table = years + (into > ends[years - years[0]])
    return np.asarray(table[days - first], dtype=np.int64)


def _day_of_year(year: int, reporting: m.ReportingPeriod) -> int:
    day = min(reporting.day, 28) if reporting.month == 2 else reporting.day
    if reporting.month == 2 and reporting.day == 29 and year % 4 == 0 and (
            year % 100 != 0 or year % 400 == 0):
        day = 29
    return (dt.date(year, reporting.month, day) - dt.date(year, 1, 1)).days


@frozen
class ReturnYear:
    """The reporting year of a record-level return, and the date that shows it."""

    year: int
    date: dt.date
    column: str
    """`dataset.column` holding `date`."""


def held_periods(present: Collection[int], selection: m.Periods) -> frozenset[int]:
    """The reporting periods for which rows of the `present` periods are there to be read as
    `selection` reads them: every period of its window must have rows.

    >>> sorted(held_periods({2023, 2024}, m.Periods((-1,))))
    [2024, 2025]
    >>> sorted(held_periods({2021, 2022, 2023, 2025}, m.Periods((-2, -1, 0))))
    [2023]
    """
    offsets = selection.offsets or (0,)
    candidates = {p - o for p in present for o in offsets}
    return frozenset(c for c in candidates if all(c + o in present for o in offsets))


def return_year(dates: Mapping[str, npt.NDArray[np.datetime64]], reporting: m.ReportingPeriod,
                today: dt.date, weights: Mapping[str, npt.NDArray[np.int64]] | None = None
                ) -> ReturnYear | None:
    """The reporting year of a record-level return from the dates of its tables (`dates`
    maps `dataset.column` to the column's dates): the latest year, up to today, that holds
    at least RETURN_SHARE of its dates, so that a few dates keyed in error or still to come
    (a review planned, an expected date of birth) do not move the return to a later year.
    None when it has no dates. `weights`, where given for a column, says how many rows each
    of its dates stands for (a column summed up as its distinct dates).

    >>> d = np.array(["2024-05-01", "2025-03-31", "2025-02-01", "2031-01-01"], dtype="M8[D]")
    >>> return_year({"episodes.DEC": d}, m.ReportingPeriod(), dt.date(2026, 1, 1))
    ReturnYear(year=2025, date=datetime.date(2025, 3, 31), column='episodes.DEC')
    """
    limit = np.datetime64(today, "D")
    years: dict[str, tuple[npt.NDArray[np.datetime64], npt.NDArray[np.int64]]] = {}
    counts: dict[int, int] = {}
    for name, values in dates.items():
        keep = ~np.isnat(values) & (values <= limit)
        kept = values[keep]
        found = reporting_years(kept, reporting)
        years[name] = (kept, found)
        if found.size:
            first = int(found.min())
            weight = None if weights is None or name not in weights else weights[name][keep]
            tally = np.bincount(found - first, weights=weight).astype(np.int64)
            for offset, count in enumerate(tally.tolist()):
                if count:
                    counts[first + offset] = counts.get(first + offset, 0) + count
    total = sum(counts.values())
    if not total:
        return None
    year = max(y for y, count in counts.items() if count >= RETURN_SHARE * total)
    latest: tuple[np.datetime64, str] | None = None
    for name, (kept, found) in sorted(years.items()):
        inside = kept[found == year]
        if inside.size and (latest is None or inside.max() > latest[0]):
            latest = (inside.max(), name)
    assert latest is not None
    return ReturnYear(year, dt.date.fromisoformat(str(latest[0])), latest[1])


@frozen
class Coverage:
    """What periods the data hold: per (dataset, selection) read of a period column, and per
    record-level return (by library module)."""

    present: Mapping[str, frozenset[int]]
    """Dataset with a period column → the periods of its rows."""
    returns: Mapping[str, ReturnYear]
    holdings: tuple[Holding, ...]
    """The same, in words, for choosing and explaining the period."""

    def missing(self, plan: IndicatorPlan, tables: Mapping[str, Table], period: int
                ) -> str | None:
        """Why the indicator has no data for `period` (None when it has)."""
        for dataset, selection in plan.reads:
            table = tables[dataset]
            short = _short(dataset)
            if table.n_rows == 0:
                return f"`{short}` has no rows"
            wanted = selection.years(period)
            present = self.present.get(dataset)
            if present is not None and wanted is not None:
                lacking = [year for year in wanted if year not in present]
                if lacking:
                    return (f"`{short}` has no rows for {years_text(lacking)} "
                            f"({table.dataset.period} holds {years_text(present) or 'none'})")
            found = self.returns.get(_module(dataset))
            if table.periods is None and found is not None and found.year < period:
                return (f"the `{_module(dataset)}` return is of {found.year} (latest date "
                        f"{found.date.isoformat()} in {found.column}), not {period}")
        return None

    def warnings(self, plan: Plan, period: int, sources: Mapping[str, str]
                 ) -> tuple[Diagnostic, ...]:
        """D132 for each record-level return read for a period before its own, placed in the
        file (`sources`: dataset → file) that holds the return's latest date."""
        read = {_module(d) for p in plan.indicators for d, _ in p.reads}
        return tuple(
            Diagnostic.of(
                "D132", f"the `{module}` return holds {found.year} ({label(found.year)}; its "
                f"latest date is {found.date.isoformat()}, in {found.column}), and is evaluated "
                f"for {period} ({label(period)})", None,
                path=sources.get(f"{module}.{found.column.split('.')[0]}"),
                help=f"it gives only what it recorded about {period}: give the {period} return, "
                f"or evaluate {found.year}")
            for module, found in sorted(self.returns.items())
            if module in read and found.year > period)


def data_coverage(plan: Plan, tables: Mapping[str, Table], reporting: m.ReportingPeriod,
                  today: dt.date | None = None, *, modules: Sequence[m.Framework] = (),
                  weights: Mapping[tuple[str, str], npt.NDArray[np.int64]] | None = None
                  ) -> Coverage:
    """The periods the supplied tables hold, as the plan reads them; a return's dates after
    `today` (default: the clock) do not count.

    A return is placed by the dates of its events: in a library (of `modules`) whose datasets
    say which columns date them (`dated by`), only those columns count, so that a table of
    care leavers, whose only date is their birth, places the return in no year; in a library
    that says nothing, every date column counts. `weights` (dataset, column) → how many rows
    each date stands for, where a table holds each column's distinct dates only (the
    partitions of `outcomespec.spark`, summed up on the driver)."""
    dated = {module.name for module in modules if any(d.dated_by for d in module.datasets)}
    present = {name: frozenset(int(p) for p in np.unique(table.periods) if p >= 0)
               for name, table in tables.items() if table.periods is not None}
    holdings: list[Holding] = []
    for dataset, selection in dict.fromkeys(r for p in plan.indicators for r in p.reads):
        table = tables.get(dataset)
        if table is None or table.periods is None or selection.offsets is None:
            continue
        how = f"{table.dataset.period} {years_text(present[dataset]) or 'empty'}"
        if str(selection):
            how += f", read {selection}"
        holdings.append(Holding(_short(dataset), held_periods(present[dataset], selection),
                                how))
    returns: dict[str, ReturnYear] = {}
    read = {dataset for p in plan.indicators for dataset, _ in p.reads}
    for module in sorted({_module(name) for name, table in tables.items()
                          if name in read and table.periods is None}):
        dates = {f"{_short(name)}.{column}": table.values(column)
                 for name, table in sorted(tables.items())
                 if _module(name) == module and table.periods is None
                 for column in _event_dates(table.dataset, module in dated)}
        counts = {f"{_short(name)}.{column}": tally for (name, column), tally
                  in (weights or {}).items()}
        found = return_year(dates, reporting, today or dt.date.today(), counts)
        if found is not None:
            returns[module] = found
            holdings.append(Holding(
                f"{module} return", frozenset({found.year}),
                f"latest date {found.date.isoformat()} in {found.column}", earlier=True))
        else:
            holdings.append(Holding(module, frozenset(), "no dates to place it in a period",
                                    timeless=True))
    return Coverage(present, returns, tuple(holdings))


def _event_dates(dataset: m.Dataset, dated: bool) -> tuple[str, ...]:
    """The columns that date a return's events: those the dataset is `dated by` when its
    library says, else every date column."""
    if dated:
        return dataset.dated_by
    return tuple(c.name for c in dataset.columns if c.type.kind is m.ValueKind.DATE)


def _module(dataset: str) -> str:
    return dataset.rsplit(".", 1)[0]


def _short(dataset: str) -> str:
    return dataset.rsplit(".", 1)[-1]


__all__ = ["Coverage", "data_coverage"]
