"""Framework files as they were at a git revision, read with `git show`.

Nothing is checked out and the working tree is never touched: each file the framework and
its imports need is read from the revision's objects when it is asked for. Imports are
resolved as always (relative, inside the project root), then looked up in the revision.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from attrs import frozen

from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.reading import MAX_FILE_BYTES, decode_source
from outcomespec.language.source import Source


class GitError(Exception):
    """The revision or the repository cannot be used; the message says why, in one line."""


@frozen
class GitFiles:
    """The files of one revision of the repository whose top folder is `top`: `commit`, the
    revision as the user wrote it (`revision`) resolved once, so that every file comes from
    the same commit."""

    top: Path
    revision: str
    commit: str

    def read(self, path: Path, shown_as: str) -> Source | Diagnostic:
        """The file's text at the revision, or why it cannot be had (E001, E002, E003)."""
        name = self.name(path)
        if name is None:
            return Diagnostic.of("E001", f"`{shown_as}` is outside the git repository "
                                 f"`{self.top}`", None, path=shown_as)
        found = _show(self.top, f"{self.commit}:{name}")
        if isinstance(found, str):
            return Diagnostic.of("E001", f"cannot read `{shown_as}` at {self.revision}: {found}",
                                 None, path=shown_as)
        if len(found) > MAX_FILE_BYTES:
            return Diagnostic.of("E003", f"`{shown_as}` is larger than the 8 MiB limit for "
                                 "framework files", None, path=shown_as)
        return decode_source(found, shown_as)

    def is_file(self, path: Path) -> bool:
        """Whether the revision has a file (not a folder) at `path`."""
        name = self.name(path)
        return name is not None and _kind(self.top, f"{self.commit}:{name}") == "blob"

    def name(self, path: Path) -> str | None:
        """`path` as git names it in the revision (relative to the top, with `/`)."""
        return path.relative_to(self.top).as_posix() if path.is_relative_to(self.top) else None


def git_files(near: Path, revision: str) -> GitFiles:
    """The files at `revision` of the repository holding `near`; `GitError` if there is no
    such repository or revision.

    >>> git_files(Path("."), "-x")
    Traceback (most recent call last):
    ...
    outcomespec.revision.git.GitError: `-x` is not a revision (it starts with `-`)
    """
    if revision.startswith("-") or not revision.strip():
        msg = f"`{revision}` is not a revision (it starts with `-`)" if revision else \
            "the revision is empty"
        raise GitError(msg)
    folder = near if near.is_dir() else near.parent
    top = _run(["-C", str(folder), "rev-parse", "--show-toplevel"])
    if isinstance(top, str):
        msg = f"`{near}` is not in a git repository: {top}"
        raise GitError(msg)
    root = Path(top.decode("utf-8").strip()).resolve()
    commit = _run(["-C", str(root), "rev-parse", "--verify", "--quiet",
                   f"{revision}^{{commit}}"])
    if isinstance(commit, str):
        msg = f"`{revision}` is not a revision of the repository `{root}`"
        raise GitError(msg)
    return GitFiles(root, revision, commit.decode("ascii").strip())


def _show(top: Path, spec: str) -> bytes | str:
    return _run(["-C", str(top), "show", spec])


def _kind(top: Path, spec: str) -> str | None:
    found = _run(["-C", str(top), "cat-file", "-t", spec])
    return None if isinstance(found, str) else found.decode("ascii", "replace").strip()


def _run(arguments: list[str]) -> bytes | str:
    """git's output, or the first line of its complaint."""
    try:
        done = subprocess.run(["git", *arguments], capture_output=True, check=False)
    except OSError as error:
        return f"git cannot be run: {error.strerror or error}"
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return lines[0].removeprefix("fatal: ") if lines else f"git exited {done.returncode}"
    return done.stdout
