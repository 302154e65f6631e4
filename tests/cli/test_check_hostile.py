"""`outcomespec check` never prints a Python traceback, whatever it is given.

Every case runs the command line in-process (`outcomespec.cli.commands.main`, output captured with
capsys) and a few run it as a subprocess, so that nothing can escape `main`. For every run:
the exit code is 0 or 1 (2 for a usage error), "Traceback" appears nowhere in the output, and
the output is well-formed diagnostics (text or JSON) or one clean `outcomespec: error:` line.

Inputs: texts generated from the grammar, random mutations and truncations of the shipped
dataset libraries, random bytes and text, invalid UTF-8, NUL bytes, 10,000-deep nesting, a
10 MB file, an empty file, a directory, a file of only comments, and a 1,000-line valid file.
Crashes this file found are fixed and kept below as regression cases.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import outcomespec.cli.commands as cli
from tests.cli.running import run_cli
from tests.paths import REPO, TESTS

DATASETS = REPO / "frameworks" / "datasets"
SHIPPED = [DATASETS / "ssda903.ospec", DATASETS / "cin_census.ospec"]

# hypothesis: the function-scoped fixtures (capsys, tmp_path) are used on purpose, once per
# example: capsys.readouterr() empties the capture, and the work file is rewritten each time.
_BASE = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def examples(count: int) -> settings:
    """Settings for a hypothesis test of `count` examples (no deadline, no database)."""
    return settings(_BASE, max_examples=count)

# ------------------------------------------------------------------ valid example texts

MINI903 = '''\
library mini903 "Mini SSDA903" {
  codelist legal_status "Legal status" {
    C1 "Interim care order"
    C2 "Full care order"
    V2 "Single period of accommodation under section 20"
    V3 "Agreed series of short-term breaks"
    V4 "Short-term breaks"
    group short_breaks "Short breaks" = V3, V4
  }
  codelist rne "Reason for new episode" {
    S "Started to be looked after"
    L "Change of legal status only"
    P "Change of placement and carer"
    T "Change of placement, same carer"
    B "Change of legal status and placement"
    U "Change of legal status and placement, same carer"
    group new_placement = S, P, T, B, U
  }
  codelist sex { 1 "Male" 2 "Female" }
  dataset header "Header" {
    rows child
    key CHILD
    area LA
    column CHILD identifier child
    column LA text
    column SEX code sex
    column DOB date
  }
  dataset episodes "Episodes" {
    rows episode
    area LA
    column CHILD identifier child
    column LA text
    column DECOM date
    column RNE code rne
    column LS code legal_status
    column DEC date optional
  }
  dataset population {
    rows area_year
    area la
    period year
    column la text
    column year integer
    column children number
  }
  define looked_after_at_end "Looked after on 31 March" for episodes =
    DECOM <= period.end and (DEC is missing or DEC > period.end)
}
'''

FRAMEWORK = '''\
framework demo "Demo framework" {
  import "datasets/mini903.ospec"
  cohort cla "Children looked after at 31 March" =
    header where any(episodes where looked_after_at_end) and not all(LS in short_breaks of episodes)
  outcome stable "Stable homes" {
    indicator placements_3plus "Three or more placements" {
      kind outcome  statistic proportion  unit percent
      cohort cla
      numerator cohort where count(episodes where RNE in new_placement and DECOM in period) >= 3
      polarity lower_is_better "Fewer moves"
      compare england
      confidence wilson 95%, 99.8%
      breakdown by SEX
    }
    indicator cla_rate "Rate" {
      kind context statistic rate unit per 10,000
      numerator cla
      denominator sum(children of population for period - 1)
      polarity no_judgement "context"
    }
  }
}
'''

_INDICATOR = '''\
    # indicator {i}
    indicator placements_{i} "Children with {k} or more placements ({i})" {{
      kind outcome
      statistic proportion
      unit percent
      cohort cla
      numerator cohort where count(episodes where RNE in new_placement and DECOM in period) >= {k}
      polarity lower_is_better "Fewer moves"
      compare england
      confidence wilson 95%, 99.8%
      breakdown by SEX
      description "Share of children looked after with {k} or more new placements"
      owner "Performance team"
    }}
'''


def thousand_line_framework() -> str:
    """A valid framework of at least 1,000 lines (importing `datasets/mini903.ospec`)."""
    head, tail = FRAMEWORK.rsplit("  }\n}\n", 1)
    parts = [head]
    i = 0
    while sum(part.count("\n") for part in parts) < 1000:
        parts.append(_INDICATOR.format(i=i, k=2 + i % 5))
        i += 1
    parts.append("  }\n}\n" + tail)
    return "".join(parts)


def shipped_texts() -> dict[str, bytes]:
    """Seeds for mutation: the shipped dataset libraries and the small example project."""
    seeds = {path.name: path.read_bytes() for path in SHIPPED if path.is_file()}
    seeds["mini903.ospec"] = MINI903.encode()
    seeds["framework.ospec"] = FRAMEWORK.encode()
    return seeds


SEEDS = shipped_texts()

# ------------------------------------------------------------------ running and judging

_HEADER = re.compile(r"^(?!\s)(?!\d+ \| ).*?: (error|warning)\[E\d{3}\]: ")
_SUMMARY = re.compile(r"^(\d+) errors?, (\d+) warnings?$")


def assert_clean(code: int, out: str, err: str, *, json_format: bool = False) -> list[str]:
    """Judge one run of `check`; returns the diagnostic codes it reported."""
    both = out + err
    assert "Traceback (most recent call last)" not in both, both[-3000:]
    assert code in (0, 1), f"exit {code}\nstdout: {out[-2000:]}\nstderr: {err[-2000:]}"
    assert err == "", err[-2000:]
    if json_format:
        found = json.loads(out)
        assert isinstance(found, list)
        for item in found:
            assert re.fullmatch(r"E\d{3}", item["code"]), item
            assert item["severity"] in ("error", "warning"), item
            assert isinstance(item["message"], str), item
            assert item["message"], item
        errors = sum(1 for item in found if item["severity"] == "error")
        assert (code == 1) == (errors > 0), (code, found)
        return [item["code"] for item in found]
    if not out:
        assert code == 0
        return []
    lines = out.rstrip("\n").split("\n")
    summary = _SUMMARY.match(lines[-1])
    assert summary, f"no summary line: {lines[-1]!r}"
    errors, warnings = int(summary.group(1)), int(summary.group(2))
    headers = [line for line in lines if _HEADER.match(line)]
    assert len(headers) == errors + warnings >= 1, out[-3000:]
    assert (code == 1) == (errors > 0), out[-2000:]
    return [re.search(r"\[(E\d{3})\]", line).group(1) for line in headers]  # type: ignore[union-attr]


def check(capsys: pytest.CaptureFixture[str], *files: Path, root: Path | None = None,
          json_format: bool = False) -> list[str]:
    """Run `check` on `files` and judge it; returns the diagnostic codes."""
    args: list[object] = ["check", *files]
    if root is not None:
        args += ["--root", root]
    if json_format:
        args += ["--format", "json"]
    code, out, err = run_cli(capsys, *args)
    return assert_clean(code, out, err, json_format=json_format)


def check_bytes(capsys: pytest.CaptureFixture[str], directory: Path, data: bytes,
                name: str = "input.ospec", json_format: bool = False) -> list[str]:
    """Write `data` into `directory` and check it, imports confined to `directory`."""
    path = directory / name
    path.write_bytes(data)
    return check(capsys, path, root=directory, json_format=json_format)


def run_subprocess(*args: str, cwd: Path, timeout: float = 120,
                   env: dict[str, str] | None = None,
                   preexec_fn: Callable[[], Any] | None = None) -> tuple[int, str, str]:
    """`python -m outcomespec ARGS…` in a fresh interpreter."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "outcomespec", *args], cwd=cwd, env=environment,
        capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout,
        preexec_fn=preexec_fn, check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project root holding `datasets/mini903.ospec`, which generated frameworks import."""
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mini903.ospec").write_text(MINI903, encoding="utf-8")
    return tmp_path


# ------------------------------------------------------------------ the examples are valid


def test_examples_check_clean(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """The valid example framework and its library (MINI903) check without a diagnostic."""
    (project / "fw.ospec").write_text(FRAMEWORK, encoding="utf-8")
    assert check(capsys, project / "fw.ospec", root=project) == []
    assert check(capsys, project / "datasets" / "mini903.ospec", root=project) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_give_no_traceback(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    """Each shipped dataset library checks cleanly, as text and as JSON."""
    check(capsys, path, root=REPO)
    check(capsys, path, root=REPO, json_format=True)


def test_thousand_line_valid_file(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """A valid framework of over 1,000 lines checks without a diagnostic, as text and as JSON."""
    text = thousand_line_framework()
    assert text.count("\n") >= 1000
    path = project / "big_framework.ospec"
    path.write_text(text, encoding="utf-8")
    assert check(capsys, path, root=project) == []
    assert check(capsys, path, root=project, json_format=True) == []


# ------------------------------------------------------------------ generated texts


def _load_strategies() -> Any:
    """`tests/strategies.py` (another engineer's), when it is present and importable."""
    path = TESTS / "strategies.py"
    if not path.is_file():
        return None
    try:
        spec = importlib.util.spec_from_file_location("_hostile_strategies", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.ospec_texts()
    except Exception:  # a broken helper only skips the test that uses it
        return None
    return module


_STRATEGIES = _load_strategies()


@pytest.mark.skipif(_STRATEGIES is None, reason="tests/strategies.py is missing or broken")
@examples(60)
@given(data=st.data())
def test_texts_from_strategies(capsys: pytest.CaptureFixture[str], project: Path,
                               data: st.DataObject) -> None:
    """Framework texts from tests/strategies.py give diagnostics or nothing, never a traceback."""
    text = data.draw(_STRATEGIES.ospec_texts(), label="text")
    json_format = data.draw(st.booleans(), label="json")
    check_bytes(capsys, project, text.encode("utf-8"), json_format=json_format)


# A light generator of framework texts over the names of MINI903, so that most texts reach the
# checker (not only the parser) and exercise its rules: random fields, in random order, with
# plausible or wrong values, and expressions of every form in the grammar.

_COLUMNS = ("CHILD", "LA", "SEX", "DOB", "DECOM", "RNE", "LS", "DEC", "children", "year",
            "looked_after_at_end", "header", "episodes", "cla", "nope", "mini903.header")
_ATOMS = st.one_of(
    st.sampled_from(_COLUMNS),
    st.sampled_from(("0", "1", "3", "2.5", "10000", "2024-03-31", "2023-02-29", '"text"',
                     '""', "true", "false", "6 months", "1 year 2 days", "period.end",
                     "period.start", "period.year", "period.nope", "this.DOB", "this.CHILD")),
)
_CODESETS = st.sampled_from(("{C1}", "{C1, V3}", "{S, P}", "{1}", "{9}", "short_breaks",
                             "new_placement", "nothing"))
_DATASETS = st.sampled_from(("episodes", "header", "population", "cla", "mini903.episodes"))


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Every compound form, in brackets so that most texts parse and reach the checker."""
    two = st.tuples(inner, inner)
    return st.one_of(
        inner.map("not {}".format),
        inner.map("-{}".format),
        two.map(" and ".join),
        two.map(" or ".join),
        st.tuples(inner, st.sampled_from(("=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/")),
                  inner).map(" ".join),
        st.tuples(inner, st.sampled_from(("in", "not in")), _CODESETS).map(" ".join),
        inner.map("{} in period".format),
        inner.map("{} is missing".format),
        inner.map("{} is not missing".format),
        st.tuples(inner, st.sampled_from(("6 months", "1 year", "28 days")),
                  st.sampled_from(("before", "after")), inner).map(
            lambda p: f"{p[0]} within {p[1]} {p[2]} {p[3]}"),
        two.map(lambda p: f"age({p[0]}, {p[1]})"),
        two.map(lambda p: f"days_between({p[0]}, {p[1]})"),
        st.tuples(st.sampled_from(("count", "any", "all", "sum", "min", "max", "first", "last")),
                  st.none() | inner, _DATASETS, st.sampled_from(("", " for same CHILD")),
                  st.none() | inner, st.none() | inner).map(_aggregate),
    ).map("({})".format)


def _aggregate(p: tuple[str, str | None, str, str, str | None, str | None]) -> str:
    function, value, dataset, link, where, order = p
    text = f"{function}({value + ' of ' if value else ''}{dataset}{link}"
    text += f" where {where}" if where else ""
    text += f" by {order}" if order else ""
    return text + ")"


_EXPRS = st.recursive(_ATOMS, _compound, max_leaves=8)
_POPULATIONS = st.tuples(_DATASETS, st.none() | _EXPRS).map(
    lambda p: p[0] + (f" where {p[1]}" if p[1] else ""))
_QUANTITIES = st.one_of(
    _POPULATIONS,
    st.sampled_from(("cohort where count(episodes where RNE in new_placement) >= 3",
                     "sum(children of population for period - 1)", "cla",
                     "count(episodes where DECOM in period)")),
    _EXPRS.map("cohort where {}".format),
)
_WORD = st.sampled_from(("outcome", "process", "context", "proportion", "rate", "mean",
                         "median", "count", "ratio", "higher_is_better", "lower_is_better",
                         "no_judgement", "wilson", "byars", "student_t", "none", "bogus"))
_FIELDS = st.one_of(
    _WORD.map("kind {}".format),
    _WORD.map("statistic {}".format),
    st.sampled_from(("unit percent", "unit per 10,000", "unit per 1000", 'unit "days"')),
    _POPULATIONS.map("cohort {}".format),
    _QUANTITIES.map("numerator {}".format),
    _QUANTITIES.map("denominator {}".format),
    _EXPRS.map("measure {}".format),
    _EXPRS.map('exclude {} "reason"'.format),
    st.tuples(_WORD, st.sampled_from(("", ' "why"'))).map(lambda p: f"polarity {p[0]}{p[1]}"),
    st.lists(st.sampled_from(("england", "region", "statistical_neighbours median",
                              "statistical_neighbours pooled", "target 10.5", "target -3",
                              "population demo.ind_0", "population ind_1")),
             min_size=1, max_size=4).map(lambda items: "compare " + ", ".join(items)),
    st.tuples(_WORD, st.lists(st.sampled_from(("95%", "99.8%", "50.5%")),
                              max_size=3)).map(
        lambda p: f"confidence {p[0]} {', '.join(p[1])}".rstrip()),
    st.sampled_from(("suppress counts 1..5", "suppress counts 5..1", "suppress none",
                     "breakdown by SEX", "breakdown by SEX, LA", "breakdown by nope",
                     "serves improve exact", "serves improve sideways", "serves stable exact",
                     'description "About this indicator"', "status draft",
                     "reviewed 2024-01-01", "# a comment")),
)
_INDICATORS = st.tuples(
    st.sampled_from(("", ' "Title"')), st.sampled_from(("", "", " from ind_0", " from nope.x")),
    st.lists(_FIELDS, max_size=10),
)
_MODULE_ITEMS = st.sampled_from((
    "period year ending 31 March", "period year ending 30 February", "suppress counts 0..9",
    "round england, region to nearest 5", "round nowhere to nearest 0.5", 'version "1"',
    "cohort everyone = header", 'goal improve "Improve outcomes" { serves improve exact }',
    "define recent for episodes = DECOM within 6 months before period.end",
    'import "datasets/mini903.ospec" as lib', 'import "missing.ospec"', 'import "../up.ospec"',
    'import "/etc/passwd"', 'import "input.ospec"', "# a comment",
))


@st.composite
def framework_texts(draw: st.DrawFn) -> str:
    """A framework over MINI903 with random module items, outcomes and indicators."""
    lines = [draw(st.sampled_from(("framework demo \"Demo\" {", "framework demo {",
                                   "library demo {"))),
             '  import "datasets/mini903.ospec"',
             "  cohort cla = header where any(episodes where looked_after_at_end)"]
    lines += ["  " + item for item in draw(st.lists(_MODULE_ITEMS, max_size=4))]
    number = 0
    for section in range(draw(st.integers(1, 2))):
        lines.append(f'  {draw(st.sampled_from(("outcome", "enabler")))} s{section} "S" {{')
        for _ in range(draw(st.integers(0, 3))):
            title, origin, fields = draw(_INDICATORS)
            lines.append(f"    indicator ind_{number}{title}{origin} {{")
            lines += ["      " + field for field in fields]
            lines.append("    }")
            number += 1
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


@examples(100)
@given(text=framework_texts(), json_format=st.booleans())
def test_generated_frameworks(capsys: pytest.CaptureFixture[str], project: Path, text: str,
                              json_format: bool) -> None:
    """Frameworks over MINI903's names, right or wrong, give well-formed diagnostics only."""
    check_bytes(capsys, project, text.encode("utf-8"), json_format=json_format)


# A soup of the grammar's own words and symbols: reaches the parser's error paths.
_GRAMMAR_WORDS = sorted(set(re.findall(r'"([^"\s]+)"',
                                       (REPO / "grammar" / "outcomespec.lark").read_text(
                                           encoding="utf-8"))))
_TOKENS = st.one_of(
    st.sampled_from(_GRAMMAR_WORDS),
    st.sampled_from(("{", "}", "(", ")", ",", "=", "<=", "..", ".", "-", "+", "*", "/", '"t"',
                     '"', "#c\n", "1", "10,000", "95%", "2024-01-01", "9999-99-99", "x", "A1",
                     "\n", "\t", "\r", "\r\n", "\\", "é", "\u2028", "\ufeff", "\x1b")),
)


@examples(100)
@given(tokens=st.lists(_TOKENS, max_size=60), prefix=st.sampled_from(("", "framework x {",
                                                                       "library x { ")))
def test_token_soup(capsys: pytest.CaptureFixture[str], project: Path, tokens: list[str],
                    prefix: str) -> None:
    """A soup of the grammar's own words and symbols gives well-formed diagnostics only."""
    check_bytes(capsys, project, (prefix + " ".join(tokens)).encode("utf-8"))


# ------------------------------------------------------------------ mutations and truncations


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed file with 1–4 random edits: characters, lines or blocks."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(("insert", "delete", "replace", "swap_lines",
                                       "duplicate_block", "delete_block")))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "insert":
            garbage = draw(st.integers(0, 9)) == 0
            data[at:at] = draw(st.binary(min_size=1, max_size=8)) if garbage else draw(
                st.text(max_size=8).map(str.encode) | st.sampled_from(
                    (b"{", b"}", b"(", b")", b'"', b"#", b"\n", b"not ", b" and ", b"where ",
                     b"import \"x.ospec\"\n", b"\x00", b"\xff")))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif action == "replace" and data:
            data[at] = draw(st.integers(0, 255) if draw(st.integers(0, 9)) == 0
                            else st.integers(32, 126))
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if action == "swap_lines":
                lines[i], lines[j] = lines[j], lines[i]
            elif action == "duplicate_block":
                lo, hi = sorted((i, j))
                lines[hi:hi] = lines[lo:hi + 1][:40]
            else:
                lo, hi = sorted((i, j))
                del lines[lo:hi + 1]
            data = bytearray(b"\n".join(lines))
    return name, bytes(data)


