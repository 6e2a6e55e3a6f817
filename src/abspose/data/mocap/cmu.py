"""Convert the CMU motion-capture BVH releases to an H36M-17 :class:`MocapDataset`.

File names carry the CMU subject and trial (``02_01.bvh``, ``002_01.bvh``); the rig is
recognised from the joint names. Each clip is mapped to H36M-17 in millimetres, leading
T-poses are dropped, and the clip is resampled to a common frame rate by linear
interpolation of joint positions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from abspose.data.mocap.augment import ANKLE_HEIGHT_MM
from abspose.data.mocap.bvh import check_bvh_structure, read_bvh
from abspose.data.mocap.dataset import MocapDataset
from abspose.data.mocap.rigs import Rig, detect_rig
from abspose.data.paths import sample_bvh_path
from abspose.errors import DataError
from abspose.skeletons import H36M17

__all__ = [
    "Clip",
    "convert_bvh",
    "convert_cmu",
    "find_bvh_files",
    "floor_height_mm",
    "header_fps",
    "leading_tpose_frames",
    "resample",
    "sample_dataset",
]

_NAME = re.compile(r"^(\d+)_(\d+)$")


@dataclass(frozen=True)
class Clip:
    """One converted clip.

    Attributes:
        name: ``folder/stem``, e.g. ``"daz/02_01"``.
        subject, trial: CMU numbers from the file name.
        rig: the rig's name.
        joints_world_mm: ``(F, 17, 3)`` H36M-17 joints in the BVH world, y up [mm].
        fps: frame rate of ``joints_world_mm`` [Hz].
        dropped_frames: leading frames removed (prepended T-pose or calibration pose).
    """

    name: str
    subject: int
    trial: int
    rig: str
    joints_world_mm: NDArray[np.float64]
    fps: float
    dropped_frames: int


def find_bvh_files(bvh_dir: str | Path) -> list[Path]:
    """All ``*.bvh`` files below ``bvh_dir``, sorted."""
    bvh_dir = Path(bvh_dir)
    if not bvh_dir.is_dir():
        raise DataError(
            f"{bvh_dir}: not a directory; pass --bvh-dir pointing at the CMU BVH folder "
            "(e.g. $ABSPOSE_DATA/cmu-bvh)"
        )
    files = sorted(bvh_dir.rglob("*.bvh"))
    if not files:
        raise DataError(f"{bvh_dir}: no .bvh files found below it")
    return files


def _subject_trial(path: Path) -> tuple[int, int]:
    match = _NAME.match(path.stem)
    if match is None:
        raise DataError(f"{path}: expected a CMU file name SUBJECT_TRIAL.bvh (e.g. 02_01.bvh)")
    return int(match.group(1)), int(match.group(2))


def leading_tpose_frames(joints_mm: NDArray[np.float64]) -> int:
    """Number of leading frames in a T-pose (both arms straight out sideways).

    A frame counts as a T-pose when both upper arms and forearms point within 25° of
    horizontal and away from the body. Returns 0 when the clip does not start so.
    """
    n = 0
    for frame in joints_mm:
        if not _is_tpose(frame):
            break
        n += 1
    return n


def _is_tpose(frame: NDArray[np.float64]) -> bool:
    up = np.array([0.0, 1.0, 0.0])
    for side in ("l", "r"):
        s, e, w = (frame[H36M17.index(f"{side}_{p}")] for p in ("shoulder", "elbow", "wrist"))
        outward = s - frame[H36M17.index("thorax")]
        for a, b in ((s, e), (e, w)):
            d = (b - a) / np.linalg.norm(b - a)
            if abs(d @ up) > np.sin(np.radians(25)) or d @ outward <= 0:
                return False
    return True


def floor_height_mm(joints_world_mm: NDArray[np.float64]) -> float:
    """Floor height of a clip [mm]: 2nd percentile of the lower ankle, less the ankle height."""
    lower_ankle = joints_world_mm[:, H36M17.indices(["l_ankle", "r_ankle"]), 1].min(-1)
    return float(np.percentile(lower_ankle, 2) - ANKLE_HEIGHT_MM)


def header_fps(frame_time_s: float) -> float:
    """Frame rate from a BVH header's rounded frame time, snapped to a whole number of Hz
    when within 0.1% of one (``0.016667`` s means 60 Hz, not 59.9988 Hz)."""
    if not frame_time_s > 0:
        raise DataError(f"BVH frame time must be > 0 s, got {frame_time_s}")
    fps = 1.0 / frame_time_s
    return float(round(fps)) if abs(fps - round(fps)) < 1e-3 * fps else fps


def resample(joints: NDArray[np.float64], src_fps: float, dst_fps: float) -> NDArray[np.float64]:
    """Linearly interpolate ``(F, J, 3)`` positions from ``src_fps`` to ``dst_fps``."""
    if dst_fps <= 0 or src_fps <= 0:
        raise DataError(f"frame rates must be > 0, got {src_fps} -> {dst_fps}")
    n_src = joints.shape[0]
    if abs(src_fps - dst_fps) < 1e-6 or n_src == 1:
        return joints.copy()
    position = np.arange(int(np.floor((n_src - 1) * dst_fps / src_fps + 1e-9)) + 1) * (src_fps / dst_fps)
    i = np.minimum(np.floor(position + 1e-9).astype(np.int64), n_src - 2)  # (F_dst,) left source frame
    w = np.clip(position - i, 0.0, 1.0)
    w = np.where(w < 1e-9, 0.0, w)[:, None, None]
    result: NDArray[np.float64] = (1.0 - w) * joints[i] + w * joints[i + 1]
    return result


def convert_bvh(path: str | Path, fps: float | None = None, rig: Rig | None = None) -> Clip:
    """Convert one BVH file to an H36M-17 clip, optionally resampled to ``fps``."""
    path = Path(path)
    import bvhio  # local: only conversion needs it

    if rig is None:
        check_bvh_structure(path)
        try:
            header = bvhio.readAsBvh(str(path), loadKeyFrames=False)
        except (OSError, SyntaxError, ValueError, IndexError) as exc:
            raise DataError(f"{path}: cannot read as BVH ({exc})") from exc
        rig = detect_rig([j.Name for j, _, _ in header.Root.layout()])
    subject, trial = _subject_trial(path)
    motion = read_bvh(path, rig.required_joints())
    joints = rig.to_h36m17_mm(motion)
    dropped = int(rig.drop_first_frame)
    tpose = leading_tpose_frames(joints)
    joints = joints[tpose:]
    if joints.shape[0] == 0:
        raise DataError(f"{path}: no frames left after dropping the leading T-pose")
    src_fps = header_fps(motion.frame_time_s)
    out_fps = fps if fps is not None else src_fps
    return Clip(
        name=f"{path.parent.name}/{path.stem}",
        subject=subject,
        trial=trial,
        rig=rig.name,
        joints_world_mm=resample(joints, src_fps, out_fps),
        fps=out_fps,
        dropped_frames=dropped + tpose,
    )


def convert_cmu(
    bvh_dir: str | Path,
    fps: float = 30.0,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[MocapDataset, list[Clip]]:
    """Convert every BVH below ``bvh_dir`` into one dataset at ``fps``.

    Args:
        bvh_dir: folder searched recursively for ``SUBJECT_TRIAL.bvh`` files.
        fps: common frame rate [Hz].
        progress: called as ``progress(done, total, name)`` after each file.

    Returns:
        The dataset and the per-clip records (for reports).
    """
    files = find_bvh_files(bvh_dir)
    clips: list[Clip] = []
    for k, path in enumerate(files):
        clips.append(convert_bvh(path, fps=fps))
        if progress is not None:
            progress(k + 1, len(files), clips[-1].name)
    joints = np.concatenate([c.joints_world_mm for c in clips]).astype(np.float32)
    clip_index = np.concatenate([np.full(len(c.joints_world_mm), i) for i, c in enumerate(clips)])
    frame_index = np.concatenate([np.arange(len(c.joints_world_mm)) for c in clips])
    dataset = MocapDataset(
        joints_world_mm=joints,
        clip_index=clip_index.astype(np.int32),
        frame_index=frame_index.astype(np.int32),
        clip_names=np.array([c.name for c in clips]),
        clip_subjects=np.array([c.subject for c in clips], dtype=np.int32),
        clip_rigs=np.array([c.rig for c in clips]),
        clip_floor_y_mm=np.array([floor_height_mm(c.joints_world_mm) for c in clips], dtype=np.float32),
        fps=float(fps),
    )
    return dataset, clips


def sample_dataset(repeat: int = 1) -> MocapDataset:
    """The shipped CMU walk (60 frames, one clip) as a dataset, its frames repeated ``repeat``
    times: training and benchmarks that need no downloaded data."""
    if repeat < 1:
        raise DataError(f"repeat: expected >= 1, got {repeat}")
    clip = convert_bvh(sample_bvh_path())
    joints = np.tile(clip.joints_world_mm.astype(np.float32), (repeat, 1, 1))  # (repeat * T, 17, 3)
    n = len(joints)
    return MocapDataset(
        joints_world_mm=joints,
        clip_index=np.zeros(n, dtype=np.int32),
        frame_index=np.arange(n, dtype=np.int32),
        clip_names=np.array([clip.name]),
        clip_subjects=np.array([clip.subject], dtype=np.int32),
        clip_rigs=np.array([clip.rig]),
        clip_floor_y_mm=np.array([floor_height_mm(clip.joints_world_mm)], dtype=np.float32),
        fps=clip.fps,
    )
