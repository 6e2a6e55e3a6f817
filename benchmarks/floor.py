"""Scale from the floor on the test people: depth error with a known camera height, the floor
plus the scene prior, and one known person, against the lifter alone.

Usage: ``python benchmarks/floor.py DATASET.npz [--scenes 300] [--seed 0] [--pose2sim WHEEL]``
(DATASET from ``abspose data build``; WHEEL: ``pip download pose2sim==0.3.6 --no-deps``).
Each scene: K test-split poses on new bodies (the body model), stood on one floor in front
of one camera at a random height (1.0-2.5 m) and pitch (0-15 degrees down),
seen from 2-10 m. Rows: the people's root depth error |Z - Z*| / Z* (mean, %), MRPE [mm],
over all of them and over those standing or walking (a foot on the floor in the ground truth),
from ground-truth 2D (the clean model) and from 2D with ``openpose-mixture`` errors (the detector
model). Prints a markdown table (docs/results.md, "Scale from the floor").

With ``--pose2sim``: Pose2Sim's calibrated 4-camera demo (a real person, a real room), each
view held out in turn (the reference triangulated from the other views, as in
``benchmarks/real_capture.py``), each view's camera height and pitch/roll from the calibration
(world z up, the floor at z = 0), lifted with and without the floor.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from abspose import AbsPoseError, lift
from abspose.api import default_model_path
from abspose.data import MocapDataset, split_subjects
from abspose.data.mocap.body import retarget, sample_bodies
from abspose.data.mocap.cameras import VirtualCameraConfig, sample_scene
from abspose.errors import DataError
from abspose.geometry import pose_scale
from abspose.geometry.floor import floor_contacts, up_from_pitch_roll
from abspose.noise.model import load_error_model

CAMERAS = VirtualCameraConfig(focal_px=(500.0, 1500.0))


def _scenes(data: MocapDataset, k: int, count: int, rng: np.random.Generator) -> list[dict]:
    """``count`` scenes of ``k`` people each."""
    out: list[dict] = []
    while len(out) < count:
        idx = rng.choice(len(data.joints_world_mm), k, replace=False)
        P = retarget(data.joints_world_mm[idx].astype(np.float64), sample_bodies(k, rng).bone_lengths_mm)
        height, pitch = rng.uniform(1000.0, 2500.0), rng.uniform(0.0, 15.0)
        try:
            sc = sample_scene(P, data.floor_y_mm[idx], rng, camera_height_mm=height, pitch_deg=pitch,
                              config=CAMERAS)  # fmt: skip
        except DataError:
            continue
        on_floor = floor_contacts(sc.joints_cam_mm, up_from_pitch_roll(pitch)).any(1)
        out.append({"samples": sc, "height": height, "pitch": pitch, "standing": on_floor, "idx": idx})
    return out


def _errors(scenes: list[dict], noisy: bool, rng: np.random.Generator, **how: object) -> dict[str, float]:
    depth, mrpe, standing, inside, refused = [], [], [], [], 0
    noise = load_error_model("openpose-mixture") if noisy else None
    model = default_model_path("detector" if noisy else "clean")
    for s in scenes:
        sc = s["samples"]
        kp = sc.keypoints_px
        if noise is not None:
            kp = kp + noise.sample_px(pose_scale(kp), rng)
        options = {}
        if how.get("height"):
            options["camera_height_mm"] = s["height"]
        if how.get("pitch"):
            options["camera_pitch_deg"] = s["pitch"]
        if how.get("floor"):
            options["floor"] = "auto"
        if how.get("known_first"):
            stature = np.full(len(kp), np.nan)
            from abspose.data.mocap.augment import skeleton_stature_mm

            stature[0] = skeleton_stature_mm(sc.joints_cam_mm[0])
            options["stature_mm"] = stature
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                r = lift(kp, focal_px=sc.focal_px, principal_px=sc.principal_px, model=model, **options)
            except AbsPoseError:
                refused += 1
                continue
        truth = sc.joints_cam_mm[:, 0]
        keep = slice(1, None) if how.get("known_first") else slice(None)  # the known person is not scored
        depth.append((np.abs(r.root_cam_mm[:, 2] - truth[:, 2]) / truth[:, 2])[keep])
        mrpe.append(np.linalg.norm(r.root_cam_mm - truth, axis=-1)[keep])
        standing.append(s["standing"][keep])
        log_err = np.abs(np.log(r.distance_m * 1000.0 / np.linalg.norm(truth, axis=-1)))
        inside.append((log_err[:, None] <= r.depth_log_halfwidth)[keep])  # (n, 2) in the 68% / 95% interval
    d, m, st = np.concatenate(depth), np.concatenate(mrpe), np.concatenate(standing)
    ins = np.concatenate(inside)
    return {
        "in68": 100 * ins[:, 0].mean(), "in95": 100 * ins[:, 1].mean(),
        "in68_standing": 100 * ins[st, 0].mean(), "in95_standing": 100 * ins[st, 1].mean(),
        "depth": 100 * d.mean(), "depth_standing": 100 * d[st].mean(), "mrpe": m.mean(),
        "mrpe_standing": m[st].mean(), "refused": refused, "people": len(d), "standing": int(st.sum()),
    }  # fmt: skip


def pose2sim_rows(wheel: str) -> None:
    """Depth error and MRPE per view of Pose2Sim's demo, the lifter alone and with the floor."""
    from abspose.noise.multiview import held_out_view_frames
    from abspose.noise.pose2sim import read_pose2sim_demo

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        capture = read_pose2sim_demo(wheel)
        frames = held_out_view_frames(capture, min_confidence=0.1)
    print("\n| Pose2Sim view (frames) | camera height, pitch, roll | lifter alone: depth error, bias, MRPE | "
          "with the floor: depth error, bias, MRPE | reference lower ankle above z = 0 |")  # fmt: skip
    print("|---|---|---|---|---|")
    for cam in capture.cameras:
        sel = frames.camera == cam.name
        R, t = cam.rot_world_to_cam, cam.t_world_to_cam_mm
        height = float((-R.T @ t)[2])
        up = R @ np.array([0.0, 0.0, 1.0])
        pitch, roll = np.degrees(np.arcsin(-up[2])), np.degrees(np.arctan2(-up[0], -up[1]))
        truth = frames.joints_cam_mm[sel]
        kp, f, c = frames.keypoints_px[sel], frames.focal_px[sel], frames.principal_px[sel]
        ankle_z = np.median(((truth - t) @ R)[:, [3, 6], 2].min(1))
        cells = []
        for options in ({}, {"camera_height_mm": height, "camera_pitch_deg": pitch, "camera_roll_deg": roll}):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = lift(kp, focal_px=f, principal_px=c, model=default_model_path("detector"), **options)
            rel = r.root_cam_mm[:, 2] / truth[:, 0, 2] - 1
            mrpe = np.linalg.norm(r.root_cam_mm - truth[:, 0], axis=-1).mean()
            cells.append(f"{100 * np.abs(rel).mean():.1f}%, {100 * rel.mean():+.1f}%, {mrpe:.0f}")
        print(f"| {cam.name} ({int(sel.sum())}) | {height / 1000:.2f} m, {pitch:.1f}°, {roll:+.1f}° | "
              f"{cells[0]} | {cells[1]} | {ankle_z:.0f} mm |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--scenes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", default="test", help="whose people: test (reported) or val (for tuning)")
    parser.add_argument("--pose2sim", help="the pose2sim 0.3.6 wheel: Pose2Sim's calibrated demo rows")
    args = parser.parse_args()
    if args.pose2sim:
        pose2sim_rows(args.pose2sim)
    data = MocapDataset.load(args.dataset).select_subjects(split_subjects(args.split))
    rng = np.random.default_rng(args.seed)
    four = _scenes(data, 4, args.scenes, rng)
    rows = [
        ("the lifter alone (prior), 4 people", four, {}),
        ("camera height + pitch known", four, {"height": True, "pitch": True}),
        ("camera height known, pitch estimated", four, {"height": True}),
        ("one known person of 4, pitch known", four, {"pitch": True, "floor": True, "known_first": True}),
        ("floor + scene prior, 4 people, pitch known", four, {"pitch": True, "floor": True}),
    ]
    for k in (2, 8):
        scenes = _scenes(data, k, args.scenes, rng)
        rows.append((f"the lifter alone, {k} people", scenes, {}))
        rows.append((f"floor + scene prior, {k} people, pitch known", scenes, {"pitch": True, "floor": True}))
    print(f"{args.scenes} scenes per row, {args.split} people, seed {args.seed}")
    print(
        "| scale from | 2D | depth error: all | standing/walking | MRPE: all | standing/walking | refused "
        "| in 68% / 95% interval: all | standing/walking |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for noisy in (False, True):
        for name, scenes, how in rows:
            e = _errors(scenes, noisy, np.random.default_rng(args.seed + 1), **how)
            print(f"| {name} | {'openpose-mixture' if noisy else 'exact'} | {e['depth']:.2f}% | "
                  f"{e['depth_standing']:.2f}% | {e['mrpe']:.0f} | {e['mrpe_standing']:.0f} | "
                  f"{e['refused']} | {e['in68']:.0f}% / {e['in95']:.0f}% | "
                  f"{e['in68_standing']:.0f}% / {e['in95_standing']:.0f}% |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
