"""Flattening an XML return into tables, one per repeating element, as its format says
(`outcomespec.loading.xmlformats`): the SAX events of `outcomespec.loading.xmlreader`'s safe
parser become rows as elements end, a child's rows are filed when the child ends (each with
the keys of the rows around it), and nothing else of the file is kept.
"""

from __future__ import annotations

import xml.sax
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from attrs import evolve, field, frozen

from outcomespec.language.diagnostics import Diagnostic, did_you_mean
from outcomespec.loading.sources import CAP, RawColumns
from outcomespec.loading.xmlformats import AREA_COLUMN, Block, Part, ReturnFormat

__all__ = ["MAX_DEPTH", "MAX_VALUE", "Flattener", "RefusedError", "XmlTable"]

MAX_DEPTH = 32
"""The deepest nesting read: the CIN census nests 8 deep, the SSDA903 XML 4."""
MAX_VALUE = 4096
"""The longest value read, in characters: returns hold codes, dates and identifiers."""


@frozen
class XmlTable:
    """One table read from a return, and where its rows and values lie in the file."""

    shown: str
    raw: RawColumns
    paths: Mapping[str, str]
    """Column → the path of the element it is read from, in the schema."""
    places: Mapping[int, str] = field(eq=False)
    """Line of a row's element → its path with positions (the first row on that line)."""
    value_lines: Mapping[str, Mapping[int, int]] = field(eq=False)
    """Column → line of a row's element → line of the element holding its value."""
    owned: frozenset[str] = frozenset()
    """Columns read from the row's own element (not keys taken from the rows around it)."""
    row_path: str = ""
    """The path of the rows' element in the schema."""
    kind: str = ""
    """The return it was read from, as people call it ("SSDA903 return")."""
    schema: frozenset[str] = frozenset()
    """Every column the return's schema can give this table (some row may give none)."""

    def place(self, diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
        """The loader's diagnostics about this table, naming the element where they name a
        column, on the line of the value's element.

        >>> raw = RawColumns(("LAchildID",), [None], np.array([4]), 1, (), ())
        >>> table = XmlTable("c.xml", raw, {"LAchildID": "Message/Child/LAchildID"},
        ...                  {4: "Message/Child[1]"}, {"LAchildID": {4: 5}},
        ...                  frozenset({"LAchildID"}), "Message/Child")
        >>> d = Diagnostic.of("D109", "column `LAchildID` has no value", None, path="c.xml",
        ...                   line=4)
        >>> (moved,) = table.place([d])
        >>> moved.line, moved.message
        (5, 'element `Message/Child[1]/LAchildID` has no value')
        """
        placed = []
        for diagnostic in diagnostics:
            if diagnostic.path != self.shown:
                placed.append(diagnostic)
                continue
            line = diagnostic.line
            message, help_text = diagnostic.message, diagnostic.help
            for column, path in self.paths.items():
                named = f"column `{column}`"
                if named not in message and (help_text is None or named not in help_text):
                    continue
                where = path
                if line is not None and line in self.places and column in self.owned:
                    own = self.places[line]
                    where = own if path == self.row_path else f"{own}/{path.rsplit('/', 1)[-1]}"
                found = self.value_lines.get(column, {})
                if line is not None and line in found:
                    line = found[line]
                message = message.replace(named, f"element `{where}`")
                help_text = help_text.replace(named, f"element `{where}`") if help_text else None
            placed.append(evolve(diagnostic, message=message, help=help_text, line=line))
        return tuple(placed)



class RefusedError(Exception):
    """Reading stops: the file is not safe or not well-formed (D170) or not this return
    (D173)."""

    def __init__(self, code: str, message: str, help_text: str) -> None:
        super().__init__(message)
        self.code, self.message, self.help = code, message, help_text



# ------------------------------------------------------------------ flattening


class _Row:
    """A row being read: its values by column, and the line of each value's element."""

    __slots__ = ("block", "dataset", "line", "lines", "parent", "place", "values")

    def __init__(self, block: Block, dataset: str, parent: _Row | None, line: int,
                 place: str) -> None:
        self.block, self.dataset, self.parent = block, dataset, parent
        self.line, self.place = line, place
        self.values: dict[str, str] = {}
        self.lines: dict[str, int] = {}


class _Frame:
    """An element open in the file."""

    __slots__ = ("block", "column", "counts", "line", "place", "row", "seen", "skip", "text")

    def __init__(self, *, block: Block | None, row: _Row | None, line: int, place: str,
                 column: str | None = None, skip: bool = False) -> None:
        self.block, self.row, self.line, self.place = block, row, line, place
        self.column, self.skip = column, skip
        self.counts: dict[str, int] = {}
        self.seen: dict[str, int] = {}
        """Value element → the line it was first given on."""
        self.text: list[str] | None = [] if column is not None else None


class _Table:
    """The columns of one dataset as rows are filed."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.values: dict[str, list[str]] = {c: [] for c in columns}
        self.seen: set[str] = set()
        self.lines: list[int] = []
        self.places: dict[int, str] = {}
        self.value_lines: dict[str, dict[int, int]] = {c: {} for c in columns}

    def add(self, line: int, place: str, values: Mapping[str, str],
            lines: Mapping[str, int]) -> None:
        self.lines.append(line)
        self.places.setdefault(line, place)
        for column in self.columns:
            value = values.get(column)
            if value is None:
                self.values[column].append("")
                continue
            self.seen.add(column)
            self.values[column].append(value)
            if column in lines:
                self.value_lines[column].setdefault(line, lines[column])


class Flattener(xml.sax.ContentHandler):
    """Turns the SAX events of a return into the rows of its tables."""

    def __init__(self, fmt: ReturnFormat, shown: str, wanted: set[str]) -> None:
        super().__init__()
        self.fmt, self.shown, self.wanted = fmt, shown, wanted
        self.parser: Any = None
        self.stack: list[_Frame] = []
        self.unit: list[_Row] = []
        self.header: dict[str, str] = {}
        self.problems: dict[tuple[str, str], list[Diagnostic]] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self.files: dict[str, _Table] = {}
        self.layout = _layout(fmt)

    # ---- events

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - SAX's name
        line = self._line()
        if len(self.stack) >= MAX_DEPTH:
            raise RefusedError("D170", f"`{self.shown}` nests elements more than {MAX_DEPTH} deep "
                           f"(`{name}` on line {line}); the file is not read",
                           "a return nests its elements a few levels deep: this is not a "
                           "return, or it is damaged")
        if not self.stack:
            self.stack.append(_Frame(block=self.fmt.root, row=None, line=line, place=name))
            return
        parent = self.stack[-1]
        index = parent.counts[name] = parent.counts.get(name, 0) + 1
        if parent.skip or parent.block is None:
            if not parent.skip:
                self._unknown(parent, name, line, inside_value=True)
            self.stack.append(_Frame(block=None, row=None, line=line, place="", skip=True))
            return
        block = parent.block.child(name)
        if block is not None:
            self._open_block(parent, block, name, index, line)
        elif name in self.layout.values_of[parent.block.tag]:
            if name in parent.seen:
                self._report("D172", parent.block.tag + "/" + name, line,
                             f"`{name}` is given twice in `{parent.place}` (lines "
                             f"{parent.seen[name]} and {line}); the first is read",
                             f"`{parent.block.tag}` holds one `{name}`: remove the other")
                self.stack.append(_Frame(block=None, row=None, line=line, place="", skip=True))
                return
            parent.seen[name] = line
            self.stack.append(_Frame(block=None, row=parent.row, line=line,
                                     place=f"{parent.place}/{name}",
                                     column=parent.block.column(name)))
        else:
            self._unknown(parent, name, line, inside_value=False)
            self.stack.append(_Frame(block=None, row=None, line=line, place="", skip=True))

    def characters(self, content: str) -> None:
        frame = self.stack[-1] if self.stack else None
        if frame is None or frame.skip:
            return
        if frame.text is not None:
            frame.text.append(content)
            if sum(map(len, frame.text)) > MAX_VALUE:
                raise RefusedError("D170", f"`{frame.place}` on line {frame.line} of "
                               f"`{self.shown}` holds a value longer than {MAX_VALUE:,} "
                               "characters; the file is not read",
                               "a return's values are codes, dates and identifiers: this is "
                               "not a return, or it is damaged")
        elif content.strip():
            assert frame.block is not None
            self._report("D171", frame.block.tag + "/#text", self._line(),
                         f"text `{_cut(content.strip())}` in `{frame.place}` lies outside any "
                         "value element; it is not read",
                         f"put the value in its element; `{frame.block.tag}` holds only "
                         "elements")

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX's name
        frame = self.stack.pop()
        if frame.skip:
            return
        if frame.block is None:  # a value element
            parent = self.stack[-1]
            text, column = "".join(frame.text or ()).strip(), frame.column
            assert column is not None
            if parent.row is not None:
                parent.row.values[column] = text
                parent.row.lines[column] = frame.line
            else:
                self._header_value(frame.place.rsplit("/", 1)[-1], text)
            return
        block = frame.block
        assert block is not None
        if block.item is not None and frame.row is not None:
            frame.row.values[block.item] = "".join(frame.text or ()).strip()
            frame.row.lines[block.item] = frame.line
        for inner in block.blocks:
            if inner.required and not frame.counts.get(inner.tag):
                self._report("D174", f"{block.tag}/{inner.tag}", frame.line,
                             f"`{frame.place}` has no `{inner.tag}`",
                             f"the schema requires at least one `{inner.tag}` in "
                             f"`{block.tag}`: rows it would give are missing from the tables")
        if block.unit:
            self._file(self.unit)
            self.unit = []
        if block.tag == "Header" and self.fmt.collection is not None:
            collection = self.header.get("Collection")
            if collection and collection != self.fmt.collection:
                raise RefusedError(
                    "D173", f"`{self.shown}` is the `{collection}` collection, not a "
                    f"{self.fmt.name} (`{self.fmt.collection}`); it is not read",
                    f"give the {self.fmt.name} return, or move the file out of the data "
                    "directory")

    def endDocument(self) -> None:  # noqa: N802 - SAX's name
        self._file(self.unit)
        self.unit = []

    # ---- helpers

    def _open_block(self, parent: _Frame, block: Block, name: str, index: int,
                    line: int) -> None:
        place = f"{parent.place}/{name}" + ("" if block.once else f"[{index}]")
        if block.once and index > 1:
            self._report("D172", f"{parent.block.tag if parent.block else ''}/{name}", line,
                         f"`{name}` is given twice in `{parent.place}`; both are read",
                         f"`{parent.block.tag if parent.block else ''}` holds one `{name}`: "
                         "merge the two")
        row = None
        if block.dataset is not None:
            row = _Row(block, block.dataset, _nearest_row(self.stack), line, place)
            if block.number is not None:
                row.values[block.number] = str(index)
            self.unit.append(row)
        text = block.item is not None
        frame = _Frame(block=block, row=row, line=line, place=place,
                       column=block.item if text else None)
        self.stack.append(frame)

    def _header_value(self, tag: str, text: str) -> None:
        if tag == self.fmt.area and AREA_COLUMN in self.header and text and \
                self.header[AREA_COLUMN] != text:
            self._report("D172", f"Header/{tag}", self._line(),
                         f"the header names two authorities, `{self.header[AREA_COLUMN]}` "
                         f"and `{text}`; the first is read", "a return is one authority's")
            return
        self.header.setdefault(tag, text)
        if tag == self.fmt.area and text:
            self.header.setdefault(AREA_COLUMN, text)

    def _file(self, rows: list[_Row]) -> None:
        """File a unit's rows in their tables, each with the keys of the rows around it."""
        for row in rows:
            for key in row.block.keys:
                if key not in row.values:
                    _take_key(row, key, rows)
            self._add(row.dataset, row, row.values, row.lines)
            for part in row.block.parts:
                if any(row.values.get(tag) for tag in (*part.values, *part.flags)):
                    self._add_part(part, row)

    def _add_part(self, part: Part, row: _Row) -> None:
        values = {c: row.values[c] for c in (*part.keys, *part.values) if c in row.values}
        self._add(part.dataset, row, values, row.lines)

    def _add(self, dataset: str, row: _Row, values: Mapping[str, str],
             lines: Mapping[str, int]) -> None:
        if dataset not in self.wanted:
            return
        table = self.files.get(dataset)
        if table is None:
            table = self.files[dataset] = _Table(self.layout.columns[dataset])
        table.add(row.line, row.place, values, lines)

    def _unknown(self, parent: _Frame, name: str, line: int, *, inside_value: bool) -> None:
        if inside_value:
            self._report("D171", f"{parent.place}/{name}", line,
                         f"`{parent.place}` is a value, and holds an element `{name}`; it is "
                         "not read", f"`{parent.place.rsplit('/', 1)[-1]}` holds only text")
            return
        assert parent.block is not None
        known = self.layout.children_of[parent.block.tag]
        hint = did_you_mean(name, known)
        listed = ", ".join(f"`{k}`" for k in known)
        self._report("D171", f"{parent.block.tag}/{name}", line,
                     f"`{parent.place}` holds an element `{name}` that the {self.fmt.name} "
                     "schema does not have; it is not read",
                     hint or f"`{parent.block.tag}` holds {listed or 'no elements'}")

    def _report(self, code: str, key: str, line: int, message: str, help_text: str) -> None:
        """A problem of the schema, at most `CAP` of each code and element."""
        count = self.counts[(code, key)] = self.counts.get((code, key), 0) + 1
        if count <= CAP:
            self.problems.setdefault((code, key), []).append(Diagnostic.of(
                code, message, None, path=self.shown, line=line, help=help_text))

    def _line(self) -> int:
        line = self.parser.getLineNumber() if self.parser is not None else 1
        return int(line) if isinstance(line, int) else 1

    # ---- results

    def diagnostics(self) -> list[Diagnostic]:
        found = [d for ds in self.problems.values() for d in ds]
        for (code, key), count in self.counts.items():
            if count > CAP:
                last = self.problems[(code, key)][-1]
                found.append(Diagnostic.of(
                    code, f"… and {count - CAP} more of the same problem with `{key}`", None,
                    path=self.shown, line=last.line))
        return found

    def tables(self) -> dict[str, XmlTable]:
        """Each table read, with the columns some row gave (and `LA` from the header)."""
        area = self.header.get(AREA_COLUMN)
        found = {}
        for name in self.layout.columns:
            table = self.files.get(name)
            if name not in self.wanted:
                continue
            if table is None:
                table = _Table(self.layout.columns[name])
            n = len(table.lines)
            header = tuple(c for c in table.columns if c in table.seen or not n)
            columns: list[Any] = [np.array(table.values[c], dtype=np.str_) for c in header]
            if area:
                header = (*header, AREA_COLUMN)
                columns.append(np.full(n, area))
            raw = RawColumns(header, columns, np.asarray(table.lines, dtype=np.int64), n, (), ())
            paths = dict(self.layout.paths[name]) | (
                {AREA_COLUMN: self.layout.area_path} if area else {})
            found[name] = XmlTable(
                self.shown, raw, paths, table.places, table.value_lines,
                self.layout.owned[name], self.layout.row_paths[name], kind=self.fmt.name,
                schema=frozenset((*self.layout.columns[name], *((AREA_COLUMN,) if area else ()))))
        return found


def _nearest_row(stack: list[_Frame]) -> _Row | None:
    return next((frame.row for frame in reversed(stack) if frame.row is not None), None)


def _take_key(row: _Row, key: str, unit: list[_Row]) -> None:
    """Fill a key column from the nearest row around `row` that has it, or else from the
    first row of the unit whose own element gives it (a child's LAchildID)."""
    around = row.parent
    while around is not None:
        if key in around.values:
            row.values[key] = around.values[key]
            if key in around.lines:
                row.lines[key] = around.lines[key]
            return
        around = around.parent
    for other in unit:
        if key in other.values and key not in other.block.keys:
            row.values[key] = other.values[key]
            if key in other.lines:
                row.lines[key] = other.lines[key]
            return


def _cut(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


# ------------------------------------------------------------------ the layout of a format


@frozen
class _Layout:
    """What a format's tree gives, worked out once: each table's columns and the schema path
    of each, the value elements of each block and the child elements it may hold."""

    columns: Mapping[str, tuple[str, ...]]
    paths: Mapping[str, Mapping[str, str]]
    owned: Mapping[str, frozenset[str]]
    row_paths: Mapping[str, str]
    values_of: Mapping[str, frozenset[str]]
    children_of: Mapping[str, tuple[str, ...]]
    area_path: str


def _layout(fmt: ReturnFormat) -> _Layout:
    """Walk the format's tree (some thirty elements) once per file read."""
    columns: dict[str, tuple[str, ...]] = {}
    paths: dict[str, dict[str, str]] = {}
    owned: dict[str, frozenset[str]] = {}
    row_paths: dict[str, str] = {}
    values_of: dict[str, frozenset[str]] = {}
    children_of: dict[str, tuple[str, ...]] = {}
    sources: dict[str, str] = {}
    """Column → the path of the element first giving it as a value (for keys)."""
    area_path = ""

    def walk(block: Block, path: str) -> None:
        nonlocal area_path
        tags = (*block.values, *(t for p in block.parts for t in (*p.values, *p.flags)),
                *block.known)
        values_of[block.tag] = frozenset(tags)
        children_of[block.tag] = (*tags, *(b.tag for b in block.blocks))
        for tag in (*block.values, *(t for p in block.parts for t in p.values)):
            sources.setdefault(block.column(tag), f"{path}/{tag}")
        if block.item is not None:
            sources.setdefault(block.item, path)
        if fmt.area in block.known:
            area_path = f"{path}/{fmt.area}"
        for inner in block.blocks:
            walk(inner, f"{path}/{inner.tag}")

    def tables(block: Block, path: str) -> None:
        if block.dataset is not None:
            own = ([block.item] if block.item else []) + [block.column(t) for t in block.values]
            listed = (*block.keys, *([block.number] if block.number else []), *own)
            columns[block.dataset] = listed
            paths[block.dataset] = {c: sources.get(c, f"{path}/{c}") for c in listed}
            owned[block.dataset] = frozenset(own)
            row_paths[block.dataset] = path
            for part in block.parts:
                part_columns = (*part.keys, *part.values)
                columns[part.dataset] = part_columns
                paths[part.dataset] = {c: sources.get(c, f"{path}/{c}") for c in part_columns}
                owned[part.dataset] = frozenset(part.values)
                row_paths[part.dataset] = path
        for inner in block.blocks:
            tables(inner, f"{path}/{inner.tag}")

    walk(fmt.root, fmt.root.tag)
    tables(fmt.root, fmt.root.tag)
    return _Layout(columns, paths, owned, row_paths, values_of, children_of, area_path)
