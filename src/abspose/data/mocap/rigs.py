"""Motion-capture rigs and their mapping to the H36M-17 layout.

A :class:`Rig` says how to compute each H36M joint from a rig's joints after forward
kinematics (see ``../shared/data/README.md``), in which unit the file is, and whether the
first frame is a prepended T-pose. Points that no rig joint marks (the head top, and the
nose of the ASF rig) are attached rigidly to the head bone: a vector fixed in the rest pose,
turned with the head joint's world rotation.

Approximations, all documented here:

* ``pelvis`` is mid-thighs (hip joint centres), as in Human3.6M.
* ``spine`` is placed as Human3.6M places it (:func:`abspose.data.mocap.body.place_spine`: 48.5% of
  the way up from the pelvis to the thorax, 6.9% of that distance towards the back).
* Bone lengths are the rigs' own; training retargets every pose to a body of the body model
  (:mod:`abspose.data.mocap.body`), which sets Human3.6M's hip and shoulder widths.
* ``nose`` is mid-eyes (daz, iclone) or 90 mm forward / 30 mm down of the ASF head joint.
* ``head_top`` is 150 mm (daz, iclone; 100 mm for the ASF rig, whose head joint is higher)
  beyond the head joint along the rest-pose neck→head direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import NDArray

from abspose.data.mocap.body import place_spine
from abspose.data.mocap.bvh import BvhMotion
from abspose.errors import DataError
from abspose.skeletons import H36M17

__all__ = ["ASF", "DAZ", "ICLONE", "REACTIDLE", "RIGS", "Along", "Attached", "Mid", "Rig", "detect_rig"]

#: CMU ASF length unit: ``length 0.45`` in the ASF header means 1 unit = (1/0.45) inch.
_ASF_UNIT_MM = 25.4 / 0.45


@dataclass(frozen=True)
class Mid:
    """Mean of the origins of one or more rig joints."""

    joints: tuple[str, ...]


@dataclass(frozen=True)
class Along:
    """A point ``length_mm`` beyond ``anchor`` along the rest-pose ``start → anchor`` direction,
    moving rigidly with ``anchor``'s rotation."""

    anchor: str
    start: str
    length_mm: float


@dataclass(frozen=True)
class Attached:
    """A point at ``offset_mm`` from ``anchor`` in the rest-pose world axes, moving rigidly
    with ``anchor``'s rotation."""

    anchor: str
    offset_mm: tuple[float, float, float]


Recipe = Mid | Along | Attached


@dataclass(frozen=True)
class Rig:
    """A BVH rig: unit, T-pose frame, and the recipe of each H36M-17 joint.

    Attributes:
        name: rig name stored in datasets (``"daz"``, ``"iclone"``, ``"cmu_asf"``).
        unit_mm: millimetres per file unit.
        drop_first_frame: the first frame is a prepended T-pose.
        recipes: one recipe per H36M-17 joint, in H36M order.
        signature: joints whose presence identifies the rig.
    """

    name: str
    unit_mm: float
    drop_first_frame: bool
    recipes: tuple[Recipe, ...]
    signature: tuple[str, ...]

    def required_joints(self) -> list[str]:
        """Every rig joint the recipes read."""
        names: list[str] = []
        for r in self.recipes:
            if isinstance(r, Mid):
                names.extend(r.joints)
            elif isinstance(r, Along):
                names.extend((r.anchor, r.start))
            else:
                names.append(r.anchor)
        return list(dict.fromkeys(names))

    def to_h36m17_mm(self, motion: BvhMotion) -> NDArray[np.float64]:
        """``(F, 17, 3)`` H36M joints in the BVH world frame [mm]."""
        out = np.empty((motion.num_frames, len(self.recipes), 3))
        for j, recipe in enumerate(self.recipes):
            out[:, j] = _evaluate(recipe, motion, self.unit_mm)
        out *= self.unit_mm
        out = place_spine(out)
        return out[1:] if self.drop_first_frame else out


def _evaluate(recipe: Recipe, m: BvhMotion, unit_mm: float) -> NDArray[np.float64]:
    """``(F, 3)`` positions [file units] of one recipe; recipe lengths are in mm."""
    if isinstance(recipe, Mid):
        result: NDArray[np.float64] = np.mean([m.positions[:, m.index(n)] for n in recipe.joints], axis=0)
        return result
    a = m.index(recipe.anchor)
    if isinstance(recipe, Along):
        direction = m.rest_positions[a] - m.rest_positions[m.index(recipe.start)]
        vector = direction / np.linalg.norm(direction) * recipe.length_mm
    else:
        vector = np.asarray(recipe.offset_mm, dtype=np.float64)
    placed: NDArray[np.float64] = (
        m.positions[:, a] + np.einsum("fij,j->fi", m.rotations[:, a], vector) / unit_mm
    )
    return placed


