"""Loading data into typed tables: files and in-memory tables read into raw columns
(`sources`, after a look at their start, `sniffing`), converted to typed arrays
(`conversion`) held as `tables.Table`, each row's period read (`periods`), identifiers and
areas coded once for every table read together (`identifiers`, `coding`); `loader` does it
for one dataset or a directory of them and keeps the report."""

from outcomespec.loading.loader import (
    LoadReport,
    LoadResult,
    codelists_of,
    file_names,
    load_directory,
    load_table,
)
from outcomespec.loading.tables import Table

__all__ = ["LoadReport", "LoadResult", "Table", "codelists_of", "file_names", "load_directory",
           "load_table"]
