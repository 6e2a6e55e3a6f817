"""Public names may be added, never silently removed."""

import importlib

import pytest

import abspose

PUBLIC = {
    "abspose": ["AbsPoseError", "DataError", "ShapeError", "__version__", "lift", "LiftResult"],
    "abspose.model": [
        "AbsPoseLifter", "LifterConfig", "TrainConfig", "train_lifter", "load_lifter", "predict",
    ],
    "abspose.model.onnx": ["AbsoluteLifter", "OnnxLifter", "compare_accuracy", "compare_onnx", "export_onnx"],
    "abspose.io": [
        "read_keypoints", "write_result", "FrameWriter", "frame_record",
        "Track", "TrackRecorder", "export_tracks", "write_bvh", "write_trc", "iter_frames", "video_info",
    ],
    "abspose.estimator2d": [
        "Backend2D", "Poses2D", "MediaPipeBackend", "MediaPipeConfig", "PrecomputedBackend",
        "build_pose_landmarker_task", "merge_duplicates",
        "IntegralBackend", "IntegralPoseConfig", "IntegralPoseNet", "CocoPeople", "LabelledPerson",
        "Train2DConfig", "train_integral", "evaluate_integral", "soft_argmax", "integral_loss",
        "load_integral", "load_backbone", "CropBox", "crop_boxes", "crop_image",
    ],
    "abspose.pipeline": [
        "lift_image", "track_video", "resolve_intrinsics", "read_calibration", "Tracker", "RootSmoother",
        "PeopleInFrame", "read_image", "iter_frames", "video_info", "lift_npy",
    ],
    "abspose.viz": ["draw_overlay", "draw_top_down", "save_people_figure"],
    "abspose.skeletons": [
        "H36M17", "COCO17", "BODY25", "MEDIAPIPE33", "MPII16", "H36M32", "Skeleton", "convert_to_h36m17",
        "get_layout",
    ],
    "abspose.geometry": [
        "Intrinsics", "PinholeCameras", "project", "backproject", "shift_principal_point", "pose_location",
        "pose_scale",
        "normalize_keypoints", "canonical_depth", "root_xy_from_canonical", "root_depth_from_canonical",
        "root_from_canonical", "flip_keypoints_px", "flip_joints_cam",
    ],
    "abspose.metrics": ["mpjpe", "pa_mpjpe", "mrpe", "pck3d", "auc", "PoseErrorAccumulator"],
    "abspose.baselines": ["mehta_root"],
    "abspose.noise": ["ErrorModel", "fit_mixture", "fit_gaussian", "FitResult"],
    "abspose.data": [
        "convert_cmu", "convert_bvh", "read_bvh", "MocapDataset", "sample_cameras", "VirtualCameraConfig",
        "scale_bones", "BodyScaleConfig", "SPLITS", "sample_dataset",
        "CameraFrames", "read_videopose3d", "read_mmpose", "read_cameras", "read_3dhp_test", "protocol_split",
        "BodyModelConfig", "sample_bodies", "retarget", "place_spine", "PostureConfig", "augment_postures",
        "pose_posture", "exchange_limbs", "read_trc", "opencap_joints_mm", "convert_reactidle",
        "convert_lab_trials", "build_training_set", "view_frames", "posture_labels", "h36m_widths",
    ],
    "abspose.api": ["default_model_path", "default_model_kind", "DETECTOR_LAYOUTS"],
    "abspose.lifters": [
        "default_model_path", "default_model_kind", "DETECTOR_LAYOUTS", "default_lifter", "resolve_lifter",
        "lift_h36m17", "stature_interval_ratio", "Lifter", "TorchLifter",
    ],
    "abspose.evaluation": [
        "Evaluation", "evaluate_frames", "evaluate_lifter", "plot_evaluation", "predict_frames",
        "score_frames",
    ],
    "abspose.geometry.equations": [
        "shift_principal", "location", "scale", "normalized", "normalization", "canonical_depth", "root_xy",
        "root_depth", "root_position",
    ],
}  # fmt: skip


@pytest.mark.parametrize("module", list(PUBLIC))
def test_public_names_exist_and_are_exported(module):
    mod = importlib.import_module(module)
    for name in PUBLIC[module]:
        assert name in mod.__all__, name
        assert hasattr(mod, name), name
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.__all__ lists missing {name}"


def test_version_string():
    assert abspose.__version__.count(".") == 2


def test_import_abspose_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, abspose; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
