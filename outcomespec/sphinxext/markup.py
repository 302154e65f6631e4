"""reStructuredText building blocks: escaping, literals, headings, directives, tables.

Everything the page generators write goes through these functions, so that text from a
framework file (titles, rationales, descriptions) can never be read as markup: a title with
`*`, a backtick or a trailing `_` is shown as written, never as emphasis or a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SPECIAL = re.compile(r"([\\`*_|<>\[\]])")
_LEADING = re.compile(r"^([-+*•#]|\d+[.)]|[a-zA-Z][.)]|\.\.|>>>)(\s|$)")


def escape(text: str) -> str:
    """Inline text shown exactly as written: markup characters are backslash-escaped.

    >>> escape("3+ placements_ *in* `care` | 2")
    '3+ placements\\\\_ \\\\*in\\\\* \\\\`care\\\\` \\\\| 2'
    >>> escape("- not a list")
    '\\\\- not a list'
    """
    flat = " ".join(text.split())
    escaped = _SPECIAL.sub(r"\\\1", flat)
    if _LEADING.match(escaped):
        escaped = "\\" + escaped
    if escaped.endswith("::"):
        escaped = escaped[:-1] + "\\:"
    return escaped


def oneline(text: str) -> str:
    """Text for a directive option, which is not parsed as markup: whitespace collapsed.

    >>> oneline("Rate *per*\\n  10,000")
    'Rate *per* 10,000'
    """
    return " ".join(text.split())


def literal(text: str) -> str:
    """Code shown inline, whitespace collapsed to single spaces.

    >>> literal("count(episodes)\\n    >= 3")
    '``count(episodes) >= 3``'
    >>> literal("a ``b``")
    ':literal:`a \\\\`\\\\`b\\\\`\\\\``'
    """
    flat = " ".join(text.split())
    if not flat:
        return ""
    if "`" in flat or flat.endswith("\\"):
        return ":literal:`" + re.sub(r"([\\`])", r"\\\1", flat) + "`"
    return f"``{flat}``"


def prose(text: str) -> str:
    """Prose in which `code` is written between single backticks (the diagnostics registry,
    the alignment report) as reST: the code becomes a literal, the rest is escaped.

    >>> prose("Write `polarity x` *here*, or `y`s.")
    'Write ``polarity x`` \\\\*here\\\\*, or ``y``\\\\ s.'
    """
    parts = " ".join(text.split()).split("`")
    if len(parts) % 2 == 0:
        return escape(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(_SPECIAL.sub(r"\\\1", part))
            continue
        before, after = parts[i - 1][-1:], parts[i + 1][:1]
        glue_before = "\\ " if before and (before.isalnum() or before in "_\\") else ""
        glue_after = "\\ " if after and after.isalnum() else ""
        out.append(glue_before + literal(part) + glue_after)
    joined = "".join(out)
    return "\\" + joined if _LEADING.match(joined) else joined


def role(name: str, target: str, title: str | None = None) -> str:
    """A cross-reference, with an optional title escaped so that it cannot end the role.

    >>> role("ospec:ind", "f.a")
    ':ospec:ind:`f.a`'
    >>> role("ospec:ind", "f.a", "Rate <per> 10,000")
    ':ospec:ind:`Rate \\\\<per\\\\> 10,000 <f.a>`'
    """
    if title is None:
        return f":{name}:`{target}`"
    shown = re.sub(r"([\\`<>])", r"\\\1", " ".join(title.split()))
    return f":{name}:`{shown} <{target}>`"


def heading(title: str, char: str, *, overline: bool = False) -> str:
    """A section title underlined (and optionally overlined) to its display width.

    >>> print(heading("Outcomes", "="))
    Outcomes
    ========
    <BLANKLINE>
    """
    text = escape(title)
    rule = char * max(len(text), 3)
    lines = [rule, text, rule] if overline else [text, rule]
    return "\n".join(lines) + "\n"


def indent(text: str, width: int = 3) -> str:
    """Every non-blank line indented by `width` spaces.

    >>> indent("a\\n\\nb")
    '   a\\n\\n   b'
    """
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.split("\n"))


def directive(name: str, argument: str = "", options: Iterable[tuple[str, str]] = (),
              body: str = "") -> str:
    """A directive block with its options and indented content, ending with a newline.

    >>> print(directive("note", "", [("class", "x")], "Text."), end="")
    .. note::
       :class: x
    <BLANKLINE>
       Text.
    """
    head = f".. {name}::" + (f" {argument}" if argument else "")
    lines = [head]
    for key, value in options:
        lines.append(f"   :{key}:" + (f" {value}" if value else ""))
    text = "\n".join(lines) + "\n"
    if body.strip():
        text += "\n" + indent(body.strip("\n")) + "\n"
    return text


def bullets(items: Iterable[str]) -> str:
    """A bullet list; each item may span several lines.

    >>> print(bullets(["one", "two\\nlines"]), end="")
    * one
    * two
      lines
    """
    return "".join("* " + indent(item, 2).lstrip() + "\n" for item in items)


def field_list(fields: Iterable[tuple[str, str]]) -> str:
    """A field list (`:Name: value`), skipping empty values.

    >>> print(field_list([("Version", "2023-12"), ("Owner", "")]), end="")
    :Version: 2023-12
    """
    lines = []
    for name, value in fields:
        if value.strip():
            body = indent(value, 3).lstrip() if "\n" in value else value
            lines.append(f":{name}: {body}")
    return "\n".join(lines) + ("\n" if lines else "")


def list_table(rows: Sequence[Sequence[str]], *, title: str = "", header: Sequence[str] = (),
               widths: Sequence[int] = (), stub_columns: int = 0,
               classes: str = "") -> str:
    """A `list-table`; cells are reST (they may hold several lines or a code block).

    >>> print(list_table([("Kind", "outcome")], widths=(1, 3), stub_columns=1), end="")
    .. list-table::
       :widths: 1 3
       :stub-columns: 1
    <BLANKLINE>
       * - Kind
         - outcome
    """
    options: list[tuple[str, str]] = []
    if header:
        options.append(("header-rows", "1"))
    if widths:
        options.append(("widths", " ".join(str(w) for w in widths)))
    if stub_columns:
        options.append(("stub-columns", str(stub_columns)))
    if classes:
        options.append(("class", classes))
    body = []
    for row in [tuple(header), *rows] if header else rows:
        cells = [indent(cell or "\u2014", 4).lstrip() for cell in row]
        body.append("* - " + cells[0] + "".join(f"\n  - {cell}" for cell in cells[1:]))
    return directive("list-table", escape(title) if title else "", options, "\n".join(body))


def code_block(code: str, *, language: str = "ospec", caption: str = "",
               first_line: int | None = None) -> str:
    """A highlighted code block, numbered from `first_line` when given.

    >>> print(code_block("kind outcome", first_line=7), end="")
    .. code-block:: ospec
       :linenos:
       :lineno-start: 7
    <BLANKLINE>
       kind outcome
    """
    options: list[tuple[str, str]] = []
    if caption:
        options.append(("caption", escape(caption)))
    if first_line is not None:
        options += [("linenos", ""), ("lineno-start", str(first_line))]
    return directive("code-block", language, options, code)


def join_blocks(blocks: Iterable[str]) -> str:
    """Blocks of reST separated by one blank line, ending with a single newline.

    >>> join_blocks(["a\\n", "", "b"])
    'a\\n\\nb\\n'
    """
    kept = [block.strip("\n") for block in blocks if block.strip()]
    return "\n\n".join(kept) + "\n" if kept else ""
