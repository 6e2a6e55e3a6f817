"""Where data lives: the shared data folder (``ABSPOSE_DATA``) and the shipped sample."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from abspose.errors import DataError

__all__ = [
    "data_root",
    "sample_bvh_path",
    "sample_image_path",
    "sample_keypoints_path",
    "sample_video_path",
]


def data_root(required: bool = True) -> Path | None:
    """The shared data folder: ``$ABSPOSE_DATA``, else ``../shared/data`` from the working dir.

    Raises:
        DataError: when ``required`` and the folder does not exist.
    """
    root = Path(os.environ.get("ABSPOSE_DATA", "../shared/data"))
    if root.is_dir():
        return root
    if required:
        raise DataError(f"data folder {root} not found; set ABSPOSE_DATA to the folder holding cmu-bvh/")
    return None


def sample_bvh_path() -> Path:
    """The shipped 2-second CMU walk excerpt (daz rig, 30 fps)."""
    return Path(str(resources.files("abspose") / "assets" / "02_01.bvh"))


def sample_keypoints_path() -> Path:
    """A shipped abspose keypoint JSON: one walk frame seen by a virtual 1280x720 camera."""
    return Path(str(resources.files("abspose") / "assets" / "sample_keypoints.json"))


def sample_video_path() -> Path:
    """The shipped 3-second real video of two people (from Sports2D, BSD-3; 884x497, 30 fps)."""
    return Path(str(resources.files("abspose") / "assets" / "media" / "sports2d_clip.mp4"))


def sample_image_path() -> Path:
    """One frame of :func:`sample_video_path` as a JPEG photo (two people)."""
    return Path(str(resources.files("abspose") / "assets" / "media" / "sports2d_frame.jpg"))
