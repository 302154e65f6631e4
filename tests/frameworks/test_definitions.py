"""The National Framework's definitions follow DfE's published figures, case by case.

Each case is a handful of SSDA903 (or CIN census) rows built by hand, evaluated through the
public API for one authority, and checked against a count written out in plain Python: a
week's respite is not two moves, a stay in hospital does not restart the "same carer" clock,
a child whose distance from home is not known is in the 20-miles denominator, a care leaver
gone abroad is not in the suitable-accommodation base, children in need are the episodes of
need open on 31 March. The per-authority counts come from `Run.evaluation` (before
suppression: these authorities are a few children). A probe framework importing the national
one shows the number of placements each child is counted with.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

import outcomespec
from outcomespec.api import Framework, Run
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
AREA = "999"
YEAR = 2025
START, END = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")

PROBE = """
framework probe "Placements and time with the same carer, per child" {
  import "datasets/ssda903.ospec"
  import "csc_national_framework.ospec" as national
  period year ending 31 March

  outcome counts "Counts for the tests" {
    indicator placements "Placements during the year" {
      kind context
      statistic mean
      cohort national.cla_31_march
      measure count(episodes where national.starts_placement_in_year)
          + count(episodes where national.looked_after_at_start)
      unit "placements"
      polarity no_judgement "A count for the tests"
    }
  }
}
"""

Episode = tuple[str, str, str, str, str, str, str]
"""CHILD, DECOM, DEC (empty: open), RNE, LS, PLACE, PL_DISTANCE (empty: not given)."""

RESPITE: Sequence[Episode] = (
    ("R", "2022-06-01", "2024-08-01", "S", "C2", "U4", "3.1"),
    ("R", "2024-08-01", "2024-08-08", "P", "C2", "T3", "12.0"),  # a week while the carer is away
    ("R", "2024-08-08", "", "P", "C2", "U4", "3.1"))
HOSPITAL: Sequence[Episode] = (
    ("H", "2021-03-01", "2023-11-20", "S", "C2", "U6", "8.5"),
    ("H", "2023-11-20", "2023-11-30", "P", "C2", "T1", "2.0"),  # ten days in hospital
    ("H", "2023-11-30", "", "P", "C2", "U6", "8.5"))
MOVES: Sequence[Episode] = (
    ("M", "2024-05-01", "2024-09-01", "S", "C1", "U6", "4.0"),
    ("M", "2024-09-01", "2024-10-01", "P", "C1", "U6", "6.0"),
    ("M", "2024-10-01", "2024-10-05", "P", "C1", "T4", "40.0"),  # a weekend away
    ("M", "2024-10-05", "2025-01-10", "P", "C1", "U6", "6.0"),
    ("M", "2025-01-10", "", "P", "C2", "K2", "35.2"))
ELSEWHERE: Sequence[Episode] = (
    ("E", "2024-04-10", "2024-06-01", "S", "V2", "U4", "5.0"),
    ("E", "2024-06-01", "2024-06-10", "P", "V2", "T1", "1.0"),
    ("E", "2024-06-10", "", "P", "V2", "K2", "60.0"))  # not back: a children's home instead
CUT_SHORT: Sequence[Episode] = (
    ("C", "2024-03-25", "2024-04-05", "P", "C2", "T1", "1.0"),  # earlier episodes not supplied
    ("C", "2024-04-05", "", "P", "C2", "U4", "999.9"))
NOT_KNOWN: Sequence[Episode] = (
    ("N", "2023-01-15", "", "S", "V2", "U6", ""),)  # an unaccompanied child: no distance
EVERYONE = (*RESPITE, *HOSPITAL, *MOVES, *ELSEWHERE, *CUT_SHORT, *NOT_KNOWN)
BORN = {"R": "2015-05-01", "H": "2012-01-10", "M": "2009-07-20", "E": "2011-02-02",
        "C": "2016-09-09", "N": "2008-12-01"}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped frameworks, with the probe framework beside them."""
    copy = tmp_path_factory.mktemp("frameworks") / "frameworks"
    shutil.copytree(FRAMEWORKS, copy, ignore=shutil.ignore_patterns("data"))
    (copy / "probe.ospec").write_text(PROBE, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def national(root: Path) -> Framework:
    """The National Framework, as shipped."""
    return outcomespec.load(root / "csc_national_framework.ospec", root=root)


@pytest.fixture(scope="module")
def probe(root: Path) -> Framework:
    """The probe: each child's number of placements in the year, as the framework counts."""
    return outcomespec.load(root / "probe.ospec", root=root)


def returns(episodes: Sequence[Episode]) -> dict[str, dict[str, list[str]]]:
    """The header and episodes tables of one authority's return."""
    children = sorted({e[0] for e in episodes})
    header = {"CHILD": children, "SEX": ["F"] * len(children),
              "DOB": [BORN[child] for child in children], "ETHNIC": ["WBRI"] * len(children),
              "UPN": ["UN1"] * len(children)}
    names = ("CHILD", "DECOM", "DEC", "RNE", "LS", "PLACE", "PL_DISTANCE")
    columns: dict[str, list[str]] = {name: [e[k] for e in episodes]
                                     for k, name in enumerate(names)}
    columns["CIN"] = ["N1"] * len(episodes)
    columns["REC"] = ["X1" if e[2] else "" for e in episodes]
    return {"header": header, "episodes": columns}


def counts(run: Run, indicator: str) -> tuple[float, float]:
    """The authority's numerator and denominator, before suppression."""
    for totals in run.evaluation.totals:
        if totals.indicator.id == indicator and not totals.breakdown:
            return float(totals.numerator[0]), float(totals.denominator[0])
    raise AssertionError(indicator)


def measured(run: Run, indicator: str) -> list[float]:
    """The measure of each unit of a mean's cohort, sorted."""
    for totals in run.evaluation.totals:
        if totals.indicator.id == indicator and totals.values is not None:
            return sorted(float(v) for v in totals.values)
    raise AssertionError(indicator)


def day(text: str) -> dt.date:
    """An ISO date."""
    return dt.date.fromisoformat(text)


def settled(episodes: Sequence[Episode]) -> list[bool]:
    """Per episode: neither a temporary placement nor the return from one. A return is the
    episode after a temporary placement, in the placement held before it (or none is known)."""
    out = []
    for e in episodes:
        earlier = sorted((x for x in episodes if x[0] == e[0] and day(x[1]) < day(e[1])),
                         key=lambda x: day(x[1]))
        usual = [x for x in earlier if x[5] not in TEMPORARY]
        back = bool(earlier) and earlier[-1][5] in TEMPORARY and (
            not usual or usual[-1][5] == e[5])
        out.append(e[5] not in TEMPORARY and not back)
    return out


def placements(episodes: Sequence[Episode], child: str, *, as_episodes: bool = False) -> int:
    """The child's placements in the year: the one held on 1 April and each begun in the year
    (`as_episodes`: every episode begun with RNE S, P, B, T or U counted, the old way)."""
    total = 0
    for e, counted in zip(episodes, settled(episodes), strict=True):
        begins, ends = day(e[1]), (day(e[2]) if e[2] else None)
        held = begins < START and (ends is None or ends >= START)
        begun = START <= begins <= END and e[3] in "SPBTU" and (counted or as_episodes)
        total += (e[0] == child) and (held or begun)
    return total


def test_a_weeks_respite_is_one_placement_not_three(national: Framework, probe: Framework
                                                    ) -> None:
    """A child with one foster carer and a week's respite (T3) has 1 placement, not 3."""
    assert (placements(RESPITE, "R"), placements(RESPITE, "R", as_episodes=True)) == (1, 3)
    assert measured(probe.run(returns(RESPITE), YEAR, area=AREA), "placements") == [1]
    run = national.run(returns(RESPITE), YEAR, area=AREA)
    assert counts(run, "placements_3plus") == (0, 1)


def test_every_child_counted_as_a_plain_count_says(national: Framework, probe: Framework
                                                   ) -> None:
    """Placements per child on all the cases together: respite 1, hospital 1, three real
    moves with a weekend away 3, a move to a children's home after hospital 2, a return whose
    earlier placement is not in the data 1, a child with no moves 1."""
    expected = {child: placements(EVERYONE, child) for child in BORN}
    assert expected == {"R": 1, "H": 1, "M": 3, "E": 2, "C": 1, "N": 1}
    probed = probe.run(returns(EVERYONE), YEAR, area=AREA)
    assert measured(probed, "placements") == sorted(expected.values())
    three = sum(1 for n in expected.values() if n >= 3)
    assert counts(national.run(returns(EVERYONE), YEAR, area=AREA), "placements_3plus") == (
        three, len(BORN))
    old_way = {child: placements(EVERYONE, child, as_episodes=True) for child in BORN}
    assert old_way == {"R": 3, "H": 1, "M": 5, "E": 3, "C": 2, "N": 1}


def test_hospital_stay_keeps_the_same_carer_clock(national: Framework) -> None:
    """A child in hospital for 10 days returns to the same carer: still with the same carer
    for 2 years (since 2021), so in the long-term stability numerator."""
    episodes = (*HOSPITAL, *RESPITE)
    run = national.run(returns(episodes), YEAR, area=AREA)
    # Under 16 on 31 March 2025, looked after since 30 September 2022 or earlier.
    cohort = [c for c in ("H", "R") if day(BORN[c]) > day("2009-03-31")
              and min(day(e[1]) for e in episodes if e[0] == c) <= day("2022-09-30")]
    since = {c: max(day(e[1]) for e, kept in zip(episodes, settled(episodes), strict=True)
                    if e[0] == c and kept and e[3] in "SPB") for c in cohort}
    stable = sum(1 for c in cohort if since[c] <= day("2023-03-31"))
    assert since == {"H": day("2021-03-01"), "R": day("2022-06-01")}
    assert counts(run, "long_term_stability") == (stable, len(cohort)) == (2, 2)


def test_distance_not_known_is_in_the_denominator(national: Framework) -> None:
    """Children whose distance is empty or 999.9 count in the 20-miles denominator, not in
    the numerator (DfE: 18,120 of 81,770 in 2025, 6,990 not known)."""
    run = national.run(returns(EVERYONE), YEAR, area=AREA)
    at_end = {e[0]: e[6] for e in EVERYONE if not e[2]}
    far = sum(1 for miles in at_end.values() if miles and 20 < float(miles) < 999.9)
    assert (far, len(at_end)) == (2, 6)  # 35.2 and 60.0 miles; one empty, one 999.9
    assert counts(run, "placed_20_miles") == (far, len(at_end))


def test_suitable_accommodation_base(national: Framework) -> None:
    """Care leavers gone abroad, deported or whose residence is not known are not in the
    base; those with no information (not in touch) are; those who died are not."""
    leavers = {"L1": ("YES", "U1"), "L2": ("YES", "B2"), "L3": ("YES", "G1"),
               "L4": ("YES", "R2"), "L5": ("NO", ""), "L6": ("DIED", ""), "L7": ("YES", "H2"),
               "L8": ("REFU", "")}
    oc3 = {"CHILD": list(leavers), "DOB": ["2004-06-01"] * len(leavers),
           "IN_TOUCH": [t for t, _ in leavers.values()],
           "ACCOM": [a for _, a in leavers.values()],
           "ACTIV": ["F1" if a else "" for _, a in leavers.values()]}
    run = national.run({"oc3": oc3}, YEAR, area=AREA)
    base = [a for t, a in leavers.values() if t not in ("DIED", "RHOM")
            and a[:1] not in ("G", "H", "R")]
    suitable = sum(1 for a in base if a.endswith("1"))
    assert (suitable, len(base)) == (1, 4)
    assert counts(run, "care_leavers_19_21_suitable") == (suitable, len(base))
    counted = [a for t, a in leavers.values() if t not in ("DIED", "RHOM")]
    in_work = sum(1 for a in counted if a)  # ACTIV F1 given where ACCOM is
    assert counts(run, "care_leavers_19_21_eet") == (in_work, len(counted)) == (5, 7)


def test_children_in_need_are_open_episodes(national: Framework) -> None:
    """Children in need at 31 March are the episodes of need open that day, referrals with no
    further action aside (DfE's `At31_episodes`): one per child on valid data."""
    rows = [("A", "1", "2024-01-10", "", "0"),  # open
            ("B", "1", "2023-05-02", "2024-02-01", "0"),  # closed before the year
            ("B", "2", "2025-01-06", "", "0"),  # open
            ("C", "1", "2025-02-14", "", "1"),  # a referral with no further action
            ("D", "1", "2024-07-01", "2025-03-31", "0")]  # closed on 31 March
    details = {"LAchildID": [r[0] for r in rows], "CINdetailsID": [r[1] for r in rows],
               "CINreferralDate": [r[2] for r in rows], "CINclosureDate": [r[3] for r in rows],
               "ReferralNFA": [r[4] for r in rows], "ReferralSource": ["1A"] * len(rows)}
    population = {"time_period": ["2024"], "time_identifier": ["Reporting year"],
                  "geographic_level": ["Local authority"], "country_code": ["E92000001"],
                  "country_name": ["England"], "age_group": ["Children aged 0 to 17 years"],
                  "population_estimate": ["10000"]}
    run = national.run({"cin_details": details, "ons_population": population}, YEAR,
                       area=AREA)
    open_at_end = sum(1 for r in rows if day(r[2]) <= END and (not r[3] or day(r[3]) > END)
                      and r[4] != "1")
    assert counts(run, "cin_rate_per_10k") == (open_at_end, 10_000) == (2, 10_000)
