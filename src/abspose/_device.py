"""The torch device a training runs on."""

from __future__ import annotations

import torch

from abspose.errors import AbsPoseError

__all__ = ["resolve_device"]


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
