"""Camera geometry: intrinsics, projection, the paper's Eq. 1-6, and the horizontal flip.

Camera frame: x right, y down, z forward, millimetres. Pixels: x right, y down.
"""

from abspose.geometry.camera import Intrinsics, PinholeCameras, backproject, project
from abspose.geometry.flip import flip_joints_cam, flip_keypoints_px
from abspose.geometry.normalize import (
    NormalizedPose,
    canonical_depth,
    normalize_keypoints,
    pose_location,
    pose_scale,
    root_depth_from_canonical,
    root_from_canonical,
    root_xy_from_canonical,
    shift_principal_point,
)

__all__ = [
    "Intrinsics",
    "NormalizedPose",
    "PinholeCameras",
    "backproject",
    "canonical_depth",
    "flip_joints_cam",
    "flip_keypoints_px",
    "normalize_keypoints",
    "pose_location",
    "pose_scale",
    "project",
    "root_depth_from_canonical",
    "root_from_canonical",
    "root_xy_from_canonical",
    "shift_principal_point",
]
