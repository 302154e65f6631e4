"""The `outcomespec` command line. Uses only the public API and renders at the edge; what
`--help` says beyond each argument is in `guide`, with the rule for where output goes.

Exit codes: 0 clean, 1 errors in the files or the data (or `fmt --check` would change a file,
or `eval` computed no value or, without `--allow-missing`, left an indicator without data),
2 a usage mistake (found before any work is done), 70 an internal error (a bug in
outcomespec: one line asking for a report; `--debug` shows the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from outcomespec import __version__
from outcomespec.checking import check_paths
from outcomespec.cli import guide
from outcomespec.cli.demo import MAX_SCALE
from outcomespec.cli.progress import steps_for
from outcomespec.cli.writing import Content, OutputError, check_folder, check_output, write_output
from outcomespec.language.codes import CODES
from outcomespec.language.diagnostics import Diagnostic, OutcomeSpecError
from outcomespec.language.formatter import format_source
from outcomespec.language.reading import DISK, read_source
from outcomespec.language.rendering import render_all, render_json

if TYPE_CHECKING:
    from outcomespec.api import Framework, Run
    from outcomespec.evaluation.evaluator import Evaluation
    from outcomespec.results.builder import Results

# The commands that compute import the API (and with it NumPy) when they run: `check`, which
# an editor runs on every keystroke, loads only the language and the checker.

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70

FORMATS = ("csv", "json", "parquet", "fingertips", "ees")
ENGINES = ("process", "spark")
"""Where `eval` evaluates: in this process, or on a Spark session (`outcomespec[spark]`)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"outcomespec: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


class _UsageError(Exception):
    """A usage mistake found before any work: one line, exit 2."""


