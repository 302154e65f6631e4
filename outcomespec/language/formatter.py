"""Format syntax trees as canonical outcomespec text.

One layout for every framework, so that reviews show what changed in meaning, never in
spacing. The formatter works from the syntax tree alone: the user's blank lines and spacing
are not kept, but every comment is (comments are items of the tree), and parsing the output
gives back the same tree. Spans are never read.

Layout: two spaces per level, one field per line, `{` on the header line and `}` on its own.
Blocks (codelists, datasets, geography levels, sections, goals, indicators, modules) are set
apart by one blank line; runs of simple fields are not. Standalone comments belong to the
item after them, so a blank line goes before a block's comments, never between the comments
and the block. Expressions get the fewest parentheses that keep their tree, and a top-level
`and`/`or` too long for one line is broken before each operand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never, get_args

from attrs import frozen

from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.parser import parse_source
from outcomespec.language.source import Source

INDENT = "  "
"""One level of block nesting."""

CONTINUATION = "    "
"""Extra indentation of the continuation lines of a broken expression."""

MAX_LINE = 100
"""Longest line before a top-level `and`/`or` expression is broken over several lines."""


def format_file(file: s.File) -> str:
    """The canonical text of a parsed file, ending with exactly one newline.

    >>> from outcomespec.language.source import Source
    >>> from outcomespec.language.parser import parse_source
    >>> tree = parse_source(Source("f.ospec", 'library x{define a for d=(b)and not(c or d)}')).file
    >>> print(format_file(tree), end="")
    library x {
      define a for d = b and not (c or d)
    }
    """
    return "".join(f"{line}\n" for line in _items(file.items, "")) or "\n"


def format_source(source: Source) -> str | tuple[Diagnostic, ...]:
    """Parse and format one file's text; the parse diagnostics instead when it does not parse.

    Never returns text for a file that does not parse, so a caller cannot overwrite a file
    with a half-understood version of it.

    >>> from outcomespec.language.source import Source
    >>> format_source(Source("f.ospec", "library x { status   draft }"))
    'library x {\\n  status draft\\n}\\n'
    >>> [d.code for d in format_source(Source("f.ospec", "library x {"))]
    ['E103']
    """
    result = parse_source(source)
    if result.file is None:
        return result.diagnostics
    return format_file(result.file)


# ------------------------------------------------------------------ blocks and items

_LineItem = (
    s.Meta | s.Import | s.PeriodDecl | s.SuppressCounts | s.SuppressNone | s.SuppressSmall
    | s.Rounding | s.UnitRows | s.Benchmark | s.CodeEntry | s.CodeGroup | s.Column | s.Rows
    | s.Key | s.AreaColumn | s.PeriodColumn | s.DatedBy | s.MissingSymbols | s.UnknownCodes
    | s.GeoField | s.Serves | s.KindField | s.StatisticField | s.UnitField | s.DecimalsField
    | s.PolarityField | s.CompareField | s.ConfidenceField | s.BreakdownField
    | s.PublishedValue | s.PublishedLimits
)
"""Items always written on one line, however long."""

_Item = (
    s.Module | s.Codelist | s.Dataset | s.Geography | s.GeoLevel | s.Neighbours | s.Comparison
    | s.Section
    | s.Goal | s.Indicator | s.Definition | s.CohortDecl | s.CohortField | s.NumeratorField
    | s.DenominatorField | s.MeasureField | s.ExcludeField | s.PublicationField
    | s.PublishedCount | _LineItem
)
"""Everything that stands on its own line(s) inside a block (or at the top of a file)."""


@frozen
class _Unit:
    """An item's lines with the standalone comments before it; `block` ones get blank lines."""

    lines: tuple[str, ...]
    block: bool
    takes_trailing: bool


def _items(items: Sequence[_Item | s.Comment], indent: str) -> list[str]:
    """The lines of a block's items, comments placed, blocks set apart by blank lines."""
    units: list[_Unit] = []
    leading: list[str] = []
    for item in items:
        if isinstance(item, s.Comment):
            if item.trailing and not leading and units and units[-1].takes_trailing:
                last = units[-1]
                joined = (*last.lines[:-1], f"{last.lines[-1]}  {item.text}")
                units[-1] = _Unit(joined, last.block, takes_trailing=False)
            else:
                leading.append(indent + item.text)
            continue
        lines, block = _item(item, indent)
        units.append(_Unit((*leading, *lines), block, takes_trailing=True))
        leading = []
    if leading:
        units.append(_Unit(tuple(leading), block=False, takes_trailing=False))
    out: list[str] = []
    for index, unit in enumerate(units):
        if index and (unit.block or units[index - 1].block):
            out.append("")
        out.extend(unit.lines)
    return out


