"""Matplotlib drawings of H36M-17 poses: 3D skeletons and 2D keypoints in an image frame.

Left side in blue, right side in red, the midline in black, so a mirrored mapping shows at a
glance. Functions draw on given axes or write a PNG; nothing opens a window.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points
from abspose.skeletons import H36M17, Skeleton

__all__ = [
    "draw_pose_2d",
    "draw_pose_3d",
    "save_camera_scene",
    "save_camera_scenes",
    "save_figure",
    "save_pose_grid",
    "save_sample_views",
]


def save_figure(fig: Any, path: str | Path, dpi: int = 80) -> Path:
    """Lay out, write as PNG (creating folders) and close a matplotlib figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def _bone_color(child: str) -> str:
    return "tab:blue" if child.startswith("l_") else "tab:red" if child.startswith("r_") else "black"


def draw_pose_3d(
    ax: Any,
    joints_mm: NDArray[np.float64],
    skeleton: Skeleton = H36M17,
    *,
    y_up: bool = True,
    linestyle: str = "-",
    limits: bool = True,
    color: Any = None,
) -> None:
    """Draw one ``(J, 3)`` pose on a 3D axes; ``y_up`` for world poses, False for camera frames;
    ``color`` for the whole pose, default by side (left blue, right red)."""
    for parent, child in skeleton.bones:
        a, b = joints_mm[skeleton.index(parent)], joints_mm[skeleton.index(child)]
        xs, ys, zs = zip(a, b, strict=True)
        heights = ys if y_up else [-y for y in ys]  # matplotlib's vertical axis is z
        ax.plot(
            xs, zs, heights, color=_bone_color(child) if color is None else color, lw=2, linestyle=linestyle
        )
    if not limits:
        return
    pts = joints_mm if y_up else joints_mm * np.array([1.0, -1.0, 1.0])
    centre = pts.mean(0)
    half = max(np.ptp(pts, axis=0).max() / 2.0, 1.0)
    ax.set_xlim(centre[0] - half, centre[0] + half)
    ax.set_ylim(centre[2] - half, centre[2] + half)
    ax.set_zlim(centre[1] - half, centre[1] + half)
    ax.set_xlabel("x [mm]")
    ax.set_ylabel("z [mm]")
    ax.set_zlabel("y [mm]" if y_up else "-y [mm]")


def draw_pose_2d(
    ax: Any,
    keypoints_px: NDArray[np.float64],
    skeleton: Skeleton = H36M17,
    image_size: Sequence[int] | None = None,
) -> None:
    """Draw one ``(J, 2)`` pose in image coordinates (y down), with the image frame if known."""
    for parent, child in skeleton.bones:
        a, b = keypoints_px[skeleton.index(parent)], keypoints_px[skeleton.index(child)]
        ax.plot([a[0], b[0]], [a[1], b[1]], color=_bone_color(child), lw=2)
    if image_size is not None:
        w, h = image_size
        ax.plot([0, w, w, 0, 0], [0, 0, h, h, 0], color="gray", lw=1)
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)
    else:
        ax.invert_yaxis()
    ax.set_aspect("equal")


