"""outcomespec.cli.writing as a unit: what `write_output` writes, where, with which
permissions, and what it refuses, naming the path and the remedy."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from outcomespec.cli.writing import (
    OutputError,
    check_folder,
    check_output,
    make_folder,
    write_output,
)

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write left behind in `folder`."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_text_bytes_and_a_writer_each_make_the_file(tmp_path: Path) -> None:
    """Text is written as UTF-8, bytes as they are, and a writer is given the path to fill."""
    write_output(tmp_path / "a.csv", "Bradford – Keighley\n")
    assert (tmp_path / "a.csv").read_bytes() == "Bradford – Keighley\n".encode()
    write_output(tmp_path / "b.bin", b"\x00\xff")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    write_output(tmp_path / "c.txt", lambda path: path.write_text("by a writer\n"))
    assert (tmp_path / "c.txt").read_text() == "by a writer\n"
    assert leftovers(tmp_path) == []


def test_a_new_file_takes_the_umask_and_an_old_one_keeps_its_mode(tmp_path: Path) -> None:
    """A new file is 0o666 less the umask, as `open` makes it; a replaced one keeps its mode."""
    old = os.umask(0o027)
    try:
        write_output(tmp_path / "new.csv", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640
    (tmp_path / "kept.csv").write_text("old\n")
    (tmp_path / "kept.csv").chmod(0o600)
    write_output(tmp_path / "kept.csv", "new\n")
    assert stat.S_IMODE((tmp_path / "kept.csv").stat().st_mode) == 0o600
    assert (tmp_path / "kept.csv").read_text() == "new\n"


def test_a_link_is_written_through_and_kept(tmp_path: Path) -> None:
    """Writing to a link replaces the file it points to; the link stays a link."""
    (tmp_path / "real.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to("real.csv")
    assert check_output(tmp_path / "link.csv") == (tmp_path / "real.csv").resolve()
    write_output(tmp_path / "link.csv", "new\n")
    assert (tmp_path / "link.csv").is_symlink()
    assert (tmp_path / "real.csv").read_text() == "new\n"


def test_a_failing_writer_leaves_the_old_file_whole(tmp_path: Path) -> None:
    """A writer that fails midway: the old file is untouched, no temporary file remains."""
    (tmp_path / "r.csv").write_text("old\n")

    def half(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        write_output(tmp_path / "r.csv", half)
    assert (tmp_path / "r.csv").read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_a_writer_failing_in_the_file_system_is_an_output_error(tmp_path: Path) -> None:
    """An OSError while writing becomes an OutputError naming the path and the reason."""
    def full(path: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match=r"cannot write `.*r\.csv`: no space left on device"):
        write_output(tmp_path / "r.csv", full)
    assert not (tmp_path / "r.csv").exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("how", ["same path", "symbolic link", "hard link", "dot-dot"])
def test_an_input_is_never_written_over(tmp_path: Path, how: str) -> None:
    """Whatever path leads to an input of the run, writing there is refused."""
    data = tmp_path / "data.csv"
    data.write_text("input\n")
    (tmp_path / "sub").mkdir()
    target = {"same path": data, "dot-dot": tmp_path / "sub" / ".." / "data.csv",
              "symbolic link": tmp_path / "link.csv", "hard link": tmp_path / "hard.csv"}[how]
    if how == "symbolic link":
        target.symlink_to(data)
    if how == "hard link":
        os.link(data, target)
    with pytest.raises(OutputError, match="is an input of this run"):
        write_output(target, "output\n", inputs=[data])
    assert data.read_text() == "input\n"


def test_an_input_reached_another_way_is_named(tmp_path: Path) -> None:
    """When the output is an input by another name, the message names the input too."""
    (tmp_path / "data.csv").write_text("input\n")
    (tmp_path / "link.csv").symlink_to("data.csv")
    with pytest.raises(OutputError) as raised:
        check_output(tmp_path / "link.csv", [tmp_path / "data.csv"])
    assert str(raised.value) == (f"`{tmp_path / 'link.csv'}` is an input of this run "
                                 f"(`{tmp_path / 'data.csv'}`); write the output to another file")


@pytest.mark.parametrize(("make", "message"), [
    ("folder", "is a folder; give the name of a file inside it"),
    ("missing folder", "there is no folder"),
    ("dangling link", "is a symbolic link that leads to no file"),
    ("looping link", "is a symbolic link that leads to no file"),
])
def test_what_is_not_a_file_is_refused_before_work(tmp_path: Path, make: str,
                                                   message: str) -> None:
    """A folder, a path in a missing folder or a link leading nowhere: an OutputError."""
    target = tmp_path / "out.csv"
    if make == "folder":
        target.mkdir()
    if make == "missing folder":
        target = tmp_path / "nowhere" / "out.csv"
    if make == "dangling link":
        target.symlink_to("absent.csv")
    if make == "looping link":
        target.symlink_to("out.csv")
    with pytest.raises(OutputError, match=message):
        check_output(target)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_never_replaced() -> None:
    """/dev/null is a device, not a file: refused, with standard output suggested."""
    with pytest.raises(OutputError, match="leave out --out to write to standard output"):
        check_output(Path("/dev/null"))


@pytest.mark.skipif(ROOT, reason="root may write in any folder")
def test_a_folder_you_may_not_write_in_is_refused(tmp_path: Path) -> None:
    """A folder without write permission: refused before work, naming the folder."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="you may not create files in the folder"):
            check_output(folder / "r.csv")
        with pytest.raises(OutputError, match="you may not write in the folder"):
            check_folder(folder / "new")
    finally:
        folder.chmod(0o755)


def test_check_folder_takes_a_folder_or_one_to_make(tmp_path: Path) -> None:
    """An existing folder, or a path below one, is fine; a file or a path under a file is not."""
    check_folder(tmp_path)
    check_folder(tmp_path / "a" / "b")
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="it is not a folder; give a folder"):
        check_folder(tmp_path / "file")
    with pytest.raises(OutputError, match=r"would be inside `.*file`, which is not a folder"):
        check_folder(tmp_path / "file" / "sub")


def test_make_folder_makes_the_missing_folders(tmp_path: Path) -> None:
    """`make_folder` creates every missing folder, and accepts one that exists."""
    make_folder(tmp_path / "a" / "b" / "c")
    assert (tmp_path / "a" / "b" / "c").is_dir()
    make_folder(tmp_path / "a")
    with pytest.raises(OutputError):
        make_folder(Path("/proc/outcomespec-test"))
