"""One academic year's school census, pupil by pupil, as a view of the simulation: the general
population that outcomes for children looked after and children in need are compared with.

The file of reporting year Y holds academic year Y-1/Y: one row per pupil aged 4 to 15 on
31 August Y-1 (reception, `R`, to year 11), with the year's sessions possible and missed and,
for year 11, an Attainment 8 score and, for reception, whether the child reached a good level
of development (as declared in `frameworks/datasets/school_census.ospec`). Absence statistics
cover pupils of compulsory school age, years 1 to 11 (aged 5 to 15).

Who is in it. Each authority has, in each of the 12 year groups, its 0-17 population (ONS,
mid-year Y-1) × `scale` / 18 pupils: some 8.1 million at scale 1, 7.4 million of them of
compulsory school age (every child of the age is a pupil: the few per cent at independent
schools [U] are not left out). Among them are the children of the simulation whose UPN is
written in the year's `header.csv` or `child_identifiers.csv` and who are of school age: they
are pupils with that UPN, in their own authority (outcomespec relates rows by identifier
within an authority; in reality a child placed elsewhere may go to school in another one).
Children of school age whose UPN is not written, or whose randomly drawn UPN another child of
the simulation shares, are not identified among the pupils. The other pupils are new, with
UPNs of establishment numbers 8000-9999, which the simulation's children (1000-7999) never
have, so the two never collide.

Sampling. With `fraction` f below 1 every pupil is in a uniform sample with chance f, and the
sample is marked `sampled`; children looked after or in need outside the sample are written
too, with `sampled` false. Indicators for all pupils filter on `sampled` and stay unbiased;
indicators for children looked after or in need use every row and lose nothing. Only the
sampled pupils who are not in the simulation are drawn at all, so f = 0.01 is cheap.

Calibration. Each pupil has a latent disadvantage z (standard normal). Their share of
sessions missed is logit-normal in z, with the mean and the share persistently absent (10% or
more of sessions) of their group; low attainment and no good level of development go with
high z (correlation `LINK`). The children of the simulation take the figures of their group in
the year (looked after for 12 months at 31 March; looked after; on a child protection plan; in
need; referred before); the other pupils take figures solved so that all pupils together meet
the published ones. The published figures, marked [U] where approximate, are below; the
figures of the groups are estimates for the statistics DfE publishes "at 31 March". Every
year is calibrated to the same (2023/24) figures.

>>> from outcomespec.synthetic.generator import simulation
>>> from outcomespec.synthetic.census import need_year
>>> from outcomespec.synthetic.returns import care_year
>>> sim = simulation(years=(2025,), scale=0.05, las=2)
>>> la_codes = w.texts(np.array([code.encode() for code in sim.las.old_code]))
>>> sy = school_year(sim, care_year(sim, 2025), need_year(sim, 2025), la_codes, 1.0)
>>> [name for name, _ in pupils_columns(sy, la_codes)][:5]
['LA', 'UPN', 'DOB', 'Sex', 'NCyearActual']
>>> figures = school_figures(sy)
>>> figures.pupils == len(sy.la), 10 < figures.persistent_absence_percent < 30
(True, True)
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from attrs import frozen
from numpy.polynomial.hermite_e import hermegauss

from outcomespec.synthetic import files as w
from outcomespec.synthetic.census import NeedYear, children_columns
from outcomespec.synthetic.codes import V3, V4, FloatArray, IntArray, among
from outcomespec.synthetic.files import _QUADS
from outcomespec.synthetic.history import UPN_LETTERS, Simulation, _weighted
from outcomespec.synthetic.reference import LocalAuthorities, age_at, day, year_end
from outcomespec.synthetic.returns import CareYear, header_columns

Columns = list[tuple[str, w.Field]]
NC_YEARS = ("R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")
"""Year groups, indexed by age on 31 August minus 4."""
RECEPTION, YEAR_6, YEAR_11 = 0, 6, 11
PRIMARY, SECONDARY, CLA_12_MONTHS, LOOKED_AFTER, PROTECTION, IN_NEED, REFERRED = range(7)
"""Groups: pupils not in the simulation (by phase), then the simulation's children by what
they are in the year (the first that applies)."""
FEMALE = 0.488
FULL_YEAR = (0.92, 0.75)
"""Pupils on roll all year (the others join or leave during it): not in the simulation, in it."""
GENERAL_SCHOOLS = 8000
UPN_SPACE = 1_999_993
"""A prime: a·k + b mod p is one-to-one for k < p, giving 2,000 schools × 1,000 serials."""
DAYS = 366
"""Slots for days of birth in a year group (1 September to 31 August)."""
LINK = 0.45
"""Correlation of absence's latent variable with low attainment (an assumption)."""

