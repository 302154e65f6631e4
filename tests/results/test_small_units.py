"""Disclosure control for units other than areas, as a property: whatever the counts, no
unit is published with a denominator below the least declared (never one child), and no
count withheld can be worked out as a region's total less its other units (or England's
less its other regions)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.results.builder import build_results

UNITS = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 1), st.floats(0, 1)),
                 min_size=1, max_size=12)
"""Each unit's denominator, region and share of it counted in the numerator."""


def indicator(smallest: int | None, suppression: tuple[int, int] | None) -> m.Indicator:
    return m.Indicator(
        name="f.ended", framework="f", section="s", title="Ended", kind=m.Kind.OUTCOME,
        statistic=m.Statistic.PROPORTION, unit=m.Unit("percent", 100.0),
        polarity=m.Polarity.LOWER_IS_BETTER,
        comparators=(m.Comparator(m.ComparatorKind.ENGLAND, method=m.NeighbourMethod.FUNNEL),),
        confidence=m.ConfidenceMethod.WILSON, levels=(0.95,), suppression=suppression,
        smallest=smallest, benchmark="f.homes", numerator_subset=m.SubsetProof.PROVEN)


@settings(max_examples=150, deadline=None)
@given(units=UNITS, smallest=st.sampled_from([None, 2, 5, 10]),
       suppression=st.sampled_from([None, (1, 5)]))
def test_no_small_unit_is_published_nor_recoverable(
        units: list[tuple[int, int, float]], smallest: int | None,
        suppression: tuple[int, int] | None) -> None:
    """Every unit, region or England below max(N, 2) is withheld; no region, with its units,
    and no England, with its regions, has exactly one count withheld."""
    codes = tuple(f"SC{i}" for i in range(len(units)))
    frame = AreaFrame(codes, codes, np.array([u[1] for u in units]), ("R0", "R1"),
                      ("North", "South"), level="provider")
    den = [float(u[0]) for u in units]
    num = [float(int(u[0] * u[2])) for u in units]
    totals = IndicatorTotals(indicator(smallest, suppression), num, den)
    rows = {r["area_code"]: r for r in build_results([totals], frame, 2025).rows()}
    least = max(smallest or 0, m.SMALLEST_UNIT)
    for code, (n, _, _) in zip(codes, units, strict=True):
        if 0 < n < least:
            assert rows[code]["denominator"] is None, (code, n)
            assert rows[code]["value"] is None
    for region in (0, 1):  # nor a region, nor England, counting as few
        n = sum(u[0] for u in units if u[1] == region)
        if 0 < n < least:
            assert rows[f"R{region}"]["denominator"] is None, (region, n)
    if 0 < sum(u[0] for u in units) < least:
        assert rows["E92000001"]["denominator"] is None
    regions = sorted({r for _, r, _ in units})
    for region in regions:  # a region's total is its units': one cell hidden alone is known
        cells = [code for code, (_, r, _) in zip(codes, units, strict=True) if r == region]
        hidden = [c for c in (*cells, f"R{region}") if rows[c]["denominator"] is None]
        assert len(hidden) != 1, hidden
    hidden = [c for c in ("R0", "R1", "E92000001") if rows[c]["denominator"] is None]
    assert len(hidden) != 1, hidden
