import numpy as np
import pytest

import abspose
from abspose.errors import AbsPoseError
from abspose.estimator2d import Poses2D, PrecomputedBackend
from abspose.geometry import Intrinsics, project
from abspose.pipeline import CameraSetup, lift_image, resolve_intrinsics, track_video
from abspose.skeletons import H36M17

from .conftest import HEIGHT, WIDTH, place, write_video

IMAGE = np.zeros((HEIGHT, WIDTH, 3), np.uint8)


class Fixed:
    """A backend that 'detects' given poses."""

    layout = "h36m17"

    def __init__(self, keypoints_px, confidences=None):
        conf = np.ones(keypoints_px.shape[:2]) if confidences is None else confidences
        self.poses = Poses2D(keypoints_px, conf, "h36m17")

    def detect(self, image_rgb, rois_px=None):
        return self.poses


def test_lift_image_equals_lift_on_the_same_keypoints(walk_cam_mm):
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    joints = np.stack([place(walk_cam_mm, 0, (-800, 0, 5000)), place(walk_cam_mm, 30, (900, 100, 6500))])
    kp = project(joints, cam)
    frame = lift_image(IMAGE, Fixed(kp), CameraSetup(cam, "focal"), flip_test=False)
    # Photos are a detector's keypoints: lift_image uses the shipped detector model.
    detector = abspose.api.default_model_path("detector")
    direct = abspose.lift(kp, focal_px=700.0, principal_px=cam.principal_px, model=detector)
    assert np.allclose(frame.lifted.joints_cam_mm, direct.joints_cam_mm)
    assert np.allclose(frame.keypoints_px, kp) and frame.skipped == 0
    # the lifted people are where they stand, to the size ambiguity (here within 15%)
    assert np.allclose(frame.lifted.root_cam_mm[:, 2], joints[:, 0, 2], rtol=0.15)
    flipped = lift_image(IMAGE, Fixed(kp), CameraSetup(cam, "focal"))  # the flip test: on by default here
    direct = abspose.lift(kp, focal_px=700.0, principal_px=cam.principal_px, flip_test=True, model=detector)
    assert np.allclose(flipped.lifted.joints_cam_mm, direct.joints_cam_mm)
    assert not np.allclose(flipped.lifted.joints_cam_mm, frame.lifted.joints_cam_mm)


def test_non_square_pixels_are_exact(walk_cam_mm):
    """Same 3D people, a camera with fy != fx: the same result as a square-pixel camera."""
    joints = place(walk_cam_mm, 10, (300, 200, 4000))[None]
    square = Intrinsics(700.0, 700.0, 320.0, 240.0, WIDTH, HEIGHT)
    tall = Intrinsics(700.0, 760.0, 320.0, 240.0, WIDTH, HEIGHT)
    a = lift_image(IMAGE, Fixed(project(joints, square)), CameraSetup(square, "focal"))
    b = lift_image(IMAGE, Fixed(project(joints, tall)), CameraSetup(tall, "calibration"))
    assert np.allclose(a.lifted.joints_cam_mm, b.lifted.joints_cam_mm, atol=1e-6)


def test_people_with_too_few_joints_are_skipped_not_fatal(walk_cam_mm):
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    kp = project(np.stack([place(walk_cam_mm, 0, (0, 0, 5000))] * 2) + [[[0, 0, 0]], [[1500, 0, 0]]], cam)
    conf = np.ones((2, 17))
    conf[1, :8] = 0.0  # the second person: only 9 joints seen
    frame = lift_image(IMAGE, Fixed(kp, conf), CameraSetup(cam, "focal"))
    assert len(frame.track_ids) == 1 and frame.skipped == 1
    conf[1, :] = 1.0
    conf[0, H36M17.index("l_wrist")] = 0.0
    frame = lift_image(IMAGE, Fixed(kp, conf), CameraSetup(cam, "focal"))
    assert frame.lifted.imputed[0, H36M17.index("l_wrist")]
    assert np.isnan(frame.keypoints_px[0, H36M17.index("l_wrist")]).all()  # filled in: no 2D shown


def test_nobody_in_the_image():
    cam = resolve_intrinsics(WIDTH, HEIGHT)
    frame = lift_image(IMAGE, PrecomputedBackend([Poses2D.empty(17, "h36m17")]), cam)
    assert frame.lifted.joints_cam_mm.shape == (0, 17, 3) and frame.lifted.focal_is_default


def test_camera_must_fit_the_image():
    with pytest.raises(AbsPoseError, match="sized for"):
        lift_image(IMAGE, Fixed(np.zeros((0, 17, 2))), resolve_intrinsics(100, 100))


