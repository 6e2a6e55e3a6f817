"""Reading 2D keypoint files and writing lifted results.

Inputs (by content and extension):

* abspose JSON: ``{"layout": "coco17", "keypoints": [[[x, y], ...], ...],
  "confidences": [[c, ...], ...], "focal_px": 1500, "principal_px": [cx, cy],
  "image_size": [w, h]}``; everything but ``keypoints`` optional. One pose may be given
  without the outer list.
* COCO keypoint results: a list of ``{"keypoints": [x1, y1, v1, ...]}`` (17 x 3 numbers).
* OpenPose JSON: ``{"people": [{"pose_keypoints_2d": [x1, y1, c1, ...]}]}`` (BODY_25).
* abspose's own ``image`` / ``video`` output (:mod:`abspose.io.frames`), ``.json`` or ``.csv``:
  every person of every frame, in H36M-17 order, with the camera the JSON records.
* ``.npy``: ``(N, J, 2)`` or ``(N, J, 3)`` (third column: confidence); ``.npz`` with a
  ``keypoints`` array and optionally ``confidences``.

Outputs: ``.json`` (one record per person) or ``.csv`` (one row per person and joint),
written atomically.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._files import UNREADABLE_ARCHIVE, atomic_path
from abspose.errors import DataError
from abspose.io.frames import PERSON_COLUMNS, interval_cells, interval_record

__all__ = ["KeypointFile", "read_keypoints", "write_result"]


@dataclass(frozen=True)
class KeypointFile:
    """What a keypoint file gave.

    Attributes:
        keypoints_px: ``(N, J, 2)``. confidences: ``(N, J)`` or None. layout: its name, if the
        file says or its format implies it. focal_px, principal_px, image_size: if given.
        from_detector: the file is abspose's own ``image`` / ``video`` output, H36M-17 keypoints
        that a 2D detector found (``abspose lift`` then uses the shipped detector model).
    """

    keypoints_px: NDArray[np.float64]
    confidences: NDArray[np.float64] | None
    layout: str | None
    focal_px: float | None = None
    principal_px: tuple[float, float] | None = None
    image_size: tuple[int, int] | None = None
    from_detector: bool = False


def _array(value: Any, what: str, expected: str) -> NDArray[np.float64]:
    """A numeric array from JSON, or a DataError that says what was expected."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"{what}: expected {expected} (numbers, every row the same length)") from None
    return arr


def _triplets(flat: Any, what: str) -> NDArray[np.float64]:
    arr = _array(flat, what, "a flat list of x, y, confidence triplets")
    if arr.ndim != 1 or arr.size % 3 or arr.size == 0:
        raise DataError(f"{what}: expected a flat list of x, y, confidence triplets, got {arr.shape}")
    return arr.reshape(-1, 3)


def _number(data: dict[str, Any], key: str, path: Path) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DataError(f"{path}: {key}: expected a number, got {value!r:.40}")
    return float(value)


def _pair(data: dict[str, Any], key: str, path: Path, expected: str) -> tuple[float, float] | None:
    value = data.get(key)
    if value is None:
        return None
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise DataError(f"{path}: {key}: expected {expected}, got {value!r:.40}")
    return float(value[0]), float(value[1])


def _records(data: list[Any], path: Path) -> NDArray[np.float64]:
    """COCO results: each record a dict with a flat ``keypoints`` list."""
    stack = []
    for i, record in enumerate(data):
        if not isinstance(record, dict) or "keypoints" not in record:
            raise DataError(f"{path}: record {i}: expected a COCO result {{'keypoints': [x1, y1, v1, ...]}}")
        stack.append(_triplets(record["keypoints"], f"{path}: record {i}: keypoints"))
    if len({len(t) for t in stack}) > 1:
        raise DataError(
            f"{path}: the records have different numbers of keypoints ({sorted({len(t) for t in stack})})"
        )
    return np.stack(stack)


