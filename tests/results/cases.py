"""Cases shared by the tests of outcomespec.results: checked indicators and frameworks built
in a line, real local authorities' counts, and a results table laid out by hand.

The placements figures are DfE's published children looked after statistics for the year
ending 31 March 2025 (LA numerators and denominators unrounded, England 8,500 / 81,770;
Open Government Licence v3.0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame
from outcomespec.results.judgement import Judgement
from outcomespec.results.table import ENGLAND_CODE, Results
from outcomespec.results.trends import Trend

PERCENT = m.Unit("percent", 100.0)
PER_10K = m.Unit("per 10,000", 10_000.0)
ENGLAND = m.Comparator(m.ComparatorKind.ENGLAND)
REGION = m.Comparator(m.ComparatorKind.REGION)
NEIGHBOURS = m.ComparatorKind.NEIGHBOURS
POPULATION = m.ComparatorKind.POPULATION
TARGET = m.ComparatorKind.TARGET
MEDIAN = m.NeighbourMethod.MEDIAN
NE, NW = "E12000001", "E12000002"


def indicator(name: str = "placements_3plus", *,
              statistic: m.Statistic = m.Statistic.PROPORTION,
              unit: m.Unit = PERCENT,
              polarity: m.Polarity = m.Polarity.LOWER_IS_BETTER,
              comparators: tuple[m.Comparator, ...] = (ENGLAND, REGION),
              confidence: m.ConfidenceMethod = m.ConfidenceMethod.WILSON,
              levels: tuple[float, ...] = (0.95, 0.998),
              suppression: tuple[int, int] | None = (1, 5),
              title: str | None = None) -> m.Indicator:
    """A checked indicator with test defaults: 3+ placements, percent, low is good."""
    return m.Indicator(
        name=f"csc.{name}", framework="csc", section="stable_homes", title=title or name,
        kind=m.Kind.OUTCOME, statistic=statistic, unit=unit, polarity=polarity,
        comparators=comparators, confidence=confidence, levels=levels,
        suppression=suppression, numerator_subset=m.SubsetProof.PROVEN)


def framework(rounding: tuple[tuple[m.AreaLevel, ...], int] | None = (
        (m.AreaLevel.ENGLAND, m.AreaLevel.REGION), 10)) -> m.Framework:
    """An empty checked framework named `csc_national_framework` with DfE rounding."""
    return m.Framework(name="csc_national_framework", kind=m.ModuleKind.FRAMEWORK, path="",
                       suppression=(1, 5), rounding=rounding)


# Children looked after with 3+ placements, 2025: five real LAs, and the rest of England as one
# pseudo-LA so that England pools to the published 8,500 / 81,770.
PLACEMENTS = [  # code, name, region, numerator, denominator
    ("805", "Hartlepool", 0, 31, 332),
    ("393", "South Tyneside", 0, 19, 295),
    ("806", "Middlesbrough", 0, 59, 493),
    ("341", "Liverpool", 1, 97, 1416),
    ("890", "Blackpool", 1, 41, 531),
    ("999", "Rest of England", -1, 8500 - 247, 81770 - 3067),
]


def placements_frame() -> tuple[AreaFrame, list[float], list[float]]:
    """The 3+ placements fixture: frame, numerators, denominators."""
    codes, names, regions, nums, dens = zip(*PLACEMENTS, strict=True)
    frame = AreaFrame(codes, names, regions, (NE, NW), ("North East", "North West"))
    return frame, list(nums), list(dens)


def hand_built() -> Results:
    """A results table laid out by hand, one row for each thing a layout must get right.

    Rows: England, the North East (a qualified value) and the North West (nothing to divide
    by); Hartlepool, and Middlesbrough suppressed, each by its ONS and DfE codes; then a
    count of girls (a breakdown, no denominator) for Hartlepool, and for Middlesbrough
    published as suppressed in the source. Only the 3+ placements indicator has a target;
    its values are published to one decimal place, the count's as whole numbers.
    Hartlepool's two rows are ranked (3rd of 150 in the best quartile; 1st of 2, too few for
    bands); the series columns give one trend of each kind a layout words.
    """
    b, s, w = Judgement.BETTER, Judgement.SIMILAR, Judgement.WORSE
    lo, nc = Judgement.LOWER, Judgement.NOT_COMPARED
    nan = math.nan
    placements = ("placements_3plus", "Three or more placements", "percent", "proportion",
                  "lower_is_better", "")
    girls = ("uasc", "Unaccompanied children", "count", "count", "no_judgement",
             "Sex: Female")
    rows = [  # indicator, area, numbers, suppressed, note, judgements (england, region,
        #       neighbours, target, population)
        (placements, ("england", ENGLAND_CODE, "England", "", ""),
         (8500, 81770, 10.395, 10.1877, 10.6061), False, "", (nc, nc, nc, w, nc)),
        (placements, ("region", NE, "North East", NE, ""),
         (630, 6040, 10.4305, 9.6852, 11.2252), False,
         "incomplete: 1 authority's counts not known", (s, nc, nc, s, nc)),
        (placements, ("region", NW, "North West", NW, ""), (0, 0, nan, nan, nan), False,
         "zero_denominator", (nc, nc, nc, nc, nc)),
        (placements, ("local_authority", "E06000001", "Hartlepool", NE, "805"),
         (31, 332, 9.337, 6.656, 12.949), False, "", (s, s, b, s, nc)),
        (placements, ("local_authority", "E06000002", "Middlesbrough", NE, "806"),
         (nan, nan, nan, nan, nan), True, "suppressed", (nc, nc, nc, nc, nc)),
        (girls, ("local_authority", "E06000001", "Hartlepool", NE, "805"),
         (12, nan, 12, 6.2006, 20.9612),
         False, "", (lo, nc, nc, nc, nc)),
        (girls, ("local_authority", "E06000002", "Middlesbrough", NE, "806"),
         (nan, nan, nan, nan, nan),
         False, "published_suppressed: numerator", (nc, nc, nc, nc, nc)),
    ]

    def text(values: Iterable[Any]) -> tuple[Any, ...]:
        return tuple(values)

    def numbers(i: int) -> npt.NDArray[np.float64]:
        return np.array([row[2][i] for row in rows], dtype=np.float64)

    return Results(
        framework=("csc",) * len(rows), indicator=text(r[0][0] for r in rows),
        title=text(r[0][1] for r in rows), period=np.full(len(rows), 2025, dtype=np.int64),
        area_type=text(r[1][0] for r in rows), area_code=text(r[1][1] for r in rows),
        la_code=text(r[1][4] for r in rows), area_name=text(r[1][2] for r in rows),
        breakdown=text(r[0][5] for r in rows),
        numerator=numbers(0), denominator=numbers(1), value=numbers(2),
        unit=text(r[0][2] for r in rows), lower_95=numbers(3), upper_95=numbers(4),
        lower_99_8=np.full(len(rows), nan), upper_99_8=np.full(len(rows), nan),
        suppressed=np.array([r[3] for r in rows]), note=text(r[4] for r in rows),
        vs_england=text(r[5][0] for r in rows), vs_region=text(r[5][1] for r in rows),
        vs_neighbours=text(r[5][2] for r in rows), region_code=text(r[1][3] for r in rows),
        statistic=text(r[0][3] for r in rows), polarity=text(r[0][4] for r in rows),
        vs_target=text(r[5][3] for r in rows), vs_population=text(r[5][4] for r in rows),
        rank=np.array([nan, nan, nan, 3, nan, 1, nan]),
        rank_of=np.array([nan, nan, nan, 150, nan, 2, nan]),
        quartile=np.array([nan, nan, nan, 1, nan, nan, nan]),
        trend=(Trend.NO_SIGNIFICANT_CHANGE, Trend.NOT_ASSESSED, Trend.NOT_ASSESSED,
               Trend.DECREASING_BETTER, Trend.CANNOT_BE_CALCULATED, Trend.CANNOT_BE_CALCULATED,
               Trend.NOT_ASSESSED),
        region_names=((NE, "North East"), (NW, "North West")),
        targeted=frozenset({("csc", "placements_3plus")}),
        decimals=((("csc", "placements_3plus"), 1), (("csc", "uasc"), 0)))
