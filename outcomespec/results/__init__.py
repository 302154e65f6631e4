"""The results table: per-area totals pooled into regions and England (`pooling`), values
and confidence limits (`statistics`), judged against comparators (`judgement`), small counts
protected (`suppression`, `disclosure`), built by `builder` and published in its layouts
(`table`)."""

from outcomespec.results.builder import build_results, build_results_together, results_of
from outcomespec.results.judgement import Judgement
from outcomespec.results.table import COLUMNS, ENGLAND_CODE, Results

__all__ = ["COLUMNS", "ENGLAND_CODE", "Judgement", "Results", "build_results",
           "build_results_together", "results_of"]
