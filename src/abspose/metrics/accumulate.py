"""Accumulate pose errors over batches, grouped by action, subject or any label.

Like torchmetrics' stateful metrics: keep sums and counts, compute at the end.

>>> import numpy as np
>>> acc = PoseErrorAccumulator()
>>> gt = np.zeros((2, 17, 3)); pred = gt.copy(); pred[1, 3] = [0, 0, 17.0]
>>> acc.update(pred, gt, groups=["walk", "run"])
>>> acc.compute()["run"].mpjpe, acc.compute()["all"].count
(1.0, 2)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from abspose.errors import ShapeError
from abspose.metrics.functional import (
    PCK_THRESHOLD_MM,
    auc,
    joint_errors,
    pa_mpjpe,
)
from abspose.skeletons import H36M17, Skeleton

__all__ = ["GroupErrors", "PoseErrorAccumulator"]

_FIELDS = ("mpjpe", "pa_mpjpe", "pck3d", "auc", "root_x", "root_y", "root_z", "mrpe")


@dataclass(frozen=True)
class GroupErrors:
    """Mean errors of one group. Root fields are NaN when no roots were given.

    Attributes:
        mpjpe, pa_mpjpe: [mm]. pck3d, auc: [%]. mrpe, root_x, root_y, root_z: [mm].
        count: number of poses.
    """

    mpjpe: float
    pa_mpjpe: float
    pck3d: float
    auc: float
    mrpe: float
    root_x: float
    root_y: float
    root_z: float
    count: int


class PoseErrorAccumulator:
    """Sums of per-pose errors and counts, per group and over ``"all"``."""

    def __init__(self, skeleton: Skeleton = H36M17, threshold_mm: float = PCK_THRESHOLD_MM) -> None:
        self.skeleton = skeleton
        self.threshold_mm = threshold_mm
        self._sums: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(_FIELDS, 0.0))
        self._counts: dict[str, int] = defaultdict(int)
        self._root_counts: dict[str, int] = defaultdict(int)

    def update(
        self,
        pred_mm: Any,
        gt_mm: Any,
        *,
        pred_root_mm: Any = None,
        gt_root_mm: Any = None,
        groups: Sequence[str] | None = None,
    ) -> None:
        """Add a batch: ``(N, J, 3)`` poses, optional ``(N, 3)`` roots and N group labels."""
        err = joint_errors(pred_mm, gt_mm, skeleton=self.skeleton)  # (N, J)
        if err.ndim != 2:
            raise ShapeError(f"pred_mm: expected a batch (N, J, 3), got {np.shape(pred_mm)}")
        n = err.shape[0]
        labels = list(groups) if groups is not None else ["all"] * n
        if len(labels) != n:
            raise ShapeError(f"groups: expected {n} labels, got {len(labels)}")
        per_pose = {
            "mpjpe": err.mean(-1),
            "pa_mpjpe": pa_mpjpe(pred_mm, gt_mm, reduction="none"),
            "pck3d": 100.0 * (err <= self.threshold_mm).mean(-1),
            "auc": auc(pred_mm, gt_mm, skeleton=self.skeleton, reduction="none"),
        }
        has_root = pred_root_mm is not None and gt_root_mm is not None
        if has_root:
            diff = np.asarray(pred_root_mm, dtype=np.float64) - np.asarray(gt_root_mm, dtype=np.float64)
            if diff.shape != (n, 3):
                raise ShapeError(f"pred_root_mm, gt_root_mm: expected ({n}, 3), got {diff.shape}")
            per_pose["mrpe"] = np.linalg.norm(diff, axis=-1)
            for k, axis in zip(("root_x", "root_y", "root_z"), range(3), strict=True):
                per_pose[k] = np.abs(diff[:, axis])
        names, inverse = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
        group_counts = np.bincount(inverse, minlength=len(names))
        group_sums = {f: np.bincount(inverse, weights=v, minlength=len(names)) for f, v in per_pose.items()}
        for g, name in enumerate(names.tolist()):
            self._add(
                name,
                int(group_counts[g]),
                has_root,
                {f: float(v[g]) for f, v in group_sums.items()},
            )
        if "all" not in names:
            self._add("all", n, has_root, {f: float(v.sum()) for f, v in per_pose.items()})

    def _add(self, key: str, count: int, has_root: bool, sums: dict[str, float]) -> None:
        self._counts[key] += count
        self._root_counts[key] += count if has_root else 0
        for field, value in sums.items():
            self._sums[key][field] += value

    def compute(self) -> dict[str, GroupErrors]:
        """Mean errors per group label, plus ``"all"``."""
        out = {}
        for key, count in self._counts.items():
            sums = self._sums[key]
            rc = self._root_counts[key]
            values = {
                f: (sums[f] / rc if rc else float("nan"))
                if f in ("mrpe", "root_x", "root_y", "root_z")
                else sums[f] / count
                for f in _FIELDS
            }
            out[key] = GroupErrors(count=count, **values)
        return out
