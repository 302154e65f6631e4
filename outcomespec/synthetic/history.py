"""The simulated population behind the synthetic returns: children looked after, children in
need, their identifiers, and the persistent traits drawn once per child.

One simulation covers every reporting year asked for, with enough history before the first
(care since birth for the oldest care leavers; several years of referrals), so each year's
files are views of one continuous history: the same child has the same identifier, date of
birth and care history in every year's return.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from attrs import evolve, field, frozen

from outcomespec.synthetic import codes as c
from outcomespec.synthetic.care import Children, Periods, simulate_periods
from outcomespec.synthetic.codes import IntArray
from outcomespec.synthetic.episodes import Episodes, build_episodes
from outcomespec.synthetic.files import _QUADS, Bytes, numbers, table, wide
from outcomespec.synthetic.need import Kids, Referrals, care_referrals, join, simulate_need
from outcomespec.synthetic.reference import (
    LocalAuthorities,
    add_years,
    calendar,
    load_local_authorities,
    year_end,
    year_start,
)

CARE_HISTORY = 18
"""Years of care simulated before the first reporting year (from the births of the oldest
children looked after in it)."""
NEED_HISTORY = 8
"""Years of referrals simulated before the first reporting year."""
ID_MODULUS = 9_999_991  # a prime: a·k + b mod p is one-to-one for k < p
UPN_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPQRTUVWXYZ", dtype=np.uint8)


NOT_LEAVERS = (c.E2, c.E3, c.E11, c.E12, c.E41, c.E45, c.E46, c.E47, c.E48, c.E15)
"""Ways of leaving care after which a young person is not a care leaver (died, care
transferred, adopted, orders, found to be an adult)."""


@frozen
class Leavers:
    """For each child ever looked after: whether they qualify as a care leaver (13 weeks or
    more looked after since 14, looked after at some time after 16, last left care in a way
    that leaves them a care leaver), when they last left care, whether they returned home."""

    qualifies: np.ndarray
    last_end: IntArray
    returned_home: np.ndarray


def leavers(care: Children, periods: Periods) -> Leavers:
    """Care leaver status of every child looked after (short breaks aside)."""
    n = len(care.la)
    child = periods.child
    dob = care.dob[child]
    regular = care.short_breaks[child] == 0
    fourteen, eighteen = add_years(dob, 14), add_years(dob, 18)
    overlap = np.maximum(np.minimum(periods.end, eighteen) - np.maximum(periods.start,
                                                                       fourteen), 0)
    since_14 = np.bincount(child, weights=overlap * regular, minlength=n)
    last_end = np.full(n, -(10**9), dtype=np.int64)
    np.maximum.at(last_end, child, np.where(regular, periods.end, -(10**9)))
    is_last = regular & (periods.end == last_end[child])
    last_rec = np.full(n, -1, dtype=np.int64)
    last_rec[child[is_last]] = periods.rec[is_last]
    returned = np.zeros(n, dtype=bool)
    returned[child[c.among(periods.rec, (c.E4A, c.E4B))]] = True
    qualifies = ((since_14 >= 91) & (last_end >= add_years(care.dob, 16))
                 & ~c.among(last_rec, NOT_LEAVERS))
    return Leavers(qualifies, last_end, returned)


@frozen
class Simulation:
    """Everything simulated, for all years; per-year files and figures are views of it.

    Children are indexed 0..n-1: first those ever looked after (`care`, by authority), then
    children in need who never are (`kids`, by authority).
    """

    las: LocalAuthorities
    years: tuple[int, ...]
    seed: int
    scale: float
    care: Children = field(eq=False)
    periods: Periods = field(eq=False)
    episodes: Episodes = field(eq=False)
    referrals: Referrals = field(eq=False)
    la: IntArray = field(eq=False)
    dob: IntArray = field(eq=False)
    female: IntArray = field(eq=False)
    ethnic: IntArray = field(eq=False)
    child_id: Bytes = field(eq=False)
    """Each child's identifier, written: unique within an authority, reused across them."""
    upn: Bytes = field(eq=False)
    """Each child's unique pupil number (13 characters, with its check letter; rows of 16
    bytes, NUL-padded), then the UPN-unknown codes UN1-UN7 and an empty row (rows n to n+7)."""
    traits: IntArray = field(eq=False)
    """(children × 4) uniform draws in 0..65535 fixed per child (persistent outcomes)."""
    sdq_shift: np.ndarray = field(eq=False)
    """Each authority's departure from England's mean SDQ score."""
    leavers: Leavers = field(eq=False)

    @property
    def n_care(self) -> int:
        """Children ever looked after (indices 0..n_care-1)."""
        return len(self.care.dob)


