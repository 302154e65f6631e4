"""Checked models of frameworks written in a test: a library and indicators, as text."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from outcomespec import model as m
from outcomespec.checking import check_paths


def checked_framework(folder: Path, library: str, indicators: Mapping[str, str]
                      ) -> tuple[tuple[m.Framework, ...], m.Framework]:
    """The library (its text) and a framework `t` that imports it and holds `indicators`
    (name → fields) in one outcome, written to `folder` and checked: (every module, `t`).
    Any diagnostic fails the test."""
    (folder / "library.ospec").write_text(library, "utf-8")
    body = "".join(f'  indicator {name} "{name}" {{ {fields} }}\n'
                   for name, fields in indicators.items())
    text = f'framework t "Test" {{\n import "library.ospec"\n outcome o "O" {{\n{body} }}\n}}\n'
    (folder / "t.ospec").write_text(text, "utf-8")
    result = check_paths([folder / "t.ospec"], folder)
    assert result.ok, [d.message for d in result.diagnostics]
    framework = result.framework("t")
    assert framework is not None
    return result.frameworks, framework
