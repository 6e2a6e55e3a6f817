"""A temporal lifter: a window of 2D poses to one frame's absolute pose (VideoPose3D-style).

Each frame of the window goes through the same normalization layer as the per-frame lifter
(Eq. 1-4: its own location ``m`` and scale ``σ``), then dilated temporal convolutions
(Pavllo et al., CVPR 2019: kernel 3, dilations 1, 3, 9, ...; receptive field ``3^levels``
frames) give the same 3J-2 outputs for one frame: the canonical root depth ``Z/f`` and the
root-relative pose. The symmetric variant lifts the window's centre frame (for files: it reads
``(rf - 1) / 2`` frames ahead); the causal one lifts its last frame (for live streams: it
reads no future frame). Trained with the paper's loss (Eq. 7, :func:`~abspose.model.loss.lifter_loss`).

>>> import torch
>>> net = TemporalLifter(TemporalConfig(channels=32, levels=2)).eval()
>>> net.config.receptive_field, net.config.target_offset
(9, 4)
>>> out = net(torch.rand(5, 9, 17, 2) * 100 + 300, torch.full((5, 2), 320.0))
>>> tuple(out.depth.shape), tuple(out.joints_rel_mm.shape)
((5,), (5, 17, 3))
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from abspose._safetensors import load_weights, read_checkpoint, write_checkpoint
from abspose.errors import AbsPoseError, ShapeError
from abspose.model.config import LifterConfig
from abspose.model.network import POSE_OUTPUT_MM, LifterOutput, NormalizationLayer, depth_from_logit
from abspose.skeletons import H36M17

__all__ = [
    "TEMPORAL_FORMAT",
    "TemporalConfig",
    "TemporalLifter",
    "lift_sequence",
    "load_temporal",
    "save_temporal",
]

TEMPORAL_FORMAT = "abspose-temporal-v1"


@dataclass(frozen=True)
class TemporalConfig:
    """Architecture and loss of the temporal lifter (stored in its checkpoint).

    Attributes:
        num_joints: J (17 for H36M-17).
        channels: convolution channels (VideoPose3D: 1024).
        levels: dilated blocks after the first convolution + 1: receptive field ``3^levels``
            frames (3: 27 frames, 0.9 s at 30 frames/s).
        dropout: dropout probability (VideoPose3D: 0.25).
        causal: lift the window's last frame (live streams) instead of its centre (files).
        pose_weight, depth_weight_mm, location_norm_px, scale_ref_px: as :class:`LifterConfig`
            (the log depth loss and the canonical depth target).
    """

    num_joints: int = 17
    channels: int = 512
    levels: int = 3
    dropout: float = 0.25
    causal: bool = False
    pose_weight: float = 1.0
    depth_weight_mm: float = 1000.0
    location_norm_px: float = 1000.0
    scale_ref_px: float = 100.0

    def __post_init__(self) -> None:
        if self.num_joints < 2 or self.channels < 1 or self.levels < 1 or not 0.0 <= self.dropout < 1.0:
            raise AbsPoseError(
                "TemporalConfig: expected num_joints >= 2, channels >= 1, levels >= 1, "
                f"0 <= dropout < 1, got {self}"
            )

    @property
    def receptive_field(self) -> int:
        """Frames in one window: ``3^levels``."""
        return int(3**self.levels)

    @property
    def target_offset(self) -> int:
        """Which frame of the window is lifted: the last (causal) or the centre."""
        return self.receptive_field - 1 if self.causal else (self.receptive_field - 1) // 2

    def frame_config(self) -> LifterConfig:
        """The per-frame settings shared with :class:`LifterConfig` (normalization, the loss)."""
        return LifterConfig(
            num_joints=self.num_joints,
            pose_weight=self.pose_weight,
            depth_weight_mm=self.depth_weight_mm,
            location_norm_px=self.location_norm_px,
            scale_ref_px=self.scale_ref_px,
        )

    def to_json(self) -> str:
        """JSON text of the fields."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TemporalConfig:
        """Parse :meth:`to_json` output (unknown or missing fields are errors)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AbsPoseError(f"TemporalConfig: not JSON ({exc})") from exc
        names = {f.name for f in fields(cls)}
        if not isinstance(data, dict) or set(data) != names:
            raise AbsPoseError(f"TemporalConfig: expected fields {sorted(names)}, got {data}")
        return cls(**data)


class _Block(nn.Module):
    """A dilated convolution and a 1x1 one (each BatchNorm, ReLU, Dropout), plus the skip
    connection cut to the frames the output stands for (the end for causal, else the centre)."""

    def __init__(self, channels: int, dilation: int, dropout: float, causal: bool) -> None:
        super().__init__()
        self.cut = 2 * dilation if causal else dilation  # frames the valid convolution drops before
        self.span = 2 * dilation
        self.layers = nn.Sequential(
            nn.Conv1d(channels, channels, 3, dilation=dilation, bias=False), nn.BatchNorm1d(channels),
            nn.ReLU(), nn.Dropout(dropout),
            nn.Conv1d(channels, channels, 1, bias=False), nn.BatchNorm1d(channels),
            nn.ReLU(), nn.Dropout(dropout),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y: torch.Tensor = self.layers(x)
        return x[:, :, self.cut : self.cut + y.shape[2]] + y


class TemporalLifter(nn.Module):
    """normalization per frame -> Conv1d(k 3) -> dilated residual blocks -> Conv1d(1x1, 3J-2).

    ``forward`` takes ``T >= receptive_field`` frames and lifts ``T - rf + 1`` of them (valid
    convolutions): window ``t`` (frames ``t .. t + rf - 1``) gives frame ``t + target_offset``.
    """

    def __init__(self, config: TemporalConfig | None = None) -> None:
        super().__init__()
        self.config = config or TemporalConfig()
        c, frame = self.config, self.config.frame_config()
        self.normalize = NormalizationLayer(frame)
        self.stem = nn.Sequential(
            nn.Conv1d(frame.input_size, c.channels, 3, bias=False), nn.BatchNorm1d(c.channels), nn.ReLU(),
            nn.Dropout(c.dropout),
        )  # fmt: skip
        self.blocks = nn.Sequential(
            *(_Block(c.channels, 3**i, c.dropout, c.causal) for i in range(1, c.levels))
        )
        self.head = nn.Conv1d(c.channels, frame.output_size, 1)
        self.register_buffer(
            "non_root",
            torch.tensor([j for j in range(c.num_joints) if j != H36M17.root_index]),
            persistent=False,
        )

    def forward(self, keypoints_px: torch.Tensor, principal_px: torch.Tensor) -> LifterOutput:
        """``(B, T, J, 2)`` keypoints [px], ``(B, 2)`` principal points -> the lifted frames,
        flattened ``(B * (T - rf + 1),)`` in order (batch major)."""
        B, T, J, _ = keypoints_px.shape
        rf = self.config.receptive_field
        if T < rf or J != self.config.num_joints:
            raise ShapeError(
                f"keypoints: expected (B, T >= {rf}, {self.config.num_joints}, 2), "
                f"got {tuple(keypoints_px.shape)}"
            )
        x = self.normalize(keypoints_px.reshape(B * T, J, 2), principal_px.repeat_interleave(T, 0))
        h = self.blocks(self.stem(x.reshape(B, T, -1).transpose(1, 2)))  # (B, C, T - rf + 1)
        out = self.head(h).transpose(1, 2).reshape(-1, 3 * J - 2)  # (B * (T - rf + 1), 3J-2)
        depth = depth_from_logit(out[:, 0], "canonical")
        rel = out.new_zeros(out.shape[0], J, 3)
        rel[:, self.non_root] = out[:, 1:].reshape(-1, J - 1, 3) * POSE_OUTPUT_MM
        return LifterOutput(depth=depth, joints_rel_mm=rel)


def lift_sequence(
    model: TemporalLifter,
    keypoints_px: NDArray[np.floating[Any]],
    principal_px: NDArray[np.floating[Any]],
    focal_px: float | NDArray[np.floating[Any]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lift every frame of one person's ``(T, 17, 2)`` track seen by one camera.

    The sequence is padded by repeating its first (and, symmetric, its last) frame so every
    frame gets a full window, as VideoPose3D does. Returns ``(T, 17, 3)`` absolute joints in
    camera coordinates [mm] and ``(T,)`` canonical depths ``Z/f``; the root's X, Y from its 2D
    point (Eq. 5-6, ``abspose.geometry.equations``).
    """
    from abspose.geometry import equations as eq

    kp = np.asarray(keypoints_px, dtype=np.float32)
    if kp.ndim != 3 or kp.shape[1:] != (model.config.num_joints, 2) or len(kp) == 0:
        raise ShapeError(f"keypoints_px: expected (T >= 1, {model.config.num_joints}, 2), got {kp.shape}")
    if not np.isfinite(kp).all():
        raise AbsPoseError(
            "keypoints_px: expected finite keypoints in every frame (fill missing joints first)"
        )
    c = model.config
    before = c.target_offset
    after = c.receptive_field - 1 - before
    padded = np.concatenate([np.repeat(kp[:1], before, 0), kp, np.repeat(kp[-1:], after, 0)])
    principal = np.asarray(principal_px, dtype=np.float32).reshape(1, 2)
    with torch.inference_mode():
        out = model(torch.from_numpy(padded)[None], torch.from_numpy(principal))
    canonical = out.depth.double().numpy()  # (T,)
    rel = out.joints_rel_mm.double().numpy()  # (T, 17, 3)
    f = np.broadcast_to(np.asarray(focal_px, dtype=np.float64), canonical.shape)
    root_px = kp[:, H36M17.root_index].astype(np.float64)
    root = eq.root_position(root_px, principal[0].astype(np.float64), canonical, f)
    return rel + root[:, None, :], canonical


def save_temporal(
    path: str | Path, model: TemporalLifter, meta: dict[str, Any] | None = None, *, half: bool = False
) -> Path:
    """Write a temporal lifter (config, weights, JSON ``meta``) as one safetensors file;
    ``half`` stores floating weights as float16 (a shippable model)."""
    state = {k: v.half() if half and v.is_floating_point() else v for k, v in model.state_dict().items()}
    return write_checkpoint(path, TEMPORAL_FORMAT, model.config.to_json(), state, {}, meta or {})


def load_temporal(path: str | Path) -> TemporalLifter:
    """A temporal lifter in eval mode from :func:`save_temporal`'s file (never unpickled)."""
    config, state, _, _ = read_checkpoint(path, TEMPORAL_FORMAT)
    model = TemporalLifter(TemporalConfig.from_json(config))
    load_weights(model, state, path, model.config)
    return model.eval()
