"""Periods of care for the synthetic SSDA903 returns: who comes into care, when, why they
leave, and the legal steps and planned moves in between.

Each period of care follows a route chosen by the child's age on entry: returned home, adopted,
special guardianship, child arrangements order, looked after until 18, or another exit. The
route fixes the legal statuses (interim care order, full care order, placement order,
section 20) with the final hearing of care proceedings some 40 weeks in, the planned moves
(placed for adoption, placed with parents before discharge) and the reason the period ends.
Nobody is looked after past the day before their 18th birthday. Some children who return
home come back into care later. Children on a series of short breaks (V3/V4) are simulated
apart. Everything is drawn for all children at once; loops run over years or re-entries only.
"""

from __future__ import annotations

import numpy as np
from attrs import frozen

from outcomespec.synthetic import codes as c
from outcomespec.synthetic.codes import YEAR, IntArray, categorical, categorical_rows
from outcomespec.synthetic.reference import (
    STARTERS,
    LocalAuthorities,
    add_years,
    published,
    year_start,
)

HOME, ADOPT, SGO, CAO, LONG, OTHER = range(6)
ROUTE_P = np.array([  # entry age band -> HOME ADOPT SGO CAO LONG OTHER
    [.22, .30, .22, .03, .12, .11],  # under 1
    [.30, .20, .20, .04, .15, .11],  # 1-4
    [.36, .03, .17, .04, .30, .10],  # 5-9
    [.40, .00, .06, .02, .40, .12],  # 10-15
    [.30, .00, .00, .00, .55, .15],  # 16-17
])
AGE_BAND_P = (.18, .14, .14, .32, .22)
AGE_BANDS = ((0.0, 1.0), (1.0, 5.0), (5.0, 10.0), (10.0, 16.0), (16.0, 18.0))
REENTRY = 0.22
INFLOW = 0.90
"""First periods of care as a share of published starters (the rest are re-entries)."""
NEED_P = (.62, .03, .03, .08, .12, .02, .002, .098)
SHORT_BREAK_SHARE = 0.04
"""New short-break children a year, as a share of children starting to be looked after."""


@frozen
class Children:
    """Children who are ever looked after: one row each."""

    la: IntArray
    dob: IntArray
    female: IntArray
    ethnic: IntArray
    uasc: IntArray
    short_breaks: IntArray


@frozen
class Periods:
    """Periods of care, with the legal and planned placement events inside them."""

    child: IntArray
    start: IntArray
    end: IntArray
    route: IntArray
    rec: IntArray
    """Reason the period ends; -1 where it ends at 18 (decided from the last placement)."""
    need: IntArray
    first_kind: IntArray
    relative: IntArray
    lock: IntArray
    """Day after which no unplanned move happens (placed for adoption, placed with parents)."""
    legal_period: IntArray
    legal_day: IntArray
    legal_ls: IntArray
    move_period: IntArray
    move_day: IntArray
    move_kind: IntArray
    move_same_carer: IntArray


FIRST_KIND = c.kind_table([
    {c.U3: .16, c.U6: .72, c.U4: .01, c.U5: .02, c.R3: .06, c.R2: .01, c.OTHER: .02},
    {c.U3: .18, c.U6: .74, c.U4: .03, c.K2: .01, c.R2: .01, c.OTHER: .03},
    {c.U3: .17, c.U6: .69, c.U4: .04, c.K2: .06, c.S1: .01, c.R2: .005, c.OTHER: .025},
    {c.U3: .10, c.U6: .55, c.U4: .03, c.K1: .015, c.K2: .25, c.S1: .02, c.R1: .005,
     c.R2: .01, c.R5: .005, c.OTHER: .015},
    {c.U3: .04, c.U6: .26, c.U4: .01, c.K1: .01, c.K2: .15, c.SUP: .48, c.R1: .005,
     c.R5: .01, c.S1: .01, c.P3: .002, c.OTHER: .015},
    {c.U6: .75, c.K2: .20, c.OTHER: .05},  # unaccompanied, under 16
    {c.U6: .33, c.K2: .07, c.SUP: .58, c.OTHER: .02},  # unaccompanied, 16-17
    {c.U3: .80, c.U1: .05, c.U6: .15},  # with relatives or friends (special guardianship)
])


