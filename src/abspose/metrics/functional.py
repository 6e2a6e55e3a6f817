"""Pose error metrics as pure, batched functions (numpy; torch tensors are accepted).

All 3D inputs are ``(..., J, 3)`` [mm] in the same frame; results are in mm (or % for PCK and
AUC). ``reduction="mean"`` returns one float, ``"none"`` the per-pose values ``(...)``.

>>> import numpy as np
>>> gt = np.zeros((17, 3)); pred = gt + [0.0, 0.0, 10.0]
>>> mpjpe(pred, gt), mpjpe(pred, gt, align_root=False)
(0.0, 10.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array, check_points, check_same_shape
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17, Skeleton

__all__ = [
    "AUC_THRESHOLDS_MM",
    "PCK_THRESHOLD_MM",
    "RootErrors",
    "auc",
    "joint_errors",
    "mpjpe",
    "mrpe",
    "pa_mpjpe",
    "pck3d",
    "procrustes_align",
]

#: The 3DPCK threshold of the literature [mm].
PCK_THRESHOLD_MM = 150.0
#: AUC thresholds 0, 5, ..., 150 mm (31 values), as in MPI-INF-3DHP's evaluation.
AUC_THRESHOLDS_MM = np.linspace(0.0, 150.0, 31)

Reduction = Literal["mean", "none"]


def _pair(pred: Any, gt: Any, skeleton: Skeleton | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    joints = skeleton.num_joints if skeleton is not None else None
    p = check_points(pred, "pred_mm", dim=3, joints=joints)
    g = check_points(gt, "gt_mm", dim=3, joints=joints)
    check_same_shape(p, g, "pred_mm", "gt_mm")
    return p, g


def _reduce(values: NDArray[np.float64], reduction: Reduction) -> Any:
    if reduction == "mean":
        return float(values.mean())
    if reduction == "none":
        return values
    raise AbsPoseError(f"reduction: expected 'mean' or 'none', got {reduction!r}")


def _root_align(p: NDArray[np.float64], g: NDArray[np.float64], skeleton: Skeleton) -> tuple[Any, Any]:
    r = skeleton.root_index
    return p - p[..., r : r + 1, :], g - g[..., r : r + 1, :]


def joint_errors(
    pred_mm: Any, gt_mm: Any, *, align_root: bool = True, skeleton: Skeleton = H36M17
) -> NDArray[np.float64]:
    """``(..., J)`` Euclidean joint errors [mm], after subtracting each pose's root if asked."""
    p, g = _pair(pred_mm, gt_mm, skeleton if align_root else None)
    if align_root:
        p, g = _root_align(p, g, skeleton)
    return np.linalg.norm(p - g, axis=-1)


def mpjpe(
    pred_mm: Any,
    gt_mm: Any,
    *,
    align_root: bool = True,
    skeleton: Skeleton = H36M17,
    reduction: Reduction = "mean",
) -> Any:
    """Mean per-joint position error [mm] (Protocol 1), root-aligned by default.

    Args:
        pred_mm, gt_mm: ``(..., J, 3)`` joints [mm].
        align_root: subtract each pose's root joint first (the field's MPJPE).
        skeleton: the layout, for the root joint.
        reduction: ``"mean"`` (float) or ``"none"`` (``(...)`` per pose).
    """
    return _reduce(joint_errors(pred_mm, gt_mm, align_root=align_root, skeleton=skeleton).mean(-1), reduction)


