"""Hypothesis strategies for syntax trees the parser could have produced.

Every node type of `outcomespec.language.syntax` can appear. Trees obey what the parser guarantees,
so that `parse(format(tree)) == tree` is a fair property:

- names and codes are never a word the grammar uses as a keyword;
- `Logical` has two or more operands, none a `Logical` with the same operator (what the
  parser builds from `a and b and c`);
- a trailing comment only follows a non-comment item; comment text starts with `#`, has no
  newline and no trailing whitespace;
- literals are written as the lexer reads them: dates exist, percentages lie strictly
  between 0% and 100%, `suppress counts` ranges are not empty.

`ospec_texts()` is the formatted text of generated trees, for fuzzing later stages.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TypeVar

from hypothesis import strategies as st

from outcomespec.language import syntax as s
from outcomespec.language.formatter import format_file
from outcomespec.language.parser import grammar_text

T = TypeVar("T")

KEYWORDS: frozenset[str] = frozenset(re.findall(r'"([a-z_]+)"', grammar_text()))
"""Every word written in quotes anywhere in the grammar."""


def _is_safe_word(word: str) -> bool:
    """Not a word the grammar uses as a keyword anywhere.

    Lark's contextual lexer makes a word a keyword only where that keyword may come, so many
    keywords could name columns; leaving them all out keeps generated trees parseable without
    reasoning about each parser state.
    """
    return word not in KEYWORDS


_READABLE_NAMES = (
    "CHILD", "DECOM", "DEC", "LS", "RNE", "REC", "DOB", "SEX", "LA", "episodes", "header",
    "children", "stable_homes", "placements", "looked_after", "la_code", "region_code",
    "statistical_neighbours", "wilson", "lower_is_better", "higher_is_better", "exact",
    "proportion", "rate", "mean", "median", "ratio", "warn", "published", "draft",
    "episode", "March", "age_band", "shared", "la_year", "Z", "_x", "x1",
)

names_text = st.one_of(
    st.sampled_from([name for name in _READABLE_NAMES if _is_safe_word(name)]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True).filter(_is_safe_word),
)
codes_text = st.one_of(
    st.sampled_from(["C1", "C2", "V3", "V4", "1A", "P1", "E11", "X", "9"]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_]{0,5}", fullmatch=True).filter(_is_safe_word),
)

names = st.builds(s.Name, names_text)
codes = st.builds(s.Code, codes_text)

_TEXT_CHARS = st.characters(exclude_categories=("Cs", "Cc"))
texts = st.text(_TEXT_CHARS, max_size=24)
"""What a quoted text may hold: anything but a newline (control characters left out)."""

strings = st.builds(s.StringLit, texts)
titles = st.none() | strings

_digits = st.from_regex(r"[0-9]{1,4}", fullmatch=True)
number_texts = st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,2})?", fullmatch=True)
numbers = st.builds(s.NumberLit, number_texts)
years = st.builds(s.NumberLit, st.integers(1990, 2040).map(str))
dates = st.builds(
    s.DateLit, st.dates(date(1900, 1, 1), date(2099, 12, 31)).map(date.isoformat)
)

_DURATION_UNITS = ("years", "year", "months", "month", "weeks", "week", "days", "day")
durations = st.builds(
    s.DurationLit,
    st.lists(st.tuples(numbers, st.sampled_from(_DURATION_UNITS)), min_size=1, max_size=3).map(
        tuple
    ),
)

qualnames = st.builds(s.NameRef, st.lists(names, min_size=1, max_size=3).map(tuple))

comments = st.builds(
    lambda body: ("#" + body).rstrip(), st.text(_TEXT_CHARS, max_size=30)
)
"""Comment text as the parser keeps it: from `#` to the end of the line, right-stripped."""


# ------------------------------------------------------------------ expressions

_ATOMS: st.SearchStrategy[s.Expr] = st.one_of(
    numbers,
    strings,
    dates,
    st.builds(s.BoolLit, st.booleans()),
    durations,
    qualnames,
    st.builds(s.OuterRef, names),
    st.builds(s.PeriodRef, names),
)

_AGGREGATES = ("count", "count distinct", "sum", "min", "max", "any", "all", "first", "last")
_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_ARITHMETIC = ("+", "-", "*", "/")

period_selections: st.SearchStrategy[s.PeriodSelection] = st.one_of(
    st.builds(s.PreviousPeriod, numbers),
    st.builds(s.LastPeriods, numbers),
    st.just(s.AllPeriods()),
)

code_sets: st.SearchStrategy[s.CodeSet] = st.one_of(
    st.builds(s.CodeLiterals, st.lists(codes, min_size=1, max_size=4).map(tuple)),
    st.builds(s.CodeGroupRef, names),
)


def _logical(op: str, operands: list[s.Expr]) -> s.Logical:
    """Flatten operands with the same operator, as the parser's `a and b and c` rule does."""
    flat: list[s.Expr] = []
    for operand in operands:
        if isinstance(operand, s.Logical) and operand.op == op:
            flat.extend(operand.operands)
        else:
            flat.append(operand)
    return s.Logical(op, tuple(flat))


