"""England figures computed by the generator itself, straight from its arrays.

Independent of the outcomespec evaluator (no framework, no loading), so that evaluating a
framework on the generated files can be checked against them. Definitions follow the
published statistics (DOMAIN.md section 8) and, where a framework exists, the framework's
wording: children looked after at 31 March exclude short breaks; placements in the year are
the placement held on 1 April plus every episode starting in the year with RNE S, P, B, T or
U, except temporary placements (PLACE T0-T4) and the returns from them; long-term stability
is for children under 16 looked after for 2.5 years or more who have lived with the same
carer for 2 years (no RNE S, P or B since, temporary placements and returns aside); the
share placed more than 20 miles from home is of all children looked after on 31 March,
distances not known included; suitable accommodation leaves out care leavers gone abroad,
deported or whose residence is not known; rates use the previous mid-year's population.

Temporary placements and returns are recognised from the codes, as a framework reads them:
an episode in a temporary placement, and an episode right after one in the same placement
as before it.
"""

from __future__ import annotations

import numpy as np
from attrs import frozen

from outcomespec.synthetic import codes as c
from outcomespec.synthetic.episodes import Episodes
from outcomespec.synthetic.history import Simulation
from outcomespec.synthetic.placements import CONFIDENTIAL
from outcomespec.synthetic.reference import add_years, age_at, day, year_end, year_start
from outcomespec.synthetic.returns import ACCOM_LETTERS, DIED, RHOM, CareYear

TEMPORARY_PLACES = tuple(c.PLACE.index(code) for code in ("T0", "T1", "T2", "T3", "T4"))
FAR_TENTHS = 200
"""More than 20 miles from home: over 200 tenths of a mile."""
SUITABILITY_NOT_KNOWN = tuple(ACCOM_LETTERS.index(letter) for letter in "GHR")
"""Gone abroad, deported, residence not known: left out of suitable accommodation."""


@frozen
class EnglandFigures:
    """One reporting year's figures for all the authorities generated ("England")."""

    year: int
    population: int
    """Children aged 0-17 at the previous mid-year (the rate denominator)."""
    cla_31_march: int
    cla_rate_per_10k: float
    started: int
    """Periods of care starting in the year (excluding short breaks)."""
    ceased: int
    placements_3plus: int
    placements_3plus_percent: float
    placed_20_miles: int
    placed_20_miles_percent: float
    """Children looked after on 31 March placed more than 20 miles from home, of all of
    them (distance not known included)."""
    distance_not_known: int
    long_term_cohort: int
    long_term_stable: int
    long_term_stability_percent: float
    oc2_children: int
    sdq_scored_5_16: int
    sdq_mean: float
    care_leavers_19_21: int
    eet_19_21: int
    eet_19_21_percent: float
    suitable_accommodation_19_21_percent: float
    cin_31_march: int
    cin_rate_per_10k: float
    referrals: int
    re_referrals: int
    re_referral_percent: float
    cpp_started: int
    cpp_second_or_later: int
    cpp_second_or_later_percent: float
    pupils_persistent_absence_percent: float | None = None
    """Pupils of compulsory school age persistently absent (10% or more of sessions): the
    sampled pupils of the school census; None when no school census was generated."""
    cla_persistent_absence_percent: float | None = None
    """The same for pupils looked after for 12 months at 31 March (OC2), found by UPN."""


