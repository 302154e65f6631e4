"""Evaluate frameworks over Spark DataFrames: the driver's side.

1. The geography's tables (a few hundred rows) are collected and read on the driver: the
   area frame of the period, shipped to every executor with the plan (`partition.Job`).
2. Every other dataset's rows are keyed by their local authority's place in the frame,
   stacked into one DataFrame (each dataset's columns under names of their own) and grouped
   by that key: `groupBy(key).applyInArrow` runs `partition.evaluate_partition` on each
   authority's rows, which loads them, surveys them and evaluates the compiled plan.
3. What comes back is combined (`combine`): load reports and diagnostics, a summary table
   per dataset on which the checks of an evaluation in process run unchanged (the period
   the data hold, columns an indicator reads that the data lack, area codes, texts that
   match nothing), and per-area totals; then `outcomespec.results` pools, tests, suppresses
   and publishes them on the driver, exactly as in process.

Without a `period`, a first pass only surveys the data, to choose the latest period they
hold, as in process; with one, a single pass does everything.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from attrs import evolve, frozen
from pyspark.sql import Column, DataFrame, SparkSession, functions

from outcomespec import model as m
from outcomespec.api import DataSource, Framework, Run
from outcomespec.evaluation.areas import AreaFrame
from outcomespec.evaluation.coverage import Coverage, data_coverage
from outcomespec.evaluation.datachecks import absent_columns, skipping, unmatched_texts
from outcomespec.evaluation.evaluator import Evaluation, Skipped, publications_of
from outcomespec.evaluation.gazetteer import area_frame, check_areas
from outcomespec.evaluation.plan import Key, Plan
from outcomespec.language.diagnostics import OutcomeSpecError, sort_diagnostics
from outcomespec.loading.identifiers import area_text, share_codes
from outcomespec.loading.loader import LoadResult, codelists_of, file_names, load_table
from outcomespec.loading.periods import PeriodChoice, choose_period, parse_period
from outcomespec.loading.tables import Table
from outcomespec.model.notes import Note
from outcomespec.results.builder import results_of
from outcomespec.spark.combine import Cell, Sent, combine_sent, combine_totals
from outcomespec.spark.partition import (
    KEY,
    ORDER,
    SCHEMA,
    TAG,
    Job,
    column_name,
    evaluate_partition,
    evaluate_tables,
    load_partition,
)


class SparkDataError(ValueError):
    """The data given cannot be evaluated on Spark (a dataset that is not a DataFrame, a
    directory without the framework's files): a mistake in the call, found before work."""


def session() -> SparkSession:
    """The active Spark session, or a local one (every core of this machine) when there is
    none; its Python workers run this interpreter, which has outcomespec installed."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    made = (SparkSession.builder.appName("outcomespec")
            .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    made.sparkContext.setLogLevel("ERROR")
    return made


def read_directory(spark: SparkSession, frameworks: Sequence[Framework], directory: Path
                   ) -> dict[str, DataFrame]:
    """The DataFrame of every dataset the frameworks read that `directory` holds: a Parquet
    file (or a directory of them, as Spark writes one, partitioned or not) as its columns
    are typed, a CSV file with every value as text (the loader reads them as in process)."""
    found: dict[str, DataFrame] = {}
    for framework in frameworks:
        for dataset in framework.datasets():
            for name in file_names(dataset):
                path = directory / name
                if dataset.name in found or not path.exists():
                    continue
                found[dataset.name] = (
                    spark.read.parquet(str(path)) if name.endswith(".parquet")
                    else spark.read.csv(str(path), header=True, inferSchema=False))
    return found


def run_spark(frameworks: Sequence[Framework], data: str | Path | Mapping[str, DataFrame],
              period: int | str | None = None, *, keep_going: bool = False
              ) -> tuple[Run, ...]:
    """`outcomespec.api.run_all` on Spark: each framework evaluated where the data live,
    for one period (`period`, or the latest the data hold), with the same results.

    `data` maps dataset names (qualified, or as files name them: `episodes`) to Spark
    DataFrames, or is a directory `read_directory` reads. A single authority's return
    (`area=`) is small enough to evaluate in process, and is not taken here.
    """
    spark = session()
    frames = (read_directory(spark, frameworks, Path(data)) if isinstance(data, str | Path)
              else _named(frameworks, data))
    if not frames:
        msg = f"data: no dataset the frameworks read was found in {data}"
        raise SparkDataError(msg)
    requested = None if period is None else parse_period(period)
    source = str(data) if isinstance(data, str | Path) else None
    surveyed = None
    if requested is None:  # a first pass to find the latest period the data hold
        surveyed = _choose([_Driver(fw, frames, None, keep_going) for fw in frameworks],
                           None, source, keep_going)
        requested = surveyed.period
    drivers = [_Driver(fw, frames, requested, keep_going) for fw in frameworks]
    choice = surveyed or _choose(drivers, requested, source, keep_going)
    evaluated = [driver.evaluate(choice) for driver in drivers]
    results = results_of([(evaluation, driver.framework.model)
                          for driver, (evaluation, _) in zip(drivers, evaluated, strict=True)])
    return tuple(Run(published, evaluation, driver.loads, diagnostics, choice)
                 for published, driver, (evaluation, diagnostics)
                 in zip(results, drivers, evaluated, strict=True))


def _named(frameworks: Sequence[Framework], data: Mapping[str, Any]) -> dict[str, DataFrame]:
    """The DataFrames given, by qualified dataset name."""
    known = {d.name: d for fw in frameworks for d in fw.datasets()}
    known |= {name.rsplit(".", 1)[-1]: d for name, d in list(known.items())}
    found = {}
    for name, frame in data.items():
        if not isinstance(frame, DataFrame):
            msg = f"data[{name!r}] must be a Spark DataFrame, not {type(frame).__name__}"
            raise SparkDataError(msg)
        if name not in known:
            msg = (f"data: `{name}` is not a dataset the frameworks read (they read: "
                   f"{', '.join(sorted(n for n in known if '.' not in n))})")
            raise SparkDataError(msg)
        found[known[name].name] = frame
    return found


@frozen
class _Shipped:
    """The datasets evaluated on the executors, and the DataFrame that stacks them."""

    job: Job
    stacked: DataFrame


def _choose(drivers: Sequence[_Driver], requested: int | None, source: str | None,
            keep_going: bool) -> PeriodChoice:
    """`choose_period` over what the drivers read; when it finds none, the data's own errors
    are said first (unless `keep_going`), as `outcomespec.api` says them in process."""
    try:
        return choose_period([h for d in drivers for h in d.coverage.holdings], requested,
                             source)
    except OutcomeSpecError as error:
        errors = [d for driver in drivers for result in driver.loads.values()
                  for d in result.diagnostics if d.is_error]
        if errors and not keep_going:
            raise OutcomeSpecError(sort_diagnostics([*errors, *error.diagnostics])) from error
        raise


class _Driver:
    """One framework on Spark: one pass over the data (for `period`, or only to survey
    them when None), and what it found."""

    def __init__(self, framework: Framework, frames: Mapping[str, DataFrame],
                 period: int | None, keep_going: bool) -> None:
        self.framework = framework
        self.keep_going = keep_going
        modules = framework.modules
        codelists = codelists_of(modules)
        geography = _geography_datasets(modules)
        datasets = [d for d in framework.datasets() if d.name in frames]
        read = {name for p in framework.plan.indicators for name in p.datasets}
        loaded = {d.name: load_table(d, frames[d.name].toArrow(), codelists,
                                     name=d.name.rsplit(".", 1)[-1])
                  for d in datasets if d.name in geography}
        shared = share_codes({n: r.table for n, r in loaded.items() if r.table is not None})
        self.geography = {n: evolve(r, table=shared.get(n)) for n, r in loaded.items()}
        # Published tables are small and read whole, here: their rows of England and the
        # regions belong to no authority's partition.
        self.publications = {d.name: load_table(d, frames[d.name].toArrow(), codelists,
                                                name=d.name.rsplit(".", 1)[-1])
                             for d in datasets if d.name in _publication_datasets(framework)}
        frame = self._frame(frames, datasets, period)
        shipped = [d for d in datasets if d.name in read]
        job = Job(framework.plan, modules, codelists, tuple(shipped),
                  tuple(d.name.rsplit(".", 1)[-1] for d in shipped),
                  tuple(tuple(c.name for c in d.columns if c.name in frames[d.name].columns)
                        for d in shipped),
                  frame, framework.model.period, period)
        self.shipped = _Shipped(job, _stack(job, frames))
        rows = self.shipped.stacked.groupBy(KEY).applyInArrow(
            _partition_function(job), SCHEMA).toArrow()
        self.rows = rows
        self.sent: Sent = combine_sent(job, rows)
        self.loads: dict[str, LoadResult] = {
            **{name: _with_ignored(result, frames[name], dataset) for (name, result), dataset
               in zip(self.sent.loads.items(), shipped, strict=True)}, **self.geography}
        self.loads |= {n: r for n, r in self.publications.items() if n not in self.loads}
        self.tables = {name: r.table for name, r in self.loads.items() if r.table is not None}
        self.coverage: Coverage = data_coverage(framework.plan, self.tables,
                                                framework.model.period, modules=modules,
                                                weights=self.sent.weights)

    def _frame(self, frames: Mapping[str, DataFrame], datasets: Sequence[m.Dataset],
               period: int | None) -> AreaFrame:
        """The area frame of the period (of every period when None), from the geography's
        tables, or without a geography from the area codes the data hold."""
        tables = {name: r.table for name, r in self.geography.items() if r.table is not None}
        if tables:
            return area_frame(self.framework.modules, tables, period)
        seen = {}
        for dataset in datasets:
            if dataset.area is not None and dataset.area in frames[dataset.name].columns:
                texts = sorted({area_text(row[0]) for row in frames[dataset.name].select(
                    dataset.area).distinct().collect() if row[0] is not None})
                seen[dataset.name] = Table.of(
                    dataset, {dataset.area: np.array(texts, np.str_)}, periods=None)
        return area_frame(self.framework.modules, seen, period)

    def evaluate(self, choice: PeriodChoice) -> tuple[Evaluation, tuple[Any, ...]]:
        """The evaluation of the chosen period and every diagnostic, as
        `outcomespec.api.Framework.run` gives them; errors raise unless `keep_going`."""
        job = self.shipped.job
        plan, modules, year = self.framework.plan, self.framework.modules, choice.period
        frame = job.frame
        absent, unusable = absent_columns(plan, self.loads, year)
        sources = {name: result.report.source for name, result in self.loads.items()}
        problems = sort_diagnostics([
            *(d for result in self.loads.values() for d in result.diagnostics), *absent,
            *unmatched_texts(plan, self.loads),
            *check_areas(modules, self.tables, frame, self.sent.tallies),
            *self.coverage.warnings(plan, year, sources)])
        if any(d.is_error for d in problems) and not self.keep_going:
            raise OutcomeSpecError(problems)
        skipped: list[Skipped] = []
        evaluated = []
        for indicator_plan in skipping(plan, {**_across_authorities(plan),
                                              **unusable}).indicators:
            missing = [d for d in indicator_plan.datasets if d not in self.tables]
            if indicator_plan.problem or missing:
                verb = "were" if len(missing) > 1 else "was"
                reason = indicator_plan.problem or (
                    "needs " + ", ".join(f"`{d}`" for d in missing)
                    + f", which {verb} not supplied")
                skipped.append(Skipped(indicator_plan.indicator, reason))
                continue
            no_data = self.coverage.missing(indicator_plan, self.tables, year)
            if no_data is not None:
                skipped.append(Skipped(indicator_plan.indicator, no_data,
                                       Note.NO_DATA_FOR_PERIOD.value))
                continue
            evaluated.append(indicator_plan)
        kept = {p.indicator.name for p in evaluated}
        totals = combine_totals(job, self.rows, evaluated, _defaults(self.shipped))
        diagnostics = tuple(d for d in self.sent.diagnostics
                            if d.span is None or any(p.indicator.span == d.span
                                                     for p in evaluated))
        published, said = publications_of(
            plan, evaluated, {n: r.table for n, r in self.publications.items()
                              if r.table is not None}, year, self.framework.model.period, frame)
        evaluation = Evaluation(year, frame, totals, tuple(skipped),
                                tuple(v for v in self.sent.violations
                                      if v.indicator.name in kept), (*diagnostics, *said),
                                published)
        return evaluation, (*problems, *evaluation.diagnostics)


def _publication_datasets(framework: Framework) -> set[str]:
    """The tables the framework's published comparators are taken from."""
    return {p.publication.dataset for p in framework.plan.indicators
            if p.publication is not None and any(c.published for c in p.indicator.comparators)}


def _across_authorities(plan: Plan) -> dict[str, str]:
    """Why each indicator relating rows on an identifier alone (one of the datasets has no
    area column, or the identifier is `national`) is not evaluated: its rows may lie in
    different authorities' partitions."""
    reasons = {}
    for indicator_plan in plan.indicators:
        for i in sorted(plan.reachable(indicator_plan.roots)):
            step = plan.steps[i]
            if isinstance(step, Key) and not step.link.by_area:
                reasons[indicator_plan.indicator.name] = (
                    f"relates `{step.dataset}` on its `{step.link.unit}` identifier alone, "
                    "across local authorities, which the Spark engine evaluates apart: "
                    "evaluate it in process")
                break
    return reasons


def _partition_function(job: Job) -> Callable[[pa.Table], pa.Table]:
    """The function each executor runs on one authority's rows, typed as Spark reads it
    (an Arrow table in, one out)."""
    def evaluate(batch: pa.Table) -> pa.Table:
        return evaluate_partition(job, batch)

    return evaluate


def _defaults(shipped: _Shipped) -> dict[tuple[int, str], Cell]:
    """What a partition without an authority's rows gives it: the plan evaluated on no rows
    (on the driver), by (indicator, breakdown)."""
    job = shipped.job
    _, _, tables = load_partition(job, shipped.stacked.limit(0).toArrow())
    index = {p.indicator.name: i for i, p in enumerate(job.plan.indicators)}
    out = {}
    for totals in evaluate_tables(job, tables).totals:
        num_markers, den_markers = totals.markers(job.frame.n_areas)
        out[(index[totals.indicator.name], totals.breakdown)] = (
            float(totals.numerator[0]), float(totals.denominator[0]), int(num_markers[0]),
            int(den_markers[0]))
    return out


def _stack(job: Job, frames: Mapping[str, DataFrame]) -> DataFrame:
    """Every shipped dataset's rows in one DataFrame: tagged with their dataset, keyed by
    their authority's place in the frame, numbered in their DataFrame's order."""
    parts = []
    for index, dataset in enumerate(job.datasets):
        frame = frames[dataset.name]
        parts.append(frame.select(
            functions.lit(index).cast("tinyint").alias(TAG),
            _key(job.frame, dataset, frame).alias(KEY),
            functions.monotonically_increasing_id().alias(ORDER),
            *(functions.col(f"`{name}`").alias(column_name(index, name))
              for name in job.columns[index])))
    return reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), parts)


