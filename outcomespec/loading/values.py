"""Reading one value of a declared type: the rules every source's values are held to.

`value_reader` gives, for one column, the function that reads a value as written (text from
a file, or a Python object from an in-memory table) as its converted value, as missing
(`Missing`: an empty cell or a declared missing-value symbol) or as `Bad` (the diagnostic
it gets, less its place). Conversion (`outcomespec.loading.conversion`) calls it once per
distinct value of a column, so these rules may be plain Python and still read a national
file in array time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from attrs import frozen

from outcomespec import model as m
from outcomespec.language.diagnostics import did_you_mean
from outcomespec.model.notes import Marker, marker_of

__all__ = ["BOOLEAN_HELP", "DATE_HELP", "EMPTY", "EPOCH", "EXACT_INTEGER", "RULES", "Bad",
           "Missing", "number_text", "object_text", "shown", "value_reader"]

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
EXACT_INTEGER = 2.0**53
EPOCH = dt.date(1970, 1, 1)
"""Day 0 of a stored date."""

_TRUE = frozenset({"1", "true", "yes", "y"})
_FALSE = frozenset({"0", "false", "no", "n"})
_TIME = r"(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?"
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})" + _TIME)
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@frozen
class Bad:
    """A value that could not be read: the diagnostic it gets, less its place."""

    code: str
    message: str
    help: str | None


@frozen
class Missing:
    """A value read as missing, the rule that says so, and the symbol's marker if any."""

    rule: str
    marker: Marker = Marker.NONE


MISSING_EMPTY = Missing(EMPTY)
"""An empty cell (or a null of an in-memory table)."""

Reader = Callable[[Any], Any]
"""A value as written → its converted value, `Missing` or `Bad`."""


def value_reader(column: m.Column, dataset: m.Dataset, codelists: Mapping[str, m.Codelist]
                 ) -> Reader:
    """How one column's values are read: stripped of surrounding spaces, empty or a declared
    missing-value symbol read as missing, anything else by the rule of the column's type.

    Converted values: a date as `datetime.date`, a number as float, a boolean as 1 or 0, a
    code as its index in the codelist, text as the stripped text.

    >>> ds = m.Dataset(name="demo.t", rows="child", columns=(m.Column(name="N", type=m.NUMBER),),
    ...                missing_symbols=("c",))
    >>> read = value_reader(ds.columns[0], ds, {})
    >>> read(" 1,200 "), read("c").rule, read("x").code
    (1200.0, 'symbol "c"', 'D105')
    """
    from_text: Callable[[str, str], Any]
    from_object: Callable[[Any, str], Any]
    match column.type.kind:
        case m.ValueKind.DATE:
            from_text, from_object = _date_from_text, _date_from_object
        case m.ValueKind.NUMBER:
            symbols_help = (", or one of the missing-value symbols "
                            + ", ".join(f"`{s}`" for s in dataset.missing_symbols)
                            if dataset.missing_symbols else "")
            from_text = _number_parser(column.type.integer, symbols_help)
            from_object = _number_from_object(column.type.integer)
        case m.ValueKind.BOOLEAN:
            from_text, from_object = _boolean_from_text, _boolean_from_object
        case m.ValueKind.CODE:
            assert column.type.codelist is not None
            from_text = _code_parser(codelists[column.type.codelist], dataset.unknown_codes,
                                     by_label=column.by_label)
            from_object = _no_object
        case _:
            from_text, from_object = _text_from_text, _no_object
    name = column.name
    symbols = frozenset(dataset.missing_symbols)

    def read(value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
        elif is_null(value):
            return MISSING_EMPTY
        else:
            converted = from_object(value, name)
            if converted is not None:
                return converted
            text = object_text(value).strip()
        if not text:
            return MISSING_EMPTY
        if text in symbols:
            return Missing(f'symbol "{text}"', marker_of(text))
        return from_text(text, name)

    return read


def shown(text: str) -> str:
    """A value as quoted in a message: control characters escaped, long values cut.

    >>> shown("a\\tb"), shown("x" * 50)[-3:]
    ('a\\\\tb', 'xx…')
    """
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= 40 else text[:39] + "…"


def number_text(value: float) -> str:
    """A number as a message quotes it: whole numbers without `.0`.

    >>> number_text(12.0), number_text(0.25)
    ('12', '0.25')
    """
    return str(int(value)) if value.is_integer() and abs(value) < EXACT_INTEGER else repr(value)


def is_null(value: Any) -> bool:
    """Whether an in-memory value is a null (None, NaN, NaT, pandas' NA)."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return type(value).__name__ in ("NAType", "NaTType")


def object_text(value: Any) -> str:
    """A non-text value in a text or code column: whole numbers without a decimal point.

    >>> object_text(202.0), object_text(True), object_text(7)
    ('202', 'true', '7')
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


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
            return Bad("D102", f"`{shown(text)}` in column `{name}` is not a date", DATE_HELP)
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return Bad("D102", f"`{shown(text)}` in column `{name}` is not a date: there is no "
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


def _number_parser(integer: bool, symbols_help: str) -> Callable[[str, str], float | Bad]:
    def parse(text: str, name: str) -> float | Bad:
        if not _NUMBER.fullmatch(text):
            return Bad("D105", f"`{shown(text)}` in column `{name}` is not a number",
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
        return Bad("D105", f"`{shown(text)}`{where} is not a finite number", None)
    if integer and not value.is_integer():
        return Bad("D105", f"`{shown(text)}`{where} is not a whole number",
                   "this column holds whole numbers (it is declared `integer`)")
    if integer and abs(value) > EXACT_INTEGER:
        return Bad("D105", f"`{shown(text)}`{where} is too large to hold exactly",
                   "whole numbers may be at most 2^53 = 9,007,199,254,740,992")
    return value


def _boolean_from_text(text: str, name: str) -> int | Bad:
    lowered = text.lower()
    if lowered in _TRUE:
        return 1
    if lowered in _FALSE:
        return 0
    return Bad("D106", f"`{shown(text)}` in column `{name}` is not a true/false value",
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
        message = f"`{shown(text)}` in column `{name}` is not {what} of `{short}`"
        suggestion = did_you_mean(text, codes)
        hint = suggestion or f"the {what[2:]}s of `{short}` are {listed}"
        if warn:
            return Bad("D104", message + "; read as missing", hint)
        fix = "correct the value, or add the code to the codelist if it is valid"
        return Bad("D103", message, f"{suggestion} If not, {fix}" if suggestion
                   else f"{hint}; {fix}")

    return parse
