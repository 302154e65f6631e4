"""Converting raw columns to typed arrays: one reader per declared type, and what was missing.

Each column is converted once per distinct value, the results spread back by index, and text
columns are stripped with NumPy string operations on the whole column, so that national files
of some 650,000 rows convert in array time. A value that cannot be read becomes missing, with
the diagnostic it gets (`Bad`, less its place: `outcomespec.loading.loader` adds the file and line).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import evolve, frozen

from outcomespec import model as m
from outcomespec.language.diagnostics import did_you_mean
from outcomespec.loading import coding
from outcomespec.loading.tables import MISSING_BOOLEAN, MISSING_CODE, Table, dtype_for
from outcomespec.model.notes import Marker, marker_of

__all__ = ["EMPTY", "RULES", "Bad", "ColumnConverter", "ConvertedColumn", "all_missing",
           "display_value", "group_ids", "in_range", "value_hashes"]

EMPTY = "empty"
RULES = {
    "D102": "D102 unparseable date",
    "D103": "D103 unknown code",
    "D104": "D104 unknown code",
    "D105": "D105 not a number",
    "D106": "D106 not a true/false value",
    "D120": "D120 outside its range",
}
"""The report's rule for values read as missing because a diagnostic of that code was given."""

DATE_HELP = "write dates as dd/mm/YYYY or YYYY-MM-DD"
BOOLEAN_HELP = ("write 1 or 0 (true/false, yes/no and Y/N are read too); leave the cell empty "
                "when the value is not known")

_TRUE = frozenset({"1", "true", "yes", "y"})
_FALSE = frozenset({"0", "false", "no", "n"})
_TIME = r"(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?"
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})" + _TIME)
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_EXACT_INTEGER = 2.0**53
_DIGIT_PAIRS = np.full(1 << 16, 100, dtype=np.uint8)
for _tens in range(10):
    for _units in range(10):
        _DIGIT_PAIRS[(ord("0") + _tens) | (ord("0") + _units) << 8] = _tens * 10 + _units
"""Two characters as a little-endian 16-bit number → their value 0–99, or 100."""
_FIRST_MONTHS = np.arange(12 * 10000).astype("datetime64[M]") - np.timedelta64(12 * 1970, "M")
_MONTH_STARTS = _FIRST_MONTHS.astype("datetime64[D]").astype(np.int64)
"""Months from January of year 0 → the first day of the month (days from 1970-01-01)."""
_MONTH_LENGTHS = np.diff(_MONTH_STARTS, append=_MONTH_STARTS[-1] + 31)
"""Months from January of year 0 → the number of days in the month."""
_EXACT_DATE = re.compile(r"[0-9]{2}/[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}")


@frozen
class Bad:
    """A value that could not be read: the diagnostic it gets, less its place."""

    code: str
    message: str
    help: str | None


@frozen
class _Missing:
    """A value read as missing, the rule that says so, and the symbol's marker if any."""

    rule: str
    marker: Marker = Marker.NONE


_EMPTY = _Missing(EMPTY)


@frozen
class ConvertedColumn:
    """One converted column: values, missing counts by rule, rows to report by code, and
    which missing-value symbol made each value missing (`markers`, None when none did)."""

    values: npt.NDArray[Any]
    missing: dict[str, int]
    problems: dict[str, tuple[npt.NDArray[np.intp], Callable[[int], Bad]]]
    markers: npt.NDArray[np.int8] | None = None


