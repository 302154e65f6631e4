"""outcomespec itself, split the same way as the other engines: loading, evaluation, publishing.

Loading is `load_directory` (every declared column of every dataset the framework reads,
typed, validated and reported); evaluation is the compiled plan over the loaded tables
(`evaluate_plan`), and publishing the results table (`build_results_together`: pooling,
limits, suppression, comparators and judgements), which is what `Framework.run` does after
loading. With a school
census in the data directory, the general-population comparator of the shared outcomes is
evaluated too, its datasets read once with the National Framework's (as `run_all` does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from benchmarks.engines import definitions as d
from benchmarks.engines.publication import Published, published_columns
from outcomespec import load as load_framework
from outcomespec.evaluation.compiler import compile_plan
from outcomespec.evaluation.evaluator import evaluate_plan
from outcomespec.loading.loader import codelists_of, load_directory
from outcomespec.results.builder import Part, build_results_together

NAME = "outcomespec"
ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = ROOT / "frameworks" / "csc_national_framework.ospec"
SHARED = ROOT / "frameworks" / "shared_outcomes.ospec"


def framework() -> Any:
    """The checked and planned National Framework."""
    return load_framework(FRAMEWORK, root=FRAMEWORK.parent)


def frameworks_for(directory: Path) -> tuple[Any, ...]:
    """The National Framework and, with a school census in `directory`, the shared
    outcomes' general-population comparator, each planned for the indicators the
    hand-written engines implement (`definitions.INDICATORS`, `PUPIL_INDICATORS`) and no
    others (the National Framework's own pupil metrics are not among them)."""
    found = [_only(framework(), d.INDICATORS)]
    if (directory / "pupils.csv").exists():
        found.append(_only(load_framework(SHARED, root=SHARED.parent), d.PUPIL_INDICATORS))
    return tuple(found)


def _only(planned: Any, indicators: tuple[d.Indicator, ...]) -> Any:
    """The framework planned for these of its indicators alone."""
    wanted = {ind.id for ind in indicators}
    chosen = tuple(ind for ind in planned.indicators if ind.id in wanted)
    return attrs.evolve(planned, plan=compile_plan(planned.modules, chosen))


def load(directory: Path, fws: tuple[Any, ...] | None = None) -> dict[str, Any]:
    """The datasets the frameworks read, from `directory`, as outcomespec tables."""
    fws = fws or frameworks_for(directory)
    datasets = {ds.name: ds for fw in fws for ds in fw.datasets()}
    modules = {module.name: module for fw in fws for module in fw.modules}
    loads = load_directory(tuple(datasets.values()), directory,
                           codelists_of(tuple(modules.values())))
    errors = [x for result in loads.values() for x in result.diagnostics if x.is_error]
    if errors:
        msg = f"{len(errors)} errors loading {directory}: {errors[0].message}"
        raise ValueError(msg)
    return {"frameworks": fws,
            "tables": {name: r.table for name, r in loads.items() if r.table is not None}}


def evaluate(data: dict[str, Any], period: int) -> tuple[list[Part], Any, int]:
    """Every indicator's per-LA totals (the compiled plans over the loaded tables); the
    indicators a framework could not evaluate (its datasets not in the extract) are left
    out, as the hand-written engines do not implement them."""
    parts, frame = [], None
    for fw in data["frameworks"]:
        own = {name: table for name, table in data["tables"].items()
               if name in {ds.name for ds in fw.datasets()}}
        evaluation = evaluate_plan(fw.plan, fw.modules, own, period, fw.model.period)
        parts.append(Part(evaluation.totals, (), fw.model))
        frame = frame or evaluation.frame
    return parts, frame, period


def publish(evaluated: tuple[list[Part], Any, int]) -> Published:
    """Every indicator for every LA, region and England, published: the frameworks'
    results built (pooling, limits, suppression together, comparators and judgements), as
    `run_all` publishes them, and read column by column."""
    out: Published = {}
    for published in build_results_together(*evaluated):
        out |= published_columns(published)
    return out

