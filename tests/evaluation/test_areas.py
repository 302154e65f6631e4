"""Areas: both code systems, the authorities that existed, codes that match nothing, `area=`.

On DfE's published tables (`frameworks/data/dfe`) rewritten as a user's files would be: keyed
by ONS codes, with spreadsheet-mangled codes, with stray or retired authorities, or cut down
to one authority's return. Each case is compared with the untouched tables, read here with
the `csv` module, independently of outcomespec's loader.
"""

from __future__ import annotations

import csv
import functools
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import outcomespec
from outcomespec import OutcomeSpecError
from outcomespec.api import Run, UnknownAreaError
from outcomespec.checking import check_paths
from outcomespec.cli import main
from outcomespec.evaluation.areas import AreaFrame, Authority
from outcomespec.evaluation.gazetteer import area_frame, code_system
from outcomespec.language.codes import CODES
from outcomespec.loading.identifiers import normal_code
from outcomespec.synthetic.generator import generate
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
DATA = FRAMEWORKS / "data" / "dfe"
FRAMEWORK = FRAMEWORKS / "dfe_published.ospec"
AREA_TABLES = ("care_leavers_activity", "cin_referrals", "cla_numbers", "cpp_subsequent_plans",
               "ons_population", "placement_stability")

Rows = list[dict[str, str]]


def read(path: Path) -> tuple[list[str], Rows]:
    """A CSV file's header and rows (a byte-order mark dropped, values kept as written)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: Rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.DictWriter(stream, header, lineterminator="\n", extrasaction="ignore")
        out.writeheader()
        out.writerows(rows)


def copy_tables(target: Path, change: Callable[[str, Rows], Rows] | None = None) -> Path:
    """The DfE tables in `target`, each area table's rows passed through `change`."""
    target.mkdir(parents=True, exist_ok=True)
    for source in DATA.glob("*.csv"):
        if change is None or source.stem not in AREA_TABLES:
            shutil.copyfile(source, target / source.name)
            continue
        header, rows = read(source)
        write(target / source.name, header, change(source.stem, rows))
    return target


@functools.cache
def framework() -> outcomespec.Framework:
    return outcomespec.load(FRAMEWORK, root=FRAMEWORKS)


@functools.cache
def original(period: int) -> Run:
    """The untouched tables, evaluated."""
    return framework().run(DATA, period)


@functools.cache
def ons_codes() -> dict[str, str]:
    """3-digit DfE code → latest ONS code, from the shipped geography table."""
    return {r["old_la_code"]: r["new_la_code"] for r in read(DATA / "local_authorities.csv")[1]}


def codes_of(run: Run) -> list[str]:
    return [d.code for d in run.diagnostics]


def la_rows(run: Run, indicator: str) -> dict[str, dict[str, object]]:
    return {r["la_code"]: r for r in run.results.rows()
            if r["indicator"] == indicator and r["area_type"] == "local_authority"}


# ------------------------------------------------------------------ both code systems


def to_ons(_: str, rows: Rows) -> Rows:
    """Every row keyed by its own ONS code (`new_la_code`), as the year printed it."""
    for row in rows:
        row["old_la_code"] = row["new_la_code"]
    return rows


