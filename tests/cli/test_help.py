"""The command line explains itself: help on every argument, examples that run, a way to list
the diagnostic codes, and its output kept apart from its errors."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

import pytest

from outcomespec.cli import commands, guide, main
from outcomespec.language.codes import CODES
from tests.paths import REPO


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = commands._parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", ["", *sorted(_subcommands())])
def test_every_argument_has_help(name: str) -> None:
    """Each positional argument and option of each command says what it is for."""
    parser = _subcommands()[name] if name else commands._parser()
    bare = [action.metavar or action.dest for action in parser._actions
            if not isinstance(action, argparse._SubParsersAction)
            and (not action.help or action.help == argparse.SUPPRESS)]
    assert bare == [], f"`outcomespec {name}` arguments without help: {bare}"


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_has_examples_that_parse(name: str) -> None:
    """Each command's help ends with examples, and each is a command line the parser takes
    (up to a shell redirection)."""
    examples = guide.EXAMPLES[name]
    assert examples
    page = _subcommands()[name].format_help()
    for line, _ in examples:
        assert line in page
        words = shlex.split(line.partition(" > ")[0])
        assert words[:2] == ["outcomespec", name]
        assert commands._parser().parse_args(words[1:]).command == name


def test_the_description_is_in_users_words(capsys: pytest.CaptureFixture[str]) -> None:
    """The top-level help says what the program is for, lists the commands, and says where
    output and errors go; no internal wording."""
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    page = capsys.readouterr().out
    assert "children's social care in England" in page
    assert "outcomespec demo" in page
    assert "standard error" in page
    for internal in ("renders at the edge", "public API", "_"):
        assert internal not in page.split("commands:")[0], internal


def test_explain_code_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    """`explain-code --list` prints every registered code once, in order, with its severity
    and title."""
    code, out, err = _run(capsys, "explain-code", "--list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(CODES)
    assert lines[0] == "E001  error    file cannot be read"


def test_explain_code_needs_a_code_or_list(capsys: pytest.CaptureFixture[str]) -> None:
    """Neither a code nor `--list` is a usage error naming both; both at once too."""
    with pytest.raises(SystemExit) as stop:
        main(["explain-code"])
    assert stop.value.code == 2
    assert "one of the arguments CODE --list is required" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["explain-code", "E402", "--list"])
    assert stop.value.code == 2


def test_unknown_code_points_to_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown code is exit 2 on standard error, naming `--list`."""
    code, out, err = _run(capsys, "explain-code", "E999")
    assert (code, out) == (2, "")
    assert err == ("outcomespec: error: no diagnostic code `E999`; outcomespec explain-code "
                   "--list lists them\n")


# ------------------------------------------------------------------ output and errors


BROKEN = 'framework broken "Broken" {\n  kind outcome\n}\n'


def test_check_prints_its_diagnostics_on_standard_output(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Diagnostics are what `check` is asked for: standard output, nothing on standard
    error; a file that cannot be read is one of them."""
    (tmp_path / "broken.ospec").write_text(BROKEN, encoding="utf-8")
    code, out, err = _run(capsys, "check", tmp_path / "broken.ospec", tmp_path / "none.ospec",
                          "--root", tmp_path)
    assert (code, err) == (1, "")
    assert "broken.ospec:2:3: error[" in out
    assert "error[E001]" in out


@pytest.mark.parametrize("command", ["eval", "explain", "align"])
def test_a_framework_that_does_not_check_is_reported_on_standard_error(
        command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`eval`, `explain` and `align` print nothing on standard output when they cannot use
    a framework: its diagnostics go to standard error, with exit status 1."""
    (tmp_path / "broken.ospec").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "episodes.csv").write_text("x\n", encoding="utf-8")
    extra = ["--data", tmp_path / "data"] if command == "eval" else []
    code, out, err = _run(capsys, command, tmp_path / "broken.ospec", *extra,
                          "--root", tmp_path)
    assert (code, out) == (1, "")
    assert "broken.ospec:2:3: error[" in err


def test_eval_keeps_data_errors_out_of_the_table(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    """`eval … > results.csv`: a data error goes to standard error, never into the table."""
    data = tmp_path / "dfe"
    data.mkdir()
    for table in (REPO / "frameworks" / "data" / "dfe").iterdir():
        (data / table.name).write_bytes(table.read_bytes())
    (data / "cla_numbers.csv").write_bytes(b"\0" * 64)
    code, out, err = _run(capsys, "eval", REPO / "frameworks" / "dfe_published.ospec",
                          "--data", data, "--root", REPO / "frameworks")
    assert (code, out) == (1, "")
    assert "error[D108]" in err


def test_fmt_reports_a_file_it_cannot_parse_on_standard_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`fmt` names the files it rewrote on standard output; a file that does not parse is
    left as it is and its diagnostics go to standard error."""
    (tmp_path / "bad.ospec").write_text("framework {\n", encoding="utf-8")
    (tmp_path / "good.ospec").write_text("library good {\n    }\n", encoding="utf-8")
    code, out, err = _run(capsys, "fmt", tmp_path / "bad.ospec", tmp_path / "good.ospec")
    assert code == 1
    assert out == f"reformatted {tmp_path / 'good.ospec'}\n"
    assert "bad.ospec:1:11: error[E101]" in err
    assert (tmp_path / "bad.ospec").read_text(encoding="utf-8") == "framework {\n"
