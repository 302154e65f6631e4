"""Areas and per-area totals: the hand-over from evaluation to results.

Evaluation reduces records to units and units to local authorities; everything after that
(pooling into regions and England, statistics, comparators, judgements, suppression,
publishing layouts) works on these values alone, so it can be tested without any records.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import NOTHING, field, frozen

from outcomespec import model as m

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]


def _array(kind: Any, default: Any = NOTHING) -> Any:
    return field(default=default, converter=lambda values: np.asarray(values, dtype=kind),
                 eq=False)


@frozen
class AreaFrame:
    """The local authorities evaluated, their regions and their comparator sets.

    `neighbours[name]` is an (n_las × k) matrix of LA indices, -1 where a neighbour is absent.
    Without a declared geography, every area value seen in the data is an LA, there are no
    regions and no neighbours.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    region_of: IntArray = _array(np.int64)
    region_codes: tuple[str, ...] = ()
    region_names: tuple[str, ...] = ()
    neighbours: dict[str, IntArray] = field(factory=dict, eq=False)

    @property
    def n_areas(self) -> int:
        """How many local authorities there are."""
        return len(self.codes)

    def index(self) -> dict[str, int]:
        """Area code → position."""
        return {code: i for i, code in enumerate(self.codes)}


@frozen
class IndicatorTotals:
    """One indicator (one breakdown category) reduced to local authorities.

    For proportions, rates, counts and ratios: `numerator` and `denominator` per LA (NaN
    where the indicator has none, e.g. a count's denominator). For means and medians: the
    unit-level measure values with the LA index of each (`values`, `value_areas`), so that
    regions and England can be pooled exactly; `numerator` holds the per-LA number of values.
    A NaN count means the count is not known (e.g. published as suppressed, `c`); its
    `outcomespec.notes.Marker` in `numerator_markers` or `denominator_markers` says why (one
    per LA, 0 where the count is known; empty when no count is unknown).
    """

    indicator: m.Indicator
    numerator: FloatArray = _array(np.float64)
    denominator: FloatArray = _array(np.float64)
    values: FloatArray | None = field(default=None, eq=False)
    value_areas: IntArray | None = field(default=None, eq=False)
    breakdown: str = ""
    numerator_markers: Int8Array = _array(np.int8, ())
    denominator_markers: Int8Array = _array(np.int8, ())

    def markers(self, n_areas: int) -> tuple[Int8Array, Int8Array]:
        """The numerator's and denominator's markers, one per LA (0 where none is given)."""
        def full(markers: Int8Array) -> Int8Array:
            return markers if markers.size else np.zeros(n_areas, dtype=np.int8)

        return full(self.numerator_markers), full(self.denominator_markers)
