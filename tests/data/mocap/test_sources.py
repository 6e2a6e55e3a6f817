"""ReActIdle and lab-trial conversion, the by-person split, and held-out real-capture views."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from abspose.data import SPLITS, MocapDataset, convert_bvh, sample_bvh_path
from abspose.data.mocap.body import body_lengths_mm
from abspose.data.mocap.cmu import Clip
from abspose.data.mocap.sources import (
    LAB_PEOPLE,
    concat_datasets,
    convert_lab_trials,
    convert_reactidle,
    to_dataset,
)
from abspose.data.mocap.views import h36m_widths, posture_labels, view_frames
from abspose.skeletons import H36M17


def _clip(name: str, subject: int, joints: np.ndarray, rig: str = "daz") -> Clip:
    return Clip(name, subject, 1, rig, joints, 30.0, 0)


def test_splits_never_share_a_person() -> None:
    seen: dict[int, str] = {}
    for split, subjects in SPLITS.items():
        for s in subjects:
            assert s not in seen, f"subject {s} in {seen.get(s)} and {split}"
            seen[s] = split
    # Every lab person is in a split, and one folder per person maps to one number.
    assert set(LAB_PEOPLE.values()) <= set(seen)


def test_concat_keeps_clips_apart() -> None:
    walk = convert_bvh(sample_bvh_path()).joints_world_mm
    a = to_dataset([_clip("daz/02_01", 2, walk[:10])], 30.0)
    b = to_dataset(
        [_clip("lab/x/STS1", 2001, walk[10:15], "lab"), _clip("lab/x/walking1", 2001, walk[:3], "lab")], 10.0
    )
    both = concat_datasets([a, b], fps=30.0)
    assert len(both) == 18 and both.clip_names.tolist() == ["daz/02_01", "lab/x/STS1", "lab/x/walking1"]
    assert both.clip_index.tolist() == [0] * 10 + [1] * 5 + [2] * 3
    np.testing.assert_array_equal(both.joints_world_mm[10:15], walk[10:15].astype(np.float32))
    labels = posture_labels(both)
    assert set(labels[:10]) == {"cmu"} and set(labels[15:]) == {"walk"}
    assert set(labels[10:15]) <= {"stand", "sit", "sit-transition"}


def test_sit_label_follows_the_pelvis_height() -> None:
    walk = convert_bvh(sample_bvh_path()).joints_world_mm[:4].copy()
    floor = walk[:, H36M17.indices(["l_ankle", "r_ankle"]), 1].min() - 80.0
    low = walk.copy()
    low[:, [0, 1, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 1] -= 400.0  # drop the body, keep the feet
    ds = to_dataset([_clip("lab/p/STS1", 2001, np.concatenate([walk, low]), "lab")], 10.0)
    ds = MocapDataset(**{**ds.__dict__, "clip_floor_y_mm": np.array([floor], np.float32)})
    assert posture_labels(ds).tolist() == ["stand"] * 4 + ["sit"] * 4


def test_h36m_widths_are_the_convention_ratio() -> None:
    walk = convert_bvh(sample_bvh_path()).joints_world_mm[:5]
    out = h36m_widths(walk)
    L = body_lengths_mm(out)
    np.testing.assert_allclose(
        L[:, H36M17.index("l_hip")] / L[:, H36M17.index("l_knee")], 135 / 452, rtol=1e-6
    )
    np.testing.assert_allclose(
        L[:, H36M17.index("r_shoulder")] / L[:, H36M17.index("r_elbow")], 151 / 282, rtol=1e-6
    )
    keep = [H36M17.index(n) for n in ("l_knee", "r_ankle", "spine", "nose", "l_wrist")]
    np.testing.assert_allclose(L[:, keep], body_lengths_mm(walk)[:, keep], rtol=1e-9)


def test_reactidle_bodies(data_root: Path) -> None:
    folder = data_root / "mocap-extra/reactidle"
    if not folder.is_dir():
        pytest.skip(f"{folder} absent")
    ds, clips = convert_reactidle(folder, fps=1.0)
    assert {c.rig for c in clips} == {"reactidle"} and all(1000 <= c.subject < 1100 for c in clips)
    L = body_lengths_mm(ds.joints_world_mm)
    for joint, lo, hi in (
        ("l_knee", 280, 480),
        ("r_ankle", 280, 480),
        ("l_elbow", 200, 340),
        ("r_wrist", 180, 300),
    ):
        assert lo < np.median(L[:, H36M17.index(joint)]) < hi, joint
    # Standing: head above the pelvis above the ankles (y up), left hip at +x at rest (facing +z).
    j = ds.joints_world_mm
    assert np.all(j[:, H36M17.index("head_top"), 1] > j[:, 0, 1]) and np.all(j[:, 0, 1] > j[:, 3, 1])
    # Each person's bones stay fixed over their clip (< 1% spread).
    first = ds.clip_index == 0
    thigh = L[first, H36M17.index("l_knee")]
    assert thigh.std() / thigh.mean() < 0.01


def test_lab_trials_and_held_out_views(data_root: Path) -> None:
    folder = data_root / "mocap-extra/opencap-lab"
    if not folder.is_dir():
        pytest.skip(f"{folder} absent")
    ds, clips, skipped = convert_lab_trials(folder, fps=5.0)
    assert {c.subject for c in clips} == set(LAB_PEOPLE.values())
    assert any("STS1" in c.name for c in clips) and any("squats1" in c.name for c in clips)
    assert all(isinstance(v, str) and v for v in skipped.values())
    labels = posture_labels(ds)
    assert {"sit", "squat", "stand", "walk", "jump"} <= set(labels.tolist())
    sts = np.char.find(ds.clip_names[ds.clip_index].astype(str), "STS1") >= 0
    assert (labels[sts] == "sit").mean() > 0.2  # a sit-to-stand trial sits a good part of the time
    test = ds.select_subjects([2001])
    frames = view_frames(test, np.random.default_rng(0), views_per_frame=2)
    assert len(frames.group) == 2 * len(test)
    # Own bodies (widths to the convention): the camera-frame skeleton is the world one, turned.
    world = h36m_widths(np.repeat(test.joints_world_mm.astype(np.float64), 2, axis=0))
    np.testing.assert_allclose(
        body_lengths_mm(frames.joints_cam_mm), body_lengths_mm(world), rtol=1e-5, atol=1e-3
    )
