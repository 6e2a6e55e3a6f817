"""Property-based fuzzing of the public entry points (slow suite: ``make test-slow``).

For any finite input, ``lift``, the geometry and the metrics either answer with finite
numbers or raise :class:`AbsPoseError`; nothing else escapes (no NaN, no numpy/torch error).
"""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from abspose import AbsPoseError
from abspose.api import lift
from abspose.geometry import Intrinsics, backproject, normalize_keypoints, project
from abspose.metrics import mpjpe, pa_mpjpe
from abspose.model import AbsPoseLifter, LifterConfig

pytestmark = pytest.mark.slow

FUZZ = settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
finite = st.floats(-1e5, 1e5, allow_nan=False, allow_infinity=False, width=64)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return AbsPoseLifter(LifterConfig(width=16)).eval()


@FUZZ
@given(
    keypoints=st.integers(1, 3).flatmap(lambda n: arrays(np.float64, (n, 17, 2), elements=finite)),
    focal=st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
    principal=st.one_of(st.none(), st.tuples(finite, finite)),
    size=st.one_of(st.none(), st.tuples(st.integers(-10, 5000), st.integers(-10, 5000))),
    stature=st.one_of(st.none(), st.floats(0.0, 5000.0)),
)
def test_lift_answers_finite_numbers_or_a_library_error(model, keypoints, focal, principal, size, stature):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = lift(
                keypoints,
                focal_px=focal,
                principal_px=principal,
                image_size=size,
                model=model,
                stature_mm=stature,
            )
        except AbsPoseError:
            return
    assert np.isfinite(result.joints_cam_mm).all()
    assert np.isfinite(result.canonical_depth).all()


@FUZZ
@given(
    points=arrays(np.float64, (5, 3), elements=st.floats(-1e4, 1e4)).map(lambda p: p + [0, 0, 2e4]),
    f=st.floats(10.0, 1e4),
    c=st.tuples(st.floats(-1e3, 5e3), st.floats(-1e3, 5e3)),
)
def test_project_backproject_round_trip_fuzz(points, f, c):
    K = Intrinsics(f, f, *c)
    back = backproject(project(points, K), points[:, 2], K)
    assert np.allclose(back, points, rtol=1e-9, atol=1e-6 * np.abs(points).max())


@FUZZ
@given(keypoints=arrays(np.float64, (17, 2), elements=finite), c=st.tuples(finite, finite))
def test_normalization_is_finite_or_refused(keypoints, c):
    try:
        n = normalize_keypoints(keypoints, c)
    except AbsPoseError:
        return
    assert np.isfinite(n.keypoints_norm).all() and np.isfinite(n.location_px).all()
    assert float(n.scale_px) > 0


@FUZZ
@given(
    pred=arrays(np.float64, (2, 17, 3), elements=st.floats(-1e4, 1e4)),
    gt=arrays(np.float64, (2, 17, 3), elements=st.floats(-1e4, 1e4)),
)
def test_metrics_are_finite_for_any_finite_poses(pred, gt):
    assert np.isfinite(mpjpe(pred, gt))
    assert np.isfinite(pa_mpjpe(pred, gt, reduction="none")).all()
