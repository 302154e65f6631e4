"""A Pygments lexer for `.ospec` files, so the docs, editors and `pygmentize` colour them.

The parser's grammar is LALR with a contextual lexer: a word is a keyword only where the
grammar expects it, and the enumerated values (`proportion`, `wilson`, `lower_is_better`)
are plain names that the checker reads. A regular-expression lexer cannot follow the
grammar's states, so it classifies a word in this order, the first that applies:

1. by what comes right before or after it, where that decides the word's role: the name
   after a declaration keyword is declared (`Name.Class`); the value after `kind`,
   `statistic`, `polarity`, `confidence`, `status`, `unknown codes`, `unit` and in the
   `round` levels is an enumerated value (`Keyword.Constant`) when it is a value the
   checker accepts; a word before `(` is a call (`Name.Builtin` for the built-in functions
   and aggregations); a word before `.` is a qualifier (`Name.Namespace`, but `period.` and
   `this.` are `Name.Builtin`); a word after `.`, before an operator, or before `for same`,
   `for period`, `for last` or `for all` is a name, whatever it spells, so a column called
   `breakdown` in `breakdown = "Total"` is a name;
2. otherwise by fixed word lists built from the grammar's keywords (a test checks that
   every keyword of `outcomespec.lark` is in one of them).

Words that are both keywords and values follow rule 1: `outcome` declares an outcome, but
after `kind` it is the kind `outcome`; `count` is an aggregation, but after `statistic` it
is the statistic `count`; `cohort` declares a cohort when `=` follows its name, is the
indicator field otherwise, and after `numerator` or `denominator` it stands for the
indicator's own cohort (`Name.Builtin`, like `this`); `period` is the reporting period
(`Name.Builtin`) in `period.end`, `in period` and `for period - 1`, and a keyword in
`period year ending` and in a dataset's `period COLUMN KIND` (the kind an enumerated
value). Codes (`C1`, `E4A`, `0`) in codelists, groups and code sets are `Name.Constant`;
column types are `Keyword.Type`.

A word used as a name where no neighbour shows it (a column called `level` standing alone
in a condition) is coloured as the keyword it spells: the cost of not parsing.

Imports only Pygments and the standard library: Pygments is an optional dependency (the
`docs` extra), and importing `outcomespec` never imports this module.

>>> from pygments import lex
>>> [(str(t), v) for t, v in lex("kind outcome", OutcomeSpecLexer()) if v.strip()]
[('Token.Keyword', 'kind'), ('Token.Keyword.Constant', 'outcome')]
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import (  # type: ignore[import-untyped,unused-ignore]
    RegexLexer,
    bygroups,
    default,
    include,
)
from pygments.token import (  # type: ignore[import-untyped,unused-ignore]
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

END = r"(?![A-Za-z0-9_])"
"""The end of a word: the grammar's names are ASCII, so `\\b` (Unicode-aware) would be wrong."""

NAME = rf"[A-Za-z_][A-Za-z0-9_]*{END}"
CODE = rf"[A-Za-z0-9][A-Za-z0-9_]*{END}"
"""Whole words only: a lookahead after a name must never make the name give up letters."""
NUMBER = r"\d+(?:\.\d+)?"
STRING = r'"(?:[^"\\\n]|\\.)*"'
TEXT_RUN = r'(?:[^"\\\n]|\\[^"\\\n])'
"""A character of quoted text that is not an escape: `\\"` and `\\\\` are the only escapes, any
other backslash is kept as written."""

DECLARATIONS = (
    "framework", "library", "import", "codelist", "group", "dataset", "column", "geography",
    "level", "neighbours", "define", "cohort", "outcome", "enabler", "goal", "indicator",
    "comparison",
)
"""Keywords that declare something; the name after them is what they declare."""

COLUMN_TYPES = ("identifier", "code", "date", "integer", "number", "boolean", "text")

AGGREGATIONS = ("count", "distinct", "sum", "min", "max", "any", "all", "first", "last")
FUNCTIONS = ("age", "years_between", "months_between", "days_between")
"""Built-in functions are names to the grammar (the checker knows them); aggregations are
keywords. Both are `Name.Builtin` before `(`."""

NAMED_DECLARATIONS = tuple(d for d in DECLARATIONS if d not in ("cohort", "import"))
"""`import` declares a path; `cohort` declares only when `=` follows (else it is a field)."""

NAMING_KEYWORDS = ("rows", "key", "area", "period", "for", "of", "from", "by", "code", "name",
                   "alternative_code", "parent", "members", "valid_from", "valid_until",
                   "region_name", "peers", "benchmark", "value")
