"""Virtual cameras: turn world poses into (2D pixels, 3D camera mm, intrinsics) samples.

For each pose a camera is drawn from :class:`VirtualCameraConfig` (ranges from
``../shared/data/README.md``): an image size, a focal length, a principal point near the
centre, a camera-to-root distance, a camera height above the floor, an azimuth all round the
person, and the image position where the root should appear (so people are not always
centred). The camera has no roll; its yaw and pitch are solved so that the root projects
exactly at the drawn position. Draws whose pitch falls outside the range, or that put a
joint outside the image or behind the camera, are drawn again.

World frame: y up, right-handed (the BVH worlds). Camera frame: x right, y down, z forward.
The world-to-camera map is a rotation (det +1) with rows (right, down, forward), never a
mirror: a person facing the camera has their left hand on the image's right half.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points
from abspose.data.frames import CameraFrames
from abspose.errors import AbsPoseError, DataError
from abspose.skeletons import H36M17

__all__ = ["VirtualCameraConfig", "look_at_rotation", "sample_cameras", "sample_scene"]


@dataclass(frozen=True)
class VirtualCameraConfig:
    """Ranges of the virtual cameras. Lengths in mm, angles in degrees, sizes in px.

    Attributes:
        focal_px: uniform range of the focal length (square pixels).
        image_sizes: (width, height) choices, drawn uniformly; portrait included.
        principal_std: std of the principal point's offset from the image centre, as a
            fraction of the image size.
        distance_mm: uniform range of the camera-to-root distance.
        camera_height_mm: uniform range of the camera height above the floor.
        pitch_deg: accepted camera pitch (positive = looking down).
        root_region: the root's image position is uniform in this fraction of each side.
        max_tries: redraws per sample before giving up.
    """

    focal_px: tuple[float, float] = (500.0, 2500.0)
    image_sizes: tuple[tuple[int, int], ...] = field(
        default=((640, 480), (1024, 768), (1280, 720), (1920, 1080), (1080, 1920), (720, 1280))
    )
    principal_std: float = 0.01
    distance_mm: tuple[float, float] = (2000.0, 10000.0)
    camera_height_mm: tuple[float, float] = (500.0, 2500.0)
    pitch_deg: tuple[float, float] = (-30.0, 30.0)
    root_region: tuple[float, float] = (0.15, 0.85)
    max_tries: int = 200

    def __post_init__(self) -> None:
        for name in ("focal_px", "distance_mm", "camera_height_mm", "pitch_deg", "root_region"):
            lo, hi = getattr(self, name)
            if not lo <= hi:
                raise AbsPoseError(f"VirtualCameraConfig.{name}: expected low <= high, got {(lo, hi)}")
        if self.focal_px[0] <= 0 or self.distance_mm[0] <= 0:
            raise AbsPoseError("VirtualCameraConfig: focal lengths and distances must be > 0")
        if not self.image_sizes:
            raise AbsPoseError("VirtualCameraConfig.image_sizes: expected at least one size")


def look_at_rotation(heading_rad: Any, pitch_rad: Any) -> NDArray[np.float64]:
    """``(..., 3, 3)`` world-to-camera rotation of a roll-free camera.

    The camera looks along world heading ``(sin ψ, 0, cos ψ)`` tilted down by the pitch
    (y up world). Rows: right, down, forward.
    """
    psi = np.asarray(heading_rad, dtype=np.float64)
    theta = np.asarray(pitch_rad, dtype=np.float64)
    cp, sp, ct, st = np.cos(psi), np.sin(psi), np.cos(theta), np.sin(theta)
    zero = np.zeros_like(cp * ct)
    forward = np.stack([ct * sp, -st + zero, ct * cp], -1)
    right = np.stack([-cp + zero, zero, sp + zero], -1)
    down = np.cross(forward, right)
    return np.stack([right, down, forward], axis=-2)


def _solve_heading_pitch(
    ray_cam: NDArray[np.float64], target_world: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Heading and pitch that send camera ray ``(a, b, 1)`` along ``target_world``.

    Returns heading ψ, pitch θ [rad] and a mask of solvable rows.
    """
    a, b = ray_cam[:, 0], ray_cam[:, 1]
    n = np.sqrt(1.0 + a**2 + b**2)
    s = -target_world[:, 1] / np.linalg.norm(target_world, axis=-1)  # downward share
    arg = s * n / np.sqrt(1.0 + b**2)
    ok = np.abs(arg) <= 1.0
    theta = np.arcsin(np.clip(arg, -1.0, 1.0)) - np.arctan(b)
    heading_target = np.arctan2(target_world[:, 0], target_world[:, 2])
    psi = heading_target + np.arctan2(a, np.cos(theta) - b * np.sin(theta))
    return psi, theta, ok


