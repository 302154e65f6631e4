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

__all__ = ["Alignment", "Duplicate", "GoalCoverage", "IndicatorRef", "Link", "PolarityConflict",
           "align"]
