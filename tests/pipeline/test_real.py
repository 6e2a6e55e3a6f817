"""The whole pipeline on real footage: the shipped clip, and the full video in ../shared/data."""

import numpy as np

from abspose.data import sample_video_path
from abspose.pipeline import iter_frames, lift_image, resolve_intrinsics, track_video


def test_shipped_clip_two_people_with_stable_ids_and_depths(mediapipe_backend):
    frames = list(track_video(sample_video_path(), mediapipe_backend, max_frames=45, smoothing=0.6))
    # the walker enters the picture at frame 9: from frame 12 on, both are found in most frames
    both = [f for f in frames[12:] if len(f.track_ids) == 2]
    assert len(both) >= 0.9 * len(frames[12:])
    ids = {tuple(sorted(f.track_ids.tolist())) for f in both}
    assert len(ids) == 1  # the same two ids throughout
    for tid in next(iter(ids)):
        depth = np.array([f.lifted.root_cam_mm[list(f.track_ids).index(tid), 2] for f in both])
        # at the default focal guess both stand 5-11 m away and move < 25% in one second
        assert 5000 < np.median(depth) < 11000
        assert np.ptp(depth) < 0.25 * np.median(depth)


def test_shared_video_frame_both_people(data_root, mediapipe_backend):
    video = data_root / "media" / "sports2d_demo.mp4"
    image = next(f for k, f in enumerate(iter_frames(video)) if k == 40)
    camera = resolve_intrinsics(image.shape[1], image.shape[0])
    frame = lift_image(image, mediapipe_backend, camera)
    assert len(frame.track_ids) == 2
    # the person on the box is higher in the image and so higher in 3D (more negative y)
    on_box = np.argmin(frame.keypoints_px[:, 0, 1])
    assert frame.lifted.root_cam_mm[on_box, 1] < frame.lifted.root_cam_mm[1 - on_box, 1] - 500
