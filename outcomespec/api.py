"""The public Python API: load a framework file, get a checked framework or an exception.

>>> from pathlib import Path
>>> try:
...     load(Path("missing.ospec"))
... except OutcomeSpecError as error:
...     print(error.diagnostics[0].code)
E001
"""

from __future__ import annotations

from pathlib import Path

from attrs import frozen

from outcomespec import model as m
from outcomespec.checker import check_paths
from outcomespec.diagnostics import Diagnostic, OutcomeSpecError


@frozen
class Framework:
    """A checked framework, with every module it imports and any warnings found."""

    model: m.Framework
    modules: tuple[m.Framework, ...]
    warnings: tuple[Diagnostic, ...]

    @property
    def name(self) -> str:
        """The framework's name as declared (`csc_national_framework`)."""
        return self.model.name

    @property
    def indicators(self) -> tuple[m.Indicator, ...]:
        """Every indicator of the framework, in declaration order."""
        return self.model.indicators


def load(path: str | Path, root: str | Path | None = None) -> Framework:
    """Read, parse and check a framework file and its imports.

    Raises `OutcomeSpecError`, carrying every diagnostic, if anything is an error. Imports
    may not leave `root` (default: the file's directory).
    """
    file = Path(path)
    result = check_paths([file], Path(root) if root is not None else file.resolve().parent)
    if not result.ok or not result.requested:
        raise OutcomeSpecError(result.diagnostics)
    framework = result.framework(result.requested[0])
    assert framework is not None
    return Framework(framework, result.frameworks, result.diagnostics)
