"""The temporal lifter: windows, causality, sequence lifting, training, checkpoints."""

import numpy as np
import pytest
import torch

from abspose.errors import AbsPoseError, DataError, ShapeError
from abspose.geometry import Intrinsics, project
from abspose.model.temporal import TemporalConfig, TemporalLifter, lift_sequence, load_temporal, save_temporal
from abspose.model.temporal_train import TemporalTrainConfig, draw_windows, train_temporal, window_starts


def _track(walk_cam_mm, frames=40):
    cam = Intrinsics.from_focal(800.0, 640, 480)
    people = walk_cam_mm[:frames] + np.array([0.0, 200.0, 4500.0])
    return project(people, cam), cam


def _trained_stats(net):
    """BatchNorm statistics away from their defaults, as after training (eval mode)."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm1d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    return net.eval()


def test_causal_lifting_never_reads_a_later_frame_and_symmetric_does(walk_cam_mm, rng):
    kp, cam = _track(walk_cam_mm)
    principal = np.array([cam.cx, cam.cy])
    changed = kp.copy()
    changed[25:] += rng.normal(0, 15.0, changed[25:].shape)  # frames 25 on are different
    torch.manual_seed(0)
    causal = _trained_stats(TemporalLifter(TemporalConfig(channels=16, levels=2, causal=True)))
    a, _ = lift_sequence(causal, kp, principal, cam.fx)
    b, _ = lift_sequence(causal, changed, principal, cam.fx)
    np.testing.assert_array_equal(a[:25], b[:25])  # nothing before frame 25 saw the change
    assert not np.allclose(a[25:], b[25:])
    torch.manual_seed(0)
    symmetric = _trained_stats(TemporalLifter(TemporalConfig(channels=16, levels=2)))
    c, _ = lift_sequence(symmetric, kp, principal, cam.fx)
    d, _ = lift_sequence(symmetric, changed, principal, cam.fx)
    offset = symmetric.config.target_offset  # 4 frames ahead
    np.testing.assert_array_equal(c[: 25 - offset], d[: 25 - offset])
    assert not np.allclose(c[25 - offset : 25], d[25 - offset : 25])  # it reads 4 frames ahead


def test_lift_sequence_places_every_root_on_its_2d_ray(walk_cam_mm):
    kp, cam = _track(walk_cam_mm, 12)
    net = _trained_stats(TemporalLifter(TemporalConfig(channels=16, levels=2)))
    joints, canonical = lift_sequence(net, kp, np.array([cam.cx, cam.cy]), cam.fx)
    assert joints.shape == (12, 17, 3) and canonical.shape == (12,) and (canonical > 0).all()
    np.testing.assert_allclose(project(joints[:, 0], cam), kp[:, 0], atol=1e-3)
    np.testing.assert_allclose(joints[:, 0, 2], canonical * cam.fx, rtol=1e-6)
    one, _ = lift_sequence(net, kp[:1], np.array([cam.cx, cam.cy]), cam.fx)  # shorter than a window
    assert one.shape == (1, 17, 3)
    with pytest.raises(AbsPoseError, match="finite"):
        lift_sequence(net, np.where(np.arange(17)[None, :, None] == 3, np.nan, kp), np.zeros(2), 800.0)
    with pytest.raises(ShapeError):
        net(torch.zeros(1, 5, 17, 2), torch.zeros(1, 2))  # fewer frames than the receptive field


def test_windows_are_one_body_one_camera_consecutive_frames(tiny_dataset, rng):
    starts = window_starts(tiny_dataset, 9)
    assert len(starts) == 60 - 8 and starts[0] == 0
    w = draw_windows(tiny_dataset, starts[:6], 9, rng, flip=False)
    assert w.keypoints_px.shape == (6, 9, 17, 2) and w.joints_cam_mm.shape == (6, 9, 17, 3)
    cam = w.joints_cam_mm.astype(np.float64)
    proj = w.focal_px[:, None, None, None] * cam[..., :2] / cam[..., 2:] + w.principal_px[:, None, None, :]
    np.testing.assert_allclose(w.keypoints_px, proj, atol=1e-2)  # exact 2D without noise
    bones = np.linalg.norm(cam[:, :, 1] - cam[:, :, 2], axis=-1)  # r_hip -> r_knee: one body per window
    np.testing.assert_allclose(bones, np.broadcast_to(bones[:, :1], bones.shape), rtol=1e-4)
    assert bones[:, 0].std() > 1.0  # and another body in each window
    frames = tiny_dataset.joints_world_mm.astype(np.float64)
    moved = np.linalg.norm(np.diff(frames[:9, 0], axis=0), axis=-1)
    steps = np.linalg.norm(np.diff(cam[0, :, 0], axis=0), axis=-1)  # the camera stays still
    np.testing.assert_allclose(steps, moved, rtol=0.1, atol=2.0)
    with pytest.raises((DataError, AbsPoseError)):
        TemporalTrainConfig(max_correlation=1.0)


def test_the_temporal_model_trains_and_overfits_a_tiny_set(tiny_dataset, tmp_path):
    config = TemporalConfig(channels=64, levels=2, dropout=0.0)
    tc = TemporalTrainConfig(epochs=25, lr_drop_epoch=20, batch_size=26, noise="", seed=1)
    history = []
    net = train_temporal(tiny_dataset, config, tc, tmp_path / "t.safetensors", on_epoch=history.append)
    assert history[-1]["pose_loss"] < 0.4 * history[0]["pose_loss"], [h["pose_loss"] for h in history]
    assert history[-1]["depth_loss"] < 0.5 * history[0]["depth_loss"], [h["depth_loss"] for h in history]
    again = load_temporal(tmp_path / "t.safetensors")
    assert again.config == config
    kp = torch.rand(2, 9, 17, 2) * 200 + 300
    with torch.inference_mode():
        a, b = net(kp, torch.full((2, 2), 320.0)), again(kp, torch.full((2, 2), 320.0))
    torch.testing.assert_close(a.joints_rel_mm, b.joints_rel_mm)
    save_temporal(tmp_path / "u.safetensors", net, {"note": "x"})
    with pytest.raises(DataError):
        from abspose.model.checkpoint import load_checkpoint

        load_checkpoint(tmp_path / "u.safetensors")  # not a per-frame lifter's file
