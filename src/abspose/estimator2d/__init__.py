"""2D pose backends for the image pipeline: one small interface (:class:`Backend2D`), MediaPipe
BlazePose shipped (offline), a user's own detections through the same interface, and the
paper's estimator (ResNet + deconvolutions + soft-argmax) trained with :func:`train_integral`."""

from abspose.estimator2d._mediapipe_bundle import build_pose_landmarker_task, default_task_path
from abspose.estimator2d.base import Backend2D, Poses2D, boxes_from_keypoints, merge_duplicates
from abspose.estimator2d.crop import CropBox, crop_boxes, crop_image
from abspose.estimator2d.integral import (
    IntegralPoseConfig,
    IntegralPoseNet,
    integral_loss,
    load_backbone,
    load_integral,
    soft_argmax,
)
from abspose.estimator2d.integral_backend import IntegralBackend
from abspose.estimator2d.mediapipe import MediaPipeBackend, MediaPipeConfig
from abspose.estimator2d.precomputed import PrecomputedBackend
from abspose.estimator2d.train2d import (
    CocoPeople,
    LabelledPerson,
    Train2DConfig,
    evaluate_integral,
    train_integral,
)

__all__ = [
    "Backend2D",
    "CocoPeople",
    "CropBox",
    "IntegralBackend",
    "IntegralPoseConfig",
    "IntegralPoseNet",
    "LabelledPerson",
    "MediaPipeBackend",
    "MediaPipeConfig",
    "Poses2D",
    "PrecomputedBackend",
    "Train2DConfig",
    "boxes_from_keypoints",
    "build_pose_landmarker_task",
    "crop_boxes",
    "crop_image",
    "default_task_path",
    "evaluate_integral",
    "integral_loss",
    "load_backbone",
    "load_integral",
    "merge_duplicates",
    "soft_argmax",
    "train_integral",
]
