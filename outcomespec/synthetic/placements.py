"""Temporary placements and distances from home, for the synthetic SSDA903 episodes.

A temporary placement is a short absence from the usual placement that the child returns to:
a stay in hospital (T1), a holiday (T2), another carer while the foster carer is on holiday
(T3), any other absence of seven days or less (T4), or a temporary move of another kind (T0).
The return makes these the cases where counting episodes and counting placements differ, so
the generator writes them as the DfE 903 validator expects (data-to-insight/
csc-validator-be-903): the temporary placement is an episode begun with RNE P (rule 380), never
the first or last episode of a period of care (rules 380, 381), and the child then returns to
the usual placement in a new episode with RNE P and the same PLACE (rule 383). Lengths stay
within the validator's limits: hospital up to six weeks, the foster carer's holiday up to three
weeks, T4 up to seven days (rules 375, 376, 379).

PL_DISTANCE, the miles between the home and placement postcodes, is drawn once for each
placement and kept for its episodes, the return from a temporary placement included. It is
empty for unaccompanied asylum-seeking children (rule 406) and for short breaks (rule 398),
999.9 for some placements for adoption whose address is confidential, and empty for a few
placements whose postcode was not recorded. DfE's 2025 figures for children looked after on 31
March: 22% more than 20 miles from home, 9% distance not known or not recorded, of which most
are unaccompanied asylum-seeking children (6,540 of the 6,990).

Rates of temporary placements are not published: the rates below are assumptions, chosen so
that a temporary placement is an ordinary event for children in foster care (the foster
carer's holiday) and a rarer one elsewhere. The shares more than 20 miles from home by kind
of placement are assumptions too, set so that England's 2025 figure lands near the published
22%.
"""

from __future__ import annotations

import numpy as np

from outcomespec.synthetic import codes as c
from outcomespec.synthetic.codes import YEAR, IntArray, categorical_rows
from outcomespec.synthetic.reference import collection_year

TEMPORARY_RATE = np.full(len(c.KINDS), 0.03)
"""Temporary placements a year by the kind of the usual placement [assumption]."""
TEMPORARY_RATE[list(c.FOSTER_KINDS)] = 0.12
TEMPORARY_RATE[[c.K1, c.K2]] = 0.05
TEMPORARY_RATE[[c.P1, c.OTHER, *c.TEMPORARY_KINDS]] = 0.0
TEMPORARY_KIND = c.kind_table([
    {c.T3: .45, c.T1: .15, c.T2: .20, c.T4: .15, c.T0: .05},  # from foster care
    {c.T1: .40, c.T2: .30, c.T4: .25, c.T0: .05},  # from other placements
])
"""Which temporary placement, from foster care or elsewhere [assumption]."""
TEMPORARY_DAYS = {c.T0: (1, 14), c.T1: (2, 28), c.T2: (3, 14), c.T3: (5, 21), c.T4: (1, 7)}
"""Shortest and longest stay, in days (rules 375, 376, 379 allow 42, 21 and 7)."""

FAR_P = np.full(len(c.KINDS), 0.40)
"""Share of placements more than 20 miles from home, by kind [assumption]."""
FAR_P[[c.U1, c.U2, c.U3]] = 0.16
FAR_P[[c.U4, c.U5, c.U6]] = 0.22
FAR_P[[c.K1]] = 0.65
FAR_P[[c.K2]] = 0.48
FAR_P[[c.SUP]] = 0.26
FAR_P[[c.P1]] = 0.06
FAR_P[list(c.ADOPTION_KINDS)] = 0.35
FAR_P[[c.OTHER, *c.TEMPORARY_KINDS]] = 0.25
FAR_MEAN_MILES = 35.0
"""Mean miles beyond 20 of a placement more than 20 miles away (capped at 350: rule 454)."""
NEAR_MEAN_MILES = 6.0
CONFIDENTIAL = 9999
"""999.9 miles: no distance, for a placement whose address is confidential."""
CONFIDENTIAL_ADOPTION = 0.20
"""Placements for adoption whose distance is not given [assumption]."""
NOT_RECORDED = 0.003
"""Other placements whose postcode was not recorded [assumption]."""
UNKNOWN = 10_000
"""A placement with no distance (empty): a code carried like a distance, emptied at the end."""


