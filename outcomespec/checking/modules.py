"""The checker: syntax trees of a file and its imports → checked models, plus every diagnostic.

Modules are checked in dependency order, so an importer sees the finished models of what it
imports. Within a module, declarations are checked in a fixed order (codelists, datasets,
geography, definitions, cohorts, goals, outcomes) and definitions or cohorts used before
they are declared are checked on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from attrs import evolve, frozen

from outcomespec import model as m
from outcomespec.checking.benchmarks import check_comparison, resolve_benchmark
from outcomespec.checking.context import Context, Registry, Settings
from outcomespec.checking.declarations import (
    FRAMEWORK_META,
    check_codelist,
    check_dataset,
    check_geography,
    check_meta,
    lookup_cohort,
    lookup_definition,
)
from outcomespec.checking.indicators import check_goal, check_section
from outcomespec.checking.project import LoadedProject, load_project
from outcomespec.checking.scope import Decl, Resolver, build_scope, declarations
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic, Label, did_you_mean, sort_diagnostics

Node = TypeVar("Node")
Model = TypeVar("Model", m.Codelist, m.Dataset, m.Geography, m.ComparisonUnits)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@frozen
class CheckResult:
    """Checked models of every module that checked, and all diagnostics, in source order."""

    frameworks: tuple[m.Framework, ...]
    requested: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is an error (warnings allowed)."""
        return not any(d.is_error for d in self.diagnostics)

    def framework(self, name: str) -> m.Framework | None:
        """The checked model of the module called `name`."""
        for framework in self.frameworks:
            if framework.name == name:
                return framework
        return None


def check_paths(paths: list[Path], root: Path | None = None) -> CheckResult:
    """Load, parse and check files and what they import.

    >>> result = check_paths([Path("no-such-file.ospec")])
    >>> result.ok, result.diagnostics[0].code
    (False, 'E001')
    """
    return check_project(load_project(paths, root))


def check_project(project: LoadedProject) -> CheckResult:
    """Check every loaded module, imports before importers."""
    diagnostics = list(project.diagnostics)
    tables: dict[str, dict[str, Decl]] = {}
    names_by_path: dict[Path, str] = {}
    owner: dict[str, Path] = {}
    for loaded in project.modules:
        name = loaded.module.name.text
        if name in owner:
            diagnostics.append(Diagnostic.of(
                "E202", f"two files declare a module called `{name}`", loaded.module.name.span,
                help=f"the other is `{owner[name]}`; rename one"))
        owner.setdefault(name, loaded.path)
        names_by_path[loaded.path] = name
        tables[name] = declarations(loaded.module, diagnostics)
    registry = Registry()
    used: set[str] = set()
    used_imports: set[tuple[str, str]] = set()
    frameworks = []
    for loaded in project.modules:
        scope = build_scope(loaded, tables, names_by_path)
        resolver = Resolver(scope, diagnostics, used, used_imports)
        ctx = Context(loaded.module.name.text, m.ModuleKind(loaded.module.kind), resolver,
                      registry,
                      diagnostics)
        frameworks.append(_check_module(ctx, loaded.module, str(loaded.shown_as),
                                        [names_by_path[e.target] for e in loaded.imports]))
    # "Never used" is only trustworthy when everything else in the file checked: a name in an
    # expression that failed to check was never looked at, so it would be reported falsely.
    broken = {d.path for d in diagnostics if d.is_error}
    for loaded in project.modules:
        if loaded.module.kind == "framework" and loaded.shown_as not in broken:
            diagnostics.extend(_unused(loaded.module, tables, used, used_imports,
                                       names_by_path, loaded))
    requested = tuple(names_by_path[p] for p in project.requested if p in names_by_path)
    return CheckResult(tuple(frameworks), requested, tuple(sort_diagnostics(diagnostics)))


def _check_module(ctx: Context, module: s.Module, path: str, imports: list[str]) -> m.Framework:
    registry = ctx.registry
    items = module.items
    prefix = ctx.module
    # In this order: datasets need codelists, geography needs datasets.
    codelists = _declare(items, s.Codelist, lambda n: check_codelist(ctx, n), registry.codelists)
    datasets = _declare(items, s.Dataset, lambda n: check_dataset(ctx, n), registry.datasets)
    geographies = _declare(items, s.Geography, lambda n: check_geography(ctx, n),
                           registry.geographies)
    comparisons = _declare(items, s.Comparison, lambda n: check_comparison(ctx, n),
                           registry.comparisons)
    definitions = []
    cohorts = []
    for item in items:
        if isinstance(item, s.Definition):
            definition = lookup_definition(ctx, f"{prefix}.{item.name.text}",
                                           s.NameRef((item.name,)))
            if definition is not None:
                definitions.append(definition)
        elif isinstance(item, s.CohortDecl):
            cohort = lookup_cohort(ctx, f"{prefix}.{item.name.text}", s.NameRef((item.name,)))
            if cohort is not None:
                cohorts.append(cohort)
    settings = _settings(ctx, items)
    goals = [check_goal(ctx, item) for item in items if isinstance(item, s.Goal)]
    sections = [check_section(ctx, item, settings) for item in items
                if isinstance(item, s.Section)]
    if ctx.kind is m.ModuleKind.LIBRARY and sections:
        ctx.report(Diagnostic.of(
            "E410", "a library declares datasets and definitions, not outcomes",
            sections[0].span, help="change `library` to `framework`"))
    meta = check_meta(ctx, [i for i in items if isinstance(i, s.Meta)], FRAMEWORK_META)
    return m.Framework(
        name=prefix, kind=ctx.kind,
        title=module.title.value if module.title else None, path=path,
        imports=tuple(imports), metadata=meta, period=settings.period,
        suppression=settings.suppression, rounding=settings.rounding,
        codelists=tuple(codelists), datasets=tuple(datasets), geographies=tuple(geographies),
        comparisons=tuple(comparisons),
        benchmark=settings.benchmark.name if settings.benchmark is not None else None,
        definitions=tuple(definitions), cohorts=tuple(cohorts), sections=tuple(sections),
        goals=tuple(goals),
    )


