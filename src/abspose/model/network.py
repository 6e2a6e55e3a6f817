"""The AbsPoseLifter network (paper Fig. 3): normalization layer, residual MLP, 3J-2 outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from abspose.geometry import equations as eq
from abspose.model.config import LifterConfig
from abspose.skeletons import H36M17

__all__ = [
    "DIRECT_DEPTH_OUTPUT_MM",
    "LAPLACE_K",
    "POSE_OUTPUT_MM",
    "AbsPoseLifter",
    "DepthSpread",
    "LifterOutput",
    "NormalizationLayer",
    "ResidualBlock",
    "canonical_from_output",
    "depth_from_logit",
]

_MIN_SCALE_PX = 1e-6

#: The network's units, written once. Its pose outputs are metres (the head's targets stay
#: near 1): ``joints_rel_mm = POSE_OUTPUT_MM * o[1:]``.
POSE_OUTPUT_MM = 1000.0
#: Its depth output is ``exp(o[0])``: the canonical depth ``Z/f`` [mm/px] for
#: ``depth_target="canonical"``, or the depth in metres for ``"direct"``, which
#: :func:`depth_from_logit` returns in mm (``DIRECT_DEPTH_OUTPUT_MM * exp(o[0])``).
DIRECT_DEPTH_OUTPUT_MM = 1000.0
#: The depth logit is clamped to this range before ``exp`` (a guard against overflow).
_DEPTH_LOGIT_RANGE = (-10.0, 12.0)


def depth_from_logit(logit: torch.Tensor, depth_target: str) -> torch.Tensor:
    """The ``(B,)`` depth output from the head's ``(B,)`` first value: ``Z/f`` [mm/px]
    (canonical) or ``Z`` [mm] (direct), positive by construction."""
    depth = torch.exp(logit.clamp(*_DEPTH_LOGIT_RANGE))
    return depth * DIRECT_DEPTH_OUTPUT_MM if depth_target == "direct" else depth


def canonical_from_output(depth: Any, depth_target: str, focal_px: Any) -> Any:
    """The canonical depth ``Z/f`` [mm/px] of a ``(B,)`` depth output (:class:`LifterOutput`),
    numpy or torch: itself for the canonical target, ``Z / f`` for the direct one."""
    return depth if depth_target == "canonical" else eq.canonical_depth(depth, focal_px)


#: Half-widths of the 68% and 95% intervals of a Laplace distribution, in units of its scale b:
#: ``P(|x - μ| <= k b) = 1 - exp(-k)``, so ``k = -ln(1 - p)``.
LAPLACE_K = (1.1394342831883648, 2.995732273553991)


class NormalizationLayer(nn.Module):
    """Eq. 1-4 as the network's first layer: raw pixels and principal point in, features out.

    Output: ``(B, 2J [+2] [+1])`` = normalized pose, ``m / location_norm_px``,
    ``log(σ / scale_ref_px)``, as the config selects.
    """

    def __init__(self, config: LifterConfig) -> None:
        super().__init__()
        self.config = config

    def forward(self, keypoints_px: torch.Tensor, principal_px: torch.Tensor) -> torch.Tensor:
        """``(B, J, 2)`` keypoints and ``(B, 2)`` principal point [px] to ``(B, input_size)``."""
        # Eq. 1-4 (abspose.geometry.equations): the principal point enters the location only.
        # Few tensor ops: this layer is also the ONNX graph's (each op costs at batch 1).
        pose, location, s = eq.normalization(keypoints_px, principal_px, _MIN_SCALE_PX)
        parts = [pose.flatten(1)]  # (B, 2J)
        if self.config.use_location:
            parts.append(location / self.config.location_norm_px)  # (B, 2)
        if self.config.use_scale:
            parts.append(torch.log(s / self.config.scale_ref_px)[:, None])  # (B, 1)
        return torch.cat(parts, dim=1)


class ResidualBlock(nn.Module):
    """Martinez et al.: twice (Linear, BatchNorm, ReLU, Dropout), plus the skip connection."""

    def __init__(self, width: int, dropout: float) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Dropout(dropout),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = x + self.layers(x)
        return result


class DepthSpread(nn.Module):
    """How far the depth output may be off: ``log b`` of a Laplace distribution of
    ``log(Z/f)`` about the prediction, from the last hidden features.

    The features enter detached: training this head never moves the pose or the depth. The
    buffer ``interval_k`` holds the 68% and 95% half-widths in units of ``b``, :data:`LAPLACE_K`
    until :func:`abspose.model.uncertainty.fit_depth_spread` calibrates them on held-out people;
    ``stature_k`` the same once a known stature has fixed the scale (measured there too; NaN
    until then): what is left of the error then follows the same ``b``, smaller.
    """

    interval_k: torch.Tensor
    stature_k: torch.Tensor

    def __init__(self, width: int, hidden: int) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(width + 1, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        self.register_buffer("interval_k", torch.tensor(LAPLACE_K, dtype=torch.float32))
        self.register_buffer("stature_k", torch.full((2,), float("nan")))

    def forward(self, features: torch.Tensor, focal_px: torch.Tensor) -> torch.Tensor:
        """``(B, width)`` features and ``(B,)`` focal lengths [px] to ``(B,)`` ``log b`` (b: a
        relative depth error, 0.05 = 5%). The focal length enters as ``log(f / 1000 px)``: the
        network itself never sees it, but a wide or a long lens changes how far it is off."""
        x = torch.cat([features.detach(), torch.log(focal_px / 1000.0)[:, None].to(features.dtype)], dim=1)
        result: torch.Tensor = self.layers(x)[:, 0].clamp(-8.0, 2.0)
        return result


@dataclass(frozen=True)
class LifterOutput:
    """Network output for a batch.

    Attributes:
        depth: ``(B,)`` canonical root depth ``Z/f`` [mm/px], or the root depth Z [mm] for
            ``depth_target="direct"``.
        joints_rel_mm: ``(B, J, 3)`` root-relative pose in camera axes [mm], root row zero.
        log_spread: ``(B,)`` ``log b`` of the depth's Laplace spread on ``log(Z/f)``
            (:class:`DepthSpread`), or None for a network without the head.
    """

    depth: torch.Tensor
    joints_rel_mm: torch.Tensor
    log_spread: torch.Tensor | None = None


class AbsPoseLifter(nn.Module):
    """normalization → Linear(2J+3, width) → residual blocks → Linear(width, 3J-2).

    The depth output is ``exp(o)`` (:func:`depth_from_logit`): positive by construction, and
    linear in ``log σ``. The pose output is in metres inside the network and returned in
    millimetres (:data:`POSE_OUTPUT_MM`).
    """

    def __init__(self, config: LifterConfig | None = None) -> None:
        super().__init__()
        self.config = config or LifterConfig()
        c = self.config
        self.normalize = NormalizationLayer(c)
        self.stem = nn.Sequential(
            nn.Linear(c.input_size, c.width), nn.BatchNorm1d(c.width), nn.ReLU(), nn.Dropout(c.dropout)
        )
        self.blocks = nn.Sequential(*(ResidualBlock(c.width, c.dropout) for _ in range(c.num_blocks)))
        self.head = nn.Linear(c.width, c.output_size)
        self.spread: DepthSpread | None = DepthSpread(c.width, c.spread_width) if c.spread_width else None
        root = H36M17.root_index if c.num_joints == H36M17.num_joints else 0
        self.register_buffer(
            "non_root", torch.tensor([j for j in range(c.num_joints) if j != root]), persistent=False
        )

    def forward(
        self, keypoints_px: torch.Tensor, principal_px: torch.Tensor, focal_px: torch.Tensor | None = None
    ) -> LifterOutput:
        """``(B, J, 2)`` pixel keypoints, ``(B, 2)`` principal point → :class:`LifterOutput`;
        with the ``(B,)`` focal lengths [px], also the depth spread (when the network has the head)."""
        x = self.normalize(keypoints_px, principal_px)  # (B, 2J+3)
        h = self.blocks(self.stem(x))  # (B, width)
        out = self.head(h)  # (B, 3J-2)
        depth = depth_from_logit(out[:, 0], self.config.depth_target)
        rel = out.new_zeros(out.shape[0], self.config.num_joints, 3)  # (B, J, 3)
        rel[:, self.non_root] = out[:, 1:].reshape(-1, self.config.num_joints - 1, 3) * POSE_OUTPUT_MM
        log_spread = self.spread(h, focal_px) if self.spread is not None and focal_px is not None else None
        return LifterOutput(depth=depth, joints_rel_mm=rel, log_spread=log_spread)
