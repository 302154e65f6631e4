"""Converting raw columns to stored arrays (`outcomespec.loading.tables`), and what was missing.

A column is converted once per distinct value. A file's text arrives dictionary-encoded from
pyarrow's CSV reader (each distinct text once, and an index per row), text in memory is
encoded the same way, and columns of Python objects are factorised. Each distinct value is
read once by the rules of `outcomespec.loading.values` (dates written exactly dd/mm/YYYY or
YYYY-MM-DD by array operations on the characters of all of them together), and each row
then takes its value, and its place among the rows to report, by index. Text and
identifier columns keep their distinct texts, stripped, with empty values and missing-value
symbols taken out, by pyarrow compute functions over the distinct texts only.

Numbers a file gives typed (float64, parsed by pyarrow) are checked as whole arrays; a value
written `nan` or `inf`, or a fraction or an overlong number in an integer column, has the
column read again as text, so that its message quotes what the file wrote. Typed in-memory
arrays (NumPy, pandas, Arrow) are converted as whole arrays.

A value that cannot be read becomes missing, with the diagnostic it gets (`Bad`, less its
place: `outcomespec.loading.loader` adds the file and line).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from attrs import evolve, frozen

from outcomespec import model as m
from outcomespec.loading import coding
from outcomespec.loading.tables import (
    MISSING_BOOLEAN,
    MISSING_CODE,
    MISSING_DAY,
    Table,
    dtype_for,
    raw_missing,
)
from outcomespec.loading.values import (
    EMPTY,
    EPOCH,
    EXACT_INTEGER,
    MISSING_EMPTY,
    RULES,
    Bad,
    Missing,
    Reader,
    is_null,
    number_text,
    object_text,
    shown,
    value_reader,
)
from outcomespec.model.notes import marker_of

__all__ = ["SPACES", "ColumnConverter", "ConvertedColumn", "all_missing", "display_value",
           "in_range"]

SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
          "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""The characters Python's `str.strip()` removes (those `str.isspace` is true of): what
`pc.utf8_trim` is given, so that texts are stripped exactly as each value is."""

_WHOLE = re.compile(r"-?[0-9]+")
_INT32 = np.iinfo(np.int32)
_INT64_MIN = np.iinfo(np.int64).min
Problems = dict[str, tuple[npt.NDArray[np.intp], Callable[[int], Bad]]]
_LOWEST_DAY, _HIGHEST_DAY = -(2**31) + 1, 2**31 - 1


@frozen
class ConvertedColumn:
    """One converted column: values as stored, missing counts by rule, rows to report by
    code, which missing-value symbol made each value missing (`markers`, None when none
    did) and, for a text or identifier column, its distinct texts."""

    values: npt.NDArray[Any]
    missing: dict[str, int]
    problems: Problems
    markers: npt.NDArray[np.int8] | None = None
    texts: Any = None


