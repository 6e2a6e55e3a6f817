import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose import AbsPoseError, ShapeError
from abspose.geometry import Intrinsics, backproject, project

focal = st.floats(200.0, 5000.0)
principal = st.floats(-200.0, 2200.0)


@st.composite
def cameras(draw):
    return Intrinsics(draw(focal), draw(focal), draw(principal), draw(principal), 1920, 1080)


@given(cameras(), st.integers(0, 2**32 - 1))
def test_project_backproject_round_trip(K, seed):
    rng = np.random.default_rng(seed)
    P = np.stack(
        [rng.uniform(-3000, 3000, 50), rng.uniform(-3000, 3000, 50), rng.uniform(300, 20000, 50)], -1
    )
    p = project(P, K)
    assert np.allclose(backproject(p, P[:, 2], K), P, rtol=1e-9, atol=1e-6)
    uv = rng.uniform(-500, 2500, size=(10, 2))
    assert np.allclose(project(backproject(uv, 4321.0, K), K), uv, atol=1e-8)


def test_project_hand_worked():
    K = Intrinsics(1000.0, 1000.0, 500.0, 400.0)
    assert np.allclose(project(np.array([100.0, -200.0, 2000.0]), K), [550.0, 300.0])


def test_constructors():
    K = Intrinsics.from_fov(90.0, 1920, 1080)
    assert math.isclose(K.fx, 960.0) and (K.cx, K.cy) == (960.0, 540.0)
    assert Intrinsics.from_matrix(K.matrix, 1920, 1080) == K
    half = K.scaled(0.5)
    assert half.fx == pytest.approx(480.0) and (half.width, half.height) == (960, 540)


@pytest.mark.parametrize("bad", [0.0, -5.0, float("nan"), float("inf")])
def test_non_positive_focal_is_refused(bad):
    with pytest.raises(AbsPoseError, match="focal"):
        Intrinsics(bad, 1000.0, 0.0, 0.0)


def test_bad_geometry_inputs():
    K = Intrinsics(1000.0, 1000.0, 0.0, 0.0)
    with pytest.raises(AbsPoseError, match="in front"):
        project(np.array([0.0, 0.0, -1.0]), K)
    with pytest.raises(ShapeError, match="finite"):
        project(np.array([np.nan, 0.0, 1.0]), K)
    with pytest.raises(ShapeError, match=r"expected shape"):
        project(np.zeros((4, 2)), K)
    with pytest.raises(ShapeError, match="3x3"):
        Intrinsics.from_matrix(np.eye(2))
    with pytest.raises(AbsPoseError, match="depth"):
        backproject(np.zeros((1, 2)), 0.0, K)
