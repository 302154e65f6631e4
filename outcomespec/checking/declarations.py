"""Check codelists, datasets, geography, definitions and cohorts into their models."""

from __future__ import annotations

import datetime as dt
from typing import Any, assert_never

from attrs import evolve

from outcomespec import model as m
from outcomespec.checking.context import Context
from outcomespec.checking.expressions import check_condition, check_expr
from outcomespec.checking.periods import (
    check_cohort_selection,
    check_period_column,
    check_rows_have_period,
    check_selection,
)
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import (
    Diagnostic,
    Label,
    did_you_mean,
    with_article,
)
from outcomespec.language.source import Span

SCALARS = {
    "date": m.DATE,
    "integer": m.ValueType(m.ValueKind.NUMBER, integer=True),
    "number": m.NUMBER,
    "boolean": m.BOOLEAN,
    "text": m.TEXT,
}


def qualify(ctx: Context, name: str) -> str:
    """The qualified name of a declaration of the module being checked."""
    return f"{ctx.module}.{name}"


def _year(number: s.NumberLit | None) -> int | None:
    return None if number is None else int(float(number.text))


# ------------------------------------------------------------------ codelists


def check_codelist(ctx: Context, node: s.Codelist) -> m.Codelist:
    """A codelist: codes unique (E503), groups made of its own codes (E207)."""
    codes: list[m.Code] = []
    seen: dict[str, s.Code] = {}
    groups: list[tuple[str, tuple[str, ...]]] = []
    for item in node.items:
        if isinstance(item, s.CodeEntry):
            if item.code.text in seen:
                ctx.report(Diagnostic.of(
                    "E503", f"code `{item.code.text}` is listed twice", item.code.span,
                    labels=[Label(seen[item.code.text].span, "first listed here")]))
                continue
            seen[item.code.text] = item.code
            since, until = _year(item.since), _year(item.until)
            if since is not None and until is not None and since > until:
                ctx.report(Diagnostic.of(
                    "E105", f"`{item.code.text}` is valid from {since} until {until}, "
                    "which is never", item.span, help="write the earlier year after `from`"))
            codes.append(m.Code(item.code.text, item.label.value, since, until))
    group_names: set[str] = set()
    for item in node.items:
        if not isinstance(item, s.CodeGroup):
            continue
        if item.name.text in group_names:
            ctx.report(Diagnostic.of("E202", f"group `{item.name.text}` is declared twice",
                                     item.name.span))
            continue
        group_names.add(item.name.text)
        members: list[str] = []
        for code in item.codes:
            if code.text not in seen:
                ctx.report(Diagnostic.of(
                    "E207", f"`{code.text}` is not a code of `{node.name.text}`", code.span,
                    help=did_you_mean(code.text, seen)))
            elif code.text in members:
                ctx.report(Diagnostic.of("E503", f"code `{code.text}` appears twice in group "
                                         f"`{item.name.text}`", code.span))
            else:
                members.append(code.text)
        groups.append((item.name.text, tuple(members)))
    if not codes:
        ctx.report(Diagnostic.of("E413", f"codelist `{node.name.text}` has no codes",
                                 node.name.span, help='list codes as `CODE "label"`'))
    check_meta(ctx, [i for i in node.items if isinstance(i, s.Meta)], DESCRIPTIVE_META)
    return m.Codelist(qualify(ctx, node.name.text), _text(node.title), tuple(codes),
                      tuple(groups), span=node.span)


# ------------------------------------------------------------------ datasets


