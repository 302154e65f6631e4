"""One year's SSDA903 return, extended with history, as a view of the simulation.

For reporting year Y (1 April Y-1 to 31 March Y): every episode of every child looked after
at any time in the year, with all their earlier episodes; what happens after 31 March Y is not
known yet (an episode that ends later is open: DEC and REC empty). OC2 holds the children
looked after continuously for 12 months at 31 March (SDQ scores for ages 4 to 16), OC3 the
care leavers aged 17 to 21 whose birthday falls in the year, UASC the unaccompanied
asylum-seeking children; the header lists every child of these tables.
"""

from __future__ import annotations

import numpy as np
from attrs import frozen

from outcomespec.synthetic import codes as c
from outcomespec.synthetic import files as w
from outcomespec.synthetic.codes import IntArray, categorical
from outcomespec.synthetic.history import Simulation
from outcomespec.synthetic.providers import Register, home_urns
from outcomespec.synthetic.reference import (
    EET_17_18,
    EET_19_21,
    SDQ_MEAN,
    SUITABLE_17_18,
    SUITABLE_19_21,
    add_years,
    age_at,
    published,
    year_end,
    year_start,
)

Columns = list[tuple[str, w.Field]]
SDQ_CONCENTRATION = 6.8
"""a + b of the beta-binomial SDQ scores: a standard deviation of about 7.5 points."""
SCORED = 0.78
IN_TOUCH = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
YES, NO, DIED, REFU, NREQ, RHOM = range(6)
KNOWN = 0.94
"""Care leavers in touch (activity and accommodation known), of those counted."""
ACTIV = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6")
EET_P = {19: (.12, .02, .32, .05, .06, .01, .27, .15), 17: (.02, 0, .70, .05, .08, .01, .09,
                                                           .05)}
NEET_P = (.25, .60, .15)
ACCOM_LETTERS = "BCDEGHKRSTUVWXYZ"
ACCOM_P = {19: (.15, .02, .12, .05, .005, .001, .05, .01, .01, .02, .40, .01, .005, .02, .05,
                .06),
           17: (.12, .10, .30, .08, .002, .001, .02, .005, .01, .03, .10, .01, .003, .02,
                .04, .15)}
RISKY = np.array([letter in "VW" for letter in ACCOM_LETTERS])
"""Emergency accommodation, bed and breakfast: suitable for a fifth."""
NEVER_SUITABLE = np.array([letter in "SX" for letter in ACCOM_LETTERS])
"""No fixed abode, custody: S1 and X1 are not codes of the return (903 validator rule 133)."""
SUITABILITY_NOT_KNOWN = np.array([letter in "GHR" for letter in ACCOM_LETTERS])
"""Gone abroad, deported, residence not known: left out of DfE's suitable-accommodation base."""


@frozen
class CareYear:
    """The rows of one year's return, and the outcome values drawn for it."""

    year: int
    episode_rows: IntArray
    header: IntArray
    oc2: IntArray
    sdq: IntArray
    """SDQ score of each OC2 child, -1 where none."""
    sdq_reason: IntArray
    flags: IntArray
    """(OC2 children × 8) the OC2 yes/no columns: 1, 0, or -1 for empty."""
    oc3: IntArray
    in_touch: IntArray
    activ: IntArray
    accom: IntArray
    """Index into the accommodation codes `<letter><1|2>` (letter*2 + unsuitable), or -1."""
    uasc: IntArray


def care_year(sim: Simulation, year: int) -> CareYear:
    """Draw the year's view of the simulation."""
    rng = np.random.default_rng(np.random.SeedSequence([sim.seed, year, 1]))
    ep = sim.episodes
    end, start = year_end(year), year_start(year)
    looked_after = np.zeros(sim.n_care, dtype=bool)
    looked_after[ep.child[(ep.decom <= end) & (ep.dec >= start)]] = True
    rows = np.flatnonzero(looked_after[ep.child] & (ep.decom <= end))
    at_end = rows[(ep.dec[rows] > end) & ~c.among(ep.ls[rows], (c.V3, c.V4))]
    period_start = sim.periods.start[ep.period[at_end]]
    oc2 = ep.child[at_end[period_start <= year_end(year - 1)]]
    sdq, reason, flags = _oc2(rng, sim, oc2, year)
    oc3 = care_leavers(sim, year)
    in_touch, activ, accom = _oc3(rng, sim, oc3, year)
    header = c.members(np.concatenate([ep.child[rows], oc3]), sim.n_care)
    uasc = header[sim.care.uasc[header] == 1]
    return CareYear(year, rows, header, oc2, sdq, reason, flags, oc3, in_touch, activ, accom,
                    uasc)


