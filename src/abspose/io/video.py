"""Video files: their frame rate and size, and their frames decoded one at a time (OpenCV)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from abspose.errors import AbsPoseError

__all__ = ["LiveFrames", "TimedFrame", "VideoInfo", "iter_frames", "open_source", "read_ahead", "video_info"]


@dataclass(frozen=True)
class VideoInfo:
    """``fps``, ``frame_count`` (0 when the container does not say), ``width``, ``height``."""

    fps: float
    frame_count: int
    width: int
    height: int


def _capture_info(cap: Any, counted: bool = True, max_fps: float = float("inf")) -> VideoInfo:
    """An open ``cv2.VideoCapture``'s rate (30 when it reports none in ``(0, max_fps]``), length
    (0 unless ``counted``) and size."""
    import cv2

    fps = cap.get(cv2.CAP_PROP_FPS)
    return VideoInfo(
        float(fps) if fps and np.isfinite(fps) and 0 < fps <= max_fps else 30.0,
        max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT))) if counted else 0,
        int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
        int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
    )


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
        info = _capture_info(cap)
    finally:
        cap.release()
    if info.width <= 0 or info.height <= 0:
        raise AbsPoseError(f"{path}: the video reports no frame size; is it a video file?")
    return info


_T = TypeVar("_T")
_END = object()


def read_ahead(items: Iterator[_T], depth: int) -> Iterator[_T]:
    """``items`` in order, with up to ``depth`` of them produced ahead on one worker thread.

    For a video, decoding (OpenCV releases the GIL) then overlaps with the work on the frame
    before. An exception raised by ``items`` comes out where its item would have. Closing
    this iterator early stops the worker and closes ``items``.
    """
    if depth < 1:
        raise AbsPoseError(f"read-ahead depth: expected >= 1 items, got {depth}")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="abspose-read-ahead")
    # one worker: the calls to next() run one after the other, never at once
    pending: deque[Future[Any]] = deque(pool.submit(next, items, _END) for _ in range(depth))
    try:
        while True:
            item = pending.popleft().result()
            if item is _END:
                return
            pending.append(pool.submit(next, items, _END))
            yield item
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        close = getattr(items, "close", None)
        if close is not None:
            close()


def iter_frames(
    path: str | Path, max_frames: int | None = None, *, ahead: int = 0
) -> Iterator[NDArray[np.uint8]]:
    """Decode a video frame by frame as ``(H, W, 3)`` uint8 RGB (constant memory). A video
    that ends early (truncated file) stops at its last whole frame; one with no decodable
    frame raises :class:`AbsPoseError`. ``ahead`` > 0 decodes that many frames ahead on a
    thread (:func:`read_ahead`), while the caller works on the current one."""
    if max_frames is not None and max_frames < 1:
        raise AbsPoseError(f"max_frames: expected >= 1 frames (or None: all), got {max_frames}")
    frames = _decode(path, max_frames)
    return read_ahead(frames, ahead) if ahead > 0 else frames


def _decode(path: str | Path, max_frames: int | None) -> Iterator[NDArray[np.uint8]]:
    import cv2

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


@dataclass(frozen=True)
class TimedFrame:
    """One decoded frame: its ``index`` in the source, its ``time_s`` [s] and its
    ``(H, W, 3)`` uint8 RGB pixels."""

    index: int
    time_s: float
    image_rgb: NDArray[np.uint8]


def open_source(spec: str) -> str | int:
    """A ``video`` argument as OpenCV opens it: ``"0"`` (a camera's index) -> ``0``, a URL
    (``rtsp://``, ``http://``, ...) as is, else a path that must be a file."""
    if spec.isdigit():
        return int(spec)
    if "://" in spec:
        return spec
    if not Path(spec).is_file():
        raise AbsPoseError(
            f"{spec}: no such video file (expected a file, a camera index such as 0, or a stream URL)"
        )
    return spec


class LiveFrames:
    """The newest frames of a camera, a stream or a file played as one, for real-time work.

    A reader thread decodes frames as the source delivers them (a file at its own frame rate,
    as if it were live) and keeps only the newest; iterating gives the newest frame not yet
    given, so a consumer slower than the source skips frames (counted in :attr:`dropped`)
    instead of falling behind. Times: a file's own timeline (``index / fps``), else seconds
    since the first frame. Ends with the source, after ``max_frames`` given frames, or at
    :meth:`close`.

    Args:
        source: a camera index, a stream URL or a file (:func:`open_source`).
        max_frames: stop after giving this many frames (None: the whole source).
    """

    def __init__(self, source: str | int, max_frames: int | None = None) -> None:
        import cv2

        if max_frames is not None and max_frames < 1:
            raise AbsPoseError(f"max_frames: expected >= 1 frames (or None: all), got {max_frames}")
        self.source = source
        self.is_file = isinstance(source, str) and "://" not in source
        self._cap = cv2.VideoCapture(source)
        if not self._cap.isOpened():
            self._cap.release()
            raise AbsPoseError(f"{source}: cannot open it as a camera, stream or video")
        self.info = _capture_info(self._cap, counted=self.is_file, max_fps=1000.0)  # cameras may say nonsense
        self.max_frames = max_frames
        self.read = 0  # frames decoded
        self.given = 0
        self._newest: TimedFrame | None = None
        self._ended = False
        self._stop = threading.Event()
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="abspose-live-frames", daemon=True)
        self._thread.start()

    @property
    def dropped(self) -> int:
        """Frames decoded but never given (the consumer was busy)."""
        with self._ready:
            return self.read - self.given - (self._newest is not None)

    def _run(self) -> None:
        start = time.monotonic()
        try:
            while not self._stop.is_set():
                ok, bgr = self._cap.read()
                if not ok or bgr is None:
                    break
                if self.is_file:  # played as live: frame k is due k / fps after the start
                    t = self.read / self.info.fps
                    delay = start + t - time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        break
                else:
                    t = time.monotonic() - start
                frame = TimedFrame(self.read, t, np.ascontiguousarray(bgr[..., ::-1]))
                with self._ready:
                    self._newest = frame
                    self.read += 1
                    self._ready.notify()
        finally:
            self._cap.release()
            with self._ready:
                self._ended = True
                self._ready.notify()

    def __iter__(self) -> Iterator[TimedFrame]:
        try:
            while self.max_frames is None or self.given < self.max_frames:
                with self._ready:
                    while self._newest is None and not self._ended:
                        self._ready.wait()
                    frame, self._newest = self._newest, None
                    if frame is None:
                        break
                    self.given += 1
                yield frame
        finally:
            self.close()
        if self.read == 0:
            raise AbsPoseError(f"{self.source}: no frame could be read from it")

    def close(self) -> None:
        """Stop reading (the source is released by the reader thread)."""
        self._stop.set()
        self._thread.join(timeout=5.0)
