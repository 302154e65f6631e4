"""Referrals, episodes of need and child protection plans for the synthetic CIN census.

Children in need who are never looked after are simulated as chains of referrals: a child's
first referral arrives at random, the referral ends in no further action, in an assessment
that finds the child not in need, or in an episode of need that may hold a child protection
plan; after it closes the child may be referred again, soon or years later, until 18. Children
who are more likely to be referred again are also more likely to get a plan and, after a
first plan, a second. Children looked after (from the SSDA903 simulation) have one episode of
need around each period of care, with the same identifier. The loop runs over the steps of the
chains (a dozen or so), never over children.
"""

from __future__ import annotations

import numpy as np
from attrs import frozen

from outcomespec.synthetic import codes as c
from outcomespec.synthetic.care import Children, Periods
from outcomespec.synthetic.codes import YEAR, IntArray, categorical
from outcomespec.synthetic.reference import (
    REFERRALS,
    LocalAuthorities,
    add_years,
    published,
    year_end,
    year_start,
)

NO = -1
NFA, NOT_IN_NEED, IN_NEED = range(3)
OUTCOME_P = (.068, .325, .607)
FIRST_SHARE = 0.60
"""Referrals that are a child's first in the simulation, at steady state (calibration)."""
AGE_P = (.12, .20, .25, .33, .10)
AGE_BANDS = ((0.0, 1.0), (1.0, 5.0), (5.0, 10.0), (10.0, 16.0), (16.0, 18.0))
VULNERABLE = 0.3
"""Children whose families keep coming back: referred again and given plans more often."""
AGAIN = np.array([[.28, .62], [.65, .75]])
"""Chance of another referral after an episode closes: [had a plan in it][vulnerable]."""
SOON = np.array([[.58, .66], [.55, .65]])
"""Of further referrals, the share that come soon (within months) rather than years later."""
PLAN = np.array([[.092, .44], [.228, .44]])
"""Chance of a child protection plan in an episode of need: [vulnerable][had a plan]."""
SOURCE = ("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A",
          "5B", "5C", "5D", "6", "7", "8", "9", "10")
SOURCE_P = (.04, .01, .01, .01, .19, .01, .02, .03, .005, .02, .02, .06, .02, .04, .02, .02,
            .04, .29, .04, .03, .01, .02)
NEED_P = (.57, .05, .03, .08, .16, .02, .005, .03, .05, .005)
REASON = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
ABUSE = ("NEG", "PHY", "SAB", "EMO", "MUL")
ABUSE_P = (.50, .06, .04, .37, .03)


@frozen
class Referrals:
    """Every referral (CINdetails), children in need by chain (`child` indexes `Kids`)."""

    child: IntArray
    number: IntArray
    """The referral's number within the child's history, from 1 (a census file numbers
    the rows it holds: `NeedYear.numbers`)."""
    referral: IntArray
    closure: IntArray
    nfa: IntArray
    need: IntArray
    source: IntArray
    reason: IntArray
    plan_start: IntArray
    plan_end: IntArray
    previous_plans: IntArray
    abuse: IntArray
    latest_abuse: IntArray


@frozen
class Kids:
    """Children in need who are never looked after."""

    la: IntArray
    dob: IntArray
    female: IntArray
    ethnic: IntArray


def simulate_need(rng: np.random.Generator, las: LocalAuthorities, england: LocalAuthorities,
                  first: int, last: int, scale: float) -> tuple[Kids, Referrals]:
    """Chains of referrals starting in reporting years first..last."""
    kids, day = _first_referrals(rng, las, england, first, last, scale)
    n = len(kids.la)
    chain = _Chain(rng, (rng.random(n) < VULNERABLE).astype(np.int64),
                   add_years(kids.dob, 18).astype(np.int32), np.zeros(n, dtype=np.int8),
                   year_end(last))
    parts: list[tuple[IntArray, ...]] = []
    child: IntArray = np.arange(n, dtype=np.int32)
    day = day.astype(np.int32)
    number = 1
    while len(child):
        columns, child, day = chain.step(child, day, number)
        parts.append(columns)
        number += 1
    return kids, Referrals(*(np.concatenate([p[i] for p in parts]) for i in range(13)))


