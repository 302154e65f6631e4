"""The recent trend of a value over its last five periods, as OHID Fingertips publishes it.

Fingertips marks each area's latest value with a "Recent Trend": whether the last five points
rise or fall significantly, and — by the indicator's polarity — whether that is getting better
or worse. Its method (`TrendMarkerCalculator` in Fingertips' published source) is followed
here:

- **five points**: the values of the five periods ending with the row's own, one year apart,
  every one published. A blank among them (suppressed, not available, not evaluated), a value
  pooled without some authorities (`incomplete`) or a missing period means the trend cannot
  be calculated. (Fingertips too requires an unbroken run of valid values.)
- **proportions**: the chi-squared test for trend in proportions on the published counts,
  the periods scored 1 to 5 (Armitage's test, Fingertips' method for proportions),
  χ² = N (N Σ xₜ t − X Σ nₜ t)² / (X (N − X) (N Σ nₜ t² − (Σ nₜ t)²)), with xₜ the numerators,
  nₜ the denominators, X and N their sums. The direction is the slope of the log-odds
  log(x / (n − x)) over the periods. A proportion of 0 or 100% in any period has no log-odds:
  the trend cannot be calculated (Fingertips refuses 100%, and 0% likewise has none).
- **rates** (and any other value with confidence limits in Fingertips): the slope of a
  weighted least-squares line through the values, each weighted by the inverse of its
  variance, taken from its 95% interval as ((upper − lower) / 3.92)², and χ² = (slope / its
  standard error)². A rate declared with 99.8% limits only takes its variance from those.
- **significance**: χ² above the 99.8% point of the chi-squared distribution with one degree
  of freedom (9.5495), *and* the same direction with each of the five points left out in turn
  (Fingertips' guard against one outlying year making a trend).
- **reading**: increasing or decreasing, and for an indicator with a polarity getting better
  or worse; no significant change otherwise. Counts, means, medians and ratios have no trend
  in Fingertips (`cannot_be_calculated`).

The trend judges a series of *published* figures only, so it gives nothing away that the
table does not already show.
"""

from __future__ import annotations

import enum
from typing import Final, assert_never

import numpy as np
import numpy.typing as npt

from outcomespec import model as m
from outcomespec.results.quantiles import chi2_quantile, normal_quantile

