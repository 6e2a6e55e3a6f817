import numpy as np
import pytest

from abspose.data import MocapDataset, convert_bvh, floor_height_mm, sample_bvh_path


@pytest.fixture(scope="session")
def tiny_dataset() -> MocapDataset:
    """The shipped walk as a 60-frame dataset (subject 2)."""
    clip = convert_bvh(sample_bvh_path())
    n = len(clip.joints_world_mm)
    return MocapDataset(
        joints_world_mm=clip.joints_world_mm.astype(np.float32),
        clip_index=np.zeros(n, dtype=np.int32),
        frame_index=np.arange(n, dtype=np.int32),
        clip_names=np.array([clip.name]),
        clip_subjects=np.array([clip.subject], dtype=np.int32),
        clip_rigs=np.array([clip.rig]),
        clip_floor_y_mm=np.array([floor_height_mm(clip.joints_world_mm)], dtype=np.float32),
        fps=clip.fps,
    )
