"""Pictures of everyone in a photo or video: 2D overlay with distances, 3D view, top-down map.

The overlay draws on the image with OpenCV (one colour per person id, joints filled in from the
others left out); the figure puts the overlay, a 3D view of everyone in the camera frame and a
top-down map (x-z plane, camera at the origin, its field of view as a wedge) side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from abspose.skeletons import H36M17
from abspose.viz.skeleton import draw_pose_3d, save_figure

if TYPE_CHECKING:
    from abspose.pipeline import PeopleInFrame

__all__ = ["distance_label", "draw_overlay", "draw_top_down", "person_color", "save_people_figure"]

_PALETTE = [
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
]  # fmt: skip
_BONES = [(H36M17.index(p), H36M17.index(c)) for p, c in H36M17.bones]


def person_color(track_id: int) -> tuple[int, int, int]:
    """RGB 0-255 colour of a person id (matplotlib's tab10 cycle)."""
    return _PALETTE[int(track_id) % len(_PALETTE)]


def distance_label(distance_m: float, interval_m: Any) -> str:
    """``"7.3+-0.4 m"``: the distance and half its 68% interval's length (``(2, 2)`` 68% and 95%
    ``[lo, hi]`` [m]), or ``"7.3 m"`` when the interval is unknown (NaN). ASCII, for OpenCV's font."""
    lo, hi = np.asarray(interval_m, dtype=np.float64)[0]
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return f"{distance_m:.1f} m"
    return f"{distance_m:.1f}+-{(hi - lo) / 2:.1f} m"


def draw_overlay(image_rgb: NDArray[np.uint8], frame: PeopleInFrame) -> NDArray[np.uint8]:
    """A copy of ``(H, W, 3)`` RGB ``image_rgb`` with each person's 2D skeleton and a label
    ``#id  d+-s m`` (pelvis distance from the camera and half its 68% interval; ``~`` when the
    focal length is a guess)."""
    import cv2

    out = np.ascontiguousarray(image_rgb).copy()
    scale = max(out.shape[:2]) / 1000.0
    thick = max(1, round(3 * scale))
    guess = "~" if frame.camera.focal_is_default else ""
    for k, tid in enumerate(frame.track_ids.tolist()):
        color = person_color(tid)
        pts = frame.keypoints_px[k]
        for a, b in _BONES:
            if np.isfinite(pts[[a, b]]).all():
                cv2.line(
                    out,
                    tuple(np.round(pts[a]).astype(int)),
                    tuple(np.round(pts[b]).astype(int)),
                    color,
                    thick,
                    cv2.LINE_AA,
                )
        for p in pts[np.isfinite(pts).all(axis=1)]:
            cv2.circle(out, tuple(np.round(p).astype(int)), thick + 1, (255, 255, 255), -1, cv2.LINE_AA)
        top = pts[np.isfinite(pts).all(axis=1)]
        x, y = int(top[:, 0].min()), int(top[:, 1].min() - 10 * scale)
        label = (
            f"#{tid} {guess}{distance_label(frame.lifted.distance_m[k], frame.lifted.distance_interval_m[k])}"
        )
        size = 0.8 * scale
        (w, h), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, size, thick)
        y = max(y, h + 2)
        cv2.rectangle(out, (x - 2, y - h - 4), (x + w + 2, y + 4), color, -1)
        cv2.putText(out, label, (x, y), cv2.FONT_HERSHEY_SIMPLEX, size, (255, 255, 255), thick, cv2.LINE_AA)
    return out


def _fov_half_width(frame: PeopleInFrame) -> tuple[float, float]:
    k = frame.camera.intrinsics
    return k.cx / k.fx, (frame.width - k.cx) / k.fx  # x/z at the left and right image edges


