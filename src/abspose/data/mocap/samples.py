"""Training samples in one call: a body per pose, new postures, then a virtual camera per pose.

Each pose is retargeted to a body drawn from the body model (:mod:`abspose.data.mocap.body`,
``BodyModelConfig``: Human3.6M-17 joint convention, adult anthropometry), then a share of the
poses get a new posture or another pose's limbs (:mod:`abspose.data.mocap.postures`), then a virtual
camera. The older ``BodyScaleConfig`` (the rigs' bodies rescaled to a stature, bone jitter) is
still accepted.

>>> import numpy as np
>>> from abspose.data import convert_bvh, floor_height_mm, sample_bvh_path
>>> clip = convert_bvh(sample_bvh_path())
>>> s = sample_views(clip.joints_world_mm, floor_height_mm(clip.joints_world_mm), np.random.default_rng(0))
>>> s.keypoints_px.shape, s.stature_mm.shape
((60, 17, 2), (60,))
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from abspose.data.frames import CameraFrames
from abspose.data.mocap.augment import BodyScaleConfig, random_bone_factors, scale_bones, skeleton_stature_mm
from abspose.data.mocap.body import BodyModelConfig, retarget, sample_bodies
from abspose.data.mocap.cameras import VirtualCameraConfig, sample_cameras
from abspose.data.mocap.dataset import MocapDataset
from abspose.data.mocap.postures import PostureConfig, augment_postures

__all__ = ["sample_dataset_views", "sample_views"]


def sample_views(
    joints_world_mm: Any,
    floor_y_mm: Any,
    rng: np.random.Generator,
    cameras: VirtualCameraConfig | None = None,
    body: BodyModelConfig | BodyScaleConfig | None = None,
    *,
    augment: bool = True,
    postures: PostureConfig | None = None,
) -> CameraFrames:
    """Give ``(N, 17, 3)`` world poses new bodies (and postures) and view each through a virtual camera.

    Args:
        joints_world_mm: ``(N, 17, 3)`` poses in the y-up world [mm].
        floor_y_mm: ``(N,)`` or scalar floor height [mm].
        rng: random generator; the same seed and inputs give the same samples.
        cameras: camera ranges (default :class:`VirtualCameraConfig`).
        body: the bodies (default :class:`~abspose.data.mocap.body.BodyModelConfig`).
        augment: False keeps the captured bodies.
        postures: posture changes after the body (None: none).
    """
    joints = np.asarray(joints_world_mm, dtype=np.float64)
    if augment:
        if isinstance(body, BodyScaleConfig):
            joints = scale_bones(joints, random_bone_factors(joints, body, rng))
        else:
            joints = retarget(joints, sample_bodies(len(joints), rng, body).bone_lengths_mm)
    if postures is not None:
        joints = augment_postures(joints, floor_y_mm, rng, postures)
    samples = sample_cameras(joints, floor_y_mm, rng, cameras or VirtualCameraConfig())
    return replace(samples, stature_mm=skeleton_stature_mm(joints))


def sample_dataset_views(
    dataset: MocapDataset,
    rng: np.random.Generator,
    cameras: VirtualCameraConfig | None = None,
    body: BodyModelConfig | BodyScaleConfig | None = None,
    *,
    augment: bool = True,
    postures: PostureConfig | None = None,
) -> CameraFrames:
    """:func:`sample_views` over every frame of a :class:`MocapDataset`."""
    return sample_views(
        dataset.joints_world_mm, dataset.floor_y_mm, rng, cameras, body, augment=augment, postures=postures
    )
