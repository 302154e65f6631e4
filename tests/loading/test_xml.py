"""Tests for reading XML returns (outcomespec.loading.xmlreader, xmlformats) and writing them
(outcomespec.synthetic.xmlreturns).

The fake returns in `tests/data/cin-census-fake/` and `tests/data/ssda903-xml-fake/` are the
DfE CIN and 903 validators' published fake data (MIT; see the READMEs there). Their tables
are checked against an independent flattening written here with the standard library's
ElementTree, following the validators' rules; the synthetic XML returns against the CSV
tables generated from the same simulation.
"""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from outcomespec import model as m
from outcomespec.checking import check_paths
from outcomespec.loading.loader import LoadResult, codelists_of, load_directory, load_table
from outcomespec.loading.xmlformats import CIN_CENSUS, FORMATS, SSDA903, ReturnFormat
from outcomespec.loading.xmlreader import MAX_DEPTH, read_return, sniff_format
from outcomespec.synthetic.generator import generate
from tests.paths import REPO, TESTS

CIN_FAKE = TESTS / "data" / "cin-census-fake"
XML_903 = TESTS / "data" / "ssda903-xml-fake" / "fake_903.xml"
LIBRARIES = {fmt.library: REPO / "frameworks" / "datasets" / f"{fmt.library}.ospec"
             for fmt in FORMATS}


def library(name: str) -> tuple[dict[str, m.Dataset], dict[str, m.Codelist]]:
    """A shipped library's datasets by short name, and its codelists."""
    checked = check_paths([LIBRARIES[name]])
    assert checked.ok
    datasets = {d.name.rsplit(".", 1)[-1]: d for fw in checked.frameworks for d in fw.datasets}
    return datasets, codelists_of(checked.frameworks)


def rows(result: LoadResult, columns: Sequence[str]) -> Counter[tuple[Any, ...]]:
    """The table's rows as a multiset of tuples of plain values (order aside)."""
    assert result.table is not None, [d.message for d in result.diagnostics]
    return Counter(tuple(row[c] for c in columns) for row in result.table.rows())


def directory(tmp_path: Path, name: str, files: Mapping[str, str | bytes]) -> Path:
    """A data directory holding `files`."""
    folder = tmp_path / name
    folder.mkdir()
    for file, text in files.items():
        (folder / file).write_bytes(text.encode() if isinstance(text, str) else text)
    return folder


# ------------------------------------------------------------------ an independent flattening


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def flatten_cin(path: Path) -> dict[str, list[dict[str, str]]]:
    """The CIN census as the DfE CIN validator flattens it (ingress.py's rules, one row per
    review date), written with ElementTree: the reference the reader is compared with."""
    root = ET.parse(path).getroot()
    lea = _text(root.find("Header/Source/LEA"))
    out: dict[str, list[dict[str, str]]] = {}

    def add(table: str, element: ET.Element | None, keys: Mapping[str, str]) -> None:
        row = dict(keys, LA=lea)
        if element is not None:
            row |= {c.tag: _text(c) for c in element if len(c) == 0}
        out.setdefault(table, []).append(row)

    for child in root.iterfind("Children/Child"):
        ident = child.find("ChildIdentifiers")
        key = {"LAchildID": _text(ident.find("LAchildID") if ident is not None else None)}
        add("child_identifiers", ident, {})
        add("child_characteristics", child.find("ChildCharacteristics"), key)
        for disability in child.iterfind("ChildCharacteristics/Disabilities/Disability"):
            out.setdefault("disabilities", []).append(
                dict(key, Disability=_text(disability), LA=lea))
        for i, episode in enumerate(child.iterfind("CINdetails"), 1):
            ek = dict(key, CINdetailsID=str(i))
            add("cin_details", episode, ek)
            for j, assessment in enumerate(episode.iterfind("Assessments"), 1):
                add("assessments", assessment, dict(ek, AssessmentID=str(j)))
                for factor in assessment.iterfind("FactorsIdentifiedAtAssessment/"
                                                  "AssessmentFactors"):
                    out.setdefault("assessment_factors", []).append(dict(
                        ek, AssessmentID=str(j), AssessmentFactors=_text(factor), LA=lea))
            for table, tag in (("cin_plan_dates", "CINPlanDates"), ("section47", "Section47")):
                for block in episode.iterfind(tag):
                    add(table, block, ek)
            for k, plan in enumerate(episode.iterfind("ChildProtectionPlans"), 1):
                add("child_protection_plans", plan, dict(ek, CPPID=str(k)))
                for review in plan.iterfind("Reviews/CPPreviewDate"):
                    out.setdefault("cpp_reviews", []).append(dict(
                        ek, CPPID=str(k), CPPreviewDate=_text(review), LA=lea))
    return out


