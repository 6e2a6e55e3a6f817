"""The typer application, its ``data`` group, and what the command modules share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from abspose._console import warn

app = typer.Typer(
    help="Absolute 3D human pose in camera coordinates.", no_args_is_help=True, rich_markup_mode=None
)


data_app = typer.Typer(
    help="Training data: convert motion capture, inspect datasets.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


app.add_typer(data_app, name="data")


@contextmanager
def echo_warnings(category: type[Warning] = Warning) -> Iterator[None]:
    """Print each distinct warning of ``category`` raised in the block as one yellow line."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", category)
        yield
    for message in dict.fromkeys(str(w.message) for w in caught):
        warn(message)


def errors_table(title: str, label: str, groups: dict[str, Any], keys: list[str]) -> Table:
    """The metrics table of `evaluate`: one row per group in ``keys``."""
    table = Table(title=title)
    for col in (label, "n", "MPJPE", "PA-MPJPE", "MRPE", "X", "Y", "Z", "3DPCK", "AUC"):
        table.add_column(col)
    for key in keys:
        g = groups[key]
        table.add_row(
            key,
            str(g.count),
            f"{g.mpjpe:.1f}",
            f"{g.pa_mpjpe:.1f}",
            f"{g.mrpe:.0f}",
            f"{g.root_x:.0f}",
            f"{g.root_y:.0f}",
            f"{g.root_z:.0f}",
            f"{g.pck3d:.1f}",
            f"{g.auc:.1f}",
        )
    return table


state = {"debug": False}


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    state["debug"] = debug


FILE = {"exists": True, "dir_okay": False}


class Split(StrEnum):
    """A split of the motion capture by person (:data:`abspose.data.SPLITS`)."""

    train = "train"
    val = "val"
    test = "test"


class GroupBy(StrEnum):
    """Rows of a benchmark's table."""

    group = "group"
    action = "action"
    subject = "subject"
    camera = "camera"


class Root(StrEnum):
    """Who places the root: the lifter (Eq. 5-6), or Mehta et al.'s closed form (paper Table 3)."""

    lifter = "lifter"
    mehta = "mehta"
