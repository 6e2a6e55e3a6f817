"""How sure the lifter is of each person's depth: a calibrated spread on ``log Z``.

One image cannot tell a tall person far away from a short one nearby, and the lifter's depth
error depends on the input: it grows with 2D noise, with postures far from the training
poses, with foreshortened bodies. A small head (:class:`~abspose.model.network.DepthSpread`)
on the frozen network's last features predicts the scale ``b`` of a Laplace distribution of
the log depth error ``e = log Z - log Z*`` (equal to the error of ``log(Z/f)``), trained by
its negative log-likelihood::

    NLL = |e| / b + log b        (the constant log 2 dropped)

The features enter detached and the rest of the network stays frozen, so the head changes no
pose and no depth: a shipped model gains it after training (:func:`fit_depth_spread`). The
68% and 95% half-widths ``k b`` are then calibrated on held-out people: ``k`` is the 68% and
95% quantile of ``|e| / b`` there (a Laplace law would give :data:`~abspose.model.network.LAPLACE_K`).

A known stature leaves a smaller error, which still grows with ``b`` (2D noise moves the
skeleton's proportions): its own ``k`` for 68% and 95% is measured on the same held-out people
and stored beside the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch
from numpy.typing import NDArray

from abspose.data.mocap.dataset import MocapDataset
from abspose.errors import AbsPoseError
from abspose.model.config import LifterConfig
from abspose.model.loop import epoch_seed
from abspose.model.loss import depth_target
from abspose.model.network import AbsPoseLifter, LifterOutput
from abspose.model.predict import Prediction, predict
from abspose.skeletons import H36M17

__all__ = [
    "SPREAD_TRAIN_FOCAL_PX",
    "SPREAD_TRAIN_NOISE",
    "SpreadFit",
    "depth_log_errors",
    "fit_depth_spread",
    "interval_coverage",
    "spread_nll",
    "with_spread_head",
]

#: The 2D errors the spread head learns from, on this share of the samples (the rest exact):
#: the head must see both to tell clean keypoints from a detector's.
SPREAD_TRAIN_NOISE = ("openpose-mixture", 0.5)
#: Focal lengths [px] of the head's second set of training cameras: from a 110° wide-angle lens
#: to a telephoto, beyond the lifter's training range, so that the head learns what they cost.
SPREAD_TRAIN_FOCAL_PX = (250.0, 8000.0)


def spread_nll(
    output: LifterOutput, joints_cam_mm: torch.Tensor, focal_px: torch.Tensor, config: LifterConfig
) -> torch.Tensor:
    """Mean Laplace negative log-likelihood of the root's log depth error (constant dropped).

    Args:
        output: the network's output (with ``log_spread``).
        joints_cam_mm: ``(B, J, 3)`` true joints in camera coords [mm], H36M-17 root.
        focal_px: ``(B,)`` [px].
        config: the network's (whether ``output.depth`` is ``Z/f`` or ``Z``).

    Returns:
        ``mean(|e| / b + log b)`` with ``e = log(depth) - log(depth*)`` (the depth output
        detached: this loss trains only the spread head).
    """
    if output.log_spread is None:
        raise AbsPoseError(
            "spread_nll: no depth spread in the output; the network needs a head "
            "(LifterConfig.spread_width > 0) and the focal lengths, model(keypoints_px, principal_px, focal)"
        )
    target = depth_target(joints_cam_mm, focal_px, config, H36M17.root_index)
    err = torch.log(output.depth.detach()) - torch.log(target)
    return (err.abs() * torch.exp(-output.log_spread) + output.log_spread).mean()


def depth_log_errors(
    model: AbsPoseLifter,
    keypoints_px: NDArray[np.floating],
    principal_px: NDArray[np.floating],
    focal_px: NDArray[np.floating],
    joints_cam_mm: NDArray[np.floating],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(N,)`` log depth errors ``log Z - log Z*`` and ``(N,)`` predicted scales ``b``.

    Args:
        model: a lifter with a depth-spread head (eval mode is set).
        keypoints_px: ``(N, 17, 2)`` [px]; principal_px: ``(N, 2)``; focal_px: ``(N,)``;
        joints_cam_mm: ``(N, 17, 3)`` the truth [mm].
    """
    if model.spread is None:
        raise AbsPoseError("depth_log_errors: the network has no depth-spread head; see fit_depth_spread")
    return _errors_and_scales(
        predict(model, keypoints_px, principal_px, focal_px), model, focal_px, joints_cam_mm
    )


