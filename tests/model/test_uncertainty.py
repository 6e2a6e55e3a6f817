"""The depth-spread head: its loss by hand, a frozen lifter, calibrated intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from abspose.errors import AbsPoseError
from abspose.model import AbsPoseLifter, LifterConfig, fit_depth_spread, predict
from abspose.model.network import LAPLACE_K, LifterOutput
from abspose.model.uncertainty import depth_log_errors, interval_coverage, spread_nll, with_spread_head

# root first; true Z/f = 5.0 and 4.0 mm/px
JOINTS_MM = torch.tensor(
    [[[100.0, 0.0, 5000.0], [100.0, -400.0, 5100.0]], [[0.0, 50.0, 2000.0], [300.0, 50.0, 2000.0]]],
    dtype=torch.float64,
)
FOCAL_PX = torch.tensor([1000.0, 500.0], dtype=torch.float64)


def test_spread_nll_by_hand():
    log_b = torch.tensor([math.log(0.1), math.log(0.05)], dtype=torch.float64)
    out = LifterOutput(
        depth=torch.tensor([5.5, 4.0], dtype=torch.float64),
        joints_rel_mm=torch.zeros(2, 2, 3),
        log_spread=log_b,
    )
    by_hand = ((math.log(5.5 / 5.0) / 0.1 + math.log(0.1)) + (0.0 / 0.05 + math.log(0.05))) / 2
    assert float(spread_nll(out, JOINTS_MM, FOCAL_PX, LifterConfig(num_joints=2))) == pytest.approx(by_hand)
    # the direct variant compares Z with Z (5500 vs 5000 mm): the same log error
    direct = LifterOutput(depth=out.depth * FOCAL_PX, joints_rel_mm=out.joints_rel_mm, log_spread=log_b)
    config = LifterConfig(num_joints=2, depth_target="direct")
    assert float(spread_nll(direct, JOINTS_MM, FOCAL_PX, config)) == pytest.approx(by_hand)


def test_spread_nll_trains_only_the_head():
    torch.manual_seed(0)
    net = AbsPoseLifter(LifterConfig(width=32, spread_width=8)).eval()
    kp = torch.rand(4, 17, 2) * 200 + 400
    out = net(kp, torch.full((4, 2), 500.0), torch.full((4,), 1000.0))
    cam = torch.rand(4, 17, 3) * 100 + torch.tensor([0.0, 0.0, 4000.0])
    spread_nll(out, cam.double(), torch.full((4,), 1000.0, dtype=torch.float64), net.config).backward()
    grads = {n for n, p in net.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0}
    assert grads and all(n.startswith("spread.") for n in grads)


def test_no_head_no_spread():
    net = AbsPoseLifter(LifterConfig(width=16)).eval()
    out = net(torch.rand(2, 17, 2) * 100, torch.zeros(2, 2), torch.full((2,), 1000.0))
    assert out.log_spread is None
    with pytest.raises(AbsPoseError, match="no depth spread"):
        spread_nll(out, JOINTS_MM.repeat(1, 9, 1)[:, :17], FOCAL_PX, net.config)
    kp = np.random.default_rng(0).uniform(0, 100, (2, 17, 2))
    assert predict(net, kp, np.zeros((2, 2)), np.full(2, 1e3)).depth_log_halfwidth is None


def test_with_spread_head_keeps_the_lifter(rng):
    torch.manual_seed(1)
    net = AbsPoseLifter(LifterConfig(width=32)).eval()
    headed = with_spread_head(net, hidden=8)
    kp = rng.uniform(300, 700, (5, 17, 2))
    c, f = np.full((5, 2), 500.0), rng.uniform(500, 2500, 5)
    a, b = predict(net, kp, c, f), predict(headed, kp, c, f)
    np.testing.assert_array_equal(a.joints_cam_mm, b.joints_cam_mm)
    assert b.depth_log_halfwidth is not None and b.depth_log_halfwidth.shape == (5, 2)
    # an uncalibrated head: the Laplace half-widths k b, 95% wider than 68%
    ratio = b.depth_log_halfwidth[:, 1] / b.depth_log_halfwidth[:, 0]
    np.testing.assert_allclose(ratio, LAPLACE_K[1] / LAPLACE_K[0], rtol=1e-5)


def test_interval_coverage_counts():
    err = np.array([0.01, -0.02, 0.05, -0.2])
    np.testing.assert_allclose(interval_coverage(err, np.array([0.02, 0.1])), [0.5, 0.75])
    per_person = np.array([[0.001, 0.1], [0.03, 0.03], [0.05, 0.06], [0.1, 0.3]])
    np.testing.assert_allclose(interval_coverage(err, per_person), [0.5, 1.0])


def test_fit_depth_spread_calibrates_on_held_out_draws(tiny_dataset):
    """A barely trained lifter errs a lot and unevenly; the fitted intervals must still hold the
    truth about as often as they claim, on fresh cameras and bodies, and not move any pose."""
    torch.manual_seed(0)
    net = AbsPoseLifter(LifterConfig(width=64)).eval()
    fitted, fit = fit_depth_spread(net, tiny_dataset, tiny_dataset, epochs=6, hidden=16, batch_size=32)
    assert fit.samples == 3 * len(tiny_dataset) and len(fit.history) == 6
    assert 0 < fit.interval_k[0] < fit.interval_k[1]
    assert np.isfinite(fit.stature_k).all() and fit.stature_k[0] < fit.stature_k[1]
    from abspose.data import BodyModelConfig, VirtualCameraConfig
    from abspose.data.frames import concat_frames
    from abspose.model.feed import draw_epoch

    draws = [
        draw_epoch(
            tiny_dataset, np.random.default_rng([99, k]), VirtualCameraConfig(), BodyModelConfig(), flip=False
        )
        for k in range(4)
    ]
    a = concat_frames(draws)
    err, spread = depth_log_errors(fitted, a.keypoints_px, a.principal_px, a.focal_px, a.joints_cam_mm)
    covered = interval_coverage(err, spread[:, None] * np.array(fit.interval_k)[None, :])
    assert 0.5 < covered[0] < 0.86 and covered[1] > 0.85
    before = predict(net, a.keypoints_px, a.principal_px, a.focal_px)
    after = predict(fitted, a.keypoints_px, a.principal_px, a.focal_px)
    np.testing.assert_array_equal(before.joints_cam_mm, after.joints_cam_mm)


def test_config_without_spread_field_reads_as_no_head():
    import json

    text = json.loads(LifterConfig(width=8).to_json())
    del text["spread_width"]
    assert LifterConfig.from_json(json.dumps(text)).spread_width == 0
    with pytest.raises(AbsPoseError, match="spread_width"):
        LifterConfig(spread_width=-1)
