import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.linalg import orthogonal_procrustes
from scipy.spatial.transform import Rotation

from abspose import ShapeError
from abspose.metrics import auc, mpjpe, mrpe, pa_mpjpe, pck3d, procrustes_align
from tests.conftest import random_pose_cam_mm


def _pa_reference(pred, gt):
    """Per-pose loop with scipy's Kabsch rotation (proper, det +1) and the optimal scale
    ``Σ g0 · R p0 / Σ |p0|²``."""
    out = []
    for p, g in zip(pred, gt, strict=True):
        p0, g0 = p - p.mean(0), g - g.mean(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "not uniquely defined" for collinear poses
            rot, _ = Rotation.align_vectors(g0, p0)  # min Σ ||g0 - R p0||²
        rp = rot.apply(p0)
        s = (g0 * rp).sum() / (p0**2).sum()
        out.append(np.linalg.norm(s * rp - g0, axis=-1).mean())
    return np.array(out)


def test_orthogonal_procrustes_would_reflect(rng):
    """Why the reference above is Kabsch: scipy's orthogonal Procrustes allows mirror images."""
    gt = random_pose_cam_mm(rng, 1)[0]
    g0 = gt - gt.mean(0)
    r, _ = orthogonal_procrustes(g0 * [-1.0, 1.0, 1.0], g0)
    assert np.linalg.det(r) < 0
    assert _pa_reference((gt * [-1.0, 1.0, 1.0])[None], gt[None])[0] > 1.0


def test_mpjpe_hand_worked():
    gt = np.zeros((17, 3))
    pred = gt.copy()
    pred[5] = [3.0, 4.0, 0.0]  # one joint 5 mm off
    assert mpjpe(pred, gt) == pytest.approx(5.0 / 17)
    pred_shifted = pred + np.array([100.0, 0.0, 0.0])  # a global shift vanishes after root alignment
    assert mpjpe(pred_shifted, gt) == pytest.approx(5.0 / 17)
    assert mpjpe(pred_shifted, gt, align_root=False) > 99.0


def test_mpjpe_matches_a_loop(rng):
    gt = random_pose_cam_mm(rng, 20)
    pred = gt + rng.normal(0, 30, gt.shape)
    ref = np.mean(
        [
            [np.linalg.norm((p[j] - p[0]) - (g[j] - g[0])) for j in range(17)]
            for p, g in zip(pred, gt, strict=True)
        ]
    )
    assert mpjpe(pred, gt) == pytest.approx(ref)
    assert mpjpe(pred, gt, reduction="none").shape == (20,)


@given(st.integers(0, 2**32 - 1))
def test_pa_mpjpe_matches_scipy_reference(seed):
    rng = np.random.default_rng(seed)
    gt = random_pose_cam_mm(rng, 16)
    pred = gt + rng.normal(0, 40, gt.shape)
    assert np.allclose(pa_mpjpe(pred, gt, reduction="none"), _pa_reference(pred, gt), rtol=1e-7, atol=1e-7)


@given(st.integers(0, 2**32 - 1), st.floats(0.2, 5.0))
def test_pa_mpjpe_is_zero_under_similarity_transforms(seed, scale):
    rng = np.random.default_rng(seed)
    gt = random_pose_cam_mm(rng, 4)
    R = Rotation.random(4, random_state=seed % 2**31).as_matrix()
    pred = scale * np.einsum("nij,nkj->nki", R, gt) + rng.normal(0, 1000, (4, 1, 3))
    assert pa_mpjpe(pred, gt) == pytest.approx(0.0, abs=1e-6)
    assert np.allclose(procrustes_align(pred, gt), gt, atol=1e-6)


def _hard_cases(rng):
    """Predictions where the closed form is most fragile, against unrelated ground truths."""
    gt = random_pose_cam_mm(rng, 8)
    line = rng.normal(0, 300, (17, 1)) * rng.normal(size=3)  # collinear: the rotation about it is free
    plane = rng.normal(0, 300, (17, 3)) * [1.0, 1.0, 0.0]  # planar: the top eigenvalue can be double
    flipped = Rotation.from_rotvec([0.0, np.pi, 0.0]).apply(gt[3] - gt[3].mean(0))  # a half turn
    mirrored = gt[4] * [-1.0, 1.0, 1.0]
    unrelated = rng.normal(0, 300, (17, 3))
    tiny = (gt[6] - gt[6].mean(0)) * 1e-4 + rng.normal(0, 1e-3, (17, 3))
    far = gt[7] + 1e6
    pred = np.stack([line, plane, gt[2] + 0.0, flipped, mirrored, unrelated, tiny, far])
    return pred, gt


@given(st.integers(0, 2**32 - 1))
def test_pa_mpjpe_hard_cases_match_the_svd_reference(seed):
    pred, gt = _hard_cases(np.random.default_rng(seed))
    got = pa_mpjpe(pred, gt, reduction="none")
    assert np.allclose(got, _pa_reference(pred, gt), rtol=1e-7, atol=1e-6)


def test_pa_mpjpe_blocks_and_batch_shapes(rng):
    gt = random_pose_cam_mm(rng, 5000)  # more poses than one block of the implementation
    pred = gt + rng.normal(0, 40, gt.shape)
    ref = _pa_reference(pred, gt)
    got = pa_mpjpe(pred.reshape(50, 100, 17, 3), gt.reshape(50, 100, 17, 3), reduction="none")
    assert got.shape == (50, 100) and np.allclose(got.ravel(), ref, rtol=1e-7, atol=1e-7)
    aligned = procrustes_align(pred, gt)
    assert np.allclose(np.linalg.norm(aligned - gt, axis=-1).mean(-1), ref, rtol=1e-7, atol=1e-7)


def test_pa_of_a_collapsed_prediction_is_the_spread_of_the_truth(rng):
    gt = random_pose_cam_mm(rng, 2)
    pred = np.zeros_like(gt)  # scale 0: the best fit is the truth's centroid
    spread = np.linalg.norm(gt - gt.mean(-2, keepdims=True), axis=-1).mean(-1)
    assert np.allclose(pa_mpjpe(pred, gt, reduction="none"), spread)


def test_pa_mpjpe_never_reflects(rng):
    gt = random_pose_cam_mm(rng, 1)
    mirrored = gt * [-1.0, 1.0, 1.0]  # a mirror image is not a similarity transform
    assert pa_mpjpe(mirrored, gt) > 1.0


def test_mrpe_hand_worked():
    gt = np.array([[0.0, 0.0, 5000.0], [0.0, 0.0, 5000.0]])
    pred = np.array([[30.0, 0.0, 5040.0], [0.0, -10.0, 5000.0]])
    r = mrpe(pred, gt)
    assert r.mrpe == pytest.approx((50.0 + 10.0) / 2)
    assert (r.x, r.y, r.z, r.count) == (pytest.approx(15.0), pytest.approx(5.0), pytest.approx(20.0), 2)


def test_pck_and_auc_against_loops(rng):
    gt = random_pose_cam_mm(rng, 30)
    pred = gt + rng.normal(0, 80, gt.shape)
    err = np.linalg.norm((pred - pred[:, :1]) - (gt - gt[:, :1]), axis=-1)
    assert pck3d(pred, gt) == pytest.approx(100 * np.mean(err <= 150))
    ref_auc = np.mean([100 * np.mean(err <= t) for t in range(0, 151, 5)])
    assert auc(pred, gt) == pytest.approx(ref_auc)


def test_auc_of_constant_error_hand_worked():
    gt = np.zeros((1, 17, 3))
    pred = gt.copy()
    pred[0, 1:, 0] = 72.0  # every non-root joint 72 mm off: within thresholds 75..150 (16 of 31)
    expected = (1 / 17 * 100 * 15 + 100 * 16) / 31  # the root is always within
    assert auc(pred, gt) == pytest.approx(expected)


def test_metric_shape_errors():
    with pytest.raises(ShapeError, match="equal shapes"):
        mpjpe(np.zeros((2, 17, 3)), np.zeros((3, 17, 3)))
    with pytest.raises(ShapeError, match="17"):
        mpjpe(np.zeros((2, 16, 3)), np.zeros((2, 16, 3)))
    with pytest.raises(ShapeError, match="finite"):
        pa_mpjpe(np.full((17, 3), np.nan), np.zeros((17, 3)))


def test_torch_tensors_are_accepted(rng):
    torch = pytest.importorskip("torch")
    gt = random_pose_cam_mm(rng, 3)
    pred = gt + 5.0
    assert mpjpe(torch.from_numpy(pred), torch.from_numpy(gt)) == pytest.approx(mpjpe(pred, gt))
