"""Writing output files so that nothing a user gave is destroyed.

Every file the command line writes (results tables, reports, formatted framework files, the
demo's folder of results) goes through `write_output`, which:

- never writes over an input of the same run (a framework file, a file it imports, a data
  file read), whatever path leads there: a symbolic or hard link to an input is the input;
- never replaces a device, a named pipe (FIFO) or a socket, nor a folder;
- writes through a symbolic link to the regular file it points to, and keeps the link (as a
  shell's `>` does, and as `fmt` must for a framework file kept elsewhere); a link that points
  nowhere, or loops, is refused;
- writes a temporary file in the same folder and renames it over the old one, so that a
  failure at any point leaves the old file whole; the old file's permissions are kept.

Problems are `OutputError`s, whose message names the path and says what to do. They are raised
by `check_output` and `check_folder` before any work is done, and by `write_output` and
`make_folder` when the file system fails during the write (a full disk, a folder that became
read-only, a path under /proc).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_output(folder / "a.csv", "x\\n")
>>> (folder / "a.csv").read_text()
'x\\n'
>>> try:
...     write_output(folder / "a.csv", "y\\n", inputs=[folder / "a.csv"])
... except OutputError as error:
...     print(error)  # doctest: +ELLIPSIS
`.../a.csv` is an input of this run; write the output to another file
>>> import shutil; shutil.rmtree(folder)
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["OutputError", "check_folder", "check_output", "make_folder", "write_output"]

Content = str | bytes | Callable[[Path], None]
"""What to write: text (UTF-8), bytes, or a function that writes the file at the path it is
given (for writers such as pyarrow's that want a path)."""


class OutputError(Exception):
    """An output file cannot be written; the message names the path and the remedy."""


def check_output(path: Path, inputs: Iterable[Path] = ()) -> Path:
    """The regular file that writing to `path` will replace or create, or `OutputError`.

    Call it before any work is done, so that a mistake in `--out` costs nothing; it is called
    again when writing.
    """
    target = _target(path)
    folder = target.parent
    if not folder.is_dir():
        msg = f"cannot write `{path}`: there is no folder `{folder}`"
        raise OutputError(msg + "; create it first, or give another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        msg = f"cannot write `{path}`: you may not create files in the folder `{folder}`"
        raise OutputError(msg + "; give a path in a folder you may write to")
    for given in inputs:
        if _same_file(target, given):
            which = "" if Path(path).absolute() == Path(given).absolute() else f" (`{given}`)"
            msg = (f"`{path}` is an input of this run{which}; write the output to another "
                   "file")
            raise OutputError(msg)
    return target


def check_folder(path: Path) -> None:
    """Raise `OutputError` unless `path` is a folder outputs can be written in, or can be made.

    Before any work: the path must be a folder (or a link to one) you may write in, or not
    exist yet below a folder you may write in.
    """
    existing = path
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    try:
        is_folder = existing.is_dir()
    except OSError as error:
        raise OutputError(_failed("use", path, error)) from error
    if not is_folder:
        how = "is" if existing == path else f"would be inside `{existing}`, which is"
        msg = f"cannot write in `{path}`: it {how} not a folder"
        raise OutputError(msg + "; give a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        msg = f"cannot write in `{path}`: you may not write in the folder `{existing}`"
        raise OutputError(msg + "; give a folder you may write to")


def make_folder(path: Path) -> None:
    """Create `path` and the folders above it that are missing (`OutputError` if not)."""
    check_folder(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(_failed("create the folder", path, error)) from error


def write_output(path: Path, content: Content, *, inputs: Iterable[Path] = ()) -> None:
    """Write `content` to `path` atomically, never over an input, a device, a pipe or a link.

    A link is written through: the file it points to is replaced and the link is kept.
    """
    target = check_output(path, inputs)
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _new_file_mode()
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".tmp")
    except OSError as error:
        raise OutputError(_failed("write", path, error)) from error
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(content, str):
                stream.write(content.encode("utf-8"))
            elif isinstance(content, bytes):
                stream.write(content)
        if callable(content):
            content(temporary)
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())  # the data are on disk before the old file goes
        temporary.chmod(mode)
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(_failed("write", path, error)) from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _target(path: Path) -> Path:
    """The file that `path` names: itself, or for a symbolic link the file it points to."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return path
    except OSError as error:
        raise OutputError(_failed("write", path, error)) from error
    target = path
    if stat.S_ISLNK(info.st_mode):
        try:
            target = path.resolve(strict=True)
            info = target.stat()
        except (OSError, RuntimeError) as error:  # a loop is a RuntimeError on Python 3.11
            msg = (f"cannot write `{path}`: it is a symbolic link that leads to no file "
                   f"({_reason(error)})")
            raise OutputError(msg + "; remove the link or give another path") from error
    if stat.S_ISDIR(info.st_mode):
        msg = f"cannot write `{path}`: it is a folder; give the name of a file"
        raise OutputError(msg + (" inside it" if target == path else ""))
    if not stat.S_ISREG(info.st_mode):
        msg = (f"cannot write `{path}`: it is a device, a named pipe or a socket, not a "
               "file; leave out --out to write to standard output")
        raise OutputError(msg)
    return target


def _same_file(target: Path, given: Path) -> bool:
    """Whether `target` and `given` are one file (by path with links followed, or by inode)."""
    try:
        if target.resolve() == given.resolve():
            return True
        return target.exists() and given.exists() and os.path.samefile(target, given)
    except (OSError, RuntimeError):
        return False


def _new_file_mode() -> int:
    """The permissions a new file gets: 0o666 less the process's umask (as `open` gives)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _failed(action: str, path: Path, error: OSError | RuntimeError) -> str:
    return f"cannot {action} `{path}`: {_reason(error)}"


def _reason(error: OSError | RuntimeError) -> str:
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return reason[:1].lower() + reason[1:]