def _block(header: str, items: Sequence[_Item | s.Comment], indent: str) -> list[str]:
    return [f"{indent}{header} {{", *_items(items, indent + INDENT), f"{indent}}}"]


def _item(item: _Item, indent: str) -> tuple[list[str], bool]:
    """One item's lines, and whether it is a block (set apart by blank lines)."""
    match item:
        case s.Module(kind=kind, name=name, title=title, items=items):
            return _block(f"{kind} {name.text}{_title(title)}", items, indent), True
        case s.Codelist(name=name, title=title, items=items):
            return _block(f"codelist {name.text}{_title(title)}", items, indent), True
        case s.Dataset(name=name, title=title, items=items):
            return _block(f"dataset {name.text}{_title(title)}", items, indent), True
        case s.Geography(name=name, title=title, items=items):
            return _block(f"geography {name.text}{_title(title)}", items, indent), True
        case s.GeoLevel(name=name, dataset=dataset, fields=fields):
            return _block(f"level {name.text} from {dataset.text}", fields, indent), True
        case s.Neighbours(name=name, title=title, dataset=dataset, fields=fields):
            header = f"neighbours {name.text}{_title(title)} from {dataset.text}"
            return _block(header, fields, indent), True
        case s.Comparison(name=name, title=title, dataset=dataset, items=items):
            header = f"comparison {name.text}{_title(title)} from {dataset.text}"
            return _block(header, items, indent), True
        case s.Section(kind=kind, name=name, title=title, items=items):
            return _block(f"{kind} {name.text} {_string(title)}", items, indent), True
        case s.Goal(name=name, title=title, items=items):
            return _block(f"goal {name.text} {_string(title)}", items, indent), True
        case s.Indicator(name=name, title=title, origin=origin, fields=fields):
            source = "" if origin is None else f" from {origin.dotted}"
            return _block(f"indicator {name.text}{_title(title)}{source}", fields, indent), True
        case s.Definition(name=name, title=title, dataset=dataset, expr=expr):
            prefix = f"define {name.text}{_title(title)} for {dataset.text} = "
            return _broken(indent, prefix, expr, ""), False
        case s.CohortDecl(name=name, title=title, population=population):
            prefix = f"cohort {name.text}{_title(title)} = "
            if population.where is None:
                return [f"{indent}{prefix}{_source(population)}"], False
            lead = f"{_source(population)} where "
            return _broken(indent, prefix, population.where, "", lead=lead), False
        case s.CohortField(population=population):
            return _population(indent, "cohort ", population), False
        case s.NumeratorField(quantity=quantity):
            return _quantity(indent, "numerator ", quantity), False
        case s.DenominatorField(quantity=quantity):
            return _quantity(indent, "denominator ", quantity), False
        case s.MeasureField(expr=expr):
            return _broken(indent, "measure ", expr, ""), False
        case s.ExcludeField(expr=expr, reason=reason):
            return _broken(indent, "exclude ", expr, _title(reason)), False
        case s.PublicationField(rows=rows, items=items):
            opening = _population(indent, "publication ", rows)
            opening[-1] += " {"
            return [*opening, *_items(items, indent + INDENT), f"{indent}}}"], True
        case s.PublishedCount(which=which, column=column, where=where):
            if where is None:
                return [f"{indent}{which} {column.text}"], False
            return _broken(indent, f"{which} {column.text} where ", where, ""), False
        case (
            s.Meta() | s.Import() | s.PeriodDecl() | s.SuppressCounts() | s.SuppressNone()
            | s.SuppressSmall() | s.Rounding() | s.UnitRows() | s.Benchmark() | s.CodeEntry()
            | s.CodeGroup() | s.Column() | s.Rows() | s.Key() | s.AreaColumn()
            | s.PeriodColumn() | s.DatedBy() | s.MissingSymbols() | s.UnknownCodes()
            | s.GeoField() | s.Serves() | s.KindField() | s.StatisticField() | s.UnitField()
            | s.DecimalsField() | s.PolarityField() | s.CompareField() | s.ConfidenceField()
            | s.BreakdownField() | s.PublishedValue() | s.PublishedLimits()
        ):
            return [indent + _line(item)], False
        case _:
            assert_never(item)


