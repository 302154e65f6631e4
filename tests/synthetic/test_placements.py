"""Tests for outcomespec.synthetic.placements: temporary placements and distances from home,
as the DfE 903 validator expects them, and why counting them as DfE does matters.

The validator's rules (data-to-insight/csc-validator-be-903) are checked on the simulation's
arrays; the counting rule on England evaluated from the written files, the framework's way
against the old episode-counting way.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

import outcomespec
from outcomespec.synthetic import codes as c
from outcomespec.synthetic.generator import GenerationReport, Simulation, generate, simulation
from outcomespec.synthetic.placements import CONFIDENTIAL
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
TEMPORARY = [c.PLACE.index(code) for code in ("T0", "T1", "T2", "T3", "T4")]
OLD_WAY = """
framework old_way "Placements counted as episodes" {
  import "datasets/ssda903.ospec"
  import "csc_national_framework.ospec" as national
  period year ending 31 March

  outcome counts "Counts" {
    indicator placements_3plus "Three or more placements, counting every episode" {
      kind outcome
      statistic proportion
      cohort national.cla_31_march
      numerator cohort where count(episodes where RNE in placement_change and DECOM in period)
          + count(episodes where national.looked_after_at_start) >= 3
      unit percent
      polarity lower_is_better "The old way, for comparison"
    }
  }
}
"""


@pytest.fixture(scope="module")
def sim() -> Simulation:
    """Two years for 20 authorities at a fifth of their volumes."""
    return simulation(years=(2024, 2025), seed=7, las=20, scale=0.2)


@pytest.fixture(scope="module")
def england(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """2025 for every authority at a quarter of their volumes."""
    return generate(tmp_path_factory.mktemp("england"), years=(2025,), scale=0.25)


def after(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The value of the episode after each of `rows` (same arrays, next index)."""
    return values[rows + 1]


def test_temporary_placements_as_the_validator_expects(sim: Simulation) -> None:
    """Each begins with RNE P (rule 380), is neither the first nor the last episode of its
    period (rules 380, 381), and is followed by the return: RNE P, the PLACE, provider and
    distance of the episode before it (rule 383); no reason for a placement change around it
    (rule 226); no provider (rule 213)."""
    ep = sim.episodes
    temporary = np.flatnonzero(np.isin(ep.place, TEMPORARY))
    assert len(temporary) > 100
    assert np.all(ep.rne[temporary] == c.RNE_P)
    assert np.all(ep.period[temporary - 1] == ep.period[temporary])
    assert np.all(after(ep.period, temporary) == ep.period[temporary])
    assert np.all(after(ep.rne, temporary) == c.RNE_P)
    assert not np.any(np.isin(after(ep.place, temporary), TEMPORARY))
    for values in (ep.place, ep.provider, ep.distance):
        assert np.array_equal(after(values, temporary), values[temporary - 1])
    assert np.all(ep.reason[temporary] < 0)
    assert np.all(ep.reason[temporary - 1] < 0)
    assert np.all(ep.provider[temporary] < 0)


def test_temporary_placements_within_their_limits(sim: Simulation) -> None:
    """Hospital six weeks at most, the foster carer's holiday three weeks (only from foster
    care), T4 seven days (rules 375, 376, 379); never during short breaks (rule 382)."""
    ep = sim.episodes
    days = ep.dec - ep.decom
    limits = {"T1": 42, "T3": 21, "T4": 7, "T0": 14, "T2": 14}
    for code, longest in limits.items():
        rows = ep.place == c.PLACE.index(code)
        assert rows.any(), code
        assert days[rows].max() <= longest, code
    carer_holiday = np.flatnonzero(ep.place == c.PLACE.index("T3"))
    assert np.all(np.isin(ep.kind[carer_holiday - 1], c.FOSTER_KINDS))
    temporary = np.isin(ep.place, TEMPORARY)
    assert not np.any(temporary & np.isin(ep.ls, (c.V3, c.V4)))


