import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose import AbsPoseError
from abspose.baselines import mehta_root
from abspose.geometry import Intrinsics, project
from abspose.skeletons import H36M17
from tests.conftest import random_pose_cam_mm


@given(st.integers(0, 2**32 - 1), st.floats(400, 3000))
def test_perspective_model_recovers_the_root_exactly(seed, f):
    rng = np.random.default_rng(seed)
    K = Intrinsics(f, f * rng.uniform(0.9, 1.1), rng.uniform(0, 1920), rng.uniform(0, 1080))
    P = random_pose_cam_mm(rng, 6)
    root = P[:, H36M17.root_index]
    found = mehta_root(project(P, K), P - root[:, None], K)
    assert np.allclose(found, root, rtol=1e-8, atol=1e-5)


def test_weak_perspective_is_close_far_away_and_worse_near(rng):
    K = Intrinsics(1500.0, 1500.0, 960.0, 540.0)
    body = random_pose_cam_mm(rng, 100)
    body = (body - body[:, :1]) * 0.5  # root-relative, about a metre across
    rel_err = {}
    for depth in (2500.0, 25000.0):
        Q = body + np.array([200.0, -100.0, depth])
        root = Q[:, 0]
        weak = mehta_root(project(Q, K), Q - root[:, None], K, model="weak")
        rel_err[depth] = np.median(np.abs(weak[:, 2] - root[:, 2]) / root[:, 2])
    assert rel_err[25000.0] < 0.01
    assert rel_err[2500.0] > rel_err[25000.0]


def test_bad_model_name():
    K = Intrinsics(1000.0, 1000.0, 0.0, 0.0)
    with pytest.raises(AbsPoseError, match="model"):
        mehta_root(np.zeros((17, 2)), np.zeros((17, 3)), K, model="orthographic")  # type: ignore[arg-type]


def test_a_pose_behind_the_camera_raises_or_is_marked_nan(rng):
    K = Intrinsics(1000.0, 1000.0, 500.0, 500.0)
    P = random_pose_cam_mm(rng, 3)
    rel = P - P[:, :1]
    kp = project(P, K)
    kp[1] = 2 * K.principal_px - kp[1]  # the image turned by 180 degrees: only a depth < 0 fits
    with pytest.raises(AbsPoseError, match="1 poses"):
        mehta_root(kp, rel, K)
    roots = mehta_root(kp, rel, K, invalid="nan")
    assert np.isnan(roots[1]).all() and np.allclose(roots[[0, 2]], P[[0, 2], 0])
