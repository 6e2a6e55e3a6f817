import json

import numpy as np
import pytest

from abspose.errors import AbsPoseError, DataError
from abspose.estimator2d import Poses2D, PrecomputedBackend

IMAGE = np.zeros((64, 64, 3), np.uint8)


def test_openpose_folder_gives_frames_in_name_order(tmp_path, rng):
    people = rng.uniform(0, 500, (3, 25, 3))
    for k in range(3):
        doc = {"people": [{"pose_keypoints_2d": people[k].ravel().tolist()}] if k != 1 else []}
        (tmp_path / f"clip_{k:012d}_keypoints.json").write_text(json.dumps(doc))
    backend = PrecomputedBackend.from_openpose_folder(tmp_path)
    assert backend.layout == "body25"
    first, empty, last = (backend.detect(IMAGE) for _ in range(3))
    assert np.allclose(first.keypoints_px[0], people[0, :, :2]) and len(empty) == 0
    assert np.allclose(last.confidences[0], people[2, :, 2])
    with pytest.raises(AbsPoseError, match="more"):
        backend.detect(IMAGE)


def test_coco_results_grouped_by_image(tmp_path, rng):
    kp = rng.uniform(0, 500, (3, 17, 3))
    records = [{"image_id": i, "keypoints": kp[k].ravel().tolist()} for k, i in enumerate([7, 3, 7])]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(records))
    backend = PrecomputedBackend.from_coco_results(path)
    frame3, frame7 = backend.detect(IMAGE), backend.detect(IMAGE)
    assert len(frame3) == 1 and len(frame7) == 2
    assert np.allclose(frame3.keypoints_px[0], kp[1, :, :2])
    path.write_text(json.dumps([{"keypoints": [1, 2]}]))
    with pytest.raises(DataError, match="COCO"):
        PrecomputedBackend.from_coco_results(path)


def test_refuses_mixed_layouts_and_no_frames():
    with pytest.raises(AbsPoseError, match="one layout"):
        PrecomputedBackend([Poses2D.empty(17, "coco17"), Poses2D.empty(17, "h36m17")])
    with pytest.raises(AbsPoseError, match="at least one"):
        PrecomputedBackend([])


def test_coco_results_with_numbers_out_of_range_are_refused(tmp_path):
    """Found by the reader fuzzing: an infinite image id, or a keypoint beyond float64, was an
    OverflowError (a traceback) instead of a library error."""
    path = tmp_path / "det.json"
    for doc in (
        '[{"image_id": Infinity, "keypoints": []}]',
        '[{"image_id": 1, "keypoints": [' + "9" * 400 + "]}]",
    ):
        path.write_text(doc)
        with pytest.raises(DataError, match="expected"):
            PrecomputedBackend.from_coco_results(path)
