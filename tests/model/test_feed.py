import numpy as np
import pytest

from abspose import AbsPoseError
from abspose.data import BodyScaleConfig, VirtualCameraConfig
from abspose.geometry.normalize import pose_scale
from abspose.model.feed import draw_epoch
from abspose.noise import ErrorModel, load_error_model
from abspose.skeletons import H36M17


def test_noise_is_added_in_units_of_the_pose_scale(tiny_dataset):
    std = np.full((17, 2), 0.05)
    model = ErrorModel.gaussian_only(H36M17.joint_names, np.zeros((17, 2)), std)
    args = (tiny_dataset, VirtualCameraConfig(), BodyScaleConfig())
    clean = draw_epoch(tiny_dataset, np.random.default_rng(3), *args[1:], flip=False)
    noisy = draw_epoch(tiny_dataset, np.random.default_rng(3), *args[1:], flip=False, noise=model)
    assert np.array_equal(clean.joints_cam_mm, noisy.joints_cam_mm)  # same cameras and bodies
    e = (noisy.keypoints_px - clean.keypoints_px) / pose_scale(clean.keypoints_px)[:, None, None]
    assert abs(e.std() - 0.05) < 0.005 and abs(e.mean()) < 0.005


def test_noise_model_must_cover_h36m_joints(tiny_dataset):
    other = ErrorModel.gaussian_only(("a",), np.zeros((1, 2)), np.ones((1, 2)))
    with pytest.raises(AbsPoseError, match="H36M-17"):
        draw_epoch(
            tiny_dataset, np.random.default_rng(0), VirtualCameraConfig(), BodyScaleConfig(), noise=other
        )


@pytest.mark.parametrize(("detector", "source"), [("openpose", "OpenPose"), ("mediapipe", "MediaPipe")])
def test_shipped_error_models_load(detector, source):
    mix, gauss = load_error_model(f"{detector}-mixture"), load_error_model(f"{detector}-gaussian")
    assert mix.joint_names == gauss.joint_names == H36M17.joint_names
    assert mix.is_mixture and not gauss.is_mixture
    assert "leave-one-view-out" in mix.provenance["method"] and source in mix.provenance["source"]
    assert gauss.provenance["kind"] == "gaussian" and mix.provenance["kind"] == "mixture"
    with pytest.raises(AbsPoseError, match="openpose-mixture"):
        load_error_model("no-such-model")


def _frames_from_views(dataset, seed, repeat=1):
    """CameraFrames of the sample walk seen by fixed random cameras (a stand-in for Human3.6M)."""
    from abspose.data import CameraFrames, sample_dataset_views

    views = sample_dataset_views(dataset, np.random.default_rng(seed))
    n = len(views.focal_px)
    return CameraFrames(
        joints_cam_mm=views.joints_cam_mm, keypoints_px=views.keypoints_px, focal_px=views.focal_px,
        principal_px=views.principal_px, image_size_px=views.image_size_px, subject=np.full(n, "S1"),
        action=np.full(n, "Walking"), camera=np.full(n, "c0"), group=np.full(n, "Walking"),
        frame=np.arange(n),
    )  # fmt: skip


def test_benchmark_frames_keep_their_cameras_and_flip_consistently(tiny_dataset):
    from abspose.model.feed import frames_epoch

    frames = _frames_from_views(tiny_dataset, 3)
    arrays = frames_epoch(frames, np.random.default_rng(0), flip=True)
    assert np.array_equal(arrays.focal_px, frames.focal_px.astype(np.float32))
    mirrored = ~np.isclose(arrays.keypoints_px, frames.keypoints_px.astype(np.float32)).all(axis=(1, 2))
    assert 0.3 < mirrored.mean() < 0.7  # about half flipped
    cam = arrays.joints_cam_mm.astype(np.float64)
    uv = cam[..., :2] / cam[..., 2:] * arrays.focal_px[:, None, None] + arrays.principal_px[:, None]
    assert np.allclose(uv, arrays.keypoints_px, atol=1e-2)  # flipped or not, 2D and 3D still agree


def test_training_on_benchmark_frames(tiny_dataset):
    from abspose.data import sample_dataset
    from abspose.model import LifterConfig, TrainConfig, train_lifter

    train = _frames_from_views(sample_dataset(repeat=8), 1)
    val = _frames_from_views(tiny_dataset, 2)
    model, history = train_lifter(
        train, LifterConfig(width=64), TrainConfig(epochs=4, batch_size=64, lr_drop_epoch=3), val=val
    )
    assert history[-1].loss < history[0].loss
    assert np.isfinite(history[-1].val_mpjpe) and np.isfinite(history[-1].val_mrpe)
    assert not model.training


def test_noise_fraction_leaves_the_rest_exact():
    import numpy as np

    from abspose.data import BodyModelConfig, VirtualCameraConfig, sample_dataset
    from abspose.model.feed import draw_epoch
    from abspose.noise.model import load_error_model

    data = sample_dataset(repeat=20)  # 1,200 frames
    noise = load_error_model("openpose-mixture")
    args = (data, np.random.default_rng(3), VirtualCameraConfig(), BodyModelConfig())
    clean = draw_epoch(*args, flip=False)
    half = draw_epoch(data, np.random.default_rng(3), VirtualCameraConfig(), BodyModelConfig(), flip=False,
                      noise=noise, noise_fraction=0.5)  # fmt: skip
    moved = np.abs(half.keypoints_px - clean.keypoints_px).max(axis=(1, 2)) > 1e-3
    assert 0.4 < moved.mean() < 0.6
    np.testing.assert_array_equal(half.joints_cam_mm, clean.joints_cam_mm)
