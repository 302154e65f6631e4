"""The alignment report as values: coverage of goals, duplicates, near-duplicates, polarity
conflicts, and the goals that are measured badly or not at all.

`Alignment.to_dict()` is the JSON form (`outcomespec align --format json`). Its schema,
version 1, keys in this order:

- `version`: 1
- `frameworks`: the frameworks aligned, in the order given
- `goals`: one object per goal: `goal` (qualified name), `title`, `strongest` (framework →
  its strongest relation to the goal, or null; every framework, in `frameworks` order),
  `links` (`framework`, `outcome`, `indicator` or null, `relation`, `kind` or null)
- `duplicates`, `near_duplicates`: `first` and `second` (indicator objects: `framework`,
  `indicator`, `title`, `kind`, `polarity`), `differences` (sentences; empty for duplicates),
  `reuse` (true when one is declared `from` the other, or both from the same indicator)
- `conflicts`: `first`, `second`, `goal` (null unless the conflict is two indicators serving
  one goal exactly) and `reason`
- `process_only`, `unmeasured`: qualified goal names
"""

from __future__ import annotations

from attrs import frozen

from outcomespec import model as m
from outcomespec.alignment.report import RELATIONS, render_html, render_text


@frozen
class IndicatorRef:
    """An indicator as the report names it."""

    framework: str
    indicator: str
    """Its id inside the framework (`placements_3plus`)."""
    title: str
    kind: str
    """outcome, process or context."""
    polarity: str
    """higher_is_better, lower_is_better or no_judgement."""

    @property
    def qualified(self) -> str:
        """`framework.indicator`, as the text report writes it."""
        return f"{self.framework}.{self.indicator}"

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        return {"framework": self.framework, "indicator": self.indicator, "title": self.title,
                "kind": self.kind, "polarity": self.polarity}


@frozen
class Link:
    """An outcome, enabler or indicator of a framework serving a goal."""

    goal: str
    """The goal's qualified name (`shared_outcomes.safe_at_home`)."""
    framework: str
    outcome: str
    """The outcome's or enabler's name inside the framework."""
    indicator: str | None
    """The indicator's id; None when the outcome or enabler itself serves the goal."""
    relation: m.Relation
    kind: str | None
    """The indicator's kind (outcome, process, context); None for an outcome or enabler."""

    def to_dict(self) -> dict[str, object]:
        """The JSON form (the goal is the object it sits in)."""
        return {"framework": self.framework, "outcome": self.outcome,
                "indicator": self.indicator, "relation": self.relation, "kind": self.kind}


@frozen
class GoalCoverage:
    """A goal and everything that serves it."""

    goal: str
    title: str
    links: tuple[Link, ...]

    def strongest(self, framework: str) -> m.Relation | None:
        """The strongest relation of `framework` to the goal: exact > narrower > broader >
        proxy; None when nothing in the framework serves it.

        >>> coverage = GoalCoverage("g.safe", "Safe", (
        ...     Link("g.safe", "fw", "homes", "moves", m.Relation.PROXY, "outcome"),
        ...     Link("g.safe", "fw", "homes", None, m.Relation.BROADER, None)))
        >>> coverage.strongest("fw"), coverage.strongest("other")
        (<Relation.BROADER: 'broader'>, None)
        """
        found = {link.relation for link in self.links if link.framework == framework}
        return next((m.Relation(r) for r in RELATIONS if r in found), None)

    def to_dict(self, frameworks: tuple[str, ...]) -> dict[str, object]:
        """The JSON form, with the strongest relation of each of `frameworks`."""
        return {"goal": self.goal, "title": self.title,
                "strongest": {f: self.strongest(f) for f in frameworks},
                "links": [link.to_dict() for link in self.links]}


@frozen
class Duplicate:
    """Two indicators that compute the same quantity, or nearly the same."""

    first: IndicatorRef
    second: IndicatorRef
    differences: tuple[str, ...]
    """How they differ, one sentence each; empty when they compute the same quantity."""
    reuse: bool = False
    """True when one is declared `from` the other (or both from the same indicator): a
    deliberate reuse rather than the same definition written twice."""

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        return {"first": self.first.to_dict(), "second": self.second.to_dict(),
                "differences": list(self.differences), "reuse": self.reuse}


@frozen
class PolarityConflict:
    """Two indicators judged in opposite directions that should agree."""

    first: IndicatorRef
    second: IndicatorRef
    goal: str | None
    """The goal both serve exactly, when that is why they should agree."""
    reason: str

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        return {"first": self.first.to_dict(), "second": self.second.to_dict(),
                "goal": self.goal, "reason": self.reason}


@frozen
class Alignment:
    """How frameworks line up: which goals each serves, and where they overlap or clash."""

    frameworks: tuple[str, ...]
    goals: tuple[GoalCoverage, ...]
    duplicates: tuple[Duplicate, ...]
    near_duplicates: tuple[Duplicate, ...]
    conflicts: tuple[PolarityConflict, ...]
    process_only: tuple[str, ...]
    """Goals served only by process or context indicators, or by enablers."""
    unmeasured: tuple[str, ...]
    """Goals nothing serves."""
    titles: tuple[tuple[str, str], ...] = ()
    """(framework, title) for the frameworks aligned that have a title, by name."""

    def title(self, framework: str) -> str:
        """The framework's title, or its name when it has none.

        >>> Alignment(("a",), (), (), (), (), (), (), (("a", "A framework"),)).title("a")
        'A framework'
        """
        return dict(self.titles).get(framework, framework)

    def goal(self, name: str) -> GoalCoverage | None:
        """The coverage of the goal called `name` (qualified)."""
        return next((g for g in self.goals if g.goal == name), None)

    def to_dict(self) -> dict[str, object]:
        """The JSON form (schema in this module's docstring), ready for `json.dumps`.

        >>> Alignment((), (), (), (), (), (), ()).to_dict()["version"]
        1
        """
        return {
            "version": 1,
            "frameworks": list(self.frameworks),
            "goals": [g.to_dict(self.frameworks) for g in self.goals],
            "duplicates": [d.to_dict() for d in self.duplicates],
            "near_duplicates": [d.to_dict() for d in self.near_duplicates],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "process_only": list(self.process_only),
            "unmeasured": list(self.unmeasured),
        }

    def render_text(self) -> str:
        """The report for a terminal or a text file."""
        return render_text(self)

    def render_html(self) -> str:
        """The report as one self-contained HTML page: the goals × frameworks table coloured
        by the strongest relation, then the duplicates, conflicts and gaps. No scripts."""
        return render_html(self)
