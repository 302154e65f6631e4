"""The named NumPy kernels a plan is made of: elementwise tests, date arithmetic, and group
reductions over integer-coded keys. Each takes and returns arrays; none loops over rows.

Missing values follow one rule: a test on a missing value is false (negated tests too),
arithmetic on a missing value is missing, and `not` flips a test's result.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from outcomespec import model as m
from outcomespec.tables import missing_mask

Array = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def present(values: Array, value_type: m.ValueType) -> BoolArray:
    """True where a value is present (not missing)."""
    if value_type.kind is m.ValueKind.BOOLEAN and values.dtype == np.bool_:
        return np.ones(values.shape, dtype=np.bool_)
    return ~missing_mask(values, value_type)


def compare(op: str, left: Array, right: Array, value_type: m.ValueType) -> BoolArray:
    """`= != < <= > >=`; false wherever either side is missing.

    >>> compare("!=", np.array([1.0, np.nan]), np.array([2.0, 2.0]), m.NUMBER).tolist()
    [True, False]
    """
    valid = present(np.asarray(left), value_type) & present(np.asarray(right), value_type)
    match op:
        case "=":
            result = left == right
        case "!=":
            result = left != right
        case "<":
            result = left < right
        case "<=":
            result = left <= right
        case ">":
            result = left > right
        case ">=":
            result = left >= right
        case _:
            raise ValueError(op)
    return np.asarray(result, dtype=np.bool_) & valid


def as_condition(values: Array) -> BoolArray:
    """A boolean column or result as a condition: missing (-1) counts as false."""
    if values.dtype == np.bool_:
        return values
    return np.asarray(values == 1, dtype=np.bool_)


def code_test(values: Array, codes: Array, negated: bool) -> BoolArray:
    """Membership of integer-coded values in a set of code indices; false when missing."""
    inside = np.isin(values, codes)
    valid = values >= 0
    return (~inside & valid) if negated else (inside & valid)


def shift_dates(dates: Array, duration: m.Duration, sign: int) -> Array:
    """Dates moved by whole years, months and days; day-of-month clipped (29 Feb + 1 year =
    28 Feb), as calendar arithmetic does.

    >>> d = np.array(["2024-02-29", "2024-01-31"], dtype="datetime64[D]")
    >>> shift_dates(d, m.Duration(1, 1, 0), 1).astype(str).tolist()
    ['2025-03-29', '2025-02-28']
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
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
    """Completed calendar months from `start` to `end`; NaN where either is missing."""
    start, end = np.broadcast_arrays(np.asarray(start, dtype="datetime64[D]"),
                                     np.asarray(end, dtype="datetime64[D]"))
    start_month = start.astype("datetime64[M]")
    end_month = end.astype("datetime64[M]")
    months = (end_month - start_month).astype(np.int64).astype(np.float64)
    start_day = (start - start_month.astype("datetime64[D]")).astype(np.int64)
    end_day = (end - end_month.astype("datetime64[D]")).astype(np.int64)
    months = np.asarray(months - (end_day < start_day), dtype=np.float64)
    months[np.isnat(start) | np.isnat(end)] = np.nan
    return months


def days_between(start: Array, end: Array) -> Array:
    """Days from `start` to `end`; NaN where either is missing."""
    days = (np.asarray(end, dtype="datetime64[D]") - np.asarray(start, dtype="datetime64[D]"))
    out = np.asarray(days.astype(np.int64), dtype=np.float64)
    out[np.isnat(days)] = np.nan
    return out


# ------------------------------------------------------------------ group reductions


def group_count(groups: IntArray, mask: BoolArray, n_groups: int) -> Array:
    """How many rows of each group pass `mask` (groups < 0 are ignored)."""
    keep = mask & (groups >= 0)
    return np.bincount(groups[keep], minlength=n_groups).astype(np.float64)


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
    if np.issubdtype(sort_key.dtype, np.datetime64):
        sort_key = sort_key.astype(np.int64)
    ranked = rows[np.lexsort((rows, sort_key, absent, groups[rows]))]
    group_of = groups[ranked]
    boundary = np.flatnonzero(np.diff(group_of)) + 1
    chosen = ranked[np.r_[boundary - 1, ranked.size - 1]] if last else ranked[np.r_[0, boundary]]
    out[groups[chosen]] = values[chosen]
    return out


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


def expand_pairs(outer_keys: IntArray, inner_keys: IntArray, n_keys: int
                 ) -> tuple[IntArray, IntArray]:
    """Every (outer row, inner row) pair sharing a key, as two index arrays, vectorised.

    >>> o, i = expand_pairs(np.array([0, 1]), np.array([1, 0, 1]), 2)
    >>> o.tolist(), i.tolist()
    ([0, 1, 1], [1, 0, 2])
    """
    inner_valid = np.flatnonzero(inner_keys >= 0)
    order = inner_valid[np.argsort(inner_keys[inner_valid], kind="stable")]
    counts = np.bincount(inner_keys[inner_valid], minlength=n_keys)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    outer_valid = outer_keys >= 0
    lengths = np.where(outer_valid, counts[np.where(outer_valid, outer_keys, 0)], 0)
    outer_index = np.repeat(np.arange(outer_keys.size), lengths)
    first = np.repeat(starts[np.where(outer_valid, outer_keys, 0)], lengths)
    offsets = np.arange(outer_index.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return outer_index.astype(np.int64), order[first + offsets].astype(np.int64)


def dense_codes(*parts: Array) -> tuple[list[IntArray], int]:
    """Factorise several arrays of keys into one shared space of dense integer codes."""
    sizes = [len(p) for p in parts]
    if not sum(sizes):
        return [np.zeros(0, dtype=np.int64) for _ in parts], 0
    uniques, inverse = np.unique(np.concatenate(parts), return_inverse=True)
    splits = np.split(inverse.astype(np.int64), np.cumsum(sizes)[:-1])
    return splits, len(uniques)
