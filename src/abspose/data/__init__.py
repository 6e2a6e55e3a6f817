"""Training data: CMU BVH to H36M-17, virtual cameras, body-size augmentation, splits.

The shared data folder is found through the ``ABSPOSE_DATA`` environment variable
(default ``../shared/data``); the package itself works without it.
"""

from abspose.data.augment import (
    BodyScaleConfig,
    bone_lengths_mm,
    random_bone_factors,
    scale_bones,
    skeleton_stature_mm,
)
from abspose.data.bvh import BvhMotion, read_bvh
from abspose.data.cameras import (
    CameraSamples,
    VirtualCameraConfig,
    look_at_rotation,
    sample_cameras,
)
from abspose.data.cmu import (
    Clip,
    convert_bvh,
    convert_cmu,
    find_bvh_files,
    floor_height_mm,
    resample,
)
from abspose.data.dataset import MocapDataset, sample_dataset
from abspose.data.paths import data_root, sample_bvh_path, sample_image_path, sample_video_path
from abspose.data.rigs import RIGS, Rig, detect_rig
from abspose.data.samples import sample_dataset_views, sample_views
from abspose.data.splits import SPLITS, split_subjects

__all__ = [
    "RIGS",
    "SPLITS",
    "BodyScaleConfig",
    "BvhMotion",
    "CameraSamples",
    "Clip",
    "MocapDataset",
    "Rig",
    "VirtualCameraConfig",
    "bone_lengths_mm",
    "convert_bvh",
    "convert_cmu",
    "data_root",
    "detect_rig",
    "find_bvh_files",
    "floor_height_mm",
    "look_at_rotation",
    "random_bone_factors",
    "read_bvh",
    "resample",
    "sample_bvh_path",
    "sample_cameras",
    "sample_dataset",
    "sample_dataset_views",
    "sample_image_path",
    "sample_video_path",
    "sample_views",
    "scale_bones",
    "skeleton_stature_mm",
    "split_subjects",
]
