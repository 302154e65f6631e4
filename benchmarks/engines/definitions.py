"""The National Framework's definitions written out by hand, for the hand-written engines.

Everything here is copied from `frameworks/csc_national_framework.ospec` and the dataset
libraries it imports (`frameworks/datasets/`) by reading them, not by loading them: the
engines must not depend on outcomespec, so that agreeing with it means something. Each
engine (pandas, polars, DuckDB) turns these constants into its own operations; the shared
statistics and publication rules are in `publication`.

>>> period = Period.ending(2025)
>>> period.start, period.end, period.end_minus_2y, period.end_minus_2y6m
(datetime.date(2024, 4, 1), datetime.date(2025, 3, 31), datetime.date(2023, 3, 31), \
datetime.date(2022, 9, 30))
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

ENGLAND_CODE: Final = "E92000001"
SUPPRESS: Final = (1, 5)
"""`suppress counts 1..5`: a numerator or denominator in this range is not published."""
ROUND_TO: Final = 10
"""`round england, region to nearest 10`: published national and regional counts."""
LEVELS: Final = (0.95, 0.998)
JUDGING_LEVEL: Final = 0.95

# ------------------------------------------------------------------ code groups (ssda903)
SHORT_BREAKS: Final = ("V3", "V4")
PLACEMENT_CHANGE: Final = ("S", "P", "T", "B", "U")
NEW_CARER: Final = ("S", "P", "B")
TEMPORARY: Final = ("T0", "T1", "T2", "T3", "T4")
"""Temporary placements. Neither they nor the returns from them start a placement or a time
with new carers: a return is the episode right after a temporary placement (the latest
earlier episode of the child) whose PLACE is that of the latest earlier non-temporary episode,
or there is no such episode or its PLACE is missing (`returns_from_temporary_placement`)."""
LEFT_CARE: Final = ("E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46",
                    "E47", "E48", "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8")
SPECIAL_GUARDIANSHIP: Final = ("E45", "E46", "E47", "E48")
CHILD_ARRANGEMENTS: Final = ("E41",)
FOSTER: Final = ("U1", "U2", "U3", "U4", "U5", "U6")
SECURE_AND_CHILDRENS_HOMES: Final = ("K1", "K2")
INDEPENDENT_AND_SUPPORTED: Final = ("H5", "P2", "K3")
EXCLUDED_CARE_LEAVERS: Final = ("DIED", "RHOM")
EET: Final = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
SUITABLE: Final = ("B1", "C1", "D1", "E1", "G1", "H1", "K1", "R1", "S1", "T1", "U1", "V1",
                   "W1", "X1", "Y1", "Z1")
SUITABILITY_NOT_KNOWN: Final = ("G1", "G2", "H1", "H2", "R1", "R2")
"""Left out of the suitable-accommodation base (`suitability_known`)."""
SEX_CODES: Final = ("1", "2", "M", "F", "U")
"""The SSDA903 sex codelist, in its order: the breakdown of placements_3plus has one
category per code that appears anywhere in the header table."""
TRUE_WORDS: Final = ("1", "true", "yes", "y")
FALSE_WORDS: Final = ("0", "false", "no", "n")
"""Boolean cells as outcomespec reads them (case-insensitive)."""
POPULATION_MISSING: Final = ("c", "k", "u", "x", "z", ":")
"""Missing-value symbols of the ONS population table."""
FAR_MILES: Final = 20.0
UNKNOWN_DISTANCE: Final = 999.9
COMPULSORY_SCHOOL_AGE: Final = tuple(str(year) for year in range(1, 12))
"""National curriculum years 1 to 11 (school_census `compulsory_school_age`)."""
YEAR_11: Final = ("11",)


# ------------------------------------------------------------------ columns read
TEXT, DATE, NUMBER, BOOLEAN = "text", "date", "number", "boolean"
COLUMNS: Final[dict[str, dict[str, str]]] = {
    "header": {"LA": TEXT, "CHILD": TEXT, "SEX": TEXT, "DOB": DATE, "UPN": TEXT},
    "episodes": {"LA": TEXT, "CHILD": TEXT, "DECOM": DATE, "RNE": TEXT, "LS": TEXT,
                 "PLACE": TEXT, "DEC": DATE, "REC": TEXT, "PL_DISTANCE": NUMBER},
    "uasc": {"LA": TEXT, "CHILD": TEXT, "DUC": DATE},
    "oc2": {"LA": TEXT, "CHILD": TEXT, "DOB": DATE, "SDQ_SCORE": NUMBER},
    "oc3": {"LA": TEXT, "CHILD": TEXT, "DOB": DATE, "IN_TOUCH": TEXT, "ACTIV": TEXT,
            "ACCOM": TEXT},
    "child_identifiers": {"LA": TEXT, "LAchildID": TEXT},
    "cin_details": {"LA": TEXT, "LAchildID": TEXT, "CINreferralDate": DATE,
                    "CINclosureDate": DATE, "ReferralNFA": BOOLEAN},
    "child_protection_plans": {"LA": TEXT, "CPPstartDate": DATE, "CPPendDate": DATE,
                               "NumberOfPreviousCPP": NUMBER},
    "ons_population": {"time_period": NUMBER, "old_la_code": TEXT,
                       "population_estimate": NUMBER},
    "local_authorities": {"old_la_code": TEXT, "la_name": TEXT, "region_code": TEXT,
                          "region_name": TEXT},
    "statistical_neighbours_2025": {"old_la_code": TEXT,
                                    **{f"SN_{k}": TEXT for k in range(1, 11)}},
    "pupils": {"LA": TEXT, "UPN": TEXT, "NCyearActual": TEXT, "SessionsPossible": NUMBER,
               "OverallAbsence": NUMBER, "Attainment8": NUMBER, "sampled": BOOLEAN},
}
"""Dataset → the columns the framework uses and their types. Engines read only these (a
hand-written script reads what it needs), and only those a file has."""
NEIGHBOUR_COLUMNS: Final = tuple(f"SN_{k}" for k in range(1, 11))
OPTIONAL: Final = frozenset({"pupils"})
"""Datasets read only when their file is there: the school census is the large case's
general population, written by `generate(..., pupils=…)` only."""


def datasets_in(directory: Path) -> tuple[str, ...]:
    """The datasets to read from `directory`: every required one, and the optional ones whose
    file is there."""
    return tuple(name for name in COLUMNS
                 if name not in OPTIONAL or (directory / f"{name}.csv").exists())


def columns_in(path: Path, dataset: str) -> dict[str, str]:
    """The dataset's columns that the CSV file at `path` has (name → type), in file order."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        header = [name.strip() for name in next(csv.reader(f))]
    wanted = COLUMNS[dataset]
    return {name: wanted[name] for name in header if name in wanted}


