"""From network outputs to absolute camera-frame joints (Eq. 5-6)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import NDArray

from abspose._checks import as_float_array
from abspose.errors import AbsPoseError, ShapeError
from abspose.geometry import equations as eq
from abspose.model.network import AbsPoseLifter, canonical_from_output

__all__ = ["Prediction", "implied_stature_mm", "predict", "predict_flip_test"]


def implied_stature_mm(
    joints_cam_mm: object, keypoints_px: object, focal_px: object, principal_px: object
) -> NDArray[np.float64]:
    """``(N,)`` the stature [mm] that lifted poses stand for at their depth.

    A lifter's limbs come out shorter than its depth implies (regression to the mean), so a
    prediction projects smaller than its keypoints. The stature its depth stands for is the
    skeleton's chain (:func:`~abspose.data.mocap.augment.skeleton_stature_mm` less the ankle height)
    times the keypoints' RMS spread over the projection's, plus the ankle height. Joints whose
    keypoint is NaN (missing) are left out of both spreads.

    Args:
        joints_cam_mm: ``(N, 17, 3)`` H36M-17 poses [mm]; keypoints_px: ``(N, 17, 2)`` [px];
        focal_px: ``(N,)`` [px]; principal_px: ``(N, 2)`` [px].
    """
    from abspose.data.mocap.augment import ANKLE_HEIGHT_MM, skeleton_stature_mm

    J = np.asarray(joints_cam_mm, dtype=np.float64)
    kp = as_float_array(keypoints_px, "keypoints_px").reshape(J.shape[0], J.shape[1], 2)
    f = np.broadcast_to(as_float_array(focal_px, "focal_px"), J.shape[:1])
    c = np.broadcast_to(as_float_array(principal_px, "principal_px"), (J.shape[0], 2))
    projected = J[..., :2] / J[..., 2:] * f[:, None, None] + c[:, None, :]
    seen: NDArray[np.bool_] = np.asarray(np.isfinite(kp).all(-1))  # (N, 17)

    def spread(p: NDArray[np.float64]) -> NDArray[np.float64]:
        count = np.maximum(seen.sum(-1), 1)
        mean = np.where(seen[..., None], p, 0.0).sum(-2) / count[:, None]
        d2 = np.where(seen, ((np.nan_to_num(p) - mean[:, None, :]) ** 2).sum(-1), 0.0)
        result: NDArray[np.float64] = np.sqrt(d2.sum(-1) / count)
        return result

    chain = skeleton_stature_mm(J) - ANKLE_HEIGHT_MM
    return np.asarray(chain * spread(kp) / spread(projected) + ANKLE_HEIGHT_MM)


@dataclass(frozen=True)
class Prediction:
    """Absolute poses for N inputs.

    Attributes:
        joints_cam_mm: ``(N, J, 3)`` joints in camera coords [mm].
        root_cam_mm: ``(N, 3)`` root position [mm].
        canonical_depth: ``(N,)`` root depth over focal length ``Z/f`` [mm/px].
        depth_log_halfwidth: ``(N, 2)`` half-widths of the 68% and 95% intervals of ``log Z``
            about the estimate (0.05: the distance is within a factor ``exp(±0.05)``), from the
            network's depth-spread head; None for a network without one.
    """

    joints_cam_mm: NDArray[np.float64]
    root_cam_mm: NDArray[np.float64]
    canonical_depth: NDArray[np.float64]
    depth_log_halfwidth: NDArray[np.float64] | None = None

    def with_stature(
        self,
        stature_mm: object,
        keypoints_px: object = None,
        focal_px: object = None,
        principal_px: object = None,
    ) -> Prediction:
        """Rescale each pose about the camera centre so its skeleton stature is ``stature_mm``.

        A person's size and distance are ambiguous in one image: scaling a pose about the camera
        centre leaves its projection unchanged. A known body height (scalar or ``(N,)``, in mm,
        shoes off, floor to crown) resolves that ambiguity; the posture is kept. Only for the
        H36M-17 layout (the stature is summed along the legs, spine and head).

        Given the ``(N, 17, 2)`` input keypoints with the ``(N,)`` focal length and ``(N, 2)``
        principal point, the predicted skeleton's stature is first made consistent with the 2D
        input: a lifter's limbs come out shorter than the depth it predicts implies (regression
        to the mean), so the prediction projects smaller than the keypoints; the stature the
        predicted depth stands for is the skeleton's stature times the ratio of the keypoints'
        spread σ to the projection's. Without them, the skeleton's own stature is used.
        """
        from abspose.data.mocap.augment import ANKLE_HEIGHT_MM, skeleton_stature_mm

        height = as_float_array(stature_mm, "stature_mm")
        try:
            target = np.broadcast_to(height, self.canonical_depth.shape)
        except ValueError:
            raise ShapeError(
                f"stature_mm: expected a scalar or shape {self.canonical_depth.shape}, got {height.shape}"
            ) from None
        if not np.isfinite(target).all() or (target < 500).any() or (target > 2800).any():
            raise AbsPoseError(
                f"stature_mm: expected a body height between 500 and 2800 mm, got {target[:4]}; "
                "pass the height in millimetres"
            )
        # the ankle's height above the floor is a constant of the stature, not a bone
        if keypoints_px is not None and focal_px is not None and principal_px is not None:
            chain = (
                implied_stature_mm(self.joints_cam_mm, keypoints_px, focal_px, principal_px) - ANKLE_HEIGHT_MM
            )
        else:
            chain = skeleton_stature_mm(self.joints_cam_mm) - ANKLE_HEIGHT_MM
        return self.rescaled((target - ANKLE_HEIGHT_MM) / chain)

    def rescaled(self, factor: NDArray[np.float64]) -> Prediction:
        """Each pose scaled about the camera centre by ``(N,)`` ``factor`` (projections
        unchanged); the depth intervals keep their relative widths."""
        return Prediction(
            joints_cam_mm=self.joints_cam_mm * factor[:, None, None],
            root_cam_mm=self.root_cam_mm * factor[:, None],
            canonical_depth=self.canonical_depth * factor,
            depth_log_halfwidth=self.depth_log_halfwidth,
        )


@torch.no_grad()
def predict(
    model: AbsPoseLifter,
    keypoints_px: NDArray[np.floating],
    principal_px: NDArray[np.floating],
    focal_px: NDArray[np.floating],
    *,
    root_index: int = 0,
    batch_size: int = 4096,
) -> Prediction:
    """Run the lifter in eval mode on ``(N, J, 2)`` keypoints with ``(N, 2)`` principal points
    and ``(N,)`` focal lengths [px]; X and Y of the root by Eq. 5, Z by Eq. 6."""
    if model.training:  # eval() walks every submodule: only when needed (docs/performance.md)
        model.eval()
    kp = np.asarray(keypoints_px, dtype=np.float32)
    c = np.asarray(principal_px, dtype=np.float32)
    f = np.asarray(focal_px, dtype=np.float64)
    depth = np.empty(len(kp))
    rel = np.empty((len(kp), kp.shape[1], 3))
    spread = model.spread
    halfwidth = np.empty((len(kp), 2)) if spread is not None else None
    device = next(model.parameters()).device
    for start in range(0, len(kp), batch_size):
        sl = slice(start, start + batch_size)
        focal = torch.from_numpy(f[sl]).to(device) if spread is not None else None
        args = (torch.from_numpy(kp[sl]).to(device), torch.from_numpy(c[sl]).to(device))
        out = model(*args) if focal is None else model(*args, focal)
        depth[sl] = out.depth.double().cpu().numpy()
        rel[sl] = out.joints_rel_mm.double().cpu().numpy()
        if halfwidth is not None and spread is not None and out.log_spread is not None:
            b = torch.exp(out.log_spread.double())[:, None] * spread.interval_k.double()  # (B, 2)
            halfwidth[sl] = b.cpu().numpy()
    canonical = canonical_from_output(depth, model.config.depth_target, f)
    return _placed(rel, kp[:, root_index], c, f, canonical, halfwidth)


def predict_flip_test(
    run: Callable[[NDArray[np.float32], NDArray[np.float32], NDArray[np.float64]], Prediction],
    keypoints_px: NDArray[np.floating],
    principal_px: NDArray[np.floating],
    focal_px: NDArray[np.floating],
    *,
    root_index: int = 0,
) -> Prediction:
    """Test-time flip: lift the H36M-17 poses and their mirror images in one batch and average.

    Mirroring the image about ``x = c_x`` (left and right swapped) is a valid view of the
    mirrored person (:mod:`abspose.geometry.flip`), and the lifter trains on such flips. The
    mirrored prediction is mirrored back; the relative poses and the canonical depths ``Z/f``
    are averaged; the root is then placed on the ray of the root's own 2D point (Eq. 5-6), as
    :func:`predict` does. The result is exactly mirror-equivariant. Costs two predictions.

    Args:
        run: lifts ``(M, 17, 2)`` keypoints, ``(M, 2)`` principal points, ``(M,)`` focal
            lengths [px] to a :class:`Prediction`, e.g. ``lambda *a: predict(model, *a)``.
        keypoints_px: ``(N, 17, 2)`` keypoints [px].
        principal_px: ``(N, 2)`` principal points [px].
        focal_px: ``(N,)`` focal lengths [px].
        root_index: the root joint.
    """
    from abspose.geometry.flip import flip_joints_cam, flip_keypoints_px

    kp = np.asarray(keypoints_px, dtype=np.float32)
    c = np.asarray(principal_px, dtype=np.float32)
    f = np.asarray(focal_px, dtype=np.float64)
    n = len(kp)
    mirrored = flip_keypoints_px(kp, c[:, 0]).astype(np.float32)
    both = run(np.concatenate([kp, mirrored]), np.concatenate([c, c]), np.concatenate([f, f]))
    rel = both.joints_cam_mm - both.root_cam_mm[:, None]  # (2N, J, 3)
    rel = 0.5 * (rel[:n] + flip_joints_cam(rel[n:]))
    canonical = 0.5 * (both.canonical_depth[:n] + both.canonical_depth[n:])
    hw = both.depth_log_halfwidth
    halfwidth = None if hw is None else 0.5 * (hw[:n] + hw[n:])
    return _placed(rel, kp[:, root_index], c, f, canonical, halfwidth)


def _placed(
    joints_rel_mm: NDArray[np.float64],
    root_px: NDArray[np.floating],
    principal_px: NDArray[np.floating],
    focal_px: NDArray[np.float64],
    canonical: NDArray[np.float64],
    depth_log_halfwidth: NDArray[np.float64] | None = None,
) -> Prediction:
    """``(N, J, 3)`` root-relative poses placed at their root: X and Y by Eq. 5 from the
    ``(N, 2)`` root pixels, Z by Eq. 6 from the ``(N,)`` canonical depths and focal lengths."""
    root = eq.root_position(np.asarray(root_px, np.float64), principal_px, canonical, focal_px)  # (N, 3)
    return Prediction(
        joints_cam_mm=joints_rel_mm + root[:, None, :],
        root_cam_mm=root,
        canonical_depth=canonical,
        depth_log_halfwidth=depth_log_halfwidth,
    )
