"""outcomespec: write, check, compute and publish outcomes frameworks for children's social care.

The names below are imported when first used (PEP 562), so that `import outcomespec.checking`
— what `outcomespec check` and an editor need — does not load the API, and with it NumPy.

>>> import outcomespec
>>> outcomespec.__version__
'0.1.0'
>>> outcomespec.load.__module__
'outcomespec.api'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outcomespec.api import Alignment, Framework, align, load
    from outcomespec.language.diagnostics import (
        Diagnostic,
        OutcomeSpecError,
        OutcomeSpecWarning,
        Severity,
    )

__version__ = "0.1.0"

__all__ = ["Alignment", "Diagnostic", "Framework", "OutcomeSpecError", "OutcomeSpecWarning",
           "Severity", "__version__", "align", "load"]

_HOMES = {
    "Alignment": "outcomespec.api",
    "Framework": "outcomespec.api",
    "align": "outcomespec.api",
    "load": "outcomespec.api",
    "Diagnostic": "outcomespec.language.diagnostics",
    "OutcomeSpecError": "outcomespec.language.diagnostics",
    "OutcomeSpecWarning": "outcomespec.language.diagnostics",
    "Severity": "outcomespec.language.diagnostics",
}
"""The module each public name lives in."""


def __getattr__(name: str) -> Any:
    """A public name, imported from its home on first use (then kept in this module)."""
    home = _HOMES.get(name)
    if home is None:  # AttributeError, so that `from outcomespec import model` finds the package
        msg = f"module 'outcomespec' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
