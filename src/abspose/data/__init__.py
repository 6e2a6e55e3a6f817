"""Training data: CMU BVH to H36M-17, virtual cameras, body-size augmentation, splits; and
the benchmark datasets (Human3.6M, MPI-INF-3DHP) as :class:`CameraFrames`.

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
from abspose.data.frames import (
    H36M_PROTOCOLS,
    MPI_INF_3DHP_GROUPS,
    CameraFrames,
    concat_frames,
    protocol_split,
)
from abspose.data.h36m import h36m_cameras, read_videopose3d, world_to_camera
from abspose.data.mmpose import MPI_INF_3DHP17, read_cameras, read_mmpose, write_cameras_json
from abspose.data.mpi_inf_3dhp import read_3dhp_test
from abspose.data.paths import data_root, sample_bvh_path, sample_image_path, sample_video_path
from abspose.data.rigs import RIGS, Rig, detect_rig
from abspose.data.samples import sample_dataset_views, sample_views
from abspose.data.splits import SPLITS, split_subjects

__all__ = [
    "H36M_PROTOCOLS",
    "MPI_INF_3DHP17",
    "MPI_INF_3DHP_GROUPS",
    "RIGS",
    "SPLITS",
    "BodyScaleConfig",
    "BvhMotion",
    "CameraFrames",
    "CameraSamples",
    "Clip",
    "MocapDataset",
    "Rig",
    "VirtualCameraConfig",
    "bone_lengths_mm",
    "concat_frames",
    "convert_bvh",
    "convert_cmu",
    "data_root",
    "detect_rig",
    "find_bvh_files",
    "floor_height_mm",
    "h36m_cameras",
    "look_at_rotation",
    "protocol_split",
    "random_bone_factors",
    "read_3dhp_test",
    "read_bvh",
    "read_cameras",
    "read_mmpose",
    "read_videopose3d",
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
    "world_to_camera",
    "write_cameras_json",
]