class ColumnConverter:
    """Converts the raw columns of one dataset to typed arrays, one column at a time.

    >>> ds = m.Dataset(name="demo.t", rows="child", columns=(m.Column(name="N", type=m.NUMBER),),
    ...                missing_symbols=("c",))
    >>> converted = ColumnConverter(ds, {}).convert(ds.columns[0], ["1,200", "c", "x"], True)
    >>> converted.values.tolist(), converted.missing
    ([1200.0, nan, nan], {'symbol "c"': 1, 'D105 not a number': 1})
    >>> converted.markers.tolist()  # `c`: Marker.SUPPRESSED; `x` is not a declared symbol
    [0, 6, 0]
    """

    def __init__(self, dataset: m.Dataset, codelists: Mapping[str, m.Codelist]) -> None:
        self.dataset = dataset
        self.codelists = codelists
        self.symbols = frozenset(dataset.missing_symbols)

    def convert(self, column: m.Column, values: Any, texts: bool) -> ConvertedColumn:
        """One column's values (str from CSV, or an array) as the column's typed array."""
        kind = column.type.kind
        if kind in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER) and texts:
            return self._convert_text(column, values)
        if isinstance(values, np.ndarray):
            fast = self._convert_typed(column, values)
            if fast is None and kind is m.ValueKind.DATE and values.dtype.kind in "SU":
                fast = self._convert_date_texts(column, values)
            if fast is not None:
                return fast
        return self._convert_each(column, values)

    def _convert_each(self, column: m.Column, values: Any,
                      also: npt.NDArray[np.uint64] | None = None) -> ConvertedColumn:
        """Each distinct value read once. `also`: hashes of other values of the column, read
        elsewhere, that decide the order of the distinct values with these."""
        if isinstance(values, np.ndarray) and values.dtype.kind in "SU":
            uniques, inverse = _factorize_text_array(values, also)
        else:
            if isinstance(values, np.ndarray):
                values = values.astype(str) if values.dtype.kind in "mM" else values.tolist()
            uniques, inverse = _factorize(values)
        parse = self._parser(column)
        parsed = [parse(value) for value in uniques]
        counts = np.bincount(inverse, minlength=len(uniques))
        missing: dict[str, int] = {}
        by_code: dict[str, list[int]] = {}
        for index, outcome in enumerate(parsed):
            if isinstance(outcome, _Missing):
                missing[outcome.rule] = missing.get(outcome.rule, 0) + int(counts[index])
            elif isinstance(outcome, Bad):
                rule = RULES[outcome.code]
                missing[rule] = missing.get(rule, 0) + int(counts[index])
                by_code.setdefault(outcome.code, []).append(index)
        problems: dict[str, tuple[npt.NDArray[np.intp], Callable[[int], Bad]]] = {}

        def describe(row: int) -> Bad:
            outcome = parsed[inverse[row]]
            assert isinstance(outcome, Bad)
            return outcome

        for code, indices in by_code.items():
            flags = np.zeros(len(uniques), dtype=np.bool_)
            flags[indices] = True
            problems[code] = (np.flatnonzero(flags[inverse]), describe)
        if missing.get(EMPTY) and not column.optional:
            flags = np.asarray([outcome is _EMPTY for outcome in parsed], dtype=np.bool_)
            problems["D109"] = (np.flatnonzero(flags[inverse]), self._empty(column))
        good = [None if isinstance(o, _Missing | Bad) else o for o in parsed]
        marks = np.array([o.marker if isinstance(o, _Missing) else Marker.NONE
                          for o in parsed], dtype=np.int8)
        return ConvertedColumn(_typed(column, good)[inverse], missing, problems,
                               marks[inverse] if marks.any() else None)

    def _convert_date_texts(self, column: m.Column, values: npt.NDArray[Any]
                            ) -> ConvertedColumn | None:
        """Dates written exactly as dd/mm/YYYY or YYYY-MM-DD (as bytes, from a CSV file), read
        by array operations on their characters; every other value (and a date with no such
        day) as `convert` reads it. None when a missing-value symbol looks like such a date.

        Each pair of digits is looked up as one 16-bit number in a table of the pairs'
        values; each year and month in a table of the first day and the length of the month.
        """
        width = values.dtype.itemsize
        if (values.dtype.kind != "S" or width < 10 or not len(values)
                or any(_exact_date(symbol) for symbol in self.symbols)):
            return None
        values = np.ascontiguousarray(values)
        chars = values.view(np.uint8).reshape(len(values), width)

        def pair(offset: int) -> npt.NDArray[np.uint8]:
            """The two characters at `offset` of each value as a number 0–99, else 100."""
            words = np.ndarray((len(values),), dtype="<u2", buffer=values, offset=offset,
                               strides=(width,))
            pairs: npt.NDArray[np.uint8] = _DIGIT_PAIRS[words]
            return pairs

        ended = (chars[:, 10:] == 0).all(axis=1) if width > 10 else True
        uk = ended & (chars[:, 2] == ord("/")) & (chars[:, 5] == ord("/"))
        iso = ended & (chars[:, 4] == ord("-")) & (chars[:, 7] == ord("-"))
        if uk.all():  # dd/mm/YYYY: day, month, century, year of the century
            parts = [pair(0), pair(3), pair(6), pair(8)]
        elif iso.all():
            parts = [pair(8), pair(5), pair(0), pair(2)]
        else:
            parts = [np.where(uk, a, b) for a, b in zip(
                (pair(0), pair(3), pair(6), pair(8)), (pair(8), pair(5), pair(0), pair(2)),
                strict=True)]
        day, month, century, year = parts
        good = (uk | iso) & (np.maximum(np.maximum(day, month), np.maximum(century, year))
                             < 100) & (month >= 1) & (month <= 12) & (day >= 1)
        months = century.astype(np.int32) * 1200 + year.astype(np.int32) * 12 + month - 1
        months = np.where(good, months, 12)  # a month that exists (January of year 1)
        good &= (months >= 12) & (day <= _MONTH_LENGTHS[months])
        ordinal = _MONTH_STARTS[months] + day.astype(np.int64) - 1
        out = np.where(good, ordinal, np.iinfo(np.int64).min).view("datetime64[D]")
        rest = np.flatnonzero(~good)
        if not len(rest):
            return ConvertedColumn(out, {}, {})
        # The other values are read one distinct value at a time, in the order they have
        # among all the column's distinct values, which depends on those read here.
        read = np.flatnonzero(good)
        codes, n_read = coding.factorize((ordinal * 2 + iso)[read])
        example = np.zeros(n_read, dtype=np.intp)
        example[codes] = read
        others = self._convert_each(column, values[rest],
                                    _row_hashes(coding.characters(values[example])))
        out[rest] = others.values
        problems = {code: (rest[rows], _in_subset(describe, rest))
                    for code, (rows, describe) in others.problems.items()}
        markers = None
        if others.markers is not None:
            markers = np.zeros(len(values), dtype=np.int8)
            markers[rest] = others.markers
        return ConvertedColumn(out, others.missing, problems, markers)

    def _convert_text(self, column: m.Column, values: Sequence[Any]) -> ConvertedColumn:
        array = _text_array(values)
        missing: dict[str, int] = {}
        empty = array == ""
        missing[EMPTY] = int(empty.sum())
        markers = None
        for symbol in sorted(self.symbols):
            hits = array == symbol
            count = int(hits.sum())
            if count:
                missing[f'symbol "{symbol}"'] = count
                array[hits] = ""
                if markers is None:
                    markers = np.zeros(len(array), dtype=np.int8)
                markers[hits] = marker_of(symbol)
        problems: dict[str, tuple[npt.NDArray[np.intp], Callable[[int], Bad]]] = {}
        if missing[EMPTY] and not column.optional:
            problems["D109"] = (np.flatnonzero(empty), self._empty(column))
        return ConvertedColumn(array, missing, problems, markers)

    def _convert_typed(self, column: m.Column, values: npt.NDArray[Any]) -> ConvertedColumn | None:
        """Numbers, booleans and dates already typed (pandas, pyarrow, NumPy), whole arrays."""
        kind = column.type.kind
        dtype = values.dtype.kind
        problems: dict[str, tuple[npt.NDArray[np.intp], Callable[[int], Bad]]] = {}
        if kind is m.ValueKind.DATE and dtype == "M":
            out: npt.NDArray[Any] = values.astype("datetime64[D]")
            empty = np.isnat(out)
            bad = np.zeros(len(out), dtype=np.bool_)
        elif kind is m.ValueKind.NUMBER and dtype in "iuf":
            out = values.astype(np.float64)
            empty = np.isnan(out)
            bad = np.isinf(out)
            if column.type.integer:
                with np.errstate(invalid="ignore"):
                    bad |= ~empty & ((out != np.floor(out)) | (np.abs(out) > _EXACT_INTEGER))
            out[bad] = np.nan
        elif kind is m.ValueKind.BOOLEAN and dtype in "biuf":
            number = values.astype(np.float64)
            empty = np.isnan(number)
            out = np.where(number == 1, 1, np.where(number == 0, 0, MISSING_BOOLEAN))
            out = out.astype(np.int8)
            bad = ~empty & (out == MISSING_BOOLEAN)
        else:
            return None
        missing = {EMPTY: int(empty.sum())}
        if bad.any():
            parse = self._parser(column)

            def describe(row: int) -> Bad:
                outcome = parse(values[row].item())
                assert isinstance(outcome, Bad)
                return outcome

            code = "D106" if kind is m.ValueKind.BOOLEAN else "D105"
            missing[RULES[code]] = int(bad.sum())
            problems[code] = (np.flatnonzero(bad), describe)
        if missing[EMPTY] and not column.optional:
            problems["D109"] = (np.flatnonzero(empty), self._empty(column))
        return ConvertedColumn(out, missing, problems)

    def _empty(self, column: m.Column) -> Callable[[int], Bad]:
        bad = Bad("D109", f"column `{column.name}` has no value but is not declared "
                   "`optional`; read as missing",
                   "fill in the value, or declare the column `optional` if it may be missing")
        return lambda row: bad

    def _parser(self, column: m.Column) -> Callable[[Any], Any]:
        """Value as read → converted value, `_Missing` or `Bad`, for one column's type."""
        kind = column.type.kind
        symbols = self.symbols
        from_text: Callable[[str, str], Any]
        from_object: Callable[[Any, str], Any]
        match kind:
            case m.ValueKind.DATE:
                from_text, from_object = _date_from_text, _date_from_object
            case m.ValueKind.NUMBER:
                symbols_help = (", or one of the missing-value symbols "
                                + ", ".join(f"`{s}`" for s in self.dataset.missing_symbols)
                                if self.dataset.missing_symbols else "")
                from_text = _number_parser(column.type.integer, symbols_help)
                from_object = _number_from_object(column.type.integer)
            case m.ValueKind.BOOLEAN:
                from_text, from_object = _boolean_from_text, _boolean_from_object
            case m.ValueKind.CODE:
                assert column.type.codelist is not None
                from_text = _code_parser(self.codelists[column.type.codelist],
                                         self.dataset.unknown_codes, by_label=column.by_label)
                from_object = _no_object
            case _:
                from_text, from_object = _text_from_text, _no_object
        name = column.name

        def parse(value: Any) -> Any:
            if isinstance(value, str):
                text = value.strip()
            elif _is_null(value):
                return _EMPTY
            else:
                converted = from_object(value, name)
                if converted is not None:
                    return converted
                text = _object_text(value).strip()
            if not text:
                return _EMPTY
            if text in symbols:
                return _Missing(f'symbol "{text}"', marker_of(text))
            return from_text(text, name)

        return parse


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
        return np.datetime64(bound, "D") if isinstance(bound, dt.date) else bound

    low, high = end(bounds.low), end(bounds.high)
    below = values < low if low is not None else np.zeros(len(values), dtype=np.bool_)
    above = values > high if high is not None else np.zeros(len(values), dtype=np.bool_)
    outside = below | above
    if not outside.any():
        return converted
    rows = np.flatnonzero(outside)
    shown = {False: ("below", "lowest", "above", "highest"),
             True: ("before", "earliest", "after", "latest")}[dates]

    def describe(row: int) -> Bad:
        value = values[row]
        text = str(value) if dates else _number_text(float(value))
        side, extreme, bound = ((shown[0], shown[1], bounds.low) if below[row]
                                else (shown[2], shown[3], bounds.high))
        assert bound is not None
        limit = bound.isoformat() if isinstance(bound, dt.date) else _number_text(bound)
        return Bad("D120", f"`{text}` in column `{column.name}` is {side} {limit}, the "
                   f"{extreme} value its `range {bounds}` allows",
                   "correct the value, or leave the cell empty when it is not known")

    out = values.copy()
    out[rows] = all_missing(column, 1)[0]
    return evolve(converted, values=out,
                  missing={**converted.missing, RULES["D120"]: len(rows)},
                  problems={**converted.problems, "D120": (rows, describe)})


