"""MediaPipe BlazePose as the shipped 2D backend: several people per image, offline.

MediaPipe's pose detector sees the whole crop at 224x224, so people much smaller than the crop
are missed (in a 1768x994 frame, a 370 px tall person is about 50 px there). The backend
therefore runs the landmarker on overlapping square tiles as tall as the image
(``tile_scales`` adds finer levels), plus, in videos, on a square around where each person was
in the previous frame (``rois_px``), and keeps one detection per person
(:func:`~abspose.estimator2d.base.merge_duplicates`). Confidences are MediaPipe's per-landmark
visibilities. The model bundle is built at set-up time (``abspose setup-2d``; see
:mod:`abspose.estimator2d._mediapipe_bundle`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.errors import AbsPoseError, ShapeError
from abspose.estimator2d._mediapipe_bundle import default_task_path
from abspose.estimator2d.base import Poses2D, check_image, merge_duplicates
from abspose.skeletons import MEDIAPIPE33

__all__ = ["MediaPipeBackend", "MediaPipeConfig", "crop_square", "tile_squares"]


@dataclass(frozen=True)
class MediaPipeConfig:
    """Settings of :class:`MediaPipeBackend`.

    Attributes:
        task_path: the ``.task`` bundle; "" for the one ``abspose setup-2d`` wrote.
        max_people_per_crop: poses MediaPipe may return per crop.
        min_detection_confidence: the person detector's threshold.
        min_presence_confidence: the landmark network's pose-presence threshold.
        tile_scales: tile sides as fractions of the image's short side; add 0.5 for people
            smaller than about a fifth of the image height (costs more crops).
        tile_overlap: overlap of neighbouring tiles, as a fraction of their side.
        roi_scale: a previous-frame box is searched in a square this many times its long side.
    """

    task_path: str = ""
    max_people_per_crop: int = 4
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    tile_scales: tuple[float, ...] = (1.0,)
    tile_overlap: float = 0.4
    roi_scale: float = 1.5

    def __post_init__(self) -> None:
        if not self.tile_scales or not all(0.1 <= s <= 1.0 for s in self.tile_scales):
            raise AbsPoseError(f"tile_scales: expected fractions in [0.1, 1], got {self.tile_scales}")
        if not 0.0 <= self.tile_overlap < 0.9:
            raise AbsPoseError(f"tile_overlap: expected 0 <= overlap < 0.9, got {self.tile_overlap}")


def tile_squares(
    width: int, height: int, scales: tuple[float, ...], overlap: float
) -> list[tuple[int, int, int]]:
    """Square tiles ``(x0, y0, side)`` covering a ``width x height`` image at each scale."""
    tiles: list[tuple[int, int, int]] = []
    for scale in scales:
        side = max(16, round(scale * min(width, height)))
        step = side * (1.0 - overlap)
        nx = 1 + max(0, int(np.ceil((width - side) / step)))
        ny = 1 + max(0, int(np.ceil((height - side) / step)))
        for y0 in np.linspace(0, height - side, ny).round().astype(int):
            for x0 in np.linspace(0, width - side, nx).round().astype(int):
                tiles.append((int(x0), int(y0), side))
    return tiles


def crop_square(image: NDArray[np.uint8], x0: int, y0: int, side: int) -> NDArray[np.uint8]:
    """``(side, side, 3)`` crop with its top-left corner at ``(x0, y0)``; zero outside the image."""
    h, w = image.shape[:2]
    out = np.zeros((side, side, 3), dtype=np.uint8)
    xa, ya, xb, yb = max(x0, 0), max(y0, 0), min(x0 + side, w), min(y0 + side, h)
    if xb > xa and yb > ya:
        out[ya - y0 : yb - y0, xa - x0 : xb - x0] = image[ya:yb, xa:xb]
    return out


def _roi_squares(rois_px: NDArray[np.float64], scale: float) -> list[tuple[int, int, int]]:
    rois = np.asarray(rois_px, dtype=np.float64).reshape(-1, 4)
    if not np.isfinite(rois).all():
        raise ShapeError("rois_px: expected finite (R, 4) boxes")
    squares = []
    for x0, y0, x1, y1 in rois:
        side = round(scale * max(x1 - x0, y1 - y0, 16.0))
        cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        squares.append((round(cx - side / 2), round(cy - side / 2), side))
    return squares


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence MediaPipe's native start-up log lines (they bypass Python's ``sys.stderr``)."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class MediaPipeBackend:
    """MediaPipe pose landmarker over tiles and tracking regions; ``layout = "mediapipe33"``.

    Use as a context manager, or call :meth:`close`, to free MediaPipe's graph.
    """

    layout = MEDIAPIPE33.name

    def __init__(self, config: MediaPipeConfig | None = None) -> None:
        self.config = config or MediaPipeConfig()
        path = Path(self.config.task_path) if self.config.task_path else default_task_path()
        if not path.is_file():
            raise AbsPoseError(
                f"MediaPipe's pose model {path} is missing; build it once with `abspose setup-2d` "
                "(it takes the networks from the mediapipe 0.10.21 wheel on PyPI)"
            )
        try:
            from mediapipe.tasks.python import BaseOptions, vision
        except ImportError as exc:
            raise AbsPoseError(
                "MediaPipe is not installed; install the extra: pip install 'abspose[mediapipe]'"
            ) from exc
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.IMAGE,
            num_poses=self.config.max_people_per_crop,
            min_pose_detection_confidence=self.config.min_detection_confidence,
            min_pose_presence_confidence=self.config.min_presence_confidence,
        )
        with _quiet_stderr():
            self._landmarker: Any = vision.PoseLandmarker.create_from_options(options)
        self._quiet_until_found = True  # the first pose found logs a line too

    def _detect_square(self, image: NDArray[np.uint8], x0: int, y0: int, side: int) -> Poses2D:
        import mediapipe as mp

        crop = crop_square(image, x0, y0, side)
        image_mp = mp.Image(image_format=mp.ImageFormat.SRGB, data=crop)
        if self._quiet_until_found:
            with _quiet_stderr():
                people = self._landmarker.detect(image_mp).pose_landmarks
            self._quiet_until_found = not people
        else:
            people = self._landmarker.detect(image_mp).pose_landmarks
        if not people:
            return Poses2D.empty(MEDIAPIPE33.num_joints, self.layout)
        xyv = np.array([[(lm.x, lm.y, lm.visibility or 0.0) for lm in person] for person in people])
        keypoints = xyv[..., :2] * side + np.array([x0, y0], dtype=np.float64)  # (P, 33, 2)
        return Poses2D(keypoints, np.clip(xyv[..., 2], 0.0, 1.0), self.layout)

    def detect(self, image_rgb: NDArray[np.uint8], rois_px: NDArray[np.float64] | None = None) -> Poses2D:
        """Every person in an ``(H, W, 3)`` uint8 RGB image; ``rois_px``: ``(R, 4)`` boxes
        (``x0, y0, x1, y1``) where people were in the previous frame, searched first."""
        image = check_image(image_rgb)
        h, w = image.shape[:2]
        squares = _roi_squares(rois_px, self.config.roi_scale) if rois_px is not None else []
        squares += tile_squares(w, h, self.config.tile_scales, self.config.tile_overlap)
        return self._detect_squares(image, squares)

    def detect_regions(self, image_rgb: NDArray[np.uint8], rois_px: NDArray[np.float64]) -> Poses2D:
        """The people in the ``(R, 4)`` regions only (``x0, y0, x1, y1`` boxes, each searched in a
        square ``roi_scale`` times its long side), without the full-image tiles: the fast path of
        a video between full searches (:func:`abspose.pipeline.track_video`'s ``search_every``)."""
        return self._detect_squares(check_image(image_rgb), _roi_squares(rois_px, self.config.roi_scale))

    def _detect_squares(self, image: NDArray[np.uint8], squares: list[tuple[int, int, int]]) -> Poses2D:
        """Everyone found in the square crops, one detection per person."""
        if not squares:
            return Poses2D(np.zeros((0, 33, 2)), np.zeros((0, 33)), self.layout)
        found = [self._detect_square(image, *sq) for sq in squares]
        poses = Poses2D(
            np.concatenate([p.keypoints_px for p in found]),
            np.concatenate([p.confidences for p in found]),
            self.layout,
        )
        return merge_duplicates(poses)

    def close(self) -> None:
        if getattr(self, "_landmarker", None) is not None:
            with _quiet_stderr():
                self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> MediaPipeBackend:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
