"""The results table: per-area totals pooled into regions and England (`pooling`), values
and confidence limits (`limits`, from the quantiles of `quantiles` and the special functions
of `incomplete`), judged against comparators (`judgement`), small counts protected
(`suppression`, `disclosure`), each indicator's figures as published (`figures`), built by
`builder` and held by `table`, which writes it in the layouts of `layouts`."""

from outcomespec.results.builder import build_results, build_results_together, results_of
from outcomespec.results.judgement import Judgement
from outcomespec.results.table import COLUMNS, ENGLAND_CODE, Results

__all__ = ["COLUMNS", "ENGLAND_CODE", "Judgement", "Results", "build_results",
           "build_results_together", "results_of"]
