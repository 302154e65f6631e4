"""Evaluating a framework where the data live, on Apache Spark: each local authority's rows
loaded and evaluated by the compiled plan on the executors (`partition`), what they send
back combined on the driver (`combine`), and the results stage run there, as in process
(`engine`). Needs the `spark` extra (pyspark); nothing else in outcomespec imports Spark."""

from outcomespec.spark.engine import SparkDataError, read_directory, run_spark, session

__all__ = ["SparkDataError", "read_directory", "run_spark", "session"]