def _errors_and_scales(
    pred: Prediction,
    model: AbsPoseLifter,
    focal_px: NDArray[np.floating],
    joints_cam_mm: NDArray[np.floating],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A prediction's ``(N,)`` log depth errors and ``(N,)`` scales ``b`` (its 68% half-widths
    over the model's current ``k``)."""
    assert model.spread is not None and pred.depth_log_halfwidth is not None
    root_z = np.asarray(joints_cam_mm, dtype=np.float64)[:, H36M17.root_index, 2]
    err = np.log(pred.canonical_depth) - np.log(root_z / np.asarray(focal_px, dtype=np.float64))
    return err, pred.depth_log_halfwidth[:, 0] / float(model.spread.interval_k.double()[0])


def interval_coverage(
    log_errors: NDArray[np.floating], halfwidth: NDArray[np.floating]
) -> NDArray[np.float64]:
    """Share of ``(N,)`` log errors within ``(N, K)`` (or ``(K,)``) half-widths: ``(K,)``."""
    e = np.abs(np.asarray(log_errors, dtype=np.float64))[:, None]
    hw = np.asarray(halfwidth, dtype=np.float64)
    return np.asarray((e <= (hw if hw.ndim == 2 else hw[None, :])).mean(0))


def with_spread_head(model: AbsPoseLifter, hidden: int = 256) -> AbsPoseLifter:
    """A copy of ``model`` (same weights) with a fresh depth-spread head of ``hidden`` units."""
    if hidden < 1:
        raise AbsPoseError(f"hidden: expected >= 1 units, got {hidden}")
    torch.manual_seed(0)
    out = AbsPoseLifter(replace(model.config, spread_width=hidden))
    own = {k: v for k, v in model.state_dict().items() if not k.startswith("spread.")}
    missing, unexpected = out.load_state_dict(own, strict=False)
    if unexpected or any(not k.startswith("spread.") for k in missing):
        raise AbsPoseError(f"with_spread_head: weights do not fit ({unexpected[:2]}, {missing[:2]})")
    return out.eval()


@dataclass(frozen=True)
class SpreadFit:
    """What :func:`fit_depth_spread` measured on the held-out people.

    Attributes:
        interval_k: ``(2,)`` calibrated 68% and 95% half-widths in units of ``b``.
        laplace_coverage: ``(2,)`` coverage of the uncalibrated Laplace intervals.
        median_b: median predicted ``b`` (a relative depth error).
        mean_abs_error: mean ``|log Z - log Z*|``.
        stature_k: ``(2,)`` 68% and 95% half-widths in units of ``b`` with the stature known.
        history: mean training NLL per epoch.
        samples: held-out samples used for calibration.
    """

    interval_k: tuple[float, float]
    laplace_coverage: tuple[float, float]
    median_b: float
    mean_abs_error: float
    stature_k: tuple[float, float]
    history: tuple[float, ...]
    samples: int


def fit_depth_spread(
    model: AbsPoseLifter,
    train: MocapDataset,
    val: MocapDataset,
    *,
    epochs: int = 12,
    hidden: int = 256,
    lr: float = 1e-3,
    batch_size: int = 512,
    seed: int = 0,
    calibration_views: int = 3,
    on_epoch: Callable[[int, float], None] | None = None,
) -> tuple[AbsPoseLifter, SpreadFit]:
    """Train a depth-spread head on a frozen lifter, then calibrate its intervals.

    Each epoch draws fresh virtual cameras, bodies and postures for the training frames twice:
    with the lifter's cameras and with lenses from :data:`SPREAD_TRAIN_FOCAL_PX`; half the
    samples get the errors of :data:`SPREAD_TRAIN_NOISE` at 0.25-2.5x their size, so that the
    head sees how the error grows with them. The calibration draws the held-out ``val`` people
    ``calibration_views`` times (new cameras and bodies each time), errors at 1x on half.

    Args:
        model: a trained lifter (its weights are copied, never changed).
        train: training frames; val: held-out people for the calibration.
        epochs, hidden, lr, batch_size, seed: the head's training.
        calibration_views: draws of the val frames for the calibration.
        on_epoch: called as ``on_epoch(epoch, mean_nll)``.

    Returns:
        The lifter with its calibrated head (eval mode) and the :class:`SpreadFit`.
    """
    from abspose.geometry.normalize import pose_scale
    from abspose.model.feed import draw_epoch
    from abspose.model.train import TrainConfig
    from abspose.noise.model import load_error_model

    if len(val) == 0:
        raise AbsPoseError("fit_depth_spread: no held-out frames to calibrate on (val is empty)")
    if model.config.num_joints != H36M17.num_joints:
        raise AbsPoseError("fit_depth_spread: expected an H36M-17 lifter")
    net = with_spread_head(model, hidden)
    assert net.spread is not None
    for name, p in net.named_parameters():
        p.requires_grad_(name.startswith("spread."))
    opt = torch.optim.Adam(net.spread.parameters(), lr=lr)
    tc = TrainConfig()
    noise = load_error_model(SPREAD_TRAIN_NOISE[0])
    wide = replace(tc.cameras, focal_px=SPREAD_TRAIN_FOCAL_PX)

    def draw(source: MocapDataset, key: int, training: bool) -> tuple[torch.Tensor, ...]:
        """Training: the shipped cameras plus as many with lenses from wide to long, 2D errors
        at 0.25-2.5x on half the samples; calibration: the shipped cameras, errors at 1x."""
        rng = np.random.default_rng([seed, key])
        parts = []
        for cameras in (tc.cameras, wide) if training else (tc.cameras,):
            a = draw_epoch(
                source, rng, cameras, tc.body, flip=training, postures=tc.postures if training else None
            )
            kp = a.keypoints_px.astype(np.float64)
            noisy = rng.random(len(kp)) < SPREAD_TRAIN_NOISE[1]
            gain = rng.uniform(0.25, 2.5, len(kp)) if training else np.ones(len(kp))
            errors = noise.sample_px(pose_scale(kp), rng) * (gain * noisy)[:, None, None]
            parts.append((kp + errors, a.principal_px, a.focal_px, a.joints_cam_mm, a.stature_mm))
        return tuple(
            torch.from_numpy(np.concatenate(arrays).astype(np.float32)) for arrays in zip(*parts, strict=True)
        )

    history = []
    net.eval()  # the backbone's BatchNorm and dropout as at inference; the head has neither
    for epoch in range(epochs):
        for group in opt.param_groups:
            group["lr"] = lr * (0.1 if epoch >= (2 * epochs) // 3 else 1.0)
        kp, c, f, cam, _ = draw(train, 1_000 + epoch, True)
        order = torch.randperm(len(kp), generator=torch.Generator().manual_seed(epoch_seed(seed, epoch)))
        total, steps = 0.0, 0
        for start in range(0, len(kp) - batch_size + 1, batch_size):
            idx = order[start : start + batch_size]
            loss = spread_nll(net(kp[idx], c[idx], f[idx]), cam[idx], f[idx], net.config)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total, steps = total + float(loss.detach()), steps + 1
        history.append(total / max(steps, 1))
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    for p in net.parameters():
        p.requires_grad_(True)

    draws = [draw(val, 2**31 - 1 - k, False) for k in range(calibration_views)]
    kp, c, f, cam, stature = (torch.cat(parts) for parts in zip(*draws, strict=True))
    pred = predict(net, kp.numpy(), c.numpy(), f.numpy(), root_index=H36M17.root_index)
    assert pred.depth_log_halfwidth is not None
    err, b = _errors_and_scales(pred, net, f.numpy(), cam.numpy())
    k = np.quantile(np.abs(err) / b, [0.68, 0.95])
    laplace = interval_coverage(err, pred.depth_log_halfwidth)  # the uncalibrated Laplace k b
    net.spread.interval_k.copy_(torch.as_tensor(k, dtype=torch.float32))
    # a known stature (the truth's): what remains of the depth error
    gt = cam.numpy().astype(np.float64)
    scaled = pred.with_stature(stature.numpy(), kp.numpy(), f.numpy(), c.numpy())
    stature_err = np.log(scaled.root_cam_mm[:, 2]) - np.log(gt[:, H36M17.root_index, 2])
    stature_k = np.quantile(np.abs(stature_err) / b, [0.68, 0.95])
    net.spread.stature_k.copy_(torch.as_tensor(stature_k, dtype=torch.float32))
    fit = SpreadFit(
        interval_k=(float(k[0]), float(k[1])),
        laplace_coverage=(float(laplace[0]), float(laplace[1])),
        median_b=float(np.median(b)),
        mean_abs_error=float(np.abs(err).mean()),
        stature_k=(float(stature_k[0]), float(stature_k[1])),
        history=tuple(history),
        samples=len(err),
    )
    return net.eval(), fit
