"""Frames per second of each stage of ``abspose video`` on a real video.

Usage: ``python benchmarks/pipeline.py [VIDEO] [--frames N] [--json OUT]`` (default: the
shared Sports2D demo, 1768x994, else the shipped 884x496 clip). Stages, timed separately on the
same frames: decode (OpenCV), detect + 2D (MediaPipe over tiles and tracking regions), lift
(the shipped lifter through ``abspose.lift``, all people of a frame in one batch), track,
write (JSON record) and overlay (drawing + MP4 encoding).
"""

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from abspose.api import lift
from abspose.data import sample_video_path
from abspose.estimator2d import MediaPipeBackend, PrecomputedBackend
from abspose.io import FrameWriter
from abspose.lifters import default_lifter
from abspose.pipeline import Tracker, iter_frames, lift_image, resolve_intrinsics, video_info
from abspose.viz import draw_overlay


def main() -> None:
    parser = argparse.ArgumentParser()
    shared = Path(os.environ.get("ABSPOSE_DATA", "../shared/data")) / "media" / "sports2d_demo.mp4"
    parser.add_argument("video", nargs="?", default=str(shared if shared.is_file() else sample_video_path()))
    parser.add_argument("--frames", type=int, default=90)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    info = video_info(args.video)
    camera = resolve_intrinsics(info.width, info.height)
    model = default_lifter()
    times = {k: 0.0 for k in ("decode", "detect_2d", "lift", "track", "write", "overlay")}
    people = 0
    tracker = Tracker()
    with tempfile.TemporaryDirectory() as tmp, MediaPipeBackend() as backend:
        import cv2

        writer = FrameWriter(Path(tmp) / "r.json", args.video, backend.layout, fps=info.fps)
        out = cv2.VideoWriter(str(Path(tmp) / "o.mp4"), cv2.VideoWriter.fourcc(*"mp4v"), info.fps,
                              (info.width, info.height))  # fmt: skip
        frames = iter_frames(args.video, args.frames)
        n = 0
        while True:
            t0 = time.perf_counter()
            image = next(frames, None)
            if image is None:
                break
            t1 = time.perf_counter()
            poses = backend.detect(image, tracker.boxes_px)
            t2 = time.perf_counter()
            # the poses found above, handed over so that lifting is timed on its own
            frame = lift_image(image, PrecomputedBackend([poses]), camera, model=model, index=n)
            t3 = time.perf_counter()
            tracker.update(poses.boxes_px)
            t4 = time.perf_counter()
            writer.write(frame)
            t5 = time.perf_counter()
            out.write(np.ascontiguousarray(draw_overlay(image, frame)[..., ::-1]))
            t6 = time.perf_counter()
            for key, dt in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
                times[key] += dt
            people += len(frame.track_ids)
            n += 1
        writer.close()
        out.release()
    lift_only = _lift_batch_time(model)
    total = sum(times.values())
    print(f"{args.video}: {info.width}x{info.height}, {n} frames, {people / n:.2f} people per frame")
    print("stage     | ms/frame | frames/s | share")
    for key, t in times.items():
        print(f"{key:9s} | {1000 * t / n:8.1f} | {n / t:8.1f} | {100 * t / total:4.1f}%")
    print(f"all       | {1000 * total / n:8.1f} | {n / total:8.1f} |")
    print(f"lifter alone (abspose.lift, batch of 2 poses): {lift_only * 1000:.2f} ms")
    if args.json:
        result = {
            "video": args.video,
            "frames": n,
            "people_per_frame": people / n,
            "ms_per_frame": {k: 1000 * t / n for k, t in times.items()},
            "lift_batch2_ms": lift_only * 1000,
        }
        Path(args.json).write_text(json.dumps(result, indent=1))


def _lift_batch_time(model, repeats: int = 200) -> float:
    from abspose.data import convert_bvh, floor_height_mm, sample_bvh_path, sample_cameras

    clip = convert_bvh(sample_bvh_path())
    v = sample_cameras(
        clip.joints_world_mm[:2], floor_height_mm(clip.joints_world_mm), np.random.default_rng(0)
    )
    lift(v.keypoints_px, focal_px=v.focal_px, principal_px=v.principal_px, model=model)
    t = time.perf_counter()
    for _ in range(repeats):
        lift(v.keypoints_px, focal_px=v.focal_px, principal_px=v.principal_px, model=model)
    return (time.perf_counter() - t) / repeats


if __name__ == "__main__":
    main()
