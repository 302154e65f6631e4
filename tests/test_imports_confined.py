"""Imports are confined to the project root, and only files inside it are ever opened.

Refused, each with its code and a message that names the import as written:
- E204: an absolute path (or `~`, a drive, a UNC path), `..` that climbs out of the root, a
  symbolic link inside the root that points outside it (to a file or through a directory),
  a symbolic link loop;
- E205: an import cycle A → B → A, a self-import;
- E203: a file that is not there (or is a directory).
Allowed: nested relative imports (`datasets/x.ospec`) and `../lib/x.ospec` that stays inside.
Every file read during a check is recorded (by patching `Path.read_bytes`, `Path.open`,
`io.open` and `os.open`) and must lie inside the root.
"""

from __future__ import annotations

import builtins
import io
import json
import os
from pathlib import Path

import pytest

from outcomespec.checking import CheckResult, check_paths
from outcomespec.cli import main
from outcomespec.language.parser import parse_source
from outcomespec.language.source import Source

LIBRARY = "library {name} {{\n  dataset d_{name} {{\n    rows r\n    column a integer\n  }}\n}}\n"
SECRET = 'library secret "Outside the project" {\n  version "1"\n}\n'


def quoted(path: str) -> str:
    """`path` as a quoted text in a framework file (backslashes and quotes escaped)."""
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def library(name: str, *imports: str) -> str:
    """A valid library called `name` importing `imports`."""
    text = LIBRARY.format(name=name)
    lines = "".join(f"  import {quoted(path)}\n" for path in imports)
    return text.replace("{\n", "{\n" + lines, 1)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """tmp_path/project is the root; tmp_path/outside holds a file that must never be read."""
    root = tmp_path / "project"
    root.mkdir()
    outside = tmp_path / "outside"
    write(outside / "secret.ospec", SECRET)
    write(tmp_path / "secret.ospec", SECRET)
    return {"root": root.resolve(), "outside": outside.resolve(), "tmp": tmp_path.resolve()}


class OpenLog:
    """Every path opened for reading while installed (Path.read_bytes/open, io.open, os.open)."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def record(self, target: object) -> None:
        if isinstance(target, (str, bytes, os.PathLike)):
            self.paths.append(Path(os.fsdecode(target)).absolute())

    def outside(self, root: Path) -> list[Path]:
        """Recorded paths that are not inside `root` (resolving any symbolic links)."""
        found = []
        for path in self.paths:
            try:
                real = path.resolve()
            except (OSError, RuntimeError):
                real = path
            if not (path.is_relative_to(root) and real.is_relative_to(root)):
                found.append(path)
        return found


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> OpenLog:
    """Record every file opened during the test (after the parser is built and cached)."""
    parse_source(Source("warm-up.ospec", "library warm { }"))  # reads the grammar first
    log = OpenLog()
    read_bytes, path_open = Path.read_bytes, Path.open
    io_open, os_open = io.open, os.open

    def logged_read_bytes(self: Path) -> bytes:
        log.record(self)
        return read_bytes(self)

    def logged_path_open(self: Path, *args: object, **kwargs: object) -> object:
        log.record(self)
        return path_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def logged_io_open(file: object, *args: object, **kwargs: object) -> object:
        log.record(file)
        return io_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def logged_os_open(path: object, *args: object, **kwargs: object) -> int:
        log.record(path)
        return os_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_bytes", logged_read_bytes)
    monkeypatch.setattr(Path, "open", logged_path_open)
    monkeypatch.setattr(io, "open", logged_io_open)
    monkeypatch.setattr(builtins, "open", logged_io_open)
    monkeypatch.setattr(os, "open", logged_os_open)
    return log


def only(result: CheckResult, code: str) -> list[str]:
    """The messages of `result`'s diagnostics, after checking they all have `code`."""
    codes = [d.code for d in result.diagnostics]
    assert codes, "expected a diagnostic"
    assert set(codes) == {code}, [(d.code, d.message) for d in result.diagnostics]
    return [d.message for d in result.diagnostics]


