"""The motion-capture dataset file: H36M-17 world poses in millimetres, per clip.

World frame of the file: the BVH world, y up, right-handed (x to the person's left when
they face +z at rest), millimetres. ``floor_y_mm`` per clip is the floor height used to
place virtual cameras.

Stored as ``.npz`` without pickles (string arrays are fixed-width unicode), written
atomically (temporary file, then rename).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from abspose._files import UNREADABLE_ARCHIVE, atomic_path
from abspose.errors import DataError
from abspose.skeletons import H36M17

__all__ = ["MocapDataset"]

_FORMAT = "abspose-mocap-v1"


@dataclass(frozen=True)
class MocapDataset:
    """World poses of many clips.

    Attributes:
        joints_world_mm: ``(N, 17, 3)`` float32 H36M-17 joints, world frame y up [mm].
        clip_index: ``(N,)`` index into the clip arrays of each frame.
        frame_index: ``(N,)`` frame number within its clip after resampling.
        clip_names: ``(C,)`` e.g. ``"daz/02_01"``.
        clip_subjects: ``(C,)`` CMU subject number.
        clip_rigs: ``(C,)`` rig name (``"daz"``, ``"iclone"``, ``"cmu_asf"``).
        clip_floor_y_mm: ``(C,)`` floor height [mm].
        fps: frame rate after resampling [Hz].
    """

    joints_world_mm: NDArray[np.float32]
    clip_index: NDArray[np.int32]
    frame_index: NDArray[np.int32]
    clip_names: NDArray[np.str_]
    clip_subjects: NDArray[np.int32]
    clip_rigs: NDArray[np.str_]
    clip_floor_y_mm: NDArray[np.float32]
    fps: float

    def __post_init__(self) -> None:
        n = self.joints_world_mm.shape[0]
        if self.joints_world_mm.shape[1:] != (H36M17.num_joints, 3):
            raise DataError(f"joints_world_mm: expected (N, 17, 3), got {self.joints_world_mm.shape}")
        if self.clip_index.shape != (n,) or self.frame_index.shape != (n,):
            raise DataError("clip_index and frame_index: expected one entry per frame")
        c = len(self.clip_names)
        if not (len(self.clip_subjects) == len(self.clip_rigs) == len(self.clip_floor_y_mm) == c):
            raise DataError("clip arrays: expected equal lengths")
        if n and (self.clip_index.min() < 0 or self.clip_index.max() >= c):
            raise DataError("clip_index: out of range of the clips")
        if n and not np.isfinite(self.joints_world_mm).all():
            bad = int((~np.isfinite(self.joints_world_mm).all(axis=(1, 2))).sum())
            raise DataError(
                f"joints_world_mm: {bad} of {n} frames have NaN or inf joints; expected finite [mm]"
            )
        if n:
            extent = np.ptp(self.joints_world_mm, axis=1).max(axis=-1)  # (N,) largest extent [mm]
            flat = int((extent < 1.0).sum())
            if flat:
                raise DataError(
                    f"joints_world_mm: {flat} of {n} frames have all 17 joints on one point (within 1 mm; "
                    "all zeros?); expected poses in millimetres"
                )

    def __len__(self) -> int:
        return int(self.joints_world_mm.shape[0])

    @property
    def subjects(self) -> NDArray[np.int32]:
        """``(N,)`` CMU subject of each frame."""
        return self.clip_subjects[self.clip_index]

    @property
    def floor_y_mm(self) -> NDArray[np.float32]:
        """``(N,)`` floor height of each frame's clip [mm]."""
        return self.clip_floor_y_mm[self.clip_index]

    def select_subjects(self, subjects: tuple[int, ...] | list[int]) -> MocapDataset:
        """The frames of the given subjects (clip arrays kept whole)."""
        keep = np.isin(self.subjects, np.asarray(subjects))
        return MocapDataset(
            joints_world_mm=self.joints_world_mm[keep],
            clip_index=self.clip_index[keep],
            frame_index=self.frame_index[keep],
            clip_names=self.clip_names,
            clip_subjects=self.clip_subjects,
            clip_rigs=self.clip_rigs,
            clip_floor_y_mm=self.clip_floor_y_mm,
            fps=self.fps,
        )

    def save(self, path: str | Path) -> Path:
        """Write to ``path`` (``.npz``) atomically; returns the path."""
        with atomic_path(path, suffix=".tmp.npz") as tmp:  # savez appends .npz to other names
            np.savez_compressed(
                tmp,
                format=np.array(_FORMAT),
                joints_world_mm=self.joints_world_mm.astype(np.float32),
                clip_index=self.clip_index.astype(np.int32),
                frame_index=self.frame_index.astype(np.int32),
                clip_names=self.clip_names.astype(str),
                clip_subjects=self.clip_subjects.astype(np.int32),
                clip_rigs=self.clip_rigs.astype(str),
                clip_floor_y_mm=self.clip_floor_y_mm.astype(np.float32),
                fps=np.array(self.fps),
                joint_names=np.array(H36M17.joint_names),
            )
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> MocapDataset:
        """Read a file written by :meth:`save` (never unpickles)."""
        path = Path(path)
        if not path.is_file():
            raise DataError(f"{path}: no such dataset file; make one with `abspose data cmu`")
        try:
            loaded = np.load(path, allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):
                raise DataError(f"{path}: not an abspose mocap dataset (expected an .npz archive)")
            with loaded as f:
                if str(f["format"]) != _FORMAT:
                    raise DataError(f"{path}: expected format {_FORMAT}, got {f['format']}")
                if tuple(f["joint_names"].tolist()) != H36M17.joint_names:
                    raise DataError(f"{path}: joints are not in the H36M-17 order")
                return cls(
                    joints_world_mm=f["joints_world_mm"],
                    clip_index=f["clip_index"],
                    frame_index=f["frame_index"],
                    clip_names=f["clip_names"],
                    clip_subjects=f["clip_subjects"],
                    clip_rigs=f["clip_rigs"],
                    clip_floor_y_mm=f["clip_floor_y_mm"],
                    fps=float(f["fps"]),
                )
        except DataError as exc:
            if str(exc).startswith(str(path)):
                raise
            raise DataError(f"{path}: {exc}") from None
        except UNREADABLE_ARCHIVE as exc:
            raise DataError(f"{path}: not an abspose mocap dataset ({type(exc).__name__}: {exc})") from exc