def _limbs(hip: str, knee: str, ankle: str, shoulder: str, elbow: str, wrist: str) -> dict[str, Mid]:
    """Left/right limb recipes from name templates with ``{s}`` for the side letter."""
    out = {}
    for side in ("l", "r"):
        for part, template in zip(
            ("hip", "knee", "ankle", "shoulder", "elbow", "wrist"),
            (hip, knee, ankle, shoulder, elbow, wrist),
            strict=True,
        ):
            out[f"{side}_{part}"] = Mid((template.format(s=side, S=side.upper()),))
    return out


def _rig(
    name: str,
    unit_mm: float,
    drop_first_frame: bool,
    limbs: dict[str, Mid],
    thorax: str,
    nose: Recipe,
    head: str,
    head_top_mm: float,
    signature: Sequence[str],
) -> Rig:
    hips = (limbs["l_hip"].joints[0], limbs["r_hip"].joints[0])
    named: dict[str, Recipe] = {
        **limbs,
        "pelvis": Mid(hips),
        "thorax": Mid((thorax,)),
        "spine": Mid((*hips, thorax, thorax)),  # mid(pelvis, thorax) = (lh + rh + 2 thorax) / 4
        "nose": nose,
        "head_top": Along(head, thorax, head_top_mm),
    }
    return Rig(
        name,
        unit_mm,
        drop_first_frame,
        tuple(named[n] for n in H36M17.joint_names),
        tuple(signature),
    )


DAZ = _rig(
    "daz",
    10.0,
    False,
    _limbs("{s}Thigh", "{s}Shin", "{s}Foot", "{s}Shldr", "{s}ForeArm", "{s}Hand"),
    thorax="neck",
    nose=Mid(("leftEye", "rightEye")),
    head="head",
    head_top_mm=150.0,
    signature=("lThigh", "rShin", "leftEye"),
)

ICLONE = _rig(
    "iclone",
    10.0,
    True,
    _limbs(
        "CC_Base_{S}_Thigh",
        "CC_Base_{S}_Calf",
        "CC_Base_{S}_Foot",
        "CC_Base_{S}_Upperarm",
        "CC_Base_{S}_Forearm",
        "CC_Base_{S}_Hand",
    ),
    thorax="CC_Base_NeckTwist01",
    nose=Mid(("CC_Base_L_Eye", "CC_Base_R_Eye")),
    head="CC_Base_Head",
    head_top_mm=150.0,
    signature=("CC_Base_L_Thigh", "CC_Base_NeckTwist01"),
)

ASF = _rig(
    "cmu_asf",
    _ASF_UNIT_MM,
    False,
    _limbs("{s}femur", "{s}tibia", "{s}foot", "{s}humerus", "{s}radius", "{s}wrist"),
    thorax="lowerneck",
    # The ASF head joint sits ~11 cm higher above the neck base than the daz one (near eye
    # level), so its nose is forward and a little down, and its head top closer.
    nose=Attached("head", (0.0, -30.0, 90.0)),  # rest pose: y up, z forward (toes point +z)
    head="head",
    head_top_mm=100.0,
    signature=("lfemur", "ltibia", "lowerneck"),
)

# ReActIdle's Blender-style rig (metres): ``face`` sits at eye level 178 mm above ``neck``; its
# End Site is only 23 mm in front of it, so the head top is placed like the daz one. The wrist
# is the forearm's End Site, which lies along the rest-pose upper arm → forearm direction.
REACTIDLE = Rig(
    "reactidle",
    1000.0,
    False,
    tuple(
        cast(
            dict[str, Recipe],
            {
                **_limbs("thigh.{S}", "shin.{S}", "foot.{S}", "upper_arm.{S}", "forearm.{S}", "forearm.{S}"),
                "l_wrist": Along("forearm.L", "upper_arm.L", 230.0),
                "r_wrist": Along("forearm.R", "upper_arm.R", 230.0),
                "pelvis": Mid(("thigh.L", "thigh.R")),
                "thorax": Mid(("neck",)),
                "spine": Mid(("thigh.L", "thigh.R", "neck", "neck")),
                "nose": Mid(("face",)),
                "head_top": Along("face", "neck", 150.0),
            },
        )[n]
        for n in H36M17.joint_names
    ),
    ("thigh.L", "shin.L", "spine.001", "face"),
)

#: Known rigs by name.
RIGS: dict[str, Rig] = {r.name: r for r in (DAZ, ICLONE, ASF, REACTIDLE)}


def detect_rig(joint_names: Sequence[str]) -> Rig:
    """The rig whose signature joints all appear in ``joint_names``."""
    present = set(joint_names)
    for rig in RIGS.values():
        if all(j in present for j in rig.signature):
            return rig
    raise DataError(
        "unknown BVH rig: expected the joints of one of "
        f"{ {r.name: list(r.signature) for r in RIGS.values()} }, got {sorted(present)[:10]}..."
    )
