"""Training inputs drawn afresh every epoch: body sizes, virtual cameras, horizontal flips,
and 2D detector errors sampled from an error model."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.data.frames import CameraFrames
from abspose.data.mocap.augment import BodyScaleConfig
from abspose.data.mocap.body import BodyModelConfig
from abspose.data.mocap.cameras import VirtualCameraConfig
from abspose.data.mocap.dataset import MocapDataset
from abspose.data.mocap.postures import PostureConfig
from abspose.data.mocap.samples import sample_views
from abspose.errors import AbsPoseError
from abspose.geometry.flip import flip_joints_cam, flip_keypoints_px
from abspose.geometry.normalize import pose_scale
from abspose.noise.model import ErrorModel
from abspose.skeletons import H36M17

__all__ = ["draw_epoch", "frames_epoch"]


def draw_epoch(
    dataset: MocapDataset,
    rng: np.random.Generator,
    cameras: VirtualCameraConfig,
    body: BodyModelConfig | BodyScaleConfig,
    *,
    augment_body: bool = True,
    flip: bool = True,
    noise: ErrorModel | None = None,
    postures: PostureConfig | None = None,
    noise_fraction: float = 1.0,
) -> CameraFrames:
    """New virtual cameras (bodies, postures) for every frame; half the samples mirrored if ``flip``.

    The flip mirrors the image about the principal point and the camera frame about its y-z
    plane, swapping left and right joints, so the pair stays a valid projection. With an
    error model, each sample's keypoints get errors drawn from it, scaled by the sample's
    true pose scale σ_pose (paper Sec. 4.2: GT 2D + synthesized errors, fresh every epoch).
    """
    _check_noise(noise)
    views = sample_views(
        dataset.joints_world_mm,
        dataset.floor_y_mm,
        rng,
        cameras,
        body,
        augment=augment_body,
        postures=postures,
    )
    stature = views.stature_mm if views.stature_mm is not None else np.full(len(views.focal_px), np.nan)
    return _augment(
        views.keypoints_px,
        views.joints_cam_mm,
        views.principal_px,
        views.focal_px,
        views.image_size_px,
        stature,
        rng,
        flip,
        noise,
        noise_fraction,
    )


def frames_epoch(
    frames: CameraFrames,
    rng: np.random.Generator,
    *,
    flip: bool = True,
    noise: ErrorModel | None = None,
    noise_fraction: float = 1.0,
) -> CameraFrames:
    """One epoch of a benchmark's own frames and real cameras (Human3.6M, MPI-INF-3DHP): the
    same flip and error synthesis as :func:`draw_epoch`, no virtual cameras or body changes."""
    from abspose.data.mocap.augment import skeleton_stature_mm

    _check_noise(noise)
    stature = skeleton_stature_mm(frames.joints_cam_mm)
    return _augment(
        frames.keypoints_px,
        frames.joints_cam_mm,
        frames.principal_px,
        frames.focal_px,
        frames.image_size_px,
        stature,
        rng,
        flip,
        noise,
        noise_fraction,
    )


def _check_noise(noise: ErrorModel | None) -> None:
    if noise is not None and noise.joint_names != H36M17.joint_names:
        raise AbsPoseError(
            f"noise: expected an error model over the H36M-17 joints, got joints {noise.joint_names}"
        )


def _augment(
    kp: NDArray[np.floating[Any]],
    cam: NDArray[np.floating[Any]],
    principal: NDArray[np.floating[Any]],
    focal: NDArray[np.floating[Any]],
    image_size: NDArray[np.int64],
    stature: NDArray[np.floating[Any]],
    rng: np.random.Generator,
    flip: bool,
    noise: ErrorModel | None,
    noise_fraction: float = 1.0,
) -> CameraFrames:
    """Mirror half the samples (if ``flip``), add sampled 2D errors (if ``noise``) to a share
    ``noise_fraction`` of them (the others keep exact 2D)."""
    mirror = rng.random(len(kp)) < 0.5 if flip else np.zeros(len(kp), dtype=bool)
    if mirror.any():
        kp = kp.copy()
        cam = cam.copy()
        kp[mirror] = flip_keypoints_px(kp[mirror], principal[mirror, 0])
        cam[mirror] = flip_joints_cam(cam[mirror])
    if noise is not None:
        errors = noise.sample_px(pose_scale(kp), rng)  # (N, 17, 2)
        if noise_fraction < 1.0:
            errors = errors * (rng.random(len(kp)) < noise_fraction)[:, None, None]
        kp = kp + errors
    return CameraFrames(  # float32: what the network takes
        keypoints_px=kp.astype(np.float32),
        principal_px=principal.astype(np.float32),
        focal_px=focal.astype(np.float32),
        joints_cam_mm=cam.astype(np.float32),
        image_size_px=np.asarray(image_size, dtype=np.int64),
        stature_mm=stature.astype(np.float32),
    )
