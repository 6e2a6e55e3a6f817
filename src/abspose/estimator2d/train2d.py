"""Training the paper's 2D estimator on labelled people: COCO-format files or your own arrays.

Sec. 4.1's recipe: RMSprop, lr 1e-4 (1e-5 after half the epochs), batch 48, 60 epochs,
random translation ±4 px, horizontal flip, 40% colour jitter, ImageNet-initialized
ResNet-152. Each sample's augmentation is drawn from ``(seed, epoch, index)``, so a run gives
the same weights whatever ``workers`` is, and a run resumed from its last checkpoint matches
an uninterrupted one. A checkpoint is written atomically after every epoch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import torch
from numpy.typing import NDArray

from abspose._device import resolve_device
from abspose._safetensors import load_optimizer_tensors, optimizer_tensors
from abspose.errors import AbsPoseError, DataError
from abspose.estimator2d.crop import CropBox, crop_boxes, crop_image
from abspose.estimator2d.integral import (
    HEATMAP_OFFSET,
    HEATMAP_STRIDE,
    IntegralCheckpoint,
    IntegralPoseConfig,
    IntegralPoseNet,
    crops_to_tensor,
    integral_loss,
    load_backbone,
    read_integral,
    save_integral,
)
from abspose.model.loop import StepSchedule, changed_settings, make_optimizer, run_epochs
from abspose.skeletons import get_layout

__all__ = [
    "CocoPeople",
    "LabelledPerson",
    "PeopleSet",
    "Train2DConfig",
    "evaluate_integral",
    "train_integral",
]


@dataclass(frozen=True)
class LabelledPerson:
    """One labelled person.

    Attributes:
        image_rgb: ``(H, W, 3)`` uint8 the image they are in.
        box_px: ``(4,)`` their box ``(x0, y0, x1, y1)`` [px].
        keypoints_px: ``(J, 2)`` their joints [px], in the estimator's layout.
        visible: ``(J,)`` True for labelled joints.
    """

    image_rgb: NDArray[np.uint8]
    box_px: NDArray[np.float64]
    keypoints_px: NDArray[np.float64]
    visible: NDArray[np.bool_]


class PeopleSet(Protocol):
    """What training reads: a sized, indexable collection of :class:`LabelledPerson`."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> LabelledPerson: ...


class CocoPeople:
    """People of a COCO keypoints file (``person_keypoints_*.json``) and its image folder.

    Crowd annotations and people with no labelled keypoint are left out; images are read
    when a person is drawn (constant memory). Other datasets (Human3.6M frames, MPII...) can be
    written in this format, or passed as any :class:`PeopleSet`.
    """

    def __init__(self, annotations: str | Path, images: str | Path, min_keypoints: int = 1) -> None:
        annotations, self.images = Path(annotations), Path(images)
        try:
            doc = json.loads(annotations.read_text())
            files = {im["id"]: im["file_name"] for im in doc["images"]}
            people = [
                a
                for a in doc["annotations"]
                if not a.get("iscrowd", 0) and a.get("num_keypoints", 0) >= min_keypoints
            ]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{annotations}: not a COCO keypoints file ({exc})") from exc
        self._people = [(files[a["image_id"]], a["bbox"], a["keypoints"]) for a in people]
        if not self._people:
            raise DataError(f"{annotations}: no person with {min_keypoints}+ labelled keypoints")

    def __len__(self) -> int:
        return len(self._people)

    def __getitem__(self, index: int) -> LabelledPerson:
        import cv2

        name, (x, y, w, h), flat = self._people[index]
        bgr = cv2.imread(str(self.images / name), cv2.IMREAD_COLOR)
        if bgr is None:
            raise DataError(f"{self.images / name}: missing or unreadable image")
        kp = np.asarray(flat, dtype=np.float64).reshape(-1, 3)  # (17, 3) x, y, v
        box = np.array([x, y, x + w, y + h], dtype=np.float64)
        return LabelledPerson(np.ascontiguousarray(bgr[..., ::-1]), box, kp[:, :2], kp[:, 2] > 0)


