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
        follow_regions: the regions (``rois_px`` of :meth:`MediaPipeBackend.detect` and
            :meth:`MediaPipeBackend.detect_regions`) run in MediaPipe's video mode, one
            landmarker per region, which follows its person from the last frame's landmarks
            and runs the person detector only when it loses them (28 -> 17 ms per region on
            2 cores); False runs each region as a still image. The tiles are still images.
        mask_found: with ``follow_regions``, the tiles of :meth:`MediaPipeBackend.detect` see
            the people found in their regions blacked out, each box grown by this fraction of
            its size on every side: the tiles look only for people not yet tracked, and
            MediaPipe does not run its landmark network on the tracked ones again. < 0: off.
    """

    task_path: str = ""
    max_people_per_crop: int = 4
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    tile_scales: tuple[float, ...] = (1.0,)
    tile_overlap: float = 0.4
    roi_scale: float = 1.5
    follow_regions: bool = True
    mask_found: float = 0.1

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


@dataclass
class _Follower:
    """A video-mode landmarker following one region: the box it last found [px], and when."""

    landmarker: Any
    box_px: NDArray[np.float64]
    last_call: int


#: A region continues a follower when its centre lies within this fraction of the larger box's
#: diagonal from the follower's last box (as the tracker of abspose.pipeline matches boxes).
_FOLLOW_DISTANCE = 0.5
#: A follower not given a region for this many calls is closed.
_FOLLOW_IDLE_CALLS = 30


def _match_regions(old: NDArray[np.float64], new: NDArray[np.float64]) -> list[tuple[int, int]]:
    """``(old index, new index)`` pairs of ``(A, 4)`` and ``(B, 4)`` boxes that are the same region."""
    from scipy.optimize import linear_sum_assignment

    if not len(old) or not len(new):
        return []
    c_old, c_new = (old[:, :2] + old[:, 2:]) / 2.0, (new[:, :2] + new[:, 2:]) / 2.0
    d_old, d_new = (np.hypot(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) for b in (old, new))
    cost = np.linalg.norm(c_old[:, None] - c_new[None], axis=-1)
    cost /= np.maximum(np.maximum(d_old[:, None], d_new[None]), 1.0)
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if cost[r, c] < _FOLLOW_DISTANCE]


def _masked(image: NDArray[np.uint8], found: list[Poses2D], margin: float) -> NDArray[np.uint8]:
    """``image`` with the people already found blacked out (each box grown by ``margin`` of its
    size on every side), so that a search of the rest finds only the others; ``margin`` < 0: as is."""
    boxes = [p.boxes_px for p in found if len(p)]
    if margin < 0 or not boxes:
        return image
    out = image.copy()
    h, w = image.shape[:2]
    for x0, y0, x1, y1 in np.concatenate(boxes):
        mx, my = margin * (x1 - x0), margin * (y1 - y0)
        xa, ya = max(int(x0 - mx), 0), max(int(y0 - my), 0)
        xb, yb = min(int(np.ceil(x1 + mx)), w), min(int(np.ceil(y1 + my)), h)
        out[ya:yb, xa:xb] = 0
    return out


def _merged(found: list[Poses2D], layout: str) -> Poses2D:
    """The people of several crops as one set, one detection per person."""
    if not found:
        return Poses2D.empty(MEDIAPIPE33.num_joints, layout)
    poses = Poses2D(
        np.concatenate([p.keypoints_px for p in found]),
        np.concatenate([p.confidences for p in found]),
        layout,
    )
    return merge_duplicates(poses)


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
            import mediapipe.tasks.python  # noqa: F401  (fail here, with the fix, when it is absent)
        except ImportError as exc:
            raise AbsPoseError(
                "MediaPipe is not installed; install the extra: pip install 'abspose[mediapipe]'"
            ) from exc
        self._path = path
        with _quiet_stderr():
            self._landmarker: Any = self._create(video=False)
        self._quiet_until_found = True  # the first pose found logs a line too
        self._followers: list[_Follower] = []
        self._calls = 0  # detect_regions calls: the followers' video timestamps [ms]

    def _create(self, *, video: bool) -> Any:
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self._path)),
            running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
            num_poses=1 if video else self.config.max_people_per_crop,
            min_pose_detection_confidence=self.config.min_detection_confidence,
            min_pose_presence_confidence=self.config.min_presence_confidence,
        )
        return vision.PoseLandmarker.create_from_options(options)

    def _detect_square(
        self, image: NDArray[np.uint8], x0: int, y0: int, side: int, follower: _Follower | None = None
    ) -> Poses2D:
        import mediapipe as mp

        crop = crop_square(image, x0, y0, side)
        image_mp = mp.Image(image_format=mp.ImageFormat.SRGB, data=crop)

        def run() -> Any:
            if follower is None:
                return self._landmarker.detect(image_mp).pose_landmarks
            return follower.landmarker.detect_for_video(image_mp, self._calls).pose_landmarks

        if self._quiet_until_found:
            with _quiet_stderr():
                people = run()
            self._quiet_until_found = not people
        else:
            people = run()
        if not people:
            return Poses2D.empty(MEDIAPIPE33.num_joints, self.layout)
        xyv = np.array([[(lm.x, lm.y, lm.visibility or 0.0) for lm in person] for person in people])
        keypoints = xyv[..., :2] * side + np.array([x0, y0], dtype=np.float64)  # (P, 33, 2)
        return Poses2D(keypoints, np.clip(xyv[..., 2], 0.0, 1.0), self.layout)

    def detect(self, image_rgb: NDArray[np.uint8], rois_px: NDArray[np.float64] | None = None) -> Poses2D:
        """Every person in an ``(H, W, 3)`` uint8 RGB image; ``rois_px``: ``(R, 4)`` boxes
        (``x0, y0, x1, y1``) where people were in the previous frame, searched first (followed,
        as in :meth:`detect_regions`), then the whole image in tiles."""
        image = check_image(image_rgb)
        h, w = image.shape[:2]
        tiles = tile_squares(w, h, self.config.tile_scales, self.config.tile_overlap)
        found = self._regions(image, rois_px) if rois_px is not None else []
        searched = _masked(image, found, self.config.mask_found) if self.config.follow_regions else image
        return _merged(found + [self._detect_square(searched, *sq) for sq in tiles], self.layout)

    def detect_regions(self, image_rgb: NDArray[np.uint8], rois_px: NDArray[np.float64]) -> Poses2D:
        """The people in the ``(R, 4)`` regions only (``x0, y0, x1, y1`` boxes, each searched in a
        square ``roi_scale`` times its long side), without the full-image tiles: the fast path of
        a video between full searches (:func:`abspose.pipeline.track_video`'s ``search_every``)."""
        return _merged(self._regions(check_image(image_rgb), rois_px), self.layout)

    def _regions(self, image: NDArray[np.uint8], rois_px: NDArray[np.float64]) -> list[Poses2D]:
        """The people found in each region's square: by a follower (``follow_regions``), else
        as a still image."""
        squares = _roi_squares(rois_px, self.config.roi_scale)
        if not self.config.follow_regions:
            return [self._detect_square(image, *sq) for sq in squares]
        rois = np.asarray(rois_px, dtype=np.float64).reshape(-1, 4)
        self._calls += 1
        followers: list[_Follower | None] = [None] * len(rois)
        old = np.array([f.box_px for f in self._followers]).reshape(-1, 4)
        for k, r in _match_regions(old, rois):
            followers[r] = self._followers[k]
        found = []
        for r, square in enumerate(squares):
            follower = followers[r]
            if follower is None:
                with _quiet_stderr():
                    follower = _Follower(self._create(video=True), rois[r], self._calls)
                self._followers.append(follower)
            poses = self._detect_square(image, *square, follower=follower)
            follower.last_call = self._calls
            if len(poses):
                follower.box_px = poses.boxes_px[0]
            found.append(poses)
        self._close_idle_followers()
        return found

    def _close_idle_followers(self) -> None:
        keep = []
        for f in self._followers:
            if self._calls - f.last_call < _FOLLOW_IDLE_CALLS:
                keep.append(f)
            else:
                with _quiet_stderr():
                    f.landmarker.close()
        self._followers = keep

    def close(self) -> None:
        with _quiet_stderr():
            for f in getattr(self, "_followers", []):
                f.landmarker.close()
            self._followers = []
            if getattr(self, "_landmarker", None) is not None:
                self._landmarker.close()
                self._landmarker = None

    def __enter__(self) -> MediaPipeBackend:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
