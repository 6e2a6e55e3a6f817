"""Pinhole camera intrinsics, projection and back-projection.

Camera frame, stated once for all of abspose: x right, y down, z forward (away from the
camera), millimetres. Image frame: pixels, origin at the top-left pixel's corner, x right,
y down. No lens distortion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array, check_points
from abspose.errors import AbsPoseError, ShapeError

__all__ = ["Intrinsics", "PinholeCameras", "backproject", "project"]


@dataclass(frozen=True)
class Intrinsics:
    """Pinhole intrinsics of one camera.

    Attributes:
        fx, fy: focal lengths [px], > 0.
        cx, cy: principal point [px].
        width, height: image size [px], or None when unknown.
    """

    fx: float
    fy: float
    cx: float
    cy: float
    width: int | None = None
    height: int | None = None

    def __post_init__(self) -> None:
        for name in ("fx", "fy"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise AbsPoseError(f"Intrinsics.{name}: expected a finite focal length > 0 px, got {v}")
        for name in ("cx", "cy"):
            if not math.isfinite(getattr(self, name)):
                raise AbsPoseError(
                    f"Intrinsics.{name}: expected a finite principal point, got {getattr(self, name)}"
                )
        for name in ("width", "height"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, int | np.integer) and v > 0):
                raise AbsPoseError(f"Intrinsics.{name}: expected a positive integer image size, got {v!r}")

    @classmethod
    def from_focal(
        cls,
        focal_px: float,
        width: int,
        height: int,
        principal_px: tuple[float, float] | None = None,
    ) -> Intrinsics:
        """Square pixels with focal ``focal_px``; principal point at the image centre by default."""
        cx, cy = principal_px if principal_px is not None else (width / 2.0, height / 2.0)
        return cls(float(focal_px), float(focal_px), float(cx), float(cy), int(width), int(height))

    @classmethod
    def from_fov(cls, fov_deg: float, width: int, height: int) -> Intrinsics:
        """Square pixels from the horizontal field of view in degrees (0 < fov < 180)."""
        if not 0 < fov_deg < 180:
            raise AbsPoseError(
                f"fov_deg: expected a horizontal field of view in (0, 180) degrees, got {fov_deg}"
            )
        focal = (width / 2.0) / math.tan(math.radians(fov_deg) / 2.0)
        return cls.from_focal(focal, width, height)

    @classmethod
    def from_matrix(cls, K: Any, width: int | None = None, height: int | None = None) -> Intrinsics:
        """From a 3x3 calibration matrix ``[[fx, s, cx], [0, fy, cy], [0, 0, 1]]`` (skew must be 0)."""
        K = as_float_array(K, "K")
        if K.shape != (3, 3):
            raise ShapeError(f"K: expected a 3x3 matrix, got shape {K.shape}")
        if abs(K[0, 1]) > 1e-9 or abs(K[1, 0]) > 1e-9 or not np.allclose(K[2], (0, 0, 1)):
            raise AbsPoseError(f"K: expected [[fx, 0, cx], [0, fy, cy], [0, 0, 1]], got {K.tolist()}")
        return cls(float(K[0, 0]), float(K[1, 1]), float(K[0, 2]), float(K[1, 2]), width, height)

    @property
    def matrix(self) -> NDArray[np.float64]:
        """The 3x3 calibration matrix K."""
        return np.array([[self.fx, 0.0, self.cx], [0.0, self.fy, self.cy], [0.0, 0.0, 1.0]])

    @property
    def principal_px(self) -> NDArray[np.float64]:
        """(2,) principal point [px]."""
        return np.array([self.cx, self.cy])

    @property
    def focal_px(self) -> NDArray[np.float64]:
        """(2,) focal lengths (fx, fy) [px]."""
        return np.array([self.fx, self.fy])

    def scaled(self, factor: float) -> Intrinsics:
        """Intrinsics of the same camera with the image resized by ``factor``."""
        if not factor > 0:
            raise AbsPoseError(f"factor: expected > 0, got {factor}")
        size = {}
        if self.width is not None and self.height is not None:
            size = {"width": round(self.width * factor), "height": round(self.height * factor)}
        return replace(
            self,
            fx=self.fx * factor,
            fy=self.fy * factor,
            cx=self.cx * factor,
            cy=self.cy * factor,
            **size,
        )


def project(points_cam_mm: Any, intrinsics: Intrinsics) -> NDArray[np.float64]:
    """Project camera-frame points to pixels.

    Args:
        points_cam_mm: ``(..., 3)`` camera coords [mm], z > 0.
        intrinsics: the camera.

    Returns:
        ``(..., 2)`` pixel coordinates.
    """
    P = check_points(points_cam_mm, "points_cam_mm", dim=3, min_ndim=1)
    z = P[..., 2]
    if (z <= 0).any():
        raise AbsPoseError(
            f"points_cam_mm: expected all points in front of the camera (z > 0), got min z = {z.min():.3g} mm"
        )
    u = intrinsics.fx * P[..., 0] / z + intrinsics.cx
    v = intrinsics.fy * P[..., 1] / z + intrinsics.cy
    return np.stack([u, v], axis=-1)


def backproject(points_px: Any, depth_mm: Any, intrinsics: Intrinsics) -> NDArray[np.float64]:
    """Back-project pixels at given depths to camera-frame points.

    Args:
        points_px: ``(..., 2)`` pixel coordinates.
        depth_mm: ``(...)`` depth z [mm] per point (broadcastable), > 0.
        intrinsics: the camera.

    Returns:
        ``(..., 3)`` camera coords [mm].
    """
    p = check_points(points_px, "points_px", dim=2, min_ndim=1)
    z = as_float_array(depth_mm, "depth_mm")
    if not np.isfinite(z).all() or (z <= 0).any():
        raise AbsPoseError("depth_mm: expected finite depths > 0 mm")
    z = np.broadcast_to(z, p.shape[:-1])
    x = (p[..., 0] - intrinsics.cx) / intrinsics.fx * z
    y = (p[..., 1] - intrinsics.cy) / intrinsics.fy * z
    return np.stack([x, y, z], axis=-1)


@dataclass(frozen=True)
class PinholeCameras:
    """N pinhole cameras in batch form (one per pose), in the spirit of kornia's
    ``PinholeCamera``: the parameters are arrays, and every method returns new arrays or a new
    object.

    A camera with ``fy != fx`` sees, once the image's y axis is scaled by ``fx / fy`` about
    ``cy`` (:meth:`square_pixels`), exactly what a square-pixel camera of focal length ``fx``
    sees: the lifter, trained on square pixels, is given that image, and its camera-frame output
    needs no correction.

    Attributes:
        focal_px: ``(N, 2)`` focal lengths ``(fx, fy)`` [px], > 0.
        principal_px: ``(N, 2)`` principal points ``(cx, cy)`` [px].
    """

    focal_px: NDArray[np.float64]
    principal_px: NDArray[np.float64]

    def __post_init__(self) -> None:
        f = np.asarray(self.focal_px, dtype=np.float64)
        c = np.asarray(self.principal_px, dtype=np.float64)
        if f.ndim != 2 or f.shape[1] != 2 or c.shape != f.shape:
            raise ShapeError(
                f"PinholeCameras: expected (N, 2) focal lengths and (N, 2) principal points, got "
                f"{f.shape} and {c.shape}"
            )
        if not (np.isfinite(f).all() and (f > 0).all() and np.isfinite(c).all()):
            raise AbsPoseError(
                "PinholeCameras: expected finite focal lengths > 0 px and finite principal points"
            )
        object.__setattr__(self, "focal_px", f)
        object.__setattr__(self, "principal_px", c)

    @classmethod
    def create(cls, focal_px: Any, principal_px: Any, n: int | None = None) -> PinholeCameras:
        """From a scalar, ``(N,)`` (square pixels) or ``(N, 2)`` focal length and a ``(2,)`` or
        ``(N, 2)`` principal point, broadcast to ``n`` cameras (default: what the arrays hold)."""
        f = as_float_array(focal_px, "focal_px")
        c = as_float_array(principal_px, "principal_px")
        f2 = f[..., None].repeat(2, -1) if f.ndim <= 1 else f
        size = n if n is not None else max(len(f2) if f2.ndim == 2 else 1, len(c) if c.ndim == 2 else 1)
        try:
            return cls(np.broadcast_to(f2, (size, 2)).copy(), np.broadcast_to(c, (size, 2)).copy())
        except ValueError:
            raise ShapeError(
                f"focal_px, principal_px: expected a scalar, (N,) or (N, 2) focal and a (2,) or (N, 2) "
                f"principal point for {size} cameras, got {f.shape} and {c.shape}"
            ) from None

    @classmethod
    def from_intrinsics(cls, intrinsics: Intrinsics, n: int) -> PinholeCameras:
        """``n`` copies of one camera."""
        return cls(np.tile(intrinsics.focal_px, (n, 1)), np.tile(intrinsics.principal_px, (n, 1)))

    def __len__(self) -> int:
        return len(self.focal_px)

    @property
    def fx(self) -> NDArray[np.float64]:
        """``(N,)`` [px]."""
        return self.focal_px[:, 0]

    @property
    def fy(self) -> NDArray[np.float64]:
        """``(N,)`` [px]."""
        return self.focal_px[:, 1]

    @property
    def aspect(self) -> NDArray[np.float64]:
        """``(N,)`` ``fx / fy`` (1 for square pixels)."""
        return self.fx / self.fy

    def select(self, index: Any) -> PinholeCameras:
        """The cameras at ``index`` (an integer array, a boolean mask or a slice)."""
        return PinholeCameras(self.focal_px[index], self.principal_px[index])

    def square_pixels(self, keypoints_px: Any) -> NDArray[np.float64]:
        """``(N, J, 2)`` keypoints as a square-pixel camera of focal ``fx`` sees them: y scaled
        by ``fx / fy`` about ``cy`` (x unchanged; the identity when ``fx == fy``)."""
        kp = np.array(keypoints_px, dtype=np.float64, copy=True)
        if kp.ndim != 3 or kp.shape[0] != len(self) or kp.shape[2] != 2:
            raise ShapeError(
                f"keypoints_px: expected ({len(self)}, J, 2) for {len(self)} cameras, got {kp.shape}"
            )
        cy = self.principal_px[:, 1, None]
        kp[..., 1] = cy + (kp[..., 1] - cy) * self.aspect[:, None]
        return kp

    def project(self, points_cam_mm: Any) -> NDArray[np.float64]:
        """``(N, ..., 3)`` camera-frame points [mm], z > 0, to ``(N, ..., 2)`` pixels."""
        P = check_points(points_cam_mm, "points_cam_mm", dim=3, min_ndim=2)
        if P.shape[0] != len(self):
            raise ShapeError(f"points_cam_mm: expected {len(self)} rows (one per camera), got {P.shape[0]}")
        if (P[..., 2] <= 0).any():
            raise AbsPoseError("points_cam_mm: expected all points in front of the camera (z > 0)")
        extra = (slice(None),) + (None,) * (P.ndim - 2)
        f, c = self.focal_px[extra], self.principal_px[extra]
        result: NDArray[np.float64] = P[..., :2] / P[..., 2:] * f + c
        return result
