"""Episodes of care for the synthetic SSDA903 returns: periods of care cut at every change of
legal status or placement.

Unplanned moves follow a Poisson process whose rate falls with time in care (most moves
happen soon after coming into care) and rises with age, scaled for each period by a gamma
"mobility" so that a minority of children move often (the spread behind the published 3+
placements and long-term stability figures). Short-term foster placements that last become
long-term with the same carer (RNE T). All events of all periods are sorted together, events
on the same day merged, legal status and placement carried forward, and each event becomes an
episode: RNE S at the start of a period, L for a legal change only, P for a new carer, T for a
new placement with the same carer, B and U for both at once. Temporary placements (hospital,
holidays, the foster carer's holiday) are cut out of the placements they interrupt, with the
return to the usual placement as an episode of its own (`outcomespec.synthetic.placements`).
Episodes end X1 on the day the next begins; the last ends with the reason the period ends. The
reason for a placement change is recorded on the episode that ends with it, as the 903
validator expects (rules 225, 226, 233), and not around temporary placements.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec.synthetic import codes as c
from outcomespec.synthetic.care import FIRST_KIND as KIND_BY_AGE
from outcomespec.synthetic.care import Children, Periods, age_band, kind_row
from outcomespec.synthetic.codes import YEAR, IntArray, categorical, categorical_rows
from outcomespec.synthetic.placements import distances, temporary_placements

MOBILITY_SHAPE = 0.8
EARLY_RATE = 1.8
"""Unplanned moves a year on entering care (falling with time in care, see EARLY_YEARS)."""
EARLY_YEARS = 0.35
STEADY_RATE = np.array([0.10, 0.13, 0.16, 0.30, 0.35])
"""Unplanned moves a year at any time in care, by age band (under 1, 1-4, 5-9, 10-15, 16-17)."""
BECOMES_LONG_TERM = 0.35
REASON_P = (.30, .08, .03, .04, .01, .18, .10, .08, .10, 0, .005, .075)
PICKS = 2**30
"""The range of a placement's draw as it is kept (`Episodes.pick`)."""
START, PLANNED, UNPLANNED, LEGAL = 4, 3, 2, 1
"""Priority of same-day events (higher wins the placement of the merged episode)."""


@frozen
class Episodes:
    """Episodes of care, sorted by child and start date."""

    child: IntArray
    period: IntArray
    decom: IntArray
    dec: IntArray
    rne: IntArray
    ls: IntArray
    place: IntArray
    kind: IntArray
    provider: IntArray
    rec: IntArray
    reason: IntArray
    """Reason the placement changed, on the episode that ends with the change (-1: none)."""
    need: IntArray
    distance: IntArray
    """PL_DISTANCE in tenths of a mile (-1: empty; 9999: 999.9, not given)."""
    pick: IntArray
    """The placement's uniform draw, in 0..2**30 (-1: none): which of its codes it has and,
    for a children's home, which home (`outcomespec.synthetic.providers`)."""


