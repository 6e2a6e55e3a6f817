"""Score predictions, or a lifter, on benchmark frames (:class:`~abspose.data.frames.CameraFrames`).

The one scorer of abspose: benchmark readers' frames and the motion capture's virtual-camera
samples (:func:`abspose.evaluation.evaluate_lifter`) end in :func:`scored`.

>>> import numpy as np
>>> from abspose.data.frames import CameraFrames
>>> n = 2; truth = np.random.default_rng(0).normal(0, 200, (n, 17, 3)) + [0, 0, 4000]
>>> frames = CameraFrames(truth, truth[..., :2] / truth[..., 2:] * 1000 + 500, np.full(n, 1000.0),
...     np.full((n, 2), 500.0), np.full((n, 2), 1000), np.array(["S9", "S11"]), np.array(["Walk"] * n),
...     np.array(["c"] * n), np.array(["Walk"] * n), np.arange(n))
>>> score_frames(frames, truth)["all"].mpjpe
0.0
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from abspose.data.frames import CameraFrames
from abspose.data.mocap.augment import skeleton_stature_mm
from abspose.errors import ShapeError
from abspose.lifters import lift_h36m17
from abspose.metrics import GroupErrors, PoseErrorAccumulator, mpjpe
from abspose.model.predict import Prediction
from abspose.skeletons import H36M17

__all__ = ["Evaluation", "evaluate_frames", "plot_evaluation", "predict_frames", "score_frames", "scored"]

GroupBy = Literal["group", "action", "subject", "camera"]


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


def scored(
    pred: Prediction, joints_cam_mm: Any, groups: list[str], focal_px: Any, stature_mm: Any
) -> Evaluation:
    """Score ``pred`` against the ``(N, 17, 3)`` true joints [mm]: the per-group metrics and the
    per-sample errors, with each sample's ``(N,)`` focal length [px] and stature [mm] for plots."""
    truth = np.asarray(joints_cam_mm, dtype=np.float64)
    r = H36M17.root_index
    diff = pred.root_cam_mm - truth[:, r]
    return Evaluation(
        groups=_group_errors(pred.joints_cam_mm, pred.root_cam_mm, truth, groups),
        root_error_mm=np.linalg.norm(diff, axis=-1),
        root_error_xyz_mm=np.abs(diff),
        mpjpe_mm=mpjpe(pred.joints_cam_mm, truth, reduction="none"),
        distance_mm=np.linalg.norm(truth[:, r], axis=-1),
        focal_px=np.asarray(focal_px, dtype=np.float64),
        stature_mm=np.asarray(stature_mm, dtype=np.float64),
    )


def score_frames(
    frames: CameraFrames, joints_cam_mm: Any, root_cam_mm: Any = None, *, by: GroupBy = "group"
) -> dict[str, GroupErrors]:
    """MPJPE, PA-MPJPE, 3DPCK, AUC and (with roots) MRPE and its X/Y/Z parts of ``(N, 17, 3)``
    predictions [mm], per label of ``by`` and over ``"all"``. Without ``root_cam_mm`` the
    predictions' pelvis is the root."""
    pred = np.asarray(joints_cam_mm, dtype=np.float64)
    if pred.shape != frames.joints_cam_mm.shape:
        raise ShapeError(
            f"joints_cam_mm: expected {frames.joints_cam_mm.shape} for these frames, got {pred.shape}"
        )
    root = pred[:, H36M17.root_index] if root_cam_mm is None else np.asarray(root_cam_mm, dtype=np.float64)
    return _group_errors(pred, root, frames.joints_cam_mm, getattr(frames, by).tolist())


def _group_errors(
    joints_cam_mm: NDArray[np.floating[Any]],
    root_cam_mm: NDArray[np.floating[Any]],
    truth_cam_mm: NDArray[np.floating[Any]],
    groups: list[str],
) -> dict[str, GroupErrors]:
    """The metrics of ``(N, 17, 3)`` predictions with their ``(N, 3)`` roots against the truth,
    per group and over ``"all"``."""
    acc = PoseErrorAccumulator()
    truth_root = truth_cam_mm[:, H36M17.root_index]
    acc.update(joints_cam_mm, truth_cam_mm, pred_root_mm=root_cam_mm, gt_root_mm=truth_root, groups=groups)
    return acc.compute()


def predict_frames(model: Any, frames: CameraFrames, *, flip_test: bool = False) -> Prediction:
    """Lift the frames' 2D input with their own intrinsics (``model``: as :func:`abspose.lift`
    takes; ``flip_test``: :func:`~abspose.model.predict.predict_flip_test`)."""
    return lift_h36m17(model, frames.keypoints_px, frames.intrinsics, flip_test)


def evaluate_frames(
    model: Any, frames: CameraFrames, *, by: GroupBy = "group", flip_test: bool = False
) -> Evaluation:
    """Lift and score: :func:`predict_frames`, the metrics per ``by`` label in ``.groups``, and the
    per-frame errors :func:`plot_evaluation` draws (error vs distance,
    focal length and the true skeleton's stature, as the paper's Fig. 5)."""
    pred = predict_frames(model, frames, flip_test=flip_test)
    truth = frames.joints_cam_mm
    groups = getattr(frames, by).tolist()
    return scored(pred, truth, groups, frames.focal_px, skeleton_stature_mm(truth))


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
