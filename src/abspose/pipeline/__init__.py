"""From photos and videos to everyone's absolute 3D pose: intrinsics, 2D backend, lifting,
tracking (:mod:`abspose.pipeline.run`)."""

from abspose.estimator2d.base import Poses2D
from abspose.io.video import LiveFrames, VideoInfo, iter_frames, open_source, video_info
from abspose.pipeline.intrinsics import CameraSetup, read_calibration, resolve_intrinsics
from abspose.pipeline.run import (
    DEFAULT_MIN_CONFIDENCE,
    PeopleInFrame,
    lift_image,
    read_image,
    track_video,
    with_known_statures,
)
from abspose.pipeline.stream import lift_npy
from abspose.pipeline.tracking import OneEuroFilter, PoseFilter, RootSmoother, Tracker

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "CameraSetup",
    "LiveFrames",
    "OneEuroFilter",
    "PeopleInFrame",
    "PoseFilter",
    "Poses2D",
    "RootSmoother",
    "Tracker",
    "VideoInfo",
    "iter_frames",
    "lift_image",
    "lift_npy",
    "open_source",
    "read_calibration",
    "read_image",
    "resolve_intrinsics",
    "track_video",
    "video_info",
    "with_known_statures",
]
