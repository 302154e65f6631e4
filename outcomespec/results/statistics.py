"""Confidence intervals for indicators, computed the way OHID Fingertips computes them.

The methods follow the PHEindicatormethods R package (UK Health Security Agency), which is the
reference implementation of the Fingertips "technical guidance" statistics:

* Wilson score limits for proportions (:func:`wilson_limits`);
* Byar's approximation, with exact Poisson limits for small counts, for counts and crude rates
  (:func:`byars_limits`, :func:`rate_limits`);
* Student's t limits for means (:func:`mean_limits`).

Every function works on whole NumPy arrays at once, so an indicator over all local authorities is
one call rather than one call per area. Missing or impossible inputs give NaN limits instead of
raising, because a frameworks table routinely has suppressed or missing cells.

The quantile functions (:func:`normal_quantile`, :func:`chi2_quantile`, :func:`t_quantile`) are
our own, so that the package needs no SciPy at run time. They are accurate to roughly 1e-13
relative over the ranges the indicators use; the tests check them against SciPy.

The module keeps no state and prints nothing.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, Final, overload

import numpy as np
import numpy.typing as npt

__all__ = [
    "FloatArray",
    "byars_limits",
    "chi2_quantile",
    "group_median",
    "mean_limits",
    "normal_quantile",
    "rate_limits",
    "t_quantile",
    "wilson_limits",
    "z_for_level",
]

FloatArray = npt.NDArray[np.float64]
"""A NumPy array of float64, the type every limit function returns."""

_ArrayInput = npt.NDArray[Any] | Sequence[float]

_EPS: Final = float(np.finfo(np.float64).eps)
_FPMIN: Final = 1e-300
_MAX_SERIES: Final = 100_000
_MAX_NEWTON: Final = 200
_NEWTON_TOL: Final = 1e-12
_MAX_LOG_STEP: Final = 10.0
_SQRT2: Final = math.sqrt(2.0)
_SQRT2PI: Final = math.sqrt(2.0 * math.pi)
_LOG_PI: Final = math.log(math.pi)

# Acklam's rational approximation to the inverse normal distribution (relative error < 1.15e-9),
# refined below by Halley steps to full double precision.
_ACKLAM_A: Final = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_ACKLAM_B: Final = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_ACKLAM_C: Final = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_ACKLAM_D: Final = (
    7.784695709041462e-03,
    3.224671290700398e-01,
    2.445134137142996e00,
    3.754408661907416e00,
)
_ACKLAM_P_LOW: Final = 0.02425


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------


def _as_float(values: npt.ArrayLike) -> FloatArray:
    """Return ``values`` as a float64 array (a copy, so callers may write into it)."""
    return np.array(values, dtype=np.float64)


def _is_scalar(*values: npt.ArrayLike) -> bool:
    """True when every argument is a plain number rather than an array or a sequence."""
    return all(np.ndim(v) == 0 and not isinstance(v, np.ndarray) for v in values)


def _apply(func: Callable[[float], float], values: FloatArray) -> FloatArray:
    """Apply a scalar ``math`` function element by element (NumPy has no erf or lgamma)."""
    flat = [func(float(v)) for v in values.ravel()]
    return np.array(flat, dtype=np.float64).reshape(values.shape)


def _lgamma(values: FloatArray) -> FloatArray:
    """Elementwise log-gamma of positive values; NaN elsewhere."""
    return _apply(lambda v: math.lgamma(v) if v > 0 else math.nan, values)


def _log_gamma_half_ratio(a: FloatArray) -> FloatArray:
    """ln Gamma(a + 1/2) - ln Gamma(a) for a > 0, without the cancellation of two lgammas.

    For large a the difference of Stirling series is used, in which the large terms cancel
    analytically; for small a the plain difference is already accurate.
    """
    large = a >= 20.0
    safe = np.where(large, a, 20.0)

    def stirling_tail(z: FloatArray) -> FloatArray:
        r = 1.0 / (z * z)
        series = 1.0 / 12.0 + r * (
            -1.0 / 360.0 + r * (1.0 / 1260.0 + r * (-1.0 / 1680.0 + r / 1188.0))
        )
        return series / z

    asymptotic = (
        safe * np.log1p(0.5 / safe)
        + 0.5 * np.log(safe)
        - 0.5
        + (stirling_tail(safe + 0.5) - stirling_tail(safe))
    )
    small = np.where(large, 1.0, a)
    direct = _lgamma(small + 0.5) - _lgamma(small)
    return np.where(large, asymptotic, direct)


def _polyval(coefficients: tuple[float, ...], x: FloatArray) -> FloatArray:
    """Evaluate a polynomial by Horner's rule, highest power first."""
    result = np.full(x.shape, coefficients[0], dtype=np.float64)
    for c in coefficients[1:]:
        result = result * x + c
    return result


