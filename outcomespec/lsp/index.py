"""Every name of a checked project, where it is declared and everywhere it is used.

Declarations come from the syntax trees (their names' spans), with what the checked model
knows of them (a column's type, an indicator's statistic). Uses are found in two ways, so
that they are exactly the checker's: a name that the checker resolved inside an expression
is read from the model, which keeps the span of every column and definition reference and
of every code test; a name that stands for a declaration (a dataset after `for`, a goal
after `serves`, an indicator after `from`) is looked up with the checker's own scopes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from outcomespec import model as m
from outcomespec.checking import CheckResult
from outcomespec.checking.project import LoadedModule, LoadedProject
from outcomespec.checking.scope import Resolver, build_scope, declarations
from outcomespec.language import syntax as s
from outcomespec.language.source import NOWHERE, Span
from outcomespec.lsp.describe import describe


@frozen
class Key:
    """What a name stands for: its kind, the file declaring it, and its name there
    (`episodes.DECOM` for a column, `legal_status.C1` for a code)."""

    path: Path
    kind: str
    name: str


@frozen(kw_only=True)
class Symbol:
    """A declaration: its name's span, the whole declaration, and what to show about it."""

    key: Key
    name: str
    span: Span
    whole: Span
    title: str | None = None
    detail: str = ""
    description: str | None = None
    parent: Key | None = None


@frozen
class Reference:
    """A use of a declared name: the span of the name itself (the last part of a qualified
    name), in the file at `path`."""

    key: Key
    path: Path
    span: Span


@frozen
class ImportLink:
    """An `import "…"` of a file, resolved."""

    path: Path
    span: Span
    target: Path


@frozen
class Index:
    """The names of one checked project: symbols by key, and every reference."""

    symbols: dict[Key, Symbol]
    references: tuple[Reference, ...]
    imports: tuple[ImportLink, ...]
    paths: dict[str, Path]
    """The path of each source, by the name it is shown under."""

    def path_of(self, span: Span) -> Path | None:
        """The file a span is in."""
        return self.paths.get(span.source.path)

    def at(self, path: Path, offset: int) -> Key | None:
        """What the name at a place in a file stands for."""
        found = self.name_at(path, offset)
        return found[0] if found is not None else None

    def name_at(self, path: Path, offset: int) -> tuple[Key, Span] | None:
        """The name at a place in a file (a declaration's or a use; its ends included),
        and what it stands for."""
        for symbol in self.symbols.values():
            if symbol.key.path == path and symbol.span.start <= offset <= symbol.span.end:
                return symbol.key, symbol.span
        for reference in self.references:
            if reference.path == path and reference.span.start <= offset <= reference.span.end:
                return reference.key, reference.span
        return None

    def import_at(self, path: Path, offset: int) -> ImportLink | None:
        """The import whose path text holds `offset`."""
        return next((i for i in self.imports
                     if i.path == path and i.span.start <= offset <= i.span.end), None)

    def uses(self, key: Key) -> tuple[Reference, ...]:
        """Every use of `key`, in file and text order."""
        return tuple(sorted((r for r in self.references if r.key == key),
                            key=lambda r: (str(r.path), r.span.start)))

    def in_file(self, path: Path) -> tuple[Symbol, ...]:
        """The symbols declared in `path`, in text order."""
        return tuple(sorted((sym for sym in self.symbols.values() if sym.key.path == path),
                            key=lambda sym: sym.whole.start))


def build_index(project: LoadedProject, result: CheckResult) -> Index:
    """The index of a loaded and checked project."""
    models = {framework.name: framework for framework in result.frameworks}
    paths = {loaded.module.name.text: loaded.path for loaded in project.modules}
    tables = {}
    names_by_path = {}
    for loaded in project.modules:
        tables[loaded.module.name.text] = declarations(loaded.module, [])
        names_by_path[loaded.path] = loaded.module.name.text
    builder = _Builder(paths, models)
    for loaded in project.modules:
        builder.declare(loaded)
    for loaded in project.modules:
        scope = build_scope(loaded, tables, names_by_path)
        builder.use(loaded, Resolver(scope, [], set(), set()))
    return Index(builder.symbols, tuple(builder.references), tuple(builder.imports),
                 {loaded.shown_as: loaded.path for loaded in project.modules})