@pytest.fixture(scope="module")
def ons_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DfE tables with every area and every statistical neighbour in ONS codes."""
    target = copy_tables(tmp_path_factory.mktemp("ons"), to_ons)
    header, rows = read(DATA / "statistical_neighbours_2025.csv")
    ons = ons_codes()
    for row in rows:
        for column in ("old_la_code", *(f"SN_{k}" for k in range(1, 11))):
            row[column] = ons[row[column]]
    write(target / "statistical_neighbours_2025.csv", header, rows)
    return target


@pytest.mark.parametrize("period", [2021, 2023, 2025])
def test_ons_coded_tables_give_the_same_results(ons_data: Path, period: int) -> None:
    """Tables keyed by ONS codes (of their own years) give exactly the DfE-keyed results."""
    ons = framework().run(ons_data, period)
    assert ons.results.to_csv() == original(period).results.to_csv()
    assert not [c for c in codes_of(ons) if c.startswith("D2")]


def test_former_ons_codes_match_their_authority(ons_data: Path) -> None:
    """2023's CIN rows carry North Yorkshire's and Somerset's former ONS codes, and count."""
    _, rows = read(ons_data / "cin_referrals.csv")
    carried = {r["old_la_code"] for r in rows if r["time_period"] == "2023"}
    assert {"E10000023", "E10000027"} <= carried
    assert not {"E06000065", "E06000066"} & carried
    referrals = la_rows(framework().run(ons_data, 2023), "rereferrals_12m")
    published = {r["old_la_code"]: r for r in read(DATA / "cin_referrals.csv")[1]
                 if r["time_period"] == "2023"}
    for code in ("815", "933"):
        assert referrals[code]["denominator"] == float(published[code]["referral_count"])


def test_neighbours_in_ons_codes_are_the_same_authorities(ons_data: Path) -> None:
    """The neighbour matrix read from ONS codes is the one read from DfE codes."""
    frame = framework().run(ons_data, 2025).evaluation.frame
    mine = original(2025).evaluation.frame
    assert frame.codes == mine.codes
    assert np.array_equal(frame.neighbours["statistical_neighbours"],
                          mine.neighbours["statistical_neighbours"])
    hartlepool = frame.codes.index("805")
    peers = [frame.codes[i] for i in frame.neighbours["statistical_neighbours"][hartlepool]]
    assert peers == ["807", "394", "393", "890", "806", "390", "840", "876", "372", "340"]


def test_a_geography_keyed_by_ons_codes_reads_dfe_codes(tmp_path: Path) -> None:
    """Both ways: a level whose code is the ONS code matches files keyed by DfE codes, and
    each row names its authority by both codes whichever the geography keys it by."""
    root = tmp_path / "frameworks"
    shutil.copytree(FRAMEWORKS, root, ignore=shutil.ignore_patterns("data"))
    geography = root / "datasets" / "geography.ospec"
    text = geography.read_text(encoding="utf-8")
    text = text.replace("      code old_la_code\n      alternative_code new_la_code, "
                        "former_new_la_code\n",
                        "      code new_la_code\n      alternative_code old_la_code, "
                        "former_new_la_code\n")
    geography.write_text(text, encoding="utf-8")
    run = outcomespec.load(root / "dfe_published.ospec", root=root).run(DATA, 2025)
    ons = ons_codes()
    theirs = la_rows(run, "placements_3plus")
    mine = la_rows(original(2025), "placements_3plus")
    assert sorted(theirs) == sorted(mine)
    for code, row in mine.items():
        assert (theirs[code]["area_code"], theirs[code]["numerator"], theirs[code]["value"],
                theirs[code]["vs_neighbours"]) == \
            (ons[code], row["numerator"], row["value"], row["vs_neighbours"]), code


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic national year (three authorities), keyed by DfE codes."""
    target = tmp_path_factory.mktemp("synthetic")
    generate(target, years=(2025,), scale=0.1, las=3, seed=11)
    return target / "2025"


def test_returns_keyed_two_ways_give_the_same_results(synthetic: Path, tmp_path: Path) -> None:
    """Episodes keyed by ONS codes and the header by `0202`-style codes: each child's
    episodes are still its own, and the National Framework's results are unchanged."""
    national = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)
    mixed = tmp_path / "mixed"
    shutil.copytree(synthetic, mixed)
    ons = {r["old_la_code"]: r["new_la_code"] for r in read(synthetic / "local_authorities.csv")[1]}
    for name, spell in (("episodes", ons.get), ("header", lambda code: f"0{code}")):
        header, rows = read(mixed / f"{name}.csv")
        for row in rows:
            row["LA"] = spell(row["LA"])
        write(mixed / f"{name}.csv", header, rows)
    before, after = national.run(synthetic, 2025), national.run(mixed, 2025)
    assert after.results.to_csv() == before.results.to_csv()
    assert [(d.code, Path(d.path or "").name) for d in after.diagnostics
            if d.code.startswith("D2")] == [("D201", "header.csv")]
    (england,) = (r for r in after.results.rows() if r["indicator"] == "cla_rate_per_10k"
                  and r["area_type"] == "england")
    assert england["numerator"] > 50  # children looked after: headers met their episodes


