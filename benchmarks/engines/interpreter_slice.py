"""outcomespec's plain-Python reference interpreter on a slice of the national data.

The interpreter walks rows one by one and is meant to be obviously right, not fast; run on a
few local authorities it shows how far the compiled plan is ahead, row for row, and checks
once more that both give the same per-LA totals.
"""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.engines import definitions as d
from benchmarks.engines.outcomespec_engine import framework
from outcomespec.evaluation.evaluator import area_frame, evaluate_plan
from outcomespec.evaluation.interpreter import interpret
from outcomespec.loading.loader import codelists_of, load_directory

AREA_COLUMN = {"ons_population": "old_la_code", "local_authorities": "old_la_code",
               "statistical_neighbours_2025": "old_la_code"}


def write_slice(source: Path, target: Path, las: int) -> dict[str, int]:
    """Copy the rows of the first `las` local authorities (in the file's order) of every CSV
    file the framework reads; returns the data rows written per file."""
    with (source / "local_authorities.csv").open(newline="", encoding="utf-8") as f:
        chosen = {row["old_la_code"] for row, _ in zip(csv.DictReader(f), range(las),
                                                       strict=False)}
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for dataset in (name for name in d.COLUMNS if name not in d.OPTIONAL):
        with (source / f"{dataset}.csv").open(newline="", encoding="utf-8") as f_in, \
                (target / f"{dataset}.csv").open("w", newline="", encoding="utf-8") as f_out:
            reader = csv.reader(f_in)
            writer = csv.writer(f_out, lineterminator="\n")
            header = next(reader)
            writer.writerow(header)
            column = header.index(AREA_COLUMN.get(dataset, "LA"))
            rows = [row for row in reader if row[column] in chosen]
            writer.writerows(rows)
            written[dataset] = len(rows)
    return written


def _same(a: Any, b: Any) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None
        and np.array_equal(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64),
                           equal_nan=True))


def compare_slice(directory: Path, period: int, runs: int) -> dict[str, Any]:
    """Time the interpreter (once) and the compiled plan (a warm-up, then the median of
    `runs`) on the data in `directory`, and check that their totals are the same."""
    fw = framework()
    loads = load_directory(fw.datasets(), directory, codelists_of(fw.modules))
    tables = {name: r.table for name, r in loads.items() if r.table is not None}
    frame = area_frame(fw.modules, tables)
    began = time.perf_counter()
    reference = interpret(fw.modules, fw.model.indicators, tables, period, fw.model.period,
                          frame)
    interpreter_seconds = time.perf_counter() - began
    plan_seconds = []
    for _ in range(runs + 1):
        began = time.perf_counter()
        evaluation = evaluate_plan(fw.plan, fw.modules, tables, period, fw.model.period)
        plan_seconds.append(time.perf_counter() - began)
    mismatched = []
    for ours, theirs in zip(evaluation.totals, reference, strict=True):
        same = _same(ours.numerator, theirs.numerator) and _same(ours.denominator,
                                                                  theirs.denominator)
        if ours.values is not None or theirs.values is not None:
            same = same and _same(np.sort(np.asarray(ours.values)),
                                  np.sort(np.asarray(theirs.values)))
        if not same or len(evaluation.totals) != len(reference):
            mismatched.append(f"{ours.indicator.id} {ours.breakdown}".strip())
    return {"interpreter_s": interpreter_seconds,
            "plan_s": statistics.median(plan_seconds[1:]),
            "indicators": len(reference), "mismatched": mismatched}
