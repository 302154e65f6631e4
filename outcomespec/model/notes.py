"""Why a value is blank or qualified: the `note` column's closed vocabulary, and source markers.

Every value cell of the results table is either a number or blank, and a blank always says
why: the `note` column holds one keyword of `Note`, optionally followed by `: detail`
(`not_evaluated: needs `episodes`, which was not supplied`). A number that is qualified (a
region pooled without some authorities' counts, `incomplete`) has a note too; a plain number
has none.

Published tables mark their missing cells with symbols (DfE: `c` suppressed, `k` rounds to
zero, `u` low reliability, `x` or `:` not available, `z` not applicable). Loading keeps, per
cell, which symbol made a value missing, as a small integer `Marker` whose order is the order
of precedence when several missing cells make one total unknown (`c` > `u` > `k` > `x` > `z` >
an empty cell): a total that a suppressed cell is part of is suppressed, whatever else is
missing from it.

This module only names things; NumPy and the pipeline stay out of it.
"""

from __future__ import annotations

import enum
from typing import Final

from attrs import frozen

__all__ = ["MARKER_NOTES", "NOTES", "Marker", "Note", "NoteInfo", "marker_of", "parse_note"]


class Note(enum.StrEnum):
    """Why a value is blank (or, for `incomplete`, qualified); the keyword the table shows."""

    SUPPRESSED = "suppressed"
    SUPPRESSED_SECONDARY = "suppressed_secondary"
    PUBLISHED_SUPPRESSED = "published_suppressed"
    ROUNDS_TO_ZERO = "rounds_to_zero"
    LOW_RELIABILITY = "low_reliability"
    NOT_AVAILABLE = "not_available"
    NOT_APPLICABLE = "not_applicable"
    NO_DATA_FOR_PERIOD = "no_data_for_period"
    AREA_DID_NOT_EXIST = "area_did_not_exist"
    ZERO_DENOMINATOR = "zero_denominator"
    NUMERATOR_EXCEEDS_DENOMINATOR = "numerator_exceeds_denominator"
    NOT_EVALUATED = "not_evaluated"
    INCOMPLETE = "incomplete"

    @property
    def info(self) -> NoteInfo:
        """What the note means and how the publishing layouts write it."""
        return NOTES[self]

    def text(self, detail: str = "") -> str:
        """The note as the table shows it: the keyword, then `: detail` if there is one.

        >>> Note.INCOMPLETE.text("2 authorities' counts not known")
        "incomplete: 2 authorities' counts not known"
        """
        return f"{self.value}: {detail}" if detail else self.value


@frozen
class NoteInfo:
    """One note's meaning, its symbol in DfE's tidy (EES) layout, and its Fingertips wording.

    `symbol` is None when the value is still published (a qualified number), so the EES
    layout prints the number itself.
    """

    meaning: str
    symbol: str | None
    fingertips: str


_DISCLOSURE = "Value suppressed for disclosure control"

