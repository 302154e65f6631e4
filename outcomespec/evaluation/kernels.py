"""The named NumPy kernels a plan is made of: elementwise tests, date arithmetic and group
reductions over integer-coded keys (the coding itself is `outcomespec.loading.coding`'s,
shared with loading). Each takes and returns arrays; none loops over rows.

Missing values follow one rule: a test on a missing value is false (negated tests too),
arithmetic on a missing value is missing, and `not` flips a test's result.
"""

from __future__ import annotations

from typing import Any, assert_never

import numpy as np
import numpy.typing as npt

from outcomespec import model as m
from outcomespec.loading.coding import PACKED_LIMIT
from outcomespec.loading.tables import missing_mask

Array = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def present(values: Array, value_type: m.ValueType) -> BoolArray:
    """True where a value is present (not missing)."""
    if value_type.kind is m.ValueKind.BOOLEAN and values.dtype == np.bool_:
        return np.ones(values.shape, dtype=np.bool_)
    return ~missing_mask(values, value_type)


def compare(op: m.ComparisonOp, left: Array, right: Array, value_type: m.ValueType
            ) -> BoolArray:
    """`= != < <= > >=`; false wherever either side is missing.

    >>> compare(m.ComparisonOp.NE, np.array([1.0, np.nan]), np.array([2.0, 2.0]),
    ...         m.NUMBER).tolist()
    [True, False]
    """
    left, right = np.asarray(left), np.asarray(right)
    if op is not m.ComparisonOp.NE and left.dtype.kind in "fM" and right.dtype.kind in "fM":
        valid: Any = True  # NaN and NaT already compare false, but for `!=`
    else:
        valid = present(left, value_type) & present(right, value_type)
    match op:
        case m.ComparisonOp.EQ:
            result = left == right
        case m.ComparisonOp.NE:
            result = left != right
        case m.ComparisonOp.LT:
            result = left < right
        case m.ComparisonOp.LE:
            result = left <= right
        case m.ComparisonOp.GT:
            result = left > right
        case m.ComparisonOp.GE:
            result = left >= right
        case _:
            assert_never(op)
    result = np.asarray(result, dtype=np.bool_)
    return result if valid is True else result & valid


def as_condition(values: Array) -> BoolArray:
    """A boolean column or result as a condition: missing (-1) counts as false."""
    if values.dtype == np.bool_:
        return values
    return np.asarray(values == 1, dtype=np.bool_)


def code_test(values: Array, codes: Array, negated: bool) -> BoolArray:
    """Membership of integer-coded values in a set of code indices; false when missing.

    Codes index a codelist, so a table with one entry per code answers each row with one
    lookup (missing, -1, reads the table's last entry, which is false either way).

    >>> code_test(np.array([0, 2, -1, 1]), np.array([2]), True).tolist()
    [True, False, False, True]
    """
    if values.dtype.kind not in "iu" or not values.size:
        inside = np.isin(values, codes)
        valid = values >= 0
        return (~inside & valid) if negated else (inside & valid)
    size = max(int(values.max()), int(codes.max(initial=0))) + 2
    table = np.full(size, negated, dtype=np.bool_)
    table[codes[codes >= 0]] = not negated
    table[-1] = False  # missing
    return table[values]


