"""Checkpoints: one safetensors file (weights, optimizer state) with JSON metadata.

Never unpickled: safetensors holds only tensors and a string-to-string header. Writes go to a
temporary file in the same folder, then ``os.replace``: a checkpoint is whole or absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from abspose._safetensors import load_weights, read_checkpoint, write_checkpoint
from abspose.model.config import LifterConfig
from abspose.model.network import AbsPoseLifter

__all__ = ["FORMAT", "Checkpoint", "load_checkpoint", "load_lifter", "save_checkpoint"]

FORMAT = "abspose-lifter-v1"


@dataclass
class Checkpoint:
    """What a checkpoint file holds.

    Attributes:
        config: the network's :class:`LifterConfig`.
        model_state: the network's state dict.
        optimizer_state: flat tensors of the optimizer state (empty for a released model).
        meta: JSON-able extras: epoch, training config, history, validation numbers.
    """

    config: LifterConfig
    model_state: dict[str, torch.Tensor]
    optimizer_state: dict[str, torch.Tensor] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def save_checkpoint(path: str | Path, ckpt: Checkpoint, *, half: bool = False, int8: bool = False) -> Path:
    """Write ``ckpt`` atomically; ``half`` stores floating weights as float16, ``int8`` stores the
    large matrices as int8 with per-row steps (a quarter of float32, half of float16; the rest
    float16). Both are read back as float32 by :func:`load_checkpoint`."""
    model = {k: v.half() if half and v.is_floating_point() else v for k, v in ckpt.model_state.items()}
    return write_checkpoint(
        path, FORMAT, ckpt.config.to_json(), model, ckpt.optimizer_state, ckpt.meta, int8=int8
    )


def load_checkpoint(path: str | Path) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint` (float16, int8 weights come back float32).

    Raises:
        DataError: missing, truncated or foreign file (a pickle is refused, never loaded).
    """
    config, model, optim, meta = read_checkpoint(path, FORMAT)
    return Checkpoint(LifterConfig.from_json(config), model, optim, meta)


def load_lifter(path: str | Path) -> AbsPoseLifter:
    """A network in eval mode from a checkpoint; its weights must match its config."""
    ckpt = load_checkpoint(path)
    model = AbsPoseLifter(ckpt.config)
    load_weights(model, ckpt.model_state, path, ckpt.config)
    return model.eval()
