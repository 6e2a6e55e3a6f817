"""Real captures of real people the models never saw.

1. **Held-out lab and ReActIdle people, per posture.** The test people of ``abspose.data.SPLITS``
   (lab persons 2001-2002: sit-to-stand, squats, drop jumps, walking; ReActIdle persons
   1014-1015: idle standing) keep their own measured bodies (widths to the Human3.6M
   convention, ``abspose.data.mocap.views.h36m_widths``) and are seen by virtual cameras with the
   usual ranges, three per frame, from a fixed seed. Ground-truth 2D.
2. **Pose2Sim's calibrated 4-camera demo** (``--pose2sim``: the pose2sim 0.3.6 wheel, OpenPose
   detections; ``--pose2sim-videos``: the 0.10.49 wheel, whose videos abspose's MediaPipe
   backend reads, about a minute). Each view is held out in turn: the reference 3D is
   triangulated from the other three views' detections (confidence >= 0.1) and converted to
   H36M-17; the 2D input is that reference reprojected (ground-truth-like) or the held-out
   view's own detections (joints below 0.1 missing). Real calibrated cameras, one real person.
   The reference is the detector's skeleton (OpenPose / BlazePose keypoints mapped to H36M-17:
   surface hips, ``neck`` as thorax), not Human3.6M's, so MPJPE includes that difference.

Usage:
    python benchmarks/real_capture.py DATASET.npz [MODEL ...] [--pose2sim WHEEL] [--pose2sim-videos WHEEL]
        [--json OUT.json]

DATASET.npz comes from ``abspose data build``; each MODEL is a checkpoint (default: the shipped
model). Prints one table per model and benchmark: MPJPE, PA-MPJPE, MRPE, root depth error and
mean depth bias (signed: + too far). Everything is lifted with ``abspose.lift`` (no flip test).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

import abspose
from abspose.data import MocapDataset, split_subjects
from abspose.data.mocap.views import view_frames
from abspose.evaluation import score_frames
from abspose.skeletons import H36M17


def score(model: str | None, frames) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    pred = abspose.lift(
        frames.keypoints_px, focal_px=frames.focal_px, principal_px=frames.principal_px, model=model
    )
    groups = score_frames(frames, pred.joints_cam_mm, pred.root_cam_mm)
    z_true = frames.joints_cam_mm[:, H36M17.root_index, 2]
    rel = (pred.root_cam_mm[:, 2] - z_true) / z_true
    out = {}
    for group, e in groups.items():
        sel = np.ones(len(frames.group), bool) if group == "all" else frames.group == group
        out[group] = {
            "count": e.count,
            "mpjpe": e.mpjpe,
            "pa_mpjpe": e.pa_mpjpe,
            "mrpe": e.mrpe,
            "depth_error_pct": 100 * float(np.abs(rel[sel]).mean()),
            "depth_bias_pct": 100 * float(rel[sel].mean()),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset")
    parser.add_argument("models", nargs="*", default=[None])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--views", type=int, default=3)
    parser.add_argument("--pose2sim", type=Path, help="pose2sim 0.3.6 wheel (OpenPose detections)")
    parser.add_argument("--pose2sim-videos", type=Path, help="pose2sim 0.10.49 wheel (videos, MediaPipe)")
    parser.add_argument(
        "--detector-like",
        default="openpose-mixture",
        help="also score the held-out people with samples of this error model on the 2D and the nose "
        "missing, as an MPII-trained detector gives (mpii16 layout); '' to skip",
    )
    args = parser.parse_args()
    data = MocapDataset.load(args.dataset)
    test = [s for s in split_subjects("test") if s >= 1000]
    held = data.select_subjects(test)
    if len(held) == 0:
        sys.exit(
            f"{args.dataset}: no frames of the held-out real people {test}; rebuild with `abspose data build`"
        )
    people = sorted(set(held.subjects.tolist()))
    benches = {
        f"held-out people {people}, {len(held)} frames x {args.views} virtual cameras": view_frames(
            held, np.random.default_rng([0, 17]), views_per_frame=args.views, name="real-capture"
        )
    }
    if args.detector_like:
        frames = next(iter(benches.values()))
        benches[f"the same, {args.detector_like} 2D errors, nose missing (mpii16-like)"] = detector_like(
            frames, args.detector_like
        )
    benches.update(pose2sim_benchmarks(args.pose2sim, args.pose2sim_videos))
    results: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for bench, frames in benches.items():
        results[bench] = {}
        for model in args.models:
            name = model or "shipped"
            results[bench][name] = score(model, frames)
            print(f"\n{bench}; model {name}")
            print("| group | n | MPJPE | PA-MPJPE | MRPE | depth error | depth bias |")
            print("|---|---|---|---|---|---|---|")
            for group, r in sorted(results[bench][name].items(), key=lambda kv: (kv[0] == "all", kv[0])):
                print(
                    f"| {group} | {r['count']} | {r['mpjpe']:.1f} | {r['pa_mpjpe']:.1f} | {r['mrpe']:.0f} | "
                    f"{r['depth_error_pct']:.1f}% | {r['depth_bias_pct']:+.1f}% |"
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def detector_like(frames, model_name: str):  # type: ignore[no-untyped-def]
    """The frames with errors sampled from a shipped 2D error model and no nose."""
    from dataclasses import replace

    from abspose.geometry import pose_scale
    from abspose.noise.model import load_error_model

    noise = load_error_model(model_name)
    kp = frames.keypoints_px + noise.sample_px(
        pose_scale(frames.keypoints_px), np.random.default_rng([0, 19])
    )
    kp[:, H36M17.index("nose")] = np.nan
    return replace(frames, keypoints_px=kp)


def pose2sim_benchmarks(openpose: Path | None, videos: Path | None) -> dict[str, object]:
    """Held-out-view frames of Pose2Sim's demo: from OpenPose (0.3.6) and from MediaPipe (0.10.49)."""
    from abspose.noise.multiview import held_out_view_frames
    from abspose.noise.pose2sim import read_pose2sim_demo, read_pose2sim_videos

    out: dict[str, object] = {}
    captures = []
    if openpose is not None:
        captures.append(("OpenPose", read_pose2sim_demo(openpose)))
    if videos is not None:
        from abspose.estimator2d import MediaPipeBackend

        with MediaPipeBackend() as backend:
            captures.append(("MediaPipe", read_pose2sim_videos(videos, backend)))
    for detector, capture in captures:
        ref = f"Pose2Sim demo, reference triangulated from the other views' {detector}"
        out[f"{ref}, reprojected 2D"] = held_out_view_frames(capture, min_confidence=0.1)
        out[f"{ref}, {detector} 2D of the held-out view"] = held_out_view_frames(
            capture, detections=capture, min_confidence=0.1
        )
    return out


if __name__ == "__main__":
    main()
