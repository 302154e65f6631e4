"""What `outcomespec --help` says beyond each argument's own help: the program in its users'
words, where output and errors go, and an example of each command.

One rule for every command (docs/cli.rst, "Output and errors"): what a command produces goes
to standard output — `check`'s diagnostics, `fmt`'s list of files, the results table of
`eval` without `--out`, `align`'s report, `explain`'s plan, `explain-code`'s text, `demo`'s
summary — so that it can be piped or redirected; everything else goes to standard error:
errors that stop a command (among them the diagnostics of a framework that `eval`, `align`,
`explain` or `demo` cannot use, and of a file `fmt` cannot parse), warnings, progress, and
the report of what `eval` read.
"""

from __future__ import annotations

import textwrap

WIDTH = 79
"""Paragraphs of `--help` are wrapped here (argparse leaves them as they are)."""

DESCRIPTION = textwrap.fill(
    "Outcomes frameworks for children's social care in England, written as files: check "
    "and format them, compute their indicators for every local authority, region and "
    "England from SSDA903 returns, children in need censuses or DfE's published tables, "
    "and line frameworks up on the goals they share.", WIDTH)

EPILOG = "\n\n".join(textwrap.fill(paragraph, WIDTH) for paragraph in (
    "Start with `outcomespec demo`: it generates national synthetic data, evaluates the "
    "shipped frameworks and prints what came out. `outcomespec COMMAND --help` shows a "
    "command's options and examples.",
    "What a command produces goes to standard output; errors, warnings and progress go to "
    "standard error. Exit status: 0 success, 1 errors in the files or the data, 2 a "
    "mistake on the command line (found before any work), 70 a bug in outcomespec."))

COMMANDS = {
    "check": ("parse and check framework files",
              "Diagnostics are this command's output: they go to standard output, as text "
              "(file:line:column, a caret under the place, a help line) or JSON. The exit "
              "status is 1 when any file has an error."),
    "fmt": ("rewrite framework files in the canonical layout, keeping comments",
            "A file that does not parse is left as it is, and its diagnostics go to standard "
            "error. Each file rewritten (or, with --check, each that would be) is named on "
            "standard output."),
    "eval": ("compute frameworks' indicators from data files",
             "The results table goes to --out, or to standard output; the report of what was "
             "read (rows, values read as missing, indicators not evaluated and why) and any "
             "problem go to standard error."),
    "explain": ("show how frameworks are evaluated: what each indicator computes, reads, and "
                "its steps",
                "The plan goes to standard output; the diagnostics of a framework that does "
                "not check go to standard error."),
    "align": ("line frameworks up on shared goals: coverage, duplicates, conflicts",
              "The report goes to --out, or to standard output; the diagnostics of a "
              "framework that does not check go to standard error."),
    "demo": ("generate national synthetic data, evaluate the shipped frameworks and "
             "summarise the results",
             "The summary goes to standard output, progress to standard error. The data are "
             "generated once per --scale and --seed under DIR/data and reused, whatever "
             "--pupils asks for."),
    "explain-code": ("say what a diagnostic code means and how to fix it",
                     "Codes may be written in any case."),
    "diff": ("say what a revision of a framework changes in meaning, indicator by indicator "
             "(and, with --data, in the published values)",
             "The report goes to --out, or to standard output; the diagnostics of a version "
             "that does not check go to standard error. Layout and comments are never a "
             "change."),
    "lsp": ("run the language server for editors, over standard input and output",
            "Speaks the Language Server Protocol on standard input and output; needs "
            "`pip install 'outcomespec[lsp]'`. Editors start it; see the docs' editors page."),
}
"""Command → (the one line of the command list, what its help says about its output)."""

EXAMPLES = {
    "check": (
        ("outcomespec check frameworks/datasets/*.ospec frameworks/*.ospec",
         "check the shipped files"),
        ("outcomespec check --format json my_framework.ospec > diagnostics.json",
         "for an editor or another tool"),
    ),
    "fmt": (
        ("outcomespec fmt my_framework.ospec", "rewrite the file in place"),
        ("outcomespec fmt --check frameworks/*.ospec", "change nothing; exit 1 if a file "
                                                      "would change"),
    ),
    "eval": (
        ("outcomespec eval frameworks/dfe_published.ospec --data frameworks/data/dfe "
         "--out results.csv", "DfE's published tables, latest year"),
        ("outcomespec eval frameworks/csc_national_framework.ospec --data returns "
         "--period 2024-25 --format ees --out national.csv", "your returns, one year"),
        ("outcomespec eval frameworks/csc_national_framework.ospec --data returns "
         "--period 2021..2025 --out series.csv", "five years from returns/2021 … returns/2025, "
                                                 "with ranks and recent trends"),
    ),
    "explain": (
        ("outcomespec explain frameworks/csc_national_framework.ospec", ""),
        ("outcomespec explain --format json frameworks/*.ospec > plans.json", "for tools"),
    ),
    "align": (
        ("outcomespec align frameworks/csc_national_framework.ospec "
         "frameworks/supporting_families.ospec frameworks/shared_outcomes.ospec", ""),
        ("outcomespec align frameworks/*.ospec --format html --out alignment.html",
         "a page to publish"),
    ),
    "demo": (
        ("outcomespec demo", "one national year (some 1 GB of data, cached)"),
        ("outcomespec demo --scale 0.1 --out /tmp/demo", "a tenth of the volume, in seconds"),
        ("outcomespec demo --pupils 0.05", "with a school census, for the shared outcomes"),
    ),
    "explain-code": (
        ("outcomespec explain-code E402", ""),
        ("outcomespec explain-code --list", "every code, with its severity and title"),
    ),
    "diff": (
        ("outcomespec diff old/csc_national_framework.ospec "
         "frameworks/csc_national_framework.ospec", "two files"),
        ("outcomespec diff --git HEAD~1 frameworks/csc_national_framework.ospec --data "
         "returns --format html --out diff.html", "the last commit's change, and its break "
         "in the series"),
    ),
    "lsp": (
        ("outcomespec lsp", "started by an editor, not by hand"),
    ),
}
"""Command → (command line, what it does) for the end of its `--help`."""


def epilog(command: str) -> str:
    """The end of a command's `--help`: where its output goes, then its examples.

    >>> print(epilog("explain-code"))
    Codes may be written in any case.
    <BLANKLINE>
    examples:
      outcomespec explain-code E402
      outcomespec explain-code --list
          every code, with its severity and title
    """
    lines = [COMMANDS[command][1], "", "examples:"]
    for line, what in EXAMPLES[command]:
        lines.append(f"  {line}")
        if what:
            lines.append(f"      {what}")
    return textwrap.fill(lines[0], WIDTH) + "\n" + "\n".join(lines[1:])
