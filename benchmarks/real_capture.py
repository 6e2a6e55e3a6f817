"""Real people the models never saw, per posture: held-out lab trials and ReActIdle persons.

The test people of ``abspose.data.SPLITS`` (lab persons 2001-2002: sit-to-stand, squats, drop
jumps, walking; ReActIdle persons 1014-1015: idle standing) keep their own measured bodies
(widths to the Human3.6M convention, ``abspose.data.views.h36m_widths``) and are seen by virtual
cameras with the usual ranges, three per frame, from a fixed seed. Ground-truth 2D.

Usage:
    python benchmarks/real_capture.py DATASET.npz [MODEL ...] [--json OUT.json]

DATASET.npz comes from ``abspose data build``; each MODEL is a checkpoint (default: the shipped
model). Prints one table per model: per posture MPJPE, PA-MPJPE, MRPE, root depth error and
mean depth bias (signed: + too far).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from abspose.data import MocapDataset, split_subjects
from abspose.data.views import view_frames
from abspose.model.benchmark import evaluate_frames, predict_frames
from abspose.skeletons import H36M17


def score(model: str | None, frames) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    ev = evaluate_frames(model, frames)
    pred = predict_frames(model, frames)
    z_true = frames.joints_cam_mm[:, H36M17.root_index, 2]
    rel = (pred.root_cam_mm[:, 2] - z_true) / z_true
    out = {}
    for group, e in ev.groups.items():
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
    args = parser.parse_args()
    data = MocapDataset.load(args.dataset)
    test = [s for s in split_subjects("test") if s >= 1000]
    held = data.select_subjects(test)
    if len(held) == 0:
        sys.exit(
            f"{args.dataset}: no frames of the held-out real people {test}; rebuild with `abspose data build`"
        )
    frames = view_frames(
        held, np.random.default_rng([0, 17]), views_per_frame=args.views, name="real-capture"
    )
    results = {}
    for model in args.models:
        name = model or "shipped"
        results[name] = score(model, frames)
        print(
            f"\n{name}: {len(frames.group)} views of {len(held)} frames, "
            f"people {sorted(set(held.subjects.tolist()))}"
        )
        print("| posture | n | MPJPE | PA-MPJPE | MRPE | depth error | depth bias |")
        print("|---|---|---|---|---|---|---|")
        for group, r in sorted(results[name].items(), key=lambda kv: (kv[0] == "all", kv[0])):
            print(
                f"| {group} | {r['count']} | {r['mpjpe']:.1f} | {r['pa_mpjpe']:.1f} | {r['mrpe']:.0f} | "
                f"{r['depth_error_pct']:.1f}% | {r['depth_bias_pct']:+.1f}% |"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
