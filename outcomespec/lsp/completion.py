"""What may be typed at the cursor: keywords, names in scope, the values a field takes.

Completion runs while the text is being typed and seldom parses, so where the cursor is is
read from the text before it (the field it is in, the aggregation it is inside, the
definition or indicator around it), and what may go there from the last analysis that
checked (the datasets, columns, codelists and indicators in scope). The values of a field
come from the model and the checker (`kind`, `statistic`, `polarity`, `confidence`, relations
to goals, statuses), so completion never offers a word the checker refuses.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator

from attrs import frozen

from outcomespec import model as m
from outcomespec.checking import CheckResult
from outcomespec.checking.declarations import STATUSES
from outcomespec.checking.expressions import FUNCTIONS
from outcomespec.checking.indicators import RELATIONS
from outcomespec.language.parser import grammar_text


class ItemKind(enum.Enum):
    """What a completion is, so the editor can show an icon."""

    KEYWORD = "keyword"
    VALUE = "value"
    COLUMN = "column"
    DATASET = "dataset"
    CODELIST = "codelist"
    CODE = "code"
    DEFINITION = "definition"
    COHORT = "cohort"
    INDICATOR = "indicator"
    GOAL = "goal"
    FUNCTION = "function"


@frozen
class Item:
    """One completion: the text inserted, what it is, and a line about it."""

    label: str
    kind: ItemKind
    detail: str = ""


KEYWORDS = tuple(sorted(set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"',
                                       re.sub(r"//[^\n]*", "", grammar_text())))))
"""Every keyword of the grammar."""

AGGREGATIONS = ("count", "count distinct", "sum", "min", "max", "any", "all", "first", "last")
NEIGHBOUR_METHODS = ("median", "pooled")
UNKNOWN_CODE_POLICIES = tuple(p.value for p in m.UnknownCodePolicy)
PERIOD_KINDS = tuple(k.value for k in m.PeriodKind)
COLUMN_TYPES = ("identifier", "code", "date", "integer", "number", "boolean", "text")

FIELD_VALUES: dict[str, tuple[str, ...]] = {
    "kind": tuple(k.value for k in m.Kind),
    "statistic": tuple(s.value for s in m.Statistic),
    "polarity": tuple(p.value for p in m.Polarity),
    "confidence": tuple(c.value for c in m.ConfidenceMethod),
    "status": STATUSES,
    "codes": UNKNOWN_CODE_POLICIES,
    "unit": ("percent", "per"),
}
"""The words each field takes, as the checker accepts them."""

_WORD = r"[A-Za-z_][A-Za-z0-9_]*"
_FIELD = re.compile(rf"^\s*(?:unknown\s+)?({'|'.join(FIELD_VALUES)})\s+({_WORD})?$")
_CODE_SET = re.compile(rf"({_WORD})\s+(?:not\s+)?in\s*\{{[^}}]*$")
_GROUP = re.compile(rf"({_WORD})\s+(?:not\s+)?in\s+({_WORD})?$")
_SERVES_GOAL = re.compile(r"\bserves\s+([\w.]*)$")
_SERVES_RELATION = re.compile(rf"\bserves\s+[\w.]+\s+({_WORD})?$")
_COMPARE = re.compile(r"^\s*compare\s+(?:.*,\s*)?(\w*)$")
_POPULATION = re.compile(r"\bpopulation\s+([\w.]*)$")
_FROM = re.compile(rf"^\s*indicator\s+{_WORD}\s+(?:\"[^\"]*\"\s+)?from\s+([\w.]*)$")
_COLUMN_TYPE = re.compile(rf"^\s*column\s+{_WORD}\s+({_WORD})?$")
_COLUMN_CODELIST = re.compile(rf"^\s*column\s+{_WORD}\s+code\s+({_WORD})?$")
_DEFINE_FOR = re.compile(rf"^\s*define\s+{_WORD}\s+(?:\"[^\"]*\"\s+)?for\s+({_WORD})?$")
_DEFINE = re.compile(rf"\bdefine\s+{_WORD}\s+(?:\"[^\"]*\"\s+)?for\s+([\w.]+)\s*=")
_INDICATOR = re.compile(rf"\bindicator\s+({_WORD})\b")
_AGGREGATION = re.compile(rf"\b(?:{'|'.join(AGGREGATIONS)})\s*$")
_SOURCE = re.compile(r"\s*(?:[\w.]+\s+of\s+)?([\w.]+)")
_BASE = re.compile(r"^\s*(?:cohort|numerator|denominator)\s+([\w.]+)\s+where\b")
_STATEMENT = re.compile(r"^[ \t]*(?:define|cohort|numerator|denominator|measure|exclude|"
                        r"breakdown|kind|statistic|unit|polarity|compare|confidence|suppress|"
                        r"serves|indicator|outcome|enabler|goal|dataset|codelist|column|"
                        r"import|[}#]|[a-z_]+\s+\")", re.MULTILINE)
"""A line that starts a statement (a field, a declaration, a block's end); a line that does
not continues the one before."""
_EXPRESSION = re.compile(r"^\s*(?:define\b[^=]*=|cohort\b[^=]*=|cohort|numerator|denominator|"
                         r"measure|exclude|breakdown\s+by)\s")
"""A statement whose rest is an expression (or a population, or a breakdown's names)."""


def complete(text: str, offset: int, result: CheckResult | None) -> list[Item]:
    """Completions at `offset` of `text`, the names taken from a checked project."""
    before = text[:offset]
    line = before.rsplit("\n", 1)[-1]
    starts = [found.start() for found in _STATEMENT.finditer(before)]
    statement = before[starts[-1]:] if starts else line
    scope = _Scope(result)
    for pattern, items in (
        (_CODE_SET, lambda found: scope.codes(found.group(1), before, statement)),
        (_COLUMN_CODELIST, lambda _: scope.named(ItemKind.CODELIST)),
        (_COLUMN_TYPE, lambda _: _values(COLUMN_TYPES, "column type")),
        (_DEFINE_FOR, lambda _: scope.named(ItemKind.DATASET)),
        (_FROM, lambda _: scope.named(ItemKind.INDICATOR)),
        (_SERVES_RELATION, lambda _: _values(RELATIONS, "relation to the goal")),
        (_SERVES_GOAL, lambda _: scope.named(ItemKind.GOAL)),
        (_POPULATION, lambda _: scope.named(ItemKind.INDICATOR)),
        (_COMPARE, lambda _: [*_values(("england", "region", "population", "target"),
                                       "comparator"), *scope.neighbours()]),
        (_FIELD, lambda found: _values(FIELD_VALUES[found.group(1)], found.group(1))),
    ):
        found = pattern.search(line)
        if found:
            return list(items(found))
    group = _GROUP.search(line)
    if group and group.group(1) not in ("period",):
        groups = list(scope.groups(group.group(1), before, statement))
        if groups:
            return [*groups, Item("period", ItemKind.KEYWORD, "the reporting period")]
    if _EXPRESSION.match(statement):
        return [*scope.in_expression(before, statement), *_keywords()]
    return list(_keywords())


def _values(words: Iterable[str], what: str) -> Iterator[Item]:
    return (Item(word, ItemKind.VALUE, what) for word in words)


def _keywords() -> Iterator[Item]:
    return (Item(word, ItemKind.KEYWORD) for word in KEYWORDS)


class _Scope:
    """The names a checked project declares, for completion."""

    def __init__(self, result: CheckResult | None) -> None:
        self.modules = result.frameworks if result is not None else ()

    def named(self, kind: ItemKind) -> Iterator[Item]:
        """The declarations of one kind, by their names (qualified when imported)."""
        seen: set[str] = set()
        for module in self.modules:
            for name, title in self._declared(module, kind):
                short = name.rsplit(".", 1)[-1]
                if short not in seen:
                    seen.add(short)
                    yield Item(short, kind, title or "")

    @staticmethod
    def _declared(module: m.Framework, kind: ItemKind) -> Iterator[tuple[str, str | None]]:
        match kind:
            case ItemKind.DATASET:
                yield from ((d.name, d.title) for d in module.datasets)
            case ItemKind.CODELIST:
                yield from ((c.name, c.title) for c in module.codelists)
            case ItemKind.INDICATOR:
                yield from ((i.name, i.title) for i in module.indicators)
            case ItemKind.GOAL:
                yield from ((g.name, g.title) for g in module.goals)
            case ItemKind.COHORT:
                yield from ((c.name, c.title) for c in module.cohorts)
            case _:
                return

    def neighbours(self) -> Iterator[Item]:
        """The neighbour sets, each once."""
        names = {n.name: n.title for module in self.modules for g in module.geographies
                 for n in g.neighbours}
        return (Item(name, ItemKind.VALUE, title or "neighbour set")
                for name, title in names.items())

    def dataset(self, before: str, statement: str = "") -> m.Dataset | None:
        """The dataset whose rows are current at the end of `before`: the aggregation the
        cursor is inside, else the definition's dataset or the indicator's cohort's."""
        depth = 0
        for index in range(len(before) - 1, -1, -1):
            char = before[index]
            if char == ")":
                depth += 1
            elif char == "(" and depth > 0:
                depth -= 1
            elif char == "(" and _AGGREGATION.search(before, 0, index):
                inside = _SOURCE.match(before, index + 1)
                found = self._dataset_or_cohort(inside.group(1)) if inside else None
                if found is not None:
                    return found
        base = _BASE.search(statement)
        if base and base.group(1) != "cohort":
            return self._dataset_or_cohort(base.group(1))
        define = list(_DEFINE.finditer(before))
        indicator = list(_INDICATOR.finditer(before))
        if define and (not indicator or define[-1].start() > indicator[-1].start()):
            return self._dataset_or_cohort(define[-1].group(1))
        if indicator:
            return self._indicator_dataset(indicator[-1].group(1))
        return None

    def _dataset_or_cohort(self, written: str) -> m.Dataset | None:
        short = written.rsplit(".", 1)[-1]
        for module in self.modules:
            for dataset in module.datasets:
                if dataset.name.rsplit(".", 1)[-1] == short:
                    return dataset
            for cohort in module.cohorts:
                if cohort.name.rsplit(".", 1)[-1] == short:
                    return self._by_name(cohort.population.dataset)
        return None

    def _indicator_dataset(self, name: str) -> m.Dataset | None:
        for module in self.modules:
            for indicator in module.indicators:
                if indicator.id == name and indicator.cohort is not None:
                    return self._by_name(indicator.cohort.dataset)
        return None

    def _by_name(self, qualified: str) -> m.Dataset | None:
        return next((d for module in self.modules for d in module.datasets
                     if d.name == qualified), None)

    def in_expression(self, before: str, statement: str) -> Iterator[Item]:
        """Columns and definitions of the current rows, functions, aggregations, datasets
        and cohorts."""
        dataset = self.dataset(before, statement)
        if dataset is not None:
            yield from (Item(c.name, ItemKind.COLUMN, f"{c.type}: {c.description or ''}"
                             .rstrip(": ")) for c in dataset.columns)
            yield from (Item(d.name.rsplit(".", 1)[-1], ItemKind.DEFINITION, d.title or "")
                        for module in self.modules for d in module.definitions
                        if d.dataset == dataset.name)
        yield from (Item(name, ItemKind.FUNCTION, signature)
                    for name, (_, _, signature) in FUNCTIONS.items())
        yield from (Item(name, ItemKind.FUNCTION, "aggregation") for name in AGGREGATIONS)
        yield from self.named(ItemKind.DATASET)
        yield from self.named(ItemKind.COHORT)

    def _codelist(self, column: str, before: str, statement: str) -> m.Codelist | None:
        """The codelist of the code column `column` of the current rows (or of any dataset
        in scope that has such a column)."""
        current = self.dataset(before, statement)
        datasets = [current] if current is not None else []
        datasets += [d for module in self.modules for d in module.datasets]
        for dataset in datasets:
            found = dataset.column(column)
            if found is not None and found.type.codelist is not None:
                return next((c for module in self.modules for c in module.codelists
                             if c.name == found.type.codelist), None)
        return None

    def codes(self, column: str, before: str, statement: str) -> Iterator[Item]:
        """The codes of the column's codelist, with their labels."""
        codelist = self._codelist(column, before, statement)
        if codelist is not None:
            yield from (Item(code.code, ItemKind.CODE, code.label) for code in codelist.codes)

    def groups(self, column: str, before: str, statement: str) -> Iterator[Item]:
        """The named groups of the column's codelist."""
        codelist = self._codelist(column, before, statement)
        if codelist is not None:
            yield from (Item(name, ItemKind.CODE, "group: " + ", ".join(codes))
                        for name, codes in codelist.groups)
