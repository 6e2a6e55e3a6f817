"""Summaries of a mocap dataset: bone lengths per rig and left/right symmetry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abspose.data.mocap.augment import BONE_GROUPS, body_lengths_mm, bone_lengths_mm
from abspose.data.mocap.dataset import MocapDataset
from abspose.skeletons import H36M17

__all__ = ["LIMB_BONES", "BoneStats", "bone_medians_by_rig", "bone_stats_by_rig"]

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


def bone_medians_by_rig(dataset: MocapDataset) -> dict[str, dict[str, float]]:
    """``{rig: {bone group: median length [mm]}}`` over the frames of each rig (groups of
    :data:`~abspose.data.mocap.augment.BONE_GROUPS`, named by their first joint)."""
    rigs = dataset.clip_rigs[dataset.clip_index]
    lengths = body_lengths_mm(dataset.joints_world_mm)  # (N, 17)
    out: dict[str, dict[str, float]] = {}
    for rig in sorted(set(rigs.tolist())):
        med = np.median(lengths[rigs == rig], axis=0)
        out[rig] = {g: float(med[H36M17.index(joints[0])]) for g, joints in BONE_GROUPS.items()}
    return out