def check_dataset(ctx: Context, node: s.Dataset) -> m.Dataset:
    """A dataset: typed columns, what its rows are, and columns named by key/area/period."""
    columns, by_name, singles = _dataset_items(ctx, node)
    rows: str | None = None
    key: tuple[str, ...] = ()
    area = period = None
    upper: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    policy = m.UnknownCodePolicy.ERROR
    period_kind = m.PeriodKind.YEAR_ENDING
    dated_by: tuple[str, ...] = ()
    for setting in singles.values():
        match setting:
            case s.Rows():
                rows = setting.unit.text
            case s.Key():
                key = tuple(_own_column(ctx, by_name, name, "key") for name in setting.columns)
            case s.AreaColumn():
                area = _own_column(ctx, by_name, setting.column, "area")
                upper = tuple(_own_column(ctx, by_name, name, "area") for name in setting.upper)
            case s.PeriodColumn():
                period, period_kind = check_period_column(
                    ctx, setting, _own_column(ctx, by_name, setting.column, "period"), columns)
            case s.DatedBy() if "PeriodColumn" in singles:
                ctx.report(Diagnostic.of(
                    "E420", "a dataset with a period column is placed in periods by it, not by "
                    "its dates", setting.span,
                    help="remove `dated by`: it is for record-level returns, which have no "
                    "period column"))
            case s.DatedBy():
                dated_by = _dated_by(ctx, setting, by_name, columns)
            case s.MissingSymbols():
                missing = tuple(symbol.value for symbol in setting.symbols)
            case s.UnknownCodes():
                try:
                    policy = m.UnknownCodePolicy(setting.policy.text)
                except ValueError:
                    ctx.report(Diagnostic.of(
                        "E410", f"`unknown codes {setting.policy.text}` is not a policy",
                        setting.policy.span,
                        help="write `unknown codes error` or `unknown codes warn`"))
    columns = _check_units(ctx, by_name, columns)
    if rows is None:
        ctx.report(Diagnostic.of(
            "E413", f"dataset `{node.name.text}` does not say what its rows are",
            node.name.span, help="add `rows UNIT`, e.g. `rows episode` or `rows child`"))
    if not by_name:
        ctx.report(Diagnostic.of("E413", f"dataset `{node.name.text}` has no columns",
                                 node.name.span, help="declare `column NAME TYPE`"))
    else:
        check_rows_have_period(ctx, node, rows)
    check_meta(ctx, [i for i in node.items if isinstance(i, s.Meta)], DESCRIPTIVE_META)
    return m.Dataset(name=qualify(ctx, node.name.text), title=_text(node.title),
                     rows=rows or "row", columns=tuple(columns), key=tuple(k for k in key if k),
                     area=area or None, period=period or None, missing_symbols=missing,
                     unknown_codes=policy, period_kind=period_kind,
                     dated_by=tuple(d for d in dated_by if d),
                     upper_areas=tuple(u for u in upper if u), span=node.span)


def _dataset_items(ctx: Context, node: s.Dataset
                   ) -> tuple[list[m.Column], dict[str, s.Column], dict[str, s.DatasetItem]]:
    """The dataset's typed columns, its column declarations by name, and each of its
    one-off settings (`rows`, `key`, …) by kind, a setting given twice reported."""
    columns: list[m.Column] = []
    by_name: dict[str, s.Column] = {}
    by_header: dict[str, s.Column] = {}
    singles: dict[str, s.DatasetItem] = {}
    for item in node.items:
        match item:
            case s.Column():
                if item.name.text in by_name:
                    ctx.report(Diagnostic.of(
                        "E202", f"column `{item.name.text}` is declared twice", item.name.span,
                        labels=[Label(by_name[item.name.text].name.span, "first declared here")]))
                    continue
                header = item.header.value if item.header is not None else item.name.text
                if header in by_header:
                    ctx.report(_same_header(item, by_header[header], header))
                    continue
                by_name[item.name.text] = item
                by_header[header] = item
                column_type = _column_type(ctx, item.type)
                if column_type is not None:
                    bounds = (None if item.bounds is None
                              else _value_range(ctx, item, item.bounds, column_type))
                    columns.append(m.Column(name=item.name.text, type=column_type,
                                            optional=item.optional, since=_year(item.since),
                                            until=_year(item.until),
                                            description=_text(item.description),
                                            bounds=bounds, header=_text(item.header),
                                            **_column_extras(item.type),
                                            span=item.span))
            case s.Rows() | s.Key() | s.AreaColumn() | s.PeriodColumn() | s.DatedBy() \
                    | s.MissingSymbols() | s.UnknownCodes():
                label = type(item).__name__
                if label in singles:
                    ctx.report(Diagnostic.of("E406", "this dataset setting is given twice",
                                             item.span))
                singles[label] = item
            case _:
                pass
    return columns, by_name, singles


