"""What a revision of a framework changes in meaning, indicator by indicator.

Two checked versions of a framework are compared through what they compute, never through
their text: each indicator's quantity in normal form (`alignment.quantities`: definitions
inlined, conditions in a fixed order, numbers by value), and the words that say how a value
is shown and judged (unit, polarity, comparators, confidence, suppression, breakdowns). So
layout, comments, the order of conditions and whether a condition is written out or named
never show as a change; a definition that changes shows in every indicator that uses it,
however deeply.

Indicators are matched by id. An indicator only in the old version and one only in the new
that compute the same quantity (or, failing that, have the same title) are a rename; the
others are removed and added.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence

import attrs
from attrs import frozen

from outcomespec import model as m
from outcomespec.alignment.expressions import Normaliser, constant_differences
from outcomespec.alignment.quantities import Part, Quantity, quantity_of
from outcomespec.model.rendering import render_expr as render


class Aspect(enum.Enum):
    """A part of an indicator's meaning that a revision can change."""

    STATISTIC = "statistic"
    KIND = "kind"
    COHORT = "cohort"
    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"
    MEASURE = "measure"
    EXCLUSIONS = "exclusions"
    UNIT = "unit"
    POLARITY = "polarity"
    COMPARATORS = "comparators"
    CONFIDENCE = "confidence"
    SUPPRESSION = "suppression"
    BREAKDOWNS = "breakdowns"


class Status(enum.Enum):
    """What became of an indicator or a definition."""

    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    CHANGED = "changed"


@frozen
class Change:
    """One aspect of an indicator that differs: as each version has it ("" for none), and
    what exactly differs, in words."""

    aspect: Aspect
    old: str
    new: str
    details: tuple[str, ...] = ()


@frozen(kw_only=True)
class IndicatorChange:
    """An indicator added, removed, renamed or changed in meaning."""

    status: Status
    indicator: str
    """Its id: in the new version, or in the old one for a removed indicator."""
    title: str
    old_indicator: str | None = None
    """The id it had in the old version, when renamed."""
    changes: tuple[Change, ...] = ()


@frozen
class DefinitionChange:
    """A named definition added, removed or changed (by its own text, in normal form)."""

    name: str
    status: Status
    old: str
    new: str


@frozen
class SettingChange:
    """A framework-wide setting that differs: the reporting period or the rounding."""

    setting: str
    old: str
    new: str


@frozen(kw_only=True)
class Revision:
    """Everything a revision changes in meaning; empty when only layout or words changed."""

    framework: str
    old: str
    """What the old version is, as the user named it (a file, or `REV:path`)."""
    new: str
    indicators: tuple[IndicatorChange, ...]
    definitions: tuple[DefinitionChange, ...]
    settings: tuple[SettingChange, ...]

    @property
    def empty(self) -> bool:
        """True when the two versions mean the same."""
        return not (self.indicators or self.definitions or self.settings)

    def changed(self) -> tuple[IndicatorChange, ...]:
        """The indicators in both versions whose definition changed (renamed ones too)."""
        return tuple(c for c in self.indicators
                     if c.status in (Status.CHANGED, Status.RENAMED) and c.changes)


@frozen
class Version:
    """One version of a framework: its checked model and every module it reads."""

    framework: m.Framework
    modules: tuple[m.Framework, ...]

    def definitions(self) -> dict[str, m.Definition]:
        """Every definition of the framework and its modules, by qualified name."""
        known = {module.name: module for module in (*self.modules, self.framework)}
        return {d.name: d for module in known.values() for d in module.definitions}


