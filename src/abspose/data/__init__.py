"""Training data: CMU, ReActIdle and lab trials to H36M-17, a body model, posture augmentation,
virtual cameras, splits by person; and
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
from abspose.data.body import (
    H36M_TRAINING_BONES_MM,
    Bodies,
    BodyModelConfig,
    body_lengths_mm,
    place_spine,
    retarget,
    sample_bodies,
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
    sample_dataset,
)
from abspose.data.dataset import MocapDataset
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
from abspose.data.postures import (
    POSTURES,
    PostureConfig,
    augment_postures,
    exchange_limbs,
    place_on_floor,
    pose_posture,
)
from abspose.data.rigs import RIGS, Rig, detect_rig
from abspose.data.samples import sample_dataset_views, sample_views
from abspose.data.sources import (
    LAB_PEOPLE,
    build_training_set,
    concat_datasets,
    convert_lab_trials,
    convert_reactidle,
)
from abspose.data.splits import SPLITS, split_subjects
from abspose.data.trc import TrcMarkers, opencap_joints_mm, read_trc
from abspose.data.views import h36m_widths, posture_labels, view_frames

__all__ = [
    "H36M_PROTOCOLS",
    "H36M_TRAINING_BONES_MM",
    "LAB_PEOPLE",
    "MPI_INF_3DHP17",
    "MPI_INF_3DHP_GROUPS",
    "POSTURES",
    "RIGS",
    "SPLITS",
    "Bodies",
    "BodyModelConfig",
    "BodyScaleConfig",
    "BvhMotion",
    "CameraFrames",
    "CameraSamples",
    "Clip",
    "MocapDataset",
    "PostureConfig",
    "Rig",
    "TrcMarkers",
    "VirtualCameraConfig",
    "augment_postures",
    "body_lengths_mm",
    "bone_lengths_mm",
    "build_training_set",
    "concat_datasets",
    "concat_frames",
    "convert_bvh",
    "convert_cmu",
    "convert_lab_trials",
    "convert_reactidle",
    "data_root",
    "detect_rig",
    "exchange_limbs",
    "find_bvh_files",
    "floor_height_mm",
    "h36m_cameras",
    "h36m_widths",
    "look_at_rotation",
    "opencap_joints_mm",
    "place_on_floor",
    "place_spine",
    "pose_posture",
    "posture_labels",
    "protocol_split",
    "random_bone_factors",
    "read_3dhp_test",
    "read_bvh",
    "read_cameras",
    "read_mmpose",
    "read_trc",
    "read_videopose3d",
    "resample",
    "retarget",
    "sample_bodies",
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
    "view_frames",
    "world_to_camera",
    "write_cameras_json",
]