def flatten_903(path: Path) -> dict[str, list[dict[str, str]]]:
    """The SSDA903 XML as the DfE 903 validator reads it (`read_xml_from_text`: CHILDID is
    CHILD, PL is PLACE), written with ElementTree."""
    out: dict[str, list[dict[str, str]]] = {}
    for child in ET.parse(path).getroot():
        header = child.find("HEADER")
        assert header is not None
        own = {c.tag: _text(c) for c in header if len(c) == 0}
        who = {"CHILD": own.pop("CHILDID"), "DOB": own["DOB"]}
        out.setdefault("header", []).append(dict(who, **{k: own.get(k, "") for k in (
            "SEX", "ETHNIC", "UPN", "MOTHER", "MC_DOB")}))
        if own.get("UASC") or own.get("DUC"):
            out.setdefault("uasc", []).append(dict(who, SEX=own["SEX"], DUC=own.get("DUC", "")))
        if own.get("DATE_INT"):
            out.setdefault("ad1", []).append(dict(who, **{k: own.get(k, "") for k in (
                "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
                "LS_ADOPTR")}))
        if own.get("IN_TOUCH"):
            out.setdefault("oc3", []).append(dict(who, **{k: own.get(k, "") for k in (
                "IN_TOUCH", "ACTIV", "ACCOM")}))
        for table, tag in (("reviews", "AREVIEW"), ("missing", "AMISSING"),
                           ("previous_permanence", "PERMANENCE"), ("oc2", "OC2"),
                           ("placed_for_adoption", "AD_PLACED")):
            for block in header.iterfind(tag):
                out.setdefault(table, []).append(dict(who, **{c.tag: _text(c) for c in block}))
        for episode in child.iterfind("EPISODE"):
            values = {("PLACE" if c.tag == "PL" else c.tag): _text(c) for c in episode}
            out.setdefault("episodes", []).append({"CHILD": who["CHILD"], **values})
    return out


