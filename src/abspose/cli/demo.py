"""``abspose demo``: the shipped walk through virtual cameras, lifted by the shipped model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from abspose._console import console
from abspose.cli._app import app


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
        result.joints_cam_mm[k],
        gt[k],
        views.keypoints_px[k],
        views.image_size_px[k].tolist(),
        out_dir / "demo_3d.png",
        title=f"{clip.name} frame {k}: {result.distance_m[k]:.2f} m from the camera",
    )
    console.print(f"wrote {path}")
