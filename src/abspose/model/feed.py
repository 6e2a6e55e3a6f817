"""Training inputs drawn afresh every epoch: body sizes, virtual cameras, horizontal flips."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from abspose.data.augment import BodyScaleConfig
from abspose.data.cameras import VirtualCameraConfig
from abspose.data.dataset import MocapDataset
from abspose.data.samples import sample_views
from abspose.geometry.flip import flip_joints_cam, flip_keypoints_px

__all__ = ["LiftingArrays", "draw_epoch"]


@dataclass(frozen=True)
class LiftingArrays:
    """One epoch's samples (float32).

    Attributes:
        keypoints_px: ``(N, 17, 2)``. principal_px: ``(N, 2)``. focal_px: ``(N,)``.
        joints_cam_mm: ``(N, 17, 3)``. stature_mm: ``(N,)``.
    """

    keypoints_px: NDArray[np.float32]
    principal_px: NDArray[np.float32]
    focal_px: NDArray[np.float32]
    joints_cam_mm: NDArray[np.float32]
    stature_mm: NDArray[np.float32]


def draw_epoch(
    dataset: MocapDataset,
    rng: np.random.Generator,
    cameras: VirtualCameraConfig,
    body: BodyScaleConfig,
    *,
    augment_body: bool = True,
    flip: bool = True,
) -> LiftingArrays:
    """New virtual cameras (and bodies) for every frame; half the samples mirrored if ``flip``.

    The flip mirrors the image about the principal point and the camera frame about its y-z
    plane, swapping left and right joints, so the pair stays a valid projection.
    """
    views = sample_views(
        dataset.joints_world_mm, dataset.floor_y_mm, rng, cameras, body, augment=augment_body
    )
    kp, cam = views.keypoints_px, views.joints_cam_mm
    mirror = rng.random(len(kp)) < 0.5 if flip else np.zeros(len(kp), dtype=bool)
    if mirror.any():
        kp = kp.copy()
        cam = cam.copy()
        kp[mirror] = flip_keypoints_px(kp[mirror], views.principal_px[mirror, 0])
        cam[mirror] = flip_joints_cam(cam[mirror])
    stature = views.stature_mm if views.stature_mm is not None else np.full(len(kp), np.nan)
    return LiftingArrays(
        keypoints_px=kp.astype(np.float32),
        principal_px=views.principal_px.astype(np.float32),
        focal_px=views.focal_px.astype(np.float32),
        joints_cam_mm=cam.astype(np.float32),
        stature_mm=stature.astype(np.float32),
    )
