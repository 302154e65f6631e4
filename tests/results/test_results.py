"""outcomespec.results.builder: pooling, limits, comparators, suppression and the exports."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.results.builder import COLUMNS, Results, build_results
from outcomespec.results.judgement import Judgement
from outcomespec.results.limits import mean_limits
from tests.paths import TESTS
from tests.results.cases import (
    ENGLAND,
    MEDIAN,
    NE,
    NEIGHBOURS,
    NW,
    PER_10K,
    POPULATION,
    REGION,
    TARGET,
    framework,
    indicator,
    placements_frame,
)

GOLDEN = TESTS / "golden" / "results"
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"
NAN = math.nan
B, S, W = Judgement.BETTER, Judgement.SIMILAR, Judgement.WORSE
HI, LO, NC = Judgement.HIGHER, Judgement.LOWER, Judgement.NOT_COMPARED
def by_area(results: Results, name: str, indicator_id: str | None = None) -> dict[str, Any]:
    """The column `name` keyed by area name (for one indicator, if given)."""
    return {area: results.column(name)[i] for i, area in enumerate(results.area_name)
            if indicator_id is None or results.indicator[i] == indicator_id}


def placements(ind: m.Indicator | None = None, **kwargs: Any) -> Results:
    """build_results on the 3+ placements fixture."""
    frame, nums, dens = placements_frame()
    return build_results([IndicatorTotals(ind or indicator(), nums, dens)], frame, 2025,
                         **kwargs)


# ------------------------------------------------------------------ values and limits


def test_england_pools_every_la_wilson_95() -> None:
    """England 8,500 / 81,770 → 10.3950% (10.1877, 10.6061) by Wilson ×100."""
    results = placements()
    assert results.area_type[0] == "england"
    assert results.area_code[0] == "E92000001"
    assert results.value[0] == pytest.approx(10.3950, abs=5e-5)
    assert results.lower_95[0] == pytest.approx(10.1877, abs=5e-5)
    assert results.upper_95[0] == pytest.approx(10.6061, abs=5e-5)
    assert results.numerator[0] == 8500
    assert results.denominator[0] == 81770


def test_placements_3plus_las_values_limits_and_judgements() -> None:
    """The five LAs' values, 95% limits and judgements against England match DOMAIN §10."""
    results = placements()
    expected = {
        "Hartlepool": (9.337, 6.656, 12.949, S),
        "Liverpool": (6.850, 5.648, 8.286, B),
        "South Tyneside": (6.441, 4.162, 9.840, B),
        "Blackpool": (7.721, 5.742, 10.307, B),
        "Middlesbrough": (11.968, 9.392, 15.131, S),
    }
    value, lower, upper, judged = (by_area(results, c) for c in
                                   ("value", "lower_95", "upper_95", "vs_england"))
    for area, (v, lo, hi, j) in expected.items():
        assert (value[area], lower[area], upper[area]) == pytest.approx((v, lo, hi), abs=5e-4)
        assert judged[area] is j, area


def test_regions_pool_numerators_and_denominators() -> None:
    """North East = (31 + 19 + 59) / (332 + 295 + 493); region rows come after England."""
    results = placements()
    assert results.area_type[:3] == ("england", "region", "region")
    assert results.area_name[1:3] == ("North East", "North West")
    assert results.numerator[1] == 109
    assert results.denominator[1] == 1120
    assert results.value[1] == pytest.approx(100 * 109 / 1120)
    assert results.value[2] == pytest.approx(100 * 138 / 1947)


def test_both_levels_are_written_and_99_8_is_wider() -> None:
    """lower_99_8 < lower_95 and upper_99_8 > upper_95 for every row."""
    results = placements()
    assert (results.lower_99_8 < results.lower_95).all()
    assert (results.upper_99_8 > results.upper_95).all()


def test_a_level_not_requested_is_blank_and_judged_at_the_first_level() -> None:
    """With only 99.8% requested the 95% columns are NaN and judgements use 99.8%."""
    results = placements(indicator(levels=(0.998,)))
    assert np.isnan(results.lower_95).all()
    assert np.isnan(results.upper_95).all()
    # Liverpool's 99.8% interval (4.97, 9.39) still excludes 10.395.
    assert by_area(results, "vs_england")["Liverpool"] is B
    assert by_area(results, "vs_england")["Blackpool"] is S  # 99.8% upper passes 10.395


