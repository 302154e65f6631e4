"""Benchmarking: what an area is compared with, and whether it is better, similar or worse.

The rule is the one OHID Fingertips applies to every indicator compared with one confidence
level (`SingleOverlappingCIsComparer`): the comparator is a *point* (England's value, the
region's value, a target), the area has an *interval*. If the comparator's value lies inside
the area's interval, ends included, the two are similar; otherwise the area is worse when its
value is below the comparator's and better when above — swapped when a lower value is better.
An indicator that is not to be judged (`no_judgement`, Fingertips' blue-orange-blue) shows the
same significance as lower / higher, and so does one good inside a range (`target_range`)
against a point: it is judged better or worse only against its range (`judge_range`).
Nothing is judged without an interval, a value or a comparator value: such areas are
`not_compared`.

Statistical neighbours are given as an (LAs × k) matrix of LA indices, -1 where absent; the
helpers here turn it into each LA's comparator: the median of the neighbours' values (the DfE
dashboard's convention) or the neighbours' units and counts pooled.
"""

from __future__ import annotations

import enum
from typing import Final, assert_never

import numpy as np
import numpy.typing as npt

from outcomespec import model as m
from outcomespec.results.limits import group_median

__all__ = [
    "Judgement",
    "JudgementArray",
    "judge",
    "judge_range",
    "judging_level",
    "neighbour_median",
    "neighbour_pairs",
    "neighbour_units",
]

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]


class Judgement(enum.StrEnum):
    """How an area compares with a comparator; the value is what the results table shows."""

    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    HIGHER = "higher"
    LOWER = "lower"
    NOT_COMPARED = "not_compared"

    @property
    def label(self) -> str:
        """The wording of Fingertips exports: "Better", "Not compared".

        >>> Judgement.NOT_COMPARED.label
        'Not compared'
        """
        return self.value.replace("_", " ").capitalize()


JudgementArray = npt.NDArray[np.object_]
"""A NumPy object array holding `Judgement` members."""

_MEMBERS: Final = np.array(list(Judgement), dtype=object)
_CODE: Final = {judgement: code for code, judgement in enumerate(Judgement)}


def judge(
    value: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    comparator_value: npt.ArrayLike,
    polarity: m.Polarity,
    *,
    suppressed: npt.ArrayLike | None = None,
) -> JudgementArray:
    """Judge each area against its comparator value, as Fingertips does.

    Why: readers trust the red/amber/green of Fingertips and the DfE dashboard; judging the
    same way means our tables agree with theirs. The comparator is compared with the area's
    interval (`lower <= comparator <= upper` → similar), not interval with interval. Inputs
    broadcast; the result is an object array of `Judgement`. NaN anywhere (no interval, a
    blanked value, no comparator) or `suppressed` true gives `not_compared`.

    >>> judge([9.337, 7.721], [6.656, 5.742], [12.949, 10.307], 10.395,
    ...       m.Polarity.LOWER_IS_BETTER).tolist()
    [<Judgement.SIMILAR: 'similar'>, <Judgement.BETTER: 'better'>]
    """
    v, lo, hi, c = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (value, lower, upper, comparator_value))
    )
    comparable = ~(np.isnan(v) | np.isnan(lo) | np.isnan(hi) | np.isnan(c))
    if suppressed is not None:
        comparable &= ~np.broadcast_to(np.asarray(suppressed, dtype=bool), v.shape)
    below = v < c
    match polarity:
        case m.Polarity.HIGHER_IS_BETTER:
            low_code, high_code = _CODE[Judgement.WORSE], _CODE[Judgement.BETTER]
        case m.Polarity.LOWER_IS_BETTER:
            low_code, high_code = _CODE[Judgement.BETTER], _CODE[Judgement.WORSE]
        case m.Polarity.NO_JUDGEMENT | m.Polarity.TARGET_RANGE:
            # a value good inside a range is better or worse by where it lies in the range
            # (`judge_range`), not by which side of another value it is on
            low_code, high_code = _CODE[Judgement.LOWER], _CODE[Judgement.HIGHER]
        case _:
            assert_never(polarity)
    codes = np.where(below, low_code, high_code)
    codes = np.where((lo <= c) & (c <= hi), _CODE[Judgement.SIMILAR], codes)
    codes = np.where(comparable, codes, _CODE[Judgement.NOT_COMPARED])
    result: JudgementArray = _MEMBERS[codes.reshape(-1)].reshape(codes.shape)
    return result


