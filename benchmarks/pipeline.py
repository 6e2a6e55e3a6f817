"""Frames per second of each stage of ``abspose video`` on a real video, and of the whole loop.

Usage: ``python benchmarks/pipeline.py [VIDEO] [--frames N] [--json OUT] [--recall]`` (default:
the shared Sports2D demo, 1768x994, else the shipped 884x496 clip). Stages, timed separately on
the same frames: decode (OpenCV), detect + 2D (MediaPipe over tiles and tracking regions), lift
(the shipped lifter through ``abspose.lift``, all people of a frame in one batch), track,
write (JSON record) and overlay (drawing + MP4 encoding).

``--recall`` instead runs the whole loop (``track_video`` with the video's defaults and a JSON
record, as ``abspose video --json``) under several ways of searching for people, and reports
frames/s and recall: the share of the people found by the reference (every frame searched
whole, each region as a still image) that each way also finds in the same frame (a box whose
centre lies within half the reference box's diagonal).
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
    parser.add_argument("--recall", action="store_true", help="frames/s and recall of the ways to search")
    args = parser.parse_args()
    if args.recall:
        rows = recall_table(args.video, args.frames)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))
        return
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


#: (search_every, follow_regions, read-ahead frames): the reference first.
SEARCHES = (
    (1, False, 0),
    (1, False, 4),
    (1, True, 4),
    (2, True, 4),
    (3, True, 4),
    (5, True, 4),
    (5, False, 0),
)


def _run_loop(video: str, frames: int, every: int, follow: bool, ahead: int):  # type: ignore[no-untyped-def]
    from abspose.estimator2d.mediapipe import MediaPipeConfig
    from abspose.pipeline import track_video

    boxes = []
    with tempfile.TemporaryDirectory() as tmp, MediaPipeBackend(MediaPipeConfig(follow_regions=follow)) as be:
        writer = FrameWriter(Path(tmp) / "r.json", video, be.layout, fps=video_info(video).fps)
        start = time.perf_counter()
        for frame in track_video(video, be, max_frames=frames, search_every=every, read_ahead=ahead):
            writer.write(frame)
            boxes.append(frame.poses2d.boxes_px)
        frames_s = len(boxes) / (time.perf_counter() - start)
        writer.close()
    return boxes, frames_s


def _recall(ref: list, got: list) -> float:  # type: ignore[type-arg]
    found = total = 0
    for r, g in zip(ref, got, strict=True):
        total += len(r)
        if not len(r) or not len(g):
            continue
        c_r, c_g = (r[:, :2] + r[:, 2:]) / 2, (g[:, :2] + g[:, 2:]) / 2
        diag = np.hypot(r[:, 2] - r[:, 0], r[:, 3] - r[:, 1])
        dist = np.linalg.norm(c_r[:, None] - c_g[None], axis=-1)
        found += int((dist.min(1) < 0.5 * diag).sum())
    return found / max(total, 1)


def recall_table(video: str, frames: int) -> list[dict[str, float]]:
    ref: list | None = None  # type: ignore[type-arg]
    rows = []
    print(
        f"{video}, {frames} frames; "
        "search every | follow regions | read ahead | frames/s | people found | recall"
    )
    for every, follow, ahead in SEARCHES:
        boxes, fps = _run_loop(video, frames, every, follow, ahead)
        ref = boxes if ref is None else ref
        row = {"search_every": every, "follow_regions": follow, "read_ahead": ahead, "frames_per_s": fps,
               "people_found": sum(len(b) for b in boxes), "recall": _recall(ref, boxes)}  # fmt: skip
        rows.append(row)
        print(
            f"{every} | {follow} | {ahead} | {fps:.1f} | {row['people_found']} | {100 * row['recall']:.1f}%",
            flush=True,
        )
    return rows


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
