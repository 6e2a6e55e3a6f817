"""A user's own 2D detections as a backend: OpenPose JSON folders and COCO keypoint results.

The pipeline calls ``detect`` once per frame, in order; :class:`PrecomputedBackend` answers with
the next frame's people from the files, so any detector's output goes through the same
tracking, lifting and exports as MediaPipe's.

>>> import numpy as np
>>> frames = [Poses2D(np.zeros((0, 17, 2)), np.zeros((0, 17)), "coco17")]
>>> backend = PrecomputedBackend(frames)
>>> len(backend.detect(np.zeros((32, 32, 3), np.uint8)))
0
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from abspose.errors import AbsPoseError, DataError
from abspose.estimator2d.base import Poses2D
from abspose.io.keypoints import read_keypoints
from abspose.skeletons import get_layout

__all__ = ["PrecomputedBackend"]


class PrecomputedBackend:
    """Per-frame detections given up front; ``detect`` returns frame 0, 1, 2, ... in turn."""

    def __init__(self, frames: Sequence[Poses2D]) -> None:
        if not frames:
            raise AbsPoseError("PrecomputedBackend: expected detections for at least one frame")
        layouts = {f.layout for f in frames}
        if len(layouts) != 1:
            raise AbsPoseError(f"PrecomputedBackend: expected one layout, got {sorted(layouts)}")
        self.layout = frames[0].layout
        get_layout(self.layout)
        self._frames = list(frames)
        self._next = 0

    def detect(self, image_rgb: NDArray[np.uint8], rois_px: NDArray[np.float64] | None = None) -> Poses2D:
        if self._next >= len(self._frames):
            raise AbsPoseError(
                f"the detections cover {len(self._frames)} frames, the video has more; "
                "give one detection file per frame (or --max-frames)"
            )
        frame = self._frames[self._next]
        self._next += 1
        return frame

    @classmethod
    def from_openpose_folder(cls, folder: str | Path) -> PrecomputedBackend:
        """One OpenPose JSON per frame (``*_keypoints.json``, sorted by name; BODY_25)."""
        folder = Path(folder)
        files = sorted(folder.glob("*.json"))
        if not files:
            raise DataError(f"{folder}: expected OpenPose JSON files (one per frame), found none")
        frames = []
        for path in files:
            doc = json.loads(path.read_text())
            if not doc.get("people"):
                frames.append(Poses2D(np.zeros((0, 25, 2)), np.zeros((0, 25)), "body25"))
                continue
            kf = read_keypoints(path)
            assert kf.confidences is not None
            frames.append(Poses2D(kf.keypoints_px, kf.confidences, "body25"))
        return cls(frames)

    @classmethod
    def from_coco_results(cls, path: str | Path) -> PrecomputedBackend:
        """A COCO keypoint-results JSON (``[{"image_id", "keypoints": [x, y, v] * 17}]``);
        frames are the sorted image ids (images with no person must still appear to be counted)."""
        path = Path(path)
        try:
            records = json.loads(path.read_text())
            by_image: dict[int, list[list[float]]] = {}
            for r in records:
                by_image.setdefault(int(r["image_id"]), []).append(r["keypoints"])
        except (OSError, ValueError, KeyError, TypeError, OverflowError) as exc:  # image_id: Infinity
            raise DataError(
                f"{path}: expected COCO keypoint results with image_id and keypoints ({exc})"
            ) from exc
        frames = []
        for image_id in sorted(by_image):
            try:
                arr = np.asarray(by_image[image_id], dtype=np.float64).reshape(-1, 17, 3)
            except (TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond float64
                raise DataError(
                    f"{path}: image {image_id}: expected 17 x, y, v triplets (51 numbers) per person"
                ) from None
            frames.append(Poses2D(arr[..., :2], arr[..., 2], "coco17"))
        return cls(frames)
