import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from abspose.data import BodyScaleConfig, VirtualCameraConfig, skeleton_stature_mm
from abspose.errors import AbsPoseError, ShapeError
from abspose.geometry import Intrinsics, project
from abspose.model import AbsPoseLifter, LifterConfig, LifterOutput, predict
from abspose.model.feed import draw_epoch
from abspose.model.predict import Prediction


class _Oracle(AbsPoseLifter):
    """A network that answers with the ground truth, to test everything around it."""

    def __init__(self, config, depth, rel):
        super().__init__(config)
        self._depth, self._rel = depth, rel

    def forward(self, keypoints_px, principal_px):
        return LifterOutput(depth=self._depth, joints_rel_mm=self._rel)


def test_equations_5_6_through_the_full_prediction_path(tiny_dataset):
    a = draw_epoch(tiny_dataset, np.random.default_rng(1), VirtualCameraConfig(), BodyScaleConfig())
    cam = a.joints_cam_mm.astype(np.float64)
    rel = torch.from_numpy(cam - cam[:, :1])
    for target in ("canonical", "direct"):
        z = cam[:, 0, 2] / a.focal_px if target == "canonical" else cam[:, 0, 2]
        model = _Oracle(LifterConfig(width=8, depth_target=target), torch.from_numpy(z), rel)
        pred = predict(model, a.keypoints_px, a.principal_px, a.focal_px)
        assert np.allclose(pred.joints_cam_mm, cam, atol=0.5)  # float32 keypoints: sub-mm
        assert np.allclose(pred.canonical_depth, cam[:, 0, 2] / a.focal_px, rtol=1e-6)


def test_flip_augmentation_keeps_valid_projections(tiny_dataset):
    a = draw_epoch(
        tiny_dataset, np.random.default_rng(2), VirtualCameraConfig(), BodyScaleConfig(), flip=True
    )
    b = draw_epoch(
        tiny_dataset, np.random.default_rng(2), VirtualCameraConfig(), BodyScaleConfig(), flip=False
    )
    flipped = ~np.isclose(a.keypoints_px, b.keypoints_px).all(axis=(1, 2))
    assert 10 < flipped.sum() < 50
    for k in range(len(a.focal_px)):
        K = Intrinsics(float(a.focal_px[k]), float(a.focal_px[k]), *map(float, a.principal_px[k]))
        assert np.allclose(project(a.joints_cam_mm[k], K), a.keypoints_px[k], atol=1e-2)
    # a flipped person's left joints are the unflipped right joints, mirrored
    k = int(np.flatnonzero(flipped)[0])
    assert np.allclose(a.joints_cam_mm[k, 4], b.joints_cam_mm[k, 1] * [-1, 1, 1], atol=1e-3)


@given(factor=st.floats(0.6, 1.4), seed=st.integers(0, 1000))
def test_with_stature_keeps_the_projection_and_reaches_the_height(tiny_dataset, factor, seed):
    a = draw_epoch(tiny_dataset, np.random.default_rng(seed), VirtualCameraConfig(), BodyScaleConfig())
    cam = a.joints_cam_mm.astype(np.float64)[:8]
    pred = Prediction(cam, cam[:, 0].copy(), cam[:, 0, 2] / a.focal_px[:8])
    target = np.clip(skeleton_stature_mm(cam) * factor, 600.0, 2700.0)  # within the heights accepted
    scaled = pred.with_stature(target)
    assert np.allclose(skeleton_stature_mm(scaled.joints_cam_mm), target)
    for k in range(len(cam)):
        K = Intrinsics(float(a.focal_px[k]), float(a.focal_px[k]), *map(float, a.principal_px[k]))
        assert np.allclose(project(scaled.joints_cam_mm[k], K), project(cam[k], K), atol=1e-6)
    assert np.allclose(scaled.canonical_depth, scaled.root_cam_mm[:, 2] / a.focal_px[:8])


def test_with_stature_refuses_heights_not_in_mm(tiny_dataset):
    a = draw_epoch(tiny_dataset, np.random.default_rng(0), VirtualCameraConfig(), BodyScaleConfig())
    cam = a.joints_cam_mm.astype(np.float64)[:3]
    pred = Prediction(cam, cam[:, 0].copy(), cam[:, 0, 2] / a.focal_px[:3])
    with pytest.raises(AbsPoseError, match="millimetres"):
        pred.with_stature(1.75)  # metres
    with pytest.raises(ShapeError, match="stature_mm"):
        pred.with_stature([1700.0, 1800.0])