def _column_extras(node: s.ColumnType) -> dict[str, Any]:
    """What a column's type says beyond the type: how an identifier identifies its unit,
    how a code column's files write codes."""
    match node:
        case s.IdentifierType():
            return {"national": node.national,
                    "within": node.within.text if node.within else None}
        case s.CodeType():
            return {"by_label": node.by_label}
        case s.ScalarType():
            return {}
        case _:
            assert_never(node)


def _check_units(ctx: Context, by_name: dict[str, s.Column], columns: list[m.Column]
                 ) -> list[m.Column]:
    """Identifiers that say how they identify their unit: `national` and `within` need a
    unit (E250), `within` a unit the dataset also identifies and no loop (E251), and not
    both at once (E252). A column that fails is kept as a plain identifier."""
    units = {c.type.unit: c for c in columns
             if c.type.kind is m.ValueKind.IDENTIFIER and c.type.unit}
    checked = []
    for column in columns:
        node = by_name[column.name].type
        problem = (_unit_problem(column, node, units) if isinstance(node, s.IdentifierType)
                   and (column.national or column.within) else None)
        if problem is not None:
            ctx.report(problem)
        checked.append(column if problem is None
                       else evolve(column, national=False, within=None))
    return checked


def _unit_problem(column: m.Column, node: s.IdentifierType, units: dict[str, m.Column]
                  ) -> Diagnostic | None:
    """Why an identifier's `national` or `within` cannot stand, if it cannot."""
    if node.unit is None:
        word = "national" if node.national else f"within {column.within}"
        return Diagnostic.of(
            "E250", f"`{column.name}` is `{word}`, but identifies no unit", node.span,
            help=f"name the unit it identifies: `identifier UNIT {word}`")
    unit = node.unit.text
    if column.national and column.within:
        return Diagnostic.of(
            "E252", f"`{column.name}` cannot be both `national` and `within "
            f"{column.within}`", node.span,
            help=f"{with_article(unit)} identified within {with_article(column.within)} is "
            f"national when the {column.within}'s identifier is: say `national` there")
    if column.within is None:
        return None
    seen = [unit]
    current: str | None = column.within
    while current is not None:
        parent = units.get(current)
        if parent is None:
            within = node.within or node
            return Diagnostic.of(
                "E251", f"`{column.name}` identifies {with_article(unit)} within "
                f"{with_article(current)}, but this dataset has no identifier of "
                f"{with_article(current)}", within.span,
                help=f"declare the {current}'s identifier: `column NAME identifier {current}`")
        if current in seen:
            loop = " → ".join([*seen, current])
            return Diagnostic.of(
                "E251", f"units are identified within each other in a loop: {loop}",
                (node.within or node).span,
                help="the outermost unit (a child, say) is identified on its own")
        seen.append(current)
        current = parent.within
    return None


def _same_header(column: s.Column, first: s.Column, header: str) -> Diagnostic:
    """E240: two columns read from the same column of a file."""
    where = column.header or column.name
    return Diagnostic.of(
        "E240", f"column `{column.name.text}` is read from the file's column \"{header}\", "
        f"as `{first.name.text}` is", where.span,
        labels=[Label((first.header or first.name).span, "read from it here")],
        help="each column of a file is declared once; name the other column of the file")


def _dated_by(ctx: Context, setting: s.DatedBy, by_name: dict[str, s.Column],
              columns: list[m.Column]) -> tuple[str, ...]:
    """The date columns `dated by` names; each must be a date column of the dataset."""
    types = {column.name: column.type for column in columns}
    found = []
    for name in setting.columns:
        column = _own_column(ctx, by_name, name, "dated by")
        if column and column in types and types[column].kind is not m.ValueKind.DATE:
            ctx.report(Diagnostic.of(
                "E301", f"`dated by` names `{column}`, which is {types[column]:a}, not a date",
                name.span, help="name the date columns of the rows' events, such as `DECOM`"))
            continue
        found.append(column)
    return tuple(found)


