"""Reading XML returns (the CIN census, the SSDA903 XML) safely into raw columns, one table per
repeating element, as `outcomespec.loading.xmlformats` describes them.

A return is untrusted input, so it is read with defusedxml's SAX driver over expat: a
document type declaration is refused outright (no entity can be declared, so none can be
expanded: no "billion laughs"), external entities and references are refused, and no tree is
kept: each row is built as its element is read, and a child's rows are filed and let go when
the child ends. Elements nested deeper than `MAX_DEPTH` and values longer than `MAX_VALUE`
characters stop the reading at once, and the limit on the size of a data file applies as to
CSV files, so memory stays bounded by the tables themselves.

Problems of the schema are data diagnostics with the file, the line and the element's path
(`Message/Children/Child[3]/CINdetails[2]`): an element the schema does not have (D171,
warning; not read), a value element or single block given twice in one parent (D172,
error), a required block missing (D174, warning). Values are checked by the loader as
those of a CSV file are, and `place` puts the element in place of the column in what it
says (D101 to D120, D130). A file that cannot be read safely, or is not well-formed XML, is
refused whole (D170); an XML file that is no return outcomespec reads is left alone (D173,
warning).
"""

from __future__ import annotations

import os
import re
import stat
import xml.sax
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import defusedxml
from attrs import frozen
from defusedxml.expatreader import DefusedExpatParser

from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.sniffing import HEAD_BYTES, data_size_limit, too_large
from outcomespec.loading.xmlflattening import (
    MAX_DEPTH,
    MAX_VALUE,
    Flattener,
    RefusedError,
    XmlTable,
)
from outcomespec.loading.xmlformats import FORMATS, ReturnFormat

__all__ = ["MAX_DEPTH", "MAX_VALUE", "SUFFIX", "ReadReturn", "Returns", "XmlTable",
           "read_return", "read_returns", "sniff_format"]

SUFFIX = ".xml"
_CHUNK = 1 << 16
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*)")
_PROLOGUE = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.DOTALL)
"""What may come before the root element: the XML declaration, comments, a document type
(looked past here, refused when the file is read)."""
_COLLECTION = re.compile(rb"<Collection>([^<]*)</Collection>")
"""DfE's collections share the root `Message`: the header's `Collection` tells them apart."""


# ------------------------------------------------------------------ results


@frozen
class ReadReturn:
    """The tables read from one return (none when it was refused), and what was wrong."""

    format: ReturnFormat
    tables: Mapping[str, XmlTable]
    diagnostics: tuple[Diagnostic, ...]


@frozen
class Returns:
    """The XML returns of a directory, as the datasets asked for see them."""

    tables: Mapping[str, XmlTable]
    """Short dataset name → its table."""
    problems: Mapping[str, Diagnostic]
    """Short dataset name → why the return that holds it could not be read (given with the
    first dataset it holds only, so that it is said once; the others are absent)."""
    diagnostics: tuple[tuple[str, Diagnostic], ...]
    """(short dataset name, diagnostic): problems of a whole file, each given once, with
    the first dataset the file holds."""


# ------------------------------------------------------------------ a directory


def read_returns(directory: Path, wanted: Collection[str]) -> Returns:
    """Every XML return in `directory` that holds a dataset of `wanted` (short names), read.

    A return holds the tables its format fills (`ReturnFormat.datasets`). Two returns of one
    kind in one directory are refused (D108), as a dataset given both as CSV and as Parquet
    is: the tables of a directory are one authority's, or one pooled extract.
    """
    tables: dict[str, XmlTable] = {}
    problems: dict[str, Diagnostic] = {}
    diagnostics: list[tuple[str, Diagnostic]] = []
    root = directory.resolve()
    by_format: dict[str, tuple[ReturnFormat, list[Path]]] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() != SUFFIX or not os.path.isfile(path):
            continue
        if not path.resolve().is_relative_to(root):
            diagnostics.append(("", Diagnostic.of(
                "D108", f"`{path}` is a symbolic link to a file outside `{directory}`", None,
                path=str(path), help="copy the file into the directory instead of linking "
                                     "to it")))
            continue
        found = sniff_format(path)
        if isinstance(found, Diagnostic):
            diagnostics.append(("", found))
        elif set(found.datasets()) & set(wanted):
            by_format.setdefault(found.name, (found, []))[1].append(path)
    for fmt, paths in by_format.values():
        served = [name for name in fmt.datasets() if name in wanted]
        if len(paths) > 1:
            problem = Diagnostic.of(
                "D108", f"both `{paths[0].name}` and `{paths[1].name}` are a {fmt.name}",
                None, path=str(paths[0]),
                help="keep one return in the directory: evaluate each authority's returns in "
                     "a directory of their own, or pool them as CSV files with an `LA` column")
            problems[served[0]] = problem
            continue
        read = read_return(paths[0], str(paths[0]), fmt, served)
        if not read.tables:
            problems[served[0]] = read.diagnostics[0]
            continue
        tables |= read.tables
        first = next(name for name in served if name in read.tables)
        diagnostics.extend((first, d) for d in read.diagnostics)
    return Returns(tables, problems, tuple(diagnostics))