def build_episodes(rng: np.random.Generator, children: Children, periods: Periods) -> Episodes:
    """Every episode of every period of care (`periods` sorted by child and start)."""
    n = len(periods.child)
    dob = children.dob[periods.child]
    uasc = children.uasc[periods.child]
    breaks = children.short_breaks[periods.child] == 1
    up, ud = _unplanned_moves(rng, periods, dob, breaks)
    band = age_band((ud - dob[up]) / YEAR)
    uk = categorical_rows(rng, KIND_BY_AGE, kind_row(band, uasc[up], periods.relative[up]))
    moves, legal = len(periods.move_day), len(periods.legal_day)
    i8, i32 = np.int8, np.int32
    period = np.concatenate([np.arange(n), periods.move_period, up, periods.legal_period]
                            ).astype(i32)
    day = np.concatenate([periods.start, periods.move_day, ud, periods.legal_day]).astype(i32)
    priority = np.concatenate([np.full(n, START, i8), np.full(moves, PLANNED, i8),
                               np.full(len(up), UNPLANNED, i8), np.full(legal, LEGAL, i8)])
    kind = np.concatenate([periods.first_kind, periods.move_kind, uk, np.full(legal, -1)]
                          ).astype(i8)
    same = np.concatenate([np.zeros(n), periods.move_same_carer, np.zeros(len(up) + legal)]
                          ).astype(i8)
    reason = np.concatenate([np.full(n, -1), np.zeros(moves), categorical(
        rng, REASON_P, len(up)), np.full(legal, -1)]).astype(i8)
    ls = np.concatenate([np.full(n + moves + len(up), -1), periods.legal_ls]).astype(i8)
    inside = (day == periods.start[period]) | ((day > periods.start[period])
                                               & (day < periods.end[period]))
    order = np.flatnonzero(inside)
    order = order[c.order(period[order], day[order], priority[order])]
    rows = _merge(*(a[order] for a in (period, day, kind, same, reason, ls)))
    rows = _long_term(rng, rows, periods, breaks)
    rows = _temporary(rng, rows, periods, breaks)
    return _finish(rng, rows, periods, (uasc == 1) | breaks)


def _unplanned_moves(rng: np.random.Generator, periods: Periods, dob: IntArray,
                     breaks: np.ndarray) -> tuple[IntArray, IntArray]:
    """(period, day) of each unplanned move, before the period's lock day."""
    n = len(periods.child)
    mobility = rng.gamma(MOBILITY_SHAPE, 1 / MOBILITY_SHAPE, n) * ~breaks
    span = np.maximum(periods.lock - periods.start, 0) / YEAR
    reach = 1 - np.exp(-span / EARLY_YEARS)
    early = rng.poisson(mobility * EARLY_RATE * EARLY_YEARS * reach)
    p1 = np.repeat(np.arange(n), early)
    t1 = -EARLY_YEARS * np.log1p(-rng.random(len(p1)) * reach[p1])
    top = float(STEADY_RATE.max())
    steady = rng.poisson(mobility * top * span)
    p2 = np.repeat(np.arange(n), steady)
    t2 = rng.random(len(p2)) * span[p2]
    band = age_band((periods.start[p2] + t2 * YEAR - dob[p2]) / YEAR)
    accept = rng.random(len(p2)) < STEADY_RATE[band] / top
    p = np.concatenate([p1, p2[accept]])
    day = periods.start[p] + (np.concatenate([t1, t2[accept]]) * YEAR).astype(np.int64)
    keep = (day > periods.start[p]) & (day < periods.lock[p]) & (day < periods.end[p])
    return p[keep], day[keep]


Rows = dict[str, IntArray]