def all_missing(column: m.Column, n: int) -> npt.NDArray[Any]:
    """A column of `n` missing values in the column's encoding (for a column the file lacks).

    >>> all_missing(m.Column(name="N", type=m.NUMBER, optional=True), 2).tolist()
    [nan, nan]
    """
    dtype = dtype_for(column.type)
    match column.type.kind:
        case m.ValueKind.CODE:
            return np.full(n, MISSING_CODE, dtype=dtype)
        case m.ValueKind.BOOLEAN:
            return np.full(n, MISSING_BOOLEAN, dtype=dtype)
        case m.ValueKind.DATE:
            return np.full(n, np.datetime64("NaT"), dtype=dtype)
        case m.ValueKind.NUMBER:
            return np.full(n, np.nan, dtype=dtype)
        case _:
            return np.full(n, "", dtype=dtype)


def _typed(column: m.Column, values: list[Any]) -> npt.NDArray[Any]:
    """Converted distinct values (None where missing) as an array of the column's dtype."""
    match column.type.kind:
        case m.ValueKind.CODE:
            return np.asarray([MISSING_CODE if v is None else v for v in values], dtype=np.int32)
        case m.ValueKind.BOOLEAN:
            return np.asarray([MISSING_BOOLEAN if v is None else v for v in values],
                              dtype=np.int8)
        case m.ValueKind.DATE:
            return np.asarray(values, dtype="datetime64[D]")
        case m.ValueKind.NUMBER:
            return np.asarray([math.nan if v is None else v for v in values], dtype=np.float64)
        case _:
            return np.asarray(["" if v is None else v for v in values], dtype=np.str_)


