import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose.data import sample_image_path
from abspose.errors import AbsPoseError
from abspose.estimator2d import MediaPipeBackend, MediaPipeConfig, build_pose_landmarker_task
from abspose.estimator2d.mediapipe import crop_square, tile_squares
from abspose.pipeline import read_image
from abspose.skeletons import H36M17, MEDIAPIPE33, convert_to_h36m17


@given(
    st.integers(64, 4000),
    st.integers(64, 4000),
    st.lists(st.floats(0.1, 1.0), min_size=1, max_size=3),
    st.floats(0.0, 0.8),
)
def test_tiles_cover_every_pixel_and_stay_inside(width, height, scales, overlap):
    covered_x = np.zeros(width, bool)
    covered_y = np.zeros(height, bool)
    for x0, y0, side in tile_squares(width, height, tuple(scales), overlap):
        assert 0 <= x0 and 0 <= y0 and x0 + side <= width and y0 + side <= height
        covered_x[x0 : x0 + side] = True
        covered_y[y0 : y0 + side] = True
    assert covered_x.all() and covered_y.all()


def test_crop_square_pads_outside_the_image():
    image = np.arange(10 * 12 * 3, dtype=np.uint8).reshape(10, 12, 3)
    crop = crop_square(image, -2, 5, 8)
    assert crop.shape == (8, 8, 3)
    assert (crop[:, :2] == 0).all() and (crop[5:] == 0).all()
    assert (crop[:5, 2:] == image[5:10, 0:6]).all()


def test_config_refuses_bad_tiles():
    with pytest.raises(AbsPoseError, match="tile_scales"):
        MediaPipeConfig(tile_scales=(2.0,))
    with pytest.raises(AbsPoseError, match="tile_overlap"):
        MediaPipeConfig(tile_overlap=0.95)


def test_layout_names_follow_mediapipes_landmark_enum():
    """Independent reference: MediaPipe's own PoseLandmark enum (LEFT_ -> l_, MOUTH_LEFT -> l_mouth)."""
    vision = pytest.importorskip("mediapipe.tasks.python.vision", reason="MediaPipe is not installed")

    def ours(name: str) -> str:
        name = name.lower()
        if name.startswith("mouth_"):
            side = name.split("_")[1]
            return f"{side[0]}_mouth"
        return name.replace("left_", "l_").replace("right_", "r_")

    theirs = [ours(m.name) for m in sorted(vision.PoseLandmark, key=int)]
    assert theirs == list(MEDIAPIPE33.joint_names)


def test_mapping_to_h36m_by_name():
    kp = np.zeros((33, 2))
    for name, xy in {
        "l_hip": (100, 400),
        "r_hip": (60, 400),
        "l_shoulder": (110, 200),
        "r_shoulder": (50, 200),
    }.items():
        kp[MEDIAPIPE33.index(name)] = xy
    h36m = convert_to_h36m17(kp, "mediapipe33").keypoints
    assert h36m[H36M17.index("pelvis")].tolist() == [80.0, 400.0]
    assert h36m[H36M17.index("thorax")].tolist() == [80.0, 200.0]
    assert h36m[H36M17.index("l_hip")].tolist() == [100.0, 400.0]


def test_missing_bundle_names_the_fix(tmp_path):
    pytest.importorskip("mediapipe", reason="MediaPipe is not installed")
    with pytest.raises(AbsPoseError, match="setup-2d"):
        MediaPipeBackend(MediaPipeConfig(task_path=str(tmp_path / "none.task")))


def _fake_wheel(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_bundle_builder_refuses_a_wheel_without_the_networks_or_with_other_bytes(tmp_path):
    pytest.importorskip("mediapipe", reason="MediaPipe is not installed")
    with pytest.raises(AbsPoseError, match=r"not a mediapipe==0\.10\.21 wheel"):
        build_pose_landmarker_task(_fake_wheel(tmp_path / "a.whl", {"x": b"1"}), tmp_path / "a.task")
    tampered = {
        "mediapipe/modules/pose_detection/pose_detection.tflite": b"not the network",
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite": b"nor this",
    }
    with pytest.raises(AbsPoseError, match="SHA-256"):
        build_pose_landmarker_task(_fake_wheel(tmp_path / "b.whl", tampered), tmp_path / "b.task")
    assert not (tmp_path / "b.task").exists()  # nothing half-written


def test_built_bundle_holds_both_networks(mediapipe_task):
    with zipfile.ZipFile(mediapipe_task) as zf:
        assert sorted(zf.namelist()) == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]