def test_byars_rate_per_10000_for_england() -> None:
    """81,770 / 12,183,016 per 10,000 → 67.1180 (66.6588, 67.5797) by Byar's method."""
    frame = AreaFrame(("A", "B"), ("A", "B"), [-1, -1])
    ind = indicator("cla_rate_per_10k", statistic=m.Statistic.RATE, unit=PER_10K,
                    confidence=m.ConfidenceMethod.BYARS, polarity=m.Polarity.NO_JUDGEMENT)
    results = build_results([IndicatorTotals(ind, [81_000, 770], [12_000_000, 183_016])],
                            frame, 2025)
    assert (results.value[0], results.lower_95[0], results.upper_95[0]) == pytest.approx(
        (67.1180, 66.6588, 67.5797), abs=5e-5)
    assert results.unit[0] == "per 10,000"


def test_fingertips_90284_cross_check() -> None:
    """England 72,293 / 9,942,344 → 72.71223 (72.18314, 73.24423); WM Similar, SE Better,
    NE Worse (RAG low is good), with regional counts rebuilt from the published limits."""
    published = {"West Midlands": (73.181, S), "South East": (70.670, B),
                 "North East": (109.823, W)}
    counts = {"West Midlands": (7991, 1_091_950), "South East": (11_556, 1_635_206),
              "North East": (4818, 438_706)}
    rest = (72_293 - sum(c[0] for c in counts.values()),
            9_942_344 - sum(c[1] for c in counts.values()))
    frame = AreaFrame(("WM", "SE", "NE", "REST"), ("wm", "se", "ne", "rest"), [0, 1, 2, -1],
                      ("E12000005", "E12000008", "E12000001"), tuple(published))
    ind = indicator("admissions_injuries", statistic=m.Statistic.RATE, unit=PER_10K,
                    confidence=m.ConfidenceMethod.BYARS)
    nums, dens = zip(*counts.values(), rest, strict=True)
    results = build_results([IndicatorTotals(ind, nums, dens)], frame, 2024)
    assert (results.value[0], results.lower_95[0], results.upper_95[0]) == pytest.approx(
        (72.71223, 72.18314, 73.24423), abs=5e-6)
    value, judged = by_area(results, "value"), by_area(results, "vs_england")
    for region, (v, j) in published.items():
        assert value[region] == pytest.approx(v, abs=1e-3)
        assert judged[region] is j, region


def test_count_statistic_uses_byars_limits_of_the_count() -> None:
    """A count's value is the numerator, with exact Poisson limits below 10 and no denominator."""
    frame = AreaFrame(("A", "B"), ("A", "B"), [-1, -1])
    ind = indicator("uasc", statistic=m.Statistic.COUNT, unit=m.Unit("count", 1.0),
                    confidence=m.ConfidenceMethod.BYARS, suppression=None)
    results = build_results([IndicatorTotals(ind, [5, 60], [NAN, NAN])], frame, 2025)
    assert results.value.tolist() == [65, 5, 60]
    assert results.lower_95[:2] == pytest.approx([50.1632, 1.6235], abs=5e-5)
    assert results.upper_95[:2] == pytest.approx([82.8491, 11.6683], abs=5e-5)
    assert np.isnan(results.denominator).all()


def test_ratio_without_limits_is_never_judged() -> None:
    """`confidence none` leaves every limit blank and every judgement not_compared."""
    ind = indicator("ratio", statistic=m.Statistic.RATIO, unit=m.Unit("ratio", 1.0),
                    confidence=m.ConfidenceMethod.NONE, levels=())
    results = placements(ind)
    assert results.value[0] == pytest.approx(8500 / 81770)
    assert np.isnan(results.lower_95).all()
    assert np.isnan(results.upper_99_8).all()
    assert set(results.vs_england) == {NC}


def _unit_values() -> tuple[AreaFrame, list[float], list[int]]:
    """Unit-level scores of three LAs in one region (and a missing score)."""
    frame = AreaFrame(("A", "B", "C"), ("A", "B", "C"), [0, 0, -1], (NE,), ("North East",))
    values = [10.0, 12.0, 17.0, 20.0, 9.0, 14.0, 30.0, NAN, 11.0, 13.0, 15.0]
    areas = [0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2]
    return frame, values, areas


def test_mean_pools_unit_values_with_t_limits() -> None:
    """Means pool units (not means of means) and take Student's t limits; NaN units are left out."""
    frame, values, areas = _unit_values()
    ind = indicator("sdq_mean", statistic=m.Statistic.MEAN, unit=m.Unit("score", 1.0),
                    confidence=m.ConfidenceMethod.STUDENT_T, suppression=(1, 2))
    results = build_results([IndicatorTotals(ind, [3, 5, 3], [NAN, NAN, NAN], values, areas)],
                            frame, 2025)
    region = [10.0, 12.0, 17.0, 20.0, 9.0, 14.0, 30.0]
    row = results.area_name.index("North East")
    assert results.value[row] == pytest.approx(statistics.fmean(region))
    assert results.numerator[row] == 7
    lower, upper = mean_limits([sum(region)], [7], [statistics.stdev(region)])
    assert (results.lower_95[row], results.upper_95[row]) == pytest.approx((lower[0], upper[0]))
    assert by_area(results, "value")["B"] == pytest.approx(18.25)
    assert by_area(results, "numerator")["B"] == 4
    assert results.numerator[0] == 10