def temporary_placements(rng: np.random.Generator, day: IntArray, end: IntArray,
                         kind: IntArray, allowed: np.ndarray
                         ) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """(row, start, back, kind) of each temporary placement, for episodes running from `day`
    to `end` (the next episode's start, or the end of the period) in placements of `kind`.

    Each starts after its episode begins and the child is back before the episode ends, so
    the temporary placement is neither the first nor the last episode of a period; two in
    one episode never overlap. Only rows where `allowed` (not short breaks) have them.
    """
    span = np.maximum(end - day, 0).astype(np.int64)
    count = rng.poisson(TEMPORARY_RATE[kind] * allowed * span / YEAR)
    row = np.repeat(np.arange(len(day)), count)
    usual = kind[row].astype(np.int64)
    temp = categorical_rows(rng, TEMPORARY_KIND, (~c.among(usual, c.FOSTER_KINDS)).astype(
        np.int64))
    shortest = np.array([TEMPORARY_DAYS.get(k, (0, 0))[0] for k in range(len(c.KINDS))])
    longest = np.array([TEMPORARY_DAYS.get(k, (0, 0))[1] for k in range(len(c.KINDS))])
    length = shortest[temp] + (rng.random(len(row)) * (longest[temp] - shortest[temp] + 1)
                               ).astype(np.int64)
    room = span[row] - length - 2
    start = day[row] + 1 + (rng.random(len(row)) * np.maximum(room, 0)).astype(np.int64)
    back = start + length
    # A code that changes with the collection year (supported accommodation, other
    # placements) must be the same on return as when the placement began: the child
    # returns to the same PLACE.
    recoded = c.among(usual, (c.SUP, c.OTHER)) & (collection_year(day[row])
                                                   != collection_year(back))
    keep = (room > 0) & ~recoded
    row, start, back, temp = row[keep], start[keep], back[keep], temp[keep]
    order = c.order(row, start)
    row, start, back, temp = row[order], start[order], back[order], temp[order]
    # Keep one only if it starts after every earlier one in the same episode has ended.
    low = int(start.min(initial=0))
    key_back = (row.astype(np.int64) << 24) | (back - low)
    before = np.append(-1, np.maximum.accumulate(key_back)[:-1])
    clear = ((row.astype(np.int64) << 24) | (start - low)) > before
    return row[clear], start[clear], back[clear], temp[clear]


def distances(rng: np.random.Generator, kind: IntArray, placed: np.ndarray,
              temporary: np.ndarray, unknown: np.ndarray) -> IntArray:
    """PL_DISTANCE in tenths of a mile for each episode (-1: empty; 9999: 999.9).

    `placed` marks the episodes that begin a placement with new carers (a distance is drawn
    for each and kept for the episodes after it, the return from a temporary placement
    included); `temporary` the temporary placements (a distance of their own); `unknown` the
    episodes with no distance at all (unaccompanied asylum-seeking children, short breaks).
    """
    drawn = placed | temporary
    k = kind[drawn].astype(np.int64)
    n = len(k)
    far = rng.random(n) < FAR_P[k]
    miles = np.where(far, 20.1 + np.minimum(rng.exponential(FAR_MEAN_MILES, n), 329.9),
                     np.minimum(0.2 + rng.exponential(NEAR_MEAN_MILES, n), 20.0))
    tenths = np.rint(miles * 10).astype(np.int64)
    confidential = c.among(k, c.ADOPTION_KINDS) & (rng.random(n) < CONFIDENTIAL_ADOPTION)
    tenths = np.where(confidential, CONFIDENTIAL, tenths)
    tenths = np.where(rng.random(n) < NOT_RECORDED, UNKNOWN, tenths)
    placement = np.full(len(kind), -1, dtype=np.int64)
    placement[placed] = tenths[placed[drawn]]
    at = np.maximum.accumulate(np.where(placement >= 0, np.arange(len(kind)), 0))
    out = np.where(temporary, -1, placement[at])
    out[temporary] = tenths[temporary[drawn]]
    return np.where(unknown | (out == UNKNOWN), -1, out)
