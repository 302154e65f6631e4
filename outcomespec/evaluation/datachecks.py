"""Checks of loaded data against what the plan reads: where the loader's report meets the plan.

The loader reads each dataset without knowing which of its columns an evaluation needs, and
the plan knows what it reads but not what the files held. Two silent failures live between
them, and are caught here:

- a declared column absent from its file, which loading reads as missing on every row: an
  `optional` column means "its values may be empty", not "the file may lack it" when an
  indicator reads it (a dropped `DEC` makes every episode still open, and England's rate of
  children looked after jumps by a third). It is the error D101, naming the indicators that
  read the column; with `keep_going` those indicators are not evaluated. A column collected
  only `from`/`until` some year may be absent outside those years;
- a text literal that no row holds but some row would hold ignoring case and surrounding
  spaces (`geographic_level = "Local authority"` against a file written in lower case), which
  selects nothing: the warning D122, naming the values the column does hold.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from attrs import evolve

from outcomespec import model as m
from outcomespec.evaluation import plan as p
from outcomespec.evaluation.plan import Plan
from outcomespec.language.diagnostics import Diagnostic, did_you_mean
from outcomespec.loading.loader import LoadResult

__all__ = ["absent_columns", "skipping", "unmatched_texts"]

SHOWN = 8
"""Indicators (or values) named in one message before the rest are counted."""


def absent_columns(plan: Plan, loads: Mapping[str, LoadResult], period: int
                   ) -> tuple[tuple[Diagnostic, ...], dict[str, str]]:
    """D101 for each column that an indicator reads and its file lacks, and for each such
    indicator (by qualified name) the reason it cannot be evaluated. A column that the XML
    return the table came from can never hold (`LoadReport.not_carried`: DfE derives the
    SSDA903's PL_DISTANCE after the return) is no error in the file: its indicators are not
    evaluated, as when a dataset is not supplied.

    Why: a column the file lacks is read as missing on every row, and an indicator computed
    from it is a number that looks right. The dataset's area column counts as read by
    every indicator that reads the dataset (without it no row has an authority; a single
    authority's return names its area with `area=` instead).
    """
    readers: dict[tuple[str, str], list[m.Indicator]] = {}
    for indicator_plan in plan.indicators:
        if indicator_plan.problem:
            continue
        read = set(plan.columns_read(indicator_plan))
        for name in indicator_plan.datasets:
            result = loads.get(name)
            if result is not None and result.table is not None \
                    and result.table.dataset.area is not None:
                read.add((name, result.table.dataset.area))
        for dataset, column in sorted(read):
            if _absent(loads.get(dataset), column, period):
                readers.setdefault((dataset, column), []).append(indicator_plan.indicator)
    diagnostics = []
    unusable: dict[str, str] = {}
    for (dataset, column), indicators in readers.items():
        report = loads[dataset].report
        if column in report.not_carried:  # no file of this kind has it: data not supplied
            reason = (f"reads column `{column}` of `{dataset}`, which no {report.returned} "
                      f"carries (`{report.source}`): give the table as a CSV file that has "
                      "the column")
        else:
            diagnostics.append(_absent_diagnostic(dataset, column, indicators, report.source,
                                                  report.ignored_columns))
            reason = f"reads column `{column}` of `{dataset}`, which `{report.source}` lacks"
        for indicator in indicators:
            unusable.setdefault(indicator.name, reason)
    return tuple(diagnostics), unusable


def skipping(plan: Plan, reasons: Mapping[str, str]) -> Plan:
    """The plan with the indicators named in `reasons` (by qualified name) marked as not
    evaluable for that reason: evaluation reports them as not evaluated, never computed."""
    if not reasons:
        return plan
    return evolve(plan, indicators=tuple(
        evolve(p, problem=reasons[p.indicator.name]) if p.indicator.name in reasons else p
        for p in plan.indicators))


def _absent(result: LoadResult | None, column: str, period: int) -> bool:
    """Whether the column is missing from a table that was read, in a year it is collected."""
    if result is None or result.table is None or column not in result.report.absent_columns:
        return False
    declared = result.table.dataset.column(column)
    return declared is None or ((declared.since is None or declared.since <= period)
                                and (declared.until is None or period <= declared.until))


def _absent_diagnostic(dataset: str, column: str, indicators: list[m.Indicator], source: str,
                       header: tuple[str, ...]) -> Diagnostic:
    ids = [i.id for i in indicators[:SHOWN]]
    if len(indicators) > SHOWN:
        ids.append(f"{len(indicators) - SHOWN} more")
    names = ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + f" and {ids[-1]}"
    read_by = (f"indicator {names} reads it" if len(indicators) == 1
               else f"indicators {names} read it")
    suggestion = did_you_mean(column, header)
    fix = ("add the column to the file: `optional` lets a column's values be empty, not the "
           "column be absent when an indicator reads it")
    return Diagnostic.of(
        "D101", f"column `{column}` of dataset `{_short(dataset)}` is missing from the file, "
        f"and {read_by}", None, path=source, line=1,
        help=f"{suggestion} If not, {fix}" if suggestion else fix)


def unmatched_texts(plan: Plan, loads: Mapping[str, LoadResult]) -> tuple[Diagnostic, ...]:
    """D122 for each `COLUMN = "text"` (or `!=`) of the plan whose text no row holds, where
    some row holds it but for case and surrounding spaces.

    Each column is compared with the literal once, as a whole array; only when nothing
    matches are its distinct values looked at.
    """
    found = []
    seen: set[tuple[str, str, str]] = set()
    for step in plan.steps:
        compared = _text_comparison(plan, step)
        if compared is None or compared in seen:
            continue
        seen.add(compared)
        dataset, column, text = compared
        result = loads.get(dataset)
        if result is None or result.table is None or column not in result.table.columns:
            continue
        values = result.table.values(column)
        if not len(values) or (values == text).any():
            continue
        distinct = np.unique(values).tolist()
        folded = text.strip().casefold()
        near = [v for v in distinct if v.strip().casefold() == folded]
        if near:
            found.append(_unmatched_diagnostic(dataset, column, text, near, distinct,
                                               result.report.source))
    return tuple(found)


def _text_comparison(plan: Plan, step: p.Step) -> tuple[str, str, str] | None:
    """(dataset, column, text) of a step comparing a text column with a text literal."""
    if not isinstance(step, p.Compare) or step.op not in (m.ComparisonOp.EQ, m.ComparisonOp.NE) \
            or step.type.kind is not m.ValueKind.TEXT:
        return None
    sources = [_unwrapped(plan, i) for i in (step.left, step.right)]
    columns = [s for s in sources if isinstance(s, p.ReadColumn)]
    texts = [s.value for s in sources if isinstance(s, p.Constant) and isinstance(s.value, str)]
    if len(columns) != 1 or len(texts) != 1:
        return None
    return columns[0].dataset, columns[0].column, texts[0]


def _unwrapped(plan: Plan, step_id: int) -> p.Step:
    """The step, or the step its values come from when it only lays them out in pairs."""
    step = plan.steps[step_id]
    while isinstance(step, p.PairSide):
        step = plan.steps[step.values]
    return step


def _unmatched_diagnostic(dataset: str, column: str, text: str, near: list[str],
                          distinct: list[str], source: str) -> Diagnostic:
    shown = ", ".join(f'"{v}"' for v in distinct[:SHOWN]) + (
        f" and {len(distinct) - SHOWN} more" if len(distinct) > SHOWN else "")
    return Diagnostic.of(
        "D122", f'no row of dataset `{_short(dataset)}` has {column} = "{text}", so the '
        f"condition selects nothing; the column holds {shown}", None, path=source,
        help=f'the file writes it "{near[0]}": correct the file, or write `{column} = '
        f'"{near[0]}"` in the framework')


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