@examples(120)
@given(case=mutated(), json_format=st.booleans())
def test_mutated_files(capsys: pytest.CaptureFixture[str], project: Path,
                       case: tuple[str, bytes], json_format: bool) -> None:
    """A seed file with one to four random edits gives well-formed diagnostics only."""
    name, data = case
    check_bytes(capsys, project, data, name=name, json_format=json_format)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_truncations(capsys: pytest.CaptureFixture[str], project: Path, name: str) -> None:
    """Cut each seed after every k-th byte (about 40 cuts a file, and inside multi-byte UTF-8)."""
    data = SEEDS[name]
    step = max(1, len(data) // 40)
    for cut in [*range(0, len(data), step), len(data) - 1]:
        check_bytes(capsys, project, data[:cut], name=name)


# ------------------------------------------------------------------ random bytes and text


@examples(150)
@given(data=st.binary(max_size=2000))
def test_random_bytes(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes) -> None:
    """Random bytes give well-formed diagnostics only."""
    check_bytes(capsys, tmp_path, data)


@examples(100)
@given(text=st.text(max_size=400), prefix=st.sampled_from(("", "framework x {", "library x {",
                                                          'framework x "t" { import "')))
def test_random_text(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str,
                     prefix: str) -> None:
    """Random text, alone or after the start of a module, gives well-formed diagnostics only."""
    check_bytes(capsys, tmp_path, (prefix + text).encode("utf-8", errors="surrogatepass"))


@pytest.mark.parametrize("data", [
    b"framework x {\xff}",
    b"\xff\xfe",
    b"framework x {\n  version \"\xc3\"\n}\n",
    b"framework x { \xed\xa0\x80 }",  # an encoded lone surrogate
    b"framework x { \xc0\xaf }",  # an overlong encoding
    b"library x {}\xe2\x82",  # cut inside a character at the end
    b"\xef\xbb\xbf\xff",  # a byte-order mark, then garbage
    "framework x { }".encode("utf-16"),
    "framework x { }".encode("utf-32"),
    b"\xef\xbb\xbf\xef\xbb\xbflibrary x { }",  # two byte-order marks
], ids=repr)
def test_invalid_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes) -> None:
    """Bytes that are not UTF-8 (overlong, surrogates, cut, UTF-16/32) are reported, not raised."""
    codes = check_bytes(capsys, tmp_path, data)
    assert codes, "bad bytes must be reported"


