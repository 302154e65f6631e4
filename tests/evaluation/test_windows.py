"""`pairs.window_counts`: both of its ways agree with counting every pair by hand.

A relation such as a re-referral (`any(cin_details for same child where CINreferralDate
within 12 months before this.CINreferralDate)`) is counted by making the pairs of rows that
share a key when they are few, and by sorting and binary search when a key repeats often (a
placeholder CHILD shared by thousands of rows would otherwise make millions of pairs). Both
ways must give exactly what testing every (outer, inner) pair gives, including the edges of
the window, missing dates, missing keys and rows left out of the selection.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.evaluation import kernels as k
from outcomespec.evaluation import pairs

DAY0 = dt.date(2023, 1, 1)
DATES = st.one_of(st.none(), st.integers(0, 800).map(lambda d: DAY0 + dt.timedelta(days=d)),
                  st.sampled_from([dt.date(2024, 2, 29), dt.date(2024, 3, 31),
                                   dt.date(2023, 3, 31), dt.date(2024, 8, 31)]))
ROWS = st.lists(st.tuples(st.integers(-1, 4), DATES, st.booleans()), max_size=30)
WINDOWS = st.tuples(st.builds(m.Duration, st.integers(0, 1), st.integers(0, 13),
                              st.integers(0, 20)), st.sampled_from(m.Direction))


def as_dates(values: list[dt.date | None]) -> Any:
    return np.array([np.datetime64("NaT") if v is None else np.datetime64(v, "D")
                     for v in values], dtype="datetime64[D]")


def by_hand(outer: list[Any], inner: list[Any], duration: m.Duration, direction: m.Direction
            ) -> list[int]:
    """Every (outer, inner) pair tested one at a time, with calendar arithmetic."""
    counts = []
    for key, anchor, _ in outer:
        n = 0
        for other, date, selected in inner:
            if key < 0 or other != key or not selected or anchor is None or date is None:
                continue
            sign = -1 if direction is m.Direction.BEFORE else 1
            shifted = k.shift_dates(as_dates([anchor]), duration, sign)[0]
            if np.isnat(shifted):
                continue
            edge = shifted.astype(dt.date)
            if direction is m.Direction.BEFORE and edge <= date < anchor:
                n += 1
            if direction is m.Direction.AFTER and anchor < date <= edge:
                n += 1
        counts.append(n)
    return counts


@settings(max_examples=300, deadline=None)
@given(outer=ROWS, inner=ROWS, window=WINDOWS)
def test_both_ways_count_the_window_as_every_pair_does(outer: Any, inner: Any,
                                                       window: Any) -> None:
    """window_counts equals a count over every same-key pair, whichever way it is computed."""
    duration, direction = window
    outer_keys = np.array([r[0] for r in outer], dtype=np.int64)
    inner_keys = np.array([r[0] for r in inner], dtype=np.int64)
    anchors, dates = as_dates([r[1] for r in outer]), as_dates([r[1] for r in inner])
    selected = np.array([r[2] for r in inner], dtype=np.bool_)
    expected = by_hand(outer, inner, duration, direction)
    assert pairs.window_counts(outer_keys, anchors, inner_keys, dates, selected, duration,
                           direction).tolist() == expected
    shifted = k.shift_dates(anchors, duration, -1 if direction is m.Direction.BEFORE else 1)
    start, end = (shifted, anchors) if direction is m.Direction.BEFORE else (anchors, shifted)
    keep = selected & (inner_keys >= 0) & ~np.isnat(dates)
    live = (outer_keys >= 0) & ~np.isnat(start) & ~np.isnat(end)
    if not keep.any() or not live.any():
        return
    outer_live = np.where(live, outer_keys, -1)
    inner_kept = np.where(keep, inner_keys, -1)
    window_ends = (start.view(np.int64), end.view(np.int64), dates.view(np.int64), direction)
    by_pairs = pairs._window_by_pairs(outer_live, inner_kept, 5, None, None, *window_ends)
    assert by_pairs.tolist() == expected
    rows = np.flatnonzero(live)  # the search takes only the outer rows that can count
    by_search = pairs._window_by_search(outer_keys[rows], inner_kept, keep,
                                    start.view(np.int64)[rows], end.view(np.int64)[rows],
                                    dates.view(np.int64), direction)
    assert by_search.tolist() == [expected[i] for i in rows]


def test_a_key_shared_by_many_rows_is_searched_not_paired() -> None:
    """20,000 rows of one placeholder CHILD would make 400 million pairs: each row's
    earlier rows within 30 days are counted by search instead (every row is a day apart)."""
    n = 20_000
    keys = np.zeros(n, dtype=np.int64)
    dates = np.datetime64("2020-01-01") + np.arange(n).astype("timedelta64[D]")
    counts = pairs.window_counts(keys, dates, keys, dates, np.ones(n, np.bool_),
                             m.Duration(0, 0, 30), m.Direction.BEFORE)
    assert counts[:32].tolist() == [*range(31), 30]
    assert int(counts.sum()) == sum(range(31)) + 30 * (n - 31)
