"""Which reporting periods the loaded data cover, as a plan reads them, and so which
indicators have data for a period.

A dataset with a period column covers the periods of its rows, seen through each selection
that reads it: read `for period - 1`, the mid-2024 population covers period 2025. A record-level
return (the tables of one library file without a period column, such as SSDA903's) is one
return of one reporting year (`periods.return_year`); evaluated for an earlier period it gives
what it recorded then, with a warning (D122), and for a later one nothing. Tables with neither
a period column nor dates are timeless: they serve any period asked for, and name none (the
geography, read only for the areas, does not count at all).

An indicator is evaluated for a period only when every dataset it reads has rows there: an
empty table, or a period the data do not hold, gives `no_data_for_period`, never a 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
from attrs import frozen

from outcomespec import model as m
from outcomespec.diagnostics import Diagnostic
from outcomespec.periods import (
    Holding,
    ReturnYear,
    held_periods,
    label,
    return_year,
    years_text,
)
from outcomespec.planning import IndicatorPlan, Plan
from outcomespec.tables import Table


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
        """D122 for each record-level return read for a period before its own, placed in the
        file (`sources`: dataset → file) that holds the return's latest date."""
        read = {_module(d) for p in plan.indicators for d, _ in p.reads}
        return tuple(
            Diagnostic.of(
                "D122", f"the `{module}` return holds {found.year} ({label(found.year)}; its "
                f"latest date is {found.date.isoformat()}, in {found.column}), and is evaluated "
                f"for {period} ({label(period)})", None,
                path=sources.get(f"{module}.{found.column.split('.')[0]}"),
                help=f"it gives only what it recorded about {period}: give the {period} return, "
                f"or evaluate {found.year}")
            for module, found in sorted(self.returns.items())
            if module in read and found.year > period)


def data_coverage(plan: Plan, tables: Mapping[str, Table], reporting: m.ReportingPeriod,
                  today: dt.date | None = None) -> Coverage:
    """The periods the supplied tables hold, as the plan reads them; a return's dates after
    `today` (default: the clock) do not count."""
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
        dates = {f"{_short(name)}.{column.name}": table.columns[column.name]
                 for name, table in sorted(tables.items())
                 if _module(name) == module and table.periods is None
                 for column in table.dataset.columns if column.type.kind is m.ValueKind.DATE}
        found = return_year(dates, reporting, today or dt.date.today())
        if found is not None:
            returns[module] = found
            holdings.append(Holding(
                f"{module} return", frozenset({found.year}),
                f"latest date {found.date.isoformat()} in {found.column}", earlier=True))
        else:
            holdings.append(Holding(module, frozenset(), "no dates to place it in a period",
                                    timeless=True))
    return Coverage(present, returns, tuple(holdings))


def _module(dataset: str) -> str:
    return dataset.rsplit(".", 1)[0]


def _short(dataset: str) -> str:
    return dataset.rsplit(".", 1)[-1]


__all__ = ["Coverage", "data_coverage"]