def age_band(age_years: c.FloatArray) -> IntArray:
    """0: under 1, 1: 1-4, 2: 5-9, 3: 10-15, 4: 16-17."""
    return np.searchsorted(np.array([1.0, 5.0, 10.0, 16.0]), age_years, side="right").astype(
        np.int64)


def kind_row(band: IntArray, uasc: IntArray, relative: IntArray) -> IntArray:
    """Row of FIRST_KIND for a placement made at this age band."""
    row = band.copy()
    row = np.where(uasc.astype(bool), np.where(band >= 4, 6, 5), row)
    return np.where(relative.astype(bool) & (band <= 3), 7, row)


def simulate_periods(rng: np.random.Generator, las: LocalAuthorities,
                     england: LocalAuthorities, first: int, last: int, scale: float
                     ) -> tuple[Children, Periods]:
    """Children coming into care in reporting years first..last, with their periods of care.

    `las` are the authorities simulated, `england` all of them: each authority's share of
    England's children starting to be looked after follows its published rate of children
    looked after and its population.
    """
    years = range(first, last + 1)
    weights = np.array([las.cla_rate * las.population_at(y - 1) for y in years])
    everyone = np.array([float(np.sum(england.cla_rate * england.population_at(y - 1)))
                         for y in years])
    expected = np.array([published(STARTERS, y) for y in range(first, last + 1)])[:, None]
    lam = expected * weights / everyone[:, None] * scale * INFLOW
    counts = rng.poisson(lam)
    n = int(counts.sum())
    year = np.repeat(np.repeat(np.arange(first, last + 1), len(las)), counts.reshape(-1))
    la = np.repeat(np.tile(np.arange(len(las)), last - first + 1), counts.reshape(-1))
    start = np.array([year_start(y) for y in range(first, last + 1)])[year - first]
    start = start + (rng.random(n) * (365 + (year % 4 == 0))).astype(np.int64)
    band = categorical(rng, AGE_BAND_P, n)
    low = np.array([b[0] for b in AGE_BANDS])[band]
    high = np.array([b[1] for b in AGE_BANDS])[band]
    age = np.minimum(low + rng.random(n) * (high - low), 17.95)  # a few weeks before 18
    newborn = (band == 0) & (rng.random(n) < 0.4)
    age = np.where(newborn, rng.random(n) * 7 / YEAR, age)
    dob = start - np.floor(age * YEAR).astype(np.int64)
    uasc = ((age >= 14) & (rng.random(n) < np.where(age >= 16, .62, .30))).astype(np.int64)
    female = (rng.random(n) < np.where(uasc == 1, .07, .47)).astype(np.int64)
    london = np.array([code.startswith("E13") for code in las.region_code])[la]
    ethnic = np.where(uasc == 1, categorical(rng, c.ETHNIC_UASC_P, n),
                      np.where(london, categorical(rng, c.ETHNIC_LONDON_P, n),
                               categorical(rng, c.ETHNIC_P, n)))
    children = Children(la, dob, female, ethnic, uasc, np.zeros(n, dtype=np.int64))
    pending_start, pending_child = start, np.arange(n)
    periods: list[Periods] = []
    for _ in range(4):  # the first period of care and up to three re-entries
        if len(pending_child) == 0:
            break
        p = _periods(rng, children, pending_child, pending_start)
        periods.append(p)
        again = ((p.route == HOME) | c.among(p.rec, (c.E8, c.E13, c.E4B))) & (
            rng.random(len(p.child)) < REENTRY)
        gap = 30 + rng.exponential(1.3 * YEAR, len(p.child)).astype(np.int64)
        later = p.end + gap
        eighteen = add_years(children.dob[p.child], 18)
        again &= later < eighteen - 60
        pending_child, pending_start = p.child[again], later[again]
    breaks_children, breaks = _short_breaks(rng, las, england, first, last, scale, n)
    return _join_children(children, breaks_children), _join([*periods, breaks])