def _own_column(ctx: Context, columns: dict[str, s.Column], name: s.Name, role: str) -> str:
    if name.text not in columns:
        ctx.report(Diagnostic.of(
            "E201", f"`{role}` names `{name.text}`, which is not a column of this dataset",
            name.span, help=did_you_mean(name.text, columns)))
        return ""
    return name.text


def _value_range(ctx: Context, column: s.Column, node: s.ValueRange, column_type: m.ValueType
                 ) -> m.ValueRange | None:
    """A column's `range`: ends of the column's type (E301), whole for an `integer` column,
    the low end first (E105). None after an error."""
    name = column.name.text
    if column_type.kind not in (m.ValueKind.NUMBER, m.ValueKind.DATE):
        holds = {m.ValueKind.CODE: "codes", m.ValueKind.IDENTIFIER: "identifiers",
                 m.ValueKind.BOOLEAN: "true/false values"}.get(column_type.kind, "text")
        ctx.report(Diagnostic.of(
            "E301", f"column `{name}` holds {holds}: only numbers and dates have a range",
            node.span,
            help="a `range` fits `integer`, `number` and `date` columns; a `code` column's "
            "values are its codelist's codes"))
        return None
    ends: list[float | dt.date | None] = []
    for end in (node.low, node.high):
        match end:
            case None:
                ends.append(None)
            case s.NumberLit() if column_type.kind is m.ValueKind.NUMBER:
                value = float(end.text)
                if column_type.integer and not value.is_integer():
                    ctx.report(Diagnostic.of(
                        "E105", f"`{end.text}` is not a whole number, and column `{name}` is "
                        "an integer", end.span, help="write whole numbers at both ends"))
                    return None
                ends.append(value)
            case s.DateLit() if column_type.kind is m.ValueKind.DATE:
                ends.append(dt.date.fromisoformat(end.text))
            case _:
                wanted = "dates" if column_type.kind is m.ValueKind.DATE else "numbers"
                ctx.report(Diagnostic.of(
                    "E301", f"column `{name}` holds {wanted}, and `{end.text}` is not "
                    f"{column_type:a}", end.span,
                    help="write dates as YYYY-MM-DD" if wanted == "dates"
                    else "write numbers in digits, e.g. `range 0 .. 40`"))
                return None
    low, high = ends
    bounds = m.ValueRange(low, high)
    if low is not None and high is not None and low > high:  # type: ignore[operator]
        ctx.report(Diagnostic.of(
            "E105", f"range {bounds} of column `{name}` holds no value", node.span,
            help=f"write the low end first: range {m.ValueRange(high, low)}"))
        return None
    return bounds


def _column_type(ctx: Context, node: s.ColumnType) -> m.ValueType | None:
    match node:
        case s.ScalarType():
            return SCALARS[node.name]
        case s.IdentifierType():
            return m.ValueType(m.ValueKind.IDENTIFIER, unit=node.unit.text if node.unit else None)
        case s.CodeType():
            ref = s.NameRef((node.codelist,), span=node.codelist.span)
            decl = ctx.resolver.resolve(ref, ["codelist"], "codelist")
            if decl is None:
                return None
            codelist = ctx.registry.codelists.get(decl.qualified)
            if node.by_label and codelist is not None and not _labels_tell_apart(
                    ctx, node, codelist):
                return None
            return m.ValueType(m.ValueKind.CODE, codelist=decl.qualified)
        case _:
            assert_never(node)


def _labels_tell_apart(ctx: Context, node: s.CodeType, codelist: m.Codelist) -> bool:
    """A column read `by label` needs a codelist whose labels name one code each (E254):
    a label shared by two codes would be read as either."""
    seen: dict[str, str] = {}
    for code in codelist.codes:
        other = seen.setdefault(code.label, code.code)
        if other != code.code:
            ctx.report(Diagnostic.of(
                "E254", f"codes `{other}` and `{code.code}` of `{node.codelist.text}` have the "
                f"same label, \"{code.label}\", so a file that writes labels cannot tell them "
                "apart", node.span, labels=[Label(codelist.span, "codelist declared here")],
                help="give each code a label of its own, or read the column's codes"))
            return False
    return True


