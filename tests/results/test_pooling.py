"""outcomespec.results.pooling: the cells of a table, and LAs' counts pooled into regions and
England, on DfE's published 3+ placements counts of 2025."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.model.notes import Marker
from outcomespec.results.pooling import ENGLAND_CODE, cells_of, pool_counts, sum_by
from tests.results.cases import NE, NW, PLACEMENTS, indicator, placements_frame

NAN = math.nan


def placements(**changes: tuple[float, float]) -> IndicatorTotals:
    """The 3+ placements totals, with some LAs' (numerator, denominator) changed by name."""
    return IndicatorTotals(indicator(), *zip(*(changes.get(name, (num, den))
                                              for _, name, _, num, den in PLACEMENTS),
                                            strict=True))


def test_cells_are_the_las_then_the_regions_then_england() -> None:
    """Six LAs, two regions and England: codes, types, parents and the published order."""
    cells = cells_of(placements_frame()[0])
    assert (cells.n_la, cells.n, cells.england) == (6, 9, 8)
    assert cells.codes.tolist() == ["805", "393", "806", "341", "890", "999", NE, NW,
                                    ENGLAND_CODE]
    assert cells.types.tolist() == ["local_authority"] * 6 + ["region"] * 2 + ["england"]
    # An LA adds up into its region (cell 6 or 7), one outside every region into England.
    assert cells.parent.tolist() == [6, 6, 6, 7, 7, 8, 8, 8, -1]
    assert cells.region_codes.tolist() == [NE, NE, NE, NW, NW, "", NE, NW, ""]
    assert cells.names[cells.order].tolist() == [
        "England", "North East", "North West", "Hartlepool", "South Tyneside", "Middlesbrough",
        "Liverpool", "Blackpool", "Rest of England"]


def test_a_frame_without_regions_has_england_alone_above_its_las() -> None:
    """Without a geography every LA adds up into England, and no row has a region code."""
    cells = cells_of(AreaFrame(("805", "806"), ("Hartlepool", "Middlesbrough"), [-1, -1]))
    assert cells.parent.tolist() == [2, 2, -1]
    assert cells.region_codes.tolist() == ["", "", ""]
    assert cells.order.tolist() == [2, 0, 1]


def test_regions_and_england_sum_their_las() -> None:
    """North East 109 / 1,120, North West 138 / 1,947, England the published 8,500 / 81,770."""
    cells = cells_of(placements_frame()[0])
    counts = pool_counts(placements(), cells)
    assert counts.num[6:].tolist() == [31 + 19 + 59, 97 + 41, 8500]
    assert counts.den[6:].tolist() == [332 + 295 + 493, 1416 + 531, 81770]
    assert counts.unknown_left_out.tolist() == [0] * 9
    assert counts.exceeding_left_out.tolist() == [0] * 9
    assert counts.units is None


def test_an_unknown_numerator_leaves_its_denominator_in() -> None:
    """Middlesbrough's numerator published as `c`: the pools leave out its 59, keep its 493."""
    cells = cells_of(placements_frame()[0])
    totals = placements(Middlesbrough=(NAN, 493))
    markers = np.zeros(6, np.int8)
    markers[2] = Marker.SUPPRESSED
    totals = IndicatorTotals(totals.indicator, totals.numerator, totals.denominator,
                             numerator_markers=markers)
    counts = pool_counts(totals, cells)
    assert counts.num[6:].tolist() == [31 + 19, 138, 8500 - 59]
    assert counts.den[6:].tolist() == [1120, 1947, 81770]
    assert counts.unknown_left_out.tolist() == [0] * 6 + [1, 0, 1]
    assert counts.markers[0].tolist() == [0, 0, int(Marker.SUPPRESSED), 0, 0, 0]
    assert counts.markers[1].tolist() == [0] * 6


def test_a_numerator_above_its_denominator_is_left_out_of_both() -> None:
    """Blackpool 600 of 531 children cannot be right: left out of North West and England."""
    cells = cells_of(placements_frame()[0])
    counts = pool_counts(placements(Blackpool=(600, 531)), cells)
    assert counts.num[6:].tolist() == [109, 97, 8500 - 41]
    assert counts.den[6:].tolist() == [1120, 1416, 81770 - 531]
    assert counts.exceeding_left_out.tolist() == [0] * 6 + [0, 1, 1]
    assert counts.exceeds.tolist() == [False] * 4 + [True] + [False] * 4


