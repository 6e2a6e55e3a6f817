"""Eq. 1-6 as written once for numpy and torch: both give the same numbers, and the
equations hold (back-projection inverts projection; the normalized pose is standardized)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from abspose.geometry import Intrinsics, normalize_keypoints, project
from abspose.geometry import equations as eq


def _poses(seed: int, n: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(600.0, 150.0, (n, 17, 2)), rng.uniform(300.0, 900.0, (n, 2))


@pytest.mark.parametrize("seed", [0, 1])
def test_numpy_and_torch_agree(seed):
    kp, c = _poses(seed)
    zc = np.random.default_rng(seed).uniform(1.0, 10.0, len(kp))
    f = np.random.default_rng(seed + 9).uniform(500.0, 2000.0, len(kp))
    t = torch.from_numpy
    for got_np, got_t in [
        (eq.normalization(kp, c), eq.normalization(t(kp), t(c))),
        ((eq.root_position(kp[:, 0], c, zc, f),), (eq.root_position(t(kp[:, 0]), t(c), t(zc), t(f)),)),
        ((eq.root_xy(kp[:, 0], c, zc, f / 2),), (eq.root_xy(t(kp[:, 0]), t(c), t(zc), t(f / 2)),)),
        ((eq.canonical_depth(zc, f),), (eq.canonical_depth(t(zc), t(f)),)),
    ]:
        for a, b in zip(got_np, got_t, strict=True):
            assert isinstance(b, torch.Tensor)
            np.testing.assert_allclose(a, b.numpy(), rtol=1e-12)


def test_fused_normalization_equals_the_steps():
    """Eq. 1-4 fused (the principal point cancels from p~) equal Eq. 1, 2, 3, 4 in turn."""
    kp, c = _poses(3)
    shifted = eq.shift_principal(kp, c)
    m = eq.location(shifted)
    s = eq.scale(shifted, m)
    pose, location, scale = eq.normalization(kp, c)
    np.testing.assert_allclose(pose, eq.normalized(shifted, m, s), atol=1e-12)
    np.testing.assert_allclose(location, m, atol=1e-9)
    np.testing.assert_allclose(scale, s, rtol=1e-12)
    ref = normalize_keypoints(kp, c)  # the checked numpy API
    np.testing.assert_allclose(pose, ref.keypoints_norm, atol=1e-12)


def test_min_scale_clips_coincident_joints():
    _, _, s = eq.normalization(torch.full((1, 17, 2), 5.0), torch.zeros(1, 2), 1e-6)
    assert float(s[0]) == pytest.approx(1e-6)


@settings(max_examples=40, deadline=None)
@given(
    x=st.floats(-3000, 3000), y=st.floats(-2000, 2000), z=st.floats(500, 20000),
    fx=st.floats(200, 5000), aspect=st.floats(0.8, 1.25),
)  # fmt: skip
def test_root_position_inverts_projection(x, y, z, fx, aspect):
    """Eq. 5-6 give back a point from its projection and Z/fx, also with fx != fy."""
    camera = Intrinsics(fx, fx / aspect, 640.0, 360.0)
    point = np.array([x, y, z])
    root_px = project(point, camera)
    got = eq.root_position(root_px, camera.principal_px, np.asarray(z / fx), np.asarray(fx), aspect)
    np.testing.assert_allclose(got, point, rtol=1e-9, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.floats(-500, 500), gain=st.floats(0.1, 10))
def test_normalized_pose_is_standardized_and_invariant(seed, shift, gain):
    """p~ has zero mean and unit RMS spread, and does not change when the image is shifted or
    zoomed about the principal point (the location and scale carry those)."""
    kp, c = _poses(seed, 2)
    pose, m, s = eq.normalization(kp, c)
    np.testing.assert_allclose(pose.mean(-2), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.sqrt((pose**2).sum(-1).mean(-1)), 1.0, rtol=1e-12)
    moved, m2, s2 = eq.normalization(c[:, None] + gain * (kp - c[:, None]) + shift, c)
    np.testing.assert_allclose(moved, pose, atol=1e-9)
    np.testing.assert_allclose(s2, gain * s, rtol=1e-9)
    np.testing.assert_allclose(m2, gain * m + shift, rtol=1e-9, atol=1e-6)
