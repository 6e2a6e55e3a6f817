"""The torch device a training runs on."""

from __future__ import annotations

import os

import torch

from abspose.errors import AbsPoseError

__all__ = ["busy_cores", "resolve_device"]


def resolve_device(name: str | torch.device) -> torch.device:
    """``"auto"`` (CUDA when available, else the CPU), ``"cpu"``, ``"cuda"``, ``"cuda:1"`` ...

    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if isinstance(name, torch.device):
        device = name
    elif name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        try:
            device = torch.device(name)
        except RuntimeError as exc:
            raise AbsPoseError(f"device: expected auto, cpu, cuda or cuda:N, got {name!r}") from exc
    if device.type == "cuda" and not torch.cuda.is_available():
        raise AbsPoseError(f"device {name!r}: CUDA is not available on this machine; use 'auto' or 'cpu'")
    return device


#: The command-line help of every ``--device`` option.
DEVICE_HELP = "auto (CUDA if present), cpu, cuda, cuda:1 ..."


def busy_cores() -> tuple[float, int] | None:
    """``(1-minute load, cores)`` when other work already keeps most cores busy, else None.
    Processes sharing the cores slow PyTorch's CPU threads by up to 10x (docs/reproduce.md),
    which a probe of a few steps cannot see."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this platform
        return None
    cores = os.cpu_count() or 1
    return (load, cores) if load > 0.75 * cores else None
