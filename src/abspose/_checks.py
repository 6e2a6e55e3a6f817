"""One place for input checks on arrays: messages say "expected ..., got ...".

Private helpers; public functions call these and let :class:`~abspose.errors.ShapeError` out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.errors import AbsPoseError, ShapeError


def as_float_array(x: Any, name: str) -> NDArray[np.float64]:
    """Convert numpy arrays, torch tensors and nested lists to a float64 numpy array."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # torch.Tensor without importing torch
        x = x.detach().cpu().numpy()
    if np.iscomplexobj(x):  # np.asarray(float) would drop the imaginary part with a mere warning
        raise ShapeError(f"{name}: expected real numbers, got complex values")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ShapeError(f"{name}: expected a numeric array, got {type(x).__name__} ({exc})") from exc
    return arr


def check_points(
    x: Any,
    name: str,
    *,
    dim: int,
    joints: int | None = None,
    finite: bool = True,
    min_ndim: int = 2,
) -> NDArray[np.float64]:
    """Check an array of points shaped ``(..., J, dim)`` and return it as float64.

    Args:
        x: array-like ``(..., J, dim)``.
        name: argument name used in messages.
        dim: size of the last axis (2 for pixels, 3 for millimetres).
        joints: required J, or None for any.
        finite: reject NaN and inf.
        min_ndim: the fewest axes accepted (2 means a single pose ``(J, dim)`` is fine).
    """
    arr = as_float_array(x, name)
    expected = f"(..., {joints if joints is not None else 'J'}, {dim})"
    if arr.ndim < min_ndim or arr.shape[-1] != dim:
        raise ShapeError(f"{name}: expected shape {expected}, got {arr.shape}")
    if joints is not None and arr.shape[-2] != joints:
        raise ShapeError(
            f"{name}: expected shape {expected} ({joints} joints), got {arr.shape}; "
            "convert other layouts first with abspose.skeletons.convert_to_h36m17"
        )
    if arr.size == 0:
        raise ShapeError(f"{name}: expected a non-empty array {expected}, got {arr.shape}")
    if finite and not np.isfinite(arr).all():
        bad = int((~np.isfinite(arr)).sum())
        raise ShapeError(
            f"{name}: expected finite values, got {bad} NaN/inf entries; "
            "mark missing joints with confidences instead of NaN"
        )
    return arr


def check_same_shape(a: NDArray[Any], b: NDArray[Any], name_a: str, name_b: str) -> None:
    """Raise ShapeError unless ``a`` and ``b`` have identical shapes."""
    if a.shape != b.shape:
        raise ShapeError(f"{name_a} and {name_b}: expected equal shapes, got {a.shape} and {b.shape}")


def check_positive(x: Any, name: str) -> NDArray[np.float64]:
    """Check that every entry is finite and > 0 (focal lengths, scales)."""
    arr = as_float_array(x, name)
    if not np.isfinite(arr).all() or (arr <= 0).any():
        raise AbsPoseError(f"{name}: expected finite values > 0, got {np.asarray(arr).ravel()[:4]}")
    return arr
