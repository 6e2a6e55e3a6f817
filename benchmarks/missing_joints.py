"""How the shipped model degrades with 1-3 missing joints filled in by the 2D pose prior.

Usage: ``python benchmarks/missing_joints.py DATASET.npz`` (from ``abspose data cmu``).
For k = 0..3 random missing joints per pose (test split, the cameras of `abspose evaluate`):
MPJPE, PA-MPJPE and MRPE with the prior's fill-in, and with a naive fill-in (the visible
joints' centroid) for comparison.
"""

import sys

import numpy as np

from abspose.api import default_model_path
from abspose.data import BodyModelConfig, MocapDataset, VirtualCameraConfig, split_subjects
from abspose.metrics import mpjpe, mrpe, pa_mpjpe
from abspose.model import load_lifter, predict
from abspose.model.feed import draw_epoch
from abspose.model.impute import impute_missing, load_pose_prior


def main(path: str) -> None:
    data = MocapDataset.load(path).select_subjects(split_subjects("test"))
    net = load_lifter(default_model_path())
    prior = load_pose_prior()
    a = draw_epoch(data, np.random.default_rng([0, 7]), VirtualCameraConfig(), BodyModelConfig(), flip=False)
    gt = a.joints_cam_mm.astype(np.float64)
    rng = np.random.default_rng(3)
    print("missing | fill    | MPJPE | PA-MPJPE | MRPE")
    for k in range(4):
        visible = np.ones((len(gt), 17), bool)
        for row in visible:
            row[rng.choice(17, size=k, replace=False)] = False
        fills = {"prior": impute_missing(a.keypoints_px, visible, prior)}
        naive = a.keypoints_px.astype(np.float64).copy()
        centroid = (naive * visible[..., None]).sum(1) / visible.sum(1, keepdims=True)
        naive[~visible] = np.repeat(centroid[:, None], 17, 1)[~visible]
        fills["centroid"] = naive
        for name, kp in fills.items():
            if k == 0 and name == "centroid":
                continue
            p = predict(net, kp, a.principal_px, a.focal_px)
            err = (
                mpjpe(p.joints_cam_mm, gt),
                pa_mpjpe(p.joints_cam_mm, gt),
                mrpe(p.root_cam_mm, gt[:, 0]).mrpe,
            )
            print(f"{k:7d} | {name:8s}| {err[0]:5.1f} | {err[1]:8.1f} | {err[2]:4.0f}")


if __name__ == "__main__":
    main(sys.argv[1])