class ColumnConverter:
    """Converts the raw columns of one dataset to stored arrays, one column at a time.

    >>> ds = m.Dataset(name="demo.t", rows="child", columns=(m.Column(name="N", type=m.NUMBER),),
    ...                missing_symbols=("c",))
    >>> converted = ColumnConverter(ds, {}).convert(ds.columns[0], ["1,200", "c", "x"])
    >>> converted.values.tolist(), converted.missing
    ([1200.0, nan, nan], {'symbol "c"': 1, 'D105 not a number': 1})
    >>> converted.markers.tolist()  # `c`: Marker.SUPPRESSED; `x` is not a declared symbol
    [0, 6, 0]
    """

    def __init__(self, dataset: m.Dataset, codelists: Mapping[str, m.Codelist]) -> None:
        self.dataset = dataset
        self.codelists = codelists
        self.symbols = tuple(sorted(set(dataset.missing_symbols)))
        self.numeric_symbol = any(_WHOLE.fullmatch(symbol) for symbol in self.symbols)

    def convert(self, column: m.Column, raw: Any,
                reread: Callable[[], Any] | None = None) -> ConvertedColumn:
        """One column's values: a pyarrow array (a file or an Arrow table), a NumPy array or
        a sequence. `reread`, for a column of a CSV file: the column read again as text
        (its dictionaries are pyarrow's own, each text once)."""
        if isinstance(raw, pa.ChunkedArray | pa.Array):
            return self._convert_arrow(column, raw, reread)
        values = raw if isinstance(raw, np.ndarray) else np.asarray(raw)
        if values.dtype.kind in "US":
            texts = (np.char.decode(values, "utf-8", "replace") if values.dtype.kind == "S"
                     else values)
            return self._convert_arrow(column, pa.array(texts, type=pa.string()), None)
        typed = self._convert_typed(column, values)
        return typed if typed is not None else self._convert_objects(column, values)

    def _convert_arrow(self, column: m.Column, raw: Any,
                       reread: Callable[[], Any] | None) -> ConvertedColumn:
        kind = raw.type
        if pa.types.is_dictionary(kind) or pa.types.is_string(kind) \
                or pa.types.is_large_string(kind):
            if column.type.kind is m.ValueKind.IDENTIFIER and not pa.types.is_dictionary(kind):
                numbers = self._whole_numbers(raw)
                if numbers is not None:
                    return self._convert_numbered(column, numbers)
            indices, distinct = coding.dictionary_codes(raw, unique=reread is not None)
            return self._convert_distinct(column, distinct, indices)
        if pa.types.is_floating(kind) and reread is not None and self._unquotable(column, raw):
            return self._convert_arrow(column, reread(), None)
        if pa.types.is_floating(kind) or pa.types.is_integer(kind) \
                or pa.types.is_boolean(kind) or pa.types.is_temporal(kind):
            values = _numpy_of(raw)
            typed = self._convert_typed(column, values)
            if typed is not None:
                return typed
            return self._convert_objects(column, values)
        return self._convert_objects(column, np.asarray(raw.to_pylist(), dtype=object))

    def _whole_numbers(self, texts: Any) -> Any:
        """Identifiers as int64 when every one is a whole number written plainly (as SSDA903
        and CIN identifiers are: no sign but a minus, no leading zero, no space), else None.

        Why: a number is coded several times quicker than a text, and converting each back
        to text gives the text the file wrote, so nothing is lost.
        """
        if self.numeric_symbol:
            return None
        try:  # digits after an optional minus; also a leading zero or `0x`, refused below
            numbers = pc.cast(texts, pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        padded = pc.or_(pc.and_(pc.starts_with(texts, "0"), pc.greater(pc.binary_length(texts), 1)),
                        pc.starts_with(texts, "-0"))
        if pc.any(padded).as_py() or pc.any(pc.equal(numbers, _INT64_MIN)).as_py():
            return None  # the one number that stands for a missing one
        return numbers

    def _convert_numbered(self, column: m.Column, numbers: Any) -> ConvertedColumn:
        """Identifiers read as whole numbers (nulls for empty cells), kept as the numbers for
        `identifiers.share_codes` to code: int32 when they fit (four bytes a row while a
        national file is read), with the smallest number of the type for a missing one."""
        bounds = pc.min_max(numbers)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        fits = low is None or (_INT32.min < low and high <= _INT32.max)
        kind = np.int32 if fits else np.int64
        values: npt.NDArray[np.signedinteger[Any]] = np.asarray(
            pc.fill_null(numbers.cast(pa.int32() if fits else pa.int64()),
                         np.iinfo(kind).min).to_numpy(zero_copy_only=False), dtype=kind)
        empty = np.flatnonzero(raw_missing(values))
        problems: Problems = {}
        if len(empty) and not column.optional:
            problems["D109"] = (empty, self._empty(column))
        return ConvertedColumn(values, {EMPTY: len(empty)}, problems)

    def _unquotable(self, column: m.Column, numbers: Any) -> bool:
        """Whether a file's numbers, as pyarrow parsed them, hold a value whose message must
        quote the text the file wrote: `nan`, `inf`, or in an integer column a fraction or
        a number too large to hold exactly."""
        odd = pc.or_(pc.is_nan(numbers), pc.is_inf(numbers))
        if column.type.integer:
            odd = pc.or_(odd, pc.or_(pc.not_equal(pc.floor(numbers), numbers),
                                     pc.greater(pc.abs(numbers), EXACT_INTEGER)))
        return bool(pc.any(odd).as_py())

    def _convert_distinct(self, column: m.Column, distinct: Any,
                          indices: npt.NDArray[np.int32]) -> ConvertedColumn:
        """A column given as its distinct values (a pyarrow string array, each once) and
        each row's index among them (-1 for a null)."""
        kind = column.type.kind
        if kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER):
            return self._convert_texts(column, distinct, indices)
        read = self._reader(column)
        if kind is m.ValueKind.DATE:
            return self._spread(column, _read_dates(distinct, read, self.symbols), indices)
        return self._spread(column, [read(text) for text in distinct.to_pylist()], indices)

    def _convert_texts(self, column: m.Column, distinct: Any,
                       indices: npt.NDArray[np.int32]) -> ConvertedColumn:
        """Text or identifiers: the distinct texts stripped (and, where two become one,
        encoded again), empty texts and missing-value symbols taken out."""
        if len(distinct):
            stripped = pc.utf8_trim(distinct, characters=SPACES)
            if not pc.all(pc.equal(stripped, distinct)).as_py():
                remap, distinct = coding.dictionary_codes(stripped)
                indices = np.append(remap, np.int32(-1))[indices]
        empty = np.append(_hits(distinct, ""), True)  # the last entry: a null
        hits = {symbol: np.append(_hits(distinct, symbol), False) for symbol in self.symbols}
        gone = empty.copy()
        for found in hits.values():
            gone |= found
        counts = _counts(indices, np.flatnonzero(gone), len(gone))
        missing = {EMPTY: sum(counts[i] for i in np.flatnonzero(empty).tolist())}
        problems: Problems = {}
        markers = None
        marks = np.zeros(len(gone), dtype=np.int8)
        for symbol, found in hits.items():
            count = sum(counts[i] for i in np.flatnonzero(found).tolist())
            if count:
                missing[f'symbol "{symbol}"'] = count
                marks[found] = marker_of(symbol)
        if marks.any():
            markers = marks[indices]
        if missing[EMPTY] and not column.optional:
            problems["D109"] = (np.flatnonzero(empty[indices]), self._empty(column))
        indices, distinct = coding.without_entries(indices, distinct, gone[:-1])
        return ConvertedColumn(indices, missing, problems, markers, distinct)

    def _spread(self, column: m.Column, outcomes: Sequence[Any],
                indices: npt.NDArray[np.int32]) -> ConvertedColumn:
        """The rows' values from what each distinct value was read as (`outcomes`, in the
        order `indices` point into; -1, the last entry, is a null, read as empty). Only the
        rows' values and the rows to report are made the size of the column."""
        entries = [*outcomes, MISSING_EMPTY]
        codelist = self.codelists.get(column.type.codelist or "")
        stored = _stored(column, [None if isinstance(o, Missing | Bad) else o for o in entries],
                         len(codelist.codes) if codelist is not None else 0)
        unread = [i for i, o in enumerate(entries) if isinstance(o, Missing | Bad)]
        counts = _counts(indices, np.asarray(unread, dtype=np.intp), len(entries))
        missing: dict[str, int] = {}
        by_code: dict[str, list[int]] = {}
        marks = np.zeros(len(entries), dtype=np.int8)
        for index in unread:
            outcome, count = entries[index], counts[index]
            if not count:
                continue
            rule = outcome.rule if isinstance(outcome, Missing) else RULES[outcome.code]
            missing[rule] = missing.get(rule, 0) + count
            if isinstance(outcome, Missing):
                marks[index] = outcome.marker
            else:
                by_code.setdefault(outcome.code, []).append(index)
        problems: Problems = {}

        def describe(row: int) -> Bad:
            outcome = entries[indices[row]]
            assert isinstance(outcome, Bad)
            return outcome

        for code, found in by_code.items():
            flags = np.zeros(len(entries), dtype=np.bool_)
            flags[found] = True
            problems[code] = (np.flatnonzero(flags[indices]), describe)
        if missing.get(EMPTY) and not column.optional:
            flags = np.asarray([outcome is MISSING_EMPTY for outcome in entries], dtype=np.bool_)
            problems["D109"] = (np.flatnonzero(flags[indices]), self._empty(column))
        return ConvertedColumn(stored[indices], missing, problems,
                               marks[indices] if marks.any() else None)

    def _convert_objects(self, column: m.Column, values: npt.NDArray[Any]) -> ConvertedColumn:
        """Python objects (mixed types, None for missing), each distinct one read once."""
        items = values.astype(str).tolist() if values.dtype.kind in "mM" else values.tolist()
        distinct, inverse = coding.factorize_objects(items)
        indices = inverse.astype(np.int32)
        if column.type.kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER):
            texts = ["" if is_null(v) else v if isinstance(v, str) else object_text(v)
                     for v in distinct]
            remap, unique = coding.dictionary_codes(pa.array(texts, type=pa.string()))
            return self._convert_texts(column, unique, np.append(remap, -1)[indices])
        read = self._reader(column)
        return self._spread(column, [read(value) for value in distinct], indices)

    def _convert_typed(self, column: m.Column, values: npt.NDArray[Any]
                       ) -> ConvertedColumn | None:
        """Numbers, booleans and dates already typed (pandas, pyarrow, NumPy), whole arrays."""
        kind = column.type.kind
        dtype = values.dtype.kind
        problems: Problems = {}
        if kind is m.ValueKind.DATE and dtype == "M":
            wide = values.astype("datetime64[D]")
            empty = np.isnat(wide)
            days = wide.view(np.int64)
            bad = ~empty & ((days < _LOWEST_DAY) | (days > _HIGHEST_DAY))
            out: npt.NDArray[Any] = np.where(empty | bad, MISSING_DAY, days).astype(np.int32)
            code = "D102"
        elif kind is m.ValueKind.NUMBER and dtype in "iuf":
            out = values.astype(np.float64, copy=False)
            empty = np.isnan(out)
            bad = np.isinf(out)
            if column.type.integer:
                with np.errstate(invalid="ignore"):
                    bad |= ~empty & ((out != np.floor(out)) | (np.abs(out) > EXACT_INTEGER))
            if bad.any():  # never written into the array given
                out = np.where(bad, np.nan, out)
            code = "D105"
        elif kind is m.ValueKind.BOOLEAN and dtype in "biuf":
            number = values.astype(np.float64)
            empty = np.isnan(number)
            out = np.where(number == 1, 1, np.where(number == 0, 0, MISSING_BOOLEAN))
            out = out.astype(np.int8)
            bad = ~empty & (out == MISSING_BOOLEAN)
            code = "D106"
        else:
            return None
        missing = {EMPTY: int(empty.sum())}
        if bad.any():
            read = self._reader(column)

            def describe(row: int) -> Bad:
                value = values[row]
                outcome = read(value.item()) if kind is not m.ValueKind.DATE else Bad(
                    "D102", f"`{shown(str(value))}` in column `{column.name}` is not a date",
                    None)
                assert isinstance(outcome, Bad)
                return outcome

            missing[RULES[code]] = int(bad.sum())
            problems[code] = (np.flatnonzero(bad), describe)
        if missing[EMPTY] and not column.optional:
            problems["D109"] = (np.flatnonzero(empty), self._empty(column))
        return ConvertedColumn(out, missing, problems)

    def _reader(self, column: m.Column) -> Reader:
        return value_reader(column, self.dataset, self.codelists)

    def _empty(self, column: m.Column) -> Callable[[int], Bad]:
        bad = Bad("D109", f"column `{column.name}` has no value but is not declared "
                  "`optional`; read as missing",
                  "fill in the value, or declare the column `optional` if it may be missing")
        return lambda row: bad


