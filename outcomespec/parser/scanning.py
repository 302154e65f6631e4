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
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            comments.append((i, end))
            i = end
        elif ch == '"':
            match = STRING.match(text, i)
            if match is None:
                return Scan(tuple(comments), i, tuple(stack))
            i = match.end()
        elif ch in "({":
            stack.append(i)
            i += 1
        elif ch in closers:
            if stack and text[stack[-1]] == closers[ch]:
                stack.pop()
            i += 1
        else:
            i += 1
    return Scan(tuple(comments), None, tuple(stack))


STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
