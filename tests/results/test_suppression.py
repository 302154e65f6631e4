"""Tests for outcomespec.results.suppression: primary and secondary suppression, rounding."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomespec.results.suppression import (
    Equations,
    primary_suppression,
    round_counts,
    secondary_suppression,
    tree_equations,
)

NAN = math.nan

# A small hierarchy: LAs 0-2 in region 5, LAs 3-4 in region 6, regions into England (cell 7).
PARENT = [5, 5, 5, 6, 6, 7, 7, -1]
TREE = tree_equations(PARENT)


def _hide(*cells: int, n: int = 8) -> np.ndarray:
    """A boolean mask with the given cells set."""
    mask = np.zeros(n, dtype=bool)
    mask[list(cells)] = True
    return mask


def test_counts_one_to_five_are_suppressed() -> None:
    """Numerators 1..5 are suppressed; 0 and 6 are not."""
    got = primary_suppression([0, 1, 3, 5, 6, 31], [332] * 6, (1, 5))
    assert got.tolist() == [False, True, True, True, False, False]


def test_small_denominators_are_suppressed() -> None:
    """A denominator of 1..5 suppresses the cell even with a zero numerator."""
    got = primary_suppression([0, 0, 2], [4, 6, 40], (1, 5))
    assert got.tolist() == [True, False, True]


def test_unknown_counts_are_not_primarily_suppressed() -> None:
    """A NaN count (unknown, or no denominator at all) is not a small count."""
    got = primary_suppression([NAN, 3, 40], [NAN, NAN, NAN], (1, 5))
    assert got.tolist() == [False, True, False]


def test_no_suppression_rule() -> None:
    """`bounds=None` suppresses nothing."""
    assert not primary_suppression([1, 2], [3, 4], None).any()


def test_other_ranges() -> None:
    """A range such as 1..7 (Fingertips HES) is honoured, ends included."""
    got = primary_suppression([1, 7, 8], [100, 100, 100], (1, 7))
    assert got.tolist() == [True, True, False]


def test_one_suppressed_la_in_a_region_takes_the_next_smallest_with_it() -> None:
    """Region 5 has one small LA (3): the LA with the next-smallest numerator is hidden too."""
    sizes = [40, 3, 12, 60, 70, 55, 130, 185]
    got = secondary_suppression(_hide(1), TREE, sizes)
    assert np.flatnonzero(got).tolist() == [1, 2]


def test_two_suppressed_las_in_a_region_need_nothing_more() -> None:
    """Two hidden LAs in one region cannot be separated by subtraction."""
    sizes = [4, 3, 12, 60, 70, 19, 130, 149]
    got = secondary_suppression(_hide(0, 1), TREE, sizes)
    assert np.flatnonzero(got).tolist() == [0, 1]


def test_each_region_is_protected_separately() -> None:
    """A suppressed LA in each region takes one companion in its own region."""
    sizes = [40, 3, 12, 2, 70, 55, 72, 127]
    got = secondary_suppression(_hide(1, 3), TREE, sizes)
    assert np.flatnonzero(got).tolist() == [1, 2, 3, 4]


def test_ties_are_broken_by_the_tiebreak_rank() -> None:
    """Between equal numerators the cell ranked first is hidden, whatever the cell order."""
    sizes = [12, 3, 12, 60, 70, 27, 130, 157]
    assert np.flatnonzero(secondary_suppression(_hide(1), TREE, sizes)).tolist() == [0, 1]
    rank = [5, 0, 1, 2, 3, 4, 6, 7]
    got = secondary_suppression(_hide(1), TREE, sizes, tiebreak=rank)
    assert np.flatnonzero(got).tolist() == [1, 2]


def test_without_regions_england_protects_across_las() -> None:
    """With no regions, England minus the other LAs would give the LA back: one more is hidden."""
    got = secondary_suppression([False, True, False, False], tree_equations([3, 3, 3, -1]),
                                [50, 2, 9, 61])
    assert got.tolist() == [False, True, True, False]


def test_a_region_of_one_la_hides_the_region() -> None:
    """A suppressed LA alone in its region is its region's total, so the region is hidden,
    and then England's equation needs a second region hidden too."""
    parent = [3, 4, 4, 5, 5, -1]
    got = secondary_suppression([True, False, False, False, False, False],
                                tree_equations(parent), [4, 30, 20, 4, 50, 54])
    # LA 0 → region 3 hidden → England: region 4 hidden → region 4's smallest LA (2) hidden.
    assert np.flatnonzero(got).tolist() == [0, 2, 3, 4]


def test_unknown_cells_are_in_no_equation() -> None:
    """A NaN count is no part of its region's published sum (pooled without it), so it does
    not protect a suppressed neighbour: LA 2 is hidden beside LA 1; LA 0 is never hidden."""
    sizes = [NAN, 3, 12, 60, 70, 15, 130, 145]
    got = secondary_suppression(_hide(1), TREE, sizes)
    assert np.flatnonzero(got).tolist() == [1, 2]


def test_unknown_cells_never_call_for_suppression() -> None:
    """A published `c` (a NaN count) alone in its region hides nothing else."""
    sizes = [NAN, 30, 12, 60, 70, 42, 130, 172]
    assert not secondary_suppression(_hide(), TREE, sizes).any()


