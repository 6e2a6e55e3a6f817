"""MMPose's preprocessed npz and camera files, written here in exactly that format."""

import json
import pickle
import warnings

import numpy as np
import pytest

from abspose.data import MPI_INF_3DHP17, read_cameras, read_mmpose, write_cameras_json
from abspose.data.benchmarks.mmpose import to_h36m17
from abspose.errors import DataError
from abspose.skeletons import H36M17
from tests.conftest import random_pose_cam_mm


def _cameras_pkl(path, keys, f=(1145.0, 1143.0), c=(512.5, 515.5), size=(1000, 1002)):
    cams = {
        key: {"R": np.eye(3), "T": np.zeros((3, 1)), "c": np.array([[c[0]], [c[1]]]),
              "f": np.array([[f[0]], [f[1]]]), "k": np.zeros((3, 1)), "p": np.zeros((2, 1)),
              "w": size[0], "h": size[1], "name": "camera1"}
        for key in keys
    }  # fmt: skip
    with open(path, "wb") as fh:
        pickle.dump(cams, fh)
    return path


def _project(joints_mm, f, c):
    return joints_mm[..., :2] / joints_mm[..., 2:] * np.asarray(f) + c


def _h36m_npz(path, rng, n=6):
    joints_mm = random_pose_cam_mm(rng, n)
    s9 = "S9/S9_Directions_1.54138969/S9_Directions_1.54138969"
    s11 = "S11/S11_WalkDog.60457274/S11_WalkDog.60457274"
    names = np.array([f"{seq}_{i + 1:06d}.jpg" for seq in (s9, s11) for i in range(3)])
    part = np.concatenate([_project(joints_mm, (1145.0, 1143.0), (512.5, 515.5)), np.ones((n, 17, 1))], -1)
    s = np.concatenate([joints_mm / 1000.0, np.ones((n, 17, 1))], -1)
    np.savez(path, imgname=names, center=part[:, 0, :2], scale=np.ones(n), part=part, S=s)
    return joints_mm


def _read(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_mmpose(*args, **kwargs)


def test_h36m_npz_and_cameras_pkl(tmp_path, rng):
    truth = _h36m_npz(tmp_path / "h36m_test.npz", rng)
    pkl = _cameras_pkl(tmp_path / "cameras.pkl", [("S9", "54138969"), ("S11", "60457274")])
    frames = _read(tmp_path / "h36m_test.npz", pkl, "h36m", trust_pickle=True)
    assert np.allclose(frames.joints_cam_mm, truth)  # metres to mm, order kept
    assert list(frames.subject) == ["S9"] * 3 + ["S11"] * 3 and list(frames.frame) == [0, 1, 2] * 2
    assert set(frames.group) == {"Directions", "WalkDog"} and frames.action[0] == "Directions 1"
    assert np.allclose(frames.focal_px, 1144.0) and np.allclose(frames.principal_px, [512.5, 515.5])
    assert (frames.image_size_px == [1000, 1002]).all()


def test_pickled_cameras_need_trust_or_a_json_conversion(tmp_path, rng):
    _h36m_npz(tmp_path / "h36m_test.npz", rng)
    pkl = _cameras_pkl(tmp_path / "cameras.pkl", [("S9", "54138969"), ("S11", "60457274")])
    with pytest.raises(DataError, match="trust_pickle"):
        read_mmpose(tmp_path / "h36m_test.npz", pkl, "h36m")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cams = read_cameras(pkl, trust_pickle=True)
    assert any("trusted" in str(w.message) for w in caught)
    json_path = write_cameras_json(cams, tmp_path / "cameras.json")
    a = read_mmpose(tmp_path / "h36m_test.npz", json_path, "h36m")  # no pickle, no trust needed
    b = _read(tmp_path / "h36m_test.npz", pkl, "h36m", trust_pickle=True)
    assert np.array_equal(a.focal_px, b.focal_px) and np.array_equal(a.joints_cam_mm, b.joints_cam_mm)
    assert np.array_equal(a.principal_px, b.principal_px) and a.principal_px.shape == (6, 2)
    # a JSON keeping MMPose's (2, 1) columns reads the same (found by the CMU stand-in's JSON)
    doc = json.loads(json_path.read_text())
    for cam in doc["cameras"].values():
        cam["f"], cam["c"] = [[v] for v in cam["f"]], [[v] for v in cam["c"]]
    json_path.write_text(json.dumps(doc))
    c = read_mmpose(tmp_path / "h36m_test.npz", json_path, "h36m")
    assert np.array_equal(c.principal_px, b.principal_px) and np.array_equal(c.focal_px, b.focal_px)


def test_code_in_a_pickle_is_refused_even_when_trusted(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("this must not run",))

    with open(tmp_path / "evil.pkl", "wb") as fh:
        pickle.dump({("S9", "1"): Payload()}, fh)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataError, match=r"refused to load builtins\.print"):
            read_cameras(tmp_path / "evil.pkl", trust_pickle=True)


