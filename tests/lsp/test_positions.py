"""Positions as editors count them: offsets to (line, column) and back, in every encoding."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from outcomespec.lsp.positions import Lines

TEXTS = st.text(alphabet=st.sampled_from(["a", "é", "😀", "\n", " ", "𝔸", "#"]), max_size=60)


def test_astral_characters_count_twice_in_utf16() -> None:
    """An emoji is two UTF-16 units, four UTF-8 bytes and one UTF-32 unit."""
    lines = Lines("x = 1 # 😀 done\nnext")
    offset = len("x = 1 # 😀 ")
    assert lines.position(offset) == (0, offset + 1)
    assert lines.position(offset, "utf-8") == (0, offset + 3)
    assert lines.position(offset, "utf-32") == (0, offset)
    assert lines.position(offset + 5) == (1, 0)


def test_past_the_end_is_the_end() -> None:
    """A column past a line's end is its end; a line past the last is the end of the text."""
    lines = Lines("ab\ncd")
    assert lines.offset(0, 99) == 2
    assert lines.offset(7, 0) == 5
    assert lines.offset(-1, 0) == 0


@given(TEXTS, st.data(), st.sampled_from(["utf-16", "utf-8", "utf-32"]))
def test_offsets_round_trip(text: str, data: st.DataObject, encoding: str) -> None:
    """Every character offset comes back from its position, whatever the encoding."""
    offset = data.draw(st.integers(0, len(text)))
    lines = Lines(text)
    line, column = lines.position(offset, encoding)
    assert lines.offset(line, column, encoding) == offset
    assert line == text.count("\n", 0, offset)
