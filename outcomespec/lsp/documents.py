"""What the language server knows: the open documents, and each one's analysis.

An analysis is what `outcomespec check FILE` computes (the file and its imports, loaded,
parsed and checked, with every diagnostic), plus the index of its names. It is computed once
per version of the document, when the document opens or changes, and every request on that
version is answered from it. Open documents stand in for their files on disk, so a file and
what imports it are checked as the editor shows them, saved or not; a file whose text did not
change is not parsed again.

References and renames reach beyond one document: every framework file in the workspace that
imports the file declaring a name (directly or not) is analysed too, on demand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from attrs import frozen

from outcomespec.checking import CheckResult, check_project
from outcomespec.checking.project import LoadedProject, load_project
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.parser import ParseResult, parse_source
from outcomespec.language.reading import DISK, resolve_import
from outcomespec.language.source import NOWHERE, Source
from outcomespec.lsp.index import Index, Key, Reference, build_index

MAX_WORKSPACE_FILES = 2_000
"""At most this many framework files of the workspace are looked at for references."""

SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "build", "dist", "site"})
"""Folders never searched for framework files (nor any whose name starts with `.`)."""


@frozen(slots=False)
class Analysis:
    """A document's file and its imports, checked as the editor shows them, and indexed
    (when a request first needs the index: diagnostics do not wait for it)."""

    path: Path
    version: int | None
    project: LoadedProject
    result: CheckResult

    @cached_property
    def index(self) -> Index:
        """Every name of the project, where it is declared and used."""
        return build_index(self.project, self.result)

    @property
    def parsed(self) -> bool:
        """Whether the document itself parsed (else its index is empty for it)."""
        return any(loaded.path == self.path for loaded in self.project.modules)

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The diagnostics `check` reports in the document's own file."""
        shown = self.shown_as
        return tuple(d for d in self.result.diagnostics
                     if d.path == shown or (d.span is not None and d.span.source.path == shown))

    @property
    def shown_as(self) -> str:
        """The name the document's file goes by in diagnostics and spans."""
        return str(self.path)

    def source(self) -> Source | None:
        """The document's source, as parsed."""
        for loaded in self.project.modules:
            if loaded.path == self.path:
                return loaded.module.span.source
        return None


class Workspace:
    """The open documents over the files of one workspace folder."""

    def __init__(self, root: Path | None) -> None:
        self.root = root.resolve() if root is not None else None
        self.texts: dict[Path, tuple[int | None, str]] = {}
        self.sources: dict[Path, Source] = {}
        self.parsed: dict[str, tuple[str, ParseResult]] = {}
        self.analyses: dict[Path, Analysis] = {}
        self.last_good: dict[Path, Analysis] = {}

    # ------------------------------------------------------------------ documents

    def open(self, path: Path, text: str, version: int | None = None) -> list[Path]:
        """A document opened or changed: its new text. Returns the open documents whose
        analysis it changes (itself first, then those that import it)."""
        path = path.resolve()
        self.texts[path] = (version, text.replace("\r\n", "\n"))
        self.sources.pop(path, None)
        stale = [p for p, analysis in self.analyses.items()
                 if any(loaded.path == path for loaded in analysis.project.modules)]
        for other in (path, *stale):
            self.analyses.pop(other, None)
        return [path, *(p for p in stale if p != path and p in self.texts)]

    def close(self, path: Path) -> None:
        """A document closed: its file on disk counts again."""
        path = path.resolve()
        self.texts.pop(path, None)
        self.sources.pop(path, None)
        self.analyses.clear()
        self.last_good.pop(path, None)

    def saved(self) -> None:
        """Files changed on disk (saved, or changed outside the editor)."""
        self.analyses.clear()

    def text(self, path: Path) -> str | None:
        """The text of an open document, or of the file on disk."""
        path = path.resolve()
        if path in self.texts:
            return self.texts[path][1]
        found = DISK.read(path, str(path))
        return found.text if isinstance(found, Source) else None

    # ------------------------------------------------------------------ files (load_project)

    def read(self, path: Path, shown_as: str) -> Source | Diagnostic:
        """An open document's text, else the file on disk (`Files`)."""
        held = self.texts.get(path)
        if held is None:
            return DISK.read(path, shown_as)
        source = self.sources.get(path)
        if source is None or source.path != shown_as:
            source = Source(shown_as, held[1])
            self.sources[path] = source
        return source

    def is_file(self, path: Path) -> bool:
        """Open documents are files, saved or not (`Files`)."""
        return path in self.texts or path.is_file()

    def parse(self, source: Source) -> ParseResult:
        """Parse a source, or give the tree of the same text parsed before."""
        held = self.parsed.get(source.path)
        if held is not None and held[0] == source.text:
            return held[1]
        result = parse_source(source)
        self.parsed[source.path] = (source.text, result)
        return result

    # ------------------------------------------------------------------ analyses

    def analysis(self, path: Path) -> Analysis:
        """The analysis of a file as it is now (computed once per change)."""
        path = path.resolve()
        known = self.analyses.get(path)
        if known is not None:
            return known
        project = load_project([path], self.root_for(path), files=self, parse=self.parse)
        result = check_project(project)
        version = self.texts.get(path, (None, ""))[0]
        analysis = Analysis(path, version, project, result)
        self.analyses[path] = analysis
        if analysis.parsed:
            self.last_good[path] = analysis
        return analysis

    def root_for(self, path: Path) -> Path:
        """The project root imports must stay inside: the workspace folder when the file is
        in it, else the file's own folder."""
        if self.root is not None and path.is_relative_to(self.root):
            return self.root
        return path.parent

    def references(self, key: Key) -> tuple[Reference, ...]:
        """Every use of `key` in the workspace: in every file that imports the file that
        declares it, directly or not, and in that file itself."""
        found: dict[tuple[Path, int], Reference] = {}
        for path in (key.path, *sorted(self.importers(key.path))):
            for reference in self.analysis(path).index.uses(key):
                found.setdefault((reference.path, reference.span.start), reference)
        return tuple(found.values())

    def importers(self, target: Path) -> set[Path]:
        """The framework files that import `target`, directly or through others."""
        edges: dict[Path, set[Path]] = {}
        for path in self.framework_files():
            for imported in self._imports(path):
                edges.setdefault(imported, set()).add(path)
        found: set[Path] = set()
        pending = [target]
        while pending:
            for importer in edges.get(pending.pop(), ()):
                if importer not in found and importer != target:
                    found.add(importer)
                    pending.append(importer)
        return found

    def _imports(self, path: Path) -> Iterator[Path]:
        source = self.read(path, str(path))
        if isinstance(source, Diagnostic):
            return
        tree = self.parse(source).file
        for module in tree.modules if tree is not None else ():
            for item in module.items:
                if isinstance(item, s.Import):
                    target = resolve_import(self.root_for(path), path, item.path.value,
                                            NOWHERE, self)
                    if isinstance(target, Path):
                        yield target

    def framework_files(self) -> list[Path]:
        """The `.ospec` files of the workspace folder (and the open documents)."""
        found = dict.fromkeys(self.texts)
        if self.root is not None:
            for folder, folders, files in os.walk(self.root):
                folders[:] = sorted(f for f in folders
                                    if not f.startswith(".") and f not in SKIPPED_FOLDERS)
                for name in sorted(files):
                    if name.endswith(".ospec") and len(found) < MAX_WORKSPACE_FILES:
                        found.setdefault((Path(folder) / name).resolve())
        return list(found)
