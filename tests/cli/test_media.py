"""``abspose image`` / ``video`` / ``setup-2d`` from the command line."""

import json
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from abspose.cli import app
from abspose.data import sample_image_path
from abspose.errors import AbsPoseError
from abspose.viz import read_scene
from tests.io.test_animation import bvhio_joints_cam_mm
from tests.pipeline.conftest import HEIGHT, WIDTH, write_video

runner = CliRunner()


def _openpose_folder(tmp_path, frames):
    """BODY_25 detections of two people drifting right, one file per frame."""
    from abspose.data import convert_bvh, sample_bvh_path
    from abspose.geometry import Intrinsics, project
    from abspose.skeletons import BODY25, H36M17

    walk = convert_bvh(sample_bvh_path()).joints_world_mm * np.array([1.0, -1.0, -1.0])
    walk = walk - walk[:, :1]
    cam = Intrinsics.from_focal(600.0, WIDTH, HEIGHT)
    folder = tmp_path / "openpose"
    folder.mkdir()
    names = {"pelvis": "mid_hip", "thorax": "neck"}
    for t in range(frames):
        people = []
        for root in ((-900 + 50 * t, 0, 5000), (900, 100, 6500)):
            kp = project(walk[t] + np.array(root), cam)
            body = np.zeros((25, 3))
            for j, name in enumerate(H36M17.joint_names):
                name = names.get(name, name)
                if name in BODY25.joint_names:
                    body[BODY25.index(name)] = (*kp[j], 0.9)
            people.append({"pose_keypoints_2d": body.ravel().tolist()})
        (folder / f"clip_{t:012d}_keypoints.json").write_text(json.dumps({"people": people}))
    return folder