def _line(item: _LineItem) -> str:
    """A one-line item: a metadata, module, codelist, dataset, geography or indicator field."""
    match item:
        case s.Meta(key=key, value=value):
            return f"{key} {_meta_value(value)}"
        case s.Import(path=path, alias=alias):
            return f"import {_string(path)}" + ("" if alias is None else f" as {alias.text}")
        case s.PeriodDecl(day=day, month=month):
            return f"period year ending {day.text} {month.text}"
        case s.SuppressCounts(low=low, high=high):
            return f"suppress counts {low.text}..{high.text}"
        case s.SuppressNone():
            return "suppress none"
        case s.SuppressSmall(below=below):
            return f"suppress denominators below {below.text}"
        case s.UnitRows(dataset=dataset, by=by):
            return f"rows {dataset.dotted} by {by.text}"
        case s.Benchmark(comparison=comparison):
            return f"benchmark {comparison.dotted}"
        case s.Rounding(levels=levels, nearest=nearest):
            return f"round {_names(levels)} to nearest {nearest.text}"
        case s.CodeEntry(code=code, label=label, since=since, until=until):
            return f"{code.text} {_string(label)}{_validity(since, until)}"
        case s.CodeGroup(name=name, title=title, codes=codes):
            return f"group {name.text}{_title(title)} = {', '.join(c.text for c in codes)}"
        case s.Column():
            return _column(item)
        case s.Rows(unit=unit):
            return f"rows {unit.text}"
        case s.Key(columns=columns):
            return f"key {_names(columns)}"
        case s.AreaColumn(column=column, upper=upper):
            return " or ".join((f"area {column.text}", *(name.text for name in upper)))
        case s.DatedBy(columns=columns):
            return f"dated by {_names(columns)}"
        case s.PeriodColumn(column=column, kind=kind):
            return f"period {column.text}" + ("" if kind is None else f" {kind.text}")
        case s.MissingSymbols(symbols=symbols):
            return f"missing {', '.join(_string(symbol) for symbol in symbols)}"
        case s.UnknownCodes(policy=policy):
            return f"unknown codes {policy.text}"
        case s.GeoField(key=key, values=values):
            return f"{key} {_names(values)}"
        case s.Serves(goal=goal, relation=relation):
            return f"serves {goal.dotted} {relation.text}"
        case s.KindField(value=value):
            return f"kind {value.text}"
        case s.StatisticField(value=value):
            return f"statistic {value.text}"
        case s.UnitField():
            return _unit(item)
        case s.DecimalsField(places=places):
            return f"decimals {places.text}"
        case s.PublishedValue(column=column):
            return f"value {column.text}"
        case s.PublishedLimits(levels=levels):
            return "limits " + ", ".join(_limit_columns(pair) for pair in levels)
        case s.PolarityField(value=value, rationale=rationale, bounds=bounds):
            shown = "" if bounds is None else f" {bounds[0]} .. {bounds[1]}"
            return f"polarity {value.text}{shown}{_title(rationale)}"
        case s.CompareField(comparators=comparators):
            return f"compare {', '.join(_comparator(c) for c in comparators)}"
        case s.ConfidenceField(method=method, levels=levels):
            return f"confidence {method.text}" + (f" {', '.join(levels)}" if levels else "")
        case s.BreakdownField(names=names):
            return f"breakdown by {_names(names)}"
        case _:
            assert_never(item)


def _column(column: s.Column) -> str:
    """`column NAME type [optional] [from N] [until N] [range LOW .. HIGH] ["description"]`,
    in grammar order."""
    optional = " optional" if column.optional else ""
    validity = _validity(column.since, column.until)
    bounds = "" if column.bounds is None else " " + _value_range(column.bounds)
    described = _title(column.description)
    header = "" if column.header is None else f"{_string(column.header)} as "
    return (f"column {header}{column.name.text} {_column_type(column.type)}{optional}"
            f"{validity}{bounds}{described}")


