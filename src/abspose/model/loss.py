"""The canonical loss (paper Eq. 7) and its direct-depth variant."""

from __future__ import annotations

import torch

from abspose.geometry import equations as eq
from abspose.model.config import LifterConfig
from abspose.model.network import LifterOutput

__all__ = ["L1_DEPTH_UNIT_PX", "depth_target", "lifter_loss"]

#: The ``"l1"`` canonical depth term is the paper's ``mean |Z~ - Z~*|`` [mm/px] times
#: ``depth_weight_mm / L1_DEPTH_UNIT_PX``: the default weight (1000) leaves the paper's term as is.
L1_DEPTH_UNIT_PX = 1000.0


def depth_target(
    joints_cam_mm: torch.Tensor, focal_px: torch.Tensor, config: LifterConfig, root_index: int = 0
) -> torch.Tensor:
    """What the depth output regresses for ``(B, J, 3)`` true joints [mm] and ``(B,)`` focal
    lengths [px]: the ``(B,)`` canonical depth ``Z/f`` [mm/px], or ``Z`` [mm] for the direct target."""
    root_z = joints_cam_mm[:, root_index, 2]  # (B,)
    return eq.canonical_depth(root_z, focal_px) if config.depth_target == "canonical" else root_z


def lifter_loss(
    output: LifterOutput,
    joints_cam_mm: torch.Tensor,
    focal_px: torch.Tensor,
    config: LifterConfig,
    root_index: int = 0,
) -> tuple[torch.Tensor, dict[str, float]]:
    """Eq. 7: ``depth term + λ · mean |P~ - P~*|``, both in millimetres (see LifterConfig).

    Args:
        output: the network's output for the batch.
        joints_cam_mm: ``(B, J, 3)`` ground-truth joints in camera coords [mm].
        focal_px: ``(B,)`` focal lengths [px].
        config: weights and the depth target.
        root_index: the root joint.

    Returns:
        The scalar loss and its parts ``{"depth": ..., "pose": ...}`` (both mm).
    """
    target = depth_target(joints_cam_mm, focal_px, config, root_index)
    if config.depth_loss == "log":
        depth = (torch.log(output.depth) - torch.log(target)).abs().mean() * config.depth_weight_mm
    elif config.depth_target == "canonical":
        depth = (output.depth - target).abs().mean() * (config.depth_weight_mm / L1_DEPTH_UNIT_PX)
    else:
        depth = (output.depth - target).abs().mean()
    rel_gt = joints_cam_mm - joints_cam_mm[:, root_index : root_index + 1]  # (B, J, 3)
    pose = (output.joints_rel_mm - rel_gt).abs().mean()
    loss = depth + config.pose_weight * pose
    return loss, {"depth": float(depth.detach()), "pose": float(pose.detach())}
