"""The framework files a docs site publishes: finding, loading and naming them.

A page of the site may need every published framework (to say which indicators of other
frameworks measure the same thing, or who serves a goal), so loaded frameworks are kept for
the rest of the process, each checked against its files' sizes and modification times
before reuse: an edited file is always read again.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from attrs import frozen

from outcomespec import Framework, load


@frozen
class Loaded:
    """A checked framework and the files it was read from (its own first)."""

    framework: Framework
    path: Path
    root: Path
    files: tuple[Path, ...]
    modules: tuple[tuple[str, Path], ...]
    """Module name → the file it was read from, for the file and everything it imports."""

    def file_of(self, module: str) -> Path | None:
        """The file a module (this framework or one it imports) was read from."""
        return dict(self.modules).get(module)

    def shown(self, file: Path | None = None) -> str:
        """A file's path as readers see it: relative to the directory above the root."""
        return display_path(file or self.path, self.root)


_Stamp = tuple[tuple[str, int, int], ...]
_LOADED: dict[tuple[Path, Path], tuple[_Stamp, Loaded]] = {}


def display_path(path: Path, root: Path) -> str:
    """`frameworks/csc_national_framework.ospec` rather than an absolute path, so pages do
    not depend on where the project is checked out.

    >>> display_path(Path("/p/frameworks/datasets/a.ospec"), Path("/p/frameworks"))
    'frameworks/datasets/a.ospec'
    """
    return Path(os.path.relpath(path, root.parent)).as_posix()


def _stamp(files: Iterable[Path]) -> _Stamp:
    stamps = []
    for file in files:
        try:
            info = file.stat()
        except OSError:
            return ()
        stamps.append((str(file), info.st_mtime_ns, info.st_size))
    return tuple(stamps)


def load_framework(path: Path, root: Path) -> Loaded:
    """Load a framework file (raising `OutcomeSpecError` as `outcomespec.load` does),
    reusing the copy loaded earlier in this process when none of its files changed."""
    path, root = path.resolve(), root.resolve()
    kept = _LOADED.get((path, root))
    if kept is not None and kept[0] and kept[0] == _stamp(kept[1].files):
        return kept[1]
    framework = load(path, root=root)
    modules = []
    for module in framework.modules:
        file = Path(module.path)
        modules.append((module.name, (file if file.is_absolute() else root / file).resolve()))
    files = (path, *(file for _, file in modules if file != path))
    loaded = Loaded(framework, path, root, files, tuple(modules))
    _LOADED[path, root] = (_stamp(loaded.files), loaded)
    return loaded


def published(confdir: Path, patterns: Sequence[str]) -> tuple[Path, ...]:
    """The framework files named by conf.py's `ospec_frameworks` globs, each once, sorted.

    >>> published(Path("/nowhere"), ["*.ospec"])
    ()
    """
    found: set[Path] = set()
    for pattern in patterns:
        found.update(Path(p).resolve() for p in glob.glob(str(confdir / pattern)))
    return tuple(sorted(found))


def root_for(confdir: Path, configured: str, path: Path) -> Path:
    """The directory imports may not leave: conf.py's `ospec_root`, or the file's own."""
    return (confdir / configured).resolve() if configured else path.resolve().parent
