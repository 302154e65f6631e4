"""The data an indicator reads, as reST: datasets with their columns, code lists with their
codes, named definitions and cohorts, and whole library files (`frameworks/datasets/`).

Indicator pages link here (`:ospec:ds:`, `:ospec:cl:`, `:ospec:def:`), so a reader can
follow a definition down to the column and the codes it tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from outcomespec import model as m
from outcomespec.sphinxext.markup import (
    bullets,
    code_block,
    directive,
    escape,
    field_list,
    heading,
    join_blocks,
    list_table,
    literal,
    oneline,
    role,
)


def render_library(library: m.Framework, path: str) -> str:
    """One library file: what it says about itself, its datasets, code lists, geography
    and definitions, as a section of the data page.

    >>> lib = m.Framework(name="tiny", kind=m.ModuleKind.LIBRARY, title="A tiny library",
    ...                   path="tiny.ospec", suppression=None)
    >>> print(render_library(lib, "datasets/tiny.ospec").splitlines()[0])
    A tiny library
    """
    meta = dict(library.metadata)
    about = field_list([("Identifier", literal(library.name)), ("File", literal(path)),
                        ("Publisher", escape(meta.get("publisher", ""))),
                        ("Source", escape(meta.get("source", ""))),
                        ("Licence", escape(meta.get("licence", "")))])
    notes = [escape(text) for key, text in library.metadata if key in ("description", "note")]
    blocks = [heading(library.title or library.name, "="),
              directive("ospec:framework", library.name,
                        [("title", oneline(library.title or library.name)),
                         ("kind", library.kind)], join_blocks([about, *notes]))]
    named: tuple[m.Cohort | m.Definition, ...] = (*library.cohorts, *library.definitions)
    parts = (
        ("Datasets", [render_dataset(dataset) for dataset in library.datasets]),
        ("Code lists", [render_codelist(codelist) for codelist in library.codelists]),
        ("Geography", [_geography(geography) for geography in library.geographies]),
        ("Definitions and cohorts", [render_definition(item, path) for item in named]),
    )
    for title, items in parts:
        if items:
            blocks += [heading(title, "-"),
                       *items]
    return join_blocks(blocks)


def render_dataset(dataset: m.Dataset) -> str:
    """A dataset: the unit of its rows, its key and area columns, and each typed column.

    >>> ds = m.Dataset(name="lib.people", title="People", rows="child", columns=(),
    ...                key=("ID",))
    >>> print(render_dataset(ds))
    .. ospec:dataset:: lib.people
       :title: People
    <BLANKLINE>
       :Rows: one per child
       :Key: ``ID``
       :Unknown codes: an error
    <BLANKLINE>
    """
    fields = [
        ("Rows", f"one per {escape(dataset.rows)}"),
        ("Key", ", ".join(literal(k) for k in dataset.key)),
        ("Area column", literal(dataset.area or "")),
        ("Period column", f"{literal(dataset.period)} ("
         f"{dataset.period_kind.value.replace('_', ' ')})" if dataset.period else ""),
        ("Missing values", ", ".join(literal(f'"{s}"') for s in dataset.missing_symbols)),
        ("Unknown codes", "read as missing, with a warning"
         if dataset.unknown_codes is m.UnknownCodePolicy.WARN else "an error"),
    ]
    rows = [(literal(c.name), _type(c), _years(c.since, c.until),
             escape(c.description or "") + (" (optional)" if c.optional else ""))
            for c in dataset.columns]
    table = list_table(rows, title="Columns", header=("Column", "Type", "Years", "Description"),
                       widths=(2, 3, 1, 6)) if rows else ""
    return directive("ospec:dataset", dataset.name,
                     [("title", oneline(dataset.title or dataset.name))],
                     join_blocks([field_list(fields), table]))


def _type(column: m.Column) -> str:
    kind = column.type
    if kind.kind is m.ValueKind.CODE and kind.codelist:
        return f"code from {role('ospec:cl', kind.codelist)}"
    if kind.kind is m.ValueKind.IDENTIFIER and kind.unit:
        return f"identifier of a {escape(kind.unit)}"
    if column.bounds is not None:
        return escape(f"{kind}, range {column.bounds}")
    return escape(str(kind))


def _years(since: int | None, until: int | None) -> str:
    """Collection years (named by the year they end) a column or code is valid in."""
    if since and until:
        return f"{since}\u2013{until}"
    if since:
        return f"from {since}"
    if until:
        return f"until {until}"
    return "all"


def render_codelist(codelist: m.Codelist) -> str:
    """A code list: each code with its label and years, then its named groups.

    >>> cl = m.Codelist("lib.sex", "Sex", (m.Code("M", "Male", since=2025),), ())
    >>> print(render_codelist(cl).splitlines()[0])
    .. ospec:codelist:: lib.sex
    """
    rows = [(literal(c.code), escape(c.label), _years(c.since, c.until))
            for c in codelist.codes]
    blocks = [list_table(rows, title="Codes", header=("Code", "Label", "Years"),
                         widths=(1, 6, 1))]
    if codelist.groups:
        blocks.append(directive("rubric", "Groups"))
        blocks.append(bullets(f"{literal(name)}: {', '.join(literal(c) for c in codes)}"
                              for name, codes in codelist.groups))
    return directive("ospec:codelist", codelist.name,
                     [("title", oneline(codelist.title or codelist.name))], join_blocks(blocks))


def render_definition(item: m.Definition | m.Cohort, path: str) -> str:
    """A named definition or cohort, with the rows it applies to and its text as written in
    the file shown as `path`."""
    if isinstance(item, m.Cohort):
        rows = f"A cohort of rows of {role('ospec:ds', item.population.dataset)}."
    else:
        rows = f"Computed for each row of {role('ospec:ds', item.dataset)}."
    short = item.name.rsplit(".", 1)[-1]
    line = item.span.start_position[0] if item.span.text else None
    caption = f"{path}, line {line}" if line else ""
    text = _dedented(item.span)
    return directive("ospec:definition", item.name,
                     [("title", oneline(item.title or short)),
                      ("kind", "cohort" if isinstance(item, m.Cohort) else "definition")],
                     join_blocks([rows, code_block(text, caption=caption, first_line=line)
                                  if text else ""]))


def _dedented(span: object) -> str:
    text: str = getattr(span, "text", "")
    if not text:
        return ""
    column = getattr(span, "start_position", (1, 1))[1]
    lines = (" " * (column - 1) + text).split("\n")
    width = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[width:].rstrip() for x in lines)


def _geography(geography: m.Geography) -> str:
    levels = [f"{escape(level.name.replace('_', ' '))}: {literal(level.code)} of "
              f"{role('ospec:ds', level.dataset)}"
              + (f", within each {escape(level.parent)}" if level.parent else "")
              for level in geography.levels]
    sets = [f"{escape(n.title or n.name)} ({literal(n.name)}): {len(n.members)} per area, "
            f"from {role('ospec:ds', n.dataset)}" for n in geography.neighbours]
    title = f"Geography: {geography.title}" if geography.title else "Geography"
    return join_blocks([directive("rubric", escape(title)),
                        field_list([("Levels", bullets(levels)),
                                    ("Comparator sets", bullets(sets))])])


def libraries_of(frameworks: Sequence[m.Framework], modules: Sequence[m.Framework]
                 ) -> tuple[m.Framework, ...]:
    """The library files the frameworks import, each once, in first-import order."""
    published = {f.name for f in frameworks}
    seen: dict[str, m.Framework] = {}
    for module in modules:
        if module.kind is m.ModuleKind.LIBRARY and module.name not in published:
            seen.setdefault(module.name, module)
    return tuple(seen.values())
