"""Providers compared end to end: a register of children's homes (URN, type, region), stays
of children placed with them by URN, and an indicator evaluated per home, checked against
plain Python: each home's counts, its region's and England's pooled counts (registered
homes only), the homes withheld for small denominators, the peer groups' values and the
funnel judgements, read by polarity."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

import pytest

import outcomespec
from outcomespec.api import Framework, Run

LIBRARY = """\
library homes "Registered homes" {
  codelist home_type "Type of home" {
    CH "Children's home"
    SCH "Secure children's home"
  }
  dataset register "Register of homes" {
    rows home
    key URN
    column URN text
    column TYPE code home_type
    column REGION text
  }
  dataset stays "Stays in homes" {
    rows stay
    area LA
    column LA text
    column CHILD identifier child
    column URN text optional
    column START date
    column END date optional
  }
  comparison homes "Registered homes" from register {
    code URN
    region REGION
    peers TYPE
    rows stays by URN
  }
}
"""

FRAMEWORK = """\
framework home_outcomes "Outcomes of children's homes" {
  import "homes.ospec"
  period year ending 31 March
  benchmark homes
  suppress none
  suppress denominators below SMALLEST

  outcome stable "Stable homes" {
    indicator ended "Stays that ended within the year" {
      kind outcome  statistic proportion  unit percent
      cohort stays where START in period
      numerator cohort where END within 1 year after START
      polarity lower_is_better "A stay that lasts lets a child settle"
      compare england funnel, region, TYPE pooled
      confidence wilson 95%
    }
  }
}
"""

SMALLEST = 10
NORTH, SOUTH = "E12000001", "E12000008"


def home(i: int) -> tuple[str, str, str]:
    """Home i's URN, type and region."""
    return f"SC{100000 + i}", "SCH" if i % 4 == 3 else "CH", NORTH if i % 3 else SOUTH


