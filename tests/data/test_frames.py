"""CameraFrames: one row per frame, each array checked against the frame count and its shape."""

from dataclasses import replace

import numpy as np
import pytest

from abspose.data import CameraFrames
from abspose.errors import DataError


def _frames(n=4):
    truth = np.random.default_rng(0).normal(0, 250, (n, 17, 3)) + [0.0, 0.0, 4500.0]
    return CameraFrames(
        joints_cam_mm=truth, keypoints_px=truth[..., :2] / truth[..., 2:] * 1000.0 + 500.0,
        focal_px=np.full(n, 1000.0), principal_px=np.full((n, 2), 500.0), image_size_px=np.full((n, 2), 1000),
        subject=np.array(["S1", "S1", "S9", "S11"]), action=np.array(["Walking"] * n),
        camera=np.array(["c"] * n), group=np.array(["Walking"] * n), frame=np.arange(n), name="t",
    )  # fmt: skip


def test_select_every_and_subjects_keep_rows_together():
    frames = _frames()
    assert len(frames.every(2)) == 2 and list(frames.every(2).frame) == [0, 2]
    assert list(frames.subjects(("S9", "S11")).subject) == ["S9", "S11"]


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("principal_px", np.full((4, 2, 1), 500.0), r"principal_px of shape \(4, 2\)"),  # MMPose's (2, 1)
        ("focal_px", np.full((4, 2), 1000.0), r"focal_px of shape \(4,\)"),
        ("subject", np.array(["S1"] * 3), "subject has 3 entries for 4 frames"),
    ],
)
def test_bad_shapes_are_refused_with_the_expected_shape(key, value, match):
    with pytest.raises(DataError, match=match):
        replace(_frames(), **{key: value})