def test_protection_asks_for_companions_large_enough() -> None:
    """A 1 hidden beside a 0 would be known to be 0 or 1: with protection 5 the companion is
    the smallest LA that makes the hidden cells add up to 5 (here 7, not the 0 or the 2)."""
    parent = [6, 6, 6, 6, 6, 6, -1]
    sizes = [1, 0, 2, 7, 9, 40, 59]
    hidden = np.array([True, False, False, False, False, False, False])
    plain = secondary_suppression(hidden, tree_equations(parent), sizes)
    assert np.flatnonzero(plain).tolist() == [0, 1]
    protection = np.where(hidden, 5.0, 0.0)
    got = secondary_suppression(hidden, tree_equations(parent), sizes, protection=protection)
    assert np.flatnonzero(got).tolist() == [0, 3]


def test_a_breakdown_is_protected_in_two_directions() -> None:
    """Two LAs × (total, boys, girls): girls of LA 0 are suppressed. Its total's categories
    (boys hidden too) and the girls' own hierarchy (LA 1's girls) each need a second cell,
    and then LA 1's girls call for its boys; the region row stays published."""
    # cells: (total, boys, girls) × (LA 0, LA 1, region 2)
    sizes = np.array([11, 30, 41, 6, 16, 22, 5, 14, 19], dtype=float)

    def cell(count: int, area: int) -> int:
        return count * 3 + area

    hierarchy = [Equations([0, 0, 0], [cell(c, 2), cell(c, 0), cell(c, 1)]) for c in range(3)]
    breakdown = [Equations([0, 0, 0], [cell(0, a), cell(1, a), cell(2, a)]) for a in range(3)]
    equations = Equations.combine(hierarchy + breakdown)
    hidden = np.zeros(9, dtype=bool)
    hidden[cell(2, 0)] = True
    got = secondary_suppression(hidden, equations, sizes)
    assert sorted(np.flatnonzero(got).tolist()) == sorted(
        [cell(2, 0), cell(1, 0), cell(2, 1), cell(1, 1)])


def test_fixed_cells_are_never_hidden() -> None:
    """A count published elsewhere as it is cannot be a companion: the next one is taken."""
    sizes = [40, 3, 12, 60, 70, 55, 130, 185]
    got = secondary_suppression(_hide(1), TREE, sizes, fixed=_hide(2))
    assert np.flatnonzero(got).tolist() == [0, 1]


def test_equations_combine_renumbers() -> None:
    """Combining sets of equations keeps each set's equations apart."""
    both = Equations.combine([tree_equations([2, 2, -1]), Equations([0, 0], [0, 2])])
    assert both.n_equations == 2
    assert both.equation.tolist() == [0, 0, 0, 1, 1]


def test_nothing_suppressed_stays_so() -> None:
    """Without a primarily suppressed cell nothing is added."""
    assert not secondary_suppression(_hide(), TREE, [1, 2, 3, 4, 5, 6, 9, 15]).any()


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 30)), min_size=2, max_size=25),
       st.randoms(use_true_random=False))
def test_no_equation_is_left_with_one_hidden_cell(las: list[tuple[int, int]], rnd: object
                                                  ) -> None:
    """After secondary suppression every parent-and-children equation hides 0 or ≥ 2 cells,
    and the result does not depend on the order of the cells."""
    n_la = len(las)
    region = np.array([r for r, _ in las])
    size = np.array([s for _, s in las], dtype=float)
    sizes = np.concatenate([size, np.bincount(region, weights=size, minlength=3), [size.sum()]])
    parent = np.concatenate([n_la + region, [n_la + 3] * 3, [-1]])
    primary = (sizes >= 1) & (sizes <= 5)
    rank = np.arange(sizes.size)
    got = secondary_suppression(primary, tree_equations(parent), sizes, tiebreak=rank)
    assert (got | ~primary).all()
    for p in range(n_la, n_la + 4):
        hidden = int(got[p]) + int(got[parent == p].sum())
        assert (parent == p).sum() == 0 or hidden != 1
    order = np.arange(n_la)
    rnd.shuffle(order)  # type: ignore[attr-defined]
    perm = np.concatenate([order, np.arange(n_la, n_la + 4)])
    shuffled = secondary_suppression(primary[perm], tree_equations(parent[perm]), sizes[perm],
                                     tiebreak=rank[perm])
    assert (shuffled == got[perm]).all()


def test_rounding_to_nearest_ten_rounds_halves_up() -> None:
    """625 → 630, 634 → 630, 6,044 → 6,040, 0 stays 0 and NaN stays NaN."""
    got = round_counts([625, 634, 6044, 0, 5, 4, NAN], 10)
    assert got[:-1].tolist() == [630, 630, 6040, 0, 10, 0]
    assert np.isnan(got[-1])


def test_rounding_to_five() -> None:
    """Fingertips' sub-national counts are rounded to 5: 132 → 130, 133 → 135."""
    assert round_counts([132, 133, 137.5], 5).tolist() == [130, 135, 140]


def test_rounding_needs_a_positive_step() -> None:
    """Rounding to 0 or a negative number is refused."""
    with pytest.raises(ValueError, match="positive"):
        round_counts([1], 0)