def test_median_pools_unit_values() -> None:
    """A region's median is the median of its units; medians carry no limits."""
    frame, values, areas = _unit_values()
    ind = indicator("days_median", statistic=m.Statistic.MEDIAN, unit=m.Unit("days", 1.0),
                    confidence=m.ConfidenceMethod.NONE, levels=(), suppression=None)
    results = build_results([IndicatorTotals(ind, [3, 5, 3], [NAN] * 3, values, areas)],
                            frame, 2025)
    assert by_area(results, "value") == {"England": 13.5, "North East": 14.0, "A": 12.0,
                                         "B": 17.0, "C": 13.0}


def test_mean_without_unit_values_is_refused() -> None:
    """A mean needs the unit-level values to pool; totals alone are an error."""
    frame, _, _ = _unit_values()
    ind = indicator("sdq_mean", statistic=m.Statistic.MEAN, unit=m.Unit("score", 1.0),
                    confidence=m.ConfidenceMethod.STUDENT_T)
    with pytest.raises(ValueError, match="unit-level values"):
        build_results([IndicatorTotals(ind, [3, 5, 3], [NAN] * 3)], frame, 2025)


# ------------------------------------------------------------------ comparators


def test_vs_region_uses_the_las_own_region() -> None:
    """Each LA is judged against its region; regions, England and LAs outside any region are
    not compared with a region."""
    results = placements()
    judged = by_area(results, "vs_region")
    # North East 9.732%: Middlesbrough (9.392, 15.131) similar; North West 7.088%: Liverpool
    # (5.648, 8.286) similar, Blackpool (5.742, 10.307) similar.
    assert judged["Middlesbrough"] is S
    assert judged["Liverpool"] is S
    assert judged["Rest of England"] is NC
    assert judged["North East"] is NC
    assert judged["England"] is NC
    assert by_area(results, "vs_england")["North East"] is S  # 9.732% (8.1, 11.6)
    assert by_area(results, "vs_england")["North West"] is B  # 7.088% (6.0, 8.3)
    assert by_area(results, "vs_england")["England"] is NC


def test_undeclared_comparators_are_not_compared() -> None:
    """An indicator comparing only with England has no region, neighbour, target or population
    judgements."""
    results = placements(indicator(comparators=(ENGLAND,)))
    for name in ("vs_region", "vs_neighbours", "vs_target", "vs_population"):
        assert set(results.column(name)) == {NC}, name


HARTLEPOOL_NEIGHBOURS = [9.32, 8.82, 6.44, 7.72, 11.97, 7.16, 9.30, 11.17, 13.03, 7.38]


def neighbours_case(method: str, extra: list[tuple[int, int]]) -> Results:
    """Hartlepool's ten neighbours (values as published) and LAs sharing those neighbours."""
    las = [("805", "Hartlepool", 31, 332)]
    las += [(f"N{i}", f"Neighbour {i}", round(v * 100), 10_000)
            for i, v in enumerate(HARTLEPOOL_NEIGHBOURS)]
    las += [(f"X{i}", f"Tight {i}", num, den) for i, (num, den) in enumerate(extra)]
    codes, names, nums, dens = zip(*las, strict=True)
    matrix = np.full((len(las), 10), -1)
    matrix[0] = np.arange(1, 11)
    matrix[11:] = np.arange(1, 11)
    frame = AreaFrame(codes, names, [-1] * len(las), neighbours={"sn": matrix})
    neighbours = m.Comparator(NEIGHBOURS, "sn", m.NeighbourMethod(method))
    ind = indicator(comparators=(ENGLAND, neighbours))
    return build_results([IndicatorTotals(ind, nums, dens)], frame, 2025)


def test_neighbours_median_is_the_dfe_dashboard_comparator() -> None:
    """The neighbours' median (9.06%) is inside 9.06% ± 0.02 but outside 9.00% and 9.12% ± 0.02;
    Hartlepool (6.656, 12.949) is similar to it."""
    results = neighbours_case("median", [(906_000, 10_000_000), (900_000, 10_000_000),
                                         (912_000, 10_000_000)])
    judged = by_area(results, "vs_neighbours")
    assert judged["Hartlepool"] is S
    assert (judged["Tight 0"], judged["Tight 1"], judged["Tight 2"]) == (S, B, W)
    assert judged["Neighbour 0"] is NC  # it has no neighbours itself
    assert judged["England"] is NC


