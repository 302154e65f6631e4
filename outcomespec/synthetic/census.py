"""One year's children in need census, extended with history, as a view of the simulation.

For reporting year Y: every referral from 1 April Y-3 to 31 March Y and every episode of need
open at any time in those three years (so that re-referrals within 12 months can be found for
every referral of the year), and, for each child whose child protection plan starts in the
year and is a second or later one, the episodes holding the child's earlier plans. Nothing
after 31 March Y is known: later closures and plan ends are empty. Children are the children
of these rows.
"""

from __future__ import annotations

import numpy as np
from attrs import frozen

from outcomespec.synthetic import codes as c
from outcomespec.synthetic import files as w
from outcomespec.synthetic.codes import IntArray
from outcomespec.synthetic.history import Simulation
from outcomespec.synthetic.need import ABUSE, REASON, SOURCE
from outcomespec.synthetic.reference import age_at, year_end, year_start
from outcomespec.synthetic.returns import who

Columns = list[tuple[str, w.Field]]


@frozen
class NeedYear:
    """The rows of one year's census."""

    year: int
    rows: IntArray
    """Referrals (indices into `Simulation.referrals`) in the file."""
    children: IntArray
    plans: IntArray
    """Referrals whose plan is in the file (started by 31 March)."""
    numbers: IntArray
    """CINdetailsID of each row: its number among the child's rows in the file, from 1, as
    the XML return's flattening numbers them."""


def need_year(sim: Simulation, year: int) -> NeedYear:
    """Select the year's rows."""
    r = sim.referrals
    end = year_end(year)
    since = year_start(year - 2)
    window = (r.referral <= end) & ((r.referral >= since) | (r.closure >= since))
    repeat = (r.plan_start >= year_start(year)) & (r.plan_start <= end) & (
        r.previous_plans >= 1)
    flagged = np.zeros(len(sim.la), dtype=bool)
    flagged[r.child[repeat]] = True
    earlier = flagged[r.child] & (r.plan_start >= 0) & (r.plan_start <= end)
    rows = np.flatnonzero(window | earlier)
    plans = rows[(r.plan_start[rows] >= 0) & (r.plan_start[rows] <= end)]
    children = r.child[rows]
    first = np.append(True, children[1:] != children[:-1])
    numbers = np.arange(len(rows)) - np.maximum.accumulate(np.where(first, np.arange(len(rows)),
                                                                    0)) + 1
    return NeedYear(year, rows, children[first], plans, numbers)


def cin_details_columns(sim: Simulation, ny: NeedYear, la_codes: w.Bytes) -> Columns:
    """The CINdetails table."""
    r = sim.referrals
    rows = ny.rows
    end = year_end(ny.year)
    later = r.closure[rows] > end
    plan = (r.plan_start[rows] >= 0) & (r.plan_start[rows] <= end)
    return [*who(sim, r.child[rows], la_codes, "LAchildID"),
            ("CINdetailsID", w.integers(ny.numbers)),
            ("CINreferralDate", w.dates(r.referral[rows])),
            ("ReferralSource", w.codes(r.source[rows], SOURCE)),
            ("PrimaryNeedCode", w.codes(r.need[rows], c.NEED)),
            ("CINclosureDate", w.dates(np.where(later, w.NO_DATE, r.closure[rows]))),
            ("ReasonForClosure", w.codes(np.where(later, -1, r.reason[rows]), REASON)),
            ("DateOfInitialCPC", w.dates(np.where(plan, r.plan_start[rows], w.NO_DATE))),
            ("ReferralNFA", w.codes(r.nfa[rows], ("0", "1")))]


def plans_columns(sim: Simulation, ny: NeedYear, la_codes: w.Bytes) -> Columns:
    """The ChildProtectionPlans table."""
    r = sim.referrals
    rows = ny.plans
    later = r.plan_end[rows] > year_end(ny.year)
    return [*who(sim, r.child[rows], la_codes, "LAchildID"),
            ("CINdetailsID", w.integers(ny.numbers[np.searchsorted(ny.rows, rows)])),
            ("CPPID", w.constant("1", len(rows))),
            ("CPPstartDate", w.dates(r.plan_start[rows])),
            ("CPPendDate", w.dates(np.where(later, w.NO_DATE, r.plan_end[rows]))),
            ("InitialCategoryOfAbuse", w.codes(r.abuse[rows], ABUSE)),
            ("LatestCategoryOfAbuse", w.codes(r.latest_abuse[rows], ABUSE)),
            ("NumberOfPreviousCPP", w.integers(r.previous_plans[rows]))]


def children_columns(sim: Simulation, ny: NeedYear, la_codes: w.Bytes) -> Columns:
    """The ChildIdentifiers table (GenderCurrent 1/2 until 2023-24, Sex M/F from 2024-25)."""
    child = ny.children
    n = len(child)
    age = age_at(sim.dob[child], year_end(ny.year))
    known = (age >= 5) & (sim.traits[child, 2] < int(.9 * 65536))
    unknown = np.where(known, -1, np.where(age < 6, 0, 4))
    upn = w.take(sim.upn, np.where(known, child, len(sim.la) + len(c.UN_CODES)), 13)
    sex = (("GenderCurrent", w.codes(sim.female[child], ("1", "2"))) if ny.year <= 2024
           else ("Sex", w.codes(sim.female[child], ("M", "F"))))
    empty = w.empty(n)
    return [*who(sim, child, la_codes, "LAchildID"),
            ("UPN", upn), ("FormerUPN", empty), ("UPNunknown", w.codes(unknown, c.UN_CODES)),
            ("PersonBirthDate", w.dates(sim.dob[child])), ("ExpectedPersonBirthDate", empty),
            sex, ("PersonDeathDate", empty)]