def care_leavers(sim: Simulation, year: int) -> IntArray:
    """Care leavers aged 17 to 21 at 31 March who had left care before their birthday in the
    year (see `Leavers` for who qualifies)."""
    basis = sim.leavers
    candidates = np.flatnonzero(basis.qualifies)
    dob = sim.dob[candidates]
    age = age_at(dob, year_end(year))
    chosen = (age >= 17) & (age <= 21) & (basis.last_end[candidates] < add_years(dob, age))
    return candidates[chosen]


def _oc2(rng: np.random.Generator, sim: Simulation, child: IntArray, year: int
         ) -> tuple[IntArray, IntArray, IntArray]:
    n = len(child)
    age = age_at(sim.dob[child], year_end(year))
    mean = np.clip(published(SDQ_MEAN, year) + sim.sdq_shift[sim.la[child]], 5, 30) / 40
    p = rng.beta(mean * SDQ_CONCENTRATION, (1 - mean) * SDQ_CONCENTRATION)
    score = rng.binomial(40, p)
    eligible = (age >= 4) & (age <= 16)
    scored = eligible & (rng.random(n) < SCORED)
    reason = np.where(scored, -1, np.where(eligible, 1 + categorical(rng, (.15, .15, .5, .2),
                                                                     n), 0))
    flags = np.full((n, 8), -1, dtype=np.int64)

    def coin(p: float) -> IntArray:
        return (rng.random(n) < p).astype(np.int64)

    flags[:, 0] = np.where(age >= 10, coin(.02), -1)  # CONVICTED
    flags[:, 1] = np.where(age < 5, coin(.88), -1)  # HEALTH_CHECK (development, under 5)
    flags[:, 2], flags[:, 3], flags[:, 4] = coin(.84), coin(.81), coin(.90)
    misuse = np.where(age >= 10, coin(.03), 0)
    flags[:, 5] = misuse
    received = coin(.6)
    flags[:, 6] = np.where(misuse == 1, received, -1)
    flags[:, 7] = np.where(misuse == 1, np.where(received == 1, 0, coin(.5)), -1)
    return np.where(scored, score, -1), reason, flags


def _oc3(rng: np.random.Generator, sim: Simulation, child: IntArray, year: int
         ) -> tuple[IntArray, IntArray, IntArray]:
    n = len(child)
    age = age_at(sim.dob[child], year_end(year))
    traits = sim.traits[child] / 65536
    returned = sim.leavers.returned_home
    touch = np.array([YES, NO, REFU, NREQ])[categorical(rng, (KNOWN, .025, .015, .02), n)]
    touch = np.where(returned[child] & (traits[:, 1] < .5), RHOM, touch)
    touch = np.where(traits[:, 0] < .0015 * (age - 16), DIED, touch)
    older = age >= 19
    eet_target = np.where(older, published(EET_19_21, year), published(EET_17_18, year))
    eet = rng.random(n) < eet_target / KNOWN
    activ = np.where(older, categorical(rng, EET_P[19], n), categorical(rng, EET_P[17], n))
    activ = np.where(eet, activ, 8 + categorical(rng, NEET_P, n))
    letter = np.where(older, categorical(rng, ACCOM_P[19], n), categorical(rng, ACCOM_P[17],
                                                                            n))
    target = np.where(older, published(SUITABLE_19_21, year), published(SUITABLE_17_18, year))
    safe = np.where(older, _safe_share(ACCOM_P[19], target), _safe_share(ACCOM_P[17], target))
    suitable = rng.random(n) < np.select(
        [RISKY[letter], NEVER_SUITABLE[letter], SUITABILITY_NOT_KNOWN[letter]], [.2, 0, .5],
        safe)
    accom = letter * 2 + ~suitable
    known = touch == YES
    return touch, np.where(known, activ, -1), np.where(known, accom, -1)


def _safe_share(letters: tuple[float, ...], target: np.ndarray) -> np.ndarray:
    """The share of the other accommodation to draw as suitable, so that the suitable share
    of DfE's base (care leavers, less those in touch whose suitability cannot be known) is
    `target`."""
    q = np.asarray(letters) / sum(letters)
    unknown, risky, never = (float(q @ flags) for flags in (SUITABILITY_NOT_KNOWN, RISKY,
                                                             NEVER_SUITABLE))
    wanted = target * (1 - KNOWN * unknown) / KNOWN - .2 * risky
    return np.asarray(np.clip(wanted / (1 - unknown - risky - never), 0, 1))


def who(sim: Simulation, child: IntArray, la_codes: w.Bytes, name: str = "CHILD"
        ) -> Columns:
    """The authority and identifier columns of these children."""
    return [("LA", w.take(la_codes, sim.la[child])), (name, w.take(sim.child_id, child))]