# ---------------------------------------------------------------- published figures
ABSENCE = ((0.055, 0.148), (0.088, 0.262))
"""All pupils, primary (years 1-6) and secondary (7-11): mean share of sessions missed, share
persistently absent. England 2023/24 about 7% and 20% over years 1-11 [U: the DfE pupil
absence statistics give 6.7% and 20.1% for the autumn term, 7.3% and 21.8% for the spring
term; the phases' split is approximate]."""
GROUP_ABSENCE = {CLA_12_MONTHS: (0.055, 0.135), LOOKED_AFTER: (0.10, 0.30),
                 PROTECTION: (0.155, 0.45), IN_NEED: (0.135, 0.40), REFERRED: (0.095, 0.30)}
"""Children looked after for 12 months: persistent absence 10.6% in 2017/18 (DfE outcomes for
children looked after, 31 March 2018), about 12-14% since the pandemic [U]; children in need
(not on a plan, not looked after) about 40% and on a child protection plan about 45% [U].
Looked after for less than 12 months and referred before: assumptions."""
ATTAINMENT8 = 45.9
"""Average Attainment 8 of all pupils at the end of key stage 4, England 2023/24 [U]."""
GROUP_ATTAINMENT8 = {CLA_12_MONTHS: 19.0, LOOKED_AFTER: 16.0, PROTECTION: 17.0, IN_NEED: 21.0,
                     REFERRED: 30.0}
"""Children looked after about 19, children in need about 21 [U]; the rest assumptions."""
ATTAINMENT8_SD = (19.0, 17.0)
"""Spread of Attainment 8 scores: not in the simulation, in it (assumptions)."""
GOOD_LEVEL = 0.677
"""Children reaching a good level of development at the end of reception, England 2023/24 [U]."""
GROUP_GOOD_LEVEL = {CLA_12_MONTHS: 0.42, LOOKED_AFTER: 0.38, PROTECTION: 0.38, IN_NEED: 0.45,
                    REFERRED: 0.55}
"""Much lower for children in need [U: assumptions]."""

_NODES, _WEIGHTS = hermegauss(48)
_WEIGHTS = _WEIGHTS / math.sqrt(2 * math.pi)
_THRESHOLD = math.log(0.1 / 0.9)
"""The logit of 10%: the persistent absence threshold."""


@frozen
class SchoolYear:
    """The pupils of one academic year, in file order (by authority, year group and date
    of birth)."""

    year: int
    la: IntArray
    upn: w.Bytes
    """UPN texts (rows of 16 bytes), indexed by `upn_row`."""
    upn_row: IntArray
    dob: IntArray
    female: IntArray
    nc_year: IntArray
    sampled: np.ndarray
    possible: IntArray
    missed: IntArray
    attainment8: IntArray
    """-1 where none (pupils not in year 11)."""
    good_level: IntArray
    """1, 0, or -1 where none (pupils not in reception)."""
    cla_12_months: np.ndarray
    """Linked by UPN to a child looked after for 12 months at 31 March (OC2)."""
    protection: np.ndarray
    """Linked to a child protection plan open at 31 March, not looked after then."""
    in_need: np.ndarray
    """Linked to a child in need at 31 March, not on a plan and not looked after then."""


@frozen
class SchoolFigures:
    """The year's England figures, computed from the arrays (as an indicator linking by UPN
    finds the children): absence over years 1-11, Attainment 8 in year 11, a good level of
    development in reception; all pupils are the sampled ones."""

    year: int
    pupils: int
    sampled: int
    overall_absence_percent: float
    persistent_absence_percent: float
    cla_pupils: int
    cla_persistent_absence_percent: float
    cpp_persistent_absence_percent: float
    cin_persistent_absence_percent: float
    attainment8_mean: float
    cla_attainment8_mean: float
    cin_attainment8_mean: float
    good_level_percent: float
    cin_good_level_percent: float


