"""The framework language: source text and spans (`source`), diagnostics and their codes
(`diagnostics`, `codes`, `rendering`), reading files and their imports (`reading`), the
grammar and parser (`parser`), the syntax tree (`syntax`), the formatter (`formatter`) and
the Pygments lexer (`highlighting`, needs the `docs` extra)."""

from outcomespec.language.diagnostics import (
    Diagnostic,
    OutcomeSpecError,
    OutcomeSpecWarning,
    Severity,
)
from outcomespec.language.source import Source, Span

__all__ = ["Diagnostic", "OutcomeSpecError", "OutcomeSpecWarning", "Severity", "Source", "Span"]
