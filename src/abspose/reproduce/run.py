"""Run a table's plan: estimate its time, train (or resume) each training, score the table."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from abspose.data.frames import CameraFrames
from abspose.errors import AbsPoseError
from abspose.model.config import LifterConfig
from abspose.model.train import TrainConfig
from abspose.reproduce.report import TableResult
from abspose.reproduce.tables import TablePlan, Training

__all__ = ["PlanEstimate", "estimate_plans", "estimate_seconds", "run_plan"]


@dataclass(frozen=True)
class PlanEstimate:
    """What running some tables' plans takes: each distinct training once.

    Attributes:
        trainings: slug -> the training (a checkpoint shared between tables is one training).
        settings: slug -> the table rows that share it.
        seconds: slug -> its estimated time [s] (:func:`estimate_seconds`).
    """

    trainings: dict[str, Training]
    settings: dict[str, list[str]]
    seconds: dict[str, float]

    @property
    def total_seconds(self) -> float:
        return float(sum(self.seconds.values()))


def estimate_plans(
    plans: Sequence[TablePlan], train_config: TrainConfig, *, device: str = "cpu"
) -> PlanEstimate:
    """The trainings of ``plans`` (each shared checkpoint once), the rows sharing each, and their
    time: one probe of the first training's per-sample cost, scaled by each one's frames."""
    if not plans:
        raise AbsPoseError("estimate_plans: no table to estimate")
    trainings = {t.slug: t for plan in plans for t in plan.unique}
    settings: dict[str, list[str]] = {}
    for plan in plans:
        for t in plan.trainings:
            if t.setting not in settings.setdefault(t.slug, []):
                settings[t.slug].append(t.setting)
    first = next(iter(trainings.values()))
    probe = replace(train_config, epochs=1)
    per_sample = estimate_seconds(first.train, first.config, probe, device=device) / len(first.train)
    seconds = {slug: per_sample * len(t.train) * train_config.epochs for slug, t in trainings.items()}
    return PlanEstimate(trainings, settings, seconds)


def estimate_seconds(
    train: CameraFrames, config: LifterConfig, tc: TrainConfig, steps: int = 24, device: str = "cpu"
) -> float:
    """Seconds one run of ``tc.epochs`` over ``train`` takes on this machine: the optimizer
    steps, timed on ``device`` over a short training (the median step after the first four, so
    that start-up, warm-up and a stall of the machine do not count ``len(train)`` times), plus
    each epoch's drawing of flips and 2D errors, which runs on the CPU whatever the device
    (timed on up to 20,000 frames; on a GPU it can be the larger part). The command line prints
    the measured time left after every epoch too, which corrects this probe."""
    from abspose.model.feed import frames_epoch
    from abspose.model.train import train_lifter
    from abspose.noise.model import load_error_model

    stamps: dict[int, float] = {}

    def on_step(step: int, total: int, loss: float) -> None:
        stamps[step] = time.perf_counter()

    probe = train.select(np.arange(steps * tc.batch_size) % len(train))
    train_lifter(probe, config, replace(tc, epochs=1, noise=""), on_step=on_step, device=device)
    if steps < 6:
        raise AbsPoseError(f"estimate_seconds: expected at least 6 probe steps, got {steps}")
    intervals = np.diff([stamps[k] for k in range(4, steps + 1)])
    step_per_sample = float(np.median(intervals)) / tc.batch_size
    sample = train.select(np.arange(min(len(train), 20_000)))
    noise = load_error_model(tc.noise) if tc.noise else None
    t0 = time.perf_counter()
    frames_epoch(sample, np.random.default_rng(0), flip=tc.flip, noise=noise)
    draw_per_sample = (time.perf_counter() - t0) / len(sample)
    return (step_per_sample + draw_per_sample) * len(train) * tc.epochs


def run_plan(
    plan: TablePlan,
    train_config: TrainConfig,
    *,
    out_dir: str | Path,
    device: str = "cpu",
    on_run: Callable[[Training], None] | None = None,
    on_epoch: Callable[[Any], None] | None = None,
) -> TableResult:
    """Train (or resume) each of the plan's trainings in ``out_dir``, then score the table.

    Args:
        plan: from :func:`plan_table`.
        train_config: optimization (the paper: 300 epochs, batch 64, lr 1e-3 then 1e-4 after
            200); each training's error model replaces its ``noise``.
        out_dir: checkpoints (one per training; an existing one is resumed).
        device: where to train (``"auto"``: CUDA when present).
        on_run: called with each training before it starts.
        on_epoch: passed to the training (progress).
    """
    from abspose.model.train import train_lifter

    out = Path(out_dir)
    models = {}
    for t in plan.unique:
        if on_run is not None:
            on_run(t)
        models[t.slug], _ = train_lifter(
            t.train,
            t.config,
            replace(train_config, noise=t.noise),
            checkpoint=out / f"{t.slug}.safetensors",
            on_epoch=on_epoch,
            device=device,
        )
    return plan.score(models, out, train_config)
