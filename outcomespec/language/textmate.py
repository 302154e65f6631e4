"""The TextMate grammar of `.ospec` files, for editors (VS Code's `editors/vscode`), generated
from the same word lists as the Pygments lexer (`highlighting`), which a test keeps equal to
the grammar's keywords: so editors and the docs colour the same words, and neither drifts
from the parser.

A TextMate grammar cannot follow the parser's states either; it colours a word by the same
first rules as the lexer where a regular expression can: the name after a declaration
keyword is declared, the value after `kind`, `statistic`, `polarity`, `confidence`, `status`,
`unknown codes` is an enumerated value when the checker accepts it, a word before `(` is a
call, codes inside `{…}` are constants; otherwise a word of the grammar is a keyword.

    python -m outcomespec.language.textmate editors/vscode/syntaxes/outcomespec.tmLanguage.json

writes the file (a test fails when the committed one is stale). Needs Pygments (the `docs`
extra), only to be run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from outcomespec.language import highlighting as words

SCOPE = "source.ospec"
START = r"(?<![A-Za-z0-9_])"
END = r"(?![A-Za-z0-9_])"
NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def _one_of(values: Iterable[str]) -> str:
    """A whole word that is one of `values` (longest first, so none hides another)."""
    ordered = sorted(dict.fromkeys(values), key=lambda v: (-len(v), v))
    return START + "(?:" + "|".join(ordered) + ")" + END


def _scoped(name: str) -> dict[str, str]:
    return {"name": f"{name}.ospec"}


def _after(keyword: str, values: Iterable[str], scope: str) -> dict[str, Any]:
    """`keyword VALUE`, the value coloured only when it is one the checker accepts."""
    return {"match": rf"{START}({keyword})\s+({_one_of(values)})",
            "captures": {"1": _scoped("keyword.other"), "2": _scoped(scope)}}


def textmate_grammar() -> dict[str, Any]:
    """The grammar as JSON data, in a fixed order."""
    repository: dict[str, Any] = {
        "comment": {"match": "#.*$", "name": "comment.line.number-sign.ospec"},
        "file-column": {
            "match": rf'{START}(column)\s+("(?:[^"\\]|\\.)*")\s+(as)\s+({NAME})',
            "captures": {"1": _scoped("keyword.declaration"),
                         "2": _scoped("string.quoted.double"), "3": _scoped("keyword.other"),
                         "4": _scoped("entity.name.type")}},
        "string": {"begin": '"', "end": '"|$', "name": "string.quoted.double.ospec",
                   "patterns": [{"match": r'\\["\\]',
                                 "name": "constant.character.escape.ospec"}]},
        "declaration": {
            "match": rf"{START}({'|'.join(words.NAMED_DECLARATIONS)})\s+({NAME})",
            "captures": {"1": _scoped("keyword.declaration"),
                         "2": _scoped("entity.name.type")}},
        "cohort-declaration": {
            "match": rf"{START}(cohort)\s+({NAME})(?=\s*(?:\"[^\"]*\"\s*)?=)",
            "captures": {"1": _scoped("keyword.declaration"),
                         "2": _scoped("entity.name.type")}},
        "values": {"patterns": [
            _after("kind", words.KINDS, "constant.language"),
            _after("statistic", words.STATISTICS, "constant.language"),
            _after("polarity", words.POLARITIES, "constant.language"),
            _after("confidence", words.CONFIDENCE_METHODS, "constant.language"),
            _after("status", words.STATUSES, "constant.language"),
            _after(r"unknown\s+codes", words.UNKNOWN_CODE_POLICIES, "constant.language"),
            {"match": rf"({NAME})\s+({_one_of(words.RELATIONS)})",
             "captures": {"2": _scoped("constant.language")}},
            {"match": rf"({NAME})\s+({_one_of(words.NEIGHBOUR_METHODS)})(?!\s*[.(])",
             "captures": {"2": _scoped("constant.language")}},
            {"match": rf"{START}(period)\s+({NAME})\s+({_one_of(words.PERIOD_KINDS)})",
             "captures": {"1": _scoped("keyword.other"), "3": _scoped("constant.language")}},
            {"match": rf"(?i:{_one_of(words.MONTHS)})", "name": "constant.language.ospec"},
        ]},
        "code-set": {"begin": rf"{START}(in)\s*(\{{)", "end": r"\}",
                     "beginCaptures": {"1": _scoped("keyword.other"),
                                       "2": _scoped("punctuation.section.braces")},
                     "endCaptures": {"0": _scoped("punctuation.section.braces")},
                     "patterns": [{"match": r"[A-Za-z0-9][A-Za-z0-9_]*",
                                   "name": "constant.other.code.ospec"},
                                  {"include": "#comment"}]},
        "call": {"match": rf"({_one_of((*words.AGGREGATIONS, *words.FUNCTIONS))})(?=\s*\()",
                 "name": "support.function.ospec"},
        "builtin": {"match": rf"{START}(?:this|period)(?=\s*\.(?!\.))",
                    "name": "variable.language.ospec"},
        "types": {"match": _one_of(words.COLUMN_TYPES), "name": "storage.type.ospec"},
        "constants": {"match": _one_of(words.CONSTANT_KEYWORDS),
                      "name": "constant.language.ospec"},
        "operator-words": {"match": _one_of(words.OPERATOR_WORDS),
                           "name": "keyword.operator.word.ospec"},
        "declaration-keywords": {"match": _one_of(words.DECLARATIONS),
                                 "name": "keyword.declaration.ospec"},
        "keywords": {"match": _one_of((*words.KEYWORDS, *words.AGGREGATIONS, "this")),
                     "name": "keyword.other.ospec"},
        "date": {"match": r"\b\d{4}-\d{2}-\d{2}\b", "name": "constant.numeric.date.ospec"},
        "number": {"match": r"\b\d+(?:,\d{3})*(?:\.\d+)?%?", "name": "constant.numeric.ospec"},
        "operator": {"match": r"\.\.|<=|>=|!=|[=<>+\-*/]", "name": "keyword.operator.ospec"},
    }
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/"
                   "tmlanguage.json",
        "name": "outcomespec",
        "scopeName": SCOPE,
        "fileTypes": ["ospec"],
        "comment": "Generated by `python -m outcomespec.language.textmate` from the word "
                   "lists of outcomespec.language.highlighting; do not edit by hand.",
        "patterns": [{"include": f"#{name}"} for name in repository],
        "repository": repository,
    }


def render_grammar() -> str:
    """The grammar as the JSON text committed in editors/vscode."""
    return json.dumps(textmate_grammar(), indent=2, ensure_ascii=False) + "\n"


def main(arguments: list[str]) -> int:
    """Write the grammar to the file named, or to standard output."""
    text = render_grammar()
    if arguments:
        Path(arguments[0]).write_text(text, encoding="utf-8", newline="\n")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