def _bounded(what: str, allowed: Callable[[float], bool]) -> Callable[[str], float]:
    """An argparse type: a number for which `allowed` holds (never NaN: it fails every test)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not allowed(value):
            msg = f"must be {what}, not `{text}`"
            raise argparse.ArgumentTypeError(msg)
        return value
    return parse


_scale = _bounded(f"above 0 and at most {MAX_SCALE:g}", lambda value: 0 < value <= MAX_SCALE)
_fraction = _bounded("a fraction from 0 to 1", lambda value: 0 <= value <= 1)


def _seed(text: str) -> int:
    """An argparse type: a non-negative whole number (the random generator's seed)."""
    if not text.strip().isdigit():
        msg = f"must be a whole number 0 or above, not `{text}`"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def _parser() -> argparse.ArgumentParser:  # noqa: PLR0915 - one argparse definition per command
    parser = _Parser(prog="outcomespec", description=guide.DESCRIPTION, epilog=guide.EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"outcomespec {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    # --debug is accepted after the subcommand too; there it must not reset the value
    # given before it, hence no default.
    anywhere = _Parser(add_help=False)
    anywhere.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                          help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                     metavar="COMMAND", title="commands")

    def command(name: str) -> argparse.ArgumentParser:
        """A subcommand, its help, description and epilog from `guide`."""
        summary = guide.COMMANDS[name][0]
        return commands.add_parser(name, help=summary, description=summary[:1].upper()
                                   + summary[1:] + ".", epilog=guide.epilog(name),
                                   parents=[anywhere],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    root_help = ("project root imports must stay inside (default: the current directory, or "
                 "the files' common directory)")
    check = command("check")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE",
                       help="framework or library files; the files they import are checked too")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text for people (default), json for editors and other tools")
    check.add_argument("--root", type=Path, metavar="DIR", help=root_help)
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text: auto (default) when standard output is a "
                            "terminal and NO_COLOR is not set")

    fmt = command("fmt")
    fmt.add_argument("files", nargs="+", type=Path, metavar="FILE",
                     help="framework or library files to rewrite")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if any file would change")

    evaluate = command("eval")
    evaluate.add_argument("frameworks", nargs="+", type=Path, metavar="FRAMEWORK",
                          help="framework files; their results are written as one table")
    evaluate.add_argument("--data", type=Path, required=True, metavar="DIR",
                          help="directory of <dataset>.csv or <dataset>.parquet files, or of "
                               "XML returns (CIN census, SSDA903)")
    evaluate.add_argument("--period", metavar="YEAR",
                          help="the reporting year: 2025, 2024-25 or 2024/25 all mean the year "
                               "ending 31 March 2025 (default: the latest the data hold); or "
                               "a span, 2021..2025: each year from DIR/<year>/ where there is "
                               "one, with recent trends")
    evaluate.add_argument("--out", type=Path, metavar="FILE",
                          help="write the results table here (default: standard output)")
    evaluate.add_argument("--format", choices=FORMATS, default=None,
                          help="csv, json, parquet, fingertips or ees (default: from --out's "
                               "suffix, else csv)")
    evaluate.add_argument("--area", metavar="CODE",
                          help="the local authority of a single return without an area column")
    evaluate.add_argument("--comparators", choices=("declared", "published", "pooled"),
                          default="declared",
                          help="where England, the regions and the neighbours come from: as "
                               "each indicator declares (default), from every indicator's "
                               "publication, or pooled from the areas evaluated")
    evaluate.add_argument("--keep-going", action="store_true",
                          help="evaluate despite data errors, reading bad values as missing "
                               "(they are reported, and the exit status is still 1)")
    evaluate.add_argument("--allow-missing", action="store_true",
                          help="exit 0 even when data are missing for some indicators (they "
                               "are still reported); a table without any value still exits 1")
    evaluate.add_argument("--root", type=Path, metavar="DIR", help=root_help)
    evaluate.add_argument("--engine", choices=ENGINES, default="process",
                          help="process (default): here, in memory; spark: on Apache Spark, "
                               "each local authority's rows on an executor (needs "
                               "outcomespec[spark]; see the docs' Spark page)")

    plan = command("explain")
    plan.add_argument("frameworks", nargs="+", type=Path, metavar="FRAMEWORK",
                      help="framework files, explained one after another")
    plan.add_argument("--format", choices=("text", "json"), default="text",
                      help="text for people (default), or json for tools")
    plan.add_argument("--root", type=Path, metavar="DIR", help=root_help)

    aligning = command("align")
    aligning.add_argument("frameworks", nargs="+", type=Path, metavar="FRAMEWORK",
                          help="framework files: the columns of the report, in this order")
    aligning.add_argument("--format", choices=("text", "json", "html"), default="text",
                          help="text (default), json for tools, or html: one page to publish")
    aligning.add_argument("--out", type=Path, metavar="FILE",
                          help="write the report here (default: standard output)")
    aligning.add_argument("--root", type=Path, metavar="DIR", help=root_help)

    demo = command("demo")
    demo.add_argument("--out", type=Path, default=Path("outcomespec-demo"), metavar="DIR",
                      help="where to write the results and keep the data (default: "
                           "outcomespec-demo)")
    demo.add_argument("--frameworks", type=Path, default=Path("frameworks"), metavar="DIR",
                      help="the shipped frameworks (default: ./frameworks of the checkout)")
    demo.add_argument("--scale", type=_scale, default=1.0, metavar="S",
                      help=f"volume of data: 1 (default) is one national year, 0.1 a tenth; "
                           f"at most {MAX_SCALE:g}")
    demo.add_argument("--seed", type=_seed, default=2025, metavar="N",
                      help="the random seed (default 2025): the same scale and seed give the "
                           "same data")
    demo.add_argument("--pupils", type=_fraction, default=0.0,
                      metavar="FRACTION",
                      help="also write a school census with this fraction of all pupils, for "
                           "the shared outcomes' comparisons with all children (slower)")

    explain = command("explain-code")
    which = explain.add_mutually_exclusive_group(required=True)
    which.add_argument("code", nargs="?", metavar="CODE",
                       help="a diagnostic code, such as E402")
    which.add_argument("--list", action="store_true",
                       help="list every code with its severity and title")

    diff = command("diff")
    diff.add_argument("files", nargs="+", type=Path, metavar="FILE",
                      help="OLD NEW, or NEW alone with --git REV")
    diff.add_argument("--git", metavar="REV", help="the old version is NEW at this git "
                      "revision (read with `git show`, nothing checked out)")
    diff.add_argument("--data", type=Path, metavar="DIR", help="evaluate both versions on "
                      "these data and show how each changed indicator's values moved")
    diff.add_argument("--period", metavar="YEAR", help="with --data: the reporting year "
                      "(default: the latest the data hold)")
    diff.add_argument("--format", choices=("text", "json", "html"), default="text",
                      help="text (default), json for tools, or html: one page to publish")
    diff.add_argument("--out", type=Path, metavar="FILE",
                      help="write the report here (default: standard output)")
    diff.add_argument("--root", type=Path, metavar="DIR", help=root_help)

    command("lsp")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also the console-script entry point)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # never fail on a console that lacks a character
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except _UsageError as error:
        return _error(str(error), EXIT_USAGE)
    except OutputError as error:
        return _error(str(error), EXIT_ERRORS)
    except OSError as error:
        if error.filename is None:
            return _internal(error, args.debug)
        # The file system refused a path the user gave (a full disk, a permission taken
        # away while the command ran): their environment, not a bug in outcomespec.
        if args.debug:
            traceback.print_exc()
        return _error(f"cannot use `{error.filename}`: {error.strerror or error}",
                      EXIT_ERRORS)
    except Exception as error:
        return _internal(error, args.debug)