def school_year(sim: Simulation, cy: CareYear, ny: NeedYear, la_codes: w.Bytes,
                fraction: float) -> SchoolYear:
    """Draw the year's pupils: every identified child looked after or in need of school age,
    and a sample with chance `fraction` (0 < fraction <= 1) of all pupils.

    Rows come by authority, year group and date of birth: the new pupils are counted per
    day of birth (a multinomial draw per authority and year group, so already in order) and
    the simulation's children merged in, without sorting millions of rows."""
    year = cy.year
    rng = np.random.default_rng(np.random.SeedSequence([sim.seed, year, 537]))
    groups = len(NC_YEARS)
    born = np.array([day(year - 6 - g, 9, 1) for g in range(groups + 1)])
    span = born[:-1] - born[1:]  # days of birth in each year group (365 or 366)
    child, group, header, census = _identified(sim, cy, ny, la_codes)
    child_nc = age_at(sim.dob[child], day(year - 1, 8, 31)) - 4
    child_slot = ((sim.la[child] * groups + child_nc) * DAYS
                  + sim.dob[child] - born[child_nc]).astype(np.int32)
    ranked = np.argsort(child_slot, kind="stable")
    child, group, header, census = child[ranked], group[ranked], header[ranked], census[ranked]
    child_slot, child_nc = child_slot[ranked], child_nc[ranked]
    size = np.rint(sim.las.population_at(year - 1) * sim.scale / 18).astype(np.int64)
    cells = len(size) * groups
    others = np.maximum(np.repeat(size, groups) - np.bincount(child_slot // DAYS,
                                                              minlength=cells), 0)
    drawn = others if fraction >= 1 else rng.binomial(others, fraction)
    chance = (np.arange(DAYS) < span[:, None]) / span[:, None]
    per_day = rng.multinomial(drawn, np.tile(chance, (len(size), 1)))
    new_slot = np.repeat(np.arange(cells * DAYS, dtype=np.int32), per_day.reshape(-1))
    k, total = len(child), len(child) + len(new_slot)
    at = np.searchsorted(new_slot, child_slot, side="right") + np.arange(k)
    is_child = np.zeros(total, dtype=bool)
    is_child[at] = True
    new_at = np.flatnonzero(~is_child)
    slot = np.empty(total, dtype=np.int32)
    slot[at], slot[new_at] = child_slot, new_slot
    cell = slot // DAYS
    nc = cell % groups
    new_cell = new_slot // DAYS
    number = np.arange(len(new_slot)) - (np.cumsum(drawn) - drawn)[new_cell]
    upn = np.empty((total, 16), dtype=np.uint8)
    upn[:k] = sim.upn[child]
    _new_upns(rng, sim.las, new_cell // groups, (year - 1 - new_cell % groups) % 100, number,
              upn[k:])
    upn_row = np.empty(total, dtype=np.int64)
    upn_row[at], upn_row[new_at] = np.arange(k), k + np.arange(len(new_slot))
    female = (rng.random(total, dtype=np.float32) < FEMALE).astype(np.int8)
    female[at] = sim.female[child]
    sampled = np.ones(total, dtype=bool)
    sampled[at] = rng.random(k) < fraction
    kinds = np.where(nc <= YEAR_6, PRIMARY, SECONDARY).astype(np.int8)
    kinds[at] = group
    possible, missed, attainment, good = _outcomes(rng, kinds, nc,
                                                   _targets(group, child_nc, size))
    flags = []
    for status in _statuses(sim, cy, child, header, census):
        flag = np.zeros(total, dtype=bool)
        flag[at] = status
        flags.append(flag)
    return SchoolYear(year, cell // groups, upn, upn_row, born[nc] + slot % DAYS, female, nc,
                      sampled, possible, missed, attainment, good, *flags)