def _check_level(level: float) -> float:
    """Validate a two-sided confidence level such as 0.95 or 0.998 and return it as a float."""
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence level must be strictly between 0 and 1, got {level!r}")
    return level


# ---------------------------------------------------------------------------------------------
# the normal distribution
# ---------------------------------------------------------------------------------------------


def _normal_quantile_array(p: FloatArray) -> FloatArray:
    """Inverse standard normal CDF over an array; see :func:`normal_quantile`."""
    out = np.full(p.shape, np.nan)
    out[p == 0.0] = -np.inf
    out[p == 1.0] = np.inf
    inside = (p > 0.0) & (p < 1.0)
    if not inside.any():
        return out
    pv = p[inside]
    upper = pv > 0.5
    # Work in the lower half, q <= 1/2; 1 - p is exact for p >= 1/2, so no precision is lost.
    q = np.where(upper, 1.0 - pv, pv)
    x = np.empty_like(q)

    central = q >= _ACKLAM_P_LOW
    r = q[central] - 0.5
    r2 = r * r
    x[central] = _polyval(_ACKLAM_A, r2) * r / (_polyval(_ACKLAM_B, r2) * r2 + 1.0)
    tail = ~central
    t = np.sqrt(-2.0 * np.log(q[tail]))
    x[tail] = _polyval(_ACKLAM_C, t) / (_polyval(_ACKLAM_D, t) * t + 1.0)

    # Halley refinement. Near the median the residual is formed from erf and the exact q - 1/2,
    # so tiny quantiles keep their relative accuracy; in the tail erfc of a positive argument
    # is accurate to full relative precision.
    near_median = q >= 0.25
    for _ in range(2):
        resid = np.empty_like(x)
        resid[near_median] = 0.5 * _apply(math.erf, x[near_median] / _SQRT2) - (
            q[near_median] - 0.5
        )
        far = ~near_median
        resid[far] = 0.5 * _apply(math.erfc, -x[far] / _SQRT2) - q[far]
        with np.errstate(over="ignore", invalid="ignore"):
            u = resid * _SQRT2PI * np.exp(0.5 * x * x)
            refined = x - u / (1.0 + 0.5 * x * u)
        x = np.where(np.isfinite(refined), refined, x)

    out[inside] = np.where(upper, -x, x)
    return out


@overload
def normal_quantile(p: float) -> float: ...
@overload
def normal_quantile(p: _ArrayInput) -> FloatArray: ...
def normal_quantile(p: float | _ArrayInput) -> float | FloatArray:
    """Inverse of the standard normal distribution function.

    Why: every Fingertips limit starts from a normal deviate (z = 1.96 for 95%, 3.09 for
    99.8%), and we must not depend on SciPy at run time. Acklam's rational approximation is
    refined by two Halley steps, giving close to full double precision. ``p`` of 0 or 1 gives
    -inf or +inf; anything outside [0, 1] or NaN gives NaN. A plain number in gives a float out.

    >>> round(normal_quantile(0.975), 6)
    1.959964
    >>> normal_quantile([0.5, 0.001]).round(4).tolist()
    [0.0, -3.0902]
    """
    result = _normal_quantile_array(_as_float(p))
    return float(result) if _is_scalar(p) else result


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


# ---------------------------------------------------------------------------------------------
# the incomplete gamma function and the chi-squared distribution
# ---------------------------------------------------------------------------------------------


