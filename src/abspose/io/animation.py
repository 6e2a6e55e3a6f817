"""Animation exports of tracked people: BVH (Blender, MotionBuilder) and OpenSim TRC.

Both files are in a **Y-up** world made from the camera frame by a half turn about x:
``X = x, Y = -y, Z = -z`` (x right, y up, the camera looking along -Z), so a standing person
stands up in Blender / OpenSim and the camera sits at the origin. Each tracked person gets
their own file, from the first to the last frame they were seen.

- **TRC**: the 17 joints as markers [mm]; frames where the person was not seen are left
  blank (OpenSim treats blank markers as missing).
- **BVH**: a 17-joint hierarchy rooted at the pelvis, in metres (Blender's unit) by default.
  Every joint has position *and* rotation channels, because lifted bone lengths vary a
  little from frame to frame: the position channels make the joints land exactly where
  abspose put them (the usual BVH reading, as in Blender and bvhio: a joint's position
  channels replace its ``OFFSET``). The rotations are meaningful for retargeting: each joint
  turns its rest bone (a T-pose with the track's median bone lengths) onto the lifted bone by
  the smallest rotation; the pelvis and thorax, with several children, by the rotation that
  best fits all of them. Gaps where the person was not seen are filled by linear
  interpolation (a BVH has no missing frames).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from abspose._checks import check_points
from abspose._files import atomic_path, write_text_atomic
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17

if TYPE_CHECKING:
    from abspose.pipeline import PeopleInFrame

__all__ = [
    "REST_DIRECTIONS",
    "BvhMotionData",
    "Track",
    "TrackRecorder",
    "bvh_motion",
    "camera_to_y_up",
    "export_tracks",
    "write_bvh",
    "write_trc",
]

#: Rest (T-pose) bone directions in the Y-up frame, person facing the camera (+Z): their
#: left is +X. Keyed by the bone's child joint.
REST_DIRECTIONS: dict[str, tuple[float, float, float]] = {
    "r_hip": (-1, 0, 0), "r_knee": (0, -1, 0), "r_ankle": (0, -1, 0),
    "l_hip": (1, 0, 0), "l_knee": (0, -1, 0), "l_ankle": (0, -1, 0),
    "spine": (0, 1, 0), "thorax": (0, 1, 0), "nose": (0, 1, 0), "head_top": (0, 1, 0),
    "l_shoulder": (1, 0, 0), "l_elbow": (1, 0, 0), "l_wrist": (1, 0, 0),
    "r_shoulder": (-1, 0, 0), "r_elbow": (-1, 0, 0), "r_wrist": (-1, 0, 0),
}  # fmt: skip

_UNIT_PER_MM = {"m": 1e-3, "cm": 0.1, "mm": 1.0}
_BVH_CHANNELS = ["Xposition", "Yposition", "Zposition", "Zrotation", "Xrotation", "Yrotation"]


def camera_to_y_up(points_cam: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(..., 3)`` camera frame (x right, y down, z forward) → Y-up (x, -y, -z); its own inverse."""
    result: NDArray[np.float64] = np.asarray(points_cam, dtype=np.float64) * np.array([1.0, -1.0, -1.0])
    return result


@dataclass(frozen=True)
class Track:
    """One person's motion in a video.

    Attributes:
        person_id: the tracker's id.
        frame_indices: ``(T,)`` the video frames the person was lifted in, increasing.
        joints_cam_mm: ``(T, 17, 3)`` their H36M-17 joints in those frames, camera frame [mm].
    """

    person_id: int
    frame_indices: NDArray[np.int64]
    joints_cam_mm: NDArray[np.float64]

    def __post_init__(self) -> None:
        joints = check_points(
            self.joints_cam_mm, "joints_cam_mm", dim=3, joints=H36M17.num_joints, min_ndim=3
        )
        frames = np.asarray(self.frame_indices)
        if frames.shape != joints.shape[:1]:
            raise AbsPoseError(
                f"person {self.person_id}: expected one frame index per pose ({joints.shape[0]}), "
                f"got frame_indices of shape {frames.shape}"
            )
        if np.any(np.diff(frames) <= 0):
            raise AbsPoseError(f"person {self.person_id}: frame_indices must increase strictly")

    def dense(self) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
        """Every frame from the first to the last one seen, gaps linearly interpolated.

        Returns:
            frames ``(N,)``, joints_cam_mm ``(N, 17, 3)``, seen ``(N,)`` (False: interpolated).
        """
        frames = np.arange(self.frame_indices[0], self.frame_indices[-1] + 1)
        flat = self.joints_cam_mm.reshape(len(self.frame_indices), -1)  # (T, 51)
        dense = np.stack([np.interp(frames, self.frame_indices, col) for col in flat.T], axis=1)
        return frames, dense.reshape(len(frames), -1, 3), np.isin(frames, self.frame_indices)


