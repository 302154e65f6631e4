"""The results table as published: its rows and columns, and what they hold.

`Results` holds the table column by column: what is published, one row per indicator ×
period × area × breakdown. How the figures are computed is `builder`'s job (which builds a
`Results` and imports this module, never the other way round); how the table is laid out for
each publisher is `layouts`', which its `to_…` methods call. This module changes only when
what is published changes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from attrs import Factory, field, frozen

from outcomespec.model.notes import Note, parse_note
from outcomespec.results.funnels import FunnelGroup
from outcomespec.results.judgement import Judgement
from outcomespec.results.layouts import (
    Destination,
    arrow_table,
    ees_csv,
    fingertips_csv,
    json_records,
    pandas_frame,
    plain_csv,
    write_parquet,
)
from outcomespec.results.pooling import ENGLAND_CODE
from outcomespec.results.trends import Trend

__all__ = ["COLUMNS", "COUNT_COLUMNS", "ENGLAND_CODE", "NUMBER_COLUMNS", "ROUNDED_COLUMNS",
           "SERIES_COLUMNS", "NoteCounts", "Results", "plain_values", "rounded", "whole_counts"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

COLUMNS: Final = (
    "framework", "indicator", "title", "period", "area_type", "area_code", "la_code",
    "area_name", "breakdown", "numerator", "denominator", "value", "unit", "lower_95",
    "upper_95", "lower_99_8", "upper_99_8", "suppressed", "note", "vs_england", "vs_region",
    "vs_neighbours", "region_code", "statistic", "polarity", "vs_target", "vs_population",
    "rank", "rank_of", "quartile", "trend",
)
"""The results table's columns, in order: DESIGN §4's, then the extra ones."""

SERIES_COLUMNS: Final = ("rank", "rank_of", "quartile", "trend")
"""The columns that place a value among the authorities' (`outcomespec.results.ranks`) and
in its own series (`outcomespec.results.trends`): blank unless filled."""

_TEXT: Final = frozenset({"framework", "indicator", "title", "area_type", "area_code",
                          "la_code", "area_name", "breakdown", "unit", "region_code", "statistic",
                          "polarity", "note"})
_JUDGED: Final = frozenset({"vs_england", "vs_region", "vs_neighbours", "vs_target",
                            "vs_population", "trend"})
NUMBER_COLUMNS: Final = frozenset(COLUMNS) - _TEXT - _JUDGED
"""The columns held as NumPy arrays (the others are tuples of text or judgements)."""
_WHOLE: Final = frozenset({"rank", "rank_of", "quartile"})
"""Number columns holding whole numbers, written without a point (`3`, never `3.0`)."""
COUNT_COLUMNS: Final = frozenset({"numerator", "denominator"})
"""The counts: whole numbers in every layout (never `81766.0`)."""
ROUNDED_COLUMNS: Final = ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8")
"""The columns the CSV, EES and Fingertips layouts print to the indicator's decimals."""


@frozen
class NoteCounts:
    """Rows of a results table with a value, and rows by note: blank or still a value.

    >>> NoteCounts(3, {Note.SUPPRESSED: 2}, {}).blank
    2
    """

    values: int
    blanks: Mapping[Note, int]
    qualified: Mapping[Note, int]

    @property
    def blank(self) -> int:
        """How many rows have no value."""
        return sum(self.blanks.values())


def _blank_numbers(results: Results) -> FloatArray:
    """A number column left blank in every row."""
    return np.full(len(results.area_code), np.nan)


def _not_assessed(results: Results) -> tuple[Trend, ...]:
    """A trend column claiming no trend in any row."""
    return (Trend.NOT_ASSESSED,) * len(results.area_code)


