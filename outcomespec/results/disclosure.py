"""Disclosure control over everything published together: which counts are hidden, and why.

`outcomespec.results.suppression` holds the array algorithms (primary suppression, secondary
suppression over a set of equations, rounding); this module says what the cells and the
equations of a run's results are: one cell per *count* and area, where counts equal in every
LA are one count whichever indicators (and frameworks) publish them, and the equations that
what is published ties them by — each count's area hierarchy and each breakdown's categories
adding up to their total. A row of the results is withheld when any of its counts is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec import model as m
from outcomespec.results.pooling import WITHOUT_DENOMINATOR, Cells, Counts
from outcomespec.results.suppression import (
    Equations,
    primary_suppression,
    secondary_suppression,
    tree_equations,
)

__all__ = ["Protected", "protect"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_LEVELS: Final = {m.AreaLevel.LOCAL_AUTHORITY: 0, m.AreaLevel.REGION: 1, m.AreaLevel.ENGLAND: 2}
"""Which areas secondary suppression hides first: LAs (and units of comparison, such as
providers), then regions, then England."""


@frozen
class Protected:
    """Which cells of one table are withheld, and which of those for their own counts."""

    suppressed: BoolArray
    primary: BoolArray


def protect(tables: Sequence[Counts], cells: Cells) -> list[Protected]:
    """Primary and secondary suppression over every table published together.

    Why together: what protects a count must hold against everything published beside it.
    So a *count* — not a row — is what is hidden: counts equal in every area (a cohort that
    is the denominator of several indicators, and the numerator of a count or rate, in one
    framework or several) are one count, hidden under every indicator or none; and the
    equations protected are the area hierarchy of every count (LA → region → England) and,
    for each breakdown, its categories adding up to their total in every area. A row is
    withheld when any of its counts is hidden. Counts of indicators with `suppress none`
    are published as they are (never hidden). A region or England whose figure is not these
    pooled counts for any table using the count (taken from a publication, or not pooled
    from a single authority's return; `Counts.replaced`) publishes nothing they add up to,
    so its equation ties nothing and its own count is never hidden.

    >>> from outcomespec import model as m
    >>> from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
    >>> from outcomespec.results.pooling import cells_of, pool_counts
    >>> def proportion(name):
    ...     return m.Indicator(name=name, framework="f", section="s", title=name,
    ...         kind=m.Kind.OUTCOME, statistic=m.Statistic.PROPORTION,
    ...         unit=m.Unit("percent", 100.0), polarity=m.Polarity.NO_JUDGEMENT,
    ...         confidence=m.ConfidenceMethod.WILSON, levels=(0.95,), suppression=(1, 5),
    ...         numerator_subset=m.SubsetProof.PROVEN)
    >>> cells = cells_of(AreaFrame(("A", "B", "C"), ("A", "B", "C"), [0, 0, 0], ("R",), ("R",)))
    >>> cohort = [2, 40, 50]  # the denominator of both indicators: A's 2 is hidden in both
    >>> tables = [pool_counts(IndicatorTotals(proportion(name), nums, cohort), cells)
    ...           for name, nums in (("f.x", [0, 30, 20]), ("f.y", [1, 9, 12]))]
    >>> [p.suppressed.tolist() for p in protect(tables, cells)]
    [[True, True, False, False, False], [True, True, False, False, False]]
    """
    index: dict[bytes, int] = {}
    vectors: list[FloatArray] = []
    owners: list[list[Counts]] = []

    def count_id(counts: FloatArray, owner: Counts) -> int:
        key = np.where(np.isnan(counts), -1.0, counts).tobytes()
        found = index.setdefault(key, len(vectors))
        if found == len(vectors):
            vectors.append(counts)
            owners.append([])
        owners[found].append(owner)
        return found

    refs = [(count_id(t.num, t), None if t.totals.indicator.statistic in WITHOUT_DENOMINATOR
             else count_id(t.den, t)) for t in tables]
    n_cells, n_counts = cells.n, len(vectors)
    if not n_counts:
        return []
    size = np.concatenate(vectors)
    primary = np.zeros(size.size, dtype=bool)
    protection = np.zeros(size.size)
    fixed = np.zeros(size.size, dtype=bool)
    pooled_in = np.ones(size.size, dtype=bool)
    own = np.ones(size.size, dtype=bool)
    for q, users in enumerate(owners):
        span = slice(q * n_cells, (q + 1) * n_cells)
        pooled_in[span][:cells.n_la] = users[0].pooled
        own[span] = ~np.logical_and.reduce([_replaced(u, n_cells) for u in users])
        rules = [t.totals.indicator.suppression for t in users]
        if any(rule is None for rule in rules):
            fixed[span] = True
            continue
        for low, high in {rule for rule in rules if rule is not None}:
            small = primary_suppression(size[span], np.nan, (low, high)) & own[span]
            primary[span] |= small
            protection[span] = np.where(small, np.maximum(protection[span], high - low + 1),
                                        protection[span])
    for table, (q_num, q_den) in zip(tables, refs, strict=True):
        _withhold_small_units(table, q_num, q_den, size, primary, protection, fixed, cells)
    # Ties go to the first area code, then the first count in the order of their values
    # (not of the tables, so that the choice does not depend on the order indicators come in).
    canonical = np.where(np.isnan(size), -1.0, size).reshape(n_counts, n_cells)
    count_rank = np.argsort(np.lexsort(canonical.T[::-1]))
    hidden = secondary_suppression(
        primary, _equations(tables, refs, size, pooled_in, own, cells), size,
        protection=protection,
        level=np.tile([_LEVELS.get(t, 0) for t in cells.types], n_counts),
        tiebreak=(cells.rank[None, :] * n_counts + count_rank[:, None]).reshape(-1),
        fixed=fixed)

    def rows(mask: BoolArray, q_num: int, q_den: int | None) -> BoolArray:
        row = mask[q_num * n_cells:(q_num + 1) * n_cells]
        return row | mask[q_den * n_cells:(q_den + 1) * n_cells] if q_den is not None else row

    return [Protected(rows(hidden, *ref), rows(primary, *ref)) for ref in refs]


def _withhold_small_units(table: Counts, q_num: int, q_den: int | None, size: FloatArray,
                          primary: BoolArray, protection: FloatArray, fixed: BoolArray,
                          cells: Cells) -> None:
    """Mark for primary suppression both counts of each cell — a unit, a region or England —
    whose denominator (the children measured, for a statistic without one) is below the
    indicator's `fewest`, whatever its `suppress counts` says: a provider with a single
    placement never identifies a child, nor does a region that counts only that child.
    Its range 1 to N-1 is the protection secondary suppression gives it, by hiding other
    units of its region, or the region, if need be, even where `suppress none` publishes
    counts as they are: a region's total less its published units would otherwise give it
    back."""
    fewest = table.totals.indicator.fewest
    if fewest is None:
        return
    n_cells = cells.n
    first = (q_num if q_den is None else q_den) * n_cells
    with np.errstate(invalid="ignore"):
        small = (size[first:first + n_cells] > 0) & (size[first:first + n_cells] < fewest)
    if not small.any():
        return
    for q in {q_num, q_den} - {None}:
        assert q is not None
        span = slice(q * n_cells, (q + 1) * n_cells)
        primary[span] |= small
        protection[span] = np.where(small, np.maximum(protection[span], fewest - 1),
                                    protection[span])
        fixed[span] = False  # even under `suppress none`: cells may be hidden to protect it


def _replaced(counts: Counts, n_cells: int) -> BoolArray:
    """The cells a table does not publish its pooled counts for (none when not said)."""
    return counts.replaced if counts.replaced.size else np.zeros(n_cells, dtype=bool)


def _published_parents(cells: Cells, own: BoolArray) -> IntArray:
    """The cell each cell adds up into among those published as pooled (`own`): an
    authority whose region is not adds up into England, and a cell that is not adds up
    into nothing.

    >>> from outcomespec.evaluation.areas import AreaFrame
    >>> from outcomespec.results.pooling import cells_of
    >>> cells = cells_of(AreaFrame(("A", "B"), ("A", "B"), [0, 0], ("R",), ("R",)))
    >>> _published_parents(cells, np.array([True, True, False, True])).tolist()
    [3, 3, -1, -1]
    """
    parent = cells.parent.copy()
    for _ in range(2):  # authority → region → England: at most two steps up
        up = parent >= 0
        skip = up & ~own[np.maximum(parent, 0)]
        parent[skip] = cells.parent[parent[skip]]
    parent[~own] = -1
    return parent


def _equations(tables: Sequence[Counts], refs: list[tuple[int, int | None]], size: FloatArray,
               pooled_in: BoolArray, own: BoolArray, cells: Cells) -> Equations:
    """The equations that tie published counts (cells numbered count × area): each count's
    area hierarchy, less the LAs it does not pool and the totals it does not publish
    (`own`), and each breakdown's categories adding up to their total in every area (where
    they do add up to no more than it: a category that repeats the total, such as a rate's
    population, is no part of a partition)."""
    n_cells = cells.n
    n_counts = size.size // n_cells
    parts = []
    start = 0
    for q in range(n_counts):
        tree = tree_equations(_published_parents(cells, own[q * n_cells:(q + 1) * n_cells]))
        cell = q * n_cells + tree.cell
        keep = pooled_in[cell]
        parts.append(Equations(start + tree.equation[keep], cell[keep]))
        start += tree.n_equations
    groups: dict[tuple[str, str], list[int]] = {}
    for i, t in enumerate(tables):
        label = t.totals.breakdown.rpartition(": ")[0]
        groups.setdefault((t.totals.indicator.name, label), []).append(i)
    for (name, label), members in groups.items():
        total = groups.get((name, ""), []) if label else []
        if not total:
            continue
        for side in (0, 1):
            whole = refs[total[0]][side]
            pieces = [refs[i][side] for i in members]
            if whole is None or None in pieces or whole in pieces:
                continue
            terms = np.array([whole, *pieces], dtype=np.int64)
            values = size.reshape(n_counts, n_cells)[terms]
            with np.errstate(invalid="ignore"):
                partition = not (values[1:].sum(axis=0) > values[0] + 1e-9).any()
            if partition:
                parts.append(Equations(np.repeat(np.arange(n_cells), terms.size),
                                       (terms[None, :] * n_cells
                                        + np.arange(n_cells)[:, None]).reshape(-1)))
    return Equations.combine(parts)
