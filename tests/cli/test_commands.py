"""outcomespec.cli.commands as a unit: each subcommand's arguments, its exit status and which
stream each message goes to (results and diagnostics to standard output; usage errors,
progress, summaries and warnings to standard error), all in this process."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from attrs import evolve

import outcomespec.cli.commands as cli
from outcomespec import __version__, api
from outcomespec.cli.demo import MAX_SCALE
from tests.cli.running import run_cli
from tests.paths import REPO
from tests.results.cases import hand_built

FRAMEWORKS = REPO / "frameworks"
DFE = FRAMEWORKS / "dfe_published.ospec"
DATA = FRAMEWORKS / "data" / "dfe"
EVAL = ("eval", DFE, "--data", DATA, "--period", "2025")
SUMMARY = ("dfe_published: 6 indicator results for period 2025 (2024-25), "
           "153 local authorities\n")


def parsed(*argv: str) -> dict[str, Any]:
    """The namespace argparse makes of `argv`, as a dict."""
    return vars(cli._parser().parse_args(argv))


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory outside the project (so files are not inside it)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------ arguments


@pytest.mark.parametrize(("argv", "expected"), [
    (("check", "a.ospec"),
     {"command": "check", "files": [Path("a.ospec")], "format": "text", "root": None,
      "color": "auto", "debug": False}),
    (("check", "--format", "json", "--color", "never", "--root", "r", "a", "b"),
     {"files": [Path("a"), Path("b")], "format": "json", "color": "never", "root": Path("r")}),
    (("fmt", "a.ospec"), {"command": "fmt", "files": [Path("a.ospec")], "check": False}),
    (("fmt", "--check", "a", "b"), {"files": [Path("a"), Path("b")], "check": True}),
    (("eval", "f.ospec", "--data", "d"),
     {"command": "eval", "frameworks": [Path("f.ospec")], "data": Path("d"), "period": None,
      "out": None, "format": None, "area": None, "keep_going": False, "allow_missing": False,
      "root": None}),
    (("eval", "f", "g", "--data", "d", "--period", "2024/25", "--out", "o.json", "--format",
      "ees", "--area", "805", "--keep-going", "--allow-missing"),
     {"frameworks": [Path("f"), Path("g")], "period": "2024/25", "out": Path("o.json"),
      "format": "ees", "area": "805", "keep_going": True, "allow_missing": True}),
    (("explain", "f.ospec"), {"command": "explain", "frameworks": [Path("f.ospec")],
                              "format": "text", "root": None}),
    (("align", "f", "g", "--format", "html", "--out", "a.html"),
     {"command": "align", "frameworks": [Path("f"), Path("g")], "format": "html",
      "out": Path("a.html"), "root": None}),
    (("demo",), {"command": "demo", "out": Path("outcomespec-demo"),
                 "frameworks": Path("frameworks"), "scale": 1.0, "seed": 2025, "pupils": 0.0}),
    (("demo", "--scale", "0.05", "--seed", "7", "--pupils", "1"),
     {"scale": 0.05, "seed": 7, "pupils": 1.0}),
    (("explain-code", "e001"), {"command": "explain-code", "code": "e001"}),
])
def test_each_subcommand_parses_its_arguments(argv: tuple[str, ...],
                                              expected: dict[str, Any]) -> None:
    """Each subcommand's options and their defaults, as the commands read them."""
    namespace = parsed(*argv)
    assert {name: namespace[name] for name in expected} == expected


@pytest.mark.parametrize(("argv", "debug"), [
    (("check", "a"), False),
    (("--debug", "check", "a"), True),
    (("check", "a", "--debug"), True),
    (("check", "--debug", "a"), True),
    (("--debug", "eval", "f", "--data", "d", "--debug"), True),
    (("--debug", "explain-code", "E001"), True),
])
def test_debug_is_taken_before_or_after_the_subcommand(argv: tuple[str, ...],
                                                       debug: bool) -> None:
    """`--debug` anywhere sets it, and after the subcommand never resets what came before."""
    assert parsed(*argv)["debug"] is debug


