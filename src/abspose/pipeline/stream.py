"""Lift keypoint arrays larger than memory: ``.npy`` in, ``.npy`` out, a chunk at a time.

The input is memory-mapped and read one chunk of poses at a time; the output is a
memory-mapped ``.npy`` written beside the target and renamed when complete, so memory stays
constant whatever the file size and an interrupted run leaves no half-written result.

>>> import numpy as np, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> kp = np.random.default_rng(0).normal(0, 80, (1000, 17, 2)) + 500
>>> np.save(d / "kp.npy", kp)
>>> n = lift_npy(d / "kp.npy", d / "joints.npy", focal_px=1000.0, image_size=(1000, 1000), chunk=256)
>>> n, np.load(d / "joints.npy").shape
(1000, (1000, 17, 3))
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from abspose._files import atomic_path
from abspose.errors import AbsPoseError, DataError

__all__ = ["lift_npy"]


def _in_file(message: str, start: int) -> str:
    """A chunk's error message with its pose indices made indices into the whole file."""
    return re.sub(r"\bpose (\d+)\b", lambda m: f"pose {start + int(m.group(1))}", message)


def lift_npy(
    src: str | Path,
    dst: str | Path,
    *,
    chunk: int = 65536,
    on_chunk: Callable[[int, int], None] | None = None,
    **lift_kwargs: Any,
) -> int:
    """Lift the ``(N, J, 2)`` (or ``(N, J, 3)`` with confidences) keypoints of ``src`` to
    ``dst``, ``(N, 17, 3)`` float32 absolute joints in the camera frame [mm].

    Args:
        src: a ``.npy`` file [px], in the layout given by ``layout=`` (default H36M-17).
        dst: the ``.npy`` to write.
        chunk: poses per chunk (memory use is proportional to it, not to N).
        on_chunk: called with (poses done, total) after each chunk (progress bars).
        lift_kwargs: passed to :func:`abspose.lift` (``focal_px``, ``image_size``, ``model``...);
            per-pose arrays are not accepted here, scalars and single points are.

    Returns:
        N, the number of poses lifted.
    """
    from abspose.api import lift
    from abspose.lifters import default_model_kind, resolve_lifter

    src, dst = Path(src), Path(dst)
    if src.suffix.lower() != ".npy" or dst.suffix.lower() != ".npy":
        raise DataError(f"{src} -> {dst}: streaming needs a .npy input and a .npy output")
    if chunk < 1:
        raise DataError(f"chunk: expected >= 1 poses, got {chunk}")
    try:
        keypoints = np.load(src, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise DataError(f"{src}: not a plain numeric .npy array ({exc})") from exc
    if keypoints.ndim != 3 or keypoints.shape[-1] not in (2, 3) or len(keypoints) == 0:
        raise DataError(f"{src}: expected (N, J, 2) or (N, J, 3) keypoints, got {keypoints.shape}")
    kind = default_model_kind(str(lift_kwargs.get("layout", "h36m17")))
    lift_kwargs["model"] = resolve_lifter(lift_kwargs.get("model"), kind)  # loaded once, not per chunk
    n = len(keypoints)
    with atomic_path(dst) as tmp:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(n, 17, 3))
        for start in range(0, n, chunk):
            block = np.asarray(keypoints[start : start + chunk], dtype=np.float64)
            conf = block[..., 2] if block.shape[-1] == 3 else None
            try:
                result = lift(block[..., :2], confidences=conf, **lift_kwargs)
            except AbsPoseError as exc:
                raise type(exc)(f"{src}: {_in_file(str(exc), start)}") from None
            out[start : start + len(block)] = result.joints_cam_mm
            if on_chunk is not None:
                on_chunk(start + len(block), n)
        out.flush()
        del out
    return n
