"""Horizontal flip about the principal point, with the left/right joint swap.

Mirroring the image about the vertical line ``x = c_x`` is the same as mirroring the camera
frame about its y-z plane (``X -> -X``): a mirrored person's left side becomes their right,
so joints swap with their partners. Both flips are involutions and commute with projection.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points
from abspose.skeletons import H36M17, Skeleton

__all__ = ["flip_joints_cam", "flip_keypoints_px"]


def flip_keypoints_px(
    keypoints_px: Any, principal_x_px: Any, skeleton: Skeleton = H36M17
) -> NDArray[np.float64]:
    """Mirror ``(..., J, 2)`` keypoints about ``x = c_x`` and swap left/right joints.

    Args:
        keypoints_px: ``(..., J, 2)`` pixel keypoints in ``skeleton``'s order.
        principal_x_px: scalar or ``(...)`` principal point x [px].
        skeleton: the layout (its ``l_``/``r_`` pairs are swapped).
    """
    p = check_points(keypoints_px, "keypoints_px", dim=2, joints=skeleton.num_joints)
    cx = np.asarray(principal_x_px, dtype=np.float64)[..., None]
    flipped = p[..., skeleton.flip_permutation, :].copy()
    flipped[..., 0] = 2.0 * cx - flipped[..., 0]
    return flipped


def flip_joints_cam(joints_cam_mm: Any, skeleton: Skeleton = H36M17) -> NDArray[np.float64]:
    """Mirror ``(..., J, 3)`` camera-frame joints about the y-z plane and swap left/right."""
    P = check_points(joints_cam_mm, "joints_cam_mm", dim=3, joints=skeleton.num_joints)
    flipped = P[..., skeleton.flip_permutation, :].copy()
    flipped[..., 0] = -flipped[..., 0]
    return flipped
