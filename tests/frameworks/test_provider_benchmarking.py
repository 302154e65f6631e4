"""The shipped provider benchmarking framework, on a handful of SSDA903 rows built by hand
for three registered homes: each home's counts as written out here, before suppression
(the homes are a few children each, so every one is withheld when published)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import outcomespec
from outcomespec.api import Run
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
HOMES = ("SC1", "SC2", "SC3")
REGISTER = {"URN": list(HOMES), "NAME": ["One", "Two", "Three"],
            "TYPE": ["CH", "CH", "SCH"], "SECTOR": ["PRIVATE", "LA", "LA"],
            "LA": ["999"] * 3, "REGION": ["E12000002", "E12000002", "E12000003"],
            "REGION_NAME": ["North West", "North West", "Yorkshire and The Humber"],
            "PLACES": ["4", "3", "8"], "JUDGEMENT": ["good", "outstanding", ""],
            "JUDGEMENT_DATE": ["2023-05-01", "2024-01-10", ""]}

Episode = tuple[str, str, str, str, str, str, str, str, str]
"""CHILD, DECOM, DEC (empty: open), RNE, LS, PLACE, PLACE_PROVIDER, REASON_PLACE_CHANGE,
URN."""

EPISODES: Sequence[Episode] = (
    # A: a placement in home 1 that ends as the home closes, then foster care.
    ("A", "2024-05-01", "2024-09-01", "S", "C2", "K2", "PR4", "CLOSE", "SC1"),
    ("A", "2024-09-01", "", "P", "C2", "U4", "PR1", "", ""),
    # B: home 1, moved on as the care plan intended, to home 2.
    ("B", "2024-06-01", "2024-12-01", "S", "C2", "K2", "PR4", "CARPL", "SC1"),
    ("B", "2024-12-01", "", "P", "C2", "K2", "PR1", "", "SC2"),
    # C: in home 2 all year.
    ("C", "2023-01-01", "", "S", "C2", "K2", "PR1", "", "SC2"),
    # D: a secure home, five days in hospital, and back: one placement, not two.
    ("D", "2024-07-01", "2024-07-05", "S", "C2", "K1", "PR1", "", "SC3"),
    ("D", "2024-07-05", "2024-07-10", "P", "C2", "T1", "", "", ""),
    ("D", "2024-07-10", "", "P", "C2", "K1", "PR1", "", "SC3"),
    # E: short breaks in home 1, which no indicator counts.
    ("E", "2024-04-10", "", "S", "V3", "K2", "PR4", "", "SC1"),
    # F: a home Ofsted does not register.
    ("F", "2024-08-01", "", "S", "C2", "K2", "PR4", "", "XXXXXXX"),
)
MISSING = (("A", "M", "2024-10-15"),  # in foster care by then
           ("B", "A", "2024-07-01"),  # away, whereabouts known: not missing
           ("C", "M", "2024-10-01"),  # missing from home 2
           ("D", "M", "2024-07-20"))  # missing from home 3, after the hospital stay
FEES = (("A", "SC1", "2024-05-01", "4000"), ("B", "SC1", "2024-06-01", "3600"),
        ("B", "SC2", "2024-12-01", ""),  # not recorded
        ("C", "SC2", "2023-01-01", "3000"),  # begun the year before
        ("D", "SC3", "2024-07-01", "7000"))
"""CHILD, URN, START, WEEKLY_FEE of each placement the authority paid for."""
ASSESSED = {"B": "1", "C": "0", "D": "1"}
"""Children looked after for 12 months (OC2) and whether their health was assessed."""

EXPECTED = {
    "unplanned_endings": {"SC1": (1, 2), "SC2": (0, 1), "SC3": (0, 1)},
    "planned_moves": {"SC1": (1, 2), "SC2": (0, 1), "SC3": (0, 1)},
    "missing_from_home": {"SC1": (0, 2), "SC2": (1, 2), "SC3": (1, 2)},
    "health_checks": {"SC1": (0, 0), "SC2": (1, 2), "SC3": (1, 1)},
}
"""(numerator, denominator) of each home, written out from the rows above: placements
begun in a home in the year (A and B in home 1, B in home 2, D's first in home 3; not D's
return from hospital, not E's short breaks), episodes in a home during the year, and
children in a home on 31 March among those looked after for 12 months."""


def data() -> dict[str, dict[str, list[str]]]:
    """The register and one authority's return, as columns of text."""
    children = sorted({e[0] for e in EPISODES})
    names = ("CHILD", "DECOM", "DEC", "RNE", "LS", "PLACE", "PLACE_PROVIDER",
             "REASON_PLACE_CHANGE", "URN")
    episodes = {name: [e[k] for e in EPISODES] for k, name in enumerate(names)}
    episodes |= {"LA": ["999"] * len(EPISODES), "CIN": ["N1"] * len(EPISODES),
                 "REC": ["X1" if e[2] else "" for e in EPISODES]}
    missing = {"LA": ["999"] * len(MISSING), "CHILD": [m[0] for m in MISSING],
               "DOB": ["2010-01-01"] * len(MISSING), "MISSING": [m[1] for m in MISSING],
               "MIS_START": [m[2] for m in MISSING], "MIS_END": [m[2] for m in MISSING]}
    oc2 = {"LA": ["999"] * len(ASSESSED), "CHILD": list(ASSESSED),
           "DOB": ["2010-01-01"] * len(ASSESSED),
           "HEALTH_ASSESSMENT": list(ASSESSED.values())}
    assert set(children) >= set(ASSESSED)
    fees = {name: [f[k] for f in FEES] for k, name in enumerate(("CHILD", "URN", "START",
                                                                 "WEEKLY_FEE"))}
    fees["LA"] = ["999"] * len(FEES)
    return {"providers": REGISTER, "episodes": episodes, "missing": missing, "oc2": oc2,
            "placement_fees": fees}


@pytest.fixture(scope="module")
def run() -> Run:
    """The shipped framework on the rows above, for 2024-25."""
    framework = outcomespec.load(FRAMEWORKS / "provider_benchmarking.ospec", root=FRAMEWORKS)
    return framework.run(data(), 2025)


@pytest.mark.parametrize("indicator", sorted(EXPECTED))
def test_each_home_counts_what_its_children_did(run: Run, indicator: str) -> None:
    """Each home's numerator and denominator, before suppression, as written out."""
    (totals,) = [t for t in run.evaluation.totals if t.indicator.id == indicator]
    frame = run.evaluation.frame_of(totals.indicator)
    found = {code: (int(totals.numerator[i]), int(totals.denominator[i]))
             for i, code in enumerate(frame.codes)}
    assert found == EXPECTED[indicator]


def test_each_homes_fee_is_the_mean_of_its_placements_begun_in_the_year(run: Run) -> None:
    """The mean weekly fee of each home's placements begun in 2024-25 with a fee recorded:
    home 1 the mean of 4,000 and 3,600, home 3 its one 7,000, home 2 none."""
    (totals,) = [t for t in run.evaluation.totals if t.indicator.id == "weekly_fee"]
    assert totals.values is not None
    assert totals.value_areas is not None
    codes = run.evaluation.frame_of(totals.indicator).codes
    found: dict[str, list[float]] = {}
    for value, home in zip(totals.values.tolist(), totals.value_areas.tolist(), strict=True):
        found.setdefault(codes[home], []).append(value)
    assert {code: sum(v) / len(v) for code, v in found.items()} == {"SC1": 3800.0,
                                                                    "SC3": 7000.0}


def test_every_home_is_withheld_and_the_unregistered_one_reported(run: Run) -> None:
    """No home is published (each counts fewer than ten), and the placement in a home
    Ofsted does not register is reported (D220), not counted."""
    homes = [r for r in run.results.rows() if r["area_type"] == "provider"]
    assert {r["area_code"] for r in homes} == set(HOMES)
    assert all(r["value"] is None for r in homes)
    warnings = [d.message for d in run.diagnostics if d.code == "D220"]
    assert warnings
    assert all("`XXXXXXX` (not registered with Ofsted)" in w for w in warnings)


def test_without_the_register_nothing_is_evaluated_and_the_rows_say_why() -> None:
    """The return without Ofsted's register: every indicator is not evaluated, its England
    row saying the register was not supplied, and no home is made up."""
    framework = outcomespec.load(FRAMEWORKS / "provider_benchmarking.ospec", root=FRAMEWORKS)
    given = data()
    del given["providers"]
    rows = list(framework.run(given, 2025).results.rows())
    assert {r["indicator"] for r in rows} == {*EXPECTED, "weekly_fee"}
    assert {(r["area_type"], r["value"]) for r in rows} == {("england", None)}
    assert {r["note"] for r in rows} == {
        "not_evaluated: needs `ofsted.providers`, which was not supplied"}