@pytest.mark.parametrize("data", [
    b"\x00",
    b"framework x {\x00}",
    b"library x { }\n\x00",
    b'library x { version "\x00" }',
    b"library x { }  # \x00 in a comment",
    b"\x00" * 10_000,
], ids=lambda d: repr(d[:30]))
def test_nul_bytes(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes) -> None:
    """A NUL byte anywhere is E002, and only E002."""
    assert check_bytes(capsys, tmp_path, data) == ["E002"]


# ------------------------------------------------------------------ deep nesting

DEPTH = 10_000
_IN_DEFINE = ("library deep {\n  dataset d {\n    rows r\n    column a integer\n  }\n"
              "  define x for d = ", "\n}\n")


def _wrap(expr: str) -> bytes:
    return (_IN_DEFINE[0] + expr + _IN_DEFINE[1]).encode()


NESTING = {
    "parens_alone": ("(" * DEPTH).encode(),
    "parens_balanced": _wrap("(" * DEPTH + "a = 1" + ")" * DEPTH),
    "parens_unclosed": _wrap("(" * DEPTH + "a = 1"),
    "braces_alone": ("{" * DEPTH).encode(),
    "braces_balanced": ("library x { codelist c " + "{" * DEPTH + "}" * DEPTH + "}").encode(),
    "not_alone": ("not " * DEPTH).encode(),
    "not_in_define": _wrap("not " * DEPTH + "a = 1"),
    "minus_alone": ("- " * DEPTH).encode(),
    "minus_in_define": _wrap("- " * DEPTH + "a = 1"),
    "not_parens": _wrap("not (" * DEPTH + "a = 1" + ")" * DEPTH),
    "aggregates": _wrap("any(d where " * DEPTH + "a = 1" + ")" * DEPTH),
    "plus_chain": _wrap(" + ".join(["a"] * DEPTH) + " = 1"),
}


