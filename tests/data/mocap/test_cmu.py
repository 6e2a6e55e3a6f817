import numpy as np
import pytest

from abspose import DataError
from abspose.data import SPLITS, MocapDataset, convert_bvh, convert_cmu, resample, sample_bvh_path
from abspose.data.mocap.cmu import header_fps, leading_tpose_frames


def test_sample_conversion_drops_the_tpose():
    clip = convert_bvh(sample_bvh_path())
    assert (clip.subject, clip.trial, clip.rig, clip.dropped_frames) == (2, 1, "daz", 1)
    assert clip.joints_world_mm.shape == (60, 17, 3)
    assert leading_tpose_frames(clip.joints_world_mm) == 0


def test_header_frame_times_snap_to_whole_rates():
    assert (header_fps(0.016667), header_fps(0.00833333), header_fps(0.0333333)) == (60.0, 120.0, 30.0)
    assert header_fps(1 / 29.97) == pytest.approx(29.97)


def test_resample_is_exact_on_decimation_and_linear_motion(rng):
    x = rng.normal(size=(121, 17, 3))
    assert np.array_equal(resample(x, 120.0, 30.0), x[::4])
    t = np.arange(50)[:, None, None] / 60.0
    linear = 1000.0 * t + np.zeros((1, 17, 3))
    out = resample(linear, 60.0, 25.0)
    assert np.allclose(out[:, 0, 0], 1000.0 * np.arange(len(out)) / 25.0)


def test_file_name_must_carry_subject_and_trial(tmp_path):
    bad = tmp_path / "walk.bvh"
    bad.write_text(sample_bvh_path().read_text())
    with pytest.raises(DataError, match="SUBJECT_TRIAL"):
        convert_bvh(bad)
    with pytest.raises(DataError, match="not a directory"):
        convert_cmu(tmp_path / "nope")


def test_dataset_round_trip_without_pickle(tmp_path):
    (tmp_path / "bvh").mkdir()
    (tmp_path / "bvh" / "02_01.bvh").write_text(sample_bvh_path().read_text())
    dataset, _clips = convert_cmu(tmp_path / "bvh", fps=15.0)
    assert len(dataset) == 30 and dataset.fps == 15.0
    path = dataset.save(tmp_path / "out" / "ds.npz")
    loaded = MocapDataset.load(path)
    assert np.array_equal(loaded.joints_world_mm, dataset.joints_world_mm)
    assert loaded.clip_names.tolist() == ["bvh/02_01"] and loaded.clip_subjects.tolist() == [2]
    assert not list((tmp_path / "out").glob("*.tmp*"))  # atomic: no leftovers
    with pytest.raises(DataError, match="abspose data cmu"):
        MocapDataset.load(tmp_path / "missing.npz")
    np.save(tmp_path / "x.npy", np.zeros(3))
    with pytest.raises(DataError, match="not an abspose mocap dataset"):
        MocapDataset.load(tmp_path / "x.npy")


def test_split_is_by_subject_and_covers_every_subject(cmu_dataset):
    dataset, _ = cmu_dataset
    sides = [set(s) for s in SPLITS.values()]
    assert not (sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
    cmu_subjects = {s for s in set().union(*sides) if s < 1000}  # 1000+: ReActIdle and lab people
    assert set(dataset.clip_subjects.tolist()) == cmu_subjects
    parts = [dataset.select_subjects(s) for s in SPLITS.values()]
    assert sum(len(p) for p in parts) == len(dataset)
    assert len(parts[0]) > 0.6 * len(dataset)


def test_whole_conversion_is_clean(cmu_dataset):
    dataset, clips = cmu_dataset
    assert len(clips) == 119 and np.isfinite(dataset.joints_world_mm).all()
    assert dataset.fps == 30.0 and len(dataset) > 15000
    # no clip still starts in a T-pose
    assert all(leading_tpose_frames(c.joints_world_mm) == 0 for c in clips)
    # every clip's people stand on their floor: ankles rarely below it
    below = dataset.joints_world_mm[:, [3, 6], 1].min(-1) < dataset.floor_y_mm
    assert below.mean() < 0.02


def test_a_dataset_whose_array_header_has_an_unclosed_bracket_is_an_error(tmp_path):
    """numpy's fallback header parser raises tokenize.TokenError there (found by the fuzzing)."""
    import zipfile

    from abspose.errors import AbsPoseError

    header = b"{'descr': '<f4', 'fortran_order': False\x8c, 'shape': (17, 3), "  # the '}' lost
    header += b" " * (118 - len(header)) + b"\n"
    member = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\x00" * 16
    from abspose.data import sample_dataset

    good, path = sample_dataset().save(tmp_path / "good.npz"), tmp_path / "bad.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():  # every array whole but the joints
            dst.writestr(name, member if name == "joints_world_mm.npy" else src.read(name))
    with pytest.raises(AbsPoseError, match=r"bad\.npz"):
        MocapDataset.load(path)
