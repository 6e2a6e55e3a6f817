"""Scale from the floor: exact recovery on synthetic scenes, projections kept, contacts chosen
as documented, degenerate cases refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from abspose import AbsPoseError
from abspose.data import sample_dataset
from abspose.data.mocap.cameras import VirtualCameraConfig, sample_scene
from abspose.data.mocap.postures import pose_posture
from abspose.errors import DataError
from abspose.geometry import project
from abspose.geometry.camera import Intrinsics
from abspose.geometry.floor import (
    CONTACT_ANKLE_MM,
    POSE_DEPTH_SIGMA_MM,
    PRIOR_LOG_SIGMA,
    estimate_up,
    floor_contacts,
    scale_by_floor,
    up_from_pitch_roll,
)
from abspose.skeletons import H36M17

ANKLES = H36M17.indices(["l_ankle", "r_ankle"])
FLOOR_ONLY = {"prior_log_sigma": np.inf}  # exact recovery: the floor alone, not fused with the lifter


def _standing_world(k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """k walk frames with both ankle joint centres put exactly CONTACT_ANKLE_MM above the floor."""
    ds = sample_dataset()
    idx = rng.choice(len(ds.joints_world_mm), k, replace=False)
    P = ds.joints_world_mm[idx].astype(np.float64)
    floor = ds.clip_floor_y_mm[ds.clip_index[idx]].astype(np.float64)
    P[:, ANKLES, 1] = floor[:, None] + CONTACT_ANKLE_MM
    return P, floor


def _scene(k: int, rng: np.random.Generator, height: float = 1600.0, pitch: float = 12.0):
    P, floor = _standing_world(k, rng)
    wide = VirtualCameraConfig(focal_px=(500.0, 1200.0))  # room for people below a camera looking down
    return sample_scene(P, floor, rng, camera_height_mm=height, pitch_deg=pitch, config=wide)


def test_up_from_pitch_and_roll():
    assert np.allclose(up_from_pitch_roll(0.0), [0, -1, 0])
    assert np.allclose(up_from_pitch_roll(90 - 1e-9), [0, 0, -1], atol=1e-6)  # looking straight down
    # roll clockwise (as the camera sees it): a vertical pole's top leans to the image's left
    K = Intrinsics(1000.0, 1000.0, 500.0, 500.0)
    foot = np.array([0.0, 1000.0, 5000.0])
    top = foot + 1000.0 * up_from_pitch_roll(0.0, 10.0)
    (u_foot, _), (u_top, _) = project(np.stack([foot, top]), K)
    assert u_top < u_foot
    with pytest.raises(AbsPoseError, match="between -90 and 90"):
        up_from_pitch_roll(95.0)


def test_a_scene_of_wrong_sized_people_is_recovered_exactly(rng):
    sc = _scene(5, rng)
    wrong = sc.joints_cam_mm * rng.uniform(0.75, 1.3, 5)[:, None, None]
    up = up_from_pitch_roll(12.0)
    fs = scale_by_floor(wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=1600.0,
                        up_cam=up, **FLOOR_ONLY)  # fmt: skip
    assert list(fs.scale_source) == ["floor+camera_height"] * 5
    assert np.allclose(wrong * fs.scale[:, None, None], sc.joints_cam_mm, rtol=1e-9, atol=1e-6)
    assert fs.floor.offset_mm == 1600.0
    assert np.allclose(fs.floor.height_mm(sc.joints_cam_mm[:, ANKLES]), CONTACT_ANKLE_MM)


def test_without_a_camera_height_the_floor_ties_people_together(rng):
    """One scale is left for the scene: every person's feet end on one plane, and the scene's
    scale keeps the people's mean (geometric) size."""
    sc = _scene(4, rng)
    factors = rng.uniform(0.85, 1.15, 4)
    wrong = sc.joints_cam_mm * factors[:, None, None]
    fs = scale_by_floor(wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, up_cam=up_from_pitch_roll(12.0),
                        **FLOOR_ONLY)  # fmt: skip
    assert list(fs.scale_source) == ["floor+scene_prior"] * 4
    placed = wrong * fs.scale[:, None, None]
    assert np.allclose(fs.floor.height_mm(placed[:, ANKLES]), CONTACT_ANKLE_MM, atol=1e-6)
    # truth times one common factor: the geometric mean of the errors
    common = np.exp(np.mean(np.log(factors)))
    assert np.allclose(placed, sc.joints_cam_mm * common, rtol=1e-9, atol=1e-6)
    assert fs.floor.offset_mm == pytest.approx(CONTACT_ANKLE_MM + (1600.0 - CONTACT_ANKLE_MM) * common)


