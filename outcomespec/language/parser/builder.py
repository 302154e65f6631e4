"""Lark tree → syntax nodes, with spans derived from tokens and comments placed into the
innermost enclosing block (so that the formatter can keep them)."""

from __future__ import annotations

import re
from typing import Any

from lark import Token, Tree

from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.parser.scanning import STRING
from outcomespec.language.source import Source, Span

MAX_DIGITS = 15
"""Longest whole part of a number (beyond this, floats lose integers; see E105)."""


class LiteralError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


_ESCAPE = re.compile(r"\\(.)")


class Builder:
    """Lark tree → syntax nodes, bottom-up without recursion, placing comments into the
    innermost enclosing block. One method per rule (or alias) of the grammar."""

    def __init__(self, source: Source, comments: tuple[tuple[int, int], ...]) -> None:
        self.source = source
        self.comments = comments
        self.claimed = [False] * len(comments)

    def build(self, tree: Tree[Token]) -> s.File:
        """Visit every subtree after its children (Lark yields them in that order)."""
        built: dict[int, Any] = {}
        for subtree in tree.iter_subtrees():
            children = [
                built.pop(id(child)) if isinstance(child, Tree) else child
                for child in subtree.children
            ]
            built[id(subtree)] = getattr(self, str(subtree.data))(children)
        result = built[id(tree)]
        assert isinstance(result, s.File)
        return result

    # -------------------------------------------------------------- spans
    def _bounds(self, value: Any) -> tuple[int, int] | None:
        if value is None:
            return None
        if isinstance(value, tuple | list):
            bounds = self._bounds
            for item in value:
                first = bounds(item)
                if first is not None:
                    break
            else:
                return None
            for item in reversed(value):
                last = bounds(item)
                if last is not None:
                    return first[0], last[1]
        span = getattr(value, "span", None)
        if span is not None:
            return (span.start, span.end) if span.end > span.start or span.start else None
        start = getattr(value, "start_pos", None)
        return None if start is None else (int(start), int(value.end_pos))

    def _cover(self, children: list[Any]) -> Span:
        """From the first child's start to the last child's end."""
        bounds = self._bounds(children)
        if bounds is None:
            return Span(self.source, 0, 0)
        return Span(self.source, *bounds)

    def _widened(
        self,
        children: list[Any],
        before: str = "",
        after: str = "",
        items: list[Any] | None = None,
    ) -> Span:
        """The children's span widened over keywords the grammar drops: a field's keyword
        (`kind`, `breakdown by`), `not` before an operand, `in period` after it; for a
        block (given its `items`), through its closing brace."""
        span = self._cover(children) if items is None else self._block(children, items)
        start, end = span.start, span.end
        if before:
            window = max(0, start - 80)
            match = re.search(f"(?:{before})\\s*$", self.source.text[window:start])
            if match:
                start = window + match.start()
        if after:
            match = re.compile(after).match(self.source.text, end)
            if match:
                end = match.end()
        return Span(self.source, start, end)

    def _block(self, children: list[Any], items: list[Any]) -> Span:
        """From the block's first token through its closing `}`. Only the text after the
        last item is scanned (a trailing `)` or `in period` its span does not cover); an
        empty block is scanned from its header through `{`."""
        span = self._cover(children)
        last = next((b for b in map(self._bounds, reversed(items)) if b is not None), None)
        text = self.source.text
        position, opened, depth = (last[1], True, 0) if last else (span.end, False, 0)
        while position < len(text):
            char = text[position]
            if char in '"#':
                position = _past_text_or_comment(text, position)
                continue
            if char == "{":
                depth += 1 if opened else 0
                opened = True
            elif char == "}":
                if depth == 0:
                    return Span(self.source, span.start, position + 1)
                depth -= 1
            position += 1
        return span

    def _matched(self, children: list[Any], opener: str, closer: str) -> Span:
        """From the first child to the `closer` matching the first `opener` after it: a
        block's braces or a call's parentheses, skipping text and comments inside."""
        span = self._cover(children)
        text, position, depth = self.source.text, span.start, 0
        first = self._bounds(next((c for c in children if self._bounds(c)), None))
        position = first[1] if first else span.start
        while position < len(text):
            char = text[position]
            if char in '"#':
                position = _past_text_or_comment(text, position)
                continue
            if char == opener:
                depth += 1
            elif char == closer:
                depth -= 1
                if depth == 0:
                    return Span(self.source, span.start, position + 1)
            position += 1
        return span

    def _closed(self, children: list[Any], closer: str) -> Span:
        """The children's span extended over the `closer` right after them (the `}` of a
        code set), skipping blanks and comments."""
        span = self._cover(children)
        text, position = self.source.text, span.end
        while position < len(text) and (text[position].isspace() or text[position] == "#"):
            position = (_past_text_or_comment(text, position) if text[position] == "#"
                        else position + 1)
        if text.startswith(closer, position):
            return Span(self.source, span.start, position + 1)
        return span

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
    def start(self, children: list[Any]) -> s.File:
        span = Span(self.source, 0, len(self.source.text))
        return s.File(self._with_comments(children, span), span=span)

    def module(self, children: list[Any]) -> s.Module:
        kind, name, title, *items = children
        span = self._block(children, items)
        return s.Module(
            str(kind),
            self._req_name(name),
            self._string(title),
            self._with_comments(items, span),
            span=span,
        )

    def _word(self, children: list[Any]) -> Token:
        token = children[0]
        assert token is not None
        return token  # type: ignore[no-any-return]

    module_kind = meta_key = scalar_word = geo_key = section_kind = _word
    aggregate_function = duration_unit = direction = _word

    def meta(self, children: list[Any]) -> s.Meta:
        key, value = children
        return s.Meta(str(key), value, span=self._cover(children))

    def string(self, children: list[Any]) -> s.StringLit:
        literal = self._string(children[0])
        assert literal is not None
        return literal

    def date(self, children: list[Any]) -> s.DateLit:
        token = children[0]
        if not _valid_date(str(token)):
            raise LiteralError(
                Diagnostic.of(
                    "E105",
                    f"`{token}` is not a date in the calendar",
                    self._tspan(token),
                    help="write dates as YYYY-MM-DD, e.g. 2025-03-31",
                )
            )
        return s.DateLit(str(token), span=self._tspan(token))

    def word(self, children: list[Any]) -> s.Word:
        return s.Word(str(children[0]), span=self._tspan(children[0]))

    def import_decl(self, children: list[Any]) -> s.Import:
        path, alias = children
        literal = self._string(path)
        assert literal is not None
        return s.Import(
            literal, self._name(alias), span=self._widened(children, before=r"\bimport")
        )

    def period_decl(self, children: list[Any]) -> s.PeriodDecl:
        day, month = children
        number = self._number(day)
        assert number is not None
        return s.PeriodDecl(
            number,
            self._req_name(month),
            span=self._widened(children, before=r"\bperiod\s+year\s+ending"),
        )

    def suppress_counts(self, children: list[Any]) -> s.SuppressCounts:
        low, high = (self._number(t) for t in children)
        assert low is not None
        assert high is not None
        if "." in low.text or "." in high.text:
            raise LiteralError(
                Diagnostic.of(
                    "E105",
                    "suppression ranges are whole counts",
                    self._widened(children, before=r"\bsuppress\s+counts"),
                    help="write whole numbers, e.g. `suppress counts 1..5`",
                )
            )
        if float(low.text) > float(high.text):
            raise LiteralError(
                Diagnostic.of(
                    "E105",
                    f"range {low.text}..{high.text} is empty",
                    self._widened(children, before=r"\bsuppress\s+counts"),
                    help=f"write the low end first: {high.text}..{low.text}",
                )
            )
        return s.SuppressCounts(
            low, high, span=self._widened(children, before=r"\bsuppress\s+counts")
        )

    def suppress_none(self, children: list[Any]) -> s.SuppressNone:
        return s.SuppressNone(span=self._widened(children, before=r"\bsuppress"))

    def rounding(self, children: list[Any]) -> s.Rounding:
        levels, nearest = children
        number = self._number(nearest)
        assert number is not None
        return s.Rounding(levels, number, span=self._widened(children, before=r"\bround"))

    def area_levels(self, children: list[Any]) -> tuple[s.Name, ...]:
        return tuple(self._req_name(t) for t in children)

    name_list = area_levels

    # -------------------------------------------------------------- codelists
    def codelist(self, children: list[Any]) -> s.Codelist:
        name, title, *items = children
        span = self._widened(children, before=r"\bcodelist", items=items)
        return s.Codelist(
            self._req_name(name), self._string(title), self._with_comments(items, span), span=span
        )

    def code_entry(self, children: list[Any]) -> s.CodeEntry:
        code, label, (since, until) = children
        text = self._string(label)
        assert text is not None
        return s.CodeEntry(
            s.Code(str(code), span=self._tspan(code)),
            text,
            since,
            until,
            span=self._cover(children),
        )

    def validity(self, children: list[Any]) -> tuple[Any, Any]:
        since, until = children
        return self._number(since), self._number(until)

    def code_group(self, children: list[Any]) -> s.CodeGroup:
        name, title, codes = children
        return s.CodeGroup(
            self._req_name(name),
            self._string(title),
            codes,
            span=self._widened(children, before=r"\bgroup"),
        )

    def code_list(self, children: list[Any]) -> tuple[s.Code, ...]:
        return tuple(s.Code(str(t), span=self._tspan(t)) for t in children)

    # -------------------------------------------------------------- datasets
    def dataset(self, children: list[Any]) -> s.Dataset:
        name, title, *items = children
        span = self._widened(children, before=r"\bdataset", items=items)
        return s.Dataset(
            self._req_name(name), self._string(title), self._with_comments(items, span), span=span
        )

    def column(self, children: list[Any]) -> s.Column:
        name, column_type, optional, (since, until), bounds, description = children
        return s.Column(
            self._req_name(name),
            column_type,
            optional is not None,
            since,
            until,
            self._string(description),
            bounds,
            span=self._widened(children, before=r"\bcolumn"),
        )

    def range_from(self, children: list[Any]) -> s.ValueRange:
        low, high = children
        return s.ValueRange(low, high, span=self._widened(children, before=r"\brange",
                                                           after=r"\s*\.\."))

    def range_to(self, children: list[Any]) -> s.ValueRange:
        return s.ValueRange(None, children[0],
                            span=self._widened(children, before=r"\brange\s*\.\."))

    def identifier_type(self, children: list[Any]) -> s.IdentifierType:
        return s.IdentifierType(
            self._name(children[0]), span=self._widened(children, before=r"\bidentifier")
        )

    def code_type(self, children: list[Any]) -> s.CodeType:
        return s.CodeType(
            self._req_name(children[0]), span=self._widened(children, before=r"\bcode")
        )

    def scalar_type(self, children: list[Any]) -> s.ScalarType:
        return s.ScalarType(str(children[0]), span=self._cover(children))

    def rows(self, children: list[Any]) -> s.Rows:
        return s.Rows(self._req_name(children[0]), span=self._widened(children, before=r"\brows"))

    def key(self, children: list[Any]) -> s.Key:
        return s.Key(children[0], span=self._widened(children, before=r"\bkey"))

    def dated_by(self, children: list[Any]) -> s.DatedBy:
        return s.DatedBy(children[0], span=self._widened(children, before=r"\bdated\s+by"))

    def area_column(self, children: list[Any]) -> s.AreaColumn:
        return s.AreaColumn(
            self._req_name(children[0]), span=self._widened(children, before=r"\barea")
        )

    def period_column(self, children: list[Any]) -> s.PeriodColumn:
        column, kind = children
        return s.PeriodColumn(
            self._req_name(column), self._name(kind),
            span=self._widened(children, before=r"\bperiod"),
        )

    def missing_symbols(self, children: list[Any]) -> s.MissingSymbols:
        symbols = tuple(self._string(t) for t in children)
        return s.MissingSymbols(symbols, span=self._widened(children, before=r"\bmissing"))  # type: ignore[arg-type]

    def unknown_codes(self, children: list[Any]) -> s.UnknownCodes:
        return s.UnknownCodes(
            self._req_name(children[0]), span=self._widened(children, before=r"\bunknown\s+codes")
        )

    # -------------------------------------------------------------- geography
    def geography(self, children: list[Any]) -> s.Geography:
        name, title, *items = children
        span = self._widened(children, before=r"\bgeography", items=items)
        return s.Geography(
            self._req_name(name), self._string(title), self._with_comments(items, span), span=span
        )

    def geo_level(self, children: list[Any]) -> s.GeoLevel:
        name, dataset, *fields = children
        span = self._widened(children, before=r"\blevel", items=fields)
        return s.GeoLevel(
            self._req_name(name),
            self._req_name(dataset),
            self._with_comments(fields, span),
            span=span,
        )

    def neighbours(self, children: list[Any]) -> s.Neighbours:
        name, title, dataset, *fields = children
        span = self._widened(children, before=r"\bneighbours", items=fields)
        return s.Neighbours(
            self._req_name(name),
            self._string(title),
            self._req_name(dataset),
            self._with_comments(fields, span),
            span=span,
        )

    def geo_field(self, children: list[Any]) -> s.GeoField:
        key, values = children
        return s.GeoField(str(key), values, span=self._cover(children))

    # -------------------------------------------------------------- definitions
    def definition(self, children: list[Any]) -> s.Definition:
        name, title, dataset, expr = children
        return s.Definition(
            self._req_name(name),
            self._string(title),
            self._req_name(dataset),
            expr,
            span=self._widened(children, before=r"\bdefine"),
        )

    def cohort_decl(self, children: list[Any]) -> s.CohortDecl:
        name, title, population = children
        return s.CohortDecl(
            self._req_name(name),
            self._string(title),
            population,
            span=self._widened(children, before=r"\bcohort"),
        )

    def population(self, children: list[Any]) -> s.Population:
        base, periods, where = children
        return s.Population(base, where, periods, span=self._cover(children))

    def previous_period(self, children: list[Any]) -> s.PreviousPeriod:
        back = self._number(children[0])
        assert back is not None
        return s.PreviousPeriod(
            back, span=self._widened(children, before=r"\bfor\s+period\s*-\s*"))

    def last_periods(self, children: list[Any]) -> s.LastPeriods:
        count = self._number(children[0])
        assert count is not None
        return s.LastPeriods(count, span=self._widened(children, before=r"\bfor\s+last\s+"))

    def all_periods(self, children: list[Any]) -> s.AllPeriods:
        return s.AllPeriods(span=self._widened(children, before=r"\bfor\s+all\s+"))

    # -------------------------------------------------------------- sections and indicators
    def section(self, children: list[Any]) -> s.Section:
        kind, name, title, *items = children
        span = self._block(children, items)
        text = self._string(title)
        assert text is not None
        return s.Section(
            str(kind), self._req_name(name), text, self._with_comments(items, span), span=span
        )

    def goal(self, children: list[Any]) -> s.Goal:
        name, title, *items = children
        span = self._widened(children, before=r"\bgoal", items=items)
        text = self._string(title)
        assert text is not None
        return s.Goal(self._req_name(name), text, self._with_comments(items, span), span=span)

    def serves(self, children: list[Any]) -> s.Serves:
        goal, relation = children
        return s.Serves(
            goal, self._req_name(relation), span=self._widened(children, before=r"\bserves")
        )

    def indicator(self, children: list[Any]) -> s.Indicator:
        name, title, origin, *fields = children
        span = self._widened(children, before=r"\bindicator", items=fields)
        return s.Indicator(
            self._req_name(name),
            self._string(title),
            origin,
            self._with_comments(fields, span),
            span=span,
        )

    def kind(self, children: list[Any]) -> s.KindField:
        return s.KindField(
            self._req_name(children[0]), span=self._widened(children, before=r"\bkind")
        )

    def statistic(self, children: list[Any]) -> s.StatisticField:
        return s.StatisticField(
            self._req_name(children[0]), span=self._widened(children, before=r"\bstatistic")
        )

    def cohort(self, children: list[Any]) -> s.CohortField:
        return s.CohortField(children[0], span=self._widened(children, before=r"\bcohort"))

    def numerator(self, children: list[Any]) -> s.NumeratorField:
        return s.NumeratorField(children[0], span=self._widened(children, before=r"\bnumerator"))

    def denominator(self, children: list[Any]) -> s.DenominatorField:
        return s.DenominatorField(
            children[0], span=self._widened(children, before=r"\bdenominator")
        )

    def measure(self, children: list[Any]) -> s.MeasureField:
        return s.MeasureField(children[0], span=self._widened(children, before=r"\bmeasure"))

    def exclude(self, children: list[Any]) -> s.ExcludeField:
        expr, reason = children
        return s.ExcludeField(
            expr, self._string(reason), span=self._widened(children, before=r"\bexclude")
        )

    def unit_percent(self, children: list[Any]) -> s.UnitField:
        return s.UnitField("percent", "percent", span=self._widened(children, before=r"\bunit"))

    def unit_per(self, children: list[Any]) -> s.UnitField:
        return s.UnitField(
            "per",
            str(children[0]).replace(",", ""),
            span=self._widened(children, before=r"\bunit\s+per"),
        )

    def unit_named(self, children: list[Any]) -> s.UnitField:
        literal = self._string(children[0])
        assert literal is not None
        return s.UnitField("named", literal.value, span=self._widened(children, before=r"\bunit"))

    def polarity(self, children: list[Any]) -> s.PolarityField:
        value, rationale = children
        return s.PolarityField(
            self._req_name(value),
            self._string(rationale),
            span=self._widened(children, before=r"\bpolarity"),
        )

    def compare(self, children: list[Any]) -> s.CompareField:
        return s.CompareField(tuple(children), span=self._widened(children, before=r"\bcompare"))

    def compare_england(self, children: list[Any]) -> s.EnglandComparator:
        return s.EnglandComparator(span=self._cover(children))

    def compare_region(self, children: list[Any]) -> s.RegionComparator:
        return s.RegionComparator(span=self._cover(children))

    def compare_neighbours(self, children: list[Any]) -> s.NeighboursComparator:
        name, method = children
        return s.NeighboursComparator(
            self._req_name(name), self._name(method), span=self._cover(children)
        )

    def compare_population(self, children: list[Any]) -> s.PopulationComparator:
        return s.PopulationComparator(
            children[0], span=self._widened(children, before=r"\bpopulation")
        )

    def compare_target(self, children: list[Any]) -> s.TargetComparator:
        return s.TargetComparator(
            str(children[0]), span=self._widened(children, before=r"\btarget")
        )

    def confidence(self, children: list[Any]) -> s.ConfidenceField:
        method, *levels = children
        for level in levels:
            value = float(str(level)[:-1])
            if not 0 < value < 100:
                raise LiteralError(
                    Diagnostic.of(
                        "E105",
                        f"confidence level {level} is not between 0% and 100%",
                        self._tspan(level),
                        help="use 95% or 99.8%",
                    )
                )
        return s.ConfidenceField(
            self._req_name(method),
            tuple(str(t) for t in levels),
            span=self._widened(children, before=r"\bconfidence"),
        )

    def breakdown(self, children: list[Any]) -> s.BreakdownField:
        return s.BreakdownField(
            children[0], span=self._widened(children, before=r"\bbreakdown\s+by")
        )

    # -------------------------------------------------------------- expressions
    def or_(self, children: list[Any]) -> s.Logical:
        return s.Logical("or", tuple(children), span=self._cover(children))

    def and_(self, children: list[Any]) -> s.Logical:
        return s.Logical("and", tuple(children), span=self._cover(children))

    def not_(self, children: list[Any]) -> s.Not:
        return s.Not(children[0], span=self._widened(children, before=r"\bnot"))

    def compare_op(self, children: list[Any]) -> s.Binary:
        left, op, right = children
        return s.Binary(str(op), left, right, span=self._cover(children))

    arith = compare_op

    def member(self, children: list[Any]) -> s.Membership:
        return s.Membership(children[0], children[1], False, span=self._cover(children))

    def not_member(self, children: list[Any]) -> s.Membership:
        return s.Membership(children[0], children[1], True, span=self._cover(children))

    def in_period(self, children: list[Any]) -> s.InPeriod:
        return s.InPeriod(children[0], span=self._widened(children, after=r"\s*in\s+period"))

    def is_missing(self, children: list[Any]) -> s.IsMissing:
        return s.IsMissing(
            children[0], False, span=self._widened(children, after=r"\s*is\s+missing")
        )

    def is_present(self, children: list[Any]) -> s.IsMissing:
        return s.IsMissing(
            children[0], True, span=self._widened(children, after=r"\s*is\s+not\s+missing")
        )

    def within(self, children: list[Any]) -> s.Within:
        operand, duration, direction, anchor = children
        return s.Within(operand, duration, str(direction), anchor, span=self._cover(children))

    def negate(self, children: list[Any]) -> s.Negate:
        return s.Negate(children[0], span=self._widened(children, before="-"))

    def number(self, children: list[Any]) -> s.NumberLit:
        literal = self._number(children[0])
        assert literal is not None
        return literal

    def boolean(self, children: list[Any]) -> s.BoolLit:
        return s.BoolLit(str(children[0]) == "true", span=self._cover(children))

    def duration(self, children: list[Any]) -> s.DurationLit:
        parts = []
        for amount, unit in zip(children[::2], children[1::2], strict=True):
            number = self._number(amount)
            assert number is not None
            parts.append((number, str(unit)))
        return s.DurationLit(tuple(parts), span=self._cover(children))

    def qualname(self, children: list[Any]) -> s.NameRef:
        return s.NameRef(tuple(self._req_name(t) for t in children), span=self._cover(children))

    def name_ref(self, children: list[Any]) -> s.NameRef:
        ref = children[0]
        assert isinstance(ref, s.NameRef)
        return ref

    def outer_ref(self, children: list[Any]) -> s.OuterRef:
        return s.OuterRef(
            self._req_name(children[0]), span=self._widened(children, before=r"\bthis\s*\.\s*")
        )

    def period_ref(self, children: list[Any]) -> s.PeriodRef:
        return s.PeriodRef(
            self._req_name(children[0]), span=self._widened(children, before=r"\bperiod\s*\.\s*")
        )

    def call(self, children: list[Any]) -> s.Call:
        function, *args = children
        return s.Call(self._req_name(function), tuple(args), span=self._matched(children, "(", ")"))

    def aggregate(self, children: list[Any]) -> s.Aggregate:
        function, value, source, periods, link, where, order = children
        return s.Aggregate(
            str(function),
            value,
            source,
            self._name(link),
            where,
            order,
            periods,
            span=self._matched(children, "(", ")"),
        )

    def code_literals(self, children: list[Any]) -> s.CodeLiterals:
        codes = tuple(s.Code(str(t), span=self._tspan(t)) for t in children)
        return s.CodeLiterals(codes, span=self._closed(children, "}"))

    def code_group_ref(self, children: list[Any]) -> s.CodeGroupRef:
        return s.CodeGroupRef(self._req_name(children[0]), span=self._cover(children))


def _past_text_or_comment(text: str, position: int) -> int:
    """Where the quoted text or comment starting at `position` ends (brackets inside either
    do not count when matching blocks and calls)."""
    if text[position] == '"':
        match = STRING.match(text, position)
        return match.end() if match else position + 1
    newline = text.find("\n", position)
    return len(text) if newline < 0 else newline


def _unescape(text: str) -> str:
    """`\\"` and `\\\\` are the only escapes; any other backslash is kept as written."""
    return _ESCAPE.sub(
        lambda match: match.group(1) if match.group(1) in '"\\' else match.group(0), text
    )


def _valid_date(text: str) -> bool:
    year, month, day = (int(part) for part in text.split("-"))
    if year < 1 or not 1 <= month <= 12 or day < 1:
        return False
    days = [
        31,
        29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return day <= days[month - 1]
