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
from collections.abc import Iterable, Mapping, Sequence
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
from outcomespec.evaluation.gazetteer import (
    area_frame,
    area_problem,
    check_areas,
    foreign_rows,
)
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
from outcomespec.loading.folders import Reads, load_folders
from outcomespec.loading.identifiers import share_codes
from outcomespec.loading.loader import LoadResult, codelists_of, file_names, load_table
from outcomespec.loading.periods import (
    PeriodChoice,
    choose_period,
    parse_period,
    parse_periods,
    years_text,
)
from outcomespec.loading.sources import is_source
from outcomespec.loading.tables import Table
from outcomespec.results.builder import Results, results_of
from outcomespec.results.series import with_trends

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


@frozen
class Series:
    """Several periods, each evaluated as it would be alone, and their results as one table."""

    runs: tuple[tuple[Run, ...], ...]
    """For each period, oldest first, one run per framework (in the order given)."""
    results: Results
    """Every period's rows, period by period (each as its runs publish them), with the
    recent trend of each value whose series holds the four periods before it."""

    @property
    def periods(self) -> tuple[int, ...]:
        """The periods evaluated, oldest first."""
        return tuple(runs[0].period_choice.period for runs in self.runs)

    def notices(self) -> tuple[str, ...]:
        """What a reader must know (`Run.notices`) of every period, each said once."""
        return tuple(dict.fromkeys(text for runs in self.runs for run in runs
                                   for text in run.notices()))


