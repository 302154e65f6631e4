"""What the partitions sent back, put together on the driver: a load result per dataset,
holding a summary table, and per-area totals equal to those of one evaluation in process.

Why the totals combine exactly: every row of a partition belongs to its local authority
(`partition._check_key`), and rows relate only within an authority, so an authority's totals
are those of the one partition that holds its rows, read off there. An authority with no
rows has what a partition without its rows gives (`defaults`: 0 counted, an area-level sum
unknown). A breakdown category absent from an authority's rows has, as in process, nothing
counted where the count depends on the category, and the whole's count where it does not
(`_absent_category`). Unit values of means and medians are gathered from every partition;
the results stage pools them in an order that does not depend on where they came from.

The summary table of a dataset holds, instead of its rows, the distinct values of the
columns the driver's checks read (periods, a return's dates, short text columns, area
texts), with how many rows each stands for where that matters: the checks in process then
run on it unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from attrs import frozen

from outcomespec import model as m
from outcomespec.evaluation.areas import IndicatorTotals
from outcomespec.evaluation.evaluator import SubsetViolation
from outcomespec.evaluation.gazetteer import AreaTally
from outcomespec.evaluation.plan import IndicatorPlan, Plan
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.loader import LoadReport, LoadResult
from outcomespec.loading.tables import Table
from outcomespec.spark.partition import Job, Kind

Cell = tuple[float, float, int, int]
"""One authority's numerator, denominator and their markers."""


@frozen
class Sent:
    """Everything the partitions sent back, combined (before the period's checks)."""

    loads: Mapping[str, LoadResult]
    tallies: Mapping[str, AreaTally]
    weights: Mapping[tuple[str, str], npt.NDArray[np.int64]]
    diagnostics: tuple[Diagnostic, ...]
    """Those of evaluating (D204, D210), not of loading (in `loads`)."""
    violations: tuple[SubsetViolation, ...]


def combine_sent(job: Job, rows: pa.Table) -> Sent:
    """The load results, area tallies and date weights of every dataset, and the
    evaluation's diagnostics and violations."""
    kinds = rows.column("kind").to_numpy(zero_copy_only=False)
    texts = rows.column("text").to_numpy(zero_copy_only=False)
    surveys: dict[int, list[dict[str, Any]]] = {}
    reports: dict[int, list[dict[str, Any]]] = {}
    diagnostics: dict[int, list[Diagnostic]] = {}
    evaluated: list[Diagnostic] = []
    for kind, text in zip(kinds.tolist(), texts.tolist(), strict=True):
        if kind == Kind.SURVEY:
            found = json.loads(text)
            surveys.setdefault(found["dataset"], []).append(found)
        elif kind == Kind.REPORT:
            found = json.loads(text)
            reports.setdefault(found["dataset"], []).append(found)
    for kind, text in zip(kinds.tolist(), texts.tolist(), strict=True):
        if kind == Kind.DIAGNOSTIC:
            diagnostic = _diagnostic(json.loads(text), job.plan)
            loaded = _dataset_of(diagnostic, job)
            if loaded is None:
                evaluated.append(diagnostic)
            else:
                diagnostics.setdefault(loaded, []).append(diagnostic)
    loads: dict[str, LoadResult] = {}
    tallies: dict[str, AreaTally] = {}
    weights: dict[tuple[str, str], npt.NDArray[np.int64]] = {}
    for index, dataset in enumerate(job.datasets):
        report = _merged_report(reports.get(index, []), job.sources[index])
        found = surveys.get(index, [])
        table = None
        if found or not reports.get(index):
            table, tally, dated = _summary(dataset, found)
            tallies[dataset.name] = tally
            weights.update({(dataset.name, column): w for column, w in dated.items()})
        loads[dataset.name] = LoadResult(table, tuple(_unique(diagnostics.get(index, []))),
                                         report)
    return Sent(loads, tallies, weights, tuple(_unique(evaluated)), _violations(job, rows))