# ------------------------------------------------------------------ geography


LEVEL_FIELDS = ("code", "name", "alternative_code", "parent", "valid_from", "valid_until")
"""What a geography level may say; `alternative_code` may name several columns."""

VALIDITY_FIELDS = ("valid_from", "valid_until")
"""Fields naming columns of reporting years: the first and last in which an area existed."""


def check_geography(ctx: Context, node: s.Geography) -> m.Geography:
    """Levels and neighbour sets, each read from a declared dataset's columns."""
    levels: list[m.GeoLevel] = []
    neighbours: list[m.NeighbourSet] = []
    level_names = {i.name.text for i in node.items if isinstance(i, s.GeoLevel)}
    for item in node.items:
        if isinstance(item, s.GeoLevel):
            dataset, fields = geo_fields(ctx, item.dataset, item.fields,
                                          required=("code",), allowed=LEVEL_FIELDS)
            parent = fields.get("parent")
            if parent and parent[0] not in level_names:
                ctx.report(Diagnostic.of(
                    "E201", f"`parent {parent[0]}` is not a level of this geography",
                    _field_span(item.fields, "parent"),
                    help=did_you_mean(parent[0], level_names)))
            _check_validity_columns(ctx, ctx.registry.datasets.get(dataset), item, fields)
            levels.append(m.GeoLevel(
                name=item.name.text, dataset=dataset, code=_first(fields, "code"),
                name_column=fields.get("name", [None])[0],
                alternative_codes=tuple(fields.get("alternative_code", ())),
                parent=parent[0] if parent else None,
                valid_from=fields.get("valid_from", [None])[0],
                valid_until=fields.get("valid_until", [None])[0]))
        elif isinstance(item, s.Neighbours):
            dataset, fields = geo_fields(ctx, item.dataset, item.fields,
                                          required=("area", "members"),
                                          allowed=("area", "members"))
            neighbours.append(m.NeighbourSet(
                item.name.text, _text(item.title), dataset, _first(fields, "area"),
                tuple(fields.get("members", ()))))
    return m.Geography(qualify(ctx, node.name.text), _text(node.title), tuple(levels),
                       tuple(neighbours))


def _check_validity_columns(ctx: Context, dataset: m.Dataset | None, level: s.GeoLevel,
                            fields: dict[str, list[str]]) -> None:
    """`valid_from` and `valid_until` name integer columns: reporting years."""
    for key in VALIDITY_FIELDS:
        column = dataset.column(fields[key][0]) if dataset and key in fields else None
        if column is not None and not column.type.integer:
            ctx.report(Diagnostic.of(
                "E301", f"`{key} {column.name}` needs an integer column of reporting years: "
                f"`{column.name}` is declared {column.type}", _field_span(level.fields, key),
                help=f"declare `column {column.name} integer optional` (blank: no limit)"))


def _first(fields: dict[str, list[str]], key: str) -> str:
    values = fields.get(key) or [""]
    return values[0]


def _field_span(fields: tuple[s.GeoField | s.Comment, ...], key: str) -> Span | None:
    for field in fields:
        if isinstance(field, s.GeoField) and field.key == key:
            return field.span
    return None


