"""read_benchmark: one entry to the benchmark readers, with clear errors for what is wrong."""

import warnings

import numpy as np
import pytest

from abspose.data import BENCHMARKS, read_benchmark
from abspose.data.benchmarks.h36m import read_videopose3d
from abspose.errors import DataError


def test_unknown_kind_and_wrong_file_counts_are_refused(tmp_path):
    with pytest.raises(DataError, match="expected one of h36m, mmpose-h36m"):
        read_benchmark("h36m-extra", [tmp_path / "a.npz"])
    with pytest.raises(DataError, match=r"h36m: expected data_3d_h36m\.npz"):
        read_benchmark("h36m", [])
    with pytest.raises(DataError, match=r"mmpose-3dhp: expected mpi_inf_3dhp_test_valid\.npz"):
        read_benchmark("mmpose-3dhp", [tmp_path / "a.npz", tmp_path / "b.npz"])
    with pytest.raises(DataError, match="cameras file"):
        read_benchmark("mmpose-h36m", [tmp_path / "h36m_test.npz"])
    assert set(BENCHMARKS) == {"h36m", "mmpose-h36m", "mmpose-3dhp", "3dhp-test"}


def test_h36m_goes_to_its_reader_and_keeps_the_protocol_subjects(tmp_path, rng):
    """The same frames as the reader called directly, then the test subjects of the protocol."""
    positions = {
        s: {"Walking": (rng.normal(0, 0.3, (4, 32, 3)) + [0.0, 0.0, 1.0]).astype(np.float32)}
        for s in ("S1", "S9", "S11")
    }
    path_3d = tmp_path / "data_3d_h36m.npz"
    np.savez(path_3d, positions_3d=positions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the "trusted pickle" warning
        direct = read_videopose3d(path_3d, trust_pickle=True)
        frames = read_benchmark("h36m", [path_3d], trust_pickle=True, protocol="h36m-p1")
    assert set(frames.subject.tolist()) <= {"S9", "S11"} and len(frames) > 0
    keep = np.isin(direct.subject, ["S9", "S11"])
    np.testing.assert_array_equal(frames.joints_cam_mm, direct.joints_cam_mm[keep])
    with pytest.raises(DataError, match="no frames of subjects"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read_benchmark("h36m", [path_3d], trust_pickle=True, subjects="S42")
