"""``abspose setup-2d``, ``abspose image`` and ``abspose video``: photos and videos in."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from abspose._console import console, warn
from abspose._device import DEVICE_HELP
from abspose._files import PendingFile, atomic_path, check_output_path, refuse_overwriting_inputs
from abspose.cli._app import app
from abspose.errors import AbsPoseError

_PROGRESS = [TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
             TextColumn("{task.fields[fps]:.1f} fps"), TimeElapsedColumn()]  # fmt: skip

FocalOpt = Annotated[float | None, typer.Option(help="Focal length [px].")]
FovOpt = Annotated[float | None, typer.Option(help="Horizontal field of view [degrees].")]
CalibOpt = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Calibration: JSON with K, or OpenCV YAML/XML."),
]
DetectionsOpt = Annotated[
    Path | None,
    typer.Option(
        exists=True,
        help="Your own 2D detections instead of MediaPipe: a folder of OpenPose JSON files "
        "(one per frame) or a COCO keypoint-results JSON.",
    ),
]
MinConfOpt = Annotated[
    float, typer.Option(help="Joints below this 2D confidence are filled in from the others.")
]
ModelOpt = Annotated[Path | None, typer.Option(help="Lifter checkpoint; default: the shipped model.")]
FlipOpt = Annotated[
    bool,
    typer.Option(
        "--flip-test/--no-flip-test",
        help="Also lift each pose's mirror image and average (~1 mm better, a second lifter pass).",
    ),
]
EstimatorOpt = Annotated[
    Path | None,
    typer.Option(
        exists=True,
        dir_okay=False,
        help="2D estimator checkpoint from `abspose train-2d` (the paper's ResNet + soft-argmax), "
        "run on each person's box; the boxes come from MediaPipe or --detections.",
    ),
]


RESULT_SUFFIXES = (".json", ".csv")
HTML_SUFFIXES = (".html", ".htm")
HtmlOpt = Annotated[
    Path | None,
    typer.Option(
        help="A 3D viewer: one self-contained HTML page (opens offline in any browser; needs the "
        "viewer extra, plotly)."
    ),
]
FIGURE_SUFFIXES = (".png", ".pdf", ".svg", ".jpg")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv")


def _check_outputs(
    outputs: dict[str, tuple[Path | None, tuple[str, ...]]], inputs: list[Path | None]
) -> None:
    """Refuse unwritable outputs and outputs that are inputs before any work starts."""
    for option, (path, suffixes) in outputs.items():
        if path is not None:
            check_output_path(path, suffixes, option)
    refuse_overwriting_inputs({option: path for option, (path, _) in outputs.items()}, inputs)


def setup_2d(
    source: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="A downloaded mediapipe-0.10.21 wheel (offline)."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Where to write the bundle.")] = None,
) -> None:
    """Build MediaPipe's pose model once, from the mediapipe 0.10.21 wheel on PyPI (checksummed)."""
    from abspose.estimator2d import build_pose_landmarker_task

    path = build_pose_landmarker_task(source, out)
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


def _backend(detections: Path | None, estimator: Path | None = None) -> Any:
    from abspose.estimator2d import IntegralBackend, MediaPipeBackend, PrecomputedBackend

    if detections is None:
        people: Any = MediaPipeBackend()
    elif detections.is_dir():
        people = PrecomputedBackend.from_openpose_folder(detections)
    else:
        people = PrecomputedBackend.from_coco_results(detections)
    if estimator is None:
        return people
    try:
        return IntegralBackend(estimator, boxes=people)
    except BaseException:
        _close(people)  # MediaPipe's landmarker fails noisily at exit if left open
        raise


def _close(backend: Any) -> None:
    if hasattr(backend, "close"):
        backend.close()
    if getattr(backend, "boxes", None) is not None:
        _close(backend.boxes)


def _warn_default_focal(camera: Any) -> None:
    if camera.focal_is_default:
        warn(
            f"no focal length given: assuming {camera.intrinsics.fx:.0f} px "
            "(max(width, height), a 53° field of view); distances scale with it. Pass --focal, --fov "
            "or --calibration for metric depth (canonical_depth in the output does not depend on it)."
        )


