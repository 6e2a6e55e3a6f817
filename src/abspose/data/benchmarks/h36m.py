"""Human3.6M in VideoPose3D's preprocessed form, with the four cameras' published calibration.

Files (researchers bring their own; Human3.6M's licence forbids redistribution):

- ``data_3d_h36m.npz``: ``positions_3d`` = {subject: {action: (T, 32, 3) world metres}};
- ``data_2d_h36m_gt.npz`` or ``data_2d_h36m_<detector>.npz`` (optional): ``positions_2d`` =
  {subject: {action: [4 cameras x (T, 17, 2) px]}}, plus ``metadata``.

Both store Python dictionaries, so numpy pickles them: they are read only with
``trust_pickle=True`` (see :mod:`abspose.data.benchmarks._pickle`). The 17 joints kept of the 32 are
VideoPose3D's, already in abspose's H36M-17 order. The cameras' intrinsics and extrinsics are
data in the package (``assets/h36m_cameras.json``, with its source); world to camera is
``X_cam = R(q)ᵀ (X_world - t)``. Without a 2D file the keypoints are the ground truth
projected by the pinhole model (no lens distortion).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from abspose.data.benchmarks._pickle import load_npz_with_objects
from abspose.data.frames import CameraFrames, concat_frames, labels
from abspose.errors import DataError
from abspose.geometry.camera import Intrinsics, project

__all__ = ["H36M_CAMERA_IDS", "H36M_KEEP_32", "h36m_cameras", "read_videopose3d", "world_to_camera"]

H36M_CAMERA_IDS = ("54138969", "55011271", "58860488", "60457274")
#: Indices of the 17 joints abspose uses among Human3.6M's 32 (VideoPose3D's selection).
H36M_KEEP_32 = (0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27)


@cache
def h36m_cameras() -> dict[str, Any]:
    """The published calibration: ``{"intrinsics": [4 cameras], "extrinsics": {subject: [4]}}``."""
    text = resources.files("abspose").joinpath("assets/h36m_cameras.json").read_text()
    return dict(json.loads(text))


def world_to_camera(joints_world_mm: Any, subject: str, camera: int) -> NDArray[np.float64]:
    """``(..., 3)`` world points [mm] in camera ``camera`` (0-3) of ``subject``'s session [mm]."""
    extrinsics = h36m_cameras()["extrinsics"]
    if subject not in extrinsics:
        raise DataError(
            f"no Human3.6M calibration for subject {subject!r}; expected one of {sorted(extrinsics)}"
        )
    cam = extrinsics[subject][camera]
    w, x, y, z = cam["orientation"]
    rot = Rotation.from_quat([x, y, z, w]).as_matrix()  # camera axes -> world
    result: NDArray[np.float64] = (
        np.asarray(joints_world_mm, dtype=np.float64) - cam["translation"]
    ) @ rot  # Rᵀ (X - t), row vectors
    return result


def read_videopose3d(
    path_3d: str | Path,
    path_2d: str | Path | None = None,
    *,
    trust_pickle: bool = False,
    subjects: tuple[str, ...] | None = None,
) -> CameraFrames:
    """Every (subject, action, camera) of VideoPose3D's files as :class:`CameraFrames`.

    Args:
        path_3d: ``data_3d_h36m.npz``.
        path_2d: optional ``data_2d_h36m_<detector>.npz``; its keypoints become the 2D input
            (trimmed to the 3D length, as VideoPose3D does). Default: projected ground truth.
        trust_pickle: the files hold pickled dictionaries; required to read them.
        subjects: only these subjects (default all).
    """
    positions = load_npz_with_objects(path_3d, ("positions_3d",), trust_pickle=trust_pickle)["positions_3d"]
    detected = None
    if path_2d is not None:
        detected = load_npz_with_objects(path_2d, ("positions_2d",), trust_pickle=trust_pickle)[
            "positions_2d"
        ]
    if not isinstance(positions, dict):
        raise DataError(f"{path_3d}: expected positions_3d to be {{subject: {{action: array}}}}")
    intrinsics = h36m_cameras()["intrinsics"]
    parts = []
    for subject in sorted(positions):
        if subjects is not None and subject not in subjects:
            continue
        for action in sorted(positions[subject]):
            world = np.asarray(positions[subject][action], dtype=np.float64)
            if world.ndim != 3 or world.shape[1:] not in ((32, 3), (17, 3)):
                raise DataError(
                    f"{path_3d}: {subject}/{action}: expected (T, 32, 3) metres, got {world.shape}"
                )
            world_mm = 1000.0 * (world[:, list(H36M_KEEP_32)] if world.shape[1] == 32 else world)
            for index, intr in enumerate(intrinsics):
                joints = world_to_camera(world_mm, subject, index)
                fx, fy = intr["focal_length"]
                c = np.asarray(intr["center"], dtype=np.float64)
                if detected is not None:
                    keypoints = _detected(detected, subject, action, index, len(joints), path_2d)
                else:
                    camera = Intrinsics(fx, fy, c[0], c[1], intr["res_w"], intr["res_h"])
                    keypoints = project(joints, camera)
                n = len(joints)
                parts.append(
                    CameraFrames(
                        joints_cam_mm=joints,
                        keypoints_px=keypoints,
                        focal_px=np.full(n, (fx + fy) / 2),
                        principal_px=np.tile(c, (n, 1)),
                        image_size_px=np.tile(np.array([intr["res_w"], intr["res_h"]]), (n, 1)),
                        subject=labels(subject, n),
                        action=labels(action, n),
                        camera=labels(intr["id"], n),
                        group=labels(action.split(" ")[0], n),
                        frame=np.arange(n),
                        name="h36m",
                    )
                )
    return concat_frames(parts, name=f"h36m ({Path(path_3d).name})")


def _detected(
    data: Any, subject: str, action: str, camera: int, length: int, path: Any
) -> NDArray[np.float64]:
    try:
        kp = np.asarray(data[subject][action][camera], dtype=np.float64)[..., :2]
    except (KeyError, IndexError, TypeError) as exc:
        raise DataError(f"{path}: no 2D keypoints for {subject}/{action}, camera {camera}") from exc
    if kp.shape[1:] != (17, 2) or len(kp) < length:
        raise DataError(
            f"{path}: {subject}/{action} camera {camera}: expected at least {length} frames of "
            f"(17, 2), got {kp.shape}"
        )
    return kp[:length]
