"""The temporal lifter against the per-frame lifter on CMU test clips, with ground truth.

Usage: ``python benchmarks/temporal.py DATASET.npz [--clips 30] [--frames 150] [--model
temporal.safetensors] [--causal causal.safetensors]`` (DATASET from ``abspose data build
--reactidle-fps 30 --lab-fps 30``: every source at 30 frames/s). Each test-split clip gets one
body and one fixed virtual camera (``benchmarks/track_stature.py``'s clips); its 2D gets
``openpose-mixture`` errors drawn independently per frame, or correlated over time (AR(1),
rho 0.8 per frame). Scored per frame: MPJPE (root-relative), MRPE [mm], root depth error [%]
and the acceleration error [mm/frame²] for the per-frame detector model (flip test), the
same with the joint filter (``--joint-filter one-euro``), and the temporal models (default:
the shipped ones). ``--subjects 2001,2002`` keeps only the held-out real people of the lab
trials (sit-to-stand, squats, drop jumps, walking; their own measured bodies are retargeted to
a sampled one like every clip). ``--video`` also runs the shipped Sports2D clip through ``track_video``
and reports each track's joint acceleration, bone variation and depth change per frame.
"""

from __future__ import annotations

import argparse

import numpy as np
from joint_filter import PoseFilter, filtered, print_tables, score_clips, video_table

from abspose.lifters import default_temporal_path
from abspose.model.temporal import lift_sequence, load_temporal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--clips", type=int, default=30)
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default=None, help="symmetric temporal model (default: shipped)")
    parser.add_argument("--causal", default=None, help="causal temporal model (default: shipped)")
    parser.add_argument("--video", action="store_true", help="also the shipped Sports2D clip (MediaPipe)")
    parser.add_argument(
        "--subjects",
        type=lambda text: [int(v) for v in text.split(",")],
        default=None,
        help="only these test subjects, e.g. 2001,2002 (the held-out real lab people)",
    )
    args = parser.parse_args()
    symmetric = load_temporal(args.model or default_temporal_path(causal=False))
    causal = load_temporal(args.causal or default_temporal_path(causal=True))

    def runs(noisy: np.ndarray, J: np.ndarray, f: float, c: np.ndarray, fps: float) -> dict[str, np.ndarray]:
        sym = lift_sequence(symmetric, noisy, c, f)[0]
        return {
            "per frame (detector model, flip test)": J,
            "per frame + joint filter": filtered(J, fps, PoseFilter),
            "temporal, symmetric (27 frames)": sym,
            "temporal, causal (27 frames)": lift_sequence(causal, noisy, c, f)[0],
            "temporal, symmetric + joint filter": filtered(sym, fps, PoseFilter),
        }

    rows, used, fps = score_clips(args, runs)
    print(f"{used} test clips of up to {args.frames} frames at {fps:g} frames/s, openpose-mixture 2D")
    print_tables(rows, [("MPJPE", "mpjpe", ".1f"), ("MRPE", "mrpe", ".0f"),
                        ("root depth error [%]", "depth", ".2f"),
                        ("acceleration error [mm/frame²]", "accel", ".1f")])  # fmt: skip
    if args.video:
        video_table({
            "per frame (track skeleton)": {},
            "per frame + joint filter": {"joint_filter": PoseFilter()},
            "temporal, symmetric (track skeleton)": {"temporal_model": args.model or default_temporal_path()},
        })  # fmt: skip


if __name__ == "__main__":
    main()