def _unique(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic once (a file's missing column is found by every partition)."""
    return list(dict.fromkeys(diagnostics))


def _diagnostic(found: Mapping[str, Any], plan: Plan) -> Diagnostic:
    owner = found["indicator"]
    span = plan.indicators[owner].indicator.span if owner >= 0 else None
    return Diagnostic.of(found["code"], found["message"], span, help=found["help"],
                         path=found["path"], line=found["line"])


def _dataset_of(diagnostic: Diagnostic, job: Job) -> int | None:
    """The dataset whose loading gave the diagnostic (None: evaluating gave it)."""
    if diagnostic.code.startswith("D1"):
        for index, source in enumerate(job.sources):
            if diagnostic.path is not None and diagnostic.path.startswith(f"{source} ["):
                return index
    return None


def _merged_report(found: Sequence[Mapping[str, Any]], source: str) -> LoadReport:
    """One report for the whole DataFrame: the partitions' counts added up."""
    missing: dict[tuple[str, str], int] = {}
    excluded: dict[str, int] = {}
    for report in found:
        for column, rule, count in report["missing"]:
            missing[(column, rule)] = missing.get((column, rule), 0) + count
        for rule, count in report["excluded"]:
            excluded[rule] = excluded.get(rule, 0) + count
    first = found[0] if found else {"ignored": (), "absent": (), "filled": ()}
    return LoadReport(source, sum(r["rows_read"] for r in found),
                      sum(r["rows_kept"] for r in found),
                      tuple((c, r, n) for (c, r), n in missing.items()),
                      tuple(excluded.items()), tuple(first["ignored"]),
                      tuple(first["absent"]), tuple(tuple(f) for f in first["filled"]))


def _summary(dataset: m.Dataset, surveys: Sequence[Mapping[str, Any]]
             ) -> tuple[Table, AreaTally, dict[str, npt.NDArray[np.int64]]]:
    """The summary table of a dataset, its area tally, and how many rows each date of its
    date columns stands for."""
    rows = sum(s["rows"] for s in surveys)
    periods = None
    if dataset.period is not None and any(s["periods"] is not None for s in surveys):
        periods = sorted({p for s in surveys for p in s["periods"] or ()})
    dates: dict[str, dict[int, int]] = {
        c.name: {} for c in dataset.columns
        if c.type.kind is m.ValueKind.DATE and periods is None}
    texts: dict[str, set[str]] = {}
    wide: set[str] = set()
    for found in surveys:
        for column, (days, counts) in found["dates"].items():
            tally = dates.setdefault(column, {})
            for day, count in zip(days, counts, strict=True):
                tally[day] = tally.get(day, 0) + count
        for column in dataset.columns:
            if column.type.kind is m.ValueKind.TEXT and column.name != dataset.area:
                if column.name in found["texts"]:
                    texts.setdefault(column.name, set()).update(found["texts"][column.name])
                else:
                    wide.add(column.name)
    areas: dict[str, tuple[int, int]] = {}
    for found in surveys:
        for text, count, line in found["areas"]:
            before = areas.get(text, (0, line))
            areas[text] = (before[0] + count, min(before[1], line))
    columns: dict[str, Any] = {}
    for column, tally in dates.items():
        columns[column] = np.array(sorted(tally), dtype=np.int64).view("datetime64[D]")
    for column, values in texts.items():
        if column not in wide:
            columns[column] = np.array(sorted(values), dtype=np.str_)
    if dataset.area is not None and areas:
        columns[dataset.area] = np.array(sorted(areas), dtype=np.str_)
    length = max([len(v) for v in columns.values()] + [len(periods or ()), min(rows, 1)])
    padded = {name: _padded(values, length, dataset.column(name)) for name, values
              in columns.items()}
    weights = {column: _padded(np.array([tally[d] for d in sorted(tally)], dtype=np.int64),
                               length, None) for column, tally in dates.items()}
    period_array = None if periods is None else np.array(
        periods + [-1] * (length - len(periods)), dtype=np.int64)
    if not padded:
        padded["__rows"] = np.zeros(length, dtype=np.int8)
    table = Table.of(dataset, padded, source=dataset.name, periods=period_array)
    area_tally = (tuple(sorted(areas)), [areas[t][0] for t in sorted(areas)],
                  [areas[t][1] for t in sorted(areas)])
    return table, area_tally, weights


def _padded(values: Any, length: int, column: m.Column | None) -> Any:
    """`values` made `length` long with missing values (or 0 rows: weights)."""
    extra = length - len(values)
    if column is None:
        return np.concatenate([values, np.zeros(extra, dtype=values.dtype)])
    fill = np.full(extra, np.datetime64("NaT") if values.dtype.kind == "M" else "",
                   dtype=values.dtype)
    return np.concatenate([values, fill])


def _violations(job: Job, rows: pa.Table) -> tuple[SubsetViolation, ...]:
    """Per indicator, the units counted outside the denominator in every partition."""
    found: dict[int, tuple[int, tuple[int, ...]]] = {}
    chosen = rows.filter(pa.compute.equal(rows.column("kind"), Kind.VIOLATION.value))
    for indicator, units, examples in zip(chosen.column("indicator").to_pylist(),
                                          chosen.column("a").to_pylist(),
                                          chosen.column("text").to_pylist(), strict=True):
        before = found.get(indicator, (0, ()))
        found[indicator] = (before[0] + int(units), (*before[1], *json.loads(examples))[:5])
    return tuple(SubsetViolation(job.plan.indicators[i].indicator, units, examples)
                 for i, (units, examples) in sorted(found.items()))


def combine_totals(job: Job, rows: pa.Table, evaluated: Sequence[IndicatorPlan],
                   defaults: Mapping[tuple[int, str], Cell]) -> tuple[IndicatorTotals, ...]:
    """The per-area totals of the `evaluated` indicators, in the order one evaluation in
    process gives them; `defaults`: what a partition without an authority's rows gives it,
    by (indicator, breakdown)."""
    n = job.frame.n_areas
    chosen = rows.filter(pa.compute.is_in(rows.column("kind"), pa.array(
        [Kind.TOTALS.value, Kind.VALUE.value])))
    columns = {name: chosen.column(name).to_numpy(zero_copy_only=False) for name in (
        "kind", "indicator", "breakdown", "area", "a", "b", "ma", "mb")}
    cells: dict[tuple[int, str], dict[int, Cell]] = {}
    values: dict[tuple[int, str], list[tuple[npt.NDArray[Any], npt.NDArray[Any]]]] = {}
    is_totals = columns["kind"] == Kind.TOTALS.value
    for i in np.flatnonzero(is_totals).tolist():
        cells.setdefault((int(columns["indicator"][i]), str(columns["breakdown"][i])), {})[
            int(columns["area"][i])] = (float(columns["a"][i]), float(columns["b"][i]),
                                         int(columns["ma"][i]), int(columns["mb"][i]))
    if (~is_totals).any():
        split = np.char.add(columns["indicator"][~is_totals].astype(np.str_),
                            np.char.add("|", columns["breakdown"][~is_totals].astype(np.str_)))
        areas, found = columns["area"][~is_totals], columns["a"][~is_totals]
        for name in np.unique(split).tolist():
            where = split == name
            indicator, _, breakdown = name.partition("|")
            values.setdefault((int(indicator), breakdown), []).append(
                (found[where], areas[where]))
    index = {p.indicator.name: i for i, p in enumerate(job.plan.indicators)}
    out = []
    for plan in evaluated:
        i = index[plan.indicator.name]
        whole = cells.get((i, ""), {})
        for label in _labels(job, plan, {b for (j, b) in cells if j == i}):
            here = cells.get((i, label), {})
            per_area = []
            for area in range(n):
                cell = here.get(area)
                if cell is None:
                    base = whole.get(area, defaults[(i, "")])
                    cell = base if not label else _absent_category(plan, base)
                per_area.append(cell)
            out.append(_totals(plan.indicator, label, per_area, values.get((i, label))))
    return tuple(out)


def _labels(job: Job, plan: IndicatorPlan, found: set[str]) -> list[str]:
    """The breakdown labels of an indicator in the order evaluation gives them: the whole,
    then each breakdown's categories (yes and no; or the codes present in any partition, in
    the codelist's order)."""
    labels = [""]
    if plan.cohort_dataset is None:
        return labels
    for (label, _), expr in zip(plan.breakdowns, plan.indicator.breakdowns, strict=True):
        if expr.type.kind is m.ValueKind.BOOLEAN:
            labels += [f"{label}: yes", f"{label}: no"]
            continue
        codes = job.codelists[expr.type.codelist].code_values if expr.type.codelist else ()
        prefix = f"{label}: "
        present = [b.removeprefix(prefix) for b in found if b.startswith(prefix)]

        def position(code: str, codes: tuple[str, ...] = codes) -> int:
            return codes.index(code) if code in codes else int(code)

        labels += [prefix + code for code in sorted(present, key=position)]
    return labels


def _absent_category(plan: IndicatorPlan, whole: Cell) -> Cell:
    """An authority's cell for a breakdown category none of its rows has: what evaluation
    gives a category selecting nothing (a numerator or denominator counted within the
    cohort is 0; one that is not, such as a population, is the whole's)."""
    statistic = plan.indicator.statistic
    if statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN):
        return (0.0, np.nan, 0, 0)
    num, den, num_marker, den_marker = whole
    if plan.numerator is not None and plan.numerator_dataset == plan.cohort_dataset:
        num, num_marker = 0.0, 0
    if statistic is m.Statistic.PROPORTION:
        den, den_marker = 0.0, 0
    return (num, den, num_marker, den_marker)


def _totals(indicator: m.Indicator, label: str, cells: Sequence[Cell],
            found: Sequence[tuple[npt.NDArray[Any], npt.NDArray[Any]]] | None
            ) -> IndicatorTotals:
    num, den, num_markers, den_markers = (np.array(c) for c in zip(*cells, strict=True))
    values = areas = None
    if indicator.statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN):
        values = np.concatenate([v for v, _ in found or ()] + [np.zeros(0)])
        areas = np.concatenate([a for _, a in found or ()] + [np.zeros(0, np.int32)]
                               ).astype(np.int64)
    none = np.zeros(0, dtype=np.int8)
    return IndicatorTotals(indicator, num, den, values=values, value_areas=areas,
                           breakdown=label,
                           numerator_markers=num_markers if num_markers.any() else none,
                           denominator_markers=den_markers if den_markers.any() else none)


__all__ = ["Cell", "Sent", "combine_sent", "combine_totals"]
