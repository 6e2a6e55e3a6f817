"""The ``abspose`` command line. Each command only parses options and calls the library."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from abspose._cli_media import (
    CameraHeightOpt,
    CameraPitchOpt,
    CameraRollOpt,
    FlipOpt,
    FloorOpt,
    floor_options,
    image,
    interval_text,
    setup_2d,
    train_2d,
    video,
)
from abspose._cli_noise import fit_errors, noise_app
from abspose._console import console, error, warn
from abspose._device import DEVICE_HELP
from abspose.data.benchmarks import BENCHMARKS
from abspose.errors import AbsPoseError

if TYPE_CHECKING:
    from abspose.data import CameraSamples, MocapDataset

app = typer.Typer(
    help="Absolute 3D human pose in camera coordinates.", no_args_is_help=True, rich_markup_mode=None
)
data_app = typer.Typer(
    help="Training data: convert motion capture, inspect datasets.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(data_app, name="data")
app.add_typer(noise_app, name="noise")
app.command("fit-errors")(fit_errors)
app.command("setup-2d")(setup_2d)
app.command("image")(image)
app.command("video")(video)
app.command("train-2d")(train_2d)


@contextmanager
def _echo_warnings(category: type[Warning] = Warning) -> Iterator[None]:
    """Print each distinct warning of ``category`` raised in the block as one yellow line."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", category)
        yield
    for message in dict.fromkeys(str(w.message) for w in caught):
        warn(message)


def _errors_table(title: str, label: str, groups: dict[str, Any], keys: list[str]) -> Table:
    """The metrics table of `evaluate`: one row per group in ``keys``."""
    table = Table(title=title)
    for col in (label, "n", "MPJPE", "PA-MPJPE", "MRPE", "X", "Y", "Z", "3DPCK", "AUC"):
        table.add_column(col)
    for key in keys:
        g = groups[key]
        table.add_row(
            key, str(g.count), f"{g.mpjpe:.1f}", f"{g.pa_mpjpe:.1f}", f"{g.mrpe:.0f}", f"{g.root_x:.0f}",
            f"{g.root_y:.0f}", f"{g.root_z:.0f}", f"{g.pck3d:.1f}", f"{g.auc:.1f}",
        )  # fmt: skip
    return table


_state = {"debug": False}


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


@data_app.command("prior")
def data_prior(
    dataset: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Dataset .npz from `abspose data cmu`.")
    ],
    out: Annotated[Path, typer.Option(help="Prior to write (.json).")],
    seed: Annotated[int, typer.Option(help="Seed of the cameras and bodies.")] = 0,
) -> None:
    """Fit the Gaussian 2D-pose prior used to fill in missing joints (train split, training cameras,
    bodies and postures)."""
    from abspose._files import write_text_atomic
    from abspose.data import BodyModelConfig, MocapDataset, PostureConfig, VirtualCameraConfig, split_subjects
    from abspose.model.feed import draw_epoch
    from abspose.model.impute import fit_pose_prior

    data = MocapDataset.load(dataset).select_subjects(split_subjects("train"))
    arrays = draw_epoch(
        data,
        np.random.default_rng([seed, 5]),
        VirtualCameraConfig(),
        BodyModelConfig(),
        postures=PostureConfig(),
    )
    prior = fit_pose_prior(
        arrays.keypoints_px,
        provenance={
            "data": f"{dataset.name}, train split, {len(data)} frames, one virtual camera, body and "
            "posture draw each, flips",
            "command": f"abspose data prior --dataset {dataset.name} --seed {seed}",
        },
    )
    write_text_atomic(out, prior.to_json())
    console.print(f"wrote {out} (fitted on {len(data)} poses)")


