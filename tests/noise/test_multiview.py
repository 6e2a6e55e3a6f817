from pathlib import Path

import numpy as np
import pytest

from abspose import DataError, ShapeError
from abspose.data import look_at_rotation
from abspose.geometry import Intrinsics
from abspose.noise import leave_one_view_out, pose_errors, project_with, triangulate
from abspose.noise.pose2sim import measure_errors, parse_qca, read_pose2sim_demo

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pose2sim_demo"


def _ring_of_cameras(n=4, radius_mm=4000.0):
    """``(n, 3, 4)`` cameras on a circle around the origin, all looking at it."""
    K = Intrinsics(1200.0, 1200.0, 640.0, 360.0).matrix
    out = []
    for k in range(n):
        psi = 2 * np.pi * k / n
        centre = -radius_mm * np.array([np.sin(psi), 0.0, np.cos(psi)]) + [0.0, 1000.0, 0.0]
        R = look_at_rotation(psi, 0.2)
        out.append(K @ np.hstack([R, (-R @ centre)[:, None]]))
    return np.stack(out)


def test_triangulation_is_exact_on_perfect_views(rng):
    P = _ring_of_cameras()
    X = rng.normal(0, 500, (6, 17, 3))
    pts = np.stack([project_with(p, X) for p in P])  # (V, 6, 17, 2)
    assert np.allclose(triangulate(P, pts), X, atol=1e-6)


def test_triangulation_needs_two_views(rng):
    P = _ring_of_cameras()
    X = rng.normal(0, 500, (3, 3))
    pts = np.stack([project_with(p, X) for p in P])
    w = np.zeros((4, 3))
    w[0] = 1.0
    w[1, :2] = 1.0
    out = triangulate(P, pts, w)
    assert np.allclose(out[:2], X[:2], atol=1e-6) and np.isnan(out[2]).all()
    with pytest.raises(ShapeError):
        triangulate(P[:, :2], pts)


def test_leave_one_out_scores_only_the_held_out_detection(rng):
    """Noise in one view shows up, exactly, only as that view's error."""
    P = _ring_of_cameras()
    X = rng.normal(0, 400, (5, 17, 3))
    kp = np.stack([project_with(p, X) for p in P])  # (V, T, J, 2)
    noise = rng.normal(0, 6.0, kp[2].shape)
    kp[2] += noise
    loo = leave_one_view_out(P, kp, np.ones(kp.shape[:-1]))
    assert loo.valid.all()
    assert np.allclose(loo.detected_px[2] - loo.reference_px[2], noise, atol=1e-6)
    # the other views' references include view 2's noise, but through a triangulation
    others = np.abs(loo.detected_px[[0, 1, 3]] - loo.reference_px[[0, 1, 3]]).mean()
    assert 0 < others < np.abs(noise).mean()


def test_qualisys_calibration_and_demo_fixture():
    cams = parse_qca((FIXTURE / "calib-2d" / "Calib.qca.txt").read_text())
    assert len(cams) == 4 and cams[0].image_size == (1088, 1920)
    assert np.allclose(cams[0].rot_world_to_cam @ cams[0].rot_world_to_cam.T, np.eye(3), atol=1e-6)
    assert 1600 < cams[0].intrinsics.fx < 1700  # 1/64 px units converted
    capture = read_pose2sim_demo(FIXTURE)
    assert capture.keypoints_px.shape == (4, 3, 25, 2) and capture.layout == "body25b"
    loo = leave_one_view_out(capture.projections, capture.keypoints_px, capture.confidences)
    d = np.linalg.norm(loo.detected_px - loo.reference_px, axis=-1)[loo.valid]
    assert loo.valid.mean() > 0.5 and np.median(d) < 60.0  # real detections: tens of px
    real = measure_errors(capture, fit_frames=2)
    assert real.errors.shape == (12, 17, 2) and len(real.fit) == 8 and len(real.held_out) == 4
    complete = real.held_out_complete  # whole vectors only: every joint measured
    assert np.isfinite(complete).all() and len(complete) == np.isfinite(real.held_out).all(axis=(1, 2)).sum()


def test_demo_reader_refuses_other_inputs(tmp_path):
    with pytest.raises(DataError, match="pip download pose2sim"):
        read_pose2sim_demo(tmp_path / "nothing")
    with pytest.raises(DataError, match="qca"):
        read_pose2sim_demo(tmp_path)


def test_pose_errors_missing_joints_and_scale(rng):
    true = rng.normal(500.0, 80.0, (3, 17, 2))
    det = true + rng.normal(0, 5.0, true.shape)
    valid = np.ones((3, 17), bool)
    valid[0, 3] = False
    e = pose_errors(det, true, "h36m17", valid)
    assert np.isnan(e[0, 3]).all() and np.isfinite(np.delete(e[0], 3, 0)).all()
    scale = np.sqrt(((true - true.mean(1, keepdims=True)) ** 2).sum(-1).mean(-1))  # Eq. 3 by hand
    assert np.allclose(e[1] * scale[1], det[1] - true[1])
    ref = true.copy()
    ref[2, 0] = np.nan  # incomplete reference: no σ, all NaN
    assert np.isnan(pose_errors(det, ref, "h36m17")[2]).all()