def _error(message: str, status: int) -> int:
    sys.stderr.write(f"outcomespec: error: {message}\n")
    return status


def _internal(error: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    sys.stderr.write(
        f"outcomespec: internal error ({type(error).__name__}); this is a bug in "
        "outcomespec, please report it with the file that caused it "
        "(run again with --debug for details)\n")
    return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    return _COMMANDS[args.command](args)


def _explain_code(args: argparse.Namespace) -> int:
    if args.list:
        sys.stdout.write("".join(f"{info.code}  {info.severity:<7}  {info.title}\n"
                                 for info in CODES.values()))
        return EXIT_OK
    info = CODES.get(args.code.upper())
    if info is None:
        return _error(f"no diagnostic code `{args.code}`; outcomespec explain-code --list "
                      "lists them", EXIT_USAGE)
    sys.stdout.write(f"{info.code} ({info.severity}): {info.title}\n\n{info.explanation}\n")
    return EXIT_OK


def _default_root(files: list[Path]) -> Path | None:
    cwd = Path.cwd().resolve()
    try:
        inside = all(f.resolve().is_relative_to(cwd) for f in files)
    except (OSError, RuntimeError):  # a symlink loop: reading the file will say so
        inside = all(f.absolute().is_relative_to(cwd) for f in files)
    return cwd if inside else None


def _root(args: argparse.Namespace, files: list[Path]) -> Path | None:
    """The project root imports must stay inside: `--root` (checked), or the default."""
    if args.root is None:
        return _default_root(files)
    if not args.root.is_dir():
        msg = f"--root {args.root} is not a directory"
        raise _UsageError(msg)
    return Path(args.root)


def _check(args: argparse.Namespace) -> int:
    result = check_paths(list(args.files), _root(args, list(args.files)))
    if args.format == "json":
        sys.stdout.write(render_json(result.diagnostics) + "\n")
    elif result.diagnostics:  # the command's output: standard output
        sys.stdout.write(render_all(result.diagnostics,
                                    colour=_colour(args.color, sys.stdout)))
    return EXIT_OK if result.ok else EXIT_ERRORS


def _fmt(args: argparse.Namespace) -> int:
    """Format each file in place; a file that cannot be written is reported and the rest are
    still formatted (exit 1). A symbolic link is written through and kept."""
    status = EXIT_OK
    problems: list[Diagnostic] = []
    for path in args.files:
        source = read_source(path)
        if isinstance(source, Diagnostic):
            problems.append(source)
            status = EXIT_ERRORS
            continue
        formatted = format_source(source)
        if not isinstance(formatted, str):
            problems.extend(formatted)
            status = EXIT_ERRORS
            continue
        if formatted == source.text:
            continue
        if args.check:
            sys.stdout.write(f"would reformat {path}\n")
            status = EXIT_ERRORS
            continue
        try:
            write_output(path, formatted)
        except OutputError as error:
            status = _error(str(error), EXIT_ERRORS)
            continue
        sys.stdout.write(f"reformatted {path}\n")
    if problems:
        _report(problems)
    return status


def _load(path: Path, root: Path | None) -> Framework | None:
    """A checked framework, or None after printing why it cannot be used."""
    from outcomespec.api import load

    try:
        framework = load(path, root if root is not None else _default_root([path]))
    except OutcomeSpecError as error:
        _report(error.diagnostics)
        return None
    if framework.warnings:
        _report(framework.warnings)
    return framework


def _colour(choice: str, stream: TextIO) -> bool:
    """Whether to colour diagnostics: `always`, or `auto` on a terminal without NO_COLOR."""
    return choice == "always" or (choice == "auto" and stream.isatty()
                                  and "NO_COLOR" not in os.environ)


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    """Diagnostics that stop a command or warn: not its output, so on standard error."""
    sys.stderr.write(render_all(diagnostics, colour=_colour("auto", sys.stderr)))


def _load_all(paths: Sequence[Path], root: Path | None) -> list[Framework] | None:
    """The checked frameworks, or None after printing why the first that fails cannot be
    used."""
    frameworks = []
    for path in paths:
        framework = _load(path, root)
        if framework is None:
            return None
        frameworks.append(framework)
    return frameworks


def _explain(args: argparse.Namespace) -> int:
    """Each framework's plan in words, or as JSON; nothing is printed unless every framework
    loads."""
    from outcomespec.api import explanation_document

    frameworks = _load_all(args.frameworks, args.root)
    if frameworks is None:
        return EXIT_ERRORS
    explanations = [framework.explanation() for framework in frameworks]
    if args.format == "json":
        document = explanation_document(explanations)
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(e.render_text() for e in explanations))
    return EXIT_OK


