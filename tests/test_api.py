import warnings

import numpy as np
import pytest
import torch

from abspose import AbsPoseError, ShapeError
from abspose.api import AbsPoseWarning, default_focal_px, lift
from abspose.model import AbsPoseLifter, LifterConfig
from abspose.skeletons import COCO17, H36M17
from tests.conftest import walk_scene


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return AbsPoseLifter(LifterConfig(width=32)).eval()


def _pose(rng, n=None):
    shape = (17, 2) if n is None else (n, 17, 2)
    return rng.normal(0, 60, shape) + [900.0, 500.0]


def test_single_and_batched_inputs(model, rng):
    single = lift(_pose(rng), focal_px=1500.0, principal_px=(960.0, 540.0), model=model)
    assert single.joints_cam_mm.shape == (1, 17, 3) and single.joint_names == H36M17.joint_names
    batch = lift(_pose(rng, 4), focal_px=[1500.0] * 4, principal_px=(960.0, 540.0), model=model)
    assert batch.root_cam_mm.shape == (4, 3) and batch.canonical_depth.shape == (4,)
    assert np.allclose(batch.joints_cam_mm[:, 0], batch.root_cam_mm)
    assert not batch.focal_is_default


def test_focal_scales_depth_but_not_canonical_depth(model, rng):
    kp = _pose(rng, 3)
    a = lift(kp, focal_px=1000.0, principal_px=(960.0, 540.0), model=model)
    b = lift(kp, focal_px=2000.0, principal_px=(960.0, 540.0), model=model)
    assert np.allclose(a.canonical_depth, b.canonical_depth)
    assert np.allclose(b.root_cam_mm[:, 2], 2 * a.root_cam_mm[:, 2])
    assert np.allclose(a.root_cam_mm[:, :2], b.root_cam_mm[:, :2])  # Eq. 5 needs no focal


def test_default_focal_warns_and_is_documented(model, rng):
    with pytest.warns(AbsPoseWarning, match="no focal length"):
        r = lift(_pose(rng), image_size=(1920, 1080), model=model)
    assert r.focal_is_default and r.focal_px[0] == default_focal_px(1920, 1080) == 1920.0
    assert np.allclose(r.principal_px, [960.0, 540.0])


def test_other_layouts(model, rng):
    coco = rng.normal(0, 60, (2, 17, 2)) + 500
    r = lift(coco, layout="coco17", focal_px=1200.0, principal_px=(500.0, 500.0), model=model)
    assert r.joints_cam_mm.shape == (2, 17, 3)
    with pytest.raises(ShapeError, match="25 joints"):
        lift(coco, layout="body25", focal_px=1200.0, principal_px=(500.0, 500.0), model=model)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"focal_px": 0.0}, "focal_px"),
        ({"focal_px": -3.0}, "focal_px"),
        ({"focal_px": 1e9}, "focal_px"),
        ({"focal_px": float("nan")}, "focal_px"),
        ({"layout": "openpose18"}, "unknown layout"),
        ({"focal_px": None, "principal_px": None}, "image_size"),
    ],
)
def test_bad_inputs_raise_clear_errors(model, rng, kwargs, match):
    args = {"focal_px": 1500.0, "principal_px": (960.0, 540.0), "model": model} | kwargs
    with pytest.raises(AbsPoseError, match=match):
        lift(_pose(rng), **args)


def test_bad_keypoints(model, rng):
    kw = {"focal_px": 1500.0, "principal_px": (960.0, 540.0), "model": model}
    with pytest.raises(AbsPoseError, match="12 are needed"):  # NaN is a missing joint: none left
        lift(np.full((17, 2), np.nan), **kw)
    with pytest.raises(ShapeError, match="finite"):
        lift(np.full((17, 2), np.inf), **kw)
    with pytest.raises(AbsPoseError, match="one point"):
        lift(np.full((17, 2), 100.0), **kw)
    conf = np.ones(17)
    conf[[COCO17.index(n) for n in ("l_ankle", "r_ankle", "l_knee", "r_knee", "l_wrist", "r_wrist")]] = 0.0
    with pytest.raises(AbsPoseError, match="12 are needed"):
        lift(_pose(rng), layout="coco17", confidences=conf, **kw)
    with pytest.raises(AbsPoseError, match="model"):
        lift(_pose(rng), focal_px=1500.0, principal_px=(0, 0), model=42)


