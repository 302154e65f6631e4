"""The command line as a careless user and an attacker meet it: nothing given is destroyed,
no mistake of theirs (or refusal of the operating system's) is an "internal error", and the
exit status tells the truth.

Each case runs `outcomespec.cli.commands.main` in this process on a copy of the shipped
`dfe_published` project (the framework, the dataset libraries it imports and DfE's published
tables), and asserts the exit status, the path named in the message, that no traceback and
no "internal error" is printed, and that every file of the project is unchanged (by hash).
A usage mistake must be found before any work: `run_all` is replaced by a function that
fails the test if it is called.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import outcomespec.api as api
import outcomespec.cli.commands as cli
from tests.cli.running import dfe_project
from tests.cli.running import run_cli as run
from tests.paths import REPO

EVAL = ("eval", "dfe_published.ospec", "--data", "data", "--period", "2025")
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the dfe_published project as the current directory: `dfe_published.ospec`,
    `datasets/` and the published tables in `data/`."""
    root = dfe_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the command evaluates anything (a usage mistake must stop before)."""
    def evaluated(*args: object, **kwargs: object) -> None:
        pytest.fail("the command evaluated before refusing")
    monkeypatch.setattr(api, "run_all", evaluated)  # `eval` imports it when it runs


def fingerprint(root: Path) -> dict[str, str]:
    """Every entry under `root`: a file's hash, or what a link points to, or its type."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            found[str(path)] = "link to " + os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path)] = stat.filemode(info.st_mode)[0]
    return found


def assert_clean(code: int, out: str, err: str, status: int | tuple[int, ...],
                 *named: object) -> None:
    """The exit status is `status`, and stderr names each of `named`; no internal error."""
    both = out + err
    assert "Traceback" not in both, both[-2000:]
    assert "internal error" not in both, both[-2000:]
    assert code in (status if isinstance(status, tuple) else (status,)), (code, both[-2000:])
    for name in named:
        assert str(name) in err, (name, err[-2000:])


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder in which no file can be created, even by root (made immutable), holding one
    unformatted framework file; skipped where neither way works."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    (folder / "f.ospec").write_text("library f {  }\n", encoding="utf-8")
    undo: list[str] = []
    if ROOT:
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True,
                              check=False) if shutil.which("chattr") else None
        if made is not None and made.returncode == 0:
            undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except OSError:
        yield folder
    else:
        pytest.skip("cannot make a folder read-only here")
    finally:
        if undo:
            subprocess.run(undo, check=False)
        folder.chmod(0o755)


# ------------------------------------------------------------------ --out never destroys


@pytest.mark.parametrize("out", ["dfe_published.ospec", "datasets/dfe_tables.ospec",
                                 "datasets/geography.ospec", "data/cla_numbers.csv",
                                 "data/../data/ons_population.csv"])
def test_out_naming_an_input_is_refused(capsys: pytest.CaptureFixture[str], project: Path,
                                        no_work: None, out: str) -> None:
    """`--out` naming the framework, one of its imports or a data file read: exit 2, named."""
    before = fingerprint(project)
    code, out_text, err = run(capsys, *EVAL, "--format", "csv", "--out", out)
    assert_clean(code, out_text, err, 2, out, "is an input of this run")
    assert fingerprint(project) == before


@pytest.mark.parametrize("kind", ["symbolic", "hard"])
def test_out_linked_to_an_input_is_refused(capsys: pytest.CaptureFixture[str], project: Path,
                                           no_work: None, kind: str) -> None:
    """A symbolic or hard link to a data file read is that file: refused, both named."""
    link = project / "results.csv"
    if kind == "symbolic":
        link.symlink_to("data/cla_numbers.csv")
    else:
        os.link(project / "data" / "cla_numbers.csv", link)
    before = fingerprint(project)
    code, out, err = run(capsys, *EVAL, "--out", "results.csv")
    assert_clean(code, out, err, 2, "results.csv", "data/cla_numbers.csv")
    assert fingerprint(project) == before


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


def _device(path: Path) -> None:
    if not ROOT:
        pytest.skip("making a device node needs root")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
@pytest.mark.parametrize(("make", "is_kind"), [(_fifo, stat.S_ISFIFO), (_socket, stat.S_ISSOCK),
                                               (_device, stat.S_ISCHR)],
                         ids=["fifo", "socket", "device"])