# ------------------------------------------------------------------ the authorities of a year


@functools.cache
def published_las(file: str, period: int) -> set[str]:
    """The authorities with a local authority row of `period` in a published table."""
    return {r["old_la_code"].strip() for r in read(DATA / file)[1]
            if r["time_period"] == str(period)
            and r["geographic_level"].strip() == "Local authority"}


def test_2025_has_no_rows_for_cumbria_or_northamptonshire() -> None:
    """2025: 153 authorities, none of them 909 or 928, in every indicator."""
    run = original(2025)
    for indicator in {r["indicator"] for r in run.results.rows()}:
        codes = set(la_rows(run, indicator))
        assert len(codes) == 153
        assert not {"909", "928"} & codes
        assert codes == published_las("cin_referrals.csv", 2025)
    assert "D204" not in codes_of(run)  # their rows are all `z` and `x`: nothing to count


def test_2021_has_the_authorities_that_existed_then() -> None:
    """2021: the 151 authorities with a row in the published referrals table (928, 909 and
    the Dorset of 2020, not their successors)."""
    codes = set(la_rows(original(2021), "rereferrals_12m"))
    assert codes == published_las("cin_referrals.csv", 2021)
    assert len(codes) == 151
    assert {"928", "909", "838", "839"} <= codes
    assert not {"940", "941", "942", "943", "835", "836", "837"} & codes


def test_cumbria_has_a_row_in_2023_and_its_successors_in_2024() -> None:
    """The geography's years decide which of Cumbria and its successors a year has."""
    assert "909" in la_rows(original(2023), "placements_3plus")
    later = set(la_rows(original(2024), "placements_3plus"))
    assert {"942", "943"} <= later
    assert "909" not in later


def test_neighbours_that_did_not_exist_are_absent() -> None:
    """Herefordshire's nearest neighbour (943, from 2024) is absent (-1) in 2023's frame."""
    frame = original(2023).evaluation.frame
    row = frame.neighbours["statistical_neighbours"][frame.codes.index("884")]
    assert row[0] == -1
    assert [frame.codes[i] for i in row[1:] if i >= 0] == [
        "860", "925", "893", "933", "888", "935", "811", "815", "830"]
    later = original(2025).evaluation.frame
    assert later.codes[later.neighbours["statistical_neighbours"][later.codes.index("884")][0]] \
        == "943"


def test_rows_of_an_authority_that_did_not_exist_are_a_warning(tmp_path: Path) -> None:
    """A 2025 referrals row for Cumbria (gone in 2023) is named, with its line, not pooled."""
    def add_cumbria(name: str, rows: Rows) -> Rows:
        if name != "cin_referrals":
            return rows
        (hartlepool,) = (r for r in rows if r["time_period"] == "2025"
                         and r["old_la_code"] == "805")
        return [*rows, {**hartlepool, "old_la_code": "909", "new_la_code": "E10000006",
                        "la_name": "Cumbria"}]
    data = copy_tables(tmp_path / "data", add_cumbria)
    run = framework().run(data, 2025)
    (warning,) = (d for d in run.diagnostics if d.code == "D204")
    assert warning.line == len(read(data / "cin_referrals.csv")[1]) + 1
    assert warning.path == str(data / "cin_referrals.csv")
    assert warning.message == (
        "1 row an indicator would count names a local authority that did not exist in 2025 "
        "(column `old_la_code`): `909` (Cumbria, until 2023); they are left out of every "
        "authority, region and England")
    assert run.results.to_csv() == original(2025).results.to_csv()


# ------------------------------------------------------------------ codes that match nothing


