"""The ``abspose`` command line. Each command only parses options and calls the library."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from abspose.errors import AbsPoseError

if TYPE_CHECKING:
    from abspose.data import CameraSamples, MocapDataset

app = typer.Typer(help="Absolute 3D human pose in camera coordinates.", no_args_is_help=True)
data_app = typer.Typer(help="Training data: convert motion capture, inspect datasets.", no_args_is_help=True)
app.add_typer(data_app, name="data")
console = Console(highlight=False, soft_wrap=True)
_state = {"debug": False}


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


@data_app.command("cmu")
def data_cmu(
    bvh_dir: Annotated[Path, typer.Option(help="Folder with the CMU BVH files (searched recursively).")],
    out: Annotated[Path, typer.Option(help="Dataset file to write (.npz).")],
    fps: Annotated[float, typer.Option(help="Common frame rate after resampling [Hz].")] = 30.0,
    plot: Annotated[Path | None, typer.Option(help="Also write a PNG of one frame per rig.")] = None,
) -> None:
    """Convert CMU motion capture (daz, iclone, ASF rigs) to an H36M-17 dataset in millimetres."""
    from abspose.data import convert_cmu, find_bvh_files

    total = len(find_bvh_files(bvh_dir))
    start = time.perf_counter()
    with Progress(
        TextColumn("[bold]converting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console,
    ) as progress:  # fmt: skip
        task = progress.add_task("", total=total)
        dataset, clips = convert_cmu(
            bvh_dir,
            fps=fps,
            progress=lambda done, _n, name: progress.update(task, completed=done, description=name),
        )
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


@data_app.command("stats")
def data_stats(
    dataset_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A dataset .npz.")],
) -> None:
    """Print frames per split and limb bone lengths per rig of a dataset file."""
    from abspose.data import MocapDataset

    _print_summary(MocapDataset.load(dataset_file))


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


def _print_summary(dataset: MocapDataset) -> None:
    from abspose.data import SPLITS
    from abspose.data.stats import bone_stats_by_rig

    table = Table(title="split (by CMU subject)")
    for col in ("split", "subjects", "frames"):
        table.add_column(col)
    for split, subjects in SPLITS.items():
        n = int(np.isin(dataset.subjects, subjects).sum())
        table.add_row(split, ", ".join(map(str, subjects)), str(n))
    console.print(table)
    bones = Table(title=escape("limb bone lengths [mm], left / right (asymmetry)"))
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
    seed: Annotated[int, typer.Option(help="Seed of the virtual camera.")] = 0,
) -> None:
    """Convert the shipped CMU walk sample, view it through a virtual camera, and plot it."""
    from abspose.data import convert_bvh, floor_height_mm, sample_bvh_path, sample_cameras
    from abspose.data.augment import bone_lengths_mm
    from abspose.geometry import Intrinsics, project
    from abspose.skeletons import H36M17
    from abspose.viz import save_pose_grid

    clip = convert_bvh(sample_bvh_path())
    joints = clip.joints_world_mm
    console.print(
        f"converted {clip.name} ({clip.rig} rig): {len(joints)} frames at {clip.fps:.0f} fps, "
        f"{clip.dropped_frames} leading T-pose frame(s) dropped"
    )
    lengths = bone_lengths_mm(joints)
    limbs = (("thigh", "l_knee"), ("shin", "l_ankle"), ("upper arm", "l_elbow"), ("forearm", "l_wrist"))
    summary = ", ".join(f"{bone} {lengths[joint].mean():.0f}" for bone, joint in limbs)
    console.print(escape("bone lengths [mm]: ") + summary)
    floor = floor_height_mm(joints)
    views = sample_cameras(joints, floor, np.random.default_rng(seed))
    k = len(joints) // 2
    width, height = (int(v) for v in views.image_size_px[k])
    cx, cy = (float(v) for v in views.principal_px[k])
    K = Intrinsics.from_focal(float(views.focal_px[k]), width, height, principal_px=(cx, cy))
    root_cam = views.joints_cam_mm[k, H36M17.root_index]
    reprojection_px = np.abs(project(views.joints_cam_mm[k], K) - views.keypoints_px[k]).max()
    console.print(
        f"frame {k} through a virtual camera (f = {K.fx:.0f} px, {K.width}x{K.height}): pelvis at "
        f"x = {root_cam[0] / 1000:+.2f} m, y = {root_cam[1] / 1000:+.2f} m, z = {root_cam[2] / 1000:.2f} m "
        f"({np.linalg.norm(root_cam) / 1000:.2f} m from the camera), "
        f"image point ({views.keypoints_px[k, 0, 0]:.0f}, {views.keypoints_px[k, 0, 1]:.0f}) px; "
        f"reprojection through Intrinsics agrees to {reprojection_px:.1e} px"
    )
    picks = [0, k, len(joints) - 1]
    path = save_pose_grid(joints[picks], [f"{clip.name} frame {i}" for i in picks], out_dir / "sample_3d.png")
    _save_views(_take(views, [0, k, len(joints) - 1]), out_dir / "sample_view.png")
    console.print(f"wrote {path} and {out_dir / 'sample_view.png'}")


def _save_views(views: CameraSamples, path: Path) -> None:
    """One panel per sample: the 2D pose in its image frame."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from abspose.viz import draw_pose_2d

    n = len(views.focal_px)
    fig, axes = plt.subplots(1, n, figsize=(3 * n, 3.5), squeeze=False)
    for k, ax in enumerate(axes[0]):
        draw_pose_2d(ax, views.keypoints_px[k], image_size=views.image_size_px[k].tolist())
        depth = views.joints_cam_mm[k, 0, 2] / 1000
        ax.set_title(f"f={views.focal_px[k]:.0f}px, z={depth:.1f}m", fontsize=8)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _take(views: CameraSamples, index: list[int]) -> CameraSamples:
    """The samples at ``index``."""
    from dataclasses import fields, replace

    picked = {f.name: getattr(views, f.name) for f in fields(views)}
    return replace(views, **{k: v[index] for k, v in picked.items() if v is not None})


def main() -> None:
    """Entry point: library errors become one line on stderr and exit code 2."""
    try:
        app()
    except AbsPoseError as exc:
        if _state["debug"]:
            raise
        Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        sys.exit(2)
