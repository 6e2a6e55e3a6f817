"""``abspose.lift``: 2D keypoints in pixels plus intrinsics in, absolute 3D joints out.

>>> import numpy as np
>>> from abspose.data import convert_bvh, sample_bvh_path, sample_cameras, floor_height_mm
>>> clip = convert_bvh(sample_bvh_path())
>>> floor = floor_height_mm(clip.joints_world_mm)
>>> v = sample_cameras(clip.joints_world_mm[:4], floor, np.random.default_rng(0))
>>> result = lift(v.keypoints_px, focal_px=v.focal_px, principal_px=v.principal_px)
>>> result.joints_cam_mm.shape, result.root_cam_mm.shape, result.joint_names[0]
((4, 17, 3), (4, 3), 'pelvis')
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array, check_points
from abspose.errors import AbsPoseError, ShapeError
from abspose.geometry import equations as eq
from abspose.geometry.camera import Intrinsics, PinholeCameras
from abspose.geometry.floor import FLOOR_INTERVAL_SIGMAS, Floor
from abspose.lifters import (
    DETECTOR_LAYOUTS,
    default_model_kind,
    default_model_path,
    lift_h36m17,
    resolve_lifter,
    stature_interval_ratio,
)
from abspose.skeletons import H36M17, Skeleton, convert_to_h36m17, get_layout

if TYPE_CHECKING:
    from abspose.model.predict import Prediction

__all__ = [
    "DEFAULT_FOCAL_FACTOR",
    "DETECTOR_LAYOUTS",
    "AbsPoseWarning",
    "LiftResult",
    "default_focal_px",
    "default_model_kind",
    "default_model_path",
    "lift",
]

#: A pose whose joints spread less than this (RMS, [px]) is refused: a point, or normalized
#: coordinates passed as pixels.
MIN_SPREAD_PX = 1.0

#: With no focal length given, ``f = DEFAULT_FOCAL_FACTOR * max(width, height)`` [px]: a
#: 53° field of view across the image's long side, typical of phone and webcam main cameras.
DEFAULT_FOCAL_FACTOR = 1.0
#: Focal lengths outside this range [px] are refused as absurd.
FOCAL_RANGE_PX = (10.0, 1e5)


class AbsPoseWarning(UserWarning):
    """A result rests on an assumption (such as a default focal length)."""


@dataclass(frozen=True)
class LiftResult:
    """Absolute 3D poses of N people.

    Attributes:
        joints_cam_mm: ``(N, 17, 3)`` joints in camera coords (x right, y down, z forward) [mm].
        root_cam_mm: ``(N, 3)`` pelvis position [mm].
        canonical_depth: ``(N,)`` pelvis depth over focal length ``Z/f`` [mm/px]; valid even
            when the focal length was guessed (scale it by the true focal to get Z).
        focal_px: ``(N,)`` focal length used [px] (fx).
        principal_px: ``(N, 2)`` principal point used [px].
        focal_is_default: True when ``focal_px`` came from :func:`default_focal_px`.
        imputed: ``(N, 17)`` True where a joint was missing in 2D and filled in from the
            2D pose prior before lifting (:mod:`abspose.model.impute`).
        joint_names: the 17 joint names, in array order.
        scale_source: ``(N,)`` where each pose's size and distance came from: ``"prior"`` (the
            lifter alone), ``"stature"`` (a known height), ``"floor+camera_height"``,
            ``"floor+stature"`` (one known person on the same floor) or ``"floor+scene_prior"``.
            None: every pose from the prior.
        floor: the :class:`~abspose.geometry.floor.Floor` used (a unit up normal and the camera's
            height in camera coordinates), or None.
        depth_log_halfwidth: ``(N, 2)`` half-widths of the 68% and 95% intervals of the log
            distance (:mod:`abspose.model.uncertainty`); NaN where the model has no depth-spread
            head (an ONNX export, a checkpoint trained without one). None: all NaN.
        focal_y_px: ``(N,)`` fy [px] where it differs from ``focal_px`` (non-square pixels);
            None: square pixels. :attr:`camera` holds both.
    """

    joints_cam_mm: NDArray[np.float64]
    root_cam_mm: NDArray[np.float64]
    canonical_depth: NDArray[np.float64]
    focal_px: NDArray[np.float64]
    principal_px: NDArray[np.float64]
    focal_is_default: bool
    imputed: NDArray[np.bool_]
    joint_names: tuple[str, ...] = H36M17.joint_names
    scale_source: NDArray[np.str_] | None = None
    floor: Floor | None = None
    depth_log_halfwidth: NDArray[np.float64] | None = None
    focal_y_px: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        if self.scale_source is None:
            object.__setattr__(self, "scale_source", np.full(len(self.joints_cam_mm), "prior"))
        if self.depth_log_halfwidth is None:
            object.__setattr__(self, "depth_log_halfwidth", np.full((len(self.joints_cam_mm), 2), np.nan))

    @property
    def camera(self) -> PinholeCameras:
        """The N cameras the poses are in (fx, fy and the principal point)."""
        fy = self.focal_px if self.focal_y_px is None else self.focal_y_px
        return PinholeCameras(np.stack([self.focal_px, fy], axis=-1), self.principal_px)

    @property
    def distance_m(self) -> NDArray[np.float64]:
        """``(N,)`` pelvis distance from the camera centre [m]."""
        return np.asarray(np.linalg.norm(self.root_cam_mm, axis=-1) / 1000.0)

    @property
    def depth_sigma(self) -> NDArray[np.float64]:
        """``(N,)`` the distance's relative one-sigma spread: the 68% half-width of its log
        (0.06: the true distance lies within a factor ``exp(±0.06)``, about ±6%, 68% of the
        time). NaN without a depth-spread head."""
        assert self.depth_log_halfwidth is not None
        return np.asarray(self.depth_log_halfwidth[:, 0])

    @property
    def distance_interval_m(self) -> NDArray[np.float64]:
        """``(N, 2, 2)`` the pelvis distance's 68% ``[lo, hi]`` and 95% ``[lo, hi]`` intervals [m]
        (calibrated on held-out people, docs/results.md); NaN without a depth-spread head."""
        assert self.depth_log_halfwidth is not None
        hw = self.depth_log_halfwidth[:, :, None] * np.array([-1.0, 1.0])  # (N, 2, 2)
        return np.asarray(self.distance_m[:, None, None] * np.exp(hw))


def default_focal_px(width: float, height: float) -> float:
    """The focal length assumed when none is given [px] (see :data:`DEFAULT_FOCAL_FACTOR`)."""
    return DEFAULT_FOCAL_FACTOR * float(max(width, height))


def _check_inside_image(
    keypoints_px: NDArray[np.float64], principal_px: NDArray[np.float64], width: float, height: float
) -> None:
    """The principal point inside the image; each pose's centre within one image size of it."""
    size = np.array([width, height], dtype=np.float64)
    outside = ((principal_px < 0) | (principal_px > size)).any(axis=1)
    if outside.any():
        raise AbsPoseError(
            f"principal_px: expected a point inside the {width:g}x{height:g} image, got "
            f"{principal_px[outside][0].tolist()}; it is usually near the centre "
            f"({width / 2:g}, {height / 2:g})"
        )
    centre = np.add.reduce(keypoints_px, axis=1) / keypoints_px.shape[1]  # (N, 2)
    far = ((centre < -size) | (centre > 2 * size)).any(axis=1)
    if far.any():
        k = int(np.flatnonzero(far)[0])
        raise AbsPoseError(
            f"keypoints_px: pose {k} is centred at {np.round(centre[k], 1).tolist()} px, more than an "
            f"image size outside the {width:g}x{height:g} image; expected pixel coordinates of this image "
            "(are they in another unit, or is image_size wrong?)"
        )


