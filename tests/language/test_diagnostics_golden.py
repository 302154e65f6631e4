"""Golden tests for diagnostics: at least one small, realistic case per diagnostic code.

Each case is a directory `tests/golden/diagnostics/<CODE>_<short_name>/` holding `main.ospec`
(the file checked), any sibling files it imports, and `expected.txt`: a first line
`exit code: N`, then the exact text output of

    outcomespec check --color never --root <root> <CASE>/main.ospec

run with <root> as the working directory, so that every path prints relative to the root.
Cases import the shared library and framework in `_lib/` as `../_lib/...`.

The case directory and `_lib/` are copied into a fresh <root> under `tmp_path`; cases that need
a file too large to commit or a symbolic link get them there from `SETUP`. A few messages name
the root's absolute path; it is written `<root>` in expected files.

`OUTCOMESPEC_UPDATE_GOLDEN=1` rewrites every `expected.txt` from the current output. Review each
changed file by eye before keeping it: a golden file records what users will read.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from outcomespec.cli import main
from outcomespec.language.codes import CODES
from tests.paths import TESTS

GOLDEN = TESTS / "golden" / "diagnostics"
DATA_GOLDEN = TESTS / "golden" / "data"
"""Data-file cases `<CODE>_<name>/`, run by tests/test_data_golden.py (codes D1xx)."""
LIBRARY = "_lib"
EXPECTED = "expected.txt"
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"
CASE_NAME = re.compile(r"^(?P<code>[EW]\d{3})_[a-z0-9_]+$")
REPORTED_CODE = re.compile(r"\[([EW]\d{3})\]")

KNOWN_GAPS: frozenset[str] = frozenset()
"""Registered codes that no input can trigger yet (the checker never emits them).

Each entry needs a comment saying what input should trigger it. The coverage test fails when
a listed code gets a golden case, so remove it from here when that happens.
"""


def _make_huge_file(case: Path, outside: Path) -> None:
    """E003: a data file given by mistake, over the 8 MiB limit (too big to commit)."""
    del outside
    row = b"CHILD0000001,E08000003,01/04/2024,S,C2\n"
    with (case / "main.ospec").open("wb") as stream:
        stream.write(b"CHILD,LA,DECOM,RNE,LS\n")
        stream.write(row * (9 * 1024 * 1024 // len(row)))


def _link_datasets_outside(case: Path, outside: Path) -> None:
    """E204: `datasets` is a symbolic link to a directory outside the project root."""
    target = outside / "datasets"
    target.mkdir(parents=True)
    shutil.copy(GOLDEN / LIBRARY / "datasets" / "mini903.ospec", target / "mini903.ospec")
    try:
        (case / "datasets").symlink_to(target, target_is_directory=True)
    except OSError as error:  # e.g. Windows without the privilege to make links
        pytest.skip(f"cannot make a symbolic link here: {error}")


SETUP: dict[str, Callable[[Path, Path], None]] = {
    "E003_file_too_large": _make_huge_file,
    "E204_symlink_escape": _link_datasets_outside,
}
"""Cases whose input is made at test time, by case name: f(case directory, outside dir)."""


def _cases() -> list[str]:
    """Every case directory's name, sorted (so by code)."""
    return sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and p.name != LIBRARY)


CASES = _cases()


def _project(tmp_path: Path, case: str) -> Path:
    """A fresh project root holding `_lib/` and a copy of one case, made ready to check."""
    root = tmp_path / "project"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    shutil.copytree(GOLDEN / LIBRARY, root / LIBRARY)
    shutil.copytree(GOLDEN / case, root / case, ignore=shutil.ignore_patterns(EXPECTED))
    if case in SETUP:
        SETUP[case](root / case, outside)
    return root


def _run(
    root: Path, case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    *extra: str,
) -> tuple[int, str, str]:
    """Run `outcomespec check` on the case's main.ospec from the root; (exit, stdout, stderr)."""
    monkeypatch.chdir(root)
    capsys.readouterr()
    code = main(["check", "--color", "never", *extra, "--root", str(root),
                 f"{case}/main.ospec"])
    captured = capsys.readouterr()
    out = captured.out
    for spelling in sorted({str(root.resolve()), str(root)}, key=len, reverse=True):
        out = out.replace(spelling, "<root>")
    return code, out, captured.err


def _expected_codes() -> dict[str, set[str]]:
    """For each case, the codes its expected output reports."""
    found = {}
    for case in CASES:
        expected = GOLDEN / case / EXPECTED
        text = expected.read_text(encoding="utf-8") if expected.exists() else ""
        found[case] = set(REPORTED_CODE.findall(text))
    return found


@pytest.mark.parametrize("case", CASES)
def test_output_matches_golden(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`outcomespec check` prints exactly the expected diagnostics and exit code for the case."""
    root = _project(tmp_path, case)
    code, out, err = _run(root, case, monkeypatch, capsys)
    actual = f"exit code: {code}\n{out}"
    expected_file = GOLDEN / case / EXPECTED
    if UPDATE:
        expected_file.write_text(actual, encoding="utf-8", newline="\n")
    assert err == ""
    assert expected_file.exists(), f"{case} has no {EXPECTED}; run with OUTCOMESPEC_UPDATE_GOLDEN=1"
    assert actual == expected_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_case_reports_the_code_it_is_named_after(case: str) -> None:
    """Every case directory is named `<CODE>_<name>` and its expected output reports CODE."""
    match = CASE_NAME.match(case)
    assert match is not None, f"case directory `{case}` is not named <CODE>_<short_name>"
    assert match["code"] in CODES, f"case `{case}` is named after an unregistered code"
    assert match["code"] in _expected_codes()[case]


def test_every_code_has_a_golden_case() -> None:
    """Each registered code has a golden case reporting it, unless it is a listed known gap."""
    covered = set().union(*_expected_codes().values())
    covered |= {p.name.split("_", 1)[0] for p in DATA_GOLDEN.iterdir() if p.is_dir()}
    assert not KNOWN_GAPS - set(CODES), "KNOWN_GAPS lists codes that are not registered"
    fixed_gaps = sorted(KNOWN_GAPS & covered)
    assert not fixed_gaps, f"remove from KNOWN_GAPS, they now have golden cases: {fixed_gaps}"
    missing = sorted(set(CODES) - covered - KNOWN_GAPS)
    assert not missing, f"codes with no golden case (add one, or list a real gap): {missing}"


def test_misspelt_column_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """`--format json` gives the misspelt `DECMO` as E201 with its line, column and help."""
    case = "E201_unknown_column"
    root = _project(tmp_path, case)
    code, out, err = _run(root, case, monkeypatch, capsys, "--format", "json")
    assert (code, err) == (1, "")
    diagnostics = json.loads(out)
    assert [d["code"] for d in diagnostics] == ["E201"]
    (diagnostic,) = diagnostics
    assert diagnostic["severity"] == "error"
    assert diagnostic["path"] == f"{case}/main.ospec"
    assert diagnostic["location"] == {"path": f"{case}/main.ospec", "line": 11, "column": 64,
                                      "end_line": 11, "end_column": 69}
    assert diagnostic["help"] == "did you mean `DECOM`?"
    assert "DECMO" in diagnostic["message"]


def test_shared_fixtures_check_clean(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """The shared library and framework that cases import are themselves free of diagnostics."""
    monkeypatch.chdir(GOLDEN)
    assert main(["check", "--color", "never", "--root", str(GOLDEN), f"{LIBRARY}/fw.ospec"]) == 0
    assert capsys.readouterr() == ("", "")
