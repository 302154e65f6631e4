"""Children's homes for the synthetic returns: a register shaped like Ofsted's, and the home
of every placement in one, by its URN.

Ofsted registers every children's home in England and publishes, for each, its unique
reference number (URN), type, owner, local authority, registered places and latest
inspection judgement. The SSDA903 episode records the URN of the placement; so a framework
can benchmark homes on the outcomes of the children placed with them
(frameworks/provider_benchmarking.ospec).

Calibration (Ofsted, "Main findings: children's social care in England 2023", figures at 31
March 2023): 2,880 children's homes with 10,818 places, a quarter of both in the North West.
Ofsted's earlier releases give four in five children's homes judged good or outstanding at
their latest inspection (2019: 80%). Volumes scale with `scale` and with the share of
England's authorities generated, so that the children placed per home stay realistic.

Assumptions, not published figures: 14 of the homes are secure children's homes (PLACE K1),
with 6 to 12 places each, the others (PLACE K2) 1 to 8; how the judgements split between
outstanding and good, requires improvement and inadequate; that homes neither open nor close
over the years generated. A home's owner matches the placement provider its children's
episodes record (PR1, PR2: a local authority; PR4: private; PR5: voluntary), and each
placement in a home of a type and owner is made in one of those homes at random, in
proportion to its places, wherever it lies: homes have no effect of their own on outcomes,
so a funnel plot of the synthetic data shows chance alone (about 5% of homes outside their
95% limits). The register is the same in every year's folder.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from attrs import frozen

from outcomespec.synthetic import codes as c
from outcomespec.synthetic import files as w
from outcomespec.synthetic.codes import IntArray, categorical
from outcomespec.synthetic.episodes import PICKS, Episodes
from outcomespec.synthetic.reference import LocalAuthorities, day

__all__ = [
    "HOMES",
    "PLACES",
    "URN_UNREGISTERED",
    "Register",
    "home_urns",
    "register",
    "register_columns",
]

HOMES = 2_880
"""Children's homes in England at 31 March 2023 (Ofsted)."""
PLACES = 10_818
"""Their registered places (Ofsted)."""
AUTHORITIES = 153
"""England's local authorities, of which `las` may generate fewer."""
SECURE = 14
"""Secure children's homes [assumption]."""
NORTH_WEST, NORTH_WEST_SHARE = "E12000002", 0.25
"""A quarter of England's homes are in the North West (Ofsted, 2023)."""
TYPES = ("CH", "SCH")
"""Provider types: children's home (PLACE K2), secure children's home (K1)."""
SECTORS = ("LA", "PRIVATE", "VOLUNTARY")
"""Owners: a local authority, a private company, a voluntary organisation."""
SECTOR_OF_PROVIDER = np.array([-1, 0, 0, -1, 1, 2])
"""The owner of a home by the placement provider of an episode placed with it (PR0..PR5)."""
SECTOR_P = {"CH": (0.14, 0.82, 0.04), "SCH": (0.90, 0.10, 0.0)}
"""Owners of each type of home, as the placements in them are provided (codes.PROVIDER_P)."""
JUDGEMENTS = ("outstanding", "good", "requires_improvement", "inadequate")
JUDGEMENT_P = (0.17, 0.63, 0.16, 0.04)
"""Latest overall effectiveness: 80% good or outstanding (Ofsted, 2019) [split assumed]."""
URN_UNREGISTERED = "XXXXXXX"


@frozen
class Register:
    """The homes: URN, type, owner, authority (index), places, judgement, and its date."""

    urn: tuple[str, ...]
    type: IntArray
    sector: IntArray
    la: IntArray
    places: IntArray
    judgement: IntArray
    judged: IntArray
    """Date of the latest inspection (days since 1970-01-01)."""

    def __len__(self) -> int:
        return len(self.urn)