@frozen
class _Timeline:
    """When the steps of each period of care happen (days from its start)."""

    route: IntArray
    hearing: c.FloatArray
    """The final hearing of care proceedings."""
    to_adoption: c.FloatArray
    to_parents: c.FloatArray
    order_at_hearing: np.ndarray
    """Special guardianship or child arrangements order made at the final hearing."""
    court_path: np.ndarray
    """Returned home after a care order (placed with parents first)."""
    length: IntArray
    aged_out: np.ndarray


def _timeline(rng: np.random.Generator, band: IntArray, uasc: IntArray, limit: IntArray
              ) -> _Timeline:
    n = len(band)
    route = np.where(uasc == 1, categorical(rng, (.05, 0, 0, 0, .75, .20), n),
                     categorical_rows(rng, ROUTE_P, band))
    hearing = np.clip(rng.normal(0.65, 0.2, n), 0.3, 1.4) * YEAR
    to_adoption = hearing + (0.05 + rng.gamma(2.0, 0.2, n)) * YEAR
    at_hearing = rng.random(n) < 0.6
    court_path = rng.random(n) < 0.5
    to_parents = hearing + rng.random(n) * 0.3 * YEAR
    length = np.select(
        [route == ADOPT, (route == SGO) | (route == CAO), (route == HOME) & court_path,
         route == HOME, route == LONG],
        [to_adoption + rng.uniform(0.35, 0.9, n) * YEAR,
         np.where(at_hearing, hearing, hearing + rng.gamma(2.0, 0.5, n) * YEAR),
         to_parents + rng.uniform(0.4, 1.6, n) * YEAR,
         rng.lognormal(np.log(0.3 * YEAR), 1.2, n),
         limit],
        rng.lognormal(np.log(0.35 * YEAR), 1.2, n))
    length = np.maximum(length.astype(np.int64), 1)
    aged_out = length >= limit
    return _Timeline(np.where(aged_out, LONG, route), hearing, to_adoption, to_parents,
                     at_hearing, court_path, np.minimum(length, limit), aged_out)


def _legal(rng: np.random.Generator, t: _Timeline, start: IntArray, end: IntArray,
           age: c.FloatArray, uasc: IntArray) -> tuple[IntArray, ...]:
    """The first legal status of each period, and (period, day, status) of every status."""
    n = len(start)
    route = t.route
    first_ls = np.select(
        [uasc == 1, c.among(route, (ADOPT, SGO, CAO)), (route == HOME) & t.court_path,
         route == HOME, route == LONG],
        [np.full(n, c.V2),
         np.array([c.C1, c.V2, c.L2])[categorical(rng, (.72, .25, .03), n)],
         np.array([c.C1, c.L2])[categorical(rng, (.95, .05), n)],
         np.array([c.V2, c.L1])[categorical(rng, (.95, .05), n)],
         np.array([c.C1, c.V2, c.L1, c.L2])[categorical(rng, (.75, .17, .04, .04), n)]],
        np.array([c.V2, c.C1, c.J1, c.L1])[categorical(rng, (.62, .2, .15, .03), n)])
    first_ls = np.where((first_ls == c.J1) & (age < 10), c.V2, first_ls)
    legal_p, legal_d, legal_s = [np.arange(n)], [start], [first_ls]

    def change(mask: np.ndarray, when: np.ndarray, ls: int | IntArray) -> None:
        index = np.flatnonzero(mask)
        legal_p.append(index)
        legal_d.append(start[index] + when[index].astype(np.int64))
        legal_s.append(np.broadcast_to(np.asarray(ls), n)[index].copy())

    emergency = c.among(first_ls, (c.L1, c.L2))  # police protection or an EPO: days
    change(emergency, rng.uniform(2, 8, n), np.where(first_ls == c.L1, c.V2, c.C1))
    to_court = (first_ls == c.V2) & c.among(route, (ADOPT, SGO, CAO, LONG)) & (uasc == 0) & (
        rng.random(n) < np.where(route == LONG, .35, .8))
    change(to_court, rng.uniform(0.05, 0.4, n) * YEAR, c.C1)
    order = (c.among(first_ls, (c.C1, c.L2)) | to_court) & (route != ADOPT) & ~(
        c.among(route, (SGO, CAO)) & t.order_at_hearing)
    change(order, t.hearing, c.C2)
    placement_order_first = rng.random(n) < 0.7
    change(route == ADOPT, t.hearing, np.where(placement_order_first, c.E1, c.C2))
    change((route == ADOPT) & ~placement_order_first,
           t.hearing + rng.uniform(0.1, 0.9, n) * (t.to_adoption - t.hearing), c.E1)
    lp, ld, ls = (np.concatenate(x) for x in (legal_p, legal_d, legal_s))
    keep = (ld == start[lp]) | ((ld > start[lp]) & (ld < end[lp]))
    return first_ls, lp[keep], ld[keep], ls[keep]