_DECL_KINDS = {s.Codelist: "codelist", s.Dataset: "dataset", s.Geography: "geography",
               s.Comparison: "comparison", s.Definition: "definition", s.CohortDecl: "cohort",
               s.Goal: "goal"}


class _Builder:
    def __init__(self, paths: dict[str, Path], models: dict[str, m.Framework]) -> None:
        self.paths = paths
        self.models = models
        self.symbols: dict[Key, Symbol] = {}
        self.references: list[Reference] = []
        self.imports: list[ImportLink] = []
        self.facts: dict[tuple[str, int, int], Any] = {}
        for framework in models.values():
            for expr in _model_expressions(framework):
                for node in _walk_model(expr):
                    if node.span is not NOWHERE:
                        span = node.span
                        self.facts.setdefault((span.source.path, span.start, span.end), node)

    # ------------------------------------------------------------------ declarations

    def declare(self, loaded: LoadedModule) -> None:
        module = loaded.module
        model = self.models.get(module.name.text)
        path = loaded.path
        top = Key(path, "module", module.name.text)
        self._add(top, module.name, module, module.title, model, None)
        for item in module.items:
            kind = "section" if isinstance(item, s.Section) else _DECL_KINDS.get(type(item))
            if kind is None:
                continue
            key = Key(path, kind, item.name.text)  # type: ignore[union-attr]
            self._add(key, item.name, item, getattr(item, "title", None), model, top)  # type: ignore[union-attr]
            for child, child_kind, name in _children(item):
                self._add(Key(path, child_kind, f"{key.name}.{name.text}" if child_kind in
                              ("column", "code", "group") else name.text),
                          name, child, getattr(child, "title", None), model, key)

    def _add(self, key: Key, name: s.Name | s.Code, node: Any, title: s.StringLit | None,
             model: m.Framework | None, parent: Key | None) -> None:
        if key in self.symbols:  # declared twice: the checker reports it (E202, E503)
            return
        detail, description = describe(key.kind, key.name, node, model)
        self.symbols[key] = Symbol(key=key, name=name.text, span=name.span, whole=node.span,
                                   title=title.value if title else None, detail=detail,
                                   description=description, parent=parent)

    # ------------------------------------------------------------------ uses

    def use(self, loaded: LoadedModule, resolver: Resolver) -> None:
        for edge in loaded.imports:
            self.imports.append(ImportLink(loaded.path, edge.node.path.span, edge.target))
        for node, context in _walk_syntax(loaded.module):
            self._use(loaded.path, resolver, node, context)

    def _use(self, path: Path, resolver: Resolver, node: Any, context: str | None) -> None:
        match node:
            case s.NameRef():
                fact = self._fact(node.span)
                if isinstance(fact, m.ColumnRef | m.DefinitionRef):
                    self._model_use(path, fact, node.parts[-1].span)
                elif context is not None:
                    self._declared_use(path, resolver, node, context)
            case s.OuterRef():
                fact = self._fact(node.span)
                if isinstance(fact, m.ColumnRef | m.DefinitionRef):
                    self._model_use(path, fact, node.name.span)
            case s.Membership():
                fact = self._fact(node.span)
                codelist = (fact.operand.type.codelist if isinstance(fact, m.CodeTest)
                            else None)
                if codelist is not None:
                    self._codes(path, codelist, node.codes)
            case s.Name() if context is not None:
                self._declared_use(path, resolver, s.NameRef((node,), span=node.span), context)
            case s.Code() if context is not None:
                key = Key(path, "code", f"{context.removeprefix('code:')}.{node.text}")
                if key in self.symbols:
                    self.references.append(Reference(key, path, node.span))
            case _:
                pass

    def _fact(self, span: Span) -> Any:
        return self.facts.get((span.source.path, span.start, span.end))

    def _model_use(self, path: Path, fact: m.ColumnRef | m.DefinitionRef, span: Span) -> None:
        if isinstance(fact, m.ColumnRef):
            module, dataset = fact.dataset.rsplit(".", 1)
            key = Key(self.paths.get(module, path), "column", f"{dataset}.{fact.column}")
        else:
            module, name = fact.definition.rsplit(".", 1)
            key = Key(self.paths.get(module, path), "definition", name)
        self.references.append(Reference(key, path, span))

    def _declared_use(self, path: Path, resolver: Resolver, ref: s.NameRef, context: str
                      ) -> None:
        if context.startswith("column:"):
            dataset = context.removeprefix("column:")
            self._found(self._column_key(path, resolver, dataset, ref.dotted), path, ref)
            return
        decl = resolver.find(ref)
        if decl is None or decl.kind not in context.split("|"):
            return
        where = self.paths.get(decl.module)
        if where is not None:
            self._found(Key(where, decl.kind, decl.qualified.rsplit(".", 1)[-1]), path, ref)

    def _column_key(self, path: Path, resolver: Resolver, dataset: str, column: str
                    ) -> Key | None:
        """The column `column` of the dataset called `dataset` where `path` sees it."""
        decl = resolver.find(s.NameRef(tuple(s.Name(p) for p in dataset.split("."))))
        if decl is None or decl.kind != "dataset":
            return None
        where = self.paths.get(decl.module, path)
        return Key(where, "column", f"{decl.qualified.rsplit('.', 1)[-1]}.{column}")

    def _found(self, key: Key | None, path: Path, ref: s.NameRef) -> None:
        if key is not None and key in self.symbols:
            self.references.append(Reference(key, path, ref.parts[-1].span))

    def _codes(self, path: Path, codelist: str, codes: s.CodeSet) -> None:
        module, name = codelist.rsplit(".", 1)
        where = self.paths.get(module, path)
        if isinstance(codes, s.CodeGroupRef):
            key = Key(where, "group", f"{name}.{codes.name.text}")
            if key in self.symbols:
                self.references.append(Reference(key, path, codes.name.span))
            return
        for code in codes.codes:
            key = Key(where, "code", f"{name}.{code.text}")
            if key in self.symbols:
                self.references.append(Reference(key, path, code.span))


