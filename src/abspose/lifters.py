"""Which lifter runs: the shipped models, a checkpoint or an ONNX file, one call for any of them.

A *lifter* here is an :class:`~abspose.model.AbsPoseLifter` (torch) or an
:class:`~abspose.model.onnx.OnnxLifter` (ONNX Runtime). :func:`resolve_lifter` turns what a
user passes as ``model=`` into one, and :func:`lift_h36m17` runs either on H36M-17 keypoints.
Importing this module does not import torch; resolving a lifter does.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17

if TYPE_CHECKING:
    from abspose.model import AbsPoseLifter
    from abspose.model.onnx import OnnxLifter
    from abspose.model.predict import Prediction

__all__ = [
    "DETECTOR_LAYOUTS",
    "ModelKind",
    "default_lifter",
    "default_model_kind",
    "default_model_path",
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


def resolve_lifter(model: Any, kind: ModelKind = "clean") -> AbsPoseLifter | OnnxLifter:
    """An :class:`AbsPoseLifter` or an :class:`~abspose.model.onnx.OnnxLifter` (``.onnx`` path);
    ``None``: the shipped model of ``kind``."""
    if model is None:
        return default_lifter(kind)
    from abspose.model import AbsPoseLifter, load_lifter
    from abspose.model.onnx import OnnxLifter

    if isinstance(model, AbsPoseLifter | OnnxLifter):
        return model
    if isinstance(model, str | Path):
        return OnnxLifter(model) if Path(model).suffix.lower() == ".onnx" else load_lifter(model)
    raise AbsPoseError(
        "model: expected None, a checkpoint path (.safetensors or .onnx), an AbsPoseLifter or an "
        f"OnnxLifter, got {type(model).__name__}"
    )


def lift_h36m17(
    model: Any, keypoints_px: Any, principal_px: Any, focal_px: Any, flip_test: bool = False
) -> Prediction:
    """A :class:`~abspose.model.predict.Prediction` of ``(N, 17, 2)`` H36M-17 keypoints by
    ``model`` (as :func:`resolve_lifter` takes), with the test-time flip if asked."""
    from abspose.model.onnx import OnnxLifter
    from abspose.model.predict import predict, predict_flip_test

    resolved = resolve_lifter(model)

    def run(kp: Any, principal: Any, focal: Any) -> Prediction:
        if isinstance(resolved, OnnxLifter):  # the graph holds Eq. 5-6 for the pelvis root
            return resolved.predict(kp, principal, focal)
        return predict(resolved, kp, principal, focal, root_index=H36M17.root_index)

    if flip_test:
        return predict_flip_test(run, keypoints_px, principal_px, focal_px, root_index=H36M17.root_index)
    return run(keypoints_px, principal_px, focal_px)


def stature_interval_ratio(model: Any) -> NDArray[np.float64]:
    """``(2,)`` how much a known stature narrows the 68% and 95% intervals (measured on held-out
    people when the model's spread head was fitted); NaN without a head (an ONNX file)."""
    spread = getattr(model, "spread", None)
    if spread is None:
        return np.full(2, np.nan)
    return np.asarray((spread.stature_k / spread.interval_k).double().cpu().numpy())