def refused(root: Path, written: str, code: str, opened: OpenLog, *,
            where: str = "main.ospec") -> str:
    """Check a library at `where` that imports `written`; it must be refused with `code`."""
    main_file = write(root / where, library("main", written))
    result = check_paths([main_file], root)
    messages = only(result, code)
    assert len(messages) == 1, messages
    if code == "E205":  # a cycle is named by the files in it, and points at the import
        assert f"→ {where}" in messages[0], messages[0]
    else:
        assert f"`{written}`" in messages[0], messages[0]
    diagnostic = result.diagnostics[0]
    assert diagnostic.span is not None
    assert diagnostic.span.text == quoted(written)
    assert opened.outside(root) == []
    return messages[0]


# ------------------------------------------------------------------ E204: leaving the root


def test_absolute_path_outside(layout: dict[str, Path], opened: OpenLog) -> None:
    """An absolute import outside the root is E204, not a relative path, and is not opened."""
    secret = str(layout["outside"] / "secret.ospec")
    message = refused(layout["root"], secret, "E204", opened)
    assert "not a relative path" in message


def test_absolute_path_inside_is_still_refused(layout: dict[str, Path], opened: OpenLog) -> None:
    """An absolute import is E204 even when it names a file inside the root."""
    inside = write(layout["root"] / "lib.ospec", library("lib"))
    refused(layout["root"], str(inside), "E204", opened)


@pytest.mark.parametrize("written", ["/etc/passwd", "~/secret.ospec", "~root/x.ospec",
                                     "C:/secret.ospec", "c:secret.ospec",
                                     "\\\\server\\share\\x.ospec", "\\etc\\passwd", ""])
def test_paths_that_are_not_relative(layout: dict[str, Path], opened: OpenLog,
                                     written: str) -> None:
    """Absolute, home, drive, UNC and empty import paths are E204, and nothing is opened."""
    refused(layout["root"], written, "E204", opened)


@pytest.mark.parametrize("written", ["../secret.ospec", "../outside/secret.ospec",
                                     "datasets/../../secret.ospec", "./../secret.ospec",
                                     "../project/../secret.ospec",
                                     "../../../../../../../../etc/passwd"])
def test_dot_dot_escaping_the_root(layout: dict[str, Path], opened: OpenLog,
                                   written: str) -> None:
    """An import whose `..` leaves the root is E204, outside the project root."""
    message = refused(layout["root"], written, "E204", opened)
    assert "outside the project root" in message


def test_dot_dot_from_a_nested_file_escaping(layout: dict[str, Path], opened: OpenLog) -> None:
    """`../..` from a file one folder down leaves the root: E204."""
    refused(layout["root"], "../../secret.ospec", "E204", opened, where="fw/main.ospec")


def test_symlink_to_a_file_outside(layout: dict[str, Path], opened: OpenLog) -> None:
    """A link inside the root to a file outside it is E204, naming the symbolic link."""
    root = layout["root"]
    os.symlink(layout["outside"] / "secret.ospec", root / "link.ospec")
    message = refused(root, "link.ospec", "E204", opened)
    assert "symbolic link" in message


def test_relative_symlink_to_a_file_outside(layout: dict[str, Path], opened: OpenLog) -> None:
    """A relative link to a file outside the root is E204, naming the symbolic link."""
    root = layout["root"]
    os.symlink("../outside/secret.ospec", root / "link.ospec")
    message = refused(root, "link.ospec", "E204", opened)
    assert "symbolic link" in message


def test_symlinked_directory_pointing_outside(layout: dict[str, Path], opened: OpenLog) -> None:
    """An import through a linked folder that leads outside is E204."""
    root = layout["root"]
    os.symlink(layout["outside"], root / "vendor", target_is_directory=True)
    message = refused(root, "vendor/secret.ospec", "E204", opened)
    assert "symbolic link" in message


def test_symlink_chain_leaving_the_root(layout: dict[str, Path], opened: OpenLog) -> None:
    """A chain of two links whose end is outside the root is E204."""
    root = layout["root"]
    os.symlink(layout["outside"] / "secret.ospec", root / "second.ospec")
    os.symlink("second.ospec", root / "first.ospec")
    refused(root, "first.ospec", "E204", opened)


def test_symlink_loop(layout: dict[str, Path], opened: OpenLog) -> None:
    """A link to itself is E204: it cannot be resolved."""
    root = layout["root"]
    os.symlink("loop.ospec", root / "loop.ospec")
    message = refused(root, "loop.ospec", "E204", opened)
    assert "cannot be resolved" in message


