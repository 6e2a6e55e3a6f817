"""One small training loop for the lifter, with atomic checkpoints and exact resume.

Determinism: epoch e draws its samples from ``numpy.random.default_rng([seed, e])`` and seeds
torch (shuffling, dropout) with ``(seed, e)``; a run resumed after epoch e therefore matches an
uninterrupted one. The learning rate follows the paper's step schedule.

Several processes (``torchrun --nproc_per_node N -m abspose.cli train ...``): PyTorch
DistributedDataParallel, gloo on CPU, nccl on GPU. ``batch_size`` stays the global batch; every
process draws the same epoch and takes its own disjoint share of each batch, gradients are
averaged, and only rank 0 writes checkpoints and reports progress. BatchNorm statistics are
per process (not synchronized), so the loss curve matches a single process's closely, not
bit for bit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from abspose._device import resolve_device
from abspose._safetensors import load_optimizer_tensors, optimizer_tensors
from abspose.data.frames import CameraFrames
from abspose.data.mocap.body import BodyModelConfig
from abspose.data.mocap.cameras import VirtualCameraConfig
from abspose.data.mocap.dataset import MocapDataset
from abspose.data.mocap.postures import PostureConfig
from abspose.errors import AbsPoseError
from abspose.metrics import mpjpe, mrpe
from abspose.model.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from abspose.model.config import LifterConfig
from abspose.model.feed import draw_epoch, frames_epoch
from abspose.model.loop import StepSchedule, changed_settings, epoch_seed, make_optimizer, run_epochs
from abspose.model.loss import lifter_loss
from abspose.model.network import AbsPoseLifter
from abspose.model.predict import predict
from abspose.noise.model import load_error_model
from abspose.skeletons import H36M17

__all__ = ["EpochStats", "TrainConfig", "process_rank", "train_lifter"]


@dataclass(frozen=True)
class TrainConfig:
    """Optimization settings (paper Sec. 5.1: RMSprop, lr 1e-3, 1e-4 after 2/3 of the epochs).

    The default optimizer is Adam: PyTorch's RMSprop starts its square average at zero, and
    at lr 1e-3 its first steps pushed the depth output into collapse (after 300 steps at width
    512: depth term 5,379 mm vs 1,094 mm with Adam; pose term 305 mm vs 79 mm). RMSprop at
    3e-4 learns, more slowly (pose 172 mm). ``optimizer="rmsprop"`` remains available.

    Attributes:
        optimizer: ``"adam"`` or ``"rmsprop"``.
        epochs: passes over the training frames, each with fresh cameras and bodies.
        batch_size: samples per step.
        lr: initial learning rate.
        lr_drop_epoch: epoch from which the rate is ``lr * lr_drop_factor``.
        lr_drop_factor: the drop.
        seed: everything random derives from it.
        flip: random horizontal flip about the principal point.
        augment_body: retarget every pose to a body of the body model.
        cameras, body: sampling ranges.
        augment_postures: give a share of the training poses new postures (``postures``).
        threads: torch CPU threads (0: torch's default).
        noise: 2D error model added to the inputs: ``""`` (ground-truth 2D), a shipped name
            (``"openpose-mixture"``, ``"mediapipe-mixture"``, their ``-gaussian``) or a ``.json`` from
            ``abspose fit-errors``; its content is stored in the checkpoint.
        noise_fraction: share of the samples that get the 2D errors (the rest exact 2D).
    """

    optimizer: Literal["adam", "rmsprop"] = "adam"
    epochs: int = 30
    batch_size: int = 256
    lr: float = 1e-3
    lr_drop_epoch: int = 20
    lr_drop_factor: float = 0.1
    seed: int = 0
    flip: bool = True
    augment_body: bool = True
    cameras: VirtualCameraConfig = field(default_factory=VirtualCameraConfig)
    body: BodyModelConfig = field(default_factory=BodyModelConfig)
    augment_postures: bool = True
    postures: PostureConfig = field(default_factory=PostureConfig)
    threads: int = 0
    noise: str = ""
    noise_fraction: float = 1.0

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 2 or self.lr <= 0:
            raise AbsPoseError(f"TrainConfig: expected epochs >= 1, batch_size >= 2, lr > 0, got {self}")
        if not 0.0 <= self.noise_fraction <= 1.0:
            raise AbsPoseError(f"TrainConfig.noise_fraction: expected in [0, 1], got {self.noise_fraction}")
        if self.optimizer not in ("adam", "rmsprop"):
            raise AbsPoseError(f"TrainConfig.optimizer: expected 'adam' or 'rmsprop', got {self.optimizer!r}")

    @property
    def schedule(self) -> StepSchedule:
        """The learning-rate schedule."""
        return StepSchedule(self.lr, self.lr_drop_epoch, self.lr_drop_factor)

    def lr_at(self, epoch: int) -> float:
        """Learning rate of an epoch (0-based)."""
        return self.schedule.at(epoch)


@dataclass(frozen=True)
class EpochStats:
    """Summary of one epoch: mean training loss parts [mm], validation errors [mm], seconds."""

    epoch: int
    loss: float
    depth_loss: float
    pose_loss: float
    val_mpjpe: float
    val_mrpe: float
    seconds: float


def process_rank() -> int:
    """This process's rank under ``torchrun`` (``RANK``), 0 in a plain run: only rank 0 reports
    and writes."""
    import os

    return int(os.environ.get("RANK", "0"))


def _distributed(device: torch.device) -> tuple[int, int, bool, torch.device]:
    """(rank, world size, started here, this process's device): joins the process group when
    launched by ``torchrun`` (nccl for CUDA, one GPU per process by ``LOCAL_RANK``; gloo on CPU)."""
    import os

    import torch.distributed as dist

    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1 or not dist.is_available():
        return 0, 1, False, device
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    started = not dist.is_initialized()
    if started:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return dist.get_rank(), dist.get_world_size(), started, device


def _validate(model: AbsPoseLifter, val: CameraFrames | None) -> tuple[float, float]:
    if val is None:
        return float("nan"), float("nan")
    pred = predict(model, val.keypoints_px, val.principal_px, val.focal_px)
    gt = val.joints_cam_mm.astype(np.float64)
    return mpjpe(pred.joints_cam_mm, gt), mrpe(pred.root_cam_mm, gt[:, H36M17.root_index]).mrpe


def _draw(
    source: MocapDataset | CameraFrames,
    rng: np.random.Generator,
    tc: TrainConfig,
    *,
    training: bool,
    noise: Any,
) -> CameraFrames:
    """An epoch of samples: virtual cameras for motion capture, the frames' own cameras for a
    benchmark's :class:`CameraFrames`. Validation draws no flips (and no body changes)."""
    if isinstance(source, CameraFrames):
        return frames_epoch(
            source, rng, flip=tc.flip and training, noise=noise, noise_fraction=tc.noise_fraction
        )
    return draw_epoch(
        source,
        rng,
        tc.cameras,
        tc.body,
        augment_body=tc.augment_body if training else True,
        flip=tc.flip and training,
        noise=noise,
        postures=tc.postures if training and tc.augment_postures else None,
        noise_fraction=tc.noise_fraction,
    )


def train_lifter(
    train: MocapDataset | CameraFrames,
    config: LifterConfig,
    train_config: TrainConfig,
    *,
    val: MocapDataset | CameraFrames | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = True,
    on_epoch: Callable[[EpochStats], None] | None = None,
    on_step: Callable[[int, int, float], None] | None = None,
    device: str | torch.device = "cpu",
) -> tuple[AbsPoseLifter, list[EpochStats]]:
    """Train a lifter; checkpoint after every epoch; resume from ``checkpoint`` if it exists.

    Args:
        train: training frames: world poses (each epoch seen by new virtual cameras), or a
            benchmark's :class:`~abspose.data.frames.CameraFrames` (their own cameras).
        config: the network.
        train_config: the optimization.
        val: frames for validation after each epoch (fixed cameras from the seed), or None.
        checkpoint: file to write after each epoch (and to resume from).
        resume: continue from an existing ``checkpoint`` (its configs must match).
        on_epoch: called with each epoch's :class:`EpochStats`.
        on_step: called as ``on_step(step, steps_per_epoch, loss)``.
        device: ``"cpu"``, ``"auto"`` (CUDA when available), ``"cuda"``, ``"cuda:1"``... Not part
            of :class:`TrainConfig`: a run may resume on another device. The initial weights and
            the sample order do not depend on it; dropout masks do.

    Returns:
        The trained network (eval mode, on ``device``) and the history of all epochs.
    """
    if len(train) < train_config.batch_size:
        raise AbsPoseError(
            f"training set has {len(train)} frames, fewer than one batch ({train_config.batch_size})"
        )
    if train_config.threads:
        torch.set_num_threads(train_config.threads)
    rank, world, started, dev = _distributed(resolve_device(device))
    if train_config.batch_size % world:
        raise AbsPoseError(
            f"batch_size {train_config.batch_size} is the global batch; it must divide among the "
            f"{world} processes: pick a multiple of {world}"
        )
    torch.manual_seed(train_config.seed)  # the initial weights, the same on every rank
    model = AbsPoseLifter(config).to(dev)
    net: torch.nn.Module = model
    if world > 1:
        ids = [dev.index] if dev.type == "cuda" else None
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)
    opt = make_optimizer(train_config.optimizer, model.parameters(), train_config.lr)
    history: list[EpochStats] = []
    start_epoch = 0
    meta_train = json.dumps(asdict(train_config), sort_keys=True)
    if checkpoint is not None and resume and Path(checkpoint).is_file():
        ckpt = load_checkpoint(checkpoint)
        stored = json.loads(ckpt.meta.get("train_config", "{}"))
        now = json.loads(meta_train)  # the stored form (nested configs as dicts)
        # a run may be extended to more epochs; any other change of settings refuses to resume
        if ckpt.config != config or changed_settings(stored, now, free=("epochs",)):
            raise AbsPoseError(
                f"{checkpoint}: was written with other settings; delete it or pass resume=False "
                f"(stored {ckpt.config}, asked {config})"
            )
        model.load_state_dict(ckpt.model_state)
        load_optimizer_tensors(opt, ckpt.optimizer_state)
        history = [EpochStats(**h) for h in ckpt.meta["history"]]
        start_epoch = int(ckpt.meta["epoch"]) + 1

    noise = load_error_model(train_config.noise) if train_config.noise else None
    val_arrays = None
    if val is not None and len(val):
        val_rng = np.random.default_rng([train_config.seed, 2**31 - 1])
        val_arrays = _draw(val, val_rng, train_config, training=False, noise=noise)

    def train_epoch(epoch: int, gen: torch.Generator) -> EpochStats:
        t0 = time.perf_counter()
        arrays = _draw(
            train, np.random.default_rng([train_config.seed, epoch]), train_config, training=True, noise=noise
        )
        if world > 1:  # the same batch order everywhere, each process its own dropout masks
            torch.manual_seed(epoch_seed(train_config.seed, epoch) * 64 + rank)
        kp, c, f, cam = (
            torch.from_numpy(a).to(dev)
            for a in (arrays.keypoints_px, arrays.principal_px, arrays.focal_px, arrays.joints_cam_mm)
        )
        order = torch.randperm(len(kp), generator=gen).to(dev)
        steps = len(kp) // train_config.batch_size  # drop the last partial batch (BatchNorm)
        net.train()
        sums = np.zeros(3)
        for step in range(steps):
            idx = order[step * train_config.batch_size : (step + 1) * train_config.batch_size]
            idx = idx[rank::world]  # this process's disjoint share of the global batch
            out = net(kp[idx], c[idx])
            loss, parts = lifter_loss(out, cam[idx], f[idx], config, H36M17.root_index)
            opt.zero_grad(set_to_none=True)
            loss.backward()  # DDP: gradients averaged over the processes = the global batch's
            opt.step()
            sums += (float(loss.detach()), parts["depth"], parts["pose"])
            if on_step is not None and rank == 0:
                on_step(step + 1, steps, float(loss.detach()))
        if world > 1:
            import torch.distributed as dist

            total = torch.from_numpy(sums).to(dev)
            dist.all_reduce(total)  # the losses of all processes' shares
            sums = total.cpu().numpy() / world
        val_mpjpe, val_mrpe = _validate(model, val_arrays)
        mean = sums / max(steps, 1)
        stats = EpochStats(
            epoch=epoch,
            loss=float(mean[0]),
            depth_loss=float(mean[1]),
            pose_loss=float(mean[2]),
            val_mpjpe=val_mpjpe,
            val_mrpe=val_mrpe,
            seconds=time.perf_counter() - t0,
        )
        history.append(stats)
        return stats

    def save(epoch: int, stats: EpochStats) -> None:
        if checkpoint is None or rank != 0:
            return
        meta: dict[str, Any] = {
            "epoch": epoch,
            "train_config": meta_train,
            "history": [asdict(h) for h in history],
        }
        if noise is not None:
            meta["noise_model"] = noise.to_json()
        save_checkpoint(checkpoint, Checkpoint(config, model.state_dict(), optimizer_tensors(opt), meta))

    run_epochs(
        opt,
        train_config.schedule,
        seed=train_config.seed,
        start=start_epoch,
        epochs=train_config.epochs,
        train_epoch=train_epoch,
        save=save,
        on_epoch=on_epoch if rank == 0 else None,
    )
    if started:
        import torch.distributed as dist

        dist.barrier()  # the last checkpoint is written before any process leaves
        dist.destroy_process_group()
    return model.eval(), history
