"""Human3.6M and MPI-INF-3DHP in MMPose's preprocessed ``.npz`` form, with its camera files.

MMPose's converters (``tools/dataset_converters/preprocess_h36m.py`` and
``preprocess_mpi_inf_3dhp.py``) write one ``.npz`` per split with ``imgname`` (N,),
``part`` (N, 17, 3) pixels plus visibility, ``S`` (N, 17, 4) camera-frame metres plus
visibility, ``center`` and ``scale`` (the box), and a pickled camera file:

- Human3.6M ``cameras.pkl``: {(subject, camera id): {R, T, c (2, 1), f (2, 1), k, p, w, h, name, id}};
  image names ``S9/S9_Directions_1.54138969/S9_Directions_1.54138969_000001.jpg``;
- MPI-INF-3DHP ``cameras_train.pkl``: {"S1_Seq1_Cam0": {...}}, names ``S1_Seq1_Cam0_000001.jpg``;
  ``cameras_test.pkl``: {"TS1": {c, f, w, h, name}}, names ``TS1_000001.jpg``.

Human3.6M's joints are already in abspose's order; MPI-INF-3DHP's 17 (head top, neck, right
arm, left arm, right leg, left leg, pelvis, spine, head) are mapped by name
(:data:`MPI_INF_3DHP17`). The camera file is a pickle: it is read only with
``trust_pickle=True``, or from the JSON that :func:`write_cameras_json` makes of it once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from abspose._files import write_text_atomic
from abspose.data.benchmarks._pickle import load_pickle
from abspose.data.frames import MPI_INF_3DHP_GROUPS, CameraFrames, labels
from abspose.errors import DataError
from abspose.skeletons import H36M17, Skeleton

__all__ = ["MPI_INF_3DHP17", "read_cameras", "read_mmpose", "to_h36m17", "write_cameras_json"]

#: MPI-INF-3DHP's 17-joint test layout (MMPose's and the test set's ``annot_data.mat`` order).
MPI_INF_3DHP17 = Skeleton(
    name="mpi_inf_3dhp17",
    joint_names=(
        "head_top", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist",
        "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "pelvis", "spine", "head",
    ),
    parents=(
        "head", "spine", "neck", "r_shoulder", "r_elbow", "neck", "l_shoulder", "l_elbow",
        "pelvis", "r_hip", "r_knee", "pelvis", "l_hip", "l_knee", None, "pelvis", "neck",
    ),
    root="pelvis",
)  # fmt: skip

#: H36M-17 joint -> MPI-INF-3DHP joint where the names differ (same anatomical point).
_H36M_FROM_3DHP = {"thorax": "neck", "nose": "head"}


def to_h36m17(points: Any) -> NDArray[np.float64]:
    """``(..., 17, D)`` MPI-INF-3DHP-17 points reordered to H36M-17 (by joint name)."""
    order = [MPI_INF_3DHP17.index(_H36M_FROM_3DHP.get(name, name)) for name in H36M17.joint_names]
    return np.asarray(points, dtype=np.float64)[..., order, :]


def read_cameras(path: str | Path, *, trust_pickle: bool = False) -> dict[str, dict[str, Any]]:
    """MMPose's camera file (``.pkl``, needs ``trust_pickle``) or its JSON conversion, keyed
    ``"S9/54138969"`` (Human3.6M), ``"S1_Seq1_Cam0"`` or ``"TS1"`` (MPI-INF-3DHP); each
    entry has ``f`` and ``c`` (2,) [px] and ``w``, ``h`` [px]."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: not a readable camera JSON ({exc})") from exc
        if doc.get("format") != "abspose-cameras-1":
            raise DataError(f"{path}: expected a camera JSON written by `abspose data cameras-json`")
        raw = doc.get("cameras")
    else:
        raw = load_pickle(path, trust_pickle=trust_pickle)
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a dictionary of cameras, got {type(raw).__name__}")
    cameras = {}
    for key, cam in raw.items():  # MMPose's f and c are (2, 1); a JSON may hold either shape
        name = "/".join(key) if isinstance(key, tuple) else str(key)
        try:
            cameras[name] = {
                "f": np.asarray(cam["f"], dtype=np.float64).reshape(2),
                "c": np.asarray(cam["c"], dtype=np.float64).reshape(2),
                "w": int(cam["w"]),
                "h": int(cam["h"]),
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{path}: camera {name}: expected f, c (2 values each), w and h ({exc})") from exc
    return cameras


def write_cameras_json(cameras: dict[str, dict[str, Any]], path: str | Path, source: str = "") -> Path:
    """Write cameras read by :func:`read_cameras` as JSON (no pickle needed afterwards)."""
    doc = {
        "format": "abspose-cameras-1",
        "source": source,
        "cameras": {
            k: {"f": np.asarray(v["f"]).tolist(), "c": np.asarray(v["c"]).tolist(), "w": v["w"], "h": v["h"]}
            for k, v in cameras.items()
        },
    }
    return write_text_atomic(path, json.dumps(doc, indent=1))


_H36M_NAME = re.compile(r"(S\d+)_(.+)\.(\d{8})_(\d+)\.\w+$")
_3DHP_TRAIN = re.compile(r"(S\d+)_(Seq\d+)_(Cam\d+)_(\d+)\.\w+$")
_3DHP_TEST = re.compile(r"(TS\d+)_(\d+)\.\w+$")


def read_mmpose(
    path: str | Path,
    cameras: str | Path | dict[str, dict[str, Any]],
    dataset: Literal["h36m", "3dhp"],
    *,
    trust_pickle: bool = False,
) -> CameraFrames:
    """An MMPose ``.npz`` as :class:`CameraFrames` (the 2D input: its ``part`` keypoints).

    Args:
        path: ``h36m_train.npz``, ``h36m_test.npz``, ``mpi_inf_3dhp_train.npz`` or
            ``mpi_inf_3dhp_test_valid.npz``.
        cameras: the matching camera file (``.pkl`` or its ``.json``) or what
            :func:`read_cameras` returned.
        dataset: ``"h36m"`` or ``"3dhp"`` (sets the joint order and the image-name pattern).
        trust_pickle: needed for a ``.pkl`` camera file.
    """
    path = Path(path)
    if dataset not in ("h36m", "3dhp"):
        raise DataError(f"dataset: expected 'h36m' or '3dhp', got {dataset!r}")
    cams = cameras if isinstance(cameras, dict) else read_cameras(cameras, trust_pickle=trust_pickle)
    try:
        with np.load(path, allow_pickle=False) as z:
            names = z["imgname"].astype(str)
            part = np.asarray(z["part"], dtype=np.float64)
            joints = np.asarray(z["S"], dtype=np.float64)
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"{path}: expected MMPose's npz with imgname, part and S ({exc})") from exc
    n = len(names)
    if part.shape != (n, 17, 3) or joints.shape != (n, 17, 4):
        raise DataError(
            f"{path}: expected part (N, 17, 3) and S (N, 17, 4), got {part.shape} and {joints.shape}"
        )
    keys, subject, action, camera, group, frame = _parse_names(names, dataset, path)
    missing = sorted(set(keys) - set(cams))
    if missing:
        raise DataError(f"{path}: no camera {missing[0]!r} in the camera file ({len(missing)} missing)")
    f = np.array([cams[k]["f"].mean() for k in keys])
    c = np.array([cams[k]["c"] for k in keys])
    size = np.array([(cams[k]["w"], cams[k]["h"]) for k in keys], dtype=np.int64)
    kp, xyz = part[..., :2], 1000.0 * joints[..., :3]  # metres -> mm
    if dataset == "3dhp":
        kp, xyz = to_h36m17(kp), to_h36m17(xyz)
    return CameraFrames(
        joints_cam_mm=xyz, keypoints_px=kp, focal_px=f, principal_px=c, image_size_px=size,
        subject=subject, action=action, camera=camera, group=group, frame=frame,
        name=f"mmpose-{dataset} ({path.name})",
    )  # fmt: skip


