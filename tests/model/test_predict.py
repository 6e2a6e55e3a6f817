import numpy as np
import torch

from abspose.data import BodyScaleConfig, VirtualCameraConfig
from abspose.geometry import Intrinsics, project
from abspose.model import AbsPoseLifter, LifterConfig, LifterOutput, predict
from abspose.model.feed import draw_epoch


class _Oracle(AbsPoseLifter):
    """A network that answers with the ground truth, to test everything around it."""

    def __init__(self, config, depth, rel):
        super().__init__(config)
        self._depth, self._rel = depth, rel

    def forward(self, keypoints_px, principal_px):
        return LifterOutput(depth=self._depth, joints_rel_mm=self._rel)


def test_equations_5_6_through_the_full_prediction_path(tiny_dataset):
    a = draw_epoch(tiny_dataset, np.random.default_rng(1), VirtualCameraConfig(), BodyScaleConfig())
    cam = a.joints_cam_mm.astype(np.float64)
    rel = torch.from_numpy(cam - cam[:, :1])
    for target in ("canonical", "direct"):
        z = cam[:, 0, 2] / a.focal_px if target == "canonical" else cam[:, 0, 2]
        model = _Oracle(LifterConfig(width=8, depth_target=target), torch.from_numpy(z), rel)
        pred = predict(model, a.keypoints_px, a.principal_px, a.focal_px)
        assert np.allclose(pred.joints_cam_mm, cam, atol=0.5)  # float32 keypoints: sub-mm
        assert np.allclose(pred.canonical_depth, cam[:, 0, 2] / a.focal_px, rtol=1e-6)


def test_flip_augmentation_keeps_valid_projections(tiny_dataset):
    a = draw_epoch(
        tiny_dataset, np.random.default_rng(2), VirtualCameraConfig(), BodyScaleConfig(), flip=True
    )
    b = draw_epoch(
        tiny_dataset, np.random.default_rng(2), VirtualCameraConfig(), BodyScaleConfig(), flip=False
    )
    flipped = ~np.isclose(a.keypoints_px, b.keypoints_px).all(axis=(1, 2))
    assert 10 < flipped.sum() < 50
    for k in range(len(a.focal_px)):
        K = Intrinsics(float(a.focal_px[k]), float(a.focal_px[k]), *map(float, a.principal_px[k]))
        assert np.allclose(project(a.joints_cam_mm[k], K), a.keypoints_px[k], atol=1e-2)
    # a flipped person's left joints are the unflipped right joints, mirrored
    k = int(np.flatnonzero(flipped)[0])
    assert np.allclose(a.joints_cam_mm[k, 4], b.joints_cam_mm[k, 1] * [-1, 1, 1], atol=1e-3)
