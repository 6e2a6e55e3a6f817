import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose import AbsPoseError
from abspose.geometry import (
    Intrinsics,
    canonical_depth,
    normalize_keypoints,
    pose_location,
    pose_scale,
    project,
    root_depth_from_canonical,
    root_from_canonical,
    root_xy_from_canonical,
    shift_principal_point,
)
from abspose.skeletons import H36M17
from tests.conftest import random_pose_cam_mm

seeds = st.integers(0, 2**32 - 1)


def test_equations_1_to_4_hand_worked():
    p = np.array([[4.0, 6.0], [0.0, 6.0], [2.0, 2.0], [2.0, 10.0]])
    shifted = shift_principal_point(p, (2.0, 2.0))
    assert np.allclose(shifted, p - 2.0)
    assert np.allclose(pose_location(shifted), [0.0, 4.0])
    # distances from the mean: 2, 2, 4, 4 -> sqrt((4 + 4 + 16 + 16) / 4) = sqrt(10)
    assert np.isclose(pose_scale(shifted), np.sqrt(10.0))
    n = normalize_keypoints(p, (2.0, 2.0))
    assert np.allclose(n.keypoints_norm, (shifted - [0.0, 4.0]) / np.sqrt(10.0))


@given(seeds, st.floats(-3000, 3000), st.floats(-3000, 3000), st.floats(0.05, 20.0))
def test_normalized_pose_is_invariant_to_translation_and_scale(seed, dx, dy, s):
    rng = np.random.default_rng(seed)
    p = rng.normal(size=(4, 17, 2)) * 80 + 500
    c = np.array([960.0, 540.0])
    a = normalize_keypoints(p, c)
    b = normalize_keypoints(s * (p - c) + c + [dx, dy], c)
    assert np.allclose(a.keypoints_norm, b.keypoints_norm, atol=1e-9)
    assert np.allclose(b.scale_px, s * a.scale_px)
    assert np.allclose(b.location_px, s * a.location_px + [dx, dy])
    assert np.allclose(a.keypoints_norm.mean(-2), 0.0, atol=1e-12)
    assert np.allclose((a.keypoints_norm**2).sum(-1).mean(-1), 1.0)


@given(seeds, st.floats(300.0, 4000.0), st.floats(300.0, 4000.0))
def test_equations_5_6_recover_a_known_root_exactly(seed, fx, fy):
    rng = np.random.default_rng(seed)
    K = Intrinsics(fx, fy, rng.uniform(0, 1920), rng.uniform(0, 1080))
    P = random_pose_cam_mm(rng, 8)
    root = P[:, H36M17.root_index]
    root_px = project(root, K)
    zc = canonical_depth(root[:, 2], K.fx)
    assert np.allclose(root_from_canonical(root_px, zc, K), root, rtol=1e-10)
    if fx == fy:  # Eq. 5 needs no focal length with square pixels
        assert np.allclose(root_xy_from_canonical(root_px, K.principal_px, zc), root[:, :2])
    assert np.allclose(root_depth_from_canonical(zc, K.fx), root[:, 2])


def test_collapsed_pose_is_refused():
    with pytest.raises(AbsPoseError, match="one point"):
        normalize_keypoints(np.full((17, 2), 300.0), (0.0, 0.0))


def test_non_positive_canonical_depth_is_refused():
    with pytest.raises(AbsPoseError, match="canonical_depth"):
        root_depth_from_canonical(-1.0, 1000.0)
    with pytest.raises(AbsPoseError, match="focal_px"):
        canonical_depth(5000.0, 0.0)
