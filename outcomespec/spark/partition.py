"""What runs on a Spark executor: one partition's rows (one local authority's, of every
dataset) loaded, surveyed and evaluated by the same compiled plan as in process, and sent
back as rows of one Arrow table.

No Spark here, only Arrow, NumPy and outcomespec: the function is given to
`groupBy(...).applyInArrow`, and can be tested (and is, by the driver for an empty
partition) without a cluster.

What comes back, one row each (`KINDS`): the partition's totals for its own authority
(`totals`), the unit-level values of means and medians (`value`), the load report and a
survey of each dataset (what the driver needs to choose the period, check area codes and
decide which indicators have data, `report`, `survey`), data diagnostics (`diagnostic`) and
numerators outside their denominators (`violation`). Everything that adds up is added up on
the driver (`outcomespec.spark.combine`); nothing here decides what is published.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from attrs import frozen

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.evaluation.coverage import Coverage
from outcomespec.evaluation.evaluator import Evaluation, evaluate_plan
from outcomespec.evaluation.plan import IndicatorPlan, Plan
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.identifiers import area_text, share_codes
from outcomespec.loading.loader import LoadReport, LoadResult, load_table
from outcomespec.loading.tables import Table

KEY = "__key"
"""The partition key: the position of the row's local authority in the area frame (-1: in
no authority of the period)."""
TAG = "__dataset"
"""Which dataset a row of the stacked partition belongs to (its index in `Job.datasets`)."""
ORDER = "__order"
"""The row's place in its DataFrame, so that a partition's rows keep their order."""

DISTINCT_TEXTS = 256
"""A text column with at most this many distinct values in a partition is surveyed whole
(what the D122 check of a text compared with a literal needs); beyond, it is not checked."""

SCHEMA = ("kind string, indicator int, breakdown string, area int, a double, b double, "
          "ma tinyint, mb tinyint, text string")
"""The Spark schema of what a partition sends back."""


class Kind(StrEnum):
    """The kinds of row a partition sends back."""

    TOTALS = "totals"
    VALUE = "value"
    REPORT = "report"
    SURVEY = "survey"
    DIAGNOSTIC = "diagnostic"
    VIOLATION = "violation"


def column_name(dataset: int, column: str) -> str:
    """The name of a dataset's column in the stacked DataFrame (datasets share none).

    >>> column_name(2, "DECOM")
    '_2_DECOM'
    """
    return f"_{dataset}_{column}"


@frozen
class Job:
    """Everything a partition needs, shipped once to every executor: the plan and its
    modules, the area frame built on the driver, and the datasets stacked in the partition
    (`columns`: the declared columns each DataFrame has)."""

    plan: Plan
    modules: tuple[m.Framework, ...]
    codelists: Mapping[str, m.Codelist]
    datasets: tuple[m.Dataset, ...]
    sources: tuple[str, ...]
    columns: tuple[tuple[str, ...], ...]
    frame: AreaFrame
    reporting: m.ReportingPeriod
    period: int | None
    """The period to evaluate; None: load and survey only (to choose the period)."""


@frozen
class _Everything(Coverage):
    """A coverage that finds data for every indicator: which indicators have data for the
    period is decided once, on the driver, from every partition's survey."""

    def missing(self, plan: IndicatorPlan, tables: Mapping[str, Table], period: int
                ) -> str | None:
        """Never: the partition evaluates every indicator."""
        return None


def evaluate_partition(job: Job, batch: pa.Table) -> pa.Table:
    """One partition's rows (of every dataset, tagged) as the rows `SCHEMA` describes."""
    key, loads, tables = load_partition(job, batch)
    out = _Rows()
    for index, dataset in enumerate(job.datasets):
        result = loads[dataset.name]
        out.add(Kind.REPORT, text=_report_json(index, result.report))
        out.extend_diagnostics(result.diagnostics, job.plan)
        table = tables.get(dataset.name)
        if table is not None:
            _check_key(job.frame, table, key)
            out.add(Kind.SURVEY, text=json.dumps(survey(index, table)))
    if job.period is not None:
        out.extend_evaluation(evaluate_tables(job, tables), job.plan, key)
    return out.table()