def _counts(indices: npt.NDArray[np.int32], wanted: npt.NDArray[np.intp], entries: int
            ) -> dict[int, int]:
    """How many rows point to each of the `wanted` entries of `entries` (the last, -1, being
    a null): a pass over the column for each when they are few, as they nearly always are
    (the empty value, a symbol), else one count of them all."""
    if len(wanted) <= 8:
        return {int(w): int(np.count_nonzero(indices == (w if w < entries - 1 else -1)))
                for w in wanted.tolist()}
    values, counts = np.unique(indices, return_counts=True)
    found = dict(zip((v % entries for v in values.tolist()), counts.tolist(), strict=True))
    return {int(w): found.get(int(w), 0) for w in wanted.tolist()}


def _hits(distinct: Any, text: str) -> npt.NDArray[np.bool_]:
    """Which of the distinct texts equal `text`."""
    if not len(distinct):
        return np.zeros(0, dtype=np.bool_)
    found = pc.equal(distinct, text).to_numpy(zero_copy_only=False)
    return np.asarray(found, dtype=np.bool_)


def _numpy_of(values: Any) -> npt.NDArray[Any]:
    """A typed Arrow column as a NumPy array: nulls as NaN (numbers, booleans, as float) or
    NaT (dates); a timestamp with a time zone as the wall-clock time of its own zone.

    Why the wall clock: NumPy has no time zones, and Arrow hands over a zoned timestamp in
    UTC, so midnight of a summer day in London would become 23:00 of the day before, and
    its date a day early. The date a return records is the one on the calendar where it
    was written.
    """
    kind = values.type
    if pa.types.is_timestamp(kind) and kind.tz:
        values = pc.local_timestamp(values)
    elif pa.types.is_boolean(kind):
        values = values.cast(pa.int8())
    return np.asarray(values.to_numpy(zero_copy_only=False))


