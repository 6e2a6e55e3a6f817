"""Posture augmentation: new, physically plausible poses from captured ones.

The captured motion is mostly walks, runs, jumps and dances. Two augmentations add the
postures people take in photos, on H36M-17 world poses (y up, right-handed, mm):

* **Joint-angle changes within anatomical limits** through the skeleton's forward kinematics
  (:func:`pose_posture`): the legs are rebuilt from hip flexion, hip abduction and knee
  flexion angles, the upper body turns about the pelvis by a trunk angle, and optionally the
  whole body is laid down. Postures: sitting on a chair, sitting on the floor, squatting or
  crouching, kneeling (one or both knees), bending forward, lying. The arms keep their captured
  configuration relative to the trunk.
* **Limb exchange between poses** (:func:`exchange_limbs`): the arms, or the legs, of another
  pose, taken in that pose's trunk (pelvis) frame and put in this pose's frame.

Both keep every bone length exactly. Afterwards the body rests on the floor: it is shifted
vertically so that the lowest joint, less its clearance (:data:`FLOOR_CLEARANCE_MM`: how far a
joint centre stays above the ground when that part of the body touches it), is on the floor.

Limits used (degrees; hip flexion is the thigh's angle to the trunk; inside the usual adult
active ranges of motion): hip flexion -15..135, hip abduction 0..45, knee flexion 0..150,
trunk -30..95 from vertical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17

__all__ = [
    "FLOOR_CLEARANCE_MM",
    "JOINT_LIMITS_DEG",
    "POSTURES",
    "PostureConfig",
    "augment_postures",
    "exchange_limbs",
    "knee_flexion_deg",
    "place_on_floor",
    "pose_posture",
]

#: Height of each joint centre above the ground when that part of the body rests on it [mm]:
#: ankles on the heel or the shin's side, knees on the kneecap, hips and pelvis on the sitting
#: bones, the rest on the back, the side or the hands.
FLOOR_CLEARANCE_MM: dict[str, float] = {
    "pelvis": 100.0, "r_hip": 90.0, "l_hip": 90.0, "r_knee": 50.0, "l_knee": 50.0,
    "r_ankle": 60.0, "l_ankle": 60.0, "spine": 100.0, "thorax": 100.0, "nose": 90.0,
    "head_top": 80.0, "l_shoulder": 60.0, "r_shoulder": 60.0, "l_elbow": 40.0, "r_elbow": 40.0,
    "l_wrist": 30.0, "r_wrist": 30.0,
}  # fmt: skip

#: Anatomical limits the generated angles stay within [degrees].
JOINT_LIMITS_DEG: dict[str, tuple[float, float]] = {
    "hip_flexion": (-15.0, 135.0),
    "hip_abduction": (0.0, 45.0),
    "knee_flexion": (0.0, 150.0),
    "trunk": (-30.0, 95.0),
}

#: The postures and their angle ranges [degrees]: the thigh's angle from straight down (forward
#: +), the trunk's angle from vertical (forward +), knee flexion, hip abduction. Hip flexion is
#: thigh + trunk and is kept within :data:`JOINT_LIMITS_DEG` by narrowing the thigh's range.
POSTURES: dict[str, dict[str, tuple[float, float]]] = {
    "chair": {"thigh": (60, 100), "trunk": (-10, 30), "knee": (55, 120), "abduction": (0, 20)},
    "floor": {"thigh": (75, 100), "trunk": (-25, 25), "knee": (0, 45), "abduction": (5, 40)},
    "squat": {"thigh": (50, 110), "trunk": (15, 55), "knee": (80, 150), "abduction": (5, 30)},
    "kneel": {"thigh": (-10, 30), "trunk": (-10, 25), "knee": (70, 110), "abduction": (0, 15)},
    "bend": {"thigh": (-10, 25), "trunk": (35, 95), "knee": (0, 35), "abduction": (0, 15)},
    "lying": {"thigh": (0, 70), "trunk": (-10, 10), "knee": (0, 90), "abduction": (0, 30)},
}

_UPPER = ("spine", "thorax", "nose", "head_top", "l_shoulder", "l_elbow", "l_wrist",
          "r_shoulder", "r_elbow", "r_wrist")  # fmt: skip
_ARMS = ("l_shoulder", "l_elbow", "l_wrist", "r_shoulder", "r_elbow", "r_wrist")
_LEGS = ("l_hip", "l_knee", "l_ankle", "r_hip", "r_knee", "r_ankle")


@dataclass(frozen=True)
class PostureConfig:
    """How many training poses are changed per epoch.

    Attributes:
        fraction: share of poses given a new posture by :func:`pose_posture`.
        weights: relative frequency of each posture of :data:`POSTURES`.
        exchange_fraction: share of the remaining poses given another pose's arms or legs.
    """

    fraction: float = 0.35
    weights: tuple[tuple[str, float], ...] = field(
        default=(
            ("chair", 0.35),
            ("floor", 0.15),
            ("squat", 0.15),
            ("kneel", 0.1),
            ("bend", 0.15),
            ("lying", 0.1),
        )
    )
    exchange_fraction: float = 0.15

    def __post_init__(self) -> None:
        if not (0.0 <= self.fraction <= 1.0 and 0.0 <= self.exchange_fraction <= 1.0):
            raise AbsPoseError(
                f"PostureConfig: fractions must be in [0, 1], got {self.fraction}, {self.exchange_fraction}"
            )
        for name, w in self.weights:
            if name not in POSTURES or w < 0:
                raise AbsPoseError(
                    f"PostureConfig.weights: expected postures of {sorted(POSTURES)} with weights >= 0, "
                    f"got {name!r}: {w}"
                )
        if self.weights and sum(w for _, w in self.weights) <= 0:
            raise AbsPoseError("PostureConfig.weights: expected a positive total weight")


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64]:
    result: NDArray[np.float64] = v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)
    return result


def _rotate(
    v: NDArray[np.float64], axis: NDArray[np.float64], angle: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Rodrigues: rotate ``(N, K, 3)`` vectors about ``(N, 3)`` unit axes by ``(N,)`` radians."""
    k = axis[:, None, :]
    c, s = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    result: NDArray[np.float64] = (
        v * c + np.cross(k, v) * s + k * np.sum(k * v, axis=-1, keepdims=True) * (1 - c)
    )
    return result


