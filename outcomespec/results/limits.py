"""Confidence intervals for indicators, computed the way OHID Fingertips computes them.

The methods follow the PHEindicatormethods R package (UK Health Security Agency), which is the
reference implementation of the Fingertips "technical guidance" statistics:

* Wilson score limits for proportions (:func:`wilson_limits`);
* Byar's approximation, with exact Poisson limits for small counts, for counts and crude rates
  (:func:`byars_limits`, :func:`rate_limits`);
* Student's t limits for means (:func:`mean_limits`);

and a value's summary across areas, the median of a group (:func:`group_median`).

Every function works on whole NumPy arrays at once, so an indicator over all local authorities is
one call rather than one call per area. Missing or impossible inputs give NaN limits instead of
raising, because a frameworks table routinely has suppressed or missing cells. The quantiles
the limits start from are `outcomespec.results.quantiles`'.

The module keeps no state and prints nothing.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from outcomespec.results.incomplete import FloatArray, as_float
from outcomespec.results.quantiles import chi2_quantile, normal_quantile, t_quantile

__all__ = ["byars_limits", "group_median", "mean_limits", "rate_limits", "wilson_limits",
           "z_for_level"]


def _check_level(level: float) -> float:
    """Validate a two-sided confidence level such as 0.95 or 0.998 and return it as a float."""
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence level must be strictly between 0 and 1, got {level!r}")
    return level


def z_for_level(level: float) -> float:
    """The normal deviate for a two-sided confidence level, e.g. 1.96 for 0.95.

    Why: the published methods all phrase their limits in terms of this z, computed as
    ``qnorm(level + (1 - level) / 2)`` exactly as PHEindicatormethods does. ``level`` must be a
    fraction strictly between 0 and 1 (0.95, 0.998), not a percentage.

    >>> round(z_for_level(0.95), 6)
    1.959964
    >>> round(z_for_level(0.998), 6)
    3.090232
    """
    return _z_for_level(_check_level(level))


@functools.lru_cache(maxsize=64)
def _z_for_level(level: float) -> float:
    """`z_for_level`, once per level: a framework uses two or three levels for every cell."""
    return normal_quantile(level + (1.0 - level) / 2.0)


def wilson_limits(
    numerator: npt.ArrayLike, denominator: npt.ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score limits for a proportion x / n, as proportions in [0, 1].

    Why: Fingertips uses the Wilson score interval for every proportion (and percentage)
    because, unlike the normal approximation, it stays inside [0, 1] and behaves well for
    small counts and for 0% or 100%. The limits are
    (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)). Multiply by 100 for percentages.
    NaN where n <= 0, x < 0, x > n or either input is missing.

    >>> lower, upper = wilson_limits([8500, 0], [81770, 10])
    >>> (lower * 100).round(4).tolist(), (upper * 100).round(4).tolist()
    ([10.1877, 0.0], [10.6061, 27.7533])
    """
    z = z_for_level(level)
    x, n = np.broadcast_arrays(as_float(numerator), as_float(denominator))
    valid = np.isfinite(x) & np.isfinite(n) & (n > 0.0) & (x >= 0.0) & (x <= n)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        root = z * np.sqrt(z2 + 4.0 * x * (1.0 - x / n))
        denom = 2.0 * (n + z2)
        lower = (2.0 * x + z2 - root) / denom
        upper = (2.0 * x + z2 + root) / denom
        proportion = x / n
    # Mathematically lower = 0 at x = 0, upper = 1 at x = n and lower <= x/n <= upper; enforce
    # these exactly so that rounding can never put a limit on the wrong side.
    lower = np.where(x == 0.0, 0.0, np.clip(np.minimum(lower, proportion), 0.0, 1.0))
    upper = np.where(x == n, 1.0, np.clip(np.maximum(upper, proportion), 0.0, 1.0))
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def byars_limits(
    count: npt.ArrayLike, level: float = 0.95, *, exact_below: float = 10.0
) -> tuple[FloatArray, FloatArray]:
    """Confidence limits for an observed count of events, as counts.

    Why: rates, standardised ratios and counts in Fingertips treat the count as Poisson.
    Byar's approximation
    lower = x(1 - 1/(9x) - z/(3 sqrt x))^3, upper = (x+1)(1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3
    is used for x >= 10; below that the exact Poisson limits
    chi2_quantile((1 - level)/2, 2x)/2 (0 when x = 0) and
    chi2_quantile(level + (1 - level)/2, 2x + 2)/2 are used, as in PHEindicatormethods'
    ``phe_rate``. ``exact_below=0`` gives Byar's formula for every count (its ``byars_lower`` and
    ``byars_upper``), with a negative lower limit raised to 0. NaN for negative or missing
    counts. Divide by the denominator for a rate (see :func:`rate_limits`).

    >>> lower, upper = byars_limits([0, 5, 65])
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 1.6235, 50.1632], [3.6889, 11.6683, 82.8491])
    """
    level = _check_level(level)
    z = z_for_level(level)
    x = as_float(count)
    valid = np.isfinite(x) & (x >= 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * np.sqrt(x))) ** 3
        x1 = x + 1.0
        upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * np.sqrt(x1))) ** 3
    lower = np.where(x == 0.0, 0.0, np.maximum(lower, 0.0))
    upper = np.array(upper, dtype=np.float64)  # arithmetic on 0-d arrays gives scalars

    exact = valid & (x < exact_below)
    whole = exact & (x == np.floor(x)) & (x < _EXACT_TABLE)
    if whole.any():  # the usual case: whole counts, read from a table made once per level
        table_lower, table_upper = _exact_poisson_table(level)
        lower[whole] = table_lower[x[whole].astype(np.intp)]
        upper[whole] = table_upper[x[whole].astype(np.intp)]
        exact &= ~whole
    if exact.any():
        xe = x[exact]
        alpha = 1.0 - level
        positive = xe > 0.0
        exact_lower = np.zeros_like(xe)
        if positive.any():
            exact_lower[positive] = 0.5 * chi2_quantile(alpha / 2.0, 2.0 * xe[positive])
        lower[exact] = exact_lower
        upper[exact] = 0.5 * chi2_quantile(level + alpha / 2.0, 2.0 * xe + 2.0)

    lower = np.where(valid, lower, np.nan)
    upper = np.where(valid, upper, np.nan)
    return lower, upper