def _openpose(people: Any, path: Path) -> NDArray[np.float64]:
    if not isinstance(people, list) or not people:
        raise DataError(f"{path}: the OpenPose file has no people")
    stack = []
    for i, person in enumerate(people):
        if not isinstance(person, dict) or "pose_keypoints_2d" not in person:
            raise DataError(f"{path}: people[{i}]: expected {{'pose_keypoints_2d': [x1, y1, c1, ...]}}")
        stack.append(_triplets(person["pose_keypoints_2d"], f"{path}: people[{i}]: pose_keypoints_2d"))
    if len({len(t) for t in stack}) > 1:
        raise DataError(f"{path}: the people have different numbers of keypoints")
    return np.stack(stack)


def read_keypoints(path: str | Path) -> KeypointFile:
    """Read a keypoint file in one of the formats above.

    ``null`` coordinates (as abspose's own ``image``/``video`` JSON writes for a joint not
    found) are read as NaN: a missing joint, which must have confidence 0.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such keypoint file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
            return _from_array(arr, None, path)
        if suffix == ".csv":
            return _pipeline_csv(path)
        if suffix == ".npz":
            with np.load(path, allow_pickle=False) as f:
                if "keypoints" not in f:
                    raise DataError(f"{path}: expected an array named 'keypoints'")
                conf = f["confidences"] if "confidences" in f else None
                return _from_array(f["keypoints"], conf, path)
        data = json.loads(path.read_text())
    except DataError:
        raise
    except RecursionError:  # before RuntimeError, its base class
        raise DataError(f"{path}: cannot read keypoints (the JSON is nested too deeply)") from None
    except UNREADABLE_ARCHIVE as exc:
        raise DataError(f"{path}: cannot read keypoints ({type(exc).__name__}: {exc})") from exc
    if isinstance(data, dict) and "frames" in data and "camera" in data:
        return _pipeline_json(data, path)
    if isinstance(data, dict) and "people" in data:
        stack = _openpose(data["people"], path)
        return KeypointFile(stack[..., :2], stack[..., 2], "body25")
    if isinstance(data, list) and data and isinstance(data[0], dict) and "keypoints" in data[0]:
        stack = _records(data, path)
        return KeypointFile(stack[..., :2], stack[..., 2], "coco17")
    if isinstance(data, dict) and "keypoints" in data:
        kp = _array(_nulls_to_nan(data["keypoints"]), f"{path}: keypoints", "(N, J, 2) or (J, 2) pixels")
        kp = kp[None] if kp.ndim == 2 else kp
        if kp.ndim != 3 or kp.shape[-1] != 2 or kp.size == 0:
            raise DataError(f"{path}: keypoints: expected (N, J, 2) or (J, 2) pixels, got {kp.shape}")
        conf = None
        if data.get("confidences") is not None:
            conf = _array(data["confidences"], f"{path}: confidences", "(N, J) or (J,) numbers")
            conf = conf[None] if conf.ndim == 1 else conf
            if conf.shape != kp.shape[:-1]:
                raise DataError(
                    f"{path}: confidences: expected shape {kp.shape[:-1]} (one per keypoint), "
                    f"got {conf.shape}"
                )
        layout = data.get("layout")
        if layout is not None and not isinstance(layout, str):
            raise DataError(f"{path}: layout: expected a layout name such as 'coco17', got {layout!r:.40}")
        size = _pair(data, "image_size", path, "[width, height] in pixels")
        if size is not None and (min(size) < 1 or not all(v == int(v) for v in size)):
            raise DataError(
                f"{path}: image_size: expected [width, height], whole pixels >= 1, got {list(size)}"
            )
        return KeypointFile(
            kp,
            conf,
            layout,
            _number(data, "focal_px", path),
            _pair(data, "principal_px", path, "[cx, cy] in pixels"),
            (int(size[0]), int(size[1])) if size is not None else None,
        )
    raise DataError(f"{path}: unknown keypoint format; see abspose.io.keypoints for the accepted ones")


def _pipeline_json(data: dict[str, Any], path: Path) -> KeypointFile:
    """``abspose image`` / ``video`` JSON: every person of every frame; null joints are missing."""
    frames = data["frames"]
    camera = data["camera"]
    if not isinstance(frames, list) or not isinstance(camera, dict):
        raise DataError(f"{path}: expected abspose's frames JSON ('frames': [...], 'camera': {{...}})")
    keypoints, confidences = [], []
    for f, frame in enumerate(frames):
        people = frame.get("people") if isinstance(frame, dict) else None
        if not isinstance(people, list):
            raise DataError(f"{path}: frames[{f}]: expected {{'people': [...]}}")
        for person in people:
            if not isinstance(person, dict) or "keypoints_px" not in person or "confidences" not in person:
                raise DataError(f"{path}: frames[{f}]: expected people with keypoints_px and confidences")
            keypoints.append(_nulls_to_nan(person["keypoints_px"]))
            confidences.append(_nulls_to_nan(person["confidences"]))
    if not keypoints:
        raise DataError(f"{path}: no person in any frame")
    kp = _array(keypoints, f"{path}: keypoints_px", "17 [u, v] pairs (or null) per person")
    conf = _array(confidences, f"{path}: confidences", "17 numbers per person")
    if kp.ndim != 3 or kp.shape[1:] != (17, 2) or conf.shape != kp.shape[:2]:
        raise DataError(f"{path}: expected 17 keypoints and 17 confidences per person, got {kp.shape}")
    focal = None if camera.get("focal_is_default") else _number(camera, "focal_px", path)
    size = _pair(camera, "image_size", path, "[width, height] in pixels")
    return KeypointFile(
        kp,
        np.where(np.isfinite(kp).all(axis=-1), conf, 0.0),
        "h36m17",
        focal,
        _pair(camera, "principal_px", path, "[cx, cy] in pixels"),
        (int(size[0]), int(size[1])) if size is not None else None,
        from_detector=True,
    )


def _pipeline_csv(path: Path) -> KeypointFile:
    """``abspose image`` / ``video`` CSV: one row per frame, person and joint (H36M-17 order)."""
    from abspose.skeletons import H36M17

    with open(path, newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows, None)
        if header is None or not {"frame", "person", "joint", "u_px", "v_px", "confidence"} <= set(header):
            raise DataError(
                f"{path}: expected the CSV of `abspose image` / `video` "
                "(columns frame, person, joint, u_px, v_px, confidence, ...)"
            )
        col = {name: i for i, name in enumerate(header)}
        people: dict[tuple[str, str], NDArray[np.float64]] = {}
        slot = {name: j for j, name in enumerate(H36M17.joint_names)}
        focal = None
        for line, row in enumerate(rows, start=2):
            try:
                j = slot[row[col["joint"]]]
                pose = people.setdefault((row[col["frame"]], row[col["person"]]), np.full((17, 3), np.nan))
                u, v, c = (row[col[k]] for k in ("u_px", "v_px", "confidence"))
                pose[j] = (float(u) if u else np.nan, float(v) if v else np.nan, float(c))
                if "focal_px" in col and focal is None:
                    focal = float(row[col["focal_px"]])
            except (IndexError, KeyError, ValueError):
                raise DataError(
                    f"{path}: line {line}: expected a joint name of H36M-17 and numbers"
                ) from None
    if not people:
        raise DataError(f"{path}: no person in any frame")
    stack = np.stack(list(people.values()))
    missing = ~np.isfinite(stack[..., :2]).all(axis=-1)
    return KeypointFile(
        stack[..., :2],
        np.where(missing, 0.0, np.nan_to_num(stack[..., 2])),
        "h36m17",
        focal,
        from_detector=True,
    )


def _nulls_to_nan(value: Any, depth: int = 0) -> Any:
    """Nested lists with ``None`` replaced by NaN (missing joints in abspose's own output)."""
    if value is None:
        return float("nan")
    if isinstance(value, list) and depth < 4:
        return [_nulls_to_nan(v, depth + 1) for v in value]
    return value


def _from_array(arr: NDArray[Any], conf: NDArray[Any] | None, path: Path) -> KeypointFile:
    arr = np.asarray(arr, dtype=np.float64)
    arr = arr[None] if arr.ndim == 2 else arr
    if arr.ndim != 3 or arr.shape[-1] not in (2, 3):
        raise DataError(f"{path}: expected (N, J, 2) or (N, J, 3) keypoints, got {arr.shape}")
    if arr.shape[-1] == 3:
        return KeypointFile(arr[..., :2], arr[..., 2], None)
    return KeypointFile(arr, None if conf is None else np.asarray(conf, dtype=np.float64), None)


def write_result(path: str | Path, result: Any) -> Path:
    """Write a :class:`~abspose.api.LiftResult` as ``.json`` or ``.csv`` (by extension).

    Both are streamed to a temporary file, one person at a time, in time linear in the number
    of people (every per-person array is computed once, before the loop).
    """
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".json", ".csv"):
        raise DataError(f"{path}: expected an output file ending in .json or .csv")
    names = list(result.joint_names)
    joints = np.round(np.asarray(result.joints_cam_mm, dtype=np.float64), 2)
    roots = np.round(np.asarray(result.root_cam_mm, dtype=np.float64), 2)
    raw_distance = np.asarray(result.distance_m, dtype=np.float64)
    distance = np.round(raw_distance, 4)
    canonical = np.asarray(result.canonical_depth, dtype=np.float64)
    focal = np.asarray(result.focal_px, dtype=np.float64)
    principal = np.asarray(result.principal_px, dtype=np.float64)
    imputed = np.asarray(result.imputed, dtype=bool)
    halfwidth = np.asarray(result.depth_log_halfwidth, dtype=np.float64)  # (N, 2): as distance_interval_m
    intervals = raw_distance[:, None, None] * np.exp(halfwidth[:, :, None] * np.array([-1.0, 1.0]))
    sigma = halfwidth[:, 0]
    sources = result.scale_source
    if sources is None:
        sources = np.full(len(roots), "prior")
    with atomic_path(path) as tmp, open(tmp, "w", newline="") as fh:
        if kind == ".json":
            head = {
                "frame": "camera: x right, y down, z forward; millimetres",
                "focal_is_default": result.focal_is_default,
            }
            floor = result.floor
            if floor is not None:
                head["floor"] = {
                    "up_cam": np.round(floor.up_cam, 6).tolist(),
                    "camera_height_mm": round(float(floor.offset_mm), 1),
                    "orientation_source": floor.orientation_source,
                }
            fh.write(json.dumps(head, indent=1)[:-2] + ',\n "people": [')
            for i in range(len(roots)):
                person = {
                    "joints_cam_mm": dict(zip(names, joints[i].tolist(), strict=True)),
                    "root_cam_mm": roots[i].tolist(),
                    "distance_m": float(distance[i]),
                    "canonical_depth_mm_per_px": float(canonical[i]),
                    "focal_px": float(focal[i]),
                    "principal_px": principal[i].tolist(),
                    "distance_interval_m": interval_record(intervals[i]),
                    "depth_sigma": float(round(sigma[i], 4)) if np.isfinite(sigma[i]) else None,
                    "imputed_joints": [n for n, m in zip(names, imputed[i], strict=True) if m],
                    "scale_source": str(sources[i]),
                }
                fh.write(("\n  " if i == 0 else ",\n  ") + json.dumps(person))
            fh.write("\n ]\n}\n")
        else:
            w = csv.writer(fh)
            w.writerow(
                [
                    "person",
                    "joint",
                    "x_mm",
                    "y_mm",
                    "z_mm",
                    "canonical_depth_mm_per_px",
                    "focal_px",
                    *PERSON_COLUMNS,
                ]
            )
            for i in range(len(roots)):
                depth, f = f"{canonical[i]:.6g}", f"{focal[i]:.6g}"
                tail = [*interval_cells(float(distance[i]), intervals[i]), str(sources[i])]
                w.writerows(
                    [i, n, f"{x:.2f}", f"{y:.2f}", f"{z:.2f}", depth, f, *tail]
                    for n, (x, y, z) in zip(names, joints[i].tolist(), strict=True)
                )
    return path
