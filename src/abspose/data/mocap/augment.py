"""Body-size and bone-length augmentation of H36M-17 world poses.

Each CMU release fixes one body per rig (skeleton statures: daz 1.69 m, ASF 1.57 m, iClone
1.88 m), so training sees three bone-length sets. Here every sample gets a target stature
drawn from the adult population (normal, mean 1.70 m, sd 0.09 m: men and women pooled,
clipped to 1.45-2.00 m), a global size factor that brings the body to it, and a per-bone
factor (left and right share one); the pose is rebuilt along the kinematic tree from the
root, bone directions kept. The lower ankle keeps its height, so standing people keep their
feet on the floor.

*Skeleton stature* (:func:`skeleton_stature_mm`) is the ankle height plus the shin, thigh
and pelvis-spine-thorax-nose-head-top bone lengths: it does not change with posture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17

__all__ = [
    "ANKLE_HEIGHT_MM",
    "BONE_GROUPS",
    "BodyScaleConfig",
    "body_lengths_mm",
    "bone_lengths_mm",
    "keep_lower_ankle",
    "random_bone_factors",
    "scale_bones",
    "skeleton_stature_mm",
]

#: Height of the ankle joint centre above the floor when standing [mm] (adult average).
ANKLE_HEIGHT_MM = 80.0

#: Bone groups scaled together: each bone is named by its child joint, sides merged.
BONE_GROUPS: dict[str, tuple[str, ...]] = {
    "hip_width": ("l_hip", "r_hip"),
    "thigh": ("l_knee", "r_knee"),
    "shin": ("l_ankle", "r_ankle"),
    "lower_spine": ("spine",),
    "upper_spine": ("thorax",),
    "neck": ("nose",),
    "head": ("head_top",),
    "shoulder_width": ("l_shoulder", "r_shoulder"),
    "upper_arm": ("l_elbow", "r_elbow"),
    "forearm": ("l_wrist", "r_wrist"),
}


@dataclass(frozen=True)
class BodyScaleConfig:
    """Distribution of the body-size augmentation.

    Attributes:
        stature_mean_mm, stature_std_mm: normal distribution of the target skeleton stature
            [mm]; adults, men and women pooled.
        stature_range_mm: the draw is clipped to this range [mm].
        bone_log_std: standard deviation of each bone group's log length factor.
    """

    stature_mean_mm: float = 1700.0
    stature_std_mm: float = 90.0
    stature_range_mm: tuple[float, float] = (1450.0, 2000.0)
    bone_log_std: float = 0.05

    def __post_init__(self) -> None:
        lo, hi = self.stature_range_mm
        if not 0 < lo <= hi or self.stature_std_mm < 0:
            raise AbsPoseError(
                f"BodyScaleConfig: expected 0 < low <= high and std >= 0, got range {self.stature_range_mm}, "
                f"std {self.stature_std_mm}"
            )
        if self.bone_log_std < 0:
            raise AbsPoseError(f"bone_log_std: expected >= 0, got {self.bone_log_std}")


def body_lengths_mm(joints_mm: Any) -> NDArray[np.float64]:
    """``(..., 17)`` length of the bone ending at each joint of ``(..., 17, 3)`` poses [mm]
    (0 for the root)."""
    P = check_points(joints_mm, "joints_mm", dim=3, joints=H36M17.num_joints)
    parents = np.array([max(p, 0) for p in H36M17.parent_indices])
    result: NDArray[np.float64] = np.linalg.norm(P - P[..., parents, :], axis=-1)
    return result


def bone_lengths_mm(joints_mm: Any) -> dict[str, NDArray[np.float64]]:
    """Length of every H36M-17 bone, ``{child joint: (...) lengths [mm]}``."""
    lengths = body_lengths_mm(joints_mm)
    return {child: lengths[..., H36M17.index(child)] for _, child in H36M17.bones}


def keep_lower_ankle(before_mm: NDArray[np.float64], after_mm: NDArray[np.float64], up_axis: int = 1) -> None:
    """Shift ``after_mm`` (in place) along ``up_axis`` so its lower ankle is as high as in ``before_mm``:
    a rebuilt standing body keeps its feet on the floor."""
    ankles = H36M17.indices(["l_ankle", "r_ankle"])
    shift = before_mm[..., ankles, up_axis].min(-1) - after_mm[..., ankles, up_axis].min(-1)
    after_mm[..., up_axis] += shift[..., None]


def scale_bones(joints_world_mm: Any, factors: Any, *, up_axis: int = 1) -> NDArray[np.float64]:
    """Rebuild ``(N, 17, 3)`` poses with each bone scaled by ``(N, 17)`` factors.

    ``factors[:, j]`` scales the bone ending at joint j (the root's entry is unused). The root
    stays in place, then the pose shifts along ``up_axis`` so the lower ankle keeps its height.
    """
    P = check_points(joints_world_mm, "joints_world_mm", dim=3, joints=H36M17.num_joints)
    f = np.asarray(factors, dtype=np.float64)
    out = P.copy()
    for j in H36M17.topological_order:
        parent = H36M17.parent_indices[j]
        if parent >= 0:
            out[..., j, :] = out[..., parent, :] + f[..., j, None] * (P[..., j, :] - P[..., parent, :])
    keep_lower_ankle(P, out, up_axis)
    return out


def skeleton_stature_mm(joints_mm: Any) -> NDArray[np.float64]:
    """``(...)`` skeleton stature [mm]: ankle height + shin + thigh + trunk-to-head-top bones."""
    L = bone_lengths_mm(joints_mm)
    legs = (L["l_ankle"] + L["r_ankle"] + L["l_knee"] + L["r_knee"]) / 2.0
    return ANKLE_HEIGHT_MM + legs + L["spine"] + L["thorax"] + L["nose"] + L["head_top"]


def random_bone_factors(
    joints_mm: Any, config: BodyScaleConfig, rng: np.random.Generator
) -> NDArray[np.float64]:
    """``(N, 17)`` bone factors for ``(N, 17, 3)`` poses: each body brought to a random target
    stature, times a per-group jitter; left and right equal."""
    stature = skeleton_stature_mm(joints_mm)
    n = stature.shape[0]
    target = np.clip(
        rng.normal(config.stature_mean_mm, config.stature_std_mm, size=n), *config.stature_range_mm
    )
    size = (target - ANKLE_HEIGHT_MM) / (stature - ANKLE_HEIGHT_MM)
    factors = np.repeat(size[:, None], H36M17.num_joints, axis=1)
    for joints in BONE_GROUPS.values():
        jitter = np.exp(rng.normal(0.0, config.bone_log_std, size=n))
        factors[:, H36M17.indices(list(joints))] *= jitter[:, None]
    return factors