@pytest.mark.parametrize(("argv", "message"), [
    ((), "the following arguments are required: COMMAND"),
    (("frobnicate",), "argument COMMAND: invalid choice: 'frobnicate'"),
    (("check",), "the following arguments are required: FILE"),
    (("check", "--color", "pink", "a"), "argument --color: invalid choice: 'pink'"),
    (("eval", "f.ospec"), "the following arguments are required: --data"),
    (("eval", "f", "--data", "d", "--format", "xlsx"), "argument --format: invalid choice"),
    (("align", "f", "--format", "pdf"), "argument --format: invalid choice: 'pdf'"),
    (("demo", "--scale", "0"), f"argument --scale: must be above 0 and at most "
                               f"{MAX_SCALE:g}, not `0`"),
    (("demo", "--scale", "nan"), "argument --scale: must be above 0"),
    (("demo", "--scale", "many"), "argument --scale: must be above 0"),
    (("demo", "--seed", "-1"), "argument --seed: must be a whole number 0 or above, not `-1`"),
    (("demo", "--seed", "1e3"), "argument --seed: must be a whole number 0 or above"),
    (("demo", "--pupils", "1.5"), "argument --pupils: must be a fraction from 0 to 1, not "
                                  "`1.5`"),
    (("explain-code",), "one of the arguments CODE --list is required"),
])
def test_usage_mistakes_exit_2_on_standard_error(capsys: pytest.CaptureFixture[str],
                                                 argv: tuple[str, ...], message: str) -> None:
    """A usage mistake is exit 2, nothing on standard output, the usage and one error line
    on standard error."""
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("usage: outcomespec")
    last = err.rstrip("\n").rsplit("\n", 1)[-1]
    assert last.startswith(f"outcomespec: error: {message}"), last


def test_version_and_help_go_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    """`--version` and `--help` exit 0 and write to standard output only."""
    assert run_cli(capsys, "--version") == (0, f"outcomespec {__version__}\n", "")
    code, out, err = run_cli(capsys, "eval", "--help")
    assert (code, err) == (0, "")
    assert out.startswith("usage: outcomespec eval")
    assert "--allow-missing" in out


@pytest.mark.parametrize(("text", "value"), [("0.5", 0.5), (f"{MAX_SCALE:g}", MAX_SCALE),
                                             ("1e-3", 0.001)])
def test_scale_accepts_numbers_in_its_range(text: str, value: float) -> None:
    """`--scale` takes any number above 0 up to the most the generator can make."""
    assert cli._scale(text) == value


@pytest.mark.parametrize("text", ["0", "-1", "inf", "nan", str(MAX_SCALE * 2), "", "x"])
def test_scale_refuses_the_rest(text: str) -> None:
    """0, negatives, infinity, NaN, too large and words are refused, quoting what was given."""
    with pytest.raises(argparse.ArgumentTypeError, match=f"not `{text}`"):
        cli._scale(text)


