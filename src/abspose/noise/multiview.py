"""Real 2D errors from a calibrated multi-camera capture, by leave-one-view-out.

A detection in view ``v`` is compared with the joint triangulated from the *other* views and
reprojected into ``v``: the reference is never built from the detection it scores. The
reference carries the other views' errors too (through the triangulation), so the measured
spread is a slight over-estimate of the detector's own: with three other views, detector
errors of spread ``s`` per view add roughly ``s / √3`` in quadrature (about +15%).

>>> import numpy as np
>>> from abspose.geometry import Intrinsics
>>> K = Intrinsics(1000.0, 1000.0, 500.0, 500.0).matrix
>>> P = np.stack([K @ np.hstack([np.eye(3), [[x], [0.0], [4000.0]]]) for x in (-800.0, 0.0, 800.0)])
>>> X = np.array([[100.0, -50.0, 300.0]])
>>> pts = np.stack([project_with(p, X) for p in P])           # (3 views, 1 point, 2)
>>> bool(np.allclose(triangulate(P, pts), X))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array
from abspose.errors import ShapeError

__all__ = ["LeaveOneOut", "held_out_view_frames", "leave_one_view_out", "project_with", "triangulate"]


def project_with(projection: Any, points_world: Any) -> NDArray[np.float64]:
    """``(..., 2)`` pixels of ``(..., 3)`` world points through a ``(3, 4)`` projection matrix."""
    P = as_float_array(projection, "projection")
    X = as_float_array(points_world, "points_world")
    h = X @ P[:, :3].T + P[:, 3]  # (..., 3)
    return h[..., :2] / h[..., 2:3]


def triangulate(projections: Any, points_px: Any, weights: Any = None) -> NDArray[np.float64]:
    """Weighted linear (DLT) triangulation.

    Args:
        projections: ``(V, 3, 4)`` projection matrices ``K [R | t]``, world to pixels.
        points_px: ``(V, ..., 2)`` the same points seen in each view [px].
        weights: ``(V, ...)`` per-view weights (confidences); 0 drops a view. Default 1.

    Returns:
        ``(..., 3)`` world points (NaN where fewer than two views have weight > 0).
    """
    P = as_float_array(projections, "projections")
    x = as_float_array(points_px, "points_px")
    if P.ndim != 3 or P.shape[1:] != (3, 4) or x.shape[0] != P.shape[0] or x.shape[-1] != 2:
        raise ShapeError(f"expected (V, 3, 4) projections and (V, ..., 2) points, got {P.shape}, {x.shape}")
    w = np.ones(x.shape[:-1]) if weights is None else as_float_array(weights, "weights")
    v = P.shape[0]
    batch = x.shape[1:-1]
    xf = np.moveaxis(x.reshape(v, -1, 2), 0, 1)  # (M, V, 2)
    wf = np.moveaxis(w.reshape(v, -1), 0, 1)  # (M, V)
    # two rows per view: x P3 - P1, y P3 - P2, each scaled by the view's weight
    rows = np.concatenate(
        [xf[..., 0:1] * P[None, :, 2] - P[None, :, 0], xf[..., 1:2] * P[None, :, 2] - P[None, :, 1]], axis=1
    )  # (M, 2V, 4)
    rows = rows * np.concatenate([wf, wf], axis=1)[..., None]
    _, _, vt = np.linalg.svd(rows)
    h = vt[:, -1]  # (M, 4)
    out = h[:, :3] / h[:, 3:4]
    out[(wf > 0).sum(1) < 2] = np.nan
    result: NDArray[np.float64] = out.reshape(*batch, 3)
    return result


@dataclass(frozen=True)
class LeaveOneOut:
    """Detections and their leave-one-view-out references.

    Attributes:
        detected_px: ``(V, T, J, 2)`` the detections [px].
        reference_px: ``(V, T, J, 2)`` each joint triangulated from the other views and
            reprojected [px]; NaN where fewer than ``min_views`` other views saw it.
        valid: ``(V, T, J)`` the detection exists and the reference is defined.
    """

    detected_px: NDArray[np.float64]
    reference_px: NDArray[np.float64]
    valid: NDArray[np.bool_]


def leave_one_view_out(
    projections: Any,
    keypoints_px: Any,
    confidences: Any,
    *,
    min_confidence: float = 0.3,
    min_views: int = 2,
) -> LeaveOneOut:
    """For every view, triangulate each joint from the other views and reproject it.

    Args:
        projections: ``(V, 3, 4)`` world-to-pixel projection matrices.
        keypoints_px: ``(V, T, J, 2)`` detections [px].
        confidences: ``(V, T, J)``; 0 marks a missing detection. Views below ``min_confidence``
            are not used to build references (they are still scored when held out).
        min_confidence: smallest confidence of a view used for triangulation.
        min_views: fewest other views needed for a reference.
    """
    P = as_float_array(projections, "projections")
    kp = as_float_array(keypoints_px, "keypoints_px")
    conf = as_float_array(confidences, "confidences")
    if kp.ndim != 4 or kp.shape[0] != P.shape[0] or conf.shape != kp.shape[:-1]:
        raise ShapeError(
            f"expected (V, T, J, 2) keypoints and (V, T, J) confidences for V = {P.shape[0]} views, "
            f"got {kp.shape} and {conf.shape}"
        )
    ref = np.full_like(kp, np.nan)
    for held in range(P.shape[0]):
        others = [v for v in range(P.shape[0]) if v != held]
        w = np.where(conf[others] >= min_confidence, conf[others], 0.0)  # (V-1, T, J)
        enough = (w > 0).sum(0) >= min_views
        X = triangulate(P[others], kp[others], w)  # (T, J, 3)
        proj = project_with(P[held], np.nan_to_num(X))
        ref[held] = np.where(enough[..., None], proj, np.nan)
    valid = (conf > 0) & np.isfinite(ref).all(-1)
    return LeaveOneOut(kp, ref, valid)


def held_out_view_frames(
    capture: Any, *, detections: Any = None, min_confidence: float = 0.3, name: str = ""
) -> Any:
    """Benchmark frames of a calibrated multi-view capture: each view held out in turn.

    For view v, every joint is triangulated from the *other* views' detections (confidence at
    least ``min_confidence``, two views or more), converted to H36M-17 in 3D and turned into
    view v's camera frame: the reference. The 2D input is either the reference reprojected into
    view v (ground-truth-like 2D; ``detections=None``) or view v's own detections of a
    :class:`~abspose.noise.pose2sim.MultiViewCapture` of the same frames (``detections``),
    converted to H36M-17, NaN where below ``min_confidence`` (a missing joint for
    :func:`abspose.lift`). Frames without a full reference, or (detector input) with fewer than
    12 detected joints, are left out.

    Args:
        capture: a :class:`~abspose.noise.pose2sim.MultiViewCapture`: cameras and the detections
            the references are built from.
        detections: optional capture whose held-out view's detections are the 2D input.

    Returns:
        :class:`~abspose.data.frames.CameraFrames` of all views (``camera``: the view's name,
        ``group``: ``"view <name>"``).
    """
    from abspose.data.frames import CameraFrames, concat_frames
    from abspose.geometry import project
    from abspose.skeletons import convert_to_h36m17

    P = capture.projections
    v_count = capture.keypoints_px.shape[0]
    parts = []
    for held in range(v_count):
        others = [v for v in range(v_count) if v != held]
        w = np.where(capture.confidences[others] >= min_confidence, capture.confidences[others], 0.0)
        world = triangulate(P[others], capture.keypoints_px[others], w)  # (T, J, 3), NaN: < 2 views
        ref = convert_to_h36m17(world, capture.layout).keypoints  # (T, 17, 3) world [mm]
        cam = capture.cameras[held]
        joints_cam = ref @ cam.rot_world_to_cam.T + cam.t_world_to_cam_mm  # (T, 17, 3)
        keep = np.isfinite(joints_cam).all(axis=(1, 2)) & (joints_cam[..., 2] > 0).all(-1)
        k = cam.intrinsics
        if detections is None:
            kp = np.full((*joints_cam.shape[:-1], 2), np.nan)
            kp[keep] = project(joints_cam[keep], k)
        else:
            conv = convert_to_h36m17(
                detections.keypoints_px[held], detections.layout, detections.confidences[held]
            )
            assert conv.confidences is not None
            seen = conv.confidences >= min_confidence  # (T, 17)
            kp = np.where(seen[..., None], conv.keypoints, np.nan)
            keep &= seen.sum(-1) >= 12
        idx = np.flatnonzero(keep)
        n = len(idx)
        parts.append(
            CameraFrames(
                joints_cam_mm=joints_cam[idx],
                keypoints_px=kp[idx],
                focal_px=np.full(n, (k.fx + k.fy) / 2),
                principal_px=np.tile([k.cx, k.cy], (n, 1)).astype(np.float64),
                image_size_px=np.tile(cam.image_size, (n, 1)).astype(np.int64),
                subject=np.full(n, "pose2sim"),
                action=np.full(n, "demo"),
                camera=np.full(n, cam.name),
                group=np.full(n, f"view {cam.name}"),
                frame=idx.astype(np.int64),
            )
        )
    return concat_frames(parts, name=name)
