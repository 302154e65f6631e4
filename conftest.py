"""Test collection: modules of optional extras are doctested only where the extra is installed.

`--doctest-modules` imports every module of the package; the Pygments lexer and the Sphinx
extension need the `docs` extra, which a `test`-only install does not have.
"""

import importlib.util

collect_ignore_glob: list[str] = []
if importlib.util.find_spec("pygments") is None:
    collect_ignore_glob.append("outcomespec/language/highlighting.py")
if importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("matplotlib") is None:
    collect_ignore_glob.append("outcomespec/sphinxext/*")
