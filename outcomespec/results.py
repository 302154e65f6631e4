"""The results table: every indicator for every LA, region and England, judged and protected.

`build_results` takes what evaluation hands over (per-LA totals of each indicator, see
`outcomespec.areas`) and does the rest with whole-array operations:

1. pool LAs into regions and England (numerators and denominators summed; for means and
   medians the unit-level values themselves, so a region's median is the median of its
   children, not a median of medians);
2. compute each value and its confidence limits from the **unrounded** counts;
3. suppress small counts and whatever would give them away (`outcomespec.suppression`), then
   round the published national and regional counts;
4. judge each area against England, its region, its statistical neighbours, a target and
   another population (`outcomespec.judgement`). Comparator values are the *published* ones:
   a suppressed region or England is not compared with, and a suppressed neighbour is left
   out of the neighbours' median, as from the DfE dashboard's median of published figures.
   Pooled neighbours, like England and the regions, pool every LA's unrounded counts.

`Results` holds the table column by column and writes it out; pandas and pyarrow stay
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
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, Final

import numpy as np
import numpy.typing as npt
from attrs import field, frozen

from outcomespec import model as m
from outcomespec.areas import AreaFrame, IndicatorTotals
from outcomespec.judgement import (
    Judgement,
    JudgementArray,
    judge,
    judging_level,
    neighbour_median,
    neighbour_pairs,
    neighbour_units,
)
from outcomespec.statistics import (
    byars_limits,
    group_median,
    mean_limits,
    rate_limits,
    wilson_limits,
)
from outcomespec.suppression import primary_suppression, round_counts, secondary_suppression

__all__ = ["COLUMNS", "ENGLAND_CODE", "Results", "build_results"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Destination = str | os.PathLike[str] | IO[str] | None

ENGLAND_CODE: Final = "E92000001"
COLUMNS: Final = (
    "framework", "indicator", "title", "period", "area_type", "area_code", "area_name",
    "breakdown", "numerator", "denominator", "value", "unit", "lower_95", "upper_95",
    "lower_99_8", "upper_99_8", "suppressed", "vs_england", "vs_region", "vs_neighbours",
    "region_code", "statistic", "polarity", "vs_target", "vs_population",
)
"""The results table's columns, in order: DESIGN §4's, then the extra ones."""

_TEXT: Final = frozenset({"framework", "indicator", "title", "area_type", "area_code",
                          "area_name", "breakdown", "unit", "region_code", "statistic",
                          "polarity"})
_JUDGED: Final = frozenset({"vs_england", "vs_region", "vs_neighbours", "vs_target",
                            "vs_population"})
_COLUMN_LEVELS: Final = {0.95: ("lower_95", "upper_95"), 0.998: ("lower_99_8", "upper_99_8")}
_WITHOUT_DENOMINATOR: Final = frozenset({m.Statistic.COUNT, m.Statistic.MEAN,
                                         m.Statistic.MEDIAN})
_FINGERTIPS_AREA_TYPE: Final = {"england": "England", "region": "Region",
                                "local_authority": "Upper tier local authorities"}
_EES_LEVEL: Final = {"england": "National", "region": "Regional",
                     "local_authority": "Local authority"}
_NEW_CODE: Final = re.compile(r"[EW]\d{8}")


@frozen(eq=False)
class Results:
    """The results table, one row per indicator × period × area × breakdown, by column.

    Text and judgement columns are tuples, numbers NumPy arrays (NaN for a blank cell).
    `region_names` (region code → name) and `targeted` (the (framework, indicator) pairs that
    declare a target) are not columns; the publishing layouts need them. Build it with
    `build_results`; every `to_…` method taking `path_or_buffer` returns the text when given
    None and otherwise writes it to the path or open text stream.

    >>> ind = m.Indicator("f.n", "f", "s", "Children", m.Kind.CONTEXT, m.Statistic.COUNT, None,
    ...     None, None, None, (), m.Unit("count", 1.0), m.Polarity.NO_JUDGEMENT, "", (),
    ...     m.ConfidenceMethod.NONE, (), (1, 5), (), (), (), m.SubsetProof.NOT_APPLICABLE)
    >>> frame = AreaFrame(("E06000001", "E06000002"), ("Hartlepool", "Middlesbrough"), [0, 0],
    ...                   ("E12000001",), ("North East",))
    >>> results = build_results([IndicatorTotals(ind, [3, 40], [None, None])], frame, 2025)
    >>> len(results), results.suppressed.tolist()
    (4, [False, False, True, True])
    >>> results.to_ees_csv().splitlines()[3].split(",")[-6:]
    ['Hartlepool', 'n', 'Total', 'c', 'c', 'c']
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
            columns[name] = (np.concatenate(values) if name in _NUMERIC
                             else tuple(v for column in values for v in column))
        names = dict(pair for part in parts for pair in part.region_names)
        return cls(**columns, region_names=tuple(names.items()),
                   targeted=frozenset().union(*(part.targeted for part in parts)))

    def column(self, name: str) -> Any:
        """One column by name, as stored."""
        if name not in COLUMNS:
            msg = f"no column {name!r} in the results table"
            raise KeyError(msg)
        return getattr(self, name)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each row as a dict of plain Python values; a blank number is None."""
        plain = {name: _plain(name, self.column(name)) for name in COLUMNS}
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
        return pandas.DataFrame({name: _plain(name, self.column(name)) if name not in _NUMERIC
                                 else self.column(name) for name in COLUMNS})

    def to_arrow(self) -> Any:
        """The table as a `pyarrow.Table`, missing numbers as nulls (needs pyarrow)."""
        pa = _optional("pyarrow")
        arrays = {}
        for name in COLUMNS:
            values = self.column(name)
            if name in _NUMERIC:
                kind = {"period": pa.int64(), "suppressed": pa.bool_()}.get(name, pa.float64())
                arrays[name] = pa.array(values, type=kind, from_pandas=True)
            else:
                arrays[name] = pa.array(_plain(name, values), type=pa.string())
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
            parent = ("", "") if kind == "england" else (
                (region, regions.get(region, region)) if kind == "local_authority" and region
                else (ENGLAND_CODE, "England"))
            category_type, _, category = row["breakdown"].rpartition("=")
            period = row["period"]
            goal = ((row["framework"], row["indicator"]) in self.targeted)
            return [row["indicator"], row["title"], *parent, row["area_code"],
                    row["area_name"], _FINGERTIPS_AREA_TYPE[kind], "Persons", "",
                    category_type, category, f"{period - 1}/{period % 100:02d}",
                    *(_cell(row[c]) for c in ("value", "lower_95", "upper_95", "lower_99_8",
                                              "upper_99_8", "numerator", "denominator")),
                    "Value suppressed for disclosure control" if row["suppressed"] else "", "",
                    Judgement(row["vs_england"]).label, Judgement(row["vs_region"]).label,
                    f"{period - 1}0000", "",
                    Judgement(row["vs_target"]).label if goal else "", "1y"]

        return _write_csv(header, map(record, self.rows()), path_or_buffer)

    def to_ees_csv(self, path_or_buffer: Destination = None) -> str | None:
        """Write DfE's explore-education-statistics tidy layout; suppressed cells are `c`.

        A count or mean has no denominator (`z`, not applicable); any other missing number is
        `x` (not available).
        """
        regions = dict(self.region_names)
        header = ("time_period", "time_identifier", "geographic_level", "country_code",
                  "country_name", "region_code", "region_name", "new_la_code", "old_la_code",
                  "la_name", "indicator", "breakdown", "numerator", "denominator", "value")

        def record(row: dict[str, Any]) -> list[str]:
            kind, code = row["area_type"], row["area_code"]
            region = row["region_code"] if kind != "england" else ""
            la = kind == "local_authority"
            new, old = (code, "") if _NEW_CODE.fullmatch(code) else ("", code)

            def number(name: str) -> str:
                if row["suppressed"]:
                    return "c"
                if row[name] is None:
                    no_denominator = m.Statistic(row["statistic"]) in _WITHOUT_DENOMINATOR
                    return "z" if name == "denominator" and no_denominator else "x"
                return _cell(row[name])

            return [str(row["period"]), "Reporting year", _EES_LEVEL[kind], ENGLAND_CODE,
                    "England", region, regions.get(region, "") if region else "",
                    new if la else "", old if la else "", row["area_name"] if la else "",
                    row["indicator"], row["breakdown"] or "Total",
                    number("numerator"), number("denominator"), number("value")]

        return _write_csv(header, map(record, self.rows()), path_or_buffer)


_NUMERIC: Final = frozenset(COLUMNS) - _TEXT - _JUDGED


def _plain(name: str, values: Any) -> list[Any]:
    """A column as plain Python values: str for text and judgements, None for NaN."""
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


# ------------------------------------------------------------------ building the table


@frozen
class _Cells:
    """The cells of every indicator: the LAs, then the regions, then England."""

    n_la: int
    region_of: IntArray
    parent: IntArray
    rank: IntArray
    codes: npt.NDArray[np.str_]
    names: npt.NDArray[np.str_]
    types: npt.NDArray[np.str_]
    region_codes: npt.NDArray[np.str_]
    order: IntArray

    @property
    def england(self) -> int:
        """England's cell, the last."""
        return len(self.codes) - 1


