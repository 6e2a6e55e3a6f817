"""A reproduced table: its rows, notes and figures, written as markdown beside the paper's
numbers and as JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from abspose._files import write_text_atomic
from abspose.reproduce.paper import PAPER

__all__ = ["METRICS", "TableResult", "all_metrics", "write_table"]

METRICS = ("mpjpe", "pa_mpjpe", "mrpe", "root_x", "root_y", "root_z", "pck3d", "auc")


@dataclass(frozen=True)
class TableResult:
    """One reproduced table.

    Attributes:
        name: ``"table1"`` ...
        rows: setting -> our metrics [mm, %] on the test frames.
        notes: how the run differed from the paper (data, width, epochs, subsampling).
        columns: the metrics the markdown shows (default: those the paper reports).
        figures: PNGs written beside the table.
    """

    name: str
    rows: dict[str, dict[str, float]]
    notes: tuple[str, ...]
    columns: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()


def all_metrics(groups: Mapping[str, Any], group: str = "all") -> dict[str, float]:
    return {m: float(getattr(groups[group], m)) for m in METRICS}


def write_table(result: TableResult, out_dir: str | Path) -> tuple[Path, Path]:
    """``<name>.md`` (ours beside the paper's) and ``<name>.json`` in ``out_dir``."""
    out = Path(out_dir)
    paper = PAPER.get(result.name, {})
    columns = list(result.columns) or [m for m in METRICS if any(m in p for p in paper.values())]
    head = " | ".join(f"{m} ours | paper" for m in columns)
    lines = [f"# {result.name}", "", f"| setting | {head} |", "|---" * (1 + 2 * len(columns)) + "|"]
    for name, ours in result.rows.items():
        cells = []
        for m in columns:
            ref = paper.get(name, {}).get(m)
            value = ours.get(m, float("nan"))
            cells += [f"{value:.2f}" if np.isfinite(value) else "-", f"{ref:.2f}" if ref is not None else "-"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Errors in mm, 3DPCK and AUC in %. Ours: " + "; ".join(result.notes) + "."]
    lines += [f"![{fig}]({fig})" for fig in result.figures]
    md = write_text_atomic(out / f"{result.name}.md", "\n".join(lines) + "\n")
    doc = {**asdict(result), "paper": paper}
    doc["rows"] = {
        k: {m: v if np.isfinite(v) else None for m, v in r.items()} for k, r in result.rows.items()
    }
    js = write_text_atomic(out / f"{result.name}.json", json.dumps(doc, indent=1))  # NaN: null
    return md, js