def _per_pose(value: Any, n: int, shape: tuple[int, ...], name: str) -> NDArray[np.float64]:
    arr = as_float_array(value, name)
    if arr.shape != shape and arr.shape != (n, *shape):
        raise ShapeError(
            f"{name}: expected shape {shape} or ({n}, {', '.join(map(str, shape))}), got {arr.shape}"
        )
    out = np.empty((n, *shape))
    out[...] = arr  # broadcasting assignment: a fraction of np.broadcast_to's cost at batch 1
    return out


def lift(
    keypoints_px: Any,
    *,
    focal_px: Any = None,
    principal_px: Any = None,
    image_size: tuple[int, int] | None = None,
    layout: str = "h36m17",
    confidences: Any = None,
    model: Any = None,
    stature_mm: Any = None,
    min_confidence: float = 0.0,
    flip_test: bool = False,
    camera_height_mm: float | None = None,
    camera_pitch_deg: float | None = None,
    camera_roll_deg: float | None = None,
    floor: str | None = None,
    camera: Intrinsics | PinholeCameras | None = None,
) -> LiftResult:
    """Lift 2D keypoints to absolute 3D joints in the camera frame.

    Args:
        keypoints_px: ``(J, 2)`` or ``(N, J, 2)`` pixel keypoints in ``layout``'s order.
        focal_px: scalar or ``(N,)`` focal length [px]. None: guessed from ``image_size`` with
            :func:`default_focal_px`, with an :class:`AbsPoseWarning`; the canonical depth
            stays valid whatever the focal length.
        principal_px: ``(2,)`` or ``(N, 2)`` principal point [px]; default the image centre.
        image_size: ``(width, height)`` [px], needed when the focal or principal point is not given.
        layout: ``"h36m17"``, ``"coco17"``, ``"body25"``, ``"body25b"``, ``"mediapipe33"``,
            ``"mpii16"`` (Stacked Hourglass; no nose, which is then filled in) or ``"h36m32"``.
        confidences: optional ``(J,)`` or ``(N, J)`` confidences. NaN positions are accepted
            where the confidence is at or below ``min_confidence`` (without confidences, a NaN
            joint counts as missing). A joint at or below
            ``min_confidence`` is missing: its 2D position is ignored and filled in from the
            visible joints by a Gaussian 2D-pose prior (``LiftResult.imputed`` tells which);
            a pose needs 12 of the 17 H36M joints (1-3 missing cost 1-4 mm MPJPE).
        model: None (a shipped model: the one trained on exact 2D for ``h36m17`` and ``h36m32``
            keypoints, the detector-trained one for the :data:`DETECTOR_LAYOUTS`; see
            :func:`default_model_path`), a checkpoint path (``.safetensors``, or ``.onnx`` from
            ``abspose export-onnx``, run by ONNX Runtime), an :class:`AbsPoseLifter` or an
            :class:`~abspose.model.onnx.OnnxLifter`.
        stature_mm: optional known body height, scalar or ``(N,)`` [mm], NaN where unknown.
            One image cannot tell a tall person far away from a short one nearby; with the
            height known, each pose is rescaled about the camera centre (its projection
            unchanged) to that stature, which removes most of the depth error (see
            docs/results.md). With a floor, one known person fixes everyone's scale.
        min_confidence: confidence at or below which a joint counts as missing (default 0:
            only joints a detector did not find, such as OpenPose's (0, 0, 0)).
        flip_test: also lift each pose's mirror image and average the two
            (:func:`~abspose.model.predict.predict_flip_test`): twice the lifting time, about
            1 mm lower MPJPE (docs/results.md).
        camera_height_mm: the camera centre's height above the floor [mm]. The N poses are
            then people or frames seen by **one fixed camera above one floor**: each person
            standing on it is rescaled about the camera centre so that their feet touch it
            (:mod:`abspose.geometry.floor`), and the distance no longer depends on the body-size
            guess. Implies ``floor="auto"``.
        camera_pitch_deg: the optical axis's angle below the horizon (positive looking down);
            with ``camera_roll_deg`` (the turn about the optical axis, positive clockwise as
            seen by the camera, default 0) it gives the floor's orientation. None: estimated
            from the people's mean upright axis, a few degrees off, which costs more than the
            floor gives (docs/results.md): give the pitch.
        floor: ``"auto"`` (one camera, one floor: standing people are tied to it; without a
            camera height or a known stature the scene's scale is the lifted depths' average,
            ``scale_source`` ``"floor+scene_prior"``) or ``"none"``; None: ``"auto"`` when
            ``camera_height_mm`` is given, else ``"none"``.
        camera: the camera instead of ``focal_px`` / ``principal_px``: an
            :class:`~abspose.geometry.Intrinsics` (one camera for every pose; its image size
            stands for ``image_size`` when that is not given) or a
            :class:`~abspose.geometry.PinholeCameras` (one per pose). Non-square pixels
            (``fy != fx``) are exact: the lifter sees the image with y scaled by ``fx / fy``
            (:meth:`~abspose.geometry.PinholeCameras.square_pixels`).

    Returns:
        A :class:`LiftResult`; with a shipped model (or any with a depth-spread head) each
        person's distance comes with calibrated 68% and 95% intervals
        (``distance_interval_m``, ``depth_sigma``), narrowed by a known stature or the floor.

    Raises:
        AbsPoseError: bad shapes, NaN, unknown layout, non-positive or absurd focal length,
            collapsed poses, too few visible joints, or a missing image size.
    """
    skeleton = get_layout(layout)
    keypoints, visible = _h36m17_keypoints(keypoints_px, skeleton, confidences, min_confidence)
    cameras, focal_is_default = _cameras(keypoints, focal_px, principal_px, image_size, camera)
    n, f, c = len(keypoints), cameras.fx, cameras.principal_px
    square = cameras.square_pixels(keypoints)  # what a square-pixel camera of focal fx sees
    resolved = resolve_lifter(model, default_model_kind(skeleton.name))
    pred = lift_h36m17(resolved, keypoints, cameras, flip_test)
    halfwidth = np.full((n, 2), np.nan)
    if pred.depth_log_halfwidth is not None:
        halfwidth[:] = pred.depth_log_halfwidth
    source = np.full(n, "prior", dtype=object)
    known = np.zeros(n, dtype=bool)
    if stature_mm is not None:
        target = _per_pose(stature_mm, n, (), "stature_mm")
        known = np.isfinite(target)
        if known.any():
            scaled = pred.with_stature(np.where(known, target, 1700.0), square, f, c)
            pred = pred.rescaled(np.where(known, scaled.canonical_depth / pred.canonical_depth, 1.0))
            source[known] = "stature"
            halfwidth[known] *= stature_interval_ratio(resolved)
    pred, floor_plane = _on_the_floor(
        pred, square, cameras, visible, known, halfwidth, source,
        floor=floor, camera_height_mm=camera_height_mm, camera_pitch_deg=camera_pitch_deg,
        camera_roll_deg=camera_roll_deg,
    )  # fmt: skip
    return LiftResult(
        pred.joints_cam_mm, pred.root_cam_mm, pred.canonical_depth, f, c, focal_is_default, ~visible,
        scale_source=source.astype(str), floor=floor_plane, depth_log_halfwidth=halfwidth,
        focal_y_px=None if (cameras.aspect == 1.0).all() else cameras.fy,
    )  # fmt: skip