__all__ = ["POINTS", "SIGNIFICANT", "Trend", "TrendArray", "proportion_trends", "rate_trends",
           "read_trends", "standard_errors"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
TrendArray = npt.NDArray[np.object_]
"""A NumPy object array holding `Trend` members."""

POINTS: Final = 5
"""How many periods a recent trend reads: the row's own and the four before it."""

SIGNIFICANT: Final = float(chi2_quantile(0.998, 1))
"""χ² above which a trend is significant: the 99.8% point with one degree of freedom."""

_TIMES: Final = np.arange(1.0, POINTS + 1)
_KEPT: Final = np.vstack([np.ones(POINTS), 1.0 - np.eye(POINTS)])
"""Which points each of the six slopes uses: all five, then each one left out in turn."""


class Trend(enum.StrEnum):
    """An area's recent trend; the value is what the results table shows."""

    INCREASING_BETTER = "increasing_getting_better"
    INCREASING_WORSE = "increasing_getting_worse"
    DECREASING_BETTER = "decreasing_getting_better"
    DECREASING_WORSE = "decreasing_getting_worse"
    INCREASING = "increasing"
    DECREASING = "decreasing"
    NO_SIGNIFICANT_CHANGE = "no_significant_change"
    CANNOT_BE_CALCULATED = "cannot_be_calculated"
    NOT_ASSESSED = ""
    """The run does not hold the five periods ending with the row's: no trend is claimed."""

    @property
    def label(self) -> str:
        """The wording of Fingertips: "Increasing and getting better", "" when not assessed.

        >>> Trend.DECREASING_WORSE.label, Trend.NO_SIGNIFICANT_CHANGE.label
        ('Decreasing and getting worse', 'No significant change')
        """
        return self.value.replace("_getting", "_and_getting").replace("_", " ").capitalize()


_MEMBERS: Final = np.array(list(Trend), dtype=object)
_CODE: Final = {trend: code for code, trend in enumerate(Trend)}


def proportion_trends(numerators: npt.ArrayLike, denominators: npt.ArrayLike
                      ) -> tuple[FloatArray, FloatArray, BoolArray]:
    """χ², the log-odds slope and whether the slope keeps its sign, for each series of five
    proportions (one series a row, oldest first). NaN where a count makes them undefined.

    >>> chi2, slope, steady = proportion_trends([[994, 1023, 1199, 1332, 1367]],
    ...                                         [[40299, 41527, 42811, 44064, 44701]])
    >>> round(float(chi2[0]), 2), bool(slope[0] > 0), bool(steady[0])
    (47.9, True, True)
    """
    x = np.asarray(numerators, dtype=np.float64).reshape(-1, POINTS)
    n = np.asarray(denominators, dtype=np.float64).reshape(-1, POINTS)
    valid = np.all((x > 0) & (x < n), axis=1)
    x, n = np.where(valid[:, None], x, np.nan), np.where(valid[:, None], n, np.nan)
    big_x, big_n = x.sum(axis=1), n.sum(axis=1)
    x_t, n_t, n_tt = x @ _TIMES, n @ _TIMES, n @ _TIMES**2
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = big_n * (big_n * x_t - big_x * n_t) ** 2 / (
            big_x * (big_n - big_x) * (big_n * n_tt - n_t**2))
        log_odds = np.log(x / (n - x))
    slopes = _slopes(log_odds, np.ones_like(log_odds))
    return chi2, slopes[:, 0], _steady(slopes)


def rate_trends(values: npt.ArrayLike, errors: npt.ArrayLike
                ) -> tuple[FloatArray, FloatArray, BoolArray]:
    """χ², the weighted slope and whether the slope keeps its sign, for each series of five
    values with their standard errors (one series a row, oldest first).

    >>> values = [[24.67, 24.6, 28.0, 30.2, 30.6]]
    >>> errors = standard_errors([[23.16, 23.15, 26.44, 28.63, 28.98]],
    ...                          [[26.25, 26.19, 29.64, 31.9, 32.25]], 0.95)
    >>> chi2, slope, steady = rate_trends(values, errors)
    >>> round(float(chi2[0]), 2), bool(slope[0] > 0), bool(steady[0])
    (46.77, True, True)
    """
    y = np.asarray(values, dtype=np.float64).reshape(-1, POINTS)
    se = np.asarray(errors, dtype=np.float64).reshape(-1, POINTS)
    valid = np.all(np.isfinite(y) & (se > 0), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(valid[:, None], 1.0 / se**2, np.nan)
    slopes = _slopes(y, weights)
    s1, s3, s5 = weights.sum(axis=1), weights @ _TIMES, weights @ _TIMES**2
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.sqrt(s1 / (s1 * s5 - s3**2))
        chi2 = (slopes[:, 0] / error) ** 2
    return chi2, slopes[:, 0], _steady(slopes)


def standard_errors(lower: npt.ArrayLike, upper: npt.ArrayLike, level: float) -> FloatArray:
    """Each value's standard error from its confidence interval at `level`: the interval's
    width over 2z (3.92 at 95%), as Fingertips takes it.

    >>> standard_errors([1.0], [4.92], 0.95).round(6).tolist()
    [1.0]
    """
    z = 1.96 if abs(level - 0.95) < 1e-9 else float(normal_quantile(0.5 + level / 2.0))
    return (np.asarray(upper, dtype=np.float64) - np.asarray(lower, dtype=np.float64)) / (2 * z)


def read_trends(chi2: FloatArray, slope: FloatArray, steady: BoolArray,
                polarity: m.Polarity) -> TrendArray:
    """Each series' trend in words: significant (`SIGNIFICANT`, and steady) or not, rising or
    falling, better or worse by `polarity`; `cannot_be_calculated` where χ² is undefined.

    >>> read_trends(np.array([47.9, 3.0, np.nan]), np.array([0.1, -0.1, np.nan]),
    ...             np.array([True, True, False]), m.Polarity.LOWER_IS_BETTER).tolist()
    [<Trend.INCREASING_WORSE: 'increasing_getting_worse'>, \
<Trend.NO_SIGNIFICANT_CHANGE: 'no_significant_change'>, \
<Trend.CANNOT_BE_CALCULATED: 'cannot_be_calculated'>]
    """
    match polarity:
        case m.Polarity.HIGHER_IS_BETTER:
            rising, falling = Trend.INCREASING_BETTER, Trend.DECREASING_WORSE
        case m.Polarity.LOWER_IS_BETTER:
            rising, falling = Trend.INCREASING_WORSE, Trend.DECREASING_BETTER
        case m.Polarity.NO_JUDGEMENT | m.Polarity.TARGET_RANGE:
            # good inside a range: a rise is better or worse by where the value lies, which
            # a trend does not say
            rising, falling = Trend.INCREASING, Trend.DECREASING
        case _:
            assert_never(polarity)
    significant = steady & (chi2 > SIGNIFICANT) & (slope != 0)
    codes = np.where(slope > 0, _CODE[rising], _CODE[falling])
    codes = np.where(significant, codes, _CODE[Trend.NO_SIGNIFICANT_CHANGE])
    codes = np.where(np.isnan(chi2) | np.isnan(slope), _CODE[Trend.CANNOT_BE_CALCULATED], codes)
    result: TrendArray = _MEMBERS[codes]
    return result


def _slopes(y: FloatArray, weights: FloatArray) -> FloatArray:
    """The weighted least-squares slope of `y` over the periods 1 to 5, using all five
    points and then each four of them: one row of six slopes per series."""
    w = weights[:, None, :] * _KEPT[None, :, :]
    s1, s3, s5 = w.sum(axis=2), w @ _TIMES, w @ _TIMES**2
    s4: FloatArray = np.einsum("rkp,rp->rk", w, y)
    s2: FloatArray = np.einsum("rkp,rp->rk", w, y * _TIMES)
    with np.errstate(divide="ignore", invalid="ignore"):
        slopes: FloatArray = (s1 * s2 - s3 * s4) / (s1 * s5 - s3**2)
    return slopes


def _steady(slopes: FloatArray) -> BoolArray:
    """Whether all six slopes point the same way. (A slope of exactly 0 counts as rising, as
    in Fingertips; a trend needs a slope other than 0 anyway.)"""
    steady: BoolArray = np.all(slopes >= 0, axis=1) | np.all(slopes < 0, axis=1)
    return steady
