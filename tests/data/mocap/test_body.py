"""The body model: statures, proportions, exact retargeting, the spine convention."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose.data import convert_bvh, sample_bvh_path
from abspose.data.mocap.augment import skeleton_stature_mm
from abspose.data.mocap.body import (
    H36M_TRAINING_BONES_MM,
    SPINE_ALONG,
    SPINE_BACK,
    BodyModelConfig,
    body_lengths_mm,
    place_spine,
    retarget,
    sample_bodies,
)
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17


def test_statures_follow_the_survey_per_sex() -> None:
    bodies = sample_bodies(40_000, np.random.default_rng(0))
    men, women = bodies.stature_mm[~bodies.female], bodies.stature_mm[bodies.female]
    assert abs(bodies.female.mean() - 0.5) < 0.01
    # ANSUR II: men 1756 +- 69, women 1629 +- 64 (the 1.45-2.00 m range trims < 0.1 %).
    assert abs(men.mean() - 1756) < 3 and abs(men.std() - 69) < 3
    assert abs(women.mean() - 1629) < 3 and abs(women.std() - 64) < 3
    assert bodies.stature_mm.min() >= 1450 and bodies.stature_mm.max() <= 2000


def test_proportions_are_the_h36m_convention_with_spread() -> None:
    bodies = sample_bodies(20_000, np.random.default_rng(1))
    L, stature = bodies.bone_lengths_mm, bodies.stature_mm
    reference = 80.0 + sum(
        H36M_TRAINING_BONES_MM[g] for g in ("shin", "thigh", "lower_spine", "upper_spine", "neck", "head")
    )
    for joint, group in (
        ("l_knee", "thigh"),
        ("r_ankle", "shin"),
        ("l_elbow", "upper_arm"),
        ("r_hip", "hip_width"),
    ):
        ratio = L[:, H36M17.index(joint)] / stature
        expected = H36M_TRAINING_BONES_MM[group] / reference
        assert abs(np.median(ratio) / expected - 1) < 0.03, joint
        assert 0.01 < np.std(np.log(ratio)) < 0.1, joint  # real spread, not one body
    # Left and right always equal; women's hips wider relative to stature than men's.
    assert np.array_equal(L[:, H36M17.index("l_knee")], L[:, H36M17.index("r_knee")])
    hip = L[:, H36M17.index("l_hip")] / stature
    assert hip[bodies.female].mean() > hip[~bodies.female].mean() * 1.05
    # Thigh length correlates with stature, as anthropometry says.
    assert np.corrcoef(L[:, H36M17.index("l_knee")], stature)[0, 1] > 0.7


def test_sampled_skeleton_stature_is_the_drawn_stature() -> None:
    rng = np.random.default_rng(2)
    joints = convert_bvh(sample_bvh_path()).joints_world_mm
    bodies = sample_bodies(len(joints), rng)
    out = retarget(joints, bodies.bone_lengths_mm)
    np.testing.assert_allclose(skeleton_stature_mm(out), bodies.stature_mm, rtol=1e-9)


@given(st.integers(0, 2**31 - 1))
def test_retarget_reaches_every_bone_length_exactly(seed: int) -> None:
    rng = np.random.default_rng(seed)
    joints = convert_bvh(sample_bvh_path()).joints_world_mm[rng.integers(0, 60, 8)]
    lengths = rng.uniform(50, 600, (8, 17))
    lengths[:, H36M17.root_index] = 0.0
    out = retarget(joints, lengths)
    np.testing.assert_allclose(body_lengths_mm(out)[:, 1:], lengths[:, 1:], rtol=1e-9)
    # The lower ankle keeps its height.
    ankles = H36M17.indices(["l_ankle", "r_ankle"])
    np.testing.assert_allclose(out[:, ankles, 1].min(-1), joints[:, ankles, 1].min(-1), atol=1e-6)


def test_wider_hips_keep_the_knees_in_place() -> None:
    joints = convert_bvh(sample_bvh_path()).joints_world_mm[:10]
    lengths = body_lengths_mm(joints)
    wide = lengths.copy()
    wide[:, H36M17.indices(["l_hip", "r_hip"])] *= 1.5  # narrow rig hips out to the convention
    out = retarget(joints, wide)
    for hip, knee in (("l_hip", "l_knee"), ("r_hip", "r_knee")):
        hip_moved = np.linalg.norm(out[:, H36M17.index(hip)] - joints[:, H36M17.index(hip)], axis=-1)
        knee_moved = np.linalg.norm(out[:, H36M17.index(knee)] - joints[:, H36M17.index(knee)], axis=-1)
        assert np.all(hip_moved > 30) and np.all(knee_moved < 0.25 * hip_moved)
    # With its own lengths the pose comes back unchanged.
    np.testing.assert_allclose(retarget(joints, lengths), joints, atol=1e-6)


def test_spine_sits_behind_the_trunk_line() -> None:
    pose = np.zeros((17, 3))
    pose[H36M17.index("l_hip")] = [130.0, 0, 0]  # facing +z, left +x, y up
    pose[H36M17.index("r_hip")] = [-130.0, 0, 0]
    pose[H36M17.index("thorax")] = [0, 500.0, 0]
    out = place_spine(pose)
    np.testing.assert_allclose(out[H36M17.index("spine")], [0, SPINE_ALONG * 500, -SPINE_BACK * 500])
    # The H36M table: spine bones 241 and 256 mm for a 492 mm trunk are about what this gives.
    pose[H36M17.index("thorax")] = [0, 492.0, 0]
    L = body_lengths_mm(place_spine(pose))
    assert abs(L[H36M17.index("spine")] - 241) < 5 and abs(L[H36M17.index("thorax")] - 256) < 10


def test_bad_configs_and_lengths_are_refused() -> None:
    with pytest.raises(AbsPoseError, match="stature_range_mm"):
        BodyModelConfig(stature_range_mm=(2000.0, 1500.0))
    with pytest.raises(AbsPoseError, match="female_fraction"):
        BodyModelConfig(female_fraction=1.5)
    joints = convert_bvh(sample_bvh_path()).joints_world_mm[:2]
    with pytest.raises(AbsPoseError, match="expected shape"):
        retarget(joints, np.ones((2, 16)))
    with pytest.raises(AbsPoseError, match="> 0"):
        retarget(joints, np.zeros((2, 17)))
