import numpy as np

from abspose.estimator2d import Poses2D, PrecomputedBackend
from abspose.geometry import Intrinsics, project
from abspose.pipeline import CameraSetup, lift_image
from abspose.viz import draw_overlay, save_people_figure


def _frame():
    from abspose.data import convert_bvh, sample_bvh_path

    joints = convert_bvh(sample_bvh_path()).joints_world_mm[:1] * np.array([1.0, -1.0, -1.0])
    joints = joints - joints[:, :1] + np.array([0.0, 0, 4000])
    cam = Intrinsics.from_focal(700.0, 640, 480)
    backend = PrecomputedBackend([Poses2D(project(joints, cam), np.ones((1, 17)), "h36m17")])
    return lift_image(np.zeros((480, 640, 3), np.uint8), backend, CameraSetup(cam, "default"))


def test_overlay_draws_on_a_copy_where_the_person_is():
    frame = _frame()
    image = np.zeros((480, 640, 3), np.uint8)
    out = draw_overlay(image, frame)
    assert out.shape == image.shape and image.max() == 0  # the input is untouched
    drawn = np.argwhere(out.any(axis=2))
    lo, hi = np.nanmin(frame.keypoints_px[0], 0), np.nanmax(frame.keypoints_px[0], 0)
    assert drawn[:, 1].min() >= lo[0] - 10 and drawn[:, 1].max() <= hi[0] + 200  # the label is wider
    assert drawn[:, 0].min() < lo[1]  # the label sits above the head


def test_figure_is_written(tmp_path):
    frame = _frame()
    path = save_people_figure(np.zeros((480, 640, 3), np.uint8), frame, tmp_path / "fig.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
