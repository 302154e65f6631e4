"""Evaluation: a checked framework compiled (`compiler`) to a plan of typed steps (`plan`), run
over loaded tables (`evaluator`; the steps' values by `execution`, with its array `kernels`
and the relating of rows, `pairs`) to per-area totals (`areas`), and explained to people
(`explanation`); the areas of a period (`gazetteer`), the periods the data hold
(`coverage`), what the plan reads checked against the files (`datachecks`), and the
plain-Python reference interpreter the plan is tested against (`interpreter`)."""

from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.evaluation.compiler import compile_plan
from outcomespec.evaluation.evaluator import Evaluation, Skipped, SubsetViolation, evaluate_plan
from outcomespec.evaluation.plan import Plan

__all__ = ["AreaFrame", "Evaluation", "IndicatorTotals", "Plan", "Skipped", "SubsetViolation",
           "compile_plan", "evaluate_plan"]