def geo_fields(
    ctx: Context,
    dataset_name: s.Name,
    fields: tuple[s.GeoField | s.Comment, ...],
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    several: tuple[str, ...] = ("parent", "members", "alternative_code"),
) -> tuple[str, dict[str, list[str]]]:
    """The dataset a block reads (qualified; "" when unknown) and its fields' column names,
    each checked to be a column of it (but `parent`, a level), allowed here, given once and
    naming one column unless it is one of `several`."""
    ref = s.NameRef((dataset_name,), span=dataset_name.span)
    decl = ctx.resolver.resolve(ref, ["dataset"], "dataset")
    dataset = ctx.registry.datasets.get(decl.qualified) if decl else None
    found: dict[str, list[str]] = {}
    for field in fields:
        if not isinstance(field, s.GeoField):
            continue
        if field.key not in allowed:
            ctx.report(Diagnostic.of("E410", f"`{field.key}` does not belong here", field.span,
                                     help="use " + ", ".join(f"`{a}`" for a in allowed)))
            continue
        if field.key in found:
            ctx.report(Diagnostic.of("E406", f"`{field.key}` is given twice", field.span))
            continue
        if len(field.values) > 1 and field.key not in several:
            ctx.report(Diagnostic.of("E410", f"`{field.key}` names one column", field.span))
        found[field.key] = [v.text for v in field.values]
        if field.key == "parent" or dataset is None:
            continue
        for value in field.values:
            if dataset.column(value.text) is None:
                ctx.report(Diagnostic.of(
                    "E201", f"`{value.text}` is not a column of `{dataset_name.text}`",
                    value.span, help=did_you_mean(value.text, [c.name for c in dataset.columns])))
    for key in required:
        if key not in found:
            ctx.report(Diagnostic.of("E401", f"`{key}` is missing here", dataset_name.span,
                                     help=f"add `{key} COLUMN`"))
    return (dataset.name if dataset else ""), found


# ------------------------------------------------------------------ definitions and cohorts


def check_definition(ctx: Context, node: s.Definition) -> m.Definition | None:
    """A definition is typed against the rows of the dataset it is `for`."""
    ref = s.NameRef((node.dataset,), span=node.dataset.span)
    decl = ctx.resolver.resolve(ref, ["dataset"], "dataset")
    dataset = ctx.registry.datasets.get(decl.qualified) if decl else None
    if dataset is None:
        return None
    expr = check_expr(ctx, node.expr, (dataset,), lookup_definition)
    if expr is None:
        return None
    if isinstance(expr, m.Literal):
        ctx.report(Diagnostic.of("E502", f"`{node.name.text}` is a constant", node.expr.span,
                                 help="write the constant where it is used"))
    return m.Definition(qualify(ctx, node.name.text), _text(node.title), dataset.name, expr,
                        span=node.span)


def lookup_definition(ctx: Context, qualified: str, used_at: s.NameRef) -> m.Definition | None:
    """A definition's model, checking it now if this module declares it later in the file."""
    known = ctx.registry.definitions.get(qualified)
    if known is not None or qualified in ctx.registry.failed:
        return known
    if qualified in ctx.in_progress:
        chain = [*ctx.in_progress[ctx.in_progress.index(qualified):], qualified]
        ctx.report(Diagnostic.of(
            "E211", "definitions refer to each other in a loop: "
            + " → ".join(q.rsplit(".", 1)[-1] for q in chain), used_at.span))
        ctx.registry.failed.add(qualified)
        return None
    local = ctx.resolver.scope.local.get(qualified.rsplit(".", 1)[-1])
    if local is None or local.qualified != qualified:
        return None
    ctx.in_progress.append(qualified)
    try:
        definition = check_definition(ctx, local.node)
    finally:
        ctx.in_progress.pop()
    if definition is None:
        ctx.registry.failed.add(qualified)
    else:
        ctx.registry.definitions[qualified] = definition
    return definition


def check_population(ctx: Context, node: s.Population, role: str) -> m.Population | None:
    """`base where condition`: base is a dataset or a named cohort (its filters carry over)."""
    decl = ctx.resolver.resolve(node.base, ["dataset", "cohort"], "dataset or cohort")
    if decl is None:
        return None
    if decl.kind == "cohort":
        cohort = lookup_cohort(ctx, decl.qualified, node.base)
        if cohort is None or not check_cohort_selection(ctx, node.periods, cohort.population,
                                                        node.base.dotted):
            return None
        base = cohort.population
        cohort_name: str | None = cohort.name
    else:
        dataset = ctx.registry.datasets.get(decl.qualified)
        if dataset is None:
            return None
        periods = check_selection(ctx, node.periods, dataset)
        if periods is None:
            return None
        base = m.Population(dataset.name, (), periods=periods)
        cohort_name = None
    filters = base.filters
    if node.where is not None:
        dataset = ctx.registry.datasets[base.dataset]
        condition = check_condition(ctx, node.where, (dataset,), lookup_definition,
                                    f"the {role}'s `where`")
        if condition is None:
            return None
        filters = (*filters, *_conjuncts(condition))
    return m.Population(base.dataset, filters, cohort_name, base.periods, span=node.span)


