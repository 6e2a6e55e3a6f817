"""The paper's 2D estimator as a :class:`~abspose.estimator2d.Backend2D`, from a checkpoint.

The estimator sees one person per crop, so it needs boxes. In order: the boxes of a
``boxes`` backend (e.g. :class:`~abspose.estimator2d.MediaPipeBackend` used as the person
detector, the paper's cascade), else the tracker's boxes from the previous video frame
(``rois_px``), else the whole image as one person.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from numpy.typing import NDArray

from abspose.estimator2d.base import Backend2D, Poses2D, check_image
from abspose.estimator2d.crop import CropBox, crop_boxes, crop_image
from abspose.estimator2d.integral import (
    HEATMAP_OFFSET,
    HEATMAP_STRIDE,
    IntegralPoseNet,
    crops_to_tensor,
    load_integral,
    soft_argmax,
)

__all__ = ["IntegralBackend", "heatmap_confidence", "predict_in_crops"]


def heatmap_confidence(prob: torch.Tensor, coords: torch.Tensor, radius: float = 2.0) -> torch.Tensor:
    """Probability mass within ``radius`` heatmap px of the soft-argmax, in [0, 1].

    Args:
        prob: ``(..., H, W)`` probability maps. coords: ``(..., 2)`` their soft-argmax (x, y).
    """
    h, w = prob.shape[-2:]
    ys = torch.arange(h, dtype=prob.dtype, device=prob.device)[:, None]
    xs = torch.arange(w, dtype=prob.dtype, device=prob.device)[None, :]
    d2 = (xs - coords[..., None, None, 0]) ** 2 + (ys - coords[..., None, None, 1]) ** 2  # (..., H, W)
    return (prob * (d2 <= radius**2)).sum((-1, -2)).clamp(0.0, 1.0)


class IntegralBackend:
    """2D poses from a trained :class:`IntegralPoseNet` checkpoint.

    Args:
        checkpoint: a ``.safetensors`` file written by ``abspose train-2d``.
        boxes: a backend whose people give the crops (their keypoints are not used).
        device: ``"cpu"``, ``"cuda"``, ...
    """

    def __init__(
        self, checkpoint: str | Path, *, boxes: Backend2D | None = None, device: str = "cpu"
    ) -> None:
        self.net: IntegralPoseNet = load_integral(checkpoint).to(device)
        self.config = self.net.config
        self.layout = self.config.layout
        self.boxes = boxes
        self.device = device

    def _crops(self, image: NDArray[np.uint8], rois_px: NDArray[np.float64] | None) -> list[CropBox]:
        size, scale = self.config.input_size, self.config.box_scale
        if self.boxes is not None:
            found = self.boxes.detect(image, rois_px).boxes_px
            return crop_boxes(found[np.isfinite(found).all(axis=1)], size, scale)
        if rois_px is not None and len(rois_px):
            return crop_boxes(np.asarray(rois_px, dtype=np.float64).reshape(-1, 4), size, scale)
        h, w = image.shape[:2]
        return crop_boxes(np.array([[0.0, 0.0, w - 1.0, h - 1.0]]), size, 1.0)  # the whole image

    def detect(self, image_rgb: NDArray[np.uint8], rois_px: NDArray[np.float64] | None = None) -> Poses2D:
        """Every boxed person's keypoints [image px] and heatmap confidences."""
        image = check_image(image_rgb)
        crops = self._crops(image, rois_px)
        if not crops:
            return Poses2D.empty(self.config.num_joints, self.layout)
        keypoints, conf = predict_in_crops(self.net, image, crops)
        return Poses2D(keypoints, conf, self.layout)


@torch.no_grad()
def predict_in_crops(
    net: IntegralPoseNet, image_rgb: NDArray[np.uint8], crops: list[CropBox]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One forward pass over the crops of ``image_rgb``.

    Returns:
        keypoints ``(N, J, 2)`` [image px] and confidences ``(N, J)``.
    """
    device = next(net.parameters()).device
    pixels = np.stack([crop_image(image_rgb, c) for c in crops])  # (N, S, S, 3)
    coords, prob = soft_argmax(net(crops_to_tensor(torch.from_numpy(pixels).to(device))))  # (N, J, 2)
    conf = heatmap_confidence(prob, coords).cpu().numpy().astype(np.float64)
    crop_xy = coords.cpu().numpy().astype(np.float64) * HEATMAP_STRIDE + HEATMAP_OFFSET
    keypoints = np.stack([c.to_image(xy) for c, xy in zip(crops, crop_xy, strict=True)])
    return keypoints, conf