def shift_dates(dates: Array, duration: m.Duration, sign: int) -> Array:
    """Dates moved by whole years, months and days; day-of-month clipped (29 Feb + 1 year =
    28 Feb), as calendar arithmetic does.

    A long column spans few distinct days: each day from its first to its last is shifted
    once, and the column looks its days up in that table.

    >>> d = np.array(["2024-02-29", "2024-01-31"], dtype="datetime64[D]")
    >>> shift_dates(d, m.Duration(1, 1, 0), 1).astype(str).tolist()
    ['2025-03-29', '2025-02-28']
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    if dates.ndim != 1 or dates.size < 1024 or not (duration.years or duration.months):
        return _shift_dates(dates, duration, sign)
    valid = ~np.isnat(dates)
    days = dates.view(np.int64)
    if not valid.any():
        return dates.copy()
    high = int(days.max())  # NaT is the smallest int64
    low = int(np.where(valid, days, high).min())
    if high - low >= dates.size:
        return _shift_dates(dates, duration, sign)
    table = _shift_dates(np.arange(low, high + 1).astype("datetime64[D]"), duration, sign)
    offsets = days - low
    offsets[~valid] = 0
    out = table[offsets]
    out[~valid] = np.datetime64("NaT")
    return out


def _shift_dates(dates: Array, duration: m.Duration, sign: int) -> Array:
    months = sign * (duration.years * 12 + duration.months)
    if months:
        month_start = dates.astype("datetime64[M]")
        day = (dates - month_start.astype("datetime64[D]")).astype(np.int64)
        target = month_start + np.timedelta64(months, "M")
        last_day = ((target + np.timedelta64(1, "M")).astype("datetime64[D]")
                    - target.astype("datetime64[D]")).astype(np.int64) - 1
        dates = target.astype("datetime64[D]") + np.minimum(day, last_day).astype(
            "timedelta64[D]")
    if duration.days:
        dates = dates + np.timedelta64(sign * duration.days, "D")
    return dates


def whole_years(start: Array, end: Array) -> Array:
    """Completed years from `start` to `end` (age at a date); NaN where either is missing.

    >>> whole_years(np.array(["2007-04-01"], dtype="datetime64[D]"),
    ...             np.array(["2025-03-31"], dtype="datetime64[D]")).tolist()
    [17.0]
    """
    return np.floor(whole_months(start, end) / 12)


def whole_months(start: Array, end: Array) -> Array:
    """Completed calendar months from `start` to `end`; NaN where either is missing.

    An age at one date (`age(DOB, period.end)`) has one fixed side: each day from the
    column's first to its last is counted once, and the column looks its days up.

    >>> whole_months(np.array(["2024-01-31", "NaT"] * 600, dtype="datetime64[D]"),
    ...              np.datetime64("2024-03-30"))[:2].tolist()
    [1.0, nan]
    """
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    if start.ndim == 1 and end.ndim == 0 and start.size >= 1024:
        return _per_day(start, lambda days: _months(days, end))
    if end.ndim == 1 and start.ndim == 0 and end.size >= 1024:
        return _per_day(end, lambda days: _months(start, days))
    return _months(start, end)


def _months(start: Array, end: Array) -> Array:
    start, end = np.broadcast_arrays(start, end)
    start_month = start.astype("datetime64[M]")
    end_month = end.astype("datetime64[M]")
    months = (end_month - start_month).astype(np.int64).astype(np.float64)
    start_day = (start - start_month.astype("datetime64[D]")).astype(np.int64)
    end_day = (end - end_month.astype("datetime64[D]")).astype(np.int64)
    months = np.asarray(months - (end_day < start_day), dtype=np.float64)
    months[np.isnat(start) | np.isnat(end)] = np.nan
    return months


def _per_day(dates: Array, function: Any) -> Array:
    """`function` of a long date column, computed once for each day from the column's first
    to its last and looked up; NaN where a date is missing, and computed directly when the
    days span more than there are rows."""
    valid = ~np.isnat(dates)
    if not valid.any():
        return np.full(dates.shape, np.nan)
    days = dates.view(np.int64)
    high = int(days.max())
    low = int(np.where(valid, days, high).min())
    if high - low >= dates.size:
        return np.asarray(function(dates), dtype=np.float64)
    table = np.asarray(function(np.arange(low, high + 1).astype("datetime64[D]")),
                       dtype=np.float64)
    offsets = days - low
    offsets[~valid] = 0
    out = table[offsets]
    out[~valid] = np.nan
    return out


def days_between(start: Array, end: Array) -> Array:
    """Days from `start` to `end`; NaN where either is missing."""
    days = (np.asarray(end, dtype="datetime64[D]") - np.asarray(start, dtype="datetime64[D]"))
    out = np.asarray(days.astype(np.int64), dtype=np.float64)
    out[np.isnat(days)] = np.nan
    return out


# ------------------------------------------------------------------ group reductions


def group_count(groups: IntArray, mask: BoolArray, n_groups: int) -> Array:
    """How many rows of each group pass `mask` (groups < 0 are ignored)."""
    chosen = groups[mask]
    if chosen.size and chosen.min() < 0:
        chosen = chosen[chosen >= 0]
    return np.bincount(chosen, minlength=n_groups).astype(np.float64)


def group_count_distinct(groups: IntArray, mask: BoolArray, values: Array, n_groups: int
                         ) -> Array:
    """How many different present values the rows of each group that pass `mask` hold:
    a group's social workers, each counted once however many episodes they had.

    >>> group_count_distinct(np.array([0, 0, 0, 1, 1]), np.ones(5, bool),
    ...                      np.array(["A", "B", "A", "", "C"]), 3).tolist()
    [2.0, 1.0, 0.0]
    """
    keep = mask & (groups >= 0) & ~_absent(values)
    chosen = values[keep]
    if chosen.dtype.kind == "M":
        chosen = chosen.view(np.int64)
    distinct, which = np.unique(chosen, return_inverse=True)
    pairs = np.unique(groups[keep].astype(np.int64) * max(len(distinct), 1)
                      + which.reshape(-1))
    return np.bincount(pairs // max(len(distinct), 1), minlength=n_groups).astype(np.float64)


def group_any(groups: IntArray, mask: BoolArray, n_groups: int) -> BoolArray:
    """Whether any row of each group passes `mask` (groups < 0 are ignored).

    >>> group_any(np.array([0, 2, -1]), np.array([True, False, True]), 3).tolist()
    [True, False, False]
    """
    out = np.zeros(n_groups, dtype=np.bool_)
    out[groups[mask & (groups >= 0)]] = True
    return out


def group_sum(groups: IntArray, mask: BoolArray, values: Array, n_groups: int) -> Array:
    """Sum of the present values of each group's rows that pass `mask`: 0 for a group with
    no such rows, missing for a group whose rows all have a missing value (as SQL's SUM) —
    a published suppressed count is not known, not zero.

    >>> group_sum(np.array([0, 1, 1]), np.ones(3, bool), np.array([np.nan, 2.0, np.nan]), 3)
    array([nan,  2.,  0.])
    """
    selected = mask & (groups >= 0)
    keep = selected & ~np.isnan(values)
    sums = np.bincount(groups[keep], weights=values[keep], minlength=n_groups).astype(
        np.float64)  # bincount of nothing is int64, whatever the weights
    unknown = (np.bincount(groups[selected], minlength=n_groups) > 0) & (
        np.bincount(groups[keep], minlength=n_groups) == 0)
    sums[unknown] = np.nan
    return sums


def group_extreme(groups: IntArray, mask: BoolArray, values: Array, n_groups: int,
                  largest: bool) -> Array:
    """Minimum or maximum per group of numbers or dates; missing for empty groups."""
    is_date = np.issubdtype(values.dtype, np.datetime64)
    numbers = values.astype("datetime64[D]").astype(np.int64).astype(np.float64) \
        if is_date else values.astype(np.float64)
    if is_date:
        numbers[np.isnat(values)] = np.nan
    keep = mask & (groups >= 0) & ~np.isnan(numbers)
    out = np.full(n_groups, -np.inf if largest else np.inf)
    (np.maximum if largest else np.minimum).at(out, groups[keep], numbers[keep])
    out[np.isinf(out)] = np.nan
    if is_date:
        dates = np.full(n_groups, np.datetime64("NaT"), dtype="datetime64[D]")
        good = ~np.isnan(out)
        dates[good] = out[good].astype(np.int64).astype("datetime64[D]")
        return dates
    return out


def group_pick(groups: IntArray, mask: BoolArray, order: Array, values: Array,
               n_groups: int, last: bool, missing: Any) -> Array:
    """The value of the first (or last) row of each group, ordered by `order` then row."""
    rows = np.flatnonzero(mask & (groups >= 0))
    out = np.full(n_groups, missing, dtype=values.dtype)
    if rows.size == 0:
        return out
    sort_key = order[rows]
    absent = _absent(sort_key)  # missing order values sort last, whatever their type
    dates = np.issubdtype(sort_key.dtype, np.datetime64)
    if dates:
        sort_key = sort_key.astype(np.int64)
    ranked = rows[_rank(groups[rows], absent, sort_key, n_groups, dates)]
    group_of = groups[ranked]
    boundary = np.flatnonzero(np.diff(group_of)) + 1
    chosen = ranked[np.r_[boundary - 1, ranked.size - 1]] if last else ranked[np.r_[0, boundary]]
    out[groups[chosen]] = values[chosen]
    return out


def _rank(groups: IntArray, absent: BoolArray, sort_key: Array, n_groups: int, dates: bool
          ) -> IntArray:
    """Positions ordered by group, then present before absent, then sort key, then
    position: one sort of the four packed into an int64 when they fit, else `lexsort`."""
    n = len(groups)
    if sort_key.dtype.kind in "iub" and n:
        values = sort_key.astype(np.int64)
        if dates:  # every absent date is NaT: any one value keeps them in row order
            values = np.where(absent, int(values.max()), values)
        low = int(values.min())
        span = int(values.max()) - low + 1
        bits = max(n - 1, 1).bit_length()
        if n_groups * 2 * span < PACKED_LIMIT >> bits:
            packed = groups * 2 + absent
            packed *= span
            packed += values - low
            packed <<= bits
            packed |= np.arange(n, dtype=np.int64)
            packed.sort()
            return np.asarray(packed & ((1 << bits) - 1), dtype=np.int64)
    return np.asarray(np.lexsort((np.arange(n), sort_key, absent, groups)), dtype=np.int64)


def _absent(values: Array) -> BoolArray:
    """Missing by the table encoding, inferred from the dtype alone."""
    if np.issubdtype(values.dtype, np.datetime64):
        return np.isnat(values)
    if np.issubdtype(values.dtype, np.floating):
        return np.isnan(values)
    if np.issubdtype(values.dtype, np.str_):
        return np.asarray(values == "", dtype=np.bool_)
    if values.dtype == np.bool_:
        return np.zeros(values.shape, dtype=np.bool_)
    return np.asarray(values < 0, dtype=np.bool_)