def procrustes_align(pred_mm: Any, gt_mm: Any) -> NDArray[np.float64]:
    """Align each ``(..., J, 3)`` predicted pose to the ground truth by a similarity transform.

    Finds scale ``s``, rotation ``R`` (det +1) and translation ``t`` minimizing
    ``||s R p + t - g||²`` per pose (Umeyama), vectorized with one batched SVD.

    Returns:
        ``(..., J, 3)`` the aligned prediction [mm].
    """
    p, g = _pair(pred_mm, gt_mm, None)
    mu_p = p.mean(-2, keepdims=True)
    mu_g = g.mean(-2, keepdims=True)
    p0, g0 = p - mu_p, g - mu_g  # (..., J, 3)
    H = np.swapaxes(p0, -1, -2) @ g0  # (..., 3, 3) cross-covariance
    U, S, Vt = np.linalg.svd(H)
    # Reflection guard: flip the last singular direction where det(V U^T) < 0.
    d = np.sign(np.linalg.det(np.swapaxes(Vt, -1, -2) @ np.swapaxes(U, -1, -2)))
    d = np.where(d == 0, 1.0, d)
    S = S.copy()
    S[..., -1] *= d
    Vt = Vt.copy()
    Vt[..., -1, :] *= d[..., None]
    R = np.swapaxes(Vt, -1, -2) @ np.swapaxes(U, -1, -2)  # (..., 3, 3): g0 ≈ s R p0
    var_p = (p0**2).sum(axis=(-1, -2))
    scale = S.sum(-1) / np.where(var_p > 0, var_p, 1.0)  # (...)
    return scale[..., None, None] * (p0 @ np.swapaxes(R, -1, -2)) + mu_g


def pa_mpjpe(pred_mm: Any, gt_mm: Any, *, reduction: Reduction = "mean") -> Any:
    """MPJPE after Procrustes alignment with scale (Protocol 2) [mm]."""
    aligned = procrustes_align(pred_mm, gt_mm)
    g = as_float_array(gt_mm, "gt_mm")
    return _reduce(np.linalg.norm(aligned - g, axis=-1).mean(-1), reduction)


@dataclass(frozen=True)
class RootErrors:
    """Mean root position error (MRPE, Eq. 10) and its per-axis parts [mm].

    Attributes:
        mrpe: mean Euclidean root error.
        x, y, z: mean absolute error along each camera axis.
        count: number of poses.
    """

    mrpe: float
    x: float
    y: float
    z: float
    count: int


def mrpe(pred_root_mm: Any, gt_root_mm: Any) -> RootErrors:
    """Mean root position error of ``(..., 3)`` camera-frame roots [mm], with X/Y/Z parts."""
    p = check_points(pred_root_mm, "pred_root_mm", dim=3, min_ndim=1)
    g = check_points(gt_root_mm, "gt_root_mm", dim=3, min_ndim=1)
    check_same_shape(p, g, "pred_root_mm", "gt_root_mm")
    diff = (p - g).reshape(-1, 3)
    axes = np.abs(diff).mean(0)
    return RootErrors(
        mrpe=float(np.linalg.norm(diff, axis=-1).mean()),
        x=float(axes[0]),
        y=float(axes[1]),
        z=float(axes[2]),
        count=diff.shape[0],
    )


def pck3d(
    pred_mm: Any,
    gt_mm: Any,
    *,
    threshold_mm: float = PCK_THRESHOLD_MM,
    skeleton: Skeleton = H36M17,
    reduction: Reduction = "mean",
) -> Any:
    """3DPCK [%]: share of joints within ``threshold_mm`` after root alignment."""
    err = joint_errors(pred_mm, gt_mm, align_root=True, skeleton=skeleton)
    return _reduce(100.0 * (err <= threshold_mm).mean(-1), reduction)


def auc(
    pred_mm: Any,
    gt_mm: Any,
    *,
    thresholds_mm: Any = AUC_THRESHOLDS_MM,
    skeleton: Skeleton = H36M17,
    reduction: Reduction = "mean",
) -> Any:
    """Area under the 3DPCK curve [%], the mean PCK over thresholds 0, 5, ..., 150 mm."""
    err = joint_errors(pred_mm, gt_mm, align_root=True, skeleton=skeleton)  # (..., J)
    t = np.asarray(thresholds_mm, dtype=np.float64)
    pck = (err[..., None] <= t).mean(-2)  # (..., T)
    return _reduce(100.0 * pck.mean(-1), reduction)
