"""Keypoint files in, results out."""

from abspose.io.frames import FrameWriter, frame_record
from abspose.io.keypoints import KeypointFile, read_keypoints, write_result

__all__ = ["FrameWriter", "KeypointFile", "frame_record", "read_keypoints", "write_result"]
