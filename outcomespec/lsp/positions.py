"""Positions as editors count them: 0-based lines, and columns in the units the client and
server agreed on (UTF-16 code units unless both prefer another).

The language server protocol counts a character outside the Basic Multilingual Plane (an
emoji, say) as two UTF-16 units, as JavaScript strings do; outcomespec's spans count
characters. A `Lines` value converts between the two for one text, in both directions,
exactly; `utf-8` (bytes) and `utf-32` (characters) are the other encodings the protocol
names.
"""

from __future__ import annotations

from bisect import bisect_right

from attrs import field, frozen


def _starts(text: str) -> tuple[int, ...]:
    return (0, *(i + 1 for i, ch in enumerate(text) if ch == "\n"))


@frozen
class Lines:
    """One text's line starts, for converting offsets to positions and back.

    >>> lines = Lines("a😀b\\nc")
    >>> lines.position(2), lines.offset(0, 3), lines.position(4)
    ((0, 3), 2, (1, 0))
    """

    text: str
    starts: tuple[int, ...] = field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "starts", _starts(self.text))

    def position(self, offset: int, encoding: str = "utf-16") -> tuple[int, int]:
        """(line, column) of a character offset, both from 0."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        before = self.text[self.starts[line]:offset]
        return line, sum(_width(ch, encoding) for ch in before)

    def offset(self, line: int, character: int, encoding: str = "utf-16") -> int:
        """The character offset of (line, column); past the end of a line is its end, past
        the last line the end of the text."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        units = 0
        for index in range(start, end):
            if units >= character:
                return index
            units += _width(self.text[index], encoding)
        return end


def _width(char: str, encoding: str) -> int:
    """How many units of `encoding` one character takes."""
    if encoding == "utf-32":
        return 1
    if encoding == "utf-8":
        return len(char.encode("utf-8", "surrogatepass"))
    return 2 if ord(char) > 0xFFFF else 1
