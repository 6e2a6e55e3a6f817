"""Keypoint files in, results out."""

from abspose.io.animation import Track, TrackRecorder, export_tracks, write_bvh, write_trc
from abspose.io.frames import FrameWriter, frame_record
from abspose.io.keypoints import KeypointFile, read_keypoints, write_result
from abspose.io.stream import lift_npy

__all__ = [
    "FrameWriter",
    "KeypointFile",
    "Track",
    "TrackRecorder",
    "export_tracks",
    "frame_record",
    "lift_npy",
    "read_keypoints",
    "write_bvh",
    "write_result",
    "write_trc",
]
