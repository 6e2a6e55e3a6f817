"""safetensors files with a format name and JSON metadata: written atomically, never unpickled."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from abspose._files import atomic_path
from abspose.errors import DataError


def write_tensors(path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> Path:
    """Write ``tensors`` (made contiguous, on the CPU) and string ``metadata`` atomically."""
    flat = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    with atomic_path(path) as tmp:
        save_file(flat, tmp, metadata=metadata)
    return Path(path)


def read_tensors(path: str | Path, fmt: str) -> tuple[dict[str, str], dict[str, torch.Tensor]]:
    """The metadata and tensors of a file whose ``format`` metadata is ``fmt``.

    Raises:
        DataError: missing, truncated or foreign file (a pickle is refused, never loaded).
    """
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such checkpoint")
    try:
        with safe_open(str(path), framework="pt") as f:
            header = f.metadata() or {}
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise DataError(
            f"{path}: not a readable safetensors checkpoint ({exc}); abspose never loads pickled "
            "(.pt/.pth) files: convert them with safetensors.torch.save_file, or retrain"
        ) from exc
    if header.get("format") != fmt:
        raise DataError(f"{path}: expected an {fmt} checkpoint, got format {header.get('format')!r}")
    return header, tensors


def optimizer_tensors(opt: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    """An optimizer's per-parameter state as flat tensors ``"<param index>.<name>"``."""
    out = {}
    for i, state in opt.state_dict()["state"].items():
        for k, v in state.items():
            out[f"{i}.{k}"] = v if torch.is_tensor(v) else torch.tensor(v)
    return out


def load_optimizer_tensors(opt: torch.optim.Optimizer, tensors: dict[str, torch.Tensor]) -> None:
    """Restore what :func:`optimizer_tensors` flattened."""
    sd = opt.state_dict()
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, v in tensors.items():
        i, name = key.split(".", 1)
        state.setdefault(int(i), {})[name] = v
    sd["state"] = state
    opt.load_state_dict(sd)
