"""Benchmark: the whole National Framework in outcomespec, pandas, polars and DuckDB SQL.

    python benchmarks/run.py --scale S [--pupils F] [--json FILE] [--runs N] [--load-runs M]
                             [--engines outcomespec,pandas,...] [--data DIR] [--slice-las K]

Generates (or reuses) synthetic national data for the reporting year 2025 at scale S (1 = one
national year: about 150,000 episodes and 650,000 referrals a year over 153 authorities; the
generator multiplies every volume by S, so S = 10 holds ten national years' worth of
records). `--pupils F` adds a school census sampling the fraction F of all pupils (S × 8.1
million), so `--scale 10 --pupils 0.1` holds one national school census besides.

Then it evaluates `frameworks/csc_national_framework.ospec` (with a school census, also the
shared outcomes' general-population comparator: children looked after against all pupils)
with outcomespec and with the hand-written engines of `benchmarks/engines/` — the same
indicators, areas, comparators, confidence limits, suppression and judgements — and asserts
that they publish the same table (exit status 1 if not). Each engine runs in its own process:
loading (CSV files into the engine's own tables, dates parsed), evaluation (loaded tables to
every indicator's counts per area) and publishing (counts to the published table: limits,
suppression, comparators, judgements) are timed separately, each as the median of the timed
runs after one warm-up run; their sum is what a user of `outcomespec eval` waits for. Peak
memory is the growth of the process's resident set (Linux VmHWM, reset before each step) over
what it held before the step; it counts native allocations (Arrow, polars, DuckDB) too. Last,
the reference interpreter runs on the first K authorities (default 3) beside the compiled
plan.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import importlib.util
import json
import os
import pickle
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.engines import definitions as d  # noqa: E402
from benchmarks.engines.comparison import (  # noqa: E402
    differences,
    largest_relative_gap,
    summary,
)

ENGINES = ("outcomespec", "pandas", "polars", "duckdb")
LIBRARY = {"outcomespec": "numpy", "pandas": "pandas", "polars": "polars", "duckdb": "duckdb"}
PERIOD = 2025
SEED = 2025


# ------------------------------------------------------------------ memory (Linux)
def _status(field: str) -> float:
    """A field of /proc/self/status in MB (NaN where there is no /proc)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return float("nan")
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else float("nan")


def _reset_peak() -> None:
    """Reset VmHWM (the peak resident set) to the current resident set."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


@dataclass(frozen=True)
class Step:
    """One timed step: seconds, and the resident set (MB) before it, at its peak (VmHWM,
    reset just before the step) and after it."""

    seconds: float
    before: float
    peak: float
    after: float


def _measured(step: Any) -> tuple[Any, Step]:
    """Run `step()`; its result and its measurements."""
    gc.collect()
    _reset_peak()
    before = _status("VmRSS")
    began = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - began
    return result, Step(seconds, before, _status("VmHWM"), _status("VmRSS"))


# ------------------------------------------------------------------ one engine, one process
def worker(engine: str, directory: Path, runs: int, load_runs: int, out: Path) -> None:
    """Load and evaluate with one engine; write timings, memory and the published table."""
    module = importlib.import_module(f"benchmarks.engines.{engine}_engine")
    extra = (module.frameworks_for(directory),) if engine == "outcomespec" else ()

    def load() -> Any:
        return module.load(directory, *extra)

    data, first = _measured(load)
    loads = []
    for _ in range(load_runs):  # none: the first load is the timing
        data = None  # let the previous copy go before reading again
        data, step = _measured(load)
        loads.append(step)
    evaluations, publications = [], []
    published = None
    for _ in range(runs + 1):
        evaluated, step = _measured(lambda: module.evaluate(data, PERIOD))
        evaluations.append(step)
        published, step = _measured(lambda evaluated=evaluated: module.publish(evaluated))
        publications.append(step)
    steps = [first, *loads, *evaluations, *publications]
    result = {"load": [x.seconds for x in loads or [first]],
              "evaluate": [x.seconds for x in evaluations[1:]],
              "publish": [x.seconds for x in publications[1:]],
              "load_peak_mb": first.peak - first.before,
              "loaded_mb": first.after - first.before,
              "evaluate_peak_mb": max(x.peak - x.before for x in evaluations + publications),
              "process_peak_mb": max(x.peak for x in steps),
              "published": published}
    out.write_bytes(pickle.dumps(result))


def interpreter_worker(directory: Path, las: int, runs: int, out: Path) -> None:
    """The reference interpreter against the plan on a slice of `las` authorities."""
    # Imported here, not above: the engines' processes need not load the interpreter.
    sliced = importlib.import_module("benchmarks.engines.interpreter_slice")
    with tempfile.TemporaryDirectory() as tmp:
        rows = sliced.write_slice(directory, Path(tmp), las)
        found = sliced.compare_slice(Path(tmp), PERIOD, runs)
    out.write_bytes(pickle.dumps({**found, "las": las, "rows": sum(rows.values())}))


def _spawn(arguments: list[str]) -> dict[str, Any] | str:
    """Run this script as a worker; its result, or the error it ended with."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.pickle"
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *arguments,
                               "--out", str(out)], capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.exists():
            return (done.stderr.strip().splitlines() or ["no output"])[-1]
        result: dict[str, Any] = pickle.loads(out.read_bytes())
        return result


