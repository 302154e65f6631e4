"""Each authority's rank and quartile band among all authorities, as league tables show them.

DfE's Local Authority Interactive Tool showed every authority's value beside its rank in
England and its quartile band; OHID Fingertips bands areas by quartiles of their values. Both
read the bands by the indicator's polarity, so here:

- **rank** 1 is the best authority: the highest value when higher is better, the lowest when
  lower is better. An indicator with no judgement (`no_judgement`) has no best: rank 1 is the
  lowest value, so ranks follow the values and say nothing about which is better; nor has
  one good inside a range (`target_range`), whose best are in the middle, not at an end.
- **ties** share the better rank and the next rank is skipped (standard competition ranking:
  1, 2, 2, 4), so equal values always have equal ranks and a rank counts the authorities
  strictly ahead of it.
- **blanks**: only authorities with a published value are ranked. One whose value is
  suppressed, not available, not evaluated or otherwise blank has no rank and is not counted
  in `rank_of`, the number of authorities ranked; regions and England are not ranked.
- **quartile** bands are Fingertips' (`QuartilesComparer`): the bounds are the 25th, 50th
  and 75th percentiles of the ranked values (interpolated between neighbouring values, as a
  spreadsheet's `PERCENTILE` does); a value on a bound (to 10 decimal places) belongs to
  the band below it. Band 1 holds the best quarter (the lowest values for `no_judgement`)
  and band 4 the worst. With fewer than four authorities ranked, there are no bands.

Ranks use the values at full precision, before any rounding for publication: two values
printed alike may rank apart.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m

__all__ = ["Ranking", "rank_values"]

FloatArray = npt.NDArray[np.float64]

_QUARTILES: Final = 4
_PLACES: Final = 10
"""Bounds are compared with values to 10 decimal places (Fingertips rounds its bounds so),
so that a value equal to a bound is not put in the band above by a rounding error in the
interpolation, nor by the rounding itself."""


@frozen(eq=False)
class Ranking:
    """The rank, the number ranked and the quartile band of each value; NaN where none."""

    rank: FloatArray
    rank_of: FloatArray
    quartile: FloatArray


def rank_values(values: npt.ArrayLike, polarity: m.Polarity) -> Ranking:
    """Rank the authorities' values (NaN: no published value) and band them in quartiles.

    >>> ranked = rank_values([9.3, 6.4, float("nan"), 12.0, 6.4, 7.7], m.Polarity.LOWER_IS_BETTER)
    >>> ranked.rank.tolist(), ranked.rank_of.tolist()[:2]
    ([4.0, 1.0, nan, 5.0, 1.0, 3.0], [5.0, 5.0])
    >>> ranked.quartile.tolist()
    [3.0, 1.0, nan, 4.0, 1.0, 2.0]
    >>> rank_values([9.3, 12.0], m.Polarity.HIGHER_IS_BETTER).rank.tolist()
    [2.0, 1.0]
    """
    value = np.asarray(values, dtype=np.float64)
    ranked = ~np.isnan(value)
    n = int(np.count_nonzero(ranked))
    rank = np.full(value.shape, np.nan)
    rank_of = np.full(value.shape, np.nan)
    quartile = np.full(value.shape, np.nan)
    if not n:
        return Ranking(rank, rank_of, quartile)
    best_first = -value if _highest_best(polarity) else value
    ordered = np.sort(best_first[ranked])
    rank[ranked] = np.searchsorted(ordered, best_first[ranked], side="left") + 1
    rank_of[ranked] = n
    if n >= _QUARTILES:
        rising = np.sort(value[ranked])
        bounds = np.round(np.percentile(rising, [25.0, 50.0, 75.0]), _PLACES)
        band = np.searchsorted(bounds, np.round(value[ranked], _PLACES), side="left") + 1
        quartile[ranked] = _QUARTILES + 1 - band if _highest_best(polarity) else band
    return Ranking(rank, rank_of, quartile)


def _highest_best(polarity: m.Polarity) -> bool:
    """Whether rank 1 and band 1 go to the highest values."""
    match polarity:
        case m.Polarity.HIGHER_IS_BETTER:
            return True
        case m.Polarity.LOWER_IS_BETTER | m.Polarity.NO_JUDGEMENT | m.Polarity.TARGET_RANGE:
            return False