def _gammainc_pair(a: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x).

    As in Numerical Recipes: the series gives P directly for x < a + 1 and the continued
    fraction (modified Lentz) gives Q directly otherwise; the other one is its complement. In
    each region the complement is at least about 0.08, so both come out with good relative
    accuracy. ``a`` must be positive and ``x`` non-negative (same shape).
    """
    p = np.zeros(a.shape)
    q = np.ones(a.shape)
    p[x == np.inf] = 1.0
    q[x == np.inf] = 0.0
    positive = (x > 0.0) & (x < np.inf)
    series = positive & (x < a + 1.0)
    fraction = positive & ~series

    if series.any():
        aa, xx = a[series], x[series]
        log_front = aa * np.log(xx) - xx - _lgamma(aa)
        ap = aa.copy()
        term = 1.0 / aa
        total = term.copy()
        for _ in range(_MAX_SERIES):
            ap += 1.0
            term *= xx / ap
            total += term
            if not np.any(np.abs(term) >= np.abs(total) * _EPS):
                break
        p_series = total * np.exp(log_front)
        p[series] = p_series
        q[series] = 1.0 - p_series

    if fraction.any():
        aa, xx = a[fraction], x[fraction]
        log_front = aa * np.log(xx) - xx - _lgamma(aa)
        b = xx + 1.0 - aa
        c = np.full(aa.shape, 1.0 / _FPMIN)
        d = 1.0 / b
        h = d.copy()
        for i in range(1, _MAX_SERIES):
            an = -i * (i - aa)
            b = b + 2.0
            d = an * d + b
            d = np.where(np.abs(d) < _FPMIN, _FPMIN, d)
            c = b + an / c
            c = np.where(np.abs(c) < _FPMIN, _FPMIN, c)
            d = 1.0 / d
            delta = d * c
            h = h * delta
            if not np.any(np.abs(delta - 1.0) > 2.0 * _EPS):
                break
        q_fraction = np.exp(log_front) * h
        q[fraction] = q_fraction
        p[fraction] = 1.0 - q_fraction

    return p, q


def _solve_increasing(
    func: Callable[[npt.NDArray[np.intp], FloatArray], tuple[FloatArray, FloatArray]],
    w0: FloatArray,
) -> FloatArray:
    """Find the roots of increasing functions g_i(w) = 0 by safeguarded Newton iteration.

    ``func(idx, w)`` returns g and dg/dw for the problems ``idx`` at the points ``w``. Each
    problem keeps a bracket [lo, hi] that shrinks as the sign of g is learned; a Newton step
    that leaves the bracket (or is not finite) is replaced by bisection, or by a unit step
    outwards while one side of the bracket is still open.
    """
    w = w0.copy()
    lo = np.full(w.shape, -np.inf)
    hi = np.full(w.shape, np.inf)
    active = np.isfinite(w)
    for _ in range(_MAX_NEWTON):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        wi = w[idx]
        g, dg = func(idx, wi)
        lo_i = np.where(g < 0.0, wi, lo[idx])
        hi_i = np.where(g > 0.0, wi, hi[idx])
        lo[idx] = lo_i
        hi[idx] = hi_i
        with np.errstate(divide="ignore", invalid="ignore"):
            step = g / dg
        candidate = wi - np.clip(step, -_MAX_LOG_STEP, _MAX_LOG_STEP)
        # A step too small to matter ends the iteration, even where rounding puts it on or just
        # past an end of the bracket (as when the start is already the root); treating it as a
        # failed step would throw away a converged point for a bisection.
        tiny = (
            np.isfinite(g)
            & np.isfinite(dg)
            & (np.abs(step) <= _NEWTON_TOL * np.maximum(1.0, np.abs(wi)))
        )
        ok = np.isfinite(candidate) & (candidate >= lo_i) & (candidate <= hi_i)
        bisect_lo = np.where(np.isfinite(lo_i), 0.5 * (lo_i + wi), wi - 1.0)
        bisect_hi = np.where(np.isfinite(hi_i), 0.5 * (wi + hi_i), wi + 1.0)
        fallback = np.where(g > 0.0, bisect_lo, bisect_hi)
        new = np.where(ok | tiny, candidate, fallback)
        new = np.where(g == 0.0, wi, new)
        done = (g == 0.0) | tiny | (hi_i - lo_i <= 4.0 * _EPS * np.maximum(1.0, np.abs(wi)))
        w[idx] = new
        active[idx[done]] = False
    return w


def _chi2_quantile_array(p: FloatArray, df: FloatArray) -> FloatArray:
    """Chi-squared quantiles over broadcast arrays; see :func:`chi2_quantile`."""
    p, df = np.broadcast_arrays(p, df)
    out = np.full(p.shape, np.nan)
    valid_df = np.isfinite(df) & (df > 0.0)
    out[valid_df & (p == 0.0)] = 0.0
    out[valid_df & (p == 1.0)] = np.inf
    inside = valid_df & (p > 0.0) & (p < 1.0)
    if not inside.any():
        return out

    # Each distinct (p, df) once: a table of areas repeats the same small counts.
    _, first, inverse = np.unique(
        np.stack([p[inside], df[inside]], axis=1), axis=0, return_index=True,
        return_inverse=True
    )
    pv = p[inside][first]
    a = 0.5 * df[inside][first]
    lower = pv <= 0.5
    # Solve on the smaller tail, on a log scale: ln P(x) = ln p or ln Q(x) = ln(1 - p).
    log_target = np.where(lower, np.log(pv), np.log1p(-pv))
    lg = _lgamma(a)

    # Initial guess from Numerical Recipes' invgammp: Wilson-Hilferty for a > 1, a power law or
    # exponential tail for a <= 1.
    x0 = np.empty_like(a)
    big = a > 1.0
    if big.any():
        ab = a[big]
        pp = np.minimum(pv[big], 1.0 - pv[big])
        t = np.sqrt(-2.0 * np.log(pp))
        z = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t
        z = np.where(pv[big] < 0.5, -z, z)
        x0[big] = np.maximum(1e-3, ab * (1.0 - 1.0 / (9.0 * ab) - z / (3.0 * np.sqrt(ab))) ** 3)
    small = ~big
    if small.any():
        asm = a[small]
        psm = pv[small]
        t = 1.0 - asm * (0.253 + asm * 0.12)
        with np.errstate(divide="ignore", over="ignore", under="ignore"):
            power = (psm / t) ** (1.0 / asm)
            expo = 1.0 - np.log1p(-(psm - t) / (1.0 - t))
        guess = np.where(psm < t, power, expo)
        x0[small] = np.where(guess > 0.0, guess, 1e-300)

    def residual(idx: npt.NDArray[np.intp], w: FloatArray) -> tuple[FloatArray, FloatArray]:
        ai = a[idx]
        x = np.exp(w)
        prob_p, prob_q = _gammainc_pair(ai, x)
        with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
            # x f(x): the gamma density times x, which is d P / d ln x.
            x_density = np.exp(ai * w - x - lg[idx])
            is_lower = lower[idx]
            g = np.where(
                is_lower,
                np.log(prob_p) - log_target[idx],
                log_target[idx] - np.log(prob_q),
            )
            dg = np.where(is_lower, x_density / prob_p, x_density / prob_q)
        return g, dg

    w = _solve_increasing(residual, np.log(x0))
    out[inside] = (2.0 * np.exp(w))[inverse.reshape(-1)]
    return out


@overload
def chi2_quantile(p: float, df: float) -> float: ...
@overload
def chi2_quantile(p: _ArrayInput, df: float | _ArrayInput) -> FloatArray: ...
@overload
def chi2_quantile(p: float | _ArrayInput, df: _ArrayInput) -> FloatArray: ...
def chi2_quantile(p: float | _ArrayInput, df: float | _ArrayInput) -> float | FloatArray:
    """Quantile of the chi-squared distribution with ``df`` degrees of freedom.

    Why: exact Poisson limits for small counts are ``qchisq(alpha / 2, 2x) / 2`` and
    ``qchisq(1 - alpha / 2, 2x + 2) / 2``. This inverts the regularised incomplete gamma
    function (series and continued fraction, as in Numerical Recipes) by a bracketed Newton
    iteration on the logarithm of the smaller tail, so both tails keep their relative accuracy.
    ``p`` and ``df`` broadcast; p = 0 gives 0, p = 1 gives inf, invalid input gives NaN.

    >>> round(chi2_quantile(0.975, 2), 6)
    7.377759
    >>> chi2_quantile([0.025, 0.5], 10).round(4).tolist()
    [3.247, 9.3418]
    """
    result = _chi2_quantile_array(_as_float(p), _as_float(df))
    return float(result) if _is_scalar(p, df) else result


# ---------------------------------------------------------------------------------------------
# the incomplete beta function and Student's t distribution
# ---------------------------------------------------------------------------------------------


def _betacf(a: FloatArray, b: FloatArray, x: FloatArray) -> FloatArray:
    """Continued fraction for the incomplete beta function (modified Lentz, Numerical Recipes).

    Each element stops as soon as its own fraction has converged. Testing the whole batch at
    once instead made every element iterate until all of them happened, in the same step, to
    sit within rounding noise of 1, which could take a thousand terms rather than fifty.
    """
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = np.ones(a.shape)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < _FPMIN, _FPMIN, d)
    d = 1.0 / d
    h = d.copy()
    active = np.ones(a.shape, dtype=bool)
    for m in range(1, _MAX_SERIES):
        m2 = 2.0 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < _FPMIN, _FPMIN, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < _FPMIN, _FPMIN, c)
        d = 1.0 / d
        even = d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < _FPMIN, _FPMIN, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < _FPMIN, _FPMIN, c)
        d = 1.0 / d
        delta = d * c
        h = np.where(active, h * even * delta, h)
        active &= np.abs(delta - 1.0) > 2.0 * _EPS
        if not active.any():
            break
    return h


def _betainc_pair(
    a: FloatArray, b: FloatArray, x: FloatArray, xc: FloatArray, log_beta: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Regularised incomplete beta I_x(a, b) and its complement 1 - I_x(a, b).

    ``xc`` is 1 - x and ``log_beta`` is ln B(a, b), both supplied by the caller so that they
    can be formed without cancellation. The
    continued fraction is evaluated on whichever side of (a + 1) / (a + b + 2) converges, and
    the other value is found as a complement (which is then never close to 1).
    """
    ix = np.zeros(a.shape)
    jx = np.ones(a.shape)
    at_one = xc <= 0.0
    ix[at_one] = 1.0
    jx[at_one] = 0.0
    inside = (x > 0.0) & ~at_one
    if not inside.any():
        return ix, jx
    ai, bi, xi, xci = a[inside], b[inside], x[inside], xc[inside]
    log_front = ai * np.log(xi) + bi * np.log(xci) - log_beta[inside]
    front = np.exp(log_front)
    direct = xi < (ai + 1.0) / (ai + bi + 2.0)
    result_i = np.empty_like(ai)
    result_j = np.empty_like(ai)
    if direct.any():
        val = front[direct] * _betacf(ai[direct], bi[direct], xi[direct]) / ai[direct]
        result_i[direct] = val
        result_j[direct] = 1.0 - val
    flipped = ~direct
    if flipped.any():
        val = front[flipped] * _betacf(bi[flipped], ai[flipped], xci[flipped]) / bi[flipped]
        result_j[flipped] = val
        result_i[flipped] = 1.0 - val
    ix[inside] = result_i
    jx[inside] = result_j
    return ix, jx


