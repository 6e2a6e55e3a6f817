"""The motion-capture dataset file: a round trip, selection by subject, refused files."""

import numpy as np
import pytest

from abspose.data import MocapDataset, sample_dataset
from abspose.errors import DataError


def _two_subjects() -> MocapDataset:
    one = sample_dataset()
    n = len(one)
    return MocapDataset(
        joints_world_mm=np.concatenate([one.joints_world_mm, one.joints_world_mm + 1.0]),
        clip_index=np.concatenate([np.zeros(n), np.ones(n)]).astype(np.int32),
        frame_index=np.tile(np.arange(n, dtype=np.int32), 2),
        clip_names=np.array(["daz/02_01", "daz/07_01"]),
        clip_subjects=np.array([2, 7], dtype=np.int32),
        clip_rigs=np.array(["daz", "daz"]),
        clip_floor_y_mm=np.array([0.0, 5.0], dtype=np.float32),
        fps=one.fps,
    )


def test_save_load_round_trip_and_select(tmp_path):
    data = _two_subjects()
    back = MocapDataset.load(data.save(tmp_path / "d.npz"))
    np.testing.assert_array_equal(back.joints_world_mm, data.joints_world_mm)
    assert back.clip_names.tolist() == data.clip_names.tolist() and back.fps == data.fps
    seven = back.select_subjects([7])
    assert len(seven) == len(data) // 2 and set(seven.subjects.tolist()) == {7}
    np.testing.assert_array_equal(seven.floor_y_mm, 5.0)


def test_files_that_are_not_datasets_are_refused(tmp_path):
    with pytest.raises(DataError, match="no such dataset file"):
        MocapDataset.load(tmp_path / "none.npz")
    np.savez(tmp_path / "other.npz", format=np.array("something-else"), joint_names=np.array(["a"]))
    with pytest.raises(DataError, match="expected format"):
        MocapDataset.load(tmp_path / "other.npz")
    (tmp_path / "text.npz").write_text("not an archive")
    with pytest.raises(DataError):
        MocapDataset.load(tmp_path / "text.npz")
