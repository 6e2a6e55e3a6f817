"""Held-out real people as benchmark frames: posture labels, the joint convention, virtual cameras.

:func:`view_frames` turns the frames of a :class:`MocapDataset` (real people held out by
person) into :class:`~abspose.data.frames.CameraFrames` seen by virtual cameras, with each
person's **own** body, so the benchmark measures bodies the model never saw. Only the two
widths are brought to the Human3.6M-17 convention (:func:`h36m_widths`): marker-based hip joint
centres sit 90-95 mm from the pelvis, Human3.6M's hip joints 135 mm (its shoulders likewise),
and a benchmark must score the joints the product claims to output.

Posture labels (:func:`posture_labels`) come from the trial name and the pelvis height ``h``
over the leg length (thigh + shin + ankle height; standing is about 0.95):

=================  ===============================================
label              frames
=================  ===============================================
``sit``            sit-to-stand trials, ``h < 0.72``
``sit-transition`` sit-to-stand trials, ``0.72 <= h <= 0.88``
``squat``          squat trials, ``h < 0.8``
``stand``          static trials; sit-to-stand ``h > 0.88``; squat ``h >= 0.8``; idle clips
``walk``           walking trials
``jump``           drop jumps
``other``          everything else (CMU clips: ``cmu``)
=================  ===============================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.data.frames import CameraFrames
from abspose.data.mocap.augment import ANKLE_HEIGHT_MM
from abspose.data.mocap.body import H36M_TRAINING_BONES_MM, body_lengths_mm, retarget
from abspose.data.mocap.cameras import VirtualCameraConfig
from abspose.data.mocap.dataset import MocapDataset
from abspose.data.mocap.samples import sample_views
from abspose.errors import DataError
from abspose.skeletons import H36M17

__all__ = ["POSTURE_LABELS", "h36m_widths", "posture_labels", "view_frames"]

POSTURE_LABELS = ("sit", "sit-transition", "squat", "stand", "walk", "jump", "cmu", "other")


def _leg_ratio(joints: NDArray[np.float64], floor_y: NDArray[np.float64]) -> NDArray[np.float64]:
    L = body_lengths_mm(joints)
    leg = L[:, H36M17.indices(["l_knee", "r_knee"])].mean(-1) + L[
        :, H36M17.indices(["l_ankle", "r_ankle"])
    ].mean(-1)
    return np.asarray((joints[:, H36M17.root_index, 1] - floor_y) / (leg + ANKLE_HEIGHT_MM), dtype=np.float64)


def posture_labels(dataset: MocapDataset) -> NDArray[np.str_]:
    """``(N,)`` posture label of every frame (see the module docstring)."""
    names = np.char.lower(dataset.clip_names.astype(str))[dataset.clip_index]
    rigs = dataset.clip_rigs.astype(str)[dataset.clip_index]
    h = _leg_ratio(dataset.joints_world_mm.astype(np.float64), dataset.floor_y_mm.astype(np.float64))
    out = np.full(len(dataset), "other", dtype="<U16")
    has = np.vectorize(lambda s, key: key in s.rsplit("/", 1)[-1])
    sts, squat = has(names, "sts"), has(names, "squat") | has(names, "dls")
    out[rigs == "reactidle"] = "stand"
    out[np.isin(rigs, ("daz", "iclone", "cmu_asf"))] = "cmu"
    out[has(names, "static")] = "stand"
    out[has(names, "walk")] = "walk"
    out[has(names, "dj")] = "jump"
    out[squat] = np.where(h[squat] < 0.8, "squat", "stand")
    out[sts] = np.select([h[sts] < 0.72, h[sts] <= 0.88], ["sit", "sit-transition"], "stand")
    return out


def h36m_widths(joints_mm: Any) -> NDArray[np.float64]:
    """``(N, 17, 3)`` poses with the pelvis-hip and thorax-shoulder bones set to Human3.6M's
    proportion of each pose's own thigh and upper arm; every other bone and direction kept
    (through :func:`~abspose.data.mocap.body.retarget`, which keeps the knees and elbows in place)."""
    P = np.asarray(joints_mm, dtype=np.float64)
    L = body_lengths_mm(P)
    hips, knees = H36M17.indices(["l_hip", "r_hip"]), H36M17.indices(["l_knee", "r_knee"])
    shoulders, elbows = H36M17.indices(["l_shoulder", "r_shoulder"]), H36M17.indices(["l_elbow", "r_elbow"])
    b = H36M_TRAINING_BONES_MM
    L[:, hips] = (L[:, knees].mean(-1) * b["hip_width"] / b["thigh"])[:, None]
    L[:, shoulders] = (L[:, elbows].mean(-1) * b["shoulder_width"] / b["upper_arm"])[:, None]
    return retarget(P, L)


def view_frames(
    dataset: MocapDataset,
    rng: np.random.Generator,
    cameras: VirtualCameraConfig | None = None,
    *,
    views_per_frame: int = 1,
    name: str = "",
) -> CameraFrames:
    """Each frame of ``dataset`` seen by ``views_per_frame`` virtual cameras, with the person's own
    body (widths to the convention, :func:`h36m_widths`). ``group`` holds :func:`posture_labels`,
    ``subject`` the person number, ``action`` the clip name."""
    if len(dataset) == 0:
        raise DataError("view_frames: the dataset has no frames")
    joints = h36m_widths(np.repeat(dataset.joints_world_mm.astype(np.float64), views_per_frame, axis=0))
    floor = np.repeat(dataset.floor_y_mm.astype(np.float64), views_per_frame)
    views = sample_views(joints, floor, rng, cameras, augment=False)

    def rep(a: NDArray[Any]) -> NDArray[Any]:
        return np.repeat(a, views_per_frame)

    return CameraFrames(
        joints_cam_mm=views.joints_cam_mm,
        keypoints_px=views.keypoints_px,
        focal_px=views.focal_px,
        principal_px=views.principal_px,
        image_size_px=views.image_size_px.astype(np.int64),
        subject=rep(dataset.subjects.astype(str)),
        action=rep(dataset.clip_names.astype(str)[dataset.clip_index]),
        camera=np.array([f"virtual{k}" for k in range(len(joints))]),
        group=rep(posture_labels(dataset)),
        frame=rep(dataset.frame_index.astype(np.int64)),
        name=name,
    )