def _limit_columns(pair: s.LimitColumns) -> str:
    """`lower_95 .. upper_95 at 95%`."""
    return f"{pair.lower.text} .. {pair.upper.text} at {pair.level}"


def _value_range(bounds: s.ValueRange) -> str:
    """`range 0 .. 40`, `range 1990-01-01 ..`, `range .. 999.9`: spaced, so a date reads whole."""
    low = "" if bounds.low is None else f"{bounds.low.text} "
    high = "" if bounds.high is None else f" {bounds.high.text}"
    return f"range {low}..{high}"


def _column_type(column_type: s.ColumnType) -> str:
    match column_type:
        case s.IdentifierType(unit=unit, national=national, within=within):
            words = ["identifier", *([unit.text] if unit else []),
                     *(["national"] if national else []),
                     *([f"within {within.text}"] if within else [])]
            return " ".join(words)
        case s.CodeType(codelist=codelist, by_label=by_label):
            return f"code {codelist.text}{' by label' if by_label else ''}"
        case s.ScalarType(name=name):
            return name
        case _:
            assert_never(column_type)


def _unit(unit: s.UnitField) -> str:
    """`unit percent`, `unit per 10,000` (digits grouped by threes) or `unit "score"`."""
    match unit.kind:
        case "percent":
            return "unit percent"
        case "per":
            return f"unit per {_grouped(unit.value)}"
        case "named":
            return f"unit {_quoted(unit.value)}"
        case _:
            msg = f"unknown unit kind {unit.kind!r}"
            raise ValueError(msg)


def _grouped(digits: str) -> str:
    """`10000` → `10,000`, working on the text so leading zeros survive the round trip."""
    head = len(digits) % 3 or 3
    groups = [digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))]
    return ",".join(groups)


def _words(first: str, method: s.Name | None, published: bool) -> str:
    """A comparator's words: its name, its method (`funnel`), `published`."""
    return " ".join((first, *(() if method is None else (method.text,)),
                     *(("published",) if published else ())))


def _comparator(comparator: s.Comparator) -> str:
    match comparator:
        case s.EnglandComparator(method=method, published=published):
            return _words("england", method, published)
        case s.RegionComparator(method=method, published=published):
            return _words("region", method, published)
        case s.NeighboursComparator(name=name, method=method, published=published):
            return _words(name.text, method, published)
        case s.PopulationComparator(indicator=indicator, same_area=same_area):
            return f"population {indicator.dotted}{' same area' if same_area else ''}"
        case s.TargetComparator(value=value):
            return f"target {value}"
        case _:
            assert_never(comparator)


def _meta_value(value: s.StringLit | s.DateLit | s.Word) -> str:
    match value:
        case s.StringLit():
            return _string(value)
        case s.DateLit(text=text) | s.Word(text=text):
            return text
        case _:
            assert_never(value)


def _quantity(indent: str, prefix: str, quantity: s.Quantity) -> list[str]:
    match quantity:
        case s.Population():
            return _population(indent, prefix, quantity)
        case s.Aggregate():
            return [f"{indent}{prefix}{_aggregate(quantity)}"]
        case _:
            assert_never(quantity)


def _population(indent: str, prefix: str, population: s.Population) -> list[str]:
    """`base [where expr]`, the filter broken over lines like any top-level expression."""
    if population.where is None:
        return [f"{indent}{prefix}{_source(population)}"]
    return _broken(indent, f"{prefix}{_source(population)} where ", population.where, "")


def _source(population: s.Population) -> str:
    """The population's dataset or cohort, and the periods it reads when not its own."""
    if population.periods is None:
        return population.base.dotted
    return f"{population.base.dotted} {_periods(population.periods)}"


def _periods(selection: s.PeriodSelection) -> str:
    match selection:
        case s.PreviousPeriod(back=back):
            return f"for period - {back.text}"
        case s.LastPeriods(count=count):
            return f"for last {count.text} periods"
        case s.AllPeriods():
            return "for all periods"
        case _:
            assert_never(selection)


