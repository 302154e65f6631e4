"""The `ospec` Sphinx domain: frameworks, outcomes, indicators, goals, datasets, code lists,
definitions and diagnostic codes as objects that pages describe and cross-reference.

Each object is described once (`.. ospec:indicator:: csc_national_framework.placements_3plus`)
and cited anywhere (`:ospec:ind:`csc_national_framework.placements_3plus``). Describing an
object twice, or citing one that no page describes, is a warning, so `sphinx-build -W`
fails rather than publish a broken or ambiguous link. Indicators also carry their polarity,
the goals they serve and the datasets they read, from which the custom index pages (by goal,
by polarity, by data source) are built.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from typing import Any, ClassVar, NamedTuple

from docutils import nodes  # type: ignore[import-untyped]  # docutils ships no types
from docutils.nodes import Element  # type: ignore[import-untyped]  # docutils ships no types
from docutils.parsers.rst import directives  # type: ignore[import-untyped]  # docutils ships no types
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.directives import ObjectDescription
from sphinx.domains import Domain, Index, IndexEntry, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)

LABELS = {
    "framework": "framework", "outcome": "outcome", "indicator": "indicator",
    "goal": "goal", "dataset": "dataset", "codelist": "code list",
    "definition": "definition", "diagnostic": "diagnostic",
}
"""Object type → how it is named to readers."""

ROLES = {
    "framework": "fw", "outcome": "out", "indicator": "ind", "goal": "goal",
    "dataset": "ds", "codelist": "cl", "definition": "def", "diagnostic": "diag",
}
"""Object type → the role that cites it (`:ospec:ind:`)."""


class Entry(NamedTuple):
    """Where an object is described."""

    docname: str
    anchor: str
    title: str


class Facets(NamedTuple):
    """What the index pages group an indicator by."""

    polarity: str
    serves: tuple[tuple[str, str, bool], ...]
    datasets: tuple[str, ...]


def anchor_for(objtype: str, name: str) -> str:
    """The HTML id of an object: an indicator's qualified name as is, other objects'
    prefixed by their type. A qualified name always holds a `.` and generated section ids
    never do, so these ids cannot collide with the page's own.

    >>> anchor_for("indicator", "csc_national_framework.placements_3plus")
    'csc_national_framework.placements_3plus'
    >>> anchor_for("dataset", "ssda903.episodes")
    'dataset.ssda903.episodes'
    """
    return name if objtype == "indicator" else f"{objtype}.{name}"


def parse_serves(text: str) -> tuple[tuple[str, str, bool], ...]:
    """The `:serves:` option: `goal relation[ via-outcome]`, comma separated.

    >>> parse_serves("shared.a exact, shared.b proxy via-outcome")
    (('shared.a', 'exact', False), ('shared.b', 'proxy', True))
    """
    found = []
    for item in text.split(","):
        words = item.split()
        if len(words) >= 2:
            found.append((words[0], words[1], "via-outcome" in words[2:]))
    return tuple(found)


class OspecObject(ObjectDescription[str]):
    """`.. ospec:TYPE:: qualified.name`: describes one object and makes it citable."""

    has_content = True
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        **ObjectDescription.option_spec,
        "title": directives.unchanged,
        "kind": directives.unchanged,
        "polarity": directives.unchanged,
        "serves": directives.unchanged,
        "datasets": directives.unchanged,
    }

    def handle_signature(self, sig: str, signode: addnodes.desc_signature) -> str:
        """Show the object's type and name; the name is what roles cite."""
        name = sig.strip()
        if not name or any(ch.isspace() for ch in name):
            msg = f"an ospec {self.objtype} is named by one qualified name, not {sig!r}"
            raise ValueError(msg)
        kind = self.options.get("kind") or LABELS.get(self.objtype, self.objtype)
        signode += addnodes.desc_annotation(f"{kind} ", f"{kind} ")
        prefix, _, last = name.rpartition(".")
        if prefix:
            signode += addnodes.desc_addname(f"{prefix}.", f"{prefix}.")
        signode += addnodes.desc_name(last, last)
        return name

    def add_target_and_index(self, name: str, sig: str,
                             signode: addnodes.desc_signature) -> None:
        """Give the signature its anchor, record the object, add a general index entry."""
        anchor = anchor_for(self.objtype, name)
        if anchor in self.state.document.ids:
            logger.warning("duplicate description of ospec %s %s: also described earlier in "
                           "%s", LABELS.get(self.objtype, self.objtype), name,
                           self.env.docname, location=signode, type="ospec",
                           subtype="duplicate")
        else:
            signode["ids"].append(anchor)
            self.state.document.note_explicit_target(signode)
        domain = self.env.domains["ospec"]
        assert isinstance(domain, OutcomeSpecDomain)
        title = self.options.get("title") or name
        domain.note_object(self.objtype, name, Entry(self.env.docname, anchor, title),
                           location=signode)
        if self.objtype == "indicator":
            facets = Facets(self.options.get("polarity", ""),
                            parse_serves(self.options.get("serves", "")),
                            tuple(self.options.get("datasets", "").split()))
            domain.note_facets(name, facets)
        label = LABELS.get(self.objtype, self.objtype)
        self.indexnode["entries"].append(("single", f"{name} ({label})", anchor, "", None))


