"""Lark tree → syntax nodes, with comments placed into the innermost enclosing block (so that
the formatter can keep them).

The parser keeps every token (`keep_all_tokens`: it costs Lark nothing), keywords and
brackets included, so a node's span is simply its first token's start to its last token's
end: `breakdown by SEX` from `breakdown`, a block through its closing `}`, a call through its
`)`. Each method below takes its rule's children as the grammar writes them, keywords in
their places (`_` where a method has no use for one), and the span they cover.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from lark import Token, Tree

from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.source import Source, Span

MAX_DIGITS = 15
"""Longest whole part of a number (beyond this, floats lose integers; see E105)."""
MAX_DEPTH = 150
"""Deepest syntax tree accepted (E104); keeps every later pass far from Python's stack limit."""


class LiteralError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class TooDeepError(Exception):
    """The tree nests more than MAX_DEPTH levels (E104); `subtree` is the first found there,
    before anything is built."""

    def __init__(self, subtree: Tree[Token]) -> None:
        super().__init__(f"nested more than {MAX_DEPTH} levels deep")
        self.subtree = subtree


_ESCAPE = re.compile(r"\\(.)")


class Builder:
    """Lark tree → syntax nodes, bottom-up without recursion, placing comments into the
    innermost enclosing block. One method per rule (or alias) of the grammar."""

    def __init__(self, source: Source, comments: tuple[tuple[int, int], ...]) -> None:
        self.source = source
        self.comments = comments
        self.comment_starts = [start for start, _ in comments]
        self.claimed = [False] * len(comments)

    def build(self, tree: Tree[Token]) -> s.File:
        """Build every subtree after its children, each into the slot its Lark subtree held
        in its parent's children, as `(value, start, end)` (so the tree is used up)."""
        nowhere = Span(self.source, 0, 0)
        methods = {name: getattr(self, name) for name in RULES}
        for subtree, slot, index, _ in _bottom_up(tree):
            children: list[Any] = subtree.children
            start = end = -1
            for child in children:  # the first child that covers any text
                if child is not None:
                    start = child[1] if type(child) is tuple else child.start_pos
                    if start >= 0:
                        break
            for child in reversed(children):  # and the last
                if child is not None:
                    end = child[2] if type(child) is tuple else child.end_pos
                    if end >= 0:
                        break
            values = [child[0] if type(child) is tuple else child for child in children]
            span = nowhere if start < 0 else Span(self.source, start, end)
            built = methods[subtree.data](values, span)
            if slot is None:
                assert isinstance(built, s.File)
                return built
            slot[index] = (built, start, end)
        raise AssertionError(tree)

    # -------------------------------------------------------------- leaves
    def _tspan(self, token: Token) -> Span:
        return Span(self.source, token.start_pos or 0, token.end_pos or 0)

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
            raise LiteralError(
                Diagnostic.of(
                    "E105",
                    f"`{str(token)[:20]}…` is too large a number",
                    self._tspan(token),
                    help=f"numbers may have at most {MAX_DIGITS} digits before the decimal point",
                )
            )
        return s.NumberLit(str(token), span=self._tspan(token))

    def _with_comments(self, items: list[Any], span: Span) -> tuple[Any, ...]:
        """Merge the unclaimed comments inside `span` among a block's items."""
        mine = []
        first = bisect_left(self.comment_starts, span.start)
        last = bisect_left(self.comment_starts, span.end)
        for index in range(first, last):
            if not self.claimed[index]:
                self.claimed[index] = True
                mine.append(self.comments[index])
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
    def start(self, children: list[Any], span: Span) -> s.File:
        whole = Span(self.source, 0, len(self.source.text))
        return s.File(self._with_comments(children, whole), span=whole)

    def module(self, children: list[Any], span: Span) -> s.Module:
        kind, name, title, _, *items, _ = children
        return s.Module(str(kind), self._req_name(name), self._string(title),
                        self._with_comments(items, span), span=span)

    def _word(self, children: list[Any], span: Span) -> Token:
        token = children[0]
        assert token is not None
        return token  # type: ignore[no-any-return]

    module_kind = meta_key = scalar_word = geo_key = section_kind = _word
    duration_unit = direction = count_word = _word

    def aggregate_function(self, children: list[Any], span: Span) -> str:
        """`count`, …, or the two words `count distinct`."""
        return " ".join(str(token) for token in children)

    def meta(self, children: list[Any], span: Span) -> s.Meta:
        key, value = children
        return s.Meta(str(key), value, span=span)

    def string(self, children: list[Any], span: Span) -> s.StringLit:
        literal = self._string(children[0])
        assert literal is not None
        return literal

    def date(self, children: list[Any], span: Span) -> s.DateLit:
        token = children[0]
        if not _valid_date(str(token)):
            raise LiteralError(
                Diagnostic.of(
                    "E105",
                    f"`{token}` is not a date in the calendar",
                    span,
                    help="write dates as YYYY-MM-DD, e.g. 2025-03-31",
                )
            )
        return s.DateLit(str(token), span=span)

    def word(self, children: list[Any], span: Span) -> s.Word:
        return s.Word(str(children[0]), span=span)

    def import_decl(self, children: list[Any], span: Span) -> s.Import:
        _, path, _, alias = children
        literal = self._string(path)
        assert literal is not None
        return s.Import(literal, self._name(alias), span=span)

    def period_decl(self, children: list[Any], span: Span) -> s.PeriodDecl:
        *_, day, month = children
        number = self._number(day)
        assert number is not None
        return s.PeriodDecl(number, self._req_name(month), span=span)

    def suppress_counts(self, children: list[Any], span: Span) -> s.SuppressCounts:
        _, _, low_token, _, high_token = children
        low, high = self._number(low_token), self._number(high_token)
        assert low is not None
        assert high is not None
        if "." in low.text or "." in high.text:
            raise LiteralError(Diagnostic.of(
                "E105", "suppression ranges are whole counts", span,
                help="write whole numbers, e.g. `suppress counts 1..5`"))
        if float(low.text) > float(high.text):
            raise LiteralError(Diagnostic.of(
                "E105", f"range {low.text}..{high.text} is empty", span,
                help=f"write the low end first: {high.text}..{low.text}"))
        return s.SuppressCounts(low, high, span=span)

    def suppress_none(self, children: list[Any], span: Span) -> s.SuppressNone:
        return s.SuppressNone(span=span)

    def suppress_small(self, children: list[Any], span: Span) -> s.SuppressSmall:
        below = self._number(children[3])
        assert below is not None
        if "." in below.text:
            raise LiteralError(Diagnostic.of(
                "E105", "a denominator is a whole count", below.span,
                help="write a whole number, e.g. `suppress denominators below 10`"))
        return s.SuppressSmall(below, span=span)

    def rounding(self, children: list[Any], span: Span) -> s.Rounding:
        _, levels, _, _, nearest = children
        number = self._number(nearest)
        assert number is not None
        return s.Rounding(levels, number, span=span)

    def area_levels(self, children: list[Any], span: Span) -> tuple[s.Name, ...]:
        return tuple(self._req_name(t) for t in children[::2])

    name_list = area_levels

    # -------------------------------------------------------------- codelists
    def codelist(self, children: list[Any], span: Span) -> s.Codelist:
        _, name, title, _, *items, _ = children
        return s.Codelist(self._req_name(name), self._string(title),
                          self._with_comments(items, span), span=span)

    def code_entry(self, children: list[Any], span: Span) -> s.CodeEntry:
        code, label, (since, until) = children
        text = self._string(label)
        assert text is not None
        return s.CodeEntry(s.Code(str(code), span=self._tspan(code)), text, since, until,
                           span=span)

    def validity(self, children: list[Any], span: Span) -> tuple[Any, Any]:
        _, since, _, until = children
        return self._number(since), self._number(until)

    def code_group(self, children: list[Any], span: Span) -> s.CodeGroup:
        _, name, title, _, codes = children
        return s.CodeGroup(self._req_name(name), self._string(title), codes, span=span)

    def code_list(self, children: list[Any], span: Span) -> tuple[s.Code, ...]:
        return tuple(s.Code(str(t), span=self._tspan(t)) for t in children[::2])

    # -------------------------------------------------------------- datasets
    def dataset(self, children: list[Any], span: Span) -> s.Dataset:
        _, name, title, _, *items, _ = children
        return s.Dataset(self._req_name(name), self._string(title),
                         self._with_comments(items, span), span=span)

    def column(self, children: list[Any], span: Span) -> s.Column:
        _, header, _, name, column_type, optional, (since, until), bounds, description = \
            children
        return s.Column(self._req_name(name), column_type, optional is not None, since, until,
                        self._string(description), bounds, self._string(header), span=span)

    def range_from(self, children: list[Any], span: Span) -> s.ValueRange:
        _, low, _, high = children
        return s.ValueRange(low, high, span=span)

    def range_to(self, children: list[Any], span: Span) -> s.ValueRange:
        return s.ValueRange(None, children[2], span=span)

    def identifier_type(self, children: list[Any], span: Span) -> s.IdentifierType:
        _, unit, national, _, within = children
        return s.IdentifierType(self._name(unit), national is not None, self._name(within),
                                span=span)

    def code_type(self, children: list[Any], span: Span) -> s.CodeType:
        _, codelist, by, _ = children
        return s.CodeType(self._req_name(codelist), by is not None, span=span)

    def scalar_type(self, children: list[Any], span: Span) -> s.ScalarType:
        return s.ScalarType(str(children[0]), span=span)

    def rows(self, children: list[Any], span: Span) -> s.Rows:
        return s.Rows(self._req_name(children[1]), span=span)

    def key(self, children: list[Any], span: Span) -> s.Key:
        return s.Key(children[1], span=span)

    def dated_by(self, children: list[Any], span: Span) -> s.DatedBy:
        return s.DatedBy(children[2], span=span)

    def area_column(self, children: list[Any], span: Span) -> s.AreaColumn:
        _, column, *upper = children
        return s.AreaColumn(self._req_name(column),
                            tuple(self._req_name(token) for token in upper[1::2]), span=span)

    def period_column(self, children: list[Any], span: Span) -> s.PeriodColumn:
        _, column, kind = children
        return s.PeriodColumn(self._req_name(column), self._name(kind), span=span)

    def missing_symbols(self, children: list[Any], span: Span) -> s.MissingSymbols:
        symbols = tuple(self._string(t) for t in children[1::2])
        return s.MissingSymbols(symbols, span=span)  # type: ignore[arg-type]

    def unknown_codes(self, children: list[Any], span: Span) -> s.UnknownCodes:
        return s.UnknownCodes(self._req_name(children[2]), span=span)

    # -------------------------------------------------------------- geography
    def geography(self, children: list[Any], span: Span) -> s.Geography:
        _, name, title, _, *items, _ = children
        return s.Geography(self._req_name(name), self._string(title),
                           self._with_comments(items, span), span=span)

    def geo_level(self, children: list[Any], span: Span) -> s.GeoLevel:
        _, name, _, dataset, _, *fields, _ = children
        return s.GeoLevel(self._req_name(name), self._req_name(dataset),
                          self._with_comments(fields, span), span=span)

    def neighbours(self, children: list[Any], span: Span) -> s.Neighbours:
        _, name, title, _, dataset, _, *fields, _ = children
        return s.Neighbours(self._req_name(name), self._string(title), self._req_name(dataset),
                            self._with_comments(fields, span), span=span)

    def geo_field(self, children: list[Any], span: Span) -> s.GeoField:
        key, values = children
        return s.GeoField(str(key), values, span=span)

    # -------------------------------------------------------------- units of comparison
    def unit_comparison(self, children: list[Any], span: Span) -> s.Comparison:
        _, name, title, _, dataset, _, *items, _ = children
        return s.Comparison(self._req_name(name), self._string(title), self._req_name(dataset),
                            self._with_comments(items, span), span=span)

    def unit_rows(self, children: list[Any], span: Span) -> s.UnitRows:
        _, dataset, _, by = children
        return s.UnitRows(dataset, self._req_name(by), span=span)

    def benchmark(self, children: list[Any], span: Span) -> s.Benchmark:
        return s.Benchmark(children[1], span=span)

    # -------------------------------------------------------------- definitions
    def definition(self, children: list[Any], span: Span) -> s.Definition:
        _, name, title, _, dataset, _, expr = children
        return s.Definition(self._req_name(name), self._string(title), self._req_name(dataset),
                            expr, span=span)

    def cohort_decl(self, children: list[Any], span: Span) -> s.CohortDecl:
        _, name, title, _, population = children
        return s.CohortDecl(self._req_name(name), self._string(title), population, span=span)

    def population(self, children: list[Any], span: Span) -> s.Population:
        base, periods, _, where = children
        return s.Population(base, where, periods, span=span)

    def previous_period(self, children: list[Any], span: Span) -> s.PreviousPeriod:
        back = self._number(children[3])
        assert back is not None
        return s.PreviousPeriod(back, span=span)

    def last_periods(self, children: list[Any], span: Span) -> s.LastPeriods:
        count = self._number(children[2])
        assert count is not None
        return s.LastPeriods(count, span=span)

    def all_periods(self, children: list[Any], span: Span) -> s.AllPeriods:
        return s.AllPeriods(span=span)

    # -------------------------------------------------------------- sections and indicators
    def section(self, children: list[Any], span: Span) -> s.Section:
        kind, name, title, _, *items, _ = children
        text = self._string(title)
        assert text is not None
        return s.Section(str(kind), self._req_name(name), text,
                         self._with_comments(items, span), span=span)

    def goal(self, children: list[Any], span: Span) -> s.Goal:
        _, name, title, _, *items, _ = children
        text = self._string(title)
        assert text is not None
        return s.Goal(self._req_name(name), text, self._with_comments(items, span), span=span)

    def serves(self, children: list[Any], span: Span) -> s.Serves:
        _, goal, relation = children
        return s.Serves(goal, self._req_name(relation), span=span)

    def indicator(self, children: list[Any], span: Span) -> s.Indicator:
        _, name, title, _, origin, _, *fields, _ = children
        return s.Indicator(self._req_name(name), self._string(title), origin,
                           self._with_comments(fields, span), span=span)

    def kind(self, children: list[Any], span: Span) -> s.KindField:
        return s.KindField(self._req_name(children[1]), span=span)

    def statistic(self, children: list[Any], span: Span) -> s.StatisticField:
        return s.StatisticField(self._req_name(children[1]), span=span)

    def cohort(self, children: list[Any], span: Span) -> s.CohortField:
        return s.CohortField(children[1], span=span)

    def numerator(self, children: list[Any], span: Span) -> s.NumeratorField:
        return s.NumeratorField(children[1], span=span)

    def denominator(self, children: list[Any], span: Span) -> s.DenominatorField:
        return s.DenominatorField(children[1], span=span)

    def measure(self, children: list[Any], span: Span) -> s.MeasureField:
        return s.MeasureField(children[1], span=span)

    def exclude(self, children: list[Any], span: Span) -> s.ExcludeField:
        _, expr, reason = children
        return s.ExcludeField(expr, self._string(reason), span=span)

    def unit_percent(self, children: list[Any], span: Span) -> s.UnitField:
        return s.UnitField("percent", "percent", span=span)

    def unit_per(self, children: list[Any], span: Span) -> s.UnitField:
        return s.UnitField("per", str(children[2]).replace(",", ""), span=span)

    def unit_named(self, children: list[Any], span: Span) -> s.UnitField:
        literal = self._string(children[1])
        assert literal is not None
        return s.UnitField("named", literal.value, span=span)

    def polarity(self, children: list[Any], span: Span) -> s.PolarityField:
        _, value, bounds, rationale = children
        return s.PolarityField(self._req_name(value), self._string(rationale), bounds,
                               span=span)

    def polarity_range(self, children: list[Any], span: Span) -> tuple[str, str]:
        low, _, high = children
        return str(low), str(high)

    def compare(self, children: list[Any], span: Span) -> s.CompareField:
        return s.CompareField(tuple(children[1::2]), span=span)

    def compare_england(self, children: list[Any], span: Span) -> s.EnglandComparator:
        return s.EnglandComparator(self._name(children[1]), children[2] is not None, span=span)

    def compare_region(self, children: list[Any], span: Span) -> s.RegionComparator:
        return s.RegionComparator(self._name(children[1]), children[2] is not None, span=span)

    def compare_neighbours(self, children: list[Any], span: Span) -> s.NeighboursComparator:
        name, method, published = children
        return s.NeighboursComparator(self._req_name(name), self._name(method),
                                      published is not None, span=span)

    def compare_population(self, children: list[Any], span: Span) -> s.PopulationComparator:
        _, indicator, same, _ = children
        return s.PopulationComparator(indicator, same is not None, span=span)

    def compare_target(self, children: list[Any], span: Span) -> s.TargetComparator:
        return s.TargetComparator(str(children[1]), span=span)

    def confidence(self, children: list[Any], span: Span) -> s.ConfidenceField:
        _, method, *rest = children
        levels = rest[::2]
        for level in levels:
            self._level(level)
        return s.ConfidenceField(self._req_name(method), tuple(str(t) for t in levels),
                                 span=span)

    def breakdown(self, children: list[Any], span: Span) -> s.BreakdownField:
        return s.BreakdownField(children[2], span=span)

    def decimals(self, children: list[Any], span: Span) -> s.DecimalsField:
        places = self._number(children[1])
        assert places is not None
        return s.DecimalsField(places, span=span)

    # -------------------------------------------------------------- publications
    def publication(self, children: list[Any], span: Span) -> s.PublicationField:
        _, rows, _, *items, _ = children
        return s.PublicationField(rows, self._with_comments(items, span), span=span)

    def published_value(self, children: list[Any], span: Span) -> s.PublishedValue:
        return s.PublishedValue(self._req_name(children[1]), span=span)

    def published_count(self, children: list[Any], span: Span) -> s.PublishedCount:
        which, column, _, where = children
        return s.PublishedCount(str(which), self._req_name(column), where, span=span)

    def published_limits(self, children: list[Any], span: Span) -> s.PublishedLimits:
        return s.PublishedLimits(tuple(children[1::2]), span=span)

    def limit_columns(self, children: list[Any], span: Span) -> s.LimitColumns:
        lower, _, upper, _, level = children
        self._level(level)
        return s.LimitColumns(self._req_name(lower), self._req_name(upper), str(level),
                              span=span)

    def _level(self, token: Token) -> None:
        """E105 for a confidence level outside (0%, 100%)."""
        value = float(str(token)[:-1])
        if not 0 < value < 100:
            raise LiteralError(Diagnostic.of(
                "E105", f"confidence level {token} is not between 0% and 100%",
                self._tspan(token), help="use 95% or 99.8%"))

    # -------------------------------------------------------------- expressions
    def or_(self, children: list[Any], span: Span) -> s.Logical:
        return s.Logical("or", tuple(children[::2]), span=span)

    def and_(self, children: list[Any], span: Span) -> s.Logical:
        return s.Logical("and", tuple(children[::2]), span=span)

    def not_(self, children: list[Any], span: Span) -> s.Not:
        return s.Not(children[1], span=span)

    def compare_op(self, children: list[Any], span: Span) -> s.Binary:
        left, op, right = children
        return s.Binary(str(op), left, right, span=span)

    arith = compare_op

    def member(self, children: list[Any], span: Span) -> s.Membership:
        operand, _, codes = children
        return s.Membership(operand, codes, False, span=span)

    def not_member(self, children: list[Any], span: Span) -> s.Membership:
        operand, _, _, codes = children
        return s.Membership(operand, codes, True, span=span)

    def in_period(self, children: list[Any], span: Span) -> s.InPeriod:
        return s.InPeriod(children[0], span=span)

    def is_missing(self, children: list[Any], span: Span) -> s.IsMissing:
        return s.IsMissing(children[0], False, span=span)

    def is_present(self, children: list[Any], span: Span) -> s.IsMissing:
        return s.IsMissing(children[0], True, span=span)

    def within(self, children: list[Any], span: Span) -> s.Within:
        operand, _, duration, direction, anchor = children
        return s.Within(operand, duration, str(direction), anchor, span=span)

    def negate(self, children: list[Any], span: Span) -> s.Negate:
        return s.Negate(children[1], span=span)

    def atom(self, children: list[Any], span: Span) -> Any:
        """`( expr )`: the expression itself (brackets are not a node; the formatter
        writes those that precedence needs)."""
        return children[1]

    def number(self, children: list[Any], span: Span) -> s.NumberLit:
        literal = self._number(children[0])
        assert literal is not None
        return literal

    def boolean(self, children: list[Any], span: Span) -> s.BoolLit:
        return s.BoolLit(str(children[0]) == "true", span=span)

    def duration(self, children: list[Any], span: Span) -> s.DurationLit:
        parts = []
        for amount, unit in zip(children[::2], children[1::2], strict=True):
            number = self._number(amount)
            assert number is not None
            parts.append((number, str(unit)))
        return s.DurationLit(tuple(parts), span=span)

    def qualname(self, children: list[Any], span: Span) -> s.NameRef:
        return s.NameRef(tuple(self._req_name(t) for t in children[::2]), span=span)

    def name_ref(self, children: list[Any], span: Span) -> s.NameRef:
        ref = children[0]
        assert isinstance(ref, s.NameRef)
        return ref

    def outer_ref(self, children: list[Any], span: Span) -> s.OuterRef:
        return s.OuterRef(self._req_name(children[2]), span=span)

    def period_ref(self, children: list[Any], span: Span) -> s.PeriodRef:
        return s.PeriodRef(self._req_name(children[2]), span=span)

    def call(self, children: list[Any], span: Span) -> s.Call:
        function, _, *args, _ = children
        return s.Call(self._req_name(function), tuple(args[::2]), span=span)

    def aggregate(self, children: list[Any], span: Span) -> s.Aggregate:
        function, _, value, _, source, periods, _, _, link, _, where, _, order, _ = children
        return s.Aggregate(str(function), value, source, self._name(link), where, order,
                           periods, span=span)

    def code_literals(self, children: list[Any], span: Span) -> s.CodeLiterals:
        codes = tuple(s.Code(str(t), span=self._tspan(t)) for t in children[1:-1:2])
        return s.CodeLiterals(codes, span=span)

    def code_group_ref(self, children: list[Any], span: Span) -> s.CodeGroupRef:
        return s.CodeGroupRef(self._req_name(children[0]), span=span)


