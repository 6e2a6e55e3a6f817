"""Detector errors in H36M-17, in units of the person's 2D scale.

>>> import numpy as np
>>> true = np.random.default_rng(0).normal(500.0, 80.0, (2, 17, 2))
>>> e = pose_errors(true + 8.0, true, "h36m17")
>>> e.shape, bool(np.allclose(e * pose_scale(true)[:, None, None], 8.0))
((2, 17, 2), True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array
from abspose.errors import ShapeError
from abspose.geometry.normalize import pose_scale
from abspose.skeletons import convert_to_h36m17, get_layout

__all__ = ["pose_errors"]

_SPREAD = np.arange(34.0).reshape(17, 2)  # stands in for incomplete poses (their σ is unused)


def pose_errors(detected_px: Any, true_px: Any, layout: str, valid: Any = None) -> NDArray[np.float64]:
    """``(N, 17, 2)`` errors ``detected - true`` of H36M-17 joints, divided by the true pose's
    scale σ_pose (Eq. 3) [σ_pose].

    Args:
        detected_px: ``(N, J, 2)`` detections in ``layout`` [px].
        true_px: ``(N, J, 2)`` true (or reference) keypoints in ``layout`` [px]; NaN where
            unknown. A pose whose H36M-17 joints are not all known is all NaN (no σ_pose).
        layout: the detector's layout; both are converted to H36M-17 by joint name.
        valid: optional ``(N, J)`` bool, False for missing detections; an H36M-17 joint built
            from a missing detection is NaN.
    """
    skeleton = get_layout(layout)
    det = as_float_array(detected_px, "detected_px")
    ref = as_float_array(true_px, "true_px")
    if det.shape != ref.shape or det.ndim != 3 or det.shape[1:] != (skeleton.num_joints, 2):
        raise ShapeError(
            f"expected detected_px and true_px of shape (N, {skeleton.num_joints}, 2), "
            f"got {det.shape} and {ref.shape}"
        )
    det_ok = np.isfinite(det).all(-1)
    if valid is not None:
        det_ok &= np.asarray(valid, bool)
    ref_ok = np.isfinite(ref).all(-1)  # (N, J)
    # a converted joint's confidence is the min of its sources': 0 where any source is missing
    det_h36m = convert_to_h36m17(np.nan_to_num(det), skeleton, det_ok.astype(np.float64))
    ref_h36m = convert_to_h36m17(np.nan_to_num(ref), skeleton, ref_ok.astype(np.float64))
    det_joint = np.asarray(det_h36m.confidences) > 0  # (N, 17)
    complete = np.asarray((np.asarray(ref_h36m.confidences) > 0).all(-1))  # (N,)
    ref_px = np.where(complete[:, None, None], ref_h36m.keypoints, _SPREAD)
    scale = np.where(complete, pose_scale(ref_px), np.nan)
    errors = (det_h36m.keypoints - ref_h36m.keypoints) / scale[:, None, None]
    return np.where(det_joint[..., None], errors, np.nan)
