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
from abspose.skeletons import conversion_matrix, get_layout

__all__ = ["pose_errors", "pose_scale"]

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
    W: NDArray[np.float64] = conversion_matrix(skeleton.name)  # (17, J)
    det_ok = np.asarray(np.isfinite(det).all(-1))
    if valid is not None:
        det_ok &= np.asarray(valid, bool)
    ref_ok = np.asarray(np.isfinite(ref).all(-1))  # (N, J)
    uses = W != 0  # (17, J)
    det_joint = ~((~det_ok)[:, None, :] & uses[None]).any(-1)  # (N, 17)
    complete = ~((~ref_ok)[:, None, :] & uses[None]).any(-1).any(-1)  # (N,)
    ref_h36m = np.einsum("kj,njd->nkd", W, np.where(ref_ok[..., None], ref, 0.0))
    det_h36m = np.einsum("kj,njd->nkd", W, np.where(det_ok[..., None], det, 0.0))
    scale = np.where(complete, pose_scale(np.where(complete[:, None, None], ref_h36m, _SPREAD)), np.nan)
    errors = (det_h36m - ref_h36m) / scale[:, None, None]
    return np.where(det_joint[..., None], errors, np.nan)