def test_neighbours_pooled_sums_counts() -> None:
    """Pooled, the neighbours give 9,231 / 100,000 = 9.231%, so 9.06% ± 0.02 becomes better."""
    results = neighbours_case("pooled", [(906_000, 10_000_000), (9_231, 100_000)])
    judged = by_area(results, "vs_neighbours")
    assert (judged["Tight 0"], judged["Tight 1"]) == (B, S)


def test_suppressed_neighbours_are_left_out_of_the_median() -> None:
    """A neighbour suppressed for a small count does not enter the median."""
    frame = AreaFrame(("A", "B", "C", "D", "E"), ("A", "B", "C", "D", "E"), [-1] * 5,
                      neighbours={"sn": np.array([[1, 2, 3], *[[-1] * 3] * 4])})
    ind = indicator(comparators=(m.Comparator(NEIGHBOURS, "sn", MEDIAN),))
    # B 3/100 suppressed (E 4/100 too, so no secondary suppression); C 10%, D 20% → median
    # 15%, and A 1,500/10,000 = 15% is similar (with B's 3% the median would be 10%).
    results = build_results([IndicatorTotals(ind, [1500, 3, 1000, 2000, 4],
                                             [10_000, 100, 10_000, 10_000, 100])], frame, 2025)
    assert by_area(results, "suppressed") == {"England": False, "A": False, "B": True,
                                              "C": False, "D": False, "E": True}
    assert by_area(results, "vs_neighbours")["A"] is S


def test_target_comparator() -> None:
    """A target of 12%: Liverpool (upper 8.286) is better, Hartlepool similar."""
    results = placements(indicator(comparators=(ENGLAND, m.Comparator(TARGET, target=12.0))))
    judged = by_area(results, "vs_target")
    assert judged["Liverpool"] is B
    assert judged["Hartlepool"] is S
    assert judged["England"] is B


def test_population_comparator_uses_the_other_indicators_england_value() -> None:
    """Children in care compared with all children: the all-children England value is the point."""
    frame, nums, dens = placements_frame()
    cla = indicator(comparators=(ENGLAND, m.Comparator(POPULATION, "csc.all_children")))
    everyone = indicator("all_children", comparators=(ENGLAND,))
    all_nums = [round(d * 0.08) for d in dens]  # 8% of every area
    results = build_results([IndicatorTotals(cla, nums, dens),
                             IndicatorTotals(everyone, all_nums, dens)], frame, 2025)
    judged = by_area(results, "vs_population", "placements_3plus")
    assert (judged["England"], judged["Hartlepool"], judged["Middlesbrough"]) == (W, S, W)
    assert set(by_area(results, "vs_population", "all_children").values()) == {NC}


def test_same_area_population_judges_each_area_against_its_own_value() -> None:
    """`population … same area`: A's 10% is similar to A's own 10%, not better than England's."""
    frame = AreaFrame(("A", "B"), ("A", "B"), [-1, -1])
    everyone = indicator("all_children", comparators=(ENGLAND,))
    totals = [IndicatorTotals(everyone, [100, 300], [1000, 1000])]
    for same_area in (True, False):
        cla = indicator(comparators=(m.Comparator(POPULATION, "csc.all_children",
                                                  same_area=same_area),))
        results = build_results([IndicatorTotals(cla, [100, 50], [1000, 1000]), *totals],
                                frame, 2025)
        judged = by_area(results, "vs_population", "placements_3plus")
        # B's 5% is better than B's own 30%, and than England's 20%; England 7.5% < 20%
        assert judged == ({"England": B, "A": S, "B": B} if same_area
                          else {"England": B, "A": B, "B": B})


def test_target_range_judges_inside_better_and_either_side_worse() -> None:
    """`target_range 8 .. 12`: 10% of 10,000 inside, 5% and 20% outside, 10 of 100 unsure."""
    frame = AreaFrame(("A", "B", "C", "D"), ("A", "B", "C", "D"), [-1] * 4)
    ind = evolve(indicator(polarity=m.Polarity.TARGET_RANGE, comparators=(ENGLAND,)),
                 target_range=(8.0, 12.0))
    results = build_results([IndicatorTotals(ind, [1000, 500, 2000, 10],
                                             [10_000, 10_000, 10_000, 100])], frame, 2025)
    assert by_area(results, "vs_target") == {"England": S, "A": B, "B": W, "C": W, "D": S}
    # against England (3,510 / 30,100 = 11.7%, itself straddling 12): higher or lower only
    assert by_area(results, "vs_england") == {"England": NC, "A": LO,
                                              "B": LO, "C": HI, "D": S}


