"""`outcomespec demo`: generate the synthetic national data (cached), evaluate the shipped
frameworks on it and on DfE's published tables, and summarise what came out.

It is the README's "run it" command: everything a new user needs to see the library work
end to end on national-scale data, without any data of their own.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from outcomespec.cli.writing import make_folder, write_output

if TYPE_CHECKING:
    from outcomespec.alignment import Alignment
    from outcomespec.api import Run

PUBLISHED_ENGLAND_2025 = {
    "cin_rate_per_10k": (330.3, "402,400 / 12,183,016"),
    "rereferrals_12m": (22.6, "142,900 / 632,830"),
    "cla_rate_per_10k": (67.0, "81,770 / 12,183,016"),
    "placements_3plus": (10.0, "8,500 / 81,770"),
    "long_term_stability": (69.0, "19,680 / 28,710"),
    "sdq_mean": (14.9, "children looked after 12 months, aged 5-16"),
    "care_leavers_19_21_eet": (54.0, "20,760 / 38,440"),
    "cpp_second_or_subsequent": (24.5, "15,130 / 61,840"),
}
"""England 2025 as DfE published it (children looked after in England; children in need;
2025 releases, OGL v3): the eight stable indicators of the National Framework."""

SYNTHETIC = ("csc_national_framework", "supporting_families", "shared_outcomes")
"""The shipped frameworks evaluated on the synthetic data, in this order."""

MAX_SCALE = 20.0
"""The largest `scale` the synthetic generator accepts (twenty national years' volume)."""


def run_demo(out: Path, frameworks: Path, *, scale: float = 1.0, seed: int = 2025,
             period: int = 2025, pupils: float = 0.0, say: Callable[[str], None] | None = None,
             stream: TextIO | None = None) -> dict[str, Path]:
    """Generate (or reuse) the data, evaluate, align, write the results, print a summary.

    Returns the file written for each framework and for the alignment report. The data are
    generated once per (scale, seed, pupils) under `out/data` and reused on later runs.
    Every file is written with `outcomespec.cli.writing.write_output`: never over one of the
    framework files or published tables read (`OutputError` instead).
    `pupils` > 0 adds a school census (that fraction of all pupils, and every child known to
    children's social care), which the shared outcomes compare vulnerable children with;
    without it those indicators are reported as not evaluated.
    """
    from outcomespec.alignment import align
    from outcomespec.api import data_files, framework_files, load, run_all
    from outcomespec.synthetic.generator import generate

    tell = say or (lambda message: None)
    stream = stream if stream is not None else sys.stdout
    started = time.perf_counter()
    data = out / "data" / (f"scale-{scale:g}-seed-{seed}"
                           + (f"-pupils-{pupils:g}" if pupils else ""))
    marker = data / "generated.json"
    years = tuple(range(period - 4, period + 1))
    shipped = [frameworks / f"{name}.ospec" for name in SYNTHETIC]
    published = frameworks / "data" / "dfe"
    dfe_file = frameworks / "dfe_published.ospec"
    loaded = [load(path, root=frameworks) for path in shipped if path.exists()]
    dfe = (load(dfe_file, root=frameworks) if dfe_file.exists() and published.is_dir()
           else None)
    inputs = [*framework_files([*shipped, dfe_file], frameworks),
              *data_files([dfe] if dfe else [], published)]
    make_folder(out)
    if not marker.exists():
        tell(f"generating synthetic national data for {years[0]}-{years[-1]} "
             f"(scale {scale:g}, seed {seed}) in {data} …")
        report = generate(data, years=years, scale=scale, seed=seed, pupils=pupils)
        write_output(marker, json.dumps({"seconds": report.seconds, "years": list(years)}),
                     inputs=inputs)
        tell(f"  done in {report.seconds:.1f} s")
    else:
        tell(f"reusing synthetic data in {data}")
    written: dict[str, Path] = {}
    tell(f"evaluating {', '.join(f.name for f in loaded)} on the synthetic data …")
    began = time.perf_counter()
    runs = run_all(loaded, data / str(period), period)
    tell(f"  done in {time.perf_counter() - began:.1f} s")
    for framework, run in zip(loaded, runs, strict=True):
        written[framework.name] = _write(run, out / f"{framework.name}.csv", inputs)
        for skipped in run.evaluation.skipped:
            tell(f"  not evaluated: {framework.name}.{skipped.indicator.id}: {skipped.reason}")
    if dfe is not None:
        tell("evaluating dfe_published on DfE's published tables …")
        loaded.append(dfe)
        written["dfe_published"] = _write(dfe.run(published, period),
                                          out / "dfe_published.csv", inputs)
    tell("aligning the frameworks on the shared goals …")
    alignment = align([f.model for f in loaded])
    written["alignment"] = _write_alignment(alignment, out, inputs)
    _summary(runs[0], stream)
    for framework, run in zip(loaded, runs, strict=False):
        if framework.name == "shared_outcomes":
            _population_comparisons(run, stream)
    _alignment_headline(alignment, stream)
    stream.write(f"\nwritten: {', '.join(str(p) for p in written.values())}\n")
    stream.write(f"total time {time.perf_counter() - started:.1f} s\n")
    return written


def _write(run: Run, path: Path, inputs: Sequence[Path]) -> Path:
    text = run.results.to_csv()
    assert text is not None
    write_output(path, text, inputs=inputs)
    return path


def _write_alignment(alignment: Alignment, out: Path, inputs: Sequence[Path]) -> Path:
    """The report as JSON (for tools), HTML (for people) and text; returns the HTML page."""
    write_output(out / "alignment.json", json.dumps(alignment.to_dict(), indent=2) + "\n",
                 inputs=inputs)
    write_output(out / "alignment.txt", alignment.render_text(), inputs=inputs)
    page = out / "alignment.html"
    write_output(page, alignment.render_html(), inputs=inputs)
    return page


def _summary(run: Run, stream: TextIO) -> None:
    """England beside the published figures, and a few authorities with their judgements."""
    rows = [r for r in run.results.rows() if not r["breakdown"]]
    stream.write(f"\nEngland, {run.evaluation.period}: the National Framework's stable "
                 "indicators on synthetic data, beside DfE's published figures\n")
    stream.write(f"  {'indicator':<26} {'computed':>10} {'published':>10}  unit\n")
    england = {r["indicator"]: r for r in rows if r["area_type"] == "england"}
    for indicator, (published, _) in PUBLISHED_ENGLAND_2025.items():
        row = england.get(indicator)
        value = row["value"] if row else None
        shown = f"{value:10.1f}" if value is not None else f"{'—':>10}"
        unit = row["unit"] if row else ""
        stream.write(f"  {indicator:<26} {shown} {published:10.1f}  {unit}\n")
    others = len([i for i in england if i not in PUBLISHED_ENGLAND_2025])
    stream.write(f"  … and {others} more indicators in the results table\n")
    stream.write("\nA few local authorities, judged against England, region and neighbours "
                 "(3+ placements)\n")
    wanted = {"805", "341", "890", "202", "926"}
    for row in rows:
        if row["area_type"] == "local_authority" and row["area_code"] in wanted \
                and row["indicator"] == "placements_3plus":
            value = row["value"]
            shown = f"{value:5.1f}%" if value is not None else "  —  "
            stream.write(f"  {row['area_name']:<22} {shown}  England: {row['vs_england']:<12} "
                         f"region: {row['vs_region']:<12} neighbours: {row['vs_neighbours']}\n")


def _population_comparisons(run: Run, stream: TextIO) -> None:
    """Vulnerable children beside all pupils, England, as the shared outcomes judge them."""
    rows = [r for r in run.results.rows() if r["area_type"] == "england"
            and not r["breakdown"] and r["vs_population"] not in (None, "not_compared")]
    if not rows:
        stream.write("\nShared outcomes: vulnerable children beside all pupils need a school "
                     "census (demo --pupils 0.05)\n")
        return
    stream.write("\nEngland: vulnerable children beside all pupils (shared outcomes)\n")
    for row in rows:
        stream.write(f"  {row['indicator']:<26} {row['value']:10.1f}  {row['unit']:<8} "
                     f"vs all pupils: {row['vs_population']}\n")


def _alignment_headline(alignment: Alignment, stream: TextIO) -> None:
    """How the frameworks line up on the shared goals, in a few lines."""
    goals = alignment.goals
    stream.write(f"\nAlignment on {len(goals)} shared goals\n")
    for framework in alignment.frameworks:
        served = sum(1 for g in goals if g.strongest(framework) is not None)
        if served:
            stream.write(f"  {framework:<26} serves {served:>2} of {len(goals)} goals\n")
    stream.write(f"  duplicates (the same quantity in two places): {len(alignment.duplicates)}; "
                 f"near-duplicates: {len(alignment.near_duplicates)}; polarity conflicts: "
                 f"{len(alignment.conflicts)} (details in alignment.txt / .html / .json)\n")
    if alignment.process_only:
        stream.write(f"  served only by process or context measures: "
                     f"{', '.join(alignment.process_only)}\n")
    if alignment.unmeasured:
        stream.write(f"  measured by no framework: {', '.join(alignment.unmeasured)}\n")