def sample_cameras(
    joints_world_mm: Any,
    floor_y_mm: Any,
    rng: np.random.Generator,
    config: VirtualCameraConfig = VirtualCameraConfig(),
) -> CameraFrames:
    """Draw one virtual camera per pose and project the pose.

    Args:
        joints_world_mm: ``(N, 17, 3)`` poses in the y-up world [mm].
        floor_y_mm: ``(N,)`` or scalar floor height [mm].
        rng: the random generator (same seed, same inputs: same samples).
        config: camera ranges.

    Raises:
        DataError: a pose found no valid camera in ``config.max_tries`` draws.
    """
    P = check_points(joints_world_mm, "joints_world_mm", dim=3, joints=H36M17.num_joints, min_ndim=3)
    n = P.shape[0]
    floor = np.broadcast_to(np.asarray(floor_y_mm, dtype=np.float64), (n,))
    root = P[:, H36M17.root_index]
    sizes_table = np.asarray(config.image_sizes, dtype=np.int64)

    out_kp = np.empty((n, H36M17.num_joints, 2))
    out_cam = np.empty((n, H36M17.num_joints, 3))
    out_f = np.empty(n)
    out_c = np.empty((n, 2))
    out_size = np.empty((n, 2), dtype=np.int64)
    out_R = np.empty((n, 3, 3))
    out_C = np.empty((n, 3))
    pending = np.arange(n)
    pitch_lo, pitch_hi = np.radians(config.pitch_deg)
    for _ in range(config.max_tries):
        if pending.size == 0:
            break
        m = pending.size
        size = sizes_table[rng.integers(len(sizes_table), size=m)].astype(np.float64)  # (m, 2)
        f = rng.uniform(*config.focal_px, size=m)
        c = size / 2.0 + rng.normal(0.0, config.principal_std, size=(m, 2)) * size
        dist = rng.uniform(*config.distance_mm, size=m)
        height = rng.uniform(*config.camera_height_mm, size=m)
        azimuth = rng.uniform(0.0, 2.0 * np.pi, size=m)
        root_px = rng.uniform(*config.root_region, size=(m, 2)) * size

        r = root[pending]
        dy = floor[pending] + height - r[:, 1]
        ok = np.abs(dy) < dist
        dh = np.sqrt(np.clip(dist**2 - dy**2, 0.0, None))
        C = r + np.stack([dh * np.sin(azimuth), dy, dh * np.cos(azimuth)], -1)
        ray = np.concatenate([(root_px - c) / f[:, None], np.ones((m, 1))], -1)  # (m, 3)
        psi, theta, solvable = _solve_heading_pitch(ray, r - C)
        ok &= solvable & (theta >= pitch_lo) & (theta <= pitch_hi)
        R = look_at_rotation(psi, theta)  # (m, 3, 3)
        cam = np.einsum("mij,mkj->mki", R, P[pending] - C[:, None, :])  # (m, 17, 3)
        z = cam[..., 2]
        ok &= (z > 100.0).all(-1)
        kp = f[:, None, None] * cam[..., :2] / np.where(z > 100.0, z, 1.0)[..., None] + c[:, None, :]
        inside = (kp >= 0.0).all(-1) & (kp[..., 0] <= size[:, None, 0]) & (kp[..., 1] <= size[:, None, 1])
        ok &= inside.all(-1)

        done = pending[ok]
        out_kp[done], out_cam[done], out_f[done], out_c[done] = kp[ok], cam[ok], f[ok], c[ok]
        out_size[done], out_R[done], out_C[done] = size[ok].astype(np.int64), R[ok], C[ok]
        pending = pending[~ok]
    if pending.size:
        raise DataError(
            f"{pending.size} poses found no virtual camera in {config.max_tries} draws "
            f"(first: index {pending[0]}); widen VirtualCameraConfig ranges"
        )
    return CameraFrames(
        joints_cam_mm=out_cam,
        keypoints_px=out_kp,
        focal_px=out_f,
        principal_px=out_c,
        image_size_px=out_size,
        rot_world_to_cam=out_R,
        cam_center_world_mm=out_C,
    )