@contextmanager
def _conversion_progress() -> Iterator[Any]:
    """A progress bar for file conversions; yields the ``progress(done, total, name)`` callback."""
    with Progress(
        TextColumn("[bold]converting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False), console=console,
    ) as progress:  # fmt: skip
        task = progress.add_task("", total=None)
        yield lambda done, total, name: progress.update(task, completed=done, total=total, description=name)


@data_app.command("cmu")
def data_cmu(
    bvh_dir: Annotated[Path, typer.Option(help="Folder with the CMU BVH files (searched recursively).")],
    out: Annotated[Path, typer.Option(help="Dataset file to write (.npz).")],
    fps: Annotated[float, typer.Option(help="Common frame rate after resampling [Hz].")] = 30.0,
    plot: Annotated[Path | None, typer.Option(help="Also write a PNG of one frame per rig.")] = None,
) -> None:
    """Convert CMU motion capture (daz, iclone, ASF rigs) to an H36M-17 dataset in millimetres."""
    from abspose.data import convert_cmu

    start = time.perf_counter()
    with _conversion_progress() as progress:
        dataset, clips = convert_cmu(bvh_dir, fps=fps, progress=progress)
    dataset.save(out)
    seconds = time.perf_counter() - start
    console.print(
        f"wrote {out}: {len(dataset)} frames at {fps:g} fps from {len(clips)} clips, "
        f"{len(set(dataset.clip_subjects.tolist()))} subjects, in {seconds:.1f} s"
    )
    _print_summary(dataset)
    if plot is not None:
        _plot_rigs(dataset, plot)
        console.print(f"wrote {plot}")


@data_app.command("build")
def data_build(
    out: Annotated[Path, typer.Option(help="Dataset file to write (.npz).")],
    data_dir: Annotated[
        Path | None, typer.Option(help="The shared data folder (default: $ABSPOSE_DATA or ../shared/data).")
    ] = None,
    fps: Annotated[float, typer.Option(help="CMU frame rate after resampling [Hz].")] = 30.0,
    reactidle_fps: Annotated[float, typer.Option(help="ReActIdle frame rate (idle standing) [Hz].")] = 2.0,
    lab_fps: Annotated[float, typer.Option(help="Lab marker trials' frame rate [Hz].")] = 10.0,
) -> None:
    """Convert every motion source (CMU BVH, ReActIdle BVH, lab TRC trials) to one H36M-17 dataset."""
    from abspose.data import data_root
    from abspose.data.mocap.sources import build_training_set

    root = data_dir if data_dir is not None else data_root()
    assert root is not None
    start = time.perf_counter()
    with _conversion_progress() as progress:
        dataset, skipped = build_training_set(
            root, fps=fps, reactidle_fps=reactidle_fps, lab_fps=lab_fps, progress=progress
        )
    dataset.save(out)
    console.print(
        f"wrote {out}: {len(dataset)} frames from {len(dataset.clip_names)} clips, "
        f"{len(set(dataset.clip_subjects.tolist()))} people, in {time.perf_counter() - start:.1f} s"
    )
    by_reason: dict[str, list[str]] = {}
    for name, reason in skipped.items():
        by_reason.setdefault(reason, []).append(name)
    for reason, names in by_reason.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        console.print(f"skipped {len(names)}: {reason} ({shown})")
    _print_summary(dataset)


@data_app.command("bodies")
def data_bodies(
    plot: Annotated[Path, typer.Option(help="PNG to write.")] = Path("bodies.png"),
    count: Annotated[int, typer.Option(min=100, help="Bodies to draw.")] = 20000,
    dataset: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Also mark each rig's bones from this dataset."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Draw bodies from the body model, plot their bone lengths beside Human3.6M's subjects, and
    print each bone's median and 5-95% range."""
    from abspose.data import BodyModelConfig, MocapDataset, sample_bodies
    from abspose.data.mocap.augment import BONE_GROUPS
    from abspose.data.mocap.body import H36M_TRAINING_BONES_MM
    from abspose.data.mocap.stats import bone_medians_by_rig
    from abspose.skeletons import H36M17
    from abspose.viz import plot_body_lengths

    bodies = sample_bodies(count, np.random.default_rng(seed), BodyModelConfig())
    rigs = bone_medians_by_rig(MocapDataset.load(dataset)) if dataset is not None else {}
    table = Table(title=f"body model, {count} bodies [mm]")
    for col in ("bone", "H36M S1, S5-S8 mean", "median", "5-95%", *rigs):
        table.add_column(col)
    for group, joints in BONE_GROUPS.items():
        v = bodies.bone_lengths_mm[:, H36M17.index(joints[0])]
        lo, med, hi = np.percentile(v, [5, 50, 95])
        table.add_row(group, f"{H36M_TRAINING_BONES_MM[group]:.0f}", f"{med:.0f}", f"{lo:.0f}-{hi:.0f}",
                      *(f"{r[group]:.0f}" for r in rigs.values()))  # fmt: skip
    lo, med, hi = np.percentile(bodies.stature_mm, [5, 50, 95])
    table.add_row("stature", "1708", f"{med:.0f}", f"{lo:.0f}-{hi:.0f}", *("" for _ in rigs))
    console.print(table)
    plot_body_lengths(bodies, plot, rigs=rigs)
    console.print(f"wrote {plot}")


@data_app.command("cameras-json")
def data_cameras_json(
    source: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="MMPose's cameras .pkl.")],
    out: Annotated[Path, typer.Option(help="The .json to write.")],
    trust_pickle: Annotated[
        bool, typer.Option("--trust-pickle", help="Confirm you trust the pickle (it can run code when read).")
    ] = False,
) -> None:
    """Convert MMPose's pickled camera file to JSON once, so that later runs read no pickle."""

    from abspose.data import read_cameras, write_cameras_json

    with _echo_warnings():
        cams = read_cameras(source, trust_pickle=trust_pickle)
    write_cameras_json(cams, out, source=source.name)
    console.print(f"wrote {out}: {len(cams)} cameras")


