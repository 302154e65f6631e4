"""OHID Fingertips' export of indicator 90284, read as Fingertips writes it: every column of
its header declared by its own name (`column "Area Code" as area_code …`), no renaming, and
England taken from the export's own row (`compare england published`).

The sample (tests/data/fingertips/injury_admissions.csv, made by make_sample.py beside it)
has the export's real header and made-up values; the expected figures below are read from it
with the csv module and computed in plain Python.
"""

from __future__ import annotations

import csv
import functools
import shutil

import pytest

import outcomespec
from outcomespec.api import Run
from tests.paths import REPO, TESTS

FRAMEWORKS = REPO / "frameworks"
SAMPLE = TESTS / "data" / "fingertips" / "injury_admissions.csv"
INDICATOR = "injury_admissions_0_14"


@functools.cache
def sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The National Framework on the export and the geography alone, for 2023/24."""
    data = tmp_path_factory.mktemp("fingertips")
    shutil.copyfile(SAMPLE, data / "injury_admissions.csv")
    for name in ("local_authorities.csv", "statistical_neighbours_2025.csv"):
        shutil.copyfile(FRAMEWORKS / "data" / "dfe" / name, data / name)
    framework = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec")
    return framework.run(data, "2023/24")


def rows(run: Run, area_type: str) -> dict[str, dict[str, object]]:
    return {str(r["area_code"]): r for r in run.results.rows()
            if r["indicator"] == INDICATOR and r["area_type"] == area_type}


def test_every_column_of_the_export_is_read_by_its_name(run: Run) -> None:
    """The export's header is declared as it is: no column ignored, none absent."""
    report = run.loads["health.injury_admissions"].report
    assert report.ignored_columns == ()
    assert report.absent_columns == ()
    assert report.rows_read == len(sample())


def test_england_is_the_published_row(run: Run) -> None:
    """England is the export's Persons row (given twice, agreeing): value, counts, limits."""
    (published, *_) = [r for r in sample() if r["Area Code"] == "E92000001"
                       and r["Sex"] == "Persons" and not r["Category Type"]
                       and r["Time period"] == "2023/24"]
    england = rows(run, "england")["E92000001"]
    assert england["numerator"] == int(published["Count"])
    assert england["denominator"] == int(published["Denominator"])
    assert england["value"] == pytest.approx(float(published["Value"]), abs=1e-9)
    assert england["lower_99_8"] == pytest.approx(float(published["Lower CI 99.8 limit"]))
    assert england["note"] == ""
    assert "D160" not in [d.code for d in run.diagnostics]


def test_an_authority_is_its_persons_row_by_ons_code(run: Run) -> None:
    """Camden (E09000007, DfE 202): its Count per 10,000 of its Denominator."""
    (published,) = [r for r in sample() if r["Area Code"] == "E09000007"
                    and r["Sex"] == "Persons" and not r["Category Type"]
                    and r["Time period"] == "2023/24"]
    camden = rows(run, "local_authority")["E09000007"]
    assert camden["la_code"] == "202"
    expected = int(published["Count"]) / int(published["Denominator"]) * 10_000
    assert camden["value"] == pytest.approx(expected, rel=1e-12)
    assert camden["vs_england"] in ("better", "similar", "worse")


def test_fingertips_layout_names_areas_by_ons_code(run: Run) -> None:
    """The Fingertips layout writes `E09000007` for Camden, where it once wrote `202`."""
    text = run.results.to_fingertips_csv()
    assert text is not None
    camden = [line for line in text.splitlines() if ",Camden," in line]
    assert camden
    assert all(",E09000007," in line and ",202," not in line for line in camden)