CameraHeightOpt = Annotated[
    float | None,
    typer.Option(
        min=0.0,
        help="The camera's height above the floor [m]: standing people are scaled so their feet touch it.",
    ),
]
CameraPitchOpt = Annotated[
    float | None, typer.Option(help="The camera's angle below the horizon [deg], positive looking down.")
]
CameraRollOpt = Annotated[
    float | None, typer.Option(help="The camera's turn about its axis [deg], positive clockwise.")
]
FloorOpt = Annotated[
    str | None,
    typer.Option(help="auto (the people on one floor) or none; default: auto with a camera height."),
]


def interval_text(interval_m: Any) -> str:
    """``", 68%: 6.9-7.9 m, 95%: 6.4-8.6 m"`` from ``(2, 2)`` intervals [m]; empty when unknown."""
    iv = np.asarray(interval_m, dtype=np.float64)
    if not np.isfinite(iv).all():
        return ""
    return f", 68%: {iv[0, 0]:.2f}-{iv[0, 1]:.2f} m, 95%: {iv[1, 0]:.2f}-{iv[1, 1]:.2f} m"


StatureByIdOpt = Annotated[
    list[str] | None,
    typer.Option(
        help="ID=METRES: the known height of the person with that id (repeatable; ids as in the "
        "output). With --floor and no --camera-height it fixes everyone's scale on the floor."
    ),
]


def parse_known_statures(items: list[str]) -> dict[int, float]:
    """``["0=1.80", "3=1.65"]`` (track id = height in metres) to ``{0: 1800.0, 3: 1650.0}`` [mm]."""
    known: dict[int, float] = {}
    for item in items:
        tid, sep, height = item.partition("=")
        try:
            metres = float(height)
            key = int(tid)
        except ValueError:
            metres, key, sep = float("nan"), -1, ""
        if not sep or key < 0 or not 0.5 <= metres <= 2.8:
            raise AbsPoseError(
                f"--stature {item!r}: expected ID=METRES with a track id >= 0 and a height of 0.5-2.8 m, "
                "such as 0=1.80"
            )
        known[key] = metres * 1000.0
    return known


def floor_options(
    camera_height: float | None, camera_pitch: float | None, camera_roll: float | None, floor: str | None
) -> dict[str, Any]:
    return {
        "camera_height_mm": camera_height * 1000.0 if camera_height is not None else None,
        "camera_pitch_deg": camera_pitch,
        "camera_roll_deg": camera_roll,
        "floor": floor,
    }


def image(
    photo: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A photo (JPEG, PNG, ...).")],
    out: Annotated[Path, typer.Option(help="Result, .json or .csv.")] = Path("result.json"),
    plot: Annotated[Path | None, typer.Option(help="PNG: overlay, 3D view and top-down map.")] = None,
    overlay: Annotated[Path | None, typer.Option(help="The photo with skeletons and distances.")] = None,
    focal: FocalOpt = None,
    fov: FovOpt = None,
    calibration: CalibOpt = None,
    detections: DetectionsOpt = None,
    estimator: EstimatorOpt = None,
    min_confidence: MinConfOpt = 0.2,
    model: ModelOpt = None,
    flip_test: FlipOpt = True,
    camera_height: CameraHeightOpt = None,
    camera_pitch: CameraPitchOpt = None,
    camera_roll: CameraRollOpt = None,
    floor: FloorOpt = None,
    stature: StatureByIdOpt = None,
    html: HtmlOpt = None,
) -> None:
    """Everyone in a photo, as absolute 3D poses in the camera frame [mm]."""
    from abspose.io import FrameWriter
    from abspose.pipeline import lift_image, read_image, resolve_intrinsics
    from abspose.viz import SceneRecorder

    _check_outputs(
        {
            "--out": (out, RESULT_SUFFIXES),
            "--plot": (plot, FIGURE_SUFFIXES),
            "--overlay": (overlay, IMAGE_SUFFIXES),
            "--html": (html, HTML_SUFFIXES),
        },
        [photo, calibration, detections, model, estimator],
    )
    known = parse_known_statures(stature or [])
    scene = SceneRecorder(title=photo.name, image_width=1280) if html is not None else None
    rgb = read_image(photo)
    camera = resolve_intrinsics(
        rgb.shape[1], rgb.shape[0], focal_px=focal, fov_deg=fov, calibration=calibration
    )
    _warn_default_focal(camera)
    backend = _backend(detections, estimator)
    try:
        frame = lift_image(
            rgb,
            backend,
            camera,
            model=model,
            min_confidence=min_confidence,
            flip_test=flip_test,
            known_statures_mm=known,
            **floor_options(camera_height, camera_pitch, camera_roll, floor),
        )
    finally:
        _close(backend)
    with FrameWriter(out, photo, backend.layout) as writer:
        writer.write(frame)
    sources = frame.lifted.scale_source
    for k, tid in enumerate(frame.track_ids.tolist()):
        x, y, z = frame.lifted.root_cam_mm[k] / 1000.0
        console.print(
            f"person {tid}: pelvis at x = {x:+.2f} m, y = {y:+.2f} m, z = {z:.2f} m "
            f"({frame.lifted.distance_m[k]:.2f} m away{interval_text(frame.lifted.distance_interval_m[k])}; "
            f"Z/f = {frame.lifted.canonical_depth[k]:.3f} mm/px; "
            f"scale from {sources[k] if sources is not None else 'prior'})"
        )
    if frame.skipped:
        console.print(f"{frame.skipped} more person(s) seen with too few joints to lift")
    console.print(f"{len(frame.track_ids)} people; wrote {out}")
    if plot is not None:
        from abspose.viz import save_people_figure

        console.print(f"wrote {save_people_figure(rgb, frame, plot)}")
    if overlay is not None:
        import cv2

        from abspose.viz import draw_overlay

        with atomic_path(overlay, suffix=overlay.suffix) as tmp:  # OpenCV picks the format by suffix
            if not cv2.imwrite(tmp, draw_overlay(rgb, frame)[..., ::-1]):
                raise AbsPoseError(f"{overlay}: cannot write it (expected a .png or .jpg path)")
        console.print(f"wrote {overlay}")
    if scene is not None and html is not None:
        from abspose.viz import draw_overlay

        scene.add(frame, draw_overlay(rgb, frame))
        console.print(f"wrote {scene.write(html)} (open it in a browser)")


