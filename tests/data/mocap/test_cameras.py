import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose import AbsPoseError, DataError
from abspose.data import (
    VirtualCameraConfig,
    convert_bvh,
    floor_height_mm,
    look_at_rotation,
    sample_bvh_path,
    sample_cameras,
)
from abspose.geometry import Intrinsics, project
from abspose.skeletons import H36M17


@pytest.fixture(scope="module")
def walk():
    clip = convert_bvh(sample_bvh_path())
    return clip.joints_world_mm, floor_height_mm(clip.joints_world_mm)


def _many(walk, seed=0, reps=20, config=None):
    joints, floor = walk
    poses = np.tile(joints, (reps, 1, 1))
    return (
        poses,
        floor,
        sample_cameras(poses, floor, np.random.default_rng(seed), config or VirtualCameraConfig()),
    )


def test_same_seed_same_samples(walk):
    a, b = _many(walk, 7)[2], _many(walk, 7)[2]
    assert np.array_equal(a.keypoints_px, b.keypoints_px) and np.array_equal(a.focal_px, b.focal_px)
    assert not np.array_equal(a.keypoints_px, _many(walk, 8)[2].keypoints_px)


def test_samples_respect_the_documented_ranges(walk):
    _poses, floor, s = _many(walk)
    cfg = VirtualCameraConfig()
    dist = np.linalg.norm(s.joints_cam_mm[:, H36M17.root_index], axis=-1)
    assert dist.min() >= 2000 and dist.max() <= 10000
    assert s.focal_px.min() >= 500 and s.focal_px.max() <= 2500
    height = s.cam_center_world_mm[:, 1] - floor
    assert height.min() >= 500 and height.max() <= 2500
    pitch = np.degrees(np.arcsin(-s.rot_world_to_cam[:, 2, 1]))
    assert pitch.min() >= -30.0 - 1e-9 and pitch.max() <= 30.0 + 1e-9
    assert (s.keypoints_px >= 0).all() and (s.keypoints_px <= s.image_size_px[:, None, :]).all()
    assert {tuple(x) for x in s.image_size_px.tolist()} <= set(cfg.image_sizes)
    assert (s.image_size_px[:, 1] > s.image_size_px[:, 0]).any()  # portrait happens
    root_frac = s.keypoints_px[:, H36M17.root_index] / s.image_size_px
    assert root_frac.min() >= 0.15 - 1e-9 and root_frac.max() <= 0.85 + 1e-9
    assert root_frac[:, 0].std() > 0.1  # not always centred


def test_samples_are_consistent_rigid_projections(walk):
    poses, _, s = _many(walk, reps=2)
    R = s.rot_world_to_cam
    assert np.allclose(np.linalg.det(R), 1.0)  # a rotation, never a mirror
    assert np.allclose(R @ np.swapaxes(R, -1, -2), np.eye(3), atol=1e-12)
    assert np.allclose(R[:, 0, 1], 0.0, atol=1e-12)  # no roll: the image x axis stays horizontal
    recomputed = np.einsum("nij,nkj->nki", R, poses - s.cam_center_world_mm[:, None])
    assert np.allclose(recomputed, s.joints_cam_mm)
    for k in range(0, len(poses), 17):
        K = Intrinsics(s.focal_px[k], s.focal_px[k], *s.principal_px[k])
        assert np.allclose(project(s.joints_cam_mm[k], K), s.keypoints_px[k])
    # bone lengths survive the camera transform
    assert np.allclose(
        np.linalg.norm(poses[:, 2] - poses[:, 1], axis=-1),
        np.linalg.norm(s.joints_cam_mm[:, 2] - s.joints_cam_mm[:, 1], axis=-1),
    )


def test_a_person_facing_the_camera_has_their_left_hand_on_the_image_right(walk):
    poses, _, s = _many(walk, reps=40)
    lhip, rhip = poses[:, H36M17.index("l_hip")], poses[:, H36M17.index("r_hip")]
    left = (lhip - rhip) / np.linalg.norm(lhip - rhip, axis=-1, keepdims=True)
    forward = np.cross(left, [0.0, 1.0, 0.0])  # y up, right-handed: left x up = forward
    to_camera = s.cam_center_world_mm - poses[:, H36M17.root_index]
    to_camera /= np.linalg.norm(to_camera, axis=-1, keepdims=True)
    facing = (forward * to_camera).sum(-1) > 0.8
    away = (forward * to_camera).sum(-1) < -0.8
    assert facing.sum() > 10 and away.sum() > 10
    lx = s.keypoints_px[:, H36M17.index("l_wrist"), 0]
    rx = s.keypoints_px[:, H36M17.index("r_wrist"), 0]
    lsx = s.keypoints_px[:, H36M17.index("l_shoulder"), 0]
    rsx = s.keypoints_px[:, H36M17.index("r_shoulder"), 0]
    assert (lsx[facing] > rsx[facing]).all() and (lsx[away] < rsx[away]).all()
    assert np.mean(lx[facing] > rx[facing]) > 0.9


@given(st.floats(-np.pi, np.pi), st.floats(-0.6, 0.6))
def test_look_at_rotation_is_a_rotation_looking_along_heading(psi, theta):
    R = look_at_rotation(psi, theta)
    assert np.isclose(np.linalg.det(R), 1.0)
    assert np.allclose(R[2], [np.cos(theta) * np.sin(psi), -np.sin(theta), np.cos(theta) * np.cos(psi)])


def test_impossible_configs_fail_clearly(walk):
    joints, floor = walk
    with pytest.raises(AbsPoseError, match="low <= high"):
        VirtualCameraConfig(distance_mm=(5000.0, 2000.0))
    tiny = VirtualCameraConfig(
        image_sizes=((32, 32),), focal_px=(2500.0, 2500.0), distance_mm=(2000.0, 2000.0), max_tries=3
    )
    with pytest.raises(DataError, match="no virtual camera"):
        sample_cameras(joints[:2], floor, np.random.default_rng(0), tiny)
