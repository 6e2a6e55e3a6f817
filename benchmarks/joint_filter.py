"""The One-Euro joint filter (``abspose video --joint-filter one-euro``, on by default with
``--realtime``) against the per-frame lifter: accuracy, smoothness and lag.

Usage: ``python benchmarks/joint_filter.py DATASET.npz [--clips 30] [--frames 150]
[--video]`` (DATASET from ``abspose data build``). Each test-split clip gets one body and one
fixed virtual camera (as ``benchmarks/track_stature.py``); its 2D gets ``openpose-mixture``
errors, drawn either independently per frame or correlated over time (an AR(1) process,
rho = 0.8 per frame at 30 frames/s: a real detector's errors persist over a few frames),
and is lifted frame by frame by the detector model, then filtered causally with the frames'
times: a One-Euro filter on every joint alike, or the pelvis low-passed and the pose relative
to it One-Euro filtered apart (:class:`abspose.pipeline.PoseFilter`, what ``--joint-filter
one-euro`` runs). Scored against the truth: MPJPE and MRPE [mm], the acceleration error (mean over
joints and frames of ``|a_pred - a_true|``, a = second difference, mm/frame^2, as
VideoPose3D), and the pose's lag: the delay [ms] that best aligns the filtered root-relative
joints with the truth (MPJPE is root-relative; the pelvis's own lag is ``1 / (2 pi fc)``, the
root's cutoff, exactly).
``--video`` also runs the shipped Sports2D clip (MediaPipe) with and without the filter and
reports the joints' mean acceleration, the bones' variation over time and the depth change per
frame (no truth there).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from track_stature import clip_arguments, fixed_camera_clips  # benchmarks/: the same clips

from abspose import lift
from abspose.api import default_model_path
from abspose.data import MocapDataset, split_subjects
from abspose.data.mocap.augment import body_lengths_mm
from abspose.geometry import pose_scale
from abspose.metrics import mpjpe
from abspose.noise.model import load_error_model
from abspose.pipeline import OneEuroFilter, PoseFilter
from abspose.pipeline.tracking import TrackSkeleton
from abspose.skeletons import H36M17

SETTINGS = {  # name: a new filter for one track; None: the per-frame lifter
    "per frame": None,
    "one-euro on every joint alike (1.5 Hz, beta 0.002)": lambda: OneEuroFilter(
        min_cutoff_hz=1.5, beta=0.002
    ),
    "root 1.5 Hz + pose one-euro 2 Hz, beta 0.005 (default)": PoseFilter,
    "root 1 Hz + pose one-euro 2 Hz, beta 0.005": lambda: PoseFilter(root=OneEuroFilter(1.0, 0.0)),
    "root 2 Hz + pose one-euro 2 Hz, beta 0.005": lambda: PoseFilter(root=OneEuroFilter(2.0, 0.0)),
    "root 1.5 Hz + pose one-euro 3 Hz, beta 0.01": lambda: PoseFilter(pose=OneEuroFilter(3.0, 0.01)),
    "root 1.5 Hz + pose low-pass 2 Hz (beta 0)": lambda: PoseFilter(pose=OneEuroFilter(2.0, 0.0)),
}


def filtered(joints_mm: np.ndarray, fps: float, make: Callable[[], Any] | None) -> np.ndarray:
    """``(T, 17, 3)`` one track's joints through a new filter (as ``track_video`` applies it)."""
    if make is None:
        return joints_mm
    filt, ids = make(), np.zeros(1, dtype=np.int64)
    return np.concatenate([filt(ids, joints_mm[t : t + 1], t / fps) for t in range(len(joints_mm))])