@pytest.mark.parametrize("name", sorted(NESTING))
def test_deep_nesting(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    """10,000-deep nesting is a syntax error (E1xx) or too deep (E104), never a RecursionError."""
    codes = check_bytes(capsys, tmp_path, NESTING[name])
    if name.endswith(("_alone", "_unclosed")) or name in ("braces_balanced",):
        assert codes, "a syntax error must be reported"
        assert all(code.startswith("E1") for code in codes), codes
    if name in ("not_in_define", "minus_in_define", "not_parens", "aggregates", "plus_chain"):
        assert "E104" in codes, codes


# ------------------------------------------------------------------ files that are not frameworks


def test_ten_megabyte_file_is_refused_unread(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10 MiB file is E003 (over the 8 MiB limit) without being read."""
    path = tmp_path / "huge.ospec"
    path.write_bytes((b"# " + b"x" * 1021 + b"\n") * (10 * 1024))
    assert path.stat().st_size == 10 * 1024 * 1024
    read = Path.read_bytes

    def guarded(self: Path) -> bytes:
        assert self.resolve() != path.resolve(), "the oversized file was read"
        return read(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    code, out, err = run_cli(capsys, "check", path, "--root", tmp_path)
    assert assert_clean(code, out, err) == ["E003"]
    first = out.split("\n")[0]
    assert first.startswith(f"{path}: error[E003]: ")
    assert "larger than the 8 MiB limit" in first
    code, out, err = run_cli(capsys, "check", path, "--root", tmp_path, "--format", "json")
    assert assert_clean(code, out, err, json_format=True) == ["E003"]


@pytest.mark.parametrize(("data", "code"), [
    (b"", "E107"),
    (b"\n\n  \t\n", "E107"),
    (b"# only a comment", "E107"),
    (b"# one\n# two\n   # three\n#\n", "E107"),
    (b"\xef\xbb\xbf# a byte-order mark and a comment\n", "E107"),
], ids=["empty", "blank", "one-comment", "comments", "bom-comment"])
def test_files_without_a_module(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes,
                                code: str) -> None:
    """Empty, blank and comment-only files are E107 (no module)."""
    assert check_bytes(capsys, tmp_path, data) == [code]


def test_directory_as_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A directory given as a file is E001, as text and as JSON."""
    (tmp_path / "folder.ospec").mkdir()
    assert check(capsys, tmp_path / "folder.ospec", root=tmp_path) == ["E001"]
    assert check(capsys, tmp_path, root=tmp_path, json_format=True) == ["E001"]


def test_missing_and_odd_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Missing, overlong and odd paths are E001; a --root that does not exist is one usage line."""
    (tmp_path / "plain.ospec").write_text("library plain { }\n", encoding="utf-8")
    assert check(capsys, tmp_path / "no-such.ospec", root=tmp_path) == ["E001"]
    assert check(capsys, tmp_path / "plain.ospec" / "x.ospec", root=tmp_path) == ["E001"]
    assert check(capsys, tmp_path / ("n" * 300 + ".ospec"), root=tmp_path) == ["E001"]
    assert check(capsys, tmp_path / "\u00e9\u2028\x1b.ospec", root=tmp_path) == ["E001"]
    # the same file twice, a missing file and a directory, all at once
    check(capsys, tmp_path / "plain.ospec", tmp_path / "plain.ospec", tmp_path / "nope",
          tmp_path, root=tmp_path)
    # a root that does not exist is a usage error: one clean line, exit 2
    code, out, err = run_cli(capsys, "check", tmp_path / "plain.ospec", "--root",
                             tmp_path / "nowhere")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("outcomespec: error: --root ")


def test_usage_errors_are_one_clean_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Missing arguments, a bad choice or an unknown command: exit 2 and one error line."""
    for args in (["check"], [], ["check", "--format", "xml", "f.ospec"], ["frobnicate"],
                 ["check", "--root"]):
        code, out, err = run_cli(capsys, *args)
        assert code == 2, (args, code)
        assert "Traceback" not in out + err
        assert err.rstrip("\n").split("\n")[-1].startswith("outcomespec: error: "), err


# ------------------------------------------------------------------ internal errors


def _boom(*args: object, **kwargs: object) -> object:
    raise RuntimeError("forced failure")


def test_internal_error_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in outcomespec is exit 70 and one line asking for a report, no traceback."""
    monkeypatch.setattr(cli, "check_paths", _boom)
    (tmp_path / "f.ospec").write_text("library f { }\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "check", tmp_path / "f.ospec")
    assert code == 70
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert err.endswith("\n")
    assert err.startswith("outcomespec: internal error (RuntimeError)")
    assert "forced failure" not in err


def test_internal_error_with_debug_shows_the_traceback(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With --debug, an internal error prints its traceback before the one line."""
    monkeypatch.setattr(cli, "check_paths", _boom)
    (tmp_path / "f.ospec").write_text("library f { }\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "--debug", "check", tmp_path / "f.ospec")
    assert code == 70
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: forced failure" in err
    assert err.rstrip("\n").split("\n")[-1].startswith("outcomespec: internal error")


# ------------------------------------------------------------------ as a subprocess


def test_subprocess_hostile_files(tmp_path: Path) -> None:
    """A handful of the cases above in a fresh interpreter: nothing escapes `main`."""
    (tmp_path / "huge.ospec").write_bytes(b"#" * (10 * 1024 * 1024))
    (tmp_path / "bad.ospec").write_bytes(b"framework x {\xff}")
    (tmp_path / "nul.ospec").write_bytes(b"library x {\x00}")
    (tmp_path / "deep.ospec").write_bytes(NESTING["parens_alone"])
    (tmp_path / "noise.ospec").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.ospec").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    names = ["huge.ospec", "bad.ospec", "nul.ospec", "deep.ospec", "noise.ospec",
             "empty.ospec", "folder", "missing.ospec"]
    code, out, err = run_subprocess("check", *names, cwd=tmp_path)
    codes = assert_clean(code, out, err)
    assert codes.count("E003") == 1, codes
    assert codes.count("E002") >= 2, codes
    assert "E001" in codes, codes
    code, out, err = run_subprocess("check", "--format", "json", *names, cwd=tmp_path)
    assert_clean(code, out, err, json_format=True)


def test_subprocess_internal_error_and_usage(tmp_path: Path) -> None:
    """In a fresh interpreter: exit 70 with --debug's traceback only, and usage is exit 2."""
    (tmp_path / "f.ospec").write_text("library f { }\n", encoding="utf-8")
    forced = ("import sys, outcomespec.cli.commands as c\n"
              "def boom(*a, **k): raise RuntimeError('forced failure')\n"
              "c.check_paths = boom\n"
              "raise SystemExit(c.main(sys.argv[1:]))\n")
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    for debug in (False, True):
        args = ["--debug"] * debug + ["check", "f.ospec"]
        done = subprocess.run([sys.executable, "-c", forced, *args], cwd=tmp_path,
                              env=environment, capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 70
        assert done.stdout == ""
        assert ("Traceback" in done.stderr) == debug, done.stderr
        if not debug:
            assert done.stderr.count("\n") == 1
    code, out, err = run_subprocess("check", cwd=tmp_path)
    assert code == 2
    assert "Traceback" not in out + err
    assert err.rstrip("\n").split("\n")[-1].startswith("outcomespec: error: ")


# ------------------------------------------------------------------ crashes found and fixed


def _symlink_loop(directory: Path) -> Path:
    loop = directory / "loop.ospec"
    os.symlink(loop.name, loop)
    return loop


def test_symlink_loop_as_file(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A symbolic link that loops, given as a relative file name, is reported."""
    loop = _symlink_loop(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert check(capsys, Path(loop.name))


def test_symlink_loop_as_file_with_root(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    """A symbolic link that loops, given with --root, is reported."""
    loop = _symlink_loop(tmp_path)
    assert check(capsys, loop, root=tmp_path)


def test_symlink_loop_as_root(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A --root that is a looping link is exit 1 or 2 without a traceback."""
    loop = _symlink_loop(tmp_path)
    (tmp_path / "f.ospec").write_text("library f { }\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "check", tmp_path / "f.ospec", "--root", loop)
    assert "Traceback" not in out + err
    assert code in (1, 2), (code, err)


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.skipif(not Path("/dev/zero").exists() or sys.platform != "linux",
                    reason="needs Linux /dev/zero")
def test_endless_device_file(tmp_path: Path) -> None:
    """/dev/zero is refused in bounded memory (1 GiB address space), without a traceback."""
    code, out, err = run_subprocess("check", "/dev/zero", cwd=tmp_path, timeout=60,
                                    preexec_fn=_limit_memory)
    assert_clean(code, out, err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe(tmp_path: Path) -> None:
    """A named pipe with no writer is refused at once, not waited on."""
    os.mkfifo(tmp_path / "pipe.ospec")
    code, out, err = run_subprocess("check", "pipe.ospec", cwd=tmp_path, timeout=3)
    assert_clean(code, out, err)


def test_output_encoding_that_cannot_show_diagnostics(tmp_path: Path) -> None:
    """Diagnostics written to a cp1252 console give exit 1, not an encoding traceback."""
    (tmp_path / "a.ospec").write_text('library a {\n  import "b.ospec"\n}\n', encoding="utf-8")
    (tmp_path / "b.ospec").write_text('library b {\n  import "a.ospec"\n}\n', encoding="utf-8")
    code, out, err = run_subprocess("check", "a.ospec", cwd=tmp_path,
                                    env={"PYTHONIOENCODING": "cp1252"})
    assert "Traceback" not in out + err
    assert code == 1, (code, err)


# Numbers of 309 or more digits are `inf` as floats, and `int(float(text))` once raised
# OverflowError at each site listed here (the settings, the period, a code's or a column's
# years, durations). The generators above stay below that size so that they keep finding new
# problems.
HUGE = "9" * 309
_HUGE_LIBRARY = ("library l {\n  dataset d {\n    rows r\n    column a date\n"
                 "    column n number\n  }\n  define x for d = ", "\n}\n")


@pytest.mark.parametrize("text", [
    pytest.param(f"framework f {{\n  suppress counts 1..{HUGE}\n}}\n", id="suppress-counts"),
    pytest.param(f"framework f {{\n  round england to nearest {HUGE}\n}}\n", id="round"),
    pytest.param(f"framework f {{\n  period year ending {HUGE} March\n}}\n", id="period"),
    pytest.param(f'library l {{\n  codelist c {{ A "a" from {HUGE} }}\n}}\n', id="code-from"),
    pytest.param(f"library l {{\n  dataset d {{\n    rows r\n    column a integer until {HUGE}\n"
                 "  }\n}\n", id="column-until"),
    pytest.param(_HUGE_LIBRARY[0] + f"a within {HUGE} days before period.end" + _HUGE_LIBRARY[1],
                 id="duration"),
    pytest.param(_HUGE_LIBRARY[0] + f"a > period.end - {HUGE}.5 years" + _HUGE_LIBRARY[1],
                 id="duration-arithmetic"),
    pytest.param(_HUGE_LIBRARY[0] + f"n > {HUGE} and n * -{HUGE} < 1" + _HUGE_LIBRARY[1],
                 id="comparison"),
    pytest.param(_HUGE_LIBRARY[0] + "a within 99999999999999999999 days before period.end"
                 + _HUGE_LIBRARY[1], id="long-duration"),
    pytest.param(f'framework f {{\n  outcome o "O" {{\n    indicator i "I" {{\n'
                 f"      compare target {HUGE}\n      confidence wilson {HUGE}%\n"
                 "    }\n  }\n}\n", id="indicator-fields"),
    pytest.param(f'framework f {{\n  outcome o "O" {{\n    indicator i "I" {{\n'
                 f"      unit per {HUGE}\n      suppress counts {HUGE}..{HUGE}\n"
                 "    }\n  }\n}\n", id="indicator-unit"),
])
def test_huge_numbers(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str) -> None:
    """Numbers of 309 or more digits, wherever the language takes a number, give no traceback."""
    check_bytes(capsys, tmp_path, text.encode())
