"""The layouts a results table is published in: plain CSV and JSON, pandas and Arrow tables,
Parquet, and the OHID Fingertips and DfE explore-education-statistics CSV layouts.

Why apart from the table (`outcomespec.results.table`): a layout changes when a publisher's
does (a Fingertips column renamed, an EES symbol added), the table when what is published
changes. Each layout reads the table's rows as plain Python values (`Results.rows`: None for a
blank number, text for a judgement), so this module knows nothing of `Results`; `table`
imports it, never the other way round. pandas and pyarrow stay optional, imported only by the
functions that need them.

>>> rows = [{"value": 0.25, "note": ""}, {"value": None, "note": "suppressed"}]
>>> print(plain_csv(("value", "note"), rows), end="")
value,note
0.25,
,suppressed
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, Final

import numpy as np

from outcomespec import model as m
from outcomespec.model.notes import parse_note
from outcomespec.results.judgement import Judgement
from outcomespec.results.pooling import ENGLAND_CODE, WITHOUT_DENOMINATOR
from outcomespec.results.trends import Trend

__all__ = ["EES_HEADER", "FINGERTIPS_HEADER", "Destination", "arrow_table", "ees_csv",
           "fingertips_csv", "json_records", "pandas_frame", "plain_csv", "write_parquet"]

Destination = str | os.PathLike[str] | IO[str] | None
"""Where a layout goes: a path, an open text stream, or None for the text itself."""

Row = Mapping[str, Any]
"""One row of a results table as plain values, by column name."""

FINGERTIPS_HEADER: Final = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal", "Time period range",
    "Rank", "Rank of", "Quartile")
"""The columns of an OHID Fingertips data export, in order, then each authority's rank among
all authorities, how many were ranked, and its quartile band (1 the best; not Fingertips')."""

EES_HEADER: Final = (
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "new_la_code", "old_la_code", "la_name", "indicator",
    "breakdown", "numerator", "denominator", "value", "rank", "rank_of", "quartile", "trend")
"""The columns of DfE's explore-education-statistics tidy layout, in order: the filters, the
counts and value, then each authority's rank, how many were ranked, its quartile band (1 the
best) and the value's recent trend."""

_FINGERTIPS_AREA_TYPE: Final = {"england": "England", "region": "Region",
                                "local_authority": "Upper tier local authorities"}
_EES_LEVEL: Final = {"england": "National", "region": "Regional",
                     "local_authority": "Local authority"}
_RANKS: Final = ("rank", "rank_of", "quartile")


def plain_csv(columns: Sequence[str], rows: Iterable[Row],
              path_or_buffer: Destination = None) -> str | None:
    """The rows as CSV under their column names: a blank cell for a missing number,
    `true`/`false`, whole numbers without `.0`."""
    return _write_csv(columns, ([_cell(row[c]) for c in columns] for row in rows),
                      path_or_buffer)


def json_records(rows: Iterable[Row], path_or_buffer: Destination = None) -> str | None:
    """The rows as a JSON array of records, one per line, a missing number as null.

    >>> print(json_records([{"value": None, "area": "Hartlepool"}]), end="")
    [
    {"value": null, "area": "Hartlepool"}
    ]
    """
    lines = (json.dumps(row, ensure_ascii=False, allow_nan=False) for row in rows)
    return _deliver("[\n" + ",\n".join(lines) + "\n]\n", path_or_buffer)


def pandas_frame(columns: Mapping[str, Any]) -> Any:
    """A `pandas.DataFrame` of the columns, in order (needs pandas): a masked array of
    whole numbers (the counts) becomes pandas' nullable `Int64`."""
    pd = _optional("pandas")
    return pd.DataFrame({name: pd.arrays.IntegerArray(values.filled(0),
                                                     np.ma.getmaskarray(values))
                         if np.ma.isMaskedArray(values) else values
                         for name, values in columns.items()})


def arrow_table(columns: Mapping[str, Any]) -> Any:
    """A `pyarrow.Table` of the columns, in order (needs pyarrow): a NumPy array keeps its
    type (int64, bool, float64 with NaN as null; a masked one its mask as nulls), a list of
    values becomes text."""
    pa = _optional("pyarrow")
    kinds = {"i": pa.int64(), "b": pa.bool_(), "f": pa.float64()}

    def array(values: Any) -> Any:
        if np.ma.isMaskedArray(values):
            return pa.array(values.filled(0), type=kinds[values.dtype.kind],
                            mask=np.ma.getmaskarray(values))
        if isinstance(values, np.ndarray):
            return pa.array(values, type=kinds[values.dtype.kind], from_pandas=True)
        return pa.array(values, type=pa.string())

    return pa.table({name: array(values) for name, values in columns.items()})


def write_parquet(table: Any, path: str | os.PathLike[str]) -> None:
    """Write a `pyarrow.Table` as a Parquet file (needs pyarrow)."""
    _optional("pyarrow.parquet").write_table(table, os.fspath(path))


def fingertips_csv(rows: Iterable[Row], regions: Mapping[str, str],
                   targeted: frozenset[tuple[str, str]],
                   path_or_buffer: Destination = None) -> str | None:
    """The OHID Fingertips export layout (`Compared to England value …`).

    `regions` names each region by its code (an LA's parent); `targeted` holds the
    (framework, indicator) pairs that declare a target, the only ones `Compared to goal`
    judges.
    """
    def record(row: Row) -> list[str]:
        kind, region = row["area_type"], row["region_code"]
        parent = ("", "") if kind == "england" else (
            (region, regions.get(region, region)) if kind == "local_authority" and region
            else (ENGLAND_CODE, "England"))
        category_type, _, category = row["breakdown"].rpartition(": ")
        period = row["period"]
        goal = (row["framework"], row["indicator"]) in targeted
        return [row["indicator"], row["title"], *parent, row["area_code"],
                row["area_name"], _FINGERTIPS_AREA_TYPE[kind], "Persons", "",
                category_type, category, f"{period - 1}/{period % 100:02d}",
                *(_cell(row[c]) for c in ("value", "lower_95", "upper_95", "lower_99_8",
                                          "upper_99_8", "numerator", "denominator")),
                _fingertips_note(row["note"]), Trend(row["trend"]).label,
                Judgement(row["vs_england"]).label, Judgement(row["vs_region"]).label,
                f"{period - 1}0000", "",
                Judgement(row["vs_target"]).label if goal else "", "1y",
                *(_cell(row[c]) for c in ("rank", "rank_of", "quartile"))]

    return _write_csv(FINGERTIPS_HEADER, map(record, rows), path_or_buffer)


def ees_csv(rows: Iterable[Row], regions: Mapping[str, str],
            path_or_buffer: Destination = None) -> str | None:
    """DfE's explore-education-statistics tidy layout, a blank cell as DfE's symbol.

    A blank takes the symbol of its row's note (`c` suppressed, `k`, `u`, `x` not
    available, `z` not applicable: see `outcomespec.model.notes.NOTES`); a count or mean has
    no denominator (`z`). An authority is named by its ONS code (`new_la_code`, the row's
    `area_code`) and its DfE code (`old_la_code`, its `la_code`). `regions` names each
    region by its code.
    """
    def record(row: Row) -> list[str]:
        kind, new, old = row["area_type"], row["area_code"], row["la_code"]
        region = row["region_code"] if kind != "england" else ""
        la = kind == "local_authority"

        def number(name: str) -> str:
            if row[name] is not None:
                return _cell(row[name])
            if name == "denominator" and m.Statistic(row["statistic"]) in WITHOUT_DENOMINATOR:
                return "z"
            if name in _RANKS and not la:
                return "z"  # regions and England are not ranked
            note = parse_note(row["note"])
            return (note[0].info.symbol if note else None) or "x"

        return [str(row["period"]), "Reporting year", _EES_LEVEL[kind], ENGLAND_CODE,
                "England", region, regions.get(region, "") if region else "",
                new if la else "", old if la else "", row["area_name"] if la else "",
                row["indicator"], row["breakdown"] or "Total",
                *(number(name) for name in ("numerator", "denominator", "value", *_RANKS)),
                row["trend"] or "x"]

    return _write_csv(EES_HEADER, map(record, rows), path_or_buffer)


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


def _cell(value: Any) -> str:
    """One CSV cell: blank for missing, `true`/`false`, whole numbers without `.0`.

    >>> [_cell(v) for v in (None, True, 3.0, 0.1, 2.0**53, "E06000001")]
    ['', 'true', '3', '0.1', '9007199254740992.0', 'E06000001']
    """
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
    """The header and records as CSV with "\\n" line ends, delivered (`_deliver`)."""
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
