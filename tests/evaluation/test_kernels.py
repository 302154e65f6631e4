"""Kernels with a fast path for long columns agree with their plain computation.

A long date column spans few distinct days, so ages and months are computed once per day and
looked up; code tests look codes up in a table. Each fast path must give exactly what the
plain computation gives, on columns long enough to take it (with missing values, leap days
and month ends).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomespec.evaluation import kernels as k


def dates(seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    days = rng.integers(np.datetime64("1995-01-01").astype(int),
                        np.datetime64("2026-12-31").astype(int), n)
    out = days.astype("datetime64[D]")
    out[rng.random(n) < 0.05] = np.datetime64("NaT")
    out[:3] = np.array(["2008-02-29", "2007-03-31", "2012-01-31"], dtype="datetime64[D]")
    return out


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1),
       other=st.sampled_from(["2025-03-31", "2024-02-29", "2025-01-31", "NaT"]))
def test_months_per_day_equal_months_row_by_row(seed: int, other: str) -> None:
    """Whole months and years to a fixed day, found per distinct day, equal them row by row."""
    column = dates(seed, 5_000)
    fixed = np.datetime64(other, "D")
    by_day = k.whole_months(column, fixed)
    direct = k._months(column, np.full(column.shape, fixed))
    np.testing.assert_array_equal(by_day, direct)
    np.testing.assert_array_equal(k.whole_months(fixed, column),
                                  k._months(np.full(column.shape, fixed), column))
    np.testing.assert_array_equal(k.whole_years(column, fixed), np.floor(direct / 12))


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.integers(-1, 12), max_size=50),
       codes=st.lists(st.integers(0, 15), max_size=5), negated=st.booleans())
def test_code_test_by_table_equals_membership(values: list[int], codes: list[int],
                                              negated: bool) -> None:
    """code_test by a lookup table equals np.isin, negated or not; a missing code never matches."""
    array = np.array(values, dtype=np.int32)
    wanted = np.array(codes, dtype=np.int32)
    inside = np.isin(array, wanted)
    expected = (~inside if negated else inside) & (array >= 0)
    assert k.code_test(array, wanted, negated).tolist() == expected.tolist()
