"""The paper's Eq. 1-6, written once for numpy arrays and torch tensors alike.

Each function takes arrays of any leading shape ``(...)`` and uses only operators that numpy
arrays and torch tensors share (as roma writes each function once over any batch shape), so
the checked numpy API (:mod:`abspose.geometry.normalize`), the network's normalization layer,
the loss, :func:`abspose.model.predict` and the exported ONNX graph all run this code. No input
checks here: the callers check what users give.

Notation: ``p`` the 2D joints [px], ``c`` the principal point [px], ``f = fx`` the focal
length [px], ``Z~ = Z / f`` the canonical root depth [mm/px].

>>> import numpy as np, torch
>>> p = np.array([[10.0, 0.0], [-10.0, 0.0]])
>>> [v.tolist() for v in normalization(p, np.zeros(2))]
[[[1.0, 0.0], [-1.0, 0.0]], [0.0, 0.0], 10.0]
>>> [v.tolist() for v in normalization(torch.tensor(p), torch.zeros(2))]
[[[1.0, 0.0], [-1.0, 0.0]], [0.0, 0.0], 10.0]
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = [
    "canonical_depth",
    "location",
    "normalization",
    "normalized",
    "root_depth",
    "root_position",
    "root_xy",
    "scale",
    "shift_principal",
]


def _concatenate(parts: list[Any]) -> Any:
    """Join ``(..., k)`` arrays along the last axis: ``torch.cat`` for tensors, else numpy."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(parts[0], torch.Tensor):
        return torch.cat(parts, dim=-1)
    import numpy as np

    return np.concatenate(parts, axis=-1)


def shift_principal(keypoints_px: Any, principal_px: Any) -> Any:
    """Eq. 1: ``p' = p - c``, the ``(..., J, 2)`` joints relative to the ``(..., 2)`` principal
    point [px].

    >>> import numpy as np
    >>> shift_principal(np.array([[510.0, 300.0]]), np.array([500.0, 400.0])).tolist()
    [[10.0, -100.0]]
    """
    return keypoints_px - principal_px[..., None, :]


def location(keypoints_px: Any) -> Any:
    """Eq. 2: ``m = mean_i p_i``, the ``(..., 2)`` mean of ``(..., J, 2)`` joints [px].

    >>> import numpy as np
    >>> location(np.array([[0.0, 0.0], [4.0, 2.0]])).tolist()
    [2.0, 1.0]
    """
    return keypoints_px.mean(-2)


def scale(keypoints_px: Any, location_px: Any) -> Any:
    """Eq. 3: ``σ = sqrt(mean_i ||p_i - m||²)``, the ``(...)`` RMS spread of ``(..., J, 2)``
    joints about their ``(..., 2)`` location [px].

    >>> import numpy as np
    >>> p = np.array([[0.0, 0.0], [6.0, 8.0]])
    >>> float(scale(p, location(p)))
    5.0
    """
    centred = keypoints_px - location_px[..., None, :]
    return ((centred * centred).sum(-1).mean(-1)) ** 0.5


def normalized(keypoints_px: Any, location_px: Any, scale_px: Any) -> Any:
    """Eq. 4: ``p~ = (p - m) / σ``, the ``(..., J, 2)`` normalized pose [unitless].

    >>> import numpy as np
    >>> normalized(np.array([[1.0, 3.0]]), np.array([1.0, 1.0]), np.array(2.0)).tolist()
    [[0.0, 1.0]]
    """
    return (keypoints_px - location_px[..., None, :]) / scale_px[..., None, None]


def normalization(keypoints_px: Any, principal_px: Any, min_scale_px: float = 0.0) -> tuple[Any, Any, Any]:
    """Eq. 1-4 in one pass, as the network's first layer computes them.

    ``p' - m = p - mean(p)``: the principal point cancels from the normalized pose and enters
    the location only, so ``p - mean(p)`` is computed once and Eq. 3-4 reuse it.

    Args:
        keypoints_px: ``(..., J, 2)`` joints [px].
        principal_px: ``(..., 2)`` principal point [px].
        min_scale_px: σ is clipped below at this (the network's guard against coincident joints).

    Returns:
        ``p~ (..., J, 2)``, ``m (..., 2)`` relative to the principal point [px], ``σ (...)`` [px].
    """
    mean = keypoints_px.mean(-2)  # (..., 2) = m + c
    centred = keypoints_px - mean[..., None, :]  # (..., J, 2) = p' - m
    s = (((centred * centred).sum(-1).mean(-1)) ** 0.5).clip(min=min_scale_px)  # (...) Eq. 3
    return centred / s[..., None, None], mean - principal_px, s


def canonical_depth(depth_mm: Any, focal_px: Any) -> Any:
    """``Z~ = Z / f``: the canonical depth [mm/px] of a depth [mm] at focal length fx [px].

    >>> canonical_depth(5000.0, 1000.0)
    5.0
    """
    return depth_mm / focal_px


def root_xy(root_px: Any, principal_px: Any, canonical_mm_per_px: Any, aspect: Any = 1.0) -> Any:
    """Eq. 5: ``R_x = (r_x - c_x) Z~``, ``R_y = (r_y - c_y) Z~ fx/fy``, the root's ``(..., 2)``
    X, Y [mm] back-projected from its ``(..., 2)`` image point with the ``(...)`` canonical
    depth. With square pixels (``aspect = fx / fy = 1``) no focal length is needed.

    >>> import numpy as np
    >>> root_xy(np.array([600.0, 300.0]), np.array([500.0, 400.0]), np.array(5.0)).tolist()
    [500.0, -500.0]
    """
    xy = (root_px - principal_px) * canonical_mm_per_px[..., None]
    if not hasattr(aspect, "shape") and aspect == 1.0:
        return xy
    y_gain = aspect[..., None] if hasattr(aspect, "shape") else aspect
    return _concatenate([xy[..., :1], xy[..., 1:] * y_gain])


def root_depth(canonical_mm_per_px: Any, focal_px: Any) -> Any:
    """Eq. 6: ``R_z = fx Z~``, the root depth [mm].

    >>> root_depth(5.0, 1000.0)
    5000.0
    """
    return focal_px * canonical_mm_per_px


def root_position(
    root_px: Any, principal_px: Any, canonical_mm_per_px: Any, focal_px: Any, aspect: Any = 1.0
) -> Any:
    """Eq. 5-6: the root's ``(..., 3)`` camera coords [mm] from its ``(..., 2)`` image point,
    the ``(..., 2)`` principal point, the ``(...)`` canonical depth and the ``(...)`` focal
    length fx [px] (``aspect = fx / fy``).

    >>> import numpy as np
    >>> root_position(np.array([600.0, 300.0]), np.array([500.0, 400.0]), np.array(5.0),
    ...               np.array(1000.0)).tolist()
    [500.0, -500.0, 5000.0]
    """
    xy = root_xy(root_px, principal_px, canonical_mm_per_px, aspect)
    return _concatenate([xy, root_depth(canonical_mm_per_px, focal_px)[..., None]])