def test_one_known_person_fixes_the_scene(rng):
    sc = _scene(4, rng)
    wrong = sc.joints_cam_mm * rng.uniform(0.85, 1.15, 4)[:, None, None]
    known = np.array([np.nan, 1.0 / (wrong[1, 0, 2] / sc.joints_cam_mm[1, 0, 2]), np.nan, np.nan])
    fs = scale_by_floor(wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, up_cam=up_from_pitch_roll(12.0),
                        known_scale=known, **FLOOR_ONLY)  # fmt: skip
    assert list(fs.scale_source) == ["floor+stature"] * 4
    assert np.allclose(wrong * fs.scale[:, None, None], sc.joints_cam_mm, rtol=1e-9, atol=1e-6)
    assert fs.floor.offset_mm == pytest.approx(1600.0)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**31), height=st.floats(900.0, 3000.0), pitch=st.floats(-5.0, 15.0))
def test_rescaling_keeps_every_projection(seed, height, pitch):
    rng = np.random.default_rng(seed)
    try:
        sc = _scene(3, rng, height, pitch)
    except DataError:  # a low camera looking down does not see whole people
        assume(False)
    wrong = sc.joints_cam_mm * rng.uniform(0.7, 1.4, 3)[:, None, None]
    fs = scale_by_floor(wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=height,
                        up_cam=up_from_pitch_roll(pitch), **FLOOR_ONLY)  # fmt: skip
    K = Intrinsics(sc.focal_px[0], sc.focal_px[0], *sc.principal_px[0])
    before, after = project(wrong, K), project(wrong * fs.scale[:, None, None], K)
    assert np.allclose(before, after, rtol=1e-9, atol=1e-6)
    assert np.allclose(wrong * fs.scale[:, None, None], sc.joints_cam_mm, rtol=1e-7, atol=1e-4)


def test_a_raised_foot_does_not_count_and_does_not_bend_the_plane(rng):
    P, floor = _standing_world(3, rng)
    P[0, H36M17.index("r_ankle"), 1] += 200.0  # person 0 lifts the right foot
    sc = sample_scene(P, floor, rng, camera_height_mm=1500.0, pitch_deg=10.0)
    up = up_from_pitch_roll(10.0)
    contacts = floor_contacts(sc.joints_cam_mm, up)
    assert contacts[0].tolist() == [True, False] and contacts[1:].all()
    wrong = sc.joints_cam_mm * 1.2
    fs = scale_by_floor(wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=1500.0,
                        up_cam=up, **FLOOR_ONLY)  # fmt: skip
    assert np.allclose(wrong * fs.scale[:, None, None], sc.joints_cam_mm, rtol=1e-9, atol=1e-6)


def test_a_sitting_person_is_not_on_the_floor(rng):
    P, floor = _standing_world(3, rng)
    P[1] = pose_posture(P[1:2], floor[1:2], "chair", rng)[0]
    P[2] = pose_posture(P[2:3], floor[2:3], "squat", rng)[0]
    sc = sample_scene(P, floor, rng, camera_height_mm=1600.0, pitch_deg=12.0)
    contacts = floor_contacts(sc.joints_cam_mm, up_from_pitch_roll(12.0))
    assert contacts[0].any() and not contacts[1:].any()
    wrong = sc.joints_cam_mm * 0.9
    fs = scale_by_floor(wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=1600.0,
                        up_cam=up_from_pitch_roll(12.0), **FLOOR_ONLY)  # fmt: skip
    assert list(fs.scale_source) == ["floor+camera_height", "", ""]
    assert np.allclose(fs.scale[1:], 1.0)  # left to the lifter: no foot on the floor
    assert np.allclose(wrong[0] * fs.scale[0], sc.joints_cam_mm[0], rtol=1e-9, atol=1e-6)


