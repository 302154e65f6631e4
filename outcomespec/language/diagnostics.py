"""Diagnostics as data: what is wrong, where, and how to fix it.

Every stage reports problems by returning `Diagnostic` values; none of them prints or
formats text. Rendering for people and tools happens at the edge (see `rendering`).
"""

from __future__ import annotations

import enum
import heapq
import itertools
from collections.abc import Iterable, Sequence

from attrs import frozen

from outcomespec.language.codes import CODES
from outcomespec.language.source import Span


class Severity(enum.Enum):
    """How serious a diagnostic is: errors stop evaluation, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@frozen
class Label:
    """A secondary place that helps explain a diagnostic ("first defined here")."""

    span: Span
    message: str


@frozen
class Diagnostic:
    """One problem found in a framework file.

    >>> from outcomespec.language.source import Source
    >>> d = Diagnostic.of("E201", "unknown name `DECMO`", Span(Source("f", "DECMO"), 0, 5))
    >>> d.severity, d.code
    (<Severity.ERROR: 'error'>, 'E201')
    """

    code: str
    severity: Severity
    message: str
    span: Span | None
    labels: tuple[Label, ...] = ()
    help: str | None = None
    path: str | None = None
    line: int | None = None
    """The line in `path` when there is no span: a row of a data file (header = line 1)."""

    @classmethod
    def of(
        cls,
        code: str,
        message: str,
        span: Span | None,
        *,
        labels: Iterable[Label] = (),
        help: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> Diagnostic:
        """Build a diagnostic whose severity comes from the code registry."""
        severity = Severity(CODES[code].severity)
        where = path if path is not None else (span.source.path if span else None)
        return cls(code, severity, message, span, tuple(labels), help, where, line)

    @property
    def is_error(self) -> bool:
        """True when this diagnostic stops a framework from being used."""
        return self.severity is Severity.ERROR


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by file, then position, so output reads top to bottom."""
    return sorted(
        diagnostics,
        key=lambda d: (d.path or "", d.span.start if d.span else (d.line or -1), d.code,
                       d.message),
    )


class OutcomeSpecError(Exception):
    """Raised by the Python API when a framework cannot be used; carries every diagnostic."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        summary = f"{len(errors)} error(s)"
        if first is not None:
            summary += f"; first: {_where(first)}[{first.code}] {first.message}"
        super().__init__(summary)


def _where(diagnostic: Diagnostic) -> str:
    """`path:line:column: `, or as much of it as the diagnostic knows ("" for none of it):
    a data file's row has no column, and a problem of the whole run has no file.

    >>> _where(Diagnostic("D105", Severity.ERROR, "not a number", None, path="moves", line=3))
    'moves:3: '
    >>> _where(Diagnostic("D131", Severity.ERROR, "no rows for the period", None))
    ''
    """
    if diagnostic.span is not None:
        line, column = diagnostic.span.start_position
        return f"{diagnostic.path}:{line}:{column}: "
    place = ":".join(str(part) for part in (diagnostic.path, diagnostic.line) if part is not None)
    return f"{place}: " if place else ""


class OutcomeSpecWarning(UserWarning):
    """Issued by `Framework.evaluate` for what a reader of the results must know: data
    warnings, indicators not evaluated, values read as missing (see `Run.notices`)."""


MAX_NAME = 64
"""Longer names get no suggestion and are never suggested: suggestions are for typing slips
in names of a sensible length, and the time they take grows with the length."""
MAX_EDITS = 5
"""The most edits a suggestion may be away, however long the name (a third of its length
otherwise): names further apart are not what the user meant."""
MAX_CANDIDATES = 5_000
"""At most this many candidates are looked at (the first, in the order given)."""
MAX_COMPARED = 30
"""At most this many of them, the closest by a cheap lower bound, are compared in full."""


def with_article(word: str) -> str:
    """The word after "a" or "an", as a message names a unit: "a child", "an assessment".

    >>> with_article("episode"), with_article("referral")
    ('an episode', 'a referral')
    """
    return ("an " if word[:1] in tuple("aeiou") else "a ") + word


def did_you_mean(word: str, candidates: Iterable[str], *, limit: int = 3) -> str | None:
    """Suggest the closest names in scope, as a help line, or None if nothing is close.

    Closeness is the optimal string alignment distance (a swapped pair of letters is one
    edit), ignoring case. The work is bounded whatever the input (see `MAX_NAME`,
    `MAX_EDITS`, `MAX_CANDIDATES`, `MAX_COMPARED`): candidates of the wrong length are passed
    over at once, the others are ranked by a lower bound on the distance (letters one uses
    and the other does not), and only the closest are compared letter by letter, within a band
    that narrows to the closest distance found so far and stops as soon as it is exceeded.

    >>> did_you_mean("DECMO", ["DECOM", "DEC", "REC", "LS"])
    'did you mean `DECOM`?'
    >>> did_you_mean("zzz", ["DECOM"]) is None
    True
    >>> did_you_mean("x" * 1_000_000, ["x" * 999_999]) is None
    True
    """
    if len(word) > MAX_NAME:
        return None
    lowered = word.lower()
    allowed = min(len(word) // 3 + 1, MAX_EDITS)
    letters = frozenset(lowered)
    bounded = []
    for candidate in itertools.islice(dict.fromkeys(candidates), MAX_CANDIDATES):
        if abs(len(candidate) - len(word)) <= allowed:
            other = candidate.lower()
            bound = _letters_apart(letters, other)
            if bound <= allowed:
                bounded.append((bound, candidate, other))
    scored = []
    closest = allowed  # only a candidate as close as the closest so far can be suggested
    for bound, candidate, other in heapq.nsmallest(MAX_COMPARED, bounded):
        if bound > closest:
            break
        distance = edit_distance(lowered, other, closest)
        if distance is not None:
            scored.append((distance, candidate))
            closest = distance
    if not scored:
        return None
    best = [c for d, c in sorted(scored) if d == closest][:limit]
    if len(best) == 1:
        return f"did you mean `{best[0]}`?"
    return "did you mean " + ", ".join(f"`{c}`" for c in best[:-1]) + f" or `{best[-1]}`?"


def _letters_apart(letters: frozenset[str], other: str) -> int:
    """A lower bound on the edit distance, cheap to compute: the letters that one word uses
    and the other does not, on the side with more of them (each edit brings in or removes at
    most one letter)."""
    theirs = set(other)
    return max(len(letters - theirs), len(theirs - letters))


def edit_distance(a: str, b: str, most: int) -> int | None:
    """The optimal string alignment distance of `a` and `b` (a swapped pair of adjacent
    letters counts as one edit), or None when it is more than `most`.

    Only the cells within `most` of the diagonal can hold a distance of `most` or less, so
    only they are computed, and the rows stop once every cell of one is over `most`.

    >>> edit_distance("DECMO", "DECOM", 2), edit_distance("kitten", "sitting", 3)
    (1, 3)
    >>> edit_distance("kitten", "sitting", 2) is None
    True
    """
    start = 0  # the common beginning and end change nothing
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    if abs(len(a) - len(b)) > most:
        return None
    over = most + 1
    previous: list[int] = []
    row = [j if j <= most else over for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        before, previous, row = previous, row, [over] * (len(b) + 1)
        if i <= most:
            row[0] = i
        for j in range(max(1, i - most), min(len(b), i + most) + 1):
            cost = a[i - 1] != b[j - 1]
            best = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            row[j] = min(best, over)
        if min(row) > most:
            return None
    return row[len(b)] if row[len(b)] <= most else None
