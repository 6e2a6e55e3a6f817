"""The 2D-backend interface: an RGB image in, every person's 2D keypoints out.

A backend is any object with a ``layout`` (a skeleton name known to
:func:`abspose.skeletons.get_layout`) and a ``detect(image_rgb, rois_px=None)`` method returning
:class:`Poses2D`. ``rois_px`` are boxes where people were in the previous video frame: a backend
may look there first (MediaPipe does), or ignore them. Keypoints stay in the backend's own
layout; :func:`abspose.lift` converts them to Human3.6M-17.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from abspose.errors import ShapeError

__all__ = ["Backend2D", "Poses2D", "boxes_from_keypoints", "check_image", "merge_duplicates"]


@dataclass(frozen=True)
class Poses2D:
    """2D poses of P people in one image.

    Attributes:
        keypoints_px: ``(P, J, 2)`` image pixels (x right, y down; may lie outside the image).
        confidences: ``(P, J)`` in [0, 1]; 0 for a joint the backend did not find.
        layout: the skeleton name of the J joints.
    """

    keypoints_px: NDArray[np.float64]
    confidences: NDArray[np.float64]
    layout: str

    def __len__(self) -> int:
        return int(self.keypoints_px.shape[0])

    @property
    def boxes_px(self) -> NDArray[np.float64]:
        """``(P, 4)`` boxes ``(x0, y0, x1, y1)`` around each person's found joints [px]."""
        return boxes_from_keypoints(self.keypoints_px, self.confidences)

    def select(self, index: NDArray[np.intp] | list[int]) -> Poses2D:
        """The people at ``index``, in that order."""
        index = np.asarray(index, dtype=np.intp)
        return Poses2D(self.keypoints_px[index], self.confidences[index], self.layout)

    @classmethod
    def empty(cls, num_joints: int, layout: str) -> Poses2D:
        return cls(np.zeros((0, num_joints, 2)), np.zeros((0, num_joints)), layout)


@runtime_checkable
class Backend2D(Protocol):
    """What the image pipeline needs from a 2D pose estimator."""

    layout: str

    def detect(self, image_rgb: NDArray[np.uint8], rois_px: NDArray[np.float64] | None = None) -> Poses2D:
        """``image_rgb``: ``(H, W, 3)`` uint8 RGB. ``rois_px``: optional ``(R, 4)`` boxes."""
        ...


def check_image(image_rgb: object) -> NDArray[np.uint8]:
    """Check an ``(H, W, 3)`` uint8 RGB image; returns it C-contiguous."""
    arr = np.asarray(image_rgb)
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype != np.uint8 or min(arr.shape[:2]) < 16:
        raise ShapeError(
            f"image_rgb: expected an (H, W, 3) uint8 RGB image of at least 16x16 px, "
            f"got {arr.shape} {arr.dtype}"
        )
    return np.ascontiguousarray(arr)


def boxes_from_keypoints(
    keypoints_px: NDArray[np.float64], confidences: NDArray[np.float64], min_confidence: float = 0.0
) -> NDArray[np.float64]:
    """``(P, J, 2)``, ``(P, J)`` -> ``(P, 4)`` boxes ``(x0, y0, x1, y1)`` of the joints above
    ``min_confidence`` (all joints for a person with none) [px]."""
    found = confidences > min_confidence  # (P, J)
    found = np.where(found.any(axis=1, keepdims=True), found, True)
    lo = np.where(found[..., None], keypoints_px, np.inf).min(axis=1)  # (P, 2)
    hi = np.where(found[..., None], keypoints_px, -np.inf).max(axis=1)
    return np.concatenate([lo, hi], axis=1) if len(keypoints_px) else np.zeros((0, 4))


def merge_duplicates(poses: Poses2D, max_distance: float = 0.2) -> Poses2D:
    """Keep one detection per person when overlapping crops found the same one twice.

    Two detections are the same person when the median distance between their joints is
    below ``max_distance`` times the person's size (the larger box's diagonal); the detection
    with the higher mean confidence is kept. People who merely overlap (one behind the other)
    have distant joints and are both kept.
    """
    n = len(poses)
    if n < 2:
        return poses
    boxes = poses.boxes_px
    diag = np.hypot(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])  # (P,)
    dist = np.median(
        np.linalg.norm(poses.keypoints_px[:, None] - poses.keypoints_px[None], axis=-1), axis=-1
    )  # (P, P)
    same = dist < max_distance * np.maximum(diag[:, None], diag[None])
    order = np.argsort(-poses.confidences.mean(axis=1), kind="stable")
    keep: list[int] = []
    for i in order:
        if not any(same[i, k] for k in keep):
            keep.append(int(i))
    return poses.select(keep)
