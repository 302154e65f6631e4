"""Benchmark: how fast the language server answers on the National Framework.

A real client (pygls's) starts `python -m outcomespec lsp` over stdio on a copy of the shipped
frameworks, opens `csc_national_framework.ospec` and waits for its diagnostics (the first
parse and check: "open"). Then each request is sent `--runs` times (default 30) at fixed
places of the file, and the wall time from sending it to its answer is recorded, JSON-RPC
and the pipe included: hover, go to definition, completion, references (the first call reads
the workspace's other files, so it is reported apart), the outline, formatting, and an edit
("change": a changed line sent, until its new diagnostics arrive, which is parsing and
checking the file again).

    PYTHONPATH=. python benchmarks/lsp.py [--runs N] [--json FILE]

Reports the median and the slowest run of each, in milliseconds. No test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.lsp.client import Session, position

SHIPPED = Path(__file__).resolve().parents[1] / "frameworks"


def timed(runs: int, request: Callable[[], Any]) -> list[float]:
    """Milliseconds each of `runs` calls took."""
    found = []
    for _ in range(runs):
        began = time.perf_counter()
        request()
        found.append((time.perf_counter() - began) * 1000)
    return found


def measure(runs: int) -> dict[str, dict[str, float]]:
    """Every request's median and slowest time, in milliseconds."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "frameworks"
        shutil.copytree(SHIPPED, root, ignore=shutil.ignore_patterns("data"))
        path = root / "csc_national_framework.ospec"
        text = path.read_text(encoding="utf-8")
        session = Session(root)
        try:
            began = time.perf_counter()
            session.open(path)
            opened = (time.perf_counter() - began) * 1000
            indicator = position(text, "indicator placements_3plus", shift=12)
            column = position(text, "DECOM <= period.end", shift=1)
            inside = position(text, "count(episodes where starts_placement_in_year)",
                              shift=len("count(episodes where "))
            first_references = timed(1, lambda: session.references(path, *column))
            edits = iter(range(1, runs + 2))
            title = "Looked after on the last day of the year"
            found = {
                "hover": timed(runs, lambda: session.hover(path, *indicator)),
                "definition": timed(runs, lambda: session.definition(path, *column)),
                "completion": timed(runs, lambda: session.completion(path, *inside)),
                "references": timed(runs, lambda: session.references(path, *column)),
                "outline": timed(runs, lambda: session.outline(path)),
                "formatting": timed(runs, lambda: session.formatting(path)),
                "change": timed(runs, lambda: session.change(
                    path, text.replace(title, f"{title} ({next(edits)})"))),
            }
        finally:
            session.stop()
    report = {"open": {"median": opened, "slowest": opened},
              "references (first)": {"median": first_references[0],
                                     "slowest": first_references[0]}}
    report |= {name: {"median": statistics.median(times), "slowest": max(times)}
               for name, times in found.items()}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = measure(args.runs)
    print(f"{'request':<20} {'median ms':>10} {'slowest ms':>11}")
    for name, times in report.items():
        print(f"{name:<20} {times['median']:>10.1f} {times['slowest']:>11.1f}")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