def load_partition(job: Job, batch: pa.Table
                   ) -> tuple[int, dict[str, LoadResult], dict[str, Table]]:
    """The partition's key, each dataset's rows loaded (in their DataFrame's order), and the
    tables that could be built, sharing their identifier codes."""
    key = int(batch.column(KEY)[0].as_py()) if batch.num_rows else -1
    where = job.frame.codes[key] if key >= 0 else "no local authority of the period"
    loads: dict[str, LoadResult] = {}
    for index, dataset in enumerate(job.datasets):
        rows = batch.filter(pc.equal(batch.column(TAG), index)).sort_by(ORDER)
        source = pa.table({name: rows.column(column_name(index, name))
                           for name in job.columns[index]})
        loads[dataset.name] = load_table(dataset, source, job.codelists,
                                         name=f"{job.sources[index]} [{where}]")
    shared = share_codes({name: r.table for name, r in loads.items() if r.table is not None})
    return key, loads, {name: shared[name] for name in loads if name in shared}


def evaluate_tables(job: Job, tables: Mapping[str, Table]) -> Evaluation:
    """Every indicator over the tables, for the job's period (which indicators have data for
    it is decided on the driver)."""
    assert job.period is not None
    return evaluate_plan(job.plan, job.modules, tables, job.period, job.reporting, job.frame,
                         _Everything({}, {}, ()))


def _check_key(frame: AreaFrame, table: Table, key: int) -> None:
    """Refuse to go on when a row of the partition is of another authority than the
    partition's: its count would be lost when the partitions are combined."""
    area = table.dataset.area
    if area is None or area not in table.columns or not table.n_rows:
        return
    texts = {area_text(v) for v in np.unique(table.values(area)).tolist()}
    found = {-1 if (p := frame.position(t or None)) is None else p for t in texts}
    if found - {key}:
        msg = (f"rows of `{table.dataset.name}` for areas {sorted(found)} reached the partition "
               f"of area {key}: the partition keys and the loaded area codes disagree")
        raise AssertionError(msg)


def survey(index: int, table: Table) -> dict[str, Any]:
    """What the driver needs of one partition's table, in parts that add up over partitions:
    its rows, the periods they hold, for a record-level return the distinct dates of each date
    column with their counts, the distinct values of its short text columns, and its area
    texts with how many rows hold each and the first line that does."""
    dataset = table.dataset
    dates: dict[str, list[list[int]]] = {}
    texts: dict[str, list[str]] = {}
    for column in dataset.columns:
        if column.name not in table.columns:
            continue
        values = table.values(column.name)
        if column.type.kind is m.ValueKind.DATE and table.periods is None:
            days, counts = np.unique(values[~np.isnat(values)].view(np.int64),
                                     return_counts=True)
            dates[column.name] = [days.tolist(), counts.tolist()]
        elif column.type.kind is m.ValueKind.TEXT and column.name != dataset.area:
            distinct = np.unique(values)
            if distinct.size <= DISTINCT_TEXTS:
                texts[column.name] = distinct.tolist()
    periods = (None if table.periods is None
               else sorted({int(p) for p in np.unique(table.periods) if p >= 0}))
    return {"dataset": index, "rows": table.n_rows, "periods": periods, "dates": dates,
            "texts": texts, "areas": _area_tally(table)}


def _area_tally(table: Table) -> list[list[Any]]:
    """[text, rows, first line] for each area text of the table."""
    area = table.dataset.area
    if area is None or area not in table.columns or not table.n_rows:
        return []
    values = np.array([area_text(v) for v in table.values(area).tolist()], dtype=np.str_)
    texts, first, counts = np.unique(values, return_index=True, return_counts=True)
    return [[t, int(c), table.line(int(f))] for t, c, f in
            zip(texts.tolist(), counts.tolist(), first.tolist(), strict=True)]