_Units = tuple[FloatArray, npt.NDArray[np.intp], int]
"""Unit-level values, the cell (or group) each belongs to, and how many cells there are."""


def _cells(frame: AreaFrame) -> _Cells:
    n_la, n_reg = frame.n_areas, len(frame.region_codes)
    region_of = np.asarray(frame.region_of, dtype=np.int64)
    region_of = region_of.reshape(n_la) if region_of.size else np.full(n_la, -1)
    england = n_la + n_reg
    parent = np.concatenate([np.where(region_of >= 0, n_la + region_of, england),
                             np.full(n_reg, england), [-1]]).astype(np.int64)
    codes = np.array([*frame.codes, *frame.region_codes, ENGLAND_CODE], dtype=np.str_)
    rank = np.argsort(np.argsort(codes, kind="stable"), kind="stable").astype(np.int64)
    known_regions = np.array(frame.region_codes or [""], dtype=np.str_)
    in_region = np.where(region_of >= 0, known_regions[np.maximum(region_of, 0)], "")
    return _Cells(
        n_la, region_of, parent, rank, codes,
        np.array([*frame.names, *frame.region_names, "England"], dtype=np.str_),
        np.array(["local_authority"] * n_la + ["region"] * n_reg + ["england"], dtype=np.str_),
        np.concatenate([in_region, codes[n_la:england], [""]]).astype(np.str_),
        np.concatenate([[england], np.arange(n_la, england), np.arange(n_la)]).astype(np.int64),
    )