def _children(item: Any) -> Iterator[tuple[Any, str, s.Name | s.Code]]:
    """The declarations inside a module-level item: columns, codes and groups, geography
    levels and neighbour sets, indicators."""
    for entry in getattr(item, "items", ()):
        match entry:
            case s.CodeEntry():
                yield entry, "code", entry.code
            case s.CodeGroup():
                yield entry, "group", entry.name
            case s.Column():
                yield entry, "column", entry.name
            case s.GeoLevel():
                yield entry, "level", entry.name
            case s.Neighbours():
                yield entry, "neighbours", entry.name
            case s.Indicator():
                yield entry, "indicator", entry.name
            case _:
                pass


def _walk_syntax(module: s.Module) -> Iterator[tuple[Any, str | None]]:
    """Every node of a module, with what a name there stands for when the grammar says so
    (`dataset`, `dataset|cohort`, `column:DATASET`, …); None inside expressions, where the
    model says what each name is."""
    stack: list[tuple[Any, str | None]] = [(module, None)]
    while stack:
        node, context = stack.pop()
        yield node, context
        stack.extend(reversed(list(_inside(node))))


def _inside(node: Any) -> Iterator[tuple[Any, str | None]]:
    """The nodes directly inside `node`, each with its context."""
    match node:
        case s.Column():
            if isinstance(node.type, s.CodeType):
                yield node.type.codelist, "codelist"
            return
        case s.Dataset():
            yield from _dataset_parts(node)
            return
        case s.GeoLevel() | s.Neighbours():
            yield node.dataset, "dataset"
            for geo in node.fields:
                if isinstance(geo, s.GeoField):
                    target = "level" if geo.key == "parent" else f"column:{node.dataset.text}"
                    yield from ((value, target) for value in geo.values)
            return
        case s.Comparison() | s.Benchmark():
            yield from _comparison_parts(node)
            return
        case s.Definition():
            yield node.dataset, "dataset"
            yield node.expr, None
            return
        case s.Population():
            yield node.base, "dataset|cohort"
            if node.where is not None:
                yield node.where, None
            return
        case s.Aggregate():
            yield node.source, "dataset"
            yield from ((part, None) for part in (node.value, node.where, node.order)
                        if part is not None)
            return
        case s.Indicator():
            if node.origin is not None:
                yield node.origin, "indicator"
        case s.Serves():
            yield node.goal, "goal"
            return
        case s.NeighboursComparator():
            yield node.name, "neighbours"
            return
        case s.PublicationField():
            yield from _publication_parts(node)
            return
        case s.PopulationComparator():
            yield node.indicator, "indicator"
            return
        case s.BreakdownField():
            yield from ((s.NameRef((n,), span=n.span), None) for n in node.names)
            return
        case s.Codelist():
            name = node.name.text
            for entry in node.items:
                if isinstance(entry, s.CodeGroup):
                    yield from ((code, f"code:{name}") for code in entry.codes)
            return
        case s.NameRef() | s.Name() | s.Code() | s.Import():
            return
        case _:
            pass
    yield from ((child, None) for child in s.children(node))