def _broken(indent: str, prefix: str, expr: s.Expr, suffix: str, *, lead: str = "") -> list[str]:
    """A field ending in a top-level expression: on one line when it fits within MAX_LINE.

    Otherwise, in order of preference, the first layout whose lines all fit:

    1. a top-level `and`/`or` broken before each operand after the first, continuation
       lines indented four more than the field, so the operands read as a list;
    2. the whole expression (after `lead`, e.g. a cohort's `base where `) on one continuation
       line after the field's header (for a long header such as a titled `define`);
    3. the header alone, then each operand of a top-level `and`/`or` on its own line.

    A header too long by itself cannot be helped and does not count against layouts 2 and 3.
    When nothing fits, a long `and`/`or` still gets layout 1 (or 3 when the header itself is
    too long) and any other expression stays on one line. The layout depends only on the
    tree, so formatting is idempotent.
    """
    text = _expr(expr)
    one_line = [f"{indent}{prefix}{lead}{text}{suffix}"]
    if _fits(one_line):
        return one_line
    inner = indent + CONTINUATION
    header = f"{indent}{prefix.rstrip()}"
    on_next_line = [header, f"{inner}{lead}{text}{suffix}"]
    if not isinstance(expr, s.Logical):
        return on_next_line if _fits(on_next_line[1:]) else one_line
    least = _lookup(_LOGICAL_OPERAND, expr.op)
    first, *rest = (_operand(operand, least) for operand in expr.operands)
    continued = [f"{inner}{expr.op} {operand}" for operand in rest]
    broken = [f"{indent}{prefix}{lead}{first}", *continued]
    broken[-1] += suffix
    if _fits(broken):
        return broken
    if _fits(on_next_line[1:]):
        return on_next_line
    listed = [header, f"{inner}{lead}{first}", *continued]
    listed[-1] += suffix
    return broken if _fits(broken[:1]) else listed


def _fits(lines: Sequence[str]) -> bool:
    return all(len(line) <= MAX_LINE for line in lines)


def _title(title: s.StringLit | None) -> str:
    """An optional quoted text after a name, with its leading space."""
    return "" if title is None else f" {_string(title)}"


def _validity(since: s.NumberLit | None, until: s.NumberLit | None) -> str:
    return ("" if since is None else f" from {since.text}") + (
        "" if until is None else f" until {until.text}"
    )


def _names(names: Sequence[s.Name]) -> str:
    return ", ".join(name.text for name in names)


def _string(literal: s.StringLit) -> str:
    return _quoted(literal.value)