"""Keywords whose next word is always a name (a dataset, column, unit or level), even one
that spells a keyword: `period year` in a dataset names its column `year`."""

CONNECTIVES = ("and", "or", "not", "in", "is", "within", "where", "of", "by", "for", "same",
               "before", "after", "from", "until", "missing", "true", "false", "none",
               "optional", "this")
"""Words that join or end phrases, so never a name after a naming keyword or before an
operator."""

OPERATOR_WORDS = ("and", "or", "not")

CONSTANT_KEYWORDS = ("true", "false", "none", "percent", "england", "region", "published")
"""Keywords of the grammar that are values rather than structure."""

META_KEYS = (
    "version", "publisher", "description", "source", "caveats", "owner", "reviewed",
    "status", "licence", "definition", "url", "note",
)

KEYWORDS = (
    *META_KEYS,
    "as", "period", "year", "ending", "dated", "suppress", "counts", "round", "to", "nearest",
    "from", "until", "rows", "key", "area", "missing", "unknown", "codes", "optional",
    "code", "name", "alternative_code", "parent", "members", "valid_from", "valid_until",
    "for", "where", "serves", "kind", "statistic", "numerator", "denominator", "measure",
    "exclude", "unit", "per",
    "polarity", "compare", "confidence", "breakdown", "by", "population", "target", "in",
    "is", "within", "of", "same", "before", "after", "years", "months", "weeks", "days",
    "month", "week", "day", "range", "periods", "national", "label", "denominators", "below",
    "region_name", "peers", "benchmark", "decimals", "publication", "value", "limits", "at",
)
"""Every other keyword of the grammar (field names, connectives, duration units)."""

RESERVED = (*DECLARATIONS, *COLUMN_TYPES, *AGGREGATIONS, *OPERATOR_WORDS,
            *CONSTANT_KEYWORDS, *KEYWORDS, "this")

# The values the checker accepts in each enumerated position (outcomespec.model's enums).
KINDS = ("outcome", "process", "context")
STATISTICS = ("proportion", "rate", "mean", "median", "count", "ratio")
POLARITIES = ("higher_is_better", "lower_is_better", "no_judgement", "target_range")
CONFIDENCE_METHODS = ("wilson", "byars", "student_t", "none")
STATUSES = ("draft", "proposed", "published", "retired")
UNKNOWN_CODE_POLICIES = ("error", "warn")
RELATIONS = ("exact", "broader", "narrower", "proxy")
NEIGHBOUR_METHODS = ("median", "pooled", "funnel", "overdispersed_funnel")
AREA_LEVELS = ("england", "region", "local_authority")
PERIOD_KINDS = ("year_ending", "financial_year", "academic_year", "calendar_year")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _one_of(values: tuple[str, ...]) -> str:
    """A regular expression for exactly one of `values`, as a whole word."""
    return "(?:" + "|".join(sorted(values, key=len, reverse=True)) + ")" + END


