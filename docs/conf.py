"""Sphinx configuration: the outcomespec site, built from the framework files themselves.

Build: `sphinx-build -W --keep-going -b html docs docs/_build/html` (see README.md).
"""

from __future__ import annotations

import outcomespec

project = "outcomespec"
author = "outcomespec developers"
copyright = "2025, outcomespec developers"
version = release = outcomespec.__version__

extensions = ["sphinx.ext.autodoc", "outcomespec.sphinxext"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
exclude_patterns = ["_build", "README.md"]
root_doc = "index"
html_theme = "alabaster"
html_title = "outcomespec"
html_theme_options = {"page_width": "1180px", "sidebar_width": "240px"}

# The framework files: imports may not leave `ospec_root`; `ospec_frameworks` are the
# frameworks the site publishes (aligned together; each page names the same measure in the
# others). frameworks/datasets/ holds libraries, published through the frameworks importing
# them (docs/frameworks/data.rst).
ospec_root = "../frameworks"
ospec_frameworks = ["../frameworks/*.ospec"]

# Spine charts of demo results: the National Framework evaluated on synthetic national data
# (generated once per setting into the build directory, a few seconds at 0.2 of England's
# volumes), for one local authority against England, its region and its neighbours.
ospec_demo_charts = True
ospec_demo_frameworks = ["../frameworks/csc_national_framework.ospec"]
ospec_demo_scale = 0.2
ospec_demo_seed = 2025
ospec_demo_period = 2025
ospec_demo_area = "805"  # Hartlepool