@frozen(eq=False)
class Results:
    """The results table, one row per indicator × period × area × breakdown, by column.

    Text and judgement columns are tuples, numbers NumPy arrays (NaN for a blank cell). The
    series columns (`rank`, `rank_of`, `quartile`, `trend`) are blank unless given.
    `region_names` (region code → name), `targeted` (the (framework, indicator) pairs that
    declare a target) and `decimals` ((framework, indicator) → the decimal places its values
    are published to) are not columns; the publishing layouts need them. Nor is `funnels`,
    the funnels units were judged by, which charts draw. Build it with
    `build_results`; every `to_…` method taking `path_or_buffer` returns the text when given
    None and otherwise writes it to the path or open text stream.

    >>> from outcomespec import model as m
    >>> from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
    >>> from outcomespec.results.builder import build_results
    >>> ind = m.Indicator(name="f.n", framework="f", section="s", title="Children",
    ...     kind=m.Kind.CONTEXT, statistic=m.Statistic.COUNT, unit=m.Unit("count", 1.0),
    ...     polarity=m.Polarity.NO_JUDGEMENT, confidence=m.ConfidenceMethod.NONE,
    ...     suppression=(1, 5))
    >>> frame = AreaFrame(("805", "806"), ("Hartlepool", "Middlesbrough"), [0, 0],
    ...                   ("E12000001",), ("North East",),
    ...                   aliases={"E06000001": 0, "E06000002": 1})
    >>> results = build_results([IndicatorTotals(ind, [3, 40], [None, None])], frame, 2025)
    >>> len(results), results.suppressed.tolist(), results.area_code[2:], results.la_code[2:]
    (4, [False, False, True, True], ('E06000001', 'E06000002'), ('805', '806'))
    >>> results.to_ees_csv().splitlines()[3].split(",")[-12:-4]  # a count has no denominator
    ['E06000001', '805', 'Hartlepool', 'n', 'Total', 'c', 'z', 'c']
    """

    framework: tuple[str, ...]
    indicator: tuple[str, ...]
    title: tuple[str, ...]
    period: IntArray
    area_type: tuple[str, ...]
    area_code: tuple[str, ...]
    la_code: tuple[str, ...]
    area_name: tuple[str, ...]
    breakdown: tuple[str, ...]
    numerator: FloatArray
    denominator: FloatArray
    value: FloatArray
    unit: tuple[str, ...]
    lower_95: FloatArray
    upper_95: FloatArray
    lower_99_8: FloatArray
    upper_99_8: FloatArray
    suppressed: BoolArray
    note: tuple[str, ...]
    vs_england: tuple[Judgement, ...]
    vs_region: tuple[Judgement, ...]
    vs_neighbours: tuple[Judgement, ...]
    region_code: tuple[str, ...]
    statistic: tuple[str, ...]
    polarity: tuple[str, ...]
    vs_target: tuple[Judgement, ...]
    vs_population: tuple[Judgement, ...]
    rank: FloatArray = field(kw_only=True, default=Factory(_blank_numbers, takes_self=True))
    rank_of: FloatArray = field(kw_only=True, default=Factory(_blank_numbers, takes_self=True))
    quartile: FloatArray = field(kw_only=True, default=Factory(_blank_numbers, takes_self=True))
    trend: tuple[Trend, ...] = field(kw_only=True,
                                     default=Factory(_not_assessed, takes_self=True))
    region_names: tuple[tuple[str, str], ...] = field(default=(), kw_only=True)
    targeted: frozenset[tuple[str, str]] = field(default=frozenset(), kw_only=True)
    decimals: tuple[tuple[tuple[str, str], int], ...] = field(default=(), kw_only=True)
    funnels: tuple[FunnelGroup, ...] = field(default=(), kw_only=True)
    """The funnel of every group units were judged against by funnel limits (for the
    charts: `outcomespec.results.peers`)."""

    def __len__(self) -> int:
        return len(self.area_code)

    @classmethod
    def concatenate(cls, parts: Sequence[Results]) -> Results:
        """One table holding the rows of several (e.g. one per framework), in order."""
        columns: dict[str, Any] = {}
        for name in COLUMNS:
            values = [getattr(part, name) for part in parts]
            columns[name] = (np.concatenate(values) if name in NUMBER_COLUMNS
                             else tuple(v for column in values for v in column))
        names = dict(pair for part in parts for pair in part.region_names)
        decimals = dict(pair for part in parts for pair in part.decimals)
        return cls(**columns, region_names=tuple(names.items()),
                   targeted=frozenset().union(*(part.targeted for part in parts)),
                   decimals=tuple(decimals.items()),
                   funnels=tuple(f for part in parts for f in part.funnels))

    def note_counts(self) -> NoteCounts:
        """How many values the table publishes, and its blanks and qualified values by note.

        Why: a table of blanks must not pass for a result; the CLI and API decide what to
        report, and their exit status, from these counts.
        """
        blanks: dict[Note, int] = {}
        qualified: dict[Note, int] = {}
        for value, text in zip(self.value.tolist(), self.note, strict=True):
            note = parse_note(text)
            blank = math.isnan(value)
            if note is not None:
                found = blanks if blank else qualified
                found[note[0]] = found.get(note[0], 0) + 1
        values = int(np.count_nonzero(~np.isnan(self.value)))
        return NoteCounts(values, blanks, qualified)

    def column(self, name: str) -> Any:
        """One column by name, as stored."""
        if name not in COLUMNS:
            msg = f"no column {name!r} in the results table"
            raise KeyError(msg)
        return getattr(self, name)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each row as a dict of plain Python values at full precision: a blank number is
        None, a count an int."""
        plain = {name: plain_values(name, self.column(name)) for name in COLUMNS}
        for i in range(len(self)):
            yield {name: values[i] for name, values in plain.items()}

    def printed_rows(self) -> Iterator[dict[str, Any]]:
        """Each row as publishers print it: its value and limits rounded (half away from
        zero) to its indicator's decimals, as text (`rounded`); the rest as in `rows`."""
        places = dict(self.decimals)
        for row in self.rows():
            digits = places.get((row["framework"], row["indicator"]))
            if digits is not None:
                row.update({name: None if row[name] is None else rounded(row[name], digits)
                            for name in ROUNDED_COLUMNS})
            yield row

    def to_csv(self, path_or_buffer: Destination = None) -> str | None:
        """Write the table as CSV (blank cell for a missing number), values and limits to
        each indicator's decimals, counts whole; the text if no target."""
        return plain_csv(COLUMNS, self.printed_rows(), path_or_buffer)

    def to_json(self, path_or_buffer: Destination = None) -> str | None:
        """Write the table as a JSON array of records, one per line, at full precision
        (counts whole numbers); the text if no target."""
        return json_records(self.rows(), path_or_buffer)

    def to_pandas(self) -> Any:
        """The table as a `pandas.DataFrame` (needs pandas)."""
        return pandas_frame(self._typed_columns())

    def to_arrow(self) -> Any:
        """The table as a `pyarrow.Table`, missing numbers as nulls (needs pyarrow)."""
        return arrow_table(self._typed_columns())

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the table as a Parquet file (needs pyarrow)."""
        write_parquet(self.to_arrow(), path)

    def to_fingertips_csv(self, path_or_buffer: Destination = None) -> str | None:
        """Write the OHID Fingertips export layout (`Compared to England value …`), areas by
        their ONS codes, values and limits to each indicator's decimals."""
        return fingertips_csv(self.printed_rows(), dict(self.region_names), self.targeted,
                              path_or_buffer)

    def to_ees_csv(self, path_or_buffer: Destination = None) -> str | None:
        """Write DfE's explore-education-statistics tidy layout, a blank cell as DfE's symbol.

        A blank takes the symbol of its row's note (`c` suppressed, `k`, `u`, `x` not
        available, `z` not applicable: see `outcomespec.model.notes.NOTES`); a count or mean has no
        denominator (`z`). Authorities are named by both codes (`new_la_code`, `old_la_code`);
        values are printed to each indicator's decimals.
        """
        return ees_csv(self.printed_rows(), dict(self.region_names), path_or_buffer)

    def _typed_columns(self) -> dict[str, Any]:
        """Every column for a typed table: numbers as their arrays (counts as whole numbers,
        `whole_counts`), the rest as text."""
        return {name: (whole_counts(self.column(name)) if name in COUNT_COLUMNS
                       else self.column(name)) if name in NUMBER_COLUMNS
                else plain_values(name, self.column(name)) for name in COLUMNS}


