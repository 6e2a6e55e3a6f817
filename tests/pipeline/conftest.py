"""Synthetic people seen by a known camera, and tiny videos written by OpenCV."""

from __future__ import annotations

from pathlib import Path

import numpy as np

WIDTH, HEIGHT = 640, 480


def place(walk_cam_mm: np.ndarray, frame: int, root_mm: tuple[float, float, float]) -> np.ndarray:
    """(17, 3) one walk frame with its pelvis at ``root_mm`` in the camera frame."""
    return walk_cam_mm[frame] + np.asarray(root_mm)


def write_video(
    path: Path, frames: int, size: tuple[int, int] = (WIDTH, HEIGHT), fourcc: str = "mp4v"
) -> Path:
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), 10.0, size)
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), (i * 10) % 255, np.uint8))
    writer.release()
    return path