def _moving_people(walk_cam_mm, cam, frames):
    """Two people walking sideways; the detector lists them in a different order every frame."""
    out = []
    for t in range(frames):
        a = place(walk_cam_mm, t % 60, (-1000 + 40 * t, 0, 5000 + 30 * t))
        b = place(walk_cam_mm, (t + 20) % 60, (1200 - 30 * t, 100, 7000))
        kp = project(np.stack([a, b] if t % 2 else [b, a]), cam)
        out.append(Poses2D(kp, np.ones((2, 17)), "h36m17"))
    return out


def test_track_video_keeps_ids_and_smooths_along_the_pelvis_ray(tmp_path, walk_cam_mm):
    path = write_video(tmp_path / "clip.mp4", 12)
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    detections = _moving_people(walk_cam_mm, cam, 12)
    camera = resolve_intrinsics(WIDTH, HEIGHT, focal_px=700.0)
    raw = list(track_video(path, PrecomputedBackend(detections), camera=camera))
    smooth = list(track_video(path, PrecomputedBackend(detections), camera=camera, smoothing=0.8))
    assert len(raw) == 12 and [f.index for f in raw] == list(range(12))
    for t, frame in enumerate(raw):  # the person at depth 7 m keeps one id, the other the other
        far = frame.track_ids[np.argmax(frame.lifted.root_cam_mm[:, 2])]
        assert far == raw[0].track_ids[np.argmax(raw[0].lifted.root_cam_mm[:, 2])], t
        assert np.isclose(frame.time_s, t / 10.0)
    a, b = raw[-1], smooth[-1]
    order = [list(b.track_ids).index(i) for i in a.track_ids]
    pelvis_px = project(a.lifted.root_cam_mm, cam)
    assert np.allclose(project(b.lifted.root_cam_mm[order], cam), pelvis_px, atol=1e-6)
    assert not np.allclose(b.lifted.root_cam_mm[order], a.lifted.root_cam_mm)
    # the pose about the pelvis is untouched by the smoothing
    rel = a.lifted.joints_cam_mm - a.lifted.root_cam_mm[:, None]
    assert np.allclose(b.lifted.joints_cam_mm[order] - b.lifted.root_cam_mm[order][:, None], rel)
    plain = list(track_video(path, PrecomputedBackend(detections), camera=camera, flip_test=False))
    c = plain[-1]
    order = [list(c.track_ids).index(i) for i in a.track_ids]
    assert np.allclose(project(c.lifted.root_cam_mm[order], cam), pelvis_px, atol=1e-6)  # same rays
    assert not np.allclose(c.lifted.joints_cam_mm[order], a.lifted.joints_cam_mm)


def test_track_video_gives_each_track_one_stature(tmp_path, walk_cam_mm):
    """With the track stature each frame's pose is rescaled about the camera so that what it
    implies is its track's running median: the implied stature then holds still over time."""
    from abspose.pipeline.run import _implied_statures

    path = write_video(tmp_path / "clip.mp4", 12)
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    detections = _moving_people(walk_cam_mm, cam, 12)
    camera = resolve_intrinsics(WIDTH, HEIGHT, focal_px=700.0)
    on = list(track_video(path, PrecomputedBackend(detections), camera=camera, track_stature=True,
                          track_skeleton=False))  # fmt: skip
    off = list(
        track_video(
            path, PrecomputedBackend(detections), camera=camera, track_stature=False, track_skeleton=False
        )
    )
    assert all(set(f.lifted.scale_source) == {"track"} for f in on)
    assert all(set(f.lifted.scale_source) == {"prior"} for f in off)
    for tid in (0, 1):
        raw, held = [], []
        for a, b in zip(off, on, strict=True):
            i, j = list(a.track_ids).index(tid), list(b.track_ids).index(tid)
            raw.append(_implied_statures(a.lifted, a)[i])
            held.append(_implied_statures(b.lifted, b)[j])
            factor = b.lifted.root_cam_mm[j, 2] / a.lifted.root_cam_mm[i, 2]
            assert np.allclose(
                b.lifted.joints_cam_mm[j], factor * a.lifted.joints_cam_mm[i]
            )  # about the camera
        assert np.allclose(held, [np.median(raw[: t + 1]) for t in range(len(raw))])
        assert np.std(held) < np.std(raw)