def _bone(P: NDArray[np.float64], child: str) -> NDArray[np.float64]:
    j = H36M17.index(child)
    result: NDArray[np.float64] = np.linalg.norm(P[:, j] - P[:, H36M17.parent_indices[j]], axis=-1)
    return result


def place_on_floor(joints_world_mm: Any, floor_y_mm: Any) -> NDArray[np.float64]:
    """Shift ``(N, 17, 3)`` poses along y so the lowest joint less its clearance touches the floor."""
    P = check_points(joints_world_mm, "joints_world_mm", dim=3, joints=H36M17.num_joints).copy()
    clearance = np.array([FLOOR_CLEARANCE_MM[n] for n in H36M17.joint_names])
    lowest = (P[..., 1] - clearance).min(-1)
    P[..., 1] += (np.asarray(floor_y_mm, dtype=np.float64) - lowest)[..., None]
    return P


def _angles(rng: np.random.Generator, posture: str, n: int) -> dict[str, NDArray[np.float64]]:
    """Radians per pose: ``trunk`` and, per side, ``thigh`` (from straight down), ``knee``, ``abduction``."""
    r = POSTURES[posture]
    out = {"trunk": np.radians(rng.uniform(*r["trunk"], size=n))}
    for side in ("l", "r"):  # each leg on its own, within the posture's ranges
        for k in ("thigh", "knee", "abduction"):
            out[f"{side}_{k}"] = np.radians(rng.uniform(*r[k], size=n))
    if posture == "kneel":  # a third on one knee (the other foot forward), a third sitting on the heels
        kind = rng.integers(0, 3, n)
        one, heels = kind == 1, kind == 2
        out["r_thigh"] = np.where(one, np.radians(rng.uniform(70, 100, n)), out["r_thigh"])
        out["r_knee"] = np.where(one, np.radians(rng.uniform(70, 100, n)), out["r_knee"])
        for side in ("l", "r"):
            out[f"{side}_thigh"] = np.where(heels, np.radians(rng.uniform(60, 80, n)), out[f"{side}_thigh"])
            out[f"{side}_knee"] = np.where(heels, np.radians(rng.uniform(140, 150, n)), out[f"{side}_knee"])
    lo, hi = (np.radians(v) for v in JOINT_LIMITS_DEG["hip_flexion"])
    for side in ("l", "r"):  # hip flexion = thigh + trunk, kept within the limits
        out[f"{side}_thigh"] = np.clip(out[f"{side}_thigh"], lo - out["trunk"], hi - out["trunk"])
    return out


