"""The docs' funnel charts (`.. ospec:funnel:: CSV`), with their numbers as a table.

The CSV holds one unit a row (`code`, `numerator`, `denominator`); the options say what the
numbers are: `:title:`, `:statistic:` (proportion, rate or ratio), `:unit:` and
`:multiplier:` (percent: 100), `:polarity:`, and `:centre:`, the peers' value as a fraction
(default: the units' counts pooled). Each unit is judged by the funnel limits exactly as
evaluation judges it (`outcomespec.results.funnels`) and drawn by the function that draws
the `outcomespec demo` report's charts (`outcomespec.results.funnel_chart`); the table below
the picture gives every unit's numbers, limits and judgement in words.
"""

from __future__ import annotations

import numpy as np

from outcomespec import model as m
from outcomespec.results.funnel_chart import FunnelPoint
from outcomespec.results.funnels import (
    FUNNEL_LEVELS,
    Funnel,
    FunnelGroup,
    funnel_judgements,
)

__all__ = ["funnel_of"]


def funnel_of(units: list[tuple[str, float, float]], *, statistic: m.Statistic,
              multiplier: float, polarity: m.Polarity, centre: float | None = None
              ) -> tuple[FunnelGroup, tuple[FunnelPoint, ...]]:
    """The funnel of (code, numerator, denominator) units around `centre` (default: their
    counts pooled), and each unit judged by it at 95%.

    >>> group, points = funnel_of([("a", 1, 100), ("b", 30, 100), ("c", 10, 90)],
    ...     statistic=m.Statistic.PROPORTION, multiplier=100.0,
    ...     polarity=m.Polarity.LOWER_IS_BETTER)
    >>> round(group.funnel.centre, 4), [p.judgement for p in points]
    (0.1414, ['similar', 'better', 'worse'])
    """
    num = np.array([u[1] for u in units], dtype=np.float64)
    den = np.array([u[2] for u in units], dtype=np.float64)
    middle = float(num.sum() / den.sum()) if centre is None else centre
    funnel = Funnel(statistic, middle, multiplier)
    sides = funnel.sides(num, den, FUNNEL_LEVELS[0])
    judged = funnel_judgements(sides, polarity, np.ones(len(units), dtype=bool))
    group = FunnelGroup(framework="", indicator="", breakdown="", column="vs_england",
                        code="E92000001", name="England", members=tuple(u[0] for u in units),
                        funnel=funnel, level=FUNNEL_LEVELS[0])
    points = tuple(sorted((FunnelPoint(code, code, n, d, n / d * multiplier, str(j))
                           for (code, n, d), j in zip(units, judged.tolist(), strict=True)),
                          key=lambda p: (p.denominator, p.code)))
    return group, points
