"""The AbsPoseLifter input normalization and root recovery (paper Eq. 1-6).

Eq. 1  ``p' = p - c``                              principal-point shift [px]
Eq. 2  ``m = mean_i p'_i``                         location [px]
Eq. 3  ``σ = sqrt(mean_i ||p'_i - m||²)``          scale (RMS spread) [px]
Eq. 4  ``p~ = (p' - m) / σ``                       normalized pose [unitless]
Eq. 5  ``R_x = (r_x - c_x) Z~,  R_y = (r_y - c_y) Z~ fx/fy``   root X, Y [mm]
Eq. 6  ``R_z = f_x Z~``                            root depth [mm]

with ``Z~ = R_z / f_x`` the canonical root depth [mm/px]. With square pixels (fx = fy) Eq. 5
needs no focal length. These are the checked numpy forms of :mod:`abspose.geometry.equations`,
the one place the equations are written (the network, the loss and the ONNX graph run it too).

>>> import numpy as np
>>> n = normalize_keypoints(np.array([[10.0, 0.0], [-10.0, 0.0]]), (0.0, 0.0))
>>> n.location_px.tolist(), float(n.scale_px), n.keypoints_norm.tolist()
([0.0, 0.0], 10.0, [[1.0, 0.0], [-1.0, 0.0]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array, check_points, check_positive
from abspose.errors import AbsPoseError, ShapeError
from abspose.geometry import equations as eq
from abspose.geometry.camera import Intrinsics

__all__ = [
    "NormalizedPose",
    "canonical_depth",
    "normalize_keypoints",
    "pose_location",
    "pose_scale",
    "root_depth_from_canonical",
    "root_from_canonical",
    "root_xy_from_canonical",
    "shift_principal_point",
]


@dataclass(frozen=True)
class NormalizedPose:
    """Output of the normalization layer (Eq. 1-4).

    Attributes:
        keypoints_norm: ``(..., J, 2)`` normalized pose ``p~`` (zero mean, unit RMS spread).
        location_px: ``(..., 2)`` location ``m`` relative to the principal point [px].
        scale_px: ``(...)`` scale ``σ`` [px].
    """

    keypoints_norm: NDArray[np.float64]
    location_px: NDArray[np.float64]
    scale_px: NDArray[np.float64]


def shift_principal_point(keypoints_px: Any, principal_px: Any) -> NDArray[np.float64]:
    """Eq. 1: ``(..., J, 2)`` keypoints relative to the ``(..., 2)`` principal point [px]."""
    p = check_points(keypoints_px, "keypoints_px", dim=2)
    c = as_float_array(principal_px, "principal_px")
    if c.shape[-1:] != (2,) or not np.isfinite(c).all():
        raise ShapeError(f"principal_px: expected finite (..., 2) [px], got shape {c.shape}")
    return np.asarray(eq.shift_principal(p, c))


def pose_location(keypoints_px: Any) -> NDArray[np.float64]:
    """Eq. 2: ``(..., 2)`` mean of ``(..., J, 2)`` keypoints [px]."""
    return np.asarray(eq.location(check_points(keypoints_px, "keypoints_px", dim=2)))


def pose_scale(keypoints_px: Any) -> NDArray[np.float64]:
    """Eq. 3: ``(...)`` RMS distance of ``(..., J, 2)`` keypoints from their mean [px]."""
    p = check_points(keypoints_px, "keypoints_px", dim=2)
    return np.asarray(eq.scale(p, eq.location(p)))


def normalize_keypoints(keypoints_px: Any, principal_px: Any) -> NormalizedPose:
    """Eq. 1-4: normalize ``(..., J, 2)`` pixel keypoints given the ``(..., 2)`` principal point.

    Raises:
        AbsPoseError: when all joints of a pose coincide (σ = 0): no scale can be measured.
    """
    p = shift_principal_point(keypoints_px, principal_px)
    m = eq.location(p)
    s = eq.scale(p, m)
    if (s <= 1e-9 * (1.0 + np.abs(m).max(-1))).any():
        raise AbsPoseError(
            "keypoints_px: all joints of a pose lie on one point (scale σ = 0); "
            "expected a pose with spread-out joints"
        )
    return NormalizedPose(keypoints_norm=eq.normalized(p, m, s), location_px=m, scale_px=np.asarray(s))


def canonical_depth(depth_mm: Any, focal_px: Any) -> NDArray[np.float64]:
    """Canonical depth ``Z~ = Z / f`` [mm/px] from depth [mm] and focal length fx [px]."""
    z = check_positive(depth_mm, "depth_mm")
    return np.asarray(eq.canonical_depth(z, check_positive(focal_px, "focal_px")))


def root_depth_from_canonical(canonical_depth_mm_per_px: Any, focal_px: Any) -> NDArray[np.float64]:
    """Eq. 6: root depth ``Z = fx Z~`` [mm]."""
    zc = check_positive(canonical_depth_mm_per_px, "canonical_depth")
    return np.asarray(eq.root_depth(zc, check_positive(focal_px, "focal_px")))


def root_xy_from_canonical(
    root_px: Any, principal_px: Any, canonical_depth_mm_per_px: Any, aspect: float = 1.0
) -> NDArray[np.float64]:
    """Eq. 5: root X, Y [mm] from its ``(..., 2)`` pixel position and the canonical depth.

    Args:
        root_px: ``(..., 2)`` the root's image point [px].
        principal_px: ``(..., 2)`` principal point [px].
        canonical_depth_mm_per_px: ``(...)`` canonical depth ``Z / fx``.
        aspect: ``fx / fy`` (1 for square pixels, the usual case).

    Returns:
        ``(..., 2)`` root X, Y in camera coords [mm].
    """
    r = as_float_array(root_px, "root_px")
    c = as_float_array(principal_px, "principal_px")
    if r.shape[-1:] != (2,) or c.shape[-1:] != (2,):
        raise ShapeError(f"root_px, principal_px: expected (..., 2), got {r.shape} and {c.shape}")
    zc = check_positive(canonical_depth_mm_per_px, "canonical_depth")
    return np.asarray(eq.root_xy(r, c, zc, aspect))


def root_from_canonical(
    root_px: Any, canonical_depth_mm_per_px: Any, intrinsics: Intrinsics
) -> NDArray[np.float64]:
    """Eq. 5-6: the root's ``(..., 3)`` camera coords [mm] from its pixel and canonical depth."""
    xy = root_xy_from_canonical(
        root_px,
        intrinsics.principal_px,
        canonical_depth_mm_per_px,
        aspect=intrinsics.fx / intrinsics.fy,
    )
    z = root_depth_from_canonical(canonical_depth_mm_per_px, intrinsics.fx)
    if z.shape != xy.shape[:-1]:
        raise AbsPoseError(f"canonical_depth: expected shape {xy.shape[:-1]}, got {z.shape}")
    return np.concatenate([xy, z[..., None]], axis=-1)
