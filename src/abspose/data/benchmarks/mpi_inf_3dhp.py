"""The MPI-INF-3DHP test set as released: ``TS1`` ... ``TS6``, each with ``annot_data.mat``.

``annot_data.mat`` (MATLAB v7.3, i.e. HDF5: read with h5py, ``pip install "abspose[datasets]"``;
older v5 files are read with scipy) holds per frame ``annot2`` (17 x 2 px), ``annot3`` and
``univ_annot3`` (17 x 3 mm, camera frame; ``univ_`` rescaled to a universal skeleton),
``valid_frame`` and ``activity_annotation`` (1-7). The 17 joints are in
:data:`~abspose.data.benchmarks.mmpose.MPI_INF_3DHP17` order and are mapped to H36M-17 by name.

The intrinsics are not in the files: each sequence's ``fx, cx`` and ``fy, cy`` are fitted by
least squares to ``u·Z = fx·X + cx·Z`` over all its annotated joints (as MMPose's converter
does); the image is 2048x2048 in the studio (TS1-TS4) and 1920x1080 outdoors (TS5, TS6).
Scene groups as in the paper's Table 5: TS1-TS2 green screen (``GS``), TS3-TS4 studio
without it (``noGS``), TS5-TS6 ``outdoor``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.data.benchmarks.mmpose import to_h36m17
from abspose.data.frames import MPI_INF_3DHP_GROUPS, CameraFrames, concat_frames, labels
from abspose.errors import AbsPoseError, DataError

__all__ = ["ACTIVITIES", "fit_intrinsics", "read_3dhp_test"]

#: ``activity_annotation`` values.
ACTIVITIES = {1: "Stand/Walk", 2: "Exercise", 3: "Sit", 4: "Reach/Crouch", 5: "Floor", 6: "Sports", 7: "Misc"}
_IMAGE_SIZE = {"TS1": (2048, 2048), "TS2": (2048, 2048), "TS3": (2048, 2048), "TS4": (2048, 2048),
               "TS5": (1920, 1080), "TS6": (1920, 1080)}  # fmt: skip
_KEYS = ("annot2", "annot3", "univ_annot3", "valid_frame", "activity_annotation")


def _read_mat(path: Path) -> dict[str, NDArray[Any]]:
    """The arrays of ``annot_data.mat`` in HDF5 axis order (frames first)."""
    import scipy.io

    try:
        raw = scipy.io.loadmat(path)
        return {k: np.transpose(np.asarray(raw[k])) for k in _KEYS if k in raw}  # MATLAB order reversed
    except NotImplementedError:  # v7.3: HDF5
        pass
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: not a readable MATLAB file ({exc})") from exc
    try:
        import h5py
    except ImportError as exc:
        raise AbsPoseError(
            f"{path} is a MATLAB v7.3 file: reading it needs h5py: pip install 'abspose[datasets]'"
        ) from exc
    with h5py.File(path, "r") as fh:
        return {k: np.asarray(fh[k]) for k in _KEYS if k in fh}


def fit_intrinsics(keypoints_px: Any, joints_cam_mm: Any) -> tuple[float, float, float, float]:
    """``fx, fy, cx, cy`` [px] fitted by least squares to ``(N, J, 2)`` pixels and ``(N, J, 3)``
    camera-frame joints of one camera (pinhole, no distortion)."""
    uv = np.asarray(keypoints_px, dtype=np.float64).reshape(-1, 2)
    xyz = np.asarray(joints_cam_mm, dtype=np.float64).reshape(-1, 3)
    out = []
    for axis in (0, 1):
        a = np.stack([xyz[:, axis], xyz[:, 2]], 1)  # u Z = f X + c Z
        (f, c), *_ = np.linalg.lstsq(a, uv[:, axis] * xyz[:, 2], rcond=None)
        out.append((f, c))
    (fx, cx), (fy, cy) = out
    return float(fx), float(fy), float(cx), float(cy)


def read_3dhp_test(
    root: str | Path,
    *,
    sequences: tuple[str, ...] = tuple(MPI_INF_3DHP_GROUPS),
    valid_only: bool = True,
    universal: bool = False,
) -> CameraFrames:
    """MPI-INF-3DHP's test sequences as :class:`CameraFrames` (2D input: the annotated 2D).

    Args:
        root: the folder holding ``TS1/annot_data.mat`` ... (or ``test/TS1/...``).
        sequences: which of TS1-TS6.
        valid_only: keep only frames with ``valid_frame == 1`` (the 2,929 evaluated frames).
        universal: ground truth from ``univ_annot3`` (the universal skeleton the
            literature's 3DPCK uses) instead of ``annot3`` (the real one, consistent with the
            images and needed for absolute positions).
    """
    root = Path(root)
    base = root / "test" if (root / "test").is_dir() else root
    parts = []
    for seq in sequences:
        path = base / seq / "annot_data.mat"
        if not path.is_file():
            raise DataError(f"{path}: missing; expected MPI-INF-3DHP's test set under {root} (TS1 ... TS6)")
        mat = _read_mat(path)
        missing = [k for k in _KEYS if k not in mat]
        if missing:
            raise DataError(f"{path}: expected the arrays {list(_KEYS)}, missing {missing}")
        uv = mat["annot2"].reshape(-1, 17, 2).astype(np.float64)
        xyz = mat["annot3"].reshape(-1, 17, 3).astype(np.float64)
        truth = mat["univ_annot3"].reshape(-1, 17, 3).astype(np.float64) if universal else xyz
        valid = mat["valid_frame"].reshape(-1).astype(bool)
        activity = mat["activity_annotation"].reshape(-1).astype(int)
        if not (len(uv) == len(xyz) == len(truth) == len(valid) == len(activity)):
            raise DataError(f"{path}: annot2, annot3, valid_frame and activity_annotation differ in length")
        fx, fy, cx, cy = fit_intrinsics(uv[valid], xyz[valid])
        keep = np.flatnonzero(valid) if valid_only else np.arange(len(uv))
        n = len(keep)
        w, h = _IMAGE_SIZE.get(seq, (2048, 2048))
        parts.append(
            CameraFrames(
                joints_cam_mm=to_h36m17(truth[keep]),
                keypoints_px=to_h36m17(uv[keep]),
                focal_px=np.full(n, (fx + fy) / 2),
                principal_px=np.tile([cx, cy], (n, 1)),
                image_size_px=np.tile([w, h], (n, 1)),
                subject=labels(seq, n),
                action=labels([ACTIVITIES.get(a, str(a)) for a in activity[keep]], n),
                camera=labels(seq, n),
                group=labels(MPI_INF_3DHP_GROUPS.get(seq, seq), n),
                frame=keep.astype(np.int64),
                name="mpi-inf-3dhp test",
            )
        )
    return concat_frames(parts, name=f"mpi-inf-3dhp test ({root})")