_Entry = tuple[Tree[Token], list[Any] | None, int, int]
"""A subtree, the children list that holds it and its place there (None for the root), and
how deeply it is nested."""


def _bottom_up(tree: Tree[Token]) -> list[_Entry]:
    """Every subtree after all those under it (the reverse of a depth-first walk); raises
    TooDeepError at the first subtree nested too deeply. Brackets (`atom`) are no level: they
    make no node of the syntax tree."""
    order: list[_Entry] = []
    stack: list[_Entry] = [(tree, None, 0, 1)]
    while stack:
        entry = stack.pop()
        subtree, _, _, level = entry
        if level > MAX_DEPTH:
            raise TooDeepError(subtree)
        order.append(entry)
        children = subtree.children
        for index, child in enumerate(children):
            if type(child) is Tree:
                stack.append((child, children, index, level + (child.data != "atom")))
    order.reverse()
    return order


RULES = (
    "start", "module", "module_kind", "meta_key", "scalar_word", "geo_key", "section_kind",
    "aggregate_function", "duration_unit", "direction", "meta", "string", "date", "word",
    "import_decl", "period_decl", "suppress_counts", "suppress_none", "suppress_small",
    "rounding", "area_levels",
    "name_list", "codelist", "code_entry", "validity", "code_group", "code_list", "dataset",
    "column", "range_from", "range_to", "identifier_type", "code_type", "scalar_type", "rows",
    "key", "dated_by", "area_column", "period_column", "missing_symbols", "unknown_codes",
    "geography", "geo_level", "neighbours", "geo_field", "unit_comparison", "unit_rows",
    "benchmark", "definition", "cohort_decl",
    "population", "previous_period", "last_periods", "all_periods", "section", "goal", "serves",
    "indicator", "kind", "statistic", "cohort", "numerator", "denominator", "measure", "exclude",
    "unit_percent", "unit_per", "unit_named", "polarity", "polarity_range", "compare",
    "compare_england",
    "compare_region", "compare_neighbours", "compare_population", "compare_target",
    "confidence", "breakdown", "decimals", "publication", "published_value", "published_count",
    "published_limits", "limit_columns", "count_word", "or_", "and_", "not_", "compare_op",
    "arith", "member", "not_member", "in_period", "is_missing", "is_present", "within",
    "negate", "atom", "number", "boolean", "duration", "qualname", "name_ref", "outer_ref",
    "period_ref", "call", "aggregate", "code_literals", "code_group_ref",
)
"""Every rule and alias of the grammar that makes a subtree, each a method of `Builder` (a
test checks the list against the parser's rules)."""


def _unescape(text: str) -> str:
    """`\\"` and `\\\\` are the only escapes; any other backslash is kept as written."""
    return _ESCAPE.sub(
        lambda match: match.group(1) if match.group(1) in '"\\' else match.group(0), text
    )


def _valid_date(text: str) -> bool:
    year, month, day = (int(part) for part in text.split("-"))
    if year < 1 or not 1 <= month <= 12 or day < 1:
        return False
    days = [31, 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return day <= days[month - 1]
