"""Person crops: a box in the image → a square ``S x S`` crop, and crop pixels back.

Pixel convention (OpenCV's): integer coordinates are pixel centres. A crop is the square of
side ``box_scale * max(box width, box height)`` centred on the box, resampled to ``S x S``:
``crop_xy = s * (image_xy - centre) + (S - 1) / 2`` with ``s = S / side``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points
from abspose.errors import AbsPoseError

__all__ = ["CropBox", "crop_boxes", "crop_image"]


@dataclass(frozen=True)
class CropBox:
    """The square an ``S x S`` crop was taken from.

    Attributes:
        centre_px: ``(2,)`` its centre in the image [px].
        side_px: its side in the image [px].
        size: S, the crop's side [px].
    """

    centre_px: tuple[float, float]
    side_px: float
    size: int

    @property
    def scale(self) -> float:
        """Crop pixels per image pixel."""
        return self.size / self.side_px

    def matrix(self) -> NDArray[np.float64]:
        """``(2, 3)`` affine image px → crop px (for ``cv2.warpAffine``)."""
        s, (cx, cy), half = self.scale, self.centre_px, (self.size - 1) / 2.0
        return np.array([[s, 0.0, half - s * cx], [0.0, s, half - s * cy]])

    def to_crop(self, points_px: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(..., 2)`` image px → crop px."""
        pts = check_points(points_px, "points_px", dim=2, min_ndim=1)
        result: NDArray[np.float64] = self.scale * (pts - np.asarray(self.centre_px)) + (self.size - 1) / 2.0
        return result

    def to_image(self, points_crop_px: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(..., 2)`` crop px → image px (the inverse of :meth:`to_crop`)."""
        pts = check_points(points_crop_px, "points_crop_px", dim=2, min_ndim=1)
        result: NDArray[np.float64] = (pts - (self.size - 1) / 2.0) / self.scale + np.asarray(self.centre_px)
        return result


def crop_boxes(boxes_px: NDArray[np.float64], size: int, box_scale: float = 1.25) -> list[CropBox]:
    """Square crops around ``(N, 4)`` boxes ``(x0, y0, x1, y1)`` [px], enlarged by ``box_scale``."""
    boxes = np.asarray(boxes_px, dtype=np.float64).reshape(-1, 4)
    if not np.isfinite(boxes).all() or size < 8 or box_scale <= 0:
        raise AbsPoseError(
            f"crop_boxes: expected finite (N, 4) boxes, size >= 8 and box_scale > 0, "
            f"got boxes {boxes[:2].tolist()}..., size {size}, box_scale {box_scale}"
        )
    out = []
    for x0, y0, x1, y1 in boxes:
        side = box_scale * max(x1 - x0, y1 - y0, 1.0)
        out.append(CropBox(((x0 + x1) / 2.0, (y0 + y1) / 2.0), float(side), int(size)))
    return out


def crop_image(image_rgb: NDArray[np.uint8], box: CropBox) -> NDArray[np.uint8]:
    """``(S, S, 3)`` the crop of ``(H, W, 3)`` ``image_rgb``; outside the image is black."""
    import cv2

    crop = cv2.warpAffine(
        image_rgb,
        box.matrix(),
        (box.size, box.size),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )
    return np.asarray(crop, dtype=np.uint8)
