"""Issue 21's hostile inputs, one regression test each: every bad input is one line on stderr
and exit code 2 (no traceback), nothing is overwritten or left behind, and abspose reads its
own outputs. Commands run through :func:`abspose.cli.main`, as the installed ``abspose`` does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from abspose.cli import main

GOOD = np.random.default_rng(0).uniform(200, 400, (17, 2))
PHOTO = Path(__file__).resolve().parents[2] / "src" / "abspose" / "assets" / "media" / "sports2d_frame.jpg"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``abspose ARGV`` in this process: (exit code, stdout, stderr)."""
    old = sys.argv
    sys.argv = ["abspose", *argv]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv: str) -> str:
    """Run a command that must fail cleanly; returns its one-line message."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (argv, code, out, err)
    assert "Traceback" not in err + out, err
    return " ".join(err.split())


def _good_json(path: Path, **extra: object) -> Path:
    path.write_text(
        json.dumps({"keypoints": GOOD.tolist(), "focal_px": 1000, "image_size": [640, 480], **extra})
    )
    return path


def _coco_detections(path: Path, scale: float = 1.0) -> Path:
    """A COCO result for the shipped photo: one person in its left half (no MediaPipe needed)."""
    kp = np.c_[GOOD * 0.8 * scale, np.full(17, 0.9)]  # (17, 3) inside the 884x496 photo
    path.write_text(json.dumps([{"image_id": 0, "keypoints": kp.ravel().tolist()}]))
    return path


# 1. hang -------------------------------------------------------------------------------------


def test_data_cmu_refuses_an_empty_bvh_without_hanging(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "02_03.bvh").write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-c", "from abspose.cli import main; main()", "data", "cmu", "--bvh-dir",
         str(tmp_path / "d"), "--out", str(tmp_path / "c.npz")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "02_03.bvh: cannot read as BVH (the file is empty)" in " ".join(proc.stderr.split())


# 3. an output that is an input ---------------------------------------------------------------


@pytest.mark.parametrize("link", ["same", "hard", "symbolic"])
def test_lift_refuses_to_overwrite_its_input(capsys, tmp_path, link):
    src = _good_json(tmp_path / "in.json")
    before = src.read_bytes()
    out = tmp_path / "out.json"
    if link == "same":
        out = src
    elif link == "hard":
        os.link(src, out)
    else:
        out.symlink_to(src)
    assert "writing it would destroy the input" in refused(capsys, "lift", str(src), "--out", str(out))
    assert src.read_bytes() == before


def test_lift_npy_refuses_to_overwrite_its_input(capsys, tmp_path):
    src = tmp_path / "kp.npy"
    np.save(src, GOOD[None])
    before = src.read_bytes()
    msg = refused(
        capsys, "lift", str(src), "--focal", "1000", "--image-size", "640", "480", "--out", str(src)
    )
    assert "is the input" in msg and src.read_bytes() == before


def test_image_and_video_refuse_to_overwrite_their_input(capsys, tmp_path):
    photo = tmp_path / "p.jpg"
    photo.write_bytes(PHOTO.read_bytes())
    assert "--overlay" in refused(capsys, "image", str(photo), "--overlay", str(photo))
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"not decoded: refused before")
    assert "--overlay" in refused(capsys, "video", str(clip), "--overlay", str(clip))
    assert photo.read_bytes() == PHOTO.read_bytes() and clip.read_bytes() == b"not decoded: refused before"


# 4. one line instead of a traceback ----------------------------------------------------------

BAD_KEYPOINT_FILES = {
    "coco-record-without-keypoints": (
        [{"keypoints": np.c_[GOOD, np.ones(17)].ravel().tolist()}, {"score": 1.0}],
        "record 1: expected a COCO result",
    ),
    "openpose-null-person": ({"people": [None]}, "people[0]: expected"),
    "focal-not-a-number": ({"keypoints": GOOD.tolist(), "focal_px": "abc"}, "focal_px: expected a number"),
    "image-size-one-number": ({"keypoints": GOOD.tolist(), "image_size": [1280]}, "image_size: expected"),
    "ragged-keypoints": ({"keypoints": [GOOD.tolist(), GOOD[:5].tolist()]}, "every row the same length"),
}


@pytest.mark.parametrize("case", sorted(BAD_KEYPOINT_FILES))
def test_lift_bad_keypoint_files(capsys, tmp_path, case):
    doc, expected = BAD_KEYPOINT_FILES[case]
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc))
    assert expected in refused(capsys, "lift", str(path), "--out", str(tmp_path / "o.json"))


def test_lift_deeply_nested_json(capsys, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in refused(capsys, "lift", str(path), "--out", str(tmp_path / "o.json"))


def test_unwritable_output_paths(capsys, tmp_path):
    src = _good_json(tmp_path / "in.json")
    (tmp_path / "folder.json").mkdir()
    assert "is a folder" in refused(capsys, "lift", str(src), "--out", str(tmp_path / "folder.json"))
    assert "is a file, not a folder" in refused(capsys, "lift", str(src), "--out", str(src / "x.json"))
    too_long = tmp_path / ("a" * 300 + ".json")
    assert "at most 255 fit" in refused(capsys, "lift", str(src), "--out", str(too_long))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(capsys, tmp_path):
    src = _good_json(tmp_path / "in.json")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert "not writable" in refused(capsys, "lift", str(src), "--out", str(locked / "o.json"))
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("length", [244, 250, 255])
def test_legal_long_names_are_written(capsys, tmp_path, length):
    src = _good_json(tmp_path / "in.json")
    out = tmp_path / ("a" * (length - 5) + ".json")
    code, _, err = run(capsys, "lift", str(src), "--out", str(out))
    assert code == 0, err
    assert json.loads(out.read_text())["people"] and sorted(os.listdir(tmp_path)) == sorted(
        ["in.json", out.name]
    )


def test_image_options_refused_before_any_work(capsys, tmp_path):
    (tmp_path / "cal.json").write_text(json.dumps({"K": "x"}))
    assert "K: expected a 3x3 matrix" in refused(
        capsys,
        "image",
        str(PHOTO),
        "--calibration",
        str(tmp_path / "cal.json"),
        "--out",
        str(tmp_path / "r.json"),
    )
    (tmp_path / "det.json").write_text("{bad")
    assert "expected COCO keypoint results" in refused(
        capsys,
        "image",
        str(PHOTO),
        "--detections",
        str(tmp_path / "det.json"),
        "--out",
        str(tmp_path / "r.json"),
    )
    assert "ending in .png" in refused(capsys, "image", str(PHOTO), "--overlay", str(tmp_path / "o.txt"))
    assert "ending in .png" in refused(capsys, "image", str(PHOTO), "--plot", str(tmp_path / "p.txt"))
    assert os.listdir(tmp_path) == ["cal.json", "det.json"] or sorted(os.listdir(tmp_path)) == [
        "cal.json",
        "det.json",
    ]


def test_image_over_opencvs_pixel_limit(capsys, tmp_path):
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)  # 1.6e9 pixels, grey
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4001))
        + chunk(b"IEND", b"")
    )
    (tmp_path / "huge.png").write_bytes(png)
    assert "more pixels than OpenCV reads" in refused(
        capsys, "image", str(tmp_path / "huge.png"), "--out", str(tmp_path / "r.json")
    )


def test_other_commands_bad_options(capsys, tmp_path):
    from dataclasses import replace

    from abspose.data import sample_dataset

    assert "there is no such file" in refused(
        capsys,
        "evaluate",
        "--dataset",
        str(_empty_dataset(tmp_path)),
        "--input-errors",
        str(tmp_path / "nope.npz"),
    )
    assert "has no frames" in refused(capsys, "data", "stats", str(_empty_dataset(tmp_path)))
    code, _, err = run(capsys, "export-onnx", "--check", "-5", "--out", str(tmp_path / "x.onnx"))
    assert code == 2 and "Traceback" not in err and not (tmp_path / "x.onnx").exists()
    sample = tmp_path / "sample.npz"
    replace(sample_dataset()).save(sample)
    msg = refused(capsys, "train", "--dataset", str(sample), "--out", str(sample / "m.safetensors"))
    assert "is a file, not a folder" in msg  # found before the first epoch


def _empty_dataset(tmp_path: Path) -> Path:
    from dataclasses import replace

    from abspose.data import sample_dataset

    d = sample_dataset()
    path = tmp_path / "empty.npz"
    if not path.exists():
        replace(
            d,
            joints_world_mm=d.joints_world_mm[:0],
            clip_index=d.clip_index[:0],
            frame_index=d.frame_index[:0],
        ).save(path)
    return path


def test_api_image_size_of_one_number():
    from abspose import lift
    from abspose.errors import AbsPoseError

    with pytest.raises(AbsPoseError, match=r"image_size: expected \(width, height\)"):
        lift(GOOD, focal_px=1000.0, image_size=(1280,))


# 5. late failures leave nothing behind -------------------------------------------------------

_SIGNAL_SCRIPT = """
import os, signal, sys, time
import abspose.pipeline
from abspose.cli import main

