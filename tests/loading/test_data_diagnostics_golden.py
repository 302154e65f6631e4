"""Golden tests for data-file diagnostics: at least one small, realistic case per D code.

Each case is a directory `tests/golden/data/<CODE>_<short_name>/` holding `dataset.ospec` (a
library declaring exactly one dataset and the codelists it uses), `data.csv` (the file
loaded) and `expected.txt`: the exact text of

    render_all(load_table(dataset, "<CASE>/data.csv", codelists).diagnostics)

A case about data against what a framework reads holds instead `framework.ospec` (importing
`dataset.ospec`), a data file `<dataset>.csv` for each dataset it reads and `expected.txt`:
the text of `render_all(run.diagnostics)` for the framework run on the case's directory for
`PERIOD`, carrying on past errors.

Diagnostics about areas (D2xx) need a geography and several files: such a case holds a
directory `data/` instead, evaluated with the framework `_areas/framework.ospec` for 2025
(`call.json` may give another `period` and an `area`); `expected.txt` is the rendering of the
run's diagnostics, or of the error it raises. Directories whose names begin with `_` are
shared, not cases.

A case about the periods the data hold (which only evaluation can tell) holds
`framework.ospec` (a framework with its datasets) and a `data/` directory of files named after
them, an optional `period.txt` (the period asked for) and `expected.txt`: the diagnostics
`Framework.run(data, period)` raises, or else the warnings it gives.

`OUTCOMESPEC_UPDATE_GOLDEN=1` rewrites every `expected.txt` from the current output. Review each
changed file by eye before keeping it: a golden file records what users will read.
`tests/test_diagnostics_golden.py` counts these cases when it checks that every registered code
has one.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from outcomespec.api import load
from outcomespec.checking import check_paths
from outcomespec.language.codes import CODES
from outcomespec.language.diagnostics import OutcomeSpecError
from outcomespec.language.rendering import render_all
from outcomespec.loading.loader import codelists_of, load_table
from tests.paths import TESTS

GOLDEN = TESTS / "golden" / "data"
EXPECTED = "expected.txt"
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"
CASE_NAME = re.compile(r"^(?P<code>D\d{3})_[a-z0-9_]+$")
REPORTED_CODE = re.compile(r"\[(D\d{3})\]")

CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and not p.name.startswith("_"))
AREAS = Path("_areas") / "framework.ospec"


PERIOD = 2025


def _render(case: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Check the case's library, load its data file (or run its framework on its data), and
    render the diagnostics."""
    monkeypatch.chdir(GOLDEN)
    if Path(case, "framework.ospec").exists() and Path(case, "data").is_dir():
        return _render_evaluation(case)
    if (GOLDEN / case / "framework.ospec").exists():
        framework = load(Path(case) / "framework.ospec", root=Path(case))
        return render_all(framework.run(Path(case), PERIOD, keep_going=True).diagnostics)
    if Path(case, "data").is_dir():
        return _render_run(Path(case))
    checked = check_paths([Path(case) / "dataset.ospec"])
    assert checked.ok, [d.message for d in checked.diagnostics]
    (framework,) = checked.frameworks
    (dataset,) = framework.datasets
    result = load_table(dataset, Path(case) / "data.csv", codelists_of(checked.frameworks),
                        name=f"{case}/data.csv")
    return render_all(result.diagnostics)


def _render_run(case: Path) -> str:
    """Evaluate the areas framework on the case's `data/`, and render what it reports."""
    call = json.loads((case / "call.json").read_text("utf-8")) if (case / "call.json").exists() \
        else {}
    framework = load(AREAS)
    try:
        run = framework.run(case / "data", call.get("period", 2025), area=call.get("area"))
    except OutcomeSpecError as error:
        return render_all(error.diagnostics)
    return render_all(run.diagnostics)


def _render_evaluation(case: str) -> str:
    """Evaluate the case's framework on its data directory, for its period if it names one;
    render the diagnostics that stop it, or else its warnings."""
    asked = Path(case) / "period.txt"
    period = asked.read_text(encoding="utf-8").strip() if asked.exists() else None
    framework = load(Path(case) / "framework.ospec")
    try:
        run = framework.run(Path(case) / "data", period)
    except OutcomeSpecError as error:
        return render_all(error.diagnostics)
    return render_all(run.diagnostics)


@pytest.mark.parametrize("case", CASES)
def test_output_matches_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the case's data file renders exactly the expected diagnostics."""
    actual = _render(case, monkeypatch)
    expected_file = GOLDEN / case / EXPECTED
    if UPDATE:
        expected_file.write_text(actual, encoding="utf-8", newline="\n")
    assert expected_file.exists(), f"{case} has no {EXPECTED}; run with OUTCOMESPEC_UPDATE_GOLDEN=1"
    assert actual == expected_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_case_reports_the_code_it_is_named_after(case: str) -> None:
    """Every case directory is named `<CODE>_<name>` and its expected output reports CODE."""
    match = CASE_NAME.match(case)
    assert match is not None, f"case directory `{case}` is not named <CODE>_<short_name>"
    assert match["code"] in CODES, f"case `{case}` is named after an unregistered code"
    text = (GOLDEN / case / EXPECTED).read_text(encoding="utf-8")
    assert match["code"] in REPORTED_CODE.findall(text)


def test_every_data_code_has_a_case() -> None:
    """Each registered D1xx code has a golden case here."""
    data_codes = {code for code in CODES if code.startswith("D")}
    covered = {name.split("_", 1)[0] for name in CASES}
    assert sorted(data_codes - covered) == []