def _first_referrals(rng: np.random.Generator, las: LocalAuthorities,
                     england: LocalAuthorities, first: int, last: int, scale: float
                     ) -> tuple[Kids, IntArray]:
    """Children referred for the first time, and the day of that referral."""
    years = np.arange(first, last + 1)
    weights = np.array([las.cin_rate * las.population_at(int(y) - 1) for y in years])
    everyone = np.array([float(np.sum(england.cin_rate * england.population_at(int(y) - 1)))
                         for y in years])
    expected = np.array([published(REFERRALS, int(y)) - 31000 for y in years])[:, None]
    counts = rng.poisson(expected * FIRST_SHARE * scale * weights / everyone[:, None])
    n = int(counts.sum())
    year = np.repeat(np.repeat(years, len(las)), counts.reshape(-1))
    la = np.repeat(np.tile(np.arange(len(las)), len(years)), counts.reshape(-1))
    day = np.array([year_start(int(y)) for y in years])[year - first] + (
        rng.random(n) * 365).astype(np.int64)
    band = categorical(rng, AGE_P, n)
    low = np.array([b[0] for b in AGE_BANDS])[band]
    high = np.array([b[1] for b in AGE_BANDS])[band]
    age = np.minimum(low + rng.random(n) * (high - low), 17.95)
    dob = day - (age * YEAR).astype(np.int64)
    london = np.array([code.startswith("E13") for code in las.region_code])[la]
    kids = Kids(la, dob, (rng.random(n) < .48).astype(np.int64),
                np.where(london, categorical(rng, c.ETHNIC_LONDON_P, n),
                         categorical(rng, c.ETHNIC_P, n)))
    return kids, day


@frozen
class _Chain:
    """What carries from one referral of a child to the next."""

    rng: np.random.Generator
    vulnerable: IntArray
    eighteen: IntArray
    plans: IntArray
    """Plans each child has had so far (updated as the chains run)."""
    horizon: int

    def step(self, child: IntArray, day: IntArray, number: int
             ) -> tuple[tuple[IntArray, ...], IntArray, IntArray]:
        """One referral of each child in `child` on `day`: its columns, and the children
        referred again with the day."""
        rng, m = self.rng, len(child)
        v = self.vulnerable[child]
        adult = self.eighteen[child] - 1
        outcome = categorical(rng, OUTCOME_P, m).astype(np.int8)
        closure = day.copy()
        reason = np.full(m, 7, dtype=np.int8)
        need = np.full(m, NO, dtype=np.int8)
        plan_start, plan_end = np.full(m, NO, dtype=np.int32), np.full(m, NO, dtype=np.int32)
        previous, abuse, latest = (np.full(m, NO, dtype=np.int8) for _ in range(3))
        assessed = np.flatnonzero(outcome == NOT_IN_NEED)
        closure[assessed] += np.clip(rng.lognormal(np.log(30), 0.6, len(assessed)), 1,
                                     120).astype(np.int32)
        reason[assessed] = np.where(rng.random(len(assessed)) < .65, 7, 8)
        need[assessed] = 8
        found = np.flatnonzero(outcome == IN_NEED)
        closure[found] += _need_length(rng, len(found)).astype(np.int32)
        reason[found] = np.array([6, 4, 2, 3, 5, 1])[categorical(
            rng, (.91, .05, .01, .01, .015, .005), len(found))]
        need[found] = categorical(rng, NEED_P, len(found))
        chance = PLAN[v[found], np.minimum(self.plans[child[found]], 1)]
        start = day[found] + rng.integers(10, 60, len(found), dtype=np.int32)
        chosen = (rng.random(len(found)) < chance) & (start < adult[found] - 30)
        planned = found[chosen]
        k = len(planned)
        plan_start[planned] = start[chosen]
        plan_end[planned] = np.minimum(
            start[chosen] + (_plan_length(rng, k) * YEAR).astype(np.int32), adult[planned])
        closure[planned] = np.maximum(closure[planned], plan_end[planned] + rng.integers(
            14, 120, k, dtype=np.int32))
        previous[planned] = self.plans[child[planned]]
        abuse[planned] = categorical(rng, ABUSE_P, k)
        latest[planned] = np.where(rng.random(k) < .9, abuse[planned],
                                   categorical(rng, ABUSE_P, k))
        closure = np.maximum(np.minimum(closure, adult), day)
        plan_end[planned] = np.minimum(plan_end[planned], closure[planned])
        columns = (child, np.full(m, number, dtype=np.int8), day, closure,
                   (outcome == NFA).astype(np.int8), need,
                   categorical(rng, SOURCE_P, m).astype(np.int8), reason, plan_start, plan_end,
                   previous, abuse, latest)
        planned_children = child[planned]
        self.plans[planned_children] = np.minimum(self.plans[planned_children] + 1, 100)
        u = rng.random(m)
        had = (plan_start >= 0).astype(np.int64)
        mean_gap = np.where(u < AGAIN[had, v] * SOON[had, v], 0.22 * YEAR, 2.5 * YEAR)
        later = closure + 1 + (rng.standard_exponential(m) * mean_gap).astype(np.int32)
        again = ((u < AGAIN[had, v]) & (later <= self.horizon)
                 & (later < self.eighteen[child]))
        return columns, child[again], later[again]