NOTES: Final = {
    Note.SUPPRESSED: NoteInfo(
        "A count lies in the indicator's suppression range (DfE: 1 to 5), or a unit's "
        "denominator is below the least it is published with (`suppress denominators below "
        "N`; a provider of one placement never is): the row's counts, value, limits and "
        "judgements are withheld.", "c", _DISCLOSURE),
    Note.SUPPRESSED_SECONDARY: NoteInfo(
        "Withheld so that a suppressed count cannot be worked out by subtraction from a total, "
        "from the other categories of a breakdown, or from the same count published under "
        "another indicator.", "c", _DISCLOSURE),
    Note.PUBLISHED_SUPPRESSED: NoteInfo(
        "The source table published a count as suppressed (`c`).", "c",
        "Value suppressed for disclosure control in the source data"),
    Note.ROUNDS_TO_ZERO: NoteInfo(
        "The source table published a count as rounding to zero but not zero (`k`, `low`).",
        "k", "Value rounds to zero in the source data"),
    Note.LOW_RELIABILITY: NoteInfo(
        "The source table published a count as of low reliability (`u`).", "u",
        "Value of low reliability in the source data"),
    Note.NOT_AVAILABLE: NoteInfo(
        "A count is not available: the source table published it as `x` or `:`, left its cell "
        "empty, or has no row for the area.", "x", "Value not available"),
    Note.NOT_APPLICABLE: NoteInfo(
        "The source table published a count as not applicable (`z`).", "z",
        "Value not applicable"),
    Note.NO_DATA_FOR_PERIOD: NoteInfo(
        "The data hold no rows for the reporting period the indicator needs.", "x",
        "No data for this period"),
    Note.AREA_DID_NOT_EXIST: NoteInfo(
        "The local authority did not exist in the reporting period.", "z",
        "Area did not exist in this period"),
    Note.ZERO_DENOMINATOR: NoteInfo(
        "The denominator is 0 (for a mean or median: no unit has a value), so there is no "
        "value to compute.", "z", "Denominator is zero"),
    Note.NUMERATOR_EXCEEDS_DENOMINATOR: NoteInfo(
        "A proportion's numerator is larger than its denominator, which cannot be right: the "
        "value is withheld, the counts are shown, and the run gives warning D210.", "x",
        "Value not published: numerator exceeds denominator"),
    Note.NOT_EVALUATED: NoteInfo(
        "The indicator could not be evaluated (the detail says why, e.g. a dataset that was "
        "not supplied).", "x", "Indicator not evaluated"),
    Note.INCOMPLETE: NoteInfo(
        "A region's or England's value pooled from its local authorities without those whose "
        "counts are not known: a qualified value, not the published national or regional "
        "total.", None, "Aggregated from all known lower geography values"),
}
"""Every note, what it means and how it is published."""


class Marker(enum.IntEnum):
    """Why a value of a loaded column is missing, in order of precedence (highest last)."""

    NONE = 0
    EMPTY = 1
    """An empty cell, a value that could not be read, or no row at all."""
    NOT_APPLICABLE = 2
    NOT_AVAILABLE = 3
    ROUNDS_TO_ZERO = 4
    LOW_RELIABILITY = 5
    SUPPRESSED = 6


MARKER_NOTES: Final = {
    Marker.EMPTY: Note.NOT_AVAILABLE,
    Marker.NOT_APPLICABLE: Note.NOT_APPLICABLE,
    Marker.NOT_AVAILABLE: Note.NOT_AVAILABLE,
    Marker.ROUNDS_TO_ZERO: Note.ROUNDS_TO_ZERO,
    Marker.LOW_RELIABILITY: Note.LOW_RELIABILITY,
    Marker.SUPPRESSED: Note.PUBLISHED_SUPPRESSED,
}
"""The note a missing value gives the total it makes unknown."""

_SYMBOLS: Final = {
    "c": Marker.SUPPRESSED,
    "u": Marker.LOW_RELIABILITY,
    "k": Marker.ROUNDS_TO_ZERO,
    "low": Marker.ROUNDS_TO_ZERO,
    "x": Marker.NOT_AVAILABLE,
    ":": Marker.NOT_AVAILABLE,
    "..": Marker.NOT_AVAILABLE,
    "z": Marker.NOT_APPLICABLE,
}


def marker_of(symbol: str) -> Marker:
    """The marker of a declared missing-value symbol, as DfE's tables use them.

    DfE's newer tables write the same symbols in brackets (`[c]`, `[x]`); case does not
    matter. A symbol of the dataset's own that DfE does not use means "not available".

    >>> [marker_of(s).name for s in ("c", "[z]", "low", "-")]
    ['SUPPRESSED', 'NOT_APPLICABLE', 'ROUNDS_TO_ZERO', 'NOT_AVAILABLE']
    """
    bare = symbol.strip().lower()
    if len(bare) > 2 and bare[0] == "[" and bare[-1] == "]":
        bare = bare[1:-1].strip()
    return _SYMBOLS.get(bare, Marker.NOT_AVAILABLE)


def parse_note(text: str) -> tuple[Note, str] | None:
    """A note cell split into its keyword and detail; None for an empty cell.

    >>> parse_note("not_evaluated: needs `episodes`, which was not supplied")
    (<Note.NOT_EVALUATED: 'not_evaluated'>, 'needs `episodes`, which was not supplied')
    """
    if not text:
        return None
    keyword, _, detail = text.partition(": ")
    return Note(keyword), detail

