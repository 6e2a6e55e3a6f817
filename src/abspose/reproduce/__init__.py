"""Reproduce the paper's tables on the user's Human3.6M and MPI-INF-3DHP (docs/reproduce.md)."""

from abspose.reproduce.tables import (
    PAPER,
    TABLES,
    Benchmarks,
    TablePlan,
    TableResult,
    Training,
    estimate_seconds,
    plan_table,
    run_plan,
    write_table,
)

__all__ = [
    "PAPER",
    "TABLES",
    "Benchmarks",
    "TablePlan",
    "TableResult",
    "Training",
    "estimate_seconds",
    "plan_table",
    "run_plan",
    "write_table",
]
