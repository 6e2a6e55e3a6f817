"""Scale from the floor: people stand on one plane, seen by one fixed camera.

One image cannot tell a tall person far away from a short one nearby, but their feet can:
a foot that touches the floor lies on a plane at the camera's height below it. Rescaling a
person about the camera centre keeps every projection, so the floor fixes each person's
scale along the rays of their feet (docs/pipeline.md, "Scale from the floor").

Frames and units: camera frame x right, y down, z forward [mm]. The floor is the plane
``up · X + offset_mm = 0`` with ``up`` the unit vector pointing away from the floor, in camera
coordinates, and ``offset_mm`` the camera centre's height above it.

Which feet touch: only people standing or walking upright (trunk within
:data:`UPRIGHT_TRUNK_DEG` of ``up``, pelvis at least :data:`STANDING_LEG_EXTENSION` of the
leg's length above the lower ankle), and of those the lower ankle plus the other one when it
is within :data:`RAISED_FOOT_MM` of it. A person sitting, squatting, kneeling or lying, and a
raised foot, do not count. A contact ankle's joint centre is :data:`CONTACT_ANKLE_MM` above
the floor.

The floor's answer is fused with the lifter's own (both as log-normal on the person's scale):
the lifter's spread is each person's own (the depth-spread head's 68% half-width) or
:data:`PRIOR_LOG_SIGMA`, the floor's is :data:`CONTACT_ANKLE_SIGMA_MM` over the camera's height
above the ankles and :data:`POSE_DEPTH_SIGMA_MM` over the person's depth (plus the camera
height's own uncertainty when it was estimated). A person whose floor scale disagrees with
the lifter by more than :data:`GATE_SIGMAS` of the two together (a foot in the air: a jump, a
run's flight phase) keeps the lifter's scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17

__all__ = [
    "CONTACT_ANKLE_MM",
    "CONTACT_ANKLE_SIGMA_MM",
    "FLOOR_INTERVAL_SIGMAS",
    "GATE_SIGMAS",
    "MIN_DEPRESSION_DEG",
    "POSE_DEPTH_SIGMA_MM",
    "PRIOR_LOG_SIGMA",
    "RAISED_FOOT_MM",
    "STANDING_LEG_EXTENSION",
    "UPRIGHT_TRUNK_DEG",
    "Floor",
    "FloorScale",
    "contact_depths_mm",
    "estimate_up",
    "floor_contacts",
    "scale_by_floor",
    "up_from_pitch_roll",
]

#: Largest angle between a standing person's trunk (pelvis to thorax) and the floor's up [deg].
UPRIGHT_TRUNK_DEG = 35.0
#: Smallest pelvis height above the lower ankle, as a share of that leg's thigh + shin, for a
#: person to count as standing (sitting on a chair: about 0.5; walking: 0.9-1.0).
STANDING_LEG_EXTENSION = 0.8
#: The other ankle touches too when it is at most this much higher than the lower one [mm].
RAISED_FOOT_MM = 25.0
#: Height of a contact ankle's joint centre above the floor [mm]: the median over the training
#: split's frames that :func:`floor_contacts` counts as standing (CMU, ReActIdle and lab
#: people; 25th-75th percentile 85-111 mm; 80 mm when standing still,
#: :data:`~abspose.data.mocap.augment.ANKLE_HEIGHT_MM`).
CONTACT_ANKLE_MM = 92.0
#: Spread of that height [mm] (the interquartile range over 1.35).
CONTACT_ANKLE_SIGMA_MM = 20.0
#: Spread of a lifted pose's ankle depth relative to its pelvis [mm]: the floor places the ankle,
#: the pelvis follows it by the pose. Measured on the val people (robust sigma of the error of
#: ``z_ankle - z_pelvis`` with the root depth exact: 123-125 mm from exact 2D, 150 mm with
#: ``openpose-mixture`` errors); over the person's depth, the floor's main error term.
POSE_DEPTH_SIGMA_MM = 125.0
#: Spread of the lifter's own scale, as a log (its mean root depth error is 5.6%, docs/results.md).
PRIOR_LOG_SIGMA = 0.07
#: A floor scale further than this many combined sigmas from the lifter's is not used.
GATE_SIGMAS = 3.0
#: Half-widths of the 68% and 95% intervals of a floor-fixed distance, in units of
#: :attr:`FloorScale.log_sigma`, per ``scale_source``: the 68% and 95% quantiles of
#: ``|log d - log d*| / log_sigma`` over 200 scenes of 4 val people (exact and ``openpose-mixture``
#: 2D, ``benchmarks/floor.py``'s cameras). Wider than a normal law's (1, 1.96): a foot in the
#: air that passes the gate, a heel lifted in gait. ``"floor+stature"`` takes the scene's.
FLOOR_INTERVAL_SIGMAS = {
    "floor+camera_height": (1.51, 4.57),
    "floor+scene_prior": (1.34, 2.86),
    "floor+stature": (1.34, 2.86),
}
#: A foot seen less than this far below the camera's horizon gives no scale (the camera is at
#: the height of the feet: a small error in the plane moves the person without bound) [deg].
MIN_DEPRESSION_DEG = 2.0

_PELVIS, _THORAX = H36M17.indices(["pelvis", "thorax"])
_ANKLES = H36M17.indices(["l_ankle", "r_ankle"])
_KNEES = H36M17.indices(["l_knee", "r_knee"])
_HIPS = H36M17.indices(["l_hip", "r_hip"])


@dataclass(frozen=True)
class Floor:
    """A floor plane in camera coordinates: ``up_cam · X + offset_mm = 0``.

    Attributes:
        up_cam: ``(3,)`` unit normal pointing up, away from the floor, in camera coords.
        offset_mm: the camera centre's height above the floor [mm].
        orientation_source: ``"pitch_roll"`` (given), ``"contacts"`` (a plane fitted to the
            feet) or ``"body_axes"`` (the people's mean upright direction).
    """

    up_cam: NDArray[np.float64]
    offset_mm: float
    orientation_source: str

    def height_mm(self, points_cam_mm: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(...)`` height of ``(..., 3)`` camera-frame points above the floor [mm]."""
        return np.asarray(points_cam_mm @ self.up_cam + self.offset_mm)


def up_from_pitch_roll(pitch_deg: float, roll_deg: float = 0.0) -> NDArray[np.float64]:
    """``(3,)`` the world's up in camera coordinates for a camera pitched and rolled.

    Pitch: the optical axis's angle below the horizon, positive looking down. Roll: the turn
    about the optical axis, positive clockwise as seen by the camera (a vertical pole then leans
    left in the image). A level camera gives ``(0, -1, 0)`` (up is the image's up).
    """
    for name, value in (("camera_pitch_deg", pitch_deg), ("camera_roll_deg", roll_deg)):
        if not np.isfinite(value) or abs(value) >= 90.0:
            raise AbsPoseError(f"{name}: expected an angle strictly between -90 and 90 degrees, got {value}")
    t, r = np.radians(pitch_deg), np.radians(roll_deg)
    return np.array([-np.sin(r) * np.cos(t), -np.cos(r) * np.cos(t), -np.sin(t)])


def estimate_up(joints_cam_mm: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(3,)`` the up direction from the people's posture: the mean direction from the mid
    ankles to the thorax of those standing roughly upright (two passes: all people, then those
    within :data:`UPRIGHT_TRUNK_DEG` of the first mean).

    Args:
        joints_cam_mm: ``(N, 17, 3)`` H36M-17 poses in camera coords [mm].

    Raises:
        AbsPoseError: no pose is upright enough to tell where up is.
    """
    J = np.asarray(joints_cam_mm, dtype=np.float64)
    axis = J[:, _THORAX] - J[:, _ANKLES].mean(1)
    axis /= np.linalg.norm(axis, axis=-1, keepdims=True) + 1e-12
    up = axis.mean(0)
    for _ in range(2):
        up /= np.linalg.norm(up) + 1e-12
        upright = axis @ up > np.cos(np.radians(UPRIGHT_TRUNK_DEG))
        if not upright.any():
            break
        up = axis[upright].mean(0)
    norm = np.linalg.norm(up)
    if not upright.any() or norm < 0.5:
        raise AbsPoseError(
            "floor: no person stands upright, so the floor's orientation cannot be estimated; "
            "pass camera_pitch_deg (and camera_roll_deg), or floor='none'"
        )
    return np.asarray(up / norm)


def floor_contacts(joints_cam_mm: NDArray[np.float64], up_cam: NDArray[np.float64]) -> NDArray[np.bool_]:
    """``(N, 2)`` which ankles (left, right) stand on the floor (see the module's rules).

    Args:
        joints_cam_mm: ``(N, 17, 3)`` H36M-17 poses in camera coords [mm] (any scale: the tests
            are on ratios, except the raised-foot tolerance).
        up_cam: ``(3,)`` unit up direction.
    """
    J = np.asarray(joints_cam_mm, dtype=np.float64)
    up = np.asarray(up_cam, dtype=np.float64)
    trunk = J[:, _THORAX] - J[:, _PELVIS]
    cos_trunk = trunk @ up / (np.linalg.norm(trunk, axis=-1) + 1e-12)
    height = J @ up  # (N, 17) height along up, up to a constant
    ankle_h = height[:, _ANKLES]  # (N, 2)
    lower = np.argmin(ankle_h, axis=1)  # (N,)
    rows = np.arange(len(J))
    leg = np.linalg.norm(J[:, _HIPS] - J[:, _KNEES], axis=-1) + np.linalg.norm(
        J[:, _KNEES] - J[:, _ANKLES], axis=-1
    )  # (N, 2)
    extension = (height[:, _PELVIS] - ankle_h[rows, lower]) / (leg[rows, lower] + 1e-12)
    standing = (cos_trunk > np.cos(np.radians(UPRIGHT_TRUNK_DEG))) & (extension >= STANDING_LEG_EXTENSION)
    near = ankle_h - ankle_h[rows, lower][:, None] <= RAISED_FOOT_MM
    return np.asarray(standing[:, None] & near)


def contact_depths_mm(
    keypoints_px: NDArray[np.float64],
    focal_px: NDArray[np.float64],
    principal_px: NDArray[np.float64],
    up_cam: NDArray[np.float64],
    contacts: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """``(N, 2)`` the depth Z [mm] at which each ankle's ray (through its 2D keypoint) meets a
    plane 1 mm below the camera centre, across ``up_cam``: multiply by the camera's height above
    the ankles. NaN where ``contacts`` is False.

    Args:
        keypoints_px: ``(N, 17, 2)`` H36M-17 keypoints [px].
        focal_px: ``(N,)`` focal lengths [px]; principal_px: ``(N, 2)`` [px].
        up_cam: ``(3,)`` unit up direction.
        contacts: ``(N, 2)`` the ankles on the floor (:func:`floor_contacts`).

    Raises:
        AbsPoseError: a contact's ray is less than :data:`MIN_DEPRESSION_DEG` below the camera's
            horizon: the camera is at the height of the feet (or below them), and the floor
            cannot fix the distance.
    """
    kp = np.asarray(keypoints_px, dtype=np.float64)[:, _ANKLES]  # (N, 2, 2)
    f = np.asarray(focal_px, dtype=np.float64)[:, None, None]
    c = np.asarray(principal_px, dtype=np.float64)[:, None, :]
    rays = np.concatenate([(kp - c) / f, np.ones((*kp.shape[:2], 1))], -1)  # (N, 2, 3), z = 1
    down = -(rays @ np.asarray(up_cam, dtype=np.float64))  # (N, 2) descent per unit of depth
    sin_depression = down / np.linalg.norm(rays, axis=-1)
    grazing = contacts & (sin_depression < np.sin(np.radians(MIN_DEPRESSION_DEG)))
    if grazing.any():
        n, k = np.argwhere(grazing)[0]
        angle = np.degrees(np.arcsin(np.clip(sin_depression[n, k], -1, 1)))
        raise AbsPoseError(
            f"floor: pose {n}'s {('left', 'right')[k]} ankle is seen {angle:.1f} degrees below the "
            f"camera's horizon (expected >= {MIN_DEPRESSION_DEG:g}): the camera is at the height of "
            "the feet, so the floor cannot fix the distance; use floor='none' or a known stature"
        )
    return np.asarray(np.where(contacts, 1.0 / np.where(contacts, down, 1.0), np.nan))


@dataclass(frozen=True)
class FloorScale:
    """What the floor did to N poses.

    Attributes:
        scale: ``(N,)`` factor applied to each pose about the camera centre (1 where unchanged).
        scale_source: ``(N,)`` ``"floor+camera_height"``, ``"floor+stature"`` (a known person
            fixed the camera height), ``"floor+scene_prior"`` (the lifter's depths of all the
            standing people did), or ``""`` where the pose has no foot on the floor or the
            floor's scale was too far from the lifter's to be trusted (a foot in the air).
        floor: the plane used.
        log_sigma: ``(N,)`` the fused scale's spread as a log (one sigma of the log-normal
            fusion, the lifter's and the floor's together), NaN where the floor was not used.
    """

    scale: NDArray[np.float64]
    scale_source: NDArray[np.str_]
    floor: Floor
    log_sigma: NDArray[np.float64]


def scale_by_floor(
    joints_cam_mm: NDArray[np.float64],
    keypoints_px: NDArray[np.float64],
    focal_px: NDArray[np.float64],
    principal_px: NDArray[np.float64],
    *,
    camera_height_mm: float | None = None,
    up_cam: NDArray[np.float64] | None = None,
    known_scale: NDArray[np.float64] | None = None,
    prior_log_sigma: float | NDArray[np.float64] = PRIOR_LOG_SIGMA,
    seen: NDArray[np.bool_] | None = None,
) -> FloorScale:
    """Rescale people who stand on one floor so their feet touch it.

    Args:
        joints_cam_mm: ``(N, 17, 3)`` lifted H36M-17 poses, one fixed camera [mm].
        keypoints_px: ``(N, 17, 2)`` their 2D keypoints [px] (the feet's rays).
        focal_px: ``(N,)`` [px]; principal_px: ``(N, 2)`` [px].
        camera_height_mm: the camera centre's height above the floor; None: estimated from
            ``known_scale``, else from all the standing people's lifted depths.
        up_cam: ``(3,)`` the floor's up in camera coords (:func:`up_from_pitch_roll`); None:
            the people's mean upright axis (:func:`estimate_up`: a few degrees off, which costs
            far more than the floor gives, see docs/results.md).
        known_scale: ``(N,)`` the factor that gives each pose its known stature, NaN where
            the stature is unknown; used (when ``camera_height_mm`` is None) to fix the height.
        prior_log_sigma: the lifter's scale spread (log), one for all or ``(N,)`` per person
            (a depth-spread head's 68% half-widths); ``inf`` trusts the floor alone.
        seen: ``(N, 17)`` False where a joint was missing in 2D (filled in): an ankle not
            seen does not count as a contact.

    Raises:
        AbsPoseError: nobody stands on the floor, no upright person to orient it, or a foot at
            the camera's height.
    """
    if camera_height_mm is not None and not float(camera_height_mm) - CONTACT_ANKLE_MM > 0:
        raise AbsPoseError(
            f"camera_height_mm: expected the camera's height above the floor, more than "
            f"{CONTACT_ANKLE_MM:g} mm, got {camera_height_mm}; pass millimetres (1.6 m = 1600)"
        )
    J = np.asarray(joints_cam_mm, dtype=np.float64)
    n = len(J)
    prior_sigma = np.broadcast_to(np.asarray(prior_log_sigma, dtype=np.float64), (n,))
    if not (prior_sigma > 0).all():
        raise AbsPoseError(
            f"prior_log_sigma: expected spreads > 0 (inf: the floor alone), got {prior_sigma[:4]}"
        )
    source = "pitch_roll"
    if up_cam is None:
        up = estimate_up(J)
        source = "body_axes"
    else:
        up = np.asarray(up_cam, dtype=np.float64)
    contacts = floor_contacts(J, up)
    if seen is not None:
        contacts &= np.asarray(seen)[:, _ANKLES]
    standing = contacts.any(1)
    if not standing.any():
        raise AbsPoseError(
            f"floor: none of the {n} poses stands on the floor (upright, legs extended), so the floor "
            "cannot fix the scale; use floor='none' (sitting, squatting and lying people do not count)"
        )
    unit_depth = contact_depths_mm(keypoints_px, focal_px, principal_px, up, contacts)  # (N, 2)
    # log q: each standing pose's log scale per mm of camera height above the ankles
    ratio = np.where(contacts, unit_depth / J[:, _ANKLES, 2], 1.0)
    log_q = np.where(standing, np.log(ratio).sum(1) / np.maximum(contacts.sum(1), 1), np.nan)  # (N,)
    label, height_log_sigma = "floor+camera_height", 0.0
    if camera_height_mm is not None:
        above_ankles = float(camera_height_mm) - CONTACT_ANKLE_MM
        log_above = np.log(above_ankles)
    else:
        known = standing & np.isfinite(known_scale) if known_scale is not None else np.zeros(n, bool)
        if known.any():  # each known person's log camera height; the stature's rescale errs ~3%
            votes, vote_sigma, label = (
                np.log(np.asarray(known_scale)[known]) - log_q[known],
                0.03,
                "floor+stature",
            )
        else:  # the scene's scale: the lifted depths of all standing people, on average kept
            votes, vote_sigma, label = (
                -log_q[standing],
                float(np.median(prior_sigma[standing])),
                "floor+scene_prior",
            )
        log_above = float(np.mean(votes))
        if len(votes) > 2 and np.isfinite(vote_sigma):  # one pass without the outliers (feet in the air)
            inliers = np.abs(votes - np.median(votes)) <= GATE_SIGMAS * vote_sigma
            log_above = float(np.mean(votes[inliers]))
            votes = votes[inliers]
        height_log_sigma = vote_sigma / np.sqrt(len(votes)) if np.isfinite(vote_sigma) else 0.0
        above_ankles = float(np.exp(log_above))
    log_floor = log_above + log_q  # (N,) the floor's log scale for each standing pose
    ankle_depth = np.where(
        standing, np.where(contacts, J[:, _ANKLES, 2], 0.0).sum(1) / np.maximum(contacts.sum(1), 1), 1.0
    )
    floor_var = (
        (CONTACT_ANKLE_SIGMA_MM / above_ankles) ** 2
        + (POSE_DEPTH_SIGMA_MM / (ankle_depth * np.exp(np.nan_to_num(log_q) + log_above))) ** 2
        + height_log_sigma**2
    )  # (N,)
    prior_var = prior_sigma**2  # (N,)
    finite = np.isfinite(prior_var)
    with np.errstate(invalid="ignore"):
        trusted = standing & (np.abs(log_floor) <= GATE_SIGMAS * np.sqrt(prior_var + floor_var))
        weight = np.where(finite, prior_var / (prior_var + floor_var), 1.0)
        fused_var = np.where(finite, prior_var * floor_var / (prior_var + floor_var), floor_var)
    scale = np.where(trusted, np.exp(weight * np.nan_to_num(log_floor)), 1.0)
    log_sigma = np.where(trusted, np.sqrt(fused_var), np.nan)
    floor = Floor(up_cam=up, offset_mm=above_ankles + CONTACT_ANKLE_MM, orientation_source=source)
    return FloorScale(scale, np.where(trusted, label, ""), floor, log_sigma)