def _key(frame: AreaFrame, dataset: m.Dataset, data: DataFrame) -> Column:
    """Each row's partition key: the place of its authority in the frame, -1 for a row in
    none (no area column, a code naming no authority of the period)."""
    if dataset.area is None or dataset.area not in data.columns:
        return functions.lit(-1)
    column = functions.col(f"`{dataset.area}`")
    pairs = []
    for (value,) in data.select(column).distinct().collect():
        if value is None:
            continue
        position = frame.position(area_text(value) or None)
        pairs += [functions.lit(value), functions.lit(-1 if position is None else position)]
    if not pairs:
        return functions.lit(-1)
    return functions.coalesce(functions.create_map(*pairs)[column], functions.lit(-1)).cast("int")


def _with_ignored(result: LoadResult, data: DataFrame, dataset: m.Dataset) -> LoadResult:
    """The load result, its report naming the DataFrame's columns the dataset does not
    declare (the executors were sent only the declared ones)."""
    ignored = tuple(c for c in data.columns if dataset.column(c) is None)
    return evolve(result, report=evolve(result.report, ignored_columns=ignored))


def _geography_datasets(modules: Sequence[m.Framework]) -> set[str]:
    """The datasets the geographies of `modules` read their areas and neighbours from."""
    return {name for module in modules for geography in module.geographies
            for name in (*(level.dataset for level in geography.levels),
                         *(n.dataset for n in geography.neighbours))}


__all__ = ["DataSource", "SparkDataError", "read_directory", "run_spark", "session"]
