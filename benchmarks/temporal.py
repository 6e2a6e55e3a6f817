"""The temporal lifter against the per-frame lifter on CMU test clips, with ground truth.

Usage: ``python benchmarks/temporal.py DATASET.npz [--clips 30] [--frames 150] [--model
temporal.safetensors] [--causal causal.safetensors]`` (DATASET from ``abspose data build
--reactidle-fps 30 --lab-fps 30``: every source at 30 frames/s). Each test-split clip gets one
body and one fixed virtual camera (``benchmarks/track_stature.py``'s clips); its 2D gets
``openpose-mixture`` errors drawn independently per frame, or correlated over time (AR(1),
rho 0.8 per frame). Scored per frame: MPJPE (root-relative), MRPE [mm], root depth error [%]
and the acceleration error [mm/frame²] for the per-frame detector model (flip test), the
same with the joint filter (``--joint-filter one-euro``), and the temporal models (default:
the shipped ones). ``--video`` also runs the shipped Sports2D clip through ``track_video``
and reports each track's joint acceleration, bone variation and depth change per frame.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from joint_filter import PoseFilter, clip_scores, correlated, filtered
from track_stature import fixed_camera_clips

from abspose import lift
from abspose.api import default_model_path
from abspose.data import MocapDataset, split_subjects
from abspose.geometry import pose_scale
from abspose.lifters import default_temporal_path
from abspose.model.temporal import lift_sequence, load_temporal
from abspose.noise.model import load_error_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--clips", type=int, default=30)
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default=None, help="symmetric temporal model (default: shipped)")
    parser.add_argument("--causal", default=None, help="causal temporal model (default: shipped)")
    parser.add_argument("--video", action="store_true", help="also the shipped Sports2D clip (MediaPipe)")
    args = parser.parse_args()
    data = MocapDataset.load(args.dataset).select_subjects(split_subjects("test"))
    fps = float(data.fps)
    rng = np.random.default_rng(args.seed)
    noise = load_error_model("openpose-mixture")
    frame_model = default_model_path("detector")
    temporal = {
        "temporal, symmetric (27 frames)": load_temporal(args.model or default_temporal_path(causal=False)),
        "temporal, causal (27 frames)": load_temporal(args.causal or default_temporal_path(causal=True)),
    }
    rows: dict[str, dict[str, dict[str, list[float]]]] = {"independent": {}, "correlated": {}}
    used = 0
    for cam, kp, f, c, _ in fixed_camera_clips(data, args.clips, args.frames, rng):
        used += 1
        errors = noise.sample_px(pose_scale(kp), rng)
        for kind, err in (("independent", errors), ("correlated", correlated(errors, 0.8 ** (30 / fps)))):
            noisy = kp + err
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                J = lift(noisy, focal_px=f, principal_px=c, model=frame_model, flip_test=True).joints_cam_mm
            runs = {
                "per frame (detector model, flip test)": J,
                "per frame + joint filter": filtered(J, fps, PoseFilter),
            }
            for name, net in temporal.items():
                runs[name] = lift_sequence(net, noisy, c, f)[0]
            runs["temporal, symmetric + joint filter"] = filtered(runs[next(iter(temporal))], fps, PoseFilter)
            for name, pred in runs.items():
                out = rows[kind].setdefault(name, {})
                for key, value in clip_scores(pred, cam, fps).items():
                    out.setdefault(key, []).append(value)
    print(f"{used} test clips of up to {args.frames} frames at {fps:g} frames/s, openpose-mixture 2D")
    for kind, table in rows.items():
        print(f"\n2D errors {kind} over time:\n")
        print("| | MPJPE | MRPE | root depth error | acceleration error [mm/frame²] |")
        print("|---|---|---|---|---|")
        for name, out in table.items():
            m = {k: np.mean(v) for k, v in out.items()}
            print(f"| {name} | {m['mpjpe']:.1f} | {m['mrpe']:.0f} | {m['depth']:.2f}% | {m['accel']:.1f} |")
    if args.video:
        video(args.model)


def video(symmetric: str | None) -> None:
    """The shipped Sports2D clip (MediaPipe, no truth): each track's mean joint acceleration and
    bone variation over time, per frame against temporal."""
    from abspose.data import sample_video_path
    from abspose.data.mocap.augment import body_lengths_mm
    from abspose.estimator2d import MediaPipeBackend
    from abspose.pipeline import track_video
    from abspose.skeletons import H36M17

    print("\nShipped Sports2D clip (MediaPipe, no truth), per track:\n")
    print("| | mean joint acceleration [mm/frame²] | bone CV over time | depth change per frame [mm] |")
    print("|---|---|---|---|")
    runs = {
        "per frame (track skeleton)": {},
        "per frame + joint filter": {"joint_filter": PoseFilter()},
        "temporal, symmetric (track skeleton)": {"temporal_model": symmetric or default_temporal_path()},
    }
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


if __name__ == "__main__":
    main()