def test_two_link_symlink_loop(layout: dict[str, Path], opened: OpenLog) -> None:
    """Two links to each other are E204."""
    root = layout["root"]
    os.symlink("b.ospec", root / "a.ospec")
    os.symlink("a.ospec", root / "b.ospec")
    refused(root, "a.ospec", "E204", opened)


def test_root_defaults_to_the_files_directory(layout: dict[str, Path], opened: OpenLog) -> None:
    """Without a root, the root is the directory of the files asked for: `..` still escapes."""
    main_file = write(layout["root"] / "main.ospec", library("main", "../secret.ospec"))
    result = check_paths([main_file])
    assert only(result, "E204")
    assert opened.outside(layout["root"]) == []


# ------------------------------------------------------------------ E205: cycles


def test_import_cycle(layout: dict[str, Path], opened: OpenLog) -> None:
    """a → b → a is E205, naming the cycle, at the import in b.ospec."""
    root = layout["root"]
    write(root / "a.ospec", library("a", "b.ospec"))
    write(root / "b.ospec", library("b", "a.ospec"))
    result = check_paths([root / "a.ospec"], root)
    [message] = only(result, "E205")
    assert "a.ospec → b.ospec → a.ospec" in message
    [diagnostic] = result.diagnostics
    assert diagnostic.span is not None
    assert diagnostic.span.text == '"a.ospec"'
    assert diagnostic.span.source.path == "b.ospec"
    assert opened.outside(root) == []


def test_longer_cycle_through_directories(layout: dict[str, Path], opened: OpenLog) -> None:
    """A cycle through three folders is E205, naming each file, at the import that closes it."""
    root = layout["root"]
    write(root / "a.ospec", library("a", "lib/b.ospec"))
    write(root / "lib" / "b.ospec", library("b", "../more/c.ospec"))
    write(root / "more" / "c.ospec", library("c", "../a.ospec"))
    result = check_paths([root / "a.ospec"], root)
    [message] = only(result, "E205")
    assert "a.ospec → lib/b.ospec → more/c.ospec → a.ospec" in message
    assert result.diagnostics[0].span is not None
    assert result.diagnostics[0].span.text == '"../a.ospec"'


def test_self_import(layout: dict[str, Path], opened: OpenLog) -> None:
    """A file importing itself is E205."""
    message = refused(layout["root"], "main.ospec", "E205", opened)
    assert "main.ospec → main.ospec" in message


def test_self_import_by_another_spelling(layout: dict[str, Path], opened: OpenLog) -> None:
    """A file importing itself as ./sub/../main.ospec is E205."""
    refused(layout["root"], "./sub/../main.ospec", "E205", opened)


# ------------------------------------------------------------------ E203: not there


@pytest.mark.parametrize("written", ["missing.ospec", "datasets/missing.ospec", "./missing",
                                     "datasets", "."])
def test_missing_file(layout: dict[str, Path], opened: OpenLog, written: str) -> None:
    """An import of a file or folder that is not there is E203, not found."""
    (layout["root"] / "datasets").mkdir()
    message = refused(layout["root"], written, "E203", opened)
    assert "not found" in message


def test_dangling_symlink_inside(layout: dict[str, Path], opened: OpenLog) -> None:
    """An import of a link that leads nowhere is E203."""
    os.symlink("nowhere.ospec", layout["root"] / "dangling.ospec")
    refused(layout["root"], "dangling.ospec", "E203", opened)


# ------------------------------------------------------------------ allowed imports


def test_nested_relative_import_works(layout: dict[str, Path], opened: OpenLog) -> None:
    """An import into a subfolder is read and checked, and nothing outside is opened."""
    root = layout["root"]
    write(root / "datasets" / "x.ospec", library("x"))
    main_file = write(root / "main.ospec", library("main", "datasets/x.ospec"))
    result = check_paths([main_file], root)
    assert result.diagnostics == ()
    assert {f.name for f in result.frameworks} == {"main", "x"}
    assert set(opened.paths) >= {root / "main.ospec", root / "datasets" / "x.ospec"}
    assert opened.outside(root) == []