def england_figures(sim: Simulation, cy: CareYear) -> EnglandFigures:
    """The figures of one year."""
    year = cy.year
    end, start = year_end(year), year_start(year)
    population = int(sim.las.scaled_population(year - 1, sim.scale).sum())
    ep = sim.episodes
    open_at_end = (ep.decom <= end) & (ep.dec > end) & ~c.among(ep.ls, (c.V3, c.V4))
    cla = c.members(ep.child[open_at_end], sim.n_care)
    moving = ~_temporary_or_return(ep)
    counted = c.among(ep.rne, (c.RNE_S, c.RNE_P, c.RNE_B, c.RNE_T, c.RNE_U)) & moving & (
        ep.decom >= start) & (ep.decom <= end)
    counted |= (ep.decom < start) & (ep.dec >= start)
    placements = np.bincount(ep.child[counted], minlength=sim.n_care)[cla]
    # Long-term stability: the current period and the current carer.
    current = np.flatnonzero(open_at_end)
    child = ep.child[current]
    period_start = sim.periods.start[ep.period[current]]
    carer = c.among(ep.rne, (c.RNE_S, c.RNE_P, c.RNE_B)) & moving
    # Distance from home of the placement on 31 March (999.9: not known).
    known = (ep.distance[current] >= 0) & (ep.distance[current] < CONFIDENTIAL)
    far = c.members(child[known & (ep.distance[current] > FAR_TENTHS)], sim.n_care)
    not_known = c.members(child[~known], sim.n_care)
    last_carer = np.maximum.accumulate(np.where(carer, np.arange(len(carer)), 0))[current]
    cohort = (age_at(sim.dob[child], end) < 16) & (period_start <= day(year - 3, 9, 30))
    stable = cohort & (ep.decom[last_carer] <= day(year - 2, 3, 31))
    # OC2 and OC3.
    age2 = age_at(sim.dob[cy.oc2], end)
    scored = (cy.sdq >= 0) & (age2 >= 5) & (age2 <= 16)
    age3 = age_at(sim.dob[cy.oc3], end)
    leavers = (age3 >= 19) & (age3 <= 21) & ~c.among(cy.in_touch, (DIED, RHOM))
    eet = leavers & (cy.activ >= 0) & (cy.activ < 8)
    based = leavers & ~np.isin(cy.accom // 2, SUITABILITY_NOT_KNOWN)
    suitable = based & (cy.accom >= 0) & (cy.accom % 2 == 0)
    # Children in need.
    r = sim.referrals
    cin = c.members(r.child[(r.referral <= end) & (r.closure > end) & (r.nfa == 0)],
                    len(sim.la))
    in_year = np.flatnonzero((r.referral >= start) & (r.referral <= end))
    before = np.maximum(in_year - 1, 0)
    again = (in_year > 0) & (r.child[before] == r.child[in_year]) & (
        r.referral[before] >= add_years(r.referral[in_year], -1))
    plans = (r.plan_start >= start) & (r.plan_start <= end)
    second = plans & (r.previous_plans >= 1)
    periods = sim.periods
    regular = sim.care.short_breaks[periods.child] == 0
    return EnglandFigures(
        year, population, len(cla), _rate(len(cla), population),
        int(np.sum(regular & (periods.start >= start) & (periods.start <= end))),
        int(np.sum(regular & (periods.end >= start) & (periods.end <= end))),
        int(np.sum(placements >= 3)), _percent(np.sum(placements >= 3), len(cla)),
        len(far), _percent(len(far), len(cla)), len(not_known),
        int(cohort.sum()), int(stable.sum()), _percent(stable.sum(), cohort.sum()),
        len(cy.oc2), int(scored.sum()),
        round(float(cy.sdq[scored].mean()), 3) if scored.any() else float("nan"),
        int(leavers.sum()), int(eet.sum()), _percent(eet.sum(), leavers.sum()),
        _percent(suitable.sum(), based.sum()), len(cin), _rate(len(cin), population),
        len(in_year), int(again.sum()), _percent(again.sum(), len(in_year)),
        int(plans.sum()), int(second.sum()), _percent(second.sum(), plans.sum()))


def _temporary_or_return(ep: Episodes) -> np.ndarray:
    """Episodes in a temporary placement, and returns from one: the episode right after a
    temporary placement, in the placement held before it (or none is known)."""
    temporary = c.among(ep.place, TEMPORARY_PLACES)
    same_child = np.append(False, ep.child[1:] == ep.child[:-1])
    after = same_child & np.append(False, temporary[:-1])
    settled = np.where(~temporary, np.arange(len(temporary)), -1)
    before = np.append(-1, np.maximum.accumulate(settled)[:-1])
    usual = np.where(before >= 0, ep.place[np.maximum(before, 0)], -1)
    known = (before >= 0) & (ep.child[np.maximum(before, 0)] == ep.child)
    return np.asarray(temporary | (after & ~temporary & (~known | (usual == ep.place))))


def _rate(count: int, population: int) -> float:
    return round(count / population * 10_000, 3) if population else float("nan")


def _percent(part: object, whole: object) -> float:
    numerator, denominator = float(part), float(whole)  # type: ignore[arg-type]
    return round(numerator / denominator * 100, 3) if denominator else float("nan")
