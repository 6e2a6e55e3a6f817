"""Evaluate a lifter on held-out subjects under virtual cameras.

Ground-truth 2D (projected joints) in, metrics out: MPJPE, PA-MPJPE, MRPE with X/Y/Z, 3DPCK,
AUC, per clip and overall, plus per-sample errors for plots (error vs distance, focal length,
stature). The cameras come from a fixed seed, so two models see the same samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from abspose.data.augment import BodyScaleConfig
from abspose.data.body import BodyModelConfig
from abspose.data.cameras import VirtualCameraConfig
from abspose.data.dataset import MocapDataset
from abspose.errors import AbsPoseError
from abspose.geometry.normalize import pose_scale
from abspose.metrics import GroupErrors, PoseErrorAccumulator, mpjpe
from abspose.model.feed import LiftingArrays, draw_epoch
from abspose.model.network import AbsPoseLifter
from abspose.model.predict import Prediction
from abspose.noise.model import ErrorModel
from abspose.skeletons import H36M17

__all__ = ["Evaluation", "evaluate_lifter", "plot_evaluation"]


@dataclass(frozen=True)
class Evaluation:
    """Errors of one model on one set of samples.

    Attributes:
        groups: :class:`GroupErrors` per clip name, plus ``"all"``.
        root_error_mm: ``(N,)`` Euclidean root error per sample [mm].
        root_error_xyz_mm: ``(N, 3)`` absolute root error per axis [mm].
        mpjpe_mm: ``(N,)`` root-aligned MPJPE per sample [mm].
        distance_mm: ``(N,)`` true root distance from the camera [mm].
        focal_px: ``(N,)`` focal lengths [px].
        stature_mm: ``(N,)`` skeleton stature of each sampled body [mm].
    """

    groups: dict[str, GroupErrors]
    root_error_mm: NDArray[np.float64]
    root_error_xyz_mm: NDArray[np.float64]
    mpjpe_mm: NDArray[np.float64]
    distance_mm: NDArray[np.float64]
    focal_px: NDArray[np.float64]
    stature_mm: NDArray[np.float64]

    @property
    def relative_depth_error(self) -> float:
        """Mean ``|Z - Z*| / Z*`` of the root."""
        return float((self.root_error_xyz_mm[:, 2] / self.distance_mm).mean())


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
    from abspose.api import _lift_resolved

    pred: Prediction = _lift_resolved(model, keypoints, arrays.principal_px, arrays.focal_px, flip_test)
    gt = arrays.joints_cam_mm.astype(np.float64)
    r = H36M17.root_index
    if root == "mehta":
        pred = _with_mehta_root(pred, arrays)
    if known_stature:
        pred = pred.with_stature(arrays.stature_mm, keypoints, arrays.focal_px, arrays.principal_px)
    acc = PoseErrorAccumulator()
    names = dataset.clip_names[dataset.clip_index].tolist()
    acc.update(pred.joints_cam_mm, gt, pred_root_mm=pred.root_cam_mm, gt_root_mm=gt[:, r], groups=names)
    diff = pred.root_cam_mm - gt[:, r]
    return Evaluation(
        groups=acc.compute(),
        root_error_mm=np.linalg.norm(diff, axis=-1),
        root_error_xyz_mm=np.abs(diff),
        mpjpe_mm=mpjpe(pred.joints_cam_mm, gt, reduction="none"),
        distance_mm=np.linalg.norm(gt[:, r], axis=-1),
        focal_px=arrays.focal_px.astype(np.float64),
        stature_mm=arrays.stature_mm.astype(np.float64),
    )


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


def _with_mehta_root(pred: Prediction, arrays: LiftingArrays) -> Prediction:
    from abspose.baselines import mehta_root
    from abspose.geometry import Intrinsics

    rel = pred.joints_cam_mm - pred.root_cam_mm[:, None]
    roots = np.empty_like(pred.root_cam_mm)
    for k in range(len(roots)):  # one camera per sample
        f, (cx, cy) = float(arrays.focal_px[k]), arrays.principal_px[k].tolist()
        K = Intrinsics(f, f, cx, cy)
        roots[k] = mehta_root(arrays.keypoints_px[k].astype(np.float64), rel[k], K)
    return Prediction(rel + roots[:, None], roots, roots[:, 2] / arrays.focal_px)


def _binned(
    x: NDArray[np.float64], y: NDArray[np.float64], bins: int = 8
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    edges = np.quantile(x, np.linspace(0, 1, bins + 1))
    idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    used = np.unique(idx)  # equal values (one focal length for a whole benchmark) leave bins empty
    centres = np.array([x[idx == b].mean() for b in used])
    means = np.array([y[idx == b].mean() for b in used])
    return centres, means


def plot_evaluation(ev: Evaluation, path: str | Path, title: str = "") -> Path:
    """PNG: root error vs distance, vs focal length, vs stature, and MRPE per axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from abspose.viz import save_figure

    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
    for ax, x, label, scale in (
        (axes[0], ev.distance_mm, "distance [m]", 1e-3),
        (axes[1], ev.focal_px, "focal length [px]", 1.0),
        (axes[2], ev.stature_mm, "stature [m]", 1e-3),
    ):
        cx, root = _binned(x, ev.root_error_mm)
        _, pose = _binned(x, ev.mpjpe_mm)
        ax.plot(cx * scale, root, "o-", label="root error (MRPE)")
        ax.plot(cx * scale, pose, "s-", label="MPJPE")
        ax.set_xlabel(label)
        ax.set_ylabel("mm")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[3].bar(["X", "Y", "Z"], ev.root_error_xyz_mm.mean(0))
    axes[3].set_ylabel("mean |error| [mm]")
    axes[3].set_title("root error per axis")
    fig.suptitle(title)
    return save_figure(fig, path)
