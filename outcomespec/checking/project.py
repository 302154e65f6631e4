"""Load a file and everything it imports, once each, refusing cycles and escapes.

The result is the set of parsed modules in dependency order (imports before importers),
with the diagnostics met on the way. Nothing here gives meaning to a module; that is the
checker's job.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from attrs import frozen

from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.parser import ParseResult, parse_source
from outcomespec.language.reading import DISK, Files, resolve_import
from outcomespec.language.source import Source, Span

Parse = Callable[[Source], ParseResult]


@frozen
class ImportEdge:
    """One `import` of a module, resolved to the file it names."""

    target: Path
    alias: str | None
    node: s.Import


@frozen
class LoadedModule:
    """A parsed file with its single module and its resolved imports."""

    path: Path
    shown_as: str
    module: s.Module
    imports: tuple[ImportEdge, ...]


@frozen
class LoadedProject:
    """Every module reachable from the files asked for, imports first."""

    root: Path
    modules: tuple[LoadedModule, ...]
    requested: tuple[Path, ...]
    diagnostics: tuple[Diagnostic, ...]

    def by_path(self) -> dict[Path, LoadedModule]:
        """Modules keyed by their resolved path."""
        return {module.path: module for module in self.modules}


def load_project(paths: list[Path], root: Path | None = None, *, files: Files = DISK,
                 parse: Parse = parse_source) -> LoadedProject:
    """Read and parse `paths` and their imports, never leaving `root`.

    `root` defaults to the deepest directory that contains every requested file. `files`
    gives the texts (the disk, an editor's buffers, a git revision) and `parse` parses them
    (an editor keeps the trees of files that did not change).
    """
    resolved = [_resolved(p) for p in paths]
    if root is None:
        parents = [p.parent for p in resolved]
        root = Path(*_common_parts([p.parts for p in parents])) if parents else Path.cwd()
    root = _resolved(root)
    loader = _Loader(root, files, parse)
    for path, written in zip(resolved, paths, strict=True):
        loader.visit(path, str(written), via=None)
    return LoadedProject(root, tuple(loader.order), tuple(resolved), tuple(loader.diagnostics))


def _resolved(path: Path) -> Path:
    """The absolute path with links followed, or the absolute path as written when the links
    loop (reading it then fails with a clear diagnostic instead of a crash)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _common_parts(all_parts: list[tuple[str, ...]]) -> tuple[str, ...]:
    common = list(all_parts[0])
    for parts in all_parts[1:]:
        length = 0
        for a, b in zip(common, parts, strict=False):
            if a != b:
                break
            length += 1
        common = common[:length]
    return tuple(common) or ("/",)


class _Loader:
    """Depth-first import walk; `visiting` holds the current chain to detect cycles."""

    def __init__(self, root: Path, files: Files, parse: Parse) -> None:
        self.root = root
        self.files = files
        self.parse = parse
        self.done: dict[Path, LoadedModule | None] = {}
        self.order: list[LoadedModule] = []
        self.visiting: list[Path] = []
        self.diagnostics: list[Diagnostic] = []

    def shown(self, path: Path) -> str:
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    def visit(self, path: Path, shown_as: str | None, via: s.Import | None) -> None:
        if path in self.done:
            return
        if path in self.visiting:
            self._cycle(path, via)
            return
        name = shown_as if shown_as is not None else self.shown(path)
        source = self.files.read(path, name)
        if isinstance(source, Diagnostic):
            self.diagnostics.append(source)
            self.done[path] = None
            return
        result = self.parse(source)
        self.diagnostics.extend(result.diagnostics)
        if result.file is None:
            self.done[path] = None
            return
        modules = result.file.modules
        if len(modules) != 1:
            where = modules[1].span if len(modules) > 1 else Span(source, 0, 0)
            self.diagnostics.append(Diagnostic.of(
                "E107",
                f"a file declares exactly one framework or library; this one has {len(modules)}",
                where,
                help="move the other blocks into files of their own" if modules else
                "start the file with `framework NAME \"Title\" { … }` or `library NAME { … }`",
            ))
            if not modules:
                self.done[path] = None
                return
        module = modules[0]
        self.visiting.append(path)
        edges = []
        for item in module.items:
            if not isinstance(item, s.Import):
                continue
            target = resolve_import(self.root, path, item.path.value, item.path.span,
                                    self.files)
            if isinstance(target, Diagnostic):
                self.diagnostics.append(target)
                continue
            if target in self.visiting:
                self._cycle(target, item)
                continue
            self.visit(target, None, item)
            if self.done.get(target) is not None:
                edges.append(ImportEdge(target, item.alias.text if item.alias else None, item))
        self.visiting.pop()
        loaded = LoadedModule(path, name, module, tuple(edges))
        self.done[path] = loaded
        self.order.append(loaded)

    def _cycle(self, path: Path, via: s.Import | None) -> None:
        chain = [*self.visiting[self.visiting.index(path):], path]
        shown = " → ".join(self.shown(p) for p in chain)
        span = via.path.span if via else None
        self.diagnostics.append(Diagnostic.of(
            "E205", f"import cycle: {shown}", span,
            help="move what both files need into a library that neither imports back",
            path=self.shown(self.visiting[-1]) if span is None else None,
        ))
