"""Posture augmentation: bone lengths kept, joint limits respected, nothing through the floor."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose.data import convert_bvh, floor_height_mm, sample_bvh_path
from abspose.data.mocap.body import body_lengths_mm, retarget, sample_bodies
from abspose.data.mocap.postures import (
    FLOOR_CLEARANCE_MM,
    JOINT_LIMITS_DEG,
    POSTURES,
    PostureConfig,
    augment_postures,
    exchange_limbs,
    knee_flexion_deg,
    place_on_floor,
    pose_posture,
)
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17

CLEARANCE = np.array([FLOOR_CLEARANCE_MM[n] for n in H36M17.joint_names])


def _poses(rng: np.random.Generator, n: int = 40) -> tuple[np.ndarray, float]:
    walk = convert_bvh(sample_bvh_path()).joints_world_mm
    joints = retarget(walk[rng.integers(0, len(walk), n)], sample_bodies(n, rng).bone_lengths_mm)
    return joints, floor_height_mm(walk)


def _angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    return np.degrees(np.arccos(np.clip(np.sum(a * b, -1), -1, 1)))


@pytest.mark.parametrize("posture", sorted(POSTURES))
@given(seed=st.integers(0, 2**31 - 1))
def test_every_generated_pose_is_plausible(posture: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    joints, floor = _poses(rng)
    out = pose_posture(joints, floor, posture, rng)
    idx = H36M17.index
    # Bone lengths kept exactly.
    np.testing.assert_allclose(body_lengths_mm(out), body_lengths_mm(joints), atol=1e-6)
    # On the floor, not through it: every joint at least its clearance up, one exactly so.
    above = out[..., 1] - CLEARANCE - floor
    assert above.min() > -1e-6
    np.testing.assert_allclose(above.min(-1), 0.0, atol=1e-6)
    trunk = out[:, idx("thorax")] - out[:, idx("pelvis")]
    for side in ("l", "r"):
        thigh = out[:, idx(f"{side}_knee")] - out[:, idx(f"{side}_hip")]
        shin = out[:, idx(f"{side}_ankle")] - out[:, idx(f"{side}_knee")]
        knee = knee_flexion_deg(out, side)
        lo, hi = JOINT_LIMITS_DEG["knee_flexion"]
        assert np.all((knee >= lo - 1e-6) & (knee <= hi + 1e-6))
        # The knee bends the anatomical way: the shin swings backwards about the left axis.
        left = out[:, idx("l_hip")] - out[:, idx("r_hip")]
        assert np.all(
            np.sum(np.cross(thigh, shin) * left, -1) >= -1e-6 * np.linalg.norm(thigh, axis=-1) ** 2 * 300
        )
        # Hip flexion: the thigh's angle to the trunk's downward direction, within the limit
        # (abduction can add to the angle, up to its own limit).
        hip = _angle(thigh, -trunk)
        assert np.all(hip <= JOINT_LIMITS_DEG["hip_flexion"][1] + JOINT_LIMITS_DEG["hip_abduction"][1] + 1e-6)
    if posture != "lying":
        up = np.array([0.0, 1.0, 0.0])
        assert np.all(_angle(trunk, np.broadcast_to(up, trunk.shape)) <= JOINT_LIMITS_DEG["trunk"][1] + 1e-6)


def test_sitting_lowers_the_pelvis_and_bends_the_knees() -> None:
    rng = np.random.default_rng(3)
    joints, floor = _poses(rng, 200)
    stand = joints[:, H36M17.root_index, 1] - floor
    for posture, most in (("chair", 0.8), ("squat", 0.75), ("floor", 0.5)):
        out = pose_posture(joints, floor, posture, rng)
        assert np.median((out[:, H36M17.root_index, 1] - floor) / stand) < most, posture
    chair = pose_posture(joints, floor, "chair", rng)
    assert np.median(knee_flexion_deg(chair, "l")) > 60


def test_exchanged_limbs_are_the_donors_in_this_trunk() -> None:
    rng = np.random.default_rng(4)
    joints, floor = _poses(rng, 20)
    donors = joints[::-1].copy()
    out = exchange_limbs(joints, donors, floor, "arms")
    np.testing.assert_allclose(body_lengths_mm(out), body_lengths_mm(joints), atol=1e-6)
    for child in ("l_elbow", "r_wrist"):  # elbow angle of the donor, lengths of the receiver
        j, p = H36M17.index(child), H36M17.parent_indices[H36M17.index(child)]
        g = H36M17.parent_indices[p]
        donor_angle = _angle(donors[:, j] - donors[:, p], donors[:, g] - donors[:, p])
        assert np.allclose(_angle(out[:, j] - out[:, p], out[:, g] - out[:, p]), donor_angle, atol=1e-4)
    legs = exchange_limbs(joints, donors, floor, "legs")
    np.testing.assert_allclose(knee_flexion_deg(legs, "l"), knee_flexion_deg(donors, "l"), atol=1e-4)
    assert (legs[..., 1] - CLEARANCE - floor).min() > -1e-6


def test_augment_changes_the_configured_share_and_keeps_the_rest() -> None:
    rng = np.random.default_rng(5)
    joints, floor = _poses(rng, 2000)
    out = augment_postures(joints, floor, rng, PostureConfig(fraction=0.3, exchange_fraction=0.2))
    changed = np.abs(out - joints).max(axis=(1, 2)) > 1e-6
    assert 0.4 < changed.mean() < 0.6
    np.testing.assert_allclose(body_lengths_mm(out), body_lengths_mm(joints), atol=1e-6)
    none = augment_postures(joints, floor, rng, PostureConfig(fraction=0.0, exchange_fraction=0.0))
    np.testing.assert_array_equal(none, joints)


def test_place_on_floor_and_bad_input() -> None:
    rng = np.random.default_rng(6)
    joints, _ = _poses(rng, 3)
    out = place_on_floor(joints + [0, 500.0, 0], 10.0)
    np.testing.assert_allclose((out[..., 1] - CLEARANCE).min(-1), 10.0)
    with pytest.raises(AbsPoseError, match="unknown posture"):
        pose_posture(joints, 0.0, "handstand", rng)
    with pytest.raises(AbsPoseError, match="weights"):
        PostureConfig(weights=(("handstand", 1.0),))
    with pytest.raises(AbsPoseError, match="arms' or 'legs"):
        exchange_limbs(joints, joints, 0.0, "heads")
