"""Per-joint 2D error model: a Gaussian plus a uniform outlier box (paper Sec. 4.2).

For joint ``j`` the error ``e = keypoint_detected - keypoint_true`` has density

    p(e) = γ_j N(e; μ_j, diag(σ_xj², σ_yj²)) + (1 - γ_j) / v,    v = (2 h)²

with ``h`` the half-width of the uniform box. A single-Gaussian model is the same with γ = 1.

**Units.** Errors are stored divided by the person's 2D scale ``σ_pose`` (the RMS spread of
the true keypoints about their mean, Eq. 3, in px), so a model fitted on people 300 px tall
applies to people 60 px or 900 px tall: detector errors grow with the person's size in the
image (a wrist is mislocated by a fraction of a forearm, not by a fixed number of pixels).
The paper works at one image scale with ``h = 50 px``; a standing person of Human3.6M's
images has ``σ_pose ≈ 100 px``, hence the default ``h = 0.5``. To turn a sample into pixels,
multiply by the pose's ``σ_pose``: :meth:`ErrorModel.sample_px`.

>>> import numpy as np
>>> m = ErrorModel.gaussian_only(("a", "b"), mean=np.zeros((2, 2)), std=np.full((2, 2), 0.05))
>>> m.sample(1000, np.random.default_rng(0)).shape
(1000, 2, 2)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array
from abspose._files import write_text_atomic
from abspose.errors import AbsPoseError, DataError, ShapeError

__all__ = ["DEFAULT_HALF_WIDTH", "SHIPPED_ERROR_MODELS", "ErrorModel", "load_error_model"]

#: Default half-width of the uniform outlier box, in units of the pose scale σ_pose (the
#: paper's ±50 px for people of σ_pose ≈ 100 px).
DEFAULT_HALF_WIDTH = 0.5

_FORMAT = "abspose-error-model/1"

#: Error models shipped in the package (``abspose/assets/noise/``), measured by
#: leave-one-view-out on Pose2Sim's demo capture (frames 1-50, all 4 views) and made by
#: ``abspose noise pose2sim`` (see docs/noise.md): OpenPose BODY_25B (pose2sim 0.3.6's
#: detections) and MediaPipe BlazePose (abspose's backend run on pose2sim 0.10.49's videos).
SHIPPED_ERROR_MODELS = {
    "openpose-mixture": "openpose_body25b_mixture.json",
    "openpose-gaussian": "openpose_body25b_gaussian.json",
    "mediapipe-mixture": "mediapipe33_mixture.json",
    "mediapipe-gaussian": "mediapipe33_gaussian.json",
}


@dataclass(frozen=True)
class ErrorModel:
    """A fitted per-joint error model, errors in units of the pose scale ``σ_pose``.

    Attributes:
        joint_names: the J joints, in array order.
        gamma: ``(J,)`` weight of the Gaussian (1 for a single-Gaussian model).
        mean: ``(J, 2)`` Gaussian mean [σ_pose].
        std: ``(J, 2)`` Gaussian standard deviation per axis [σ_pose].
        half_width: half-width ``h`` of the uniform outlier box [σ_pose].
        provenance: where the errors came from (detector, data, split, command).
    """

    joint_names: tuple[str, ...]
    gamma: NDArray[np.float64]
    mean: NDArray[np.float64]
    std: NDArray[np.float64]
    half_width: float = DEFAULT_HALF_WIDTH
    provenance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        j = len(self.joint_names)
        for name, value, shape in (
            ("gamma", self.gamma, (j,)),
            ("mean", self.mean, (j, 2)),
            ("std", self.std, (j, 2)),
        ):
            arr = as_float_array(value, name)
            if arr.shape != shape:
                raise ShapeError(f"ErrorModel.{name}: expected shape {shape}, got {arr.shape}")
            if not np.isfinite(arr).all():
                raise AbsPoseError(f"ErrorModel.{name}: expected finite values")
            object.__setattr__(self, name, arr)
        if ((self.gamma < 0) | (self.gamma > 1)).any() or (self.std <= 0).any() or not self.half_width > 0:
            raise AbsPoseError("ErrorModel: expected 0 <= gamma <= 1, std > 0 and half_width > 0")

    @classmethod
    def gaussian_only(
        cls, joint_names: tuple[str, ...], mean: Any, std: Any, provenance: dict[str, Any] | None = None
    ) -> ErrorModel:
        """A single-Gaussian model (γ = 1)."""
        return cls(tuple(joint_names), np.ones(len(joint_names)), mean, std, provenance=provenance or {})

    @property
    def num_joints(self) -> int:
        return len(self.joint_names)

    @property
    def is_mixture(self) -> bool:
        return bool((self.gamma < 1).any())

    def log_density(self, errors: Any) -> NDArray[np.float64]:
        """``(N, J)`` log density of ``(N, J, 2)`` errors [σ_pose] under each joint's model."""
        e = as_float_array(errors, "errors")
        if e.shape[-2:] != (self.num_joints, 2):
            raise ShapeError(f"errors: expected shape (N, {self.num_joints}, 2), got {e.shape}")
        return _log_mixture(e, self.gamma, self.mean, self.std, self.half_width)

    def sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """``(n, J, 2)`` errors [σ_pose]: Gaussian with probability γ, else uniform in the box."""
        shape = (n, self.num_joints, 2)
        gauss = self.mean + self.std * rng.standard_normal(shape)
        if not self.is_mixture:
            return gauss
        outlier = rng.random((n, self.num_joints)) >= self.gamma  # (n, J)
        box = rng.uniform(-self.half_width, self.half_width, shape)
        return np.where(outlier[..., None], box, gauss)

    def sample_px(self, scale_px: Any, rng: np.random.Generator) -> NDArray[np.float64]:
        """``(N, J, 2)`` pixel errors for N poses of scale ``σ_pose`` ``(N,)`` [px]."""
        s = as_float_array(scale_px, "scale_px").reshape(-1)
        return self.sample(len(s), rng) * s[:, None, None]

    # ---------------------------------------------------------------- file format
    def to_json(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                "units": "errors / sigma_pose (RMS spread of the true 2D pose, Eq. 3)",
                "joint_names": list(self.joint_names),
                "gamma": self.gamma.tolist(),
                "mean": self.mean.tolist(),
                "std": self.std.tolist(),
                "half_width": self.half_width,
                "provenance": self.provenance,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> ErrorModel:
        try:
            doc = json.loads(text)
            if doc.get("format") != _FORMAT:
                raise DataError(f"expected format {_FORMAT!r}, got {doc.get('format')!r}")
            return cls(
                tuple(doc["joint_names"]),
                np.asarray(doc["gamma"], dtype=np.float64),
                np.asarray(doc["mean"], dtype=np.float64),
                np.asarray(doc["std"], dtype=np.float64),
                float(doc["half_width"]),
                dict(doc.get("provenance", {})),
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(
                f"not an abspose error model ({exc}); make one with `abspose fit-errors`"
            ) from exc

    def save(self, path: str | Path) -> Path:
        """Write the model as JSON, atomically."""
        return write_text_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> ErrorModel:
        path = Path(path)
        if not path.is_file():
            raise DataError(f"error model {path} not found; make one with `abspose fit-errors`")
        try:
            return cls.from_json(path.read_text())
        except DataError as exc:
            raise DataError(f"{path}: {exc}") from None


def _log_mixture(
    e: NDArray[np.float64],
    gamma: NDArray[np.float64],
    mean: NDArray[np.float64],
    std: NDArray[np.float64],
    half_width: float,
) -> NDArray[np.float64]:
    """``(N, J)`` log of ``γ N(e; μ, diag σ²) + (1-γ)/v`` for ``(N, J, 2)`` errors."""
    z = (e - mean) / std
    log_gauss = -0.5 * (z * z).sum(-1) - np.log(2.0 * math.pi * std.prod(-1))  # (N, J)
    log_v = 2.0 * math.log(2.0 * half_width)
    with np.errstate(divide="ignore"):
        a = np.log(gamma) + log_gauss
        b = np.log1p(-gamma) - log_v + np.zeros_like(a)
    result: NDArray[np.float64] = np.logaddexp(a, b)
    return result


def load_error_model(name_or_path: str | Path) -> ErrorModel:
    """A shipped error model by name (:data:`SHIPPED_ERROR_MODELS`) or one from a JSON file."""
    if str(name_or_path) in SHIPPED_ERROR_MODELS:
        from importlib import resources

        asset = resources.files("abspose") / "assets" / "noise" / SHIPPED_ERROR_MODELS[str(name_or_path)]
        return ErrorModel.load(Path(str(asset)))
    path = Path(name_or_path)
    if not path.suffix == ".json":
        raise DataError(
            f"error model {name_or_path!r}: expected one of {sorted(SHIPPED_ERROR_MODELS)} or a .json file"
        )
    return ErrorModel.load(path)