def _until_interrupted(frames: Any, live: bool) -> Any:
    """``frames``, ended cleanly by Ctrl-C when live (the outputs are kept), else as is."""
    try:
        yield from frames
    except KeyboardInterrupt:
        if not live:
            raise
        console.print("stopped (Ctrl-C)")


class _VideoOut:
    """Writes overlay frames to an MP4 next to its final name, renamed when complete."""

    def __init__(self, path: Path, fps: float, width: int, height: int) -> None:
        import cv2

        self.pending = PendingFile(path, suffix=path.suffix)  # OpenCV picks the container by suffix
        fourcc = cv2.VideoWriter.fourcc(*"mp4v")
        self.writer = cv2.VideoWriter(self.pending.tmp, fourcc, fps, (width, height))
        if not self.writer.isOpened():
            self.pending.discard()
            raise AbsPoseError(f"{path}: OpenCV cannot write this video (expected an .mp4 or .avi path)")

    def write(self, rgb: np.ndarray) -> None:
        self.writer.write(np.ascontiguousarray(rgb[..., ::-1]))

    def close(self, keep: bool) -> None:
        self.writer.release()
        if keep:
            self.pending.commit()
        else:
            self.pending.discard()


class LifterKind(StrEnum):
    frame = "frame"
    temporal = "temporal"


class JointFilter(StrEnum):
    none = "none"
    one_euro = "one-euro"