Periods = int | str | range | Sequence[int | str] | None
"""One period or several: 2025, "2024-25", "2021..2025", range(2021, 2026), [2024, 2025]."""


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

    def evaluate(self, data: DataSource, period: Periods = None, *,
                 area: str | None = None, keep_going: bool = False,
                 comparators: m.ComparatorChoice | str = m.ComparatorChoice.DECLARED
                 ) -> Results:
        """Compute every indicator for every area, for the reporting year ending in `period`.

        `period` is a year as people write it: 2025, "2025", "2024-25" or "2024/25" (the
        reporting year ending 31 March 2025); or several, as a span "2021..2025", a `range`
        or a list of years: the table then holds every period's rows, with ranks and recent
        trends (`series` says more). Without it, the latest period the data hold is
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
        done: Run | Series = (
            self.run(data, period, area=area, keep_going=keep_going, comparators=comparators)
            if isinstance(period, int | str | None) and not _several(period)
            else self.series(data, period, area=area, keep_going=keep_going,
                             comparators=comparators))
        for notice in done.notices():
            warnings.warn(notice, OutcomeSpecWarning, stacklevel=2)
        return done.results

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

    def series(self, data: DataSource, periods: Periods, *, area: str | None = None,
               keep_going: bool = False,
               comparators: m.ComparatorChoice | str = m.ComparatorChoice.DECLARED) -> Series:
        """Evaluate several periods, each exactly as `run` evaluates it alone, into one table.

        `periods` is a span "2021..2025", a `range` or a list of years. A directory of data
        is read period by period: a dataset from `DIR/<year>/` when that folder holds it
        (the synthetic generator's layout), otherwise from `DIR` itself, where a dataset with
        a period column serves every year it holds (DfE's tables); each file is read once.
        The table holds the periods' rows in order of period, ranked within each period,
        with the recent trend of each value that has the four periods before it
        (`outcomespec.results.trends`). Raises as `run` does, for the first period whose data
        fail. `comparators` is as in `evaluate`.
        """
        return run_series([self], data, periods, area=area, keep_going=keep_going,
                          comparators=comparators)

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
        foreign = foreign_rows(tables, frame, area) if area is not None else []
        if foreign:  # even with keep_going: no figure of the area could be right
            raise OutcomeSpecError(foreign)
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
    in neither. A directory holding a folder named after `period` is read as `run_series`
    reads it. `comparators` is as in `Framework.evaluate`.
    """
    if _several(period):
        msg = (f"`period` {period!r} names several periods: evaluate them with "
               "`Framework.series` or `run_series` (or `Framework.evaluate`)")
        raise TypeError(msg)
    _check_arguments(data, area, keep_going)
    frameworks = [framework.comparing(_choice(comparators)) for framework in frameworks]
    requested = None if period is None else parse_period(period)
    if area is not None:
        _check_area(frameworks, data, area, requested)
    evaluated = _evaluated(frameworks, _load_data(_datasets(frameworks), _modules(frameworks),
                                                  data, area, requested),
                           requested, data, keep_going, area)
    return _runs(frameworks, [evaluated])[0]


def run_series(frameworks: Sequence[Framework], data: DataSource, periods: Periods, *,
               area: str | None = None, keep_going: bool = False,
               comparators: m.ComparatorChoice | str = m.ComparatorChoice.DECLARED) -> Series:
    """Evaluate several frameworks for several periods (`Framework.series`), each period as
    `run_all` evaluates it alone, reading each file once, into one table.

    Why the periods apart: a period's figures must not depend on which others are asked for,
    so each is evaluated, suppressed and judged on its own — except that a count published in
    two periods' rows (the same count in every area) is hidden in both or in neither, the
    periods that share one being suppressed together. Differencing two periods' figures is
    not an equation suppression protects: their counts are counts of different years.
    """
    years = parse_periods(periods)
    _check_arguments(data, area, keep_going)
    frameworks = [framework.comparing(_choice(comparators)) for framework in frameworks]
    if area is not None:
        _check_area(frameworks, data, area, years[0])
    datasets, modules = _datasets(frameworks), _modules(frameworks)
    reads: Reads = {}
    evaluated = []
    for year in years:
        try:
            evaluated.append(_evaluated(
                frameworks, _load_data(datasets, modules, data, area, year, reads), year, data,
                keep_going, area))
        except OutcomeSpecError as error:
            raise OutcomeSpecError([_in_period(d, data, year)
                                    for d in error.diagnostics]) from error
    runs = _runs(frameworks, evaluated)
    return Series(tuple(runs), with_trends(Results.concatenate(
        [run.results for period in runs for run in period])))


_Evaluated = tuple[Mapping[str, LoadResult], PeriodChoice, Evaluation, tuple[Diagnostic, ...]]
"""One framework's evaluation of one period: its loads, the period, the totals, the warnings."""


def _evaluated(frameworks: Sequence[Framework], loads: Mapping[str, LoadResult],
               requested: int | None, data: DataSource, keep_going: bool, area: str | None
               ) -> list[_Evaluated]:
    """Evaluate each framework for one period (or the latest the data hold) on `loads`."""
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
    return [(own, choice, *fw._evaluate(own, choice, coverage, keep_going, area))
            for fw, own, coverage in zip(frameworks, owned, coverages, strict=True)]


def _runs(frameworks: Sequence[Framework], periods: Sequence[Sequence[_Evaluated]]
          ) -> list[tuple[Run, ...]]:
    """The runs of each period, their results published together (`results_of`)."""
    results = iter(results_of([(evaluation, framework.model) for evaluated in periods
                               for framework, (_, _, evaluation, _)
                               in zip(frameworks, evaluated, strict=True)]))
    return [tuple(Run(next(results), evaluation, own, diagnostics, choice)
                  for own, choice, evaluation, diagnostics in evaluated)
            for evaluated in periods]


def _in_period(diagnostic: Diagnostic, data: DataSource, year: int) -> Diagnostic:
    """A diagnostic of one period of a series, saying which period, and for data with none
    (D131) which folders of the data's directory there are."""
    if diagnostic.code != "D131":
        return diagnostic
    folders = (sorted(int(p.name) for p in Path(data).iterdir()
                      if p.is_dir() and p.name.isdigit() and len(p.name) == 4)
               if isinstance(data, str | Path) else [])
    fix = (f"{diagnostic.help}; `{data}` has folders for {years_text(folders)}, none for {year}"
           if folders and year not in folders else diagnostic.help)
    return evolve(diagnostic, message=f"period {year}: {diagnostic.message}", help=fix)


def _several(period: object) -> bool:
    """Whether `period` names several periods (a span, a range or a sequence of years)."""
    return isinstance(period, range | list | tuple) or (isinstance(period, str)
                                                        and ".." in period)


def _datasets(frameworks: Sequence[Framework]) -> tuple[m.Dataset, ...]:
    """The datasets the frameworks read, each once."""
    return tuple({d.name: d for fw in frameworks for d in fw.datasets()}.values())


def _modules(frameworks: Sequence[Framework]) -> tuple[m.Framework, ...]:
    """The modules of the frameworks, each once."""
    return tuple({module.name: module for fw in frameworks for module in fw.modules}.values())


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


def _check_area(frameworks: Sequence[Framework], data: DataSource, area: str,
                year: int | None) -> None:
    """Raise `UnknownAreaError` unless `area` is a local authority of the geography in some
    year: read from the geography's tables alone, before the returns themselves."""
    modules = _modules(frameworks)
    names = _geography_datasets(modules)
    geography = [d for d in _datasets(frameworks) if d.name in names]
    if not isinstance(data, str | Path):
        short = {d.name.rsplit(".", 1)[-1] for d in geography} | names
        data = {name: source for name, source in data.items() if name in short}
    loads = _load_data(geography, modules, data, None, year)
    tables = {name: r.table for name, r in loads.items() if r.table is not None}
    problem = area_problem(area_frame(modules, tables), area)
    if problem is not None:
        raise UnknownAreaError([problem])


def _load_data(datasets: Sequence[m.Dataset], modules: Sequence[m.Framework],
               data: DataSource, area: str | None, year: int | None = None,
               reads: Reads | None = None) -> dict[str, LoadResult]:
    """Load the datasets from `data`; from a directory, `year`'s from its folder `<year>/`
    where it has one (`load_folders`). `reads` keeps what was loaded, so that a series of
    periods reads each file, or each table given, once."""
    codelists = codelists_of(modules)
    reads = {} if reads is None else reads
    if not isinstance(data, Mapping):
        directory = Path(data)
        if not directory.is_dir():
            msg = f"data: `{directory}` is not a directory of <dataset>.csv or .parquet files"
            raise NotADirectoryError(msg)
        return load_folders(datasets, directory, codelists, area=area, period=year,
                            reads=reads)
    key = ("", *(d.name for d in datasets))
    if key not in reads:
        reads[key] = _load_mapping(datasets, data, codelists, area)
    return reads[key]


def _load_mapping(datasets: Sequence[m.Dataset], data: Mapping[str, Any],
                  codelists: Mapping[str, m.Codelist], area: str | None
                  ) -> dict[str, LoadResult]:
    """Load the tables given by dataset name."""
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


def data_files(frameworks: Sequence[Framework], directory: str | Path,
               periods: Sequence[int] = ()) -> tuple[Path, ...]:
    """The files evaluating `frameworks` on `directory` looks for, whether there or not:
    `<dataset>.csv` and `<dataset>.parquet` for every dataset they read, once each, and the
    XML files, which may be returns holding some of them: in the directory and in the folder
    of each of `periods` (`run_series`).

    Why: to refuse, before any work, a directory that holds none of them, and an output
    file that would overwrite one of them.
    """
    names = dict.fromkeys(name for fw in frameworks for d in fw.datasets()
                          for name in file_names(d))
    folders = [Path(directory), *(Path(directory) / str(year) for year in periods)]
    return tuple(path for folder in folders for path in _looked_for(folder, names))


def _looked_for(folder: Path, names: Iterable[str]) -> list[Path]:
    """The data files of `names` in `folder`, then the folder's XML files (possible returns)."""
    try:
        returned = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".xml")
    except OSError:  # no such folder, or one the user may not read: nothing returned there
        returned = []
    return [folder / name for name in [*names, *returned]]


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
           "Periods", "Run", "Series", "UnknownAreaError", "align", "data_files",
           "explanation_document", "framework_files", "load", "parse_period", "parse_periods",
           "run_all", "run_series"]