def data_rows(directory: Path) -> dict[str, int]:
    """Data rows of each CSV file the framework reads (lines after the header)."""
    counts = {}
    for name in datasets_in(directory):
        with (directory / f"{name}.csv").open("rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda f=f: f.read(1 << 22), b""))
        counts[name] = max(lines - 1, 0)
    return counts


# ------------------------------------------------------------------ periods and dates
def shift_months(date: dt.date, months: int) -> dt.date:
    """`date` moved by whole calendar months, the day clipped to the month's length.

    >>> shift_months(dt.date(2025, 3, 31), -30), shift_months(dt.date(2024, 2, 29), -12)
    (datetime.date(2022, 9, 30), datetime.date(2023, 2, 28))
    """
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(date.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Period:
    """The reporting year ending 31 March `year`, and the dates the definitions compare with."""

    year: int
    start: dt.date
    end: dt.date
    end_minus_2y: dt.date
    end_minus_2y6m: dt.date

    @classmethod
    def ending(cls, year: int) -> Period:
        """The year from 1 April `year - 1` to 31 March `year`."""
        end = dt.date(year, 3, 31)
        return cls(year, dt.date(year - 1, 4, 1), end, shift_months(end, -24),
                   shift_months(end, -30))

    @property
    def population_year(self) -> int:
        """`ons_population for period - 1`: rates divide by the ONS estimate for
        mid-(year - 1)."""
        return self.year - 1


# ------------------------------------------------------------------ indicators
PROPORTION, RATE, MEAN = "proportion", "rate", "mean"
WILSON, BYARS, STUDENT_T = "wilson", "byars", "student_t"
HIGHER, LOWER, NO_JUDGEMENT = "higher_is_better", "lower_is_better", "no_judgement"
ALL_THREE: Final = ("england", "region", "neighbours")


@dataclass(frozen=True)
class Indicator:
    """What the publication rules need to know about one indicator."""

    id: str
    statistic: str
    multiplier: float
    polarity: str
    comparators: tuple[str, ...] = ALL_THREE
    population: str | None = None
    """`compare population X`: the indicator whose England value is the comparator."""

    @property
    def method(self) -> str:
        """The confidence method the framework declares for it."""
        return {PROPORTION: WILSON, RATE: BYARS, MEAN: STUDENT_T}[self.statistic]


INDICATORS: Final = (
    Indicator("cin_rate_per_10k", RATE, 10_000.0, NO_JUDGEMENT),
    Indicator("rereferrals_12m", PROPORTION, 100.0, LOWER),
    Indicator("cla_started_rate_per_10k", RATE, 10_000.0, NO_JUDGEMENT),
    Indicator("cla_rate_per_10k", RATE, 10_000.0, NO_JUDGEMENT),
    Indicator("uasc_rate_per_10k", RATE, 10_000.0, NO_JUDGEMENT, ("england", "region")),
    Indicator("ceased_sgo", PROPORTION, 100.0, HIGHER),
    Indicator("ceased_cao", PROPORTION, 100.0, HIGHER),
    Indicator("cpp_second_or_subsequent", PROPORTION, 100.0, LOWER),
    Indicator("cpp_2_years_plus", PROPORTION, 100.0, LOWER),
    Indicator("placements_3plus", PROPORTION, 100.0, LOWER),
    Indicator("long_term_stability", PROPORTION, 100.0, HIGHER),
    Indicator("placed_20_miles", PROPORTION, 100.0, LOWER),
    Indicator("foster_care", PROPORTION, 100.0, HIGHER),
    Indicator("secure_and_childrens_homes", PROPORTION, 100.0, NO_JUDGEMENT),
    Indicator("independent_and_supported", PROPORTION, 100.0, NO_JUDGEMENT),
    Indicator("sdq_mean", MEAN, 1.0, LOWER),
    Indicator("care_leavers_17_18_eet", PROPORTION, 100.0, HIGHER),
    Indicator("care_leavers_19_21_eet", PROPORTION, 100.0, HIGHER),
    Indicator("care_leavers_17_18_suitable", PROPORTION, 100.0, HIGHER),
    Indicator("care_leavers_19_21_suitable", PROPORTION, 100.0, HIGHER),
)
"""The indicators the synthetic data can evaluate, in the framework's order. The others
(injury admissions, adoption matching, spending, workforce) need datasets the generator
does not write."""
PUPIL_INDICATORS: Final = (
    Indicator("all_pupils_persistent_absence", PROPORTION, 100.0, NO_JUDGEMENT,
              ("england", "region")),
    Indicator("cla_persistent_absence", PROPORTION, 100.0, LOWER,
              ("population", *ALL_THREE), "all_pupils_persistent_absence"),
    Indicator("all_pupils_attainment8", MEAN, 1.0, NO_JUDGEMENT, ("england", "region")),
    Indicator("cla_attainment8", MEAN, 1.0, HIGHER, ("population", "england", "region"),
              "all_pupils_attainment8"),
)
"""The general-population comparator, from `frameworks/shared_outcomes.ospec`: children
looked after for 12 months (found among the pupils by their UPN) against all pupils, on
persistent absence and Attainment 8. Evaluated when the school census (`pupils.csv`) is
there."""
BY_ID: Final = {indicator.id: indicator for indicator in (*INDICATORS, *PUPIL_INDICATORS)}
SEX_BREAKDOWN: Final = "placements_3plus"
"""The one indicator with a breakdown (`breakdown by SEX`)."""


# ------------------------------------------------------------------ what engines hand over
FIELDS: Final = ("numerator", "denominator", "value", "lower_95", "upper_95", "lower_99_8",
                 "upper_99_8", "suppressed", "vs_england", "vs_region", "vs_neighbours",
                 "vs_population")
"""A published row: the results table's columns that the engines are compared on."""
Key = tuple[str, str, str]
"""(indicator, breakdown, area code)."""
Published = dict[Key, tuple[Any, ...]]

@dataclass(frozen=True)
class Geography:
    """Local authorities (in the file's order), their regions (sorted) and neighbours."""

    la_codes: tuple[str, ...]
    region_of: tuple[str, ...]
    """The region code of each LA."""
    neighbours: tuple[tuple[str, ...], ...]
    """Each LA's statistical neighbours that are LAs of this geography."""

    @property
    def region_codes(self) -> tuple[str, ...]:
        """The regions, sorted by code (the order pooled region cells come in)."""
        return tuple(sorted(set(self.region_of)))

    @property
    def cell_codes(self) -> tuple[str, ...]:
        """The area code of every cell: the LAs, then the regions, then England."""
        return (*self.la_codes, *self.region_codes, ENGLAND_CODE)


@dataclass(frozen=True)
class CellCounts:
    """One indicator (one breakdown category) over every cell of a `Geography`.

    `numerator` and `denominator` are pooled counts (a region's is the sum of its LAs',
    England's of every LA's); for a mean, `numerator` is the number of values and `total` and
    `total_sq` the sum of the values and of their squares, pooled the same way.
    """

    indicator: str
    breakdown: str
    numerator: FloatArray
    denominator: FloatArray
    total: FloatArray | None = None
    total_sq: FloatArray | None = None


def geography_from(la_codes: list[str], region_of: list[str],
                   neighbour_rows: dict[str, list[str | None]]) -> Geography:
    """A `Geography` from the local authority table and the neighbour table's rows
    (LA → its SN_1 .. SN_10, None where blank); neighbours that are not LAs are dropped."""
    known = set(la_codes)
    neighbours = tuple(tuple(code for code in neighbour_rows.get(la, []) if code in known)
                       for la in la_codes)
    return Geography(tuple(la_codes), tuple(region_of), neighbours)


def cell_counts(pooled: dict[str, FloatArray]) -> list[CellCounts]:
    """`CellCounts` from pooled columns named `<indicator>|<breakdown>|<part>` (part: num,
    den, total, total_sq) and `population` (the denominator of every rate)."""
    parts = {tuple(name.split("|")) for name in pooled if name.count("|") == 2}
    out = []
    for indicator, breakdown in sorted({(i, b) for i, b, _ in parts}):
        def part(name: str, key: tuple[str, str] = (indicator, breakdown)) -> FloatArray | None:
            found = pooled.get(f"{key[0]}|{key[1]}|{name}")
            return None if found is None else np.asarray(found, dtype=np.float64)
        den = pooled["population"] if BY_ID[indicator].statistic == RATE else part("den")
        num = part("num")
        assert num is not None
        out.append(CellCounts(indicator, breakdown, num,
                              np.full(num.size, np.nan) if den is None else np.asarray(den),
                              part("total"), part("total_sq")))
    return out
