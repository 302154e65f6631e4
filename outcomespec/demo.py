"""`outcomespec demo`: generate the synthetic national data (cached), evaluate the shipped
frameworks on it and on DfE's published tables, and summarise what came out.

It is the README's "run it" command: everything a new user needs to see the library work
end to end on national-scale data, without any data of their own.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from outcomespec.api import Run, load
from outcomespec.synthetic import generate

PUBLISHED_ENGLAND_2025 = {
    "cla_rate_per_10k": (67.0, "per 10,000", "81,770 / 12,183,016"),
    "placements_3plus": (10.0, "%", "8,500 / 81,770"),
    "sdq_mean": (14.9, "score", "children looked after 12 months, aged 5-16"),
    "care_leavers_19_21_eet": (54.0, "%", "20,760 / 38,440"),
}
"""England 2025 as DfE published it (children looked after in England, 2025; OGL v3)."""


def run_demo(out: Path, frameworks: Path, *, scale: float = 1.0, seed: int = 2025,
             period: int = 2025, say: Callable[[str], None] | None = None,
             stream: TextIO | None = None) -> dict[str, Path]:
    """Generate (or reuse) the data, evaluate, write the results, print a summary.

    Returns the results file of each framework. The data are generated once per
    (scale, seed, period) under `out/data` and reused on later runs.
    """
    tell = say or (lambda message: None)
    stream = stream if stream is not None else sys.stdout
    started = time.perf_counter()
    data = out / "data" / f"scale-{scale:g}-seed-{seed}"
    marker = data / "generated.json"
    years = tuple(range(period - 4, period + 1))
    if not marker.exists():
        tell(f"generating synthetic national data for {years[0]}-{years[-1]} "
             f"(scale {scale:g}, seed {seed}) in {data} …")
        report = generate(data, years=years, scale=scale, seed=seed)
        marker.write_text(json.dumps({"seconds": report.seconds, "years": list(years)}),
                          encoding="utf-8")
        tell(f"  done in {report.seconds:.1f} s")
    else:
        tell(f"reusing synthetic data in {data}")
    written: dict[str, Path] = {}
    tell("evaluating csc_national_framework on the synthetic data …")
    national = load(frameworks / "csc_national_framework.ospec", root=frameworks)
    run = national.run(data / str(period), period)
    written["csc_national_framework"] = _write(run, out / "csc_national_framework.csv")
    published = frameworks / "data" / "dfe"
    if (frameworks / "dfe_published.ospec").exists() and published.is_dir():
        tell("evaluating dfe_published on DfE's published tables …")
        dfe = load(frameworks / "dfe_published.ospec", root=frameworks)
        dfe_run = dfe.run(published, period)
        written["dfe_published"] = _write(dfe_run, out / "dfe_published.csv")
    _summary(run, stream)
    stream.write(f"\nresults: {', '.join(str(p) for p in written.values())}\n")
    stream.write(f"total time {time.perf_counter() - started:.1f} s\n")
    return written


def _write(run: Run, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    run.results.to_csv(path)
    return path


def _summary(run: Run, stream: TextIO) -> None:
    """England beside the published figures, and a few authorities with their judgements."""
    rows = [r for r in run.results.rows() if not r["breakdown"]]
    stream.write(f"\nEngland, {run.evaluation.period} (synthetic data beside DfE's published "
                 "figures)\n")
    stream.write(f"  {'indicator':<26} {'computed':>10} {'published':>10}  unit\n")
    for row in rows:
        if row["area_type"] != "england":
            continue
        value = row["value"]
        shown = f"{value:10.1f}" if value is not None else f"{'—':>10}"
        published = PUBLISHED_ENGLAND_2025.get(row["indicator"])
        reference = f"{published[0]:10.1f}" if published else f"{'':>10}"
        stream.write(f"  {row['indicator']:<26} {shown} {reference}  {row['unit']}\n")
    stream.write("\nA few local authorities, judged against England, region and neighbours\n")
    wanted = {"805", "341", "890", "202", "926"}
    for row in rows:
        if row["area_type"] == "local_authority" and row["area_code"] in wanted \
                and row["indicator"] == "placements_3plus":
            value = row["value"]
            shown = f"{value:5.1f}%" if value is not None else "  —  "
            stream.write(f"  {row['area_name']:<22} {shown}  England: {row['vs_england']:<12} "
                         f"region: {row['vs_region']:<12} neighbours: {row['vs_neighbours']}\n")