def _h36m17_keypoints(
    keypoints_px: Any, skeleton: Skeleton, confidences: Any, min_confidence: float
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Checked ``(N, 17, 2)`` H36M-17 keypoints (missing joints filled in from the 2D pose
    prior) and ``(N, 17)`` which were seen, from ``keypoints_px`` in ``skeleton``'s layout."""
    if not np.isfinite(min_confidence):
        raise AbsPoseError(f"min_confidence: expected a finite threshold such as 0.2, got {min_confidence}")
    kp = check_points(keypoints_px, "keypoints_px", dim=2, joints=skeleton.num_joints, finite=False)
    kp = kp.reshape(-1, skeleton.num_joints, 2)
    n = kp.shape[0]
    visible = np.ones((n, H36M17.num_joints), dtype=bool)
    conf = None
    unseen = ~np.isfinite(kp).all(-1)  # (N, J) NaN positions: accepted only as missing joints
    if np.isinf(kp).any():
        raise ShapeError("keypoints_px: expected finite values or NaN for missing joints, got inf")
    if confidences is not None:
        conf = _per_pose(confidences, n, (skeleton.num_joints,), "confidences")
        if not np.isfinite(conf).all():
            raise ShapeError("confidences: expected finite values")
        bad = unseen & (conf > min_confidence)
        if bad.any():
            pose, joint = np.argwhere(bad)[0]
            raise ShapeError(
                f"keypoints_px: NaN at joint {skeleton.joint_names[joint]!r} of pose {pose} whose confidence "
                f"is {conf[pose, joint]:g}; give a missing joint confidence 0 (or <= min_confidence)"
            )
    elif unseen.any():
        conf = np.where(unseen, 0.0, 1.0)  # no confidences: a NaN joint is a missing joint
        min_confidence = 0.0
    if conf is not None:
        kp = np.where((conf > min_confidence)[..., None], kp, 0.0)  # a missing joint's position is unused
    converted = convert_to_h36m17(kp, skeleton, conf)  # a joint's confidence: min of its sources
    keypoints = converted.keypoints  # (N, 17, 2)
    if converted.confidences is not None:
        visible = converted.confidences > min_confidence
        if not visible.all():
            from abspose.model.impute import impute_missing

            keypoints = impute_missing(keypoints, visible)
    spread = eq.scale(keypoints, eq.location(keypoints))  # (N,) RMS spread σ [px], Eq. 2-3 (already checked)
    if (spread < MIN_SPREAD_PX).any():
        raise AbsPoseError(
            f"keypoints_px: pose {int(np.argmin(spread))} has all its joints on one point "
            f"(spread σ = {spread.min():.2g} px, "
            f"expected >= {MIN_SPREAD_PX:g} px); pass pixel coordinates (normalized [0, 1] "
            "coordinates must be multiplied by the image size)"
        )
    return keypoints, visible


def _cameras(
    keypoints: NDArray[np.float64],
    focal_px: Any,
    principal_px: Any,
    image_size: Any,
    camera: Intrinsics | PinholeCameras | None,
) -> tuple[PinholeCameras, bool]:
    """The N checked cameras of :func:`lift`'s arguments, and whether the focal length is the
    default (:func:`default_focal_px`, with a warning)."""
    n = len(keypoints)
    fy: NDArray[np.float64] | None = None  # None: square pixels, fy = fx
    if camera is not None:
        if focal_px is not None or principal_px is not None:
            raise AbsPoseError("camera: give the camera or focal_px / principal_px, not both")
        if isinstance(camera, Intrinsics):
            if image_size is None and camera.width is not None and camera.height is not None:
                image_size = (camera.width, camera.height)
            camera = PinholeCameras.from_intrinsics(camera, n)
        if not isinstance(camera, PinholeCameras) or len(camera) != n:
            raise AbsPoseError(
                f"camera: expected an Intrinsics or PinholeCameras of {n} cameras (one per pose), got "
                f"{type(camera).__name__}"
                + (f" of {len(camera)}" if isinstance(camera, PinholeCameras) else "")
            )
        focal_px, principal_px, fy = camera.fx, camera.principal_px, camera.fy
    if (focal_px is None or principal_px is None) and image_size is None:
        raise AbsPoseError(
            "image_size=(width, height) is needed when focal_px or principal_px is not given; "
            "pass the intrinsics or the image size"
        )
    focal_is_default = focal_px is None
    if image_size is not None:
        size = as_float_array(image_size, "image_size")
        if size.shape != (2,) or not (np.isfinite(size).all() and (size > 0).all()):
            raise AbsPoseError(f"image_size: expected (width, height) > 0 [px], got {image_size}")
        width, height = float(size[0]), float(size[1])
    if focal_px is None:
        focal_px = default_focal_px(width, height)
        warnings.warn(
            f"no focal length given: assuming {focal_px:.0f} px (max(width, height)); absolute depths "
            "scale with it, canonical_depth does not. Pass focal_px for metric depth.",
            AbsPoseWarning,
            stacklevel=3,
        )
    f = _per_pose(focal_px, n, (), "focal_px")
    if not np.isfinite(f).all() or (f <= FOCAL_RANGE_PX[0]).any() or (f >= FOCAL_RANGE_PX[1]).any():
        raise AbsPoseError(
            f"focal_px: expected {FOCAL_RANGE_PX[0]:g} < f < {FOCAL_RANGE_PX[1]:g} px, got {f[:4]}"
        )
    c = _per_pose(
        principal_px if principal_px is not None else (width / 2.0, height / 2.0), n, (2,), "principal_px"
    )
    if not np.isfinite(c).all():
        raise ShapeError("principal_px: expected finite values")
    if image_size is not None:
        _check_inside_image(keypoints, c, width, height)
    return PinholeCameras(np.stack([f, f if fy is None else fy], axis=-1), c), focal_is_default


def _on_the_floor(
    pred: Prediction,
    square: NDArray[np.float64],
    cameras: PinholeCameras,
    visible: NDArray[np.bool_],
    known: NDArray[np.bool_],
    halfwidth: NDArray[np.float64],
    source: NDArray[Any],
    *,
    floor: str | None,
    camera_height_mm: float | None,
    camera_pitch_deg: float | None,
    camera_roll_deg: float | None,
) -> tuple[Prediction, Floor | None]:
    """The poses standing on one floor rescaled to it (:func:`abspose.geometry.floor.scale_by_floor`),
    ``source`` and ``halfwidth`` updated in place; the floor used, or None."""
    f, c, aspect = cameras.fx, cameras.principal_px, cameras.aspect
    floor_plane = None
    mode = floor if floor is not None else ("auto" if camera_height_mm is not None else "none")
    if mode not in ("auto", "none"):
        raise AbsPoseError(f"floor: expected 'auto' or 'none', got {floor!r}")
    if mode == "none" and camera_height_mm is not None:
        raise AbsPoseError("camera_height_mm needs the floor: drop floor='none' (or the camera height)")
    if mode == "auto":
        from abspose.geometry.floor import PRIOR_LOG_SIGMA, scale_by_floor, up_from_pitch_roll

        if np.ptp(f) > 1e-6 * f.max() or np.ptp(c, axis=0).max() > 1e-6 or np.ptp(aspect) > 1e-9:
            raise AbsPoseError(
                "floor: expected one fixed camera (the same focal_px and principal_px for every "
                "pose); lift each camera's poses separately"
            )
        up = None
        if camera_pitch_deg is not None:
            up = up_from_pitch_roll(camera_pitch_deg, camera_roll_deg or 0.0)
        elif camera_roll_deg is not None:
            raise AbsPoseError("camera_roll_deg needs camera_pitch_deg (0 for a level camera)")
        fs = scale_by_floor(
            pred.joints_cam_mm,
            square,
            f,
            c,
            camera_height_mm=camera_height_mm,
            up_cam=up,
            known_scale=np.where(known, 1.0, np.nan),
            seen=visible,
            prior_log_sigma=np.where(np.isfinite(halfwidth[:, 0]), halfwidth[:, 0], PRIOR_LOG_SIGMA),
        )
        moved = (fs.scale_source != "") & ~known  # a known stature stays that person's scale
        pred = pred.rescaled(np.where(moved, fs.scale, 1.0))
        source[moved] = fs.scale_source[moved]
        for label, k in FLOOR_INTERVAL_SIGMAS.items():
            at = moved & (fs.scale_source == label)
            halfwidth[at] = fs.log_sigma[at, None] * np.asarray(k)
        floor_plane = fs.floor
    return pred, floor_plane
