"""The results table as published: its columns, and the layouts it is written in.

`Results` holds the table column by column; its `to_…` methods write the plain CSV and JSON
layouts, pandas and Arrow tables, Parquet, and the OHID Fingertips and DfE
explore-education-statistics layouts. How the figures are computed is `builder`'s job (which
builds a `Results` and imports this module, never the other way round); this one
changes only when what is published, or how it is laid out, changes. pandas and pyarrow stay
optional, imported only by the methods that need them.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Final

import numpy as np
import numpy.typing as npt
from attrs import field, frozen

from outcomespec import model as m
from outcomespec.model.notes import Note, parse_note
from outcomespec.results.judgement import Judgement
from outcomespec.results.pooling import ENGLAND_CODE, WITHOUT_DENOMINATOR

__all__ = ["COLUMNS", "ENGLAND_CODE", "NUMBER_COLUMNS", "WITHOUT_DENOMINATOR", "Destination",
           "NoteCounts", "Results", "plain_values"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Destination = str | os.PathLike[str] | IO[str] | None

COLUMNS: Final = (
    "framework", "indicator", "title", "period", "area_type", "area_code", "area_name",
    "breakdown", "numerator", "denominator", "value", "unit", "lower_95", "upper_95",
    "lower_99_8", "upper_99_8", "suppressed", "note", "vs_england", "vs_region", "vs_neighbours",
    "region_code", "statistic", "polarity", "vs_target", "vs_population",
)
"""The results table's columns, in order: DESIGN §4's, then the extra ones."""

_TEXT: Final = frozenset({"framework", "indicator", "title", "area_type", "area_code",
                          "area_name", "breakdown", "unit", "region_code", "statistic",
                          "polarity", "note"})
_JUDGED: Final = frozenset({"vs_england", "vs_region", "vs_neighbours", "vs_target",
                            "vs_population"})
NUMBER_COLUMNS: Final = frozenset(COLUMNS) - _TEXT - _JUDGED
"""The columns held as NumPy arrays (the others are tuples of text or judgements)."""


_FINGERTIPS_AREA_TYPE: Final = {m.AreaLevel.ENGLAND: "England", m.AreaLevel.REGION: "Region",
                                m.AreaLevel.LOCAL_AUTHORITY: "Upper tier local authorities"}
_EES_LEVEL: Final = {m.AreaLevel.ENGLAND: "National", m.AreaLevel.REGION: "Regional",
                     m.AreaLevel.LOCAL_AUTHORITY: "Local authority"}
_NEW_CODE: Final = re.compile(r"[EW]\d{8}")


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


@frozen(eq=False)
class Results:
    """The results table, one row per indicator × period × area × breakdown, by column.

    Text and judgement columns are tuples, numbers NumPy arrays (NaN for a blank cell).
    `region_names` (region code → name) and `targeted` (the (framework, indicator) pairs that
    declare a target) are not columns; the publishing layouts need them. Build it with
    `build_results`; every `to_…` method taking `path_or_buffer` returns the text when given
    None and otherwise writes it to the path or open text stream.

    >>> from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
    >>> from outcomespec.results.builder import build_results
    >>> ind = m.Indicator(name="f.n", framework="f", section="s", title="Children",
    ...     kind=m.Kind.CONTEXT, statistic=m.Statistic.COUNT, unit=m.Unit("count", 1.0),
    ...     polarity=m.Polarity.NO_JUDGEMENT, confidence=m.ConfidenceMethod.NONE,
    ...     suppression=(1, 5))
    >>> frame = AreaFrame(("E06000001", "E06000002"), ("Hartlepool", "Middlesbrough"), [0, 0],
    ...                   ("E12000001",), ("North East",))
    >>> results = build_results([IndicatorTotals(ind, [3, 40], [None, None])], frame, 2025)
    >>> len(results), results.suppressed.tolist()
    (4, [False, False, True, True])
    >>> results.to_ees_csv().splitlines()[3].split(",")[-6:]  # a count has no denominator: z
    ['Hartlepool', 'n', 'Total', 'c', 'z', 'c']
    """

    framework: tuple[str, ...]
    indicator: tuple[str, ...]
    title: tuple[str, ...]
    period: IntArray
    area_type: tuple[str, ...]
    area_code: tuple[str, ...]
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
    region_names: tuple[tuple[str, str], ...] = field(default=(), kw_only=True)
    targeted: frozenset[tuple[str, str]] = field(default=frozenset(), kw_only=True)

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
        return cls(**columns, region_names=tuple(names.items()),
                   targeted=frozenset().union(*(part.targeted for part in parts)))

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
        """Each row as a dict of plain Python values; a blank number is None."""
        plain = {name: plain_values(name, self.column(name)) for name in COLUMNS}
        for i in range(len(self)):
            yield {name: values[i] for name, values in plain.items()}

    def to_csv(self, path_or_buffer: Destination = None) -> str | None:
        """Write the table as CSV (blank cell for a missing number); the text if no target."""
        return _write_csv(COLUMNS, ([_cell(row[c]) for c in COLUMNS] for row in self.rows()),
                          path_or_buffer)

    def to_json(self, path_or_buffer: Destination = None) -> str | None:
        """Write the table as a JSON array of records, one per line; the text if no target."""
        lines = (json.dumps(row, ensure_ascii=False, allow_nan=False) for row in self.rows())
        text = "[\n" + ",\n".join(lines) + "\n]\n"
        return _deliver(text, path_or_buffer)

    def to_pandas(self) -> Any:
        """The table as a `pandas.DataFrame` (needs pandas)."""
        pandas = _optional("pandas")
        return pandas.DataFrame({name: plain_values(name, self.column(name))
                                 if name not in NUMBER_COLUMNS
                                 else self.column(name) for name in COLUMNS})

    def to_arrow(self) -> Any:
        """The table as a `pyarrow.Table`, missing numbers as nulls (needs pyarrow)."""
        pa = _optional("pyarrow")
        arrays = {}
        for name in COLUMNS:
            values = self.column(name)
            if name in NUMBER_COLUMNS:
                kind = {"period": pa.int64(), "suppressed": pa.bool_()}.get(name, pa.float64())
                arrays[name] = pa.array(values, type=kind, from_pandas=True)
            else:
                arrays[name] = pa.array(plain_values(name, values), type=pa.string())
        return pa.table(arrays)

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the table as a Parquet file (needs pyarrow)."""
        _optional("pyarrow.parquet").write_table(self.to_arrow(), os.fspath(path))

    def to_fingertips_csv(self, path_or_buffer: Destination = None) -> str | None:
        """Write the OHID Fingertips export layout (`Compared to England value …`)."""
        regions = dict(self.region_names)
        header = ("Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code",
                  "Area Name", "Area Type", "Sex", "Age", "Category Type", "Category",
                  "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
                  "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
                  "Value note", "Recent Trend", "Compared to England value or percentiles",
                  "Compared to Region value or percentiles", "Time period Sortable",
                  "New data", "Compared to goal", "Time period range")

        def record(row: dict[str, Any]) -> list[str]:
            kind, region = row["area_type"], row["region_code"]
            parent = ("", "") if kind == m.AreaLevel.ENGLAND else (
                (region, regions.get(region, region))
                if kind == m.AreaLevel.LOCAL_AUTHORITY and region
                else (ENGLAND_CODE, "England"))
            category_type, _, category = row["breakdown"].rpartition(": ")
            period = row["period"]
            goal = ((row["framework"], row["indicator"]) in self.targeted)
            return [row["indicator"], row["title"], *parent, row["area_code"],
                    row["area_name"], _FINGERTIPS_AREA_TYPE[kind], "Persons", "",
                    category_type, category, f"{period - 1}/{period % 100:02d}",
                    *(_cell(row[c]) for c in ("value", "lower_95", "upper_95", "lower_99_8",
                                              "upper_99_8", "numerator", "denominator")),
                    _fingertips_note(row["note"]), "",
                    Judgement(row["vs_england"]).label, Judgement(row["vs_region"]).label,
                    f"{period - 1}0000", "",
                    Judgement(row["vs_target"]).label if goal else "", "1y"]

        return _write_csv(header, map(record, self.rows()), path_or_buffer)

    def to_ees_csv(self, path_or_buffer: Destination = None) -> str | None:
        """Write DfE's explore-education-statistics tidy layout, a blank cell as DfE's symbol.

        A blank takes the symbol of its row's note (`c` suppressed, `k`, `u`, `x` not
        available, `z` not applicable: see `outcomespec.model.notes.NOTES`); a count or mean has no
        denominator (`z`).
        """
        regions = dict(self.region_names)
        header = ("time_period", "time_identifier", "geographic_level", "country_code",
                  "country_name", "region_code", "region_name", "new_la_code", "old_la_code",
                  "la_name", "indicator", "breakdown", "numerator", "denominator", "value")

        def record(row: dict[str, Any]) -> list[str]:
            kind, code = row["area_type"], row["area_code"]
            region = row["region_code"] if kind != m.AreaLevel.ENGLAND else ""
            la = kind == m.AreaLevel.LOCAL_AUTHORITY
            new, old = (code, "") if _NEW_CODE.fullmatch(code) else ("", code)

            def number(name: str) -> str:
                if row[name] is not None:
                    return _cell(row[name])
                if name == "denominator" and m.Statistic(row["statistic"]) in \
                        WITHOUT_DENOMINATOR:
                    return "z"
                note = parse_note(row["note"])
                return (note[0].info.symbol if note else None) or "x"

            return [str(row["period"]), "Reporting year", _EES_LEVEL[kind], ENGLAND_CODE,
                    "England", region, regions.get(region, "") if region else "",
                    new if la else "", old if la else "", row["area_name"] if la else "",
                    row["indicator"], row["breakdown"] or "Total",
                    number("numerator"), number("denominator"), number("value")]

        return _write_csv(header, map(record, self.rows()), path_or_buffer)


