"""A body model: adult segment lengths in the Human3.6M-17 joint convention, and retargeting.

Training poses come from a few motion-capture rigs whose joints are not Human3.6M's joints
(their thigh roots sit 90 mm from the pelvis, Human3.6M's hip joint centres 135 mm). Every
training pose is therefore rebuilt on a body drawn from this model: bone directions from the
capture, bone lengths from the model.

The model, per body:

1. **Sex and stature.** Women and men in equal shares; stature normal per sex, from the 2012
   US Army anthropometric survey (ANSUR II; Gordon et al. 2014, "2012 Anthropometric Survey of
   U.S. Army Personnel: Methods and Summary Statistics", NATICK/TR-15/007): men 1756 ± 69 mm,
   women 1629 ± 64 mm. Clipped to 1.45-2.00 m (redrawn, not piled at the bounds).
2. **Proportions** (bone length / skeleton stature) of the Human3.6M-17 convention: the mean
   bone lengths of Human3.6M's five training subjects (``../shared/data/h36m_skeleton.md``)
   divided by their mean skeleton stature. These fix *where the joints are*, not who the people
   are.
3. **Sex differences in widths**, approximately as ANSUR II's breadth-to-stature ratios differ
   between the sexes: shoulders 2.5% wider for men than the pooled mean (women 2.5% narrower),
   hips 5% narrower for men (women 5% wider).
4. **Individual spread** at a given stature, log-normal with correlations through shared
   factors (anthropometric segment lengths vary 2-4% at fixed stature, widths 5-7%):
   a leg-length factor (thigh and shin +, trunk and neck -, σ 2.5%: people of one stature differ
   in sitting height), an arm factor (upper arm and forearm, σ 2.5%), a width factor (hips and
   shoulders, σ 3%), and each bone group alone (σ 2% for long bones, 4% for the neck and head,
   5% for the widths).
5. The body is rescaled so its skeleton stature is exactly the drawn stature: the stature
   prior stays what step 1 says.

*Skeleton stature* (:func:`abspose.data.mocap.augment.skeleton_stature_mm`): ankle height + shin +
thigh + the pelvis-spine-thorax-nose-head bones; the five Human3.6M training subjects have
1661-1785 mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points
from abspose.data.mocap.augment import ANKLE_HEIGHT_MM, BONE_GROUPS, body_lengths_mm, keep_lower_ankle
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17

__all__ = [
    "H36M_TRAINING_BONES_MM",
    "H36M_TRAINING_SUBJECTS_MM",
    "Bodies",
    "BodyModelConfig",
    "body_lengths_mm",
    "place_spine",
    "retarget",
    "sample_bodies",
]

#: Mean bone lengths of Human3.6M's training subjects S1, S5-S8 [mm], by bone group
#: (``../shared/data/h36m_skeleton.md``): the joint convention abspose outputs.
H36M_TRAINING_BONES_MM: dict[str, float] = {
    "hip_width": 135.0,  # pelvis - hip, each side
    "thigh": 452.0,
    "shin": 447.0,
    "lower_spine": 241.0,  # pelvis - spine
    "upper_spine": 256.0,  # spine - thorax
    "neck": 117.0,  # thorax - neck/nose
    "head": 115.0,  # neck/nose - head
    "shoulder_width": 151.0,  # thorax - shoulder, each side
    "upper_arm": 282.0,
    "forearm": 250.0,
}

#: The same table per subject (S1, S5, S6, S7, S8) [mm], for plots beside the body model.
H36M_TRAINING_SUBJECTS_MM: dict[str, tuple[float, float, float, float, float]] = {
    "hip_width": (133, 119, 143, 136, 147),
    "thigh": (443, 428, 487, 449, 452),
    "shin": (454, 442, 461, 438, 439),
    "lower_spine": (233, 224, 262, 226, 261),
    "upper_spine": (257, 254, 260, 255, 251),
    "neck": (121, 117, 119, 107, 120),
    "head": (115, 115, 115, 115, 115),
    "shoulder_width": (151, 143, 149, 140, 169),
    "upper_arm": (279, 265, 301, 276, 290),
    "forearm": (252, 249, 258, 247, 244),
}

_STATURE_GROUPS = ("shin", "thigh", "lower_spine", "upper_spine", "neck", "head")


def _convention_stature_mm() -> float:
    return ANKLE_HEIGHT_MM + sum(H36M_TRAINING_BONES_MM[g] for g in _STATURE_GROUPS)


@dataclass(frozen=True)
class BodyModelConfig:
    """The distribution of adult bodies (see the module docstring for the sources).

    Attributes:
        female_fraction: share of women.
        stature_male_mm, stature_female_mm: (mean, std) of the stature per sex [mm].
        stature_range_mm: statures outside are drawn again [mm].
        shoulder_sex_diff, hip_sex_diff: log ratio of men's width to the pooled proportion
            (women get the negative).
        leg_factor_std, arm_factor_std, width_factor_std: std of the shared log factors.
        long_bone_std, head_neck_std, width_std: std of each group's own log factor.
    """

    female_fraction: float = 0.5
    stature_male_mm: tuple[float, float] = (1756.0, 69.0)
    stature_female_mm: tuple[float, float] = (1629.0, 64.0)
    stature_range_mm: tuple[float, float] = (1450.0, 2000.0)
    shoulder_sex_diff: float = 0.025
    hip_sex_diff: float = -0.05
    leg_factor_std: float = 0.025
    arm_factor_std: float = 0.025
    width_factor_std: float = 0.03
    long_bone_std: float = 0.02
    head_neck_std: float = 0.04
    width_std: float = 0.05

    def __post_init__(self) -> None:
        lo, hi = self.stature_range_mm
        if not 0 < lo < hi:
            raise AbsPoseError(f"BodyModelConfig.stature_range_mm: expected 0 < low < high, got {(lo, hi)}")
        if not 0.0 <= self.female_fraction <= 1.0:
            raise AbsPoseError(
                f"BodyModelConfig.female_fraction: expected in [0, 1], got {self.female_fraction}"
            )
        stds = (
            self.stature_male_mm[1],
            self.stature_female_mm[1],
            self.leg_factor_std,
            self.arm_factor_std,
            self.width_factor_std,
            self.long_bone_std,
            self.head_neck_std,
            self.width_std,
        )
        if min(stds) < 0:
            raise AbsPoseError(f"BodyModelConfig: standard deviations must be >= 0, got {stds}")
        for mean, _ in (self.stature_male_mm, self.stature_female_mm):
            if not lo <= mean <= hi:
                raise AbsPoseError(f"BodyModelConfig: mean stature {mean} mm outside the range {(lo, hi)}")


@dataclass(frozen=True)
class Bodies:
    """N sampled bodies.

    Attributes:
        bone_lengths_mm: ``(N, 17)`` length of the bone ending at each H36M-17 joint [mm]
            (the root's entry is 0); left and right equal.
        stature_mm: ``(N,)`` skeleton stature [mm].
        female: ``(N,)`` bool.
    """

    bone_lengths_mm: NDArray[np.float64]
    stature_mm: NDArray[np.float64]
    female: NDArray[np.bool_]


def _draw_statures(
    n: int, female: NDArray[np.bool_], rng: np.random.Generator, c: BodyModelConfig
) -> NDArray[np.float64]:
    mean = np.where(female, c.stature_female_mm[0], c.stature_male_mm[0])
    std = np.where(female, c.stature_female_mm[1], c.stature_male_mm[1])
    out = rng.normal(mean, std)
    lo, hi = c.stature_range_mm
    for _ in range(100):  # redraw the few outside the range
        bad = (out < lo) | (out > hi)
        if not bad.any():
            break
        out[bad] = rng.normal(mean[bad], std[bad])
    return np.clip(out, lo, hi)


def sample_bodies(n: int, rng: np.random.Generator, config: BodyModelConfig | None = None) -> Bodies:
    """Draw ``n`` adult bodies (sex, stature, bone lengths) from :class:`BodyModelConfig`.

    >>> b = sample_bodies(1000, np.random.default_rng(0))
    >>> b.bone_lengths_mm.shape, bool(1450 <= b.stature_mm.min() and b.stature_mm.max() <= 2000)
    ((1000, 17), True)
    """
    c = config or BodyModelConfig()
    if n < 0:
        raise AbsPoseError(f"sample_bodies: expected n >= 0, got {n}")
    female = rng.random(n) < c.female_fraction
    stature = _draw_statures(n, female, rng, c)
    sex = np.where(female, -1.0, 1.0)
    leg, arm, width = (
        rng.normal(0.0, s, n) for s in (c.leg_factor_std, c.arm_factor_std, c.width_factor_std)
    )
    log_factor: dict[str, NDArray[np.float64]] = {}
    for group in BONE_GROUPS:
        if group in ("hip_width", "shoulder_width"):
            own = c.width_std
            shared = width + sex * (c.hip_sex_diff if group == "hip_width" else c.shoulder_sex_diff)
        elif group in ("thigh", "shin"):
            own, shared = c.long_bone_std, leg
        elif group in ("upper_arm", "forearm"):
            own, shared = c.long_bone_std, arm
        elif group in ("lower_spine", "upper_spine"):
            own, shared = c.long_bone_std, -leg
        else:  # neck, head
            own, shared = c.head_neck_std, -leg
        log_factor[group] = shared + rng.normal(0.0, own, n)
    ratio = stature / _convention_stature_mm()
    lengths = np.zeros((n, H36M17.num_joints))
    for group, joints in BONE_GROUPS.items():
        lengths[:, H36M17.indices(list(joints))] = (
            H36M_TRAINING_BONES_MM[group] * ratio * np.exp(log_factor[group])
        )[:, None]
    # Exactly the drawn stature: scale every bone by (stature - ankle) / (chain length).
    chain = sum(lengths[:, H36M17.index(BONE_GROUPS[g][0])] for g in _STATURE_GROUPS)
    lengths *= ((stature - ANKLE_HEIGHT_MM) / chain)[:, None]
    return Bodies(bone_lengths_mm=lengths, stature_mm=stature, female=female)


#: Children of the width bones: their bone is re-aimed so that they stay where the capture put
#: them relative to the pelvis / thorax (a narrow rig hip moved out must not push the knee out).
_REAIMED = {"l_knee": "pelvis", "r_knee": "pelvis", "l_elbow": "thorax", "r_elbow": "thorax"}


def retarget(joints_world_mm: Any, bone_lengths_mm: Any, *, up_axis: int = 1) -> NDArray[np.float64]:
    """Rebuild ``(N, 17, 3)`` poses with the bone lengths ``(N, 17)`` [mm], reached exactly.

    Each bone keeps its captured direction, except the thighs and upper arms: their direction is
    re-aimed from the new hip (shoulder) to where the knee (elbow) was relative to the pelvis
    (thorax), scaled by the thigh's (upper arm's) length change. So when the hip joint centres move
    outward to the Human3.6M convention, the knees stay between them as on a real body. The root
    stays in place; then the pose is shifted along ``up_axis`` so the lower ankle keeps its height.
    """
    P = check_points(joints_world_mm, "joints_world_mm", dim=3, joints=H36M17.num_joints)
    L = np.asarray(bone_lengths_mm, dtype=np.float64)
    if L.shape != P.shape[:-1]:
        raise AbsPoseError(f"bone_lengths_mm: expected shape {P.shape[:-1]}, got {L.shape}")
    if not np.all(L[..., [j for j in range(H36M17.num_joints) if j != H36M17.root_index]] > 0):
        raise AbsPoseError("bone_lengths_mm: every bone length must be > 0")
    out = P.copy()
    for j in H36M17.topological_order:
        parent = H36M17.parent_indices[j]
        if parent < 0:
            continue
        name = H36M17.joint_names[j]
        if name in _REAIMED:
            g = H36M17.index(_REAIMED[name])
            source = np.linalg.norm(P[..., j, :] - P[..., parent, :], axis=-1, keepdims=True)
            target = out[..., g, :] + L[..., j, None] / source * (P[..., j, :] - P[..., g, :])
            d = target - out[..., parent, :]
        else:
            d = P[..., j, :] - P[..., parent, :]
        norm = np.linalg.norm(d, axis=-1, keepdims=True)
        out[..., j, :] = out[..., parent, :] + L[..., j, None] * d / np.maximum(norm, 1e-9)
    keep_lower_ankle(P, out, up_axis)
    return out


#: Human3.6M's spine joint: 48.5% of the way from the pelvis to the thorax, and 6.9% of that
#: distance towards the back (``h36m_skeleton.md``: 33-35 mm behind the midpoint, bones 241 and
#: 256 mm).
SPINE_ALONG = 0.485
SPINE_BACK = 0.069


def place_spine(joints_mm: Any) -> NDArray[np.float64]:
    """``(..., 17, 3)`` poses with the spine joint moved to Human3.6M's definition.

    The back is ``-(left × up)``: left from the right hip to the left hip, up from the pelvis to
    the thorax, so the poses must be in a right-handed frame (world or camera, not mirrored).
    """
    P = check_points(joints_mm, "joints_mm", dim=3, joints=H36M17.num_joints).copy()
    pelvis, thorax = P[..., H36M17.index("pelvis"), :], P[..., H36M17.index("thorax"), :]
    up = thorax - pelvis
    length = np.linalg.norm(up, axis=-1, keepdims=True)
    left = P[..., H36M17.index("l_hip"), :] - P[..., H36M17.index("r_hip"), :]
    forward = np.cross(left, up)
    forward /= np.maximum(np.linalg.norm(forward, axis=-1, keepdims=True), 1e-9)
    P[..., H36M17.index("spine"), :] = pelvis + SPINE_ALONG * up - SPINE_BACK * length * forward
    return P
