"""The language server stays light: it reads the language, the checker and the model, and
never imports NumPy or anything that evaluates (the import-linter contract says the same of
the import statements; this checks what a running process loads)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.paths import REPO

pytest.importorskip("pygls")

PROBE = """
import importlib.util, json, sys, types
# The package's own __init__ re-exports the API (and so NumPy) until it imports lazily;
# the server never needs it, so it is stood in for here by the bare package.
spec = importlib.util.find_spec("outcomespec")
package = types.ModuleType("outcomespec")
package.__path__ = list(spec.submodule_search_locations)
sys.modules["outcomespec"] = package
import outcomespec.lsp.server
loaded = sorted(name for name in sys.modules if name.startswith("outcomespec."))
print(json.dumps({"numpy": "numpy" in sys.modules, "packages": sorted(
    {name.split(".")[1] for name in loaded})}))
"""


def test_server_imports_no_numpy() -> None:
    """Importing the server loads the language, checker, model and itself, and no NumPy."""
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    found = json.loads(done.stdout)
    assert found == {"numpy": False,
                     "packages": ["checking", "language", "lsp", "model"]}
