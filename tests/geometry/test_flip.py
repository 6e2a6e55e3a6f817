import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from abspose.geometry import Intrinsics, flip_joints_cam, flip_keypoints_px, project
from abspose.skeletons import H36M17
from tests.conftest import random_pose_cam_mm

seeds = st.integers(0, 2**32 - 1)


@given(seeds, st.floats(-500, 2500))
def test_flip_twice_is_identity(seed, cx):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 2000, size=(5, 17, 2))
    assert np.allclose(flip_keypoints_px(flip_keypoints_px(p, cx), cx), p)
    P = random_pose_cam_mm(rng, 5)
    assert np.array_equal(flip_joints_cam(flip_joints_cam(P)), P)


@given(seeds)
def test_flip_commutes_with_projection(seed):
    rng = np.random.default_rng(seed)
    K = Intrinsics(1200.0, 1200.0, rng.uniform(0, 1920), 540.0)
    P = random_pose_cam_mm(rng, 4)
    assert np.allclose(project(flip_joints_cam(P), K), flip_keypoints_px(project(P, K), K.cx))


def test_flip_swaps_left_and_right():
    p = np.zeros((17, 2))
    p[H36M17.index("l_wrist")] = (700.0, 10.0)
    out = flip_keypoints_px(p, 500.0)
    assert np.allclose(out[H36M17.index("r_wrist")], (300.0, 10.0))
    assert np.allclose(out[H36M17.index("pelvis")], (1000.0, 0.0))
