"""The AbsPoseLifter network (paper Fig. 3): normalization layer, residual MLP, 3J-2 outputs."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from abspose.model.config import LifterConfig
from abspose.skeletons import H36M17

__all__ = ["AbsPoseLifter", "LifterOutput", "NormalizationLayer", "ResidualBlock"]

_MIN_SCALE_PX = 1e-6


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
        # Eq. 1-2: p - m = kp - mean(kp), the principal point cancels; it enters m only. Written
        # with few tensor ops: this layer is also the ONNX graph's (about 3 µs per op at batch 1).
        mean = keypoints_px.mean(1, keepdim=True)  # (B, 1, 2) = m + principal
        centred = keypoints_px - mean  # (B, J, 2)
        variance = (centred * centred).sum(-1).mean(-1, keepdim=True)  # (B, 1)
        s = torch.sqrt(variance).clamp_min(_MIN_SCALE_PX)  # (B, 1) Eq. 3
        parts = [(centred / s[:, :, None]).flatten(1)]  # (B, 2J) Eq. 4
        if self.config.use_location:
            parts.append((mean[:, 0] - principal_px) / self.config.location_norm_px)
        if self.config.use_scale:
            parts.append(torch.log(s / self.config.scale_ref_px))
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
        return x + self.layers(x)


@dataclass(frozen=True)
class LifterOutput:
    """Network output for a batch.

    Attributes:
        depth: ``(B,)`` canonical root depth ``Z/f`` [mm/px], or the root depth Z [mm] for
            ``depth_target="direct"``.
        joints_rel_mm: ``(B, J, 3)`` root-relative pose in camera axes [mm], root row zero.
    """

    depth: torch.Tensor
    joints_rel_mm: torch.Tensor


class AbsPoseLifter(nn.Module):
    """normalization → Linear(2J+3, width) → residual blocks → Linear(width, 3J-2).

    The depth output is ``exp(o)``: positive by construction, and linear in ``log σ``.
    The pose output is in metres inside the network and returned in millimetres.
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
        root = H36M17.root_index if c.num_joints == H36M17.num_joints else 0
        self.register_buffer(
            "non_root", torch.tensor([j for j in range(c.num_joints) if j != root]), persistent=False
        )

    def forward(self, keypoints_px: torch.Tensor, principal_px: torch.Tensor) -> LifterOutput:
        """``(B, J, 2)`` pixel keypoints, ``(B, 2)`` principal point → :class:`LifterOutput`."""
        x = self.normalize(keypoints_px, principal_px)  # (B, 2J+3)
        h = self.blocks(self.stem(x))  # (B, width)
        out = self.head(h)  # (B, 3J-2)
        depth = torch.exp(out[:, 0].clamp(-10.0, 12.0))
        if self.config.depth_target == "direct":
            depth = depth * 1000.0  # exp(o) in metres -> mm
        rel = out.new_zeros(out.shape[0], self.config.num_joints, 3)  # (B, J, 3)
        rel[:, self.non_root] = out[:, 1:].reshape(-1, self.config.num_joints - 1, 3) * 1000.0
        return LifterOutput(depth=depth, joints_rel_mm=rel)
