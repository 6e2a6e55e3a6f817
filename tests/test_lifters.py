"""abspose.lifters: what model= resolves to, the Lifter protocol, and non-square pixels."""

from __future__ import annotations

import numpy as np
import pytest

import abspose
from abspose.errors import AbsPoseError
from abspose.geometry import Intrinsics, PinholeCameras, project
from abspose.lifters import (
    Lifter,
    TorchLifter,
    default_lifter,
    default_model_path,
    lift_h36m17,
    resolve_lifter,
    stature_interval_ratio,
)
from abspose.model import AbsPoseLifter, LifterConfig, Prediction


def _walk_keypoints(walk_cam_mm, k: Intrinsics) -> tuple[np.ndarray, np.ndarray]:
    joints = walk_cam_mm[::15] + [0.0, 0.0, 6000.0]  # (4, 17, 3) in front of the camera
    return joints, project(joints, k)


def test_model_argument_resolves_to_a_lifter(tmp_path):
    shipped = resolve_lifter(None)
    assert isinstance(shipped, TorchLifter) and shipped.network is default_lifter("clean")
    assert resolve_lifter(None, "detector").network is default_lifter("detector")
    assert isinstance(resolve_lifter(default_model_path()), TorchLifter)
    net = AbsPoseLifter(LifterConfig(width=16))
    assert resolve_lifter(net).network is net
    assert resolve_lifter(shipped) is shipped  # a Lifter passes through
    assert isinstance(shipped, Lifter)
    with pytest.raises(AbsPoseError, match="expected None, a checkpoint path"):
        resolve_lifter(42)
    ratio = stature_interval_ratio(shipped)  # the shipped head: a known stature narrows the interval
    assert ratio.shape == (2,) and (ratio < 1).all()
    assert np.isnan(stature_interval_ratio(TorchLifter(net))).all()  # no head


def test_lift_takes_any_lifter(walk_cam_mm):
    """A user's own object with predict(keypoints_px, camera) is accepted as model=."""

    class Constant:
        def predict(self, keypoints_px, camera: PinholeCameras) -> Prediction:
            n = len(camera)
            root = np.tile([0.0, 0.0, 4000.0], (n, 1))
            return Prediction(np.repeat(root[:, None], 17, 1), root, root[:, 2] / camera.fx)

    k = Intrinsics(1000.0, 1000.0, 640.0, 360.0, 1280, 720)
    _, kp = _walk_keypoints(walk_cam_mm, k)
    result = abspose.lift(kp, camera=k, model=Constant())
    np.testing.assert_allclose(result.root_cam_mm[:, 2], 4000.0)


def test_non_square_pixels_are_exact(walk_cam_mm):
    """A camera with fy != fx gives the same poses as the square-pixel camera of focal fx seeing
    the same people, and the root projects back onto its pelvis keypoint through (fx, fy)."""
    tall = Intrinsics(1000.0, 800.0, 640.0, 360.0, 1280, 720)
    square = Intrinsics(1000.0, 1000.0, 640.0, 360.0, 1280, 720)
    _, kp_tall = _walk_keypoints(walk_cam_mm, tall)
    _, kp_square = _walk_keypoints(walk_cam_mm, square)
    a = abspose.lift(kp_tall, camera=tall)
    b = abspose.lift(kp_square, camera=square)
    np.testing.assert_allclose(a.joints_cam_mm, b.joints_cam_mm, atol=1e-6)
    np.testing.assert_allclose(project(a.root_cam_mm, tall), kp_tall[:, 0], atol=1e-6)
    assert a.focal_y_px is not None and np.allclose(a.camera.fy, 800.0) and b.focal_y_px is None
    plain = abspose.lift(kp_tall, focal_px=1000.0, principal_px=(640.0, 360.0))  # fy ignored: wrong
    assert np.abs(plain.joints_cam_mm - a.joints_cam_mm).max() > 10.0
    flipped = lift_h36m17(None, kp_tall, PinholeCameras.from_intrinsics(tall, len(kp_tall)), flip_test=True)
    flipped_square = lift_h36m17(None, kp_square, PinholeCameras.from_intrinsics(square, len(kp_tall)), True)
    np.testing.assert_allclose(flipped.joints_cam_mm, flipped_square.joints_cam_mm, atol=1e-6)
    with pytest.raises(AbsPoseError, match="not both"):
        abspose.lift(kp_tall, camera=tall, focal_px=1000.0)
    with pytest.raises(AbsPoseError, match="of 4 cameras"):
        abspose.lift(kp_tall, camera=PinholeCameras.from_intrinsics(tall, 2))
