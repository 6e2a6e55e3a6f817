"""``abspose train``, ``abspose fit-spread``, ``abspose export-onnx``: make and ship a lifter."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from abspose._console import console, warn
from abspose._device import DEVICE_HELP
from abspose.cli._app import app
from abspose.errors import AbsPoseError


def _check_model_outputs(out: Path, release: Path | None, dataset: Path) -> None:
    """Refuse, before training, a checkpoint or release path that cannot be written or is the dataset."""
    from abspose._files import check_output_path, refuse_overwriting_inputs

    check_output_path(out, (".safetensors",), "--out")
    if release is not None:
        check_output_path(release, (".safetensors",), "--release")
    refuse_overwriting_inputs({"--out": out, "--release": release}, [dataset])


_INT8_HELP = (
    "Store the large matrices of the written model as int8 with per-row steps: half the float16 size "
    "(a width-2048 model in 17 MB); the input and output layers stay float16."
)


@app.command()
def train(
    dataset: Annotated[
        Path,
        typer.Option(
            exists=True, dir_okay=False, help="Dataset .npz from `abspose data build` (or `data cmu`)."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Checkpoint to write after every epoch (resumed if present).")],
    release: Annotated[
        Path | None, typer.Option(help="Also write weights only, float16 (a shippable model).")
    ] = None,
    int8: Annotated[bool, typer.Option(help=_INT8_HELP)] = False,
    width: Annotated[int, typer.Option(help="Hidden width (paper: 4096).")] = 1024,
    blocks: Annotated[int, typer.Option(help="Residual blocks.")] = 2,
    dropout: Annotated[float, typer.Option(help="Dropout probability.")] = 0.5,
    location: Annotated[bool, typer.Option(help="Feed the location m.")] = True,
    scale: Annotated[bool, typer.Option(help="Feed the scale σ.")] = True,
    depth_target: Annotated[str, typer.Option(help="canonical (Z/f) or direct (Z).")] = "canonical",
    depth_loss: Annotated[str, typer.Option(help="log or l1 (the paper's).")] = "log",
    epochs: Annotated[int, typer.Option(help="Epochs, each with fresh cameras and bodies.")] = 40,
    lr_drop_epoch: Annotated[int, typer.Option(help="Epoch of the 10x learning-rate drop.")] = 28,
    batch_size: Annotated[int, typer.Option(help="Batch size.")] = 256,
    optimizer: Annotated[str, typer.Option(help="adam or rmsprop (the paper's).")] = "adam",
    seed: Annotated[int, typer.Option(help="Seed of everything random.")] = 0,
    focal_min: Annotated[float, typer.Option(help="Smallest training focal length [px].")] = 500.0,
    focal_max: Annotated[float, typer.Option(help="Largest training focal length [px].")] = 2500.0,
    noise: Annotated[
        str,
        typer.Option(
            help="2D errors added to the inputs: '' (none), openpose-mixture, openpose-gaussian, "
            "mediapipe-mixture, mediapipe-gaussian, or a .json."
        ),
    ] = "",
    noise_fraction: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Share of the samples given --noise errors (the rest exact)."),
    ] = 1.0,
    postures: Annotated[
        bool, typer.Option(help="Posture augmentation (sitting, squatting, kneeling...; docs/data.md).")
    ] = True,
    device: Annotated[str, typer.Option(help=DEVICE_HELP)] = "auto",
) -> None:
    """Train the lifter on a dataset's train split, validating on its val split."""
    from abspose.data import MocapDataset, VirtualCameraConfig, split_subjects
    from abspose.model import Checkpoint, LifterConfig, TrainConfig, save_checkpoint, train_lifter
    from abspose.model.train import process_rank

    _check_model_outputs(out, release, dataset)
    data = MocapDataset.load(dataset)
    config = LifterConfig(
        width=width,
        num_blocks=blocks,
        dropout=dropout,
        use_location=location,
        use_scale=scale,
        depth_target=depth_target,  # type: ignore[arg-type]  # typer gives str; LifterConfig checks it
        depth_loss=depth_loss,  # type: ignore[arg-type]
    )
    tc = TrainConfig(
        optimizer=optimizer,  # type: ignore[arg-type]  # typer gives str; TrainConfig checks it
        epochs=epochs,
        lr_drop_epoch=lr_drop_epoch,
        batch_size=batch_size,
        seed=seed,
        cameras=VirtualCameraConfig(focal_px=(focal_min, focal_max)),
        noise=noise,
        augment_postures=postures,
        noise_fraction=noise_fraction,
    )
    train_set, val_set = (
        data.select_subjects(split_subjects("train")),
        data.select_subjects(split_subjects("val")),
    )
    rank = process_rank()  # under torchrun only rank 0 reports and writes
    if rank == 0:
        console.print(f"training on {len(train_set)} frames, validating on {len(val_set)}; {config}")
        if len(val_set) == 0:
            warn(
                f"{dataset} has no frames of the val split's subjects: "
                "no validation, and no val MPJPE to watch (docs/data.md lists the split)"
            )
    start = time.perf_counter()
    with Progress(
        TextColumn("[bold]epoch {task.fields[epoch]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("loss {task.fields[loss]:.0f}"),
        console=console,
        disable=rank != 0,
    ) as progress:
        task = progress.add_task("", total=None, epoch=0, loss=float("nan"))

        def on_step(step: int, steps: int, loss: float) -> None:
            progress.update(task, completed=step, total=steps, loss=loss)

        def on_epoch(s: object) -> None:
            from abspose.model import EpochStats

            if isinstance(s, EpochStats):
                val = (
                    f"val MPJPE {s.val_mpjpe:.1f} mm, MRPE {s.val_mrpe:.0f} mm"
                    if np.isfinite(s.val_mpjpe)
                    else "no validation"
                )
                progress.console.print(
                    f"epoch {s.epoch}: loss {s.loss:.1f} (depth {s.depth_loss:.1f}, pose {s.pose_loss:.1f}) "
                    f"{val}, {s.seconds:.1f} s"
                )
                progress.update(task, epoch=s.epoch + 1, completed=0)

        model, history = train_lifter(
            train_set,
            config,
            tc,
            val=val_set if len(val_set) else None,
            checkpoint=out,
            on_epoch=on_epoch,
            on_step=on_step,
            device=device,
        )
    if rank != 0:
        return
    console.print(f"wrote {out} ({time.perf_counter() - start:.0f} s this run)")
    if release is not None:
        last = history[-1]
        meta = {
            "val_mpjpe_mm": last.val_mpjpe,
            "val_mrpe_mm": last.val_mrpe,
            "epochs": len(history),
            "dataset": dataset.name,
        }
        save_checkpoint(release, Checkpoint(config, model.state_dict(), meta=meta), half=True, int8=int8)
        kind = "int8" if int8 else "float16"
        console.print(f"wrote {release} ({kind}, {release.stat().st_size / 1e6:.1f} MB)")


@app.command("train-temporal")
def train_temporal_command(
    dataset: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Dataset .npz from `abspose data build`, every source at one frame rate "
            "(--reactidle-fps 30 --lab-fps 30).",
        ),
    ],
    out: Annotated[Path, typer.Option(help="The model (.safetensors), written after every epoch.")],
    causal: Annotated[
        bool, typer.Option(help="Lift each window's last frame (live streams), not its centre (files).")
    ] = False,
    release: Annotated[
        Path | None, typer.Option(help="Also write the weights as float16 (a shippable model).")
    ] = None,
    channels: Annotated[int, typer.Option(min=1, help="Convolution channels (VideoPose3D: 1024).")] = 512,
    levels: Annotated[int, typer.Option(min=1, max=5, help="Receptive field 3^levels frames.")] = 3,
    epochs: Annotated[int, typer.Option(min=1)] = 40,
    lr_drop_epoch: Annotated[int, typer.Option(help="Epoch of the 10x learning-rate drop.")] = 30,
    windows_per_epoch: Annotated[int, typer.Option(min=0, help="Windows per epoch (0: all).")] = 0,
    noise: Annotated[str, typer.Option(help="2D error model ('' for exact 2D), as `abspose train`.")] = (
        "openpose-mixture"
    ),
    noise_fraction: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.5,
    seed: int = 0,
) -> None:
    """Train the temporal lifter (a window of 2D poses to one frame) on the train split's clips."""
    from abspose.data import MocapDataset, split_subjects
    from abspose.model.temporal import TemporalConfig
    from abspose.model.temporal_train import TemporalTrainConfig, train_temporal

    _check_model_outputs(out, release, dataset)
    data = MocapDataset.load(dataset)
    config = TemporalConfig(channels=channels, levels=levels, causal=causal)
    tc = TemporalTrainConfig(
        epochs=epochs, lr_drop_epoch=lr_drop_epoch, windows_per_epoch=windows_per_epoch, noise=noise,
        noise_fraction=noise_fraction, seed=seed,
    )  # fmt: skip
    train_set, val_set = (
        data.select_subjects(split_subjects("train")),
        data.select_subjects(split_subjects("val")),
    )
    console.print(
        f"{len(train_set)} training frames at {data.fps:g} frames/s, windows of {config.receptive_field} "
        f"({'causal' if causal else 'symmetric'}), {channels} channels"
    )
    start = time.perf_counter()

    def on_epoch(record: dict[str, object]) -> None:
        val = (
            f", val MPJPE {record['val_mpjpe']:.1f} mm, MRPE {record['val_mrpe']:.0f} mm"
            if "val_mpjpe" in record
            else ""
        )
        console.print(
            f"epoch {record['epoch']}: loss {record['loss']:.1f} (depth {record['depth_loss']:.1f}, "
            f"pose {record['pose_loss']:.1f}){val}, {record['windows']} windows, {record['seconds']:.0f} s"
        )

    with console.status("training"):
        model = train_temporal(
            train_set, config, tc, out, val=val_set if len(val_set) else None, on_epoch=on_epoch
        )
    console.print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - start:.0f} s)")
    if release is not None:
        from abspose.model.temporal import save_temporal

        save_temporal(release, model, {"epochs": epochs, "dataset": dataset.name}, half=True)
        console.print(f"wrote {release} (float16, {release.stat().st_size / 1e6:.1f} MB)")


