"""Areas and per-area totals: the hand-over from evaluation to results.

Evaluation reduces records to units and units to local authorities; everything after that
(pooling into regions and England, statistics, comparators, judgements, suppression,
publishing layouts) works on these values alone, so it can be tested without any records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from attrs import NOTHING, field, frozen

from outcomespec import model as m
from outcomespec.loading.identifiers import normal_code
from outcomespec.loading.tables import AreaCodes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]

ENGLAND_CODE: Final = "E92000001"
"""England's ONS code, as every published table names it."""

ONS_REGION: Final = re.compile(r"E1[23]\d{6}")
"""The ONS codes of England's regions (E12…) and of London's two halves (E13…)."""


def _array(kind: Any, default: Any = NOTHING) -> Any:
    return field(default=default, converter=lambda values: np.asarray(values, dtype=kind),
                 eq=False)


@frozen
class Authority:
    """A local authority as a geography declares it, with the reporting years it existed
    (None: no limit declared)."""

    code: str
    name: str
    alternative_codes: tuple[str, ...] = ()
    valid_from: int | None = None
    valid_until: int | None = None

    def exists_in(self, period: int) -> bool:
        """Whether the authority existed in the reporting year ending in `period`.

        >>> Authority("909", "Cumbria", valid_until=2023).exists_in(2024)
        False
        """
        return ((self.valid_from is None or self.valid_from <= period)
                and (self.valid_until is None or period <= self.valid_until))

    def lifetime(self) -> str:
        """The years it existed, in words.

        >>> Authority("940", "North Northamptonshire", valid_from=2022).lifetime()
        'from 2022'
        """
        if self.valid_from is not None and self.valid_until is not None:
            return f"from {self.valid_from} to {self.valid_until}"
        if self.valid_until is not None:
            return f"until {self.valid_until}"
        return f"from {self.valid_from}" if self.valid_from is not None else "in every year"


@frozen
class Peers:
    """A peer grouping of units of comparison (providers of the same type): the group of
    each unit (`of`, -1 for none), and each group's code and name.

    >>> Peers("provider_type", [0, 1, 0], ("CH", "IFA"), ("Children's home", "Fostering agency")
    ...       ).sizes().tolist()
    [2, 1]
    """

    name: str
    of: IntArray = _array(np.int64)
    codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def sizes(self) -> IntArray:
        """How many units each group holds."""
        of = np.asarray(self.of)
        return np.bincount(of[of >= 0], minlength=len(self.codes)).astype(np.int64)


