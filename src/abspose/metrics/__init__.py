"""Pose metrics: MPJPE, PA-MPJPE, MRPE (with X/Y/Z), 3DPCK, AUC, and grouped accumulation."""

from abspose.metrics.accumulate import GroupErrors, PoseErrorAccumulator
from abspose.metrics.functional import (
    AUC_THRESHOLDS_MM,
    PCK_THRESHOLD_MM,
    RootErrors,
    auc,
    joint_errors,
    mpjpe,
    mrpe,
    pa_mpjpe,
    pck3d,
    procrustes_align,
)

__all__ = [
    "AUC_THRESHOLDS_MM",
    "PCK_THRESHOLD_MM",
    "GroupErrors",
    "PoseErrorAccumulator",
    "RootErrors",
    "auc",
    "joint_errors",
    "mpjpe",
    "mrpe",
    "pa_mpjpe",
    "pck3d",
    "procrustes_align",
]
