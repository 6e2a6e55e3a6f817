"""Reproduce the paper's tables on the user's copy of Human3.6M (see docs/reproduce.md).

Each table trains what it needs with :func:`~abspose.model.train_lifter` on the benchmark's
own frames and cameras, scores the test frames with :func:`~abspose.model.benchmark.evaluate_frames`,
and writes a markdown table beside the paper's numbers (METHOD.md §8) plus a JSON of every
number. Each run checkpoints after every epoch, so an interrupted table resumes.

Done so far: Table 1 (ground-truth 2D; the normalization layer's location and scale inputs).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from abspose._files import write_text_atomic
from abspose.data.frames import CameraFrames, protocol_split
from abspose.errors import AbsPoseError
from abspose.model.config import LifterConfig
from abspose.model.train import TrainConfig

__all__ = ["PAPER", "TableResult", "estimate_seconds", "table1", "write_table"]

#: The paper's numbers (METHOD.md §8): per table, setting -> metric -> value [mm or %].
PAPER: dict[str, dict[str, dict[str, float]]] = {
    "table1": {
        "baseline (no location, no scale)": {"mpjpe": 44.86, "pa_mpjpe": 29.24, "mrpe": 510.88},
        "+ location": {"mpjpe": 39.04, "pa_mpjpe": 29.09, "mrpe": 368.89},
        "+ scale": {"mpjpe": 44.29, "pa_mpjpe": 28.90, "mrpe": 113.38},
        "+ location & scale": {"mpjpe": 38.38, "pa_mpjpe": 28.78, "mrpe": 98.84},
    },
}

#: Table 1's settings: (name, use_location, use_scale).
_TABLE1 = (
    ("baseline (no location, no scale)", False, False),
    ("+ location", True, False),
    ("+ scale", False, True),
    ("+ location & scale", True, True),
)
_METRICS = ("mpjpe", "pa_mpjpe", "mrpe", "root_x", "root_y", "root_z", "pck3d", "auc")


@dataclass(frozen=True)
class TableResult:
    """One reproduced table.

    Attributes:
        name: ``"table1"`` ...
        rows: setting -> our metrics (``mpjpe``, ``pa_mpjpe``, ``mrpe``, ``root_x/y/z``,
            ``pck3d``, ``auc``) on the test frames.
        notes: how the run differed from the paper (data, width, epochs, subsampling).
    """

    name: str
    rows: dict[str, dict[str, float]]
    notes: tuple[str, ...]


def estimate_seconds(train: CameraFrames, config: LifterConfig, tc: TrainConfig, steps: int = 12) -> float:
    """Seconds one run of ``tc.epochs`` over ``train`` takes on this machine, from the steps
    of a short training after its first two (start-up and warm-up excluded)."""
    from abspose.model.train import train_lifter

    stamps: dict[int, float] = {}

    def on_step(step: int, total: int, loss: float) -> None:
        stamps[step] = time.perf_counter()

    probe = train.select(np.arange(steps * tc.batch_size) % len(train))
    train_lifter(probe, config, replace(tc, epochs=1), on_step=on_step)
    per_sample = (stamps[steps] - stamps[2]) / ((steps - 2) * tc.batch_size)
    return per_sample * len(train) * tc.epochs


def table1(
    frames: CameraFrames,
    train_config: TrainConfig,
    *,
    width: int = 4096,
    every: int = 1,
    out_dir: str | Path,
    on_run: Callable[[str], None] | None = None,
    on_epoch: Callable[[Any], None] | None = None,
) -> TableResult:
    """Table 1: Protocol 1 with ground-truth 2D, the four location/scale settings.

    Args:
        frames: Human3.6M frames whose 2D input is the ground truth (``read_videopose3d``
            without a detector file, or MMPose's ``part``).
        train_config: optimization (the paper: 300 epochs, batch 64, lr 1e-3 then 1e-4 after 200).
        width: hidden width (the paper: 4096).
        every: train on every n-th frame of each sequence (1: all).
        out_dir: checkpoints (one per setting; an existing one is resumed).
        on_run: called with the setting's name before each training (the settings differ only
            in 2-3 input features, so one :func:`estimate_seconds` covers each of them).
        on_epoch: passed to the training (progress).
    """
    from abspose.model.benchmark import evaluate_frames
    from abspose.model.train import train_lifter

    train, test = protocol_split(frames, "h36m-p1")
    train = train.every(every)
    if len(train) < train_config.batch_size or len(test) == 0:
        raise AbsPoseError(
            f"table1: expected Protocol 1 training (S1, S5-S8) and test (S9, S11) frames, got {len(train)} "
            f"and {len(test)}"
        )
    out = Path(out_dir)
    rows = {}
    for name, location, scale in _TABLE1:
        config = LifterConfig(width=width, use_location=location, use_scale=scale)
        if on_run is not None:
            on_run(name)
        slug = "table1_" + "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")
        model, _ = train_lifter(
            train, config, train_config, checkpoint=out / f"{slug}.safetensors", on_epoch=on_epoch
        )
        all_ = evaluate_frames(model, test).groups["all"]
        rows[name] = {m: float(getattr(all_, m)) for m in _METRICS}
    notes = (
        f"{len(train)} training frames (every {every}), {len(test)} test frames (S9, S11, 4 cameras)",
        f"width {width}, {train_config.epochs} epochs, batch {train_config.batch_size}, "
        f"{train_config.optimizer} lr {train_config.lr:g} "
        f"(x{train_config.lr_drop_factor:g} from epoch {train_config.lr_drop_epoch})",
    )
    return TableResult("table1", rows, notes)


def write_table(result: TableResult, out_dir: str | Path) -> tuple[Path, Path]:
    """``<name>.md`` (ours beside the paper's) and ``<name>.json`` in ``out_dir``."""
    out = Path(out_dir)
    paper = PAPER.get(result.name, {})
    metrics = [m for m in ("mpjpe", "pa_mpjpe", "mrpe") if any(m in p for p in paper.values())] or list(
        _METRICS
    )
    head = " | ".join(f"{m} ours | paper" for m in metrics)
    lines = [f"# {result.name}", "", f"| setting | {head} |", "|---" * (1 + 2 * len(metrics)) + "|"]
    for name, ours in result.rows.items():
        cells = []
        for m in metrics:
            ref = paper.get(name, {}).get(m)
            cells += [f"{ours[m]:.2f}", f"{ref:.2f}" if ref is not None else "-"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Errors in mm. Ours: " + "; ".join(result.notes) + "."]
    md = write_text_atomic(out / f"{result.name}.md", "\n".join(lines) + "\n")
    js = write_text_atomic(
        out / f"{result.name}.json", json.dumps({**asdict(result), "paper": paper}, indent=1)
    )
    return md, js
