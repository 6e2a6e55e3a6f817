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
