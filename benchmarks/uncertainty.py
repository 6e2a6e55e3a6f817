"""Are the depth intervals calibrated, and do they grow where the model is unsure?

For a model with a depth-spread head (``abspose fit-spread``), on people it never saw:

1. **Coverage**: the share of people whose true pelvis distance lies inside ``LiftResult``'s
   68% and 95% ``distance_interval_m``. Aim: 63-73% and 92-98%.
   - CMU test people, virtual cameras (``abspose evaluate``'s), exact 2D and ``openpose-mixture``
     2D errors;
   - the held-out real people of ``benchmarks/real_capture.py`` (lab and ReActIdle, their own
     bodies), per posture, exact 2D and detector-like 2D (errors, nose missing);
   - Pose2Sim's 4-camera demo (``--pose2sim WHEEL``), each view held out, reprojected 2D and the
     view's own OpenPose detections.
2. **Reliability diagram** (``--plot``): observed against nominal coverage for levels 5-95%,
   each level's half-width ``k(p) b`` with ``k(p)`` the quantile of ``|e| / b`` on the val
   people (as ``fit-spread`` calibrates 68% and 95%).
3. **Honesty**: median predicted 68% half-width against the observed median ``|e|`` as the
   2D errors grow (0-3x ``openpose-mixture``), as joints go missing (0-4, filled in by the
   prior), as the focal length leaves the training range (500-2500 px), and per posture.

Usage:
    python benchmarks/uncertainty.py DATASET.npz MODEL.safetensors [--pose2sim WHEEL] [--plot PNG]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

import abspose
from abspose.data import BodyModelConfig, MocapDataset, VirtualCameraConfig, split_subjects
from abspose.data.mocap.views import view_frames
from abspose.geometry import pose_scale
from abspose.model import load_lifter
from abspose.model.feed import draw_epoch
from abspose.model.uncertainty import depth_log_errors
from abspose.noise.model import load_error_model
from abspose.skeletons import H36M17

LEVELS = np.round(np.arange(0.05, 0.96, 0.05), 2)


def lifted(model: str, frames) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """``(N,)`` log distance errors and ``(N, 2)`` 68/95% half-widths through ``abspose.lift``."""
    r = abspose.lift(
        frames.keypoints_px, focal_px=frames.focal_px, principal_px=frames.principal_px, model=model
    )
    true = np.linalg.norm(frames.joints_cam_mm[:, H36M17.root_index], axis=-1)
    assert r.depth_log_halfwidth is not None
    return np.log(r.distance_m * 1000.0 / true), r.depth_log_halfwidth


def with_noise(frames, scale: float, seed: int, *, no_nose: bool = False):  # type: ignore[no-untyped-def]
    noise = load_error_model("openpose-mixture")
    kp = frames.keypoints_px + scale * noise.sample_px(
        pose_scale(frames.keypoints_px), np.random.default_rng([0, seed])
    )
    if no_nose:
        kp[:, H36M17.index("nose")] = np.nan
    return replace(frames, keypoints_px=kp)


def coverage_row(name: str, err: np.ndarray, hw: np.ndarray) -> str:
    inside = np.abs(err)[:, None] <= hw
    return (
        f"| {name} | {len(err)} | {100 * inside[:, 0].mean():.1f}% | {100 * inside[:, 1].mean():.1f}% | "
        f"{100 * np.median(hw[:, 0]):.1f}% | {100 * np.median(np.abs(err)):.1f}% |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset")
    parser.add_argument("model")
    parser.add_argument("--pose2sim", type=Path, help="pose2sim 0.3.6 wheel (OpenPose detections)")
    parser.add_argument("--plot", type=Path, help="reliability diagram (.png)")
    args = parser.parse_args()
    data = MocapDataset.load(args.dataset)
    net = load_lifter(args.model)
    if net.spread is None:
        sys.exit(f"{args.model}: no depth-spread head; run `abspose fit-spread` first")

    test_people = data.select_subjects([s for s in split_subjects("test") if s < 1000])

    def cmu_views(key: int, cameras: VirtualCameraConfig | None = None):  # type: ignore[no-untyped-def]
        """The CMU test people on body-model bodies, as `abspose evaluate` draws them."""
        return draw_epoch(
            test_people, np.random.default_rng([0, key]), cameras or VirtualCameraConfig(), BodyModelConfig(),
            flip=False,
        )  # fmt: skip

    cmu = cmu_views(31)
    real = [s for s in split_subjects("test") if s >= 1000]
    held = view_frames(data.select_subjects(real), np.random.default_rng([0, 17]), views_per_frame=3)
    sets = {
        "CMU test people, exact 2D": cmu,
        "CMU test people, openpose-mixture 2D": with_noise(cmu, 1.0, 41),
        "held-out real people, exact 2D": held,
        "held-out real people, detector-like 2D, nose missing": with_noise(held, 1.0, 19, no_nose=True),
    }
    if args.pose2sim:
        sys.path.insert(0, str(Path(__file__).parent))
        from real_capture import pose2sim_benchmarks  # the same held-out views

        for k, v in pose2sim_benchmarks(args.pose2sim, None).items():
            sets["Pose2Sim, " + ("reprojected 2D" if "reprojected" in k else "the view's own OpenPose")] = v
    print("| people, 2D | n | in 68% | in 95% | median 68% half-width | median abs error |")
    print("|---|---|---|---|---|---|")
    results = {}
    for name, frames in sets.items():
        err, hw = lifted(args.model, frames)
        results[name] = (err, hw)
        print(coverage_row(name, err, hw))
    for name in ("held-out real people, exact 2D", "held-out real people, detector-like 2D, nose missing"):
        err, hw = results[name]
        frames = sets[name]
        for group in sorted(set(frames.group.tolist())):
            sel = frames.group == group
            print(coverage_row(f"{name}: {group}", err[sel], hw[sel]))

    print("\nHonesty: median predicted 68% half-width vs median |error| (CMU test people)")
    print("| condition | predicted | observed | in 68% |")
    print("|---|---|---|---|")

    def honest(label: str, frames) -> None:  # type: ignore[no-untyped-def]
        err, hw = lifted(args.model, frames)
        inside = np.abs(err) <= hw[:, 0]
        print(
            f"| {label} | {100 * np.median(hw[:, 0]):.1f}% | {100 * np.median(np.abs(err)):.1f}% | "
            f"{100 * inside.mean():.1f}% |"
        )

    for scale in (0.0, 0.5, 1.0, 2.0, 3.0):
        honest(f"2D errors {scale:g}x openpose-mixture", with_noise(cmu, scale, 43))
    rng = np.random.default_rng(5)
    for k in (1, 2, 4):
        kp = cmu.keypoints_px.copy()
        for row in kp:
            row[rng.choice(17, size=k, replace=False)] = np.nan
        honest(f"{k} joints missing (exact 2D, filled in)", replace(cmu, keypoints_px=kp))
    for focal in ((300.0, 400.0), (500.0, 2500.0), (4000.0, 6000.0)):
        honest(f"focal {focal[0]:g}-{focal[1]:g} px", cmu_views(47, VirtualCameraConfig(focal_px=focal)))

    if args.plot:
        plot(args, data, net, results)


def plot(args, data, net, results) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.pyplot as plt

    val = draw_epoch(
        data.select_subjects(split_subjects("val")), np.random.default_rng([0, 53]), VirtualCameraConfig(),
        BodyModelConfig(), flip=False,
    )  # fmt: skip
    half = len(val.keypoints_px) // 2  # exact 2D on one half, errors on the other, as fit-spread calibrates
    kp = np.concatenate([val.keypoints_px[:half], with_noise(val, 1.0, 59).keypoints_px[half:]])
    err, b = depth_log_errors(net, kp, val.principal_px, val.focal_px, val.joints_cam_mm)
    k = np.quantile(np.abs(err) / b, LEVELS)
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="calibrated")
    for name, (e, hw) in results.items():
        scale = hw[:, :1] / float(net.spread.interval_k[0])  # b, from the 68% half-width
        observed = (np.abs(e)[:, None] <= scale * k[None, :]).mean(0)
        ax.plot(LEVELS, observed, marker="o", ms=3, label=name)
    ax.vlines([0.68, 0.95], [0.63, 0.92], [0.73, 0.98], color="green", lw=6, alpha=0.3, label="aims")
    ax.set(xlabel="nominal coverage", ylabel="observed coverage", xlim=(0, 1), ylim=(0, 1))
    ax.set_title("depth intervals: reliability (people never trained on)", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(args.plot, dpi=130)
    print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
