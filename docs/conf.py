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
# Readable by everyone (WCAG 2.2 AA, checked by .ci/axe_check.py): code in Pygments' xcode
# colours, each at least 4.7:1 against the code background; the footer's grey at 7:1
# (alabaster's #888 is 3.5:1). _templates/ keeps the sidebar's headings in order and its
# search field labelled; _static/outcomespec.css wraps code and keeps focus visible.
pygments_style = "xcode"
html_theme_options = {"page_width": "1180px", "sidebar_width": "240px",
                      "highlight_bg": "#F8F8F8", "footer_text": "#505A5F"}
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["outcomespec.css"]

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
