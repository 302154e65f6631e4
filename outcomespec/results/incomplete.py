"""The special functions under the quantiles: the regularised incomplete gamma and beta
functions, and the safeguarded Newton iteration that inverts them.

Why a module of their own: they are numerical methods (series and continued fractions, as in
Numerical Recipes), which change only when their accuracy or speed does; the quantiles in
`outcomespec.results.quantiles` are defined by inverting them. Every function works on whole
NumPy arrays, keeps no state and prints nothing.

>>> p, q = gammainc_pair(np.array([1.0]), np.array([1.0]))  # P(1, x) = 1 - exp(-x)
>>> round(float(p[0]), 12), round(float(q[0]), 12)
(0.632120558829, 0.367879441171)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["FloatArray", "as_float", "betainc_pair", "elementwise", "gammainc_pair", "lgamma",
           "log_gamma_half_ratio", "solve_increasing"]

FloatArray = npt.NDArray[np.float64]
"""A NumPy array of float64."""

_EPS: Final = float(np.finfo(np.float64).eps)
_FPMIN: Final = 1e-300
_MAX_SERIES: Final = 100_000
_MAX_NEWTON: Final = 200
_NEWTON_TOL: Final = 1e-12
_MAX_LOG_STEP: Final = 10.0


def as_float(values: npt.ArrayLike) -> FloatArray:
    """Return ``values`` as a float64 array (a copy, so callers may write into it)."""
    return np.array(values, dtype=np.float64)


def elementwise(func: Callable[[float], float], values: FloatArray) -> FloatArray:
    """Apply a scalar ``math`` function element by element (NumPy has no erf or lgamma)."""
    flat = [func(float(v)) for v in values.ravel()]
    return np.array(flat, dtype=np.float64).reshape(values.shape)


def lgamma(values: FloatArray) -> FloatArray:
    """Elementwise log-gamma of positive values; NaN elsewhere."""
    return elementwise(lambda v: math.lgamma(v) if v > 0 else math.nan, values)


def log_gamma_half_ratio(a: FloatArray) -> FloatArray:
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
    direct = lgamma(small + 0.5) - lgamma(small)
    return np.where(large, asymptotic, direct)


def gammainc_pair(a: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
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
        log_front = aa * np.log(xx) - xx - lgamma(aa)
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
        log_front = aa * np.log(xx) - xx - lgamma(aa)
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


def solve_increasing(
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
        c, d, even = _lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), c, d)
        c, d, delta = _lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), c, d)
        h = np.where(active, h * even * delta, h)
        active &= np.abs(delta - 1.0) > 2.0 * _EPS
        if not active.any():
            break
    return h


def _lentz_step(term: FloatArray, c: FloatArray, d: FloatArray
                ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One step of the modified Lentz method for a fraction whose partial denominators are 1:
    the new C and D (kept away from 0) and the factor C·D the fraction is multiplied by."""
    d = 1.0 + term * d
    d = np.where(np.abs(d) < _FPMIN, _FPMIN, d)
    c = 1.0 + term / c
    c = np.where(np.abs(c) < _FPMIN, _FPMIN, c)
    d = 1.0 / d
    return c, d, d * c


def betainc_pair(
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
