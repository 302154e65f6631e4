"""Parse framework text into the syntax tree. The only module that imports Lark.

Lark's errors are turned into diagnostics here, with our own names for what was expected
(Lark's terminal names mean nothing to a policy analyst), and comments are placed into the
tree so that the formatter can keep them.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

from attrs import frozen
from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from outcomespec import syntax as s
from outcomespec.diagnostics import Diagnostic, Label
from outcomespec.source import Source, Span

MAX_DIGITS = 15
"""Longest whole part of a number (beyond this, floats lose integers; see E105)."""

MAX_DEPTH = 150
"""Deepest syntax tree accepted (E104); keeps every later pass far from Python's stack limit."""


@frozen
class ParseResult:
    """The tree, when the text parses, and the diagnostics found on the way."""

    file: s.File | None
    diagnostics: tuple[Diagnostic, ...]


def grammar_text() -> str:
    """The grammar, read from inside the installed package."""
    return files("outcomespec").joinpath("outcomespec.lark").read_text(encoding="utf-8")


@cache
def _lark() -> Lark:
    """The one cached parser (building it takes longer than parsing a framework)."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
    )


def build_parser(*, strict: bool = False) -> Lark:
    """A fresh parser; `strict=True` makes Lark reject any grammar conflict or collision."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        strict=strict,
    )


def parse_source(source: Source) -> ParseResult:
    """Parse one file's text; never raises for bad input.

    >>> from outcomespec.source import Source
    >>> result = parse_source(Source("f.ospec", 'library x { }'))
    >>> result.file.modules[0].name.text, result.diagnostics
    ('x', ())
    """
    scan = _scan(source.text)
    if scan.unterminated is not None:
        start = scan.unterminated
        end = source.text.find("\n", start)
        span = Span(source, start, end if end >= 0 else len(source.text))
        return ParseResult(
            None,
            (Diagnostic.of("E106", "text is missing its closing `\"`", span,
                           help="close the text with `\"` on the same line"),),
        )
    try:
        tree = _lark().parse(source.text)
    except UnexpectedInput as error:
        return ParseResult(None, (_syntax_diagnostic(source, error, scan),))
    too_deep = _too_deep(tree)
    if too_deep is not None:
        span = Span(source, too_deep.meta.start_pos, too_deep.meta.start_pos + 1)
        return ParseResult(
            None,
            (Diagnostic.of("E104", f"nested more than {MAX_DEPTH} levels deep", span,
                           help="name parts of the expression with `define`"),),
        )
    builder = _Builder(source, scan.comments)
    try:
        built = builder.transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, _LiteralError):
            return ParseResult(None, (error.orig_exc.diagnostic,))
        raise
    assert isinstance(built, s.File)
    return ParseResult(built, ())


# ------------------------------------------------------------------ scanning


@frozen
class _Scan:
    comments: tuple[tuple[int, int], ...]
    unterminated: int | None
    open_brackets: tuple[int, ...]


def _scan(text: str) -> _Scan:
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
            match = _STRING.match(text, i)
            if match is None:
                return _Scan(tuple(comments), i, tuple(stack))
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
    return _Scan(tuple(comments), None, tuple(stack))


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _too_deep(tree: Tree[Token]) -> Tree[Token] | None:
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > MAX_DEPTH:
            return node
        stack.extend((child, level + 1) for child in node.children if isinstance(child, Tree))
    return None


# ------------------------------------------------------------------ syntax errors

_TERMINAL_NAMES = {
    "NAME": "a name",
    "CODE": "a code",
    "STRING": "quoted text",
    "NUMBER": "a number",
    "SIGNED_NUMBER": "a number",
    "GROUPED_NUMBER": "a number such as 10,000",
    "DATE": "a date (YYYY-MM-DD)",
    "PERCENT": "a percentage such as 95%",
    "COMPARE_OP": "a comparison (=, !=, <, <=, >, >=)",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "$END": "the end of the file",
}


_WORD_GROUPS = (
    (frozenset({"version", "publisher", "description", "source", "caveats", "owner", "reviewed",
                "status", "licence", "definition", "url", "note"}),
     "a metadata field (version, description, source, owner, status, …)"),
    (frozenset({"count", "sum", "min", "max", "any", "all", "first", "last"}),
     "an aggregation (count, sum, min, max, any, all, first, last)"),
    (frozenset({"years", "year", "months", "month", "weeks", "week", "days", "day"}),
     "a unit of time (years, months, weeks, days)"),
)


