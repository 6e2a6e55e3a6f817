import csv
import json

import numpy as np
import pytest

from abspose.errors import AbsPoseError
from abspose.estimator2d import Poses2D, PrecomputedBackend
from abspose.geometry import Intrinsics, project
from abspose.io import FrameWriter
from abspose.pipeline import CameraSetup, lift_image
from abspose.skeletons import H36M17


@pytest.fixture
def frame(rng):
    from abspose.data import convert_bvh, sample_bvh_path

    joints = convert_bvh(sample_bvh_path()).joints_world_mm[:2] * np.array([1.0, -1.0, -1.0])
    joints = joints - joints[:, :1] + np.array([[[-700.0, 0, 5000]], [[800.0, 100, 6000]]])
    cam = Intrinsics.from_focal(700.0, 640, 480)
    conf = np.ones((2, 17))
    conf[1, H36M17.index("r_wrist")] = 0.0
    backend = PrecomputedBackend([Poses2D(project(joints, cam), conf, "h36m17")])
    return lift_image(np.zeros((480, 640, 3), np.uint8), backend, CameraSetup(cam, "focal"))


def test_json_reads_back(tmp_path, frame):
    path = tmp_path / "out.json"
    with FrameWriter(path, "clip.mp4", "h36m17", fps=25.0) as writer:
        writer.write(frame)
        writer.write(frame)
    doc = json.loads(path.read_text())
    assert doc["joint_names"] == list(H36M17.joint_names) and doc["fps"] == 25.0
    assert doc["camera"]["focal_px"] == 700.0 and doc["camera"]["source"] == "focal"
    assert len(doc["frames"]) == 2
    people = doc["frames"][0]["people"]
    assert np.allclose(np.array(people[0]["joints_cam_mm"]), frame.lifted.joints_cam_mm[0], atol=0.05)
    assert people[1]["keypoints_px"][H36M17.index("r_wrist")] is None
    assert people[1]["imputed_joints"] == ["r_wrist"]
    assert np.isclose(people[0]["canonical_depth_mm_per_px"], frame.lifted.canonical_depth[0], rtol=1e-4)


def test_csv_one_row_per_frame_person_and_joint(tmp_path, frame):
    path = tmp_path / "out.csv"
    with FrameWriter(path, "photo.jpg", "h36m17") as writer:
        writer.write(frame)
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 2 * 17
    first = rows[0]
    assert first["joint"] == "pelvis" and float(first["focal_px"]) == 700.0
    assert np.isclose(float(first["z_mm"]), frame.lifted.joints_cam_mm[0, 0, 2], atol=0.05)


def test_a_failed_run_leaves_no_file(tmp_path, frame):
    path = tmp_path / "out.json"
    with pytest.raises(RuntimeError), FrameWriter(path, "clip.mp4", "h36m17") as writer:
        writer.write(frame)
        raise RuntimeError("interrupted")
    assert not path.exists() and not list(tmp_path.iterdir())
    with pytest.raises(AbsPoseError, match="no frame"):
        FrameWriter(path, "clip.mp4", "h36m17").close()
    assert not list(tmp_path.iterdir())  # nothing left behind either
    with pytest.raises(AbsPoseError, match=r"\.json or \.csv"):
        FrameWriter(tmp_path / "out.txt", "clip.mp4", "h36m17")
