"""One stature (and one skeleton) per person over a sequence, against the per-frame lifter,
with ground truth.

Usage: ``python benchmarks/track_stature.py DATASET.npz [--clips 30] [--frames 150]``
(DATASET from ``abspose data build``). Each test-split clip gets one body (the body model)
and one fixed virtual camera for its whole length (drawn for its first frame); its 2D gets
``openpose-mixture`` errors and is lifted frame by frame by the detector model. Scored per
frame against the truth: MPJPE, PA-MPJPE [mm], root depth error (%), the frame-to-frame root
depth change [mm] and the bones' variation over time (mean CV of the 16 bones per clip), for:

- the per-frame lifter;
- the track stature (:class:`abspose.pipeline.tracking.TrackStature`, what ``track_video`` does);
- the track stature plus a track skeleton: every bone at its running median length, each
  frame's bone directions kept (``--skeleton``; not in the pipeline, measured here).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from abspose import lift
from abspose.api import default_model_path
from abspose.data import MocapDataset, VirtualCameraConfig, split_subjects
from abspose.data.mocap.augment import ANKLE_HEIGHT_MM, body_lengths_mm
from abspose.data.mocap.body import retarget, sample_bodies
from abspose.data.mocap.cameras import sample_cameras
from abspose.errors import DataError
from abspose.geometry import pose_scale
from abspose.metrics import mpjpe, pa_mpjpe
from abspose.model.predict import implied_stature_mm
from abspose.noise.model import load_error_model
from abspose.pipeline.tracking import TrackSkeleton, TrackStature
from abspose.skeletons import H36M17


def _on_track_skeleton(joints_mm: np.ndarray) -> np.ndarray:
    """``(T, 17, 3)`` one track's frames through :class:`TrackSkeleton`, as ``track_video``."""
    skeleton, track = TrackSkeleton(), np.zeros(1, dtype=np.int64)
    root = joints_mm[:, H36M17.root_index : H36M17.root_index + 1]
    rel = joints_mm - root
    return np.concatenate([skeleton(track, rel[t : t + 1]) for t in range(len(rel))]) + root


def fixed_camera_clip(data: MocapDataset, clip: int, frames: int, rng: np.random.Generator):
    """Up to ``frames`` frames of one clip on one sampled body, seen by one fixed virtual camera
    that sees every frame: ``(joints_cam_mm, keypoints_px, focal_px, principal_px, up_cam)``
    (``up_cam``: the world's up in camera coordinates), or None."""
    rows = np.flatnonzero(data.clip_index == clip)[:frames]
    if len(rows) < 30:
        return None
    P = data.joints_world_mm[rows].astype(np.float64)
    body = sample_bodies(1, rng)
    P = retarget(P, np.repeat(body.bone_lengths_mm, len(P), 0))
    floor = data.floor_y_mm[rows]
    for _ in range(20):  # a camera that sees the whole clip
        try:
            first = sample_cameras(P[:1], floor[:1], rng, VirtualCameraConfig(distance_mm=(4000.0, 10000.0)))
        except DataError:
            continue
        assert first.rot_world_to_cam is not None and first.cam_center_world_mm is not None
        R, C = first.rot_world_to_cam[0], first.cam_center_world_mm[0]
        f, c, size = first.focal_px[0], first.principal_px[0], first.image_size_px[0]
        cam = (P - C) @ R.T
        if (cam[..., 2] < 500).any():
            continue
        kp = f * cam[..., :2] / cam[..., 2:] + c
        if (kp >= 0).all() and (kp[..., 0] <= size[0]).all() and (kp[..., 1] <= size[1]).all():
            return cam, kp, f, c, R[:, 1]
    return None