def _pool(counts: FloatArray, cells: _Cells) -> FloatArray:
    """LA counts, then the regions' and England's sums (NaN if any part is unknown)."""
    inside = cells.region_of >= 0
    n_reg = cells.england - cells.n_la
    regions = _sum_by(cells.region_of[inside], counts[inside], n_reg)
    return np.concatenate([counts, regions, [counts.sum()]])


def _sum_by(groups: npt.NDArray[Any], weights: FloatArray, n: int) -> FloatArray:
    """Sums of `weights` within each group 0 .. n - 1 (NaN if any term is NaN)."""
    return np.asarray(np.bincount(groups, weights=weights, minlength=n), dtype=np.float64)


def _unit_cells(totals: IndicatorTotals, cells: _Cells) -> _Units:
    """Each unit-level value once for its LA, once for its region and once for England."""
    if totals.values is None or totals.value_areas is None:
        msg = f"a {totals.indicator.statistic.value} needs unit-level values and their areas"
        raise ValueError(msg)
    values = np.asarray(totals.values, dtype=np.float64)
    areas = np.asarray(totals.value_areas, dtype=np.intp)
    keep = ~np.isnan(values)
    values, areas = values[keep], areas[keep]
    region = cells.region_of[areas]
    inside = region >= 0
    groups = np.concatenate([areas, cells.n_la + region[inside],
                             np.full(areas.size, cells.england)]).astype(np.intp)
    return np.concatenate([values, values[inside], values]), groups, cells.england + 1


def _value(ind: m.Indicator, num: FloatArray, den: FloatArray, units: _Units | None
           ) -> FloatArray:
    """The indicator's value for each cell (or group) from its counts or unit values."""
    match ind.statistic:
        case m.Statistic.PROPORTION | m.Statistic.RATE | m.Statistic.RATIO:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(den > 0, num / den * ind.unit.multiplier, np.nan)
        case m.Statistic.COUNT:
            return num.copy()
        case m.Statistic.MEAN | m.Statistic.MEDIAN:
            assert units is not None
            values, groups, n = units
            if ind.statistic is m.Statistic.MEDIAN:
                return group_median(values, groups, n)
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.bincount(groups, weights=values, minlength=n) / num


def _limits(ind: m.Indicator, level: float, num: FloatArray, den: FloatArray,
            units: _Units | None) -> tuple[FloatArray, FloatArray]:
    """Confidence limits of each cell's value at one level, by the indicator's method."""
    match ind.confidence:
        case m.ConfidenceMethod.WILSON:
            lower, upper = wilson_limits(num, den, level)
            return lower * ind.unit.multiplier, upper * ind.unit.multiplier
        case m.ConfidenceMethod.BYARS if ind.statistic is m.Statistic.COUNT:
            return byars_limits(num, level)
        case m.ConfidenceMethod.BYARS:
            return rate_limits(num, den, ind.unit.multiplier, level)
        case m.ConfidenceMethod.STUDENT_T if units and ind.statistic is m.Statistic.MEAN:
            values, groups, n = units
            total = np.bincount(groups, weights=values, minlength=n)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = total / num
                squares = np.bincount(groups, weights=(values - mean[groups]) ** 2, minlength=n)
                sd = np.sqrt(squares / (num - 1))
            return mean_limits(total, num, sd, level)
        case _:
            nothing = np.full(num.shape, np.nan)
            return nothing, nothing.copy()


