"""Sources and spans: offsets to lines and columns, found without reading every character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from outcomespec.language.source import Source

_TEXTS = st.text(alphabet="ab\n\r\t é", max_size=60)


@given(_TEXTS, st.integers(min_value=-3, max_value=70))
def test_position_counts_lines_and_columns(text: str, offset: int) -> None:
    """`position` is the 1-based line (newlines before the offset, plus one) and column
    (characters since the line began, plus one), the offset clamped to the text."""
    clamped = max(0, min(offset, len(text)))
    line = text.count("\n", 0, clamped) + 1
    column = clamped - (text.rfind("\n", 0, clamped) + 1) + 1
    assert Source("t.ospec", text).position(offset) == (line, column)


@given(_TEXTS)
def test_line_text_gives_back_every_line(text: str) -> None:
    """Each line's text, without its newline (or carriage returns before it); a final
    newline ends the last line rather than starting another."""
    source = Source("t.ospec", text)
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    assert source.line_count == len(lines)
    assert [source.line_text(n) for n in range(1, len(lines) + 1)] == [
        line.rstrip("\r") for line in lines]