@dataclass(frozen=True)
class Train2DConfig:
    """Optimization and augmentation (paper Sec. 4.1 defaults).

    Attributes:
        epochs, batch_size, lr: as in the paper (60, 48, 1e-4).
        lr_drop_epoch, lr_drop_factor: lr × factor from this epoch (30, 0.1).
        optimizer: ``"rmsprop"`` (the paper) or ``"adam"``.
        shift_px: random translation of the crop, ± this many crop pixels.
        flip: random horizontal flip (left/right joints swapped).
        color_jitter: each colour channel scaled by a factor in ``[1 - c, 1 + c]``.
        seed: every random draw derives from it.
        device: ``"auto"`` (CUDA when available), ``"cpu"``, ``"cuda"``...
        workers: data-loading processes (0: in the training process).
    """

    epochs: int = 60
    batch_size: int = 48
    lr: float = 1e-4
    lr_drop_epoch: int = 30
    lr_drop_factor: float = 0.1
    optimizer: Literal["rmsprop", "adam"] = "rmsprop"
    shift_px: float = 4.0
    flip: bool = True
    color_jitter: float = 0.4
    seed: int = 0
    device: str = "auto"
    workers: int = 0

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.lr <= 0 or self.workers < 0:
            raise AbsPoseError(
                f"Train2DConfig: expected epochs, batch_size >= 1, lr > 0, workers >= 0, got {self}"
            )
        if self.optimizer not in ("rmsprop", "adam"):
            raise AbsPoseError(
                f"Train2DConfig.optimizer: expected 'rmsprop' or 'adam', got {self.optimizer!r}"
            )
        if not 0.0 <= self.color_jitter < 1.0 or self.shift_px < 0:
            raise AbsPoseError("Train2DConfig: expected 0 <= color_jitter < 1 and shift_px >= 0")

    @property
    def schedule(self) -> StepSchedule:
        """The learning-rate schedule."""
        return StepSchedule(self.lr, self.lr_drop_epoch, self.lr_drop_factor)

    def lr_at(self, epoch: int) -> float:
        return self.schedule.at(epoch)


class _Crops(torch.utils.data.Dataset[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]):
    """Augmented crops of one epoch: (S, S, 3) uint8, (J, 2) heatmap px, (J,) visible."""

    def __init__(
        self, people: PeopleSet, config: IntegralPoseConfig, train: Train2DConfig, epoch: int
    ) -> None:
        self.people, self.config, self.train, self.epoch = people, config, train, epoch
        self.flip_index = np.asarray(get_layout(config.layout).flip_permutation)

    def __len__(self) -> int:
        return len(self.people)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rng = np.random.default_rng([self.train.seed, self.epoch, index])
        person = self.people[index]
        box = crop_boxes(person.box_px[None], self.config.input_size, self.config.box_scale)[0]
        shift = rng.uniform(-self.train.shift_px, self.train.shift_px, 2) / box.scale  # image px
        box = CropBox((box.centre_px[0] + shift[0], box.centre_px[1] + shift[1]), box.side_px, box.size)
        pixels = crop_image(person.image_rgb, box)  # (S, S, 3)
        xy = box.to_crop(person.keypoints_px)  # (J, 2) crop px
        visible = person.visible.copy()
        if self.train.flip and rng.random() < 0.5:
            pixels = pixels[:, ::-1]
            xy = np.stack([box.size - 1 - xy[:, 0], xy[:, 1]], axis=1)[self.flip_index]
            visible = visible[self.flip_index]
        c = self.train.color_jitter
        gain = rng.uniform(1 - c, 1 + c, 3)
        pixels = np.clip(pixels * gain, 0, 255).astype(np.uint8)
        inside = ((xy >= 0) & (xy <= box.size - 1)).all(axis=1)
        hm = (xy - HEATMAP_OFFSET) / HEATMAP_STRIDE  # (J, 2) heatmap px
        return torch.from_numpy(pixels), torch.from_numpy(hm).float(), torch.from_numpy(visible & inside)