def _factorize(values: Sequence[Any]) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """Distinct values in order of appearance, and each value's index among them."""
    try:
        lookup: dict[Any, int] = dict.fromkeys(values, 0)
    except TypeError:  # unhashable values in an object column: compare them as text
        values = [_object_text(v) for v in values]
        lookup = dict.fromkeys(values, 0)
    for index, key in enumerate(lookup):
        lookup[key] = index
    inverse = np.fromiter(map(lookup.__getitem__, values), dtype=np.intp, count=len(values))
    return list(lookup), inverse


def _factorize_text_array(values: npt.NDArray[Any], also: npt.NDArray[np.uint64] | None = None
                          ) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """`_factorize` for an array of fixed-width text: the distinct texts in the order of their
    64-bit FNV-1a hashes (the order readers of the same file have always seen them in), or
    in text order when two distinct texts share a hash, counting the hashes `also` of the
    column's texts that are not in `values`.

    The distinct texts are found by packing each text into one integer (`text_keys`) and
    grouping the integers; only the distinct texts are hashed.
    """
    n = len(values)
    if n == 0:
        return [], np.zeros(0, dtype=np.intp)
    packed = coding.text_keys([values], fold=False)
    if packed is None:
        return _factorize_hashed(values, also)
    codes, n_distinct = coding.factorize(packed[0][0])
    example = np.zeros(n_distinct, dtype=np.intp)
    example[codes] = np.arange(n)  # any row of each distinct text
    distinct = values[example]  # in text order
    hashes = _row_hashes(coding.characters(distinct))
    order = np.argsort(hashes, kind="stable")
    if not _collide(hashes, also):
        position = np.empty(n_distinct, dtype=np.intp)
        position[order] = np.arange(n_distinct)
        distinct, inverse = distinct[order], position[codes]
    else:
        inverse = codes.astype(np.intp)
    return _decoded(distinct), inverse


