"""Video files: their frame rate and size, and their frames decoded one at a time (OpenCV)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from abspose.errors import AbsPoseError

__all__ = ["VideoInfo", "iter_frames", "video_info"]


@dataclass(frozen=True)
class VideoInfo:
    """``fps``, ``frame_count`` (0 when the container does not say), ``width``, ``height``."""

    fps: float
    frame_count: int
    width: int
    height: int


def video_info(path: str | Path) -> VideoInfo:
    """Read a video's frame rate, length and size without decoding it."""
    import cv2

    path = Path(path)
    if not path.is_file():
        raise AbsPoseError(f"{path}: no such video file")
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise AbsPoseError(f"{path}: cannot open it as a video (expected MP4, AVI, MOV, ...)")
        fps = cap.get(cv2.CAP_PROP_FPS)
        info = VideoInfo(
            float(fps) if fps and np.isfinite(fps) and fps > 0 else 30.0,
            max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT))),
            int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
    finally:
        cap.release()
    if info.width <= 0 or info.height <= 0:
        raise AbsPoseError(f"{path}: the video reports no frame size; is it a video file?")
    return info


def iter_frames(path: str | Path, max_frames: int | None = None) -> Iterator[NDArray[np.uint8]]:
    """Decode a video frame by frame as ``(H, W, 3)`` uint8 RGB (constant memory). A video
    that ends early (truncated file) stops at its last whole frame; one with no decodable
    frame raises :class:`AbsPoseError`."""
    import cv2

    if max_frames is not None and max_frames < 1:
        raise AbsPoseError(f"max_frames: expected >= 1 frames (or None: all), got {max_frames}")
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise AbsPoseError(f"{path}: cannot open it as a video (expected MP4, AVI, MOV, ...)")
        n = 0
        while max_frames is None or n < max_frames:
            ok, bgr = cap.read()
            if not ok or bgr is None:
                break
            n += 1
            yield np.ascontiguousarray(bgr[..., ::-1])
        if n == 0:
            raise AbsPoseError(f"{path}: no frame could be decoded; the file is empty or corrupt")
    finally:
        cap.release()
