"""Conversion of input keypoint layouts to the canonical Human3.6M 17-joint layout.

Each H36M joint is a fixed linear combination of source joints, addressed by name. Joints
marked *approx* below are not the same anatomical point as Human3.6M's and carry a bias of a
few centimetres:

==========  ==============================  =============================  =========
h36m17      coco17 / mediapipe33            body25                          exact?
==========  ==============================  =============================  =========
pelvis      mid(l_hip, r_hip)               mid_hip                         approx
l/r_hip     l/r_hip                         l/r_hip                         approx
knees...    same name                       same name                       yes
spine       mid(pelvis, thorax)             mid(mid_hip, neck)              approx
thorax      mid(l_shoulder, r_shoulder)     neck                            approx
nose        nose                            nose                            approx
head_top    1.5 mid(ears) - 0.5 thorax      1.5 mid(ears) - 0.5 neck        approx
==========  ==============================  =============================  =========

``body25b`` (OpenPose's experimental model) is converted like coco17 (it starts with the
COCO-17 keypoints), with its own ``neck`` as thorax and its detected ``head_top``.

``mpii16`` (MPII's order: r_ankle, r_knee, r_hip, l_hip, l_knee, l_ankle, pelvis, thorax,
upper_neck, head_top, wrists, elbows, shoulders) keeps its pelvis, thorax and head top, takes
mid(pelvis, thorax) as the spine and has **no nose**: that joint comes out with confidence 0,
so :func:`abspose.lift` fills it in from the visible joints. ``h36m32`` is Human3.6M's full
skeleton: its 17 joints are picked as they are.

Detector hips are surface landmarks, lower and wider than Human3.6M's hip joint centres;
the head top is extrapolated above the ears along the thorax-to-ears line. A converted
joint's confidence is the smallest confidence among the joints it is built from.

>>> import numpy as np
>>> coco = np.zeros((17, 2)); coco[COCO17.index("l_hip")] = (2.0, 4.0)
>>> float(convert_to_h36m17(coco, "coco17").keypoints[H36M17.index("pelvis"), 0])
1.0
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array
from abspose.errors import AbsPoseError, ShapeError
from abspose.skeletons._skeleton import Skeleton
from abspose.skeletons.layouts import BODY25, BODY25B, COCO17, H36M17, H36M32, MEDIAPIPE33, MPII16

__all__ = ["LAYOUTS", "ConvertedKeypoints", "conversion_matrix", "convert_to_h36m17", "get_layout"]

#: Layouts by name, for user-facing ``layout=`` arguments.
LAYOUTS: dict[str, Skeleton] = {
    s.name: s for s in (H36M17, COCO17, BODY25, BODY25B, MEDIAPIPE33, MPII16, H36M32)
}

_Recipe = dict[str, dict[str, float]]

_LIMBS = ("knee", "ankle", "shoulder", "elbow", "wrist")


def _mid(a: str, b: str) -> dict[str, float]:
    return {a: 0.5, b: 0.5}


def _combine(*terms: tuple[float, dict[str, float]]) -> dict[str, float]:
    """Weighted sum of joint recipes: ``_combine((a, r1), (b, r2))`` is ``a r1 + b r2``."""
    out: dict[str, float] = {}
    for weight, recipe in terms:
        for joint, w in recipe.items():
            out[joint] = out.get(joint, 0.0) + weight * w
    return out


def _detector_recipe(pelvis: dict[str, float], thorax: dict[str, float]) -> _Recipe:
    """Recipe shared by detector layouts that have hips, shoulders, ears and a nose."""
    recipe: _Recipe = {
        "pelvis": pelvis,
        "thorax": thorax,
        "nose": {"nose": 1.0},
        "spine": _combine((0.5, pelvis), (0.5, thorax)),
        "head_top": _combine((1.5, _mid("l_ear", "r_ear")), (-0.5, thorax)),
    }
    for side in ("l", "r"):
        for limb in ("hip", *_LIMBS):
            recipe[f"{side}_{limb}"] = {f"{side}_{limb}": 1.0}
    return recipe


_RECIPES: dict[str, _Recipe] = {
    "h36m17": {n: {n: 1.0} for n in H36M17.joint_names},
    "coco17": _detector_recipe(_mid("l_hip", "r_hip"), _mid("l_shoulder", "r_shoulder")),
    "mediapipe33": _detector_recipe(_mid("l_hip", "r_hip"), _mid("l_shoulder", "r_shoulder")),
    "body25": _detector_recipe({"mid_hip": 1.0}, {"neck": 1.0}),
    "body25b": {
        **_detector_recipe(_mid("l_hip", "r_hip"), {"neck": 1.0}),
        "head_top": {"head_top": 1.0},
    },
    # MPII has its own pelvis, thorax and head top; it has no nose (an empty recipe: missing).
    "mpii16": {
        **{n: {n: 1.0} for n in H36M17.joint_names if n not in ("spine", "nose")},
        "spine": _mid("pelvis", "thorax"),
        "nose": {},
    },
    "h36m32": {n: {n: 1.0} for n in H36M17.joint_names},
}


def get_layout(layout: str | Skeleton) -> Skeleton:
    """Look a layout up by name (one of :data:`LAYOUTS`: ``"h36m17"``, ``"coco17"``, ``"mpii16"``...)."""
    if isinstance(layout, Skeleton):
        return layout
    try:
        return LAYOUTS[layout]
    except KeyError:
        raise AbsPoseError(f"unknown layout {layout!r}; expected one of {sorted(LAYOUTS)}") from None


@cache
def conversion_matrix(layout: str) -> NDArray[np.float64]:
    """The (17, J_src) matrix ``W`` with ``h36m = W @ source`` for a layout name."""
    source = get_layout(layout)
    recipe = _RECIPES[source.name]
    W = np.zeros((H36M17.num_joints, source.num_joints))
    for target, parts in recipe.items():
        for joint, weight in parts.items():
            W[H36M17.index(target), source.index(joint)] += weight
    W.setflags(write=False)
    return W


@dataclass(frozen=True)
class ConvertedKeypoints:
    """Keypoints in the H36M-17 layout.

    Attributes:
        keypoints: ``(..., 17, D)`` converted points, same units as the input.
        confidences: ``(..., 17)`` per-joint confidence (min over the source joints used),
            or None when no confidences were given.
    """

    keypoints: NDArray[np.float64]
    confidences: NDArray[np.float64] | None


def convert_to_h36m17(keypoints: Any, layout: str | Skeleton, confidences: Any = None) -> ConvertedKeypoints:
    """Convert keypoints from a known layout to H36M-17.

    Args:
        keypoints: ``(..., J_src, D)`` points (pixels or millimetres, D = 2 or 3).
        layout: source layout name or :class:`Skeleton` from :data:`LAYOUTS`.
        confidences: optional ``(..., J_src)`` confidences in [0, 1].

    Returns:
        :class:`ConvertedKeypoints` with ``(..., 17, D)`` points and ``(..., 17)`` confidences;
        a joint the layout has no source for (the nose of ``mpii16``) has confidence 0 and its
        position is 0, also when no confidences were given.
    """
    source = get_layout(layout)
    if source.name not in _RECIPES:
        raise AbsPoseError(f"no conversion to h36m17 for layout {source.name!r}")
    points = as_float_array(keypoints, "keypoints")
    if points.ndim < 2 or points.shape[-2] != source.num_joints:
        raise ShapeError(
            f"keypoints: expected shape (..., {source.num_joints}, D) for layout {source.name!r}, "
            f"got {points.shape}; pass layout= matching your detector"
        )
    conf = None
    if confidences is not None:
        conf = as_float_array(confidences, "confidences")
        if conf.shape != points.shape[:-1]:
            raise ShapeError(f"confidences: expected shape {points.shape[:-1]}, got {conf.shape}")
    if source.name == H36M17.name:  # the identity: copies, without the (17, 17) product
        return ConvertedKeypoints(points.copy(), None if conf is None else conf.copy())
    W = conversion_matrix(source.name)
    converted = np.einsum("tj,...jd->...td", W, points)  # (..., 17, D)
    conf_out = None
    used = W != 0  # (17, J_src)
    absent = ~used.any(axis=1)  # H36M joints this layout has no source for
    if conf is not None:
        expanded = np.where(used, conf[..., None, :], np.inf)  # (..., 17, J_src)
        conf_out = np.where(absent, 0.0, expanded.min(axis=-1))
    elif absent.any():
        conf_out = np.broadcast_to(np.where(absent, 0.0, 1.0), converted.shape[:-1]).copy()
    return ConvertedKeypoints(keypoints=converted, confidences=conf_out)