def test_the_floor_is_fused_with_the_lifter_and_a_foot_in_the_air_is_not_trusted(rng):
    """Fused in log scale with weights from the two spreads; a person whose floor scale is far
    from the lifter's (here: in the air, 400 mm up) keeps the lifter's scale."""
    P, floor = _standing_world(3, rng)
    P[2] += [0.0, 400.0, 0.0]  # person 2 jumps
    sc = sample_scene(P, floor, rng, camera_height_mm=1600.0, pitch_deg=10.0)
    up = up_from_pitch_roll(10.0)
    off = np.array([1.05, 0.97, 1.0])  # the lifter's (small) errors; person 2 at its true size
    wrong = sc.joints_cam_mm * off[:, None, None]
    fs = scale_by_floor(
        wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=1600.0, up_cam=up
    )
    assert list(fs.scale_source) == ["floor+camera_height", "floor+camera_height", ""]
    # the floor's spread: the ankle's height over the camera's, the pose's ankle-to-pelvis depth
    # over the (floor-placed, here true) contact ankles' depth
    contacts = floor_contacts(sc.joints_cam_mm, up)[:2]
    ankle_z = (sc.joints_cam_mm[:2][:, ANKLES, 2] * contacts).sum(1) / contacts.sum(1)
    floor_var = (20.0 / (1600.0 - CONTACT_ANKLE_MM)) ** 2 + (POSE_DEPTH_SIGMA_MM / ankle_z) ** 2
    weight = PRIOR_LOG_SIGMA**2 / (PRIOR_LOG_SIGMA**2 + floor_var)
    assert np.allclose(np.log(fs.scale[:2]), -weight * np.log(off[:2]))
    assert fs.scale[2] == 1.0
    fused = np.sqrt(PRIOR_LOG_SIGMA**2 * floor_var / (PRIOR_LOG_SIGMA**2 + floor_var))
    np.testing.assert_allclose(fs.log_sigma[:2], fused)
    assert np.isnan(fs.log_sigma[2])
    # a per-person lifter spread: a surer lifter keeps more of its own scale
    sure = scale_by_floor(wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=1600.0,
                          up_cam=up, prior_log_sigma=np.array([0.02, 0.2, 0.07]))  # fmt: skip
    assert abs(np.log(sure.scale[0])) < abs(np.log(fs.scale[0])) and abs(np.log(sure.scale[1])) > abs(
        np.log(fs.scale[1])
    )


def test_the_up_direction_is_estimated_from_upright_people(rng):
    sc = _scene(6, rng, pitch=8.0)
    up = estimate_up(sc.joints_cam_mm)
    assert np.degrees(np.arccos(up @ up_from_pitch_roll(8.0))) < 5.0  # walking people lean a little


def test_degenerate_floors_are_refused(rng):
    sc = _scene(2, rng, height=1600.0, pitch=10.0)
    lying = sc.joints_cam_mm.copy()
    with pytest.raises(AbsPoseError, match="stands on the floor"):  # nobody upright enough
        scale_by_floor(lying, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=1600.0,
                       up_cam=np.array([1.0, 0.0, 0.0]))  # fmt: skip
    with pytest.raises(AbsPoseError, match="camera's height above the floor"):
        scale_by_floor(sc.joints_cam_mm, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=50.0,
                       up_cam=up_from_pitch_roll(10.0))  # fmt: skip
    # one person whose feet are on the camera's horizon (the camera at the height of the feet)
    P, floor = _standing_world(1, rng)
    low = sample_scene(P, floor, rng, camera_height_mm=CONTACT_ANKLE_MM + 5.0, pitch_deg=-10.0)
    with pytest.raises(AbsPoseError, match="horizon"):
        scale_by_floor(low.joints_cam_mm, low.keypoints_px, low.focal_px, low.principal_px,
                       camera_height_mm=1600.0, up_cam=up_from_pitch_roll(-10.0))  # fmt: skip


def test_an_ankle_not_seen_in_2d_is_not_a_contact(rng):
    sc = _scene(2, rng)
    seen = np.ones((2, 17), bool)
    seen[0, ANKLES] = False  # person 0: both ankles filled in from the prior
    wrong = sc.joints_cam_mm * 1.1
    fs = scale_by_floor(wrong, sc.keypoints_px, sc.focal_px, sc.principal_px, camera_height_mm=1600.0,
                        up_cam=up_from_pitch_roll(12.0), seen=seen, **FLOOR_ONLY)  # fmt: skip
    assert list(fs.scale_source) == ["", "floor+camera_height"] and fs.scale[0] == 1.0