def test_track_video_gives_each_track_one_skeleton(tmp_path, walk_cam_mm):
    """Every frame of a track is rebuilt on the running median of its bone lengths (causal),
    bone directions and the root kept."""
    from abspose.data.mocap.augment import body_lengths_mm

    path = write_video(tmp_path / "clip.mp4", 12)
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    detections = _moving_people(walk_cam_mm, cam, 12)
    camera = resolve_intrinsics(WIDTH, HEIGHT, focal_px=700.0)
    on = list(track_video(path, PrecomputedBackend(detections), camera=camera))
    off = list(track_video(path, PrecomputedBackend(detections), camera=camera, track_skeleton=False))
    for tid in (0, 1):
        before, after = [], []
        for a, b in zip(off, on, strict=True):
            i, j = list(a.track_ids).index(tid), list(b.track_ids).index(tid)
            assert np.allclose(a.lifted.root_cam_mm[i], b.lifted.root_cam_mm[j])
            before.append(body_lengths_mm(a.lifted.joints_cam_mm[i]))
            after.append(body_lengths_mm(b.lifted.joints_cam_mm[j]))
            pa, pb = a.lifted.joints_cam_mm[i], b.lifted.joints_cam_mm[j]
            for child, parent in ((3, 2), (13, 12)):  # a shin and a forearm keep their direction
                da, db = pa[child] - pa[parent], pb[child] - pb[parent]
                assert np.allclose(da / np.linalg.norm(da), db / np.linalg.norm(db))
        before, after = np.array(before), np.array(after)
        assert np.allclose(after, [np.median(before[: t + 1], axis=0) for t in range(len(before))])
        assert after[:, 1:].std(0).mean() < before[:, 1:].std(0).mean()


def test_lift_image_puts_standing_people_on_the_floor():
    """The floor options reach the lift; a frame where nobody stands keeps the lifter's scale."""
    from tests.conftest import walk_scene

    sc = walk_scene(np.random.default_rng(2), 2, height_mm=1500.0, pitch_deg=8.0, focal_px=(500.0, 500.0),
                    image_sizes=((WIDTH, HEIGHT),), distance_mm=(3000, 6000))  # fmt: skip
    cam = CameraSetup(Intrinsics(500.0, 500.0, WIDTH / 2, HEIGHT / 2, WIDTH, HEIGHT), "focal")
    placed = lift_image(IMAGE, Fixed(sc.keypoints_px), cam, camera_height_mm=1500.0, camera_pitch_deg=8.0)
    assert placed.lifted.floor is not None and set(placed.lifted.scale_source) <= {
        "floor+camera_height",
        "prior",
    }
    assert "floor+camera_height" in set(placed.lifted.scale_source)
    # a camera said to look straight down: nobody is upright along that floor, the lifter's scale is kept
    nobody = lift_image(IMAGE, Fixed(sc.keypoints_px), cam, camera_height_mm=1500.0, camera_pitch_deg=85.0)
    plain = lift_image(IMAGE, Fixed(sc.keypoints_px), cam)
    assert list(nobody.lifted.scale_source) == ["prior", "prior"]
    assert np.allclose(nobody.lifted.joints_cam_mm, plain.lifted.joints_cam_mm)
    with pytest.raises(AbsPoseError, match="millimetres"):
        lift_image(IMAGE, Fixed(sc.keypoints_px), cam, camera_height_mm=1.5, camera_pitch_deg=8.0)


def test_track_video_rescales_a_known_person_to_their_height(tmp_path, walk_cam_mm):
    from abspose.pipeline.run import _implied_statures

    path = write_video(tmp_path / "clip.mp4", 6)
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    detections = _moving_people(walk_cam_mm, cam, 6)
    camera = resolve_intrinsics(WIDTH, HEIGHT, focal_px=700.0)
    args = {"camera": camera, "track_skeleton": False}
    off = list(track_video(path, PrecomputedBackend(detections), **args))
    on = list(track_video(path, PrecomputedBackend(detections), **args, known_statures_mm={1: 1900.0}))
    for a, b in zip(off, on, strict=True):
        i = list(b.track_ids).index(1)
        assert list(b.lifted.scale_source) == ["stature" if t == 1 else "prior" for t in b.track_ids]
        assert _implied_statures(b.lifted, b)[i] == pytest.approx(1900.0)
        assert b.lifted.depth_sigma[i] < a.lifted.depth_sigma[i]  # a known height: surer
        other = 1 - i
        np.testing.assert_array_equal(b.lifted.joints_cam_mm[other], a.lifted.joints_cam_mm[other])