def simulate(years: Sequence[int], scale: float, seed: int, las: int | None) -> Simulation:
    """Simulate the authorities (the first `las`, or all) for the reporting years."""
    england = load_local_authorities()
    chosen = england.head(las)
    ordered = tuple(sorted(set(years)))
    first, last = ordered[0], ordered[-1]
    streams = np.random.SeedSequence([seed, 903]).spawn(6)
    rng = [np.random.default_rng(s) for s in streams]
    with ThreadPoolExecutor(max_workers=1) as pool:  # children in need alongside care
        needing = pool.submit(lambda: _kids_in_range(*simulate_need(
            rng[2], chosen, england, first - NEED_HISTORY, last, scale), year_start(first - 2)))
        care, periods = simulate_periods(rng[0], chosen, england, first - CARE_HISTORY, last,
                                         scale)
        care, periods = _by_authority(care, periods)
        episodes = _episodes_in_range(rng[1], care, periods, year_start(first), year_end(last))
        kids, need = needing.result()
    la = np.concatenate([care.la, kids.la])
    rank = _authority_order(la, len(care.la), len(chosen))
    referrals = join(care_referrals(rng[3], care, periods), need, rank, len(care.la))
    n = len(la)
    dob = np.concatenate([care.dob, kids.dob])
    return Simulation(
        chosen, ordered, seed, scale, care, periods, episodes, referrals, la, dob,
        np.concatenate([care.female, kids.female]), np.concatenate([care.ethnic, kids.ethnic]),
        _identifiers(rng[4], la, rank, len(chosen)), _upns(rng[4], chosen, la, dob),
        rng[5].integers(0, 1 << 16, (n, 4), dtype=np.uint16),
        rng[5].normal(0, 0.6, len(chosen)), leavers(care, periods))


def _episodes_in_range(rng: np.random.Generator, care: Children, periods: Periods,
                       start: int, end: int) -> Episodes:
    """The episodes of the children looked after at some time from `start` to `end` (with
    their earlier episodes): the only ones any return shows."""
    seen = np.zeros(len(care.la), dtype=bool)
    seen[periods.child[(periods.start <= end) & (periods.end >= start)]] = True
    keep = np.flatnonzero(seen[periods.child])
    renumber = np.full(len(periods.child), -1, dtype=np.int64)
    renumber[keep] = np.arange(len(keep))
    fields = {f.name: getattr(periods, f.name)
              for f in Periods.__attrs_attrs__}
    for name in ("child", "start", "end", "route", "rec", "need", "first_kind", "relative",
                 "lock"):
        fields[name] = fields[name][keep]
    for prefix, names in (("legal", ("day", "ls")), ("move", ("day", "kind", "same_carer"))):
        inside = renumber[fields[f"{prefix}_period"]] >= 0
        fields[f"{prefix}_period"] = renumber[fields[f"{prefix}_period"][inside]]
        for name in names:
            fields[f"{prefix}_{name}"] = fields[f"{prefix}_{name}"][inside]
    episodes = build_episodes(rng, care, Periods(**fields))
    return evolve(episodes, period=keep[episodes.period].astype(np.int32))


def _kids_in_range(kids: Kids, need: Referrals, since: int) -> tuple[Kids, Referrals]:
    """The children in need with an episode open on or after `since` (no file shows the
    others), renumbered in authority order, and their referrals."""
    last = np.full(len(kids.la), np.iinfo(np.int32).min, dtype=np.int32)
    np.maximum.at(last, need.child, need.closure)
    kept = np.flatnonzero(last >= since)
    kept = kept[c.order(kids.la[kept], kept)]
    relabel = np.full(len(kids.la), -1, dtype=np.int64)
    relabel[kept] = np.arange(len(kept))
    kids = Kids(*(getattr(kids, f)[kept] for f in ("la", "dob", "female", "ethnic")))
    rows = relabel[need.child] >= 0
    fields = {f.name: getattr(need, f.name)[rows]
              for f in Referrals.__attrs_attrs__}
    fields["child"] = relabel[fields["child"]].astype(np.int32)
    return kids, Referrals(**fields)


