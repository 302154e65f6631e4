"""The types of the model's values, and the span every node keeps out of equality."""

from __future__ import annotations

import enum
from typing import Any

from attrs import field, frozen

from outcomespec.language.source import NOWHERE


def span_field() -> Any:
    """An attrs field for a node's span: kept out of equality and repr, given by keyword."""
    return field(default=NOWHERE, eq=False, repr=False, kw_only=True)


class ValueKind(enum.Enum):
    """The types an expression can have."""

    CODE = "code"
    DATE = "date"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TEXT = "text"
    IDENTIFIER = "identifier"
    DURATION = "duration"


@frozen
class ValueType:
    """A type, with the codelist for codes and the unit for identifiers."""

    kind: ValueKind
    codelist: str | None = None
    unit: str | None = None
    integer: bool = False

    def __format__(self, spec: str) -> str:
        """`f"{t:a}"` gives the type with its article: "a date", "an integer"."""
        text = str(self)
        if spec == "a":
            return ("an " if text[0] in "aeiou" else "a ") + text
        return text

    def __str__(self) -> str:
        if self.kind is ValueKind.CODE and self.codelist:
            return f"code from `{self.codelist.rsplit('.', 1)[-1]}`"
        if self.kind is ValueKind.IDENTIFIER and self.unit:
            return f"identifier of a {self.unit}"
        return "integer" if self.integer else self.kind.value


BOOLEAN = ValueType(ValueKind.BOOLEAN)
NUMBER = ValueType(ValueKind.NUMBER)
DATE = ValueType(ValueKind.DATE)
TEXT = ValueType(ValueKind.TEXT)
DURATION = ValueType(ValueKind.DURATION)
