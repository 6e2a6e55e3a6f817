"""Reading 2D keypoint files and writing lifted results.

Inputs (by content and extension):

* abspose JSON: ``{"layout": "coco17", "keypoints": [[[x, y], ...], ...],
  "confidences": [[c, ...], ...], "focal_px": 1500, "principal_px": [cx, cy],
  "image_size": [w, h]}``; everything but ``keypoints`` optional. One pose may be given
  without the outer list.
* COCO keypoint results: a list of ``{"keypoints": [x1, y1, v1, ...]}`` (17 x 3 numbers).
* OpenPose JSON: ``{"people": [{"pose_keypoints_2d": [x1, y1, c1, ...]}]}`` (BODY_25).
* ``.npy``: ``(N, J, 2)`` or ``(N, J, 3)`` (third column: confidence); ``.npz`` with a
  ``keypoints`` array and optionally ``confidences``.

Outputs: ``.json`` (one record per person) or ``.csv`` (one row per person and joint),
written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._files import write_text_atomic
from abspose.errors import DataError

__all__ = ["KeypointFile", "read_keypoints", "write_result"]


@dataclass(frozen=True)
class KeypointFile:
    """What a keypoint file gave.

    Attributes:
        keypoints_px: ``(N, J, 2)``. confidences: ``(N, J)`` or None. layout: its name, if the
        file says or its format implies it. focal_px, principal_px, image_size: if given.
    """

    keypoints_px: NDArray[np.float64]
    confidences: NDArray[np.float64] | None
    layout: str | None
    focal_px: float | None = None
    principal_px: tuple[float, float] | None = None
    image_size: tuple[int, int] | None = None


def _triplets(flat: Any, what: str) -> NDArray[np.float64]:
    arr = np.asarray(flat, dtype=np.float64)
    if arr.ndim != 1 or arr.size % 3:
        raise DataError(f"{what}: expected a flat list of x, y, confidence triplets, got {arr.shape}")
    return arr.reshape(-1, 3)


def read_keypoints(path: str | Path) -> KeypointFile:
    """Read a keypoint file in one of the formats above."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such keypoint file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
            return _from_array(arr, None, path)
        if suffix == ".npz":
            with np.load(path, allow_pickle=False) as f:
                if "keypoints" not in f:
                    raise DataError(f"{path}: expected an array named 'keypoints'")
                conf = f["confidences"] if "confidences" in f else None
                return _from_array(f["keypoints"], conf, path)
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read keypoints ({exc})") from exc
    if isinstance(data, dict) and "people" in data:
        people = [_triplets(p["pose_keypoints_2d"], f"{path}: pose_keypoints_2d") for p in data["people"]]
        if not people:
            raise DataError(f"{path}: the OpenPose file has no people")
        stack = np.stack(people)
        return KeypointFile(stack[..., :2], stack[..., 2], "body25")
    if isinstance(data, list) and data and isinstance(data[0], dict) and "keypoints" in data[0]:
        stack = np.stack([_triplets(d["keypoints"], f"{path}: keypoints") for d in data])
        return KeypointFile(stack[..., :2], stack[..., 2], "coco17")
    if isinstance(data, dict) and "keypoints" in data:
        kp = np.asarray(data["keypoints"], dtype=np.float64)
        kp = kp[None] if kp.ndim == 2 else kp
        conf = (
            np.asarray(data["confidences"], dtype=np.float64) if data.get("confidences") is not None else None
        )
        if conf is not None and conf.ndim == 1:
            conf = conf[None]
        size = data.get("image_size")
        principal = data.get("principal_px")
        return KeypointFile(
            kp,
            conf,
            data.get("layout"),
            float(data["focal_px"]) if data.get("focal_px") is not None else None,
            (float(principal[0]), float(principal[1])) if principal is not None else None,
            (int(size[0]), int(size[1])) if size is not None else None,
        )
    raise DataError(f"{path}: unknown keypoint format; see abspose.io.keypoints for the accepted ones")


def _from_array(arr: NDArray[Any], conf: NDArray[Any] | None, path: Path) -> KeypointFile:
    arr = np.asarray(arr, dtype=np.float64)
    arr = arr[None] if arr.ndim == 2 else arr
    if arr.ndim != 3 or arr.shape[-1] not in (2, 3):
        raise DataError(f"{path}: expected (N, J, 2) or (N, J, 3) keypoints, got {arr.shape}")
    if arr.shape[-1] == 3:
        return KeypointFile(arr[..., :2], arr[..., 2], None)
    return KeypointFile(arr, None if conf is None else np.asarray(conf, dtype=np.float64), None)


def write_result(path: str | Path, result: Any) -> Path:
    """Write a :class:`~abspose.api.LiftResult` as ``.json`` or ``.csv`` (by extension)."""
    path = Path(path)
    names = list(result.joint_names)
    if path.suffix.lower() == ".json":
        people = [
            {
                "joints_cam_mm": {
                    n: [round(float(v), 2) for v in result.joints_cam_mm[i, j]] for j, n in enumerate(names)
                },
                "root_cam_mm": [round(float(v), 2) for v in result.root_cam_mm[i]],
                "distance_m": round(float(result.distance_m[i]), 4),
                "canonical_depth_mm_per_px": float(result.canonical_depth[i]),
                "focal_px": float(result.focal_px[i]),
                "principal_px": [float(v) for v in result.principal_px[i]],
                "imputed_joints": [
                    n for n, m in zip(result.joint_names, result.imputed[i], strict=True) if m
                ],
            }
            for i in range(len(result.root_cam_mm))
        ]
        doc = {
            "frame": "camera: x right, y down, z forward; millimetres",
            "focal_is_default": result.focal_is_default,
            "people": people,
        }
        write_text_atomic(path, json.dumps(doc, indent=1))
    elif path.suffix.lower() == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["person", "joint", "x_mm", "y_mm", "z_mm", "canonical_depth_mm_per_px", "focal_px"])
        for i in range(len(result.root_cam_mm)):
            for j, n in enumerate(names):
                x, y, z = (f"{v:.2f}" for v in result.joints_cam_mm[i, j])
                w.writerow([i, n, x, y, z, f"{result.canonical_depth[i]:.6g}", f"{result.focal_px[i]:.6g}"])
        write_text_atomic(path, buf.getvalue())
    else:
        raise DataError(f"{path}: expected an output file ending in .json or .csv")
    return path
