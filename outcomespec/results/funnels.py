"""Funnel plots: each unit against its peers' mean, by limits that narrow as its size grows.

A league table ranks providers (or authorities) by value, and the smallest come top and
bottom by chance. A funnel plot compares each with the mean of its peers instead, by
control limits around that mean at the unit's own denominator: at 95% and 99.8%, wide for a
children's home with four placements, narrow for a fostering agency with four hundred. A
unit is *within* the limits, or *above* or *below* them; the judgement reads that by the
indicator's polarity.

The methods are those of the PHEindicatormethods R package (UK Health Security Agency), as
OHID Fingertips publishes them:

* proportions: the limits are the proportions whose Wilson score interval just reaches the
  mean (`proportion_limits`, the package's `sigma_adjustment` in closed form), and a unit is
  above or below when its value lies beyond them (`assign_funnel_significance`);
* rates and ratios: the numerator is a Poisson count; a unit is above (below) when its
  count's confidence interval (Byar's, exact Poisson below 10 events:
  `outcomespec.results.limits.byars_limits`) lies wholly above (below) the count the mean
  would give it (`poisson_sides`), and the limits are the counts at which that changes
  (`poisson_limits`), found by bisection, so that limits and judgement always agree;

with, as an option, the overdispersion adjustment of Spiegelhalter (2005, "Handling
over-dispersion of performance indicators", Quality and Safety in Health Care 14:347-351):
when units differ by more than chance allows, the limits are widened by a between-unit
variance τ², estimated from the units' z-scores Winsorised at 10% each end
(`overdispersion`), to mean ± z √(s² + τ²). With no overdispersion found (τ² = 0) the exact
limits above are used.

Every function works on whole arrays; a missing or impossible input gives NaN limits and
no side. Nothing here knows about areas, providers or tables: `outcomespec.results.peers`
applies it to the results.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m
from outcomespec.results.incomplete import FloatArray, as_float
from outcomespec.results.judgement import Judgement, JudgementArray
from outcomespec.results.limits import byars_limits, z_for_level

__all__ = ["FUNNEL_LEVELS", "FUNNEL_STATISTICS", "Funnel", "FunnelGroup", "funnel_judgements",
           "overdispersion", "poisson_limits", "poisson_sides", "proportion_limits",
           "proportion_sides"]

IntArray = npt.NDArray[np.int64]

FUNNEL_LEVELS: Final = (0.95, 0.998)
"""The two funnels every plot draws: two and three standard deviations, near enough."""

FUNNEL_STATISTICS: Final = frozenset({m.Statistic.PROPORTION, m.Statistic.RATE,
                                      m.Statistic.RATIO})
"""The statistics a funnel can be drawn for: a proportion's numerator is binomial, a rate's
and a ratio's Poisson."""

_WINSORISED: Final = 0.1
"""The share of z-scores pulled in at each end before overdispersion is estimated."""

_BISECTIONS: Final = 64
"""Halvings of the interval that brackets a Poisson limit: far below a count's precision."""


def proportion_limits(denominator: npt.ArrayLike, centre: float, level: float
                      ) -> tuple[FloatArray, FloatArray]:
    """The funnel limits of a proportion around `centre` at each denominator, as proportions.

    Why this form: the upper limit is the proportion p whose Wilson lower limit at n is
    exactly the centre (and the lower limit the p whose upper limit is), which is a
    quadratic in p; its two roots are the two limits, clipped to [0, 1]. It is
    PHEindicatormethods' funnel for proportions, and agrees with its published curve.

    >>> lower, upper = proportion_limits([1, 100], 0.80642448, 0.95)
    >>> (lower * 100).round(4).tolist(), (upper * 100).round(4).tolist()
    ([3.2043, 72.8986], [100.0, 88.3863])
    """
    z = z_for_level(level)
    n = as_float(denominator)
    valid = np.isfinite(n) & (n > 0) & np.isfinite(centre) & (0 <= centre <= 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = z * z / n
        shifted = centre * (1 + a) - a / 2
        b = 2 * shifted + a
        root = np.sqrt(np.maximum(b * b - 4 * (1 + a) * (shifted * shifted - a * a / 4), 0))
        lower = np.clip((b - root) / (2 * (1 + a)), 0.0, 1.0)
        upper = np.clip((b + root) / (2 * (1 + a)), 0.0, 1.0)
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def proportion_sides(numerator: npt.ArrayLike, denominator: npt.ArrayLike, centre: float,
                     level: float) -> IntArray:
    """Whether each proportion lies below (-1), within (0) or above (1) its funnel; 0 where
    it cannot be placed (no denominator, a numerator above it).

    >>> proportion_sides([35078.488, 24803.6256], [41980, 31824], 0.8064, 0.998).tolist()
    [1, -1]
    """
    x, n = np.broadcast_arrays(as_float(numerator), as_float(denominator))
    lower, upper = proportion_limits(n, centre, level)
    valid = np.isfinite(x) & (n > 0) & (x >= 0) & (x <= n)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = x / n
    return np.where(valid, np.where(value > upper, 1, np.where(value < lower, -1, 0)), 0
                    ).astype(np.int64)


def poisson_sides(numerator: npt.ArrayLike, denominator: npt.ArrayLike, centre: float,
                  level: float) -> IntArray:
    """Whether each count lies below (-1), within (0) or above (1) the funnel of a rate (or
    ratio) whose mean is `centre` per unit of denominator: above when the count's confidence
    interval lies wholly above the count the mean gives the unit, `centre × denominator`.

    >>> poisson_sides([151, 159, 8], [106.4429719, 232.9329036, 6.239860227], 1.0, 0.998
    ...               ).tolist()
    [1, -1, 0]
    """
    x, n = np.broadcast_arrays(as_float(numerator), as_float(denominator))
    lower, upper = byars_limits(x, level)
    expected = centre * n
    valid = np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0) & np.isfinite(centre)
    side = np.where(lower > expected, 1, np.where(upper < expected, -1, 0))
    return np.where(valid, side, 0).astype(np.int64)