def draw_top_down(
    ax: Any, frame: PeopleInFrame, trails: dict[int, NDArray[np.float64]] | None = None
) -> None:
    """Top-down map [m]: x right, z forward from the camera at the origin; each person's pelvis,
    their feet-level skeleton footprint, and ``trails`` (``{id: (T, 3) pelvis mm}``) if given.
    The distance's 68% (thick) and 95% (thin) intervals are drawn along the ray from the camera
    through the pelvis: the ambiguity of size and distance moves a person along it."""
    people = frame.lifted.root_cam_mm / 1000.0  # (P, 3)
    intervals = frame.lifted.distance_interval_m  # (P, 2, 2)
    distance = frame.lifted.distance_m
    points = [np.zeros((1, 3)), people]
    for tid, trail in (trails or {}).items():
        t = np.asarray(trail) / 1000.0
        ax.plot(t[:, 0], t[:, 2], "-", color=np.array(person_color(tid)) / 255.0, lw=1, alpha=0.6)
        points.append(t)
    for k, tid in enumerate(frame.track_ids.tolist()):
        color = np.array(person_color(tid)) / 255.0
        joints = frame.lifted.joints_cam_mm[k] / 1000.0
        for a, b in _BONES:
            ax.plot(joints[[a, b], 0], joints[[a, b], 2], color=color, lw=1)
        for level, lw in ((1, 1.0), (0, 3.0)):  # 95% thin, 68% thick
            if np.isfinite(intervals[k, level]).all():
                ends = people[k][None, :] * (intervals[k, level] / distance[k])[:, None]  # (2, 3)
                ax.plot(ends[:, 0], ends[:, 2], color=color, lw=lw, alpha=0.5, solid_capstyle="butt")
                points.append(ends)
        ax.scatter(people[k, 0], people[k, 2], s=40, color=color, zorder=3)
        ax.annotate(
            f"#{tid} {distance_label(distance[k], intervals[k])}",
            (people[k, 0], people[k, 2]),
            fontsize=8,
            xytext=(4, 4),
            textcoords="offset points",
        )
    allp = np.concatenate(points)
    far = max(float(allp[:, 2].max()) * 1.15, 2.0)
    left, right = _fov_half_width(frame)
    ax.plot([-left * far, 0, right * far], [far, 0, far], color="gray", lw=1, ls="--")
    ax.scatter([0], [0], marker="^", s=60, color="k")
    ax.set_xlabel("x [m] (right)")
    ax.set_ylabel("z [m] (forward)")
    half = max(left, right) * far
    ax.set_xlim(-half, half)
    ax.set_ylim(-0.05 * far, far)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(alpha=0.3)


def _draw_3d(ax: Any, frame: PeopleInFrame) -> None:
    for k, tid in enumerate(frame.track_ids.tolist()):
        color = np.array(person_color(tid)) / 255.0
        draw_pose_3d(ax, frame.lifted.joints_cam_mm[k] / 1000.0, y_up=False, limits=False, color=color)
    ax.scatter([0], [0], [0], marker="^", s=40, color="k")
    pts = np.concatenate([frame.lifted.joints_cam_mm.reshape(-1, 3) / 1000.0, np.zeros((1, 3))])
    centre = (pts.max(0) + pts.min(0)) / 2.0
    half = max(float(np.ptp(pts, axis=0).max()) / 2.0, 1.0)
    ax.set_xlim(centre[0] - half, centre[0] + half)
    ax.set_ylim(centre[2] - half, centre[2] + half)
    ax.set_zlim(-centre[1] - half, -centre[1] + half)
    ax.set_xlabel("x [m]")
    ax.set_ylabel("z [m]")
    ax.set_zlabel("-y [m]")
    ax.view_init(elev=15, azim=-75)


def save_people_figure(
    image_rgb: NDArray[np.uint8],
    frame: PeopleInFrame,
    path: str | Path,
    trails: dict[int, NDArray[np.float64]] | None = None,
) -> Path:
    """PNG with the overlay, the 3D camera-frame view and the top-down map of one frame."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(16, 5))
    ax = fig.add_subplot(1, 3, 1)
    ax.imshow(draw_overlay(image_rgb, frame))
    ax.set_axis_off()
    focal = f"f = {frame.camera.intrinsics.fx:.0f} px ({frame.camera.source})"
    ax.set_title(f"{len(frame.track_ids)} people; {focal}", fontsize=10)
    if len(frame.track_ids):
        _draw_3d(fig.add_subplot(1, 3, 2, projection="3d"), frame)
    draw_top_down(fig.add_subplot(1, 3, 3), frame, trails)
    return save_figure(fig, path)