def pupils_columns(sy: SchoolYear, la_codes: w.Bytes) -> Columns:
    """The pupils table."""
    return [("LA", w.take(la_codes, sy.la)), ("UPN", w.take(sy.upn, sy.upn_row, 13)),
            ("DOB", w.dates(sy.dob)), ("Sex", w.codes(sy.female, ("M", "F"))),
            ("NCyearActual", w.codes(sy.nc_year, NC_YEARS)),
            ("SessionsPossible", w.integers(sy.possible)),
            ("OverallAbsence", w.integers(sy.missed)),
            ("Attainment8", w.integers(np.maximum(sy.attainment8, 0), sy.attainment8 < 0)),
            ("GoodLevelOfDevelopment", w.codes(sy.good_level, ("0", "1"))),
            ("sampled", w.codes(sy.sampled.astype(np.int8), ("0", "1"))),
            ("AcademicYear", w.constant(f"{sy.year - 1}/{sy.year % 100:02d}", len(sy.la)))]


def school_figures(sy: SchoolYear) -> SchoolFigures:
    """The England figures of a school year."""
    compulsory = sy.nc_year >= 1
    persistent = sy.missed * 10 >= sy.possible
    everyone = compulsory & sy.sampled
    year_11, reception = sy.nc_year == YEAR_11, sy.nc_year == RECEPTION

    def share(where: np.ndarray, values: np.ndarray) -> float:
        return _round(100 * float(values[where].mean())) if where.any() else math.nan

    def mean(where: np.ndarray) -> float:
        return _round(float(sy.attainment8[where].mean())) if where.any() else math.nan

    return SchoolFigures(
        sy.year, len(sy.la), int(sy.sampled.sum()),
        _round(100 * float(sy.missed[everyone].sum()) / max(int(sy.possible[everyone].sum()),
                                                            1)),
        share(everyone, persistent), int((compulsory & sy.cla_12_months).sum()),
        share(compulsory & sy.cla_12_months, persistent),
        share(compulsory & sy.protection, persistent), share(compulsory & sy.in_need, persistent),
        mean(year_11 & sy.sampled), mean(year_11 & sy.cla_12_months), mean(year_11 & sy.in_need),
        share(reception & sy.sampled, sy.good_level == 1),
        share(reception & sy.in_need, sy.good_level == 1))


def _identified(sim: Simulation, cy: CareYear, ny: NeedYear, la_codes: w.Bytes
                ) -> tuple[IntArray, IntArray, np.ndarray, np.ndarray]:
    """The children of school age whose UPN the year's files write (and no other child of
    the simulation has), their groups, and whether the UPN is in the header, in the census."""
    n = len(sim.la)
    header = _written(header_columns(sim, cy, la_codes), cy.header, n)
    census = _written(children_columns(sim, ny, la_codes), ny.children, n)
    age = age_at(sim.dob, day(cy.year - 1, 8, 31))
    child = np.flatnonzero((header | census) & (age >= 4) & (age <= 15) & ~_shared_upn(sim))
    end, start = year_end(cy.year), day(cy.year - 1, 4, 1)
    r = sim.referrals
    planned = (r.plan_start >= 0) & (r.plan_start <= end) & (r.plan_end >= start)
    needing = (r.referral <= end) & (r.closure >= start) & (r.nfa == 0)
    oc2, looked_after = _flags(cy.oc2, n), _flags(cy.header, n)
    plan, need = _flags(r.child[planned], n), _flags(r.child[needing], n)
    group = np.select([oc2[child], looked_after[child], plan[child], need[child]],
                      [CLA_12_MONTHS, LOOKED_AFTER, PROTECTION, IN_NEED], REFERRED)
    return child, group, header[child], census[child]


