"""Work stays bounded whatever the input: "did you mean" suggestions, and data files of junk.

- The banded, early-stopping edit distance equals the full table's, and `did_you_mean`
  suggests what comparing every candidate in full would, for inputs within its bounds; the
  work it does is counted (calls of the distance), not timed.
- Framework files built to make suggestions slow (a 16 KB file of long unknown names took a
  minute to check; a 1.4 MB name 166 s) make at most `MAX_COMPARED` full comparisons for
  each unknown name, of names no longer than `MAX_NAME` (and its allowance of edits); their
  twins, whose names all resolve, make none. The comparisons are counted, not timed.
- Data files of junk (2 GB of NUL bytes, a spreadsheet saved as `.csv`, a first line of
  megabytes, Parquet that is not) are refused from their first mebibyte, with a D108 that
  names the file and says what it is: the bytes read are counted (what Python reads from the
  file, and the whole file for each read by pyarrow), not timed. Any bytes are read in a
  bounded number of passes over the file; files over the size limit are refused before they
  are read, and the limit can be raised.
"""

from __future__ import annotations

import codecs
import itertools
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import outcomespec
from outcomespec.checking import check_paths
from outcomespec.language import diagnostics
from outcomespec.language.diagnostics import (
    MAX_COMPARED,
    MAX_EDITS,
    MAX_NAME,
    Diagnostic,
    did_you_mean,
    edit_distance,
)
from outcomespec.loading.loader import LoadResult, codelists_of, load_table
from outcomespec.loading.sniffing import HEAD_BYTES, LIMIT_VARIABLE
from tests.paths import REPO

TABLE = REPO / "frameworks" / "data" / "dfe" / "cla_numbers.csv"


def full_distance(a: str, b: str) -> int:
    """The optimal string alignment distance by the whole table: the plain reference."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[len(a)][len(b)]


def every_candidate(word: str, candidates: list[str], limit: int = 3) -> str | None:
    """What `did_you_mean` suggests, computed by comparing every candidate in full."""
    allowed = min(len(word) // 3 + 1, MAX_EDITS)
    scored = sorted((full_distance(word.lower(), c.lower()), c) for c in set(candidates))
    near = [(d, c) for d, c in scored if d <= allowed]
    if not near:
        return None
    best = [c for d, c in near if d == near[0][0]][:limit]
    if len(best) == 1:
        return f"did you mean `{best[0]}`?"
    return "did you mean " + ", ".join(f"`{c}`" for c in best[:-1]) + f" or `{best[-1]}`?"


WORDS = st.text(alphabet="abcAB_", max_size=12)


@given(a=WORDS, b=WORDS, most=st.integers(0, 7))
@settings(max_examples=400, deadline=None)
def test_banded_distance_is_the_full_distance(a: str, b: str, most: int) -> None:
    """Within `most`, the banded distance is the full table's; beyond it, None."""
    full = full_distance(a, b)
    assert edit_distance(a, b, most) == (full if full <= most else None)


@given(word=WORDS, candidates=st.lists(WORDS, max_size=30))
@settings(max_examples=300, deadline=None)
def test_suggestions_are_those_of_comparing_every_candidate(word: str,
                                                            candidates: list[str]) -> None:
    """For inputs within the bounds, pruning changes no suggestion."""
    assert did_you_mean(word, candidates) == every_candidate(word, candidates)


def test_known_suggestions() -> None:
    """Misspellings users make, with their suggestions."""
    assert did_you_mean("lower_better", ["lower_is_better", "higher_is_better",
                                         "no_judgement"]) == "did you mean `lower_is_better`?"
    assert did_you_mean("DECMO", ["DECOM", "DEC", "DOB"]) == "did you mean `DECOM`?"
    assert did_you_mean("c3", ["C1", "C2", "V3", "L1"]) == "did you mean `C1`, `C2` or `V3`?"
    assert did_you_mean("children_looked_after_in_year", ["chidren_looked_after_in_yaer"]) == \
        "did you mean `chidren_looked_after_in_yaer`?"