def test_no_warning_when_focal_given(model, rng):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lift(_pose(rng), focal_px=1500.0, image_size=(1920, 1080), model=model)


def test_known_stature_rescales_about_the_camera(model, rng):
    kp = _pose(rng, 2)
    plain = lift(kp, focal_px=1500.0, principal_px=(960.0, 540.0), model=model)
    tall = lift(kp, focal_px=1500.0, principal_px=(960.0, 540.0), model=model, stature_mm=[1900.0, 1600.0])
    ratio = tall.root_cam_mm / plain.root_cam_mm
    assert np.allclose(ratio, ratio[:, :1])  # each person moves along its own ray
    assert np.allclose(tall.canonical_depth / plain.canonical_depth, ratio[:, 0])


def test_missing_joints_are_filled_in_not_taken_at_zero(model, rng):
    kw = {"focal_px": 1500.0, "principal_px": (960.0, 540.0), "model": model}
    kp = _pose(rng)
    conf = np.ones(17)
    conf[COCO17.index("l_ankle")] = 0.0
    moved = kp.copy()
    moved[COCO17.index("l_ankle")] = (0.0, 0.0)  # OpenPose's "not found"
    a = lift(kp, layout="coco17", confidences=conf, **kw)
    b = lift(moved, layout="coco17", confidences=conf, **kw)
    assert np.allclose(a.joints_cam_mm, b.joints_cam_mm)  # the missing position is never used
    assert a.imputed[0].tolist() == [n == "l_ankle" for n in H36M17.joint_names]
    low = lift(kp, layout="coco17", confidences=np.full(17, 0.2), min_confidence=0.1, **kw)
    assert not low.imputed.any()


def test_nan_positions_are_missing_joints_where_confidence_is_zero() -> None:
    import json

    import numpy as np
    import pytest

    import abspose
    from abspose.data.paths import sample_keypoints_path
    from abspose.errors import ShapeError

    doc = json.loads(sample_keypoints_path().read_text())
    kp = np.array(doc["keypoints"], dtype=float)
    conf = np.ones(17)
    kp[13], conf[13] = np.nan, 0.0
    args = {"focal_px": doc["focal_px"], "principal_px": doc["principal_px"]}
    zero = np.array(doc["keypoints"], dtype=float)
    zero[13] = 0.0
    a = abspose.lift(kp, confidences=conf, **args)
    b = abspose.lift(zero, confidences=conf, **args)
    np.testing.assert_allclose(a.joints_cam_mm, b.joints_cam_mm)  # NaN or 0: the position is unused
    assert a.imputed[0, 13]
    c = abspose.lift(kp, **args)  # no confidences: NaN means missing
    np.testing.assert_allclose(c.joints_cam_mm, a.joints_cam_mm)
    with pytest.raises(ShapeError, match="NaN at joint 'l_wrist'"):
        abspose.lift(kp, confidences=np.ones(17), **args)
    with pytest.raises(ShapeError, match="inf"):
        abspose.lift(np.where(np.isnan(kp), np.inf, kp), **args)


def test_mpii16_input_lifts_with_the_nose_filled_in() -> None:
    import numpy as np

    import abspose
    from abspose.api import default_model_path
    from abspose.data import BodyModelConfig, VirtualCameraConfig, sample_dataset
    from abspose.metrics import mpjpe
    from abspose.model.feed import draw_epoch
    from abspose.skeletons import H36M17, MPII16

    rng = np.random.default_rng(0)
    views = draw_epoch(sample_dataset(repeat=3), rng, VirtualCameraConfig(), BodyModelConfig(), flip=False)
    kp = views.keypoints_px.astype(np.float64)  # (180, 17, 2)
    # MPII's upper neck is no H36M joint: put something there that must not be used as the nose.
    mpii = np.stack(
        [kp[:, H36M17.index(n)] if n in H36M17.joint_names else kp[:, 0] for n in MPII16.joint_names], 1
    )
    args = {"focal_px": views.focal_px, "principal_px": views.principal_px, "model": default_model_path()}
    got = abspose.lift(mpii, layout="mpii16", **args)
    full = abspose.lift(kp, **args)
    assert got.imputed[:, H36M17.index("nose")].all() and got.imputed.sum() == len(kp)
    # Filling the nose in from the other joints costs a few millimetres, not a wrong pose.
    assert (
        mpjpe(got.joints_cam_mm, views.joints_cam_mm) < mpjpe(full.joints_cam_mm, views.joints_cam_mm) + 10.0
    )
    assert np.abs(got.distance_m / full.distance_m - 1).mean() < 0.02