def episodes_columns(sim: Simulation, cy: CareYear, la_codes: w.Bytes,
                     homes: Register | None = None) -> Columns:
    """The episodes table: DEC, REC and the reason for a placement change empty for episodes
    still open on 31 March; PL_DISTANCE as a pooled national extract carries it (derived from
    the postcodes, which are left empty); URN, the children's home of a placement in one
    (`homes`: the register; empty throughout without it)."""
    ep = sim.episodes
    rows = cy.episode_rows
    later = ep.dec[rows] > year_end(cy.year)
    empty = w.empty(len(rows))
    return [*who(sim, ep.child[rows], la_codes),
            ("DECOM", w.dates(ep.decom[rows])), ("RNE", w.codes(ep.rne[rows], c.RNE)),
            ("LS", w.codes(ep.ls[rows], c.LS)), ("CIN", w.codes(ep.need[rows], c.NEED)),
            ("PLACE", w.codes(ep.place[rows], c.PLACE)),
            ("PLACE_PROVIDER", w.codes(ep.provider[rows], c.PROVIDER)),
            ("DEC", w.dates(np.where(later, w.NO_DATE, ep.dec[rows]))),
            ("REC", w.codes(np.where(later, -1, ep.rec[rows]), c.REC)),
            ("REASON_PLACE_CHANGE", w.codes(np.where(later, -1, ep.reason[rows]), c.REASON)),
            ("HOME_POST", empty), ("PL_POST", empty),
            ("URN", empty if homes is None else home_urns(ep, rows, homes)),
            ("PL_DISTANCE", w.tenths(ep.distance[rows]))]


def header_columns(sim: Simulation, cy: CareYear, la_codes: w.Bytes) -> Columns:
    """The header table (SEX coded 1/2 until 2023-24, M/F from 2024-25)."""
    child = cy.header
    end = year_end(cy.year)
    age = age_at(sim.dob[child], end)
    traits = sim.traits[child] / 65536
    sexes = ("1", "2") if cy.year <= 2024 else ("M", "F")
    known = (age >= 5) & (traits[:, 2] < .93) & (sim.care.uasc[child] == 0)
    unknown = np.where(age < 5, 0, np.where(sim.care.uasc[child] == 1, 1, 4))
    upn = w.take(sim.upn, np.where(known, child, len(sim.la) + unknown), 13)
    female = sim.female[child] == 1
    mother = female & (age >= 14) & (traits[:, 3] < .03)
    child_born = end - 30 - (traits[:, 3] * 20000).astype(np.int64) % 600
    return [*who(sim, child, la_codes),
            ("SEX", w.codes(sim.female[child], sexes)), ("DOB", w.dates(sim.dob[child])),
            ("ETHNIC", w.codes(sim.ethnic[child], c.ETHNIC)), ("UPN", upn),
            ("MOTHER", w.codes(np.where(female & (age >= 12), mother, -1), ("0", "1"))),
            ("MC_DOB", w.dates(np.where(mother, child_born, w.NO_DATE)))]


def outcome_columns(sim: Simulation, cy: CareYear, la_codes: w.Bytes
                    ) -> dict[str, Columns]:
    """The OC2, OC3 and UASC tables."""
    names = ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
             "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
    oc2: Columns = [*who(sim, cy.oc2, la_codes), ("DOB", w.dates(sim.dob[cy.oc2])),
                    ("SDQ_SCORE", w.integers(np.maximum(cy.sdq, 0), cy.sdq < 0)),
                    ("SDQ_REASON", w.codes(cy.sdq_reason, ("SDQ1", "SDQ2", "SDQ3", "SDQ4",
                                                           "SDQ5")))]
    oc2 += [(name, w.codes(cy.flags[:, k], ("0", "1"))) for k, name in enumerate(names)]
    accom = tuple(f"{letter}{digit}" for letter in ACCOM_LETTERS for digit in "12")
    oc3: Columns = [*who(sim, cy.oc3, la_codes), ("DOB", w.dates(sim.dob[cy.oc3])),
                    ("IN_TOUCH", w.codes(cy.in_touch, IN_TOUCH)),
                    ("ACTIV", w.codes(cy.activ, ACTIV)), ("ACCOM", w.codes(cy.accom, accom))]
    eighteen = add_years(sim.dob[cy.uasc], 18)
    uasc: Columns = [*who(sim, cy.uasc, la_codes),
                     ("SEX", w.codes(sim.female[cy.uasc], ("1", "2") if cy.year <= 2024
                                     else ("M", "F"))),
                     ("DOB", w.dates(sim.dob[cy.uasc])),
                     ("DUC", w.dates(np.where(eighteen <= year_end(cy.year), eighteen,
                                              w.NO_DATE)))]
    return {"oc2": oc2, "oc3": oc3, "uasc": uasc}