def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the full comparisons `did_you_mean` makes."""
    calls: list[int] = []
    real = diagnostics.edit_distance

    def counting(a: str, b: str, most: int) -> int | None:
        calls.append(1)
        return real(a, b, most)

    monkeypatch.setattr(diagnostics, "edit_distance", counting)
    return calls


def test_comparisons_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """20,000 candidates one or two letters away: at most MAX_COMPARED full comparisons, and the
    suggestion is still one of the closest."""
    calls = counted(monkeypatch)
    candidates = [f"definition_{i:05d}" for i in range(20_000)]
    suggestion = did_you_mean("definition_0000x", candidates)
    assert 1 <= len(calls) <= MAX_COMPARED
    assert suggestion is not None
    assert suggestion.startswith("did you mean `definition_0000")


def test_long_names_cost_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name over MAX_NAME characters is compared with nothing; one just within is."""
    calls = counted(monkeypatch)
    assert did_you_mean("x" * 1_400_000, ["x" * 1_399_999, "y"]) is None
    assert did_you_mean("x" * (MAX_NAME + 1), ["x" * MAX_NAME]) is None
    assert calls == []
    assert did_you_mean("x" * MAX_NAME, ["x" * (MAX_NAME - 1)]) is not None
    assert len(calls) == 1


# ------------------------------------------------------------------ checking within budget

_HEAD = "library slow {\n  dataset d {\n    rows r\n    column a integer\n  }\n"


def _defines(reference: Callable[[int], str], size: int = 16_000) -> str:
    """A library of definitions, each referring to `reference(i)`, of about `size` bytes."""
    lines = [_HEAD]
    for i in itertools.count():
        if sum(map(len, lines)) >= size:
            break
        lines.append(f"  define definition_number_{i:04d}_long for d = {reference(i)} > 1\n")
    return "".join(lines) + "}\n"


def _anagrams(reference: str) -> str:
    names = ["".join(p) for p in itertools.islice(itertools.permutations("abcdefghijklmnop"),
                                                  400)]
    references = [names[k + 200] + "x" if reference == "bad" else "a" for k in range(200)]
    lines = [_HEAD] + [f"  define {name} for d = {ref} > 1\n"
                       for name, ref in zip(names[:200], references, strict=True)]
    return "".join(lines) + "}\n"


def _huge_name(reference: str) -> str:
    name = "x" * 1_400_000
    if reference == "bad":
        return f"{_HEAD}  define q for d = {name} > 1\n  define r for d = {name}y > 1\n}}\n"
    return f"{_HEAD}  define q for d = a > 1\n  define r for d = a > 1\n  # {name}{name}\n}}\n"


SLOW = {
    "unknown_long_names": lambda kind: _defines(
        (lambda i: f"unknown_name_{i:04d}_that_is_also_long") if kind == "bad" else
        (lambda i: "a")),
    "near_misses": lambda kind: _defines(
        (lambda i: f"definition_number_{i + 1:04d}_lonh") if kind == "bad" else
        (lambda i: "a")),
    "anagrams": _anagrams,
    "a_1.4_MB_name": _huge_name,
}
"""Texts built to make suggestions slow ("bad") and their twins whose names resolve."""


def _check(tmp_path: Path, name: str, text: str) -> list[str]:
    """The codes of the errors of checking `text` as a file of its own."""
    path = tmp_path / f"{name}.ospec"
    path.write_text(text, encoding="utf-8")
    return [d.code for d in check_paths([path], tmp_path).diagnostics if d.is_error]