def test_missing_population_is_not_compared() -> None:
    """A population comparator whose indicator was not evaluated gives not_compared."""
    results = placements(indicator(comparators=(m.Comparator(POPULATION, "csc.absent"),)))
    assert set(results.vs_population) == {NC}


def test_no_judgement_gives_higher_lower_similar() -> None:
    """A context rate is judged lower / higher / similar, never better or worse."""
    results = placements(indicator(polarity=m.Polarity.NO_JUDGEMENT))
    judged = by_area(results, "vs_england")
    assert (judged["Liverpool"], judged["Hartlepool"]) == (LO, S)
    frame = AreaFrame(("A", "B"), ("A", "B"), [-1, -1])
    higher = build_results([IndicatorTotals(indicator(polarity=m.Polarity.NO_JUDGEMENT),
                                            [400, 100], [1000, 9000])], frame, 2025)
    assert by_area(higher, "vs_england")["A"] is HI


# ------------------------------------------------------------------ suppression and rounding


def small_case() -> tuple[list[IndicatorTotals], AreaFrame]:
    """Four LAs in two regions, by DfE's codes and ONS's; Middlesbrough's 4 children is a
    small count."""
    frame = AreaFrame(("805", "806", "890", "341"),
                      ("Hartlepool", "Middlesbrough", "Blackpool", "Liverpool"), [0, 0, 1, 1],
                      (NE, NW), ("North East", "North West"),
                      aliases={"E06000001": 0, "E06000002": 1, "E06000009": 2, "E08000012": 3})
    placements_3plus = indicator(title="Children looked after with 3 or more placements",
                                 comparators=(ENGLAND, REGION, m.Comparator(
                                     m.ComparatorKind.TARGET, target=10.0)))
    cla_rate = indicator("cla_rate_per_10k", statistic=m.Statistic.RATE, unit=PER_10K,
                         polarity=m.Polarity.NO_JUDGEMENT, confidence=m.ConfidenceMethod.BYARS,
                         title="Children looked after per 10,000 children")
    return [IndicatorTotals(placements_3plus, [31, 4, 41, 97], [332, 493, 531, 1416]),
            IndicatorTotals(cla_rate, [332, 493, 531, 1416], [18_870, 31_450, 27_640, 103_190])
            ], frame


def test_small_counts_are_suppressed_with_everything_derived() -> None:
    """Middlesbrough's 4 is blanked with its value, limits and judgements."""
    totals, frame = small_case()
    results = build_results(totals, frame, 2025)
    row = results.area_name.index("Middlesbrough")
    assert results.suppressed[row]
    for name in ("numerator", "denominator", "value", "lower_95", "upper_95", "lower_99_8",
                 "upper_99_8"):
        assert np.isnan(results.column(name)[row]), name
    for name in ("vs_england", "vs_region", "vs_target"):
        assert results.column(name)[row] is NC


def test_secondary_suppression_hides_a_second_la_in_the_region() -> None:
    """Hartlepool is hidden too, or North East minus Hartlepool would give Middlesbrough."""
    totals, frame = small_case()
    results = build_results(totals, frame, 2025)
    suppressed = by_area(results, "suppressed", "placements_3plus")
    assert suppressed == {"England": False, "North East": False, "North West": False,
                          "Hartlepool": True, "Middlesbrough": True, "Blackpool": False,
                          "Liverpool": False}
    assert not by_area(results, "suppressed", "cla_rate_per_10k")["Hartlepool"]


def test_secondary_suppression_picks_the_next_smallest_numerator() -> None:
    """With three LAs in the region the one with the next-smallest numerator goes."""
    frame = AreaFrame(("A", "B", "C", "D"), ("A", "B", "C", "D"), [0, 0, 0, 1], ("R1", "R2"),
                      ("One", "Two"))
    results = build_results([IndicatorTotals(indicator(), [40, 2, 12, 9], [400] * 4)], frame,
                            2025)
    assert by_area(results, "suppressed") == {"England": False, "One": False, "Two": False,
                                              "A": False, "B": True, "C": True, "D": False}


