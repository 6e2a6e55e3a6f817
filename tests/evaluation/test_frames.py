"""The one scorer: benchmark frames scored against an independent computation of the metrics."""

import numpy as np

from abspose.data.frames import CameraFrames
from abspose.evaluation import evaluate_frames, score_frames


def _frames(rng, n=6):
    truth = rng.normal(0, 250, (n, 17, 3)) + [0.0, 0.0, 4000.0]
    kp = truth[..., :2] / truth[..., 2:] * 1000.0 + 500.0
    return CameraFrames(
        truth, kp, np.full(n, 1000.0), np.full((n, 2), 500.0), np.full((n, 2), 1000),
        subject=np.array(["S9", "S11"] * (n // 2)), action=np.array(["Walk"] * n),
    )  # fmt: skip


def test_score_frames_against_a_direct_computation(rng):
    frames = _frames(rng)
    pred = frames.joints_cam_mm + rng.normal(0, 20, frames.joints_cam_mm.shape)
    groups = score_frames(frames, pred, by="subject")
    rel = lambda p: p - p[:, :1]  # noqa: E731
    per_frame = np.linalg.norm(rel(pred) - rel(frames.joints_cam_mm), axis=-1).mean(-1)
    assert np.isclose(groups["all"].mpjpe, per_frame.mean())
    s9 = frames.subject == "S9"
    assert np.isclose(groups["S9"].mpjpe, per_frame[s9].mean()) and groups["S9"].count == s9.sum()
    root = np.linalg.norm(pred[:, 0] - frames.joints_cam_mm[:, 0], axis=-1).mean()
    assert np.isclose(groups["all"].mrpe, root)


def test_evaluate_frames_lifts_with_the_frames_own_cameras(rng):
    frames = _frames(rng)
    ev = evaluate_frames(None, frames, by="subject")  # the shipped model
    assert set(ev.groups) == {"S9", "S11", "all"} and ev.groups["all"].count == len(frames)
    np.testing.assert_allclose(ev.distance_mm, np.linalg.norm(frames.joints_cam_mm[:, 0], axis=-1))
    assert ev.mpjpe_mm.shape == (len(frames),) and np.isfinite(ev.relative_depth_error)