def _need_length(rng: np.random.Generator, m: int) -> c.FloatArray:
    kind = categorical(rng, (.45, .45, .10), m)
    median = np.array([0.27, 0.72, 2.2])[kind]
    sigma = np.array([0.5, 0.4, 0.6])[kind]
    return np.asarray(rng.lognormal(np.log(median * YEAR), sigma))


def _plan_length(rng: np.random.Generator, m: int) -> c.FloatArray:
    """Years: most plans end at a review between 3 months and a year; a few last 2+ years."""
    kind = categorical(rng, (.33, .45, .19, .03), m)
    low = np.array([0.2, 0.5, 1.0, 2.0])[kind]
    high = np.array([0.5, 1.0, 2.0, 3.5])[kind]
    return np.asarray(low + rng.random(m) * (high - low))


def care_referrals(rng: np.random.Generator, children: Children, periods: Periods
                   ) -> Referrals:
    """One episode of need around each period of care (periods a few weeks apart share one,
    as do all the short breaks of a child); `child` indexes `children`."""
    order = c.order(periods.child, periods.start)
    child, start, end = periods.child[order], periods.start[order], periods.end[order]
    exit_rec = periods.rec[order]
    need = periods.need[order]
    n = len(child)
    dob = children.dob[child]
    breaks = children.short_breaks[child] == 1
    referral = np.maximum(start - rng.integers(0, 90, n), dob)
    closure = end + rng.integers(1, 60, n)
    closure = np.minimum(closure, np.maximum(add_years(dob, 18) - 1, end))
    same_child = np.append(False, child[1:] == child[:-1])
    joined = same_child & (breaks | (referral <= np.append(-1, closure[:-1]) + 1))
    first = np.flatnonzero(~joined)
    last = np.append(first[1:], n) - 1
    closure = np.maximum.reduceat(closure, first)
    child, referral, need, exit_rec = child[first], referral[first], need[first], exit_rec[last]
    m = len(child)
    number = within(child)
    reason = np.select(
        [c.among(exit_rec, (c.E11, c.E12)), exit_rec == c.E2, exit_rec == c.E41,
         c.among(exit_rec, (c.E45, c.E46, c.E47, c.E48)), exit_rec == c.E3,
         exit_rec == c.E7], [0, 1, 2, 3, 4, 5], 6)
    none32, none8 = np.full(m, NO, dtype=np.int32), np.full(m, NO, dtype=np.int8)
    return Referrals(child.astype(np.int32), number.astype(np.int8), referral.astype(np.int32),
                     closure.astype(np.int32), np.zeros(m, dtype=np.int8), need.astype(np.int8),
                     categorical(rng, SOURCE_P, m).astype(np.int8), reason.astype(np.int8),
                     none32, none32, none8, none8, none8)


def within(child: IntArray) -> IntArray:
    """1, 2, 3 ... along each run of equal values of a sorted array."""
    m = len(child)
    starts = np.flatnonzero(np.append(True, child[1:] != child[:-1]))
    return np.arange(m) - np.repeat(starts, np.diff(np.append(starts, m))) + 1


def join(care: Referrals, need: Referrals, rank: IntArray, n_care: int) -> Referrals:
    """Both sets of referrals in one table, the children in need's indices moved up by
    `n_care`, in the order of `rank` (each child's place in authority order) and then of
    `number` (chronological within a child): a counting sort, no comparison sort."""
    fields = [f.name for f in Referrals.__attrs_attrs__]
    child = np.concatenate([care.child.astype(np.int32), need.child + np.int32(n_care)])
    number = np.concatenate([care.number, need.number]).astype(np.int64)
    position = rank[child]
    counts = np.bincount(position, minlength=len(rank))
    at = (np.cumsum(counts) - counts)[position] + number - 1
    joined: dict[str, IntArray] = {}
    for f in fields:
        values = child if f == "child" else np.concatenate([getattr(care, f), getattr(need, f)])
        out = np.empty_like(values)
        out[at] = values
        joined[f] = out
    return Referrals(**joined)