def train_integral(
    people: PeopleSet,
    config: IntegralPoseConfig,
    train: Train2DConfig,
    checkpoint: str | Path,
    *,
    backbone: str | Path | None = None,
    resume: bool = True,
    on_epoch: Callable[[dict[str, Any]], None] | None = None,
    on_step: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Train (or resume) the estimator; returns the history, one dict per epoch.

    Args:
        people: the labelled people.
        config: the network; a resumed checkpoint must have the same.
        train: optimization settings.
        checkpoint: the ``.safetensors`` written after every epoch (and resumed from).
        backbone: ImageNet ResNet weights (torchvision names, safetensors) for a new run.
        resume: continue from ``checkpoint`` when it exists.
        on_epoch: called with each epoch's record. on_step: called with (step, steps per epoch).
    """
    if len(people) == 0:
        raise AbsPoseError("train_integral: no labelled people to train on")
    device = resolve_device(train.device)
    torch.manual_seed(train.seed)
    net = IntegralPoseNet(config)
    if backbone is not None:
        load_backbone(net, backbone)
    net.to(device)
    opt = make_optimizer(train.optimizer, net.parameters(), train.lr)
    history: list[dict[str, Any]] = []
    if resume and Path(checkpoint).is_file():
        ckpt = read_integral(checkpoint)
        # more epochs, other workers or another device are fine; anything else changes the run
        changed = changed_settings(
            ckpt.meta.get("train", {}), asdict(train), free=("epochs", "workers", "device")
        )
        if ckpt.config != config or changed:
            raise AbsPoseError(
                f"{checkpoint}: written with other settings (config {ckpt.config}, changed: {changed}); "
                "delete it or pass resume=False"
            )
        net.load_state_dict(ckpt.model_state)
        load_optimizer_tensors(opt, {k: v.to(device) for k, v in ckpt.optimizer_state.items()})
        history = list(ckpt.meta.get("history", []))

    def train_epoch(epoch: int, order: torch.Generator) -> dict[str, Any]:
        loader = torch.utils.data.DataLoader(
            _Crops(people, config, train, epoch),
            batch_size=train.batch_size,
            shuffle=True,
            generator=order,
            num_workers=train.workers,
            drop_last=len(people) > train.batch_size,
        )
        net.train()
        start, sums, batches = time.perf_counter(), {"loss": 0.0, "coord_px": 0.0, "heatmap": 0.0}, 0
        for step, (pixels, target, visible) in enumerate(loader):
            logits = net(crops_to_tensor(pixels.to(device)))  # (B, J, S/4, S/4)
            loss, parts = integral_loss(logits, target.to(device), visible.to(device), config)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sums["loss"] += float(loss.detach())
            for k, v in parts.items():
                sums[k] += v
            batches += 1
            if on_step is not None:
                on_step(step + 1, len(loader))
        record = {k: v / max(batches, 1) for k, v in sums.items()}
        # coordinate error in crop pixels (heatmap px × stride), the number users compare
        record.update(
            epoch=epoch + 1,
            crop_px=record["coord_px"] * HEATMAP_STRIDE,
            lr=train.lr_at(epoch),
            seconds=time.perf_counter() - start,
        )
        history.append(record)
        return record

    def save(epoch: int, record: dict[str, Any]) -> None:
        meta = {"train": asdict(train), "history": history, "samples": len(people)}
        save_integral(checkpoint, IntegralCheckpoint(config, net.state_dict(), optimizer_tensors(opt), meta))

    run_epochs(
        opt,
        train.schedule,
        seed=train.seed,
        start=len(history),
        epochs=train.epochs,
        train_epoch=train_epoch,
        save=save,
        on_epoch=on_epoch,
    )
    return history


def evaluate_integral(net: IntegralPoseNet, people: Sequence[LabelledPerson]) -> float:
    """Mean joint error [image px] over the visible joints of ``people``, in their true boxes."""
    from abspose.estimator2d.integral_backend import predict_in_crops

    net.eval()
    errors = []
    for person in people:
        crops = crop_boxes(person.box_px[None], net.config.input_size, net.config.box_scale)
        keypoints, _ = predict_in_crops(net, person.image_rgb, crops)
        errors.append(np.linalg.norm(keypoints[0] - person.keypoints_px, axis=1)[person.visible])
    return float(np.concatenate(errors).mean())