def _factorize_hashed(values: npt.NDArray[Any], also: npt.NDArray[np.uint64] | None
                      ) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """`_factorize_text_array` by hashing every row (for texts too long to pack).

    Equal texts have equal hashes; texts that merely share a hash are caught by comparing
    every value with its group's first, and then the array is sorted instead.
    """
    hashes, first, inverse = np.unique(_row_hashes(coding.characters(values)), return_index=True,
                                       return_inverse=True)
    distinct = values[first]
    if not np.array_equal(distinct[inverse], values) or _collide(hashes, also):
        distinct, inverse = np.unique(values, return_inverse=True)
    return _decoded(distinct), inverse.astype(np.intp).reshape(-1)


def _collide(hashes: npt.NDArray[np.uint64], also: npt.NDArray[np.uint64] | None) -> bool:
    """Whether two of the distinct texts hashed share a hash."""
    every = hashes if also is None else np.concatenate([hashes, also])
    return len(np.unique(every)) < len(every)


def _in_subset(describe: Callable[[int], Bad], rows: npt.NDArray[np.intp]
               ) -> Callable[[int], Bad]:
    """`describe` of a subset of the rows, taking a row of the whole column."""
    return lambda row: describe(int(np.searchsorted(rows, row)))


def _exact_date(text: str) -> bool:
    """Whether the text is a date as `_convert_date_texts` reads them."""
    return _EXACT_DATE.fullmatch(text) is not None


