"""Score predictions, or a lifter, on benchmark frames (:class:`~abspose.data.frames.CameraFrames`).

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

from typing import Any, Literal

import numpy as np

from abspose.data.frames import CameraFrames
from abspose.errors import ShapeError
from abspose.metrics import GroupErrors, PoseErrorAccumulator
from abspose.model.evaluate import Evaluation
from abspose.model.predict import Prediction
from abspose.skeletons import H36M17

__all__ = ["evaluate_frames", "predict_frames", "score_frames"]

GroupBy = Literal["group", "action", "subject", "camera"]


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
    r = H36M17.root_index
    root = pred[:, r] if root_cam_mm is None else np.asarray(root_cam_mm, dtype=np.float64)
    acc = PoseErrorAccumulator()
    acc.update(pred, frames.joints_cam_mm, pred_root_mm=root, gt_root_mm=frames.joints_cam_mm[:, r],
               groups=getattr(frames, by).tolist())  # fmt: skip
    return acc.compute()


def predict_frames(model: Any, frames: CameraFrames, *, flip_test: bool = False) -> Prediction:
    """Lift the frames' 2D input with their own intrinsics (``model``: as :func:`abspose.lift`
    takes; ``flip_test``: :func:`~abspose.model.predict.predict_flip_test`)."""
    from abspose.api import _lift_resolved

    args = (frames.keypoints_px, frames.principal_px, frames.focal_px)
    pred: Prediction = _lift_resolved(model, *args, flip_test)
    return pred


def evaluate_frames(
    model: Any, frames: CameraFrames, *, by: GroupBy = "group", flip_test: bool = False
) -> Evaluation:
    """Lift and score: :func:`predict_frames`, :func:`score_frames` in ``.groups``, and the
    per-frame errors :func:`~abspose.model.evaluate.plot_evaluation` draws (error vs distance,
    focal length and the true skeleton's stature, as the paper's Fig. 5)."""
    from abspose.data.augment import skeleton_stature_mm
    from abspose.metrics import mpjpe

    pred = predict_frames(model, frames, flip_test=flip_test)
    truth = frames.joints_cam_mm
    diff = pred.root_cam_mm - truth[:, H36M17.root_index]
    return Evaluation(
        groups=score_frames(frames, pred.joints_cam_mm, pred.root_cam_mm, by=by),
        root_error_mm=np.linalg.norm(diff, axis=-1),
        root_error_xyz_mm=np.abs(diff),
        mpjpe_mm=mpjpe(pred.joints_cam_mm, truth, reduction="none"),
        distance_mm=np.linalg.norm(truth[:, H36M17.root_index], axis=-1),
        focal_px=frames.focal_px.astype(np.float64),
        stature_mm=skeleton_stature_mm(truth),
    )
