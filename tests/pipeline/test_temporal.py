"""The temporal lifter in track_video: every frame comes out, in order, each person lifted from
their own track's window; the causal model reads no later frame."""

import numpy as np
import pytest
import torch

from abspose.errors import AbsPoseError
from abspose.estimator2d import PrecomputedBackend
from abspose.geometry import Intrinsics, project
from abspose.model.temporal import TemporalConfig, TemporalLifter
from abspose.pipeline import resolve_intrinsics, track_video

from .conftest import HEIGHT, WIDTH, write_video
from .test_run import _moving_people


def _net(causal):
    torch.manual_seed(0)
    net = TemporalLifter(TemporalConfig(channels=16, levels=2, causal=causal))
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm1d):
                m.running_var.uniform_(0.5, 1.5)
    return net.eval()


def _run(path, detections, net, **options):
    camera = resolve_intrinsics(WIDTH, HEIGHT, focal_px=700.0)
    frames = track_video(path, PrecomputedBackend(detections), camera=camera, temporal_model=net,
                         track_skeleton=False, **options)  # fmt: skip
    return list(frames)


def _by_id(frames, tid):
    return np.array([f.lifted.joints_cam_mm[list(f.track_ids).index(tid)] for f in frames])


@pytest.mark.parametrize("causal", [True, False])
def test_every_frame_comes_out_in_order_each_person_on_their_ray(tmp_path, walk_cam_mm, causal):
    path = write_video(tmp_path / "clip.mp4", 15)
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    detections = _moving_people(walk_cam_mm, cam, 15)
    frames = _run(path, detections, _net(causal))
    plain = _run(path, detections, None)
    assert [f.index for f in frames] == list(range(15))
    for f, g in zip(frames, plain, strict=True):
        assert list(f.track_ids) == list(g.track_ids)
        np.testing.assert_allclose(
            project(f.lifted.root_cam_mm, cam), project(g.lifted.root_cam_mm, cam), atol=1e-3
        )
        assert not np.allclose(f.lifted.joints_cam_mm, g.lifted.joints_cam_mm)  # the temporal model's
        assert np.isnan(f.lifted.depth_log_halfwidth).all()  # no spread head: no interval


def test_the_causal_model_reads_no_later_frame_in_a_video(tmp_path, walk_cam_mm, rng):
    path = write_video(tmp_path / "clip.mp4", 15)
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    detections = _moving_people(walk_cam_mm, cam, 15)
    changed = _moving_people(walk_cam_mm, cam, 15)
    for d in changed[10:]:
        d.keypoints_px[:] += rng.normal(0, 10.0, d.keypoints_px.shape)
    for causal, same_until in ((True, 10), (False, 10 - 4)):
        a, b = _run(path, detections, _net(causal)), _run(path, changed, _net(causal))
        for tid in (0, 1):
            np.testing.assert_array_equal(_by_id(a, tid)[:same_until], _by_id(b, tid)[:same_until])
            if not causal:  # the symmetric model reads 4 frames ahead
                assert not np.allclose(_by_id(a, tid)[same_until:10], _by_id(b, tid)[same_until:10])


def test_the_temporal_model_refuses_the_floor_options(tmp_path, walk_cam_mm):
    path = write_video(tmp_path / "clip.mp4", 3)
    detections = _moving_people(walk_cam_mm, Intrinsics.from_focal(700.0, WIDTH, HEIGHT), 3)
    with pytest.raises(AbsPoseError, match="floor options"):
        _run(path, detections, _net(True), camera_height_mm=1600.0)
