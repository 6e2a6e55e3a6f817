"""safetensors files with a format name and JSON metadata: written atomically, never unpickled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic in (b"PK", b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05"):
        raise DataError(
            f"{path}: a pickled (torch.save) file; abspose never loads pickles, which can run code. "
            "Convert the weights once with safetensors.torch.save_file(state_dict, ...), or retrain"
        )
    try:
        with safe_open(str(path), framework="pt") as f:
            header = f.metadata() or {}
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise DataError(
            f"{path}: not a readable safetensors checkpoint ({exc}); expected a .safetensors file "
            "written by abspose (a truncated copy? copy it again)"
        ) from exc
    if header.get("format") != fmt:
        raise DataError(f"{path}: expected an {fmt} checkpoint, got format {header.get('format')!r}")
    return header, tensors


#: Matrices with a side shorter than this stay float16: the network's input and output layers
#: (37 and 49 wide) carry the depth cue and cost little; int8 there cost 0.4 mm MPJPE.
_INT8_MIN_SIDE = 512


def quantize_int8(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-row int8: ``weight (R, C) ≈ q (R, C) * scale (R, 1)``, ``|q| <= 127``.

    Each row (a Linear layer's output unit) gets its own step ``max |row| / 127``, so the
    rounding error of an entry is at most half a step of its own row.
    """
    w = weight.detach().float()
    scale = (w.abs().amax(dim=1, keepdim=True) / 127.0).clamp_min(1e-12)
    q = torch.round(w / scale).clamp_(-127, 127).to(torch.int8)
    return q, scale


def write_checkpoint(
    path: str | Path,
    fmt: str,
    config_json: str,
    model_state: dict[str, torch.Tensor],
    optimizer_state: dict[str, torch.Tensor],
    meta: dict[str, Any],
    *,
    int8: bool = False,
) -> Path:
    """The checkpoint layout of the lifter and the 2D estimator: ``model.*`` and ``optim.*``
    tensors; the format name, the config (JSON) and JSON extras in the header.

    ``int8`` stores each floating matrix at least 512 by 512 as ``q8.<name>`` (int8) and
    ``q8scale.<name>`` (its per-row float32 steps, :func:`quantize_int8`), the other floating
    tensors as float16.
    """
    tensors: dict[str, torch.Tensor] = {}
    for k, v in model_state.items():
        if int8 and v.is_floating_point() and v.ndim == 2 and min(v.shape) >= _INT8_MIN_SIDE:
            tensors[f"q8.{k}"], tensors[f"q8scale.{k}"] = quantize_int8(v)
        else:
            tensors[f"model.{k}"] = v.half() if int8 and v.is_floating_point() else v
    tensors.update({f"optim.{k}": v for k, v in optimizer_state.items()})
    return write_tensors(path, tensors, {"format": fmt, "config": config_json, "meta": json.dumps(meta)})


def read_checkpoint(
    path: str | Path, fmt: str
) -> tuple[str, dict[str, torch.Tensor], dict[str, torch.Tensor], dict[str, Any]]:
    """What :func:`write_checkpoint` wrote: config JSON, weights (float16 and int8 ones back as
    float32), optimizer tensors and extras."""
    header, tensors = read_tensors(path, fmt)
    model = {
        k[6:]: (v.float() if v.is_floating_point() else v)
        for k, v in tensors.items()
        if k.startswith("model.")
    }
    for k, q in tensors.items():
        if k.startswith("q8."):
            scale = tensors.get(f"q8scale.{k[3:]}")
            if scale is None or q.dtype != torch.int8 or scale.shape != (q.shape[0], 1):
                raise DataError(
                    f"{path}: int8 weights {k[3:]!r} without a matching (rows, 1) q8scale tensor; "
                    "the file was edited or cut short: copy it again or re-release the model"
                )
            model[k[3:]] = q.float() * scale.float()
    optim = {k[6:]: v for k, v in tensors.items() if k.startswith("optim.")}
    return header["config"], model, optim, json.loads(header.get("meta", "{}"))


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


def load_weights(
    module: torch.nn.Module, state: dict[str, torch.Tensor], path: str | Path, config: object
) -> None:
    """``module.load_state_dict(state)``, with a one-line error naming the first mismatch."""
    own = module.state_dict()
    missing = [k for k in own if k not in state]
    extra = [k for k in state if k not in own]
    shapes = [k for k in own if k in state and state[k].shape != own[k].shape]
    if missing or extra or shapes:
        if shapes:
            k = shapes[0]
            what = f"{k} is {list(state[k].shape)} in the file, {list(own[k].shape)} for the config"
        else:
            what = f"missing {missing[:2]}, unexpected {extra[:2]}"
        raise DataError(
            f"{path}: the weights do not fit the config stored with them ({what}; "
            f"{len(missing) + len(extra) + len(shapes)} tensors differ); config: {config}. "
            "The file was edited or written by another abspose version: retrain or re-export it"
        )
    module.load_state_dict(state)
