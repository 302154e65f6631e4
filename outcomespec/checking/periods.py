"""Check what a framework says about periods: a dataset's period column and its kind, and
which periods' rows a population or aggregation reads (`for period - 1`, `for last 3
periods`, `for all periods`).

Evaluation reads only the reporting period's rows of a dataset with a period column, so a
dataset that holds a row per year must declare its period column (else a sum over it pools
every year in the file), and the column itself is never written in a condition: reading
other periods is said after the dataset's name, where a reader of the framework sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never

from outcomespec import model as m
from outcomespec.checking.context import Context
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic, Label, did_you_mean

KINDS = tuple(kind.value for kind in m.PeriodKind)
_INTEGER = m.ValueType(m.ValueKind.NUMBER, integer=True)


def check_period_column(ctx: Context, setting: s.PeriodColumn, name: str,
                        columns: Sequence[m.Column]) -> tuple[str, m.PeriodKind]:
    """`period COLUMN [KIND]`: the column (`name`, "" when it is not one) holds integers or
    text, and the kind is one we read. ("", kind) when the column is not usable."""
    kind = m.PeriodKind.YEAR_ENDING
    if setting.kind is not None:
        try:
            kind = m.PeriodKind(setting.kind.text)
        except ValueError:
            ctx.report(Diagnostic.of(
                "E420", f"`{setting.kind.text}` is not a kind of period", setting.kind.span,
                help=did_you_mean(setting.kind.text, KINDS) or "use " + ", ".join(KINDS)))
    column = next((c for c in columns if c.name == name), None)
    if column is not None and column.type not in (_INTEGER, m.TEXT):
        ctx.report(Diagnostic.of(
            "E420", f"the period column `{column.name}` is {column.type:a} column",
            setting.column.span, labels=[Label(column.span, "declared here")],
            help="declare it `integer` (2025, 202425) or `text` (\"2024-25\")"))
        return "", kind
    return name, kind


def check_rows_have_period(ctx: Context, node: s.Dataset, rows: str | None) -> None:
    """A dataset whose rows are per year (`area_year`) must say which column names the year."""
    if rows is None or "year" not in rows or any(isinstance(i, s.PeriodColumn)
                                                 for i in node.items):
        return
    rows_span = next((i.span for i in node.items if isinstance(i, s.Rows)), node.name.span)
    ctx.report(Diagnostic.of(
        "E413", f"dataset `{node.name.text}` holds a row per year (`rows {rows}`) but does "
        "not say which column names the year", rows_span,
        help="add `period COLUMN`, e.g. `period time_period`, so that each period reads its "
        "own rows (without it a sum pools every year in the file)"))


def check_selection(ctx: Context, selection: s.PeriodSelection | None, dataset: m.Dataset
                    ) -> m.Periods | None:
    """The periods a population or aggregation over `dataset` reads (None after an error)."""
    if selection is None:
        return m.CURRENT
    if dataset.period is None:
        short = dataset.name.rsplit(".", 1)[-1]
        ctx.report(Diagnostic.of(
            "E420", f"`{short}` has no period column, so its periods cannot be chosen",
            selection.span, labels=[Label(dataset.span, "declared here")],
            help=f"remove `{selection.span.text}`: every row of `{short}` is read (a "
            "record-level return holds one year); or declare its `period COLUMN`"))
        return None
    match selection:
        case s.PreviousPeriod(back=back):
            years = _whole(ctx, back, 1, "go back at least one period")
            return None if years is None else m.Periods((-years,))
        case s.LastPeriods(count=count):
            number = _whole(ctx, count, 2, "pool at least 2 periods (the reporting period "
                            "alone is read without `for`)")
            return None if number is None else m.Periods(tuple(range(1 - number, 1)))
        case s.AllPeriods():
            return m.Periods(None)
        case _:
            assert_never(selection)


def check_cohort_selection(ctx: Context, selection: s.PeriodSelection | None,
                           cohort: m.Population, name: str) -> bool:
    """A population based on a cohort reads the cohort's periods; false after an error."""
    if selection is None:
        return True
    ctx.report(Diagnostic.of(
        "E420", f"`{name}` is a cohort, which reads the periods its declaration gives",
        selection.span, labels=[Label(cohort.span, "declared here")] if cohort.span else [],
        help=f"remove `{selection.span.text}` here, or write it in the cohort's declaration"))
    return False


def period_column_help(dataset: m.Dataset, other: s.Expr | None) -> str:
    """How to read other periods than by comparing the period column with `period.year`."""
    short = dataset.name.rsplit(".", 1)[-1]
    value = next((c.name for c in dataset.columns
                  if c.type.kind is m.ValueKind.NUMBER and c.name != dataset.period), "COLUMN")
    back = _years_back(other)
    if back == 0:
        return (f"remove this condition: rows of `{short}` are read for the reporting period "
                "without it")
    shown = f"for period - {back}" if back else "for period - 1"
    return (f"read other periods after the dataset's name where it is used, e.g. "
            f"`sum({value} of {short} {shown})`; or `for last 3 periods`, `for all periods`")


def _years_back(other: s.Expr | None) -> int | None:
    """N for `period.year - N`, 0 for `period.year`, None for anything else."""
    match other:
        case s.PeriodRef(name=s.Name(text="year")):
            return 0
        case s.Binary(op="-", left=s.PeriodRef(name=s.Name(text="year")),
                      right=s.NumberLit(text=text)) if text.isdigit():
            return int(text)
    return None


def _whole(ctx: Context, number: s.NumberLit, least: int, fix: str) -> int | None:
    value = float(number.text)
    if not value.is_integer() or value < least:
        ctx.report(Diagnostic.of("E105", "the number of periods must be a whole number of at "
                                 f"least {least}, not `{number.text}`", number.span, help=fix))
        return None
    return int(value)