def test_out_special_file_is_refused_and_kept(capsys: pytest.CaptureFixture[str], project: Path,
                                              no_work: None, make: object,
                                              is_kind: object) -> None:
    """A named pipe, a socket or a device as `--out`: exit 2, and it is still there as it was."""
    special = project / "special.csv"
    make(special)  # type: ignore[operator]
    code, out, err = run(capsys, *EVAL, "--out", "special.csv")
    assert_clean(code, out, err, 2, "special.csv", "not a file")
    assert is_kind(special.lstat().st_mode)  # type: ignore[operator]


def test_out_folder_missing_folder_dangling_link(capsys: pytest.CaptureFixture[str],
                                                 project: Path, no_work: None) -> None:
    """A folder, a file in a folder that does not exist, a link to nothing: exit 2 each."""
    (project / "dangling.csv").symlink_to("nowhere/x.csv")
    before = fingerprint(project)
    for out, says in (("data", "is a folder"), ("no/such/folder/r.csv", "no folder"),
                      ("dangling.csv", "leads to no file")):
        code, out_text, err = run(capsys, *EVAL, "--out", out)
        assert_clean(code, out_text, err, 2, out, says)
    assert fingerprint(project) == before


def test_out_in_a_read_only_folder(capsys: pytest.CaptureFixture[str], project: Path,
                                   no_work: None, read_only_folder: Path) -> None:
    """A folder you may not write in: exit 2 before any work, the folder named."""
    code, out, err = run(capsys, *EVAL, "--out", read_only_folder / "r.csv")
    assert_clean(code, out, err, 2, read_only_folder)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("command", ["eval", "align"])
def test_out_under_proc(capsys: pytest.CaptureFixture[str], project: Path,
                        command: str) -> None:
    """/proc takes no new files: a message naming the path (exit 1 or 2), not a bug report."""
    args = EVAL if command == "eval" else ("align", "dfe_published.ospec")
    code, out, err = run(capsys, *args, "--out", "/proc/results.csv")
    assert_clean(code, out, err, (1, 2), "/proc/results.csv")


