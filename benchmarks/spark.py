"""Beyond one machine's memory: the National Framework in process and on local Spark, on the
same synthetic returns, with time and peak memory of each (issue 16, point 4).

    .venv/bin/python benchmarks/spark.py --scale 0.1            # a quick check
    .venv/bin/python benchmarks/spark.py --scale 40 --memory 20  # the large case

Each engine runs in a child process of its own, capped at `--memory` GB of address space
(`ulimit -v`), so that in process running out of memory is reported ("ran out of memory at
N GB"), not the machine's. Peak memory is the child's maximum resident set (for Spark, the
driver's Python; the JVM and the Python workers are its children and counted with it).
Results are compared when both finish: they must be equal.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = ROOT / "frameworks" / "csc_national_framework.ospec"

RUN = """
import os, sys, warnings
warnings.simplefilter("ignore")
from outcomespec import api
framework = api.load(sys.argv[2])
if sys.argv[1] == "spark":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false") \\
        .config("spark.sql.shuffle.partitions", "16").getOrCreate()
    from outcomespec.spark import run_spark
    (run,) = run_spark([framework], sys.argv[3], 2025)
else:
    (run,) = api.run_all([framework], sys.argv[3], 2025)
run.results.to_csv(sys.argv[4])
import resource
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("PEAK", own + children)
"""


def measure(engine: str, data: Path, out: Path, memory_gb: float) -> tuple[float, float, str]:
    """Seconds, peak resident GB (the child's own and its children's, the JVM's for Spark,
    added: an upper bound) and how it ended, for one engine in a capped child."""
    limit = int(memory_gb * 1024 ** 3)
    began = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", RUN, engine, str(FRAMEWORK), str(data), str(out)],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
        capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    peaks = [int(line.split()[1]) for line in child.stdout.splitlines()
             if line.startswith("PEAK ")]
    peak = peaks[0] / 1024 ** 2 if peaks else float("nan")
    if child.returncode == 0:
        return seconds, peak, "ok"
    if "MemoryError" in child.stderr or "OutOfMemory" in child.stderr:
        return seconds, peak, f"ran out of memory at {memory_gb:g} GB"
    last = child.stderr.strip().splitlines()[-1] if child.stderr.strip() else child.returncode
    return seconds, peak, f"failed: {last}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--memory", type=float, default=20.0, help="GB each engine may use")
    parser.add_argument("--work", type=Path, default=Path("/tmp/outcomespec-spark-bench"))
    args = parser.parse_args()
    from outcomespec.synthetic.generator import generate  # noqa: PLC0415

    data = args.work / f"scale-{args.scale:g}"
    if not (data / "2025").is_dir():
        generate(data, years=(2025,), scale=args.scale, seed=2025)
    found = {}
    for engine in ("process", "spark"):
        out = args.work / f"{engine}-{args.scale:g}.csv"
        seconds, peak, ended = measure(engine, data / "2025", out, args.memory)
        found[engine] = out
        print(f"{engine:8} scale {args.scale:g}: {seconds:8.1f} s, peak {peak:5.1f} GB, {ended}")
    if all(p.exists() for p in found.values()):
        same = found["process"].read_bytes() == found["spark"].read_bytes()
        print("results equal" if same else "RESULTS DIFFER")


if __name__ == "__main__":
    main()