def as_csv(records: list[dict[str, str]]) -> str:
    """Rows as CSV text, every column any row has."""
    names = list(dict.fromkeys(k for r in records for k in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


@pytest.mark.parametrize(("fmt", "path", "flatten"), [
    (CIN_CENSUS, CIN_FAKE / "fake_CIN_data.xml", flatten_cin),
    (CIN_CENSUS, CIN_FAKE / "CIN_Census_2021.xml", flatten_cin),
    (CIN_CENSUS, CIN_FAKE / "CIN_Census_2024.xml", flatten_cin),
    (SSDA903, XML_903, flatten_903),
], ids=["cin-fake", "cin-2021", "cin-2024", "903-fake"])
def test_fake_returns_give_the_tables_of_an_independent_flattening(
        tmp_path: Path, fmt: ReturnFormat, path: Path, flatten: Any) -> None:
    """Every table of each validator's fake return, read from its XML, equals the same data
    flattened independently and read as CSV: every row and every declared column."""
    datasets, codelists = library(fmt.library)
    reference = flatten(path)
    folder = directory(tmp_path, "xml", {f"{fmt.library}.xml": path.read_bytes()})
    area = None if fmt is CIN_CENSUS else "805"  # the SSDA903 XML names no authority
    loaded = load_directory(list(datasets.values()), folder, codelists, area=area)
    compared = 0
    for short in fmt.datasets():
        dataset = datasets[short]
        expected = load_table(dataset, io_path(tmp_path, short, reference.get(short, [])),
                              codelists, area=area)
        if not reference.get(short):
            assert loaded[dataset.name].report.rows_read == 0
            continue
        columns = [c.name for c in dataset.columns]
        assert rows(loaded[dataset.name], columns) == rows(expected, columns), short
        compared += 1
    assert compared >= 4


def io_path(tmp_path: Path, name: str, records: list[dict[str, str]]) -> Path:
    """A CSV file of `records` under tmp_path."""
    path = tmp_path / f"{name}.csv"
    path.write_text(as_csv(records) if records else "", encoding="utf-8")
    return path


def test_fake_return_counts_are_those_of_the_files() -> None:
    """The row counts of the fake returns are the counts of their elements (counted with
    grep: 253 children, 459 episodes, 1,206 reviews; 332 CIN children, 402 episodes of need,
    117 disabilities)."""
    read = read_return(XML_903, "fake_903.xml", SSDA903)
    counts = {name: t.raw.rows_read for name, t in read.tables.items()}
    assert (counts["header"], counts["episodes"], counts["reviews"], counts["oc2"],
            counts["uasc"], counts["oc3"], counts["ad1"]) == (253, 459, 1206, 253, 12, 6, 3)
    read = read_return(CIN_FAKE / "fake_CIN_data.xml", "fake", CIN_CENSUS)
    counts = {name: t.raw.rows_read for name, t in read.tables.items()}
    assert (counts["child_identifiers"], counts["cin_details"],
            counts["disabilities"]) == (332, 402, 117)


def test_nesting_becomes_keys() -> None:
    """Each factor carries its child, its episode's number and its assessment's number, and
    each review its plan's: the 2024 fake's first child has factors 1C, RB, 6B in assessment
    1 of episode 1, and one review of plan 1."""
    read = read_return(CIN_FAKE / "CIN_Census_2024.xml", "c.xml", CIN_CENSUS)
    factors = read.tables["assessment_factors"].raw
    table = dict(zip(factors.header, factors.columns, strict=True))
    assert list(zip(table["LAchildID"], table["CINdetailsID"], table["AssessmentID"],
                    table["AssessmentFactors"], strict=True)) == [
        ("DfEX0000001", "1", "1", "1C"), ("DfEX0000001", "1", "1", "RB"),
        ("DfEX0000001", "1", "1", "6B")]
    reviews = read.tables["cpp_reviews"].raw
    assert dict(zip(reviews.header, (c[0] for c in reviews.columns), strict=True)) == {
        "LAchildID": "DfEX0000001", "CINdetailsID": "1", "CPPID": "1",
        "CPPreviewDate": "2023-02-15", "LA": "201"}


def test_every_flattened_column_is_declared_by_the_shipped_library() -> None:
    """The tables a return fills are declared in `frameworks/datasets/`, with every column the
    flattening makes; and every declared column but the derived ones comes from the XML."""
    derived = {"LA", "PL_DISTANCE", "PL_LA"}
    for fmt in FORMATS:
        datasets, _ = library(fmt.library)
        read = read_return(CIN_FAKE / "CIN_Census_2021.xml" if fmt is CIN_CENSUS else XML_903,
                           "x", fmt)
        for short in fmt.datasets():
            declared = {c.name for c in datasets[short].columns}
            made = set(read.tables[short].paths)
            assert made - {"LA"} <= declared, short
            assert declared - derived <= made, short


# ------------------------------------------------------------------ synthetic returns


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same simulation written as national CSV tables and as each authority's XML."""
    root = tmp_path_factory.mktemp("xml-returns")
    for fmt in ("csv", "xml"):
        generate(root / fmt, years=(2024, 2025), scale=0.1, las=3, format=fmt)
    return root / "csv", root / "xml"


@pytest.mark.parametrize("year", [2024, 2025])
def test_synthetic_xml_returns_read_as_the_csv_tables(generated: tuple[Path, Path],
                                                      year: int) -> None:
    """Each authority's XML returns give exactly its rows of the national CSV tables, in
    every column both hold (the CSV's derived PL_DISTANCE aside), for both years' layouts
    (GenderCurrent 1/2 in 2024, Sex M/F in 2025)."""
    csv_dir, xml_dir = generated
    authorities = sorted(p.name for p in (xml_dir / str(year)).iterdir())
    assert len(authorities) == 3
    compared = 0
    for fmt in FORMATS:
        datasets, codelists = library(fmt.library)
        chosen = [d for short, d in datasets.items()
                  if (csv_dir / str(year) / f"{short}.csv").exists()]
        national = load_directory(chosen, csv_dir / str(year), codelists)
        for authority in authorities:
            own = load_directory(chosen, xml_dir / str(year) / authority, codelists,
                                 area=authority)
            for dataset in chosen:
                expected, found = national[dataset.name], own[dataset.name]
                assert found.ok, [d.message for d in found.diagnostics]
                shared = [c.name for c in dataset.columns
                          if c.name not in found.report.absent_columns
                          and c.name not in expected.report.absent_columns
                          and c.name != "PL_DISTANCE"]
                assert expected.table is not None
                mine = Counter(tuple(r[c] for c in shared) for r in expected.table.rows()
                               if r["LA"] == authority)
                assert rows(found, shared) == mine, (authority, dataset.name)
                compared += sum(mine.values())
    assert compared > 1000


def test_synthetic_cin_census_names_its_authority(generated: tuple[Path, Path]) -> None:
    """A CIN census names its authority in its header: its tables' `LA` is that code without
    `area` being given, and every episode of need is a row."""
    _, xml_dir = generated
    folder = next(iter(sorted((xml_dir / "2025").iterdir())))
    datasets, codelists = library("cin_census")
    loaded = load_directory([datasets["cin_details"]], folder, codelists)
    result = loaded[datasets["cin_details"].name]
    assert result.ok
    assert result.report.filled_columns == ()
    assert {row["LA"] for row in result.table.rows()} == {folder.name}  # type: ignore[union-attr]


# ------------------------------------------------------------------ hostile files


def read_cin(path: Path) -> list[str]:
    """The codes of what reading a file as a CIN census reports."""
    return [d.code for d in read_return(path, path.name, CIN_CENSUS).diagnostics]


BOMB = """<?xml version="1.0"?>
<!DOCTYPE Message [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
""" + "".join(f'  <!ENTITY a{i + 1} "{("&a" + str(i) + ";") * 10 if i else "&a;" * 10}">\n'
              for i in range(12)) + """]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&a12;</LAchildID>
</ChildIdentifiers></Child></Children></Message>
"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    """An entity bomb (10^12 copies of a 73-character text once expanded) is refused at its
    document type declaration, before any entity is declared, with the line."""
    path = tmp_path / "cin_census.xml"
    path.write_text(BOMB, encoding="utf-8")
    read = read_return(path, "cin_census.xml", CIN_CENSUS)
    assert read.tables == {}
    (problem,) = read.diagnostics
    assert (problem.code, problem.line) == ("D170", 2)
    assert "document type (DTD)" in problem.message


def test_external_entity_is_refused(tmp_path: Path) -> None:
    """An external entity that would read another file is refused, and nothing of the file
    it names reaches any table."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    path = tmp_path / "cin_census.xml"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY s SYSTEM '
                    f'"file://{secret}">]>\n<Message><Children><Child><ChildIdentifiers>'
                    "<LAchildID>&s;</LAchildID></ChildIdentifiers></Child></Children>"
                    "</Message>\n", encoding="utf-8")
    read = read_return(path, "cin_census.xml", CIN_CENSUS)
    assert read.tables == {}
    assert [d.code for d in read.diagnostics] == ["D170"]


def test_entity_in_a_file_with_no_document_type_is_refused(tmp_path: Path) -> None:
    """An entity used with none declared is not well-formed: refused, with its line."""
    path = tmp_path / "cin_census.xml"
    path.write_text("<Message>\n<Children>&x;</Children></Message>\n", encoding="utf-8")
    (problem,) = read_return(path, "c", CIN_CENSUS).diagnostics
    assert (problem.code, problem.line) == ("D170", 2)
    assert "undefined entity" in problem.message


def test_deeply_nested_100_mb_file_is_refused_at_its_start(tmp_path: Path) -> None:
    """100 MB of elements nested ever deeper inside a child is refused at the first element
    past the nesting limit (a few hundred bytes in), not read on."""
    path = tmp_path / "cin_census.xml"
    opening = b"<Message><Children><Child>"
    with path.open("wb") as out:
        out.write(opening)
        for _ in range(34):
            out.write(b"<x>" * 1_000_000)
    assert path.stat().st_size > 100_000_000
    read = read_return(path, "cin_census.xml", CIN_CENSUS)
    assert read.tables == {}
    (problem,) = read.diagnostics
    assert problem.code == "D170"
    assert f"more than {MAX_DEPTH} deep" in problem.message
    assert problem.line == 1


def test_huge_value_is_refused(tmp_path: Path) -> None:
    """A value of 10 MB is refused as soon as it passes the limit on a value's length."""
    path = tmp_path / "cin_census.xml"
    path.write_bytes(b"<Message><Children><Child><ChildIdentifiers><LAchildID>"
                     + b"A" * (10 << 20) + b"</LAchildID></ChildIdentifiers></Child>"
                     b"</Children></Message>")
    (problem,) = read_return(path, "c", CIN_CENSUS).diagnostics
    assert problem.code == "D170"
    assert "longer than 4,096 characters" in problem.message


def test_file_cut_short_is_refused(tmp_path: Path) -> None:
    """A return cut off mid-element is not well-formed: refused, never read in part."""
    text = (CIN_FAKE / "CIN_Census_2021.xml").read_text(encoding="utf-8")
    path = tmp_path / "cin_census.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    assert read_cin(path) == ["D170"]


# ------------------------------------------------------------------ a directory of returns


def test_directory_with_an_xml_return_and_a_csv_of_one_of_its_tables(tmp_path: Path) -> None:
    """A table given both as CSV and by an XML return is refused (D108), naming both; the
    return's other tables are read."""
    datasets, codelists = library("cin_census")
    folder = directory(tmp_path, "d", {
        "cin_census.xml": (CIN_FAKE / "fake_CIN_data.xml").read_bytes(),
        "cin_details.csv": "LAchildID,CINdetailsID\n",
    })
    loaded = load_directory([datasets["cin_details"], datasets["child_identifiers"]], folder,
                            codelists)
    (problem,) = loaded[datasets["cin_details"].name].diagnostics
    assert problem.code == "D108"
    assert "`cin_details.csv` and `cin_census.xml`" in problem.message
    assert loaded[datasets["child_identifiers"].name].report.rows_read == 332


def test_two_returns_of_one_kind_are_refused(tmp_path: Path) -> None:
    """Two CIN censuses in one directory are refused once, not pooled without a trace."""
    datasets, codelists = library("cin_census")
    data = (CIN_FAKE / "fake_CIN_data.xml").read_bytes()
    folder = directory(tmp_path, "d", {"a.xml": data, "b.xml": data})
    loaded = load_directory(list(datasets.values()), folder, codelists)
    problems = [d for r in loaded.values() for d in r.diagnostics]
    assert [d.code for d in problems] == ["D108"]
    assert "both `a.xml` and `b.xml` are a CIN census" in problems[0].message


def test_any_xml_name_is_read_by_its_root(tmp_path: Path) -> None:
    """A return is found by its root element, whatever the file is called; an XML file that
    is no return is reported (D173) and left alone."""
    datasets, codelists = library("ssda903")
    folder = directory(tmp_path, "d", {"LA_805_903_export.XML": XML_903.read_bytes(),
                                       "notes.xml": "<html><body>notes</body></html>"})
    loaded = load_directory([datasets["header"]], folder, codelists, area="805")
    result = loaded[datasets["header"].name]
    assert result.report.rows_read == 253
    assert [d.code for d in result.diagnostics if d.code.startswith("D17")] == ["D173"]
    assert result.report.filled_columns == (("LA", "805"),)


def test_sniffing_tells_the_returns_apart(tmp_path: Path) -> None:
    """The root and, for DfE's `Message`, the collection say what a file is; a document type
    before the root does not hide it (reading refuses it)."""
    path = tmp_path / "f.xml"
    for text, expected in (
            ("<?xml version='1.0'?>\n<!-- x -->\n<EXPSSDA903/>", SSDA903),
            ("\ufeff<Message><Header><CollectionDetails><Collection>CIN</Collection>", CIN_CENSUS),
            ("<!DOCTYPE Message [<!ENTITY a 'b'>]><Message/>", CIN_CENSUS)):
        path.write_text(text, encoding="utf-8")
        assert sniff_format(path) is expected
    path.write_text("<Message><Header><CollectionDetails><Collection>SC</Collection>",
                    encoding="utf-8")
    found = sniff_format(path)
    assert not isinstance(found, ReturnFormat)
    assert found.code == "D173"


def test_symbolic_link_out_of_the_directory_is_not_read(tmp_path: Path) -> None:
    """An XML file linking outside the data directory is refused, as a CSV one is."""
    datasets, codelists = library("cin_census")
    folder = directory(tmp_path, "d", {})
    os.symlink(CIN_FAKE / "fake_CIN_data.xml", folder / "cin_census.xml")
    loaded = load_directory([datasets["cin_details"]], folder, codelists)
    assert loaded == {}


def test_xml_returns_hold_no_school_census(tmp_path: Path) -> None:
    """Writing XML returns with a school census asked for is refused: no XML layout holds it."""
    with pytest.raises(ValueError, match="no school census"):
        generate(tmp_path, years=(2025,), scale=0.05, las=1, pupils=0.1, format="xml")