def video(
    clip: Annotated[
        str,
        typer.Argument(
            help="A video file (MP4, AVI, MOV, ...), a camera's index (0: the first webcam) or a "
            "stream URL (rtsp://..., http://...): the last two are live (--realtime).",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option(help="Result, .json or .csv.")] = Path("result.json"),
    overlay: Annotated[Path | None, typer.Option(help="MP4 with skeletons, ids and distances.")] = None,
    map: Annotated[Path | None, typer.Option(help="PNG: top-down map with everyone's path.")] = None,
    focal: FocalOpt = None,
    fov: FovOpt = None,
    calibration: CalibOpt = None,
    detections: DetectionsOpt = None,
    estimator: EstimatorOpt = None,
    min_confidence: MinConfOpt = 0.2,
    smooth: Annotated[
        float, typer.Option(help="Temporal smoothing of each person's depth, 0 (off) to 0.95.")
    ] = 0.0,
    max_frames: Annotated[int | None, typer.Option(min=1, help="Stop after this many frames.")] = None,
    search_every: Annotated[
        int,
        typer.Option(
            min=1,
            help="Search the whole image every N frames, in between only where people are tracked "
            "(faster; new people are found at the next full search; docs/pipeline.md).",
        ),
    ] = 1,
    bvh: Annotated[
        Path | None, typer.Option(help="BVH animation per person (Blender; metres, Y up): NAME_id<N>.bvh.")
    ] = None,
    trc: Annotated[
        Path | None, typer.Option(help="OpenSim TRC markers per person (mm, Y up): NAME_id<N>.trc.")
    ] = None,
    min_track_frames: Annotated[
        int, typer.Option(min=1, help="BVH/TRC: leave out people lifted in fewer frames.")
    ] = 10,
    model: ModelOpt = None,
    flip_test: FlipOpt = True,
    track_stature: Annotated[
        bool,
        typer.Option(
            help="One stature per tracked person (the running median of its frames): a steadier but "
            "slightly less accurate depth."
        ),
    ] = False,
    track_skeleton: Annotated[
        bool,
        typer.Option(help="One skeleton per tracked person (running median bones): bones do not stretch."),
    ] = True,
    camera_height: CameraHeightOpt = None,
    camera_pitch: CameraPitchOpt = None,
    camera_roll: CameraRollOpt = None,
    floor: FloorOpt = None,
    stature: StatureByIdOpt = None,
    html: HtmlOpt = None,
    realtime: Annotated[
        bool,
        typer.Option(
            help="Live: lift the newest frame each time and skip those that came meanwhile, so "
            "the output keeps up (a file is played at its own frame rate); Ctrl-C stops and keeps "
            "the outputs. On for a camera or a stream URL."
        ),
    ] = False,
    joint_filter: Annotated[
        JointFilter | None,
        typer.Option(
            help="Filter every joint over time (one-euro: causal, ~0.1 s lag at rest; "
            "docs/pipeline.md). Default: one-euro with --realtime, else none."
        ),
    ] = None,
    filter_cutoff: Annotated[
        float,
        typer.Option(min=0.01, help="one-euro: the pose's cutoff at rest [Hz] (lower: smoother, more lag)."),
    ] = 2.0,
    filter_beta: Annotated[
        float, typer.Option(min=0.0, help="one-euro: how fast the pose's cutoff opens with speed [1/mm].")
    ] = 0.005,
    lifter: Annotated[
        LifterKind,
        typer.Option(
            help="frame: lift each frame on its own; temporal: from each track's window of 27 frames "
            "(smoother; 13 frames late on files, causal when live; docs/pipeline.md)."
        ),
    ] = LifterKind.frame,
    temporal_model: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="A temporal lifter from `abspose train-temporal`."),
    ] = None,
    filter_root_cutoff: Annotated[
        float,
        typer.Option(min=0.01, help="one-euro: the pelvis's cutoff [Hz]; its lag is 1 / (2 pi cutoff)."),
    ] = 1.5,
) -> None:
    """Everyone in a video, frame by frame, tracked with stable ids, in absolute 3D [mm]."""
    from abspose.io import FrameWriter, TrackRecorder, export_tracks
    from abspose.pipeline import (
        LiveFrames,
        OneEuroFilter,
        PoseFilter,
        open_source,
        resolve_intrinsics,
        track_video,
        video_info,
    )
    from abspose.viz import SceneRecorder, draw_overlay

    source = open_source(clip)
    is_file = isinstance(source, str) and "://" not in source
    live = realtime or not is_file
    name = Path(clip).name if is_file else clip if "://" in clip else f"camera {clip}"
    inputs: list[Path | None] = [Path(clip)] if is_file else []
    temporal_path: Path | None = None
    if lifter is LifterKind.temporal:
        from abspose.lifters import default_temporal_path

        temporal_path = temporal_model or default_temporal_path(causal=live)
        if not temporal_path.is_file():
            raise AbsPoseError(
                f"--lifter temporal: the shipped model {temporal_path} is missing; reinstall abspose, or "
                "train one with `abspose train-temporal` and pass it as --temporal-model"
            )
    elif temporal_model is not None:
        raise AbsPoseError("--temporal-model: it is used with --lifter temporal; add that, or drop it")
    if live and detections is not None:
        raise AbsPoseError(
            "--detections lists every frame of a file, and a live run skips frames: "
            "drop --realtime (or --detections)"
        )
    chosen = joint_filter or (JointFilter.one_euro if live else JointFilter.none)
    joint_filter_state = (
        PoseFilter(
            root=OneEuroFilter(min_cutoff_hz=filter_root_cutoff, beta=0.0),
            pose=OneEuroFilter(min_cutoff_hz=filter_cutoff, beta=filter_beta),
        )
        if chosen is JointFilter.one_euro
        else None
    )

    _check_outputs(
        {
            "--out": (out, RESULT_SUFFIXES),
            "--overlay": (overlay, VIDEO_SUFFIXES),
            "--map": (map, FIGURE_SUFFIXES),
            "--bvh": (bvh, (".bvh",)),
            "--trc": (trc, (".trc",)),
            "--html": (html, HTML_SUFFIXES),
        },
        [*inputs, calibration, detections, model, estimator],
    )
    known = parse_known_statures(stature or [])
    frames_in: Path | LiveFrames = LiveFrames(source, max_frames) if live else Path(clip)
    info = frames_in.info if isinstance(frames_in, LiveFrames) else video_info(frames_in)
    camera = resolve_intrinsics(info.width, info.height, focal_px=focal, fov_deg=fov, calibration=calibration)
    _warn_default_focal(camera)
    total = min(info.frame_count or 0, max_frames or info.frame_count) or None
    total = None if live else total  # live: frames are skipped, so how many is not known
    backend = _backend(detections, estimator)
    writer: FrameWriter | None = None
    video_out: _VideoOut | None = None
    recorder = TrackRecorder() if bvh is not None or trc is not None else None
    scene = SceneRecorder(title=name, fps=info.fps, total_frames=total) if html is not None else None
    trails: dict[int, list[np.ndarray]] = {}
    counts: dict[int, int] = {}
    last = None
    ok = False
    start = time.perf_counter()
    try:
        writer = FrameWriter(out, clip, backend.layout, fps=info.fps)
        if overlay is not None:
            video_out = _VideoOut(overlay, info.fps, info.width, info.height)
        with Progress(*_PROGRESS, console=console, transient=False) as progress:
            task = progress.add_task(name, total=total, fps=0.0)
            frames = track_video(
                frames_in,
                backend,
                camera=camera,
                model=model,
                min_confidence=min_confidence,
                smoothing=smooth,
                max_frames=max_frames,
                keep_image=video_out is not None or scene is not None,
                flip_test=flip_test,
                track_stature=track_stature,
                track_skeleton=track_skeleton,
                known_statures_mm=known,
                search_every=search_every,
                joint_filter=joint_filter_state,
                temporal_model=temporal_path,
                **floor_options(camera_height, camera_pitch, camera_roll, floor),
            )
            done = 0
            for frame in _until_interrupted(frames, live):
                writer.write(frame)
                if recorder is not None:
                    recorder.add(frame)
                drawn = None
                if video_out is not None and frame.image_rgb is not None:
                    drawn = draw_overlay(frame.image_rgb, frame)
                    video_out.write(drawn)
                if scene is not None:
                    if drawn is None and frame.image_rgb is not None and scene.wants_image(frame.index):
                        drawn = draw_overlay(frame.image_rgb, frame)
                    scene.add(frame, drawn)
                for k, tid in enumerate(frame.track_ids.tolist()):
                    trails.setdefault(tid, []).append(frame.lifted.root_cam_mm[k])
                counts[len(frame.track_ids)] = counts.get(len(frame.track_ids), 0) + 1
                last = frame
                done += 1
                rate = done / (time.perf_counter() - start)
                if isinstance(frames_in, LiveFrames):
                    progress.update(
                        task, completed=done, fps=rate, description=f"{name}: {frames_in.dropped} skipped"
                    )
                else:
                    progress.update(task, completed=frame.index + 1, fps=rate)
        ok = True
    finally:
        try:
            if writer is not None:
                writer.close(keep=ok)
        finally:
            if video_out is not None:
                video_out.close(keep=ok)
            if isinstance(frames_in, LiveFrames):
                frames_in.close()
            _close(backend)
    n = writer.frames if writer is not None else 0
    seen = ", ".join(f"{c} frames with {p}" for p, c in sorted(counts.items()))
    console.print(f"{n} frames in {time.perf_counter() - start:.1f} s; {seen}")
    if isinstance(frames_in, LiveFrames):
        console.print(
            f"live: {n} of {frames_in.read} frames lifted ({frames_in.dropped} skipped to keep up), "
            f"{n / max(time.perf_counter() - start, 1e-9):.1f} frames/s"
        )
    for tid, trail in sorted(trails.items()):
        depth = np.asarray(trail)[:, 2] / 1000.0
        console.print(
            f"person {tid}: {len(depth)} frames, depth {np.median(depth):.2f} m median "
            f"({np.percentile(depth, 10):.2f}-{np.percentile(depth, 90):.2f} m, 10-90%)"
        )
    console.print(f"wrote {out}" + (f" and {overlay}" if overlay else ""))
    if recorder is not None:
        tracks = recorder.tracks()
        for anim in (bvh, trc):
            if anim is not None:
                files = export_tracks(anim, tracks, info.fps, min_frames=min_track_frames)
                names = ", ".join(str(f) for f in files) or f"nothing (no one in {min_track_frames}+ frames)"
                console.print(f"wrote {names}")
    if scene is not None and html is not None:
        console.print(f"wrote {scene.write(html)} (open it in a browser)")
    if map is not None and last is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from abspose.viz import draw_top_down, save_figure

        fig, ax = plt.subplots(figsize=(6, 6))
        draw_top_down(ax, last, {t: np.asarray(v) for t, v in trails.items()})
        ax.set_title(f"{name}: where people went (last frame: dots)", fontsize=10)
        console.print(f"wrote {save_figure(fig, map)}")