def _statuses(sim: Simulation, cy: CareYear, child: IntArray, header: np.ndarray,
              census: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What an indicator linking these children's UPNs to the year's files finds at 31 March:
    looked after for 12 months (OC2); on a plan and not looked after; in need, not on a plan
    and not looked after."""
    n = len(sim.la)
    end = year_end(cy.year)
    ep, r = sim.episodes, sim.referrals
    open_at_end = (ep.decom <= end) & (ep.dec > end) & ~among(ep.ls, (V3, V4))
    looked_after = _flags(ep.child[open_at_end], n)[child] & header
    plan = _flags(r.child[(r.plan_start >= 0) & (r.plan_start <= end) & (r.plan_end > end)],
                  n)[child] & census
    need = _flags(r.child[(r.referral <= end) & (r.closure > end) & (r.nfa == 0)],
                  n)[child] & census
    return (_flags(cy.oc2, n)[child] & header, plan & ~looked_after,
            need & ~plan & ~looked_after)


def _targets(group: IntArray, nc: IntArray, size: IntArray) -> dict[int, tuple[float, ...]]:
    """Group → (mean absence, persistent absence, Attainment 8, good level of development):
    the simulation's groups as published, the other pupils' solved so that all pupils meet
    the published figures (each authority has `size` pupils in each year group)."""
    table = np.zeros((REFERRED + 1, 4))
    for g, absence in GROUP_ABSENCE.items():
        table[g] = (*absence, GROUP_ATTAINMENT8[g], GROUP_GOOD_LEVEL[g])
    total = float(size.sum())
    attainment = _rest(ATTAINMENT8, total, group[nc == YEAR_11], table[:, 2])
    good = _rest(GOOD_LEVEL, total, group[nc == RECEPTION], table[:, 3])
    phases = ((nc >= 1) & (nc <= YEAR_6), nc > YEAR_6)
    for phase, (in_phase, years) in enumerate(zip(phases, (6, 5), strict=True)):
        table[PRIMARY + phase] = (
            *(_rest(ABSENCE[phase][k], total * years, group[in_phase], table[:, k])
              for k in (0, 1)), attainment, good)
    return {g: tuple(float(v) for v in table[g]) for g in range(len(table))}


def _rest(target: float, total: float, known: IntArray, values: FloatArray) -> float:
    """The value the pupils not `known` (groups of the simulation's children) need for the
    mean over `total` pupils to be `target`."""
    rest = total - len(known)
    if rest <= 0:
        return target
    return float((target * total - np.bincount(known, minlength=len(values)) @ values) / rest)


def _outcomes(rng: np.random.Generator, group: IntArray, nc: IntArray,
              targets: dict[int, tuple[float, ...]]
              ) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Sessions possible and missed, Attainment 8 (year 11) and good level (reception)."""
    n = len(group)
    table = np.zeros((len(targets), 5))
    for g, (mean, persistent, score, level) in targets.items():
        mu, sigma = _logit_normal(mean, persistent)
        spread = ATTAINMENT8_SD[g > SECONDARY]
        table[g] = (mu, sigma, _clipped_mean(score, spread), spread,
                    NormalDist().inv_cdf(1 - min(max(level, 0.001), 0.999)))
    parameters = table.astype(np.float32)
    z = rng.standard_normal(n, dtype=np.float32)
    share = 1 / (1 + np.exp(-(parameters[:, 0][group] + parameters[:, 1][group] * z)))
    possible = 380 - 2 * rng.integers(0, 3, n, dtype=np.int16)
    stays = np.asarray(FULL_YEAR, dtype=np.float32)[(group > SECONDARY).astype(np.int8)]
    moved = np.flatnonzero(rng.random(n, dtype=np.float32) >= stays)
    possible[moved] = rng.integers(60, 371, len(moved), dtype=np.int16)
    missed = np.rint(share * possible).astype(np.int16)
    attainment = np.full(n, -1, dtype=np.int16)
    good = np.full(n, -1, dtype=np.int8)
    for year_group, out in ((YEAR_11, attainment), (RECEPTION, good)):
        rows = np.flatnonzero(nc == year_group)
        merit = -LINK * z[rows] + math.sqrt(1 - LINK**2) * rng.standard_normal(len(rows))
        kind = group[rows]
        out[rows] = (np.clip(np.rint(table[kind, 2] + table[kind, 3] * merit), 0, 90)
                     if year_group == YEAR_11 else merit > table[kind, 4])
    return possible, missed, attainment, good


def _logit_normal(mean: float, persistent: float) -> tuple[float, float]:
    """(mu, sigma) of a logit-normal share that is 10% or more with chance `persistent`, and
    whose mean is nearest `mean` (by Gauss-Hermite quadrature)."""
    quantile = NormalDist().inv_cdf(1 - min(max(persistent, 0.001), 0.999))
    sigmas = np.linspace(0.05, 3.0, 591)
    mus = _THRESHOLD - sigmas * quantile
    means = (_WEIGHTS / (1 + np.exp(-(mus[:, None] + sigmas[:, None] * _NODES)))).sum(axis=1)
    best = int(np.argmin(np.abs(means - mean)))
    return float(mus[best]), float(sigmas[best])


def _clipped_mean(target: float, spread: float) -> float:
    """The mean m for which a normal(m, spread) score clipped to 0..90 has mean `target`."""
    normal = NormalDist()

    def above(m: float, floor: float) -> float:  # E[max(X - floor, 0)]
        d = (m - floor) / spread
        return (m - floor) * normal.cdf(d) + spread * normal.pdf(d)

    low, high = -100.0, 190.0
    for _ in range(60):
        middle = (low + high) / 2
        if above(middle, 0) - above(middle, 90) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _written(columns: Columns, children: IntArray, n: int) -> np.ndarray:
    """Which children of the simulation a table writes a UPN for (not a UPN-unknown code)."""
    field = dict(columns)["UPN"]
    assert isinstance(field, w.Gather)
    return _flags(children[field.index < n], n)


def _shared_upn(sim: Simulation) -> np.ndarray:
    """Children of the simulation whose UPN another child has too (drawn at random, UPNs can
    repeat; such children are not identified among the pupils). UPNs are compared by a 64-bit
    hash of their text: a false match would only leave a child unidentified."""
    n = len(sim.la)
    halves = np.ascontiguousarray(sim.upn[:n]).view(np.uint64)
    hashed = halves[:, 0] ^ (halves[:, 1] * np.uint64(0x9E3779B97F4A7C15))
    order = np.argsort(hashed)
    same = np.flatnonzero(hashed[order][1:] == hashed[order][:-1])
    shared = np.zeros(n, dtype=bool)
    shared[order[same]] = True
    shared[order[same + 1]] = True
    return shared


def _new_upns(rng: np.random.Generator, las: LocalAuthorities, la: IntArray,
              allocated: IntArray, number: IntArray, out: w.Bytes) -> None:
    """Write into `out` (rows of 16 bytes) UPNs for pupils not in the simulation: in each
    authority and year of allocation (two digits, one year group's), a random one-to-one map
    of the pupil's `number` onto establishments 8000-9999 and serials 000-999."""
    if int(number.max(initial=0)) >= UPN_SPACE:
        msg = "too many pupils in one authority and year group for the UPNs of new pupils"
        raise ValueError(msg)
    a = rng.integers(1, UPN_SPACE, len(las))
    b = rng.integers(0, UPN_SPACE, len(las))
    mapped = ((a[la] * number + b[la]) % UPN_SPACE).astype(np.int32)
    school = GENERAL_SCHOOLS + mapped // 1000
    tail = allocated.astype(np.int32) * 1000 + mapped % 1000
    codes = np.array([int(code) for code in las.old_code])
    check = (_weighted(3, 2)[codes][la] + _weighted(4, 5)[school] + _weighted(5, 9)[tail]) % 23
    code_bytes = np.frombuffer(b"".join(code.encode() + b"\0" for code in las.old_code),
                               dtype=np.uint32)
    quads = out.view(np.uint32)
    quads[:, 0] = UPN_LETTERS[check].astype(np.uint32) | (code_bytes[la] << np.uint32(8))
    quads[:, 1] = _QUADS[school]
    quads[:, 2] = _QUADS[tail // 10]
    quads[:, 3] = tail % 10 + ord("0")


def _flags(indices: IntArray, n: int) -> np.ndarray:
    flags = np.zeros(n, dtype=bool)
    flags[indices] = True
    return flags


def _round(value: float) -> float:
    return round(value, 3)


__all__ = ["NC_YEARS", "SchoolFigures", "SchoolYear", "pupils_columns", "school_figures",
           "school_year"]