def judge_range(value: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike,
                bounds: tuple[float, float], *, suppressed: npt.ArrayLike | None = None
                ) -> JudgementArray:
    """Judge each area against the range inside which its value is good (`polarity
    target_range`): better when its whole interval lies inside the range, worse when its
    whole interval lies outside it (too low or too high), else similar.

    Why: where a value can be too low as well as too high, no single comparator is better
    to be above or below; what can be said is whether the area is, beyond chance, inside
    or outside the declared range. Without an interval or a value: `not_compared`.

    >>> judge_range([12.0, 4.0, 9.5], [11.0, 2.0, 7.0], [13.5, 6.5, 12.0], (10.0, 15.0)
    ...             ).tolist()
    [<Judgement.BETTER: 'better'>, <Judgement.WORSE: 'worse'>, <Judgement.SIMILAR: 'similar'>]
    """
    v, lo, hi = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64)
                                      for x in (value, lower, upper)))
    low, high = bounds
    comparable = ~(np.isnan(v) | np.isnan(lo) | np.isnan(hi))
    if suppressed is not None:
        comparable &= ~np.broadcast_to(np.asarray(suppressed, dtype=bool), v.shape)
    codes = np.full(v.shape, _CODE[Judgement.SIMILAR])
    codes = np.where((lo >= low) & (hi <= high), _CODE[Judgement.BETTER], codes)
    codes = np.where((hi < low) | (lo > high), _CODE[Judgement.WORSE], codes)
    codes = np.where(comparable, codes, _CODE[Judgement.NOT_COMPARED])
    result: JudgementArray = _MEMBERS[codes.reshape(-1)].reshape(codes.shape)
    return result


def judging_level(levels: tuple[float, ...]) -> float | None:
    """The confidence level judgements use: 95% when computed, otherwise the first level.

    Why: Fingertips' standard comparison (method 1, RAG3) is at 95%; an indicator declaring
    only 99.8% is judged at 99.8% rather than not at all. None when there are no limits.

    >>> judging_level((0.95, 0.998)), judging_level((0.998,)), judging_level(())
    (0.95, 0.998, None)
    """
    if not levels:
        return None
    return 0.95 if any(abs(level - 0.95) < 1e-9 for level in levels) else levels[0]


def neighbour_pairs(neighbours: npt.ArrayLike) -> tuple[IndexArray, IndexArray]:
    """Every (LA, neighbour) pair of a neighbour matrix, absent neighbours (-1) left out.

    >>> [a.tolist() for a in neighbour_pairs([[1, 2], [0, -1], [-1, -1]])]
    [[0, 0, 1], [1, 2, 0]]
    """
    matrix = np.asarray(neighbours, dtype=np.intp)
    matrix = matrix.reshape(matrix.shape[0], -1) if matrix.size else matrix.reshape(0, 0)
    rows, columns = np.nonzero(matrix >= 0)
    return rows, matrix[rows, columns]


def neighbour_median(values: npt.ArrayLike, neighbours: npt.ArrayLike) -> FloatArray:
    """For each LA, the median of its neighbours' values, missing (NaN) values left out.

    Why: the DfE dashboard compares an LA with the median of its ten statistical neighbours'
    published figures, which one unusual neighbour cannot drag. An LA whose neighbours all
    lack a value gets NaN.

    >>> neighbour_median([1.0, 4.0, 2.0, float("nan")], [[1, 2, 3], [0, 2, -1], [0, 1, 3],
    ...                                                  [-1, -1, -1]]).tolist()
    [3.0, 1.5, 2.5, nan]
    """
    rows, members = neighbour_pairs(neighbours)
    n_las = np.asarray(neighbours).shape[0]
    return group_median(np.asarray(values, dtype=np.float64)[members], rows, n_las)


def neighbour_units(
    values: npt.ArrayLike, areas: npt.ArrayLike, neighbours: npt.ArrayLike
) -> tuple[FloatArray, IndexArray]:
    """Unit-level values regrouped by the LA whose neighbours they belong to.

    Why: pooling neighbours for a mean or a median means pooling their units, and a unit
    belongs to the comparator group of every LA that has its own LA as a neighbour, so it is
    copied once per such LA. Returns the values and the group (LA index) of each copy.

    >>> vals, groups = neighbour_units([5.0, 6.0, 7.0], [0, 1, 1], [[1, -1], [0, -1]])
    >>> vals.tolist(), groups.tolist()
    ([6.0, 7.0, 5.0], [0, 0, 1])
    """
    vals = np.asarray(values, dtype=np.float64)
    owner = np.asarray(areas, dtype=np.intp)
    rows, members = neighbour_pairs(neighbours)
    n_las = np.asarray(neighbours).shape[0]
    order = np.argsort(owner, kind="stable")
    counts = np.bincount(owner, minlength=n_las)
    starts = np.cumsum(counts) - counts
    lengths = counts[members]
    ends = np.cumsum(lengths)
    offsets = np.arange(ends[-1] if ends.size else 0) + np.repeat(
        starts[members] - (ends - lengths), lengths
    )
    return vals[order][offsets], np.repeat(rows, lengths)