def _eval(args: argparse.Namespace) -> int:
    from outcomespec.api import UnknownAreaError, run_all, run_series
    from outcomespec.results.builder import Results

    chosen = _eval_usage(args)
    asked = _period(args)
    span, period = (asked, None) if isinstance(asked, tuple) else (None, asked)
    frameworks = _load_all(args.frameworks, args.root)
    if frameworks is None:
        return EXIT_ERRORS
    inputs = _eval_inputs(args, frameworks, span or ((period,) if period else ()))
    try:
        if span:
            series = run_series(frameworks, args.data, span, area=args.area,
                                keep_going=args.keep_going, comparators=args.comparators)
            runs = tuple(run for period_runs in series.runs for run in period_runs)
        else:
            runs = (_run_spark(frameworks, args, period) if args.engine == "spark"
                    else run_all(frameworks, args.data, period, area=args.area,
                                 keep_going=args.keep_going, comparators=args.comparators))
    except UnknownAreaError as error:
        (problem,) = error.diagnostics
        sys.stderr.write(f"outcomespec: error: --area: {problem.message}"
                         f"{f'; {problem.help}' if problem.help else ''}\n")
        return EXIT_USAGE
    except OutcomeSpecError as error:
        _report(error.diagnostics)
        return EXIT_ERRORS
    shown: set[Diagnostic] = set()
    for framework, run in zip(list(frameworks) * (len(span) if span else 1), runs, strict=True):
        sys.stderr.write(_summary(framework.name, run, shown))
    results = series.results if span else Results.concatenate([run.results for run in runs])
    content = _content(results, chosen)
    if args.out is None:
        assert isinstance(content, str)  # parquet without --out is refused above
        sys.stdout.write(content)
    else:
        write_output(args.out, content, inputs=inputs)
    status = EXIT_ERRORS if any(d.is_error for run in runs for d in run.diagnostics) else EXIT_OK
    if not _has_values(results):
        return _error("no indicator has a value: nothing in the data could be evaluated "
                      "(see above)", EXIT_ERRORS)
    missing = _missing_data(runs)
    if missing and not args.allow_missing:
        return _error(f"data are missing for {len(missing)} of the indicators asked for "
                      f"({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''}; see "
                      "above); give --allow-missing to accept a table without them",
                      EXIT_ERRORS)
    return status


def _run_spark(frameworks: Sequence[Framework], args: argparse.Namespace, period: int | None
               ) -> tuple[Run, ...]:
    """`--engine spark`: the same run on Apache Spark (the active session's, or a local one)."""
    spark = importlib.import_module("outcomespec.spark")
    runs: tuple[Run, ...] = spark.run_spark(frameworks, args.data, period,
                                            keep_going=args.keep_going)
    return runs


def _eval_usage(args: argparse.Namespace) -> str:
    """The output format, once `--data`, `--out` and the format are known to be usable
    (usage mistakes are found here, before anything is read)."""
    if not args.data.is_dir():
        msg = f"--data {args.data} is not a directory"
        raise _UsageError(msg)
    if args.out is not None:
        _check_out(args.out, ())
    chosen: str = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "csv")
    if chosen not in FORMATS:
        msg = f"cannot tell the format from `{args.out}`; give --format"
        raise _UsageError(msg)
    if chosen == "parquet" and args.out is None:
        msg = "parquet needs --out FILE"
        raise _UsageError(msg)
    if args.engine == "spark":
        if args.period is not None and ".." in args.period:
            msg = ("--engine spark evaluates one period: give --period a single year, or leave "
                   "out --engine spark for a span")
            raise _UsageError(msg)
        if args.area is not None:
            msg = ("--area is for a single authority's return, evaluated in process: leave out "
                   "--engine spark")
            raise _UsageError(msg)
        try:
            importlib.import_module("pyspark")
        except ImportError as error:
            msg = ("--engine spark needs pyspark, which is not installed: pip install "
                   "'outcomespec[spark]'")
            raise _UsageError(msg) from error
    return chosen


