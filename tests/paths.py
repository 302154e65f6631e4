"""Where the tests find the project and their own fixtures, wherever the test file lies."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
"""The tests folder: golden files in `golden/`, real-format data in `data/`."""
REPO = TESTS.parent
"""The project's root: frameworks/, docs/, benchmarks/."""