def test_one_known_person_fixes_the_scale_of_everyone_on_the_floor():
    from dataclasses import replace

    from abspose.api import LiftResult
    from abspose.lifters import default_lifter
    from abspose.pipeline import with_known_statures

    rng = np.random.default_rng(0)
    joints = rng.normal(0, 300, (3, 17, 3)) + [0.0, 0.0, 5000.0]
    lifted = LiftResult(
        joints, joints[:, 0], joints[:, 0, 2] / 1000.0, np.full(3, 1000.0), np.zeros((3, 2)), False,
        np.zeros((3, 17), bool), scale_source=np.array(["floor+scene_prior", "floor+scene_prior", "prior"]),
        depth_log_halfwidth=np.full((3, 2), [0.06, 0.12]),
    )  # fmt: skip
    model = default_lifter("detector")
    implied = np.array([1700.0, 1750.0, 1600.0])
    got = with_known_statures(lifted, np.array([4, 7, 9]), implied, {4: 1870.0, 5: 1500.0}, model)
    factor = got.root_cam_mm[:, 2] / joints[:, 0, 2]
    from abspose.data.mocap.augment import ANKLE_HEIGHT_MM

    known = (1870.0 - ANKLE_HEIGHT_MM) / (1700.0 - ANKLE_HEIGHT_MM)
    np.testing.assert_allclose(factor, [known, known, 1.0])  # the floor ties person 7 to person 4
    np.testing.assert_allclose(got.joints_cam_mm, joints * factor[:, None, None])  # about the camera
    assert list(got.scale_source) == ["stature", "floor+stature", "prior"]
    assert got.depth_sigma[0] < 0.06 and got.depth_sigma[1] == 0.06
    # with the camera height known the floor already fixed person 7: only the known one moves
    fixed = replace(lifted, scale_source=np.array(["floor+camera_height"] * 2 + ["prior"]))
    got = with_known_statures(fixed, np.array([4, 7, 9]), implied, {4: 1870.0}, model)
    np.testing.assert_allclose(got.root_cam_mm[:, 2] / joints[:, 0, 2], [known, 1.0, 1.0])
    assert with_known_statures(lifted, np.array([4, 7, 9]), implied, {8: 1800.0}) is lifted  # nobody known
    with pytest.raises(AbsPoseError, match="between 500 and 2800 mm"):
        with_known_statures(lifted, np.array([4, 7, 9]), implied, {4: 1.8})


def test_video_frames_with_feet_at_the_cameras_height_keep_the_lifters_scale(tmp_path):
    """A photo whose feet lie on the camera's horizon is refused; in a video such frames keep
    the lifter's scale and the run goes on."""
    from tests.conftest import walk_scene

    sc = walk_scene(np.random.default_rng(2), 2, height_mm=150.0, pitch_deg=0.0, focal_px=(500.0, 500.0),
                    image_sizes=((WIDTH, HEIGHT),), distance_mm=(4000, 6000))  # fmt: skip
    cam = CameraSetup(Intrinsics(500.0, 500.0, WIDTH / 2, HEIGHT / 2, WIDTH, HEIGHT), "focal")
    floor = {"camera_height_mm": 150.0, "camera_pitch_deg": 0.0}
    with pytest.raises(AbsPoseError, match="horizon"):
        lift_image(IMAGE, Fixed(sc.keypoints_px), cam, **floor)
    path = write_video(tmp_path / "clip.mp4", 3)
    detections = [Poses2D(sc.keypoints_px, np.ones((2, 17)), "h36m17")] * 3
    frames = list(track_video(path, PrecomputedBackend(detections), camera=cam, **floor))
    assert len(frames) == 3 and all(set(f.lifted.scale_source) == {"prior"} for f in frames)


def test_lift_image_one_known_person_fixes_the_others_on_the_floor():
    from abspose.data.mocap.augment import skeleton_stature_mm
    from tests.conftest import walk_scene

    sc = walk_scene(np.random.default_rng(2), 2, height_mm=1500.0, pitch_deg=8.0, focal_px=(500.0, 500.0),
                    image_sizes=((WIDTH, HEIGHT),), distance_mm=(3000, 6000))  # fmt: skip
    cam = CameraSetup(Intrinsics(500.0, 500.0, WIDTH / 2, HEIGHT / 2, WIDTH, HEIGHT), "focal")
    known = {0: float(skeleton_stature_mm(sc.joints_cam_mm[0]))}
    frame = lift_image(
        IMAGE, Fixed(sc.keypoints_px), cam, camera_pitch_deg=8.0, floor="auto", known_statures_mm=known
    )
    direct = abspose.lift(
        sc.keypoints_px, focal_px=500.0, principal_px=(WIDTH / 2, HEIGHT / 2), image_size=(WIDTH, HEIGHT),
        stature_mm=[known[0], np.nan], camera_pitch_deg=8.0, floor="auto", flip_test=True,
        model=abspose.api.default_model_path("detector"),
    )  # fmt: skip
    assert list(frame.lifted.scale_source) == list(direct.scale_source) == ["stature", "floor+stature"]
    np.testing.assert_allclose(frame.lifted.joints_cam_mm, direct.joints_cam_mm)