def register(rng: np.random.Generator, las: LocalAuthorities, scale: float) -> Register:
    """The homes of the authorities generated, with their places and judgements.

    >>> from outcomespec.synthetic.reference import load_local_authorities
    >>> homes = register(np.random.default_rng(1), load_local_authorities(), 1.0)
    >>> len(homes), int(homes.places.sum()) in range(10_000, 11_700)
    (2880, True)
    """
    share = len(las) / AUTHORITIES * scale
    n = max(math.ceil(HOMES * share), 4)
    secure = max(round(SECURE * share), 1)
    kind = np.zeros(n, dtype=np.int64)
    kind[:secure] = 1
    sector = np.where(kind == 1, categorical(rng, SECTOR_P["SCH"], n),
                      categorical(rng, SECTOR_P["CH"], n))
    sector[0], sector[min(1, n - 1)] = 0, 1  # every owner a placement may name has a home
    if n > secure + 2:
        sector[secure:secure + 3] = (0, 1, 2)
    # Mean places of a children's home: (places less the secure homes') / homes.
    mean = (PLACES - SECURE * 9) / (HOMES - SECURE)
    places = np.where(kind == 1, rng.integers(6, 13, n),
                      np.minimum(1 + rng.poisson(mean - 1, n), 8))
    north_west = np.array([code == NORTH_WEST for code in las.region_code])
    weight = np.asarray(las.population_at(2022), dtype=np.float64)
    if north_west.any() and not north_west.all():
        weight = np.where(north_west, weight / weight[north_west].sum() * NORTH_WEST_SHARE,
                          weight / weight[~north_west].sum() * (1 - NORTH_WEST_SHARE))
    la = categorical(rng, tuple((weight / weight.sum()).tolist()), n)
    judgement = categorical(rng, JUDGEMENT_P, n)
    judged = day(2022, 4, 1) + rng.integers(0, 730, n)
    urn = tuple(f"SC{u}" for u in rng.choice(np.arange(100_000, 1_000_000), n,
                                              replace=False).tolist())
    return Register(urn, kind, sector.astype(np.int64), la.astype(np.int64),
                    places.astype(np.int64), judgement.astype(np.int64), judged)


def home_urns(episodes: Episodes, rows: npt.NDArray[np.integer], homes: Register
              ) -> w.Bytes:
    """The URN of each episode (`rows` of `episodes`): for a placement in a children's home,
    the home its draw picks among those of its type and owner (in proportion to places);
    empty for any other placement."""
    kind, pick = episodes.kind[rows], episodes.pick[rows]
    urns = np.array([u.encode() for u in homes.urn], dtype="S8")
    found = np.zeros(len(rows), dtype="S8")
    for type_index, place in enumerate((c.K2, c.K1)):
        chosen = np.flatnonzero((kind == place) & (pick >= 0))
        sectors = SECTOR_OF_PROVIDER[np.maximum(episodes.provider[rows][chosen], 0)]
        for sector in range(len(SECTORS)):
            members = np.flatnonzero((homes.type == type_index) & (homes.sector == sector))
            if not members.size:
                members = np.flatnonzero(homes.type == type_index)
            these = chosen[(sectors == sector) | ((sectors < 0) & (sector == 0))]
            edges = np.cumsum(homes.places[members]) / homes.places[members].sum()
            at = np.searchsorted(edges, pick[these] / PICKS, side="right")
            found[these] = urns[members[np.minimum(at, members.size - 1)]]
    return w.texts(found)


def register_columns(homes: Register, las: LocalAuthorities) -> list[tuple[str, w.Field]]:
    """The register as Ofsted publishes it (one row per home; dates dd/mm/YYYY)."""
    region = np.array([code.encode() for code in las.region_code])[homes.la]
    region_name = np.array([name.encode() for name in las.region_name])[homes.la]
    la = np.array([code.encode() for code in las.old_code])[homes.la]
    return [("URN", w.texts(np.array([u.encode() for u in homes.urn]))),
            ("NAME", w.texts(np.array([f"Home {u}".encode() for u in homes.urn]))),
            ("TYPE", w.codes(homes.type, TYPES)), ("SECTOR", w.codes(homes.sector, SECTORS)),
            ("LA", w.texts(la)), ("REGION", w.texts(region)),
            ("REGION_NAME", w.texts(region_name)),
            ("PLACES", w.integers(homes.places)),
            ("JUDGEMENT", w.texts(np.array([j.encode() for j in JUDGEMENTS])[homes.judgement])),
            ("JUDGEMENT_DATE", w.dates(homes.judged))]