def _report_json(index: int, report: LoadReport) -> str:
    return json.dumps({"dataset": index, "source": report.source, "rows_read": report.rows_read,
                       "rows_kept": report.rows_kept, "missing": report.missing,
                       "excluded": report.excluded, "ignored": report.ignored_columns,
                       "absent": report.absent_columns, "filled": report.filled_columns})


def diagnostic_json(diagnostic: Diagnostic, plan: Plan) -> str:
    """A diagnostic as JSON; its span, when it has one, as the indicator whose it is."""
    spans = [p.indicator.span for p in plan.indicators]
    owner = spans.index(diagnostic.span) if diagnostic.span in spans else -1
    return json.dumps({"code": diagnostic.code, "message": diagnostic.message,
                       "help": diagnostic.help, "path": diagnostic.path,
                       "line": diagnostic.line, "indicator": owner})


_TYPES = {"kind": pa.string(), "indicator": pa.int32(), "breakdown": pa.string(),
          "area": pa.int32(), "a": pa.float64(), "b": pa.float64(), "ma": pa.int8(),
          "mb": pa.int8(), "text": pa.string()}


class _Rows:
    """The rows a partition sends back, gathered in chunks of columns."""

    def __init__(self) -> None:
        self.chunks: list[pa.Table] = []

    def add(self, kind: Kind, *, indicator: int = -1, breakdown: str = "", area: Any = -1,
            a: Any = np.nan, b: float = np.nan, ma: int = 0, mb: int = 0,
            text: str = "") -> None:
        """One row, or (`area` and `a` arrays) one row per unit value."""
        n = np.size(a)
        given = {"kind": kind.value, "indicator": indicator, "breakdown": breakdown,
                 "area": area, "a": a, "b": b, "ma": ma, "mb": mb, "text": text}
        self.chunks.append(pa.table({
            name: pa.array(np.broadcast_to(np.asarray(value), (n,)) if name in ("area", "a")
                           else [value] * n, type=_TYPES[name])
            for name, value in given.items()}))

    def extend_diagnostics(self, diagnostics: Sequence[Diagnostic], plan: Plan) -> None:
        for diagnostic in diagnostics:
            self.add(Kind.DIAGNOSTIC, text=diagnostic_json(diagnostic, plan))

    def extend_evaluation(self, evaluation: Evaluation, plan: Plan, key: int) -> None:
        """The totals of the partition's own authority (a partition of rows in no authority
        has none), its units' values, its diagnostics and violations."""
        index = {p.indicator.name: i for i, p in enumerate(plan.indicators)}
        if key >= 0:
            for totals in evaluation.totals:
                self._totals(index[totals.indicator.name], totals, key)
        self.extend_diagnostics(evaluation.diagnostics, plan)
        for violation in evaluation.violations:
            self.add(Kind.VIOLATION, indicator=index[violation.indicator.name],
                     a=float(violation.units), text=json.dumps(violation.example_rows))

    def _totals(self, indicator: int, totals: IndicatorTotals, key: int) -> None:
        num_markers, den_markers = totals.markers(len(totals.numerator))
        self.add(Kind.TOTALS, indicator=indicator, breakdown=totals.breakdown, area=key,
                 a=float(totals.numerator[key]), b=float(totals.denominator[key]),
                 ma=int(num_markers[key]), mb=int(den_markers[key]))
        if totals.values is not None and totals.value_areas is not None \
                and totals.values.size:
            self.add(Kind.VALUE, indicator=indicator, breakdown=totals.breakdown,
                     area=totals.value_areas.astype(np.int32),
                     a=totals.values.astype(np.float64))

    def table(self) -> pa.Table:
        if not self.chunks:
            return pa.table({name: pa.array([], type=kind) for name, kind in _TYPES.items()})
        return pa.concat_tables(self.chunks)


__all__ = ["KEY", "ORDER", "SCHEMA", "TAG", "Job", "Kind", "column_name", "diagnostic_json",
           "evaluate_partition", "evaluate_tables", "load_partition", "survey"]
