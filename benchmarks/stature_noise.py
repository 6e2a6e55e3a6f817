"""Root depth error of the shipped model when the user's stature is known only roughly.

Usage: ``python benchmarks/stature_noise.py DATASET.npz`` (from ``abspose data cmu``).
Prints the mean root depth error (% of the distance) on the test split for stature noise
sd 0, 20, 40, 60, 90 mm, and with everyone forced to 1.70 m.
"""

import sys

import numpy as np

from abspose.api import default_model_path
from abspose.data import BodyScaleConfig, MocapDataset, VirtualCameraConfig, split_subjects
from abspose.model import load_lifter, predict
from abspose.model.feed import draw_epoch


def main(path: str) -> None:
    data = MocapDataset.load(path).select_subjects(split_subjects("test"))
    net = load_lifter(default_model_path())
    rng = np.random.default_rng([0, 7])  # the cameras of `abspose evaluate --seed 0`
    a = draw_epoch(data, rng, VirtualCameraConfig(), BodyScaleConfig(), flip=False)
    pred = predict(net, a.keypoints_px, a.principal_px, a.focal_px)
    gt_root = a.joints_cam_mm[:, 0].astype(np.float64)
    noise = np.random.default_rng(1)

    def depth_error(p: object) -> float:
        z = np.abs(p.root_cam_mm[:, 2] - gt_root[:, 2]) / np.linalg.norm(gt_root, axis=-1)  # type: ignore[attr-defined]
        return 100.0 * float(z.mean())

    print(f"no stature given: {depth_error(pred):.2f}%")
    for sd in (0, 20, 40, 60, 90):
        given = a.stature_mm + noise.normal(0.0, sd, len(gt_root))
        print(f"true stature + N(0, {sd} mm): {depth_error(pred.with_stature(given)):.2f}%")
    print(f"everyone 1.70 m: {depth_error(pred.with_stature(np.full(len(gt_root), 1700.0))):.2f}%")


if __name__ == "__main__":
    main(sys.argv[1])
