"""Human3.6M in VideoPose3D's form: cameras, world to camera, Protocol 1 on a fake tree."""

import warnings

import numpy as np
import pytest

from abspose.data import h36m_cameras, protocol_split, read_videopose3d, world_to_camera
from abspose.data.benchmarks.h36m import H36M_KEEP_32
from abspose.errors import DataError
from abspose.evaluation import score_frames


def _quaternion_matrix(w, x, y, z):
    """Textbook unit-quaternion rotation matrix (independent of scipy)."""
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])  # fmt: skip


def test_every_camera_sees_the_capture_area():
    """The convention check: the capture area's centre is in front of every camera, inside its
    image, and the camera centre maps to the origin."""
    cams = h36m_cameras()
    for subject, extrinsics in cams["extrinsics"].items():
        for index, (cam, intr) in enumerate(zip(extrinsics, cams["intrinsics"], strict=True)):
            centre = world_to_camera(np.array([0.0, 0.0, 1000.0]), subject, index)  # 1 m up, z is up
            assert 3000 < centre[2] < 8000, (subject, index, centre)
            uv = centre[:2] / centre[2] * intr["focal_length"] + intr["center"]
            assert (0 < uv).all() and (uv < [intr["res_w"], intr["res_h"]]).all(), (subject, index, uv)
            assert np.allclose(world_to_camera(np.array(cam["translation"]), subject, index), 0.0, atol=1e-9)
            r = _quaternion_matrix(*cam["orientation"])
            point = np.array([100.0, -200.0, 1500.0])
            ref = r.T @ (point - cam["translation"])  # float32 quaternions: unit to 3e-8
            assert np.allclose(world_to_camera(point, subject, index), ref, rtol=0, atol=1e-3)


def _fake_tree(tmp_path, rng, subjects=("S1", "S9", "S11"), frames=6):
    positions, detections = {}, {}
    for subject in subjects:
        positions[subject], detections[subject] = {}, {}
        for action in ("Walking", "Directions 1"):
            world = rng.normal(0, 0.3, (frames, 32, 3)) + [0.0, 0.0, 1.0]  # metres, around 1 m up
            positions[subject][action] = world.astype(np.float32)
            detections[subject][action] = [rng.uniform(0, 1000, (frames + 2, 17, 2)) for _ in range(4)]
    np.savez(tmp_path / "data_3d_h36m.npz", positions_3d=positions)
    np.savez(tmp_path / "data_2d_h36m_det.npz", positions_2d=detections, metadata={"layout_name": "h36m"})
    return positions, detections


def _read(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the "trusted pickle" warning
        return read_videopose3d(*args, trust_pickle=True, **kwargs)


def test_protocol1_of_the_truth_is_zero_and_of_a_known_error_is_known(tmp_path, rng):
    _fake_tree(tmp_path, rng)
    frames = _read(tmp_path / "data_3d_h36m.npz")
    assert len(frames) == 3 * 2 * 4 * 6
    train, test = protocol_split(frames, "h36m-p1")
    assert set(train.subject) == {"S1"} and set(test.subject) == {"S9", "S11"}
    truth = test.joints_cam_mm
    exact = score_frames(test, truth)
    assert exact["all"].mpjpe == 0.0 and exact["all"].mrpe == 0.0 and exact["all"].pck3d == 100.0
    assert set(exact) == {"all", "Walking", "Directions"}  # per action, numbered takes merged
    moved = truth.copy()
    moved[:, 16, 0] += 17.0  # the right wrist 17 mm to the right: MPJPE = 17 / 17 joints
    shifted = truth + [3.0, 4.0, 0.0]  # the whole person: root error 5 mm, pose error none
    assert score_frames(test, moved)["all"].mpjpe == pytest.approx(1.0, abs=1e-12)
    root = score_frames(test, shifted)["all"]
    assert root.mpjpe == pytest.approx(0.0, abs=1e-9) and root.mrpe == pytest.approx(5.0)
    assert (root.root_x, root.root_y, root.root_z) == (pytest.approx(3.0), pytest.approx(4.0), 0.0)


def test_joints_are_the_kept_17_in_each_camera(tmp_path, rng):
    positions, _ = _fake_tree(tmp_path, rng, subjects=("S9",), frames=3)
    frames = _read(tmp_path / "data_3d_h36m.npz")
    sel = (frames.action == "Walking") & (frames.camera == "58860488")
    world_mm = positions["S9"]["Walking"][:, list(H36M_KEEP_32)].astype(np.float64) * 1000
    assert np.allclose(frames.joints_cam_mm[sel], world_to_camera(world_mm, "S9", 2))
    # without a 2D file the input is the truth projected with the camera's intrinsics
    intr = h36m_cameras()["intrinsics"][2]
    uv = frames.joints_cam_mm[sel][..., :2] / frames.joints_cam_mm[sel][..., 2:] * intr["focal_length"]
    assert np.allclose(frames.keypoints_px[sel], uv + intr["center"])


def test_detections_are_trimmed_to_the_3d_length(tmp_path, rng):
    _, detections = _fake_tree(tmp_path, rng, subjects=("S11",), frames=4)
    frames = _read(tmp_path / "data_3d_h36m.npz", tmp_path / "data_2d_h36m_det.npz")
    sel = (frames.action == "Directions 1") & (frames.camera == "55011271")
    assert np.array_equal(frames.keypoints_px[sel], detections["S11"]["Directions 1"][1][:4])


def test_pickles_need_trust_and_subjects_need_cameras(tmp_path, rng):
    _fake_tree(tmp_path, rng, subjects=("S9",))
    with pytest.raises(DataError, match="trust_pickle"):
        read_videopose3d(tmp_path / "data_3d_h36m.npz")
    np.savez(tmp_path / "odd.npz", positions_3d={"S2": {"Walking": np.zeros((2, 32, 3))}})
    with pytest.raises(DataError, match=r"no Human3\.6M calibration for subject 'S2'"):
        _read(tmp_path / "odd.npz")
    with pytest.raises(DataError, match="positions_3d"):
        np.savez(tmp_path / "empty.npz", other=np.zeros(3))
        _read(tmp_path / "empty.npz")
