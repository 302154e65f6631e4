"""A first pass over the raw text: comments (for the formatter), an unterminated string,
and brackets left open (to point at them when the file ends too early)."""

from __future__ import annotations

import re

from attrs import frozen


@frozen
class Scan:
    comments: tuple[tuple[int, int], ...]
    unterminated: int | None
    open_brackets: tuple[int, ...]


def scan(text: str) -> Scan:
    """Find comments, an unterminated string, and brackets left open at the end."""
    comments: list[tuple[int, int]] = []
    stack: list[int] = []
    closers = {")": "(", "}": "{"}
    n = len(text)
    search = _MARKS.search
    found = search(text)
    while found is not None:
        i = found.start()
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            comments.append((i, end))
            found = search(text, end)
            continue
        if ch == '"':
            match = STRING.match(text, i)
            if match is None:
                return Scan(tuple(comments), i, tuple(stack))
            found = search(text, match.end())
            continue
        if ch in "({":
            stack.append(i)
        elif stack and text[stack[-1]] == closers[ch]:
            stack.pop()
        found = search(text, i + 1)
    return Scan(tuple(comments), None, tuple(stack))


_MARKS = re.compile(r'[#"(){}]')
"""What the scan stops at: comments, strings and brackets."""
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
