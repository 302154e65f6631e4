"""Disclosure control as DfE publishes it: small counts hidden, aggregate counts rounded.

Three pure steps over the cells of one indicator (one cell per area):

* **primary suppression** — a cell whose numerator or denominator lies in the indicator's
  range (DfE: 1 to 5 inclusive) is suppressed, and with it everything derived from it (its
  value, limits and judgements);
* **secondary suppression** — a suppressed cell must not be recoverable by subtraction. Areas
  form a hierarchy (each LA adds up into its region, each region and any LA outside a region
  into England), and each parent with its children is one *equation* `parent = Σ children`.
  An equation with exactly one hidden cell gives that cell away, so, until no equation has
  exactly one hidden cell: the published child with the smallest numerator is hidden too
  (ties: the child whose area code sorts first); when no child is left to hide (a region of
  one LA), the parent is hidden instead. Cells whose count is unknown (NaN) are already
  hidden for this purpose, but are not marked suppressed;
* **rounding** — published national and regional counts are rounded to the nearest N (half
  away from zero, as DfE tables do); values and limits are always computed from the
  unrounded counts, so only the printed counts change.

Nothing here knows about indicators or areas beyond these arrays, so each rule can be tested
on its own.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["primary_suppression", "round_counts", "secondary_suppression"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


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
    parent: npt.ArrayLike,
    size: npt.ArrayLike,
    tiebreak: npt.ArrayLike | None = None,
) -> BoolArray:
    """Extend `hidden` so that no hidden cell can be found by subtraction from its parent.

    Why: a region's total minus its published LAs gives back an LA suppressed alone in that
    region; hiding a second cell in the same equation leaves only the sum of two unknowns.
    `parent[i]` is the index of the cell that cell `i` adds up into (-1 for the top);
    `size` (the numerators) chooses which cell to hide next: the smallest, as DfE does, so
    that as little as possible is lost; NaN sizes are unknown cells. `tiebreak` (smaller
    first, e.g. the rank of each area code) makes the choice independent of the cells' order.
    Returns the cells to suppress: `hidden` and the cells added, never an unknown cell.

    >>> # LAs 0-2 in region 4, LA 3 in region 5; regions add up into England, cell 6.
    >>> secondary_suppression([False, True, False, False, False, False, False],
    ...                       [4, 4, 4, 5, 6, 6, -1], [40, 3, 12, 9, 55, 9, 64]).tolist()
    [False, True, True, False, False, False, False]
    """
    primary = np.asarray(hidden, dtype=bool).copy()
    up = np.asarray(parent, dtype=np.int64)
    counts = np.asarray(size, dtype=np.float64)
    rank = (np.arange(up.size) if tiebreak is None else np.asarray(tiebreak)).astype(np.int64)
    unknown = np.isnan(counts)
    out = primary | unknown
    child = np.flatnonzero(up >= 0)
    n = up.size
    n_children = np.bincount(up[child], minlength=n)
    for _ in range(n + 1):  # each pass hides at least one more cell, or stops
        hidden_children = np.bincount(up[child], weights=out[child], minlength=n)
        exposed = (n_children > 0) & (hidden_children + out == 1)
        if not exposed.any():
            break
        candidates = child[~out[child] & exposed[up[child]]]
        order = np.lexsort((rank[candidates], counts[candidates], up[candidates]))
        chosen = candidates[order]
        first = np.ones(chosen.size, dtype=bool)
        first[1:] = up[chosen[1:]] != up[chosen[:-1]]
        out[chosen[first]] = True
        out[exposed & (n_children == hidden_children)] = True
    result: BoolArray = primary | (out & ~unknown)
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
