"""`outcomespec check` stays light: in a fresh process it loads the language and the checker,
never NumPy (nor the API, the evaluation or the synthetic generator)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.paths import REPO

HEAVY = ("numpy", "pandas", "pyarrow", "outcomespec.api", "outcomespec.evaluation",
         "outcomespec.loading", "outcomespec.results", "outcomespec.synthetic")
"""What checking a framework must not import."""


def _loaded_after(code: str) -> list[str]:
    """The heavy modules loaded by `code`, run in a fresh interpreter from the checkout."""
    probe = (f"import json, sys\n{code}\n"
             f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({HEAVY!r}))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, check=True)
    loaded: list[str] = json.loads(done.stdout)
    return loaded


def test_check_of_the_shipped_frameworks_imports_no_numpy() -> None:
    """`check` on every shipped framework and library exits 0 and loads none of HEAVY."""
    files = sorted(str(path.relative_to(REPO)) for path in (REPO / "frameworks").rglob("*.ospec"))
    assert len(files) >= 10
    code = (f"from outcomespec.cli import main\n"
            f"assert main(['check', *{files!r}]) == 0")
    assert _loaded_after(code) == []


def test_importing_the_package_imports_nothing_heavy() -> None:
    """`import outcomespec` (and its version) loads none of HEAVY; `load` is there on use."""
    assert _loaded_after("import outcomespec; outcomespec.__version__") == []
    assert "numpy" in _loaded_after("import outcomespec; outcomespec.load")