def test_detector_layouts_use_the_detector_model() -> None:
    import json

    import numpy as np

    import abspose
    from abspose.api import DETECTOR_LAYOUTS, default_model_kind, default_model_path
    from abspose.data.paths import sample_keypoints_path
    from abspose.skeletons import COCO17, H36M17

    doc = json.loads(sample_keypoints_path().read_text())
    kp = np.array(doc["keypoints"], dtype=float)
    coco = np.array([kp[H36M17.index(n)] if n in H36M17.joint_names else kp[H36M17.index("head_top")]
                     for n in COCO17.joint_names])  # fmt: skip
    args = {"focal_px": doc["focal_px"], "principal_px": doc["principal_px"]}
    picked = abspose.lift(coco, layout="coco17", **args)
    detector = abspose.lift(coco, layout="coco17", model=default_model_path("detector"), **args)
    clean = abspose.lift(coco, layout="coco17", model=default_model_path("clean"), **args)
    np.testing.assert_allclose(picked.joints_cam_mm, detector.joints_cam_mm)
    assert not np.allclose(picked.joints_cam_mm, clean.joints_cam_mm)
    exact = abspose.lift(kp, model=default_model_path("clean"), **args)
    np.testing.assert_allclose(abspose.lift(kp, **args).joints_cam_mm, exact.joints_cam_mm)
    assert default_model_kind("h36m17") == default_model_kind("h36m32") == "clean"
    assert {default_model_kind(n) for n in DETECTOR_LAYOUTS} == {"detector"}


def _floor_scene(rng, k=4):
    """k walk frames of the shipped sample on one floor, one camera 1.6 m up, 10° down."""
    return walk_scene(rng, k, height_mm=1600.0, pitch_deg=10.0, focal_px=(800.0, 1200.0))


def test_a_known_camera_height_places_standing_people_on_the_floor() -> None:
    """The shipped model, one camera 1.6 m up looking 10 degrees down: the floor brings the
    root depths nearer the truth than the lifter alone, every person moves along its own ray."""
    rng = np.random.default_rng(3)
    errors = {"prior": [], "floor": []}
    for _ in range(6):
        sc = _floor_scene(rng)
        args = {"focal_px": sc.focal_px[0], "principal_px": sc.principal_px[0]}
        plain = lift(sc.keypoints_px, **args)
        placed = lift(sc.keypoints_px, **args, camera_height_mm=1600.0, camera_pitch_deg=10.0)
        assert placed.floor is not None and placed.floor.offset_mm == 1600.0
        assert set(placed.scale_source) <= {"floor+camera_height", "prior"}
        assert list(plain.scale_source) == ["prior"] * 4 and plain.floor is None
        ratio = placed.joints_cam_mm / plain.joints_cam_mm
        assert np.allclose(ratio, ratio[:, :1, :1])  # scaled about the camera centre
        truth = sc.joints_cam_mm[:, 0, 2]
        errors["prior"].append(np.abs(plain.root_cam_mm[:, 2] / truth - 1))
        errors["floor"].append(np.abs(placed.root_cam_mm[:, 2] / truth - 1))
    prior, floor = (float(np.mean(errors[k])) for k in ("prior", "floor"))
    assert floor < 0.75 * prior, (prior, floor)


def test_floor_options_are_checked() -> None:
    rng = np.random.default_rng(4)
    sc = _floor_scene(rng, k=2)
    args = {"focal_px": sc.focal_px[0], "principal_px": sc.principal_px[0]}
    with pytest.raises(AbsPoseError, match="one fixed camera"):
        lift(
            sc.keypoints_px,
            focal_px=[900.0, 1000.0],
            principal_px=args["principal_px"],
            camera_height_mm=1600.0,
        )
    with pytest.raises(AbsPoseError, match="floor='none'"):
        lift(sc.keypoints_px, **args, camera_height_mm=1600.0, floor="none")
    with pytest.raises(AbsPoseError, match="'auto' or 'none'"):
        lift(sc.keypoints_px, **args, floor="yes")
    with pytest.raises(AbsPoseError, match="needs camera_pitch_deg"):
        lift(sc.keypoints_px, **args, camera_height_mm=1600.0, camera_roll_deg=3.0)
    with pytest.raises(AbsPoseError, match="millimetres"):
        lift(sc.keypoints_px, **args, camera_height_mm=1.6, camera_pitch_deg=10.0)
    # one known person fixes the scene on the same floor; the others follow
    known = lift(sc.keypoints_px, **args, camera_pitch_deg=10.0, floor="auto", stature_mm=[1750.0, np.nan])
    assert known.scale_source[0] == "stature" and known.scale_source[1] in ("floor+stature", "prior")