def _quoted(value: str) -> str:
    """Quote a text, escaping `\\` and `"` (the only characters the grammar needs escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ------------------------------------------------------------------ expressions

# Binding strength, loosest to tightest, as in the grammar.
_OR, _AND, _NOT, _COMPARISON, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 9)

_BINARY_LEVEL = {
    "=": _COMPARISON, "!=": _COMPARISON, "<": _COMPARISON, "<=": _COMPARISON,
    ">": _COMPARISON, ">=": _COMPARISON, "+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT,
}
_LOGICAL_LEVEL = {"or": _OR, "and": _AND}

# The loosest operand each operator takes without parentheses. A `Logical` operand with the
# same operator is parenthesised: the parser builds one only from `a or (b or c)`.
_LOGICAL_OPERAND = {"or": _AND, "and": _NOT}


def _level(expr: s.Expr) -> int:
    """How tightly an expression binds, so its parent knows whether to parenthesise it."""
    match expr:
        case s.Logical(op=op):
            return _lookup(_LOGICAL_LEVEL, op)
        case s.Binary(op=op):
            return _lookup(_BINARY_LEVEL, op)
        case s.Not():
            return _NOT
        case s.Membership() | s.InPeriod() | s.IsMissing() | s.Within():
            return _COMPARISON
        case s.Negate():
            return _UNARY
        case (
            s.NumberLit() | s.StringLit() | s.DateLit() | s.BoolLit() | s.DurationLit()
            | s.NameRef() | s.OuterRef() | s.PeriodRef() | s.Call() | s.Aggregate()
        ):
            return _ATOM
        case _:
            assert_never(expr)


def _lookup(levels: dict[str, int], op: str) -> int:
    if op not in levels:
        msg = f"unknown operator {op!r}"
        raise ValueError(msg)
    return levels[op]


def _operand(expr: s.Expr, least: int) -> str:
    """`expr` as an operand that must bind at least as tightly as `least`."""
    text = _expr(expr)
    return text if _level(expr) >= least else f"({text})"


def _expr(expr: s.Expr) -> str:
    """An expression on one line, with the fewest parentheses that keep its tree."""
    match expr:
        case s.NumberLit(text=text) | s.DateLit(text=text):
            return text
        case s.StringLit():
            return _string(expr)
        case s.BoolLit(value=value):
            return "true" if value else "false"
        case s.DurationLit():
            return _duration(expr)
        case s.NameRef():
            return expr.dotted
        case s.OuterRef(name=name):
            return f"this.{name.text}"
        case s.PeriodRef(name=name):
            return f"period.{name.text}"
        case s.Call(function=function, args=args):
            return f"{function.text}({', '.join(_expr(arg) for arg in args)})"
        case s.Aggregate():
            return _aggregate(expr)
        case s.Not(operand=operand):
            return f"not {_operand(operand, _NOT)}"
        case s.Negate(operand=operand):
            text = _operand(operand, _UNARY)
            # `- -x`, not `--x`: the same tree, but easier to read.
            return f"- {text}" if text.startswith("-") else f"-{text}"
        case s.Logical(op=op, operands=operands):
            least = _lookup(_LOGICAL_OPERAND, op)
            return f" {op} ".join(_operand(operand, least) for operand in operands)
        case s.Binary(op=op, left=left, right=right):
            level = _lookup(_BINARY_LEVEL, op)
            # Arithmetic is left-associative, so only the right operand needs the tighter
            # level; comparisons do not chain, so both sides must be arithmetic or tighter.
            left_least = _SUM if level == _COMPARISON else level
            return f"{_operand(left, left_least)} {op} {_operand(right, level + 1)}"
        case s.Membership(operand=operand, codes=codes, negated=negated):
            keyword = "not in" if negated else "in"
            return f"{_operand(operand, _SUM)} {keyword} {_code_set(codes)}"
        case s.InPeriod(operand=operand):
            return f"{_operand(operand, _SUM)} in period"
        case s.IsMissing(operand=operand, negated=negated):
            keyword = "is not missing" if negated else "is missing"
            return f"{_operand(operand, _SUM)} {keyword}"
        case s.Within(operand=operand, duration=duration, direction=direction, anchor=anchor):
            return (
                f"{_operand(operand, _SUM)} within {_duration(duration)} {direction} "
                f"{_operand(anchor, _SUM)}"
            )
        case _:
            assert_never(expr)


def _duration(duration: s.DurationLit) -> str:
    return " ".join(f"{amount.text} {unit}" for amount, unit in duration.parts)


def _aggregate(aggregate: s.Aggregate) -> str:
    """`count(value of source for PERIODS for same LINK where filter by order)`; keywords
    delimit the parts, so none of them needs parentheses."""
    parts = [] if aggregate.value is None else [f"{_expr(aggregate.value)} of"]
    parts.append(aggregate.source.dotted)
    if aggregate.periods is not None:
        parts.append(_periods(aggregate.periods))
    if aggregate.link is not None:
        parts.append(f"for same {aggregate.link.text}")
    if aggregate.where is not None:
        parts.append(f"where {_expr(aggregate.where)}")
    if aggregate.order is not None:
        parts.append(f"by {_expr(aggregate.order)}")
    return f"{aggregate.function}({' '.join(parts)})"


def _code_set(codes: s.CodeSet) -> str:
    match codes:
        case s.CodeLiterals(codes=literals):
            return "{" + ", ".join(code.text for code in literals) + "}"
        case s.CodeGroupRef(name=name):
            return name.text
        case _:
            assert_never(codes)


# ------------------------------------------------------------------ coverage

HANDLED_NODES: tuple[type, ...] = (
    s.File, s.Comment, s.Name, s.Code, s.Word, s.Population, s.ValueRange, s.LimitColumns,
    *get_args(_Item), *get_args(s.Expr), *get_args(s.ColumnType), *get_args(s.Comparator),
    *get_args(s.CodeSet), *get_args(s.PeriodSelection),
)
"""Every syntax node class the formatter writes out.

Built from the unions that the `match` dispatches above take, so that mypy's `assert_never`
and a test comparing this with the classes in `syntax` together prove no node is forgotten.
(`Name`, `Code`, `Word`, `Population`, `ValueRange`, `LimitColumns`, `Comment` and `File`
are written where they occur.)
"""