def _period(args: argparse.Namespace) -> int | tuple[int, ...] | None:
    """The `--period` asked for: a year, or the years of a span (2021..2025); a label that
    is not one is a usage mistake."""
    if args.period is None:
        return None
    from outcomespec.api import parse_period, parse_periods

    try:
        return parse_periods(args.period) if ".." in args.period else parse_period(args.period)
    except ValueError as error:
        msg = f"--period {args.period}: {str(error).removeprefix('`period` ')}"
        raise _UsageError(msg) from error


def _eval_inputs(args: argparse.Namespace, frameworks: Sequence[Framework],
                 periods: Sequence[int]) -> list[Path]:
    """Every file the run reads (in `--data` and its folders of `periods`), once `--data` is
    known to hold some of them (else a usage mistake naming the files looked for), and
    `--out` known not to be one of them."""
    from outcomespec.api import data_files, framework_files

    looked_for = data_files(frameworks, args.data, periods)
    found = [path for path in looked_for if os.path.lexists(path)]
    if not found:
        names = ", ".join(dict.fromkeys(path.stem for path in looked_for))
        where = ("" if not periods else f" (nor its folder {periods[0]})" if len(periods) == 1
                 else f" (nor its folders {periods[0]} to {periods[-1]})")
        msg = (f"--data {args.data}{where} holds none of the files the frameworks read "
               f"(looked for {names}, each as .csv or .parquet, and XML returns)")
        raise _UsageError(msg)
    inputs = [*framework_files(args.frameworks, _root(args, list(args.frameworks))), *found]
    if args.out is not None:
        _check_out(args.out, inputs)
    return inputs


def _check_out(out: Path, inputs: Sequence[Path]) -> None:
    """A usage mistake when `--out` cannot take the output or is one of the run's inputs
    (checked before any work)."""
    try:
        check_output(out, inputs)
    except OutputError as error:
        raise _UsageError(f"--out: {error}") from error


def _content(results: Results, chosen: str) -> Content:
    """The results in the chosen format: text, or for Parquet a writer of the file."""
    if chosen == "parquet":
        return results.to_parquet
    text = {"csv": results.to_csv, "json": results.to_json,
            "fingertips": results.to_fingertips_csv, "ees": results.to_ees_csv}[chosen]()
    assert text is not None
    return text


def _has_values(results: Results) -> bool:
    """Whether any row has a value, shown or withheld by suppression."""
    return any(not math.isnan(value) for value in results.value.tolist()) or any(
        results.suppressed.tolist())


def _missing_data(runs: Sequence[Run]) -> list[str]:
    """The indicators asked for whose data are missing (`framework.indicator`): those that
    could not be evaluated, because a dataset they need was not supplied or held no rows for
    the period. (A single value left blank, a published `x` say, is explained by its row's
    note and does not make the indicator missing.)
    """
    return [f"{skipped.indicator.framework}.{skipped.indicator.id}"
            for run in runs for skipped in run.evaluation.skipped]