def test_region_and_england_counts_are_rounded_and_so_are_their_values() -> None:
    """North East 35 / 825 is published as 40 / 830, its value and limits those of 40 / 830:
    4.2% of 35 / 825 beside 40 / 830 would show that only 35 children can be meant."""
    totals, frame = small_case()
    results = build_results(totals, frame, 2025, framework=framework())
    ne = results.area_name.index("North East")
    assert (results.numerator[ne], results.denominator[ne]) == (40, 830)
    assert results.value[ne] == pytest.approx(100 * 40 / 830)
    z = statistics.NormalDist().inv_cdf(0.975)
    root = z * math.sqrt(z * z + 4 * 40 * (1 - 40 / 830))
    assert results.lower_95[ne] == pytest.approx(100 * (80 + z * z - root) / (2 * (830 + z * z)))
    assert results.upper_95[ne] == pytest.approx(100 * (80 + z * z + root) / (2 * (830 + z * z)))
    hartlepool = results.area_name.index("Hartlepool", results.indicator.index("cla_rate_per_10k"))
    assert results.value[hartlepool] == pytest.approx(10_000 * 332 / 18_870)  # LAs: exact
    assert (results.numerator[0], results.denominator[0]) == (170, 2770)  # 173 / 2,772
    assert by_area(results, "numerator", "placements_3plus")["Liverpool"] == 97  # LAs unrounded
    assert set(results.framework) == {"csc_national_framework"}


def test_a_rounded_count_is_also_its_value() -> None:
    """A count indicator's England value is the rounded count (632 → 630), and its limits
    are those of 630 (Byar's method)."""
    frame = AreaFrame(("A", "B"), ("A", "B"), [0, 0], (NE,), ("North East",))
    ind = indicator("uasc", statistic=m.Statistic.COUNT, unit=m.Unit("count", 1.0),
                    confidence=m.ConfidenceMethod.BYARS)
    results = build_results([IndicatorTotals(ind, [600, 32], [NAN, NAN])], frame, 2025,
                            framework=framework())
    assert results.value.tolist() == [630, 630, 600, 32]
    z = statistics.NormalDist().inv_cdf(0.975)
    byars = 630 * (1 - 1 / (9 * 630) - z / (3 * math.sqrt(630))) ** 3
    assert results.lower_95[0] == pytest.approx(byars, rel=1e-12)
    assert results.lower_95[0] == pytest.approx(581.7585, abs=1e-4)
    assert results.lower_95[2] == pytest.approx(552.9443, abs=1e-4)  # an LA's: of 600


def test_a_frame_without_geography() -> None:
    """An empty `region_of` means no regions: England pools every LA."""
    frame = AreaFrame(("A", "B"), ("A", "B"), [])
    results = build_results([IndicatorTotals(indicator(), [31, 41], [332, 531])], frame, 2025)
    assert results.area_type == ("england", "local_authority", "local_authority")
    assert results.numerator[0] == 72


def test_no_totals_give_an_empty_table() -> None:
    """No indicators, no rows; the exports still write their headers."""
    frame, _, _ = placements_frame()
    results = build_results([], frame, 2025)
    assert len(results) == 0
    assert results.to_csv() == ",".join(COLUMNS) + "\n"
    assert list(results.rows()) == []


def test_no_rounding_without_a_framework_rule() -> None:
    """Without `round …` in the framework the published counts are exact."""
    totals, frame = small_case()
    results = build_results(totals, frame, 2025, framework=framework(rounding=None))
    assert results.numerator[0] == 173


def test_suppression_off() -> None:
    """`suppress none` publishes every count."""
    totals, frame = small_case()
    ind = indicator(suppression=None)
    results = build_results([IndicatorTotals(ind, totals[0].numerator, totals[0].denominator)],
                            frame, 2025)
    assert not results.suppressed.any()


# ------------------------------------------------------------------ properties


@st.composite
def area_sets(draw: st.DrawFn) -> tuple[list[tuple[str, int, int, int]], list[list[int]]]:
    """LAs (code, region, numerator, denominator) and each LA's neighbours."""
    n = draw(st.integers(2, 10))
    las = []
    for i in range(n):
        den = draw(st.integers(0, 400))
        las.append((f"L{i:02d}", draw(st.integers(-1, 2)), draw(st.integers(0, den)), den))
    neighbours = [draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
                  for _ in range(n)]
    return las, neighbours