# The Cornish-Fisher expansion of the t quantile in powers of 1/v,
# t = z + g_1(z) / v + g_2(z) / v^2 + ..., with z the normal quantile. Each entry is
# (D_k, coefficients of P_k highest power first), where g_k(z) = z P_k(z^2) / D_k. The first four
# are Abramowitz & Stegun 26.7.5; all were derived exactly in rational arithmetic from
# f_v(t) dt/dz = phi(z), order by order in 1/v (each order is a linear ODE g_k' - z g_k = S_k with
# one odd polynomial solution).
# fmt: off
_T_EXPANSION: Final[tuple[tuple[int, tuple[int, ...]], ...]] = (
    (4, (1, 1)),
    (96, (5, 16, 3)),
    (384, (3, 19, 17, -15)),
    (92160, (79, 776, 1482, -1920, -945)),
    (122880, (9, 113, 310, -594, -255, 5985)),
    (185794560, (1065, 15448, 48821, -82440, 616707, 6667920, 2463615)),
    (743178240, (339, 6891, 41107, 113891, 1086849, 5639193, -18226215, -111486375)),
    (356725555200, (9159, 296624, 3393364, 16657824, 27817290, -591760080, -9178970220,
                    -42618441600, -14223634425)),
    (1426902220800, (63, -7857, -131468, -5104636, -115962198, -1311524070, -8066259180,
                     -5512748220, 294835704975, 1221207562575)),
    (376702186291200, (6885, -1806144, -63179713, -825184400, -5470105086, 2449206000,
                       624056630670, 8907085717200, 69346180082025, 263033183120400,
                       83774549333475)),
)
# fmt: on
# The expansion is taken as the answer where its last two terms are below this, relative: the
# series is asymptotic, and where its terms are still falling this fast the remainder is of the
# order of the last term.
_EXPANSION_TOL: Final = 1e-16


