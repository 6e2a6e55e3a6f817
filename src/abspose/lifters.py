"""Which lifter runs: the shipped models, a checkpoint or an ONNX file, one call for any of them.

A :class:`Lifter` is anything with ``predict(keypoints_px, camera) -> Prediction``: a torch
network (:class:`TorchLifter`) or an exported file (:class:`~abspose.model.onnx.OnnxLifter`, ONNX
Runtime). :func:`resolve_lifter` turns what a user passes as ``model=`` into one, and
:func:`lift_h36m17` runs it, with the test-time flip if asked.
Importing this module does not import torch; resolving a lifter does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from abspose.errors import AbsPoseError
from abspose.geometry.camera import PinholeCameras
from abspose.skeletons import H36M17

if TYPE_CHECKING:
    from abspose.model import AbsPoseLifter
    from abspose.model.predict import Prediction

__all__ = [
    "DETECTOR_LAYOUTS",
    "Lifter",
    "ModelKind",
    "TorchLifter",
    "default_lifter",
    "default_model_kind",
    "default_model_path",
    "default_temporal_path",
    "lift_h36m17",
    "resolve_lifter",
    "stature_interval_ratio",
]

#: Layouts that only detectors produce: their keypoints carry a detector's errors, so
#: ``model=None`` lifts them with the shipped detector model (see :func:`default_model_path`).
DETECTOR_LAYOUTS = frozenset({"coco17", "body25", "body25b", "mediapipe33", "mpii16"})

ModelKind = Literal["clean", "detector"]


def default_model_path(kind: ModelKind = "clean") -> Path:
    """A shipped lifter checkpoint (float16 safetensors inside the package).

    ``"clean"``: trained on exact 2D, for ground-truth-like keypoints (projected motion capture,
    benchmarks' 2D ground truth). ``"detector"``: the same recipe with OpenPose-like 2D errors on
    half of the training samples, for keypoints from a 2D detector (photos, videos, the
    :data:`DETECTOR_LAYOUTS`). docs/results.md measures both.
    """
    if kind not in ("clean", "detector"):
        raise AbsPoseError(f"kind: expected 'clean' or 'detector', got {kind!r}")
    name = "lifter_default.safetensors" if kind == "clean" else "lifter_detector.safetensors"
    return Path(str(resources.files("abspose") / "assets" / name))


def default_temporal_path(causal: bool = False) -> Path:
    """A shipped temporal lifter (:mod:`abspose.model.temporal`, float16 safetensors): the
    symmetric one for files, or the ``causal`` one for live streams. Both were trained with a
    detector's 2D errors (docs/results.md)."""
    name = "lifter_temporal_causal.safetensors" if causal else "lifter_temporal.safetensors"
    return Path(str(resources.files("abspose") / "assets" / name))


def default_model_kind(layout: str) -> ModelKind:
    """The shipped model ``model=None`` means for keypoints of ``layout``."""
    return "detector" if layout in DETECTOR_LAYOUTS else "clean"


@cache
def default_lifter(kind: ModelKind = "clean") -> AbsPoseLifter:
    """The shipped model of ``kind`` (:func:`default_model_path`), loaded once, in eval mode."""
    from abspose.model import load_lifter

    path = default_model_path(kind)
    if not path.is_file():
        raise AbsPoseError(f"the shipped model {path} is missing; reinstall abspose or pass model=")
    return load_lifter(path)


@runtime_checkable
class Lifter(Protocol):
    """What lifts: ``predict((N, 17, 2) H36M-17 keypoints [px], N cameras) -> Prediction``, the
    poses in each camera's frame [mm]. :class:`TorchLifter` and
    :class:`~abspose.model.onnx.OnnxLifter` implement it; :func:`resolve_lifter` gives one."""

    def predict(self, keypoints_px: Any, camera: PinholeCameras) -> Prediction: ...


@dataclass(frozen=True)
class TorchLifter:
    """An :class:`~abspose.model.AbsPoseLifter` network as a :class:`Lifter`.

    The network sees square pixels (:meth:`PinholeCameras.square_pixels`: exact for ``fy != fx``)
    and places the root by Eq. 5-6 (:func:`abspose.model.predict`).
    """

    network: AbsPoseLifter

    @property
    def spread(self) -> Any:
        """The network's depth-spread head, or None."""
        return self.network.spread

    def predict(self, keypoints_px: Any, camera: PinholeCameras) -> Prediction:
        from abspose.model.predict import predict

        square = camera.square_pixels(keypoints_px)
        return predict(self.network, square, camera.principal_px, camera.fx, root_index=H36M17.root_index)


def resolve_lifter(model: Any, kind: ModelKind = "clean") -> Lifter:
    """The :class:`Lifter` that ``model=`` names: None, the shipped model of ``kind``; a
    ``.safetensors`` checkpoint or an :class:`~abspose.model.AbsPoseLifter` (a
    :class:`TorchLifter`); an ``.onnx`` file (an :class:`~abspose.model.onnx.OnnxLifter`); or a
    :class:`Lifter` itself."""
    if model is None:
        return TorchLifter(default_lifter(kind))
    from abspose.model import AbsPoseLifter, load_lifter
    from abspose.model.onnx import OnnxLifter

    if isinstance(model, AbsPoseLifter):
        return TorchLifter(model)
    if isinstance(model, str | Path):
        return OnnxLifter(model) if Path(model).suffix.lower() == ".onnx" else TorchLifter(load_lifter(model))
    if isinstance(model, Lifter):
        return model
    raise AbsPoseError(
        "model: expected None, a checkpoint path (.safetensors or .onnx), an AbsPoseLifter, an "
        f"OnnxLifter or another Lifter, got {type(model).__name__}"
    )


def lift_h36m17(model: Any, keypoints_px: Any, camera: PinholeCameras, flip_test: bool = False) -> Prediction:
    """A :class:`~abspose.model.predict.Prediction` of ``(N, 17, 2)`` H36M-17 keypoints seen by
    ``camera`` (N cameras), by ``model`` (as :func:`resolve_lifter` takes), with the test-time
    flip (:func:`~abspose.model.predict.predict_flip_test`) if asked."""
    from abspose.model.predict import predict_flip_test

    resolved = resolve_lifter(model)
    if not flip_test:
        return resolved.predict(keypoints_px, camera)

    def run(kp: Any, principal: Any, focal: Any) -> Prediction:  # square pixels, principal and fx
        return resolved.predict(kp, PinholeCameras.create(focal, principal))

    square = camera.square_pixels(keypoints_px)
    return predict_flip_test(run, square, camera.principal_px, camera.fx, root_index=H36M17.root_index)


def stature_interval_ratio(model: Any) -> NDArray[np.float64]:
    """``(2,)`` how much a known stature narrows the 68% and 95% intervals (measured on held-out
    people when the model's spread head was fitted); NaN without a head (an ONNX file)."""
    spread = getattr(model, "spread", None)
    if spread is None:
        return np.full(2, np.nan)
    return np.asarray((spread.stature_k / spread.interval_k).double().cpu().numpy())
