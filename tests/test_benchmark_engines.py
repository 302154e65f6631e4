"""The benchmark's hand-written engines (pandas, polars, DuckDB SQL) publish exactly what
outcomespec publishes for the National Framework, on a small synthetic extract.

The engines in `benchmarks/engines/` implement the framework from its written definitions,
without outcomespec; `benchmarks/run.py` times them at national scale and asserts the same
equality there. Speed is never asserted here.
"""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from outcomespec.synthetic.generator import generate
from tests.paths import REPO

if str(REPO) not in sys.path:  # `benchmarks` is a directory of scripts, not an installed package
    sys.path.insert(0, str(REPO))

from benchmarks.engines import definitions as d
from benchmarks.engines import outcomespec_engine
from benchmarks.engines.comparison import differences, summary
from benchmarks.engines.publication import poisson, publish, wilson

YEARS = (2024, 2025)
LAS = 10
ENGINES = {"pandas": "pandas", "polars": "polars", "duckdb": "duckdb"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two reporting years for the first ten authorities (two London regions), scale 0.1,
    with a school census sampling a fifth of all pupils."""
    directory = tmp_path_factory.mktemp("synthetic")
    generate(directory, years=YEARS, scale=0.1, las=LAS, pupils=0.2)
    return directory


@pytest.fixture(scope="module")
def expected(data: Path) -> dict[int, Any]:
    """outcomespec's published table for each year."""
    fw = outcomespec_engine.frameworks_for(data / str(YEARS[0]))
    return {year: outcomespec_engine.publish(outcomespec_engine.evaluate(
        outcomespec_engine.load(data / str(year), fw), year)) for year in YEARS}


def test_outcomespec_publishes_every_indicator_for_every_area(expected: dict[int, Any]) -> None:
    """The reference table covers the 25 indicators × (10 LAs, 2 regions, England), the
    placements breakdown by sex, suppressed cells and judgements against all pupils, so that
    all of these are compared."""
    for published in expected.values():
        indicators = {key[0] for key in published}
        assert indicators == set(d.BY_ID)
        areas = {key[2] for key in published}
        assert len(areas) == LAS + 2 + 1
        assert d.ENGLAND_CODE in areas
        breakdowns = {key[1] for key in published if key[0] == d.SEX_BREAKDOWN}
        assert len(breakdowns) == 3  # all children, then two sexes (1/2 until 2024, then M/F)
        assert "" in breakdowns
        assert any(row[7] for row in published.values())
        assert {row[11] for key, row in published.items()
                if key[0] == "cla_persistent_absence"} - {"not_compared"}


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_engine_publishes_the_same_table(engine: str, year: int, data: Path,
                                         expected: dict[int, Any]) -> None:
    """Numerators, denominators, values, 95% and 99.8% limits, suppression and the three
    judgements agree for every indicator, breakdown, LA, region and England."""
    pytest.importorskip(ENGINES[engine])
    module = importlib.import_module(f"benchmarks.engines.{engine}_engine")
    found = module.publish(module.evaluate(module.load(data / str(year)), year))
    diffs = differences(expected[year], found)
    assert not diffs, summary({engine: diffs})


def test_wilson_limits_match_published_values() -> None:
    """Wilson limits of 8,500 / 81,770 at 95% (PHEindicatormethods: 10.1877% - 10.6061%),
    and exactly 0 at a zero numerator."""
    lower, upper = wilson(np.array([8500.0, 0.0]), np.array([81770.0, 10.0]), 0.95)
    assert [round(x * 100, 4) for x in lower] == [10.1877, 0.0]
    assert [round(x * 100, 4) for x in upper] == [10.6061, 27.7533]


def test_poisson_limits_are_exact_below_ten_and_byars_above() -> None:
    """0, 5 and 65 events at 95%: exact limits for 0 and 5, Byar's for 65."""
    lower, upper = poisson(np.array([0.0, 5.0, 65.0]), 0.95)
    assert [round(x, 4) for x in lower] == [0.0, 1.6235, 50.1632]
    assert [round(x, 4) for x in upper] == [3.6889, 11.6683, 82.8491]


def test_secondary_suppression_hides_a_second_cell_in_the_region() -> None:
    """An LA suppressed alone in its region takes the region's smallest other LA with it."""
    geography = d.Geography(("801", "802", "803", "804"), ("R1", "R1", "R1", "R2"),
                            ((), (), (), ()))
    num = np.array([40.0, 3.0, 12.0, 9.0, 55.0, 9.0, 64.0])
    den = np.full(7, 1000.0)
    published = publish(geography, [d.CellCounts("foster_care", "", num, den)])
    hidden = {key[2] for key, row in published.items() if row[7]}
    assert hidden == {"802", "803"}
    assert math.isnan(published["foster_care", "", "802"][2])