def test_flip_test_undoes_the_mirror_of_an_exact_lifter(tiny_dataset):
    """A lifter that answers each input with its truth (the mirrored inputs with the mirrored
    truth): the flip test must give the truth back, so the mirror is undone joint by joint."""
    from abspose.geometry.flip import flip_joints_cam
    from abspose.model import predict_flip_test

    a = draw_epoch(
        tiny_dataset, np.random.default_rng(4), VirtualCameraConfig(), BodyScaleConfig(), flip=False
    )
    cam = a.joints_cam_mm.astype(np.float64)
    truths = np.concatenate([cam, flip_joints_cam(cam)])  # the order predict_flip_test feeds: plain, mirrored
    seen = []

    def exact(kp, c, f):
        seen.append(kp)
        return Prediction(truths, truths[:, 0], truths[:, 0, 2] / f)

    pred = predict_flip_test(exact, a.keypoints_px, a.principal_px, a.focal_px)
    assert len(seen) == 1 and len(seen[0]) == 2 * len(cam)  # one batch of both
    assert np.allclose(pred.joints_cam_mm, cam, atol=0.5)  # float32 keypoints: sub-mm
    assert np.allclose(pred.canonical_depth, cam[:, 0, 2] / a.focal_px)
    # a lifter that puts the left wrist 100 mm too far right (+X) in both worlds: mirrored
    # back, the mirror world's error lands on the right wrist, half of each in the average
    from abspose.skeletons import H36M17

    lw, rw = H36M17.index("l_wrist"), H36M17.index("r_wrist")
    biased = truths.copy()
    biased[:, lw, 0] += 100.0
    pred = predict_flip_test(lambda kp, c, f: Prediction(biased, biased[:, 0], biased[:, 0, 2] / f),
                             a.keypoints_px, a.principal_px, a.focal_px)  # fmt: skip
    error = pred.joints_cam_mm - cam
    assert np.allclose(error[:, lw], [50.0, 0.0, 0.0], atol=0.5)
    assert np.allclose(error[:, rw], [-50.0, 0.0, 0.0], atol=0.5)


@given(seed=st.integers(0, 10_000))
def test_flip_test_is_exactly_mirror_equivariant(seed):
    """Lifting a mirrored image with the flip test gives the mirrored pose, whatever the network."""
    from abspose.geometry.flip import flip_joints_cam, flip_keypoints_px
    from abspose.model import predict_flip_test
    from tests.conftest import random_pose_cam_mm

    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = AbsPoseLifter(LifterConfig(width=32)).eval()  # random weights: not symmetric by itself
    cam = random_pose_cam_mm(rng, 8)
    f = rng.uniform(500, 2500, 8)
    c = rng.uniform(200, 800, (8, 2))
    kp = cam[..., :2] / cam[..., 2:] * f[:, None, None] + c[:, None, :]
    mirrored = flip_keypoints_px(kp, c[:, 0])

    def run(*args):
        return predict(model, *args)

    a = predict_flip_test(run, kp, c, f)
    b = predict_flip_test(run, mirrored, c, f)
    assert np.allclose(b.joints_cam_mm, flip_joints_cam(a.joints_cam_mm), atol=1e-2)
    assert np.allclose(b.canonical_depth, a.canonical_depth, rtol=1e-5)
    plain = predict(model, kp, c, f)
    assert not np.allclose(predict(model, mirrored, c, f).joints_cam_mm, flip_joints_cam(plain.joints_cam_mm),
                           atol=1.0)  # fmt: skip


def test_with_stature_uses_the_stature_the_depth_stands_for(walk_cam_mm):
    """Limbs shrunk towards the root with the depth right: the 2D-consistent stature keeps the
    depth; the skeleton's own stature would push it away by the shrink factor."""
    from abspose.data.mocap.augment import skeleton_stature_mm
    from abspose.model.predict import Prediction

    truth = walk_cam_mm[:5] + np.array([300.0, 100.0, 5000.0])  # (5, 17, 3)
    f, c = np.full(5, 1200.0), np.tile([640.0, 360.0], (5, 1))
    kp = truth[..., :2] / truth[..., 2:] * 1200.0 + c[:, None]
    root = truth[:, :1]
    shrunk = root + 0.9 * (truth - root)
    pred = Prediction(shrunk, root[:, 0], root[:, 0, 2] / 1200.0)
    height = skeleton_stature_mm(truth)
    consistent = pred.with_stature(height, kp, f, c)
    np.testing.assert_allclose(consistent.root_cam_mm, truth[:, 0], rtol=0.01)
    naive = pred.with_stature(height)
    assert np.all(naive.root_cam_mm[:, 2] > truth[:, 0, 2] * 1.08)  # about 1 / 0.9 too far
    np.testing.assert_allclose(skeleton_stature_mm(naive.joints_cam_mm), height, rtol=1e-9)