# ------------------------------------------------------------------ data and machine
def ensure_data(root: Path, scale: float, pupils: float) -> tuple[Path, float | None]:
    """The year directory of synthetic data at `scale` (with a school census sampling the
    fraction `pupils` of all pupils, if above 0), generated unless already there; with the
    seconds generation took (None when reused)."""
    generate = importlib.import_module("outcomespec.synthetic.generator").generate
    census = f"-pupils-{pupils:g}" if pupils > 0 else ""
    base = root / f"scale-{scale:g}{census}-seed-{SEED}"
    marker = base / "generated.json"
    if marker.exists() and str(PERIOD) in json.loads(marker.read_text())["years"]:
        return base / str(PERIOD), None
    report = generate(base, years=(PERIOD,), scale=scale, seed=SEED, pupils=pupils)
    marker.write_text(json.dumps({"years": [str(PERIOD)], "seconds": report.seconds,
                                  "rows": report.rows[PERIOD]}))
    return base / str(PERIOD), report.seconds


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = ""
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else ""
    except OSError:
        pass
    versions = {}
    for name in ("numpy", "scipy", "pandas", "pyarrow", "polars", "duckdb"):
        if importlib.util.find_spec(name) is not None:
            versions[name] = importlib.import_module(name).__version__
    return {"platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count(), "memory_gb": round(_memory_total() / 1024, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()], "versions": versions,
            "outcomespec": _revision()}


def _revision() -> str:
    """The checkout's commit, and whether the package has uncommitted changes."""
    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", "--no-optional-locks", "-C", str(ROOT), *args],
                                  capture_output=True, text=True, check=False, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown"
    return commit + (" with uncommitted changes to outcomespec/"
                     if git("status", "--porcelain", "--", "outcomespec") else "")


def _memory_total() -> float:
    try:
        found = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    except OSError:
        return float("nan")
    return int(found.group(1)) / 1024 if found else float("nan")


