"""Revisions of a framework: what a new version changes in meaning, indicator by indicator
(`changes`), read from a git revision when asked (`git`), what the change does to the
published values (`series`), and the report in text, JSON and HTML (`report`)."""

from outcomespec.revision.changes import (
    Aspect,
    Change,
    DefinitionChange,
    IndicatorChange,
    Revision,
    SettingChange,
    Status,
    Version,
    compare,
)
from outcomespec.revision.git import GitError, GitFiles, git_files

__all__ = ["Aspect", "Change", "DefinitionChange", "GitError", "GitFiles", "IndicatorChange",
           "Revision", "SettingChange", "Status", "Version", "compare", "git_files"]
