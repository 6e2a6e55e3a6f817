"""``abspose data ...``: convert motion capture, build the training set, inspect datasets."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from abspose._console import console
from abspose.cli._app import data_app, echo_warnings
from abspose.errors import AbsPoseError

if TYPE_CHECKING:
    from abspose.data import MocapDataset


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
        TextColumn("[bold]converting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
        console=console,
    ) as progress:
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
        table.add_row(
            group,
            f"{H36M_TRAINING_BONES_MM[group]:.0f}",
            f"{med:.0f}",
            f"{lo:.0f}-{hi:.0f}",
            *(f"{r[group]:.0f}" for r in rigs.values()),
        )
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

    with echo_warnings():
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
    from abspose.viz import save_sample_views

    save_sample_views(views, plot)
    statures = views.stature_mm if views.stature_mm is not None else np.full(len(picks), np.nan)
    for k in range(len(picks)):
        width, height = views.image_size_px[k]
        console.print(
            f"{dataset.clip_names[dataset.clip_index[picks[k]]]}: f = {views.focal_px[k]:.0f} px, "
            f"{width}x{height}, pelvis at {views.joints_cam_mm[k, 0, 2] / 1000:.2f} m depth, "
            f"stature {statures[k] / 1000:.2f} m"
        )
    console.print(f"wrote {plot}")


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