def _periods(rng: np.random.Generator, children: Children, child: IntArray,
             start: IntArray) -> Periods:
    n = len(child)
    dob = children.dob[child]
    uasc = children.uasc[child]
    age = (start - dob) / YEAR
    band = age_band(age)
    limit = np.maximum(add_years(dob, 18) - 1 - start, 1)  # to the day before 18
    t = _timeline(rng, band, uasc, limit)
    route, end = t.route, start + t.length
    first_ls, lp, ld, ls = _legal(rng, t, start, end, age, uasc)
    # Planned moves: placed for adoption, placed with parents before the order is discharged,
    # supported accommodation around 17, new carers found at the final hearing.
    relative = (c.among(route, (SGO, CAO)) & (rng.random(n) < .75)).astype(np.int64)
    first_kind = categorical_rows(rng, FIRST_KIND, kind_row(band, uasc, relative))
    ffa = (route == ADOPT) & (band <= 1) & (rng.random(n) < .12)  # fostering for adoption
    first_kind = np.where(ffa, c.U5, first_kind)
    adoption_day = start + t.to_adoption.astype(np.int64)
    same = ffa | (rng.random(n) < .12)
    parents_day = start + t.to_parents.astype(np.int64)
    hearing_day = start + t.hearing.astype(np.int64)
    adopted = (route == ADOPT) & (adoption_day < end) & ~t.aged_out
    with_parents = (route == HOME) & t.court_path & (parents_day < end) & ~t.aged_out
    lock = end.copy()
    lock[adopted] = adoption_day[adopted]
    lock[with_parents] = parents_day[with_parents]
    seventeen = add_years(dob, 17) + (rng.uniform(-0.5, 0.5, n) * YEAR).astype(np.int64)
    supported = (route == LONG) & (seventeen > start) & (seventeen < end - 30) & (
        rng.random(n) < .3)
    at_hearing = ((hearing_day < lock) & (rng.random(n) < .08)
                  & c.among(route, (ADOPT, SGO, CAO, LONG)))
    hearing_kind = categorical_rows(rng, FIRST_KIND, kind_row(
        age_band(age + t.hearing / YEAR), uasc, relative))
    masks = (adopted, with_parents, supported, at_hearing)
    move_p = np.concatenate([np.flatnonzero(mask) for mask in masks])
    move_d = np.concatenate([adoption_day[adopted], parents_day[with_parents],
                             seventeen[supported], hearing_day[at_hearing]])
    move_k = np.concatenate([np.where(same, c.A5, c.A6)[adopted],
                             np.full(int(with_parents.sum()), c.P1),
                             np.full(int(supported.sum()), c.SUP), hearing_kind[at_hearing]])
    move_s = np.concatenate([same[adopted], np.zeros(len(move_p) - int(adopted.sum()), bool)])
    rec = np.where(t.aged_out, -1, _exit_reasons(rng, route, first_ls, uasc, age,
                                                 t.court_path))
    need = np.where(uasc == 1, 7, categorical(rng, NEED_P, n))
    return Periods(child, start, end, route, rec, need, first_kind, relative, lock, lp, ld, ls,
                   move_p, move_d, move_k, move_s.astype(np.int64))


