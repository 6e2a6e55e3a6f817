"""Can a video tell the floor's orientation? The camera's up direction estimated from one
frame, from a whole clip, and from a plane through the clip's lower ankles, against the truth.

Usage: ``python benchmarks/floor_orientation.py DATASET.npz [--clips 30] [--frames 150]``
(DATASET from ``abspose data build``). Each test-split clip gets one body (the body model) and
one fixed virtual camera for its whole length (``benchmarks/track_stature.py``'s clips); the clean
model lifts the exact 2D, the detector model the 2D with ``openpose-mixture`` errors. Reported:
the angle [deg] between the true up and

- ``frame``: :func:`abspose.geometry.floor.estimate_up` on one frame's lifted pose (what a
  photo or a video frame without ``--camera-pitch`` uses today);
- ``clip``: the same over all the clip's lifted poses at once;
- ``ankle plane``: the normal of a plane fitted (least squares) to each frame's lower ankle,
  the lower half of the frames along the clip estimate (the contacts);

each also on the ground-truth poses (what the method can do with perfect poses).
"""

from __future__ import annotations

import warnings

import numpy as np
from track_stature import clip_arguments, fixed_camera_clips  # benchmarks/: the same clips

from abspose import lift
from abspose.api import default_model_path
from abspose.data import MocapDataset, split_subjects
from abspose.errors import AbsPoseError
from abspose.geometry import pose_scale
from abspose.geometry.floor import estimate_up
from abspose.noise.model import load_error_model
from abspose.skeletons import H36M17


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.degrees(np.arccos(np.clip(a @ b, -1.0, 1.0))))


def _ankle_plane(joints: np.ndarray, guess: np.ndarray) -> np.ndarray:
    ankles = joints[:, [H36M17.index("l_ankle"), H36M17.index("r_ankle")]]  # (T, 2, 3)
    lower = ankles[np.arange(len(ankles)), np.argmin(ankles @ guess, axis=1)]  # (T, 3)
    height = lower @ guess
    pts = lower[height <= np.median(height)]
    _, vectors = np.linalg.eigh((pts - pts.mean(0)).T @ (pts - pts.mean(0)))
    normal = vectors[:, 0]
    return normal if normal @ guess > 0 else -normal


def main() -> None:
    args = clip_arguments(__doc__.splitlines()[0])
    data = MocapDataset.load(args.dataset).select_subjects(split_subjects("test"))
    rng = np.random.default_rng(args.seed)
    noise = load_error_model("openpose-mixture")
    sources = ("ground truth", "exact 2D", "detector-like 2D")
    rows: dict[str, dict[str, list[float]]] = {
        s: {"frame": [], "clip": [], "ankle plane": []} for s in sources
    }
    used = 0
    for cam, kp, f, c, up in fixed_camera_clips(data, args.clips, args.frames, rng):
        used += 1
        for source in rows:
            if source == "ground truth":
                joints = cam
            else:
                noisy = source == "detector-like 2D"
                k = kp + noise.sample_px(pose_scale(kp), rng) if noisy else kp
                model = default_model_path("detector" if noisy else "clean")
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    joints = lift(k, focal_px=f, principal_px=c, model=model, flip_test=True).joints_cam_mm
            for t in range(len(joints)):
                try:
                    rows[source]["frame"].append(_angle(estimate_up(joints[t : t + 1]), up))
                except AbsPoseError:  # nobody upright in this frame
                    pass
            try:
                guess = estimate_up(joints)
            except AbsPoseError:
                continue
            rows[source]["clip"].append(_angle(guess, up))
            rows[source]["ankle plane"].append(_angle(_ankle_plane(joints, guess), up))
    print(
        f"{used} test clips of up to {args.frames} frames, one fixed camera each; angle to the true up [deg]"
    )
    print("| poses | frame: median, 90th pct | clip: median, 90th pct | ankle plane: median, 90th pct |")
    print("|---|---|---|---|")
    for source, r in rows.items():
        cells = [
            f"{np.median(r[k]):.1f}, {np.percentile(r[k], 90):.1f}" for k in ("frame", "clip", "ankle plane")
        ]
        print(f"| {source} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