@frozen
class AreaFrame:
    """The local authorities evaluated, their regions and their comparator sets — or, for an
    indicator comparing units other than areas, those units (`level` says what they are: a
    `provider`), their regions and their peer groups.

    `neighbours[name]` is an (n_las × k) matrix of LA indices, -1 where a neighbour is absent.
    Without a declared geography, every area value seen in the data is an LA, there are no
    regions and no neighbours. With one, the frame holds the authorities that existed in the
    period; `aliases` are the other codes that name them (ONS codes beside DfE's, say) and
    `absent` the codes of the geography's authorities that did not exist in the period.
    Units of comparison have `peers` instead of neighbours: groupings of units, each unit
    in one group of each (`outcomespec.evaluation.units`).
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    region_of: IntArray = _array(np.int64)
    region_codes: tuple[str, ...] = ()
    region_names: tuple[str, ...] = ()
    neighbours: dict[str, IntArray] = field(factory=dict, eq=False)
    aliases: Mapping[str, int] = field(factory=dict, eq=False, repr=False)
    absent: Mapping[str, Authority] = field(factory=dict, eq=False, repr=False)
    geography: str | None = None
    """The geography the authorities come from (None: from the data)."""
    period: int | None = None
    """The reporting year whose authorities these are (None: every year's)."""
    level: str = "local_authority"
    """What one of `codes` is: a local authority, or a unit of comparison (`provider`)."""
    peers: Mapping[str, Peers] = field(factory=dict, eq=False)
    """The peer groupings of units of comparison, by name (none for areas)."""
    _lookup: Mapping[str, int] = field(init=False, eq=False, repr=False)

    @_lookup.default
    def _every_code(self) -> Mapping[str, int]:
        return {**self.aliases, **{code: i for i, code in enumerate(self.codes)}}

    @property
    def n_areas(self) -> int:
        """How many local authorities there are."""
        return len(self.codes)

    def match(self, text: str) -> tuple[int, bool] | None:
        """The position of the authority `text` names, and whether only after `normal_code`
        (None when it names none: another code, or an authority absent in the period).

        >>> frame = AreaFrame(("202",), ("Camden",), [-1], aliases={"E09000007": 0})
        >>> frame.match("E09000007"), frame.match("0202"), frame.match("999")
        ((0, False), (0, True), None)
        """
        found = self._lookup.get(text)
        if found is not None:
            return found, False
        found = self._lookup.get(normal_code(text))
        return None if found is None else (found, True)

    def position(self, text: str | None) -> int | None:
        """The position of the authority `text` names (None if it names none)."""
        found = None if text is None else self.match(text)
        return None if found is None else found[0]

    def positions(self, texts: Iterable[str]) -> IntArray:
        """The position of the authority each text names, -1 where it names none."""
        return np.array([-1 if (found := self.position(text)) is None else found
                         for text in texts], dtype=np.int64)

    def recognise(self, text: str) -> bool | None:
        """Whether `text` names an authority of the geography (of the period or not) only
        once normalised (True), as written (False), or not at all (None).

        >>> frame = AreaFrame(("942",), ("Cumberland",), [-1],
        ...                   absent={"909": Authority("909", "Cumbria", valid_until=2023)})
        >>> frame.recognise("942"), frame.recognise("0909"), frame.recognise("999")
        (False, True, None)
        """
        if text in self._lookup or text in self.absent:
            return False
        normal = normal_code(text)
        return True if normal in self._lookup or normal in self.absent else None

    def same_areas(self, areas: AreaCodes) -> AreaCodes | None:
        """`areas` coded by the authority each text names (texts that name none keep codes
        of their own), when some authority is written two ways in them (`202` and `0202`,
        or `E09000007`); None when each is written one way, as the texts then code the
        authorities already. Rows of one child relate within one authority."""
        positions = self.positions(areas.texts)
        placed = positions[positions >= 0]
        if len(np.unique(placed)) == len(placed):
            return None
        ids = np.where(positions >= 0, positions, self.n_areas + np.arange(len(positions)))
        return AreaCodes({name: ids[codes] for name, codes in areas.codes.items()},
                         (*self.codes, *areas.texts))

    def names_upper_area(self, text: str) -> bool:
        """Whether `text` names England or a region, not an authority: a published table's
        rows above the authorities (a Fingertips export's, say).

        >>> frame = AreaFrame(("805",), ("Hartlepool",), [0], ("E12000001",), ("North East",))
        >>> [frame.names_upper_area(t) for t in ("E92000001", "E12000007", "805")]
        [True, True, False]
        """
        text = text.strip()
        return (text == ENGLAND_CODE or text in self.region_codes
                or ONS_REGION.fullmatch(text) is not None)

    def absent_authority(self, text: str) -> Authority | None:
        """The geography's authority that `text` names when it did not exist in the period."""
        return self.absent.get(text) or self.absent.get(normal_code(text))


@frozen
class IndicatorTotals:
    """One indicator (one breakdown category) reduced to local authorities.

    For proportions, rates, counts and ratios: `numerator` and `denominator` per LA (NaN
    where the indicator has none, e.g. a count's denominator). For means and medians: the
    unit-level measure values with the LA index of each (`values`, `value_areas`), so that
    regions and England can be pooled exactly; `numerator` holds the per-LA number of values.
    A NaN count means the count is not known (e.g. published as suppressed, `c`); its
    `outcomespec.model.notes.Marker` in `numerator_markers` or `denominator_markers` says why (one
    per LA, 0 where the count is known; empty when no count is unknown).
    """

    indicator: m.Indicator
    numerator: FloatArray = _array(np.float64)
    denominator: FloatArray = _array(np.float64)
    values: FloatArray | None = field(default=None, eq=False)
    value_areas: IntArray | None = field(default=None, eq=False)
    breakdown: str = ""
    numerator_markers: Int8Array = _array(np.int8, ())
    denominator_markers: Int8Array = _array(np.int8, ())

    def markers(self, n_areas: int) -> tuple[Int8Array, Int8Array]:
        """The numerator's and denominator's markers, one per LA (0 where none is given)."""
        def full(markers: Int8Array) -> Int8Array:
            return markers if markers.size else np.zeros(n_areas, dtype=np.int8)

        return full(self.numerator_markers), full(self.denominator_markers)


@frozen(kw_only=True)
class Published:
    """One indicator's publication read for every area: its value, counts and limits per
    *cell* — the local authorities of the frame, then its regions, then England (the order
    the results stage pools them in).

    NaN where the publication gives nothing; `found[i]` says whether it has a row for cell
    `i` at all, and `markers[i]` why a row's value is missing (the published symbol: `c`,
    `x`, …; `outcomespec.model.notes.Marker`). `source` is where the table was read from;
    `supplied` is False when it was not given (every cell blank).
    """

    indicator: m.Indicator
    value: FloatArray = _array(np.float64)
    numerator: FloatArray = _array(np.float64)
    denominator: FloatArray = _array(np.float64)
    found: npt.NDArray[np.bool_] = _array(np.bool_)
    markers: Int8Array = _array(np.int8)
    source: str
    limits: tuple[tuple[float, FloatArray, FloatArray], ...] = field(default=(), eq=False)
    supplied: bool = True

    @classmethod
    def missing(cls, indicator: m.Indicator, n_cells: int, source: str) -> Published:
        """The publication of a table that was not supplied: nothing for any cell."""
        nothing = np.full(n_cells, np.nan)
        return cls(indicator=indicator, value=nothing, numerator=nothing, denominator=nothing,
                   found=np.zeros(n_cells, dtype=bool), markers=np.zeros(n_cells, dtype=np.int8),
                   source=source, supplied=False)

