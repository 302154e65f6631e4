"""Units compared with their peers: a peer group's value, and funnel judgements.

Two things the area comparisons (`judgement`) do not: a unit of comparison other than an
area (a provider) has *peer groups* — every provider of its type, say — whose value is
their counts pooled, the unit's own among them (or the median of their values); and any
unit, an authority or a provider, may be judged against a comparator by *funnel limits*
(`outcomespec.results.funnels`) around the comparator's value at the unit's own
denominator, instead of by its confidence interval. The funnel's centre is the group's
value from every unit's unrounded counts (as England's and the regions' are pooled), and
its overdispersion, when asked for, is estimated from the units of the group. Pooled rows
(regions, England) keep their confidence-interval judgements: a funnel compares units.

Each funnel drawn is kept (`FunnelGroup`), so that the charts and the report draw exactly
the limits the judgements used.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame
from outcomespec.results.figures import Figures
from outcomespec.results.funnels import Funnel, FunnelGroup, funnel_judgements, overdispersion
from outcomespec.results.judgement import JudgementArray, judging_level
from outcomespec.results.limits import group_median
from outcomespec.results.pooling import Cells, sum_by

__all__ = ["FunnelGroup", "funnel_comparison", "peer_values"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _groups(comparator: m.Comparator, frame: AreaFrame, cells: Cells
            ) -> tuple[IntArray, tuple[str, ...], tuple[str, ...]]:
    """The group of each unit for a comparator (-1: none), and the groups' codes and names:
    England (one group), the unit's region, or its peer group."""
    n = cells.n_la
    match comparator.kind:
        case m.ComparatorKind.ENGLAND:
            return np.zeros(n, dtype=np.int64), (str(cells.codes[cells.england]),), ("England",)
        case m.ComparatorKind.REGION:
            return (np.asarray(cells.region_of, dtype=np.int64), frame.region_codes,
                    frame.region_names)
        case _:
            peers = frame.peers[comparator.name or ""]
            return np.asarray(peers.of, dtype=np.int64), peers.codes, peers.names


def _unit_counts(table: Figures, n: int) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Each unit's unrounded numerator and denominator, and whether they are pooled (known,
    and not a numerator above its denominator)."""
    counts = table.counts
    num, den = counts.num[:n], counts.den[:n]
    pooled = np.asarray(counts.pooled[:n], dtype=bool) & ~np.isnan(num) & ~np.isnan(den)
    return num, den, pooled


def peer_values(table: Figures, comparator: m.Comparator, frame: AreaFrame, cells: Cells
                ) -> FloatArray:
    """Each unit's peer group's value (NaN for other cells): the group's counts pooled, or
    the median of its members' published values (`median`).

    Why the unit's own counts are in: a peer group is every provider of a type, as England
    is every authority; a unit is compared with the group it belongs to.
    """
    out = np.full(cells.n, np.nan)
    groups, codes, _ = _groups(comparator, frame, cells)
    n, k = cells.n_la, len(codes)
    inside = groups >= 0
    if comparator.method is m.NeighbourMethod.MEDIAN:
        value = group_median(table.value[:n][inside], groups[inside], k)
    else:
        num, den, pooled = _unit_counts(table, n)
        use = inside & pooled
        value = _value(table.totals.indicator, sum_by(groups[use], num[use], k),
                       sum_by(groups[use], den[use], k))
    out[:n] = np.where(inside, value[np.maximum(groups, 0)], np.nan)
    return out


def _value(ind: m.Indicator, num: FloatArray, den: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den * ind.unit.multiplier, np.nan)


def funnel_comparison(table: Figures, comparator: m.Comparator, frame: AreaFrame,
                      cells: Cells, column: str, framework: str
                      ) -> tuple[JudgementArray, tuple[FunnelGroup, ...]]:
    """Each unit's judgement against `comparator` by funnel limits around its group's value
    (its counts pooled), and the funnel of each group.

    A unit withheld (suppressed), with no value, or in no group is `not_compared`; the
    funnel is still drawn from every unit's counts.
    """
    ind = table.totals.indicator
    assert comparator.method is not None
    n = cells.n_la
    groups, codes, names = _groups(comparator, frame, cells)
    num, den, pooled = _unit_counts(table, n)
    level = judging_level(ind.levels) or 0.95
    sides = np.zeros(n, dtype=np.int64)
    funnelled = np.zeros(n, dtype=bool)
    drawn = []
    for g, (code, name) in enumerate(zip(codes, names, strict=True)):
        members = groups == g
        use = members & pooled
        if not use.any() or not (den[use].sum() > 0):
            continue
        centre = float(num[use].sum() / den[use].sum())
        tau2 = (overdispersion(num[use], den[use], centre, ind.statistic)
                if comparator.method is m.NeighbourMethod.OVERDISPERSED_FUNNEL else None)
        funnel = Funnel(ind.statistic, centre, ind.unit.multiplier, tau2)
        sides[members] = funnel.sides(num[members], den[members], level)
        funnelled |= members
        drawn.append(FunnelGroup(
            framework=framework, indicator=ind.id, breakdown=table.totals.breakdown,
            column=column, code=code, name=name,
            members=tuple(str(c) for c in cells.codes[:n][members].tolist()),
            funnel=funnel, level=level))
    comparable = funnelled & ~table.suppressed[:n] & ~np.isnan(table.value[:n])
    return funnel_judgements(sides, ind.polarity, comparable), tuple(drawn)