class OutcomeSpecLexer(RegexLexer):  # type: ignore[misc,unused-ignore]
    """Lexer for outcomespec framework files (`.ospec`).

    The language defines outcomes frameworks for children's social care in England: code
    lists, datasets, cohorts, and indicators with their polarity, comparators and
    confidence limits.
    """

    name = "outcomespec"
    aliases: ClassVar[list[str]] = ["ospec", "outcomespec"]
    filenames: ClassVar[list[str]] = ["*.ospec"]
    mimetypes: ClassVar[list[str]] = ["text/x-outcomespec"]
    url = "https://github.com/outcomespec/outcomespec"

    tokens: ClassVar[dict[str, list[object]]] = {
        "blank": [
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
        ],
        "text": [
            (rf'"{TEXT_RUN}*"', String.Double),  # a text without escapes: one token
            (rf'"{TEXT_RUN}*', String.Double, "string"),
        ],
        "meta": [
            (rf"(status)(\s+)({_one_of(STATUSES)})",
             bygroups(Keyword, Whitespace, Keyword.Constant)),
        ],
        "root": [
            include("blank"),
            include("text"),
            # ---- declarations: the name after the keyword is the one declared
            (rf"(codelist)(\s+)({NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class), "codelist-head"),
            (rf"(column)(\s+)({NAME})(\s+)(code)(\s+)({NAME})(\s+)(by)(\s+)(label){END}",
             bygroups(Keyword.Declaration, Whitespace, Name.Class, Whitespace, Keyword.Type,
                      Whitespace, Name, Whitespace, Keyword, Whitespace, Keyword)),
            (rf"(column)(\s+)({NAME})(\s+)(code|identifier(?!\s+{_one_of(RESERVED)}))"
             rf"(\s+)({NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class, Whitespace, Keyword.Type,
                      Whitespace, Name)),
            (rf"(column)(\s+)({NAME})(\s+)({_one_of(COLUMN_TYPES)})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class, Whitespace, Keyword.Type)),
            # a column whose name in the file is no name: `column "Area Code" as area_code`
            (rf"(column)(\s+)({STRING})(\s+)(as)(\s+)({NAME})",
             bygroups(Keyword.Declaration, Whitespace, String.Double, Whitespace, Keyword,
                      Whitespace, Name.Class)),
            (rf"(cohort)(\s+)({NAME})(?=\s*(?:{STRING}\s*)?=)",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (rf"({_one_of(NAMED_DECLARATIONS)})(\s+)({NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (rf"(as)(\s+)({NAME})", bygroups(Keyword, Whitespace, Name.Namespace)),
            # ---- enumerated values, where the checker reads them
            include("meta"),
            (rf"(kind)(\s+)({_one_of(KINDS)})", bygroups(Keyword, Whitespace, Keyword.Constant)),
            (rf"(statistic)(\s+)({_one_of(STATISTICS)})",
             bygroups(Keyword, Whitespace, Keyword.Constant)),
            (rf"(polarity)(\s+)({_one_of(POLARITIES)})",
             bygroups(Keyword, Whitespace, Keyword.Constant)),
            (rf"(confidence)(\s+)({_one_of(CONFIDENCE_METHODS)})",
             bygroups(Keyword, Whitespace, Keyword.Constant)),
            (rf"(unknown)(\s+)(codes)(\s+)({_one_of(UNKNOWN_CODE_POLICIES)})",
             bygroups(Keyword, Whitespace, Keyword, Whitespace, Keyword.Constant)),
            (r"(unit)(\s+)(per)(\s+)(\d{1,3}(?:,\d{3})+|\d+)",
             bygroups(Keyword, Whitespace, Keyword, Whitespace, Number)),
            (rf"(period)(\s+)(year)(\s+)(ending)(\s+)({NUMBER})(\s+)((?i:{_one_of(MONTHS)}))",
             bygroups(Keyword, Whitespace, Keyword, Whitespace, Keyword, Whitespace, Number,
                      Whitespace, Keyword.Constant)),
            (rf"(target|range)(\s+)(-?{NUMBER})(?![\d-])",  # not the year of a date
             bygroups(Keyword, Whitespace, Number)),
            (rf"(\.\.)(\s*)(-{NUMBER})", bygroups(Operator, Whitespace, Number)),
            (rf"round{END}", Keyword, "round-levels"),
            (rf"serves{END}", Keyword, "serves"),
            (rf"(?!{_one_of(RESERVED)})({NAME})(\s+)({_one_of(NEIGHBOUR_METHODS)})(?!\s*[.(])",
             bygroups(Name, Whitespace, Keyword.Constant)),
            (rf"(england|region)(\s+)({_one_of(NEIGHBOUR_METHODS)})(?!\s*[.(])",
             bygroups(Keyword.Constant, Whitespace, Keyword.Constant)),
            # ---- the reporting period, the indicator's own cohort, code sets
            (rf"(in)(\s+)(period){END}(?!\s*\.)", bygroups(Keyword, Whitespace, Name.Builtin)),
            (r"(in)(\s*)(\{)", bygroups(Keyword, Whitespace, Punctuation), "code-set"),
            (rf"(numerator|denominator)(\s+)(cohort){END}(?!\s*\.)",
             bygroups(Keyword, Whitespace, Name.Builtin)),
            (rf"cohort{END}", Keyword),  # the indicator field
            # ---- the periods a dataset's rows are read for, and how its column labels them
            (rf"(period)(\s+)({NAME})(\s+)({_one_of(PERIOD_KINDS)})",
             bygroups(Keyword, Whitespace, Name, Whitespace, Keyword.Constant)),
            (rf"(for)(\s+)(period){END}(?=\s*-)", bygroups(Keyword, Whitespace, Name.Builtin)),
            (rf"(for)(\s+)(last)(\s+)(\d+)(\s+)(periods){END}",
             bygroups(Keyword, Whitespace, Keyword, Whitespace, Number, Whitespace, Keyword)),
            (rf"(for)(\s+)(all)(\s+)(periods){END}",
             bygroups(Keyword, Whitespace, Keyword, Whitespace, Keyword)),
            # ---- the name after a keyword that is always followed by one
            (rf"(for)(\s+)(same)(\s+)({NAME})",
             bygroups(Keyword, Whitespace, Keyword, Whitespace, Name)),
            (rf"(same)(\s+)(area){END}", bygroups(Keyword, Whitespace, Keyword)),
            (rf"({_one_of(NAMING_KEYWORDS)})(\s+)(?!year\s+ending)(?!{_one_of(CONNECTIVES)})"
             rf"({NAME})(?!\s*[.(])", bygroups(Keyword, Whitespace, Name)),
            # ---- names whose neighbours show their role
            (r"(?:this|period)(?=\s*\.(?!\.))", Name.Builtin),
            (rf"{_one_of(AGGREGATIONS + FUNCTIONS)}(?=\s*\()", Name.Builtin),
            (rf"(?!{_one_of(RESERVED)}){NAME}(?=\s*\()", Name),
            (rf"{NAME}(?=\s*\.(?!\.))", Name.Namespace),
            (rf"(?!{_one_of(CONNECTIVES)}){NAME}(?=\s+for\s+(?:period|last|all|same){END})",
             Name),
            (rf"(\.)(\s*)({NAME})", bygroups(Punctuation, Whitespace, Name)),
            (_one_of(OPERATOR_WORDS), Operator.Word),
            (_one_of(("true", "false")), Keyword.Constant),
            (rf"(?!{_one_of(CONNECTIVES)}){NAME}"
             rf"(?=\s*(?:<=|>=|!=|[=<>+*/]|(?:in|is|within|not\s+in|of){END}))", Name),
            # ---- the grammar's keywords
            (_one_of(DECLARATIONS), Keyword.Declaration),
            (_one_of(tuple(t for t in COLUMN_TYPES if t != "code")), Keyword.Type),
            (_one_of((*AGGREGATIONS, "this")), Name.Builtin),
            (_one_of(CONSTANT_KEYWORDS), Keyword.Constant),
            (_one_of(KEYWORDS), Keyword),
            # ---- literals, operators, punctuation, names
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (rf"{NUMBER}%", Number),
            (NUMBER, Number),
            (r"\.\.", Operator),
            (r"<=|>=|!=|[=<>+\-*/]", Operator),
            (r"[{}(),.]", Punctuation),
            (NAME, Name),
        ],
        "string": [
            (rf'{TEXT_RUN}*"', String.Double, "#pop"),
            (rf"{TEXT_RUN}+", String.Double),
            (r'\\["\\]', String.Escape),
            (r"\\", String.Double),  # at the end of a line: unterminated
            default("#pop"),  # unterminated: the parser reports E106
        ],
        "codelist-head": [
            include("blank"),
            include("text"),
            (r"\{", Punctuation, ("#pop", "codelist")),
            default("#pop"),
        ],
        "codelist": [
            include("blank"),
            include("text"),
            (r"\}", Punctuation, "#pop"),
            include("meta"),
            (_one_of(META_KEYS), Keyword),
            (rf"(group)(\s+)({NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Class),
             "group-head"),
            (rf"(from|until)(\s+)({NUMBER})", bygroups(Keyword, Whitespace, Number)),
            (_one_of(("from", "until")), Keyword),
            (_one_of(("group",)), Keyword.Declaration),
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (CODE, Name.Constant),
        ],
        "group-head": [
            include("blank"),
            include("text"),
            (r"=", Operator, ("#pop", "group-codes")),
            default("#pop"),
        ],
        "group-codes": [
            include("blank"),
            (r",", Punctuation),
            (rf"{CODE}(?=\s*,)", Name.Constant),
            (CODE, Name.Constant, "#pop"),
            default("#pop"),
        ],
        "code-set": [
            include("blank"),
            (r",", Punctuation),
            (CODE, Name.Constant),
            (r"\}", Punctuation, "#pop"),
            default("#pop"),
        ],
        "serves": [
            include("blank"),
            (rf"{NAME}(?=\s*\.(?!\.))", Name.Namespace),
            (rf"(?!{_one_of(CONNECTIVES)}){NAME}(?=\s+for\s+(?:period|last|all|same){END})",
             Name),
            (r"\.", Punctuation),
            (NAME, Name, ("#pop", "relation")),
            default("#pop"),
        ],
        "relation": [
            include("blank"),
            (_one_of(RELATIONS), Keyword.Constant, "#pop"),
            default("#pop"),
        ],
        "round-levels": [
            include("blank"),
            (r",", Punctuation),
            (rf"to{END}", Keyword, "#pop"),
            (_one_of(AREA_LEVELS), Keyword.Constant),
            (NAME, Name),
            default("#pop"),
        ],
    }


__all__ = ["OutcomeSpecLexer"]