def _conjuncts(expr: m.Expr) -> tuple[m.Expr, ...]:
    if isinstance(expr, m.Logical) and expr.op is m.LogicalOp.AND:
        return tuple(c for operand in expr.operands for c in _conjuncts(operand))
    return (expr,)


def lookup_cohort(ctx: Context, qualified: str, used_at: s.NameRef) -> m.Cohort | None:
    """A cohort's model, checking it now if declared later in this module."""
    known = ctx.registry.cohorts.get(qualified)
    if known is not None or qualified in ctx.registry.failed:
        return known
    if qualified in ctx.in_progress:
        ctx.report(Diagnostic.of("E211", f"cohort `{qualified.rsplit('.', 1)[-1]}` is "
                                 "defined in terms of itself", used_at.span))
        ctx.registry.failed.add(qualified)
        return None
    local = ctx.resolver.scope.local.get(qualified.rsplit(".", 1)[-1])
    if local is None:
        return None
    node: s.CohortDecl = local.node
    ctx.in_progress.append(qualified)
    try:
        population = check_population(ctx, node.population, "cohort")
    finally:
        ctx.in_progress.pop()
    if population is None:
        ctx.registry.failed.add(qualified)
        return None
    cohort = m.Cohort(qualified, _text(node.title), population, span=node.span)
    ctx.registry.cohorts[qualified] = cohort
    return cohort


# ------------------------------------------------------------------ metadata

DESCRIPTIVE_META = {"description", "source", "url", "note", "licence", "caveats"}
FRAMEWORK_META = DESCRIPTIVE_META | {"version", "publisher", "owner", "reviewed", "status"}
INDICATOR_META = FRAMEWORK_META | {"definition"}
STATUSES = ("draft", "proposed", "published", "retired")


def check_meta(
    ctx: Context, fields: list[s.Meta], allowed: set[str]
) -> tuple[tuple[str, str], ...]:
    """Metadata fields: allowed here (E410), given once (E406), values of the right form."""
    seen: dict[str, s.Meta] = {}
    values: list[tuple[str, str]] = []
    for field in fields:
        if field.key not in allowed:
            ctx.report(Diagnostic.of(
                "E410", f"`{field.key}` does not belong here", field.span,
                help="allowed here: " + ", ".join(sorted(allowed))))
            continue
        if field.key in seen:
            ctx.report(Diagnostic.of("E406", f"`{field.key}` is given twice", field.span,
                                     labels=[Label(seen[field.key].span, "first given here")]))
            continue
        seen[field.key] = field
        value = field.value
        if field.key == "reviewed":
            if not isinstance(value, s.DateLit):
                ctx.report(Diagnostic.of("E410", "`reviewed` takes a date", value.span,
                                         help="write it as YYYY-MM-DD, e.g. 2025-03-31"))
                continue
            values.append((field.key, value.text))
        elif field.key == "status":
            if not isinstance(value, s.Word) or value.text not in STATUSES:
                shown = value.text if isinstance(value, (s.Word, s.DateLit)) else value.value
                ctx.report(Diagnostic.of(
                    "E410", f"`{shown}` is not a status", value.span,
                    help=did_you_mean(str(shown), STATUSES) or "use " + ", ".join(STATUSES)))
                continue
            values.append((field.key, value.text))
        else:
            if not isinstance(value, s.StringLit):
                ctx.report(Diagnostic.of("E410", f"`{field.key}` takes quoted text", value.span,
                                         help=f'write `{field.key} "…"`'))
                continue
            values.append((field.key, value.value))
    return tuple(values)


def _text(literal: s.StringLit | None) -> str | None:
    return None if literal is None else literal.value
