"""Reference figures for the synthetic data generator: local authorities and England targets.

The local authorities, their populations, published 2025 rates and statistical neighbours are
package data (`outcomespec/synthetic/data/local_authorities.csv`, from DfE and ONS statistics
under the Open Government Licence v3.0; see `outcomespec/synthetic/data/README.md`). The
England targets below are
published figures (DfE "explore education statistics", years ending 31 March), the values the
generator is calibrated to.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import field, frozen

Days = npt.NDArray[np.integer[Any]]
"""Days since 1970-01-01 (any integer width)."""
FIRST_MID_YEAR = 2016
LAST_MID_YEAR = 2024
BANDS = {"E": "Extremely close", "V": "Very close", "C": "Close", "S": "Somewhat close",
         "N": "Not close"}

# ---------------------------------------------------------------- England, published
STARTERS = {2020: 31000, 2021: 28470, 2022: 31100, 2023: 33090, 2024: 33130, 2025: 32270}
"""Children starting to be looked after; 2020 stands for every earlier year (approximate)."""
REFERRALS = {2013: 593470, 2014: 657780, 2015: 635620, 2016: 621470, 2017: 646120,
             2018: 655630, 2019: 650930, 2020: 642980, 2021: 597760, 2022: 650270,
             2023: 640430, 2024: 621880, 2025: 632830}
SDQ_MEAN = {2021: 13.7, 2022: 13.8, 2023: 14.4, 2024: 14.7, 2025: 14.9}
EET_19_21 = {2023: 0.56, 2024: 0.54, 2025: 0.54}
EET_17_18 = {2023: 0.66, 2024: 0.64, 2025: 0.64}
SUITABLE_19_21 = {2023: 30390 / 34460, 2024: 31620 / 36080, 2025: 33810 / 38190}
SUITABLE_17_18 = {2023: 12100 / 13360, 2024: 12870 / 14200, 2025: 13380 / 14750}
"""Care leavers in suitable accommodation, of those whose accommodation's suitability can be
known (DfE's base: gone abroad, deported and residence not known left out)."""


def published(table: Mapping[int, float], year: int) -> float:
    """The published value for `year`, or that of the nearest year published."""
    if year in table:
        return table[year]
    nearest = min(table, key=lambda y: (abs(y - year), -y))
    return table[nearest]


@frozen
class LocalAuthorities:
    """The 153 local authorities with children's services, in DfE code order."""

    old_code: tuple[str, ...]
    new_code: tuple[str, ...]
    name: tuple[str, ...]
    region_code: tuple[str, ...]
    region_name: tuple[str, ...]
    region_ind: tuple[str, ...]
    population: npt.NDArray[np.float64] = field(eq=False)
    """(authorities × mid-years 2016-2024) ONS estimates of children aged 0-17."""
    cla_rate: npt.NDArray[np.float64] = field(eq=False)
    """Published rate of children looked after per 10,000 at 31 March 2025 (gaps filled)."""
    cin_rate: npt.NDArray[np.float64] = field(eq=False)
    """Children in need at 31 March 2025 per 10,000 (from published counts)."""
    neighbours: tuple[tuple[str, ...], ...]
    bands: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.old_code)

    def head(self, n: int | None) -> LocalAuthorities:
        """The first `n` authorities (all when None)."""
        if n is None or n >= len(self):
            return self
        if n < 1:
            msg = "las must be at least 1"
            raise ValueError(msg)
        return LocalAuthorities(
            self.old_code[:n], self.new_code[:n], self.name[:n], self.region_code[:n],
            self.region_name[:n], self.region_ind[:n], self.population[:n],
            self.cla_rate[:n], self.cin_rate[:n], self.neighbours[:n], self.bands[:n])

    def population_at(self, mid_year: int) -> npt.NDArray[np.float64]:
        """Each authority's population at mid-year (the nearest year estimated if outside)."""
        year = min(max(mid_year, FIRST_MID_YEAR), LAST_MID_YEAR)
        return np.asarray(self.population[:, year - FIRST_MID_YEAR], dtype=np.float64)

    def scaled_population(self, mid_year: int, scale: float) -> npt.NDArray[np.int64]:
        """The populations written with synthetic data of this scale (whole children)."""
        return np.rint(self.population_at(mid_year) * scale).astype(np.int64)