class TrackRecorder:
    """Collects each person's lifted joints from :func:`~abspose.pipeline.track_video` frames
    (51 floats per person and frame: a 10-minute 30 fps video with 3 people is about 22 MB)."""

    def __init__(self) -> None:
        self._frames: dict[int, list[int]] = {}
        self._joints: dict[int, list[NDArray[np.float64]]] = {}

    def add(self, frame: PeopleInFrame) -> None:
        """Record everyone lifted in ``frame``."""
        for k, tid in enumerate(frame.track_ids.tolist()):
            self._frames.setdefault(tid, []).append(frame.index)
            self._joints.setdefault(tid, []).append(np.asarray(frame.lifted.joints_cam_mm[k], np.float64))

    def tracks(self) -> list[Track]:
        """One :class:`Track` per person id, by id."""
        return [
            Track(tid, np.asarray(self._frames[tid], np.int64), np.stack(self._joints[tid]))
            for tid in sorted(self._frames)
        ]


def write_trc(path: str | Path, track: Track, fps: float) -> Path:
    """Write one track as an OpenSim TRC marker file [mm], Y up; unseen frames are blank.

    Args:
        path: the ``.trc`` file (written atomically).
        track: the person's motion.
        fps: the video's frame rate [frames/s].
    """
    _check_fps(fps)
    frames = np.arange(track.frame_indices[0], track.frame_indices[-1] + 1)
    markers = np.full((len(frames), H36M17.num_joints, 3), np.nan)  # (N, 17, 3) Y up [mm]
    markers[track.frame_indices - frames[0]] = camera_to_y_up(track.joints_cam_mm)
    names = H36M17.joint_names
    path = Path(path)
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{fps:.6g}\t{fps:.6g}\t{len(frames)}\t{len(names)}\tmm\t{fps:.6g}\t{frames[0] + 1}\t{len(frames)}",
        "Frame#\tTime\t" + "\t".join(f"{n}\t\t" for n in names).rstrip("\t"),
        "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, len(names) + 1)),
        "",
    ]
    for row, frame in enumerate(frames):
        values = ["" if not np.isfinite(v) else f"{v:.2f}" for v in markers[row].ravel()]
        lines.append(f"{frame + 1}\t{frame / fps:.5f}\t" + "\t".join(values))
    return write_text_atomic(path, "\n".join(lines) + "\n")


@dataclass(frozen=True)
class BvhMotionData:
    """What a BVH file holds, before writing (Y-up frame, the file's unit).

    Attributes:
        offsets: ``(17, 3)`` rest offsets (T-pose, the track's median bone lengths).
        end_sites: ``(17, 3)`` End Site offsets (used for joints without children).
        local_positions: ``(N, 17, 3)`` each joint's position channels, in its parent's frame.
        local_rotations: ``(N, 17, 3, 3)`` each joint's rotation relative to its parent.
    """

    offsets: NDArray[np.float64]
    end_sites: NDArray[np.float64]
    local_positions: NDArray[np.float64]
    local_rotations: NDArray[np.float64]


def _shortest_arc(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(..., 3, 3)`` the smallest rotation turning direction ``a (..., 3)`` onto ``b (..., 3)``."""
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b = b / np.maximum(np.linalg.norm(b, axis=-1, keepdims=True), 1e-12)
    axis = np.cross(a, b)
    sin = np.linalg.norm(axis, axis=-1)
    angle = np.arctan2(sin, np.sum(a * b, axis=-1))
    # a and b opposite: any axis perpendicular to a
    helper = np.where(np.abs(a[..., :1]) < 0.9, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    fallback = np.cross(a, helper)
    axis = np.where((sin < 1e-9)[..., None], fallback, axis)
    axis = axis / np.linalg.norm(axis, axis=-1, keepdims=True)
    result: NDArray[np.float64] = (
        Rotation.from_rotvec((axis * angle[..., None]).reshape(-1, 3)).as_matrix().reshape(*a.shape, 3)
    )
    return result


def _best_rotation(rest: NDArray[np.float64], target: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(N, 3, 3)`` rotations R minimizing Σ|R rest_k - target_k|² (Kabsch).

    Args:
        rest: ``(K, 3)`` vectors at rest. target: ``(N, K, 3)`` the vectors to reach.
    """
    h = np.einsum("ki,nkj->nij", rest, target)  # (N, 3, 3) cross-covariance
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(np.einsum("nji,nkj->nik", vt, u)))  # (N,) reflection fix
    fix = np.zeros((len(d), 3, 3))
    fix[:, 0, 0] = fix[:, 1, 1] = 1.0
    fix[:, 2, 2] = np.where(d == 0, 1.0, d)
    result: NDArray[np.float64] = np.einsum("nji,njk,nlk->nil", vt, fix, u)  # V diag U^T
    return result