def test_distances_as_the_validator_expects(sim: Simulation) -> None:
    """Empty for unaccompanied children (rule 406) and short breaks (rule 398); 999.9 only
    for placements for adoption; otherwise 0.0 to 350.0 miles (rule 454)."""
    ep = sim.episodes
    uasc = sim.care.uasc[ep.child] == 1
    breaks = np.isin(ep.ls, (c.V3, c.V4))
    assert np.all(ep.distance[uasc | breaks] < 0)
    confidential = ep.distance == CONFIDENTIAL
    assert confidential.any()
    assert np.all(np.isin(ep.kind[confidential], c.ADOPTION_KINDS))
    given = (ep.distance >= 0) & ~confidential
    assert np.all(ep.distance[given] <= 3500)
    assert 0.1 < np.mean(ep.distance[given] > 200) < 0.4


def test_reasons_for_change_on_the_ending_episode(sim: Simulation) -> None:
    """A reason for a placement change is on an episode that ends (X1) with the next
    episode changing placement: rules 225 and 233."""
    ep = sim.episodes
    reasons = np.flatnonzero(ep.reason >= 0)
    assert len(reasons) > 100
    assert np.all(ep.rec[reasons] == c.X1)
    assert np.all(np.isin(after(ep.rne, reasons), (c.RNE_P, c.RNE_B, c.RNE_T, c.RNE_U)))
    ends = np.flatnonzero((ep.rec == c.X1) & ~np.isin(ep.place, TEMPORARY))
    changing = np.isin(after(ep.rne, ends), (c.RNE_P, c.RNE_B, c.RNE_T, c.RNE_U)) & ~np.isin(
        after(ep.place, ends), TEMPORARY)
    assert np.all(ep.reason[ends[changing]] >= 0)


def test_written_distances_and_reasons(england: GenerationReport) -> None:
    """The episodes file has PL_DISTANCE with one decimal (999.9 among them) and empty
    cells; no reason for a placement change on an episode open on 31 March."""
    with (england.directory / "2025" / "episodes.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    distances = [r["PL_DISTANCE"] for r in rows]
    assert "999.9" in distances
    assert "" in distances
    assert all(d == "" or (d.count(".") == 1 and len(d.split(".")[1]) == 1) for d in distances)
    assert not [r for r in rows if not r["DEC"] and r["REASON_PLACE_CHANGE"]]


def test_counting_placements_as_dfe_does_matters(england: GenerationReport,
                                                 tmp_path: Path) -> None:
    """On the synthetic England, counting every episode as a placement (a temporary
    placement and the return from it as two moves) gives a much higher share with three or
    more placements than DfE's way; DfE's way lands nearer the published 10%."""
    root = tmp_path / "frameworks"
    shutil.copytree(FRAMEWORKS, root, ignore=shutil.ignore_patterns("data"))
    (root / "old_way.ospec").write_text(OLD_WAY, encoding="utf-8")
    data = england.directory / "2025"
    new = outcomespec.load(root / "csc_national_framework.ospec", root=root).run(data, 2025)
    old = outcomespec.load(root / "old_way.ospec", root=root).run(data, 2025)

    def england_value(run: outcomespec.api.Run) -> float:
        """England's share from the authorities' unrounded counts (the published England row
        is computed from its counts rounded to 10, as DfE publishes them)."""
        (totals,) = [t for t in run.evaluation.totals
                     if t.indicator.id == "placements_3plus" and not t.breakdown]
        return 100 * float(totals.numerator.sum()) / float(totals.denominator.sum())

    dfe_way, episodes_way = england_value(new), england_value(old)
    assert dfe_way == pytest.approx(england.england[2025].placements_3plus_percent, abs=1e-3)
    assert episodes_way - dfe_way > 3
    assert abs(dfe_way - 10) < abs(episodes_way - 10)
    assert 8 <= dfe_way <= 12
