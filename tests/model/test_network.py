import numpy as np
import pytest
import torch

from abspose.data import BodyScaleConfig, VirtualCameraConfig
from abspose.geometry import normalize_keypoints
from abspose.model import AbsPoseLifter, LifterConfig, NormalizationLayer, lifter_loss
from abspose.model.feed import draw_epoch


def test_shapes_and_root_row():
    model = AbsPoseLifter(LifterConfig(width=32)).eval()
    out = model(torch.randn(5, 17, 2) * 100 + 500, torch.full((5, 2), 500.0))
    assert out.depth.shape == (5,) and (out.depth > 0).all()
    assert out.joints_rel_mm.shape == (5, 17, 3) and (out.joints_rel_mm[:, 0] == 0).all()


@pytest.mark.parametrize(
    ("loc", "scale", "size"), [(True, True, 37), (True, False, 36), (False, True, 35), (False, False, 34)]
)
def test_normalization_layer_matches_geometry_and_ablation_sizes(loc, scale, size):
    cfg = LifterConfig(use_location=loc, use_scale=scale)
    assert cfg.input_size == size
    rng = np.random.default_rng(0)
    kp, c = rng.normal(500, 80, (3, 17, 2)), rng.normal(480, 5, (3, 2))
    feats = NormalizationLayer(cfg)(torch.from_numpy(kp), torch.from_numpy(c)).numpy()
    ref = normalize_keypoints(kp, c)
    assert feats.shape == (3, size)
    assert np.allclose(feats[:, :34], ref.keypoints_norm.reshape(3, 34))
    if loc:
        assert np.allclose(feats[:, 34:36], ref.location_px / cfg.location_norm_px)
    if scale:
        assert np.allclose(feats[:, -1], np.log(ref.scale_px / cfg.scale_ref_px))


@pytest.mark.parametrize("depth_loss", ["log", "l1"])
def test_overfits_a_tiny_set(tiny_dataset, depth_loss):
    torch.manual_seed(0)
    cfg = LifterConfig(width=128, dropout=0.0, depth_loss=depth_loss)
    arrays = draw_epoch(tiny_dataset, np.random.default_rng(0), VirtualCameraConfig(), BodyScaleConfig())
    kp, c = torch.from_numpy(arrays.keypoints_px[:32]), torch.from_numpy(arrays.principal_px[:32])
    f, cam = torch.from_numpy(arrays.focal_px[:32]), torch.from_numpy(arrays.joints_cam_mm[:32])
    model = AbsPoseLifter(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(300):
        loss, _ = lifter_loss(model(kp, c), cam, f, cfg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.mean(losses[-10:]) < np.mean(losses[:10]) / 10