def poisson_limits(denominator: npt.ArrayLike, centre: float, level: float, *,
                   exact_below: float = 10.0) -> tuple[FloatArray, FloatArray]:
    """The funnel limits of a rate around `centre` (per unit of denominator) at each
    denominator: the rates x / n at which the count x stops being within the funnel, its
    interval's lower limit reaching the expected count (the upper funnel limit) or its upper
    limit reaching it (the lower one). The interval is `poisson_sides`': Byar's from 10
    events, exact below (`exact_below`; infinity gives exact Poisson limits throughout, as
    PHEindicatormethods draws its curves). A lower limit that no count reaches is 0.

    >>> lower, upper = poisson_limits([100, 10_000], 0.01, 0.95)
    >>> (lower * 100).round(4).tolist(), (upper * 100).round(4).tolist()
    ([0.0, 0.8039], [3.8205, 1.2056])
    """
    n = as_float(denominator)
    expected = centre * n
    valid = np.isfinite(n) & (n > 0) & np.isfinite(centre) & (centre >= 0)
    expected = np.where(valid, expected, 1.0)

    def solve(which: int) -> FloatArray:
        low = np.zeros_like(expected)
        high = expected + 10 * np.sqrt(expected) + 20
        for _ in range(_BISECTIONS):
            middle = (low + high) / 2
            bound = byars_limits(middle, level, exact_below=exact_below)[which]
            below = bound < expected
            low = np.where(below, middle, low)
            high = np.where(below, high, middle)
        found: FloatArray = (low + high) / 2
        return found

    upper_count = solve(0)
    lower_count = solve(1)
    reached = byars_limits(np.zeros_like(expected), level, exact_below=exact_below)[1] \
        < expected
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(reached, lower_count / n, 0.0)
        upper = upper_count / n
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def _spread(statistic: m.Statistic, centre: float, denominator: FloatArray) -> FloatArray:
    """The standard error of a unit's value under the null hypothesis that it is the centre:
    binomial for a proportion, Poisson for a rate or ratio (per unit of denominator)."""
    variance = centre * (1 - centre) if statistic is m.Statistic.PROPORTION else centre
    with np.errstate(divide="ignore", invalid="ignore"):
        spread: FloatArray = np.sqrt(variance / denominator)
    return spread


def overdispersion(numerator: npt.ArrayLike, denominator: npt.ArrayLike, centre: float,
                   statistic: m.Statistic, *, trim: float = _WINSORISED) -> float:
    """Spiegelhalter's (2005) additive between-unit variance τ² (0 when the units vary no
    more than chance allows), from z-scores Winsorised at `trim` each end.

    z = (y − centre) / s for each unit with a denominator; φ = mean of the Winsorised z²;
    τ² = (I φ − (I − 1)) / (Σ w − Σ w² / Σ w), w = 1 / s², and 0 if that is negative.

    >>> round(overdispersion([10, 50, 30, 20], [100, 100, 100, 100], 0.275,
    ...                      m.Statistic.PROPORTION), 6)
    0.016173
    >>> overdispersion([27, 28, 27, 28], [100, 100, 100, 100], 0.275, m.Statistic.PROPORTION)
    0.0
    """
    x, n = np.broadcast_arrays(as_float(numerator), as_float(denominator))
    keep = np.isfinite(x) & np.isfinite(n) & (n > 0)
    x, n = x[keep], n[keep]
    s = _spread(statistic, centre, n)
    if x.size < 2 or not np.all(s > 0):
        return 0.0
    z = (x / n - centre) / s
    low, high = np.quantile(z, [trim, 1 - trim])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    weights = 1 / s ** 2
    spread = float(weights.sum() - (weights ** 2).sum() / weights.sum())
    tau2 = (x.size * phi - (x.size - 1)) / spread if spread > 0 else 0.0
    return max(tau2, 0.0)


