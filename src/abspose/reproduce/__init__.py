"""Reproduce the paper's tables on the user's Human3.6M and MPI-INF-3DHP (docs/reproduce.md).

:mod:`~abspose.reproduce.paper` holds the paper's numbers, :mod:`~abspose.reproduce.tables`
each table's plan (its trainings, each a :class:`Variant` of the lifter, and how it is scored),
:mod:`~abspose.reproduce.run` the training runs, :mod:`~abspose.reproduce.report` the written
table."""

from abspose.reproduce.paper import PAPER, TABLES
from abspose.reproduce.report import TableResult, write_table
from abspose.reproduce.run import PlanEstimate, estimate_plans, estimate_seconds, run_plan
from abspose.reproduce.tables import Benchmarks, TablePlan, Training, Variant, plan_table

__all__ = [
    "PAPER",
    "TABLES",
    "Benchmarks",
    "PlanEstimate",
    "TablePlan",
    "TableResult",
    "Training",
    "Variant",
    "estimate_plans",
    "estimate_seconds",
    "plan_table",
    "run_plan",
    "write_table",
]