def whole_counts(values: FloatArray) -> Any:
    """A count column as whole numbers: a masked int64 array (blank where NaN) when every
    count is whole, as counts are; the floats as they are otherwise (a sum of a column of
    fractions, which no rounding may hide).

    >>> whole_counts(np.array([81766.0, np.nan])).tolist(), whole_counts(np.array([0.5])).dtype
    ([81766, None], dtype('float64'))
    """
    known = values[~np.isnan(values)]
    if not np.array_equal(known, np.round(known)) or (np.abs(known) >= 2**53).any():
        return values
    return np.ma.masked_array(np.where(np.isnan(values), 0, values).astype(np.int64),
                              mask=np.isnan(values))


def rounded(value: float, places: int) -> str:
    """`value` to `places` decimal places, half away from zero, as publishers print it.

    Why decimal arithmetic: the float 2.675 is a hair below 2.675, and 0.125 must print as
    0.13, as DfE and Fingertips round what they print (R's `round_half_up`).

    >>> rounded(10.395, 0), rounded(0.125, 2), rounded(2.675, 2), rounded(-0.04, 1)
    ('10', '0.13', '2.68', '0.0')
    """
    text = str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places),
                                             rounding=ROUND_HALF_UP))
    return text.removeprefix("-") if Decimal(text) == 0 else text


def plain_values(name: str, values: Any) -> list[Any]:
    """A column as plain Python values: str for text and judgements, None for NaN, a count
    as an int when whole.

    >>> plain_values("value", np.array([1.5, np.nan])), plain_values("vs_region", (
    ...     Judgement.BETTER,)), plain_values("numerator", np.array([81766.0, np.nan]))
    ([1.5, None], ['better'], [81766, None])
    """
    if name in _JUDGED:
        return [v.value for v in values]
    if name in _TEXT:
        return list(values)
    listed: list[Any] = np.asarray(values).tolist()
    if name in _WHOLE:
        return [None if math.isnan(v) else int(v) for v in listed]
    if np.asarray(values).dtype.kind == "f":
        whole = name in COUNT_COLUMNS
        return [None if math.isnan(v) else int(v) if whole and v.is_integer() and abs(v) < 2**53
                else v for v in listed]
    return listed