def _declare(items: tuple[s.ModuleItem, ...], kind: type[Node], check: Callable[[Node], Model],
             registry: dict[str, Model]) -> list[Model]:
    """Check every item of one kind, registering each model under its qualified name."""
    models = [check(item) for item in items if isinstance(item, kind)]
    for model in models:
        registry[model.name] = model
    return models


def _settings(ctx: Context, items: tuple[s.ModuleItem, ...]) -> Settings:
    """Framework-wide settings: reporting period, default suppression, rounding, the units
    compared (a library compares nothing, E410)."""
    settings = Settings()
    seen: dict[str, s.ModuleItem] = {}
    for item in items:
        key = {s.PeriodDecl: "period", s.SuppressCounts: "suppression",
               s.SuppressNone: "suppression", s.Rounding: "rounding",
               s.SuppressSmall: "suppression of small denominators",
               s.Benchmark: "benchmark"}.get(type(item))
        if key is None:
            continue
        if key in seen:
            ctx.report(Diagnostic.of("E406", f"the {key} is set twice", item.span,
                                     labels=[Label(seen[key].span, "first set here")]))
            continue
        seen[key] = item
        match item:
            case s.PeriodDecl():
                period = _period(ctx, item)
                if period is not None:
                    settings = evolve(settings, period=period)
            case s.SuppressCounts():
                settings = evolve(settings, suppression=(int(float(item.low.text)),
                                                         int(float(item.high.text))))
            case s.SuppressNone():
                settings = evolve(settings, suppression=None)
            case s.Rounding():
                settings = evolve(settings, rounding=_rounding(ctx, item))
            case s.SuppressSmall():
                settings = evolve(settings, smallest=int(float(item.below.text)))
            case s.Benchmark() if ctx.kind is m.ModuleKind.LIBRARY:
                ctx.report(Diagnostic.of(
                    "E410", "a library has no indicators to benchmark", item.span,
                    help="write `benchmark` in the framework that imports the library"))
            case s.Benchmark():
                settings = evolve(settings, benchmark=resolve_benchmark(ctx, item))
            case _:
                pass
    return settings


def _rounding(ctx: Context, item: s.Rounding) -> tuple[tuple[m.AreaLevel, ...], int]:
    """The levels whose counts are rounded (E410 for a word that is not a level), and to
    what (E105 unless a positive whole number)."""
    levels = []
    words = tuple(m.AreaLevel)
    for level in item.levels:
        if level.text in words:
            levels.append(m.AreaLevel(level.text))
        else:
            ctx.report(Diagnostic.of(
                "E410", f"`{level.text}` is not an area level", level.span,
                help=did_you_mean(level.text, words)
                or "use england, region or local_authority"))
    nearest = float(item.nearest.text)
    if nearest <= 0 or nearest != int(nearest):
        ctx.report(Diagnostic.of("E105", "round to a positive whole number",
                                 item.nearest.span))
    return tuple(levels), int(nearest)


def _period(ctx: Context, item: s.PeriodDecl) -> m.ReportingPeriod | None:
    month_name = item.month.text.capitalize()
    if month_name not in MONTHS:
        ctx.report(Diagnostic.of("E105", f"`{item.month.text}` is not a month", item.month.span,
                                 help=did_you_mean(item.month.text, MONTHS)))
        return None
    month = MONTHS.index(month_name) + 1
    day = float(item.day.text)
    if day != int(day) or not 1 <= day <= _MONTH_DAYS[month - 1] or (month == 2 and day == 29):
        ctx.report(Diagnostic.of("E105", f"{item.day.text} {month_name} cannot end every year",
                                 item.day.span))
        return None
    return m.ReportingPeriod(int(day), month)


def _unused(
    module: s.Module,
    tables: dict[str, dict[str, Decl]],
    used: set[str],
    used_imports: set[tuple[str, str]],
    names_by_path: dict[Path, str],
    loaded: Any,
) -> list[Diagnostic]:
    """Definitions, cohorts and imports a framework declares but never uses (E501)."""
    name = module.name.text
    found = [
        Diagnostic.of("E501", f"{decl.kind} `{decl.node.name.text}` is never used",
                      decl.node.name.span, help="remove it, or use it in an indicator")
        for decl in tables.get(name, {}).values()
        if decl.kind in ("definition", "cohort") and decl.qualified not in used
    ]
    for edge in loaded.imports:
        imported = names_by_path[edge.target]
        if (name, imported) not in used_imports:
            found.append(Diagnostic.of(
                "E501", f"nothing from `{edge.node.path.value}` is used", edge.node.span,
                help="remove the import"))
    return found


__all__ = ["CheckResult", "check_paths", "check_project"]