@app.command("fit-spread")
def fit_spread(
    dataset: Annotated[
        Path,
        typer.Option(exists=True, dir_okay=False, help="Dataset .npz from `abspose data build`."),
    ],
    out: Annotated[Path, typer.Option(help="The model with its depth-spread head (float16 .safetensors).")],
    model: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="Trained checkpoint; default: the shipped clean model."
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, help="Epochs of the head's training.")] = 12,
    hidden: Annotated[int, typer.Option(min=1, help="Hidden units of the head.")] = 256,
    seed: Annotated[int, typer.Option(help="Seed of the cameras, bodies and errors drawn.")] = 0,
    int8: Annotated[bool, typer.Option(help=_INT8_HELP)] = False,
) -> None:
    """Give a trained lifter a calibrated depth interval: train a small head that predicts how far
    each person's depth may be off (the network itself is frozen: poses and depths do not change),
    then calibrate its 68% and 95% intervals on the val split's people."""
    from abspose._files import check_output_path, refuse_overwriting_inputs
    from abspose.api import default_model_path
    from abspose.data import MocapDataset, split_subjects
    from abspose.model import Checkpoint, load_checkpoint, load_lifter, save_checkpoint
    from abspose.model.uncertainty import fit_depth_spread

    check_output_path(out, (".safetensors",), "--out")
    source = model if model is not None else default_model_path("clean")
    refuse_overwriting_inputs({"--out": out}, [dataset, source])
    data = MocapDataset.load(dataset)
    train_set, val_set = (
        data.select_subjects(split_subjects("train")),
        data.select_subjects(split_subjects("val")),
    )
    console.print(
        f"head on {source.name}: training on {len(train_set)} frames, calibrating on {len(val_set)}"
    )
    with Progress(
        TextColumn("[bold]depth spread"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("NLL {task.fields[nll]:.3f}"),
        console=console,
    ) as progress:
        task = progress.add_task("", total=epochs, nll=float("nan"))
        lifter, fit = fit_depth_spread(
            load_lifter(source),
            train_set,
            val_set,
            epochs=epochs,
            hidden=hidden,
            seed=seed,
            on_epoch=lambda e, nll: progress.update(task, completed=e + 1, nll=nll),
        )
    console.print(
        f"held-out people ({fit.samples} samples): mean |log depth error| {fit.mean_abs_error:.4f}, median "
        f"predicted b {fit.median_b:.4f}; Laplace intervals covered {fit.laplace_coverage[0]:.1%} (68%) and "
        f"{fit.laplace_coverage[1]:.1%} (95%); calibrated half-widths {fit.interval_k[0]:.3f} b and "
        f"{fit.interval_k[1]:.3f} b; with the stature known: {fit.stature_k[0]:.3f} b and "
        f"{fit.stature_k[1]:.3f} b"
    )
    meta = dict(load_checkpoint(source).meta)
    meta["depth_spread"] = asdict(fit)
    save_checkpoint(out, Checkpoint(lifter.config, lifter.state_dict(), meta=meta), half=True, int8=int8)
    console.print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")


@app.command("export-onnx")
def export_onnx_command(
    out: Annotated[Path, typer.Option(help="The .onnx file to write.")] = Path("lifter.onnx"),
    model: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Checkpoint; default: the shipped model.")
    ] = None,
    check: Annotated[
        int, typer.Option(min=0, help="Compare with torch on this many random inputs (0: skip).")
    ] = 1000,
    int8: Annotated[
        bool,
        typer.Option(
            "--int8",
            help="int8 weights for the residual blocks (4x smaller, faster); reports the accuracy change.",
        ),
    ] = False,
) -> None:
    """Export the lifter to ONNX: raw pixels + intrinsics in, absolute joints [mm] out, any batch."""
    from abspose._files import check_output_path, refuse_overwriting_inputs
    from abspose.lifters import TorchLifter, resolve_lifter
    from abspose.model.onnx import OnnxLifter, compare_accuracy, compare_onnx, export_onnx
    from abspose.skeletons import H36M17

    check_output_path(out, (".onnx",), "--out")
    refuse_overwriting_inputs({"--out": out}, [model])
    resolved = resolve_lifter(model)
    if not isinstance(resolved, TorchLifter):
        raise AbsPoseError(f"{model}: already an ONNX model; give a .safetensors checkpoint")
    lifter = resolved.network
    path = export_onnx(lifter, out, root_index=H36M17.root_index, int8=int8)
    console.print(
        f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB); inputs keypoints_px (B, 17, 2), "
        "principal_px (B, 2), focal_px (B,); outputs joints_cam_mm, root_cam_mm, canonical_depth"
        + (", depth_log_halfwidth (68% and 95%)" if lifter.spread is not None else "")
    )
    if check:
        diff = compare_onnx(lifter, OnnxLifter(path), count=check)
        console.print(
            f"ONNX Runtime vs torch on {diff['count']} random inputs: joints differ by at most "
            f"{diff['max_abs_mm']:.3f} mm, canonical depth by {diff['max_rel_depth']:.1e} (relative)"
        )
    if int8:
        acc = compare_accuracy(lifter, OnnxLifter(path))
        console.print(
            f"accuracy on {acc['count']} virtual views of the shipped walk, torch -> int8: MPJPE "
            f"{acc['torch_mpjpe']:.2f} -> {acc['onnx_mpjpe']:.2f} mm, MRPE {acc['torch_mrpe']:.1f} -> "
            f"{acc['onnx_mrpe']:.1f} mm"
        )