def sample_scene(
    joints_world_mm: Any,
    floor_y_mm: Any,
    rng: np.random.Generator,
    *,
    camera_height_mm: float,
    pitch_deg: float,
    config: VirtualCameraConfig = VirtualCameraConfig(),
) -> CameraFrames:
    """K people on one floor, seen by **one** camera at a known height and pitch (no roll).

    Each pose is stood on the floor (its own floor height subtracted), turned to a random
    heading and placed at a random spot in view: ground distance in ``config.distance_mm``,
    root inside ``config.root_region`` of the image. The image size and focal length are drawn
    once from ``config``, the principal point is the image centre.

    Args:
        joints_world_mm: ``(K, 17, 3)`` poses in the y-up world [mm].
        floor_y_mm: ``(K,)`` or scalar floor height of each pose [mm].
        rng: the random generator.
        camera_height_mm: the camera centre's height above the floor [mm].
        pitch_deg: the optical axis's angle below the horizon [deg].

    Raises:
        DataError: a person found no spot in view in ``config.max_tries`` draws.
    """
    P = check_points(joints_world_mm, "joints_world_mm", dim=3, joints=H36M17.num_joints, min_ndim=3)
    k = P.shape[0]
    floor = np.broadcast_to(np.asarray(floor_y_mm, dtype=np.float64), (k,))
    size = np.asarray(config.image_sizes[rng.integers(len(config.image_sizes))], dtype=np.float64)
    f = float(rng.uniform(*config.focal_px))
    c = size / 2.0
    R = look_at_rotation(0.0, np.radians(pitch_deg))
    C = np.array([0.0, camera_height_mm, 0.0])
    root = H36M17.root_index
    local = P - np.stack([P[:, root, 0], floor, P[:, root, 2]], -1)[:, None, :]  # on y = 0, root at x = z = 0
    out_kp, out_cam = np.empty((k, H36M17.num_joints, 2)), np.empty((k, H36M17.num_joints, 3))
    lo, hi = config.root_region
    for i in range(k):
        for _ in range(config.max_tries):
            yaw = rng.uniform(0.0, 2.0 * np.pi)
            cy, sy = np.cos(yaw), np.sin(yaw)
            turned = local[i] @ np.array([[cy, 0.0, -sy], [0.0, 1.0, 0.0], [sy, 0.0, cy]])
            dist = rng.uniform(*config.distance_mm)
            u = rng.uniform(lo, hi) * size[0]  # the root's column: its azimuth
            azimuth = np.arctan((u - c[0]) / f)
            spot = np.array([dist * np.sin(azimuth), 0.0, dist * np.cos(azimuth)])
            cam = (turned + spot - C) @ R.T
            z = cam[:, 2]
            if (z <= 100.0).any():
                continue
            kp = f * cam[:, :2] / z[:, None] + c
            if (kp >= 0).all() and (kp[:, 0] <= size[0]).all() and (kp[:, 1] <= size[1]).all():
                out_kp[i], out_cam[i] = kp, cam
                break
        else:
            raise DataError(
                f"sample_scene: person {i} found no spot in view in {config.max_tries} draws "
                f"(camera {camera_height_mm:.0f} mm high, pitch {pitch_deg:g} deg); widen the distances"
            )
    return CameraFrames(
        keypoints_px=out_kp,
        joints_cam_mm=out_cam,
        focal_px=np.full(k, f),
        principal_px=np.tile(c, (k, 1)),
        image_size_px=np.tile(size.astype(np.int64), (k, 1)),
        rot_world_to_cam=np.tile(R, (k, 1, 1)),
        cam_center_world_mm=np.tile(C, (k, 1)),
    )