def test_dot_dot_that_stays_inside_works(layout: dict[str, Path], opened: OpenLog) -> None:
    """`../lib/x.ospec` from a nested file stays inside the root and is allowed."""
    root = layout["root"]
    write(root / "lib" / "x.ospec", library("x"))
    write(root / "lib" / "y.ospec", library("y", "./x.ospec"))
    main_file = write(root / "fw" / "main.ospec",
                      library("main", "../lib/x.ospec", "../lib/y.ospec"))
    result = check_paths([main_file], root)
    assert result.diagnostics == ()
    assert {f.name for f in result.frameworks} == {"main", "x", "y"}
    assert opened.outside(root) == []


def test_symlink_inside_the_root_is_followed(layout: dict[str, Path], opened: OpenLog) -> None:
    """A linked folder that stays inside the root is followed, and the import checks clean."""
    root = layout["root"]
    write(root / "real" / "x.ospec", library("x"))
    os.symlink("real", root / "alias", target_is_directory=True)
    main_file = write(root / "main.ospec", library("main", "alias/x.ospec"))
    result = check_paths([main_file], root)
    assert result.diagnostics == ()
    assert opened.outside(root) == []


def test_framework_using_a_nested_library(layout: dict[str, Path], opened: OpenLog) -> None:
    """A framework that imports and uses `datasets/x.ospec` checks clean."""
    root = layout["root"]
    write(root / "datasets" / "x.ospec", library("x"))
    main_file = write(root / "fw.ospec", (
        'framework fw "F" {\n  import "datasets/x.ospec"\n'
        '  define big for d_x = a > 10\n'
        '  outcome o "O" {\n    indicator i "I" {\n      kind context\n'
        '      statistic count\n      unit "rows"\n      numerator d_x where big\n'
        '      polarity no_judgement "context"\n    }\n  }\n}\n'))
    result = check_paths([main_file], root)
    assert [(d.code, d.message) for d in result.diagnostics] == []
    assert opened.outside(root) == []


# ------------------------------------------------------------------ through the CLI


def test_cli_refuses_every_escape_and_reads_nothing_outside(
        layout: dict[str, Path], opened: OpenLog, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`outcomespec check` from the root: every kind of import at once, as JSON."""
    root = layout["root"]
    os.symlink(layout["outside"] / "secret.ospec", root / "link.ospec")
    os.symlink(layout["outside"], root / "vendor", target_is_directory=True)
    os.symlink("loop.ospec", root / "loop.ospec")
    write(root / "datasets" / "x.ospec", library("x"))
    write(root / "b.ospec", library("b", "main.ospec"))
    imports = {
        str(layout["outside"] / "secret.ospec"): "E204",
        "../secret.ospec": "E204",
        "link.ospec": "E204",
        "vendor/secret.ospec": "E204",
        "loop.ospec": "E204",
        "b.ospec": "E205",
        "main.ospec": "E205",
        "missing.ospec": "E203",
        "datasets/x.ospec": None,
    }
    write(root / "main.ospec", library("main", *imports))
    monkeypatch.chdir(root)
    capsys.readouterr()
    code = main(["check", "main.ospec", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err == ""
    found = json.loads(out)
    by_import = {}
    for item in found:
        for written in imports:
            if f"`{written}`" in item["message"]:
                by_import.setdefault(written, item["code"])
    cycle_messages = [item["message"] for item in found if item["code"] == "E205"]
    assert any("b.ospec → main.ospec" in message for message in cycle_messages), found
    assert any("main.ospec → main.ospec" in message for message in cycle_messages), found
    expected = {w: c for w, c in imports.items() if c is not None and c != "E205"}
    assert {w: by_import.get(w) for w in expected} == expected, found
    assert sorted(item["code"] for item in found) == sorted(
        c for c in imports.values() if c is not None), found
    assert opened.outside(root) == []
    assert root / "datasets" / "x.ospec" in opened.paths


def test_the_open_log_sees_reads_outside(layout: dict[str, Path], opened: OpenLog) -> None:
    """Control: the recording catches a read of the outside file by each route."""
    secret = layout["outside"] / "secret.ospec"
    routes = [
        secret.read_bytes,
        lambda: open(secret, "rb").close(),
        lambda: io.open(secret, "rb").close(),  # noqa: UP020
        lambda: os.close(os.open(secret, os.O_RDONLY)),
    ]
    for route in routes:
        before = len(opened.outside(layout["root"]))
        route()
        assert len(opened.outside(layout["root"])) > before
    assert set(opened.outside(layout["root"])) == {secret}
