import json

import numpy as np
import pytest

from abspose.api import default_focal_px
from abspose.errors import AbsPoseError
from abspose.pipeline import read_calibration, resolve_intrinsics


def test_sources():
    assert resolve_intrinsics(1920, 1080, focal_px=1500.0).intrinsics.fx == 1500.0
    fov = resolve_intrinsics(1920, 1080, fov_deg=90.0).intrinsics
    assert np.isclose(fov.fx, 960.0)  # half the width at 45 degrees
    guess = resolve_intrinsics(1920, 1080)
    assert guess.focal_is_default and guess.intrinsics.fx == default_focal_px(1920, 1080)
    assert (guess.intrinsics.cx, guess.intrinsics.cy) == (960.0, 540.0)


def test_only_one_source():
    with pytest.raises(AbsPoseError, match="one of focal, fov or calibration"):
        resolve_intrinsics(640, 480, focal_px=500.0, fov_deg=60.0)


def test_json_calibration_rescaled_to_the_image(tmp_path):
    K = [[2000.0, 0, 955.0], [0, 2010.0, 545.0], [0, 0, 1]]
    path = tmp_path / "cam.json"
    path.write_text(json.dumps({"K": K, "image_size": [1920, 1080]}))
    cam = resolve_intrinsics(960, 540, calibration=path)
    assert cam.source == "calibration"
    k = cam.intrinsics
    assert np.allclose([k.fx, k.fy, k.cx, k.cy], [1000.0, 1005.0, 477.5, 272.5])
    with pytest.raises(AbsPoseError, match="aspect ratio"):
        resolve_intrinsics(1000, 1000, calibration=path)


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".xml"])
def test_opencv_calibration_as_opencv_writes_it(tmp_path, suffix):
    """Files written by OpenCV's own FileStorage (read back without OpenCV, see the reader)."""
    import cv2

    path = tmp_path / f"cam{suffix}"
    fs = cv2.FileStorage(str(path), cv2.FILE_STORAGE_WRITE)
    K = np.array([[800.5, 0, 320.25], [0, 801.0, 240.0], [0, 0, 1]])
    fs.write("camera_matrix", K)
    fs.write("distortion_coefficients", np.zeros((1, 5)))
    fs.write("image_width", 640)
    fs.write("image_height", 480)
    fs.release()
    read_K, size = read_calibration(path)
    assert np.array_equal(read_K, K) and size == (640, 480)
    assert resolve_intrinsics(640, 480, calibration=path).intrinsics.fx == 800.5


def test_opencv_yaml_that_aborted_opencv_is_an_error(tmp_path):
    """Damaged YAML gives the library error. (tests/test_fuzz_readers.py found mutated files on
    which OpenCV's FileStorage.release() aborted the whole interpreter: no longer used.)"""
    path = tmp_path / "cam.yaml"
    for text in ("%YAML:1.0\n---\ncamera_matrix: !!opencv-matrix [1, 2]\n", "%YAML:1.0\n- [\n", "a: *b\n"):
        path.write_text(text)
        with pytest.raises(AbsPoseError, match=r"calibration|camera_matrix"):
            read_calibration(path)


def test_bad_calibration_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"focal": 3}')
    with pytest.raises(AbsPoseError, match="'K'"):
        read_calibration(bad)
    bad.write_text("{not json")
    with pytest.raises(AbsPoseError, match="JSON"):
        read_calibration(bad)
    with pytest.raises(AbsPoseError, match="no such"):
        read_calibration(tmp_path / "none.yaml")
    skew = tmp_path / "skew.json"
    skew.write_text(json.dumps({"K": [[800, 5, 320], [0, 800, 240], [0, 0, 1]]}))
    with pytest.raises(AbsPoseError, match="fx, 0, cx"):
        resolve_intrinsics(640, 480, calibration=skew)
