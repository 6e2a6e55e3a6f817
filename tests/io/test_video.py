"""Video files: their size and rate, and their frames one at a time (abspose.io.video)."""

import threading

import numpy as np
import pytest

from abspose.errors import AbsPoseError
from abspose.io.video import iter_frames, read_ahead, video_info
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


def test_frames_read_ahead_are_the_same_frames_in_the_same_order(tmp_path):
    path = write_video(tmp_path / "clip.avi", 9, fourcc="MJPG")
    plain, ahead = list(iter_frames(path)), list(iter_frames(path, ahead=4))
    assert len(ahead) == 9 and all(np.array_equal(a, b) for a, b in zip(plain, ahead, strict=True))
    assert len(list(iter_frames(path, max_frames=2, ahead=4))) == 2
    with pytest.raises(AbsPoseError, match="cannot open"):  # raised in the worker, seen by the caller
        list(iter_frames(tmp_path / "clip.avi.missing", ahead=2))


def test_read_ahead_produces_items_while_the_caller_holds_one():
    made = []
    enough = threading.Event()

    def items():
        for k in range(10):
            made.append(k)
            if len(made) >= 4:
                enough.set()
            yield k

    it = read_ahead(items(), 3)
    assert next(it) == 0
    assert enough.wait(5.0)  # items 1-3 were made while item 0 was held, without another next()
    assert list(it) == list(range(1, 10))


def test_read_ahead_raises_where_the_source_failed_and_closes_the_source_early():
    closed = threading.Event()

    def failing():
        yield 1
        yield 2
        raise ValueError("bad frame")

    it = read_ahead(failing(), 2)
    assert next(it) == 1 and next(it) == 2
    with pytest.raises(ValueError, match="bad frame"):
        next(it)

    def endless():
        try:
            k = 0
            while True:
                yield k
                k += 1
        finally:
            closed.set()

    it = read_ahead(endless(), 2)
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    it.close()  # type: ignore[attr-defined]
    assert closed.is_set()
    with pytest.raises(AbsPoseError, match="depth"):
        next(read_ahead(iter([1]), 0))


def test_a_file_played_live_gives_every_frame_to_a_fast_reader_in_time(tmp_path):
    import time

    from abspose.io.video import LiveFrames

    path = write_video(tmp_path / "clip.avi", 8, fourcc="MJPG")  # 10 frames/s
    live = LiveFrames(str(path))
    start = time.monotonic()
    frames = list(live)
    took = time.monotonic() - start
    assert [f.index for f in frames] == list(range(8)) and live.dropped == 0
    assert [f.time_s for f in frames] == pytest.approx([k / 10 for k in range(8)])
    assert took > 0.6  # paced at the file's rate (8 frames at 10/s), not decoded at once
    assert frames[3].image_rgb.shape == (HEIGHT, WIDTH, 3) and int(frames[3].image_rgb[0, 0, 0]) in range(
        25, 36
    )


def test_a_slow_reader_of_a_live_source_skips_frames_instead_of_falling_behind(tmp_path):
    import time

    from abspose.io.video import LiveFrames

    path = write_video(tmp_path / "clip.avi", 12, fourcc="MJPG")
    live = LiveFrames(str(path))
    start, lateness = time.monotonic(), []
    got = []
    for frame in live:
        lateness.append(time.monotonic() - start - frame.time_s)
        got.append(frame.index)
        time.sleep(0.25)  # 4 frames/s against the source's 10
    assert got == sorted(got) and len(got) < 12 and got[-1] >= 10
    assert live.dropped == live.read - len(got) and live.dropped > 0
    assert max(lateness) < 0.2  # each frame given is fresh: the reader never lags the source
    assert len(list(LiveFrames(str(path), max_frames=3))) == 3


def test_sources_are_a_file_a_camera_index_or_a_url(tmp_path):
    from abspose.io.video import LiveFrames, open_source

    assert open_source("0") == 0 and open_source("rtsp://host/cam") == "rtsp://host/cam"
    with pytest.raises(AbsPoseError, match="camera index such as 0, or a stream URL"):
        open_source(str(tmp_path / "nothing.mp4"))
    text = tmp_path / "notes.avi"
    text.write_text("not a video")
    with pytest.raises(AbsPoseError, match="cannot open it as a camera, stream or video"):
        LiveFrames(str(text))