@frozen
class _Table:
    """One indicator (one breakdown) over all cells: counts unrounded, the rest published."""

    totals: IndicatorTotals
    num: FloatArray
    den: FloatArray
    value: FloatArray
    limits: dict[float, tuple[FloatArray, FloatArray]]
    suppressed: BoolArray
    units: _Units | None


def _table(totals: IndicatorTotals, cells: _Cells) -> _Table:
    """Pool, compute and suppress one indicator. A mean's or median's count is the number of
    its units with a value (missing ones left out), which is what suppression looks at."""
    ind = totals.indicator
    units = None
    if ind.statistic in (m.Statistic.MEAN, m.Statistic.MEDIAN):
        units = _unit_cells(totals, cells)
        num = np.bincount(units[1], minlength=units[2]).astype(np.float64)
    else:
        num = _pool(np.asarray(totals.numerator, dtype=np.float64), cells)
    if ind.statistic in _WITHOUT_DENOMINATOR:
        den = np.full(num.shape, np.nan)
    else:
        den = _pool(np.asarray(totals.denominator, dtype=np.float64), cells)
    suppressed = np.zeros(num.shape, dtype=bool)
    if ind.suppression is not None:
        primary = primary_suppression(num, den, ind.suppression)
        suppressed = secondary_suppression(primary, cells.parent, num, cells.rank)

    def published(values: FloatArray) -> FloatArray:
        return np.where(suppressed, np.nan, values)

    limits = {}
    for level in ind.levels:
        lower, upper = _limits(ind, level, num, den, units)
        limits[level] = (published(lower), published(upper))
    return _Table(totals, num, den, published(_value(ind, num, den, units)), limits,
                  suppressed, units)


def _neighbour_values(table: _Table, comparator: m.Comparator, frame: AreaFrame,
                      cells: _Cells) -> FloatArray:
    """Each LA's neighbours' value: their median, or the value of their pooled counts."""
    out = np.full(cells.england + 1, np.nan)
    matrix = frame.neighbours.get(comparator.name or "")
    if matrix is None:
        return out
    if comparator.method != "pooled":
        out[:cells.n_la] = neighbour_median(table.value[:cells.n_la], matrix)
        return out
    rows, members = neighbour_pairs(matrix)
    num, den = (_sum_by(rows, counts[members], cells.n_la) for counts in (table.num, table.den))
    units = None
    if table.units is not None:
        values, groups, _ = table.units
        la = groups < cells.n_la  # each unit's first copy, grouped by its own LA
        pooled, owners = neighbour_units(values[la], groups[la], matrix)
        units = (pooled, owners, cells.n_la)
        num = np.bincount(owners, minlength=cells.n_la).astype(np.float64)
    out[:cells.n_la] = _value(table.totals.indicator, num, den, units)
    return out


def _comparisons(table: _Table, frame: AreaFrame, cells: _Cells,
                 england_values: dict[tuple[str, str], float]) -> dict[str, JudgementArray]:
    """The five judgement columns of one table, in cell order."""
    ind = table.totals.indicator
    n = cells.england + 1
    nothing = np.full(n, np.nan)
    level = judging_level(ind.levels)
    lower, upper = table.limits[level] if level is not None else (nothing, nothing)
    declared = {c.kind: c for c in reversed(ind.comparators)}
    england = np.full(n, table.value[cells.england])
    england[cells.england] = np.nan
    region = np.full(n, np.nan)
    inside = np.flatnonzero(cells.region_of >= 0)
    region[inside] = table.value[cells.n_la + cells.region_of[inside]]
    target = declared.get("target")
    population = declared.get("population")
    other = np.nan
    if population is not None:
        name = population.name or ""
        other = england_values.get((name, table.totals.breakdown),
                                   england_values.get((name, ""), np.nan))
    comparators = {
        "vs_england": england if "england" in declared else nothing,
        "vs_region": region if "region" in declared else nothing,
        "vs_neighbours": (_neighbour_values(table, declared["neighbours"], frame, cells)
                          if "neighbours" in declared else nothing),
        "vs_target": np.full(n, target.target if target and target.target is not None
                             else np.nan),
        "vs_population": np.full(n, other),
    }
    return {name: judge(table.value, lower, upper, values, ind.polarity,
                        suppressed=table.suppressed) for name, values in comparators.items()}


