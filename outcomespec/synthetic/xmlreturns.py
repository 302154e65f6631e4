"""The synthetic returns written as XML, as a local authority holds them: for each authority,
a CIN census (DfE's `Message/Children/Child` schema) and an SSDA903 XML return (`EXPSSDA903`,
the layout the DfE 903 validator reads).

Both are written from the very texts the CSV tables hold (`outcomespec.synthetic.census`,
`outcomespec.synthetic.returns`), nested child by child, so that reading the XML gives the
same tables as reading the CSV files (`outcomespec.loading.xmlreader`). What the XML adds or
leaves out, as the real returns do: a CIN child's `ChildCharacteristics` (its ethnicity), which
the CSV tables leave out; dates written YYYY-MM-DD in the CIN census (dd/mm/YYYY in the
SSDA903, as there); `ReferralNFA` written true/false; no `LA` column: the CIN census names
its authority in its header (`Source/LEA`), the SSDA903 XML nowhere (give `--area`); and no
`PL_DISTANCE`, which DfE derives from the postcodes after the return.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from outcomespec.synthetic import files as w

__all__ = ["Rows", "rows_of", "write_cin_census", "write_ssda903"]

Rows = list[dict[str, str]]
"""A table as rows of texts by column (an empty text: no value)."""

CIN_CHILD = ("LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
             "ExpectedPersonBirthDate", "GenderCurrent", "Sex", "PersonDeathDate")
CIN_EPISODE = ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
               "ReasonForClosure", "DateOfInitialCPC")
CIN_PLAN = ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
            "NumberOfPreviousCPP")
HEADER_903 = ("UPN", "SEX", "DOB", "ETHNIC")
EPISODE_903 = ("DECOM", "RNE", "LS", "CIN", "PLACE", "PL_POST", "HOME_POST", "URN",
               "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE")
OC2_903 = ("SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
           "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
           "INTERVENTION_OFFERED")


def rows_of(columns: Sequence[tuple[str, w.Field]]) -> Rows:
    """A table of the CSV writer's columns as rows of texts.

    >>> rows_of([("A", w.codes([0, -1], ("x",))), ("B", w.integers([7, 12]))])
    [{'A': 'x', 'B': '7'}, {'A': '', 'B': '12'}]
    """
    names = [name for name, _ in columns]
    values = [w.texts_of(field) for _, field in columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def write_cin_census(path: Path, year: int, authority: str, children: Rows,
                     episodes: Rows, plans: Rows) -> int:
    """Write one authority's CIN census of `year` (the rows of that authority; each child row
    with its `Ethnicity`); return the number of children written."""
    by_child = _grouped(episodes, "LAchildID")
    plans_of = _grouped(plans, "LAchildID", "CINdetailsID")
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n  <Header>\n'
                  "    <CollectionDetails>\n      <Collection>CIN</Collection>\n"
                  f"      <Year>{year}</Year>\n      <ReferenceDate>{year}-03-31"
                  "</ReferenceDate>\n    </CollectionDetails>\n    <Source>\n"
                  f"      <SourceLevel>L</SourceLevel>\n      <LEA>{escape(authority)}</LEA>\n"
                  "      <SoftwareCode>outcomespec synthetic</SoftwareCode>\n"
                  "      <SerialNo>001</SerialNo>\n    </Source>\n  </Header>\n  <Children>\n")
        for child in children:
            identifier = child["LAchildID"]
            out.write("    <Child>\n      <ChildIdentifiers>\n")
            out.writelines(_values(child, CIN_CHILD, 8, dates=True))
            out.write("      </ChildIdentifiers>\n      <ChildCharacteristics>\n")
            out.writelines(_values(child, ("Ethnicity",), 8))
            out.write("      </ChildCharacteristics>\n")
            for episode in by_child.get((identifier,), []):
                out.write("      <CINdetails>\n")
                out.writelines(_values(episode, CIN_EPISODE, 8, dates=True))
                nfa = {"1": "true", "0": "false"}.get(episode["ReferralNFA"], "")
                out.writelines(_values({"ReferralNFA": nfa}, ("ReferralNFA",), 8))
                for plan in plans_of.get((identifier, episode["CINdetailsID"]), []):
                    out.write("        <ChildProtectionPlans>\n")
                    out.writelines(_values(plan, CIN_PLAN, 10, dates=True))
                    out.write("        </ChildProtectionPlans>\n")
                out.write("      </CINdetails>\n")
            out.write("    </Child>\n")
        out.write("  </Children>\n</Message>\n")
    return len(children)


def write_ssda903(path: Path, header: Rows, episodes: Rows, tables: Mapping[str, Rows]) -> int:
    """Write one authority's SSDA903 XML return (`tables`: its `oc2`, `oc3` and `uasc` rows);
    return the number of children written."""
    episodes_of = _grouped(episodes, "CHILD")
    oc2, oc3, uasc = (_by_child(tables[name]) for name in ("oc2", "oc3", "uasc"))
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<EXPSSDA903>\n')
        for child in header:
            identifier = child["CHILD"]
            out.write(f"  <CHILD>\n    <HEADER>\n      <CHILDID>{escape(identifier)}"
                      "</CHILDID>\n")
            out.writelines(_values(child, HEADER_903, 6, empty=True))
            if identifier in uasc:
                out.write("      <UASC>1</UASC>\n")
                out.writelines(_values(uasc[identifier], ("DUC",), 6, empty=True))
            if identifier in oc3:
                out.writelines(_values(oc3[identifier], ("IN_TOUCH", "ACTIV", "ACCOM"), 6,
                                       empty=True))
            out.writelines(_values(child, ("MOTHER", "MC_DOB"), 6, empty=True))
            if identifier in oc2:
                out.write("      <OC2>\n")
                out.writelines(_values(oc2[identifier], OC2_903, 8, empty=True))
                out.write("      </OC2>\n")
            out.write("    </HEADER>\n")
            for episode in episodes_of.get((identifier,), []):
                out.write("    <EPISODE>\n")
                out.writelines(_values({**episode, "PL": episode["PLACE"]},
                                       tuple("PL" if c == "PLACE" else c for c in EPISODE_903),
                                       6, empty=True))
                out.write("    </EPISODE>\n")
            out.write("  </CHILD>\n")
        out.write("</EXPSSDA903>\n")
    return len(header)


def _values(row: Mapping[str, str], names: Sequence[str], indent: int, *, dates: bool = False,
            empty: bool = False) -> Iterator[str]:
    """The row's value elements, in order: an empty value left out (the CIN census) or
    written empty (`<DEC />`, as the SSDA903 XML does)."""
    pad = " " * indent
    for name in names:
        value = row.get(name, "")
        if not value:
            if empty and name in row:
                yield f"{pad}<{name} />\n"
            continue
        if dates and len(value) == 10 and value[2] == "/" and value[5] == "/":
            value = f"{value[6:]}-{value[3:5]}-{value[:2]}"
        yield f"{pad}<{name}>{escape(value)}</{name}>\n"


def _grouped(rows: Rows, *keys: str) -> dict[tuple[str, ...], Rows]:
    found: dict[tuple[str, ...], Rows] = {}
    for row in rows:
        found.setdefault(tuple(row[k] for k in keys), []).append(row)
    return found


def _by_child(rows: Rows) -> dict[str, dict[str, str]]:
    return {row["CHILD"]: row for row in rows}