def _fingertips_note(text: str) -> str:
    """A note in the words of a Fingertips "Value note", with its detail.

    >>> _fingertips_note("suppressed"), _fingertips_note("")
    ('Value suppressed for disclosure control', '')
    """
    note = parse_note(text)
    if note is None:
        return ""
    keyword, detail = note
    return f"{keyword.info.fingertips}: {detail}" if detail else keyword.info.fingertips


def plain_values(name: str, values: Any) -> list[Any]:
    """A column as plain Python values: str for text and judgements, None for NaN.

    >>> plain_values("value", np.array([1.5, np.nan])), plain_values("vs_region", (
    ...     Judgement.BETTER,))
    ([1.5, None], ['better'])
    """
    if name in _JUDGED:
        return [v.value for v in values]
    if name in _TEXT:
        return list(values)
    listed: list[Any] = np.asarray(values).tolist()
    if np.asarray(values).dtype.kind == "f":
        return [None if math.isnan(v) else v for v in listed]
    return listed


def _cell(value: Any) -> str:
    """One CSV cell: blank for missing, `true`/`false`, whole numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def _optional(module: str) -> Any:
    """Import an optional dependency, saying how to get it when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        package = module.partition(".")[0]
        msg = f"this export needs {package}: pip install {package}"
        raise ImportError(msg) from error


def _write_csv(header: Sequence[str], records: Iterable[list[str]],
               path_or_buffer: Destination) -> str | None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    return _deliver(buffer.getvalue(), path_or_buffer)


def _deliver(text: str, path_or_buffer: Destination) -> str | None:
    """Return `text`, or write it to a path or an open text stream and return None."""
    if path_or_buffer is None:
        return text
    if isinstance(path_or_buffer, str | os.PathLike):
        with open(path_or_buffer, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
    else:
        path_or_buffer.write(text)
    return None