def test_a_rate_above_one_is_pooled() -> None:
    """A rate may exceed its denominator (placements per child): nothing is left out."""
    totals = IndicatorTotals(indicator(statistic=m.Statistic.RATE), [600, 10], [531, 40])
    frame = AreaFrame(("890", "341"), ("Blackpool", "Liverpool"), [0, 0], (NW,), ("NW",))
    counts = pool_counts(totals, cells_of(frame))
    assert counts.num.tolist() == [600, 10, 610, 610]
    assert counts.exceeding_left_out.tolist() == [0, 0, 0, 0]


def test_a_count_has_no_denominator() -> None:
    """A count pools its numerators; its denominator is NaN in every cell, never 0."""
    cells = cells_of(placements_frame()[0])
    totals = IndicatorTotals(indicator(statistic=m.Statistic.COUNT),
                             [num for *_, num, _ in PLACEMENTS], [NAN] * 6)
    counts = pool_counts(totals, cells)
    assert counts.num[6:].tolist() == [109, 138, 8500]
    assert np.isnan(counts.den).all()


def test_a_mean_regroups_the_children_themselves() -> None:
    """Each value counts once for its LA, its region and England; a missing value is dropped."""
    cells = cells_of(placements_frame()[0])
    values = [2.0, 4.0, 9.0, 7.0, NAN, 1.0]
    areas = [0, 0, 1, 3, 4, 5]  # Hartlepool twice, South Tyneside, Liverpool, Blackpool, rest
    totals = IndicatorTotals(indicator(statistic=m.Statistic.MEAN), [2, 1, 0, 1, 0, 1],
                             [NAN] * 6, values=values, value_areas=areas)
    counts = pool_counts(totals, cells)
    assert counts.num.tolist() == [2, 1, 0, 1, 0, 1, 3, 1, 5]
    assert counts.units is not None
    unit_values, groups, n = counts.units
    sums = np.bincount(groups, weights=unit_values, minlength=n)
    assert sums.tolist() == [6, 9, 0, 7, 0, 1, 15, 7, 23]
    assert np.isnan(counts.den).all()


def test_a_median_without_unit_values_is_refused() -> None:
    """A median needs each child's value: per-LA totals alone raise, naming the statistic."""
    cells = cells_of(placements_frame()[0])
    totals = IndicatorTotals(indicator(statistic=m.Statistic.MEDIAN), [1] * 6, [NAN] * 6)
    with pytest.raises(ValueError, match="a median needs unit-level values"):
        pool_counts(totals, cells)


def test_sum_by_counts_every_group_and_keeps_nan() -> None:
    """Sums per group, 0 for an empty group, NaN where a term is NaN."""
    sums = sum_by(np.array([0, 2, 2, 0]), np.array([1.5, 2.0, NAN, 3.0]), 4)
    assert sums[[0, 1, 3]].tolist() == [4.5, 0.0, 0.0]
    assert math.isnan(sums[2])


LAS = st.lists(st.tuples(st.integers(-1, 2), st.integers(0, 500) | st.just(-1),
                         st.integers(0, 500)), min_size=1, max_size=12)
"""LAs as (region, numerator, denominator); region -1 is none, numerator -1 not known."""


@settings(max_examples=80, deadline=None)
@given(LAS, st.randoms(use_true_random=False))
def test_pools_add_up_whatever_the_order_of_the_las(las: list[tuple[int, int, int]],
                                                    rnd: object) -> None:
    """England pools every known count it can; regions and LAs outside them add up to it."""
    def pooled(rows: list[tuple[int, int, int]]) -> tuple[list[float], list[float]]:
        frame = AreaFrame(tuple(f"L{i}" for i in range(len(rows))),
                          tuple(f"L{i}" for i in range(len(rows))), [r for r, _, _ in rows],
                          ("R0", "R1", "R2"), ("r0", "r1", "r2"))
        totals = IndicatorTotals(indicator(), [NAN if n < 0 else n for _, n, _ in rows],
                                 [d for *_, d in rows])
        counts = pool_counts(totals, cells_of(frame))
        return counts.num[len(rows):].tolist(), counts.den[len(rows):].tolist()

    usable = [(r, n, d) for r, n, d in las if n <= d]  # a proportion above 1 is left out
    num, den = pooled(las)
    assert num[-1] == sum(n for _, n, _ in usable if n >= 0)
    assert den[-1] == sum(d for *_, d in usable)
    outside = sum(n for r, n, _ in usable if r < 0 and n >= 0)
    assert sum(num[:3]) + outside == num[-1]
    shuffled = list(las)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert pooled(shuffled) == (num, den)
