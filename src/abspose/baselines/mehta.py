"""Closed-form root position from 2D keypoints and a root-relative 3D pose (Mehta et al.).

The paper's Table 3 baseline (VNect, Mehta et al. 2017): find the translation ``T`` that
places the root-relative pose ``P~`` so that it projects onto the 2D keypoints, by linear
least squares, then take X, Y by back-projecting the root's 2D point at the found depth.

Two models:

* ``"perspective"``: the linearized pinhole constraints
  ``(P~_x + T_x) - x'_i (P~_z + T_z) = 0`` and likewise for y, with ``x'_i = (u_i - c_x)/f_x``.
  Exact for perfect inputs.
* ``"weak"``: weak perspective, ``Z = f sqrt(Σ||P~_xy - mean||² / Σ||p - mean||²)``: every joint
  assumed at the root's depth; biased for near people.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points
from abspose.errors import AbsPoseError, ShapeError
from abspose.geometry.camera import Intrinsics, backproject
from abspose.skeletons import H36M17, Skeleton

__all__ = ["mehta_root"]


def mehta_root(
    keypoints_px: Any,
    joints_rel_mm: Any,
    intrinsics: Intrinsics,
    *,
    model: Literal["perspective", "weak"] = "perspective",
    skeleton: Skeleton = H36M17,
    invalid: Literal["raise", "nan"] = "raise",
) -> NDArray[np.float64]:
    """Root position in the camera frame from 2D keypoints and a root-relative pose.

    Args:
        keypoints_px: ``(..., J, 2)`` pixel keypoints.
        joints_rel_mm: ``(..., J, 3)`` root-relative pose in camera axes [mm].
        intrinsics: the camera.
        model: ``"perspective"`` (linear least squares, exact on perfect data) or ``"weak"``.
        skeleton: the layout, for the root joint.
        invalid: what a pose whose least-squares depth comes out <= 0 (2D and 3D disagree)
            gets: an error, or a NaN root (for scoring a whole benchmark).

    Returns:
        ``(..., 3)`` root camera coords [mm].
    """
    p = check_points(keypoints_px, "keypoints_px", dim=2, joints=skeleton.num_joints)
    P = check_points(joints_rel_mm, "joints_rel_mm", dim=3, joints=skeleton.num_joints)
    if p.shape[:-1] != P.shape[:-1]:
        raise ShapeError(
            f"keypoints_px and joints_rel_mm: expected matching (..., J), got {p.shape}, {P.shape}"
        )
    r = skeleton.root_index
    if model == "perspective":
        depth = _depth_perspective(p, P, intrinsics)
    elif model == "weak":
        depth = _depth_weak(p, P, intrinsics)
    else:
        raise AbsPoseError(f"model: expected 'perspective' or 'weak', got {model!r}")
    bad = ~(depth > 0)
    if bad.any() and invalid != "nan":
        raise AbsPoseError(
            f"mehta_root: the least-squares root depth came out <= 0 for {int(bad.sum())} poses; the 2D "
            "and 3D poses disagree (invalid='nan' marks them instead)"
        )
    root = backproject(p[..., r, :], np.where(bad, 1.0, depth), intrinsics)
    return np.where(bad[..., None], np.nan, root)


def _depth_perspective(p: NDArray[np.float64], P: NDArray[np.float64], K: Intrinsics) -> NDArray[np.float64]:
    """Root depth [mm] from the linearized pinhole constraints, solved per pose."""
    x = (p[..., 0] - K.cx) / K.fx  # (..., J) normalized image coords
    y = (p[..., 1] - K.cy) / K.fy
    ones, zeros = np.ones_like(x), np.zeros_like(x)
    # Unknown T = (Tx, Ty, Tz): rows  [1, 0, -x] T = x Pz - Px  and  [0, 1, -y] T = y Pz - Py.
    A = np.concatenate(
        [np.stack([ones, zeros, -x], -1), np.stack([zeros, ones, -y], -1)], axis=-2
    )  # (..., 2J, 3)
    b = np.concatenate([x * P[..., 2] - P[..., 0], y * P[..., 2] - P[..., 1]], axis=-1)  # (..., 2J)
    AtA = np.swapaxes(A, -1, -2) @ A  # (..., 3, 3)
    Atb = (np.swapaxes(A, -1, -2) @ b[..., None])[..., 0]  # (..., 3)
    T = np.linalg.solve(AtA, Atb[..., None])[..., 0]
    return T[..., 2]


def _depth_weak(p: NDArray[np.float64], P: NDArray[np.float64], K: Intrinsics) -> NDArray[np.float64]:
    """Root depth [mm] under weak perspective: ratio of 3D to 2D spreads."""
    f = np.sqrt(K.fx * K.fy)
    p0 = p - p.mean(-2, keepdims=True)
    P0 = P[..., :2] - P[..., :2].mean(-2, keepdims=True)
    return np.asarray(f * np.sqrt((P0**2).sum((-1, -2)) / (p0**2).sum((-1, -2))))