def on_track_skeleton(joints_mm: np.ndarray, directions_mm: np.ndarray) -> np.ndarray:
    """``(T, 17, 3)`` as ``track_video`` with its track skeleton: ``directions_mm``'s directions
    and root on ``joints_mm``'s running median bones."""
    skeleton, ids, r = TrackSkeleton(), np.zeros(1, dtype=np.int64), H36M17.root_index
    rel, root = joints_mm - joints_mm[:, r : r + 1], directions_mm[:, r : r + 1]
    out = [skeleton(ids, rel[t : t + 1], directions_mm[t : t + 1] - root[t : t + 1]) for t in range(len(rel))]
    return np.concatenate(out) + root


def acceleration_error(pred: np.ndarray, truth: np.ndarray) -> float:
    """Mean ``|a_pred - a_true|`` over joints and frames [mm/frame^2]."""
    accel = lambda x: x[2:] - 2 * x[1:-1] + x[:-2]  # noqa: E731
    return float(np.linalg.norm(accel(pred) - accel(truth), axis=-1).mean())


def clip_scores(pred: np.ndarray, truth: np.ndarray, fps: float) -> dict[str, float]:
    """One clip's ``(T, 17, 3)`` prediction against the truth [mm]: MPJPE, MRPE, root depth
    error [%], acceleration error, the pose's lag [ms] and the bones' CV over time [%]."""
    bones = body_lengths_mm(pred)[:, [j for j in range(17) if j != H36M17.root_index]]
    return {
        "mpjpe": float(np.mean(mpjpe(pred, truth))),
        "mrpe": float(np.linalg.norm(pred[:, 0] - truth[:, 0], axis=-1).mean()),
        "depth": 100 * float(np.mean(np.abs(pred[:, 0, 2] / truth[:, 0, 2] - 1))),
        "accel": acceleration_error(pred, truth),
        "lag": 1000.0 * lag_frames(pred, truth) / fps,
        "cv": 100 * float(np.mean(bones.std(0) / bones.mean(0))),
    }


def lag_frames(pred: np.ndarray, truth: np.ndarray, most: int = 15) -> int:
    """The delay (frames) that best aligns ``pred`` with ``truth`` (MPJPE of pred[t] vs truth[t - s])."""
    errors = [float(np.mean(mpjpe(pred[s:], truth[: len(truth) - s]))) for s in range(most + 1)]
    return int(np.argmin(errors))


def correlated(noise: np.ndarray, rho: float) -> np.ndarray:
    """``(T, ...)`` per-frame errors made AR(1) over time with the same per-frame spread."""
    out = noise.copy()
    for t in range(1, len(out)):
        out[t] = rho * out[t - 1] + np.sqrt(1 - rho**2) * noise[t]
    return out


Rows = dict[str, dict[str, dict[str, list[float]]]]


def score_clips(
    args: Any, make_runs: Callable[[np.ndarray, np.ndarray, float, np.ndarray, float], dict[str, np.ndarray]]
) -> tuple[Rows, int, float]:
    """The test clips (``args``: dataset, clips, frames, seed, optionally subjects) with
    ``openpose-mixture`` 2D errors drawn independently and correlated over time, each lifted
    per frame by the detector model (flip test);
    ``make_runs(keypoints_px, per_frame_joints_mm, focal, principal, fps)`` gives the
    predictions to score. Returns ``{kind: {run: {metric: per-clip values}}}``, the
    number of clips and the frame rate."""
    subjects = getattr(args, "subjects", None) or split_subjects("test")
    data = MocapDataset.load(args.dataset).select_subjects(subjects)
    fps = float(data.fps)
    rng = np.random.default_rng(args.seed)
    noise = load_error_model("openpose-mixture")
    model = default_model_path("detector")
    rows: Rows = {"independent": {}, "correlated": {}}
    used = 0
    for cam, kp, f, c, _ in fixed_camera_clips(data, args.clips, args.frames, rng):
        used += 1
        errors = noise.sample_px(pose_scale(kp), rng)
        for kind, err in (("independent", errors), ("correlated", correlated(errors, 0.8 ** (30 / fps)))):
            noisy = kp + err
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                J = lift(noisy, focal_px=f, principal_px=c, model=model, flip_test=True).joints_cam_mm
            for name, pred in make_runs(noisy, J, f, c, fps).items():
                out = rows[kind].setdefault(name, {})
                for key, value in clip_scores(pred, cam, fps).items():
                    out.setdefault(key, []).append(value)
    return rows, used, fps


