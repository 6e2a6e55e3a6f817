"""Keypoint files in, results out."""

from abspose.io.keypoints import KeypointFile, read_keypoints, write_result

__all__ = ["KeypointFile", "read_keypoints", "write_result"]
