"""Benchmark: outcomespec's loading beside polars reading the same columns of the same files.

    python benchmarks/read.py --data DIR [--rounds 3] [--json FILE]

`run.py`'s polars engine reads only the columns the National Framework's indicators use, as
a hand-written script would; outcomespec's loader reads, types and validates every column
the datasets declare. Here polars reads exactly those columns too: every declared column of
every dataset the framework reads, each typed as outcomespec types it (dates parsed as
dd/mm/YYYY, numbers with thousands separators, booleans from their words, codes and text as
polars categoricals, identifiers as text), which is the fair yardstick for outcomespec's
load (which also checks every value, keys and repeated rows, and codes the identifiers).

Each reader runs in a process of its own, in turn, `--rounds` times; the table gives the
median seconds and the memory (growth of the resident set during the read, and after it).
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.engines import definitions as d  # noqa: E402
from benchmarks.run import _measured  # noqa: E402

READERS = ("outcomespec", "polars")


def declared_columns(directory: Path) -> dict[str, dict[str, str]]:
    """Dataset file → its declared columns that the file has, and how outcomespec types them
    (`date`, `number`, `boolean`, `category` for codes and text, `text` for identifiers)."""
    from benchmarks.engines import outcomespec_engine  # noqa: PLC0415  (a worker's import)
    from outcomespec import model as m  # noqa: PLC0415

    kinds = {m.ValueKind.DATE: "date", m.ValueKind.NUMBER: "number",
             m.ValueKind.BOOLEAN: "boolean", m.ValueKind.CODE: "category",
             m.ValueKind.TEXT: "category", m.ValueKind.IDENTIFIER: "text"}
    found: dict[str, dict[str, str]] = {}
    for fw in outcomespec_engine.frameworks_for(directory):
        for dataset in fw.datasets():
            short = dataset.name.rsplit(".", 1)[-1]
            path = directory / f"{short}.csv"
            if path.exists():
                with path.open(encoding="utf-8-sig") as stream:
                    names = [n.strip() for n in stream.readline().split(",")]
                found[short] = {c.name: kinds[c.type.kind] for c in dataset.columns
                                if c.name in names}
    return found


def read_polars(directory: Path, columns: dict[str, dict[str, str]]) -> Any:
    """Every file's declared columns, typed, in polars."""
    import polars as pl  # noqa: PLC0415

    frames = {}
    for short, kinds in columns.items():
        frame = pl.read_csv(directory / f"{short}.csv", columns=list(kinds), infer_schema=False,
                            null_values=[""])
        typed = []
        for name, kind in kinds.items():
            column = pl.col(name).str.strip_chars()
            if kind == "date":
                typed.append(column.str.to_date("%d/%m/%Y", strict=False).alias(name))
            elif kind == "number":
                typed.append(column.str.replace_all(",", "").cast(pl.Float64, strict=False))
            elif kind == "boolean":
                lowered = column.str.to_lowercase()
                typed.append(pl.when(lowered.is_in(d.TRUE_WORDS)).then(1)
                             .when(lowered.is_in(d.FALSE_WORDS)).then(0)
                             .otherwise(None).cast(pl.Int8).alias(name))
            elif kind == "category":
                typed.append(column.cast(pl.Categorical))
            else:
                typed.append(column)
        frames[short] = frame.with_columns(typed)
    return frames


def read_outcomespec(directory: Path) -> Any:
    """outcomespec's `load_directory` of the datasets the framework reads."""
    from benchmarks.engines import outcomespec_engine  # noqa: PLC0415

    return outcomespec_engine.load(directory, outcomespec_engine.frameworks_for(directory))


def worker(reader: str, directory: Path, out: Path) -> None:
    columns = declared_columns(directory)
    read = (lambda: read_outcomespec(directory)) if reader == "outcomespec" else (
        lambda: read_polars(directory, columns))
    _, first = _measured(read)  # the first read's memory: a fresh process
    _, timed = _measured(read)
    out.write_bytes(pickle.dumps({"seconds": timed.seconds,
                                  "peak_mb": first.peak - first.before,
                                  "kept_mb": first.after - first.before}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a year directory of CSV files")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.data, args.out)
        return 0
    found: dict[str, list[dict[str, float]]] = {reader: [] for reader in READERS}
    for turn in range(args.rounds):
        for reader in READERS[turn % 2:] + READERS[:turn % 2]:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "read.pickle"
                subprocess.run([sys.executable, __file__, "--worker", reader, "--data",
                                str(args.data), "--out", str(out)], check=True)
                found[reader].append(pickle.loads(out.read_bytes()))
    report = {reader: {key: statistics.median(run[key] for run in runs)
                       for key in ("seconds", "peak_mb", "kept_mb")}
              for reader, runs in found.items()}
    print(f"{'reader':<12} {'seconds':>8} {'peak MB':>8} {'kept MB':>8}")
    for reader, row in report.items():
        print(f"{reader:<12} {row['seconds']:8.2f} {row['peak_mb']:8,.0f} {row['kept_mb']:8,.0f}")
    ratio = report["outcomespec"]["seconds"] / report["polars"]["seconds"]
    print(f"\noutcomespec ÷ polars reading the same columns: {ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"data": str(args.data), "rounds": args.rounds,
                                         "readers": report, "runs": found}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