def clip_arguments(description: str) -> argparse.Namespace:
    """``DATASET [--clips N] [--frames N] [--seed N]``, as the clip benchmarks take them."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("dataset")
    parser.add_argument("--clips", type=int, default=30)
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def fixed_camera_clips(data: MocapDataset, clips: int, frames: int, rng: np.random.Generator):
    """Up to ``clips`` of :func:`fixed_camera_clip`, over the clips in a random order (drawn
    lazily from ``rng``, interleaved with what the caller draws between them)."""
    used = 0
    for clip in rng.permutation(len(data.clip_names)):
        if used == clips:
            return
        seq = fixed_camera_clip(data, int(clip), frames, rng)
        if seq is not None:
            used += 1
            yield seq


def main() -> None:
    args = clip_arguments(__doc__.splitlines()[0])
    data = MocapDataset.load(args.dataset).select_subjects(split_subjects("test"))
    rng = np.random.default_rng(args.seed)
    noise = load_error_model("openpose-mixture")
    model = default_model_path("detector")
    names = (
        "per frame",
        "track stature",
        "track stature, weighted",
        "+ track skeleton",
        "track skeleton alone",
    )
    rows: dict[str, dict[str, list[float]]] = {k: {} for k in names}
    used = 0
    for cam, kp, f, c, _ in fixed_camera_clips(data, args.clips, args.frames, rng):
        used += 1
        kp = kp + noise.sample_px(pose_scale(kp), rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = lift(kp, focal_px=f, principal_px=c, model=model, flip_test=True)
        J = r.joints_cam_mm
        ids = np.zeros(1, dtype=np.int64)
        ts = TrackStature()
        implied = implied_stature_mm(J, kp, np.full(len(J), f), np.tile(c, (len(J), 1)))
        held = np.array([ts(ids, implied[t : t + 1])[0] for t in range(len(J))])
        factor = (held - ANKLE_HEIGHT_MM) / (implied - ANKLE_HEIGHT_MM)
        Js = J * factor[:, None, None]
        tw, weight = TrackStature(), 1.0 / r.depth_sigma**2  # weighted by the depth intervals
        held_w = np.array([tw(ids, implied[t : t + 1], weight[t : t + 1])[0] for t in range(len(J))])
        Jw = J * ((held_w - ANKLE_HEIGHT_MM) / (implied - ANKLE_HEIGHT_MM))[:, None, None]
        Jk, Ja = _on_track_skeleton(Js), _on_track_skeleton(J)
        for name, pred in (("per frame", J), ("track stature", Js), ("track stature, weighted", Jw),
                           ("+ track skeleton", Jk), ("track skeleton alone", Ja)):  # fmt: skip
            bones = body_lengths_mm(pred)[:, [j for j in range(17) if j != H36M17.root_index]]
            out = rows[name]
            for key, value in (
                ("mpjpe", float(np.mean(mpjpe(pred, cam)))),
                ("pa", float(np.mean(pa_mpjpe(pred, cam)))),
                ("depth", 100 * float(np.mean(np.abs(pred[:, 0, 2] / cam[:, 0, 2] - 1)))),
                ("step", float(np.mean(np.abs(np.diff(pred[:, 0, 2]))))),
                ("truth_step", float(np.mean(np.abs(np.diff(cam[:, 0, 2]))))),
                ("cv", 100 * float(np.mean(bones.std(0) / bones.mean(0)))),
            ):
                out.setdefault(key, []).append(value)
    print(f"{used} test clips of up to {args.frames} frames, detector model, openpose-mixture 2D")
    print(
        "| | MPJPE | PA-MPJPE | root depth error | root depth change per frame (truth) | bone CV over time |"
    )
    print("|---|---|---|---|---|---|")
    for name, out in rows.items():
        m = {k: np.mean(v) for k, v in out.items()}
        print(f"| {name} | {m['mpjpe']:.1f} | {m['pa']:.1f} | {m['depth']:.2f}% | "
              f"{m['step']:.0f} mm ({m['truth_step']:.0f}) | {m['cv']:.2f}% |")  # fmt: skip


if __name__ == "__main__":
    main()