def test_seed_is_a_whole_number() -> None:
    """A seed is digits (spaces around allowed), never a sign, a point or an exponent."""
    assert (cli._seed("0"), cli._seed(" 2025 ")) == (0, 2025)
    for text in ("-1", "+1", "1.0", "1e3", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            cli._seed(text)


# ------------------------------------------------------------------ check and fmt


def test_check_exit_status_and_streams(capsys: pytest.CaptureFixture[str],
                                       elsewhere: Path) -> None:
    """Clean: exit 0, nothing written; an error: exit 1, the diagnostic on standard output,
    as text with its caret or as JSON."""
    clean = elsewhere / "clean.ospec"
    clean.write_text("library clean {\n}\n", encoding="utf-8")
    assert run_cli(capsys, "check", clean) == (0, "", "")
    bad = elsewhere / "bad.ospec"
    bad.write_text("library f {\n  define x for d = a\n}\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "check", bad, "--color", "never")
    assert (code, err) == (1, "")
    assert out.startswith(f"{bad}:2:16: error[E201]: unknown dataset `d`\n")
    assert out.endswith("1 error, 0 warnings\n")
    assert "\x1b[" not in out
    code, out, err = run_cli(capsys, "check", bad, clean, "--format", "json")
    assert (code, err) == (1, "")
    assert [(d["code"], d["location"]["line"]) for d in json.loads(out)] == [("E201", 2)]
    code, out, _ = run_cli(capsys, "check", clean, "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_check_colour_when_asked(capsys: pytest.CaptureFixture[str], elsewhere: Path) -> None:
    """`--color always` colours the diagnostics even when writing to a file."""
    bad = elsewhere / "bad.ospec"
    bad.write_text("library f {\n  define x for d = a\n}\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", bad, "--color", "always")
    assert code == 1
    assert "\x1b[" in out


def test_check_root_must_be_a_folder(capsys: pytest.CaptureFixture[str],
                                     elsewhere: Path) -> None:
    """`--root` naming a file is a usage mistake (exit 2) on standard error."""
    clean = elsewhere / "clean.ospec"
    clean.write_text("library clean {\n}\n", encoding="utf-8")
    assert run_cli(capsys, "check", clean, "--root", clean) == (
        2, "", f"outcomespec: error: --root {clean} is not a directory\n")


def test_fmt_check_then_fmt_then_fmt_check(capsys: pytest.CaptureFixture[str],
                                           elsewhere: Path) -> None:
    """`fmt --check` exits 1 and changes nothing; `fmt` rewrites the file; then both exit 0."""
    path = elsewhere / "f.ospec"
    path.write_text("library f {   }\n", encoding="utf-8")
    assert run_cli(capsys, "fmt", "--check", path) == (1, f"would reformat {path}\n", "")
    assert path.read_text(encoding="utf-8") == "library f {   }\n"
    assert run_cli(capsys, "fmt", path) == (0, f"reformatted {path}\n", "")
    assert path.read_text(encoding="utf-8") == "library f {\n}\n"
    assert run_cli(capsys, "fmt", "--check", path) == (0, "", "")
    assert run_cli(capsys, "fmt", path) == (0, "", "")


def test_fmt_reports_a_file_it_cannot_parse_and_formats_the_rest(
        capsys: pytest.CaptureFixture[str], elsewhere: Path) -> None:
    """A syntax error is exit 1 with its diagnostic on standard error; the other file is
    still formatted, and named on standard output."""
    broken = elsewhere / "broken.ospec"
    broken.write_text("library f {\n", encoding="utf-8")
    fine = elsewhere / "fine.ospec"
    fine.write_text("library g {   }\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "fmt", broken, fine)
    assert (code, out) == (1, f"reformatted {fine}\n")
    assert err.startswith(f"{broken}:")
    assert "error[E1" in err
    assert fine.read_text(encoding="utf-8") == "library g {\n}\n"


# ------------------------------------------------------------------ eval


def test_eval_writes_the_table_and_summarises_on_standard_error(
        capsys: pytest.CaptureFixture[str], elsewhere: Path) -> None:
    """The CSV goes to standard output, what was read to standard error; exit 0."""
    code, out, err = run_cli(capsys, *EVAL)
    assert code == 0
    assert err.startswith(SUMMARY + "  period 2025: as requested\n")
    assert "  read dfe_tables.cla_numbers: 2,505 rows, 0 excluded" in err
    rows = list(csv.DictReader(io.StringIO(out)))
    england = next(r for r in rows if r["indicator"] == "placements_3plus"
                   and r["area_type"] == "england")
    # England is DfE's published row, 8,500 / 81,770, 10% (pooled from the authorities it
    # would be 8,495 / 81,766: three authorities' counts are published as `c`).
    assert (england["numerator"], england["denominator"], england["value"],
            england["note"]) == ("8500", "81770", "10", "")


@pytest.mark.parametrize(("option", "first"), [
    (("--format", "ees"), "time_period,time_identifier,geographic_level,"),
    (("--format", "fingertips"), "Indicator ID,Indicator Name,Parent Code,"),
    (("--format", "json"), "[\n{\"framework\": \"dfe_published\""),
    (("--format", "csv"), "framework,indicator,title,period,"),
])
def test_eval_formats_on_standard_output(capsys: pytest.CaptureFixture[str], elsewhere: Path,
                                         option: tuple[str, str], first: str) -> None:
    """Each text format is written to standard output when there is no `--out`."""
    code, out, _ = run_cli(capsys, *EVAL, *option)
    assert code == 0
    assert out.startswith(first)


def test_eval_takes_the_format_from_the_out_suffix(capsys: pytest.CaptureFixture[str],
                                                   elsewhere: Path) -> None:
    """`--out r.json` writes JSON, `--out r.CSV` CSV; nothing goes to standard output."""
    code, out, _ = run_cli(capsys, *EVAL, "--out", "r.json")
    assert (code, out) == (0, "")
    assert json.loads((elsewhere / "r.json").read_text(encoding="utf-8"))[0]["period"] == 2025
    code, out, _ = run_cli(capsys, *EVAL, "--out", "r.CSV")
    assert (code, out) == (0, "")
    assert (elsewhere / "r.CSV").read_text(encoding="utf-8").startswith("framework,")


def test_eval_period_spellings_give_the_same_table(capsys: pytest.CaptureFixture[str],
                                                   elsewhere: Path) -> None:
    """2025, 2024-25 and 2024/25 are one reporting year."""
    tables = {spelling: run_cli(capsys, *EVAL[:-1], spelling)[1]
              for spelling in ("2025", "2024-25", "2024/25")}
    assert len(set(tables.values())) == 1


@pytest.mark.parametrize(("extra", "message"), [
    (("--period", "25"), "--period 25: 25 has two digits; write the year in full: 2025"),
    (("--period", "next year"), "--period next year: "),
    (("--format", "parquet"), "parquet needs --out FILE"),
    (("--out", "r.txt"), "cannot tell the format from `r.txt`; give --format"),
    (("--out", "missing/r.csv"), "--out: cannot write `missing/r.csv`: there is no folder"),
])
def test_eval_usage_mistakes_before_any_work(capsys: pytest.CaptureFixture[str],
                                             elsewhere: Path, monkeypatch: pytest.MonkeyPatch,
                                             extra: tuple[str, str], message: str) -> None:
    """Mistakes in `--period`, `--format` and `--out` are exit 2 before anything is read."""
    def evaluated(*args: object, **kwargs: object) -> None:
        pytest.fail("the command evaluated before refusing")

    monkeypatch.setattr(api, "run_all", evaluated)  # `eval` imports it when it runs
    code, out, err = run_cli(capsys, "eval", DFE, "--data", DATA, *extra)
    assert (code, out) == (2, "")
    assert err.startswith(f"outcomespec: error: {message}"), err
    assert err.count("\n") == 1


def test_eval_data_must_be_a_folder(capsys: pytest.CaptureFixture[str], elsewhere: Path) -> None:
    """`--data` naming a file is exit 2, saying so."""
    assert run_cli(capsys, "eval", DFE, "--data", DFE) == (
        2, "", f"outcomespec: error: --data {DFE} is not a directory\n")


def test_eval_unknown_area_is_a_usage_mistake(capsys: pytest.CaptureFixture[str],
                                              elsewhere: Path) -> None:
    """`--area` naming no local authority is exit 2, with the codes it might have meant."""
    code, out, err = run_cli(capsys, *EVAL, "--area", "99999")
    assert (code, out) == (2, "")
    assert err.startswith("outcomespec: error: --area: `99999` is not a local authority of "
                          "geography `england`; give a code of one of its")


def test_eval_framework_errors_are_diagnostics_on_standard_error(
        capsys: pytest.CaptureFixture[str], elsewhere: Path) -> None:
    """A framework that does not check is exit 1 with its diagnostics on standard error, and
    nothing on standard output (where the table would go)."""
    bad = elsewhere / "bad.ospec"
    bad.write_text("framework f {\n  import \"nowhere.ospec\"\n}\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "eval", bad, "--data", DATA)
    assert (code, out) == (1, "")
    assert "error[E203]" in err


def test_has_values_counts_suppressed_rows_as_values() -> None:
    """A table of blanks has no values, unless a blank is a value withheld by suppression."""
    results = hand_built()
    assert cli._has_values(results)
    blank = evolve(results, value=np.full(len(results), np.nan))
    assert cli._has_values(blank)  # Middlesbrough's value exists, withheld
    assert not cli._has_values(evolve(blank, suppressed=np.zeros(len(results), dtype=bool)))


# ------------------------------------------------------------------ explain, explain-code


def test_explain_writes_the_plan(capsys: pytest.CaptureFixture[str], elsewhere: Path) -> None:
    """The plan of each indicator, in words, on standard output; exit 0."""
    code, out, err = run_cli(capsys, "explain", DFE)
    assert (code, err) == (0, "")
    assert "\nplacements_3plus  Children looked after at 31 March with three or more " in out
    assert "  reads        dfe_tables.placement_stability (" in out


def test_explain_of_a_missing_file_is_exit_1(capsys: pytest.CaptureFixture[str],
                                             elsewhere: Path) -> None:
    """A framework that cannot be read gives its E001 diagnostic on standard error."""
    code, out, err = run_cli(capsys, "explain", elsewhere / "missing.ospec")
    assert (code, out) == (1, "")
    assert "error[E001]: cannot read" in err


def test_explain_code_in_either_case(capsys: pytest.CaptureFixture[str]) -> None:
    """A code, upper or lower case: its severity, title and explanation; exit 0."""
    code, out, err = run_cli(capsys, "explain-code", "e001")
    assert (code, err) == (0, "")
    assert out.startswith("E001 (error): file cannot be read\n\nThe file named")
    assert run_cli(capsys, "explain-code", "E001")[1] == out


def test_explain_code_unknown_is_a_usage_mistake(capsys: pytest.CaptureFixture[str]) -> None:
    """A code that does not exist is exit 2, named on standard error."""
    assert run_cli(capsys, "explain-code", "X999") == (
        2, "", "outcomespec: error: no diagnostic code `X999`; outcomespec explain-code --list "
        "lists them\n")


# ------------------------------------------------------------------ align


@pytest.mark.parametrize(("form", "start"), [("text", ""), ("json", "{"),
                                             ("html", "<!DOCTYPE html>")])
def test_align_in_each_format(capsys: pytest.CaptureFixture[str], elsewhere: Path, form: str,
                              start: str) -> None:
    """The shipped frameworks aligned, as text, JSON or HTML on standard output; exit 0."""
    frameworks = [FRAMEWORKS / name for name in ("csc_national_framework.ospec",
                                                 "supporting_families.ospec")]
    code, out, err = run_cli(capsys, "align", *frameworks, "--format", form)
    assert (code, err) == (0, "")
    assert out.startswith(start)
    if form == "json":
        assert isinstance(json.loads(out), dict)


def test_align_writes_out_and_refuses_a_missing_file(capsys: pytest.CaptureFixture[str],
                                                     elsewhere: Path) -> None:
    """`--out` takes the report (nothing on standard output); a missing file is exit 1."""
    code, out, _ = run_cli(capsys, "align", FRAMEWORKS / "supporting_families.ospec", "--out",
                           "a.txt")
    assert (code, out) == (0, "")
    assert (elsewhere / "a.txt").stat().st_size > 0
    code, out, err = run_cli(capsys, "align", elsewhere / "missing.ospec")
    assert (code, out) == (1, "")
    assert "error[E001]" in err


# ------------------------------------------------------------------ failures


def test_interrupted_is_exit_130(capsys: pytest.CaptureFixture[str], elsewhere: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while checking exits 130, without a traceback."""
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "check_paths", interrupted)
    assert run_cli(capsys, "check", "f.ospec") == (130, "", "")


def test_a_path_the_system_refuses_is_exit_1_naming_it(capsys: pytest.CaptureFixture[str],
                                                      elsewhere: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError naming a file is the user's environment: exit 1 and one line naming it;
    one naming no file is a bug: exit 70."""
    def refused(*args: object) -> None:
        raise PermissionError(13, "Permission denied", "secret.ospec")

    monkeypatch.setattr(cli, "check_paths", refused)
    assert run_cli(capsys, "check", "f.ospec") == (
        1, "", "outcomespec: error: cannot use `secret.ospec`: Permission denied\n")

    def failed(*args: object) -> None:
        raise OSError("no file")

    monkeypatch.setattr(cli, "check_paths", failed)
    code, out, err = run_cli(capsys, "check", "f.ospec")
    assert (code, out) == (70, "")
    assert err.startswith("outcomespec: internal error (OSError)")
