import csv
import json

import numpy as np
import pytest

from abspose import DataError
from abspose.api import LiftResult
from abspose.io import read_keypoints, write_result


def test_openpose_json(tmp_path, rng):
    people = [{"pose_keypoints_2d": rng.uniform(0, 500, 75).tolist()} for _ in range(2)]
    (tmp_path / "op.json").write_text(json.dumps({"version": 1.3, "people": people}))
    kf = read_keypoints(tmp_path / "op.json")
    assert kf.layout == "body25" and kf.keypoints_px.shape == (2, 25, 2) and kf.confidences.shape == (2, 25)
    assert np.allclose(kf.keypoints_px[1, 3], people[1]["pose_keypoints_2d"][9:11])


def test_coco_results_and_abspose_json(tmp_path, rng):
    (tmp_path / "coco.json").write_text(
        json.dumps([{"image_id": 1, "keypoints": rng.uniform(0, 9, 51).tolist()}])
    )
    kf = read_keypoints(tmp_path / "coco.json")
    assert kf.layout == "coco17" and kf.keypoints_px.shape == (1, 17, 2)
    doc = {
        "layout": "h36m17",
        "keypoints": rng.uniform(0, 9, (17, 2)).tolist(),
        "focal_px": 1400,
        "image_size": [1280, 720],
    }
    (tmp_path / "a.json").write_text(json.dumps(doc))
    kf = read_keypoints(tmp_path / "a.json")
    assert kf.keypoints_px.shape == (1, 17, 2) and kf.focal_px == 1400.0 and kf.image_size == (1280, 720)


def test_numpy_files(tmp_path, rng):
    np.save(tmp_path / "k.npy", rng.uniform(size=(3, 17, 3)))
    kf = read_keypoints(tmp_path / "k.npy")
    assert kf.keypoints_px.shape == (3, 17, 2) and kf.confidences.shape == (3, 17)
    np.savez(tmp_path / "k.npz", keypoints=rng.uniform(size=(17, 2)))
    assert read_keypoints(tmp_path / "k.npz").keypoints_px.shape == (1, 17, 2)


def test_bad_files(tmp_path):
    (tmp_path / "x.json").write_text('{"hello": 1}')
    with pytest.raises(DataError, match="unknown keypoint format"):
        read_keypoints(tmp_path / "x.json")
    (tmp_path / "y.json").write_text("{not json")
    with pytest.raises(DataError, match="cannot read"):
        read_keypoints(tmp_path / "y.json")
    with pytest.raises(DataError, match="no such"):
        read_keypoints(tmp_path / "z.json")


def _result(rng):
    joints = rng.normal(0, 300, (2, 17, 3)) + [0, 0, 5000]
    imputed = np.zeros((2, 17), bool)
    imputed[1, 3] = True
    return LiftResult(
        joints,
        joints[:, 0],
        joints[:, 0, 2] / 1500,
        np.full(2, 1500.0),
        np.full((2, 2), 500.0),
        False,
        imputed,
    )


def test_write_json_and_csv_read_back(tmp_path, rng):
    r = _result(rng)
    doc = json.loads(write_result(tmp_path / "o.json", r).read_text())
    assert len(doc["people"]) == 2
    assert doc["people"][0]["imputed_joints"] == [] and doc["people"][1]["imputed_joints"] == ["r_ankle"]
    assert np.allclose(doc["people"][1]["joints_cam_mm"]["l_wrist"], r.joints_cam_mm[1, 13], atol=0.01)
    rows = list(csv.DictReader(write_result(tmp_path / "o.csv", r).open()))
    assert len(rows) == 34 and rows[0]["joint"] == "pelvis"
    assert float(rows[17 + 13]["x_mm"]) == pytest.approx(r.joints_cam_mm[1, 13, 0], abs=0.01)
    with pytest.raises(DataError, match=r"\.json or \.csv"):
        write_result(tmp_path / "o.txt", r)


class _CountingResult:
    """A LiftResult stand-in that counts how often each per-person array is computed."""

    def __init__(self, result):
        self._result, self.reads = result, {}

    def __getattr__(self, name):
        self.reads[name] = self.reads.get(name, 0) + 1
        return getattr(self._result, name)


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_writers_read_each_array_once_whatever_the_count(tmp_path, suffix):
    """Linear, not quadratic: distance_m (a norm over all N) was recomputed once per person."""
    from abspose import lift

    kp = np.random.default_rng(0).uniform(200, 400, (1, 17, 2))
    for n in (10, 1000):
        counting = _CountingResult(lift(np.repeat(kp, n, 0), focal_px=1000.0, image_size=(640, 480)))
        write_result(tmp_path / f"o{n}{suffix}", counting)
        assert max(counting.reads.values()) == 1, counting.reads
    doc = (tmp_path / f"o1000{suffix}").read_text()
    if suffix == ".json":
        assert len(json.loads(doc)["people"]) == 1000
    else:
        assert len(doc.splitlines()) == 1 + 1000 * 17
