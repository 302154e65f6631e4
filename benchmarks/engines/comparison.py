"""Whether two engines published the same table: same rows, same numbers, same judgements.

Counts, suppression flags and judgements must be identical. Values and limits are computed
by different code (different quantile functions, sums in a different order), so they may
differ in the last bits: they agree when within `RELATIVE` of each other (both missing also
agrees).

>>> nan = float("nan")
>>> a = {("x", "", "805"): (31.0, 332.0, 9.337, nan, False, "similar")}
>>> b = {("x", "", "805"): (31.0, 332.0, 9.337000000001, nan, False, "similar")}
>>> differences(a, b, ("numerator", "denominator", "value", "lower", "suppressed", "vs"))
[]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from benchmarks.engines.definitions import FIELDS, Key, Published

RELATIVE: Final = 1e-9
EXACT: Final = frozenset({"numerator", "denominator"})


@dataclass(frozen=True)
class Difference:
    """One cell where two engines disagree."""

    key: Key
    field: str
    expected: Any
    found: Any

    def __str__(self) -> str:
        indicator, breakdown, area = self.key
        where = f"{indicator}{f' [{breakdown}]' if breakdown else ''} {area}"
        return f"{where}: {self.field} {self.expected!r} != {self.found!r}"


def _same(name: str, a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if name in EXACT:
            return a == b
        return abs(a - b) <= RELATIVE * max(1.0, abs(a), abs(b))
    return bool(a == b)


def differences(expected: Published, found: Published,
                fields: Sequence[str] = FIELDS) -> list[Difference]:
    """Every cell of `found` that differs from `expected`, and the rows either lacks."""
    out = [Difference(key, "row", "present", "absent")
           for key in sorted(expected.keys() - found.keys())]
    out += [Difference(key, "row", "absent", "present")
            for key in sorted(found.keys() - expected.keys())]
    for key in sorted(expected.keys() & found.keys()):
        out.extend(Difference(key, name, a, b)
                   for name, a, b in zip(fields, expected[key], found[key], strict=True)
                   if not _same(name, a, b))
    return out


def largest_relative_gap(expected: Published, found: Published) -> float:
    """The largest relative difference between matching values and limits (0 if none)."""
    gap = 0.0
    for key in expected.keys() & found.keys():
        for name, a, b in zip(FIELDS, expected[key], found[key], strict=True):
            if name in EXACT or not isinstance(a, float) or not isinstance(b, float):
                continue
            if math.isnan(a) or math.isnan(b) or a == b:
                continue
            gap = max(gap, abs(a - b) / max(1.0, abs(a), abs(b)))
    return gap


def summary(found: Mapping[str, list[Difference]], limit: int = 10) -> str:
    """The differences of each engine, at most `limit` each, for people."""
    lines = []
    for engine, diffs in found.items():
        if not diffs:
            continue
        by_indicator: dict[str, int] = {}
        for diff in diffs:
            by_indicator[diff.key[0]] = by_indicator.get(diff.key[0], 0) + 1
        lines.append(f"{engine}: {len(diffs)} differences "
                     f"({', '.join(f'{k} {v}' for k, v in sorted(by_indicator.items()))})")
        lines += [f"  {diff}" for diff in diffs[:limit]]
    return "\n".join(lines)
