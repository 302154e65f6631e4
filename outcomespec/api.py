"""The public Python API: load a framework file, evaluate it on data, get a results table.

>>> from pathlib import Path
>>> try:
...     load(Path("missing.ospec"))
... except OutcomeSpecError as error:
...     print(error.diagnostics[0].code)
E001
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import evolve, field, frozen

from outcomespec import model as m
from outcomespec.alignment import Alignment
from outcomespec.alignment import align as align_frameworks
from outcomespec.checking import check_paths, check_project
from outcomespec.checking.project import load_project
from outcomespec.evaluation.areas import AreaFrame
from outcomespec.evaluation.compiler import compile_plan
from outcomespec.evaluation.coverage import Coverage, data_coverage
from outcomespec.evaluation.datachecks import absent_columns, skipping, unmatched_texts
from outcomespec.evaluation.evaluator import Evaluation, evaluate_plan
from outcomespec.evaluation.explanation import Explanation, explain_plan, explanation_document
from outcomespec.evaluation.gazetteer import area_frame, area_problem, check_areas
from outcomespec.evaluation.plan import Plan
from outcomespec.evaluation.publications import choose_comparators
from outcomespec.language.diagnostics import (
    Diagnostic,
    OutcomeSpecError,
    OutcomeSpecWarning,
    did_you_mean,
    sort_diagnostics,
)
from outcomespec.language.reading import DISK, Files
from outcomespec.language.rendering import render_text
from outcomespec.loading.identifiers import share_codes
from outcomespec.loading.loader import (
    LoadResult,
    codelists_of,
    file_names,
    load_directory,
    load_table,
)
from outcomespec.loading.periods import PeriodChoice, choose_period, parse_period
from outcomespec.loading.sources import is_source
from outcomespec.loading.tables import Table
from outcomespec.results.builder import Results, results_of

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
    """Warnings from loading the data, matching its areas to the geography's and evaluating
    it (errors raise instead, unless `keep_going`)."""
    period_choice: PeriodChoice
    """The period evaluated, and why: as requested, or the latest the data hold."""

    def notices(self) -> tuple[str, ...]:
        """What a reader of the results must know, one text each: every data diagnostic,
        every indicator not evaluated, numerators that counted units outside their
        denominator, and per dataset the values read as missing.

        `Framework.evaluate` issues each as an `OutcomeSpecWarning`.
        """
        evaluation = self.evaluation
        texts = [render_text(d) for d in self.diagnostics]
        texts += [f"indicator `{s.indicator.name}` was not evaluated: {s.reason}"
                  for s in evaluation.skipped]
        texts += [f"indicator `{v.indicator.name}`: {v.units:,} units counted by the numerator "
                  f"are not in the denominator (first rows {list(v.example_rows)})"
                  for v in evaluation.violations]
        for dataset, result in sorted(self.loads.items()):
            missing = result.report.read_as_missing()
            if missing:
                rules = "; ".join(f"{rule}: {count:,}" for rule, count in sorted(missing.items()))
                texts.append(f"`{dataset}` ({result.report.source}): "
                             f"{sum(missing.values()):,} values read as missing ({rules})")
        return tuple(texts)


class UnknownAreaError(OutcomeSpecError):
    """The `area` given for a single authority's return is not a local authority of the
    geography in the period: a mistake in the call, found before any data are evaluated."""


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
        """The evaluation plan in words: what each indicator computes as written, what it
        reads, its steps, and which are shared (`outcomespec explain`)."""
        return self.explanation().render_text()

    def explanation(self) -> Explanation:
        """The evaluation plan in words, as a value (`to_dict()` gives its JSON form)."""
        return explain_plan(self.plan, self.model, self.modules)

    def evaluate(self, data: DataSource, period: int | str | None = None, *,
                 area: str | None = None, keep_going: bool = False,
                 comparators: m.ComparatorChoice | str = m.ComparatorChoice.DECLARED
                 ) -> Results:
        """Compute every indicator for every area, for the reporting year ending in `period`.

        `period` is a year as people write it: 2025, "2025", "2024-25" or "2024/25" (the
        reporting year ending 31 March 2025). Without it, the latest period the data hold is
        evaluated (`Run.period_choice` says which and why). Raises `OutcomeSpecError` with the
        data diagnostics when the data have errors, unless `keep_going`, or when they hold no
        rows for the period (D131); `TypeError` or `ValueError` for a `period` that is not a
        year (a two-digit 25 is refused: write 2025), and for any other argument not one this
        function takes, naming it. An indicator whose datasets hold no rows
        for the period is not evaluated (`no_data_for_period`), never 0. `run` gives the
        warnings and the load and evaluation reports as well. `area` names the local
        authority of a single authority's return that has no area column, by any code the
        geography gives it (`805` or `E06000001` for Hartlepool); `UnknownAreaError` if it
        names none that existed in the period. The results of a single authority's return
        (`area` given) hold its rows, its region's and England's: those are taken from the
        indicator's publication when its comparators are `published`, and otherwise left
        blank (pooled from one authority they would be that authority). `comparators` says
        where England, the regions and the neighbours come from: `declared` (as each
        indicator says), `published` (from every indicator's publication) or `pooled` (from
        the areas evaluated). Issues an `OutcomeSpecWarning` for each thing `run` reports that
        a reader of the results must know (`Run.notices`): data warnings, indicators not
        evaluated, values read as missing.
        """
        run = self.run(data, period, area=area, keep_going=keep_going,
                       comparators=comparators)
        for notice in run.notices():
            warnings.warn(notice, OutcomeSpecWarning, stacklevel=2)
        return run.results

    def run(self, data: DataSource, period: int | str | None = None, *,
            area: str | None = None, keep_going: bool = False,
            comparators: m.ComparatorChoice | str = m.ComparatorChoice.DECLARED) -> Run:
        """Like `evaluate`, keeping the reports: rows read and excluded per dataset, values
        read as missing and why, indicators that could not be evaluated and why.

        With `keep_going`, data errors do not stop evaluation: a value that could not be read
        or lies outside its column's `range` is treated as missing (and counted under its
        diagnostic in the load report), and the errors come back in `Run.diagnostics`. A
        table that could not be read at all is still left out, and the indicators that need
        it, or that read a column its file lacks, are reported as not evaluated.
        """
        return run_all([self], data, period, area=area, keep_going=keep_going,
                       comparators=comparators)[0]

    def _coverage(self, loads: Mapping[str, LoadResult]) -> Coverage:
        """What periods the loaded tables hold."""
        return data_coverage(self.plan, _tables(loads), self.model.period,
                             modules=self.modules)

    def comparing(self, comparators: m.ComparatorChoice | str) -> Framework:
        """The framework with its England, region and neighbour comparators taken as
        `comparators` says: `declared` (as each indicator says), `published` (from every
        indicator's publication) or `pooled` (from the areas evaluated)."""
        choice = m.ComparatorChoice(comparators)
        return evolve(self, plan=choose_comparators(self.plan, choice))

    def _evaluate(self, loads: Mapping[str, LoadResult], choice: PeriodChoice,
                  coverage: Coverage, keep_going: bool, area: str | None
                  ) -> tuple[Evaluation, tuple[Diagnostic, ...]]:
        """Evaluate for the chosen period: the areas of the period, the columns the plan reads
        checked against the files, every problem raised together unless `keep_going`."""
        year = choice.period
        tables = _tables(loads)
        frame = area_frame(self.modules, tables, year)
        unknown = area_problem(frame, area) if area is not None else None
        if unknown is not None:
            raise UnknownAreaError([unknown])
        absent, unusable = absent_columns(self.plan, loads, year)
        sources = {name: result.report.source for name, result in loads.items()}
        problems = sort_diagnostics([*(d for result in loads.values() for d in result.diagnostics),
                                     *absent, *unmatched_texts(self.plan, loads),
                                     *check_areas(self.modules, tables, frame),
                                     *coverage.warnings(self.plan, year, sources)])
        if any(d.is_error for d in problems) and not keep_going:
            raise OutcomeSpecError(problems)
        evaluation = evaluate_plan(skipping(self.plan, unusable), self.modules, tables, year,
                                   self.model.period, frame, coverage=coverage,
                                   only=None if area is None else frame.position(area))
        return evaluation, (*problems, *evaluation.diagnostics)

    def datasets(self) -> tuple[m.Dataset, ...]:
        """The datasets evaluation reads: those of the indicators, of the publications their
        comparators are taken from, and of the geography."""
        names = {d for p in self.plan.indicators for d in p.datasets} | _geography_datasets(
            self.modules)
        names |= {p.publication.dataset for p in self.plan.indicators
                  if p.publication is not None
                  and any(c.published for c in p.indicator.comparators)}
        known = {d.name: d for module in self.modules for d in module.datasets}
        return tuple(known[n] for n in sorted(names) if n in known)


def run_all(frameworks: Sequence[Framework], data: DataSource,
            period: int | str | None = None, *, area: str | None = None,
            keep_going: bool = False,
            comparators: m.ComparatorChoice | str = m.ComparatorChoice.DECLARED
            ) -> tuple[Run, ...]:
    """Evaluate several frameworks on the same data, reading each dataset once, for one
    period: `period`, or the latest any of them holds.

    Why: frameworks over the same returns (the National Framework and Supporting Families
    both read SSDA903 and the CIN census) should not pay for reading them twice. Each run
    reports only the datasets its framework reads; errors are handled as in `Framework.run`.
    Their results are suppressed together: a count they both publish is hidden in both or
    in neither. `comparators` is as in `Framework.evaluate`.
    """
    _check_arguments(data, area, keep_going)
    frameworks = [framework.comparing(_choice(comparators)) for framework in frameworks]
    requested = None if period is None else parse_period(period)
    datasets = {d.name: d for fw in frameworks for d in fw.datasets()}
    modules = {module.name: module for fw in frameworks for module in fw.modules}
    if area is not None:
        _check_area(tuple(datasets.values()), tuple(modules.values()), data, area)
    loads = _load_data(tuple(datasets.values()), tuple(modules.values()), data, area)
    owned = [{name: result for name, result in loads.items()
              if name in {d.name for d in framework.datasets()}} for framework in frameworks]
    coverages = [fw._coverage(own) for fw, own in zip(frameworks, owned, strict=True)]
    try:
        choice = choose_period([h for c in coverages for h in c.holdings], requested,
                               str(data) if isinstance(data, str | Path) else None)
    except OutcomeSpecError as error:  # say first what is wrong with the data, if anything
        errors = [d for result in loads.values() for d in result.diagnostics if d.is_error]
        if errors and not keep_going:
            raise OutcomeSpecError(sort_diagnostics([*errors, *error.diagnostics])) from error
        raise
    evaluated = [fw._evaluate(own, choice, coverage, keep_going, area)
                 for fw, own, coverage in zip(frameworks, owned, coverages, strict=True)]
    results = results_of([(evaluation, framework.model) for framework, (evaluation, _)
                          in zip(frameworks, evaluated, strict=True)])
    return tuple(Run(published, evaluation, own, diagnostics, choice)
                 for published, own, (evaluation, diagnostics)
                 in zip(results, owned, evaluated, strict=True))


def _tables(loads: Mapping[str, LoadResult]) -> dict[str, Table]:
    """The tables that could be built, by dataset."""
    return {name: result.table for name, result in loads.items() if result.table is not None}


def _choice(comparators: object) -> m.ComparatorChoice:
    """The comparator choice `comparators` names (ValueError naming the choices)."""
    try:
        return m.ComparatorChoice(str(comparators))
    except ValueError:
        choices = ", ".join(f'"{c.value}"' for c in m.ComparatorChoice)
        msg = f"comparators must be one of {choices}, not {comparators!r}"
        raise ValueError(msg) from None


def _check_arguments(data: object, area: object, keep_going: object) -> None:
    """Raise `TypeError`, naming the argument, for a value of the wrong type (before work)."""
    if isinstance(data, Mapping):
        for name, source in data.items():
            if not isinstance(name, str):
                msg = f"data: dataset names must be text, not {type(name).__name__} ({name!r})"
                raise TypeError(msg)
            if not is_source(source):
                msg = (f"data[{name!r}] must be a path to a .csv or .parquet file, a pandas "
                       "DataFrame, a pyarrow Table or a mapping of column name to values, "
                       f"not {type(source).__name__}")
                raise TypeError(msg)
    elif not isinstance(data, str | os.PathLike) or isinstance(os.fspath(data), bytes):
        msg = ("data must be a directory of <dataset>.csv or .parquet files (a str or Path) "
               "or a mapping of dataset name to table, not "
               f"{type(data).__name__}")
        raise TypeError(msg)
    if area is not None and not isinstance(area, str):
        msg = f"area must be a local authority code as text (\"202\"), not {type(area).__name__}"
        raise TypeError(msg)
    if not isinstance(keep_going, bool):
        msg = f"keep_going must be True or False, not {type(keep_going).__name__}"
        raise TypeError(msg)


def _geography_datasets(modules: Sequence[m.Framework]) -> set[str]:
    """The datasets the geographies of `modules` read their areas and neighbours from."""
    return {name for module in modules for geography in module.geographies
            for name in (*(level.dataset for level in geography.levels),
                         *(n.dataset for n in geography.neighbours))}


def _check_area(datasets: Sequence[m.Dataset], modules: Sequence[m.Framework],
                data: DataSource, area: str) -> None:
    """Raise `UnknownAreaError` unless `area` is a local authority of the geography in some
    year: read from the geography's tables alone, before the returns themselves."""
    names = _geography_datasets(modules)
    geography = [d for d in datasets if d.name in names]
    if not isinstance(data, str | Path):
        short = {d.name.rsplit(".", 1)[-1] for d in geography} | names
        data = {name: source for name, source in data.items() if name in short}
    loads = _load_data(geography, modules, data, None)
    tables = {name: r.table for name, r in loads.items() if r.table is not None}
    problem = area_problem(area_frame(modules, tables), area)
    if problem is not None:
        raise UnknownAreaError([problem])


def _load_data(datasets: Sequence[m.Dataset], modules: Sequence[m.Framework],
               data: DataSource, area: str | None) -> dict[str, LoadResult]:
    codelists = codelists_of(modules)
    if not isinstance(data, Mapping):
        directory = Path(data)
        if not directory.is_dir():
            msg = f"data: `{directory}` is not a directory of <dataset>.csv or .parquet files"
            raise NotADirectoryError(msg)
        return load_directory(datasets, directory, codelists, area=area)
    by_name = {d.name: d for d in datasets} | {d.name.rsplit(".", 1)[-1]: d
                                               for d in datasets}
    loads = {}
    for name, source in data.items():
        dataset = by_name.get(name)
        if dataset is None:
            short = sorted(d.name.rsplit(".", 1)[-1] for d in datasets)
            msg = (f"data: `{name}` is not a dataset the framework reads (it reads: "
                   f"{', '.join(short)})")
            hint = did_you_mean(name, by_name)
            raise ValueError(msg + (f"; {hint}" if hint else ""))
        loads[dataset.name] = load_table(dataset, source, codelists, name=name,
                                         area=area if dataset.area else None)
    shared = share_codes({name: r.table for name, r in loads.items() if r.table is not None})
    return {name: evolve(r, table=shared.get(name)) for name, r in loads.items()}


def data_files(frameworks: Sequence[Framework], directory: str | Path) -> tuple[Path, ...]:
    """The files evaluating `frameworks` on `directory` looks for, whether there or not:
    `<dataset>.csv` and `<dataset>.parquet` for every dataset they read, once each.

    Why: to refuse, before any work, a directory that holds none of them, and an output
    file that would overwrite one of them.
    """
    names = dict.fromkeys(name for fw in frameworks for d in fw.datasets()
                          for name in file_names(d))
    return tuple(Path(directory) / name for name in names)


def framework_files(paths: Sequence[str | Path], root: str | Path | None = None
                    ) -> tuple[Path, ...]:
    """Every file reading `paths` opens: each file and everything it imports, with symbolic
    links followed (so that an output file is never one of them).

    >>> framework_files(["missing.ospec"])
    ()
    """
    project = load_project([Path(p) for p in paths], Path(root) if root is not None else None)
    return tuple(module.path for module in project.modules)


def load(path: str | Path, root: str | Path | None = None, *, files: Files = DISK
         ) -> Framework:
    """Read, parse and check a framework file and its imports, and plan its evaluation.

    Raises `OutcomeSpecError`, carrying every diagnostic, if anything is an error. Imports
    may not leave `root` (default: the file's directory). `files` says where the texts come
    from: the disk, or another version of them (`outcomespec.revision.git_files`).
    """
    file = Path(path)
    chosen = Path(root) if root is not None else file.resolve().parent
    result = check_project(load_project([file], chosen, files=files))
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


__all__ = ["Alignment", "AreaFrame", "DataSource", "Explanation", "Framework", "PeriodChoice",
           "Run", "UnknownAreaError", "align", "data_files", "explanation_document",
           "framework_files", "load", "parse_period"]