def _read_dates(distinct: Any, read: Reader, symbols: Sequence[str]) -> list[Any]:
    """What each distinct date text reads as: those written exactly dd/mm/YYYY or
    YYYY-MM-DD (nearly all) as days, by array operations on their characters; the others
    (times, one-digit days, missing-value symbols, mistakes) by `read`, one by one."""
    outcomes: list[Any] = [None] * len(distinct)
    exact, days = _exact_dates(distinct)
    for symbol in symbols:  # a symbol is a symbol, even written like a date
        exact &= ~_hits(distinct, symbol)
    for index, day in zip(np.flatnonzero(exact).tolist(), days[exact].tolist(), strict=True):
        outcomes[index] = day
    texts = distinct.to_pylist() if not exact.all() else []
    for index in np.flatnonzero(~exact).tolist():
        outcomes[index] = read(texts[index])
    return outcomes


def _exact_dates(distinct: Any) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Which distinct texts are a date written exactly dd/mm/YYYY or YYYY-MM-DD (ASCII digits,
    a day that exists), and the day each names (days since 1970-01-01).

    >>> exact, days = _exact_dates(pa.array(["02/01/1970", "1970-01-03", "31/02/2024", "x"]))
    >>> exact.tolist(), days[exact].tolist()
    ([True, True, False, False], [1, 2])
    """
    n = len(distinct)
    exact = np.zeros(n, dtype=np.bool_)
    days = np.zeros(n, dtype=np.int64)
    lengths = np.asarray(pc.binary_length(distinct).to_numpy(zero_copy_only=False))
    candidates = np.flatnonzero(lengths == 10)
    if not len(candidates):
        return exact, days
    taken = distinct.take(pa.array(candidates))
    offsets = np.frombuffer(taken.buffers()[1], dtype=np.int32 if pa.types.is_string(
        taken.type) else np.int64, count=len(taken) + 1, offset=taken.offset * (
        4 if pa.types.is_string(taken.type) else 8))
    chars = np.frombuffer(taken.buffers()[2], dtype=np.uint8, count=10 * len(taken),
                          offset=int(offsets[0])).reshape(len(taken), 10).astype(np.int64)
    digits = chars - ord("0")
    is_digit = (digits >= 0) & (digits <= 9)
    uk = (chars[:, 2] == ord("/")) & (chars[:, 5] == ord("/"))
    iso = (chars[:, 4] == ord("-")) & (chars[:, 7] == ord("-"))
    places = np.where(uk[:, None], [0, 1, 3, 4, 6, 7, 8, 9], [8, 9, 5, 6, 0, 1, 2, 3])
    d = np.take_along_axis(digits, places, axis=1)  # day, month, year digits
    shape = np.take_along_axis(is_digit, places, axis=1).all(axis=1) & (uk | iso)
    day = d[:, 0] * 10 + d[:, 1]
    month = d[:, 2] * 10 + d[:, 3]
    year = d[:, 4] * 1000 + d[:, 5] * 100 + d[:, 6] * 10 + d[:, 7]
    shape &= (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1)
    months = np.where(shape, (year - 1970) * 12 + month - 1, 0)
    first = months.astype("datetime64[M]").astype("datetime64[D]").view(np.int64)
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]").view(np.int64)
    shape &= day <= following - first
    exact[candidates] = shape
    days[candidates] = first + day - 1
    return exact, days


def _stored(column: m.Column, values: list[Any], codes: int) -> npt.NDArray[Any]:
    """Converted distinct values (None where missing) as an array of the stored dtype;
    `codes`: how many codes a code column's codelist has."""
    match column.type.kind:
        case m.ValueKind.CODE:
            return np.asarray([MISSING_CODE if v is None else v for v in values],
                              dtype=dtype_for(column.type, codes))
        case m.ValueKind.BOOLEAN:
            return np.asarray([MISSING_BOOLEAN if v is None else v for v in values],
                              dtype=np.int8)
        case m.ValueKind.DATE:
            return np.asarray([MISSING_DAY if v is None else v if isinstance(v, int)
                               else (v - EPOCH).days for v in values], dtype=np.int32)
        case m.ValueKind.NUMBER:
            return np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
        case _:
            raise ValueError(f"{column.type.kind} columns are stored as texts")


