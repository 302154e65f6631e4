"""Sphinx extension: publish outcomes frameworks from their `.ospec` files.

Add `"outcomespec.sphinxext"` to conf.py's `extensions`. It provides the `ospec` domain
(objects, citations and index pages; see `domain`), directives that render framework files
at build time (see `directives`), and these settings:

Paths in these settings are relative to the source directory (where conf.py is, unless
sphinx-build is given `-c`):

- `ospec_root` — the directory imports may not leave (default: each framework file's own
  directory);
- `ospec_frameworks` — globs naming the frameworks the site publishes:
  they are aligned, and each page says which indicators of the others measure the same
  thing (default: none);
- `ospec_demo_charts` — draw spine charts of demo results on synthetic data, the
  frameworks' and `ospec:authority-spine`'s (default True);
- `ospec_demo_frameworks` — framework files to evaluate on the synthetic data for those
  charts (default: none);
- `ospec_demo_scale`, `ospec_demo_seed`, `ospec_demo_period` — the synthetic data
  (0.2 of England's volumes, seed 2025, the year ending 31 March 2025);
- `ospec_demo_area` — the local authority the charts show (old DfE code; 805 is Hartlepool).

Demo data and pictures are cached under the build's doctree directory (`.doctrees/ospec/`).
Every HTML page's contents captions get the heading level Sphinx leaves out
(`accessibility`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from outcomespec import OutcomeSpecError, __version__
from outcomespec.sphinxext import accessibility, spines
from outcomespec.sphinxext.directives import (
    AlignmentMatrix,
    AuthoritySpine,
    Diagnostics,
    FrameworkFile,
    FunnelChart,
    Libraries,
)
from outcomespec.sphinxext.domain import OutcomeSpecDomain
from outcomespec.sphinxext.site import load_framework, root_for

logger = logging.getLogger(__name__)


def prepare_demo(app: Sphinx) -> None:
    """Evaluate the demo frameworks on synthetic data, once per setting (cached)."""
    config = app.config
    if not config.ospec_demo_charts or not config.ospec_demo_frameworks:
        return
    confdir = Path(app.srcdir)
    settings = spines.DemoSettings(float(config.ospec_demo_scale), int(config.ospec_demo_seed),
                                   int(config.ospec_demo_period), str(config.ospec_demo_area))
    cache = Path(app.doctreedir) / "ospec"
    for name in config.ospec_demo_frameworks:
        path = (confdir / name).resolve()
        try:
            loaded = load_framework(path, root_for(confdir, config.ospec_root, path))
            logger.info("outcomespec: demo results for %s (scale %g, seed %d, %d)",
                        loaded.framework.name, settings.scale, settings.seed, settings.period)
            spines.prepare(loaded.framework, loaded.files, settings, cache)
        except OutcomeSpecError as error:
            codes = ", ".join(sorted({d.code for d in error.diagnostics})) or "no diagnostics"
            logger.warning("outcomespec: no demo results for %s (%s)", name, codes,
                           type="ospec", subtype="demo")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the domain, the directives, the settings and the demo data step."""
    app.add_domain(OutcomeSpecDomain)
    app.add_directive_to_domain("ospec", "framework-file", FrameworkFile)
    app.add_directive_to_domain("ospec", "libraries", Libraries)
    app.add_directive_to_domain("ospec", "alignment", AlignmentMatrix)
    app.add_directive_to_domain("ospec", "diagnostics", Diagnostics)
    app.add_directive_to_domain("ospec", "funnel", FunnelChart)
    app.add_directive_to_domain("ospec", "authority-spine", AuthoritySpine)
    app.add_config_value("ospec_root", "", "env", types=frozenset({str}))
    app.add_config_value("ospec_frameworks", [], "env", types=frozenset({list, tuple}))
    app.add_config_value("ospec_demo_charts", True, "env", types=frozenset({bool}))
    app.add_config_value("ospec_demo_frameworks", [], "env", types=frozenset({list, tuple}))
    app.add_config_value("ospec_demo_scale", 0.2, "env", types=frozenset({float, int}))
    app.add_config_value("ospec_demo_seed", 2025, "env", types=frozenset({int}))
    app.add_config_value("ospec_demo_period", 2025, "env", types=frozenset({int}))
    app.add_config_value("ospec_demo_area", "805", "env", types=frozenset({str}))
    app.connect("builder-inited", prepare_demo)
    app.connect("html-page-context", accessibility.on_page)
    return {"version": __version__, "env_version": 2,
            "parallel_read_safe": True, "parallel_write_safe": True}
