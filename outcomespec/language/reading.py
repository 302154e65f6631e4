"""Reading framework files from disk, safely: size limit, UTF-8, and imports kept in the project.

Framework files are data. The only files outcomespec opens are the ones a user names and
the imports they contain, and an import may never leave the project root: no absolute
paths, no `..` that climbs out, no symbolic link that points outside.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Protocol

from attrs import frozen

from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.source import Source, Span

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Larger files are refused before they are read (see E003)."""


class Files(Protocol):
    """Where framework files are read from: the disk (`DISK`), or something that stands in
    for it (an editor's unsaved buffers over the disk, the files of a git revision). Paths
    are absolute and resolved; the rules of `resolve_import` apply whatever the files are."""

    def read(self, path: Path, shown_as: str) -> Source | Diagnostic:
        """The file's text, or one diagnostic saying why it cannot be read."""
        ...

    def is_file(self, path: Path) -> bool:
        """Whether `path` names a file that `read` can give."""
        ...


@frozen
class Disk:
    """Files as they are on disk."""

    def read(self, path: Path, shown_as: str) -> Source | Diagnostic:
        """`read_source`."""
        return read_source(path, shown_as)

    def is_file(self, path: Path) -> bool:
        """`Path.is_file`."""
        return path.is_file()


DISK = Disk()


def read_source(path: Path, shown_as: str | None = None) -> Source | Diagnostic:
    """Read a file as UTF-8 text, or explain in one diagnostic why it cannot be read.

    >>> isinstance(read_source(Path("no/such/file.ospec")), Diagnostic)
    True
    """
    name = shown_as if shown_as is not None else str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return Diagnostic.of("E001", f"`{name}` is a directory, not a file", None, path=name)
        if not stat.S_ISREG(info.st_mode):
            return Diagnostic.of("E001", f"`{name}` is not a regular file (a device, pipe or "
                                 "socket)", None, path=name)
        if info.st_size > MAX_FILE_BYTES:
            return _too_large(name)
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # the file may grow after stat()
        if len(data) > MAX_FILE_BYTES:
            return _too_large(name)
    except (OSError, RuntimeError) as error:  # a symlink loop is a RuntimeError on 3.11
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return Diagnostic.of("E001", f"cannot read `{name}`: {reason}", None, path=name)
    return decode_source(data, name)


def _too_large(name: str) -> Diagnostic:
    return Diagnostic.of(
        "E003",
        f"`{name}` is larger than the 8 MiB limit for framework files",
        None,
        path=name,
        help="check that this is a framework file and not a data file",
    )


def decode_source(data: bytes, name: str) -> Source | Diagnostic:
    """Decode bytes as UTF-8 (a leading byte-order mark is allowed and dropped).

    >>> decode_source(b"\\xef\\xbb\\xbfframework", "f").text
    'framework'
    >>> decode_source(b"ok\\n\\xff", "f").message
    'file is not valid UTF-8: byte 0xff at line 2, column 1 cannot be decoded'
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8", errors="replace")
        line = good.count("\n") + 1
        column = len(good) - (good.rfind("\n") + 1) + 1
        return Diagnostic.of(
            "E002",
            f"file is not valid UTF-8: byte 0x{data[error.start]:02x} at line {line}, "
            f"column {column} cannot be decoded",
            None,
            path=name,
            help="save the file as UTF-8",
        )
    if "\x00" in text:
        return Diagnostic.of(
            "E002",
            "file contains NUL characters; it looks like binary data, not a framework file",
            None,
            path=name,
        )
    return Source(name, text.replace("\r\n", "\n"))


def resolve_import(root: Path, importer: Path, written: str, span: Span,
                   files: Files = DISK) -> Path | Diagnostic:
    """Turn an import path into a file inside `root`, or a diagnostic saying why not.

    `root` and `importer` must already be resolved (absolute, symlinks followed); whether the
    file is there is asked of `files`.

    >>> from outcomespec.language.source import NOWHERE
    >>> resolve_import(Path("/p"), Path("/p/f.ospec"), "/etc/passwd", NOWHERE).code
    'E204'
    """
    candidate = Path(written)
    if not written or candidate.is_absolute() or written.startswith(("~", "\\")) or ":" in written:
        return Diagnostic.of(
            "E204",
            f"import `{written}` is not a relative path",
            span,
            help="write the path relative to this file, inside the project",
        )
    target = importer.parent / candidate
    try:
        resolved = target.resolve(strict=False)
    except (OSError, RuntimeError) as error:  # a symlink loop resolves to RuntimeError
        return Diagnostic.of("E204", f"import `{written}` cannot be resolved: {error}", span)
    if not resolved.is_relative_to(root):
        how = "a symbolic link that points" if _through_symlink(target, root) else "a path"
        return Diagnostic.of(
            "E204",
            f"import `{written}` is {how} outside the project root `{root}`",
            span,
            help="copy the file into the project, or run from a directory that contains both",
        )
    try:
        found = files.is_file(resolved)
    except OSError as error:  # a name too long, a folder you may not search, …
        return Diagnostic.of(
            "E001",
            f"import `{_shortened(written)}` cannot be read: {_reason(error)}",
            span,
            help="check the path, and that you may open every folder on it",
        )
    if not found:
        return Diagnostic.of(
            "E203",
            f"import `{written}` not found",
            span,
            help=f"looked for `{resolved.relative_to(root)}` relative to the importing file",
        )
    return resolved


def _reason(error: OSError) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    return reason[:1].lower() + reason[1:]


def _shortened(text: str, limit: int = 80) -> str:
    """`text`, or its start and end around `…` when it is longer than `limit` characters."""
    return text if len(text) <= limit else f"{text[: limit // 2]}…{text[-(limit // 2):]}"


def _through_symlink(target: Path, root: Path) -> bool:
    """True when the lexical path stays inside `root` but a link inside it leads out."""
    parts: list[str] = []
    for part in target.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return Path(*parts).is_relative_to(root) if parts else False