@frozen
class Funnel:
    """One funnel: the peers' mean (`centre`, a fraction or a rate per unit of denominator),
    the statistic it is drawn for, the multiplier values are shown with, and τ² when the
    limits are adjusted for overdispersion (None: not asked for; 0: none found).

    >>> funnel = Funnel(m.Statistic.PROPORTION, 0.1, 100.0)
    >>> [limit.round(3).tolist() for limit in funnel.limits([50, 5000], 0.95)]
    [[1.685, 9.168], [18.315, 10.832]]
    """

    statistic: m.Statistic
    centre: float
    multiplier: float
    tau2: float | None = None

    @property
    def adjusted(self) -> bool:
        """Whether the limits are widened for overdispersion (τ² was found above 0)."""
        return bool(self.tau2)

    def limits(self, denominator: npt.ArrayLike, level: float) -> tuple[FloatArray, FloatArray]:
        """The funnel's lower and upper limits at each denominator, as values are shown."""
        n = as_float(denominator)
        if self.adjusted:
            z = z_for_level(level)
            half = z * np.sqrt(_spread(self.statistic, self.centre, n) ** 2 + (self.tau2 or 0))
            lower = np.maximum(self.centre - half, 0.0)
            upper = self.centre + half
            if self.statistic is m.Statistic.PROPORTION:
                upper = np.minimum(upper, 1.0)
            valid = np.isfinite(n) & (n > 0)
            lower, upper = np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)
        elif self.statistic is m.Statistic.PROPORTION:
            lower, upper = proportion_limits(n, self.centre, level)
        else:
            lower, upper = poisson_limits(n, self.centre, level)
        return lower * self.multiplier, upper * self.multiplier

    def sides(self, numerator: npt.ArrayLike, denominator: npt.ArrayLike, level: float
              ) -> IntArray:
        """Below (-1), within (0) or above (1) the funnel at `level`, for each unit."""
        if self.adjusted:
            x, n = np.broadcast_arrays(as_float(numerator), as_float(denominator))
            lower, upper = self.limits(n, level)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = x / n * self.multiplier
            valid = np.isfinite(value) & np.isfinite(lower)
            return np.where(valid, np.where(value > upper, 1, np.where(value < lower, -1, 0)),
                            0).astype(np.int64)
        if self.statistic is m.Statistic.PROPORTION:
            return proportion_sides(numerator, denominator, self.centre, level)
        return poisson_sides(numerator, denominator, self.centre, level)


@frozen(kw_only=True)
class FunnelGroup:
    """One funnel drawn: the units of one group (`members`, their codes) judged against the
    group's value by the indicator's comparator in `column` (`vs_england`, `vs_region`,
    `vs_neighbours`), at `level`."""

    framework: str
    indicator: str
    breakdown: str
    column: str
    code: str
    name: str
    members: tuple[str, ...]
    funnel: Funnel
    level: float


def funnel_judgements(sides: npt.ArrayLike, polarity: m.Polarity, comparable: npt.ArrayLike
                      ) -> JudgementArray:
    """Each unit's side of its funnel read by polarity: within is `similar`; above is
    `better` when higher is better, `worse` when lower is, `higher` when no judgement is made
    (below likewise); a unit that is not `comparable` (withheld, no value, no funnel) is
    `not_compared`.

    >>> funnel_judgements([1, 0, -1], m.Polarity.LOWER_IS_BETTER, [True, True, False]
    ...                   ).tolist()
    [<Judgement.WORSE: 'worse'>, <Judgement.SIMILAR: 'similar'>, \
<Judgement.NOT_COMPARED: 'not_compared'>]
    """
    match polarity:
        case m.Polarity.HIGHER_IS_BETTER:
            below, above = Judgement.WORSE, Judgement.BETTER
        case m.Polarity.LOWER_IS_BETTER:
            below, above = Judgement.BETTER, Judgement.WORSE
        case m.Polarity.NO_JUDGEMENT:
            below, above = Judgement.LOWER, Judgement.HIGHER
    side = np.asarray(sides)
    out = np.empty(side.shape, dtype=object)
    out[:] = Judgement.SIMILAR
    out[side > 0] = above
    out[side < 0] = below
    out[~np.asarray(comparable, dtype=bool)] = Judgement.NOT_COMPARED
    return out
