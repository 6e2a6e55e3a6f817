"""The paper's tables, one function (and one ``abspose reproduce`` command) per table."""

from abspose.reproduce.tables import PAPER, TableResult, estimate_seconds, table1, write_table

__all__ = ["PAPER", "TableResult", "estimate_seconds", "table1", "write_table"]
