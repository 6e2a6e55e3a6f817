"""Data, in two parts:

- :mod:`abspose.data.mocap`: training data: CMU, ReActIdle and lab trials to H36M-17, a body
  model, posture augmentation, virtual cameras, splits by person;
- :mod:`abspose.data.benchmarks`: the benchmark datasets' readers (Human3.6M, MPI-INF-3DHP,
  MMPose's files), :func:`read_benchmark` to pick one by name;

both meeting in one frame type, :class:`CameraFrames` (:mod:`abspose.data.frames`).

The shared data folder is found through the ``ABSPOSE_DATA`` environment variable
(default ``../shared/data``); the package itself works without it.
"""

from abspose.data.benchmarks import BENCHMARKS, read_benchmark
from abspose.data.benchmarks.h36m import h36m_cameras, read_videopose3d, world_to_camera
from abspose.data.benchmarks.mmpose import MPI_INF_3DHP17, read_cameras, read_mmpose, write_cameras_json
from abspose.data.benchmarks.mpi_inf_3dhp import read_3dhp_test
from abspose.data.frames import (
    H36M_PROTOCOLS,
    MPI_INF_3DHP_GROUPS,
    CameraFrames,
    concat_frames,
    protocol_split,
)
from abspose.data.mocap.augment import (
    BodyScaleConfig,
    bone_lengths_mm,
    random_bone_factors,
    scale_bones,
    skeleton_stature_mm,
)
from abspose.data.mocap.body import (
    H36M_TRAINING_BONES_MM,
    Bodies,
    BodyModelConfig,
    body_lengths_mm,
    place_spine,
    retarget,
    sample_bodies,
)
from abspose.data.mocap.bvh import BvhMotion, read_bvh
from abspose.data.mocap.cameras import (
    VirtualCameraConfig,
    look_at_rotation,
    sample_cameras,
)
from abspose.data.mocap.cmu import (
    Clip,
    convert_bvh,
    convert_cmu,
    find_bvh_files,
    floor_height_mm,
    resample,
    sample_dataset,
)
from abspose.data.mocap.dataset import MocapDataset
from abspose.data.mocap.postures import (
    POSTURES,
    PostureConfig,
    augment_postures,
    exchange_limbs,
    place_on_floor,
    pose_posture,
)
from abspose.data.mocap.rigs import RIGS, Rig, detect_rig
from abspose.data.mocap.samples import sample_dataset_views, sample_views
from abspose.data.mocap.sources import (
    LAB_PEOPLE,
    build_training_set,
    concat_datasets,
    convert_lab_trials,
    convert_reactidle,
)
from abspose.data.mocap.splits import SPLITS, split_subjects
from abspose.data.mocap.trc import TrcMarkers, opencap_joints_mm, read_trc
from abspose.data.mocap.views import h36m_widths, posture_labels, view_frames
from abspose.data.paths import data_root, sample_bvh_path, sample_image_path, sample_video_path

__all__ = [
    "BENCHMARKS",
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
    "read_benchmark",
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
