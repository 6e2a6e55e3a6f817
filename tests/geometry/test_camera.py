import math

import numpy as np
import pytest
from hypothesis import given, settings
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


# PinholeCameras: N cameras in batch form ---------------------------------------------------------


def test_pinhole_cameras_create_and_select():
    from abspose.geometry import PinholeCameras

    square = PinholeCameras.create(1000.0, (640.0, 360.0), n=3)
    assert square.focal_px.shape == (3, 2) and (square.aspect == 1.0).all()
    per_pose = PinholeCameras.create(np.array([900.0, 1100.0]), np.array([[600.0, 300.0], [640.0, 360.0]]))
    assert per_pose.fx.tolist() == [900.0, 1100.0] == per_pose.fy.tolist()
    both = PinholeCameras.create(np.array([[1000.0, 800.0]]), (640.0, 360.0), n=2)
    assert both.aspect.tolist() == [1.25, 1.25] and len(both.select(np.array([True, False]))) == 1
    one = PinholeCameras.from_intrinsics(Intrinsics(1000.0, 800.0, 640.0, 360.0), 4)
    np.testing.assert_array_equal(one.focal_px, np.tile([1000.0, 800.0], (4, 1)))
    with pytest.raises(AbsPoseError, match=r"\(N, 2\) focal"):
        PinholeCameras(np.ones(3), np.ones((3, 2)))
    with pytest.raises(AbsPoseError, match="focal lengths > 0"):
        PinholeCameras(np.array([[1000.0, -1.0]]), np.zeros((1, 2)))
    with pytest.raises(AbsPoseError, match="for 3 cameras"):
        PinholeCameras.create(np.ones(2), (0.0, 0.0), n=3)
    with pytest.raises(AbsPoseError, match=r"expected \(3, J, 2\)"):
        square.square_pixels(np.ones((2, 17, 2)))


@settings(max_examples=40, deadline=None)
@given(fx=st.floats(300, 3000), aspect=st.floats(0.7, 1.4), seed=st.integers(0, 1000))
def test_square_pixels_are_what_a_square_camera_of_focal_fx_sees(fx, aspect, seed):
    """Projected with (fx, fy) and squared, points land where a (fx, fx) camera projects them:
    why the lifter, trained on square pixels, is exact for any fy."""
    from abspose.geometry import PinholeCameras

    rng = np.random.default_rng(seed)
    points = rng.normal(0, 500, (2, 17, 3)) + [0.0, 0.0, 5000.0]
    real = PinholeCameras.create(np.array([[fx, fx / aspect]] * 2), (640.0, 360.0))
    square = PinholeCameras.create(fx, (640.0, 360.0), n=2)
    np.testing.assert_allclose(real.square_pixels(real.project(points)), square.project(points), atol=1e-9)
    np.testing.assert_allclose(square.square_pixels(square.project(points)), square.project(points))
    k = Intrinsics(fx, fx / aspect, 640.0, 360.0)  # one camera: the same as the single-camera project
    np.testing.assert_allclose(real.project(points), project(points, k), atol=1e-9)
