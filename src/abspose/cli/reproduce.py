"""``abspose reproduce``: the paper's tables, planned, trained and reported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from abspose._console import console, warn
from abspose._device import DEVICE_HELP, busy_cores
from abspose.cli._app import FILE, app, echo_warnings
from abspose.errors import AbsPoseError


def _duration(seconds: float) -> str:
    """``"12 min"`` below two hours, else ``"3.4 h"`` or ``"5.0 days"``."""
    if seconds < 7200:
        return f"{max(seconds / 60, 1):.0f} min"
    return f"{seconds / 3600:.1f} h" if seconds < 3 * 86400 else f"{seconds / 86400:.1f} days"


@app.command()
def reproduce(
    table: Annotated[
        str, typer.Argument(help="table1 ... table5, or all (each table the given data allows).")
    ],
    h36m: Annotated[Path | None, typer.Option(**FILE, help="VideoPose3D's data_3d_h36m.npz.")] = None,
    h36m_2d: Annotated[
        Path | None,
        typer.Option(**FILE, help="A detector's data_2d_h36m_<detector>.npz (tables 2-4)."),
    ] = None,
    mpi_train: Annotated[
        Path | None, typer.Option(**FILE, help="MMPose's mpi_inf_3dhp_train.npz (table 5).")
    ] = None,
    mpi_cameras: Annotated[
        Path | None,
        typer.Option(**FILE, help="Its cameras_train.pkl, or the .json of `abspose data cameras-json`."),
    ] = None,
    mpi_test: Annotated[
        Path | None,
        typer.Option(exists=True, file_okay=False, help="MPI-INF-3DHP's test set: TS1 ... TS6 (table 5)."),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option(help="Checkpoints, error models, <table>.md/.json, figures.")
    ] = Path("reproduce"),
    trust_pickle: Annotated[
        bool,
        typer.Option("--trust-pickle", help="Read pickled files (VideoPose3D, MMPose cameras) you trust."),
    ] = False,
    width: Annotated[int, typer.Option(help="Hidden width (paper: 4096).")] = 4096,
    epochs: Annotated[int, typer.Option(help="Epochs (paper: 300).")] = 300,
    lr_drop_epoch: Annotated[
        int, typer.Option(help="Epoch of the 10x learning-rate drop (paper: 200).")
    ] = 200,
    batch_size: Annotated[int, typer.Option(help="Batch size (paper: 64).")] = 64,
    every: Annotated[int, typer.Option(help="Train on every n-th Human3.6M frame (1: all).")] = 1,
    every_3dhp: Annotated[
        int, typer.Option(help="Train on every n-th MPI-INF-3DHP frame (1: all in the file).")
    ] = 1,
    device: Annotated[str, typer.Option(help=DEVICE_HELP)] = "auto",
    estimate_only: Annotated[
        bool, typer.Option("--estimate-only", help="Print the trainings and their estimated time, then stop.")
    ] = False,
) -> None:
    """Reproduce the paper's tables on your Human3.6M / MPI-INF-3DHP: train, test, compare
    (docs/reproduce.md)."""
    from abspose._device import resolve_device
    from abspose.data import read_3dhp_test, read_mmpose, read_videopose3d
    from abspose.model import EpochStats, TrainConfig
    from abspose.reproduce import (
        TABLES,
        Benchmarks,
        Training,
        estimate_plans,
        plan_table,
        run_plan,
        write_table,
    )

    if table != "all" and table not in TABLES:
        raise AbsPoseError(f"reproduce: expected one of {', '.join(TABLES)} or all, got {table!r}")
    if h36m_2d is not None and h36m is None:
        raise AbsPoseError("--h36m-2d needs --h36m (the 3D ground truth of the same frames)")
    if mpi_train is not None and mpi_cameras is None:
        raise AbsPoseError("--mpi-train needs --mpi-cameras (MMPose's cameras_train.pkl or its .json)")
    with echo_warnings():
        data = Benchmarks(
            h36m=read_videopose3d(h36m, trust_pickle=trust_pickle) if h36m else None,
            h36m_detected=read_videopose3d(h36m, h36m_2d, trust_pickle=trust_pickle)
            if h36m and h36m_2d
            else None,
            mpi_train=read_mmpose(mpi_train, mpi_cameras, "3dhp", trust_pickle=trust_pickle)
            if mpi_train and mpi_cameras
            else None,
            mpi_test=read_3dhp_test(mpi_test) if mpi_test else None,
            detector=h36m_2d.stem.removeprefix("data_2d_h36m_") if h36m_2d else "",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    plans = []
    for name in TABLES if table == "all" else (table,):
        try:
            plans.append(
                plan_table(name, data, width=width, every=every, every_3dhp=every_3dhp, out_dir=out_dir)
            )
        except AbsPoseError as exc:
            if table != "all":
                raise
            console.print(f"{name}: skipped ({exc})")
    if not plans:
        raise AbsPoseError("reproduce all: no table has its data; give --h36m, --h36m-2d, --mpi-test ...")
    tc = TrainConfig(epochs=epochs, lr_drop_epoch=lr_drop_epoch, batch_size=batch_size)
    dev = resolve_device(device)
    busy = busy_cores()
    if busy is not None:
        warn(
            f"the machine is busy (load {busy[0]:.1f} on {busy[1]} cores): training now shares the "
            "cores, and the estimate below can be several times too long or too short; the time "
            "left printed after each epoch is measured"
        )
    estimate = estimate_plans(plans, tc, device=str(dev))
    trainings, names, seconds = estimate.trainings, estimate.settings, estimate.seconds
    console.print(
        f"{', '.join(p.name for p in plans)}: {len(trainings)} trainings, width {width}, {epochs} epochs, "
        f"on {dev}:"
    )
    for slug, t in trainings.items():
        resumes = ", resumes its checkpoint" if (out_dir / f"{slug}.safetensors").is_file() else ""
        console.print(
            f"  {' = '.join(names[slug])} ({slug}.safetensors): {len(t.train)} frames, about "
            f"{_duration(seconds[slug])}{resumes}"
        )
    console.print(f"about {_duration(estimate.total_seconds)} in all on {dev}")
    if estimate_only:
        return

    def on_run(t: Training) -> None:
        if (out_dir / f"{t.slug}.safetensors").is_file():
            console.print(f"resuming {' = '.join(names[t.slug])} from {t.slug}.safetensors")
        else:
            console.print(f"training {' = '.join(names[t.slug])} (about {_duration(seconds[t.slug])})")

    def on_epoch(s: object) -> None:
        if isinstance(s, EpochStats):  # the measured time left corrects the probe's estimate
            left = _duration(s.seconds * (epochs - 1 - s.epoch)) if s.epoch < epochs - 1 else "nothing"
            console.print(f"  epoch {s.epoch}: loss {s.loss:.1f}, {s.seconds:.1f} s, {left} left in this run")

    for plan in plans:
        result = run_plan(plan, tc, out_dir=out_dir, device=str(dev), on_run=on_run, on_epoch=on_epoch)
        md, js = write_table(result, out_dir)
        console.print(md.read_text(), markup=False)
        console.print(
            f"wrote {md} and {js}" + "".join(f", {out_dir / f}" for f in result.figures), markup=False
        )
