"""Alignment: how frameworks line up against shared goals, and against each other
(`analysis`), with quantities compared once normalised (`quantities`, `expressions`) and the
report's values and layouts (`values`, `report`)."""

from outcomespec.alignment.analysis import (
    Alignment,
    Duplicate,
    GoalCoverage,
    IndicatorRef,
    Link,
    PolarityConflict,
    align,
)
from outcomespec.alignment.report import NOT_SERVED, RELATION_COLOURS, RELATIONS

__all__ = ["NOT_SERVED", "RELATIONS", "RELATION_COLOURS", "Alignment", "Duplicate", "GoalCoverage",
           "IndicatorRef", "Link", "PolarityConflict", "align"]