def _describe_expected(names: set[str]) -> str:
    terminals = {t.name: t for t in _lark().terminals}
    words: set[str] = set()
    values = {terminals[n].pattern.value for n in names
              if n in terminals and terminals[n].pattern.type == "str"}
    for group, phrase in _WORD_GROUPS:
        if group <= values:
            words.add(phrase)
            names = {n for n in names if n not in terminals
                     or terminals[n].pattern.value not in group}
    for name in names:
        if name in _TERMINAL_NAMES:
            words.add(_TERMINAL_NAMES[name])
            continue
        terminal = terminals.get(name)
        if terminal is None:
            continue
        pattern = terminal.pattern
        if pattern.type == "str":
            words.add(f"`{pattern.value}`")
        else:
            alternatives = re.fullmatch(r"\(\?:([a-z_|]+)\)", pattern.value)
            if alternatives:
                words.update(f"`{w}`" for w in alternatives.group(1).split("|"))
            else:
                words.add(name.lower())
    ordered = sorted(words, key=lambda w: (w.startswith("`"), w))
    if len(ordered) > 16:
        ordered = [*ordered[:16], "…"]
    return ", ".join(ordered)


def _accepts_at(text: str, position: int) -> set[str]:
    """Exactly which terminals the parser would accept at `position` (for lexer errors)."""
    try:
        interactive = _lark().parse_interactive(text[:position])
        interactive.exhaust_lexer()
        return set(interactive.accepts())  # type: ignore[no-untyped-call]
    except UnexpectedInput:
        return set()


def _syntax_diagnostic(source: Source, error: UnexpectedInput, scan: _Scan) -> Diagnostic:
    position = getattr(error, "pos_in_stream", None) or 0
    if isinstance(error, UnexpectedCharacters):
        char = source.text[position : position + 1]
        span = Span(source, position, position + 1)
        shown = repr(char) if not char.isprintable() or char.isspace() else f"`{char}`"
        allowed = _accepts_at(source.text, position)
        return Diagnostic.of(
            "E102",
            f"unexpected character {shown}",
            span,
            help=f"expected {_describe_expected(allowed)}" if allowed else None,
        )
    assert isinstance(error, UnexpectedToken)
    token = error.token
    try:
        accepted = set(error.interactive_parser.accepts())  # type: ignore[no-untyped-call]
    except UnexpectedInput:
        accepted = set(error.expected)
    expected = _describe_expected(accepted)
    if token.type == "$END":
        end = len(source.text.rstrip())
        span = Span(source, end, end)
        labels = []
        if scan.open_brackets:
            start = scan.open_brackets[-1]
            labels.append(Label(Span(source, start, start + 1), "this is never closed"))
        return Diagnostic.of(
            "E103",
            "the file ends too early",
            span,
            labels=labels,
            help=f"expected {expected}",
        )
    start = token.start_pos if token.start_pos is not None else position
    span = Span(source, start, start + max(1, len(str(token))))
    return Diagnostic.of("E101", f"unexpected `{token}`", span, help=f"expected {expected}")


# ------------------------------------------------------------------ tree building


class _LiteralError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


_ESCAPE = re.compile(r"\\(.)")