def _judged_by_code(las: list[tuple[str, int, int, int]], neighbours: list[list[int]],
                    order: list[int], regions: list[int]) -> dict[str, tuple[Any, ...]]:
    """Build results with the LAs and regions in the orders given; key rows by area code."""
    position = {old: new for new, old in enumerate(order)}
    matrix = np.full((len(las), 3), -1)
    for old, members in enumerate(neighbours):
        for k, member in enumerate(members):
            matrix[position[old], k] = position[member]
    picked = [las[i] for i in order]
    region_at = {old: new for new, old in enumerate(regions)}
    frame = AreaFrame(tuple(c for c, *_ in picked), tuple(c for c, *_ in picked),
                      [region_at.get(r, -1) for _, r, _, _ in picked],
                      tuple(f"R{r}" for r in regions), tuple(f"r{r}" for r in regions),
                      neighbours={"sn": matrix})
    ind = indicator(comparators=(ENGLAND, REGION, m.Comparator(NEIGHBOURS, "sn", MEDIAN)))
    results = build_results([IndicatorTotals(ind, [n for *_, n, _ in picked],
                                             [d for *_, d in picked])], frame, 2025)
    return {row["area_code"]: (row["vs_england"], row["vs_region"], row["vs_neighbours"],
                               row["suppressed"], row["value"]) for row in results.rows()}


@settings(max_examples=60, deadline=None)
@given(area_sets(), st.randoms(use_true_random=False))
def test_judgements_do_not_depend_on_the_order_of_areas(
        case: tuple[list[tuple[str, int, int, int]], list[list[int]]], rnd: Any) -> None:
    """Shuffling the LAs (and their neighbour indices) and the regions changes no row."""
    las, neighbours = case
    order, regions = list(range(len(las))), [0, 1, 2]
    rnd.shuffle(order)
    rnd.shuffle(regions)
    assert _judged_by_code(las, neighbours, order, regions) == _judged_by_code(
        las, neighbours, list(range(len(las))), [0, 1, 2])


# ------------------------------------------------------------------ the table and its exports


def test_columns_in_design_order() -> None:
    """The columns are DESIGN §4's, in order, then the extra ones."""
    assert COLUMNS == (
        "framework", "indicator", "title", "period", "area_type", "area_code", "la_code",
        "area_name", "breakdown", "numerator", "denominator", "value", "unit", "lower_95",
        "upper_95", "lower_99_8", "upper_99_8", "suppressed", "note", "vs_england", "vs_region",
        "vs_neighbours", "region_code", "statistic", "polarity", "vs_target", "vs_population",
        "rank", "rank_of", "quartile", "trend")
    totals, frame = small_case()
    results = build_results(totals, frame, 2025)
    assert len(results) == 14
    assert list(next(results.rows())) == list(COLUMNS)
    assert results.indicator[0] == "placements_3plus"
    assert results.framework[0] == "csc"


def test_region_code_column() -> None:
    """An LA carries its region's code, a region its own, England none."""
    totals, frame = small_case()
    results = build_results(totals, frame, 2025)
    assert by_area(results, "region_code", "placements_3plus") == {
        "England": "", "North East": NE, "North West": NW, "Hartlepool": NE,
        "Middlesbrough": NE, "Blackpool": NW, "Liverpool": NW}


def test_to_csv_writes_blank_cells_for_missing_numbers(tmp_path: Path) -> None:
    """to_csv returns text, or writes a path or a stream; NaN is an empty cell."""
    totals, frame = small_case()
    results = build_results(totals, frame, 2025)
    text = results.to_csv()
    assert text is not None
    rows = list(csv.DictReader(io.StringIO(text)))
    middlesbrough = next(r for r in rows if r["area_name"] == "Middlesbrough")
    assert middlesbrough["value"] == ""
    assert middlesbrough["suppressed"] == "true"
    assert middlesbrough["vs_england"] == "not_compared"
    assert results.to_csv(tmp_path / "out.csv") is None
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == text
    buffer = io.StringIO()
    assert results.to_csv(buffer) is None
    assert buffer.getvalue() == text


def test_to_json_records() -> None:
    """to_json gives one record per row, NaN as null."""
    totals, frame = small_case()
    results = build_results(totals, frame, 2025)
    text = results.to_json()
    assert text is not None
    records = json.loads(text)
    assert len(records) == len(results)
    assert records[0]["area_name"] == "England"
    assert records[0]["period"] == 2025
    assert next(r for r in records if r["area_name"] == "Middlesbrough")["value"] is None


def test_to_pandas() -> None:
    """to_pandas keeps the column order, the numbers and the judgement text."""
    pytest.importorskip("pandas")
    totals, frame = small_case()
    results = build_results(totals, frame, 2025)
    table = results.to_pandas()
    assert list(table.columns) == list(COLUMNS)
    assert table["value"].tolist()[:1] == pytest.approx([results.value[0]])
    assert table["vs_england"].iloc[1] == results.vs_england[1].value
    assert table["suppressed"].dtype == bool