def pose_posture(
    joints_world_mm: Any, floor_y_mm: Any, posture: str, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Give ``(N, 17, 3)`` world poses (y up) a new ``posture`` of :data:`POSTURES`.

    Bone lengths are kept, the arms keep their pose relative to the trunk; then the body is put
    on the floor (:func:`place_on_floor`). Lying turns the whole body onto its back, front or side.
    """
    if posture not in POSTURES:
        raise AbsPoseError(f"pose_posture: unknown posture {posture!r}; expected one of {sorted(POSTURES)}")
    P = check_points(joints_world_mm, "joints_world_mm", dim=3, joints=H36M17.num_joints).copy()
    if P.ndim != 3:
        raise AbsPoseError(f"pose_posture: expected (N, 17, 3) poses, got {P.shape}")
    n = len(P)
    a = _angles(rng, posture, n)
    idx = H36M17.index
    pelvis = P[:, idx("pelvis")]
    left = P[:, idx("l_hip")] - P[:, idx("r_hip")]
    left[:, 1] = 0.0
    left = _unit(left)  # (N, 3) horizontal
    up = np.broadcast_to(np.array([0.0, 1.0, 0.0]), (n, 3))
    forward = np.cross(left, up)
    # Upper body: first stand the trunk upright (about the lateral axis), then lean it by the trunk angle.
    trunk = _unit(P[:, idx("thorax")] - pelvis)
    current = np.arctan2(np.sum(trunk * forward, -1), np.sum(trunk * up, -1))
    upper = H36M17.indices(list(_UPPER))
    P[:, upper] = pelvis[:, None] + _rotate(P[:, upper] - pelvis[:, None], left, a["trunk"] - current)
    for side, outward_sign in (("l", 1.0), ("r", -1.0)):
        hip, knee, ankle = (idx(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
        thigh_len, shin_len = _bone(P, f"{side}_knee"), _bone(P, f"{side}_ankle")
        theta = a[f"{side}_thigh"]  # from straight down, forward +
        d = -up * np.cos(theta)[:, None] + forward * np.sin(theta)[:, None]
        ab = a[f"{side}_abduction"][:, None]
        d = np.cos(ab) * d + np.sin(ab) * outward_sign * left
        axis = _unit(left - np.sum(left * d, -1, keepdims=True) * d)
        phi = a[f"{side}_knee"][:, None]
        shin = d * np.cos(phi) + np.cross(axis, d) * np.sin(phi)
        P[:, knee] = P[:, hip] + thigh_len[:, None] * d
        P[:, ankle] = P[:, knee] + shin_len[:, None] * shin
    if posture == "lying":  # onto the back, the front, or either side
        roll = rng.integers(0, 4, n)
        axis = np.where((roll < 2)[:, None], left, forward)
        angle = np.where(roll % 2 == 0, -np.pi / 2, np.pi / 2)
        P = pelvis[:, None] + _rotate(P - pelvis[:, None], axis, angle)
    return place_on_floor(P, floor_y_mm)


def _frame(P: NDArray[np.float64], left_pair: tuple[str, str]) -> NDArray[np.float64]:
    """``(N, 3, 3)`` rows (left, up, forward) of a trunk frame: left from the pair, up pelvis→thorax."""
    left = P[:, H36M17.index(left_pair[0])] - P[:, H36M17.index(left_pair[1])]
    up = _unit(P[:, H36M17.index("thorax")] - P[:, H36M17.index("pelvis")])
    left = _unit(left - np.sum(left * up, -1, keepdims=True) * up)
    return np.stack([left, up, np.cross(left, up)], axis=1)


def exchange_limbs(
    joints_world_mm: Any, donors_world_mm: Any, floor_y_mm: Any, limbs: str
) -> NDArray[np.float64]:
    """Give each of ``(N, 17, 3)`` poses the ``limbs`` (``"arms"`` or ``"legs"``) of the matching
    donor pose: the donor's bone directions in its trunk frame (thorax frame for arms, pelvis frame
    for legs), put in this pose's frame with this pose's bone lengths; then onto the floor."""
    P = check_points(joints_world_mm, "joints_world_mm", dim=3, joints=H36M17.num_joints).copy()
    D = check_points(donors_world_mm, "donors_world_mm", dim=3, joints=H36M17.num_joints)
    if P.shape != D.shape or P.ndim != 3:
        raise AbsPoseError(f"exchange_limbs: expected two (N, 17, 3) arrays, got {P.shape} and {D.shape}")
    if limbs not in ("arms", "legs"):
        raise AbsPoseError(f"exchange_limbs: limbs must be 'arms' or 'legs', got {limbs!r}")
    names, pair = (_ARMS, ("l_shoulder", "r_shoulder")) if limbs == "arms" else (_LEGS, ("l_hip", "r_hip"))
    mine, theirs = _frame(P, pair), _frame(D, pair)
    original = P.copy()
    for name in names:
        j = H36M17.index(name)
        p = H36M17.parent_indices[j]
        direction = _unit(np.einsum("nij,nj->ni", theirs, D[:, j] - D[:, p]))  # in the donor's frame
        length = np.linalg.norm(original[:, j] - original[:, p], axis=-1, keepdims=True)
        P[:, j] = P[:, p] + length * np.einsum("nji,nj->ni", mine, direction)
    return place_on_floor(P, floor_y_mm)


def augment_postures(
    joints_world_mm: Any, floor_y_mm: Any, rng: np.random.Generator, config: PostureConfig | None = None
) -> NDArray[np.float64]:
    """Change a random share of ``(N, 17, 3)`` poses: new postures, then exchanged limbs
    (donors drawn from the same batch). The rest come back unchanged."""
    c = config or PostureConfig()
    P = check_points(joints_world_mm, "joints_world_mm", dim=3, joints=H36M17.num_joints).copy()
    n = len(P)
    floor = np.broadcast_to(np.asarray(floor_y_mm, dtype=np.float64), (n,))
    draw = rng.random(n)
    posed = draw < c.fraction
    names = [name for name, _ in c.weights]
    weights = np.array([w for _, w in c.weights], dtype=np.float64)
    if posed.any() and names:
        which = rng.choice(len(names), size=int(posed.sum()), p=weights / weights.sum())
        rows = np.flatnonzero(posed)
        for k, name in enumerate(names):
            sel = rows[which == k]
            if len(sel):
                P[sel] = pose_posture(P[sel], floor[sel], name, rng)
    swapped = np.flatnonzero((draw >= c.fraction) & (draw < c.fraction + c.exchange_fraction))
    if len(swapped):
        donors = rng.integers(0, n, len(swapped))
        arms = rng.random(len(swapped)) < 0.5
        for limbs, sel in (("arms", arms), ("legs", ~arms)):
            if sel.any():
                rows = swapped[sel]
                P[rows] = exchange_limbs(P[rows], P[donors[sel]], floor[rows], limbs)
    return P


def knee_flexion_deg(joints_mm: Any, side: str) -> NDArray[np.float64]:
    """``(...)`` knee flexion [degrees]: the angle between the thigh and the shin (0 = straight)."""
    P = check_points(joints_mm, "joints_mm", dim=3, joints=H36M17.num_joints)
    hip, knee, ankle = (P[..., H36M17.index(f"{side}_{p}"), :] for p in ("hip", "knee", "ankle"))
    a, b = _unit(knee - hip), _unit(ankle - knee)
    result: NDArray[np.float64] = np.degrees(np.arccos(np.clip(np.sum(a * b, -1), -1.0, 1.0)))
    return result