# ------------------------------------------------------------------ the report
def _table(report: dict[str, Any]) -> str:
    lines = [f"{'engine':<12} {'load s':>7} {'eval s':>7} {'publish s':>9} {'total s':>8} "
             f"{'total x outcomespec':>19} {'load peak MB':>12} {'loaded MB':>10} "
             f"{'eval peak MB':>12}  agrees"]
    for engine in report["engines"]:
        parts = report["seconds"][engine]
        memory = report["peak_memory_mb"][engine]
        agrees = "reference" if engine == "outcomespec" else (
            "yes" if report["differences"][engine] == 0
            else f"NO ({report['differences'][engine]})")
        lines.append(f"{engine:<12} {parts['load']:7.2f} {parts['evaluate']:7.2f} "
                     f"{parts['publish']:9.3f} {parts['total']:8.2f} "
                     f"{report['total_ratio_to_outcomespec'][engine]:19.2f} "
                     f"{memory['loading']:12,.0f} {memory['loaded_data']:10,.0f} "
                     f"{memory['evaluation']:12,.0f}  {agrees}")
    ours = report["seconds"]["outcomespec"]
    memory = report["peak_memory_mb"]["outcomespec"]
    lines.append("")
    for engine in ("duckdb", "polars", "pandas"):
        if engine in report["seconds"]:
            theirs = report["seconds"][engine]
            loaded = report["peak_memory_mb"][engine]["loaded_data"]
            lines.append(f"outcomespec ÷ {engine}: total {ours['total'] / theirs['total']:.2f}, "
                         f"load {ours['load'] / theirs['load']:.2f}, loaded memory "
                         f"{memory['loaded_data'] / loaded:.2f}")
    lines.append(f"outcomespec's loading peak ÷ what stays loaded: "
                 f"{memory['loading'] / memory['loaded_data']:.2f}")
    reference = report.get("reference_interpreter")
    if isinstance(reference, dict):
        lines.append(
            f"\nreference interpreter on {reference['las']} authorities ({reference['rows']:,} "
            f"rows): {reference['interpreter_s']:.2f} s, compiled plan {reference['plan_s']:.3f}"
            f" s: {reference['interpreter_s'] / reference['plan_s']:,.0f} times slower "
            f"({reference['rows'] / reference['interpreter_s']:,.0f} vs "
            f"{reference['rows'] / reference['plan_s']:,.0f} rows/s); same totals: "
            f"{'yes' if not reference['mismatched'] else reference['mismatched']}")
    return "\n".join(lines)


def _pooled(before: dict[str, Any] | None, found: dict[str, Any]) -> dict[str, Any]:
    """One engine's results over the rounds so far: every timed run kept, the memory of
    each round listed (its median is reported), the published table of the last."""
    if before is None:
        return {**found, **{key: [found[key]] for key in _MEMORY}}
    return {**found, **{step: before[step] + found[step] for step in ("load", "evaluate",
                                                                      "publish")},
            **{key: [*before[key], found[key]] for key in _MEMORY}}


_MEMORY = ("load_peak_mb", "loaded_mb", "evaluate_peak_mb", "process_peak_mb")