class Searching:
    """A backend with a full search and a regions-only search, counting each: the second person
    is seen by the full search only (as if they had just walked in)."""

    layout = "h36m17"

    def __init__(self, keypoints_px, hide_in_regions_from=None):
        self.poses = Poses2D(keypoints_px, np.ones(keypoints_px.shape[:2]), "h36m17")
        self.full = self.regional = 0
        self.hide_from = hide_in_regions_from  # from this regional call on, person 0 is missed

    def detect(self, image_rgb, rois_px=None):
        self.full += 1
        return self.poses

    def detect_regions(self, image_rgb, rois_px):
        self.regional += 1
        if self.hide_from is not None and self.regional >= self.hide_from:
            return self.poses.select(np.array([1]))
        return self.poses.select(np.arange(min(len(rois_px), len(self.poses))))


def test_search_every_searches_whole_images_only_every_n_frames(tmp_path, walk_cam_mm):
    path = write_video(tmp_path / "clip.avi", 12, fourcc="MJPG")
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    kp = project(
        np.stack([place(walk_cam_mm, 0, (-800, 0, 5000)), place(walk_cam_mm, 30, (900, 100, 6500))]), cam
    )
    every = Searching(kp)
    frames = list(track_video(path, every, camera=CameraSetup(cam, "focal"), flip_test=False, search_every=4))
    assert (every.full, every.regional) == (3, 9)  # frames 0, 4, 8 whole; the others regions only
    assert [len(f.track_ids) for f in frames] == [2] * 12
    baseline = Searching(kp)
    list(track_video(path, baseline, camera=CameraSetup(cam, "focal"), flip_test=False))
    assert (baseline.full, baseline.regional) == (12, 0)  # the default: every frame whole
    # a tracked person missed in their region: that frame is searched whole at once
    losing = Searching(kp, hide_in_regions_from=2)
    frames = list(
        track_video(path, losing, camera=CameraSetup(cam, "focal"), flip_test=False, search_every=4)
    )
    assert [len(f.track_ids) for f in frames] == [2] * 12 and losing.full > 3
    with pytest.raises(AbsPoseError, match="search_every"):
        list(track_video(path, every, camera=CameraSetup(cam, "focal"), search_every=0))


def test_track_video_filters_joints_causally_on_the_tracks_skeleton(tmp_path, walk_cam_mm, rng):
    """``joint_filter``: the joints are those of the filter (fed the unfiltered frames in
    order, with their times), rebuilt on the same median bones as without it; jitter drops."""
    from abspose.data.mocap.augment import body_lengths_mm
    from abspose.pipeline import PoseFilter

    path = write_video(tmp_path / "clip.mp4", 20)
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    detections = _moving_people(walk_cam_mm, cam, 20)
    for d in detections:  # jittery 2D, as a detector's
        d.keypoints_px[:] += rng.normal(0.0, 2.0, d.keypoints_px.shape)
    camera = resolve_intrinsics(WIDTH, HEIGHT, focal_px=700.0)
    off = list(track_video(path, PrecomputedBackend(detections), camera=camera, track_skeleton=False))
    skel = list(track_video(path, PrecomputedBackend(detections), camera=camera))
    on = list(track_video(path, PrecomputedBackend(detections), camera=camera, joint_filter=PoseFilter()))
    by_id = lambda frames, tid: np.array(  # noqa: E731
        [f.lifted.joints_cam_mm[list(f.track_ids).index(tid)] for f in frames]
    )
    for tid in (0, 1):
        raw, fixed, smooth = by_id(off, tid), by_id(skel, tid), by_id(on, tid)
        reference, ids = PoseFilter(), np.array([tid])
        expected = np.concatenate([reference(ids, raw[t : t + 1], t / 10.0) for t in range(len(raw))])
        np.testing.assert_allclose(smooth[:, 0], expected[:, 0])  # the pelvis: the filter's
        np.testing.assert_allclose(body_lengths_mm(smooth), body_lengths_mm(fixed), atol=1e-6)  # same bones
        accel = lambda x: np.linalg.norm(x[2:] - 2 * x[1:-1] + x[:-2], axis=-1).mean()  # noqa: E731
        assert accel(smooth) < 0.6 * accel(fixed)
        frame = on[-1]
        k = list(frame.track_ids).index(tid)
        assert frame.lifted.canonical_depth[k] == pytest.approx(frame.lifted.root_cam_mm[k, 2] / 700.0)