def test_video_with_your_own_detections(tmp_path):
    clip = write_video(tmp_path / "clip.mp4", 8)
    folder = _openpose_folder(tmp_path, 8)
    out, overlay, top = tmp_path / "r.json", tmp_path / "o.mp4", tmp_path / "map.png"
    html = tmp_path / "scene.html"
    args = ["video", str(clip), "--detections", str(folder), "--focal", "600", "--out", str(out)]
    result = runner.invoke(app, [*args, "--overlay", str(overlay), "--map", str(top), "--html", str(html)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    scene = read_scene(html)  # the viewer holds the same people, frame by frame, and every overlay
    assert [[p["id"] for p in f["people"]] for f in scene["frames"]] == [
        [p["id"] for p in f["people"]] for f in doc["frames"]
    ]
    assert [f["image"] for f in scene["frames"]] == list(range(8)) and scene["fps"] == doc["fps"]
    assert doc["backend"] == "body25" and len(doc["frames"]) == 8
    assert {p["id"] for f in doc["frames"] for p in f["people"]} == {0, 1}
    assert "8 frames with 2" in result.output and "person 1: 8 frames" in result.output
    assert overlay.stat().st_size > 0 and top.read_bytes()[:4] == b"\x89PNG"
    import cv2

    cap = cv2.VideoCapture(str(overlay))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 8
    cap.release()


def test_image_on_the_shipped_photo(tmp_path, mediapipe_task):
    out, plot, html = tmp_path / "photo.csv", tmp_path / "photo.png", tmp_path / "photo.html"
    photo = ["image", str(sample_image_path()), "--out", str(out), "--plot", str(plot), "--html", str(html)]
    result = runner.invoke(app, photo)
    assert result.exit_code == 0, result.output
    scene = read_scene(html)
    assert len(scene["frames"]) == 1 and len(scene["frames"][0]["people"]) == 2 and len(scene["images"]) == 1
    assert "no focal length given" in result.output and "2 people" in result.output
    assert len(out.read_text().splitlines()) == 1 + 2 * 17 and plot.read_bytes()[:4] == b"\x89PNG"
    plain = tmp_path / "plain.csv"  # without the flip test (on by default for photos and videos)
    again = runner.invoke(app, ["image", str(sample_image_path()), "--out", str(plain), "--no-flip-test"])
    assert again.exit_code == 0 and "2 people" in again.output, again.output
    assert len(plain.read_text().splitlines()) == 1 + 2 * 17 and plain.read_text() != out.read_text()
    known = tmp_path / "known.json"
    tall = runner.invoke(app, ["image", str(sample_image_path()), "--out", str(known), "--stature", "1=1.90"])
    assert tall.exit_code == 0 and "scale from stature" in tall.output, tall.output
    people = json.loads(known.read_text())["frames"][0]["people"]
    assert [p["scale_source"] for p in people] == ["prior", "stature"]


def test_unreadable_photo_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "photo.jpg"
    bad.write_text("not an image")
    proc = subprocess.run(
        [sys.executable, "-c", "from abspose.cli import main; main()", "image", str(bad), "--out", "x.json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2, proc.stderr
    assert "cannot decode it as an image" in proc.stderr and "Traceback" not in proc.stderr


def test_video_exports_bvh_and_trc_per_person(tmp_path):
    clip = write_video(tmp_path / "clip.mp4", 6)
    folder = _openpose_folder(tmp_path, 6)
    out = tmp_path / "r.json"
    args = ["video", str(clip), "--detections", str(folder), "--focal", "600", "--out", str(out)]
    exports = ["--bvh", str(tmp_path / "m.bvh"), "--trc", str(tmp_path / "m.trc"), "--min-track-frames", "2"]
    result = runner.invoke(app, [*args, *exports])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.glob("m_id*"))
    assert written == ["m_id0.bvh", "m_id0.trc", "m_id1.bvh", "m_id1.trc"]
    doc = json.loads(out.read_text())
    person1 = np.array([p["joints_cam_mm"] for f in doc["frames"] for p in f["people"] if p["id"] == 1])
    back = bvhio_joints_cam_mm(tmp_path / "m_id1.bvh", range(6), mm_per_unit=1000.0)
    assert np.abs(back - person1).max() < 0.1  # JSON rounds to 0.1 mm: both within 0.05 + 0.001
    wrong = runner.invoke(app, [*args, "--bvh", str(tmp_path / "m.fbx")])
    assert wrong.exit_code != 0 and "ending in .bvh" in str(wrong.exception)
    assert not list(tmp_path.glob("*.tmp"))


def test_train_2d_then_use_the_estimator_on_a_photo(tmp_path):
    import cv2

    from tests.estimator2d.synthetic import synthetic_people

    people = synthetic_people(3)
    anns, images = [], []
    for i, p in enumerate(people):
        cv2.imwrite(str(tmp_path / f"{i}.png"), p.image_rgb[..., ::-1])
        kp = np.concatenate([p.keypoints_px, np.full((17, 1), 2.0)], axis=1).ravel().tolist()
        x0, y0, x1, y1 = p.box_px.tolist()
        anns.append(
            {"id": i, "image_id": i, "bbox": [x0, y0, x1 - x0, y1 - y0], "num_keypoints": 17, "keypoints": kp}
        )
        images.append({"id": i, "file_name": f"{i}.png"})
    (tmp_path / "ann.json").write_text(json.dumps({"images": images, "annotations": anns}))
    ckpt = tmp_path / "est.safetensors"
    args = ["train-2d", "--coco", str(tmp_path / "ann.json"), "--images", str(tmp_path), "--out", str(ckpt),
            "--depth", "18", "--input-size", "64", "--base-width", "8", "--epochs", "2", "--batch-size", "2",
            "--device", "cpu"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "epoch 2: loss" in result.output and ckpt.is_file()
    boxes = tmp_path / "boxes.json"  # the person detector's output for photo 0
    boxes.write_text(json.dumps([{"image_id": 0, "keypoints": anns[0]["keypoints"]}]))
    out = tmp_path / "r.json"
    photo = ["image", str(tmp_path / "0.png"), "--estimator", str(ckpt), "--detections", str(boxes)]
    result = runner.invoke(app, [*photo, "--focal", "150", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["backend"] == "coco17"


def test_video_with_a_camera_height_uses_the_floor(tmp_path):
    clip = write_video(tmp_path / "clip.mp4", 4)
    folder = _openpose_folder(tmp_path, 4)
    out = tmp_path / "r.json"
    args = ["video", str(clip), "--detections", str(folder), "--focal", "600", "--out", str(out)]
    result = runner.invoke(app, [*args, "--camera-height", "0.95", "--camera-pitch", "0"])
    assert result.exit_code == 0, result.output
    sources = {p["scale_source"] for f in json.loads(out.read_text())["frames"] for p in f["people"]}
    assert "floor+camera_height" in sources and sources <= {"floor+camera_height", "prior"}


def test_video_takes_a_known_stature_per_track(tmp_path):
    from abspose.cli.media import parse_known_statures

    assert parse_known_statures(["0=1.80", "3=1.65"]) == {0: 1800.0, 3: 1650.0}
    for bad in ("1.80", "a=1.8", "0=180", "-1=1.8"):
        with pytest.raises(AbsPoseError, match="ID=METRES"):
            parse_known_statures([bad])
    clip = write_video(tmp_path / "clip.mp4", 4)
    folder = _openpose_folder(tmp_path, 4)
    out = tmp_path / "r.json"
    args = ["video", str(clip), "--detections", str(folder), "--focal", "600", "--out", str(out)]
    result = runner.invoke(app, [*args, "--stature", "0=1.80"])
    assert result.exit_code == 0, result.output
    people = [p for f in json.loads(out.read_text())["frames"] for p in f["people"]]
    assert {p["scale_source"] for p in people if p["id"] == 0} == {"stature"}
    assert all(p["distance_interval_m"] is not None for p in people)


def test_realtime_plays_a_file_as_a_stream_and_skips_frames_to_keep_up(tmp_path, mediapipe_task):
    from abspose.data import sample_video_path

    out = tmp_path / "live.json"
    live = ["video", str(sample_video_path()), "--realtime", "--max-frames", "12", "--out", str(out)]
    result = runner.invoke(app, live)
    assert result.exit_code == 0, result.output
    frames = json.loads(out.read_text())["frames"]
    index = [f["index"] for f in frames]
    assert len(index) == 12 and index == sorted(set(index))
    assert index[-1] > 11, index  # the lifter is slower than the clip's 30 frames/s: frames skipped
    assert [f["time_s"] for f in frames] == pytest.approx([k / 30 for k in index], abs=1e-3)
    assert "skipped to keep up" in result.output and "frames/s" in result.output
    refused = runner.invoke(app, [*live, "--detections", str(tmp_path)])
    assert isinstance(refused.exception, AbsPoseError) and "drop --realtime" in str(refused.exception)


def test_video_with_a_temporal_lifter(tmp_path, tiny_dataset):
    from abspose.model.temporal import TemporalConfig
    from abspose.model.temporal_train import TemporalTrainConfig, train_temporal

    model = tmp_path / "temporal.safetensors"
    tc = TemporalTrainConfig(epochs=1, batch_size=16, noise="")
    train_temporal(tiny_dataset, TemporalConfig(channels=16, levels=2), tc, model)
    clip, folder = write_video(tmp_path / "clip.mp4", 8), _openpose_folder(tmp_path, 8)
    out = tmp_path / "t.json"
    args = ["video", str(clip), "--detections", str(folder), "--focal", "600", "--out", str(out)]
    result = runner.invoke(app, [*args, "--lifter", "temporal", "--temporal-model", str(model)])
    assert result.exit_code == 0, result.output
    frames = json.loads(out.read_text())["frames"]
    assert [f["index"] for f in frames] == list(range(8)) and all(len(f["people"]) == 2 for f in frames)
    assert all(p["distance_interval_m"] is None for f in frames for p in f["people"])  # no spread head
    shipped = runner.invoke(app, [*args, "--lifter", "temporal", "--out", str(tmp_path / "s.json")])
    assert shipped.exit_code == 0, shipped.output  # the shipped symmetric model (a file: not live)
    assert len(json.loads((tmp_path / "s.json").read_text())["frames"]) == 8
    stray = runner.invoke(app, [*args, "--temporal-model", str(model)])
    assert isinstance(stray.exception, AbsPoseError) and "--lifter temporal" in str(stray.exception)


def test_the_joint_filter_filters_the_pelvis_apart_from_the_pose(tmp_path):
    """``--joint-filter one-euro`` is the benchmarked PoseFilter: ``--filter-root-cutoff`` moves
    only the pelvis; the pose about it is the same."""
    clip, folder = write_video(tmp_path / "clip.mp4", 8), _openpose_folder(tmp_path, 8)
    args = ["video", str(clip), "--detections", str(folder), "--focal", "600", "--joint-filter", "one-euro"]
    runs = {}
    for cutoff in ("1.5", "0.3"):
        out = tmp_path / f"f{cutoff}.json"
        result = runner.invoke(app, [*args, "--filter-root-cutoff", cutoff, "--out", str(out)])
        assert result.exit_code == 0, result.output
        runs[cutoff] = json.loads(out.read_text())["frames"]
    for a, b in zip(runs["1.5"], runs["0.3"], strict=True):
        for p, q in zip(a["people"], b["people"], strict=True):
            ja, jb = np.array(p["joints_cam_mm"]), np.array(q["joints_cam_mm"])
            np.testing.assert_allclose(ja - ja[:1], jb - jb[:1], atol=0.15)  # JSON keeps 0.1 mm
    last_a, last_b = runs["1.5"][-1]["people"][0], runs["0.3"][-1]["people"][0]
    assert not np.allclose(last_a["root_cam_mm"], last_b["root_cam_mm"], atol=1.0)