def compare(old: Version, new: Version, *, labels: tuple[str, str] = ("old", "new")
            ) -> Revision:
    """What changes in meaning from `old` to `new` (`labels` name them in the report).

    >>> empty = m.Framework(name="f", kind=m.ModuleKind.FRAMEWORK, path="f.ospec")
    >>> compare(Version(empty, ()), Version(empty, ())).empty
    True
    """
    sides = _Sides(old, new)
    before = {i.id: i for i in old.framework.indicators}
    after = {i.id: i for i in new.framework.indicators}
    renames = _renames([before[i] for i in before if i not in after],
                       [after[i] for i in after if i not in before], sides)
    renamed_from = {new_id: old_id for old_id, new_id in renames.items()}
    found: list[IndicatorChange] = []
    for indicator in new.framework.indicators:
        source = before.get(indicator.id) or before.get(renamed_from.get(indicator.id, ""))
        if source is None:
            found.append(IndicatorChange(status=Status.ADDED, indicator=indicator.id,
                                         title=indicator.title))
            continue
        changes = sides.indicator(source, indicator)
        if source.id != indicator.id:
            found.append(IndicatorChange(status=Status.RENAMED, indicator=indicator.id,
                                         title=indicator.title, old_indicator=source.id,
                                         changes=changes))
        elif changes:
            found.append(IndicatorChange(status=Status.CHANGED, indicator=indicator.id,
                                         title=indicator.title, changes=changes))
    found += [IndicatorChange(status=Status.REMOVED, indicator=i.id, title=i.title)
              for i in old.framework.indicators if i.id not in after and i.id not in renames]
    return Revision(framework=new.framework.name, old=labels[0], new=labels[1],
                    indicators=tuple(found), definitions=sides.definition_changes,
                    settings=_settings(old.framework, new.framework))


def _renames(removed: list[m.Indicator], added: list[m.Indicator], sides: _Sides
             ) -> dict[str, str]:
    """Old id → new id of the indicators renamed: the same quantity first, then the same
    title, each matched once, in declaration order."""
    renames: dict[str, str] = {}
    for same in (sides.same_quantity, lambda a, b: a.title == b.title):
        for old in removed:
            if old.id in renames:
                continue
            match = next((new for new in added if new.id not in renames.values()
                          and same(old, new)), None)
            if match is not None:
                renames[old.id] = match.id
    return renames


def _settings(old: m.Framework, new: m.Framework) -> tuple[SettingChange, ...]:
    found = []
    if old.period != new.period:
        found.append(SettingChange("period", _period(old.period), _period(new.period)))
    if old.rounding != new.rounding:
        found.append(SettingChange("rounding", _rounding(old.rounding),
                                   _rounding(new.rounding)))
    return tuple(found)


def _period(period: m.ReportingPeriod) -> str:
    return f"year ending {period.day}/{period.month}"


def _rounding(rounding: tuple[tuple[str, ...], int] | None) -> str:
    if rounding is None:
        return ""
    levels, nearest = rounding
    return f"round {', '.join(levels)} to nearest {nearest}"


