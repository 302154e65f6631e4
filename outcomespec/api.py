"""The public Python API: load a framework file, evaluate it on data, get a results table.

>>> from pathlib import Path
>>> try:
...     load(Path("missing.ospec"))
... except OutcomeSpecError as error:
...     print(error.diagnostics[0].code)
E001
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import evolve, field, frozen

from outcomespec import model as m
from outcomespec.alignment import Alignment
from outcomespec.alignment import align as align_frameworks
from outcomespec.areas import AreaFrame
from outcomespec.checker import check_paths
from outcomespec.coverage import Coverage, data_coverage
from outcomespec.diagnostics import Diagnostic, OutcomeSpecError
from outcomespec.evaluation import Evaluation, evaluate_plan
from outcomespec.identifiers import share_codes
from outcomespec.loading import LoadResult, codelists_of, load_directory, load_table
from outcomespec.periods import PeriodChoice, choose_period, parse_period
from outcomespec.planning import Plan, compile_plan
from outcomespec.results import Results, build_results
from outcomespec.tables import Table

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
    period_choice: PeriodChoice
    """The period evaluated, and why: as requested, or the latest the data hold."""


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

    def evaluate(self, data: DataSource, period: int | str | None = None, *,
                 area: str | None = None, keep_going: bool = False) -> Results:
        """Compute every indicator for every area, for the reporting year ending in `period`.

        `period` is a year as people write it: 2025, "2025", "2024-25" or "2024/25" (the
        reporting year ending 31 March 2025). Without it, the latest period the data hold is
        evaluated (`Run.period_choice` says which and why). Raises `OutcomeSpecError` with the
        data diagnostics when the data have errors, unless `keep_going`, or when they hold no
        rows for the period (D131); `TypeError` or `ValueError` for a `period` that is not a
        year (a two-digit 25 is refused: write 2025). An indicator whose datasets hold no rows
        for the period is not evaluated (`no_data_for_period`), never 0. `run` gives the
        warnings and the load and evaluation reports as well. `area` names the local
        authority of a single authority's return that has no area column.
        """
        return self.run(data, period, area=area, keep_going=keep_going).results

    def run(self, data: DataSource, period: int | str | None = None, *,
            area: str | None = None, keep_going: bool = False) -> Run:
        """Like `evaluate`, keeping the reports: rows read and excluded per dataset, values
        read as missing and why, indicators that could not be evaluated and why.

        With `keep_going`, data errors do not stop evaluation: a value that could not be read
        is treated as missing (and counted under its diagnostic in the load report), and the
        errors come back in `Run.diagnostics`. A table that could not be read at all is still
        left out, and the indicators that need it are reported as not evaluated.
        """
        return run_all([self], data, period, area=area, keep_going=keep_going)[0]

    def _coverage(self, loads: Mapping[str, LoadResult], keep_going: bool) -> Coverage:
        """What periods the loaded tables hold; raises on data errors unless `keep_going`."""
        problems = [d for result in loads.values() for d in result.diagnostics]
        if any(d.is_error for d in problems) and not keep_going:
            raise OutcomeSpecError(problems)
        return data_coverage(self.plan, _tables(loads), self.model.period)

    def _evaluate(self, loads: Mapping[str, LoadResult], choice: PeriodChoice,
                  coverage: Coverage) -> Run:
        year = choice.period
        evaluation = evaluate_plan(self.plan, self.modules, _tables(loads), year,
                                   self.model.period, coverage=coverage)
        results = build_results(evaluation.totals, evaluation.frame, year,
                                framework=self.model)
        problems = [d for result in loads.values() for d in result.diagnostics]
        sources = {name: result.report.source for name, result in loads.items()}
        warnings = coverage.warnings(self.plan, year, sources)
        return Run(results, evaluation, loads, (*problems, *warnings), choice)

    def datasets(self) -> tuple[m.Dataset, ...]:
        """The datasets evaluation reads: those of the indicators and of the geography."""
        names = {d for p in self.plan.indicators for d in p.datasets}
        for module in self.modules:
            for geography in module.geographies:
                names |= {level.dataset for level in geography.levels}
                names |= {n.dataset for n in geography.neighbours}
        known = {d.name: d for module in self.modules for d in module.datasets}
        return tuple(known[n] for n in sorted(names) if n in known)


def run_all(frameworks: Sequence[Framework], data: DataSource,
            period: int | str | None = None, *, area: str | None = None,
            keep_going: bool = False) -> tuple[Run, ...]:
    """Evaluate several frameworks on the same data, reading each dataset once, for one
    period: `period`, or the latest any of them holds.

    Why: frameworks over the same returns (the National Framework and Supporting Families
    both read SSDA903 and the CIN census) should not pay for reading them twice. Each run
    reports only the datasets its framework reads; errors are handled as in `Framework.run`.
    """
    requested = None if period is None else parse_period(period)
    datasets = {d.name: d for fw in frameworks for d in fw.datasets()}
    modules = {module.name: module for fw in frameworks for module in fw.modules}
    loads = _load_data(tuple(datasets.values()), tuple(modules.values()), data, area)
    owned = [{name: result for name, result in loads.items()
              if name in {d.name for d in framework.datasets()}} for framework in frameworks]
    coverages = [fw._coverage(own, keep_going) for fw, own in zip(frameworks, owned,
                                                                  strict=True)]
    choice = choose_period([h for c in coverages for h in c.holdings], requested,
                           str(data) if isinstance(data, str | Path) else None)
    return tuple(fw._evaluate(own, choice, coverage)
                 for fw, own, coverage in zip(frameworks, owned, coverages, strict=True))


def _tables(loads: Mapping[str, LoadResult]) -> dict[str, Table]:
    """The tables that could be built, by dataset."""
    return {name: result.table for name, result in loads.items() if result.table is not None}


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


__all__ = ["Alignment", "AreaFrame", "DataSource", "Framework", "PeriodChoice", "Run", "align",
           "load", "parse_period"]
