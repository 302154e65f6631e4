"""Disclosure control as DfE publishes it: small counts hidden, aggregate counts rounded.

Three pure steps over arrays of *cells* (one count in one area; what a cell stands for is the
caller's business, see `outcomespec.results.builder`):

* **primary suppression** — a cell whose count lies in the indicator's range (DfE: 1 to 5
  inclusive) is suppressed, and with it everything derived from it (its value, limits and
  judgements);
* **secondary suppression** — a suppressed cell must not be recoverable from what is
  published. What is published ties cells together in *equations*, each saying that the
  published sum of some cells is known: a region's count is the sum of its LAs' (the area
  hierarchy), a total is the sum of its breakdown categories. An equation with exactly one
  hidden cell gives that cell away, and one whose hidden cells add up to little pins each of
  them within a narrow interval, so, until no equation does either, each such equation has one
  more of its cells hidden: the cheapest (lowest `level`: an LA before its region, a region
  before England), then the smallest that is large enough to make the hidden cells add up
  to the `protection` needed (DfE: the smallest), else the largest; ties by `tiebreak`.
  Cells whose count is not known (NaN) are in no equation: they are not part of the sums
  published (a region pooled without them is their sum without them), so they never call
  for another cell to be hidden, and are never hidden;
* **rounding** — published national and regional counts are rounded to the nearest N (half
  away from zero, as DfE tables do).

The same count published under several indicators is one cell, so it is hidden under all of
them or none: the caller merges such counts before it calls this module. Nothing here knows
about indicators or areas beyond these arrays, so each rule can be tested on its own.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from attrs import field, frozen

__all__ = ["Equations", "primary_suppression", "round_counts", "secondary_suppression",
           "tree_equations"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _ints(values: npt.ArrayLike) -> IntArray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


@frozen
class Equations:
    """Equations among cells, as their members: entry `k` says that cell `cell[k]` is a term of
    equation `equation[k]`. Each equation says that the sum of its members, with signs that
    do not matter here, is published (a parent and its children; a total and its categories).

    >>> Equations([0, 0, 0], [3, 0, 1]).n_equations
    1
    """

    equation: IntArray = field(converter=_ints)
    cell: IntArray = field(converter=_ints)

    def __attrs_post_init__(self) -> None:
        if self.equation.shape != self.cell.shape:
            msg = "each member of an equation needs one equation and one cell"
            raise ValueError(msg)

    @property
    def n_equations(self) -> int:
        """How many equations there are (their numbers run from 0)."""
        return int(self.equation.max(initial=-1)) + 1

    @classmethod
    def combine(cls, parts: list[Equations]) -> Equations:
        """Several sets of equations over the same cells as one, numbered in order."""
        offsets = np.cumsum([0] + [part.n_equations for part in parts])[:-1]
        return cls(np.concatenate([[], *(p.equation + o for p, o in zip(parts, offsets,
                                                                         strict=True))]),
                   np.concatenate([[], *(p.cell for p in parts)]))


def tree_equations(parent: npt.ArrayLike) -> Equations:
    """One equation per parent: the parent and the cells that add up into it.

    `parent[i]` is the index of the cell that cell `i` adds up into (-1 for none), as LAs
    add up into their region and regions into England.

    >>> tree = tree_equations([2, 2, -1])
    >>> tree.equation.tolist(), tree.cell.tolist()
    ([0, 0, 0], [2, 0, 1])
    """
    up = _ints(parent)
    children = np.flatnonzero(up >= 0)
    parents, number = np.unique(up[children], return_inverse=True)
    equation = np.concatenate([np.arange(parents.size), number])
    cell = np.concatenate([parents, children])
    order = np.argsort(equation, kind="stable")
    return Equations(equation[order], cell[order])


def primary_suppression(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    bounds: tuple[int, int] | None,
) -> BoolArray:
    """True where the numerator or the denominator lies within `bounds`, ends included.

    Why: DfE replaces any count from 1 to 5 by `c`, and a value computed from such a count
    would reveal it. A zero is never suppressed (it discloses nothing about a child), a NaN
    count is unknown rather than small, and `bounds=None` turns suppression off.

    >>> primary_suppression([0, 3, 31, 7], [10, 332, 332, 4], (1, 5)).tolist()
    [False, True, False, True]
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    if bounds is None:
        return np.zeros(np.broadcast_shapes(num.shape, den.shape), dtype=bool)
    low, high = bounds

    def small(counts: FloatArray) -> BoolArray:
        return np.asarray((counts >= low) & (counts <= high), dtype=bool)

    return small(num) | small(den)