real = abspose.pipeline.lift_npy

def lift_then_signal(*args, **kwargs):
    kwargs["on_chunk"] = lambda done, total: (os.kill(os.getpid(), signal.SIGTERM), time.sleep(5))
    return real(*args, **kwargs)

abspose.pipeline.lift_npy = lift_then_signal
sys.argv = ["abspose", "lift", sys.argv[1], "--focal", "1000", "--image-size", "1000", "1000",
            "--chunk", "8", "--out", sys.argv[2]]
main()
"""


def test_sigterm_mid_stream_leaves_no_temporary_file(tmp_path):
    np.save(tmp_path / "kp.npy", np.tile(GOOD, (64, 1, 1)))
    proc = subprocess.run(
        [sys.executable, "-c", _SIGNAL_SCRIPT, str(tmp_path / "kp.npy"), str(tmp_path / "x.npy")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 130, proc.stderr
    assert sorted(os.listdir(tmp_path)) == ["kp.npy"]


def test_temporary_files_are_hidden_and_match_no_output_glob(tmp_path):
    from abspose._files import PendingFile

    pending = PendingFile(tmp_path / "x.npy")
    name = Path(pending.tmp).name
    assert name.startswith(".x.npy.") and not name.endswith(".npy")
    assert not list(tmp_path.glob("*.npy")) or all(p.name.startswith(".") for p in tmp_path.glob("*.npy"))
    import glob

    assert glob.glob(str(tmp_path / "*.npy")) == []
    pending.discard()


# 6. streaming reports the pose's index in the file ------------------------------------------


def test_streaming_error_names_the_pose_in_the_file(tmp_path):
    from abspose.errors import AbsPoseError
    from abspose.pipeline import lift_npy

    kp = np.tile(GOOD, (100, 1, 1))
    kp[70] = 300.0  # all joints on one point
    np.save(tmp_path / "kp.npy", kp)
    with pytest.raises(AbsPoseError, match=r"pose 70 has all its joints on one point"):
        lift_npy(tmp_path / "kp.npy", tmp_path / "o.npy", chunk=32, focal_px=1000.0, image_size=(640, 480))
    assert os.listdir(tmp_path) == ["kp.npy"]


# 7. image and video check what lift checks ---------------------------------------------------


def test_image_refuses_a_principal_point_outside_the_photo(capsys, tmp_path):
    (tmp_path / "cal.json").write_text(json.dumps({"K": [[884, 0, 5000], [0, 884, 248], [0, 0, 1]]}))
    msg = refused(
        capsys,
        "image",
        str(PHOTO),
        "--calibration",
        str(tmp_path / "cal.json"),
        "--out",
        str(tmp_path / "r.json"),
    )
    assert "principal point (5000, 248) is outside the 884x496 image" in msg


def test_image_refuses_detections_in_another_unit(capsys, tmp_path):
    det = _coco_detections(tmp_path / "det.json", scale=100.0)
    msg = refused(capsys, "image", str(PHOTO), "--detections", str(det), "--out", str(tmp_path / "r.json"))
    assert "more than an image size outside the 884x496 image" in msg


# 8. abspose reads its own outputs ------------------------------------------------------------


@pytest.mark.parametrize("kind", [".json", ".csv"])
def test_image_output_lifts_again(capsys, tmp_path, kind):
    det = _coco_detections(tmp_path / "det.json")
    first = tmp_path / f"r{kind}"
    code, out, err = run(
        capsys, "image", str(PHOTO), "--detections", str(det), "--focal", "900", "--out", str(first)
    )
    assert code == 0, err
    again = tmp_path / "again.json"
    extra = ["--image-size", "884", "496"] if kind == ".csv" else []  # the CSV keeps no image size
    code, _, err = run(capsys, "lift", str(first), "--out", str(again), "--flip-test", *extra)  # as image
    assert code == 0, err
    z_image = float(out.split("z = ")[1].split(" m")[0])
    z_again = json.loads(again.read_text())["people"][0]["root_cam_mm"][2] / 1000
    assert abs(z_again - z_image) < 0.01 * z_image  # the same detector model, the same 2D


# 9. markup never swallows text ---------------------------------------------------------------


def test_help_keeps_units(capsys):
    code, out, _ = run(capsys, "lift", "--help")
    assert code == 0 and "[px]" in out
    code, out, _ = run(capsys, "train", "--help")
    assert "[px]" in out


@pytest.mark.parametrize("name", ["[bold]o.json", "[/x].json"])
def test_bracketed_names_are_printed_as_given(capsys, tmp_path, name):
    src = _good_json(tmp_path / "in.json")
    code, out, err = run(capsys, "lift", str(src), "--out", str(tmp_path / name))
    assert code == 0, err
    assert f"wrote {tmp_path / name}" in out and (tmp_path / name).is_file()


def test_npy_message_keeps_its_unit(capsys, tmp_path):
    np.save(tmp_path / "kp.npy", GOOD[None])
    argv = ["lift", str(tmp_path / "kp.npy"), "--focal", "1000", "--image-size", "640", "480"]
    code, out, err = run(capsys, *argv, "--out", str(tmp_path / "o.npy"))
    assert code == 0, err
    assert "camera frame [mm]" in out


# 10. messages that say what is wrong ---------------------------------------------------------


def test_video_max_frames_zero_is_an_option_error(capsys, tmp_path):
    code, out, err = run(capsys, "video", str(PHOTO), "--max-frames", "0")
    assert code == 2 and "empty or corrupt" not in err + out and "max-frames" in err


def test_all_zero_dataset(tmp_path):
    from dataclasses import replace

    from abspose.data import sample_dataset
    from abspose.errors import DataError

    d = sample_dataset()
    with pytest.raises(DataError, match="60 of 60 frames have all 17 joints on one point"):
        replace(d, joints_world_mm=np.zeros_like(d.joints_world_mm))


def test_empty_validation_split_is_a_warning(capsys, tmp_path):
    from dataclasses import replace

    from abspose.data import sample_dataset

    d = sample_dataset(repeat=5)
    path = tmp_path / "train_only.npz"
    replace(d).save(path)
    code, out, err = run(capsys, "train", "--dataset", str(path), "--out", str(tmp_path / "m.safetensors"),
                         "--epochs", "1", "--width", "16", "--batch-size", "64")  # fmt: skip
    assert code == 0, err
    text = " ".join(out.split())
    assert "warning:" in text and "no validation" in text and "val MPJPE nan" not in text


def test_min_confidence_nan_and_complex_input():
    from abspose import lift
    from abspose.errors import AbsPoseError

    with pytest.raises(AbsPoseError, match="min_confidence: expected a finite threshold"):
        lift(GOOD, focal_px=1000.0, image_size=(640, 480), min_confidence=float("nan"))
    with pytest.raises(AbsPoseError, match="expected real numbers, got complex"):
        lift(GOOD + 1j, focal_px=1000.0, image_size=(640, 480))
