"""Check parsed framework files: names resolved across imports, expressions typed, indicator
rules enforced; the checked model (`outcomespec.model`) built from the syntax trees.

One module per kind of declaration (`declarations`, `indicators`, `judging`, `periods`,
`expressions`), the scope of names (`scope`), reading a project of files (`project`) and
checking its modules in order (`modules`).
"""

from outcomespec.checking.modules import CheckResult, check_paths, check_project

__all__ = ["CheckResult", "check_paths", "check_project"]