def secondary_suppression(
    hidden: npt.ArrayLike,
    equations: Equations,
    size: npt.ArrayLike,
    *,
    protection: npt.ArrayLike | None = None,
    level: npt.ArrayLike | None = None,
    tiebreak: npt.ArrayLike | None = None,
    fixed: npt.ArrayLike | None = None,
) -> BoolArray:
    """Extend `hidden` so that no hidden cell can be found, or pinned down, from `equations`.

    Why: a region's total minus its published LAs gives back an LA suppressed alone in that
    region; hiding a second cell in the same equation leaves only the sum of two unknowns,
    and each of them lies anywhere from 0 to that sum. So every equation with a hidden cell
    must have at least two, adding up to at least `protection[i]` for each hidden cell `i`
    in it (the width of the suppressed range, 5 for DfE's 1 to 5: a count of 1 hidden beside
    a 0 would otherwise be known to be 0 or 1). `size` (the counts) chooses which cell to
    hide next (see the module's docstring), `level` which first (lower first, default all
    0), `tiebreak` (smaller first, e.g. the rank of each area code) makes the choice
    independent of the cells' order. NaN sizes are unknown cells, in no equation; `fixed`
    cells are published whatever happens (never hidden, e.g. counts already published
    elsewhere). Returns the cells to suppress: `hidden` and the cells added.

    >>> # LAs 0-2 in region 4, LA 3 in region 5; regions add up into England, cell 6.
    >>> tree = tree_equations([4, 4, 4, 5, 6, 6, -1])
    >>> secondary_suppression([False, True, False, False, False, False, False], tree,
    ...                       [40, 3, 12, 9, 55, 9, 64]).tolist()
    [False, True, True, False, False, False, False]
    """
    primary = np.asarray(hidden, dtype=bool).reshape(-1)
    n = primary.size
    counts = np.asarray(size, dtype=np.float64).reshape(-1)
    need = np.zeros(n) if protection is None else np.asarray(protection, np.float64)
    cost = np.zeros(n, np.int64) if level is None else _ints(level)
    rank = np.arange(n) if tiebreak is None else _ints(tiebreak)
    unknown = np.isnan(counts)
    locked = unknown | (np.zeros(n, bool) if fixed is None
                        else np.asarray(fixed, dtype=bool).reshape(-1))
    keep = ~unknown[equations.cell]
    eq, cell = equations.equation[keep], equations.cell[keep]
    m = equations.n_equations
    out = primary & ~unknown
    weight = np.where(unknown, 0.0, counts)
    for _ in range(n + 1):  # each pass hides at least one more cell, or stops
        shown = out[cell]
        n_hidden = np.bincount(eq, weights=shown, minlength=m)
        total = np.bincount(eq, weights=np.where(shown, weight[cell], 0.0), minlength=m)
        wanted = np.zeros(m)
        np.maximum.at(wanted, eq[shown], need[cell[shown]])
        exposed = (n_hidden > 0) & ((n_hidden == 1) | (total < wanted))
        candidates = np.flatnonzero(exposed[eq] & ~shown & ~locked[cell])
        if not candidates.size:
            break
        c_eq, c_cell = eq[candidates], cell[candidates]
        deficit = np.maximum(wanted - total, 0.0)[c_eq]
        enough = weight[c_cell] >= deficit
        order = np.lexsort((rank[c_cell], np.where(enough, weight[c_cell], -weight[c_cell]),
                            ~enough, cost[c_cell], c_eq))
        chosen = order[np.r_[True, c_eq[order][1:] != c_eq[order][:-1]]]
        out[c_cell[chosen]] = True
    result: BoolArray = primary | out
    return result


def round_counts(counts: npt.ArrayLike, nearest: int) -> FloatArray:
    """Counts rounded to the nearest multiple of `nearest`, halves away from zero.

    Why: DfE publishes national and regional counts rounded to the nearest 10 (625 → 630);
    NumPy's own rounding sends halves to even, which is not what the tables show. NaN stays
    NaN.

    >>> round_counts([625, 634, 6044, 0, float("nan")], 10).tolist()
    [630.0, 630.0, 6040.0, 0.0, nan]
    """
    if nearest <= 0:
        msg = f"round to a positive whole number, not {nearest}"
        raise ValueError(msg)
    values = np.asarray(counts, dtype=np.float64)
    rounded: FloatArray = np.sign(values) * np.floor(np.abs(values) / nearest + 0.5) * nearest
    return rounded