def build_results(totals: Sequence[IndicatorTotals], frame: AreaFrame, period: int, *,
                  framework: m.Framework | None = None) -> Results:
    """The results table for every indicator, over the LAs of `frame`, their regions and England.

    Why: this is the one place where evaluated totals become what people read — pooled,
    with confidence limits, judged and with small numbers protected — so the CLI, the API
    and the reports all publish the same figures. `framework` supplies its name and the
    rounding of published national and regional counts. Rows come England first, then the
    regions, then the LAs, for each totals in the order given.

    >>> ind = m.Indicator("f.p", "f", "s", "Placements", m.Kind.OUTCOME, m.Statistic.PROPORTION,
    ...     None, None, None, None, (), m.Unit("percent", 100.0), m.Polarity.LOWER_IS_BETTER,
    ...     "", (m.Comparator("england"),), m.ConfidenceMethod.WILSON, (0.95,), (1, 5), (), (),
    ...     (), m.SubsetProof.PROVEN)
    >>> frame = AreaFrame(("805", "890"), ("Hartlepool", "Blackpool"), [-1, -1])
    >>> table = build_results([IndicatorTotals(ind, [31, 41], [332, 531])], frame, 2025)
    >>> for row in table.rows():
    ...     print(row["area_name"], round(row["value"], 3), row["vs_england"])
    England 8.343 not_compared
    Hartlepool 9.337 similar
    Blackpool 7.721 similar
    """
    cells = _cells(frame)
    tables = [_table(t, cells) for t in totals]
    england_values = {(t.totals.indicator.name, t.totals.breakdown): float(t.value[-1])
                      for t in tables}
    rounding = framework.rounding if framework is not None else None
    parts = [_columns(table, cells, _comparisons(table, frame, cells, england_values), rounding,
                      framework.name if framework is not None else None, period)
             for table in tables]
    joined: dict[str, Any] = {}
    for name in COLUMNS:
        column = np.concatenate([p[name] for p in parts]) if parts else np.array([])
        kind = {"period": np.int64, "suppressed": np.bool_}.get(name, np.float64)
        joined[name] = column.astype(kind) if name in _NUMERIC else tuple(column.tolist())
    return Results(
        **joined,
        region_names=tuple(zip(frame.region_codes, frame.region_names, strict=True)),
        targeted=frozenset((framework.name if framework is not None else t.indicator.framework,
                            t.indicator.id) for t in totals
                           if any(c.kind == "target" for c in t.indicator.comparators)),
    )


def _columns(table: _Table, cells: _Cells, judged: dict[str, JudgementArray],
             rounding: tuple[tuple[str, ...], int] | None, framework: str | None, period: int
             ) -> dict[str, npt.NDArray[Any]]:
    """One table's rows in output order, counts rounded where the framework says so.

    A count's value is its (published, so possibly rounded) numerator: rounding the count
    while printing it unrounded as the value would undo the rounding.
    """
    ind, o = table.totals.indicator, cells.order
    shown = {}
    for name, raw in (("numerator", table.num), ("denominator", table.den)):
        printed = raw if rounding is None else np.where(
            np.isin(cells.types, rounding[0]), round_counts(raw, rounding[1]), raw)
        shown[name] = np.where(table.suppressed, np.nan, printed)[o]
    value = shown["numerator"] if ind.statistic is m.Statistic.COUNT else table.value[o]
    limits = {c: np.full(o.size, np.nan) for pair in _COLUMN_LEVELS.values() for c in pair}
    for level, (lower, upper) in table.limits.items():
        names = _COLUMN_LEVELS.get(round(level, 6))
        if names:
            limits[names[0]], limits[names[1]] = lower[o], upper[o]
    constant = {"framework": framework or ind.framework, "indicator": ind.id,
                "title": ind.title, "period": period, "breakdown": table.totals.breakdown,
                "unit": ind.unit.label, "statistic": ind.statistic.value,
                "polarity": ind.polarity.value}
    varying = {"area_type": cells.types[o], "area_code": cells.codes[o],
               "area_name": cells.names[o], "value": value, "suppressed": table.suppressed[o],
               "region_code": cells.region_codes[o], **shown, **limits,
               **{name: j[o] for name, j in judged.items()}}
    return {name: varying[name] if name in varying
            else np.full(o.size, constant[name], dtype=object) for name in COLUMNS}