def in_3dhp_order(h36m_points):
    """``(..., 17, D)`` H36M-17 points in MPI-INF-3DHP's joint order, written from the joint
    names independently of the package's mapping (3DHP's neck is H36M's thorax, head its nose)."""
    rename = {"thorax": "neck", "nose": "head"}
    order = [
        H36M17.index(next((h for h, d in rename.items() if d == name), name))
        for name in MPI_INF_3DHP17.joint_names
    ]
    return h36m_points[..., order, :]


def test_3dhp_joints_are_mapped_by_name(tmp_path, rng):
    truth = random_pose_cam_mm(rng, 4)  # H36M-17 order
    joints_3dhp = in_3dhp_order(truth)  # the same people in 3DHP's joint order
    assert np.array_equal(to_h36m17(joints_3dhp), truth)
    f, c = (1497.9, 1498.1), (1024.1, 1050.8)
    part = np.concatenate([_project(joints_3dhp, f, c), np.ones((4, 17, 1))], -1)
    s = np.concatenate([joints_3dhp / 1000.0, np.ones((4, 17, 1))], -1)
    names = np.array(["TS1_000001.jpg", "TS1_000002.jpg", "TS5_000010.jpg", "TS6_000003.jpg"])
    np.savez(tmp_path / "mpi_inf_3dhp_test_valid.npz", imgname=names, center=np.zeros((4, 2)),
             scale=np.ones(4), part=part, S=s)  # fmt: skip
    pkl = _cameras_pkl(tmp_path / "cameras_test.pkl", ["TS1", "TS5", "TS6"], f=f, c=c, size=(2048, 2048))
    frames = _read(tmp_path / "mpi_inf_3dhp_test_valid.npz", pkl, "3dhp", trust_pickle=True)
    assert np.allclose(frames.joints_cam_mm, truth)
    assert np.allclose(frames.keypoints_px, _project(truth, f, c))
    assert list(frames.group) == ["GS", "GS", "outdoor", "outdoor"] and list(frames.frame) == [0, 1, 9, 2]


def test_bad_mmpose_files(tmp_path, rng):
    _h36m_npz(tmp_path / "h36m_test.npz", rng)
    only_s9 = _cameras_pkl(tmp_path / "cameras.pkl", [("S9", "54138969")])
    with pytest.raises(DataError, match="no camera 'S11/60457274'"):
        _read(tmp_path / "h36m_test.npz", only_s9, "h36m", trust_pickle=True)
    with pytest.raises(DataError, match="not in MMPose's 3dhp pattern"):
        _read(tmp_path / "h36m_test.npz", only_s9, "3dhp", trust_pickle=True)
    np.savez(tmp_path / "bad.npz", imgname=np.array(["x"]), part=np.zeros((1, 16, 3)), S=np.zeros((1, 16, 4)))
    with pytest.raises(DataError, match=r"part \(N, 17, 3\)"):
        _read(tmp_path / "bad.npz", only_s9, "h36m", trust_pickle=True)