class _Sides:
    """The two versions' definitions, normalised once for every indicator compared."""

    def __init__(self, old: Version, new: Version) -> None:
        self.old_definitions = old.definitions()
        self.new_definitions = new.definitions()
        self.deep = (Normaliser(self.old_definitions), Normaliser(self.new_definitions))
        self.shallow = Normaliser({})
        self.definition_changes = self._definition_changes()
        self.changed_definitions = {c.name for c in self.definition_changes
                                    if c.status is Status.CHANGED}
        """Definitions in both versions whose own text changed (new ones show in the text
        of what uses them)."""

    def _definition_changes(self) -> tuple[DefinitionChange, ...]:
        found = []
        for name in dict.fromkeys((*self.new_definitions, *self.old_definitions)):
            old, new = self.old_definitions.get(name), self.new_definitions.get(name)
            old_form = None if old is None else (old.dataset, self.shallow.expr(old.expr))
            new_form = None if new is None else (new.dataset, self.shallow.expr(new.expr))
            if old_form == new_form:
                continue
            status = (Status.ADDED if old is None else Status.REMOVED if new is None
                      else Status.CHANGED)
            found.append(DefinitionChange(name, status, "" if old is None else render(old.expr),
                                          "" if new is None else render(new.expr)))
        return tuple(found)

    def same_quantity(self, old: m.Indicator, new: m.Indicator) -> bool:
        """Whether two indicators compute the same quantity, each in its own version."""
        return quantity_of(old, self.deep[0]) == quantity_of(new, self.deep[1])

    def indicator(self, old: m.Indicator, new: m.Indicator) -> tuple[Change, ...]:
        """Every aspect in which `new` differs from `old`, in a fixed order."""
        found: list[Change] = []
        for aspect, before, after in ((Aspect.STATISTIC, old.statistic.value,
                                       new.statistic.value),
                                      (Aspect.KIND, old.kind.value, new.kind.value)):
            if before != after:
                found.append(Change(aspect, before, after))
        found += self._quantity(old, new)
        for aspect, before, after in _judged(old, new):
            if before != after:
                found.append(Change(aspect, before, after))
        breakdowns = [tuple(self.deep[0].expr(b) for b in old.breakdowns),
                      tuple(self.deep[1].expr(b) for b in new.breakdowns)]
        if breakdowns[0] != breakdowns[1]:
            found.append(Change(Aspect.BREAKDOWNS, _listed(old.breakdowns),
                                _listed(new.breakdowns)))
        return tuple(found)

    def _quantity(self, old: m.Indicator, new: m.Indicator) -> list[Change]:
        deep = _roles(quantity_of(old, self.deep[0])), _roles(quantity_of(new, self.deep[1]))
        shallow = (_roles(quantity_of(old, self.shallow)),
                   _roles(quantity_of(new, self.shallow)))
        found = []
        for aspect in (Aspect.COHORT, Aspect.EXCLUSIONS, Aspect.NUMERATOR, Aspect.DENOMINATOR,
                       Aspect.MEASURE):
            if deep[0].get(aspect) == deep[1].get(aspect):
                continue
            before, after = shallow[0].get(aspect), shallow[1].get(aspect)
            details = [*_part_details(aspect, before, after),
                       *self._through(before, after)]
            found.append(Change(aspect, _part_text(before), _part_text(after), tuple(details)))
        return found

    def _through(self, before: Part | None, after: Part | None) -> list[str]:
        """The changed definitions a part uses, directly or through other definitions."""
        used: dict[str, None] = {}
        pending = [name for part in (before, after) if part is not None
                   for name in _definitions_in(_expressions(part))]
        while pending:
            name = pending.pop(0)
            if name in used:
                continue
            used[name] = None
            for definitions in (self.old_definitions, self.new_definitions):
                if name in definitions:
                    pending.extend(_definitions_in((definitions[name].expr,)))
        return [f"uses `{_short(name)}`, whose definition changed" for name in used
                if name in self.changed_definitions]


def _judged(old: m.Indicator, new: m.Indicator) -> Iterator[tuple[Aspect, str, str]]:
    """How each version shows and judges its value, as the language writes it."""
    yield Aspect.UNIT, old.unit.label, new.unit.label
    yield Aspect.POLARITY, old.polarity.value, new.polarity.value
    yield Aspect.COMPARATORS, _comparators(old.comparators), _comparators(new.comparators)
    yield Aspect.CONFIDENCE, _confidence(old), _confidence(new)
    yield Aspect.SUPPRESSION, _suppression(old), _suppression(new)


def _roles(quantity: Quantity) -> dict[Aspect, Part]:
    """The parts of a quantity by aspect: a proportion's base is its cohort, however it was
    written (`cohort X` or `denominator X`)."""
    roles = {}
    for index, part in enumerate(quantity.parts):
        if index == 0 and part.role in ("cohort", "denominator") and part.head is None:
            roles[Aspect.COHORT] = part
        else:
            roles[Aspect(part.role)] = part
    return roles


