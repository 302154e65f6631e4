"""Relating the rows of two tables that share a key (such as one child's referrals): every
pair of rows with equal keys, or, for a window of dates, how many related rows fall in each
row's window. Both without a Python loop over rows; the keys are the shared integer codes of
`outcomespec.loading.identifiers`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from outcomespec import model as m
from outcomespec.evaluation.kernels import Array, BoolArray, IntArray, shift_dates
from outcomespec.loading.coding import PACKED_LIMIT, sort_keys, stable_order

__all__ = ["expand_pairs", "window_counts"]


def expand_pairs(outer_keys: IntArray, inner_keys: IntArray, n_keys: int,
                 inner_order: IntArray | None = None, counts: IntArray | None = None
                 ) -> tuple[IntArray, IntArray]:
    """Every (outer row, inner row) pair sharing a key, as two index arrays, vectorised.
    `inner_order`: the inner rows that have a key, ordered by key then row, and `counts`:
    how many inner rows each key has, when known.

    >>> o, i = expand_pairs(np.array([0, 1]), np.array([1, 0, 1]), 2)
    >>> o.tolist(), i.tolist()
    ([0, 1, 1], [1, 0, 2])
    """
    if inner_order is None:
        inner_valid = np.flatnonzero(inner_keys >= 0)
        inner_order = inner_valid[stable_order(inner_keys[inner_valid])]
    if counts is None:  # inner rows of each key
        counts = np.bincount(inner_keys[inner_keys >= 0], minlength=max(n_keys, 1))
    starts = np.cumsum(counts) - counts  # of each key's run in `inner_order`
    outer_valid = outer_keys >= 0
    outer_at = np.where(outer_valid, outer_keys, 0)
    lengths = np.where(outer_valid, counts[outer_at], 0)
    ends = np.cumsum(lengths)
    # pair j of outer row i is inner_order[starts[key of i] + j - (first pair of i)]
    shift = np.repeat(starts[outer_at] - (ends - lengths), lengths)
    shift += np.arange(shift.size, dtype=np.int64)
    outer_index = np.repeat(np.arange(outer_keys.size, dtype=np.int64), lengths)
    return outer_index, np.asarray(inner_order, dtype=np.int64)[shift]


def window_counts(outer_keys: IntArray, anchors: Array, inner_keys: IntArray, dates: Array,
                  selected: BoolArray, duration: m.Duration, direction: m.Direction,
                  inner_order: IntArray | None = None) -> IntArray:
    """For each outer row, how many selected inner rows of its key have a date `within`
    `duration` `before` its anchor (anchor − duration ≤ date < anchor) or `after` it
    (anchor < date ≤ anchor + duration). `inner_order`: the inner rows that have a key,
    ordered by key then row, when known.

    Two ways, chosen by how many (outer, inner) pairs share a key: with few (a child has a
    handful of referrals), the pairs are made and tested; with many, the inner rows are
    sorted by (key, date) and each outer row's window is two binary searches among them,
    in time and memory that grow with the rows, not the pairs.

    >>> days = np.array(["2024-01-10", "2024-03-01", "2024-03-01"], dtype="datetime64[D]")
    >>> window_counts(np.array([0, 0, 1]), days, np.array([0, 0, 0]), days,
    ...               np.ones(3, bool), m.Duration(0, 2, 0), m.Direction.BEFORE).tolist()
    [0, 1, 0]
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    anchors = np.asarray(anchors, dtype="datetime64[D]")
    out = np.zeros(len(outer_keys), dtype=np.int64)
    keep = selected & (inner_keys >= 0) & ~np.isnat(dates)
    rows = np.flatnonzero((outer_keys >= 0) & ~np.isnat(anchors))
    if not keep.any() or not rows.size:
        return out
    anchor = anchors[rows]  # only the outer rows that can count anything
    shifted = shift_dates(anchor, duration, -1 if direction is m.Direction.BEFORE else 1)
    start, end = (shifted, anchor) if direction is m.Direction.BEFORE else (anchor, shifted)
    rows = rows[~np.isnat(shifted)]
    start, end = start[~np.isnat(shifted)], end[~np.isnat(shifted)]
    outer = outer_keys[rows]
    every = bool(keep.all())  # as usual: nothing to leave out of the inner rows
    inner = inner_keys if every else np.where(keep, inner_keys, -1)
    n_keys = max(int(inner.max()), int(outer.max(initial=0))) + 1
    per_key = np.bincount(inner if every else inner[keep], minlength=n_keys)
    window = (start.view(np.int64), end.view(np.int64), dates.view(np.int64), direction)
    if int(per_key[outer].sum()) <= _PAIRS_PER_ROW * (len(outer) + len(inner)):
        order = inner_order if inner_order is None or every else inner_order[keep[inner_order]]
        out[rows] = _window_by_pairs(outer, inner, n_keys, order, per_key, *window)
    else:
        out[rows] = _window_by_search(outer, inner, keep, *window)
    return out


_PAIRS_PER_ROW = 4
"""Pairs per row up to which making the pairs beats sorting and searching."""


def _window_by_pairs(outer: IntArray, inner: IntArray, n_keys: int, order: IntArray | None,
                     per_key: IntArray | None, start: IntArray, end: IntArray, days: IntArray,
                     direction: m.Direction) -> IntArray:
    outer_index, inner_index = expand_pairs(outer, inner, n_keys, order, per_key)
    day, low, high = days[inner_index], start[outer_index], end[outer_index]
    inside = ((day >= low) & (day < high) if direction is m.Direction.BEFORE
              else (day > low) & (day <= high))
    return np.bincount(outer_index[inside], minlength=len(outer))


def _window_by_search(outer: IntArray, inner: IntArray, keep: BoolArray, start: IntArray,
                      end: IntArray, days: IntArray, direction: m.Direction) -> IntArray:
    kept = days[keep]
    low = int(kept.min())
    width = int(kept.max()) - low + 3  # 0 below every date of a key, width - 1 above
    if (max(int(inner.max()), int(outer.max(initial=0))) + 1) * width >= PACKED_LIMIT:
        raise OverflowError("too many keys and days to count windows")  # not at any real size
    ordered = inner[keep] * width
    ordered += kept - low + 1
    ordered.sort()
    base = outer * width

    def bound(edge: IntArray) -> IntArray:
        return np.asarray(base + np.clip(edge - low + 1, 0, width - 1), dtype=np.int64)

    order, lower = sort_keys(bound(start))  # queries in sorted order search fastest
    upper = bound(end)[order]
    # [start, end) before the anchor, (start, end] after it
    side: Any = "left" if direction is m.Direction.BEFORE else "right"
    out = np.zeros(len(outer), dtype=np.int64)
    out[order] = np.searchsorted(ordered, upper, side) - np.searchsorted(ordered, lower, side)
    return out