def test_video_demo_reader_runs_the_backend_on_each_camera(tmp_path, walk_cam_mm):
    """A Demo_SinglePerson-shaped folder: the backend sees each video in camera order, and
    detections that are exact projections give zero leave-one-view-out error."""
    import shutil

    from abspose.estimator2d import Poses2D, PrecomputedBackend
    from abspose.noise.pose2sim import is_video_demo, read_pose2sim_videos

    from ..pipeline.conftest import write_video

    folder = tmp_path / "Demo_SinglePerson"
    (folder / "calibration").mkdir(parents=True)
    (folder / "videos").mkdir()
    shutil.copy(FIXTURE / "calib-2d" / "Calib.qca.txt", folder / "calibration" / "Calib.qca.txt")
    cams = parse_qca((FIXTURE / "calib-2d" / "Calib.qca.txt").read_text())
    frames = 3
    for k in (2, 1, 4, 3):  # written out of order: read in natural order
        write_video(folder / "videos" / f"cam0{k}.mp4", frames)
    # world (Qualisys: z up): the walk standing near the origin, which the cameras look at
    walk_world = walk_cam_mm[:frames][..., [0, 2, 1]] * np.array([1.0, 1.0, -1.0]) + [0.0, 0.0, 900.0]
    detections = []
    for cam in cams:
        for t in range(frames):
            kp = project_with(cam.projection, walk_world[t])  # (17, 2)
            detections.append(Poses2D(kp[None], np.ones((1, 17)), "h36m17"))
    assert is_video_demo(folder) and not is_video_demo(FIXTURE)
    capture = read_pose2sim_videos(folder, PrecomputedBackend(detections))
    assert capture.keypoints_px.shape == (4, frames, 17, 2) and capture.layout == "h36m17"
    assert [c.name for c in capture.cameras] == ["cam01", "cam02", "cam03", "cam04"]
    real = measure_errors(capture, fit_frames=2)
    assert np.isfinite(real.errors).all() and np.abs(real.errors).max() < 1e-6
    with pytest.raises(DataError, match=r"pose2sim==0\.10\.49"):
        read_pose2sim_videos(tmp_path / "nothing", PrecomputedBackend(detections))


def _synthetic_capture(rng, n_frames=5):
    """A MultiViewCapture of exact H36M-17 projections in 4 ring cameras."""
    from abspose.noise.pose2sim import CalibratedCamera, MultiViewCapture

    cams = []
    for k, P in enumerate(_ring_of_cameras()):
        K = Intrinsics(1200.0, 1200.0, 640.0, 360.0)
        Rt = np.linalg.inv(K.matrix) @ P
        cams.append(CalibratedCamera(f"cam{k}", K, Rt[:, :3], Rt[:, 3], (1280, 720)))
    X = rng.normal(0, 300, (n_frames, 17, 3)) + [0.0, 1000.0, 0.0]
    kp = np.stack([project_with(c.projection, X) for c in cams])
    return MultiViewCapture(tuple(cams), kp, np.ones(kp.shape[:-1]), "h36m17"), X


def test_held_out_view_frames_reference_and_inputs(rng):
    from abspose.noise.multiview import held_out_view_frames

    capture, X = _synthetic_capture(rng)
    frames = held_out_view_frames(capture)
    assert len(frames) == 4 * 5 and set(frames.camera.tolist()) == {"cam0", "cam1", "cam2", "cam3"}
    for k, cam in enumerate(capture.cameras):
        sel = frames.camera == cam.name
        # The reference is the true 3D in that camera's frame; the 2D its exact projection.
        expected = X @ cam.rot_world_to_cam.T + cam.t_world_to_cam_mm
        np.testing.assert_allclose(frames.joints_cam_mm[sel], expected, atol=1e-4)
        np.testing.assert_allclose(frames.keypoints_px[sel], capture.keypoints_px[k], atol=1e-4)
    # Detector input: the held-out view's own detections; low-confidence joints become NaN.
    conf = capture.confidences.copy()
    conf[1, 2, 13] = 0.0  # view 1, frame 2, left wrist missing
    conf[2, 3, :6] = 0.0  # view 2, frame 3: 11 joints left, too few to lift
    from abspose.noise.pose2sim import MultiViewCapture

    detected = MultiViewCapture(capture.cameras, capture.keypoints_px, conf, "h36m17")
    out = held_out_view_frames(capture, detections=detected)
    assert len(out) == 4 * 5 - 1
    v1 = out.camera == "cam1"
    assert (
        np.isnan(out.keypoints_px[v1][2, 13]).all()
        and np.isfinite(np.delete(out.keypoints_px[v1], 13, 1)).all()
    )
