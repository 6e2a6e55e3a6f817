"""How self-consistent the people of a video result are, without ground truth.

Usage: ``python benchmarks/self_consistency.py RESULT.json [RESULT.json ...]``, each written by
``abspose video ... --out RESULT.json``. For each track seen in 20 frames or more it prints:

- the mean absolute difference between the left and right upper arm, forearm, thigh and
  shin [mm] (a real person's limbs are symmetric);
- the mean coefficient of variation over time of 14 bone lengths (bones do not stretch);
- the median frame-to-frame change of the root depth [mm].

docs/results.md compares the test-time flip on and off with it.
"""

import json
import sys

import numpy as np

from abspose.skeletons import H36M17

BONES = (
    ("pelvis", "r_hip"), ("r_hip", "r_knee"), ("r_knee", "r_ankle"),
    ("pelvis", "l_hip"), ("l_hip", "l_knee"), ("l_knee", "l_ankle"),
    ("thorax", "r_shoulder"), ("r_shoulder", "r_elbow"), ("r_elbow", "r_wrist"),
    ("thorax", "l_shoulder"), ("l_shoulder", "l_elbow"), ("l_elbow", "l_wrist"),
    ("pelvis", "spine"), ("spine", "thorax"),
)  # fmt: skip
LIMBS = ("hip", "knee"), ("knee", "ankle"), ("shoulder", "elbow"), ("elbow", "wrist")
MIN_FRAMES = 20


def _length(joints_mm: np.ndarray, a: str, b: str) -> np.ndarray:
    return np.linalg.norm(joints_mm[:, H36M17.index(a)] - joints_mm[:, H36M17.index(b)], axis=-1)


def main(paths: list[str]) -> None:
    for path in paths:
        doc = json.loads(open(path).read())
        tracks: dict[int, list[np.ndarray]] = {}
        for frame in doc["frames"]:
            for person in frame["people"]:
                tracks.setdefault(person["id"], []).append(np.asarray(person["joints_cam_mm"]))
        print(f"{path}:")
        for track, poses in sorted(tracks.items()):
            if len(poses) < MIN_FRAMES:
                continue
            joints = np.stack(poses)  # (T, 17, 3)
            cv = np.mean([_length(joints, a, b).std() / _length(joints, a, b).mean() for a, b in BONES])
            asym = np.mean(
                [np.abs(_length(joints, f"r_{a}", f"r_{b}") - _length(joints, f"l_{a}", f"l_{b}")).mean()
                 for a, b in LIMBS]
            )  # fmt: skip
            depth_step = np.median(np.abs(np.diff(joints[:, H36M17.root_index, 2])))
            print(
                f"  track {track} ({len(poses)} frames): left/right limb difference {asym:.1f} mm, "
                f"bone length CV {100 * cv:.2f}%, root depth change {depth_step:.0f} mm per frame"
            )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
