"""Training the temporal lifter on motion-capture sequences seen by virtual cameras.

Every epoch, every window of ``receptive_field`` consecutive frames of a training clip gets a
new body (the body model, one per window), one virtual camera fixed over the window (drawn
for its centre frame, as the per-frame lifter's cameras), a horizontal flip half the time and,
for a share of the windows, 2D errors from an error model, correlated over time (an AR(1)
process per window with a correlation drawn up to ``max_correlation`` per frame: a real
detector's errors persist over frames, so averaging them away must not be all it learns).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

from abspose.data.mocap.body import BodyModelConfig, retarget, sample_bodies
from abspose.data.mocap.cameras import VirtualCameraConfig, sample_cameras
from abspose.data.mocap.dataset import MocapDataset
from abspose.errors import AbsPoseError, DataError
from abspose.geometry import equations as eq
from abspose.geometry.camera import PinholeCameras
from abspose.geometry.flip import flip_joints_cam, flip_keypoints_px
from abspose.geometry.normalize import pose_scale
from abspose.metrics import mpjpe, mrpe
from abspose.model.loop import StepSchedule, make_optimizer, run_epochs
from abspose.model.loss import lifter_loss
from abspose.model.temporal import TemporalConfig, TemporalLifter, save_temporal
from abspose.noise.model import ErrorModel, load_error_model
from abspose.skeletons import H36M17

__all__ = ["TemporalTrainConfig", "Windows", "draw_windows", "train_temporal", "window_starts"]


@dataclass(frozen=True)
class TemporalTrainConfig:
    """Optimization and sampling settings of :func:`train_temporal`.

    Attributes:
        epochs, batch_size, lr, lr_drop_epoch, lr_drop_factor, seed: as the per-frame lifter's
            (Adam; the rate drops once).
        windows_per_epoch: windows drawn per epoch (0: one per valid start).
        max_windows_per_clip: at most this many windows of one clip per epoch (a new random
            choice each epoch; 0: no cap), so that long idle recordings (ReActIdle, minutes of
            standing) do not outweigh the short CMU clips of walks, runs and sports.
        noise: 2D error model name or file (``""``: exact 2D); noise_fraction: share of the
            windows that get errors. max_correlation: the AR(1) correlation per frame of a
            window's errors is drawn uniformly in ``[0, max_correlation]``.
        cameras, body: the virtual cameras and bodies.
        threads: torch CPU threads (0: torch's default).
    """

    epochs: int = 20
    batch_size: int = 256
    lr: float = 1e-3
    lr_drop_epoch: int = 15
    lr_drop_factor: float = 0.1
    seed: int = 0
    windows_per_epoch: int = 0
    max_windows_per_clip: int = 300
    noise: str = "openpose-mixture"
    noise_fraction: float = 0.5
    max_correlation: float = 0.9
    cameras: VirtualCameraConfig = field(default_factory=VirtualCameraConfig)
    body: BodyModelConfig = field(default_factory=BodyModelConfig)
    threads: int = 0

    def __post_init__(self) -> None:
        if (
            self.epochs < 1
            or self.batch_size < 2
            or self.lr <= 0
            or min(self.windows_per_epoch, self.max_windows_per_clip) < 0
        ):
            raise AbsPoseError(
                f"TemporalTrainConfig: expected epochs >= 1, batch_size >= 2, lr > 0, got {self}"
            )
        if not (0.0 <= self.noise_fraction <= 1.0 and 0.0 <= self.max_correlation < 1.0):
            raise AbsPoseError(
                "TemporalTrainConfig: expected noise_fraction in [0, 1] and max_correlation in [0, 1), "
                f"got {self.noise_fraction} and {self.max_correlation}"
            )


def window_starts(dataset: MocapDataset, frames: int) -> NDArray[np.int64]:
    """Rows where ``frames`` consecutive frames of one clip begin (``frame_index`` steps of 1)."""
    n = len(dataset.clip_index)
    if n < frames:
        return np.zeros(0, dtype=np.int64)
    rows = np.arange(n - frames + 1)
    end = rows + frames - 1
    same = dataset.clip_index[rows] == dataset.clip_index[end]
    steady = dataset.frame_index[end] - dataset.frame_index[rows] == frames - 1
    result: NDArray[np.int64] = rows[same & steady].astype(np.int64)
    return result


@dataclass(frozen=True)
class Windows:
    """N windows of T frames, each seen by one camera.

    Attributes:
        keypoints_px: ``(N, T, 17, 2)``. joints_cam_mm: ``(N, T, 17, 3)`` the truth.
        principal_px: ``(N, 2)``. focal_px: ``(N,)``.
    """

    keypoints_px: NDArray[np.float32]
    joints_cam_mm: NDArray[np.float32]
    principal_px: NDArray[np.float32]
    focal_px: NDArray[np.float32]


def draw_windows(
    dataset: MocapDataset,
    starts: NDArray[np.int64],
    frames: int,
    rng: np.random.Generator,
    cameras: VirtualCameraConfig | None = None,
    body: BodyModelConfig | None = None,
    *,
    noise: ErrorModel | None = None,
    noise_fraction: float = 1.0,
    max_correlation: float = 0.0,
    flip: bool = True,
) -> Windows:
    """The windows of ``frames`` rows from each start, on new bodies, through one virtual camera
    each (drawn for the centre frame), mirrored half the time (``flip``), with 2D errors."""
    n = len(starts)
    rows = starts[:, None] + np.arange(frames)[None, :]  # (N, T)
    world = dataset.joints_world_mm[rows.ravel()].astype(np.float64)  # (N*T, 17, 3)
    lengths = sample_bodies(n, rng, body).bone_lengths_mm  # (N, 17)
    world = retarget(world, np.repeat(lengths, frames, 0)).reshape(n, frames, 17, 3)
    centre = frames // 2
    floor = dataset.floor_y_mm[rows[:, centre]]
    try:
        view = sample_cameras(world[:, centre], floor, rng, cameras or VirtualCameraConfig())
    except DataError as exc:
        raise DataError(f"draw_windows: {exc}") from exc
    assert view.rot_world_to_cam is not None and view.cam_center_world_mm is not None
    R, C = view.rot_world_to_cam, view.cam_center_world_mm  # (N, 3, 3), (N, 3)
    cam = np.einsum("nij,ntkj->ntki", R, world - C[:, None, None, :])  # (N, T, 17, 3)
    cam[..., 2] = np.maximum(cam[..., 2], 100.0)  # a frame that came nearer than 10 cm: kept in front
    f, c = view.focal_px.astype(np.float64), view.principal_px.astype(np.float64)
    kp = PinholeCameras(np.stack([f, f], axis=-1), c).project(cam)  # (N, T, 17, 2)
    if flip:
        mirror = rng.random(n) < 0.5
        if mirror.any():
            m = int(mirror.sum())
            kp[mirror] = flip_keypoints_px(
                kp[mirror].reshape(m * frames, 17, 2), np.repeat(c[mirror, 0], frames)
            ).reshape(m, frames, 17, 2)
            cam[mirror] = flip_joints_cam(cam[mirror].reshape(m * frames, 17, 3)).reshape(m, frames, 17, 3)
    if noise is not None:
        flat = kp.reshape(n * frames, 17, 2)
        errors = noise.sample_px(pose_scale(flat), rng).reshape(n, frames, 17, 2)
        rho = rng.uniform(0.0, max_correlation, n)[:, None, None]
        for t in range(1, frames):  # AR(1): the same spread per frame, correlated over time
            errors[:, t] = rho * errors[:, t - 1] + np.sqrt(1.0 - rho**2) * errors[:, t]
        errors *= (rng.random(n) < noise_fraction)[:, None, None, None]
        kp = kp + errors
    return Windows(kp.astype(np.float32), cam.astype(np.float32), c.astype(np.float32), f.astype(np.float32))


def _validation(model: TemporalLifter, val: Windows) -> tuple[float, float]:
    """MPJPE (root-relative) and MRPE [mm] of the lifted frames of ``val``'s windows."""
    t = model.config.target_offset
    model.eval()
    with torch.inference_mode():
        out = model(torch.from_numpy(val.keypoints_px), torch.from_numpy(val.principal_px))
    truth = val.joints_cam_mm[:, t].astype(np.float64)
    kp_root = val.keypoints_px[:, t, H36M17.root_index].astype(np.float64)
    root = eq.root_position(
        kp_root, val.principal_px.astype(np.float64), out.depth.double().numpy(), val.focal_px
    )
    pose_error = float(mpjpe(out.joints_rel_mm.double().numpy(), truth))  # root-aligned
    return pose_error, mrpe(root, truth[:, H36M17.root_index]).mrpe


def train_temporal(
    train: MocapDataset,
    config: TemporalConfig,
    train_config: TemporalTrainConfig,
    out: str | Path,
    *,
    val: MocapDataset | None = None,
    on_epoch: Callable[[dict[str, Any]], None] | None = None,
) -> TemporalLifter:
    """Train a temporal lifter on ``train``'s clips; writes ``out`` after every epoch (the
    config, the weights and each epoch's numbers in its metadata). Returns the network."""
    if train_config.threads:
        torch.set_num_threads(train_config.threads)
    rf = config.receptive_field
    starts = window_starts(train, rf)
    if len(starts) == 0:
        raise AbsPoseError(f"train_temporal: no clip has {rf} consecutive frames")
    noise = load_error_model(train_config.noise) if train_config.noise else None
    tc = train_config
    val_windows = None
    if val is not None and len(val_starts := window_starts(val, rf)):
        pick = np.random.default_rng([tc.seed, 99]).permutation(val_starts)[:2000]
        val_windows = draw_windows(
            val, np.sort(pick), rf, np.random.default_rng([tc.seed, 98]), tc.cameras, tc.body,
            noise=noise, noise_fraction=tc.noise_fraction, max_correlation=tc.max_correlation,
        )  # fmt: skip
    torch.manual_seed(tc.seed)
    model = TemporalLifter(config)
    optimizer = make_optimizer("adam", model.parameters(), tc.lr)
    frame_config = config.frame_config()
    history: list[dict[str, Any]] = []

    def train_epoch(epoch: int, gen: torch.Generator) -> dict[str, Any]:
        begin = time.perf_counter()
        rng = np.random.default_rng([tc.seed, epoch])
        chosen = rng.permutation(starts)
        if tc.max_windows_per_clip:
            clip = train.clip_index[chosen]
            rank = np.empty(len(chosen), dtype=np.int64)  # each window's place among its clip's
            by_clip = np.argsort(clip, kind="stable")
            first = np.searchsorted(clip[by_clip], clip[by_clip])
            rank[by_clip] = np.arange(len(by_clip)) - first
            chosen = chosen[rank < tc.max_windows_per_clip]
        if tc.windows_per_epoch:
            chosen = chosen[: tc.windows_per_epoch]
        windows = draw_windows(
            train, chosen, rf, rng, tc.cameras, tc.body,
            noise=noise, noise_fraction=tc.noise_fraction, max_correlation=tc.max_correlation,
        )  # fmt: skip
        kp, principal = torch.from_numpy(windows.keypoints_px), torch.from_numpy(windows.principal_px)
        target = torch.from_numpy(windows.joints_cam_mm[:, config.target_offset])
        focal = torch.from_numpy(windows.focal_px)
        model.train()
        order = torch.randperm(len(chosen), generator=gen)
        total, parts, steps = 0.0, {"depth": 0.0, "pose": 0.0}, 0
        for b in range(0, len(order) - 1, tc.batch_size):
            idx = order[b : b + tc.batch_size]
            if len(idx) < 2:
                continue
            loss, part = lifter_loss(model(kp[idx], principal[idx]), target[idx], focal[idx], frame_config)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach())
            parts = {k: parts[k] + part[k] for k in parts}
            steps += 1
        record: dict[str, Any] = {
            "epoch": epoch,
            "loss": total / max(steps, 1),
            "depth_loss": parts["depth"] / max(steps, 1),
            "pose_loss": parts["pose"] / max(steps, 1),
            "windows": len(chosen),
        }
        if val_windows is not None:
            record["val_mpjpe"], record["val_mrpe"] = _validation(model, val_windows)
        record["seconds"] = time.perf_counter() - begin
        return record

    def save(epoch: int, record: dict[str, Any]) -> None:
        history.append(record)
        meta = {"train_config": _jsonable(asdict(tc)), "history": history, "epochs": epoch + 1}
        save_temporal(out, model, meta)

    schedule = StepSchedule(tc.lr, tc.lr_drop_epoch, tc.lr_drop_factor)
    run_epochs(
        optimizer, schedule, seed=tc.seed, start=0, epochs=tc.epochs, train_epoch=train_epoch, save=save,
        on_epoch=on_epoch,
    )  # fmt: skip
    return model.eval()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
