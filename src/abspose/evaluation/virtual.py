"""Evaluate a lifter on held-out motion-capture subjects under virtual cameras.

Ground-truth 2D (projected joints) in, metrics out: MPJPE, PA-MPJPE, MRPE with X/Y/Z, 3DPCK,
AUC, per clip and overall, plus per-sample errors for plots (error vs distance, focal length,
stature). The cameras come from a fixed seed, so two models see the same samples.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from abspose.data.frames import CameraFrames
from abspose.data.mocap.augment import BodyScaleConfig
from abspose.data.mocap.body import BodyModelConfig
from abspose.data.mocap.cameras import VirtualCameraConfig
from abspose.data.mocap.dataset import MocapDataset
from abspose.errors import AbsPoseError
from abspose.evaluation.frames import Evaluation, scored
from abspose.geometry.camera import PinholeCameras
from abspose.geometry.normalize import pose_scale
from abspose.lifters import lift_h36m17
from abspose.model.feed import draw_epoch
from abspose.model.network import AbsPoseLifter
from abspose.model.predict import Prediction
from abspose.noise.model import ErrorModel
from abspose.skeletons import H36M17

__all__ = ["evaluate_lifter"]


def evaluate_lifter(
    model: AbsPoseLifter,
    dataset: MocapDataset,
    *,
    seed: int = 0,
    cameras: VirtualCameraConfig | None = None,
    body: BodyModelConfig | BodyScaleConfig | None = None,
    root: Literal["lifter", "mehta"] = "lifter",
    known_stature: bool = False,
    input_errors: ErrorModel | NDArray[np.float64] | None = None,
    flip_test: bool = False,
) -> Evaluation:
    """Draw one virtual camera (and adult body) per frame from ``seed``, lift, and score.

    ``root="mehta"`` keeps the lifter's root-relative pose but places it with Mehta et al.'s
    closed-form root (the paper's Table 3 baseline). ``known_stature=True`` gives the model
    each body's true stature (:meth:`Prediction.with_stature`): the error left once the
    size-distance ambiguity is taken away.

    ``input_errors`` puts detector errors on the 2D inputs, in units of each pose's scale
    σ_pose: an :class:`ErrorModel` to sample from, or ``(M, 17, 2)`` measured error vectors
    (whole poses, NaN-free) drawn with replacement, so the real errors' correlations across
    joints are kept. ``flip_test=True`` averages each pose's prediction with its mirror
    image's (:func:`~abspose.model.predict.predict_flip_test`).
    """
    arrays = draw_epoch(
        dataset,
        np.random.default_rng([seed, 7]),
        cameras or VirtualCameraConfig(),
        body or BodyModelConfig(),
        flip=False,
    )
    keypoints = arrays.keypoints_px
    if input_errors is not None:
        keypoints = keypoints + _draw_errors(input_errors, keypoints, np.random.default_rng([seed, 11]))
    camera = PinholeCameras.create(arrays.focal_px, arrays.principal_px)
    pred = lift_h36m17(model, keypoints, camera, flip_test)
    if root == "mehta":
        pred = _with_mehta_root(pred, arrays)
    if known_stature:
        pred = pred.with_stature(arrays.stature_mm, keypoints, arrays.focal_px, arrays.principal_px)
    groups = dataset.clip_names[dataset.clip_index].tolist()
    return scored(pred, arrays.joints_cam_mm.astype(np.float64), groups, arrays.focal_px, arrays.stature_mm)


def _draw_errors(
    errors: ErrorModel | NDArray[np.float64], keypoints_px: NDArray[np.float32], rng: np.random.Generator
) -> NDArray[np.float32]:
    scale = pose_scale(keypoints_px)  # (N,)
    if isinstance(errors, ErrorModel):
        return errors.sample_px(scale, rng).astype(np.float32)
    pool = np.asarray(errors, dtype=np.float64)
    if (
        pool.ndim != 3
        or pool.shape[1:] != (H36M17.num_joints, 2)
        or not np.isfinite(pool).all()
        or not len(pool)
    ):
        raise AbsPoseError(f"input_errors: expected (M, 17, 2) finite error vectors, got {pool.shape}")
    picked = pool[rng.integers(0, len(pool), len(scale))]
    return (picked * scale[:, None, None]).astype(np.float32)


def _with_mehta_root(pred: Prediction, arrays: CameraFrames) -> Prediction:
    from abspose.baselines import mehta_root
    from abspose.geometry import Intrinsics

    rel = pred.joints_cam_mm - pred.root_cam_mm[:, None]
    roots = np.empty_like(pred.root_cam_mm)
    for k in range(len(roots)):  # one camera per sample
        f, (cx, cy) = float(arrays.focal_px[k]), arrays.principal_px[k].tolist()
        K = Intrinsics(f, f, cx, cy)
        roots[k] = mehta_root(arrays.keypoints_px[k].astype(np.float64), rel[k], K)
    return Prediction(rel + roots[:, None], roots, roots[:, 2] / arrays.focal_px)