def test_finds_both_people_on_the_shipped_photo(mediapipe_backend):
    image = read_image(sample_image_path())
    poses = mediapipe_backend.detect(image)
    assert poses.layout == "mediapipe33" and len(poses) == 2
    boxes = poses.boxes_px
    # one stands on the box (upper left), one walks on the lawn (lower right): distinct places
    tops = np.sort(boxes[:, 1])
    assert tops[1] - tops[0] > 100
    # a standing person's ankles are below their hips and shoulders above them, in the image
    for k in range(2):
        y = dict(zip(MEDIAPIPE33.joint_names, poses.keypoints_px[k, :, 1], strict=True))
        assert y["l_shoulder"] < y["l_hip"] < y["l_ankle"]
        assert y["r_shoulder"] < y["r_hip"] < y["r_ankle"]
    assert ((poses.confidences >= 0) & (poses.confidences <= 1)).all()


def test_tracking_regions_find_a_person_the_tiles_alone_see(mediapipe_backend):
    image = read_image(sample_image_path())
    poses = mediapipe_backend.detect(image)
    again = mediapipe_backend.detect(image, rois_px=poses.boxes_px)
    assert len(again) == len(poses)  # the same people, not duplicated
    moved = np.abs(np.sort(again.boxes_px, axis=0) - np.sort(poses.boxes_px, axis=0)).max()
    assert moved < 20.0


def test_followed_regions_find_the_people_the_still_images_find(mediapipe_task):
    from abspose.data import sample_video_path
    from abspose.io.video import iter_frames

    frames = list(iter_frames(sample_video_path(), 40))[25:40]  # both people in view
    with (
        MediaPipeBackend(MediaPipeConfig(follow_regions=False)) as still,
        MediaPipeBackend(MediaPipeConfig(follow_regions=True)) as video,
    ):
        boxes = still.detect(frames[0]).boxes_px
        assert len(boxes) == 2
        for image in frames[1:]:
            a, b = still.detect_regions(image, boxes), video.detect_regions(image, boxes)
            assert len(a) == len(b) == 2
            a, b = a.select(np.argsort(a.boxes_px[:, 0])), b.select(np.argsort(b.boxes_px[:, 0]))
            size = np.hypot(*(a.boxes_px[:, 2:] - a.boxes_px[:, :2]).T)  # (2,)
            gap = np.median(np.linalg.norm(a.keypoints_px - b.keypoints_px, axis=-1), axis=1)
            assert (gap < 0.05 * size).all(), (gap, size)  # the same joints, to a few pixels
            boxes = a.boxes_px
        assert len(video._followers) == 2  # one landmarker per person, kept from frame to frame
        for _ in range(30):  # nobody tracked any more: the followers are closed
            video.detect_regions(frames[-1], np.zeros((0, 4)))
        assert video._followers == []


def test_found_people_are_blacked_out_for_the_tiles_and_nothing_else():
    from abspose.estimator2d import Poses2D
    from abspose.estimator2d.mediapipe import _masked

    image = np.full((100, 200, 3), 200, np.uint8)
    person = Poses2D(np.array([[[50.0, 20.0], [90.0, 60.0]]]), np.ones((1, 2)), "h36m17")
    out = _masked(image, [person, Poses2D.empty(2, "h36m17")], 0.1)
    assert (out[16:64, 46:94] == 0).all()  # the box (50-90, 20-60) grown by 4 px on each side
    out[16:64, 46:94] = 200
    assert (out == 200).all() and (image == 200).all()  # nothing else, and the input untouched
    assert _masked(image, [person], -1.0) is image and _masked(image, [], 0.1) is image
