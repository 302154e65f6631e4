"""outcomespec.results.ranks: each authority's rank and quartile band, against a plain Python
league table, Fingertips' published quartile test values, and the results table."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.results.builder import build_results
from outcomespec.results.ranks import rank_values
from tests.results.cases import NE, NW, PER_10K, indicator

NAN = math.nan
LOW = m.Polarity.LOWER_IS_BETTER
HIGH = m.Polarity.HIGHER_IS_BETTER
NONE = m.Polarity.NO_JUDGEMENT


def plain_ranks(values: list[float], polarity: m.Polarity) -> list[float]:
    """1 + how many published values are strictly better (for `no_judgement`: lower)."""
    def ahead(other: float, value: float) -> bool:
        return other > value if polarity is HIGH else other < value

    shown = [v for v in values if not math.isnan(v)]
    return [NAN if math.isnan(v) else 1 + sum(ahead(o, v) for o in shown) for v in values]


def plain_quartiles(values: list[float], polarity: m.Polarity) -> list[float]:
    """Fingertips' bands: the 25th, 50th and 75th percentiles at position (n - 1) f + 1 of the
    sorted values, interpolated; a value goes in the first band whose bound it does not
    exceed, both to 10 places; band 1 is the best (the lowest unless higher is better)."""
    shown = sorted(v for v in values if not math.isnan(v))
    if len(shown) < 4:
        return [NAN] * len(values)

    def percentile(fraction: float) -> float:
        position = (len(shown) - 1) * fraction + 1
        whole = int(position)
        if whole >= len(shown):
            return shown[-1]
        return round(shown[whole - 1] + (position - whole) * (shown[whole] - shown[whole - 1]),
                     10)

    bounds = [percentile(f) for f in (0.25, 0.5, 0.75)]
    bands = [NAN if math.isnan(v) else 1 + sum(round(v, 10) > b for b in bounds)
             for v in values]
    return [5 - b if polarity is HIGH and not math.isnan(b) else b for b in bands]


def same(left: np.ndarray, right: list[float]) -> bool:
    """Equal, NaN where NaN."""
    return bool(np.array_equal(left, np.array(right, dtype=float), equal_nan=True))


@given(st.lists(st.one_of(st.just(NAN), st.integers(0, 12).map(float),
                          st.floats(0, 500, allow_nan=False)), max_size=40),
       st.sampled_from([LOW, HIGH, NONE]))
def test_ranks_and_bands_agree_with_a_plain_league_table(values: list[float],
                                                         polarity: m.Polarity) -> None:
    """Any values, ties and blanks among them: the ranks, the number ranked and the bands
    are those a plain Python league table gives."""
    ranked = rank_values(values, polarity)
    assert same(ranked.rank, plain_ranks(values, polarity))
    count = sum(not math.isnan(v) for v in values)
    assert same(ranked.rank_of, [NAN if math.isnan(v) else count for v in values])
    assert same(ranked.quartile, plain_quartiles(values, polarity))


def test_ties_share_the_better_rank_and_skip_the_next() -> None:
    """Standard competition ranking: 1, 2, 2, 4; a blank is neither ranked nor counted."""
    ranked = rank_values([6.4, 9.3, 9.3, NAN, 12.0], LOW)
    assert ranked.rank.tolist()[:3] + ranked.rank.tolist()[4:] == [1.0, 2.0, 2.0, 4.0]
    assert math.isnan(ranked.rank[3])
    assert ranked.rank_of[0] == 4


def test_higher_is_better_ranks_the_highest_first() -> None:
    """Rank 1 is the best: the highest value when higher is better, the lowest otherwise
    (and for `no_judgement`, the lowest, with no best implied)."""
    values = [54.0, 71.0, 63.0, 48.0]
    assert rank_values(values, HIGH).rank.tolist() == [3.0, 1.0, 2.0, 4.0]
    assert rank_values(values, LOW).rank.tolist() == [2.0, 4.0, 3.0, 1.0]
    assert rank_values(values, NONE).rank.tolist() == [2.0, 4.0, 3.0, 1.0]
    assert rank_values(values, HIGH).quartile.tolist() == [3.0, 1.0, 2.0, 4.0]


def test_fingertips_quartile_bounds_of_1_to_50() -> None:
    """Fingertips' QuartilesCalculatorTest: for 1..50 the bounds are 13.25, 25.5 and 37.75,
    so 13 is in band 1, 14 in band 2, 25 in 2, 26 in 3, 37 in 3 and 38 in 4."""
    values = [float(v) for v in range(1, 51)]
    bands = dict(zip(values, rank_values(values, LOW).quartile.tolist(), strict=True))
    assert [bands[v] for v in (1, 13, 14, 25, 26, 37, 38, 50)] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_fingertips_needs_four_values_for_bands() -> None:
    """Fingertips' QuartilesComparerTest: three values give no band; 1..10 put 1 in band 1
    and 10 in band 4. A value on a bound goes in the band below it."""
    assert np.isnan(rank_values([1.0, 2.0, 3.0], LOW).quartile).all()
    ten = rank_values([float(v) for v in range(1, 11)], LOW).quartile
    assert (ten[0], ten[-1]) == (1.0, 4.0)
    on_bound = rank_values([1.0, 2.0, 3.0, 4.0, 5.0], LOW).quartile  # bounds 2, 3, 4
    assert on_bound.tolist() == [1.0, 1.0, 2.0, 3.0, 4.0]


def test_nothing_published_ranks_nothing() -> None:
    """With no value, no rank, no count and no band."""
    ranked = rank_values([NAN, NAN], HIGH)
    assert np.isnan(ranked.rank).all()
    assert np.isnan(ranked.rank_of).all()


def test_results_rank_only_authorities_with_a_published_value() -> None:
    """In a results table, LAs are ranked among the LAs of their breakdown with a value;
    regions and England and a suppressed LA are not (ranks of Fingertips 90284-like rates)."""
    frame = AreaFrame(("805", "806", "807", "341", "890"),
                      ("Hartlepool", "Middlesbrough", "Redcar", "Liverpool", "Blackpool"),
                      [0, 0, 0, 1, 1], (NE, NW), ("North East", "North West"))
    rate = indicator("cla_rate_per_10k", statistic=m.Statistic.RATE, unit=PER_10K,
                     polarity=NONE, confidence=m.ConfidenceMethod.BYARS)
    placements = indicator()  # proportion, lower is better
    totals = [IndicatorTotals(rate, [332, 493, 3, 1416, 531], [18870, 31450, 28000, 103190,
                                                              27640]),
              IndicatorTotals(placements, [31, 59, 40, 97, 41], [332, 493, 300, 1416, 531])]
    rows = list(build_results(totals, frame, 2025).rows())
    ranked = {(r["indicator"], r["area_name"]): (r["rank"], r["rank_of"], r["quartile"])
              for r in rows}
    # Rates: Redcar's 3 is suppressed (and, to protect it, one more LA of its region).
    rates = {name: ranked[("cla_rate_per_10k", name)] for name in
             ("Hartlepool", "Middlesbrough", "Redcar", "Liverpool", "Blackpool")}
    published = [r for r in rows if r["indicator"] == "cla_rate_per_10k"
                 and r["area_type"] == "local_authority" and r["value"] is not None]
    order = sorted(published, key=lambda r: r["value"])
    assert [rates[r["area_name"]][0] for r in order] == list(range(1, len(order) + 1))
    assert rates["Redcar"] == (None, None, None)
    assert all(rates[r["area_name"]][1] == len(order) for r in order)
    # Placements: lower is better; 7.72% Blackpool, 6.85% Liverpool, 9.34% Hartlepool,
    # 11.97% Middlesbrough, 13.33% Redcar.
    assert [ranked[("placements_3plus", n)] for n in
            ("Liverpool", "Blackpool", "Hartlepool", "Middlesbrough", "Redcar")] == [
        (1, 5, 1), (2, 5, 1), (3, 5, 2), (4, 5, 3), (5, 5, 4)]
    assert all(r["rank"] is None for r in rows if r["area_type"] != "local_authority")


def test_a_target_range_ranks_by_value_as_no_judgement_does() -> None:
    """Good inside a range has no best end: ranks follow the values, lowest first."""
    values = [9.3, 12.0, 4.0, 20.0]
    ranged = rank_values(values, m.Polarity.TARGET_RANGE)
    plain = rank_values(values, m.Polarity.NO_JUDGEMENT)
    assert ranged.rank.tolist() == plain.rank.tolist() == [2.0, 3.0, 1.0, 4.0]
    assert ranged.quartile.tolist() == plain.quartile.tolist()
