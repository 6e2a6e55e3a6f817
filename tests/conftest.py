"""Shared fixtures. Tests that need ../shared/data skip with a message when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from abspose.data import convert_bvh, sample_bvh_path

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("slow", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _data_root() -> Path:
    return Path(os.environ.get("ABSPOSE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The shared data folder; skips the test when it is absent."""
    root = _data_root()
    if not (root / "cmu-bvh").is_dir():
        pytest.skip(f"shared data not found at {root} (set ABSPOSE_DATA to the folder holding cmu-bvh/)")
    return root


@pytest.fixture(scope="session")
def cmu_dataset(data_root: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The whole CMU conversion at 30 fps (about 30 s), shared by the session."""
    from abspose.data import convert_cmu

    dataset, clips = convert_cmu(data_root / "cmu-bvh", fps=30.0)
    return dataset, clips


@pytest.fixture(scope="session")
def tiny_dataset():  # type: ignore[no-untyped-def]
    """The shipped walk as a 60-frame dataset (subject 2)."""
    from abspose.data import sample_dataset

    return sample_dataset()


@pytest.fixture(scope="session")
def walk_cam_mm() -> np.ndarray:
    """(60, 17, 3) the shipped CMU walk, turned to face the camera, pelvis at the origin [mm]."""
    joints = convert_bvh(sample_bvh_path()).joints_world_mm  # (T, 17, 3) world, y up
    joints = joints - joints[:, :1]
    return joints * np.array([1.0, -1.0, -1.0])  # y up -> y down, facing the camera


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def random_pose_cam_mm(rng: np.random.Generator, n: int = 1) -> np.ndarray:
    """(n, 17, 3) random poses in front of a camera: a 2 m body blob at 2-10 m depth."""
    root = np.stack([rng.uniform(-1500, 1500, n), rng.uniform(-800, 800, n), rng.uniform(2000, 10000, n)], -1)
    return root[:, None, :] + rng.normal(0.0, 400.0, size=(n, 17, 3))


def walk_scene(rng: np.random.Generator, k: int, *, height_mm: float, pitch_deg: float, **cameras: object):  # type: ignore[no-untyped-def]
    """k frames of the shipped walk on one floor, seen by one camera ``height_mm`` up, pitched
    ``pitch_deg`` down (exact 2D); ``cameras``: :class:`VirtualCameraConfig` fields."""
    from abspose.data import VirtualCameraConfig, sample_dataset
    from abspose.data.mocap.cameras import sample_scene

    ds = sample_dataset()
    idx = rng.choice(len(ds.joints_world_mm), k, replace=False)
    return sample_scene(ds.joints_world_mm[idx], ds.clip_floor_y_mm[ds.clip_index[idx]], rng,
                        camera_height_mm=height_mm, pitch_deg=pitch_deg,
                        config=VirtualCameraConfig(**cameras))  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture(scope="session")
def mediapipe_task() -> Path:
    """MediaPipe's pose bundle built by ``abspose setup-2d``; skips the test when absent."""
    pytest.importorskip("mediapipe", reason="MediaPipe is not installed (pip install 'abspose[mediapipe]')")
    from abspose.estimator2d import default_task_path

    path = default_task_path()
    if not path.is_file():
        pytest.skip(f"MediaPipe's pose bundle {path} is not built; run `abspose setup-2d`")
    return path


@pytest.fixture(scope="session")
def mediapipe_backend(mediapipe_task: Path):  # type: ignore[no-untyped-def]
    """One MediaPipe backend shared by the session's tests."""
    from abspose.estimator2d import MediaPipeBackend

    with MediaPipeBackend() as backend:
        yield backend