def test_out_through_a_link_writes_the_file_and_keeps_the_link(
        capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path) -> None:
    """A link to a file elsewhere: that file is replaced (its permissions kept), the link
    stays a link, and the table is complete."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "results.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    (project / "results.csv").symlink_to(target)
    code, out, err = run(capsys, *EVAL, "--out", "results.csv")
    assert_clean(code, out, err, 0)
    assert (project / "results.csv").is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    england = [r for r in rows if r["area_type"] == "england"
               and r["indicator"] == "cla_rate_per_10k" and not r["breakdown"]]
    assert england[0]["numerator"] == "81770"  # DfE's published count for England, 2025
    assert sorted(p.name for p in elsewhere.iterdir()) == ["results.csv"]


def test_a_failed_write_leaves_the_old_file_whole(capsys: pytest.CaptureFixture[str],
                                                  project: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the table is written: exit 1 naming the file, which still
    holds what it held, and no temporary file is left behind."""
    old = project / "results.csv"
    old.write_text("the previous results\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("outcomespec.cli.writing.os.fsync", full)
    before = sorted(p.name for p in project.iterdir())
    code, out, err = run(capsys, *EVAL, "--out", "results.csv")
    assert_clean(code, out, err, 1, "results.csv", os.strerror(errno.ENOSPC).lower())
    assert old.read_text(encoding="utf-8") == "the previous results\n"
    assert sorted(p.name for p in project.iterdir()) == before


# ------------------------------------------------------------------ fmt


def test_fmt_formats_through_a_link_and_keeps_it(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    """`fmt` on a symbolic link formats the file it points to; the link stays a link."""
    (tmp_path / "real.ospec").write_text("library f {  }\n", encoding="utf-8")
    (tmp_path / "link.ospec").symlink_to("real.ospec")
    code, out, err = run(capsys, "fmt", tmp_path / "link.ospec")
    assert_clean(code, out, err, 0)
    assert (tmp_path / "link.ospec").is_symlink()
    assert (tmp_path / "real.ospec").read_text(encoding="utf-8") == "library f {\n}\n"


def test_fmt_in_a_read_only_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   read_only_folder: Path) -> None:
    """A file that cannot be rewritten is named with the reason (exit 1), left as it was,
    and the other files are still formatted."""
    other = tmp_path / "other.ospec"
    other.write_text("library g {  }\n", encoding="utf-8")
    locked = read_only_folder / "f.ospec"
    code, out, err = run(capsys, "fmt", locked, other)
    assert_clean(code, out, err, 1, locked)
    assert locked.read_text(encoding="utf-8") == "library f {  }\n"
    assert other.read_text(encoding="utf-8") == "library g {\n}\n"


# ------------------------------------------------------------------ imports and data files


def test_import_name_longer_than_a_file_name_may_be(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    """An import of a 300-byte name (the file system allows 255) is diagnostic E001."""
    path = tmp_path / "f.ospec"
    path.write_text(f'library f {{\n  import "{"x" * 300}.ospec"\n}}\n', encoding="utf-8")
    code, out, err = run(capsys, "check", path, "--root", tmp_path)
    assert_clean(code, out, err, 1)
    assert "error[E001]: import `xxxx" in out
    assert "cannot be read: file name too long" in out


@pytest.mark.skipif(ROOT, reason="root may search any folder")
def test_import_through_a_folder_you_may_not_search(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    """An import whose folder may not be searched: diagnostic E001 naming the import."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.ospec").write_text("library b {\n}\n", encoding="utf-8")
    path = tmp_path / "a.ospec"
    path.write_text('library a {\n  import "locked/b.ospec"\n}\n', encoding="utf-8")
    (tmp_path / "locked").chmod(0o600)
    try:
        code, out, err = run(capsys, "check", path, "--root", tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert_clean(code, out, err, 1)
    assert "error[E001]: import `locked/b.ospec` cannot be read: permission denied" in out


def test_data_file_that_is_a_link_loop(capsys: pytest.CaptureFixture[str], project: Path,
                                       ) -> None:
    """A data file that is a symbolic link to itself is D108 naming it (it was exit 70)."""
    table = project / "data" / "cla_numbers.csv"
    table.unlink()
    table.symlink_to("cla_numbers.csv")
    code, out, err = run(capsys, *EVAL, "--out", "r.csv")
    assert_clean(code, out, err, 1)
    assert "data/cla_numbers.csv:" in err
    assert "error[D108]: cannot read `data/cla_numbers.csv`" in err


@pytest.mark.skipif(ROOT, reason="root may read any file")
def test_data_file_you_may_not_read(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """A data file without read permission is D108 naming it."""
    (project / "data" / "cla_numbers.csv").chmod(0)
    code, out, err = run(capsys, *EVAL, "--out", "r.csv")
    assert_clean(code, out, err, 1)
    assert "error[D108]: cannot read `data/cla_numbers.csv`: Permission denied" in err


def test_two_gigabytes_of_nul_bytes(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """A 2 GB data file of NUL bytes (sparse: it costs no disk) is refused from its start."""
    with (project / "data" / "cla_numbers.csv").open("r+b") as stream:
        stream.truncate(0)
        stream.truncate(2 << 30)
    code, out, err = run(capsys, *EVAL, "--out", "r.csv")
    assert_clean(code, out, err, 1)
    assert ("data/cla_numbers.csv:1: error[D108]: `data/cla_numbers.csv` holds NUL bytes: it "
            "is binary data, not a CSV file") in err


# ------------------------------------------------------------------ usage mistakes


@pytest.mark.parametrize(("option", "value"), [
    ("--scale", "0"), ("--scale", "-1"), ("--scale", "nan"), ("--scale", "inf"),
    ("--scale", "21"), ("--scale", "lots"), ("--seed", "-1"), ("--seed", "1.5"),
    ("--pupils", "2"), ("--pupils", "-0.1"), ("--pupils", "nan"),
])
def test_demo_arguments_out_of_range(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                     option: str, value: str) -> None:
    """`demo --scale 0` and the like: a one-line usage error naming the option; nothing is
    created (it was "internal error")."""
    out_dir = tmp_path / "demo"
    code, out, err = run(capsys, "demo", "--out", out_dir, "--frameworks",
                         REPO / "frameworks", option, value)
    assert_clean(code, out, err, 2, f"argument {option}:", f"`{value}`")
    assert not out_dir.exists()


def test_demo_out_is_not_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`demo --out` naming a file, or a path below one: exit 2, the file untouched."""
    afile = tmp_path / "a.csv"
    afile.write_text("keep\n", encoding="utf-8")
    for out_dir in (afile, afile / "below"):
        code, out, err = run(capsys, "demo", "--out", out_dir, "--frameworks",
                             REPO / "frameworks", "--scale", "0.01")
        assert_clean(code, out, err, 2, out_dir, "not a folder")
    assert afile.read_text(encoding="utf-8") == "keep\n"


def test_align_out_mistakes(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """`align --out` naming a folder or the framework itself: exit 2, nothing changed."""
    before = fingerprint(project)
    for out, says in (("data", "is a folder"), ("dfe_published.ospec", "is an input"),
                      ("datasets/geography.ospec", "is an input")):
        code, out_text, err = run(capsys, "align", "dfe_published.ospec", "--out", out)
        assert_clean(code, out_text, err, 2, out, says)
    assert fingerprint(project) == before


def test_data_folder_without_any_dataset(capsys: pytest.CaptureFixture[str], project: Path,
                                         no_work: None) -> None:
    """A `--data` folder holding none of the files the framework reads: exit 2, naming the
    files looked for (it wrote a header-only table, exit 0)."""
    (project / "empty").mkdir()
    code, out, err = run(capsys, "eval", "dfe_published.ospec", "--data", "empty")
    assert_clean(code, out, err, 2, "--data empty holds none of the files",
                 "cla_numbers", ".csv or .parquet")
    assert out == ""


def test_debug_after_the_subcommand(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`--debug` works after the subcommand as before it: a forced bug shows its traceback."""
    path = tmp_path / "f.ospec"
    path.write_text("library f {\n}\n", encoding="utf-8")
    assert run(capsys, "check", path, "--debug")[0] == 0

    def boom(*args: object) -> None:
        raise RuntimeError("forced failure")

    monkeypatch.setattr(cli, "check_paths", boom)
    for args in (("--debug", "check", path), ("check", path, "--debug"), ("check", path)):
        code, _, err = run(capsys, *args)
        assert code == 70
        assert ("RuntimeError: forced failure" in err) == ("--debug" in args), err


# ------------------------------------------------------------------ the exit status


def test_missing_data_is_exit_1_unless_allowed(capsys: pytest.CaptureFixture[str],
                                               project: Path) -> None:
    """A dataset missing: its indicator is named and the exit status is 1; with
    `--allow-missing` 0. The table is written both times, the other indicators in it."""
    (project / "data" / "care_leavers_activity.csv").unlink()
    before = fingerprint(project)
    for allow, status in ((False, 1), (True, 0)):
        args = [*EVAL, "--out", "r.csv"] + ["--allow-missing"] * allow
        (project / "r.csv").unlink(missing_ok=True)
        code, out, err = run(capsys, *args)
        assert_clean(code, out, err, status, "not evaluated: care_leavers_19_21_eet")
        assert ("data are missing for 1 of the indicators asked for "
                "(dfe_published.care_leavers_19_21_eet") in err if not allow else True
        rows = list(csv.DictReader((project / "r.csv").open(encoding="utf-8")))
        assert {r["indicator"] for r in rows} >= {"cla_rate_per_10k", "placements_3plus"}
    assert {k: v for k, v in fingerprint(project).items() if not k.endswith("r.csv")} == before


def test_no_value_at_all_is_never_exit_0(capsys: pytest.CaptureFixture[str],
                                         project: Path) -> None:
    """Only the geography supplied: the data hold no period (D131), nothing can be
    evaluated, and even `--allow-missing` exits 1 (it was a table of blanks, exit 0)."""
    for path in (project / "data").iterdir():
        if path.name not in ("local_authorities.csv", "statistical_neighbours_2025.csv"):
            path.unlink()
    for allow in (False, True):
        code, out, err = run(capsys, *EVAL, *["--allow-missing"] * allow)
        assert_clean(code, out, err, 1)
        assert "error[D131]: the data hold rows of no reporting period" in out + err


def test_a_complete_run_is_exit_0(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """Every dataset present, every indicator evaluated: exit 0, inputs unchanged."""
    before = fingerprint(project)
    code, out, err = run(capsys, *EVAL)
    assert_clean(code, out, err, 0)
    assert "not evaluated" not in err
    assert out.startswith("framework,indicator,")
    assert fingerprint(project) == before
