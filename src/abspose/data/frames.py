"""Frames seen by cameras in one form (benchmarks, virtual cameras, training epochs), and the
benchmarks' protocols.

Every adapter (:mod:`abspose.data.benchmarks.h36m`, :mod:`abspose.data.benchmarks.mmpose`,
:mod:`abspose.data.benchmarks.mpi_inf_3dhp`) returns :class:`CameraFrames`: camera-frame joints in the
H36M-17 order [mm], the 2D input [px] and each frame's intrinsics, with subject, action,
camera and scene-group labels. Protocols are subject splits over them:

==========  ===================================  ============  =====================
protocol    train                                test          metric (paper)
==========  ===================================  ============  =====================
``h36m-p1`` S1, S5, S6, S7, S8                   S9, S11       MPJPE per action
``h36m-p2`` S1, S5, S6, S7, S8, S9               S11           PA-MPJPE per action
==========  ===================================  ============  =====================

(METHOD.md's Protocol 2 split; much of the literature instead reports PA-MPJPE on S9 and S11
with the Protocol 1 split.) MPI-INF-3DHP's test set is TS1-TS6, reported per scene group
(:data:`MPI_INF_3DHP_GROUPS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.errors import DataError
from abspose.geometry.camera import PinholeCameras

#: Sentinels of labels not given (filled in by ``CameraFrames.__post_init__``).
_UNSET_STR: NDArray[np.str_] = np.zeros(0, dtype="<U1")
_UNSET_INT: NDArray[np.int64] = np.zeros(0, dtype=np.int64)


def _is_array(frames: Any, name: str) -> bool:
    """Whether the field ``name`` holds a per-frame array (not the name, not an unknown part)."""
    return name != "name" and getattr(frames, name) is not None


__all__ = [
    "H36M_PROTOCOLS",
    "MPI_INF_3DHP_GROUPS",
    "CameraFrames",
    "concat_frames",
    "protocol_split",
    "test_subjects",
]

#: Human3.6M subject splits: (train, test).
H36M_PROTOCOLS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "h36m-p1": (("S1", "S5", "S6", "S7", "S8"), ("S9", "S11")),
    "h36m-p2": (("S1", "S5", "S6", "S7", "S8", "S9"), ("S11",)),
    # Every subject as test data: for a model trained without Human3.6M.
    "all": ((), ("S1", "S5", "S6", "S7", "S8", "S9", "S11")),
}

#: MPI-INF-3DHP test sequences by scene, as in the paper's Table 5.
MPI_INF_3DHP_GROUPS = {
    "TS1": "GS",
    "TS2": "GS",
    "TS3": "noGS",
    "TS4": "noGS",
    "TS5": "outdoor",
    "TS6": "outdoor",
}


@dataclass(frozen=True)
class CameraFrames:
    """N frames, each seen by one camera: the one frame type of abspose.

    A benchmark's frames (the readers of :mod:`abspose.data.benchmarks`), motion capture seen
    by virtual cameras (:func:`~abspose.data.sample_cameras`, :func:`~abspose.data.sample_views`,
    which also fill the camera poses and the bodies' statures) and a training epoch's samples
    (:mod:`abspose.model.feed`, float32) are all ``CameraFrames``.

    Attributes:
        joints_cam_mm: ``(N, 17, 3)`` H36M-17 joints in the camera frame [mm] (x right, y down,
            z forward).
        keypoints_px: ``(N, 17, 2)`` the 2D input [px]: a detector's, or the ground truth's.
        focal_px: ``(N,)`` focal length [px] (a benchmark's: the mean of fx and fy).
        principal_px: ``(N, 2)`` principal point [px].
        image_size_px: ``(N, 2)`` image (width, height) [px].
        subject, action, camera, group: ``(N,)`` labels (``group``: the scene group for
            MPI-INF-3DHP, otherwise the action); empty strings when not given.
        frame: ``(N,)`` frame number within its sequence; ``0 .. N-1`` when not given.
        name: where the frames came from.
        rot_world_to_cam: ``(N, 3, 3)`` rotation, ``X_cam = R (X_world - C)``, when known.
        cam_center_world_mm: ``(N, 3)`` camera centre C in the world [mm], when known.
        stature_mm: ``(N,)`` stature of each frame's body [mm], when known.
    """

    joints_cam_mm: NDArray[np.floating[Any]]
    keypoints_px: NDArray[np.floating[Any]]
    focal_px: NDArray[np.floating[Any]]
    principal_px: NDArray[np.floating[Any]]
    image_size_px: NDArray[np.int64]
    subject: NDArray[np.str_] = field(default_factory=lambda: _UNSET_STR)
    action: NDArray[np.str_] = field(default_factory=lambda: _UNSET_STR)
    camera: NDArray[np.str_] = field(default_factory=lambda: _UNSET_STR)
    group: NDArray[np.str_] = field(default_factory=lambda: _UNSET_STR)
    frame: NDArray[np.int64] = field(default_factory=lambda: _UNSET_INT)
    name: str = ""
    rot_world_to_cam: NDArray[np.float64] | None = None
    cam_center_world_mm: NDArray[np.float64] | None = None
    stature_mm: NDArray[np.floating[Any]] | None = None

    def __post_init__(self) -> None:
        n = len(self.joints_cam_mm)
        for label in ("subject", "action", "camera", "group"):
            if getattr(self, label) is _UNSET_STR:
                object.__setattr__(self, label, np.full(n, "", dtype="<U1"))
        if self.frame is _UNSET_INT:
            object.__setattr__(self, "frame", np.arange(n, dtype=np.int64))
        if self.joints_cam_mm.shape != (n, 17, 3) or self.keypoints_px.shape != (n, 17, 2):
            raise DataError(
                f"{self.name}: expected (N, 17, 3) joints and (N, 17, 2) keypoints, got "
                f"{self.joints_cam_mm.shape} and {self.keypoints_px.shape}"
            )
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray) and len(value) != n:
                raise DataError(f"{self.name}: {f.name} has {len(value)} entries for {n} frames")
        for key, shape in (("focal_px", (n,)), ("principal_px", (n, 2)), ("image_size_px", (n, 2))):
            if np.shape(getattr(self, key)) != shape:
                raise DataError(
                    f"{self.name}: expected {key} of shape {shape}, got {np.shape(getattr(self, key))}"
                )

    @property
    def intrinsics(self) -> PinholeCameras:
        """The frames' cameras (square pixels of :attr:`focal_px`); :attr:`camera` is their label."""
        return PinholeCameras.create(self.focal_px, self.principal_px)

    def __len__(self) -> int:
        return len(self.joints_cam_mm)

    def select(self, mask: Any) -> CameraFrames:
        """The frames where ``mask`` (boolean or indices) selects."""
        kept = {f.name: getattr(self, f.name)[mask] for f in fields(self) if _is_array(self, f.name)}
        return CameraFrames(**kept, name=self.name)

    def every(self, step: int) -> CameraFrames:
        """Every ``step``-th frame of each sequence (the literature's subsampling: 5 for
        3DHP training, 64 for some Human3.6M reports)."""
        if step < 1:
            raise DataError(f"every: expected a step >= 1, got {step}")
        return self.select(self.frame % step == 0) if step > 1 else self

    def subjects(self, names: tuple[str, ...]) -> CameraFrames:
        """The frames of the given subjects."""
        return self.select(np.isin(self.subject, names))


def concat_frames(parts: list[CameraFrames], name: str = "") -> CameraFrames:
    """One :class:`CameraFrames` of several."""
    if not parts:
        raise DataError(f"{name}: no frames found")
    joined = {
        f.name: np.concatenate([getattr(p, f.name) for p in parts])
        for f in fields(CameraFrames)
        if all(_is_array(p, f.name) for p in parts)
    }
    return CameraFrames(**joined, name=name or parts[0].name)


def test_subjects(protocol: str, subjects: str | None = None) -> tuple[str, ...]:
    """The Human3.6M subjects to test on: ``subjects`` (comma-separated, e.g. ``"S1,S5"``) when
    given, else the test side of ``protocol`` (:data:`H36M_PROTOCOLS`; ``"all"``: every subject)."""
    if subjects:
        names = tuple(s.strip() for s in subjects.split(",") if s.strip())
        if not names:
            raise DataError(f"subjects: expected names such as 'S9,S11', got {subjects!r}")
        return names
    if protocol not in H36M_PROTOCOLS:
        raise DataError(f"protocol: expected one of {sorted(H36M_PROTOCOLS)}, got {protocol!r}")
    return H36M_PROTOCOLS[protocol][1]


def protocol_split(frames: CameraFrames, protocol: str) -> tuple[CameraFrames, CameraFrames]:
    """``(train, test)`` frames of a Human3.6M protocol (:data:`H36M_PROTOCOLS`)."""
    if protocol not in H36M_PROTOCOLS:
        raise DataError(f"protocol: expected one of {sorted(H36M_PROTOCOLS)}, got {protocol!r}")
    train, test = H36M_PROTOCOLS[protocol]
    return frames.subjects(train), frames.subjects(test)


def labels(values: Any, n: int) -> NDArray[np.str_]:
    """``(n,)`` string labels from one string or a sequence."""
    if isinstance(values, str):
        return np.full(n, values)
    return np.asarray(values, dtype=str)
