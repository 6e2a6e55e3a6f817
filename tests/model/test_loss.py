"""Eq. 7 by hand: each depth form and the pose term on a two-sample batch."""

from __future__ import annotations

import math

import pytest
import torch

from abspose.model import LifterConfig
from abspose.model.loss import lifter_loss
from abspose.model.network import LifterOutput

# two samples of two joints (root first); focal lengths 1000 and 500 px
JOINTS_MM = torch.tensor(
    [[[100.0, 0.0, 5000.0], [100.0, -400.0, 5100.0]], [[0.0, 50.0, 2000.0], [300.0, 50.0, 2000.0]]],
    dtype=torch.float64,
)
FOCAL_PX = torch.tensor([1000.0, 500.0], dtype=torch.float64)
# true Z/f: 5.0 and 4.0 mm/px; true relative poses: (0, -400, 100) and (300, 0, 0) for joint 1
REL_MM = torch.tensor(
    [[[0.0, 0.0, 0.0], [10.0, -390.0, 100.0]], [[0.0, 0.0, 0.0], [300.0, 0.0, -30.0]]], dtype=torch.float64
)
# |errors| over the 12 coordinates: 10 + 10 + 30 = 50 -> mean 50 / 12 mm
POSE_MM = 50.0 / 12.0


def test_log_depth_loss():
    out = LifterOutput(depth=torch.tensor([5.5, 4.0], dtype=torch.float64), joints_rel_mm=REL_MM)
    loss, parts = lifter_loss(out, JOINTS_MM, FOCAL_PX, LifterConfig(pose_weight=2.0, depth_weight_mm=1000.0))
    depth = 1000.0 * (math.log(5.5 / 5.0) + 0.0) / 2
    assert parts["depth"] == pytest.approx(depth) and parts["pose"] == pytest.approx(POSE_MM)
    assert float(loss) == pytest.approx(depth + 2.0 * POSE_MM)


def test_canonical_l1_depth_loss():
    """The paper's L1 on Z/f [mm/px], weighted depth_weight_mm / 1000 px: 0.5 mm/px at
    f = 1000 px is 500 mm of root depth."""
    out = LifterOutput(depth=torch.tensor([5.5, 3.0], dtype=torch.float64), joints_rel_mm=REL_MM)
    config = LifterConfig(depth_loss="l1", depth_weight_mm=1000.0)
    loss, parts = lifter_loss(out, JOINTS_MM, FOCAL_PX, config)
    depth = (0.5 + 1.0) / 2 * 1000.0 / 1000.0
    assert parts["depth"] == pytest.approx(depth)
    assert float(loss) == pytest.approx(depth + POSE_MM)


def test_direct_depth_loss():
    out = LifterOutput(depth=torch.tensor([5200.0, 1900.0], dtype=torch.float64), joints_rel_mm=REL_MM)
    config = LifterConfig(depth_target="direct", depth_loss="l1")
    loss, parts = lifter_loss(out, JOINTS_MM, FOCAL_PX, config)
    assert parts["depth"] == pytest.approx((200.0 + 100.0) / 2)
    assert float(loss) == pytest.approx(150.0 + POSE_MM)