def _comparison_parts(node: s.Comparison | s.Benchmark) -> Iterator[tuple[Any, str | None]]:
    """A comparison's register and its columns, and each dataset whose rows it places; the
    comparison a `benchmark` names."""
    if isinstance(node, s.Benchmark):
        yield node.comparison, "comparison"
        return
    yield node.dataset, "dataset"
    for item in node.items:
        if isinstance(item, s.GeoField):
            yield from ((value, f"column:{node.dataset.text}") for value in item.values)
        elif isinstance(item, s.UnitRows):
            yield item.dataset, "dataset"


def _dataset_parts(node: s.Dataset) -> Iterator[tuple[Any, str | None]]:
    """A dataset's columns, and the columns its settings name."""
    name = node.name.text
    for field in node.items:
        if isinstance(field, s.Key | s.DatedBy):
            yield from ((c, f"column:{name}") for c in field.columns)
        elif isinstance(field, s.AreaColumn):
            yield from ((c, f"column:{name}") for c in (field.column, *field.upper))
        elif isinstance(field, s.PeriodColumn):
            yield field.column, f"column:{name}"
        elif isinstance(field, s.Column):
            yield field, None


def _publication_parts(node: s.PublicationField) -> Iterator[tuple[Any, str | None]]:
    """A publication's rows, and the columns of its table that it names."""
    yield node.rows, None
    table = f"column:{node.rows.base.dotted}"
    for item in node.items:
        match item:
            case s.PublishedValue():
                yield item.column, table
            case s.PublishedCount():
                yield item.column, table
                if item.where is not None:
                    yield item.where, None
            case s.PublishedLimits():
                yield from ((name, table) for pair in item.levels
                            for name in (pair.lower, pair.upper))
            case _:
                pass


def _model_expressions(framework: m.Framework) -> Iterator[Any]:
    """Every expression of a checked module that keeps spans of names."""
    for definition in framework.definitions:
        yield definition.expr
    for cohort in framework.cohorts:
        yield from cohort.population.filters
    for indicator in framework.indicators:
        for part in (indicator.cohort, indicator.numerator, indicator.denominator):
            if isinstance(part, m.Population):
                yield from part.filters
            elif part is not None:
                yield part
        if indicator.measure is not None:
            yield indicator.measure
        yield from (e.condition for e in indicator.exclusions)
        yield from indicator.breakdowns
        publication = indicator.publication
        if publication is not None:
            yield from publication.rows.filters
            yield from (condition for count in (publication.numerator, publication.denominator)
                        if count is not None and count.rows is not None
                        for condition in count.rows.filters)


def _walk_model(expr: Any) -> Iterator[Any]:
    """The column references, definition references and code tests inside `expr`."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(node)
            continue
        if not attrs.has(type(node)) or isinstance(node, m.ValueType):
            continue
        if isinstance(node, m.ColumnRef | m.DefinitionRef | m.CodeTest):
            yield node
        stack.extend(getattr(node, f.name) for f in attrs.fields(type(node)) if f.eq)


__all__ = ["ImportLink", "Index", "Key", "Reference", "Symbol", "build_index"]
