"""Code lists and small sampling helpers shared by the synthetic data generator's modules.

Codes are held as small integers indexing the tuples below (the SSDA903 and CIN census code
values, as declared in `frameworks/datasets/`), and written out through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from outcomespec.synthetic.reference import collection_year

IntArray = npt.NDArray[np.integer[Any]]
"""Integers of any width: days and indices are int32 or int64, codes int8."""
FloatArray = npt.NDArray[np.float64]
YEAR = 365.25

LS = ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3")
(C1, C2, D1, E1, V2, V3, V4, L1, L2, L3, J1, J2, J3) = range(len(LS))
RNE = ("S", "L", "P", "T", "B", "U")
(RNE_S, RNE_L, RNE_P, RNE_T, RNE_B, RNE_U) = range(len(RNE))
PLACE = ("A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3",
         "R5", "S1", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", "Z11", "Z12", "Z13", "Z14",
         "T0", "T1", "T2", "T3", "T4")
PLACE_FROM = {"K3": 2025, "Z11": 2026, "Z12": 2026, "Z13": 2026, "Z14": 2026}
PLACE_UNTIL = {"H5": 2025, "P2": 2025, "Z1": 2025}
REC = ("X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48",
       "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8")
(X1, E11, E12, E2, E3, E4A, E4B, E13, E41, E45, E46, E47, E48, E5, E6, E7, E9, E14, E15, E16,
 E17, E8) = range(len(REC))
NEED = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0")
PROVIDER = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")
REASON = ("CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ",
          "PLACE", "CUSTOD", "OTHER")
ETHNIC = ("WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
          "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
ETHNIC_P = (.64, .005, .05, .003, .01, .04, .015, .015, .035, .007, .013, .006, .024, .015,
            .035, .02, .002, .043, .005, .008)
ETHNIC_LONDON_P = (.30, .01, .10, .002, .01, .07, .03, .03, .06, .02, .03, .025, .05, .06,
                   .08, .05, .004, .06, .005, .004)
ETHNIC_UASC_P = (0, 0, .03, 0, 0, 0, 0, 0, 0, 0, 0, 0, .30, 0, .35, .02, 0, .30, 0, 0)
UN_CODES = ("UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7")

# Placement kinds: what the simulation decides; the code written depends on the date.
KINDS = ("U1", "U2", "U3", "U4", "U5", "U6", "K1", "K2", "SUP", "R1", "R2", "R3", "R5", "S1",
         "P3", "OTHER", "P1", "A3", "A4", "A5", "A6", "T0", "T1", "T2", "T3", "T4")
(U1, U2, U3, U4, U5, U6, K1, K2, SUP, R1, R2, R3, R5, S1, P3, OTHER, P1, A3, A4, A5,
 A6, T0, T1, T2, T3, T4) = range(len(KINDS))
FOSTER_KINDS = (U1, U2, U3, U4, U5, U6)
ADOPTION_KINDS = (A3, A4, A5, A6)
TEMPORARY_KINDS = (T0, T1, T2, T3, T4)
"""Temporary placements: any move, hospital, holiday, the foster carer's holiday, seven days
or less. No provider is recorded for them, nor for OTHER placements."""
PROVIDER_P = {  # kind -> probabilities of PR0..PR5
    U1: (0, .92, .03, 0, .05, 0), U2: (0, .92, .03, 0, .05, 0), U3: (0, .92, .03, 0, .05, 0),
    U4: (0, .55, .02, 0, .40, .03), U5: (0, .55, .02, 0, .40, .03),
    U6: (0, .55, .02, 0, .40, .03), K1: (0, .60, .30, 0, .10, 0), K2: (0, .14, 0, 0, .82, .04),
    SUP: (0, .20, 0, 0, .70, .10), R1: (0, 0, 0, .40, .60, 0), R2: (0, 0, 0, .90, .10, 0),
    R3: (0, .30, 0, 0, .60, .10), R5: (0, 0, 0, 1, 0, 0), S1: (0, 0, 0, 0, .70, .30),
    P3: (0, 0, 0, 0, 1, 0), OTHER: (1, 0, 0, 0, 0, 0), P1: (1, 0, 0, 0, 0, 0),
    A3: (0, .60, .20, 0, 0, .20), A4: (0, .60, .20, 0, 0, .20), A5: (0, .60, .20, 0, 0, .20),
    A6: (0, .60, .20, 0, 0, .20), **dict.fromkeys(TEMPORARY_KINDS, (1, 0, 0, 0, 0, 0))}
"""OTHER and temporary placements have no provider (blanked when written)."""


RESOLUTION = 1 << 16
"""Probabilities are drawn to the nearest 1/65,536: a table lookup per draw."""


def _lookup(probabilities: FloatArray) -> IntArray:
    cumulative = np.cumsum(np.asarray(probabilities, dtype=np.float64))
    bounds = np.rint(cumulative / cumulative[-1] * RESOLUTION).astype(np.int64)
    return np.repeat(np.arange(len(bounds)), np.diff(np.append(0, bounds)))


def categorical(rng: np.random.Generator, probabilities: Sequence[float], n: int) -> IntArray:
    """n draws from one discrete distribution (probabilities need not sum to 1)."""
    lookup = _lookup(np.asarray(probabilities, dtype=np.float64))
    return lookup[rng.integers(0, RESOLUTION, n, dtype=np.uint16)]


def categorical_rows(rng: np.random.Generator, table: FloatArray, rows: IntArray) -> IntArray:
    """One draw per element from the distribution in `table[rows[i]]`."""
    lookup = np.stack([_lookup(row) for row in np.asarray(table, dtype=np.float64)])
    return lookup[rows, rng.integers(0, RESOLUTION, len(rows), dtype=np.uint16)]


def order(*keys: IntArray) -> IntArray:
    """Indices sorting by the keys, the first most significant (keys are small non-negative
    integers; packed into one int64 key for one fast sort)."""
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    for values in keys:
        key = np.asarray(values, dtype=np.int64)
        low = int(key.min(initial=0))
        bits = max(int(key.max(initial=0) - low).bit_length(), 1)
        packed = (packed << bits) | (key - low)
    return np.argsort(packed, kind="stable")


def among(values: npt.NDArray[np.integer], codes: Sequence[int]) -> npt.NDArray[np.bool_]:
    """Whether each value (a code index, -1 for none) is one of `codes`: a table lookup."""
    table = np.zeros(max(codes) + 2, dtype=bool)
    table[np.asarray(codes) + 1] = True
    at = np.asarray(values, dtype=np.int64) + 1
    return np.asarray(table[np.clip(at, 0, len(table) - 1)] & (at < len(table)))


def members(indices: npt.NDArray[np.integer], n: int) -> IntArray:
    """The distinct values of `indices` (in 0..n-1), sorted: np.unique by a flag array."""
    flags = np.zeros(n, dtype=bool)
    flags[indices] = True
    return np.flatnonzero(flags)


def kind_table(rows: Sequence[dict[int, float]]) -> FloatArray:
    """A (rows × placement kinds) probability table from sparse rows."""
    table = np.zeros((len(rows), len(KINDS)))
    for i, row in enumerate(rows):
        for kind, p in row.items():
            table[i, kind] = p
    return table


def place_codes(kinds: IntArray, days: IntArray, u: FloatArray) -> IntArray:
    """The PLACE code of each placement kind on each day (codes valid in that year).

    Semi-independent and supported accommodation: H5 or P2 until 2023-24; K3 (new in
    2024-25) or still H5/P2 in 2024-25; only K3 from 2025-26. Other placements: Z1 until
    2024-25, Z11-Z14 from 2025-26. `u` (uniform, one per placement) picks among them.
    """
    year = collection_year(days)
    index = {code: i for i, code in enumerate(PLACE)}
    direct = np.array([index.get(kind, -1) for kind in KINDS])
    out = direct[kinds]
    sup = kinds == SUP
    choice_2024 = np.where(u < .75, index["H5"], index["P2"])
    choice_2025 = np.where(u < .75, index["K3"], np.where(u < .90, index["H5"], index["P2"]))
    out = np.where(sup, np.where(year <= 2024, choice_2024,
                                 np.where(year == 2025, choice_2025, index["K3"])), out)
    other = kinds == OTHER
    z_new = index["Z11"] + np.minimum((u * 4).astype(np.int64), 3)
    out = np.where(other, np.where(year <= 2025, index["Z1"], z_new), out)
    return out.astype(np.int64)


def place_valid(place: IntArray, year: IntArray) -> npt.NDArray[np.bool_]:
    """Whether each PLACE code is in the code list of the collection year."""
    first = np.array([PLACE_FROM.get(code, 0) for code in PLACE])
    last = np.array([PLACE_UNTIL.get(code, 9999) for code in PLACE])
    return np.asarray((year >= first[place]) & (year <= last[place]))