@pytest.mark.parametrize("case", sorted(SLOW))
def test_checking_stays_within_budget(tmp_path: Path, case: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Each slow text reports its unknown names with at most MAX_COMPARED full comparisons
    each, of names of at most MAX_NAME characters; its twin makes none."""
    compared: list[tuple[str, str]] = []
    real = diagnostics.edit_distance

    def counting(a: str, b: str, most: int) -> int | None:
        compared.append((a, b))
        return real(a, b, most)

    monkeypatch.setattr(diagnostics, "edit_distance", counting)
    assert _check(tmp_path, "good", SLOW[case]("good")) == []
    assert compared == []
    bad = _check(tmp_path, "bad", SLOW[case]("bad"))
    assert bad
    assert set(bad) == {"E201"}
    assert len(compared) <= MAX_COMPARED * len(bad), (len(compared), len(bad))
    assert max((max(len(a), len(b)) for a, b in compared), default=0) <= MAX_NAME + MAX_EDITS


# ------------------------------------------------------------------ data files of junk


@pytest.fixture(scope="module")
def cla_numbers() -> tuple[outcomespec.Framework, object]:
    """The dataset of DfE's table of children looked after, and its framework."""
    framework = outcomespec.load(REPO / "frameworks" / "dfe_published.ospec")
    (dataset,) = [d for d in framework.datasets() if d.name == "dfe_tables.cla_numbers"]
    return framework, dataset


def _load(cla_numbers: tuple[outcomespec.Framework, object], path: Path) -> LoadResult:
    framework, dataset = cla_numbers
    return load_table(dataset, path, codelists_of(framework.modules))  # type: ignore[arg-type]


class _Counted:
    """A file object that adds what is read from it to `read`."""

    def __init__(self, stream: Any, read: dict[str, int]) -> None:
        self._stream, self._read = stream, read

    def read(self, *size: int) -> Any:
        data = self._stream.read(*size)
        self._read["bytes"] += len(data.encode() if isinstance(data, str) else data)
        return data

    def __iter__(self) -> Iterator[Any]:
        for line in self._stream:
            self._read["bytes"] += len(line.encode() if isinstance(line, str) else line)
            yield line

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def reading(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count what loading reads: the bytes Python reads from files, and each read by pyarrow
    (CSV or Parquet), which reads the whole file, as its size in bytes and one pass."""
    read = {"bytes": 0, "passes": 0}
    opened = Path.open

    def counted_open(path: Path, *args: Any, **kwargs: Any) -> Any:
        read["passes"] += 1
        return _Counted(opened(path, *args, **kwargs), read)

    def whole(real: Callable[..., Any]) -> Callable[..., Any]:
        def counted(source: Any, *args: Any, **kwargs: Any) -> Any:
            read["bytes"] += Path(source).stat().st_size
            read["passes"] += 1
            return real(source, *args, **kwargs)
        return counted

    monkeypatch.setattr(Path, "open", counted_open)
    monkeypatch.setattr(pacsv, "read_csv", whole(pacsv.read_csv))
    monkeypatch.setattr(pq, "read_table", whole(pq.read_table))
    return read


def _sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of `size` bytes that takes no disk: `head`, then NUL bytes."""
    with path.open("wb") as stream:
        stream.write(head)
        stream.truncate(size)
    return path


JUNK: dict[str, tuple[Callable[[Path], Path], str]] = {
    "2 GB of NUL bytes": (lambda p: _sparse(p / "t.csv", 2 << 30),
                          "holds NUL bytes: it is binary data, not a CSV file"),
    "a workbook saved as .csv": (lambda p: _sparse(p / "t.csv", 2 << 30, b"PK\x03\x04"),
                                 "is a zip archive (an Excel .xlsx workbook is one), not a "
                                 "CSV file"),
    "UTF-16 text": (lambda p: _sparse(p / "t.csv", 1 << 30, "LA,N\n".encode("utf-16")),
                    "is UTF-16 text, not UTF-8"),
    "random bytes": (lambda p: _write(p / "t.csv", random.Random(13).randbytes(4 << 20)),
                     "t.csv"),
    "a first line of 3 MB": (lambda p: _write(p / "t.csv", b"x" * (3 << 20)),
                             "is longer than 1 MiB: it is not a CSV file with a header"),
    "CSV named .parquet": (lambda p: _write(p / "t.parquet", TABLE.read_bytes()),
                           "is not a Parquet file (it does not begin and end with `PAR1`)"),
    "5 GB, over the limit": (lambda p: _sparse(p / "t.csv", 5 << 30, b"LA,N\n"),
                             "is larger than the limit for a data file (5 GiB, limit 4 GiB)"),
}
"""Files that are not data, and what their D108 says."""


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(JUNK))
def test_junk_is_refused_from_its_start(tmp_path: Path, case: str,
                                        monkeypatch: pytest.MonkeyPatch,
                                        cla_numbers: tuple[outcomespec.Framework, object]
                                        ) -> None:
    """Each junk file is refused with a D108 naming it, from at most its first mebibyte (and
    a Parquet file's last four bytes), opened once and never given to pyarrow."""
    make, says = JUNK[case]
    path = make(tmp_path)
    read = reading(monkeypatch)
    result = _load(cla_numbers, path)
    assert result.table is None
    (problem,) = result.diagnostics
    assert problem.code == "D108"
    assert problem.path == str(path)
    assert says in problem.message
    assert read["bytes"] <= HEAD_BYTES + 4, read
    assert read["passes"] <= 1, read


def test_a_real_table_is_read_in_three_passes(monkeypatch: pytest.MonkeyPatch,
                                            cla_numbers: tuple[outcomespec.Framework, object]
                                            ) -> None:
    """The yardstick of the bounds: DfE's table, which quotes some values, is read by one pass
    of Python's over its bytes (its first mebibyte looked at, then the whole file), one read by
    pyarrow and one by the `csv` module, for the line each row begins on."""
    size = TABLE.stat().st_size
    read = reading(monkeypatch)
    assert _load(cla_numbers, TABLE).ok
    bom = len(codecs.BOM_UTF8)  # the `csv` module reads the text after it
    assert read == {"bytes": 4 * size - bom, "passes": 3}


PASSES = 2 * 14 + 6
"""The most passes over a file of DfE's table (14 columns, 2 of them numbers) that loading
may make: Python's scan, one more to name a line (a bad byte, a malformed row), the `csv`
module's reading of a quoted file and the header; pyarrow's typed read, once more for each
number column it cannot parse and once more to quote one, and once to number rows. 34 is
generous: what fails it is work that grows with the rows, such as a read per row."""


@given(head=st.binary(min_size=1, max_size=64), tail=st.binary(max_size=256))
@settings(max_examples=60, deadline=None)
def test_any_bytes_are_read_or_refused_in_few_passes(
        tmp_path_factory: pytest.TempPathFactory, head: bytes, tail: bytes,
        cla_numbers: tuple[outcomespec.Framework, object]) -> None:
    """Arbitrary bytes, alone or before a real table, come back as a table or diagnostics
    (never an exception), read in at most PASSES passes of the file's size each."""
    path = tmp_path_factory.mktemp("junk") / "t.csv"
    path.write_bytes(head + TABLE.read_bytes()[:4096] + tail)
    with pytest.MonkeyPatch.context() as monkeypatch:
        read = reading(monkeypatch)
        result = _load(cla_numbers, path)
    assert read["passes"] <= PASSES, read
    assert read["bytes"] <= PASSES * path.stat().st_size, read
    assert result.table is not None or (
        bool(result.diagnostics) and all(isinstance(d, Diagnostic) for d in result.diagnostics))


def test_the_limit_can_be_lowered_and_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             cla_numbers: tuple[outcomespec.Framework, object]
                                             ) -> None:
    """OUTCOMESPEC_MAX_DATA_BYTES: a real table over a 1K limit is refused with how to read
    it; under 8M it is read; a setting that is not a size is a D108 saying so."""
    monkeypatch.setenv(LIMIT_VARIABLE, "1K")
    (problem,) = _load(cla_numbers, TABLE).diagnostics
    assert problem.message.endswith("is larger than the limit for a data file (393 KiB, "
                                    "limit 1 KiB)")
    assert problem.help is not None
    assert problem.help.endswith(f"set {LIMIT_VARIABLE} (e.g. {LIMIT_VARIABLE}=2M)")
    monkeypatch.setenv(LIMIT_VARIABLE, "8M")
    assert _load(cla_numbers, TABLE).ok
    monkeypatch.setenv(LIMIT_VARIABLE, "lots")
    (problem,) = _load(cla_numbers, TABLE).diagnostics
    assert f"{LIMIT_VARIABLE} is `lots`, not a size" in problem.message


def test_parquet_over_the_limit_by_its_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               cla_numbers: tuple[outcomespec.Framework,
                                                                  object]) -> None:
    """A Parquet file is measured by its columns uncompressed, which is what is read."""
    csv = pytest.importorskip("pyarrow.csv")
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "t.parquet"
    parquet.write_table(csv.read_csv(TABLE), path, compression="zstd")
    assert _load(cla_numbers, path).ok
    size = path.stat().st_size
    monkeypatch.setenv(LIMIT_VARIABLE, str(size + 1))
    (problem,) = _load(cla_numbers, path).diagnostics
    assert "is larger than the limit for a data file" in problem.message
