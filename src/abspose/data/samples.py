"""Training samples in one call: body-size augmentation, then a virtual camera per pose.

Each body is scaled to a target stature drawn from ``BodyScaleConfig``; the per-bone jitter
that follows moves the stature by a few percent, so recorded statures
(``CameraSamples.stature_mm``) spread slightly beyond the clipping range.

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

from abspose.data.augment import BodyScaleConfig, random_bone_factors, scale_bones, skeleton_stature_mm
from abspose.data.cameras import CameraSamples, VirtualCameraConfig, sample_cameras
from abspose.data.dataset import MocapDataset

__all__ = ["sample_dataset_views", "sample_views"]


def sample_views(
    joints_world_mm: Any,
    floor_y_mm: Any,
    rng: np.random.Generator,
    cameras: VirtualCameraConfig | None = None,
    body: BodyScaleConfig | None = None,
    *,
    augment: bool = True,
) -> CameraSamples:
    """Augment ``(N, 17, 3)`` world poses' body sizes and view each through a virtual camera.

    Args:
        joints_world_mm: ``(N, 17, 3)`` poses in the y-up world [mm].
        floor_y_mm: ``(N,)`` or scalar floor height [mm].
        rng: random generator; the same seed and inputs give the same samples.
        cameras: camera ranges (default :class:`VirtualCameraConfig`).
        body: body-size ranges (default :class:`BodyScaleConfig`).
        augment: False keeps the rigs' own bodies.
    """
    joints = np.asarray(joints_world_mm, dtype=np.float64)
    if augment:
        joints = scale_bones(joints, random_bone_factors(joints, body or BodyScaleConfig(), rng))
    samples = sample_cameras(joints, floor_y_mm, rng, cameras or VirtualCameraConfig())
    return replace(samples, stature_mm=skeleton_stature_mm(joints))


def sample_dataset_views(
    dataset: MocapDataset,
    rng: np.random.Generator,
    cameras: VirtualCameraConfig | None = None,
    body: BodyScaleConfig | None = None,
    *,
    augment: bool = True,
) -> CameraSamples:
    """:func:`sample_views` over every frame of a :class:`MocapDataset`."""
    return sample_views(dataset.joints_world_mm, dataset.floor_y_mm, rng, cameras, body, augment=augment)