def print_tables(rows: Rows, columns: list[tuple[str, str, str]]) -> None:
    """One markdown table per error kind: ``columns`` are (header, metric, format)."""
    for kind, table in rows.items():
        print(f"\n2D errors {kind} over time:\n")
        print("| | " + " | ".join(h for h, _, _ in columns) + " |")
        print("|---|" + "---|" * len(columns))
        for name, out in table.items():
            cells = [format(float(np.mean(out[key])), fmt) for _, key, fmt in columns]
            print(f"| {name} | " + " | ".join(cells) + " |")


def video_table(runs: dict[str, dict[str, Any]]) -> None:
    """The shipped Sports2D clip (MediaPipe, no truth) through ``track_video`` with each run's
    options: each track's mean joint acceleration, bone CV over time and depth change per frame."""
    from abspose.data import sample_video_path
    from abspose.estimator2d import MediaPipeBackend
    from abspose.pipeline import track_video

    print("\nShipped Sports2D clip (MediaPipe, no truth), per track:\n")
    print("| | mean joint acceleration [mm/frame²] | bone CV over time | depth change per frame [mm] |")
    print("|---|---|---|---|")
    for name, options in runs.items():
        backend = MediaPipeBackend()
        try:
            tracks: dict[int, list[np.ndarray]] = {}
            for frame in track_video(sample_video_path(), backend, **options):
                for k, tid in enumerate(frame.track_ids.tolist()):
                    tracks.setdefault(tid, []).append(frame.lifted.joints_cam_mm[k])
        finally:
            backend.close()
        accel, cv, step = [], [], []
        for joints in (np.asarray(v) for v in tracks.values() if len(v) > 10):
            accel.append(np.linalg.norm(joints[2:] - 2 * joints[1:-1] + joints[:-2], axis=-1).mean())
            bones = body_lengths_mm(joints)[:, [j for j in range(17) if j != H36M17.root_index]]
            cv.append(100 * np.mean(bones.std(0) / bones.mean(0)))
            step.append(np.abs(np.diff(joints[:, 0, 2])).mean())
        print(f"| {name} | {np.mean(accel):.1f} | {np.mean(cv):.2f}% | {np.mean(step):.0f} |")


def _runs(noisy: np.ndarray, J: np.ndarray, f: float, c: np.ndarray, fps: float) -> dict[str, np.ndarray]:
    default = filtered(J, fps, PoseFilter)
    runs = {name: filtered(J, fps, make) for name, make in SETTINGS.items()}
    runs["track skeleton (video's default)"] = on_track_skeleton(J, J)
    runs["track skeleton + default filter (--joint-filter one-euro)"] = on_track_skeleton(J, default)
    return runs


def main() -> None:
    video = "--video" in sys.argv
    if video:
        sys.argv.remove("--video")
    args = clip_arguments(__doc__.splitlines()[0])
    rows, used, fps = score_clips(args, _runs)
    clips = f"{used} test clips of up to {args.frames} frames at {fps:g} frames/s"
    print(f"{clips}, detector model, openpose-mixture 2D")
    print_tables(rows, [("MPJPE", "mpjpe", ".1f"), ("MRPE", "mrpe", ".0f"),
                        ("acceleration error [mm/frame²]", "accel", ".1f"), ("lag [ms]", "lag", ".0f"),
                        ("bone CV over time [%]", "cv", ".2f")])  # fmt: skip
    if video:
        video_table(
            {"per frame": {}, "root 1.5 Hz + pose one-euro 2 Hz, beta 0.005": {"joint_filter": PoseFilter()}}
        )


if __name__ == "__main__":
    main()