@data_app.command("stats")
def data_stats(
    dataset_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A dataset .npz.")],
) -> None:
    """Print frames per split and limb bone lengths per rig of a dataset file."""
    from abspose.data import MocapDataset

    dataset = MocapDataset.load(dataset_file)
    if len(dataset) == 0:
        raise AbsPoseError(
            f"{dataset_file}: the dataset has no frames; convert some with `abspose data build`"
        )
    _print_summary(dataset)


@data_app.command("views")
def data_views(
    dataset_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A dataset .npz.")],
    plot: Annotated[Path, typer.Option(help="PNG to write.")] = Path("views.png"),
    split: Annotated[str, typer.Option(help="train, val or test.")] = "train",
    count: Annotated[int, typer.Option(min=1, max=24, help="How many samples to draw.")] = 6,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Draw training samples (body-size augmentation + virtual camera) and plot their images."""
    from abspose.data import MocapDataset, sample_views, split_subjects

    dataset = MocapDataset.load(dataset_file).select_subjects(split_subjects(split))
    if len(dataset) == 0:
        raise AbsPoseError(f"{dataset_file}: the {split} split has no frames")
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(dataset), size=min(count, len(dataset)), replace=False)
    views = sample_views(dataset.joints_world_mm[picks], dataset.floor_y_mm[picks], rng)
    _save_views(views, plot)
    statures = views.stature_mm if views.stature_mm is not None else np.full(len(picks), np.nan)
    for k in range(len(picks)):
        width, height = views.image_size_px[k]
        console.print(
            f"{dataset.clip_names[dataset.clip_index[picks[k]]]}: f = {views.focal_px[k]:.0f} px, "
            f"{width}x{height}, pelvis at {views.joints_cam_mm[k, 0, 2] / 1000:.2f} m depth, "
            f"stature {statures[k] / 1000:.2f} m"
        )
    console.print(f"wrote {plot}")


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
    from abspose._files import check_output_path, refuse_overwriting_inputs
    from abspose.data import MocapDataset, VirtualCameraConfig, split_subjects
    from abspose.model import Checkpoint, LifterConfig, TrainConfig, save_checkpoint, train_lifter

    check_output_path(out, (".safetensors",), "--out")
    if release is not None:
        check_output_path(release, (".safetensors",), "--release")
    refuse_overwriting_inputs({"--out": out, "--release": release}, [dataset])
    data = MocapDataset.load(dataset)
    config = LifterConfig(
        width=width, num_blocks=blocks, dropout=dropout, use_location=location, use_scale=scale,
        depth_target=depth_target, depth_loss=depth_loss,  # type: ignore[arg-type]
    )  # fmt: skip
    tc = TrainConfig(
        optimizer=optimizer, epochs=epochs, lr_drop_epoch=lr_drop_epoch, batch_size=batch_size,  # type: ignore[arg-type]
        seed=seed, cameras=VirtualCameraConfig(focal_px=(focal_min, focal_max)), noise=noise,
        augment_postures=postures, noise_fraction=noise_fraction,
    )  # fmt: skip
    train_set, val_set = (
        data.select_subjects(split_subjects("train")),
        data.select_subjects(split_subjects("val")),
    )
    rank = int(os.environ.get("RANK", "0"))  # under torchrun only rank 0 reports and writes
    if rank == 0:
        console.print(f"training on {len(train_set)} frames, validating on {len(val_set)}; {config}")
        if len(val_set) == 0:
            warn(
                f"{dataset} has no frames of the val split's subjects: "
                "no validation, and no val MPJPE to watch (docs/data.md lists the split)"
            )
    start = time.perf_counter()
    with Progress(
        TextColumn("[bold]epoch {task.fields[epoch]}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("loss {task.fields[loss]:.0f}"), console=console,
        disable=rank != 0,
    ) as progress:  # fmt: skip
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
            train_set, config, tc, val=val_set if len(val_set) else None, checkpoint=out,
            on_epoch=on_epoch, on_step=on_step, device=device,
        )  # fmt: skip
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
        save_checkpoint(release, Checkpoint(config, model.state_dict(), meta=meta), half=True)
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
        TextColumn("[bold]depth spread"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("NLL {task.fields[nll]:.3f}"), console=console,
    ) as progress:  # fmt: skip
        task = progress.add_task("", total=epochs, nll=float("nan"))
        lifter, fit = fit_depth_spread(
            load_lifter(source), train_set, val_set, epochs=epochs, hidden=hidden, seed=seed,
            on_epoch=lambda e, nll: progress.update(task, completed=e + 1, nll=nll),
        )  # fmt: skip
    console.print(
        f"held-out people ({fit.samples} samples): mean |log depth error| {fit.mean_abs_error:.4f}, median "
        f"predicted b {fit.median_b:.4f}; Laplace intervals covered {fit.laplace_coverage[0]:.1%} (68%) and "
        f"{fit.laplace_coverage[1]:.1%} (95%); calibrated half-widths {fit.interval_k[0]:.3f} b and "
        f"{fit.interval_k[1]:.3f} b; with the stature known: {fit.stature_k[0]:.3f} b and "
        f"{fit.stature_k[1]:.3f} b"
    )
    meta = dict(load_checkpoint(source).meta)
    meta["depth_spread"] = asdict(fit)
    save_checkpoint(out, Checkpoint(lifter.config, lifter.state_dict(), meta=meta), half=True)
    console.print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")


@app.command()
def evaluate(
    dataset: Annotated[
        str,
        typer.Option(
            help="A dataset .npz from `abspose data cmu` (virtual cameras), or a benchmark: h36m "
            "(VideoPose3D's data_3d_h36m.npz [data_2d_h36m_<detector>.npz]), mmpose-h36m or mmpose-3dhp "
            "(MMPose's npz, with --cameras), 3dhp-test (the folder holding TS1 ... TS6)."
        ),
    ],
    files: Annotated[
        list[Path] | None, typer.Argument(help="The benchmark's files (see --dataset).", show_default=False)
    ] = None,
    cameras: Annotated[
        Path | None, typer.Option(help="MMPose's camera file (.pkl, needs --trust-pickle) or its .json.")
    ] = None,
    trust_pickle: Annotated[
        bool,
        typer.Option("--trust-pickle", help="Read pickle files (they can run code: only ones you trust)."),
    ] = False,
    protocol: Annotated[
        str,
        typer.Option(
            help="Human3.6M test subjects: h36m-p1 (S9, S11), h36m-p2 (S11) or all (every subject: "
            "for a model trained without Human3.6M)."
        ),
    ] = "h36m-p1",
    subjects: Annotated[
        str | None, typer.Option(help="Human3.6M subjects to test on, e.g. S1,S5 (overrides --protocol).")
    ] = None,
    every: Annotated[
        int, typer.Option(help="Every n-th frame of each sequence (64: a common H36M subset).")
    ] = 1,
    universal: Annotated[
        bool, typer.Option(help="3dhp-test: ground truth from univ_annot3 (the literature's 3DPCK skeleton).")
    ] = False,
    by: Annotated[
        str, typer.Option(help="Benchmarks: rows per group (action / scene), subject or camera.")
    ] = "group",
    model: Annotated[
        Path | None,
        typer.Option(
            help="Checkpoint; default: the shipped model for exact 2D (the detector-trained one for h36m "
            "with a data_2d_h36m_<detector>.npz)."
        ),
    ] = None,
    split: Annotated[str, typer.Option(help="train, val or test.")] = "test",
    seed: Annotated[int, typer.Option(help="Seed of the virtual cameras.")] = 0,
    focal_min: Annotated[float, typer.Option(help="Smallest focal length drawn [px].")] = 500.0,
    focal_max: Annotated[float, typer.Option(help="Largest focal length drawn [px].")] = 2500.0,
    plot: Annotated[Path | None, typer.Option(help="PNG of errors vs distance, focal, stature.")] = None,
    per_clip: Annotated[bool, typer.Option(help="Print the per-clip table.")] = False,
    root: Annotated[str, typer.Option(help="lifter, or mehta (closed-form root, paper Table 3).")] = "lifter",
    known_stature: Annotated[
        bool, typer.Option(help="Give the model each body's true height (size ambiguity removed).")
    ] = False,
    input_errors: Annotated[
        str | None,
        typer.Option(
            help="2D errors on the inputs: errors.npz of `abspose noise pose2sim` (its held-out "
            "frames), an error model .json, or a shipped model name."
        ),
    ] = None,
    flip_test: FlipOpt = False,
) -> None:
    """Score a lifter: on a benchmark's frames, or with ground-truth 2D of held-out CMU subjects
    under virtual cameras."""
    from abspose.api import default_model_path
    from abspose.data import MocapDataset, VirtualCameraConfig, split_subjects
    from abspose.evaluation import evaluate_lifter, plot_evaluation
    from abspose.model import load_lifter

    if dataset in BENCHMARKS:
        from abspose.data.benchmarks import read_benchmark
        from abspose.data.benchmarks._pickle import PickleWarning

        with _echo_warnings(PickleWarning):
            frames = read_benchmark(dataset, files or [], cameras=cameras, trust_pickle=trust_pickle,
                                    protocol=protocol, universal=universal, subjects=subjects)  # fmt: skip
        if model is None and dataset == "h36m" and files is not None and len(files) == 2:
            model = default_model_path("detector")  # a detector's 2D: the detector-trained model
            console.print(f"2D from {files[1].name}: lifting with the shipped detector model {model.name}")
        _evaluate_benchmark(frames.every(every), model, by, plot, flip_test)
        return
    if files:
        raise AbsPoseError(
            f"unexpected files {[str(f) for f in files]}: only the benchmarks {BENCHMARKS} take files"
        )
    if not Path(dataset).is_file():
        raise AbsPoseError(
            f"--dataset {dataset}: expected a dataset .npz from `abspose data cmu` or one of "
            f"{', '.join(BENCHMARKS)}"
        )
    data = MocapDataset.load(dataset).select_subjects(split_subjects(split))
    net = load_lifter(model or default_model_path())
    if root not in ("lifter", "mehta"):
        raise AbsPoseError(f"--root: expected lifter or mehta, got {root!r}")
    virtual = VirtualCameraConfig(focal_px=(focal_min, focal_max))
    errors = _input_errors(input_errors) if input_errors else None
    ev = evaluate_lifter(
        net,
        data,
        seed=seed,
        cameras=virtual,
        root=root,  # type: ignore[arg-type]
        known_stature=known_stature,
        input_errors=errors,
        flip_test=flip_test,
    )
    known = (
        (", known stature" if known_stature else "")
        + (", flip test" if flip_test else "")
        + (f", 2D errors: {input_errors}" if errors is not None else "")
    )
    title = f"{split} split, {len(data)} frames, focal {focal_min:g}-{focal_max:g} px, {root} root{known}"
    console.print(_errors_table(title, "group", ev.groups, sorted(ev.groups) if per_clip else ["all"]))
    console.print(
        str(
            f"errors in mm, 3DPCK/AUC in %; root depth error "
            f"{100 * ev.relative_depth_error:.1f}% of the distance"
        )
    )
    if plot is not None:
        plot_evaluation(ev, plot, title=f"{split} split, focal {focal_min:g}-{focal_max:g} px")
        console.print(f"wrote {plot}")


def _evaluate_benchmark(frames: Any, model: Path | None, by: str, plot: Path | None, flip_test: bool) -> None:
    from abspose.evaluation import evaluate_frames, plot_evaluation

    if by not in ("group", "action", "subject", "camera"):
        raise AbsPoseError(f"--by: expected group, action, subject or camera, got {by!r}")
    if len(frames) == 0:
        raise AbsPoseError(f"{frames.name}: no frames left to evaluate (check --protocol and --every)")
    ev = evaluate_frames(model, frames, by=by, flip_test=flip_test)  # type: ignore[arg-type]
    keys = [*sorted(k for k in ev.groups if k != "all"), "all"]
    flipped = ", flip test" if flip_test else ""
    title = f"{frames.name}: {len(frames)} frames, 2D input from the files{flipped}"
    console.print(_errors_table(title, by, ev.groups, keys))
    console.print(
        "errors in mm (MPJPE root-aligned, PA-MPJPE after a similarity fit), 3DPCK@150 mm and AUC in %"
    )
    if plot is not None:
        plot_evaluation(ev, plot, title=f"{frames.name}: {len(frames)} frames")
        console.print(f"wrote {plot}")


def _input_errors(source: str) -> Any:
    """Error vectors (held-out rows of an errors.npz) or an error model, for `evaluate`."""
    from abspose.noise import load_error_model
    from abspose.noise.pose2sim import RealErrors

    if source.endswith(".npz"):
        real = RealErrors.load(source)
        rows = real.held_out
        complete = rows[np.isfinite(rows).all(axis=(1, 2))]
        console.print(f"{len(complete)} held-out real error vectors (frames >= {real.fit_frames})")
        return complete
    return load_error_model(source)


@app.command()
def lift(
    input: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="Keypoints: .json (abspose, COCO, OpenPose), .npy, .npz."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Result file, .json or .csv; .npy (from a .npy input) streams in chunks: any size."
        ),
    ] = Path("lifted.json"),
    focal: Annotated[float | None, typer.Option(help="Focal length [px].")] = None,
    principal: Annotated[tuple[float, float] | None, typer.Option(help="Principal point CX CY [px].")] = None,
    image_size: Annotated[tuple[int, int] | None, typer.Option(help="Image WIDTH HEIGHT [px].")] = None,
    layout: Annotated[
        str | None,
        typer.Option(
            help="h36m17, coco17, body25, body25b, mediapipe33, mpii16, h36m32 (default: from the file)."
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            help="Checkpoint (.safetensors, or .onnx run by ONNX Runtime); default: the shipped model."
        ),
    ] = None,
    stature: Annotated[
        float | None, typer.Option(help="Known body height of every person [mm]: removes the size ambiguity.")
    ] = None,
    min_confidence: Annotated[
        float,
        typer.Option(help="Joints at or below this confidence are missing and filled in from the others."),
    ] = 0.0,
    chunk: Annotated[int, typer.Option(help="Poses per chunk when streaming .npy to .npy.")] = 65536,
    flip_test: FlipOpt = False,
    camera_height: CameraHeightOpt = None,
    camera_pitch: CameraPitchOpt = None,
    camera_roll: CameraRollOpt = None,
    floor: FloorOpt = None,
) -> None:
    """Lift 2D keypoints to absolute 3D joints in the camera frame [mm]."""

    from abspose._files import check_output_path, refuse_overwriting_inputs
    from abspose.api import AbsPoseWarning
    from abspose.api import lift as lift_keypoints
    from abspose.io import read_keypoints, write_result
    from abspose.pipeline import lift_npy

    check_output_path(out, (".json", ".csv", ".npy"), "--out")
    refuse_overwriting_inputs({"--out": out}, [input, model])
    on_floor = floor_options(camera_height, camera_pitch, camera_roll, floor)
    if out.suffix.lower() == ".npy" and any(v is not None for v in on_floor.values()):
        raise AbsPoseError(
            "--camera-height, --camera-pitch, --camera-roll and --floor need --out .json or .csv"
        )
    if out.suffix.lower() == ".npy":
        with _echo_warnings(AbsPoseWarning), Progress(console=console) as progress:  # once each
            task = progress.add_task("lifting", total=None)

            def on_chunk(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            n = lift_npy(
                input, out, chunk=chunk, on_chunk=on_chunk,
                focal_px=focal, principal_px=principal, image_size=image_size, layout=layout or "h36m17",
                model=model, stature_mm=stature, min_confidence=min_confidence, flip_test=flip_test,
            )  # fmt: skip
        console.print(f"wrote {out}: {n} poses, (N, 17, 3) float32 joints in the camera frame [mm]")
        return
    kf = read_keypoints(input)
    if model is None and kf.from_detector and layout is None:
        from abspose.api import default_model_path

        model = default_model_path("detector")  # detector 2D, as the image/video pipeline lifts it
    with _echo_warnings(AbsPoseWarning):
        result = lift_keypoints(
            kf.keypoints_px,
            focal_px=focal if focal is not None else kf.focal_px,
            principal_px=principal if principal is not None else kf.principal_px,
            image_size=image_size if image_size is not None else kf.image_size,
            layout=layout or kf.layout or "h36m17",
            confidences=kf.confidences,
            model=model,
            stature_mm=stature,
            min_confidence=min_confidence,
            flip_test=flip_test,
            **on_floor,
        )
    if result.floor is not None:
        console.print(
            f"floor: {result.floor.offset_mm / 1000:.2f} m below the camera, up = "
            f"{np.round(result.floor.up_cam, 3).tolist()} ({result.floor.orientation_source})"
        )
    sources = result.scale_source if result.scale_source is not None else ["prior"] * len(result.root_cam_mm)
    for i, root in enumerate(result.root_cam_mm[:10]):
        filled = [n for n, m in zip(result.joint_names, result.imputed[i], strict=True) if m]
        console.print(
            f"person {i}: pelvis at x = {root[0] / 1000:+.2f} m, y = {root[1] / 1000:+.2f} m, "
            f"z = {root[2] / 1000:.2f} m "
            f"({result.distance_m[i]:.2f} m from the camera{interval_text(result.distance_interval_m[i])}; "
            f"Z/f = {result.canonical_depth[i]:.3f} mm/px; "
            f"scale from {sources[i]})" + (f"; filled in: {', '.join(filled)}" if filled else "")
        )
    if len(result.root_cam_mm) > 10:
        console.print(f"... and {len(result.root_cam_mm) - 10} more people (all in {out})")
    write_result(out, result)
    console.print(f"wrote {out}")


def _print_summary(dataset: MocapDataset) -> None:
    from abspose.data import SPLITS
    from abspose.data.mocap.stats import bone_stats_by_rig

    table = Table(title="split (by CMU subject)")
    for col in ("split", "subjects", "frames"):
        table.add_column(col)
    for split, subjects in SPLITS.items():
        n = int(np.isin(dataset.subjects, subjects).sum())
        table.add_row(split, ", ".join(map(str, subjects)), str(n))
    console.print(table)
    bones = Table(title="limb bone lengths [mm], left / right (asymmetry)")
    bones.add_column("rig")
    stats = bone_stats_by_rig(dataset)
    names = list(next(iter(stats.values())))
    for name in names:
        bones.add_column(name)
    for rig, per_bone in stats.items():
        bones.add_row(
            rig,
            *(f"{s.left_mm:.0f} / {s.right_mm:.0f} ({100 * s.asymmetry:.1f}%)" for s in per_bone.values()),
        )
    console.print(bones)


def _plot_rigs(dataset: MocapDataset, path: Path) -> None:
    from abspose.viz import save_pose_grid

    rigs = dataset.clip_rigs[dataset.clip_index]
    picks = [
        int(np.flatnonzero(rigs == rig)[len(np.flatnonzero(rigs == rig)) // 3]) for rig in sorted(set(rigs))
    ]
    titles = [f"{dataset.clip_names[dataset.clip_index[i]]} frame {dataset.frame_index[i]}" for i in picks]
    save_pose_grid(dataset.joints_world_mm[picks], titles, path)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option(help="Where to write the plots.")] = Path("demo_out"),
    seed: Annotated[int, typer.Option(help="Seed of the virtual cameras.")] = 0,
    model: Annotated[Path | None, typer.Option(help="Checkpoint; default: the shipped model.")] = None,
) -> None:
    """Lift the shipped CMU walk, seen by virtual cameras, to absolute 3D; print and plot it."""
    from abspose.api import lift as lift_keypoints
    from abspose.data import convert_bvh, floor_height_mm, sample_bvh_path, sample_views
    from abspose.metrics import mpjpe, mrpe
    from abspose.skeletons import H36M17
    from abspose.viz import save_camera_scene

    clip = convert_bvh(sample_bvh_path())
    joints = clip.joints_world_mm
    console.print(
        f"converted {clip.name} ({clip.rig} rig): {len(joints)} frames at {clip.fps:.0f} fps, "
        f"{clip.dropped_frames} leading T-pose frame(s) dropped"
    )
    views = sample_views(joints, floor_height_mm(joints), np.random.default_rng(seed))
    result = lift_keypoints(
        views.keypoints_px, focal_px=views.focal_px, principal_px=views.principal_px, model=model
    )
    gt = views.joints_cam_mm
    r = H36M17.root_index
    k = len(joints) // 2
    est, true = result.root_cam_mm[k], gt[k, r]
    console.print(
        f"frame {k} (f = {views.focal_px[k]:.0f} px, "
        f"{views.image_size_px[k, 0]}x{views.image_size_px[k, 1]}): "
        f"the person stands {result.distance_m[k]:.2f} m from the camera, pelvis at "
        f"x = {est[0] / 1000:+.2f} m, y = {est[1] / 1000:+.2f} m, z = {est[2] / 1000:.2f} m "
        f"(truth {np.linalg.norm(true) / 1000:.2f} m: x = {true[0] / 1000:+.2f}, y = {true[1] / 1000:+.2f}, "
        f"z = {true[2] / 1000:.2f})"
    )
    errors = mrpe(result.root_cam_mm, gt[:, r])
    console.print(
        f"all {len(joints)} frames, each with its own random camera and body size: MPJPE "
        f"{mpjpe(result.joints_cam_mm, gt):.1f} mm, root error {errors.mrpe:.0f} mm "
        f"(X {errors.x:.0f}, Y {errors.y:.0f}, Z {errors.z:.0f})"
    )
    path = save_camera_scene(
        result.joints_cam_mm[k], gt[k], views.keypoints_px[k], views.image_size_px[k].tolist(),
        out_dir / "demo_3d.png", title=f"{clip.name} frame {k}: {result.distance_m[k]:.2f} m from the camera",
    )  # fmt: skip
    console.print(f"wrote {path}")


def _save_views(views: CameraSamples, path: Path) -> None:
    """One panel per sample: the 2D pose in its image frame."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from abspose.viz import draw_pose_2d, save_figure

    n = len(views.focal_px)
    fig, axes = plt.subplots(1, n, figsize=(3 * n, 3.5), squeeze=False)
    for k, ax in enumerate(axes[0]):
        draw_pose_2d(ax, views.keypoints_px[k], image_size=views.image_size_px[k].tolist())
        depth = views.joints_cam_mm[k, 0, 2] / 1000
        ax.set_title(f"f={views.focal_px[k]:.0f}px, z={depth:.1f}m", fontsize=8)
        ax.tick_params(labelsize=6)
    save_figure(fig, path)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM as SIGINT: unwind (temporary files removed, finished outputs kept), exit 130."""
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: library errors become one line on stderr and exit code 2; so do the file
    system's (a read-only folder, a folder given as a file, a name too long). SIGTERM unwinds as
    SIGINT does, removing temporary files."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except (AbsPoseError, OSError) as exc:
        if _state["debug"]:
            raise
        error(str(exc))
        sys.exit(2)


_FILE = {"exists": True, "dir_okay": False}


def _busy_cores() -> tuple[float, int] | None:
    """``(1-minute load, cores)`` when other work already keeps most cores busy, else None.
    Processes sharing the cores slow PyTorch's CPU threads by up to 10x (measured here: an
    epoch of 20 s took 190 s beside the slow tests), which a probe of a few steps cannot see."""
    import os

    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this platform
        return None
    cores = os.cpu_count() or 1
    return (load, cores) if load > 0.75 * cores else None


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
    h36m: Annotated[Path | None, typer.Option(**_FILE, help="VideoPose3D's data_3d_h36m.npz.")] = None,
    h36m_2d: Annotated[
        Path | None, typer.Option(**_FILE, help="A detector's data_2d_h36m_<detector>.npz (tables 2-4).")
    ] = None,
    mpi_train: Annotated[
        Path | None, typer.Option(**_FILE, help="MMPose's mpi_inf_3dhp_train.npz (table 5).")
    ] = None,
    mpi_cameras: Annotated[
        Path | None,
        typer.Option(**_FILE, help="Its cameras_train.pkl, or the .json of `abspose data cameras-json`."),
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
        estimate_seconds,
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
    with _echo_warnings():
        data = Benchmarks(
            h36m=read_videopose3d(h36m, trust_pickle=trust_pickle) if h36m else None,
            h36m_detected=read_videopose3d(h36m, h36m_2d, trust_pickle=trust_pickle)
            if h36m and h36m_2d else None,
            mpi_train=read_mmpose(mpi_train, mpi_cameras, "3dhp", trust_pickle=trust_pickle)
            if mpi_train and mpi_cameras else None,
            mpi_test=read_3dhp_test(mpi_test) if mpi_test else None,
            detector=h36m_2d.stem.removeprefix("data_2d_h36m_") if h36m_2d else "",
        )  # fmt: skip
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
    trainings = {t.slug: t for plan in plans for t in plan.unique}
    names: dict[str, list[str]] = {}
    for plan in plans:  # the settings sharing each checkpoint
        for t in plan.trainings:
            if t.setting not in names.setdefault(t.slug, []):
                names[t.slug].append(t.setting)
    first = next(iter(trainings.values()))
    busy = _busy_cores()
    if busy is not None:
        warn(
            f"the machine is busy (load {busy[0]:.1f} on {busy[1]} cores): training now shares the "
            "cores, and the estimate below can be several times too long or too short; the time "
            "left printed after each epoch is measured"
        )
    per_sample = estimate_seconds(first.train, first.config, replace(tc, epochs=1), device=str(dev)) / len(
        first.train
    )
    seconds = {slug: per_sample * len(t.train) * epochs for slug, t in trainings.items()}
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
    console.print(f"about {_duration(sum(seconds.values()))} in all on {dev}")
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
    from abspose.lifters import resolve_lifter
    from abspose.model.onnx import OnnxLifter, compare_accuracy, compare_onnx, export_onnx
    from abspose.skeletons import H36M17

    check_output_path(out, (".onnx",), "--out")
    refuse_overwriting_inputs({"--out": out}, [model])
    lifter = resolve_lifter(model)
    if isinstance(lifter, OnnxLifter):
        raise AbsPoseError(f"{model}: already an ONNX model; give a .safetensors checkpoint")
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


if __name__ == "__main__":  # `python -m abspose.cli`, e.g. under torchrun
    main()