def _align(args: argparse.Namespace) -> int:
    from outcomespec.api import align, framework_files

    root = _root(args, list(args.frameworks))
    inputs = framework_files(args.frameworks, root)
    if args.out is not None:
        _check_out(args.out, inputs)
    try:
        alignment = align(args.frameworks, root)
    except OutcomeSpecError as error:
        _report(error.diagnostics)
        return EXIT_ERRORS
    if args.format == "json":
        text = json.dumps(alignment.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = alignment.render_html() if args.format == "html" else alignment.render_text()
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_output(args.out, text, inputs=inputs)
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from outcomespec.cli.demo import run_demo

    if not (args.frameworks / "csc_national_framework.ospec").is_file():
        msg = (f"no csc_national_framework.ospec in {args.frameworks}; run from the checkout "
               "or give --frameworks")
        raise _UsageError(msg)
    try:
        check_folder(args.out)
    except OutputError as error:
        raise _UsageError(f"--out: {error}") from error
    try:
        run_demo(args.out, args.frameworks, scale=args.scale, seed=args.seed,
                 pupils=args.pupils, steps=steps_for(sys.stderr))
    except OutcomeSpecError as error:
        _report(error.diagnostics)
        return EXIT_ERRORS
    return EXIT_OK


def _areas_evaluated(evaluation: Evaluation) -> str:
    """The authorities a run evaluated: all of the period's, or a single authority's."""
    frame, only = evaluation.frame, evaluation.only
    if only is None:
        return _authorities(frame.n_areas)
    code, name = frame.codes[only], frame.names[only]
    return f"the single local authority {code}" + ("" if name == code else f" ({name})")


def _summary(name: str, run: Run, shown: set[Diagnostic]) -> str:
    """What a careful reader needs to trust the numbers: what was read and what was not."""
    choice = run.period_choice
    lines = [f"{name}: {len(run.evaluation.totals)} indicator results for period "
             f"{choice.period} ({choice.label}), "
             f"{_areas_evaluated(run.evaluation)}",
             f"  period {choice.period}: {choice.reason}"]
    for dataset, result in sorted(run.loads.items()):
        report = result.report
        lost = sum(report.rows_excluded().values())
        missing = sum(report.read_as_missing().values())
        lines.append(f"  read {dataset}: {report.rows_read:,} rows, {lost:,} excluded, "
                     f"{missing:,} values read as missing")
    lines.extend(f"  not evaluated: {s.indicator.id}: {s.reason}"
                 for s in run.evaluation.skipped)
    lines.extend(f"  numerator outside denominator: {v.indicator.id}: {v.units:,} units "
                 f"(first rows {list(v.example_rows)})" for v in run.evaluation.violations)
    text = "\n".join(lines) + "\n"
    new = [d for d in run.diagnostics if d not in shown]
    shown.update(new)
    if new:
        text += render_all(new)
    return text


def _authorities(count: int) -> str:
    return f"{count} local authorit{'y' if count == 1 else 'ies'}"


def _diff(args: argparse.Namespace) -> int:
    """`diff OLD NEW` or `diff --git REV NEW`: the revision report, with the break in the
    series when `--data` is given."""
    from outcomespec.api import framework_files, load
    from outcomespec.revision import GitError, Version, compare, git_files
    from outcomespec.revision.report import render_html, render_text, to_dict
    from outcomespec.revision.series import SeriesBreak, series_breaks

    files: list[Path] = list(args.files)
    if len(files) != (1 if args.git else 2):
        msg = "give NEW alone with --git REV" if args.git else "give OLD and NEW (or --git REV NEW)"
        raise _UsageError(msg)
    if args.data is not None and not args.data.is_dir():
        msg = f"--data {args.data} is not a directory"
        raise _UsageError(msg)
    period = _period(args)
    if isinstance(period, tuple):
        msg = "--period: diff compares one period; give a single year"
        raise _UsageError(msg)
    root = _root(args, files)
    try:
        old_files = git_files(files[-1], args.git) if args.git else DISK
    except GitError as error:
        raise _UsageError(f"--git: {error}") from error
    labels = (f"{args.git}:{files[-1]}" if args.git else str(files[0]), str(files[-1]))
    if args.out is not None:
        _check_out(args.out, [*framework_files(files, root)])
    try:
        old = load(files[0], root, files=old_files)
        new = load(files[-1], root)
        revision = compare(Version(old.model, old.modules), Version(new.model, new.modules),
                           labels=labels)
        breaks: tuple[SeriesBreak, ...] = ()
        if args.data is not None and revision.changed():
            after = new.run(args.data, period)
            chosen = after.period_choice.period
            before = old.run(args.data, chosen)
            breaks = series_breaks(revision, before.results, after.results, chosen)
    except OutcomeSpecError as error:
        _report(error.diagnostics)
        return EXIT_ERRORS
    if args.format == "json":
        text = json.dumps(to_dict(revision, breaks), indent=2, ensure_ascii=False) + "\n"
    else:
        text = (render_html if args.format == "html" else render_text)(revision, breaks)
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_output(args.out, text)
    return EXIT_OK


def _lsp(args: argparse.Namespace) -> int:
    """Serve the language server over standard input and output until the editor stops it."""
    try:
        from outcomespec.lsp.server import serve
    except ImportError as error:
        return _error(f"the language server needs pygls and lsprotocol, which are not "
                      f"installed ({error.name}): pip install 'outcomespec[lsp]'", EXIT_USAGE)
    serve()
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check, "fmt": _fmt, "eval": _eval, "explain": _explain, "align": _align,
    "demo": _demo, "explain-code": _explain_code, "diff": _diff, "lsp": _lsp,
}
"""Each subcommand (argparse accepts no other) and the function that runs it."""