def in_range(column: m.Column, converted: ConvertedColumn) -> ConvertedColumn:
    """The converted column with each value outside the column's declared `range` read as
    missing, under a D120 diagnostic naming the value and the end it passes.

    Why: a value no return can hold (an SDQ score of 400, a birth in 1066) is a typing
    error, and counted as it stands it moves a mean or a cohort without a word.

    >>> col = m.Column(name="SDQ", type=m.NUMBER, optional=True, bounds=m.ValueRange(0.0, 40.0))
    >>> checked = in_range(col, ConvertedColumn(np.array([12.0, -40.0, np.nan]), {}, {}))
    >>> checked.values.tolist(), checked.missing
    ([12.0, nan, nan], {'D120 outside its range': 1})
    >>> checked.problems["D120"][1](1).message
    '`-40` in column `SDQ` is below 0, the lowest value its `range 0 .. 40` allows'
    """
    bounds = column.bounds
    if bounds is None:
        return converted
    values = converted.values
    dates = column.type.kind is m.ValueKind.DATE

    def end(bound: float | dt.date | None) -> Any:
        return (bound - EPOCH).days if isinstance(bound, dt.date) else bound

    low, high = end(bounds.low), end(bounds.high)
    present = values != MISSING_DAY if dates else np.ones(len(values), dtype=np.bool_)
    below = present & (values < low) if low is not None else np.zeros(len(values), np.bool_)
    above = present & (values > high) if high is not None else np.zeros(len(values), np.bool_)
    outside = below | above
    if not outside.any():
        return converted
    rows = np.flatnonzero(outside)
    words = {False: ("below", "lowest", "above", "highest"),
             True: ("before", "earliest", "after", "latest")}[dates]

    def describe(row: int) -> Bad:
        value = values[row]
        text = _date_text(int(value)) if dates else number_text(float(value))
        side, extreme, bound = ((words[0], words[1], bounds.low) if below[row]
                                else (words[2], words[3], bounds.high))
        assert bound is not None
        limit = bound.isoformat() if isinstance(bound, dt.date) else number_text(bound)
        return Bad("D120", f"`{text}` in column `{column.name}` is {side} {limit}, the "
                   f"{extreme} value its `range {bounds}` allows",
                   "correct the value, or leave the cell empty when it is not known")

    out = values.copy()
    out[rows] = all_missing(column, 1)[0]
    return evolve(converted, values=out,
                  missing={**converted.missing, RULES["D120"]: len(rows)},
                  problems={**converted.problems, "D120": (rows, describe)})