def _seconds(result: dict[str, Any]) -> dict[str, float]:
    """Median seconds of each step, and their sum: what a user waits for."""
    parts = {step: statistics.median(result[step]) for step in ("load", "evaluate", "publish")}
    return {**parts, "total": sum(parts.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="volume: 1 = one national year, 10 = ten (default 1)")
    parser.add_argument("--pupils", type=float, default=0.0,
                        help="also a school census: the fraction of all pupils sampled (at "
                        "scale S there are S x 8.1 million; default 0: none)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--runs", type=int, default=3,
                        help="timed evaluations after the warm-up one (default 3)")
    parser.add_argument("--load-runs", type=int, default=1,
                        help="timed loads after the warm-up load (default 1; 0: time the "
                        "first load, for large scales)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every engine this many times, in turn (default 1): on a "
                        "busy machine, medians over rounds compare engines fairly")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated, from " + ", ".join(ENGINES))
    parser.add_argument("--data", type=Path, help="use this year directory of CSV files")
    parser.add_argument("--data-root", type=Path,
                        default=Path(tempfile.gettempdir()) / "outcomespec-bench",
                        help="where generated data are kept and reused")
    parser.add_argument("--slice-las", type=int, default=3,
                        help="authorities for the reference interpreter (0: skip it)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "interpreter":
        interpreter_worker(args.data, args.slice_las, args.runs, args.out)
        return 0
    if args.worker:
        worker(args.worker, args.data, args.runs, args.load_runs, args.out)
        return 0

    started = machine()
    directory, generated = (args.data, None) if args.data else ensure_data(
        args.data_root, args.scale, args.pupils)
    if generated is not None:
        print(f"generated scale {args.scale:g} in {directory} ({generated:.0f} s)")
    rows = d.data_rows(directory)
    total = sum(rows.values())
    csv_mb = sum((directory / f"{name}.csv").stat().st_size for name in rows) / 2**20
    print(f"data: {directory}: {total:,} rows in {len(rows)} files ({csv_mb:,.0f} MB of CSV)")
    common = ["--data", str(directory), "--runs", str(args.runs)]
    results: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    engines = [e for e in args.engines.split(",") if importlib.util.find_spec(LIBRARY[e])]
    skipped |= {e: f"{LIBRARY[e]} is not installed" for e in args.engines.split(",")
                if e not in engines}
    for turn in range(args.rounds):  # each round in another order: a machine's load drifts
        for engine in engines[turn % len(engines):] + engines[:turn % len(engines)]:
            if engine in skipped:
                continue
            print(f"running {engine} (round {turn + 1} of {args.rounds}) …", flush=True)
            found = _spawn(["--worker", engine, *common, "--load-runs", str(args.load_runs)])
            if isinstance(found, str):
                skipped[engine] = found
                results.pop(engine, None)
            else:
                results[engine] = _pooled(results.get(engine), found)
    if "outcomespec" not in results:
        print(f"outcomespec did not run: {skipped.get('outcomespec')}", file=sys.stderr)
        return 2
    reference = results["outcomespec"]["published"]
    diffs = {e: differences(reference, r["published"]) for e, r in results.items()}
    interpreter = None
    if args.slice_las > 0:
        print(f"running the reference interpreter on {args.slice_las} authorities …", flush=True)
        interpreter = _spawn(["--worker", "interpreter", *common,
                              "--slice-las", str(args.slice_las)])
    seconds = {e: _seconds(r) for e, r in results.items()}
    base = seconds["outcomespec"]
    report = {
        "seconds": seconds,
        "engines": {e: s["evaluate"] for e, s in seconds.items()},
        "loading": {e: s["load"] for e, s in seconds.items()},
        "ratio_to_outcomespec": {e: s["evaluate"] / base["evaluate"]
                                 for e, s in seconds.items()},
        "total_ratio_to_outcomespec": {e: s["total"] / base["total"] for e, s in seconds.items()},
        "rows_per_second": {e: total / s["evaluate"] for e, s in seconds.items()},
        "peak_memory_mb": {e: {"evaluation": statistics.median(r["evaluate_peak_mb"]),
                               "loading": statistics.median(r["load_peak_mb"]),
                               "loaded_data": statistics.median(r["loaded_mb"]),
                               "process_peak": statistics.median(r["process_peak_mb"])}
                           for e, r in results.items()},
        "runs": {e: {step: r[step] for step in ("load", "evaluate", "publish")}
                 for e, r in results.items()},
        "agree": all(not x for x in diffs.values()),  # and every engine ran: below
        "differences": {e: len(x) for e, x in diffs.items()},
        "largest_relative_gap": {e: largest_relative_gap(reference, r["published"])
                                 for e, r in results.items()},
        "published_rows": len(reference),
        "indicators": sorted({key[0] for key in reference}),
        "skipped": skipped,
        "reference_interpreter": interpreter,
        "data": {"scale": args.scale, "pupils": args.pupils, "period": PERIOD, "seed": SEED,
                 "directory": str(directory), "rows": rows, "total_rows": total,
                 "csv_mb": round(csv_mb, 1)},
        "settings": {"runs": args.runs, "load_runs": args.load_runs, "rounds": args.rounds,
                     "warm_up_runs": 1,
                     "memory": "growth of VmHWM over VmRSS before the step, MB"},
        "machine": {**started, "load_average_after": [round(x, 2) for x in os.getloadavg()]},
    }
    print()
    print(_table(report))
    for engine, reason in skipped.items():
        print(f"{engine}: not run ({reason})")
    if skipped:
        report["agree"] = False
    if not report["agree"]:
        print("\nThe engines do not agree" + (" (some did not run)" if skipped else "")
              + ":\n" + summary(diffs))
    else:
        print(f"\nAll {len(results)} engines publish the same {len(reference):,} rows "
              f"(largest relative gap in values and limits: "
              f"{max(report['largest_relative_gap'].values()):.1e}).")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return 0 if report["agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