def mangled(name: str, rows: Rows) -> Rows:
    """Referrals with codes as spreadsheets write them: `0202`, `202.0`, ` 805 `."""
    if name == "cin_referrals":
        for row in rows:
            code = row["old_la_code"]
            if code:
                row["old_la_code"] = {0: f"0{code}", 1: f"{code}.0", 2: f" {code} "}[
                    int(code) % 3]
    return rows


def test_mangled_codes_are_normalised_with_one_warning(tmp_path: Path) -> None:
    """`0202`, `202.0` and ` 805 ` count as 202 and 805, with one D201 warning for the file
    (the loader strips surrounding spaces, so only the other two are normalised)."""
    data = copy_tables(tmp_path / "data", mangled)
    run = framework().run(data, 2025)
    assert run.results.to_csv() == original(2025).results.to_csv()
    (warning,) = (d for d in run.diagnostics if d.code == "D201")
    _, rows = read(DATA / "cin_referrals.csv")
    changed = [i for i, r in enumerate(rows)
               if r["old_la_code"].strip() and int(r["old_la_code"]) % 3 != 2]
    code = rows[changed[0]]["old_la_code"]
    shown = f"0{code}" if int(code) % 3 == 0 else f"{code}.0"
    assert (warning.path, warning.line) == (str(data / "cin_referrals.csv"), changed[0] + 2)
    assert warning.message == (
        f"{len(changed):,} values of column `old_la_code` name a local authority only once "
        f"written as its code is: `{shown}` (line {changed[0] + 2}) is read as `{code}`")


def test_ons_codes_without_alternative_code_are_an_error(tmp_path: Path) -> None:
    """ONS-keyed files against a geography with DfE codes alone: D202 naming the system."""
    root = tmp_path / "frameworks"
    shutil.copytree(FRAMEWORKS, root, ignore=shutil.ignore_patterns("data"))
    geography = root / "datasets" / "geography.ospec"
    geography.write_text(geography.read_text(encoding="utf-8").replace(
        "      alternative_code new_la_code, former_new_la_code\n", ""), encoding="utf-8")
    data = copy_tables(tmp_path / "data", to_ons)
    with pytest.raises(OutcomeSpecError) as caught:
        outcomespec.load(root / "dfe_published.ospec", root=root).run(data, 2025)
    errors = [d for d in caught.value.diagnostics if d.is_error]
    assert sorted(Path(d.path or "").name for d in errors) == sorted(
        f"{name}.csv" for name in AREA_TABLES)
    assert {d.code for d in errors} == {"D202"}
    first = errors[0]
    assert "they look like ONS 9-character local authority codes (E06…, E08…, E09…, E10…)" \
        in first.message
    assert first.help is not None
    assert "`alternative_code COLUMN`" in first.help


def test_a_few_stray_codes_are_a_warning_naming_them(tmp_path: Path) -> None:
    """Two rows of unknown authorities: D203 with both codes and the first line."""
    def stray(name: str, rows: Rows) -> Rows:
        if name == "cpp_subsequent_plans":
            rows[200]["old_la_code"], rows[300]["old_la_code"] = "998", "999"
        return rows
    data = copy_tables(tmp_path / "data", stray)
    run = framework().run(data, 2025)
    (warning,) = (d for d in run.diagnostics if d.code == "D203")
    assert (warning.path, warning.line) == (str(data / "cpp_subsequent_plans.csv"), 202)
    assert warning.message.startswith("2 area codes of column `old_la_code` match no local "
                                      "authority of geography `england`: `998`, `999` (2 of ")


# ------------------------------------------------------------------ a single authority's return


@pytest.fixture(scope="module")
def hartlepool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hartlepool's rows of every table, without the area column: a single return."""
    def only_hartlepool(_: str, rows: Rows) -> Rows:
        return [r for r in rows if r["old_la_code"].strip() == "805"]
    target = tmp_path_factory.mktemp("hartlepool")
    copy_tables(target, only_hartlepool)
    for name in AREA_TABLES:
        header, rows = read(target / f"{name}.csv")
        write(target / f"{name}.csv", [h for h in header if h != "old_la_code"], rows)
    return target


