"""Streaming .npy lifting: the same numbers as one lift call, in constant memory."""

import tracemalloc

import numpy as np
import pytest
from typer.testing import CliRunner

from abspose import lift
from abspose.cli import app
from abspose.errors import DataError
from abspose.lifters import default_lifter
from abspose.pipeline import lift_npy
from tests.conftest import random_pose_cam_mm


def _keypoints(rng, n):
    joints = random_pose_cam_mm(rng, n)
    return joints[..., :2] / joints[..., 2:] * 1000.0 + 500.0  # (n, 17, 2) seen with f = 1000


def test_chunks_give_the_same_numbers_as_one_call(tmp_path, rng):
    kp = _keypoints(rng, 700)
    np.save(tmp_path / "kp.npy", kp)
    n = lift_npy(
        tmp_path / "kp.npy", tmp_path / "out.npy", chunk=128, focal_px=1000.0, image_size=(1000, 1000)
    )
    whole = lift(kp, focal_px=1000.0, image_size=(1000, 1000)).joints_cam_mm
    got = np.load(tmp_path / "out.npy")
    assert n == 700 and got.dtype == np.float32 and got.shape == (700, 17, 3)
    assert np.abs(got - whole).max() < 1e-5 * np.abs(whole).max()  # float32 rounding only


def test_confidences_in_a_third_column(tmp_path, rng):
    kp = _keypoints(rng, 50)
    conf = np.ones((50, 17))
    conf[::7, 13] = 0.0  # a missing wrist now and then
    np.save(tmp_path / "kp3.npy", np.concatenate([kp, conf[..., None]], -1))
    lift_npy(tmp_path / "kp3.npy", tmp_path / "out.npy", chunk=16, focal_px=1000.0, image_size=(1000, 1000))
    ref = lift(kp, confidences=conf, focal_px=1000.0, image_size=(1000, 1000)).joints_cam_mm
    assert np.allclose(np.load(tmp_path / "out.npy"), ref, atol=0.01)


def test_memory_does_not_grow_with_the_file(tmp_path, rng):
    model = default_lifter()  # loading the weights is not part of the stream
    base = _keypoints(rng, 100)
    peaks = []
    for copies in (300, 900):  # 30k and 90k poses: 8 and 24 MB of float64
        np.save(tmp_path / "big.npy", np.tile(base, (copies, 1, 1)))
        tracemalloc.start()
        lift_npy(tmp_path / "big.npy", tmp_path / "out.npy", chunk=512, focal_px=1000.0,
                 image_size=(1000, 1000), model=model)  # fmt: skip
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    size = base.nbytes * 900
    assert peaks[1] < 1.2 * peaks[0], f"peak grew from {peaks[0] / 1e6:.1f} to {peaks[1] / 1e6:.1f} MB"
    assert peaks[1] < 0.1 * size, f"peak {peaks[1] / 1e6:.1f} MB for a {size / 1e6:.0f} MB input"


def test_bad_streams_are_refused(tmp_path):
    np.save(tmp_path / "flat.npy", np.zeros((10, 34)))
    with pytest.raises(DataError, match=r"\(N, J, 2\)"):
        lift_npy(tmp_path / "flat.npy", tmp_path / "o.npy", focal_px=1000.0, image_size=(1000, 1000))
    with pytest.raises(DataError, match=r"\.npy output"):
        lift_npy(tmp_path / "flat.npy", tmp_path / "o.json")
    assert not (tmp_path / "o.npy").exists()


def test_cli_streams_npy_to_npy(tmp_path, rng):
    np.save(tmp_path / "kp.npy", _keypoints(rng, 300))
    out = tmp_path / "joints.npy"
    result = CliRunner().invoke(
        app,
        [
            "lift",
            str(tmp_path / "kp.npy"),
            "--out",
            str(out),
            "--chunk",
            "64",
            "--image-size",
            "1000",
            "1000",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "300 poses" in result.output and result.output.count("no focal length given") == 1
    assert np.load(out).shape == (300, 17, 3)
