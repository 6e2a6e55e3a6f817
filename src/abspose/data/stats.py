"""Summaries of a mocap dataset: bone lengths per rig and left/right symmetry."""

from __future__ import annotations

from dataclasses import dataclass

from abspose.data.augment import bone_lengths_mm
from abspose.data.dataset import MocapDataset

__all__ = ["LIMB_BONES", "BoneStats", "bone_stats_by_rig"]

#: Limb bones reported, as (name, left child joint, right child joint).
LIMB_BONES: tuple[tuple[str, str, str], ...] = (
    ("thigh", "l_knee", "r_knee"),
    ("shin", "l_ankle", "r_ankle"),
    ("upper_arm", "l_elbow", "r_elbow"),
    ("forearm", "l_wrist", "r_wrist"),
)


@dataclass(frozen=True)
class BoneStats:
    """Mean lengths [mm] of one limb bone on each side, and the relative asymmetry.

    Attributes:
        left_mm, right_mm: mean length over frames.
        asymmetry: ``|left - right| / mean(left, right)``.
        frames: number of frames.
    """

    left_mm: float
    right_mm: float
    asymmetry: float
    frames: int


def bone_stats_by_rig(dataset: MocapDataset) -> dict[str, dict[str, BoneStats]]:
    """``{rig: {bone: BoneStats}}`` for the limb bones of :data:`LIMB_BONES`."""
    rigs = dataset.clip_rigs[dataset.clip_index]
    out: dict[str, dict[str, BoneStats]] = {}
    for rig in sorted(set(rigs.tolist())):
        lengths = bone_lengths_mm(dataset.joints_world_mm[rigs == rig])
        stats = {}
        for name, left, right in LIMB_BONES:
            lm, rm = float(lengths[left].mean()), float(lengths[right].mean())
            stats[name] = BoneStats(lm, rm, abs(lm - rm) / ((lm + rm) / 2.0), int(lengths[left].size))
        out[rig] = stats
    return out