def sniff_format(path: Path) -> ReturnFormat | Diagnostic:
    """The kind of return a file is, from its root element; a D173 warning when it is none
    outcomespec reads (or cannot be looked at)."""
    shown = str(path)
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError as error:
        return Diagnostic.of("D108", f"cannot read `{shown}`: {error.strerror or error}",
                             None, path=shown, help="check the path and that you may read it")
    body, at = head.removeprefix(b"\xef\xbb\xbf"), 0
    while skipped := _PROLOGUE.match(body, at):
        at = skipped.end()
    match = _ROOT.match(body, at)
    tag = match[1].decode("ascii", "replace") if match else None
    for fmt in FORMATS:
        if tag != fmt.root.tag:
            continue
        collection = _COLLECTION.search(body, at)
        named = collection[1].strip().decode("ascii", "replace") if collection else None
        if fmt.collection is None or named in (None, fmt.collection):
            return fmt
        return Diagnostic.of(
            "D173", f"`{shown}` is the `{named}` collection, not a {fmt.name} "
            f"(`{fmt.collection}`); it is not read", None, path=shown,
            help=f"give the {fmt.name} return, or move the file out of the data directory")
    roots = ", ".join(f"`{f.root.tag}` ({f.name})" for f in FORMATS)
    what = f"its root element is `{tag}`" if tag else "it begins with no element"
    return Diagnostic.of(
        "D173", f"`{shown}` is not a return outcomespec reads: {what}; it is not read", None,
        path=shown, help=f"the returns read from XML have the roots {roots}; move other files "
                         "out of the data directory")


# ------------------------------------------------------------------ one return


def read_return(path: Path, shown: str, fmt: ReturnFormat,
                wanted: Collection[str] | None = None) -> ReadReturn:
    """The tables of one return of kind `fmt` (those of `wanted`, short names, or all), or,
    when the file is refused, no tables and the diagnostic saying why."""
    limit = data_size_limit(shown)
    if isinstance(limit, Diagnostic):
        return ReadReturn(fmt, {}, (limit,))
    parser = None
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return ReadReturn(fmt, {}, (Diagnostic.of(
                "D108", f"`{shown}` is not a regular file", None, path=shown),))
        if info.st_size > limit:
            return ReadReturn(fmt, {}, (too_large(shown, info.st_size, limit),))
        flattener = Flattener(fmt, shown, set(fmt.datasets() if wanted is None else wanted))
        parser = DefusedExpatParser(forbid_dtd=True)
        parser.setContentHandler(flattener)
        flattener.parser = parser
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                parser.feed(chunk)
        parser.close()
    except RefusedError as refused:
        return ReadReturn(fmt, {}, (_refusal(refused, shown, parser),))
    except defusedxml.DefusedXmlException as error:
        unsafe = RefusedError("D170", f"`{shown}` declares {_unsafe(error)}, which returns never "
                           "do; the file is not read", "returns have no document type "
                           "declaration (<!DOCTYPE ...>) and no entities: remove them, or ask "
                           "whoever made the file for the return as the software exports it")
        return ReadReturn(fmt, {}, (_refusal(unsafe, shown, parser),))
    except xml.sax.SAXParseException as error:
        line = error.getLineNumber()
        return ReadReturn(fmt, {}, (Diagnostic.of(
            "D170", f"`{shown}` is not well-formed XML: {error.getMessage()} (line {line}, "
            f"column {(error.getColumnNumber() or 0) + 1}); the file is not read", None, path=shown,
            line=line, help="export the return again; a file cut short or edited by hand "
                            "often breaks like this"),))
    except OSError as error:
        return ReadReturn(fmt, {}, (Diagnostic.of(
            "D108", f"cannot read `{shown}`: {error.strerror or error}", None, path=shown,
            help="check the path and that you may read the file"),))
    return ReadReturn(fmt, flattener.tables(), tuple(flattener.diagnostics()))


def _unsafe(error: defusedxml.DefusedXmlException) -> str:
    match error:
        case defusedxml.DTDForbidden():
            return "a document type (DTD)"
        case defusedxml.EntitiesForbidden():
            return f"an entity (`{error.name}`)"
        case defusedxml.ExternalReferenceForbidden():
            return "a reference to an external entity"
        case _:
            return "something unsafe"


def _refusal(refused: RefusedError, shown: str, parser: Any) -> Diagnostic:
    line = parser.getLineNumber() if parser is not None else None
    return Diagnostic.of(refused.code, refused.message, None, path=shown,
                         line=line if isinstance(line, int) and line > 0 else None,
                         help=refused.help)
