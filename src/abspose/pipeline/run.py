"""Photos and videos to absolute 3D people: detect 2D poses, lift each person, track in video.

>>> import numpy as np
>>> from abspose.data import convert_bvh, sample_bvh_path
>>> from abspose.pipeline import resolve_intrinsics
>>> camera = resolve_intrinsics(1920, 1080, focal_px=1400.0)
>>> class StaticBackend:  # any 2D detector: a layout and a detect() method
...     layout = "h36m17"
...     def detect(self, image_rgb, rois_px=None):
...         from abspose.data import sample_cameras, floor_height_mm
...         clip = convert_bvh(sample_bvh_path())
...         v = sample_cameras(clip.joints_world_mm[:2], floor_height_mm(clip.joints_world_mm),
...                            np.random.default_rng(1))
...         return Poses2D(v.keypoints_px, np.ones((2, 17)), "h36m17")
>>> frame = lift_image(np.zeros((1080, 1920, 3), np.uint8), StaticBackend(), camera)
>>> frame.lifted.joints_cam_mm.shape, frame.camera.source
((2, 17, 3), 'focal')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.api import LiftResult, lift
from abspose.errors import AbsPoseError
from abspose.estimator2d.base import Backend2D, Poses2D, check_image
from abspose.io.video import LiveFrames, TimedFrame, iter_frames, video_info
from abspose.lifters import resolve_lifter, stature_interval_ratio
from abspose.pipeline.intrinsics import CameraSetup, resolve_intrinsics
from abspose.pipeline.temporal import relift_tracks
from abspose.pipeline.tracking import (
    OneEuroFilter,
    PoseFilter,
    RootSmoother,
    Tracker,
    TrackSkeleton,
    TrackStature,
)
from abspose.skeletons import H36M17, convert_to_h36m17, get_layout

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "PeopleInFrame",
    "lift_image",
    "read_image",
    "track_video",
    "with_filtered_joints",
    "with_known_statures",
]

#: Joints a 2D backend is less sure of than this are treated as missing and filled in from the
#: others (MediaPipe's visibility is below 0.2 mostly for joints hidden behind the body).
DEFAULT_MIN_CONFIDENCE = 0.2


@dataclass(frozen=True)
class PeopleInFrame:
    """Everyone found in one image or video frame, in one camera frame.

    Attributes:
        index: frame number (0 for a photo). time_s: its time in the video [s].
        width, height: image size [px]. camera: the intrinsics used and their source.
        track_ids: ``(P,)`` person ids, stable across a video's frames.
        poses2d: the P people's 2D poses in the backend's layout.
        keypoints_px: ``(P, 17, 2)`` the same poses in Human3.6M-17 (missing joints filled in).
        confidences: ``(P, 17)`` their confidences (0 where filled in).
        lifted: the P absolute 3D poses.
        skipped: people found in 2D but not lifted (fewer than 12 of 17 joints seen).
        image_rgb: the frame's pixels when asked for (``track_video(keep_image=True)``).
    """

    index: int
    time_s: float
    width: int
    height: int
    camera: CameraSetup
    track_ids: NDArray[np.int64]
    poses2d: Poses2D
    keypoints_px: NDArray[np.float64]
    confidences: NDArray[np.float64]
    lifted: LiftResult
    skipped: int = 0
    image_rgb: NDArray[np.uint8] | None = None


def read_image(path: str | Path) -> NDArray[np.uint8]:
    """``(H, W, 3)`` uint8 RGB pixels of an image file (any format OpenCV reads)."""
    import cv2

    path = Path(path)
    if not path.is_file():
        raise AbsPoseError(f"{path}: no such image file")
    try:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    except cv2.error as exc:
        why = (
            "more pixels than OpenCV reads, 2^30; downscale it, or raise the limit with the "
            "environment variable OPENCV_IO_MAX_IMAGE_PIXELS"
            if "CV_IO_MAX_IMAGE_PIXELS" in str(exc)
            else str(exc).strip().splitlines()[-1]
        )
        raise AbsPoseError(f"{path}: cannot decode it as an image ({why})") from None
    if bgr is None or bgr.size == 0:
        raise AbsPoseError(f"{path}: cannot decode it as an image (expected JPEG, PNG, ...)")
    return np.ascontiguousarray(bgr[..., ::-1])


def _empty_result(camera: CameraSetup) -> LiftResult:
    return LiftResult(
        np.zeros((0, 17, 3)),
        np.zeros((0, 3)),
        np.zeros(0),
        np.zeros(0),
        np.zeros((0, 2)),
        camera.focal_is_default,
        np.zeros((0, 17), dtype=bool),
    )


def lift_image(
    image_rgb: NDArray[np.uint8],
    backend: Backend2D,
    camera: CameraSetup,
    *,
    model: Any = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    rois_px: NDArray[np.float64] | None = None,
    index: int = 0,
    time_s: float = 0.0,
    flip_test: bool = True,
    camera_height_mm: float | None = None,
    camera_pitch_deg: float | None = None,
    camera_roll_deg: float | None = None,
    floor: str | None = None,
    floor_or_lifter: bool = False,
    known_statures_mm: dict[int, float] | None = None,
) -> PeopleInFrame:
    """Everyone in one ``(H, W, 3)`` uint8 RGB image, lifted to absolute 3D.

    ``flip_test`` (as :func:`abspose.lift`) is on by default here: it costs little next to the
    2D detector (docs/pipeline.md), and its average over the mirror image is ~1 mm
    better and more left-right consistent (docs/results.md). ``camera_height_mm``,
    ``camera_pitch_deg``, ``camera_roll_deg`` and ``floor``: the people standing on one floor,
    as :func:`abspose.lift` (docs/pipeline.md, "Scale from the floor"); an image where nobody
    stands keeps the lifter's scale, and so does one whose feet lie on the camera's horizon when
    ``floor_or_lifter`` (a video's frame; a photo is refused then). ``known_statures_mm``:
    ``{person id: height [mm]}`` for the people of this image, ids in the order they are
    returned (``track_ids``): as ``abspose.lift``'s ``stature_mm``, so on a floor one known
    person fixes everyone's scale.

    Non-square pixels (``fy != fx``) are exact: ``lift`` takes the camera itself
    (:meth:`~abspose.geometry.PinholeCameras.square_pixels`).
    """
    from abspose.model.impute import MIN_VISIBLE_JOINTS

    image = check_image(image_rgb)
    height, width = image.shape[:2]
    k = camera.intrinsics
    if (k.width, k.height) != (width, height):
        raise AbsPoseError(f"camera: sized for {k.width}x{k.height}, the image is {width}x{height}")
    poses = backend.detect(image, rois_px)
    skeleton = get_layout(poses.layout)
    converted = convert_to_h36m17(poses.keypoints_px, skeleton, poses.confidences)
    assert converted.confidences is not None
    seen = (converted.confidences > min_confidence).sum(axis=1)
    keep = np.flatnonzero(seen >= MIN_VISIBLE_JOINTS)
    keypoints = converted.keypoints[keep]
    confidences = converted.confidences[keep]
    if len(keep) == 0:
        lifted = _empty_result(camera)
    else:  # already in H36M-17: lift() converts nothing more
        args: dict[str, Any] = {
            "camera": k,
            "image_size": (width, height),
            "layout": H36M17.name,
            "confidences": confidences,
            "model": resolve_lifter(model, "detector"),
            "min_confidence": min_confidence,
            "flip_test": flip_test,
        }
        if known_statures_mm:
            args["stature_mm"] = np.array([known_statures_mm.get(i, np.nan) for i in range(len(keep))])
        on_floor: dict[str, Any] = {
            "camera_height_mm": camera_height_mm,
            "camera_pitch_deg": camera_pitch_deg,
            "camera_roll_deg": camera_roll_deg,
            "floor": floor,
        }
        try:
            lifted = lift(keypoints, **args, **on_floor)
        except AbsPoseError as exc:  # nobody stands in this image: the lifter's own scale
            if "stands on the floor" not in str(exc) and not (
                floor_or_lifter and "camera's horizon" in str(exc)
            ):
                raise
            lifted = lift(keypoints, **args)
        lifted = replace(lifted, focal_is_default=camera.focal_is_default)
        keypoints = np.where(lifted.imputed[..., None], np.nan, keypoints)
        confidences = np.where(lifted.imputed, 0.0, confidences)
    return PeopleInFrame(
        index,
        time_s,
        width,
        height,
        camera,
        np.arange(len(keep), dtype=np.int64),
        poses.select(keep),
        keypoints,
        confidences,
        lifted,
        skipped=len(poses) - len(keep),
    )


def _with_smoothed_depth(lifted: LiftResult, canonical_depth: NDArray[np.float64]) -> LiftResult:
    """Move each person along their pelvis ray to a new canonical depth (pose unchanged)."""
    factor = canonical_depth / lifted.canonical_depth  # (P,)
    root = lifted.root_cam_mm * factor[:, None]  # (P, 3): the pelvis ray is fixed by its 2D point
    joints = lifted.joints_cam_mm + (root - lifted.root_cam_mm)[:, None]
    return replace(lifted, joints_cam_mm=joints, root_cam_mm=root, canonical_depth=canonical_depth)


def with_filtered_joints(lifted: LiftResult, joints_cam_mm: NDArray[np.float64]) -> LiftResult:
    """``lifted`` with its ``(P, 17, 3)`` joints replaced (a temporal filter's output): the root
    and the canonical depth follow the new pelvis."""
    root = joints_cam_mm[:, H36M17.root_index]
    return replace(
        lifted, joints_cam_mm=joints_cam_mm, root_cam_mm=root, canonical_depth=root[:, 2] / lifted.focal_px
    )


def _implied_statures(lifted: LiftResult, frame: PeopleInFrame) -> NDArray[np.float64]:
    """``(P,)`` the statures the frame's lifted poses stand for, from their seen keypoints."""
    from abspose.model.predict import implied_stature_mm

    kp = lifted.camera.square_pixels(frame.keypoints_px)  # NaN where filled in: left out of the spreads
    return implied_stature_mm(lifted.joints_cam_mm, kp, lifted.focal_px, lifted.principal_px)


def _with_track_stature(
    lifted: LiftResult, implied: NDArray[np.float64], stature_mm: NDArray[np.float64]
) -> LiftResult:
    """Each person scaled about the camera centre from its ``implied`` stature to its track's."""
    from abspose.data.mocap.augment import ANKLE_HEIGHT_MM

    factor = np.where(np.isfinite(implied), (stature_mm - ANKLE_HEIGHT_MM) / (implied - ANKLE_HEIGHT_MM), 1.0)
    return _scaled(
        lifted, factor, scale_source=np.where(np.isfinite(implied), "track", np.asarray(lifted.scale_source))
    )


def _scaled(lifted: LiftResult, factor: NDArray[np.float64], **changes: Any) -> LiftResult:
    """Each person scaled about the camera centre by ``(P,)`` ``factor`` (projections kept)."""
    return replace(
        lifted,
        joints_cam_mm=lifted.joints_cam_mm * factor[:, None, None],
        root_cam_mm=lifted.root_cam_mm * factor[:, None],
        canonical_depth=lifted.canonical_depth * factor,
        **changes,
    )


def with_known_statures(
    lifted: LiftResult,
    track_ids: NDArray[np.int64],
    implied_mm: NDArray[np.float64],
    known_mm: dict[int, float],
    model: Any = None,
) -> LiftResult:
    """People of known height rescaled about the camera centre to it; on a floor, the others.

    Args:
        lifted: one frame's people; track_ids: ``(P,)`` their ids.
        implied_mm: ``(P,)`` the statures their poses stand for
            (:func:`~abspose.model.predict.implied_stature_mm`).
        known_mm: ``{track id: stature [mm]}``; ids not in the frame are ignored.
        model: the lifter (its depth-spread head narrows the known people's intervals).

    Without a camera height, everyone the floor tied together (``"floor+scene_prior"``) shares
    one scale; the known people's rescale (their geometric mean) then moves them all
    (``"floor+stature"``). With a camera height the floor already fixed the others' scale.
    """
    from abspose.data.mocap.augment import ANKLE_HEIGHT_MM

    target = np.array([known_mm.get(int(t), np.nan) for t in track_ids], dtype=np.float64)
    known = np.isfinite(target) & np.isfinite(implied_mm)
    if not known.any():
        return lifted
    if (target[known] < 500).any() or (target[known] > 2800).any():
        raise AbsPoseError(f"known statures: expected heights between 500 and 2800 mm, got {target[known]}")
    factor = np.ones(len(target))
    factor[known] = (target[known] - ANKLE_HEIGHT_MM) / (implied_mm[known] - ANKLE_HEIGHT_MM)
    source = np.asarray(lifted.scale_source).astype(object)
    scene = source == "floor+scene_prior"
    if (known & scene).any():
        others = scene & ~known
        factor[others] = float(np.exp(np.log(factor[known & scene]).mean()))
        source[others] = "floor+stature"
    source[known] = "stature"
    halfwidth = np.array(lifted.depth_log_halfwidth, dtype=np.float64, copy=True)
    halfwidth[known] *= stature_interval_ratio(model) if model is not None else np.nan
    return _scaled(lifted, factor, scale_source=source.astype(str), depth_log_halfwidth=halfwidth)


class _RegionsOnly:
    """A backend's ``detect_regions`` as a ``detect``: the tracked regions, no full search."""

    def __init__(self, layout: str, regions: Any) -> None:
        self.layout = layout
        self.regions = regions

    def detect(self, image_rgb: NDArray[np.uint8], rois_px: NDArray[np.float64] | None = None) -> Poses2D:
        result: Poses2D = self.regions(image_rgb, rois_px if rois_px is not None else np.zeros((0, 4)))
        return result


def track_video(
    path: str | Path | LiveFrames,
    backend: Backend2D,
    *,
    camera: CameraSetup | None = None,
    model: Any = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    smoothing: float = 0.0,
    tracker: Tracker | None = None,
    max_frames: int | None = None,
    keep_image: bool = False,
    flip_test: bool = True,
    track_stature: bool = False,
    track_skeleton: bool = True,
    camera_height_mm: float | None = None,
    camera_pitch_deg: float | None = None,
    camera_roll_deg: float | None = None,
    floor: str | None = None,
    known_statures_mm: dict[int, float] | None = None,
    search_every: int = 1,
    joint_filter: PoseFilter | OneEuroFilter | None = None,
    temporal_model: Any = None,
    read_ahead: int = 4,
) -> Iterator[PeopleInFrame]:
    """Stream a video's frames as :class:`PeopleInFrame` with stable track ids.

    ``path``: a video file, or :class:`~abspose.io.video.LiveFrames` (a camera, a stream, or a
    file played as live) for real time: then the newest frame is lifted each time and the ones
    that came meanwhile are skipped (``max_frames`` is the source's own). ``camera``: from
    :func:`resolve_intrinsics` for the video's size; None for the default focal guess. Each
    frame's 2D search starts where the tracked people were (``rois_px``).
    ``search_every``: search the whole image (a backend's tiles) only every this many frames,
    and in between only the tracked people's regions (``backend.detect_regions``, when the
    backend has it: :class:`~abspose.estimator2d.MediaPipeBackend`); a frame where a tracked
    person is not found in their region, or that tracks nobody, is searched whole. New people
    are found at the next full search. 1 (default): every frame searched whole.
    ``track_stature`` (off by default) gives each track one stature, the running median of what
    its frames imply (:class:`TrackStature`; ``scale_source`` ``"track"``): its depth breathes
    a little less (-5%), but it is a little less accurate (root depth error 5.26% -> 5.51% in
    ``benchmarks/track_stature.py``). ``track_skeleton`` (on by default) then rebuilds each
    frame on the track's running median bone lengths, directions and root kept
    (:class:`TrackSkeleton`): bones stop stretching, and MPJPE drops 83.1 -> 81.9 mm there.
    ``joint_filter`` (:class:`PoseFilter`, or a :class:`OneEuroFilter` on every joint alike;
    None: off) filters the joints in the camera frame over time, causally, with the frames'
    times (docs/pipeline.md: its lag); the track skeleton then keeps the filtered directions and
    root on the unfiltered frames' median bones. ``smoothing`` (0 off, < 1) then smooths
    each person's canonical root depth over time (:class:`RootSmoother`). ``flip_test``: as
    :func:`lift_image` (on by default). The floor options: as :func:`lift_image`, frame by
    frame (the people of each frame on one floor; a frame where nobody stands, or whose feet
    are seen at the camera's height, keeps the lifter's scale). The track stature, when on,
    overrides a floor's scale.
    ``known_statures_mm`` (``{track id: body height [mm]}``): those people are rescaled to their
    height in every frame they are in (``scale_source`` ``"stature"``, a narrower interval);
    on a floor without a known camera height, the others standing on it with them take the
    same scale (``"floor+stature"``: one person of known height fixes the scene's scale).
    ``read_ahead``: frames of a file decoded ahead on a thread while the current one is worked
    on (:func:`~abspose.io.video.read_ahead`; 0: decode in turn).
    """

    info = path.info if isinstance(path, LiveFrames) else video_info(path)
    camera = camera or resolve_intrinsics(info.width, info.height)
    tracker = tracker or Tracker()
    smoother = RootSmoother(smoothing)
    statures, skeletons = TrackStature(), TrackSkeleton()
    model = resolve_lifter(model, "detector")  # loaded once, not per frame; detector keypoints
    on_floor: dict[str, Any] = {
        "camera_height_mm": camera_height_mm,
        "camera_pitch_deg": camera_pitch_deg,
        "camera_roll_deg": camera_roll_deg,
        "floor": floor,
    }
    if search_every < 1:
        raise AbsPoseError(f"search_every: expected a number of frames >= 1, got {search_every}")
    if read_ahead < 0:
        raise AbsPoseError(f"read_ahead: expected a number of frames >= 0 (0: none), got {read_ahead}")
    if temporal_model is not None:
        from abspose.model.temporal import TemporalLifter, load_temporal

        if not isinstance(temporal_model, TemporalLifter):
            temporal_model = load_temporal(temporal_model)
        if camera_height_mm is not None or floor not in (None, "none"):
            raise AbsPoseError(
                "temporal_model: the floor options (camera height, floor='auto') are not yet "
                "applied to the temporal lifter's poses; use the per-frame lifter for them"
            )
    regions = getattr(backend, "detect_regions", None)
    frames: Iterator[TimedFrame] = (
        iter(path)
        if isinstance(path, LiveFrames)
        else (
            TimedFrame(k, k / info.fps, image)
            for k, image in enumerate(iter_frames(path, max_frames, ahead=read_ahead))
        )
    )

    def tracked() -> Iterator[PeopleInFrame]:  # each frame lifted on its own, with track ids
        since_search = 0
        for timed in frames:
            index, image = timed.index, timed.image_rgb
            rois = tracker.boxes_px
            full = regions is None or len(rois) == 0 or since_search + 1 >= search_every
            args: dict[str, Any] = {
                "model": model, "min_confidence": min_confidence, "rois_px": rois, "index": index,
                "time_s": timed.time_s, "flip_test": flip_test, "floor_or_lifter": True, **on_floor,
            }  # fmt: skip
            if not full:
                frame = lift_image(image, _RegionsOnly(backend.layout, regions), camera, **args)
                full = len(frame.poses2d) < len(rois)  # someone tracked was not found: search everywhere
            if full:
                frame = lift_image(image, backend, camera, **args)
            since_search = 0 if full else since_search + 1
            ids = tracker.update(frame.poses2d.boxes_px)
            yield replace(frame, track_ids=ids, image_rgb=image if keep_image else None)

    stream = tracked()
    if temporal_model is not None:
        stream = relift_tracks(stream, temporal_model)
    for frame in stream:
        ids, lifted = frame.track_ids, frame.lifted
        if len(ids) and track_stature:
            implied = _implied_statures(lifted, frame)
            lifted = _with_track_stature(lifted, implied, statures(ids, implied))
        if len(ids) and known_statures_mm:
            lifted = with_known_statures(
                lifted, ids, _implied_statures(lifted, frame), known_statures_mm, model
            )
        filtered = None
        if len(ids) and joint_filter is not None:
            filtered = joint_filter(ids, lifted.joints_cam_mm, frame.time_s)
        if len(ids) and track_skeleton:
            root = lifted.root_cam_mm[:, None, :]
            rel = lifted.joints_cam_mm - root
            if filtered is None:
                lifted = replace(lifted, joints_cam_mm=skeletons(ids, rel) + root)
            else:  # the filtered pose's directions and root, the unfiltered frames' bone lengths
                froot = filtered[:, H36M17.root_index : H36M17.root_index + 1]
                filtered = skeletons(ids, rel, directions_mm=filtered - froot) + froot
        if filtered is not None:
            lifted = with_filtered_joints(lifted, filtered)
        if len(ids) and smoothing > 0:
            lifted = _with_smoothed_depth(lifted, smoother(ids, lifted.canonical_depth))
        yield replace(frame, lifted=lifted)