def _authority_order(la: IntArray, n_care: int, n_las: int) -> IntArray:
    """Each child's place when children are listed by authority: in each, those looked
    after first. `la` is sorted within 0..n_care-1 and within the rest."""
    first_part = np.bincount(la[:n_care], minlength=n_las)
    second_part = np.bincount(la[n_care:], minlength=n_las)
    total = first_part + second_part
    starts = np.cumsum(total) - total
    rank = np.empty(len(la), dtype=np.int64)
    rank[:n_care] = np.arange(n_care) - (np.cumsum(first_part) - first_part)[
        la[:n_care]] + starts[la[:n_care]]
    rank[n_care:] = (np.arange(len(la) - n_care) - (np.cumsum(second_part) - second_part)[
        la[n_care:]] + first_part[la[n_care:]] + starts[la[n_care:]])
    return rank


def _by_authority(care: Children, periods: Periods) -> tuple[Children, Periods]:
    """Children renumbered in authority order (so every table comes out grouped by it), and
    periods sorted by child and start."""
    order = c.order(care.la, np.arange(len(care.la)))
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    names = ("la", "dob", "female", "ethnic", "uasc", "short_breaks")
    care = Children(*(getattr(care, f)[order] for f in names))
    fields = {f.name: getattr(periods, f.name)
              for f in Periods.__attrs_attrs__}
    fields["child"] = relabel[fields["child"]]
    by_child = c.order(fields["child"], fields["start"])
    renumber = np.empty_like(by_child)
    renumber[by_child] = np.arange(len(by_child))
    for name in ("child", "start", "end", "route", "rec", "need", "first_kind", "relative",
                 "lock"):
        fields[name] = fields[name][by_child]
    for name in ("legal_period", "move_period"):
        fields[name] = renumber[fields[name]]
    return care, Periods(**fields)


def _identifiers(rng: np.random.Generator, la: IntArray, rank: IntArray, n_las: int) -> Bytes:
    """Child identifiers: a random one-to-one map of each child's rank in its authority."""
    counts = np.bincount(la, minlength=n_las)
    if int(counts.max(initial=0)) >= ID_MODULUS:
        msg = "too many children in one authority for 7-digit identifiers"
        raise ValueError(msg)
    within = rank - (np.cumsum(counts) - counts)[la]
    a = rng.integers(1, ID_MODULUS, n_las)
    b = rng.integers(0, ID_MODULUS, n_las)
    return numbers((a[la] * within + b[la]) % ID_MODULUS + 1_000_000)


def _upns(rng: np.random.Generator, las: LocalAuthorities, la: IntArray, dob: IntArray
          ) -> Bytes:
    """Unique pupil numbers: check letter, DfE LA code, school, year, serial number.

    The check letter is the sum of the 12 digits weighted 2 to 13, modulo 23, as a letter of
    ABCDEFGHJKLMNPQRTUVWXYZ (DfE's UPN specification); sums are looked up by part."""
    n = len(la)
    tail = (calendar(dob)[0] + 5) % 100 * 1000 + rng.integers(0, 1000, n)  # year, serial
    school = rng.integers(1000, 8000, n)
    codes = np.array([int(code) for code in las.old_code])
    check = (_weighted(3, 2)[codes][la] + _weighted(4, 5)[school] + _weighted(5, 9)[tail]) % 23
    code_bytes = np.frombuffer(b"".join(code.encode() + b"\0" for code in las.old_code),
                               dtype=np.uint32)
    quads = np.empty((n, 3), dtype=np.uint32)
    quads[:, 0] = UPN_LETTERS[check].astype(np.uint32) | (code_bytes[la] << np.uint32(8))
    quads[:, 1] = _QUADS[school]
    quads[:, 2] = _QUADS[tail // 10]
    out = np.empty((n, 13), dtype=np.uint8)
    out[:, :12] = quads.view(np.uint8).reshape(n, 12)
    out[:, 12] = tail % 10 + ord("0")
    unknown = table(c.UN_CODES)
    padded = np.zeros((len(unknown), 13), dtype=np.uint8)
    padded[:, : unknown.shape[1]] = unknown
    return wide(np.vstack([out, padded]))


def _weighted(width: int, first_weight: int) -> IntArray:
    """For every number of `width` digits: the sum of its digits weighted from `first_weight`
    up, left to right."""
    values = np.arange(10**width)
    total = np.zeros(10**width, dtype=np.int64)
    for j in range(width):
        total += values // 10 ** (width - 1 - j) % 10 * (first_weight + j)
    return total