def save_pose_grid(
    poses_mm: Any, titles: Sequence[str], path: str | Path, skeleton: Skeleton = H36M17
) -> Path:
    """Write a PNG of K ``(K, J, 3)`` world poses (y up) side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    poses = check_points(poses_mm, "poses_mm", dim=3, joints=skeleton.num_joints, min_ndim=3)
    k = poses.shape[0]
    fig = plt.figure(figsize=(4 * k, 4.5))
    for i in range(k):
        ax = fig.add_subplot(1, k, i + 1, projection="3d")
        draw_pose_3d(ax, poses[i], skeleton)
        ax.set_title(titles[i] if i < len(titles) else "", fontsize=9)
        ax.view_init(elev=10, azim=-60)
    fig.suptitle("H36M-17 joints (left blue, right red)")
    return save_figure(fig, path)


def save_camera_scene(
    pred_cam_mm: Any,
    gt_cam_mm: Any | None,
    keypoints_px: Any,
    image_size: Sequence[int],
    path: str | Path,
    title: str = "",
) -> Path:
    """PNG: the 2D pose in its image, and the 3D pose in the camera frame with the camera at
    the origin (prediction solid, ground truth dashed when given)."""
    gt = None if gt_cam_mm is None else [gt_cam_mm]
    return save_camera_scenes([pred_cam_mm], gt, [keypoints_px], [image_size], path, [""], title)


def save_camera_scenes(
    pred_cam_mm: Any,
    gt_cam_mm: Any | None,
    keypoints_px: Any,
    image_sizes: Sequence[Sequence[int]],
    path: str | Path,
    titles: Sequence[str],
    title: str = "",
) -> Path:
    """PNG with one row per pose (K rows): its ``(J, 2)`` 2D input in the image, and the ``(J, 3)``
    3D pose in the camera frame with the camera at the origin (estimate solid, truth dashed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pred = check_points(pred_cam_mm, "pred_cam_mm", dim=3, joints=H36M17.num_joints, min_ndim=3)
    kp = check_points(keypoints_px, "keypoints_px", dim=2, joints=H36M17.num_joints, min_ndim=3)
    gt = None
    if gt_cam_mm is not None:
        gt = check_points(gt_cam_mm, "gt_cam_mm", dim=3, joints=H36M17.num_joints, min_ndim=3)
    k = len(pred)
    fig = plt.figure(figsize=(10, 4.5 * k))
    for i in range(k):
        ax = fig.add_subplot(k, 2, 2 * i + 1)
        draw_pose_2d(ax, kp[i], image_size=image_sizes[i])
        ax.set_title(f"{titles[i]}: 2D input [px]" if i < len(titles) and titles[i] else "2D input [px]")
        ax3 = fig.add_subplot(k, 2, 2 * i + 2, projection="3d")
        _draw_camera_frame(ax3, pred[i], None if gt is None else gt[i])
    fig.suptitle(title, fontsize=10)
    return save_figure(fig, path)


def _draw_camera_frame(ax3: Any, pred: NDArray[np.float64], gt: NDArray[np.float64] | None) -> None:
    """One pose in the camera frame, the camera at the origin, seen from above and behind."""
    draw_pose_3d(ax3, pred, y_up=False, limits=False)
    points = [pred, np.zeros((1, 3))]
    if gt is not None:
        draw_pose_3d(ax3, gt, y_up=False, linestyle="--", limits=False)
        points.append(gt)
    ax3.scatter([0], [0], [0], marker="^", s=60, color="k")
    ax3.text(0, 0, 0, " camera", fontsize=8)
    allp = np.concatenate(points)
    ax3.set_xlim(allp[:, 0].min() - 500, allp[:, 0].max() + 500)
    ax3.set_ylim(0, allp[:, 2].max() + 500)
    ax3.set_zlim(-allp[:, 1].max() - 500, -allp[:, 1].min() + 500)
    ax3.set_xlabel("x [mm]")
    ax3.set_ylabel("z (depth) [mm]")
    ax3.set_zlabel("-y [mm]")
    ax3.view_init(elev=20, azim=-120)
    ax3.set_title("camera frame: estimate solid" + (", truth dashed" if gt is not None else ""))


def save_sample_views(views: Any, path: str | Path) -> Path:
    """One panel per sample of a :class:`~abspose.data.CameraFrames`: the 2D pose in its image
    frame, titled with the focal length and the root's depth."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(views.focal_px)
    fig, axes = plt.subplots(1, n, figsize=(3 * n, 3.5), squeeze=False)
    for k, ax in enumerate(axes[0]):
        draw_pose_2d(ax, views.keypoints_px[k], image_size=views.image_size_px[k].tolist())
        depth = views.joints_cam_mm[k, 0, 2] / 1000
        ax.set_title(f"f={views.focal_px[k]:.0f}px, z={depth:.1f}m", fontsize=8)
        ax.tick_params(labelsize=6)
    return save_figure(fig, path)