HOMES = [home(i) for i in range(30)]
STAYS = {h[0]: (3 + (i * 7) % 26) if i > 1 else 40 for i, h in enumerate(HOMES)}
"""Stays begun in 2024-25 in each home: 3 to 28, and 40 in the first two."""
STAYS[HOMES[5][0]] = 1  # a single placement
ENDED = {urn: (n * 3) // 10 for urn, n in STAYS.items()}
"""Stays of each that ended within a year: 30%, but all of the first home's, none of the
second's."""
ENDED[HOMES[0][0]], ENDED[HOMES[1][0]] = 40, 0
ELSEWHERE = {"XXXXXXX": 7, "": 4, "SC999999": 2}
"""Stays with no registered home: not registered with Ofsted, no URN, a URN not held."""


def data() -> dict[str, dict[str, list[str]]]:
    """The register and the stays, as columns of text; each stay begins in 2024-25, and the
    first `ENDED` of each home end within the year."""
    register = {"URN": [h[0] for h in HOMES], "TYPE": [h[1] for h in HOMES],
                "REGION": [h[2] for h in HOMES]}
    rows = []
    for urn, n in (*STAYS.items(), *ELSEWHERE.items()):
        ended = ENDED.get(urn, 0)
        rows += [(urn, "2024-06-01", "2025-01-15" if j < ended else "") for j in range(n)]
    stays = {"LA": ["805"] * len(rows), "CHILD": [str(i) for i in range(len(rows))],
             "URN": [r[0] for r in rows], "START": [r[1] for r in rows],
             "END": [r[2] for r in rows]}
    return {"register": register, "stays": stays}


@pytest.fixture(scope="module")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Framework:
    """The framework benchmarking homes, loaded from its files."""
    folder = tmp_path_factory.mktemp("homes")
    (folder / "homes.ospec").write_text(LIBRARY, encoding="utf-8")
    path = folder / "main.ospec"
    path.write_text(FRAMEWORK.replace("SMALLEST", str(SMALLEST)), encoding="utf-8")
    return outcomespec.load(path)


@pytest.fixture(scope="module")
def run(framework: Framework) -> Run:
    """The framework run on the data for 2024-25."""
    return framework.run(data(), 2025)


def rows(run: Run) -> dict[str, dict[str, Any]]:
    """The rows of the results by area (or home) code."""
    return {r["area_code"]: r for r in run.results.rows()}


def wilson(k: float, n: float, z: float) -> tuple[float, float]:
    """Wilson's score interval of k in n, from its formula."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_each_home_counts_its_own_stays(run: Run) -> None:
    """A home published gives the stays placed with it and those that ended, by hand."""
    found = rows(run)
    published = [urn for urn in STAYS if found[urn]["note"] == ""]
    assert len(published) > 10
    for urn in published:
        assert (found[urn]["numerator"], found[urn]["denominator"]) == (ENDED[urn],
                                                                         STAYS[urn])
        assert found[urn]["area_type"] == "home"


def test_regions_and_england_pool_registered_homes_only(run: Run) -> None:
    """England and each region pool the homes of the register: the 13 stays with no
    registered home are in none, and a warning (D220) says how many and why."""
    found = rows(run)
    assert found["E92000001"]["denominator"] == sum(STAYS.values())
    assert found["E92000001"]["numerator"] == sum(ENDED.values())
    for region in (NORTH, SOUTH):
        assert found[region]["denominator"] == sum(
            STAYS[h[0]] for h in HOMES if h[2] == region)
    (warning,) = [d for d in run.diagnostics if d.code == "D220"]
    assert warning.message.startswith("13 rows of `stays`")
    assert "4 with none; 7 `XXXXXXX`" in warning.message
    assert "`SC999999`" in warning.message


def test_small_homes_are_never_published(run: Run) -> None:
    """Every home with fewer than SMALLEST stays is withheld, the single placement among
    them, though the framework suppresses no counts; and no region leaves exactly one home
    withheld, which its total less the others would give back."""
    found = rows(run)
    small = [urn for urn, n in STAYS.items() if n < SMALLEST]
    assert HOMES[5][0] in small
    assert len(small) >= 3
    for urn in small:
        assert found[urn]["note"] == "suppressed"
        assert found[urn]["numerator"] is None
        assert found[urn]["denominator"] is None
    for region in (NORTH, SOUTH):
        withheld = [h[0] for h in HOMES if h[2] == region and found[h[0]]["note"]]
        assert len(withheld) != 1


def test_peer_groups_pool_the_homes_of_a_type(run: Run) -> None:
    """A home compared with its type is judged by its Wilson interval against the pooled
    value of every home of that type (its own stays among them)."""
    found = rows(run)
    z = statistics.NormalDist().inv_cdf(0.975)
    for kind in ("CH", "SCH"):
        members = [h[0] for h in HOMES if h[1] == kind]
        value = sum(ENDED[u] for u in members) / sum(STAYS[u] for u in members)
        for urn in members:
            if found[urn]["note"]:
                continue
            low, high = wilson(ENDED[urn], STAYS[urn], z)
            expected = "similar" if low <= value <= high else (
                "worse" if low > value else "better")
            assert found[urn]["vs_neighbours"] == expected, urn


def test_a_peer_groups_median_is_of_its_published_homes(tmp_path: Path) -> None:
    """With `TYPE median`, a home is judged against the median of the values its type's
    homes publish (withheld homes have none)."""
    (tmp_path / "homes.ospec").write_text(LIBRARY, encoding="utf-8")
    path = tmp_path / "main.ospec"
    path.write_text(FRAMEWORK.replace("SMALLEST", str(SMALLEST))
                    .replace("TYPE pooled", "TYPE median"), encoding="utf-8")
    found = {r["area_code"]: r for r in outcomespec.load(path).run(data(), 2025).results.rows()}
    z = statistics.NormalDist().inv_cdf(0.975)
    for kind in ("CH", "SCH"):
        shown = [h[0] for h in HOMES if h[1] == kind and not found[h[0]]["note"]]
        median = statistics.median(100 * ENDED[u] / STAYS[u] for u in shown)
        for urn in shown:
            low, high = (100 * v for v in wilson(ENDED[urn], STAYS[urn], z))
            expected = "similar" if low <= median <= high else (
                "worse" if low > median else "better")
            assert found[urn]["vs_neighbours"] == expected, urn


def test_funnel_judgements_are_read_by_polarity(run: Run) -> None:
    """Against England's funnel a home is worse when the Wilson lower limit of its own
    proportion lies above England's (every stay ended), better when its upper lies below
    (none did): the first home is worse, the second better, the rest as computed by hand."""
    found = rows(run)
    z = statistics.NormalDist().inv_cdf(0.975)
    centre = sum(ENDED.values()) / sum(STAYS.values())
    judged = {}
    for urn, stays in STAYS.items():
        if found[urn]["note"]:
            assert found[urn]["vs_england"] == "not_compared"
            continue
        low, high = wilson(ENDED[urn], stays, z)
        judged[urn] = "worse" if low > centre else "better" if high < centre else "similar"
        assert found[urn]["vs_england"] == judged[urn], urn
    assert (judged[HOMES[0][0]], judged[HOMES[1][0]]) == ("worse", "better")


def test_the_funnels_judged_by_are_kept_for_the_charts(run: Run) -> None:
    """The results keep England's funnel: its centre the pooled proportion, its members
    every home of the register."""
    (funnel,) = run.results.funnels
    assert (funnel.indicator, funnel.column, funnel.code) == ("ended", "vs_england",
                                                              "E92000001")
    assert funnel.funnel.centre == pytest.approx(sum(ENDED.values()) / sum(STAYS.values()))
    assert set(funnel.members) == set(STAYS)


def test_a_home_of_one_placement_is_an_error_to_publish(tmp_path: Path) -> None:
    """`suppress denominators below 1` is refused (E263): it would publish one child."""
    (tmp_path / "homes.ospec").write_text(LIBRARY, encoding="utf-8")
    path = tmp_path / "main.ospec"
    path.write_text(FRAMEWORK.replace("SMALLEST", "1"), encoding="utf-8")
    with pytest.raises(outcomespec.OutcomeSpecError) as raised:
        outcomespec.load(path)
    assert [d.code for d in raised.value.diagnostics] == ["E263"]


AREAS = """\
framework moves "Moves" {
  period year ending 31 March
  suppress none
  dataset moves "Children looked after, one row per child" {
    rows child  area la  period year
    column la text  column year integer  column child text  column moved integer
  }
  outcome stable "Stable homes" {
    indicator moved "Children who moved in the year" {
      kind outcome  statistic proportion  unit percent
      numerator count(moves where moved = 1)
      denominator count(moves)
      polarity lower_is_better "fewer moves"
      compare england funnel
    }
  }
}
"""
MOVED = {"805": (5, 100), "806": (40, 100), "390": (100, 400), "341": (30, 120)}
"""Each authority's children who moved, of its children."""


def test_areas_are_judged_by_funnel_as_by_hand(tmp_path: Path) -> None:
    """An area indicator with `compare england funnel` judges each authority by England's
    funnel: worse when the Wilson lower limit of its own proportion is above England's
    value, better when its upper limit is below."""
    path = tmp_path / "moves.ospec"
    path.write_text(AREAS, encoding="utf-8")
    rows_ = [(la, "2025", f"{la}-{i}", str(int(i < k))) for la, (k, n) in MOVED.items()
             for i in range(n)]
    table = {"moves": {name: [r[j] for r in rows_]
                       for j, name in enumerate(("la", "year", "child", "moved"))}}
    found = {r["area_code"]: r for r in outcomespec.load(path).evaluate(table, 2025).rows()}
    centre = sum(k for k, _ in MOVED.values()) / sum(n for _, n in MOVED.values())
    z = statistics.NormalDist().inv_cdf(0.975)
    for la, (k, n) in MOVED.items():
        low, high = wilson(k, n, z)
        expected = "worse" if low > centre else "better" if high < centre else "similar"
        assert found[la]["vs_england"] == expected, la
    assert [found[la]["vs_england"] for la in ("805", "806")] == ["better", "worse"]