def _part_details(aspect: Aspect, before: Part | None, after: Part | None) -> list[str]:
    """What differs between two versions of a part, in words."""
    if before is None or after is None:
        return []
    found = []
    if before.dataset != after.dataset:
        found.append(f"counts rows of `{_short(after.dataset or '')}` instead of "
                     f"`{_short(before.dataset or '')}`")
    if before.periods != after.periods:
        found.append(f"reads {str(after.periods) or 'the reporting period'} instead of "
                     f"{str(before.periods) or 'the reporting period'}")
    if before.head != after.head and before.head is not None and after.head is not None:
        found.append(f"`{render(before.head)}` became `{render(after.head)}`")
    only_before = [c for c in before.conditions if c not in after.conditions]
    only_after = [c for c in after.conditions if c not in before.conditions]
    for condition in list(only_before):
        twin = next((c for c in only_after if constant_differences(condition, c) is not None),
                    None)
        if twin is not None:
            only_before.remove(condition)
            only_after.remove(twin)
            found.append(f"`{render(condition)}` became `{render(twin)}`")
    verb = "excludes" if aspect is Aspect.EXCLUSIONS else "requires"
    found += [f"no longer {verb} `{render(c)}`" for c in only_before]
    found += [f"now {verb} `{render(c)}`" for c in only_after]
    return found


def _part_text(part: Part | None) -> str:
    """A part as one line of the language ("" for none)."""
    if part is None:
        return ""
    if part.head is not None:
        if not part.conditions or not isinstance(part.head, m.Aggregate):
            return render(part.head)
        joined = (part.conditions[0] if len(part.conditions) == 1
                  else m.Logical(m.LogicalOp.AND, part.conditions))
        return render(attrs.evolve(part.head, where=joined))
    if part.role == "exclusions":
        return "; ".join(render(c) for c in part.conditions)
    base = "cohort" if part.refines else _short(part.dataset or "")
    periods = f" {part.periods}" if str(part.periods) else ""
    where = " and ".join(render(c) for c in part.conditions)
    return f"{base}{periods}" + (f" where {where}" if where else "")


def _expressions(part: Part) -> tuple[m.Expr, ...]:
    return (*part.conditions, *((part.head,) if part.head is not None else ()))


def _definitions_in(exprs: Sequence[m.Expr]) -> list[str]:
    """The definitions named anywhere in `exprs`, in order of appearance."""
    found: list[str] = []
    stack: list[object] = list(reversed(exprs))
    while stack:
        node = stack.pop()
        if isinstance(node, m.DefinitionRef):
            found.append(node.definition)
        if isinstance(node, tuple):
            stack.extend(reversed(node))
        elif attrs.has(type(node)) and not isinstance(node, m.ValueType):
            fields = attrs.fields(type(node))  # type: ignore[arg-type]  # attrs.has proved it
            stack.extend(reversed([getattr(node, f.name) for f in fields if f.eq]))
    return found


def _comparators(comparators: tuple[m.Comparator, ...]) -> str:
    return ", ".join(_comparator(c) for c in comparators)


def _comparator(comparator: m.Comparator) -> str:
    kind = str(getattr(comparator.kind, "value", comparator.kind))
    method = getattr(comparator.method, "value", comparator.method)
    if kind == "neighbours":
        return f"{_short(comparator.name or '')}{f' {method}' if method else ''}"
    if kind == "population":
        return f"population {_short(comparator.name or '')}"
    if kind == "target" and comparator.target is not None:
        return f"target {comparator.target:g}"
    return f"{kind} {method}" if method else kind


def _confidence(indicator: m.Indicator) -> str:
    levels = ", ".join(f"{level * 100:g}%" for level in indicator.levels)
    return f"{indicator.confidence.value} {levels}".strip()


def _suppression(indicator: m.Indicator) -> str:
    counts = indicator.suppression
    text = "none" if counts is None else f"counts {counts[0]}..{counts[1]}"
    smallest = indicator.smallest
    return text if smallest is None else f"{text}, denominators below {smallest}"


def _listed(breakdowns: tuple[m.Expr, ...]) -> str:
    return ", ".join(render(b) for b in breakdowns)


def _short(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]