class OspecXRefRole(XRefRole):
    """A citation; `~a.b.c` shows only `c`, as the Python domain does."""

    def process_link(self, env: BuildEnvironment, refnode: Element, has_explicit_title: bool,
                     title: str, target: str) -> tuple[str, str]:
        """Strip `~` from the target, shortening the shown text to the last name."""
        if not has_explicit_title and title.startswith("~"):
            title = title[1:].rpartition(".")[2]
        return title, target.lstrip("~")


class _IndicatorIndex(Index):
    """Indicators grouped by one of their facets."""

    def groups(self, name: str, facets: Facets) -> Iterable[tuple[str, str]]:
        """(group heading, extra text) pairs the indicator belongs to."""
        raise NotImplementedError

    def generate(self, docnames: Iterable[str] | None = None
                 ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        """Every indicator under each group it belongs to, groups and entries sorted."""
        domain = self.domain
        assert isinstance(domain, OutcomeSpecDomain)
        wanted = set(docnames) if docnames is not None else None
        content: dict[str, list[IndexEntry]] = {}
        for name, facets in sorted(domain.facets.items()):
            entry = domain.objects.get(("indicator", name))
            if entry is None or (wanted is not None and entry.docname not in wanted):
                continue
            for group, extra in self.groups(name, facets):
                content.setdefault(group, []).append(IndexEntry(
                    name, 0, entry.docname, entry.anchor, extra, "", entry.title))
        return sorted((group, sorted(items)) for group, items in content.items()), False


class GoalIndex(_IndicatorIndex):
    """Indicators by the shared goal they serve."""

    name = "goals"
    localname = "Indicators by goal"
    shortname = "by goal"

    def groups(self, name: str, facets: Facets) -> Iterable[tuple[str, str]]:
        """One group per goal served; the relation (and whether through the outcome)."""
        domain = self.domain
        assert isinstance(domain, OutcomeSpecDomain)
        if not facets.serves:
            yield "(no goal stated)", ""
        for goal, relation, via in facets.serves:
            known = domain.objects.get(("goal", goal))
            heading = f"{known.title} ({goal})" if known else goal
            yield heading, relation + (", through its outcome" if via else "")


class PolarityIndex(_IndicatorIndex):
    """Indicators by whether a higher value is better."""

    name = "polarity"
    localname = "Indicators by polarity"
    shortname = "by polarity"

    def groups(self, name: str, facets: Facets) -> Iterable[tuple[str, str]]:
        """One group: the polarity in words."""
        yield (facets.polarity or "not stated").replace("_", " ").capitalize(), ""


class SourceIndex(_IndicatorIndex):
    """Indicators by the datasets their evaluation reads."""

    name = "sources"
    localname = "Indicators by data source"
    shortname = "by data source"

    def groups(self, name: str, facets: Facets) -> Iterable[tuple[str, str]]:
        """One group per dataset read."""
        domain = self.domain
        assert isinstance(domain, OutcomeSpecDomain)
        if not facets.datasets:
            yield "(reads no dataset)", ""
        for dataset in facets.datasets:
            known = domain.objects.get(("dataset", dataset))
            yield (f"{known.title} ({dataset})" if known else dataset), ""


class OutcomeSpecDomain(Domain):
    """Objects of outcomes frameworks, their citations and index pages."""

    name = "ospec"
    label = "outcomespec"
    object_types: ClassVar[dict[str, ObjType]] = {
        objtype: ObjType(LABELS[objtype], role) for objtype, role in ROLES.items()}
    directives: ClassVar[dict[str, type[Any]]] = dict.fromkeys(ROLES, OspecObject)
    roles: ClassVar[dict[str, Any]] = {
        role: OspecXRefRole(warn_dangling=True) for role in ROLES.values()}
    indices: ClassVar[list[type[Index]]] = [GoalIndex, PolarityIndex, SourceIndex]
    initial_data: ClassVar[dict[str, Any]] = {"objects": {}, "facets": {}}
    dangling_warnings: ClassVar[dict[str, str]] = {
        role: f"no ospec {LABELS[objtype]} is described as %(target)r"
        for objtype, role in ROLES.items()}
    data_version = 1

    @property
    def objects(self) -> dict[tuple[str, str], Entry]:
        """(object type, qualified name) → where it is described."""
        found: dict[tuple[str, str], Entry] = self.data["objects"]
        return found

    @property
    def facets(self) -> dict[str, Facets]:
        """Indicator → what the index pages group it by."""
        found: dict[str, Facets] = self.data["facets"]
        return found

    def note_object(self, objtype: str, name: str, entry: Entry, location: Any = None) -> None:
        """Record a described object; a second description of it is a warning."""
        other = self.objects.get((objtype, name))
        if other is not None and other[:2] != entry[:2]:
            logger.warning("duplicate description of ospec %s %s: also described in %s",
                           LABELS.get(objtype, objtype), name, other.docname,
                           location=location, type="ospec", subtype="duplicate")
        self.objects[objtype, name] = entry

    def note_facets(self, name: str, facets: Facets) -> None:
        """Record what an indicator is grouped by in the index pages."""
        self.facets[name] = facets

    def clear_doc(self, docname: str) -> None:
        """Forget the objects a document described (it is being read again)."""
        for key, entry in list(self.objects.items()):
            if entry.docname == docname:
                del self.objects[key]
                if key[0] == "indicator":
                    self.facets.pop(key[1], None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        """Take in what a parallel reader found in `docnames`, warning of duplicates."""
        for key, entry in otherdata["objects"].items():
            if entry.docname not in docnames:
                continue
            self.note_object(key[0], key[1], entry, location=entry.docname)
            if key[0] == "indicator" and key[1] in otherdata["facets"]:
                self.facets[key[1]] = otherdata["facets"][key[1]]

    def find(self, objtypes: Iterable[str], target: str) -> tuple[str, str, Entry] | None:
        """The object a citation names: by its qualified name, or by its last part(s) when
        exactly one object of the types ends that way."""
        types = tuple(objtypes)
        for objtype in types:
            entry = self.objects.get((objtype, target))
            if entry is not None:
                return objtype, target, entry
        suffix = "." + target
        matches = [(objtype, name, entry) for (objtype, name), entry in self.objects.items()
                   if objtype in types and name.endswith(suffix)]
        return matches[0] if len(matches) == 1 else None

    def resolve_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                     typ: str, target: str, node: addnodes.pending_xref,
                     contnode: Element) -> nodes.reference | None:
        """A link to the described object, or None (Sphinx then warns: the role warns on
        dangling citations)."""
        found = self.find(self.objtypes_for_role(typ) or (), target)
        if found is None:
            return None
        _, name, entry = found
        return make_refnode(builder, fromdocname, entry.docname, entry.anchor, contnode,
                            f"{entry.title} ({name})")

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                         target: str, node: addnodes.pending_xref, contnode: Element
                         ) -> list[tuple[str, nodes.reference]]:
        """Links for the `any` role: every object type whose object has this name."""
        results = []
        for objtype, role in ROLES.items():
            found = self.find((objtype,), target)
            if found is not None:
                _, name, entry = found
                results.append((f"ospec:{role}", make_refnode(
                    builder, fromdocname, entry.docname, entry.anchor, contnode,
                    f"{entry.title} ({name})")))
        return results

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Every described object, for the search index and the inventory."""
        for (objtype, name), entry in sorted(self.objects.items()):
            yield name, entry.title, objtype, entry.docname, entry.anchor, 1

    def get_full_qualified_name(self, node: Element) -> str | None:
        """The qualified name a citation node targets."""
        target = node.get("reftarget")
        return target if isinstance(target, str) else None
