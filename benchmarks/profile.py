"""Profile: where the time of one evaluation goes, stage by stage, with pyinstrument.

    PYTHONPATH=. python benchmarks/profile.py --data DIR [--framework FILE] [--period 2025]
                                              [--lines 40] [--interval 0.001] [--html DIR]

Runs, in one process and each under its own profiler, the stages `Framework.run` chains:

- **compile**: read, parse and check the framework and its imports, and plan it
  (`outcomespec.load`);
- **load**: read the datasets it needs from DIR into typed tables (`load_directory`);
- **evaluate**: execute the plan over the tables (`evaluate_plan`);
- **results**: pool, compute limits, judge and suppress (`build_results`).

For each stage it prints the wall and CPU seconds and the top lines of pyinstrument's call
tree (library frames folded), so that a change can be checked against the profile it was
meant to improve. DIR is a year directory of CSV or Parquet files named after the datasets,
such as the synthetic data of `outcomespec demo` or `benchmarks/run.py`
(`.../scale-1-seed-2025/2025`). `--html DIR` also writes each stage's profile as HTML.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pyinstrument import Profiler  # noqa: E402

from outcomespec import load  # noqa: E402
from outcomespec.evaluation.evaluator import evaluate_plan  # noqa: E402
from outcomespec.loading.loader import codelists_of, load_directory  # noqa: E402
from outcomespec.results.builder import build_results  # noqa: E402

FRAMEWORK = ROOT / "frameworks" / "csc_national_framework.ospec"


def profiled(name: str, action: Callable[[], Any], args: argparse.Namespace) -> Any:
    """Run `action` under pyinstrument; print its times and the top of its call tree."""
    profiler = Profiler(interval=args.interval)
    wall, cpu = time.perf_counter(), time.process_time()
    profiler.start()
    result = action()
    profiler.stop()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"\n=== {name}: {wall:.3f} s wall, {cpu:.3f} s CPU")
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    lines = [line for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.lstrip()[:1].isdigit()), 0)
    print("\n".join(lines[start:start + args.lines]))
    if args.html is not None:
        args.html.mkdir(parents=True, exist_ok=True)
        (args.html / f"{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: profile each stage of evaluating one framework on one year of data."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--data", type=Path, required=True, help="year directory of CSV files")
    parser.add_argument("--framework", type=Path, default=FRAMEWORK)
    parser.add_argument("--root", type=Path, help="imports may not leave this directory "
                        "(default: the framework's directory)")
    parser.add_argument("--period", type=int, default=2025)
    parser.add_argument("--lines", type=int, default=40, help="lines of each call tree")
    parser.add_argument("--interval", type=float, default=0.001, help="sampling interval (s)")
    parser.add_argument("--html", type=Path, help="also write HTML profiles into this folder")
    args = parser.parse_args(argv)
    root = args.root or args.framework.parent

    framework = profiled("compile", lambda: load(args.framework, root=root), args)
    datasets = framework.datasets()
    codelists = codelists_of(framework.modules)
    loads = profiled("load", lambda: load_directory(datasets, args.data, codelists), args)
    errors = [d for result in loads.values() for d in result.diagnostics if d.is_error]
    if errors:
        print(f"{len(errors)} errors loading the data, e.g. {errors[0].message}")
        return 1
    tables = {name: result.table for name, result in loads.items() if result.table is not None}
    columns = sum(values.nbytes for table in tables.values() for values in table.columns.values())
    print(f"\ninput: {len(tables)} tables, {sum(t.n_rows for t in tables.values()):,} rows, "
          f"{columns / 1e6:,.1f} MB of columns")
    evaluation = profiled("evaluate", lambda: evaluate_plan(
        framework.plan, framework.modules, tables, args.period, framework.model.period), args)
    results = profiled("results", lambda: build_results(
        evaluation.totals, evaluation.frame, args.period, framework=framework.model), args)
    print(f"\n{len(results.indicator):,} result rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