def test_area_by_ons_code_is_hartlepool(hartlepool: Path) -> None:
    """area="E06000001" fills Hartlepool's return; its figures are Hartlepool's (805), and
    England, declared published, is blank and said (D160): the return holds no national row,
    and pooled from one authority England would be that authority."""
    run = framework().run(hartlepool, 2025, area="E06000001")
    for indicator in ("placements_3plus", "cla_rate_per_10k", "rereferrals_12m"):
        alone = la_rows(run, indicator)["805"]
        national = la_rows(original(2025), indicator)["805"]
        assert (alone["numerator"], alone["denominator"], alone["value"]) == \
            (national["numerator"], national["denominator"], national["value"])
        england = next(r for r in run.results.rows() if r["indicator"] == indicator
                       and r["area_type"] == "england")
        assert england["value"] is None
        assert str(england["note"]).startswith("not_available")
    assert "D160" in codes_of(run)


@pytest.fixture(scope="module")
def hartlepool_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hartlepool's rows of every table with DfE's national and regional rows: its own
    figures beside the published comparators."""
    def hartlepool_and_above(_: str, rows: Rows) -> Rows:
        return [r for r in rows if r["old_la_code"].strip() == "805"
                or r["geographic_level"] != "Local authority"]
    return copy_tables(tmp_path_factory.mktemp("hartlepool_published"), hartlepool_and_above)


def test_hartlepool_alone_is_its_national_row(hartlepool_published: Path) -> None:
    """`--area 805` on Hartlepool's rows and the published ones: England, North East and
    Hartlepool exactly as the national run gives them, judged against DfE's England."""
    run = framework().run(hartlepool_published, 2025, area="805")
    declared = framework().run(DATA, 2025)
    for indicator in ("placements_3plus", "cla_rate_per_10k", "rereferrals_12m"):
        rows = [r for r in run.results.rows() if r["indicator"] == indicator]
        assert [r["area_code"] for r in rows] == ["E92000001", "E12000001", "E06000001"]
        for alone in rows:
            national = next(r for r in declared.results.rows() if r["indicator"] == indicator
                            and r["area_code"] == alone["area_code"])
            # Not among the authorities' here: the neighbours' median (pooled, as declared)
            # and the rank, which one return cannot give.
            apart = {"vs_neighbours", "rank", "rank_of", "quartile"}
            assert {k: v for k, v in alone.items() if k not in apart} == \
                {k: v for k, v in national.items() if k not in apart}
    assert "D160" not in codes_of(run)


def test_unknown_area_is_an_error_with_a_suggestion(hartlepool: Path) -> None:
    """area="999" names no authority: UnknownAreaError (an OutcomeSpecError), D205."""
    with pytest.raises(UnknownAreaError) as caught:
        framework().run(hartlepool, 2025, area="999")
    assert isinstance(caught.value, OutcomeSpecError)
    (problem,) = caught.value.diagnostics
    assert problem.code == "D205"
    assert problem.message == "`999` is not a local authority of geography `england`"
    assert problem.help == "did you mean `909`, `919` or `929`?"


def test_area_is_checked_on_tables_given_by_name(hartlepool: Path) -> None:
    """The same return given as dataset name → file: `999` refused, Hartlepool's figures."""
    files = {path.stem: path for path in hartlepool.glob("*.csv")}
    with pytest.raises(UnknownAreaError):
        framework().run(files, 2025, area="999")
    alone = framework().run(files, 2025, area="805").results
    assert alone.to_csv() == framework().run(hartlepool, 2025, area="E06000001").results.to_csv()


def test_a_long_area_is_no_code(hartlepool: Path) -> None:
    """A megabyte of digits as `area` is refused with a shortened message, no suggestion."""
    with pytest.raises(UnknownAreaError) as caught:
        framework().run(hartlepool, 2025, area="9" * 1_000_000)
    (problem,) = caught.value.diagnostics
    assert problem.message == f"`{'9' * 40}…` is not a local authority of geography `england`"
    assert problem.help == "give a code of one of its 158 local authorities, e.g. `201`"


