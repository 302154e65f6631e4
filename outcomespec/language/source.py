"""Source text and spans: where every node and diagnostic points back to.

Spans hold character offsets, not lines, so that slicing is exact; lines and columns are
derived only when a person needs to read them.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property

from attrs import field, frozen


@frozen(eq=False)
class Source:
    """One framework file's text, with the name under which it is shown to the user.

    >>> src = Source("a.ospec", "line one\\nline two\\n")
    >>> src.position(9)
    (2, 1)
    >>> src.line_text(2)
    'line two'
    """

    path: str
    text: str

    @cached_property
    def _line_starts(self) -> tuple[int, ...]:
        """Where each line starts (found line by line, not character by character)."""
        starts = [0]
        newline = self.text.find("\n")
        while newline >= 0:
            starts.append(newline + 1)
            newline = self.text.find("\n", newline + 1)
        return tuple(starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        starts = self._line_starts
        if not 1 <= line <= len(starts):
            return ""
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[starts[line - 1] : end].rstrip("\r")

    @property
    def line_count(self) -> int:
        """How many lines the text has (a final newline does not start a new one)."""
        count = len(self._line_starts)
        return count - 1 if self.text.endswith("\n") else count


@frozen
class Span:
    """A half-open range of characters in one source.

    >>> src = Source("a.ospec", "kind outcome")
    >>> Span(src, 5, 12).text
    'outcome'
    """

    source: Source = field(repr=lambda s: s.path)
    start: int
    end: int

    @property
    def text(self) -> str:
        """The characters the span covers."""
        return self.source.text[self.start : self.end]

    @property
    def start_position(self) -> tuple[int, int]:
        """1-based (line, column) where the span begins."""
        return self.source.position(self.start)

    @property
    def end_position(self) -> tuple[int, int]:
        """1-based (line, column) just after the span ends."""
        return self.source.position(self.end)


NOWHERE = Span(Source("<generated>", ""), 0, 0)
"""The span of a node built in code rather than parsed; it never takes part in equality."""