def _carry(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Each missing (negative) value replaced by the last value before it."""
    at = np.maximum.accumulate(np.where(values >= 0, np.arange(len(values)), 0))
    return values[at]


def _merge(period: IntArray, day: IntArray, kind: IntArray, same: IntArray, reason: IntArray,
           ls: IntArray) -> Rows:
    """Events of one period and day become one episode: the placement event of the highest
    priority (sorted last), the legal status given; statuses and placements carried on."""
    m = len(day)
    group = np.flatnonzero(np.append(True, (period[1:] != period[:-1]) | (day[1:] != day[:-1])))
    index = np.arange(m, dtype=np.int32)
    place_at = np.maximum.reduceat(np.where(kind >= 0, index, -1), group)
    legal_at = np.maximum.reduceat(np.where(ls >= 0, index, -1), group)
    period, day = period[group], day[group]
    placed, stated = place_at >= 0, legal_at >= 0
    kind_e = np.where(placed, kind[place_at], -1)
    same_e = np.where(placed, same[place_at], 0)
    reason_e = np.where(placed, reason[place_at], -1)
    ls_e = np.where(stated, ls[legal_at], -1)
    first = np.append(True, period[1:] != period[:-1])
    ls_f, kind_f = _carry(ls_e), _carry(kind_e)
    legal_change = stated & (ls_e != np.append(-1, ls_f[:-1])) & ~first
    place_change = placed & ~first
    new_carer = place_change & (same_e == 0)
    rne = np.select([first, legal_change & new_carer, legal_change & place_change,
                     legal_change, new_carer, place_change],
                    [c.RNE_S, c.RNE_B, c.RNE_U, c.RNE_L, c.RNE_P, c.RNE_T], -1)
    kept = rne >= 0
    return {"period": period[kept], "day": day[kept], "rne": rne[kept].astype(np.int8),
            "ls": ls_f[kept], "kind": kind_f[kept], "reason": reason_e[kept]}


def _long_term(rng: np.random.Generator, rows: Rows, periods: Periods,
               breaks: np.ndarray) -> Rows:
    """Short-term foster placements (U6, U3) lasting over 1.2 years may become long-term
    (U4, U1) with the same carer, 6 to 12 months in: a new episode, RNE T."""
    period, day, rne = rows["period"], rows["day"], rows["rne"]
    carer = c.among(rne, (c.RNE_S, c.RNE_P, c.RNE_B, c.RNE_T, c.RNE_U))
    spell = np.cumsum(carer) - 1
    starts = np.flatnonzero(carer)
    spell_period = period[starts]
    following = np.append(day[starts[1:]], 0)
    ends_period = np.append(spell_period[1:] != spell_period[:-1], True)
    spell_end = np.where(ends_period, periods.end[spell_period], following)
    spell_kind = rows["kind"][starts]
    split = day[starts] + (rng.uniform(0.5, 1.0, len(starts)) * YEAR).astype(np.int32)
    chosen = np.flatnonzero(c.among(spell_kind, (c.U6, c.U3)) & ~breaks[spell_period]
                            & (split < spell_end - 1) & (spell_end - day[starts] > 1.2 * YEAR)
                            & (rng.random(len(starts)) < BECOMES_LONG_TERM))
    # The row each split falls in: the last row of the spell starting on or before it.
    key = period.astype(np.int64) << 20 | (day - DAY_BASE)
    target = period[starts[chosen]].astype(np.int64) << 20 | (split[chosen] - DAY_BASE)
    within = np.searchsorted(key, target, side="right") - 1
    clear = key[within] != target  # not on the day another episode starts
    chosen, within, target = chosen[clear], within[clear], target[clear]
    moved = np.zeros(len(starts), dtype=bool)
    moved[chosen] = True
    new_kind = np.where(spell_kind == c.U6, c.U4, c.U1)
    split_of = np.where(moved, split, np.iinfo(np.int32).max)
    after = moved[spell] & (day > split_of[spell])
    kind = np.where(after, new_kind[spell], rows["kind"])
    inserted = {"period": period[within], "day": split[chosen],
                "rne": np.full(len(chosen), c.RNE_T, np.int8), "ls": rows["ls"][within],
                "kind": new_kind[chosen].astype(kind.dtype),
                "reason": np.full(len(chosen), c.REASON.index("PLACE"), np.int8)}
    base = dict(rows, kind=kind)
    return {name: np.insert(base[name], within + 1, inserted[name]) for name in base}


def _temporary(rng: np.random.Generator, rows: Rows, periods: Periods, breaks: np.ndarray
               ) -> Rows:
    """Temporary placements cut into the episodes: each an episode begun with RNE P, then
    the return to the usual placement, RNE P again (`back` marks the returns)."""
    period, day = rows["period"], rows["day"]
    last = np.append(period[1:] != period[:-1], True)
    end = np.where(last, periods.end[period], np.append(day[1:], 0))
    row, start, back, temp = temporary_placements(rng, day, end, rows["kind"],
                                                  ~breaks[period])
    k = len(row)
    added = {"period": np.concatenate([period[row], period[row]]),
             "day": np.concatenate([start, back]).astype(day.dtype),
             "rne": np.full(2 * k, c.RNE_P, np.int8),
             "ls": np.concatenate([rows["ls"][row], rows["ls"][row]]),
             "kind": np.concatenate([temp, rows["kind"][row]]).astype(rows["kind"].dtype),
             "reason": np.full(2 * k, -1, np.int8),
             "back": np.concatenate([np.zeros(k, np.int8), np.ones(k, np.int8)])}
    base = dict(rows, back=np.zeros(len(day), np.int8))
    joined = {name: np.concatenate([base[name], added[name]]) for name in base}
    order = c.order(joined["period"], joined["day"])
    return {name: values[order] for name, values in joined.items()}


DAY_BASE = -25567
"""1 January 1900: days are stored from here in packed sort keys (2^20 days ≈ 2,870 years)."""


def _finish(rng: np.random.Generator, rows: Rows, periods: Periods, no_distance: np.ndarray
            ) -> Episodes:
    """End dates, reasons, placement codes, providers and distances. A temporary placement
    and the return from it are no new placement: the return keeps the usual placement's
    code, provider and distance."""
    period, day, rne, kind = rows["period"], rows["day"], rows["rne"], rows["kind"]
    m = len(day)
    last = np.append(period[1:] != period[:-1], True)
    dec = np.where(last, periods.end[period], np.append(day[1:], 0))
    rec_period = periods.rec.copy()
    ending = period[last]
    rec_period[ending] = np.where(rec_period[ending] >= 0, rec_period[ending],
                                  _aged_out(rng, kind[last]))
    rec = np.where(last, rec_period[period], c.X1)
    temporary = c.among(kind, c.TEMPORARY_KINDS)
    settled = ~temporary & (rows["back"] == 0)
    # One draw per placement (new carer): its provider and the pick among its codes.
    new_carer = c.among(rne, (c.RNE_S, c.RNE_P, c.RNE_B)) & settled
    placement = c.among(rne, (c.RNE_S, c.RNE_P, c.RNE_B, c.RNE_T, c.RNE_U)) & settled
    table = np.array([c.PROVIDER_P[k] for k in range(len(c.KINDS))])
    provider = np.full(m, -1, dtype=np.int64)
    provider[new_carer] = categorical_rows(rng, table, kind[new_carer].astype(np.int64))
    provider = _carry(provider)
    u = np.full(m, -1.0)
    u[placement] = rng.random(int(placement.sum()))
    carried = _carry(u)
    place = c.place_codes(kind.astype(np.int64), day, carried)
    provider = np.where((kind == c.OTHER) | temporary, -1, provider)
    ls = rows["ls"]
    distance = distances(rng, kind, new_carer, temporary,
                         no_distance[period] | c.among(ls, (c.V3, c.V4)))
    # The reason a placement changed, on the episode that ends with it: none when the next
    # episode is no change of placement, and none around a temporary placement.
    change = np.where(rows["reason"] < 0, 0, rows["reason"])
    changes = (~last & np.append(c.among(rne[1:], (c.RNE_P, c.RNE_B, c.RNE_T, c.RNE_U)),
                                 False)
               & ~temporary & ~np.append(temporary[1:], False))
    reason = np.where(changes, np.append(change[1:], 0), -1)
    fields = (periods.child[period], period, day, dec, rne, ls, place, kind, provider,
              rec, reason, periods.need[period], distance,
              np.where(carried >= 0, carried * PICKS, -1))
    return Episodes(*(np.asarray(a, dtype=np.int32) for a in fields))


def _aged_out(rng: np.random.Generator, kind: IntArray) -> IntArray:
    n = len(kind)
    foster = np.array([c.E17, c.E5, c.E8, c.E6, c.E13])[
        categorical(rng, (.45, .25, .15, .05, .10), n)]
    supported = np.array([c.E5, c.E6, c.E8, c.E17])[categorical(rng, (.65, .15, .15, .05), n)]
    other = np.array([c.E5, c.E8, c.E6, c.E7, c.E13])[
        categorical(rng, (.5, .3, .1, .05, .05), n)]
    return np.select([c.among(kind, c.FOSTER_KINDS), kind == c.SUP, kind == c.P1],
                     [foster, supported, np.full(n, c.E4A)], other).astype(np.int64)
