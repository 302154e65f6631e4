"""The public Python API: load a framework file, evaluate it on data, get a results table.

>>> from pathlib import Path
>>> try:
...     load(Path("missing.ospec"))
... except OutcomeSpecError as error:
...     print(error.diagnostics[0].code)
E001
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import evolve, field, frozen

from outcomespec import model as m
from outcomespec.alignment import Alignment
from outcomespec.alignment import align as align_frameworks
from outcomespec.areas import AreaFrame
from outcomespec.checker import check_paths
from outcomespec.diagnostics import Diagnostic, OutcomeSpecError
from outcomespec.evaluation import Evaluation, evaluate_plan
from outcomespec.identifiers import share_codes
from outcomespec.loading import LoadResult, codelists_of, load_directory, load_table
from outcomespec.planning import Plan, compile_plan
from outcomespec.results import Results, results_of

DataSource = str | Path | Mapping[str, Any]
"""A directory of `<dataset>.csv`/`.parquet` files, or dataset name → DataFrame, Arrow table,
dict of arrays, or file path."""


@frozen
class Run:
    """One evaluation: the results, and everything a careful reader needs to trust them."""

    results: Results
    evaluation: Evaluation
    loads: Mapping[str, LoadResult]
    diagnostics: tuple[Diagnostic, ...]
    """Warnings from loading and evaluating the data (errors raise instead)."""


@frozen
class Framework:
    """A checked framework, with every module it imports and any warnings found."""

    model: m.Framework
    modules: tuple[m.Framework, ...]
    warnings: tuple[Diagnostic, ...]
    plan: Plan = field(eq=False)

    @property
    def name(self) -> str:
        """The framework's name as declared (`csc_national_framework`)."""
        return self.model.name

    @property
    def indicators(self) -> tuple[m.Indicator, ...]:
        """Every indicator of the framework, in declaration order."""
        return self.model.indicators

    def explain(self) -> str:
        """The evaluation plan in words: what each indicator reads, its steps, what is shared."""
        return self.plan.explain()

    def evaluate(self, data: DataSource, period: int | None = None, *,
                 area: str | None = None, keep_going: bool = False) -> Results:
        """Compute every indicator for every area, for the reporting year ending in `period`.

        Raises `OutcomeSpecError` with the data diagnostics when the data have errors, unless
        `keep_going`; `run` gives the warnings and the load and evaluation reports as well.
        `area` names the local authority of a single authority's return that has no area
        column.
        """
        return self.run(data, period, area=area, keep_going=keep_going).results

    def run(self, data: DataSource, period: int | None = None, *,
            area: str | None = None, keep_going: bool = False) -> Run:
        """Like `evaluate`, keeping the reports: rows read and excluded per dataset, values
        read as missing and why, indicators that could not be evaluated and why.

        With `keep_going`, data errors do not stop evaluation: a value that could not be read
        is treated as missing (and counted under its diagnostic in the load report), and the
        errors come back in `Run.diagnostics`. A table that could not be read at all is still
        left out, and the indicators that need it are reported as not evaluated.
        """
        return run_all([self], data, period, area=area, keep_going=keep_going)[0]

    def _evaluate(self, loads: Mapping[str, LoadResult], period: int | None,
                  keep_going: bool) -> tuple[Evaluation, tuple[Diagnostic, ...]]:
        year = period if period is not None else latest_period(self.model.period)
        problems = [d for result in loads.values() for d in result.diagnostics]
        if any(d.is_error for d in problems) and not keep_going:
            raise OutcomeSpecError(problems)
        tables = {name: result.table for name, result in loads.items()
                  if result.table is not None}
        evaluation = evaluate_plan(self.plan, self.modules, tables, year, self.model.period)
        return evaluation, (*problems, *evaluation.diagnostics)

    def datasets(self) -> tuple[m.Dataset, ...]:
        """The datasets evaluation reads: those of the indicators and of the geography."""
        names = {d for p in self.plan.indicators for d in p.datasets}
        for module in self.modules:
            for geography in module.geographies:
                names |= {level.dataset for level in geography.levels}
                names |= {n.dataset for n in geography.neighbours}
        known = {d.name: d for module in self.modules for d in module.datasets}
        return tuple(known[n] for n in sorted(names) if n in known)