def bvh_motion(joints_y_up: NDArray[np.float64]) -> BvhMotionData:
    """Rest pose, position channels and joint rotations reproducing ``joints_y_up`` exactly.

    Args:
        joints_y_up: ``(N, 17, 3)`` H36M-17 joints, Y-up frame, any length unit.
    """
    joints = check_points(joints_y_up, "joints_y_up", dim=3, joints=H36M17.num_joints, min_ndim=3)
    n = joints.shape[0]
    parents = H36M17.parent_indices
    names = H36M17.joint_names
    offsets = np.zeros((len(names), 3))
    for j, p in enumerate(parents):
        if p >= 0:
            length = float(np.median(np.linalg.norm(joints[:, j] - joints[:, p], axis=-1)))
            offsets[j] = np.asarray(REST_DIRECTIONS[names[j]], np.float64) * max(length, 1e-9)
    children = {j: [c for c, p in enumerate(parents) if p == j] for j in range(len(names))}
    end_sites = np.zeros((len(names), 3))
    world_rot = np.zeros((n, len(names), 3, 3))
    local_rot = np.zeros((n, len(names), 3, 3))
    local_pos = np.zeros((n, len(names), 3))
    for j in H36M17.topological_order:
        p = parents[j]
        parent_rot = world_rot[:, p] if p >= 0 else np.broadcast_to(np.eye(3), (n, 3, 3))
        anchor = joints[:, p] if p >= 0 else np.zeros((n, 3))
        local_pos[:, j] = np.einsum("nji,nj->ni", parent_rot, joints[:, j] - anchor)
        kids = children[j]
        if not kids:
            local_rot[:, j] = np.eye(3)
            end_sites[j] = offsets[j] * 0.25
        else:
            # the children's offsets from this joint, in the parent's frame: (N, K, 3)
            seen = np.einsum("nji,nkj->nki", parent_rot, joints[:, kids] - joints[:, j : j + 1])
            if len(kids) == 1:
                local_rot[:, j] = _shortest_arc(np.broadcast_to(offsets[kids[0]], (n, 3)), seen[:, 0])
            else:
                local_rot[:, j] = _best_rotation(offsets[kids], seen)
        world_rot[:, j] = parent_rot @ local_rot[:, j]
    return BvhMotionData(offsets, end_sites, local_pos, local_rot)


def write_bvh(path: str | Path, track: Track, fps: float, unit: Literal["m", "cm", "mm"] = "m") -> Path:
    """Write one track as a BVH animation (Y up; see the module notes), with bvhio.

    Args:
        path: the ``.bvh`` file (written atomically).
        track: the person's motion; gaps are linearly interpolated.
        fps: the video's frame rate [frames/s].
        unit: the file's length unit (Blender reads metres at import scale 1).
    """
    import bvhio  # local: bvhio pulls in PyGLM
    import glm

    _check_fps(fps)
    if unit not in _UNIT_PER_MM:
        raise AbsPoseError(f"BVH unit must be one of {sorted(_UNIT_PER_MM)}, got {unit!r}")
    _, joints_cam_mm, _ = track.dense()
    data = bvh_motion(camera_to_y_up(joints_cam_mm) * _UNIT_PER_MM[unit])
    quats = Rotation.from_matrix(data.local_rotations.reshape(-1, 3, 3)).as_quat()  # (N*17, 4) xyzw
    quats = quats.reshape(*data.local_rotations.shape[:2], 4)
    nodes: list[bvhio.BvhJoint] = []
    for j, name in enumerate(H36M17.joint_names):
        node = bvhio.BvhJoint(name, glm.vec3(*data.offsets[j]))
        node.EndSite = glm.vec3(*data.end_sites[j])
        node.Channels = list(_BVH_CHANNELS)
        node.Keyframes = [
            bvhio.Pose(glm.vec3(*pos), glm.quat(q[3], q[0], q[1], q[2]))
            for pos, q in zip(data.local_positions[:, j], quats[:, j], strict=True)
        ]
        nodes.append(node)
    for j, p in enumerate(H36M17.parent_indices):
        if p >= 0:
            nodes[p].Children.append(nodes[j])
    container = bvhio.BvhContainer(nodes[H36M17.root_index], len(quats), 1.0 / fps)
    path = Path(path)
    with atomic_path(path, suffix=".bvh") as tmp:
        bvhio.writeBvh(tmp, container, percision=6)
    return path


def export_tracks(
    path: str | Path, tracks: Iterable[Track], fps: float, *, min_frames: int = 1
) -> list[Path]:
    """Write each track to ``<stem>_id<N><suffix>`` beside ``path`` (``.bvh`` or ``.trc``).

    Args:
        path: e.g. ``motion.bvh`` → ``motion_id0.bvh``, ``motion_id1.bvh``, ...
        tracks: the people to write.
        fps: the video's frame rate [frames/s].
        min_frames: skip people lifted in fewer frames than this.

    Returns:
        The files written, by person id.
    """
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".bvh", ".trc"):
        raise AbsPoseError(f"{path}: expected an animation file ending in .bvh or .trc")
    written: list[Path] = []
    for track in tracks:
        if len(track.frame_indices) < min_frames:
            continue
        out = path.with_name(f"{path.stem}_id{track.person_id}{path.suffix}")
        written.append(write_bvh(out, track, fps) if kind == ".bvh" else write_trc(out, track, fps))
    return written


def _check_fps(fps: float) -> None:
    if not (np.isfinite(fps) and fps > 0):
        raise AbsPoseError(f"frame rate must be a positive number of frames per second, got {fps}")