def test_to_arrow_and_parquet(tmp_path: Path) -> None:
    """to_arrow types the columns and turns NaN into null; Parquet round-trips."""
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    totals, frame = small_case()
    results = build_results(totals, frame, 2025)
    table = results.to_arrow()
    assert table.column_names == list(COLUMNS)
    assert table.schema.field("period").type == pa.int64()
    assert table.schema.field("vs_region").type == pa.string()
    assert table.column("value").null_count == int(np.isnan(results.value).sum()) > 0
    results.to_parquet(tmp_path / "r.parquet")
    assert parquet.read_table(tmp_path / "r.parquet").equals(table)


def test_fingertips_layout() -> None:
    """The Fingertips header, time period 2024/25, parent codes and capitalised judgements."""
    totals, frame = small_case()
    text = build_results(totals, frame, 2025).to_fingertips_csv()
    assert text is not None
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].startswith("Indicator ID,Indicator Name,Parent Code,")
    assert text.splitlines()[0].endswith(",Compared to Region value or percentiles,"
                                         "Time period Sortable,New data,Compared to goal,"
                                         "Time period range,Rank,Rank of,Quartile")
    liverpool = next(r for r in rows if r["Area Name"] == "Liverpool"
                     and r["Indicator ID"] == "placements_3plus")
    assert (liverpool["Parent Code"], liverpool["Parent Name"]) == (NW, "North West")
    assert liverpool["Time period"] == "2024/25"
    assert liverpool["Time period Sortable"] == "20240000"
    assert liverpool["Compared to England value or percentiles"] == "Similar"  # to 6.241%
    assert liverpool["Compared to goal"] == "Better"
    assert liverpool["Count"] == "97"
    assert rows[0]["Parent Code"] == ""
    assert rows[1]["Parent Code"] == "E92000001"
    rate = next(r for r in rows if r["Indicator ID"] == "cla_rate_per_10k")
    assert rate["Compared to goal"] == ""


def test_ees_layout_writes_c_for_suppressed_cells() -> None:
    """EES tidy rows: National / Regional / Local authority, and `c` where suppressed."""
    totals, frame = small_case()
    text = build_results(totals, frame, 2025).to_ees_csv()
    assert text is not None
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["geographic_level"] for r in rows[:3]] == ["National", "Regional", "Regional"]
    middlesbrough = next(r for r in rows if r["la_name"] == "Middlesbrough")
    assert (middlesbrough["numerator"], middlesbrough["denominator"],
            middlesbrough["value"]) == ("c", "c", "c")
    assert middlesbrough["new_la_code"] == "E06000002"
    assert middlesbrough["region_code"] == NE
    assert rows[0]["time_identifier"] == "Reporting year"
    assert rows[0]["time_period"] == "2025"
    assert rows[1]["region_name"] == "North East"
    assert rows[1]["la_name"] == ""
    assert rows[0]["breakdown"] == "Total"


def test_ees_count_has_no_applicable_denominator() -> None:
    """A count's denominator is `z` (not applicable)."""
    frame = AreaFrame(("A",), ("A",), [-1])
    ind = indicator("uasc", statistic=m.Statistic.COUNT, unit=m.Unit("count", 1.0),
                    confidence=m.ConfidenceMethod.BYARS)
    text = build_results([IndicatorTotals(ind, [40], [NAN])], frame, 2025).to_ees_csv()
    assert text is not None
    assert {r["denominator"] for r in csv.DictReader(io.StringIO(text))} == {"z"}


# ------------------------------------------------------------------ golden files


def _same_csv(actual: str, expected: str) -> bool:
    """Equal CSV text, numbers compared to 1e-9 relative (last-digit libm differences)."""
    got, want = (list(csv.reader(io.StringIO(t))) for t in (actual, expected))
    if len(got) != len(want):
        return False
    for row_got, row_want in zip(got, want, strict=True):
        if len(row_got) != len(row_want):
            return False
        for a, b in zip(row_got, row_want, strict=True):
            if a == b:
                continue
            try:
                if not math.isclose(float(a), float(b), rel_tol=1e-9):
                    return False
            except ValueError:
                return False
    return True


@pytest.mark.parametrize("layout", ["to_csv", "to_fingertips_csv", "to_ees_csv"])
def test_golden_four_las_two_regions(layout: str) -> None:
    """The 4-LA, 2-region case in each layout matches tests/golden/results/."""
    totals, frame = small_case()
    results = build_results(totals, frame, 2025, framework=framework())
    actual = getattr(results, layout)()
    path = GOLDEN / {"to_csv": "four_las.csv", "to_fingertips_csv": "four_las_fingertips.csv",
                     "to_ees_csv": "four_las_ees.csv"}[layout]
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert _same_csv(actual, path.read_text(encoding="utf-8"))
