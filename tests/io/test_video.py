"""Video files: their size and rate, and their frames one at a time (abspose.io.video)."""

import numpy as np
import pytest

from abspose.errors import AbsPoseError
from abspose.io.video import iter_frames, video_info
from tests.pipeline.conftest import HEIGHT, WIDTH, write_video


def test_info_and_frames_of_a_written_video(tmp_path):
    path = write_video(tmp_path / "clip.avi", 7, fourcc="MJPG")
    info = video_info(path)
    assert (info.width, info.height, info.frame_count) == (WIDTH, HEIGHT, 7) and info.fps == pytest.approx(
        10.0
    )
    frames = list(iter_frames(path))
    assert len(frames) == 7 and frames[0].shape == (HEIGHT, WIDTH, 3) and frames[0].dtype == np.uint8
    assert len(list(iter_frames(path, max_frames=3))) == 3
    with pytest.raises(AbsPoseError, match="max_frames"):
        list(iter_frames(path, max_frames=0))


def test_videos_that_cannot_be_read(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(AbsPoseError, match="cannot open"):
        video_info(empty)
    text = tmp_path / "notes.avi"
    text.write_text("not a video")
    with pytest.raises(AbsPoseError):
        list(iter_frames(text))
    with pytest.raises(AbsPoseError, match="no such"):
        video_info(tmp_path / "none.mp4")


def test_a_truncated_video_stops_at_its_last_whole_frame(tmp_path):
    path = write_video(tmp_path / "clip.avi", 20, fourcc="MJPG")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    frames = list(iter_frames(path))
    assert 0 < len(frames) < 20 and all(f.shape == (HEIGHT, WIDTH, 3) for f in frames)
