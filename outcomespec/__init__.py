"""outcomespec: write, check, compute and publish outcomes frameworks for children's social care.

>>> import outcomespec
>>> outcomespec.__version__
'0.1.0'
"""

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