def _row_hashes(chars: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """A 64-bit FNV-1a hash of each row of character codes."""
    hashes = np.full(len(chars), 0xCBF29CE484222325, dtype=np.uint64)
    for j in range(chars.shape[1]):
        hashes ^= chars[:, j].astype(np.uint64)
        hashes *= np.uint64(0x100000001B3)
    return hashes


def _decoded(distinct: npt.NDArray[Any]) -> list[Any]:
    """Distinct values as Python values: text, with bytes read as ASCII."""
    texts: list[Any] = distinct.tolist()
    if distinct.dtype.kind == "S":
        texts = [t.decode("ascii", errors="backslashreplace") for t in texts]
    return texts


_SPACES = bytes(c for c in range(128) if chr(c).isspace())
"""The ASCII characters `str.strip` removes."""


def _text_array(values: Any) -> npt.NDArray[np.str_]:
    """Values as a text array stripped of surrounding spaces.

    ASCII bytes (a plain CSV file's columns) become text by widening each byte to a
    character, which is what decoding them does, and are stripped only if they hold a space.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "S" and len(values):
        chars = coding.characters(values)
        raw = chars.tobytes()
        if raw.isascii():
            array = chars.astype(np.uint32).view(f"U{chars.shape[1]}").reshape(-1)
            if any(raw.find(space) >= 0 for space in _SPACES):
                array = np.char.strip(array)
            return array
    return np.char.strip(np.asarray(values, dtype=np.str_))


def group_ids(values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Equal values → equal small integers.

    >>> group_ids(np.array(["b", "a", "b"])).tolist()
    [0, 1, 0]
    """
    if values.dtype.kind == "U":
        packed = coding.text_keys([values])
        if packed is None:
            return _factorize(values.tolist())[1].astype(np.int64)
        codes, n_distinct = coding.factorize(packed[0][0])
        first = coding.first_rows(codes)
        appearing = np.flatnonzero(first == np.arange(len(codes)))  # first row of each text
        rank = np.empty(n_distinct, dtype=np.int64)
        rank[codes[appearing]] = np.arange(len(appearing))
        return rank[codes]
    return np.unique(values, return_inverse=True)[1].astype(np.int64).reshape(-1)


def value_hashes(values: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each value of a typed column: equal values (every missing value of
    the column included) hash equal; unequal ones rarely do.

    >>> hashes = value_hashes(np.array([1.5, np.nan, -0.0, 0.0, np.nan]))
    >>> bool(hashes[1] == hashes[4]), bool(hashes[2] == hashes[3]), bool(hashes[0] == hashes[2])
    (True, True, False)
    """
    match values.dtype.kind:
        case "U" | "S":
            return _row_hashes(coding.characters(values))
        case "f":
            canonical = np.where(np.isnan(values), np.nan, values + 0.0)  # -0.0 → 0.0
            return canonical.view(np.uint64)
        case "M":
            return values.view(np.int64).view(np.uint64)
        case _:
            return values.astype(np.int64).view(np.uint64)


def display_value(table: Table, name: str, values: npt.NDArray[Any], row: int) -> str:
    """One value of a typed column as a message quotes it: a code as written, whole numbers
    without `.0`."""
    value = values[row]
    column = table.dataset.column(name)
    if column is not None and column.type.kind is m.ValueKind.CODE:
        return table.codes_of(name)[int(value)]
    if column is not None and column.type.kind is m.ValueKind.NUMBER:
        return _number_text(float(value))
    return _shown(str(value))


# ---- per-type readers of one value


def _shown(text: str) -> str:
    """A value as quoted in a message: control characters escaped, long values cut."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= 40 else text[:39] + "…"


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return type(value).__name__ in ("NAType", "NaTType")


def _object_text(value: Any) -> str:
    """A non-text value in a text or code column: whole numbers without a decimal point."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _no_object(value: Any, name: str) -> Any:
    del value, name


def _text_from_text(text: str, name: str) -> str:
    del name
    return text


def _date_from_text(text: str, name: str) -> dt.date | Bad:
    match = _UK_DATE.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.fullmatch(text)
        if match is None:
            return Bad("D102", f"`{_shown(text)}` in column `{name}` is not a date", DATE_HELP)
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return Bad("D102", f"`{_shown(text)}` in column `{name}` is not a date: there is no "
                    "such day", DATE_HELP)


def _date_from_object(value: Any, name: str) -> dt.date | None:
    del name
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return dt.date.fromisoformat(str(value.astype("datetime64[D]")))
    return None


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < _EXACT_INTEGER else repr(value)


def _number_parser(integer: bool, symbols_help: str) -> Callable[[str, str], float | Bad]:
    def parse(text: str, name: str) -> float | Bad:
        if not _NUMBER.fullmatch(text):
            return Bad("D105", f"`{_shown(text)}` in column `{name}` is not a number",
                        "write numbers in digits, such as 1234, 1,234 or 12.5; leave the cell "
                        f"empty when the value is missing{symbols_help}")
        return _checked_number(float(text.replace(",", "")), text, name, integer)

    return parse


def _number_from_object(integer: bool) -> Callable[[Any, str], Any]:
    def parse(value: Any, name: str) -> float | Bad | None:
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
            return None
        return _checked_number(float(value), str(value), name, integer)

    return parse


def _checked_number(value: float, text: str, name: str, integer: bool) -> float | Bad:
    where = f" in column `{name}`"
    if not math.isfinite(value):
        return Bad("D105", f"`{_shown(text)}`{where} is not a finite number", None)
    if integer and not value.is_integer():
        return Bad("D105", f"`{_shown(text)}`{where} is not a whole number",
                    "this column holds whole numbers (it is declared `integer`)")
    if integer and abs(value) > _EXACT_INTEGER:
        return Bad("D105", f"`{_shown(text)}`{where} is too large to hold exactly",
                    "whole numbers may be at most 2^53 = 9,007,199,254,740,992")
    return value


def _boolean_from_text(text: str, name: str) -> int | Bad:
    lowered = text.lower()
    if lowered in _TRUE:
        return 1
    if lowered in _FALSE:
        return 0
    return Bad("D106", f"`{_shown(text)}` in column `{name}` is not a true/false value",
                BOOLEAN_HELP)


def _boolean_from_object(value: Any, name: str) -> int | None:
    del name
    if isinstance(value, bool | np.bool_):
        return int(bool(value))
    if isinstance(value, int | float | np.number) and float(value) in (0.0, 1.0):
        return int(value)
    return None


def _code_parser(codelist: m.Codelist, policy: m.UnknownCodePolicy, *, by_label: bool = False
                 ) -> Callable[[str, str], int | Bad]:
    """Text → the code's position in its codelist; a column read `by label` (a published
    table writing "Requires improvement to be good") is read by the codes' labels."""
    codes = tuple(code.label for code in codelist.codes) if by_label else codelist.code_values
    index = {code: i for i, code in enumerate(codes)}
    short = _short(codelist.name)
    listed = ", ".join(codes[:12]) + (", …" if len(codes) > 12 else "")
    warn = policy is m.UnknownCodePolicy.WARN
    what = "a label" if by_label else "a code"

    def parse(text: str, name: str) -> int | Bad:
        found = index.get(text)
        if found is not None:
            return found
        message = f"`{_shown(text)}` in column `{name}` is not {what} of `{short}`"
        suggestion = did_you_mean(text, codes)
        hint = suggestion or f"the {what[2:]}s of `{short}` are {listed}"
        if warn:
            return Bad("D104", message + "; read as missing", hint)
        fix = "correct the value, or add the code to the codelist if it is valid"
        return Bad("D103", message, f"{suggestion} If not, {fix}" if suggestion
                    else f"{hint}; {fix}")

    return parse