def _parse_names(names: NDArray[np.str_], dataset: str, path: Path) -> tuple[Any, ...]:
    """Camera key, subject, action, camera, group and 0-based frame of each image name."""
    rows: list[tuple[str, str, str, str, str, int]] = []
    for full in names:
        base = full.replace("\\", "/").rsplit("/", 1)[-1]
        if dataset == "h36m" and (m := _H36M_NAME.search(base)):
            s, act, cam, num = m.groups()
            rows.append((f"{s}/{cam}", s, act.replace("_", " "), cam, act.split("_")[0], int(num) - 1))
        elif dataset == "3dhp" and (m := _3DHP_TRAIN.search(base)):
            s, seq, cam, num = m.groups()
            rows.append((f"{s}_{seq}_{cam}", s, seq, cam, "train", int(num) - 1))
        elif dataset == "3dhp" and (m := _3DHP_TEST.search(base)):
            s, num = m.groups()
            rows.append((s, s, s, s, MPI_INF_3DHP_GROUPS.get(s, s), int(num) - 1))
        else:
            raise DataError(f"{path}: image name {full!r} is not in MMPose's {dataset} pattern")
    keys, subject, action, camera, group, frame = zip(*rows, strict=True)
    n = len(rows)
    return (list(keys), labels(subject, n), labels(action, n), labels(camera, n), labels(group, n),
            np.asarray(frame, dtype=np.int64))  # fmt: skip
