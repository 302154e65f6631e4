"""Diagnostics as data: what is wrong, where, and how to fix it.

Every stage reports problems by returning `Diagnostic` values; none of them prints or
formats text. Rendering for people and tools happens at the edge (see `rendering`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

from attrs import frozen

from outcomespec.codes import CODES
from outcomespec.source import Span


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

    >>> from outcomespec.source import Source
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
            line, col = first.span.start_position if first.span else (0, 0)
            summary += f"; first: {first.path}:{line}:{col}: [{first.code}] {first.message}"
        super().__init__(summary)


class OutcomeSpecWarning(UserWarning):
    """Issued by `Framework.evaluate` for what a reader of the results must know: data
    warnings, indicators not evaluated, values read as missing (see `Run.notices`)."""


def did_you_mean(word: str, candidates: Iterable[str], *, limit: int = 3) -> str | None:
    """Suggest the closest names in scope, as a help line, or None if nothing is close.

    >>> did_you_mean("DECMO", ["DECOM", "DEC", "REC", "LS"])
    'did you mean `DECOM`?'
    >>> did_you_mean("zzz", ["DECOM"]) is None
    True
    """
    scored = []
    lowered = word.lower()
    for candidate in set(candidates):
        distance = _edit_distance(lowered, candidate.lower())
        threshold = max(1, len(word) // 3 + 1)
        if distance <= threshold or (lowered == candidate.lower() and candidate != word):
            scored.append((distance, candidate))
    if not scored:
        return None
    closest = min(distance for distance, _ in scored)
    best = [c for d, c in sorted(scored) if d == closest][:limit]
    if len(best) == 1:
        return f"did you mean `{best[0]}`?"
    return "did you mean " + ", ".join(f"`{c}`" for c in best[:-1]) + f" or `{best[-1]}`?"


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: a swapped pair of letters counts as one edit."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[len(a)][len(b)]