def _t_expansion(z: FloatArray, v: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """The Cornish-Fisher t quantile for normal quantiles z >= 0, and where it is exact.

    Why: for all but small degrees of freedom the expansion is exact to double precision and
    costs a few array operations, while inverting the incomplete beta function needs a
    continued fraction of ~sqrt(v) terms per Newton step. Returns (s, exact): s sums the terms
    up to the first that stops shrinking (the best an asymptotic series offers, and a good
    Newton start), and ``exact`` marks where every term was used and the last two are
    negligible.
    """
    z2 = z * z
    scale = z.copy()  # z / v^k
    terms = []
    with np.errstate(over="ignore", invalid="ignore"):
        for denominator, coefficients in _T_EXPANSION:
            scale = scale / v
            terms.append(_polyval(coefficients, z2) * scale / denominator)
        # Keep terms while they shrink (allowing one that a root of g_k made unusually small).
        keep = []
        shrinking = np.ones(z.shape, dtype=bool)
        before, previous = np.full(z.shape, np.inf), z
        for term in terms:
            size = np.abs(term)
            shrinking = shrinking & ((size < np.abs(previous)) | (size < np.abs(before)))
            keep.append(shrinking)
            before, previous = previous, term
        total = np.zeros(z.shape)
        for term, kept in zip(reversed(terms), reversed(keep), strict=True):  # smallest first
            total = total + np.where(kept, term, 0.0)
        s = z + total
        tail = np.maximum(np.abs(terms[-1]), np.abs(terms[-2]))
        exact = keep[-1] & np.isfinite(s) & (tail <= _EXPANSION_TOL * s)
    return s, exact


def _t_solve(q: FloatArray, v: FloatArray, s0: FloatArray) -> FloatArray:
    """Solve P(T > s) = q for s > 0 by Newton's method from s0, once per distinct (v, q).

    Why: a table of areas repeats the same counts, and the expansion leaves only small v here,
    where the continued fraction is short. In the tails the equation is ln P(T > s) = ln q; near
    the centre it is ln P(|T| < s) = ln(1 - 2q) instead, which is exact in floating point and
    keeps small quantiles accurate. Both are solved for ln s.
    """
    _, first, inverse = np.unique(
        np.stack([v, q], axis=1), axis=0, return_index=True, return_inverse=True
    )
    v, q, s0 = v[first], q[first], s0[first]
    in_tail = q < 0.25
    log_target = np.where(in_tail, np.log(q), np.log1p(-2.0 * q))
    half_v = 0.5 * v
    halves = np.full(v.shape, 0.5)
    # ln B(v/2, 1/2) and the log of the density's constant, from one accurate gamma ratio.
    gamma_ratio = _log_gamma_half_ratio(half_v)
    log_beta = 0.5 * _LOG_PI - gamma_ratio
    log_density_const = gamma_ratio - 0.5 * (np.log(v) + _LOG_PI)

    def residual(idx: npt.NDArray[np.intp], w: FloatArray) -> tuple[FloatArray, FloatArray]:
        vi = v[idx]
        s = np.exp(w)
        s2 = s * s
        x = vi / (vi + s2)
        xc = s2 / (vi + s2)
        ibeta, jbeta = _betainc_pair(half_v[idx], halves[idx], x, xc, log_beta[idx])
        upper_tail = 0.5 * ibeta  # P(T > s)
        central = jbeta  # P(|T| < s)
        with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
            # s f(s), the t density times s: d P(T < s) / d ln s.
            s_density = s * np.exp(log_density_const[idx] - 0.5 * (vi + 1.0) * np.log1p(s2 / vi))
            tail_i = in_tail[idx]
            g = np.where(
                tail_i,
                log_target[idx] - np.log(upper_tail),
                np.log(central) - log_target[idx],
            )
            dg = np.where(tail_i, s_density / upper_tail, 2.0 * s_density / central)
        return g, dg

    w = _solve_increasing(residual, np.log(s0))
    return np.exp(w)[inverse.reshape(-1)]


def _t_quantile_array(p: FloatArray, df: FloatArray) -> FloatArray:
    """Student t quantiles over broadcast arrays; see :func:`t_quantile`."""
    p, df = np.broadcast_arrays(p, df)
    out = np.full(p.shape, np.nan)
    valid_df = (df > 0.0) & ~np.isnan(df)
    out[valid_df & (p == 0.0)] = -np.inf
    out[valid_df & (p == 1.0)] = np.inf
    out[valid_df & (p == 0.5)] = 0.0
    normal = valid_df & np.isinf(df) & (p > 0.0) & (p < 1.0)
    out[normal] = _normal_quantile_array(p[normal])
    inside = valid_df & np.isfinite(df) & (p > 0.0) & (p < 1.0) & (p != 0.5)
    if not inside.any():
        return out

    pv = p[inside]
    v = df[inside]
    sign = np.where(pv < 0.5, -1.0, 1.0)
    q = np.where(pv < 0.5, pv, 1.0 - pv)  # upper-tail probability of |t|, exact for p > 1/2
    # Usually one level is broadcast over every cell, so find each distinct normal quantile once.
    q_values, q_index = np.unique(q, return_inverse=True)
    z = np.abs(_normal_quantile_array(q_values))[q_index.reshape(-1)]
    s, exact = _t_expansion(z, v)
    # Closed forms for 1 and 2 degrees of freedom; 1/2 - q is exact for q >= 1/4.
    with np.errstate(divide="ignore"):
        cauchy = np.where(q < 0.25, 1.0 / np.tan(np.pi * q), np.tan(np.pi * (0.5 - q)))
    s = np.where(v == 1.0, cauchy, s)
    s = np.where(v == 2.0, (1.0 - 2.0 * q) / np.sqrt(2.0 * q * (1.0 - q)), s)
    exact |= (v == 1.0) | (v == 2.0)
    solve = ~exact
    if solve.any():
        start = s[solve]
        start = np.where(np.isfinite(start) & (start > 0.0), start, np.maximum(z[solve], 1e-300))
        s[solve] = _t_solve(q[solve], v[solve], start)
    out[inside] = sign * s
    return out


@overload
def t_quantile(p: float, df: float) -> float: ...
@overload
def t_quantile(p: _ArrayInput, df: float | _ArrayInput) -> FloatArray: ...
@overload
def t_quantile(p: float | _ArrayInput, df: _ArrayInput) -> FloatArray: ...
def t_quantile(p: float | _ArrayInput, df: float | _ArrayInput) -> float | FloatArray:
    """Quantile of Student's t distribution with ``df`` degrees of freedom.

    Why: Fingertips gives a mean the limits mean +/- t * sd / sqrt(n) with n - 1 degrees of
    freedom, and small areas have few observations, where t differs markedly from z. Except for
    small ``df`` a ten-term Cornish-Fisher expansion is already exact to double precision;
    elsewhere the regularised incomplete beta function is inverted by a bracketed Newton
    iteration on a log scale started from that expansion (1 and 2 df have closed forms).
    ``p`` and ``df`` broadcast (``df`` need not be an integer); invalid input gives NaN.

    >>> round(t_quantile(0.975, 10), 6)
    2.228139
    >>> t_quantile(0.975, [1, 2, 30]).round(4).tolist()
    [12.7062, 4.3027, 2.0423]
    """
    result = _t_quantile_array(_as_float(p), _as_float(df))
    return float(result) if _is_scalar(p, df) else result


# ---------------------------------------------------------------------------------------------
# confidence limits
# ---------------------------------------------------------------------------------------------


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
    x, n = np.broadcast_arrays(_as_float(numerator), _as_float(denominator))
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
    x = _as_float(count)
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
            exact_lower[positive] = 0.5 * _chi2_quantile_array(
                np.array(alpha / 2.0), 2.0 * xe[positive]
            )
        lower[exact] = exact_lower
        upper[exact] = 0.5 * _chi2_quantile_array(np.array(level + alpha / 2.0), 2.0 * xe + 2.0)

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
    lower[1:] = 0.5 * _chi2_quantile_array(np.array(alpha / 2.0), 2.0 * counts[1:])
    upper = 0.5 * _chi2_quantile_array(np.array(level + alpha / 2.0), 2.0 * counts + 2.0)
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
    den = _as_float(denominator)
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
    t_sum, n, s = np.broadcast_arrays(_as_float(total), _as_float(count), _as_float(sd))
    valid = np.isfinite(t_sum) & np.isfinite(n) & np.isfinite(s) & (n >= 2.0) & (s >= 0.0)
    df = np.where(valid, n - 1.0, np.nan)
    t = _t_quantile_array(np.array(level + (1.0 - level) / 2.0), df)
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
    v = _as_float(values).ravel()
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