def _compound(inner: st.SearchStrategy[s.Expr]) -> st.SearchStrategy[s.Expr]:
    optional = st.none() | inner
    return st.one_of(
        st.builds(s.Not, inner),
        st.builds(s.Negate, inner),
        st.builds(_logical, st.sampled_from(("and", "or")), st.lists(inner, min_size=2,
                                                                     max_size=4)),
        st.builds(s.Binary, st.sampled_from(_COMPARISONS + _ARITHMETIC), inner, inner),
        st.builds(s.Membership, inner, code_sets, st.booleans()),
        st.builds(s.InPeriod, inner),
        st.builds(s.IsMissing, inner, st.booleans()),
        st.builds(s.Within, inner, durations, st.sampled_from(("before", "after")), inner),
        st.builds(s.Call, names, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(
            s.Aggregate, st.sampled_from(_AGGREGATES), optional, qualnames,
            st.none() | names, optional, optional, st.none() | period_selections,
        ),
    )


exprs: st.SearchStrategy[s.Expr] = st.recursive(_ATOMS, _compound, max_leaves=12)
populations = st.builds(s.Population, qualnames, st.none() | exprs,
                        st.none() | period_selections)
aggregates = st.builds(
    s.Aggregate, st.sampled_from(_AGGREGATES), st.none() | exprs, qualnames,
    st.none() | names, st.none() | exprs, st.none() | exprs, st.none() | period_selections,
)
quantities: st.SearchStrategy[s.Quantity] = populations | aggregates


# ------------------------------------------------------------------ fields

_META_KEYS = (
    "version", "publisher", "description", "source", "caveats", "owner", "reviewed",
    "status", "licence", "definition", "url", "note",
)
metas = st.builds(
    s.Meta, st.sampled_from(_META_KEYS), strings | dates | st.builds(s.Word, names_text)
)
serves = st.builds(s.Serves, qualnames, names)


@st.composite
def suppress_counts(draw: st.DrawFn) -> s.SuppressCounts:
    """`suppress counts low..high`: whole counts with low ≤ high (the parser rejects others)."""
    low, high = sorted(draw(st.lists(st.integers(0, 999), min_size=2, max_size=2)))
    return s.SuppressCounts(s.NumberLit(str(low)), s.NumberLit(str(high)))


suppressions: st.SearchStrategy[s.Suppress] = suppress_counts() | st.just(s.SuppressNone())

percents = st.from_regex(r"[0-9]{1,2}(\.[0-9]{1,2})?", fullmatch=True).filter(
    lambda text: float(text) > 0
).map(lambda text: text + "%")
"""Confidence levels strictly between 0% and 100%, e.g. `95%`, `99.8%`."""

units = st.one_of(
    st.just(s.UnitField("percent", "percent")),
    st.builds(s.UnitField, st.just("per"), st.from_regex(r"[0-9]{1,7}", fullmatch=True)),
    st.builds(s.UnitField, st.just("named"), texts),
)

_bound_text = st.from_regex(r"-?[0-9]{1,3}(\.[0-9]{1,2})?", fullmatch=True)
"""An end of a target range, as written."""

comparators: st.SearchStrategy[s.Comparator] = st.one_of(
    st.just(s.EnglandComparator()),
    st.just(s.RegionComparator()),
    st.builds(s.NeighboursComparator, names, st.none() | names),
    st.builds(s.PopulationComparator, qualnames, st.booleans()),
    st.builds(s.TargetComparator, st.from_regex(r"-?[0-9]{1,3}(\.[0-9]{1,2})?",
                                                fullmatch=True)),
)

_name_lists = st.lists(names, min_size=1, max_size=3).map(tuple)

indicator_fields: st.SearchStrategy[s.IndicatorField] = st.one_of(
    st.builds(s.KindField, names),
    st.builds(s.StatisticField, names),
    st.builds(s.CohortField, populations),
    st.builds(s.NumeratorField, quantities),
    st.builds(s.DenominatorField, quantities),
    st.builds(s.MeasureField, exprs),
    st.builds(s.ExcludeField, exprs, titles),
    units,
    st.builds(s.PolarityField, names, titles, st.none() | st.tuples(_bound_text, _bound_text)),
    st.builds(s.CompareField, st.lists(comparators, min_size=1, max_size=4).map(tuple)),
    st.builds(s.ConfidenceField, names, st.lists(percents, max_size=3).map(tuple)),
    suppressions,
    st.builds(s.BreakdownField, _name_lists),
    serves,
    metas,
)


@st.composite
def _with_comments(
    draw: st.DrawFn, items: st.SearchStrategy[T], max_size: int = 4, min_size: int = 0
) -> tuple[T | s.Comment, ...]:
    """Items with standalone comments between them and trailing ones after some of them."""
    out: list[T | s.Comment] = []
    for item in draw(st.lists(items, min_size=min_size, max_size=max_size)):
        out.extend(s.Comment(text) for text in draw(st.lists(comments, max_size=1)))
        out.append(item)
        if draw(st.booleans()) and draw(st.booleans()):
            out.append(s.Comment(draw(comments), trailing=True))
    out.extend(s.Comment(text) for text in draw(st.lists(comments, max_size=1)))
    return tuple(out)


# ------------------------------------------------------------------ blocks

indicators = st.builds(
    s.Indicator, names, titles, st.none() | qualnames, _with_comments(indicator_fields, 6)
)
sections = st.builds(
    s.Section, st.sampled_from(("outcome", "enabler")), names, strings,
    _with_comments(st.one_of(indicators, serves | metas), 3),
)
goals = st.builds(s.Goal, names, strings, _with_comments(metas | serves, 3))

code_entries = st.builds(s.CodeEntry, codes, strings, st.none() | years, st.none() | years)
code_groups = st.builds(s.CodeGroup, names, titles,
                        st.lists(codes, min_size=1, max_size=4).map(tuple))
codelists = st.builds(s.Codelist, names, titles,
                      _with_comments(st.one_of(code_entries, code_groups, metas), 5))

column_types: st.SearchStrategy[s.ColumnType] = st.one_of(
    st.builds(s.IdentifierType, st.none() | names, st.booleans(), st.none() | names),
    st.builds(s.CodeType, names, st.booleans()),
    st.builds(s.ScalarType, st.sampled_from(("date", "integer", "number", "boolean", "text"))),
)
signed_numbers = st.builds(s.NumberLit, st.builds("{}{}".format, st.sampled_from(("", "-")),
                                                  number_texts))
_range_ends = st.none() | signed_numbers | dates
value_ranges = st.tuples(_range_ends, _range_ends).filter(lambda ends: ends != (None, None)).map(
    lambda ends: s.ValueRange(*ends))
"""`range LOW .. HIGH` as the grammar allows it: either end left open, not both (the checker,
not the parser, wants the ends to fit the column)."""
columns = st.builds(
    s.Column, names, column_types, st.booleans(), st.none() | years, st.none() | years,
    titles, st.none() | value_ranges,
)
dataset_items = st.one_of(
    columns,
    st.builds(s.Rows, names),
    st.builds(s.Key, _name_lists),
    st.builds(s.AreaColumn, names),
    st.builds(s.PeriodColumn, names, st.none() | names),
    st.builds(s.DatedBy, _name_lists),
    st.builds(s.MissingSymbols, st.lists(strings, min_size=1, max_size=3).map(tuple)),
    st.builds(s.UnknownCodes, names),
    metas,
)
datasets = st.builds(s.Dataset, names, titles, _with_comments(dataset_items, 6))

_GEO_KEYS = ("code", "name", "alternative_code", "parent", "area", "members", "valid_from",
             "valid_until")
geo_fields = st.builds(s.GeoField, st.sampled_from(_GEO_KEYS), _name_lists)
geographies = st.builds(
    s.Geography, names, titles,
    _with_comments(st.one_of(
        st.builds(s.GeoLevel, names, names, _with_comments(geo_fields, 3)),
        st.builds(s.Neighbours, names, titles, names, _with_comments(geo_fields, 3)),
        metas,
    ), 3),
)

module_items = st.one_of(
    # Sections first and on their own, so that about half the items are sections and most
    # files reach the indicator fields, the deepest and most varied part of the tree.
    sections,
    st.one_of(
        metas,
        st.builds(s.Import, strings, st.none() | names),
        st.builds(s.PeriodDecl, st.builds(s.NumberLit, _digits), names),
        suppressions,
        st.builds(s.Rounding, _name_lists, numbers),
        codelists,
        datasets,
        geographies,
        st.builds(s.Definition, names, titles, names, exprs),
        st.builds(s.CohortDecl, names, titles, populations),
        goals,
    ),
)
modules = st.builds(
    s.Module, st.sampled_from(("framework", "library")), names, titles,
    _with_comments(module_items, 5),
)


_focused_modules = st.one_of(
    # A framework whose one section holds indicators with many fields.
    st.builds(
        s.Module, st.just("framework"), names, titles,
        _with_comments(st.builds(
            s.Section, st.sampled_from(("outcome", "enabler")), names, strings,
            _with_comments(st.builds(
                s.Indicator, names, titles, st.none() | qualnames,
                _with_comments(indicator_fields, min_size=3, max_size=10),
            ), min_size=1, max_size=2),
        ), min_size=1, max_size=1),
    ),
    # A library of definitions: expressions of every kind.
    st.builds(
        s.Module, st.just("library"), names, titles,
        _with_comments(st.builds(s.Definition, names, titles, names, exprs), min_size=1,
                       max_size=4),
    ),
    # A library of declarations: codelists, datasets and geography.
    st.builds(
        s.Module, st.just("library"), names, titles,
        _with_comments(st.one_of(codelists, datasets, geographies), min_size=1, max_size=3),
    ),
)


def files() -> st.SearchStrategy[s.File]:
    """Whole files: usually one module, with comments before, after and beside it.

    Half are anything the grammar allows; the rest concentrate on indicators, definitions
    or declarations, the deep parts of the tree that general files reach only rarely.
    """
    return st.one_of(
        st.builds(s.File, _with_comments(modules, 2)),
        st.builds(s.File, _with_comments(_focused_modules, max_size=1, min_size=1)),
    )


def ospec_texts() -> st.SearchStrategy[str]:
    """Formatted text of generated files: valid, parseable framework text for fuzzing."""
    return files().map(format_file)