def _walk_views(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    """The shipped walk's 60 frames on body-model bodies, each seen by a virtual camera."""
    from abspose.data import BodyModelConfig, VirtualCameraConfig, sample_dataset
    from abspose.model.feed import draw_epoch

    return draw_epoch(sample_dataset(), rng, VirtualCameraConfig(), BodyModelConfig(), flip=False)


def test_shipped_models_give_calibrated_looking_distance_intervals() -> None:
    """Both shipped models carry a depth-spread head: every person gets a 68% and a 95%
    interval around the distance, and on the shipped walk's views the truth falls inside
    roughly as often as they claim (a loose check: 60 poses of one clip)."""
    views = _walk_views(np.random.default_rng(11))
    truth_m = np.linalg.norm(views.joints_cam_mm[:, 0], axis=-1) / 1000.0
    for layout_model in ("clean", "detector"):
        from abspose.api import default_model_path

        r = lift(views.keypoints_px, focal_px=views.focal_px, principal_px=views.principal_px,
                 model=default_model_path(layout_model))  # fmt: skip
        iv, d = r.distance_interval_m, r.distance_m
        assert iv.shape == (len(d), 2, 2) and np.isfinite(iv).all()
        assert (iv[:, 1, 0] < iv[:, 0, 0]).all() and (iv[:, 0, 0] < d).all() and (d < iv[:, 0, 1]).all()
        assert (
            (iv[:, 0, 1] < iv[:, 1, 1]).all() and (r.depth_sigma > 0.01).all() and (r.depth_sigma < 0.3).all()
        )
        inside = (iv[:, :, 0] <= truth_m[:, None]) & (truth_m[:, None] <= iv[:, :, 1])
        assert 0.4 < inside[:, 0].mean() <= 1.0 and inside[:, 1].mean() > 0.8, inside.mean(0)


def test_intervals_widen_with_2d_noise_and_narrow_with_a_known_stature() -> None:
    from abspose.geometry import pose_scale
    from abspose.noise.model import load_error_model

    views = _walk_views(np.random.default_rng(12))
    args = {"focal_px": views.focal_px, "principal_px": views.principal_px}
    exact = lift(views.keypoints_px, **args)
    noise = load_error_model("openpose-mixture").sample_px(
        pose_scale(views.keypoints_px), np.random.default_rng(1)
    )
    noisy = lift(views.keypoints_px + 2.0 * noise, **args)
    assert np.median(noisy.depth_sigma) > 1.2 * np.median(exact.depth_sigma)
    known = lift(views.keypoints_px, **args, stature_mm=views.stature_mm)
    assert (known.scale_source == "stature").all()
    assert (known.depth_sigma < exact.depth_sigma).all()  # each person's own spread, narrowed


def test_a_model_without_a_spread_head_gives_nan_intervals(model, rng) -> None:
    r = lift(_pose(rng, 3), focal_px=1000.0, principal_px=(900.0, 500.0), model=model)
    assert np.isnan(r.distance_interval_m).all() and np.isnan(r.depth_sigma).all()


def test_the_floor_narrows_the_interval_of_standing_people() -> None:
    rng = np.random.default_rng(4)
    sc = _floor_scene(rng)
    args = {"focal_px": sc.focal_px[0], "principal_px": sc.principal_px[0]}
    plain = lift(sc.keypoints_px, **args)
    placed = lift(sc.keypoints_px, **args, camera_height_mm=1600.0, camera_pitch_deg=10.0)
    on_floor = placed.scale_source == "floor+camera_height"
    assert on_floor.any()
    assert (placed.depth_sigma[on_floor] < plain.depth_sigma[on_floor]).all()
    np.testing.assert_array_equal(placed.depth_log_halfwidth[~on_floor], plain.depth_log_halfwidth[~on_floor])