def train_2d(
    coco: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="COCO keypoints JSON (person_keypoints_*.json).")
    ],
    images: Annotated[Path, typer.Option(exists=True, file_okay=False, help="The folder of its images.")],
    out: Annotated[
        Path, typer.Option(help="Checkpoint (.safetensors), written every epoch; resumed if present.")
    ],
    layout: Annotated[str, typer.Option(help="Skeleton of the file's keypoints.")] = "coco17",
    depth: Annotated[int, typer.Option(help="ResNet depth: 18, 34, 50, 101, 152 (paper: 152).")] = 50,
    input_size: Annotated[int, typer.Option(help="Crop side [px], a multiple of 32.")] = 256,
    base_width: Annotated[int, typer.Option(help="ResNet stem channels (64: the standard ResNets).")] = 64,
    backbone: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="ImageNet ResNet weights, torchvision names, safetensors."
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1)] = 60,
    batch_size: Annotated[int, typer.Option(min=1)] = 48,
    lr: Annotated[float, typer.Option(help="Learning rate (x0.1 from epochs/2).")] = 1e-4,
    optimizer: Annotated[str, typer.Option(help="rmsprop (the paper) or adam.")] = "rmsprop",
    device: Annotated[str, typer.Option(help=DEVICE_HELP)] = "auto",
    workers: Annotated[int, typer.Option(min=0, help="Data-loading processes.")] = 0,
    seed: int = 0,
) -> None:
    """Train the paper's 2D estimator (Sec. 4.1) on COCO-format keypoints; see docs/estimator2d.md."""
    from abspose.estimator2d import CocoPeople, IntegralPoseConfig, Train2DConfig, train_integral

    people = CocoPeople(coco, images)
    config = IntegralPoseConfig(
        layout=layout, resnet_depth=depth, base_width=base_width, input_size=input_size
    )
    train = Train2DConfig(
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        lr_drop_epoch=max(epochs // 2, 1),
        optimizer=optimizer,  # type: ignore[arg-type]  # checked by Train2DConfig
        device=device,
        workers=workers,
        seed=seed,
    )
    console.print(
        f"{len(people)} people from {coco.name}; ResNet-{depth}, {input_size} px crops (fps: steps/s)"
    )
    with Progress(*_PROGRESS, console=console) as progress:
        task = progress.add_task("epoch 1", total=None, fps=0.0)

        start = time.perf_counter()
        steps = 0

        def step(done: int, total: int) -> None:
            nonlocal steps
            steps += 1
            progress.update(task, completed=done, total=total, fps=steps / (time.perf_counter() - start))

        def epoch(record: dict[str, Any]) -> None:
            progress.update(task, description=f"epoch {record['epoch'] + 1}", completed=0)
            progress.console.print(
                f"epoch {record['epoch']}: loss {record['loss']:.3f}, joint error {record['crop_px']:.2f} "
                f"crop px, {record['seconds']:.0f} s"
            )

        train_integral(people, config, train, out, backbone=backbone, on_epoch=epoch, on_step=step)
    console.print(f"wrote {out}; use it with `abspose image PHOTO --estimator {out}`")


app.command("setup-2d")(setup_2d)
app.command("image")(image)
app.command("video")(video)
app.command("train-2d")(train_2d)