_EXACT_TABLE = 64
"""Counts below this have their exact Poisson limits tabled per level (`byars_limits`)."""


@functools.lru_cache(maxsize=16)
def _exact_poisson_table(level: float) -> tuple[FloatArray, FloatArray]:
    """The exact Poisson limits of the counts 0 to `_EXACT_TABLE` − 1 at `level`: a table of
    areas repeats the same few small counts at the same two or three levels."""
    counts = np.arange(float(_EXACT_TABLE))
    alpha = 1.0 - level
    lower = np.zeros(_EXACT_TABLE)
    lower[1:] = 0.5 * chi2_quantile(alpha / 2.0, 2.0 * counts[1:])
    upper = 0.5 * chi2_quantile(level + alpha / 2.0, 2.0 * counts + 2.0)
    lower.flags.writeable = False
    upper.flags.writeable = False
    return lower, upper


def rate_limits(
    count: npt.ArrayLike,
    denominator: npt.ArrayLike,
    multiplier: float,
    level: float = 0.95,
    *,
    exact_below: float = 10.0,
) -> tuple[FloatArray, FloatArray]:
    """Confidence limits for a crude rate, count / denominator * multiplier.

    Why: a crude rate's uncertainty is that of its Poisson count; the denominator (a
    population) is taken as known, so the limits of :func:`byars_limits` are simply rescaled.
    NaN where the count is invalid or the denominator is missing or not positive.

    >>> lower, upper = rate_limits([81770, 12], [12183016, 5000], 10_000)
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([66.6588, 12.387], [67.5797, 41.9257])
    """
    count_lower, count_upper = byars_limits(count, level, exact_below=exact_below)
    den = as_float(denominator)
    valid = np.isfinite(den) & (den > 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(valid, float(multiplier) / den, np.nan)
        lower = np.asarray(count_lower * scale, dtype=np.float64)
        upper = np.asarray(count_upper * scale, dtype=np.float64)
    return lower, upper


def mean_limits(
    total: npt.ArrayLike, count: npt.ArrayLike, sd: npt.ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Student's t confidence limits for a mean, from its total, count and standard deviation.

    Why: Fingertips gives an average the limits mean +/- t * sd / sqrt(n), with t the
    (1 + level) / 2 quantile on n - 1 degrees of freedom (``phe_mean``); taking the total and
    count lets callers aggregate first. ``sd`` is the sample standard deviation (divisor
    n - 1). NaN where the count is below 2 or any input is missing or sd is negative.

    >>> lower, upper = mean_limits([429.63476], [8], [20.97557525770931])
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([36.1683], [71.2404])
    """
    level = _check_level(level)
    t_sum, n, s = np.broadcast_arrays(as_float(total), as_float(count), as_float(sd))
    valid = np.isfinite(t_sum) & np.isfinite(n) & np.isfinite(s) & (n >= 2.0) & (s >= 0.0)
    df = np.where(valid, n - 1.0, np.nan)
    t = t_quantile(level + (1.0 - level) / 2.0, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = t_sum / n
        half_width = t * s / np.sqrt(n)
        lower = np.where(valid, mean - half_width, np.nan)
        upper = np.where(valid, mean + half_width, np.nan)
    return lower, upper


def group_median(values: npt.ArrayLike, groups: npt.ArrayLike, n_groups: int) -> FloatArray:
    """The median of ``values`` within each group 0 .. n_groups - 1, ignoring NaN values.

    Why: indicators are often summarised by the median across the areas of a region or a
    statistical neighbour group. Sorting once by (group, value) with ``np.lexsort`` and reading
    the middle elements at each group's offset gives every group's median without a Python loop
    over groups. Even-sized groups average the two middle values; empty groups give NaN.

    >>> group_median([3.0, 1.0, 2.0, 10.0, 20.0, float("nan")], [0, 0, 0, 1, 1, 2], 4).tolist()
    [2.0, 15.0, nan, nan]
    """
    if n_groups < 0:
        raise ValueError(f"n_groups must be non-negative, got {n_groups!r}")
    v = as_float(values).ravel()
    g_raw = np.asarray(groups)
    if g_raw.size == 0:
        g_raw = g_raw.astype(np.intp)
    if g_raw.dtype.kind not in "iu":
        raise TypeError(f"groups must be integers, got dtype {g_raw.dtype}")
    g = g_raw.astype(np.intp).ravel()
    if g.shape != v.shape:
        raise ValueError(f"values and groups differ in size: {v.size} and {g.size}")
    if g.size and (g.min() < 0 or g.max() >= n_groups):
        raise ValueError(f"group ids must lie in 0 .. {n_groups - 1}")

    keep = ~np.isnan(v)
    v = v[keep]
    g = g[keep]
    order = np.lexsort((v, g))
    sorted_values = v[order]
    counts = np.bincount(g, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    present = counts > 0
    low = (starts + (counts - 1) // 2)[present]
    high = (starts + counts // 2)[present]
    result = np.full(n_groups, np.nan)
    result[present] = (sorted_values[low] + sorted_values[high]) / 2.0
    return result