@v_args(meta=True)
class _Builder(Transformer[Token, Any]):
    """Lark tree → syntax nodes, placing comments into the innermost enclosing block."""

    def __init__(self, source: Source, comments: tuple[tuple[int, int], ...]) -> None:
        super().__init__()
        self.source = source
        self.comments = comments
        self.claimed = [False] * len(comments)

    # -------------------------------------------------------------- helpers
    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.source, 0, 0)
        return Span(self.source, meta.start_pos, meta.end_pos)

    def _tspan(self, token: Token) -> Span:
        start = token.start_pos or 0
        return Span(self.source, start, token.end_pos if token.end_pos is not None else start)

    def _name(self, token: Token | None) -> s.Name | None:
        return None if token is None else s.Name(str(token), span=self._tspan(token))

    def _req_name(self, token: Token) -> s.Name:
        return s.Name(str(token), span=self._tspan(token))

    def _string(self, token: Token | None) -> s.StringLit | None:
        if token is None:
            return None
        return s.StringLit(_unescape(str(token)[1:-1]), span=self._tspan(token))

    def _number(self, token: Token | None) -> s.NumberLit | None:
        if token is None:
            return None
        if len(str(token).split(".")[0]) > MAX_DIGITS:
            raise _LiteralError(Diagnostic.of(
                "E105", f"`{str(token)[:20]}…` is too large a number", self._tspan(token),
                help=f"numbers may have at most {MAX_DIGITS} digits before the decimal point"))
        return s.NumberLit(str(token), span=self._tspan(token))

    def _with_comments(self, items: list[Any], span: Span) -> tuple[Any, ...]:
        """Merge the unclaimed comments inside `span` among a block's items."""
        mine = []
        for index, (start, end) in enumerate(self.comments):
            if not self.claimed[index] and span.start <= start < span.end:
                self.claimed[index] = True
                mine.append((start, end))
        if not mine:
            return tuple(items)
        merged: list[Any] = []
        pending = list(items)
        for start, end in mine:
            while pending and pending[0].span.end <= start:
                merged.append(pending.pop(0))
            text = self.source.text[start:end].rstrip()
            comment_span = Span(self.source, start, end)
            inside = bool(pending) and pending[0].span.start <= start
            previous = merged[-1] if merged else None
            trailing = (
                not inside
                and previous is not None
                and not isinstance(previous, s.Comment)
                and previous.span.end_position[0] == comment_span.start_position[0]
            )
            merged.append(s.Comment(text, trailing, span=comment_span))
        merged.extend(pending)
        return tuple(merged)

    # -------------------------------------------------------------- file and module
    def start(self, meta: Any, children: list[Any]) -> s.File:
        span = Span(self.source, 0, len(self.source.text))
        return s.File(self._with_comments(children, span), span=span)

    def module(self, meta: Any, children: list[Any]) -> s.Module:
        kind, name, title, *items = children
        span = self._span(meta)
        return s.Module(str(kind), self._req_name(name), self._string(title),
                        self._with_comments(items, span), span=span)

    def _word(self, meta: Any, children: list[Any]) -> str:
        return str(children[0])

    module_kind = meta_key = scalar_word = geo_key = section_kind = _word
    aggregate_function = duration_unit = direction = _word

    def meta(self, meta: Any, children: list[Any]) -> s.Meta:
        key, value = children
        return s.Meta(str(key), value, span=self._span(meta))

    def string(self, meta: Any, children: list[Any]) -> s.StringLit:
        literal = self._string(children[0])
        assert literal is not None
        return literal

    def date(self, meta: Any, children: list[Any]) -> s.DateLit:
        token = children[0]
        if not _valid_date(str(token)):
            raise _LiteralError(Diagnostic.of(
                "E105", f"`{token}` is not a date in the calendar", self._tspan(token),
                help="write dates as YYYY-MM-DD, e.g. 2025-03-31"))
        return s.DateLit(str(token), span=self._tspan(token))

    def word(self, meta: Any, children: list[Any]) -> s.Word:
        return s.Word(str(children[0]), span=self._tspan(children[0]))

    def import_decl(self, meta: Any, children: list[Any]) -> s.Import:
        path, alias = children
        literal = self._string(path)
        assert literal is not None
        return s.Import(literal, self._name(alias), span=self._span(meta))

    def period_decl(self, meta: Any, children: list[Any]) -> s.PeriodDecl:
        day, month = children
        number = self._number(day)
        assert number is not None
        return s.PeriodDecl(number, self._req_name(month), span=self._span(meta))

    def suppress_counts(self, meta: Any, children: list[Any]) -> s.SuppressCounts:
        low, high = (self._number(t) for t in children)
        assert low is not None
        assert high is not None
        if "." in low.text or "." in high.text:
            raise _LiteralError(Diagnostic.of(
                "E105", "suppression ranges are whole counts", self._span(meta),
                help="write whole numbers, e.g. `suppress counts 1..5`"))
        if float(low.text) > float(high.text):
            raise _LiteralError(Diagnostic.of(
                "E105", f"range {low.text}..{high.text} is empty", self._span(meta),
                help=f"write the low end first: {high.text}..{low.text}"))
        return s.SuppressCounts(low, high, span=self._span(meta))

    def suppress_none(self, meta: Any, children: list[Any]) -> s.SuppressNone:
        return s.SuppressNone(span=self._span(meta))

    def rounding(self, meta: Any, children: list[Any]) -> s.Rounding:
        levels, nearest = children
        number = self._number(nearest)
        assert number is not None
        return s.Rounding(levels, number, span=self._span(meta))

    def area_levels(self, meta: Any, children: list[Any]) -> tuple[s.Name, ...]:
        return tuple(self._req_name(t) for t in children)

    name_list = area_levels

    # -------------------------------------------------------------- codelists
    def codelist(self, meta: Any, children: list[Any]) -> s.Codelist:
        name, title, *items = children
        span = self._span(meta)
        return s.Codelist(self._req_name(name), self._string(title),
                          self._with_comments(items, span), span=span)

    def code_entry(self, meta: Any, children: list[Any]) -> s.CodeEntry:
        code, label, (since, until) = children
        text = self._string(label)
        assert text is not None
        return s.CodeEntry(s.Code(str(code), span=self._tspan(code)), text, since, until,
                           span=self._span(meta))

    def validity(self, meta: Any, children: list[Any]) -> tuple[Any, Any]:
        since, until = children
        return self._number(since), self._number(until)

    def code_group(self, meta: Any, children: list[Any]) -> s.CodeGroup:
        name, title, codes = children
        return s.CodeGroup(self._req_name(name), self._string(title), codes,
                           span=self._span(meta))

    def code_list(self, meta: Any, children: list[Any]) -> tuple[s.Code, ...]:
        return tuple(s.Code(str(t), span=self._tspan(t)) for t in children)

    # -------------------------------------------------------------- datasets
    def dataset(self, meta: Any, children: list[Any]) -> s.Dataset:
        name, title, *items = children
        span = self._span(meta)
        return s.Dataset(self._req_name(name), self._string(title),
                         self._with_comments(items, span), span=span)

    def column(self, meta: Any, children: list[Any]) -> s.Column:
        name, column_type, optional, (since, until), description = children
        return s.Column(self._req_name(name), column_type, optional is not None, since, until,
                        self._string(description), span=self._span(meta))

    def identifier_type(self, meta: Any, children: list[Any]) -> s.IdentifierType:
        return s.IdentifierType(self._name(children[0]), span=self._span(meta))

    def code_type(self, meta: Any, children: list[Any]) -> s.CodeType:
        return s.CodeType(self._req_name(children[0]), span=self._span(meta))

    def scalar_type(self, meta: Any, children: list[Any]) -> s.ScalarType:
        return s.ScalarType(str(children[0]), span=self._span(meta))

    def rows(self, meta: Any, children: list[Any]) -> s.Rows:
        return s.Rows(self._req_name(children[0]), span=self._span(meta))

    def key(self, meta: Any, children: list[Any]) -> s.Key:
        return s.Key(children[0], span=self._span(meta))

    def area_column(self, meta: Any, children: list[Any]) -> s.AreaColumn:
        return s.AreaColumn(self._req_name(children[0]), span=self._span(meta))

    def period_column(self, meta: Any, children: list[Any]) -> s.PeriodColumn:
        return s.PeriodColumn(self._req_name(children[0]), span=self._span(meta))

    def missing_symbols(self, meta: Any, children: list[Any]) -> s.MissingSymbols:
        symbols = tuple(self._string(t) for t in children)
        return s.MissingSymbols(symbols, span=self._span(meta))  # type: ignore[arg-type]

    def unknown_codes(self, meta: Any, children: list[Any]) -> s.UnknownCodes:
        return s.UnknownCodes(self._req_name(children[0]), span=self._span(meta))

    # -------------------------------------------------------------- geography
    def geography(self, meta: Any, children: list[Any]) -> s.Geography:
        name, title, *items = children
        span = self._span(meta)
        return s.Geography(self._req_name(name), self._string(title),
                           self._with_comments(items, span), span=span)

    def geo_level(self, meta: Any, children: list[Any]) -> s.GeoLevel:
        name, dataset, *fields = children
        span = self._span(meta)
        return s.GeoLevel(self._req_name(name), self._req_name(dataset),
                          self._with_comments(fields, span), span=span)

    def neighbours(self, meta: Any, children: list[Any]) -> s.Neighbours:
        name, title, dataset, *fields = children
        span = self._span(meta)
        return s.Neighbours(self._req_name(name), self._string(title), self._req_name(dataset),
                            self._with_comments(fields, span), span=span)

    def geo_field(self, meta: Any, children: list[Any]) -> s.GeoField:
        key, values = children
        return s.GeoField(str(key), values, span=self._span(meta))

    # -------------------------------------------------------------- definitions
    def definition(self, meta: Any, children: list[Any]) -> s.Definition:
        name, title, dataset, expr = children
        return s.Definition(self._req_name(name), self._string(title), self._req_name(dataset),
                            expr, span=self._span(meta))

    def cohort_decl(self, meta: Any, children: list[Any]) -> s.CohortDecl:
        name, title, population = children
        return s.CohortDecl(self._req_name(name), self._string(title), population,
                            span=self._span(meta))

    def population(self, meta: Any, children: list[Any]) -> s.Population:
        base, where = children
        return s.Population(base, where, span=self._span(meta))

    # -------------------------------------------------------------- sections and indicators
    def section(self, meta: Any, children: list[Any]) -> s.Section:
        kind, name, title, *items = children
        span = self._span(meta)
        text = self._string(title)
        assert text is not None
        return s.Section(str(kind), self._req_name(name), text,
                         self._with_comments(items, span), span=span)

    def goal(self, meta: Any, children: list[Any]) -> s.Goal:
        name, title, *items = children
        span = self._span(meta)
        text = self._string(title)
        assert text is not None
        return s.Goal(self._req_name(name), text, self._with_comments(items, span), span=span)

    def serves(self, meta: Any, children: list[Any]) -> s.Serves:
        goal, relation = children
        return s.Serves(goal, self._req_name(relation), span=self._span(meta))

    def indicator(self, meta: Any, children: list[Any]) -> s.Indicator:
        name, title, origin, *fields = children
        span = self._span(meta)
        return s.Indicator(self._req_name(name), self._string(title), origin,
                           self._with_comments(fields, span), span=span)

    def kind(self, meta: Any, children: list[Any]) -> s.KindField:
        return s.KindField(self._req_name(children[0]), span=self._span(meta))

    def statistic(self, meta: Any, children: list[Any]) -> s.StatisticField:
        return s.StatisticField(self._req_name(children[0]), span=self._span(meta))

    def cohort(self, meta: Any, children: list[Any]) -> s.CohortField:
        return s.CohortField(children[0], span=self._span(meta))

    def numerator(self, meta: Any, children: list[Any]) -> s.NumeratorField:
        return s.NumeratorField(children[0], span=self._span(meta))

    def denominator(self, meta: Any, children: list[Any]) -> s.DenominatorField:
        return s.DenominatorField(children[0], span=self._span(meta))

    def measure(self, meta: Any, children: list[Any]) -> s.MeasureField:
        return s.MeasureField(children[0], span=self._span(meta))

    def exclude(self, meta: Any, children: list[Any]) -> s.ExcludeField:
        expr, reason = children
        return s.ExcludeField(expr, self._string(reason), span=self._span(meta))

    def unit_percent(self, meta: Any, children: list[Any]) -> s.UnitField:
        return s.UnitField("percent", "percent", span=self._span(meta))

    def unit_per(self, meta: Any, children: list[Any]) -> s.UnitField:
        return s.UnitField("per", str(children[0]).replace(",", ""), span=self._span(meta))

    def unit_named(self, meta: Any, children: list[Any]) -> s.UnitField:
        literal = self._string(children[0])
        assert literal is not None
        return s.UnitField("named", literal.value, span=self._span(meta))

    def polarity(self, meta: Any, children: list[Any]) -> s.PolarityField:
        value, rationale = children
        return s.PolarityField(self._req_name(value), self._string(rationale),
                               span=self._span(meta))

    def compare(self, meta: Any, children: list[Any]) -> s.CompareField:
        return s.CompareField(tuple(children), span=self._span(meta))

    def compare_england(self, meta: Any, children: list[Any]) -> s.EnglandComparator:
        return s.EnglandComparator(span=self._span(meta))

    def compare_region(self, meta: Any, children: list[Any]) -> s.RegionComparator:
        return s.RegionComparator(span=self._span(meta))

    def compare_neighbours(self, meta: Any, children: list[Any]) -> s.NeighboursComparator:
        name, method = children
        return s.NeighboursComparator(self._req_name(name), self._name(method),
                                      span=self._span(meta))

    def compare_population(self, meta: Any, children: list[Any]) -> s.PopulationComparator:
        return s.PopulationComparator(children[0], span=self._span(meta))

    def compare_target(self, meta: Any, children: list[Any]) -> s.TargetComparator:
        return s.TargetComparator(str(children[0]), span=self._span(meta))

    def confidence(self, meta: Any, children: list[Any]) -> s.ConfidenceField:
        method, *levels = children
        for level in levels:
            value = float(str(level)[:-1])
            if not 0 < value < 100:
                raise _LiteralError(Diagnostic.of(
                    "E105", f"confidence level {level} is not between 0% and 100%",
                    self._tspan(level), help="use 95% or 99.8%"))
        return s.ConfidenceField(self._req_name(method), tuple(str(t) for t in levels),
                                 span=self._span(meta))

    def breakdown(self, meta: Any, children: list[Any]) -> s.BreakdownField:
        return s.BreakdownField(children[0], span=self._span(meta))

    # -------------------------------------------------------------- expressions
    def or_(self, meta: Any, children: list[Any]) -> s.Logical:
        return s.Logical("or", tuple(children), span=self._span(meta))

    def and_(self, meta: Any, children: list[Any]) -> s.Logical:
        return s.Logical("and", tuple(children), span=self._span(meta))

    def not_(self, meta: Any, children: list[Any]) -> s.Not:
        return s.Not(children[0], span=self._span(meta))

    def compare_op(self, meta: Any, children: list[Any]) -> s.Binary:
        left, op, right = children
        return s.Binary(str(op), left, right, span=self._span(meta))

    arith = compare_op

    def member(self, meta: Any, children: list[Any]) -> s.Membership:
        return s.Membership(children[0], children[1], False, span=self._span(meta))

    def not_member(self, meta: Any, children: list[Any]) -> s.Membership:
        return s.Membership(children[0], children[1], True, span=self._span(meta))

    def in_period(self, meta: Any, children: list[Any]) -> s.InPeriod:
        return s.InPeriod(children[0], span=self._span(meta))

    def is_missing(self, meta: Any, children: list[Any]) -> s.IsMissing:
        return s.IsMissing(children[0], False, span=self._span(meta))

    def is_present(self, meta: Any, children: list[Any]) -> s.IsMissing:
        return s.IsMissing(children[0], True, span=self._span(meta))

    def within(self, meta: Any, children: list[Any]) -> s.Within:
        operand, duration, direction, anchor = children
        return s.Within(operand, duration, str(direction), anchor, span=self._span(meta))

    def negate(self, meta: Any, children: list[Any]) -> s.Negate:
        return s.Negate(children[0], span=self._span(meta))

    def number(self, meta: Any, children: list[Any]) -> s.NumberLit:
        literal = self._number(children[0])
        assert literal is not None
        return literal

    def boolean(self, meta: Any, children: list[Any]) -> s.BoolLit:
        return s.BoolLit(str(children[0]) == "true", span=self._span(meta))

    def duration(self, meta: Any, children: list[Any]) -> s.DurationLit:
        parts = []
        for amount, unit in zip(children[::2], children[1::2], strict=True):
            number = self._number(amount)
            assert number is not None
            parts.append((number, str(unit)))
        return s.DurationLit(tuple(parts), span=self._span(meta))

    def qualname(self, meta: Any, children: list[Any]) -> s.NameRef:
        return s.NameRef(tuple(self._req_name(t) for t in children), span=self._span(meta))

    def name_ref(self, meta: Any, children: list[Any]) -> s.NameRef:
        ref = children[0]
        assert isinstance(ref, s.NameRef)
        return ref

    def outer_ref(self, meta: Any, children: list[Any]) -> s.OuterRef:
        return s.OuterRef(self._req_name(children[0]), span=self._span(meta))

    def period_ref(self, meta: Any, children: list[Any]) -> s.PeriodRef:
        return s.PeriodRef(self._req_name(children[0]), span=self._span(meta))

    def call(self, meta: Any, children: list[Any]) -> s.Call:
        function, *args = children
        return s.Call(self._req_name(function), tuple(args), span=self._span(meta))

    def aggregate(self, meta: Any, children: list[Any]) -> s.Aggregate:
        function, value, source, link, where, order = children
        return s.Aggregate(str(function), value, source, self._name(link), where, order,
                           span=self._span(meta))

    def code_literals(self, meta: Any, children: list[Any]) -> s.CodeLiterals:
        codes = tuple(s.Code(str(t), span=self._tspan(t)) for t in children)
        return s.CodeLiterals(codes, span=self._span(meta))

    def code_group_ref(self, meta: Any, children: list[Any]) -> s.CodeGroupRef:
        return s.CodeGroupRef(self._req_name(children[0]), span=self._span(meta))


def _unescape(text: str) -> str:
    """`\\"` and `\\\\` are the only escapes; any other backslash is kept as written."""
    return _ESCAPE.sub(lambda match: match.group(1) if match.group(1) in '"\\'
                       else match.group(0), text)


def _valid_date(text: str) -> bool:
    year, month, day = (int(part) for part in text.split("-"))
    if year < 1 or not 1 <= month <= 12 or day < 1:
        return False
    days = [31, 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return day <= days[month - 1]

