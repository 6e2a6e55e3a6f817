import numpy as np
import pytest

from abspose.errors import ShapeError
from abspose.estimator2d import Poses2D, boxes_from_keypoints, merge_duplicates
from abspose.estimator2d.base import check_image


def _person(rng, centre, size=300.0, n=17):
    return np.asarray(centre) + rng.uniform(-size / 2, size / 2, (n, 2))


def test_boxes_ignore_missing_joints():
    kp = np.array([[[10.0, 20.0], [30.0, 60.0], [999.0, 999.0]]])
    conf = np.array([[1.0, 0.9, 0.0]])
    assert boxes_from_keypoints(kp, conf).tolist() == [[10.0, 20.0, 30.0, 60.0]]
    # nobody found: every joint counts rather than an empty box
    assert boxes_from_keypoints(kp, np.zeros((1, 3))).tolist() == [[10.0, 20.0, 999.0, 999.0]]
    assert boxes_from_keypoints(np.zeros((0, 3, 2)), np.zeros((0, 3))).shape == (0, 4)


def test_merge_keeps_one_detection_per_person_and_the_more_confident(rng):
    a = _person(rng, (500, 500))
    b = _person(rng, (900, 520))
    a_again = a + rng.normal(0, 3, a.shape)  # the same person found by an overlapping tile
    kp = np.stack([a, b, a_again])
    conf = np.stack([np.full(17, 0.6), np.full(17, 0.9), np.full(17, 0.8)])
    merged = merge_duplicates(Poses2D(kp, conf, "h36m17"))
    assert len(merged) == 2
    assert np.allclose(np.sort(merged.confidences.mean(1)), [0.8, 0.9])  # a_again beat a


def test_merge_keeps_overlapping_but_different_people(rng):
    a = _person(rng, (500, 500))
    b = _person(rng, (560, 500))  # boxes overlap a lot, the joints do not coincide
    merged = merge_duplicates(Poses2D(np.stack([a, b]), np.ones((2, 17)), "h36m17"))
    assert len(merged) == 2


@pytest.mark.parametrize(
    "image", [np.zeros((32, 32), np.uint8), np.zeros((32, 32, 3), np.float32), np.zeros((8, 8, 3), np.uint8)]
)
def test_check_image_refuses_what_is_not_an_rgb_image(image):
    with pytest.raises(ShapeError, match="uint8 RGB"):
        check_image(image)
