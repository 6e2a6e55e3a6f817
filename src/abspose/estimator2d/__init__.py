"""2D pose backends for the image pipeline: one small interface (:class:`Backend2D`), MediaPipe
BlazePose shipped (offline), a user's own detections through the same interface."""

from abspose.estimator2d._mediapipe_bundle import build_pose_landmarker_task, default_task_path
from abspose.estimator2d.base import Backend2D, Poses2D, boxes_from_keypoints, merge_duplicates
from abspose.estimator2d.mediapipe import MediaPipeBackend, MediaPipeConfig
from abspose.estimator2d.precomputed import PrecomputedBackend

__all__ = [
    "Backend2D",
    "MediaPipeBackend",
    "MediaPipeConfig",
    "Poses2D",
    "PrecomputedBackend",
    "boxes_from_keypoints",
    "build_pose_landmarker_task",
    "default_task_path",
    "merge_duplicates",
]