def _exit_reasons(rng: np.random.Generator, route: IntArray, first_ls: IntArray,
                  uasc: IntArray, age: c.FloatArray, court_path: np.ndarray) -> IntArray:
    n = len(route)
    other = np.array([c.E8, c.E3, c.E13, c.E16, c.E9, c.E2, c.E4B])[
        categorical(rng, (.45, .15, .15, .05, .05, .01, .14), n)]
    other = np.where((other == c.E9) & (age < 10), c.E8, other)
    other = np.where(first_ls == c.J1, np.array([c.E14, c.E9, c.E8])[
        categorical(rng, (.7, .2, .1), n)], other)
    other = np.where(uasc == 1, np.array([c.E15, c.E8, c.E16, c.E3])[
        categorical(rng, (.25, .5, .1, .15), n)], other)
    home = np.where(court_path, c.E4A, np.array([c.E4A, c.E4B, c.E13])[
        categorical(rng, (.72, .2, .08), n)])
    return np.select(
        [route == HOME, route == ADOPT, route == SGO, route == CAO],
        [home, np.where(rng.random(n) < .55, c.E11, c.E12),
         np.array([c.E45, c.E46, c.E47, c.E48])[categorical(rng, (.55, .1, .3, .05), n)],
         np.full(n, c.E41)], other).astype(np.int64)


def _short_breaks(rng: np.random.Generator, las: LocalAuthorities, england: LocalAuthorities,
                  first: int, last: int, scale: float, offset: int
                  ) -> tuple[Children, Periods]:
    """Disabled children on a series of short breaks: agreements (V4) or single breaks (V3)."""
    weights = np.array([las.population_at(y - 1) for y in range(first, last + 1)])
    everyone = np.array([england.population_at(y - 1).sum()
                         for y in range(first, last + 1)])[:, None]
    expected = np.array([published(STARTERS, y) for y in range(first, last + 1)])[:, None]
    counts = rng.poisson(expected * SHORT_BREAK_SHARE * scale * weights / everyone)
    n = int(counts.sum())
    year = np.repeat(np.repeat(np.arange(first, last + 1), len(las)), counts.reshape(-1))
    la = np.repeat(np.tile(np.arange(len(las)), last - first + 1), counts.reshape(-1))
    first_day = np.array([year_start(y) for y in range(first, last + 1)])[year - first] + (
        rng.random(n) * 365).astype(np.int64)
    dob = first_day - (rng.uniform(5, 15, n) * YEAR).astype(np.int64)
    children = Children(la, dob, (rng.random(n) < .35).astype(np.int64),
                        categorical(rng, c.ETHNIC_P, n), np.zeros(n, dtype=np.int64),
                        np.ones(n, dtype=np.int64))
    series = rng.random(n) < 0.2  # V3: each break is its own period of care
    pieces = np.where(series, rng.integers(3, 9, n), 1 + rng.poisson(1.5, n))
    child = np.repeat(np.arange(n), pieces)
    v3 = series[child]
    length = np.where(v3, rng.integers(2, 6, len(child)),
                      (rng.uniform(0.5, 1.0, len(child)) * YEAR).astype(np.int64))
    gap = np.where(v3, rng.integers(20, 60, len(child)), rng.integers(1, 40, len(child)))
    step = length + gap
    before = np.cumsum(step) - step
    begin = first_day[child] + before - np.repeat(before[np.cumsum(pieces) - pieces], pieces)
    end = np.minimum(begin + length, add_years(dob[child], 18) - 1)
    keep = end > begin
    child, begin, end, v3 = child[keep], begin[keep], end[keep], v3[keep]
    m = len(child)
    index = np.arange(m)
    kind = np.where(rng.random(m) < .6, c.K2, c.U6)
    periods = Periods(child + offset, begin, end, np.full(m, OTHER), np.full(m, c.E4A),
                      np.full(m, 1), kind, np.zeros(m, dtype=np.int64), end, index, begin,
                      np.where(v3, c.V3, c.V4), *(np.zeros(0, dtype=np.int64),) * 4)
    return children, periods


def _join_children(a: Children, b: Children) -> Children:
    return Children(*(np.concatenate([getattr(a, f), getattr(b, f)])
                      for f in ("la", "dob", "female", "ethnic", "uasc", "short_breaks")))


def _join(parts: list[Periods]) -> Periods:
    offsets = np.cumsum([0] + [len(p.child) for p in parts])
    fields = {}
    for name in Periods.__attrs_attrs__:
        key = name.name
        arrays = []
        for offset, part in zip(offsets, parts, strict=False):
            value = getattr(part, key)
            arrays.append(value + offset if key in ("legal_period", "move_period") else value)
        fields[key] = np.concatenate(arrays).astype(np.int64)
    return Periods(**fields)
