"""File formats: keypoint files and videos in, results and animations out."""

from abspose.io.animation import Track, TrackRecorder, export_tracks, write_bvh, write_trc
from abspose.io.frames import FrameWriter, frame_record
from abspose.io.keypoints import KeypointFile, read_keypoints, write_result
from abspose.io.video import VideoInfo, iter_frames, video_info

__all__ = [
    "FrameWriter",
    "KeypointFile",
    "Track",
    "TrackRecorder",
    "VideoInfo",
    "export_tracks",
    "frame_record",
    "iter_frames",
    "read_keypoints",
    "video_info",
    "write_bvh",
    "write_result",
    "write_trc",
]