def load_local_authorities() -> LocalAuthorities:
    """Read the shipped table of local authorities."""
    text = (resources.files("outcomespec.synthetic") / "data" / "local_authorities.csv").read_text(
        encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    years = range(FIRST_MID_YEAR, LAST_MID_YEAR + 1)
    population = np.array([[float(r[f"pop_{y}"]) for y in years] for r in rows])
    rate = np.array([float(r["cla_rate_2025"]) if r["cla_rate_2025"] else np.nan
                     for r in rows])
    regions = [r["region_code"] for r in rows]
    latest = population[:, -1]
    for i in np.flatnonzero(np.isnan(rate)).tolist():  # suppressed: use the region's rate
        same = np.array([code == regions[i] for code in regions]) & ~np.isnan(rate)
        rate[i] = float(np.sum(rate[same] * latest[same]) / np.sum(latest[same]))
    return LocalAuthorities(
        tuple(r["old_la_code"] for r in rows), tuple(r["new_la_code"] for r in rows),
        tuple(r["la_name"] for r in rows), tuple(regions),
        tuple(r["region_name"] for r in rows), tuple(r["region_ind"] for r in rows),
        population, rate, np.array([float(r["cin_rate_2025"]) for r in rows]),
        tuple(tuple(r["neighbours"].split()) for r in rows),
        tuple(tuple(BANDS[b] for b in r["bands"]) for r in rows))


# ---------------------------------------------------------------- dates


def day(year: int, month: int, date: int) -> int:
    """Days since 1970-01-01."""
    return (dt.date(year, month, date) - dt.date(1970, 1, 1)).days


def year_start(year: int) -> int:
    """1 April before the 31 March that ends reporting year `year`."""
    return day(year - 1, 4, 1)


def year_end(year: int) -> int:
    """31 March ending reporting year `year`."""
    return day(year, 3, 31)


_FIRST_DAY = day(1900, 1, 1)
_CALENDAR = np.arange(_FIRST_DAY, day(2200, 1, 1)).astype("datetime64[D]")
_YEAR_OF = _CALENDAR.astype("datetime64[Y]").astype(np.int64) + 1970
_MONTH_OF = (_CALENDAR.astype("datetime64[M]").astype(np.int64) % 12) + 1
_DAY_OF = (_CALENDAR - _CALENDAR.astype("datetime64[M]").astype("datetime64[D]")).astype(
    np.int64) + 1
_MONTH_START = np.arange(np.datetime64("1900-01"), np.datetime64("2200-01")).astype(
    "datetime64[D]").astype(np.int64)


def calendar(days: Days) -> tuple[npt.NDArray[np.int64], ...]:
    """(year, month, day of month) of each day (1900-2199), by table lookup."""
    at = np.asarray(days, dtype=np.int64) - _FIRST_DAY
    return _YEAR_OF[at], _MONTH_OF[at], _DAY_OF[at]


def add_years(days: Days, years: int | Days) -> npt.NDArray[np.int64]:
    """The date `years` later (a 29 February birthday falls on 1 March in other years)."""
    year, month, date = calendar(days)
    return np.asarray(_MONTH_START[(year + years - 1900) * 12 + month - 1] + date - 1)


def age_at(dob: Days, days: int | Days) -> npt.NDArray[np.int64]:
    """Completed years of age on `days` (as `age(DOB, date)` in the language)."""
    born_year, born_month, born_day = calendar(dob)
    year, month, date = calendar(np.broadcast_to(np.asarray(days, dtype=np.int64),
                                                 np.shape(dob)))
    late = (month < born_month) | ((month == born_month) & (date < born_day))
    return np.asarray(year - born_year - late)


def collection_year(days: Days) -> npt.NDArray[np.int64]:
    """The reporting year (ending 31 March) in which each day falls (1901-2199)."""
    return np.searchsorted(_YEAR_STARTS, np.asarray(days, dtype=np.int64), side="right") + 1900


_YEAR_STARTS = np.array([year_start(y) for y in range(1901, 2200)], dtype=np.int64)