def all_missing(column: m.Column, n: int) -> npt.NDArray[Any]:
    """A column of `n` missing values as stored (for a column the file lacks).

    >>> all_missing(m.Column(name="N", type=m.NUMBER, optional=True), 2).tolist()
    [nan, nan]
    """
    dtype = dtype_for(column.type)
    match column.type.kind:
        case m.ValueKind.CODE | m.ValueKind.TEXT | m.ValueKind.IDENTIFIER:
            return np.full(n, MISSING_CODE, dtype=dtype)
        case m.ValueKind.BOOLEAN:
            return np.full(n, MISSING_BOOLEAN, dtype=dtype)
        case m.ValueKind.DATE:
            return np.full(n, MISSING_DAY, dtype=dtype)
        case _:
            return np.full(n, np.nan, dtype=dtype)


def display_value(table: Table, name: str, row: int) -> str:
    """One stored value as a message quotes it: a code or a text as written, a date as
    YYYY-MM-DD, whole numbers without `.0`."""
    value = table.columns[name][row]
    column = table.dataset.column(name)
    kind = column.type.kind if column is not None else None
    if kind is m.ValueKind.CODE:
        return table.codes_of(name)[int(value)]
    if kind is m.ValueKind.NUMBER:
        return number_text(float(value))
    if kind is m.ValueKind.DATE:
        return "NaT" if value == MISSING_DAY else _date_text(int(value))
    if kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER):
        return shown(str(table.texts[name][int(value)].as_py()) if value >= 0 else "")
    return shown(str(value))


def _date_text(day: int) -> str:
    """A stored date as YYYY-MM-DD."""
    return str(np.datetime64(day, "D"))