def test_area_by_name_suggests_its_code(hartlepool: Path) -> None:
    """area="Hartlepool" is a name, not a code: the help gives the code."""
    with pytest.raises(UnknownAreaError) as caught:
        framework().evaluate(hartlepool, 2025, area="hartlepool")
    assert caught.value.diagnostics[0].help == "give its code: `805`"


def test_area_that_did_not_exist_in_the_period_is_an_error(hartlepool: Path) -> None:
    """area="909" in 2025: Cumbria existed until 2023."""
    with pytest.raises(UnknownAreaError) as caught:
        framework().run(hartlepool, 2025, area="0909")
    assert caught.value.diagnostics[0].message == (
        "`0909` (Cumbria) is not a local authority in 2025: it existed until 2023")


def test_cli_unknown_area_exits_2_with_one_line(hartlepool: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`eval --area 999` exits 2 with one line on standard error, and writes no results."""
    status = main(["eval", str(FRAMEWORK), "--data", str(hartlepool), "--period", "2025",
                   "--area", "999"])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err == ("outcomespec: error: --area: `999` is not a local authority of "
                            "geography `england`; did you mean `909`, `919` or `929`?\n")


# ------------------------------------------------------------------ pieces


@given(st.sampled_from(sorted(ons_codes())), st.integers(0, 3), st.sampled_from(["", ".0", ".00"]),
       st.sampled_from(["", " ", "  "]))
def test_normal_code_undoes_padding_and_decimals(code: str, zeros: int, decimals: str,
                                                 space: str) -> None:
    """Any DfE code padded with zeros, a decimal part or spaces normalises to itself."""
    assert normal_code(f"{space}{'0' * zeros}{code}{decimals}{space}") == code
    assert normal_code(normal_code(code)) == code


def test_code_systems_are_recognised() -> None:
    """ONS local authority codes, other ONS codes, DfE codes, numbers and names."""
    assert code_system(["E09000007", "E06000001"]).startswith("ONS 9-character local")
    assert code_system(["E12000001", "E92000001"]) == "ONS 9-character area codes"
    assert code_system(["202", "805"]) == "DfE 3-digit local authority codes"
    assert code_system(["20", "8051"]) == "numbers"
    assert code_system(["Camden", "Kingston upon Hull, City of"]) == "names"


def test_authority_years() -> None:
    """An authority exists from its first year to its last, either open."""
    cumbria = Authority("909", "Cumbria", ("E10000006",), None, 2023)
    assert [cumbria.exists_in(y) for y in (2013, 2023, 2024)] == [True, True, False]
    cumberland = Authority("942", "Cumberland", (), 2024, None)
    assert [cumberland.exists_in(y) for y in (2023, 2024, 2030)] == [False, True, True]


def test_frame_without_period_holds_every_authority() -> None:
    """Without a period, the frame holds all 158 authorities of the table, aliases included."""
    tables = {name: result.table for name, result in original(2025).loads.items()
              if result.table is not None}
    every = area_frame(framework().modules, tables)
    assert every.n_areas == 158
    assert every.position("E10000006") == every.codes.index("909")
    assert every.position("E10000023") == every.codes.index("815")
    assert area_frame(framework().modules, tables, 2019).n_areas == 152


def test_frame_matches_codes_then_normalised_codes() -> None:
    """An exact code or alias first; a normalised one only when the text names nothing."""
    frame = AreaFrame(("202", "0202"), ("Camden", "Odd"), [-1, -1], aliases={"E09000007": 0})
    assert frame.match("0202") == (1, False)
    assert frame.match("202.0") == (0, True)
    assert frame.match("e09000007") == (0, True)
    assert frame.match("203") is None


def test_area_codes_are_registered() -> None:
    """D201-D207 are registered with their severities and explanations."""
    severities = {code: CODES[code].severity for code in CODES if code.startswith("D20")}
    assert severities == {"D201": "warning", "D202": "error", "D203": "warning",
                          "D204": "warning", "D205": "error", "D206": "error",
                          "D207": "error"}
    assert all(len(CODES[code].explanation) > 200 for code in severities)


# ------------------------------------------------------------------ the language


GEOGRAPHY = """library places "Places" {{
  dataset authorities "Authorities" {{
    rows local_authority
    key la_code
    column la_code text
    column ons_code text
    column former_ons_code text optional
    column name text
    column first_year {first} optional
    column last_year integer optional
  }}
  geography england "England" {{
    level local_authority from authorities {{
      {fields}
    }}
  }}
}}
"""


def check_geography(tmp_path: Path, fields: str, first: str = "integer") -> list[str]:
    """The diagnostics (code: message) of a geography level with these fields."""
    path = tmp_path / "places.ospec"
    path.write_text(GEOGRAPHY.format(fields=fields, first=first), encoding="utf-8")
    return [f"{d.code}: {d.message}" for d in check_paths([path], tmp_path).diagnostics]


def test_level_with_codes_and_years_checks_clean(tmp_path: Path) -> None:
    """`alternative_code` may name several columns; `valid_from`/`valid_until` integer ones."""
    fields = ("code la_code\n      alternative_code ons_code, former_ons_code\n"
              "      name name\n      valid_from first_year\n      valid_until last_year")
    assert check_geography(tmp_path, fields) == []
    (level,) = check_paths([tmp_path / "places.ospec"], tmp_path).frameworks[0] \
        .geographies[0].levels
    assert (level.alternative_codes, level.valid_from, level.valid_until) == (
        ("ons_code", "former_ons_code"), "first_year", "last_year")


def test_validity_column_must_hold_years(tmp_path: Path) -> None:
    """`valid_from` naming a text column is E301, with the declaration to write."""
    assert check_geography(tmp_path, "code la_code\n      valid_from first_year",
                           first="text") == [
        "E301: `valid_from first_year` needs an integer column of reporting years: "
        "`first_year` is declared text"]


def test_code_names_one_column_and_years_are_columns(tmp_path: Path) -> None:
    """`code` with two columns is E410; a validity column that is not declared is E201."""
    assert check_geography(tmp_path, "code la_code, ons_code\n      valid_until last") == [
        "E410: `code` names one column", "E201: `last` is not a column of `authorities`"]


@pytest.mark.parametrize("keep_going", [False, True])
def test_returns_of_other_authorities_stop_a_single_authority_run(synthetic: Path,
                                                                   keep_going: bool) -> None:
    """area="202" on three authorities' returns: D207 for every table of records holding
    another authority's rows, even with keep_going (it published 203's figures as zeros from
    no records when the files were 202's)."""
    national = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)
    with pytest.raises(OutcomeSpecError) as caught:
        national.run(synthetic, 2025, area="202", keep_going=keep_going)
    found = caught.value.diagnostics
    assert {d.code for d in found} == {"D207"}
    header = next(d for d in found if d.path is not None and d.path.endswith("header.csv"))
    with (synthetic / "header.csv").open(newline="") as file:
        areas = [row["LA"] for row in csv.DictReader(file)]
    others = [i for i, code in enumerate(areas) if code != "202"]
    first = areas[others[0]]
    assert header.message == (
        f"{len(others):,} rows of `header` name another authority than `202` (Camden) in "
        f"column `LA`, the first `{first}` (line {others[0] + 2}); the run is for `202` alone")
    assert header.line == others[0] + 2
    assert header.help == (f"give the code of the authority whose returns these are as the "
                           f"area (`--area {first}`), or point the data at `202`'s own returns")


def test_single_authority_summary_names_it(hartlepool_published: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`eval --area 805` says it evaluated Hartlepool alone (it said "153 local
    authorities", the period's count, as if the run were national)."""
    code = main(["eval", str(FRAMEWORK), "--data", str(hartlepool_published), "--period",
                 "2025", "--area", "805", "--out", str(tmp_path / "r.csv")])
    first = capsys.readouterr().err.splitlines()[0]
    assert code == 0
    assert first == ("dfe_published: 6 indicator results for period 2025 (2024-25), the "
                     "single local authority 805 (Hartlepool)")
