"""The MPI-INF-3DHP test set's annot_data.mat, in both MATLAB formats it can come in."""

import numpy as np
import pytest
import scipy.io

from abspose.data import read_3dhp_test
from abspose.data.benchmarks.mpi_inf_3dhp import fit_intrinsics
from abspose.errors import DataError
from tests.conftest import random_pose_cam_mm
from tests.data.benchmarks.test_mmpose import in_3dhp_order

F, C = (1683.98, 1671.5), (939.9, 560.1)


def _sequence(rng, n=8):
    truth = random_pose_cam_mm(rng, n)  # H36M-17 order
    xyz = in_3dhp_order(truth)
    uv = xyz[..., :2] / xyz[..., 2:] * F + C
    valid = np.ones(n)
    valid[[2, 5]] = 0
    activity = np.arange(n)[:, None] % 7 + 1
    arrays = {"annot2": uv[:, None], "annot3": xyz[:, None], "univ_annot3": 0.9 * xyz[:, None],
              "valid_frame": valid[:, None], "activity_annotation": activity}  # fmt: skip
    return truth, arrays


def _write_v73(path, arrays):
    """HDF5 behind MATLAB's 512-byte header, as MATLAB's ``save -v7.3`` writes."""
    h5py = pytest.importorskip("h5py")
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w", userblock_size=512) as fh:  # MATLAB's 2x17x1xN is (N, 1, 17, 2) here
        for key, value in arrays.items():
            fh.create_dataset(key, data=value)
    text = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Tue Nov 24 12:00:00 2026 HDF5 schema 1.00 ."
    header = text.ljust(116) + b"\0" * 8 + b"\x00\x02" + b"IM"
    with open(path, "r+b") as fh:
        fh.write(header)


def _write_v5(path, arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    scipy.io.savemat(path, {k: np.transpose(v) for k, v in arrays.items()})  # MATLAB axis order


@pytest.mark.parametrize("writer", [_write_v73, _write_v5])
def test_test_set_in_both_mat_formats(tmp_path, rng, writer):
    truth5, seq5 = _sequence(rng)
    truth1, seq1 = _sequence(rng)
    writer(tmp_path / "test" / "TS5" / "annot_data.mat", seq5)
    writer(tmp_path / "test" / "TS1" / "annot_data.mat", seq1)
    frames = read_3dhp_test(tmp_path, sequences=("TS1", "TS5"))
    valid = np.ones(8, dtype=bool)
    valid[[2, 5]] = False
    assert np.allclose(frames.joints_cam_mm, np.concatenate([truth1[valid], truth5[valid]]))
    assert list(frames.group) == ["GS"] * 6 + ["outdoor"] * 6 and list(frames.frame[:3]) == [0, 1, 3]
    assert np.allclose(frames.focal_px, np.mean(F), rtol=1e-9) and np.allclose(frames.principal_px, C)
    assert (frames.image_size_px[-1] == [1920, 1080]).all() and frames.action[0] == "Stand/Walk"
    universal = read_3dhp_test(tmp_path, sequences=("TS1",), universal=True, valid_only=False)
    assert len(universal) == 8 and np.allclose(universal.joints_cam_mm, 0.9 * truth1)


def test_intrinsics_fit_recovers_a_pinhole(rng):
    xyz = random_pose_cam_mm(rng, 20)
    uv = xyz[..., :2] / xyz[..., 2:] * [1500.0, 1490.0] + [1024.0, 1050.0]
    assert np.allclose(fit_intrinsics(uv, xyz), (1500.0, 1490.0, 1024.0, 1050.0))


def test_missing_sequences_and_arrays(tmp_path, rng):
    with pytest.raises(DataError, match=r"TS1 \.\.\. TS6"):
        read_3dhp_test(tmp_path, sequences=("TS1",))
    _, seq = _sequence(rng)
    del seq["valid_frame"]
    _write_v5(tmp_path / "TS2" / "annot_data.mat", seq)
    with pytest.raises(DataError, match="missing \\['valid_frame'\\]"):
        read_3dhp_test(tmp_path, sequences=("TS2",))