def run_all(frameworks: Sequence[Framework], data: DataSource, period: int | None = None, *,
            area: str | None = None, keep_going: bool = False) -> tuple[Run, ...]:
    """Evaluate several frameworks on the same data, reading each dataset once.

    Why: frameworks over the same returns (the National Framework and Supporting Families
    both read SSDA903 and the CIN census) should not pay for reading them twice. Each run
    reports only the datasets its framework reads; errors are handled as in `Framework.run`.
    Their results are suppressed together: a count they both publish is hidden in both or
    in neither.
    """
    datasets = {d.name: d for fw in frameworks for d in fw.datasets()}
    modules = {module.name: module for fw in frameworks for module in fw.modules}
    loads = _load_data(tuple(datasets.values()), tuple(modules.values()), data, area)
    evaluated = []
    for framework in frameworks:
        own = {d.name for d in framework.datasets()}
        reads = {name: result for name, result in loads.items() if name in own}
        evaluated.append((reads, *framework._evaluate(reads, period, keep_going)))
    results = results_of([(evaluation, framework.model) for framework, (_, evaluation, _)
                          in zip(frameworks, evaluated, strict=True)])
    return tuple(Run(published, evaluation, reads, diagnostics)
                 for published, (reads, evaluation, diagnostics)
                 in zip(results, evaluated, strict=True))


def _load_data(datasets: Sequence[m.Dataset], modules: Sequence[m.Framework],
               data: DataSource, area: str | None) -> dict[str, LoadResult]:
    codelists = codelists_of(modules)
    if isinstance(data, str | Path):
        return load_directory(datasets, Path(data), codelists, area=area)
    by_name = {d.name: d for d in datasets} | {d.name.rsplit(".", 1)[-1]: d
                                               for d in datasets}
    loads = {}
    for name, source in data.items():
        dataset = by_name.get(name)
        if dataset is None:
            known = ", ".join(sorted(d.name.rsplit(".", 1)[-1] for d in datasets))
            msg = f"`{name}` is not a dataset this framework reads (it reads: {known})"
            raise KeyError(msg)
        loads[dataset.name] = load_table(dataset, source, codelists, name=name,
                                         area=area if dataset.area else None)
    shared = share_codes({name: r.table for name, r in loads.items() if r.table is not None})
    return {name: evolve(r, table=shared.get(name)) for name, r in loads.items()}


def latest_period(reporting: m.ReportingPeriod, today: dt.date | None = None) -> int:
    """The most recent reporting year that has ended.

    >>> latest_period(m.ReportingPeriod(), dt.date(2026, 11, 23))
    2026
    >>> latest_period(m.ReportingPeriod(), dt.date(2026, 3, 30))
    2025
    """
    today = today or dt.date.today()
    ended = dt.date(today.year, reporting.month, reporting.day) < today
    return today.year if ended else today.year - 1


def load(path: str | Path, root: str | Path | None = None) -> Framework:
    """Read, parse and check a framework file and its imports, and plan its evaluation.

    Raises `OutcomeSpecError`, carrying every diagnostic, if anything is an error. Imports
    may not leave `root` (default: the file's directory).
    """
    file = Path(path)
    result = check_paths([file], Path(root) if root is not None else file.resolve().parent)
    if not result.ok or not result.requested:
        raise OutcomeSpecError(result.diagnostics)
    framework = result.framework(result.requested[0])
    assert framework is not None
    plan = compile_plan(result.frameworks, framework.indicators)
    return Framework(framework, result.frameworks, result.diagnostics, plan)


def align(paths: Sequence[str | Path], root: str | Path | None = None) -> Alignment:
    """Read, parse and check framework files and their imports, and align them: which shared
    goals each serves, indicators that compute the same quantity, polarity conflicts, gaps.

    The files are checked together, as `load` checks one, so a file they share is read once.
    Raises `OutcomeSpecError`, carrying every diagnostic, if anything is an error. Imports may
    not leave `root` (default: the deepest directory holding every file). Goals and
    definitions come from the files and everything they import; only the files given are
    aligned (they are the columns of the report, in the order given).

    >>> try:
    ...     align(["missing.ospec"])
    ... except OutcomeSpecError as error:
    ...     print(error.diagnostics[0].code)
    E001
    """
    files = [Path(path) for path in paths]
    result = check_paths(files, Path(root) if root is not None else None)
    if not result.ok:
        raise OutcomeSpecError(result.diagnostics)
    requested = [result.framework(name) for name in result.requested]
    return align_frameworks([f for f in requested if f is not None], modules=result.frameworks)


__all__ = ["Alignment", "AreaFrame", "DataSource", "Framework", "Run", "align", "latest_period",
           "load"]
