"""Names: what each module declares, what it can see through its imports, and lookup.

Every declaration gets a qualified name `module.name`. A module sees its own names, the
names of modules it imports plainly (unqualified, or qualified by the module's name), and
the names of modules imported `as alias` (only as `alias.name`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import define, frozen

from outcomespec.checking.project import LoadedModule
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic, Label, did_you_mean

KIND_WORDS = {
    "codelist": "a codelist",
    "dataset": "a dataset",
    "geography": "a geography",
    "level": "a geography level",
    "neighbours": "a neighbour set",
    "comparison": "a comparison of units",
    "definition": "a definition",
    "cohort": "a cohort",
    "section": "an outcome or enabler",
    "indicator": "an indicator",
    "goal": "a goal",
}


@frozen
class Decl:
    """A declaration: what kind of thing, its qualified name, and its syntax node."""

    kind: str
    qualified: str
    module: str
    node: Any


@define
class ModuleScope:
    """The names one module can see."""

    module: str
    local: dict[str, Decl]
    unqualified: dict[str, list[tuple[Decl, str]]]
    qualifiers: dict[str, tuple[str, dict[str, Decl]]]

    def candidates(self) -> Iterable[str]:
        """Every name this module may write, for "did you mean"."""
        yield from self.local
        yield from self.unqualified
        for qualifier, (_, table) in self.qualifiers.items():
            yield from (f"{qualifier}.{name}" for name in table)


def declarations(module: s.Module, diagnostics: list[Diagnostic]) -> dict[str, Decl]:
    """The names a module declares, reporting any declared twice (E202)."""
    table: dict[str, Decl] = {}
    prefix = module.name.text

    def add(kind: str, name: s.Name, node: object) -> None:
        if name.text in table:
            first = table[name.text]
            diagnostics.append(Diagnostic.of(
                "E202",
                f"`{name.text}` is declared twice",
                name.span,
                labels=[Label(_name_of(first.node).span, "first declared here")],
                help="rename one of them",
            ))
            return
        table[name.text] = Decl(kind, f"{prefix}.{name.text}", prefix, node)

    for item in module.items:
        match item:
            case s.Codelist():
                add("codelist", item.name, item)
            case s.Dataset():
                add("dataset", item.name, item)
            case s.Geography():
                add("geography", item.name, item)
                for part in item.items:
                    if isinstance(part, s.GeoLevel):
                        add("level", part.name, part)
                    elif isinstance(part, s.Neighbours):
                        add("neighbours", part.name, part)
            case s.Comparison():
                add("comparison", item.name, item)
            case s.Definition():
                add("definition", item.name, item)
            case s.CohortDecl():
                add("cohort", item.name, item)
            case s.Section():
                add("section", item.name, item)
                for entry in item.items:
                    if isinstance(entry, s.Indicator):
                        add("indicator", entry.name, entry)
            case s.Goal():
                add("goal", item.name, item)
            case _:
                pass
    return table


def _name_of(node: Any) -> s.Name:
    name = node.name
    assert isinstance(name, s.Name)
    return name


def build_scope(
    loaded: LoadedModule,
    tables: dict[str, dict[str, Decl]],
    names_by_path: dict[Any, str],
) -> ModuleScope:
    """The scope of one module, given the declaration tables of every loaded module."""
    name = loaded.module.name.text
    unqualified: dict[str, list[tuple[Decl, str]]] = {}
    qualifiers: dict[str, tuple[str, dict[str, Decl]]] = {}
    for edge in loaded.imports:
        imported = names_by_path[edge.target]
        table = tables.get(imported, {})
        if edge.alias is not None:
            qualifiers[edge.alias] = (imported, table)
            continue
        qualifiers.setdefault(imported, (imported, table))
        for key, decl in table.items():
            unqualified.setdefault(key, []).append((decl, imported))
    return ModuleScope(name, tables.get(name, {}), unqualified, qualifiers)


@define
class Resolver:
    """Looks names up in a scope, records what was used, and explains failures."""

    scope: ModuleScope
    diagnostics: list[Diagnostic]
    used: set[str]
    used_imports: set[tuple[str, str]]

    def find(self, ref: s.NameRef) -> Decl | None:
        """The declaration a (possibly qualified) name refers to, without reporting."""
        parts = [p.text for p in ref.parts]
        if len(parts) == 1:
            local = self.scope.local.get(parts[0])
            if local is not None:
                return local
            found = self.scope.unqualified.get(parts[0], [])
            if len(found) == 1:
                return found[0][0]
            return None
        if len(parts) == 2:
            entry = self.scope.qualifiers.get(parts[0])
            if entry is not None:
                return entry[1].get(parts[1])
            if parts[0] == self.scope.module:
                return self.scope.local.get(parts[1])
        return None

    def resolve(self, ref: s.NameRef, kinds: Iterable[str], what: str) -> Decl | None:
        """Resolve a name to a declaration of one of `kinds`, reporting E201/E206/E208."""
        kinds = tuple(kinds)
        parts = [p.text for p in ref.parts]
        if len(parts) == 1 and parts[0] not in self.scope.local:
            found = self.scope.unqualified.get(parts[0], [])
            if len(found) > 1:
                modules = ", ".join(f"`{m}`" for _, m in found)
                choices = " or ".join(f"`{m}.{parts[0]}`" for _, m in found)
                self.diagnostics.append(Diagnostic.of(
                    "E206", f"`{parts[0]}` is declared in more than one import ({modules})",
                    ref.span, help=f"write {choices} to choose one"))
                return None
        decl = self.find(ref)
        if decl is None:
            names = [
                n for n in self.scope.candidates()
                if self._kind_of(n) in kinds
            ]
            self.diagnostics.append(Diagnostic.of(
                "E201", f"unknown {what} `{ref.dotted}`", ref.span,
                help=did_you_mean(ref.dotted, names)))
            return None
        if decl.kind not in kinds:
            self.mark_used(decl, ref)
            expected = " or ".join(KIND_WORDS[k] for k in kinds)
            self.diagnostics.append(Diagnostic.of(
                "E208", f"`{ref.dotted}` is {KIND_WORDS[decl.kind]}, not {expected}",
                ref.span))
            return None
        self.mark_used(decl, ref)
        return decl

    def mark_used(self, decl: Decl, ref: s.NameRef | None = None) -> None:
        """Record that a declaration was used (and through which import)."""
        self.used.add(decl.qualified)
        if decl.module != self.scope.module:
            qualifier = ref.parts[0].text if ref is not None and len(ref.parts) > 1 else None
            if qualifier is not None and qualifier in self.scope.qualifiers:
                self.used_imports.add((self.scope.module, self.scope.qualifiers[qualifier][0]))
            else:
                self.used_imports.add((self.scope.module, decl.module))

    def _kind_of(self, written: str) -> str | None:
        decl = self.find(s.NameRef(tuple(s.Name(p) for p in written.split("."))))
        return decl.kind if decl else None
