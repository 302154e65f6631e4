"""What every hand-written engine does after counting: limits, suppression, comparators.

The engines hand over pooled counts for every cell (LAs, regions, England) as `CellCounts`;
this module turns them into the published rows, written from the published rules (and
independently of outcomespec's `results` package: its `limits`, `suppression`, `judgement`):

- value: numerator / denominator × multiplier (a mean: total / number of values);
- limits at 95% and 99.8%: Wilson score for proportions; for rates Byar's approximation,
  or the exact Poisson limits (chi-squared quantiles) below 10 events, divided by the
  population; Student's t for means, from the sample standard deviation. Quantiles come
  from scipy;
- suppression hides *counts*, chosen over every indicator together: counts equal in every
  cell are one count. Primary: a count of 1 to 5. Secondary: the equations are each count's
  `parent = sum of children` (LAs into their region, regions into England) and, per area,
  `total = sum of categories` of a breakdown whose categories add up to no more than their
  total. An equation holding a hidden count must hold two, adding up to at least 5 when one
  of them is a primary count; otherwise one more of its counts is hidden: an LA's before a
  region's before England's, then the smallest count at least as large as what is missing
  (else the largest), then the first area code, then the first count in the order of their
  values; one per such equation, repeated until none is left. A row is suppressed when its
  numerator or denominator is hidden;
- published England and region counts rounded to the nearest 10, halves away from zero,
  and their values and limits computed from the rounded counts (a mean's, from its values,
  published to one decimal place);
- comparators: England's and the region's published value, the median of the statistical
  neighbours' published values, and (`compare population`) the published England value of
  another indicator (all pupils); the judgement is Fingertips' rule at 95%: the
  comparator value inside the area's interval (ends included) is similar, otherwise better or
  worse by polarity (higher or lower for `no_judgement`); a suppressed area, or a missing
  value, limit or comparator, is `not_compared`.

A published row is the tuple `definitions.FIELDS`, keyed by (indicator, breakdown, area
code).

>>> from benchmarks.engines.definitions import CellCounts, Geography
>>> geography = Geography(("805", "890"), ("E12000001", "E12000002"), (("890",), ("805",)))
>>> counts = CellCounts("placements_3plus", "", np.array([31.0, 41, 31, 41, 72]),
...                     np.array([332.0, 531, 332, 531, 863]))
>>> row = publish(geography, [counts])["placements_3plus", "", "805"]
>>> [round(x, 3) for x in row[2:5]], row[8:]
([9.337, 6.656, 12.949], ('similar', 'similar', 'similar', 'not_compared'))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from benchmarks.engines.definitions import (
    BY_ID,
    FIELDS,
    HIGHER,
    JUDGING_LEVEL,
    LEVELS,
    LOWER,
    MEAN,
    ROUND_TO,
    STUDENT_T,
    SUPPRESS,
    WILSON,
    CellCounts,
    FloatArray,
    Geography,
    Published,
)


# ------------------------------------------------------------------ confidence limits
def wilson(x: FloatArray, n: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score limits of x / n as proportions; 0 and 1 exactly at x = 0 and x = n."""
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = (x + z * z / 2) / (n + z * z)
        half = z * np.sqrt(n) / (n + z * z) * np.sqrt(p * (1 - p) + z * z / (4 * n))
        lower = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, p))
        upper = np.where(x == n, 1.0, np.clip(centre + half, p, 1.0))
    valid = (n > 0) & (x >= 0) & (x <= n)
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def poisson(x: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Limits of a Poisson count: exact below 10 events, Byar's approximation from 10."""
    alpha = 1 - level
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        byars_lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        byars_upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
        exact_lower = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * x) / 2, 0.0)
        exact_upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    small = x < 10
    valid = x >= 0
    lower = np.where(small, exact_lower, np.maximum(byars_lower, 0.0))
    upper = np.where(small, exact_upper, byars_upper)
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def student_t(n: FloatArray, total: FloatArray, total_sq: FloatArray, level: float
              ) -> tuple[FloatArray, FloatArray]:
    """Mean ± t(n - 1) × s / √n, s the sample standard deviation; needs n >= 2."""
    valid = n >= 2
    df = np.where(valid, n - 1, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        variance = np.maximum(total_sq - total * mean, 0.0) / (n - 1)
        half = stats.t.ppf(0.5 + level / 2, df) * np.sqrt(variance / n)
    return np.where(valid, mean - half, np.nan), np.where(valid, mean + half, np.nan)


# ------------------------------------------------------------------ suppression
def protect(geography: Geography, tables: list[CellCounts]) -> list[np.ndarray]:
    """Each table's suppressed cells, its counts hidden together with every other table's."""
    codes = geography.cell_codes
    n_cells, n_la = len(codes), len(geography.la_codes)
    england = n_cells - 1
    known: dict[bytes, int] = {}
    vectors: list[FloatArray] = []

    def count_of(values: FloatArray) -> int:
        key = np.where(np.isnan(values), -1.0, values).tobytes()
        if key not in known:
            known[key] = len(vectors)
            vectors.append(np.asarray(values, dtype=np.float64))
        return known[key]

    sides = [(count_of(t.numerator),
              None if BY_ID[t.indicator].statistic == MEAN else count_of(t.denominator))
             for t in tables]
    size = {(q, a): float(v[a]) for q, v in enumerate(vectors) for a in range(n_cells)}
    order = sorted(range(len(vectors)),
                   key=lambda q: tuple(np.where(np.isnan(vectors[q]), -1.0, vectors[q])))
    count_rank = {q: i for i, q in enumerate(order)}
    area_rank = {a: i for i, a in enumerate(sorted(range(n_cells), key=lambda a: codes[a]))}
    level = [0] * n_la + [1] * (england - n_la) + [2]
    region_cell = {code: n_la + i for i, code in enumerate(geography.region_codes)}
    children: dict[int, list[int]] = {england: list(range(n_la, england))}
    for i, region in enumerate(geography.region_of):
        children.setdefault(region_cell[region], []).append(i)
    equations = [[(q, parent), *((q, child) for child in kids)]
                 for q in range(len(vectors)) for parent, kids in children.items()]
    by_indicator: dict[str, list[int]] = {}
    for i, t in enumerate(tables):
        by_indicator.setdefault(t.indicator, []).append(i)
    for members in by_indicator.values():
        totals = [i for i in members if not tables[i].breakdown]
        parts = [i for i in members if tables[i].breakdown]
        if not totals or not parts:
            continue
        for side in (0, 1):
            whole = sides[totals[0]][side]
            pieces = [sides[i][side] for i in parts]
            if whole is None or any(p is None for p in pieces) or whole in pieces:
                continue
            if all(sum(size[(p, a)] for p in pieces if p is not None) <= size[(whole, a)] + 1e-9
                   for a in range(n_cells)):
                equations += [[(whole, a), *((p, a) for p in pieces if p is not None)]
                              for a in range(n_cells)]
    low, high = SUPPRESS
    primary = {cell for cell, v in size.items() if low <= v <= high}
    hidden = set(primary)
    while True:
        chosen = set()
        for equation in equations:
            members = [cell for cell in equation if not np.isnan(size[cell])]
            secret = [cell for cell in members if cell in hidden]
            if not secret:
                continue
            wanted = (high - low + 1) if any(cell in primary for cell in secret) else 0
            total = sum(size[cell] for cell in secret)
            if len(secret) >= 2 and total >= wanted:
                continue
            candidates = [cell for cell in members if cell not in hidden]
            if candidates:
                deficit = max(wanted - total, 0)
                chosen.add(min(candidates, key=lambda c: (
                    level[c[1]], size[c] < deficit,
                    size[c] if size[c] >= deficit else -size[c],
                    area_rank[c[1]], count_rank[c[0]])))
        if not chosen:
            break
        hidden |= chosen
    return [np.array([(num, a) in hidden or (den is not None and (den, a) in hidden)
                      for a in range(n_cells)]) for num, den in sides]


def round_half_away(counts: FloatArray, nearest: int) -> FloatArray:
    """Counts rounded to the nearest multiple of `nearest`, halves away from zero."""
    return np.sign(counts) * np.floor(np.abs(counts) / nearest + 0.5) * nearest


# ------------------------------------------------------------------ comparators
def judge(value: FloatArray, lower: FloatArray, upper: FloatArray, comparator: FloatArray,
          polarity: str, suppressed: np.ndarray) -> list[str]:
    """Fingertips' single-level judgement of each cell against its comparator value."""
    below, above = {HIGHER: ("worse", "better"), LOWER: ("better", "worse")}.get(
        polarity, ("lower", "higher"))
    out = []
    for v, lo, hi, c, hide in zip(value, lower, upper, comparator, suppressed, strict=True):
        if hide or np.isnan(v) or np.isnan(lo) or np.isnan(hi) or np.isnan(c):
            out.append("not_compared")
        elif lo <= c <= hi:
            out.append("similar")
        else:
            out.append(below if v < c else above)
    return out


def neighbour_medians(geography: Geography, value: FloatArray) -> FloatArray:
    """Each LA's neighbours' median published value (NaN ones left out); NaN elsewhere."""
    position = {code: i for i, code in enumerate(geography.la_codes)}
    out = np.full(value.size, np.nan)
    for i, peers in enumerate(geography.neighbours):
        known = [value[position[p]] for p in peers if not np.isnan(value[position[p]])]
        if known:
            out[i] = float(np.median(known))
    return out


# ------------------------------------------------------------------ the published rows
@dataclass(frozen=True)
class _Cells:
    """One indicator's cells after limits and suppression, before comparators."""

    counts: CellCounts
    value: FloatArray
    limits: dict[float, tuple[FloatArray, FloatArray]]
    suppressed: np.ndarray


def _cells(counts: CellCounts, suppressed: np.ndarray, n_la: int) -> _Cells:
    """Value, limits and suppression of one indicator's cells; England's and the regions'
    from their published, rounded counts."""
    ind = BY_ID[counts.indicator]
    rounded = np.arange(suppressed.size) >= n_la
    num, den = (np.where(rounded, round_half_away(x, ROUND_TO), x) if ind.statistic != MEAN
                else x for x in (np.asarray(counts.numerator, dtype=np.float64),
                                 np.asarray(counts.denominator, dtype=np.float64)))
    with np.errstate(divide="ignore", invalid="ignore"):
        if ind.statistic == MEAN:
            assert counts.total is not None
            value = counts.total / num
        else:
            value = np.where(den > 0, num / den * ind.multiplier, np.nan)
    limits = {}
    for level in LEVELS:
        if ind.method == WILSON:
            lower, upper = wilson(num, den, level)
            limits[level] = (lower * ind.multiplier, upper * ind.multiplier)
        elif ind.method == STUDENT_T:
            assert counts.total is not None
            assert counts.total_sq is not None
            limits[level] = student_t(num, counts.total, counts.total_sq, level)
        else:
            lower, upper = poisson(num, level)
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(den > 0, ind.multiplier / den, np.nan)
            limits[level] = (lower * scale, upper * scale)
    if ind.statistic == MEAN:
        value = np.where(rounded, np.round(value, 1), value)
        limits = {level: tuple(np.where(rounded, np.round(x, 1), x) for x in pair)
                  for level, pair in limits.items()}
    return _Cells(counts, np.where(suppressed, np.nan, value),
                  {level: (np.where(suppressed, np.nan, lo), np.where(suppressed, np.nan, hi))
                   for level, (lo, hi) in limits.items()}, suppressed)


Counted = tuple["Geography", list["CellCounts"]]
"""What a hand-written engine's evaluation ends with: the areas, and every indicator's
counts per cell (LA, region, England), before limits, suppression and judgements."""


def publish_counted(counted: Counted) -> Published:
    """`publish` of an engine's evaluation: the step every hand-written engine shares."""
    return publish(*counted)


def publish(geography: Geography, tables: Iterable[CellCounts]) -> Published:
    """The published rows of every indicator, keyed by (indicator, breakdown, area code)."""
    codes = geography.cell_codes
    n_la = len(geography.la_codes)
    england = len(codes) - 1
    region_cell = {code: n_la + i for i, code in enumerate(geography.region_codes)}
    region_of_cell = np.array([region_cell[r] for r in geography.region_of], dtype=np.intp)
    tables = list(tables)
    cells = [_cells(counts, suppressed, n_la)
             for counts, suppressed in zip(tables, protect(geography, tables), strict=True)]
    england_values = {(c.counts.indicator, c.counts.breakdown): c.value[england] for c in cells}
    out: Published = {}
    for c in cells:
        ind = BY_ID[c.counts.indicator]
        value = c.value
        comparators = {name: np.full(value.size, np.nan) for name in
                       ("england", "region", "neighbours", "population")}
        if "england" in ind.comparators:
            comparators["england"][:england] = value[england]
        if "region" in ind.comparators:
            comparators["region"][:n_la] = value[region_of_cell]
        if "neighbours" in ind.comparators:
            comparators["neighbours"] = neighbour_medians(geography, value)
        if ind.population is not None:
            comparators["population"][:] = england_values.get(
                (ind.population, c.counts.breakdown),
                england_values.get((ind.population, ""), np.nan))
        lower, upper = c.limits[JUDGING_LEVEL]
        judged = {name: judge(value, lower, upper, x, ind.polarity, c.suppressed)
                  for name, x in comparators.items()}
        rounded = np.arange(value.size) >= n_la
        printed = [np.where(c.suppressed, np.nan,
                            np.where(rounded, round_half_away(x, ROUND_TO), x))
                   for x in (c.counts.numerator, c.counts.denominator)]
        for i, code in enumerate(codes):
            out[c.counts.indicator, c.counts.breakdown, code] = (
                float(printed[0][i]), float(printed[1][i]), float(value[i]),
                float(c.limits[0.95][0][i]), float(c.limits[0.95][1][i]),
                float(c.limits[0.998][0][i]), float(c.limits[0.998][1][i]),
                bool(c.suppressed[i]), judged["england"][i], judged["region"][i],
                judged["neighbours"][i], judged["population"][i])
    return out


def published_columns(results: Any) -> Published:
    """The published rows of outcomespec's results table (or any table with its columns),
    read column by column as `publish` writes its rows; an authority keyed by its DfE code
    (`la_code`), as the engines key it, England and the regions by their ONS codes."""
    columns: list[list[Any]] = []
    for name in FIELDS:
        values = results.column(name)
        if isinstance(values, np.ndarray):
            columns.append(values.astype(bool if name == "suppressed" else float).tolist())
        else:
            plain = {value: _plain(value) for value in set(values)}
            columns.append([plain[value] for value in values])
    areas = (dfe or ons for dfe, ons in zip(results.la_code, results.area_code, strict=True))
    keys = zip(results.indicator, (b or "" for b in results.breakdown), areas, strict=True)
    return dict(zip(keys, zip(*columns, strict=True), strict=True))


def _plain(value: Any) -> Any:
    if value is None:
        return float("nan")
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.number):
        return float(value)
    return str(getattr(value, "value", value))
