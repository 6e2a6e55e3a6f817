import json
import subprocess
import sys

import numpy as np
from typer.testing import CliRunner

from abspose.cli import app

runner = CliRunner()


def test_demo_lifts_the_sample_and_writes_a_plot(tmp_path):
    result = runner.invoke(app, ["demo", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "60 frames at 30 fps" in result.output and "m from the camera" in result.output
    assert "root error" in result.output
    assert (tmp_path / "demo_3d.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_data_cmu_on_a_small_folder_and_stats(tmp_path):
    from abspose.data import sample_bvh_path

    (tmp_path / "bvh").mkdir()
    (tmp_path / "bvh" / "02_01.bvh").write_text(sample_bvh_path().read_text())
    out = tmp_path / "ds.npz"
    result = runner.invoke(
        app,
        [
            "data",
            "cmu",
            "--bvh-dir",
            str(tmp_path / "bvh"),
            "--out",
            str(out),
            "--plot",
            str(tmp_path / "p.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "60 frames at 30 fps from 1 clips" in result.output
        and out.is_file()
        and (tmp_path / "p.png").is_file()
    )
    stats = runner.invoke(app, ["data", "stats", str(out)])
    assert stats.exit_code == 0 and "thigh" in stats.output and "368 / 368" in stats.output


def test_library_errors_are_one_line_and_exit_2(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from abspose.cli import main; main()",
            "data",
            "cmu",
            "--bvh-dir",
            str(tmp_path / "none"),
            "--out",
            "x.npz",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "error:" in proc.stderr and "not a directory" in proc.stderr and "Traceback" not in proc.stderr


def _tiny_dataset_file(tmp_path):
    from abspose.data import sample_bvh_path

    bvh = tmp_path / "bvh"
    bvh.mkdir(exist_ok=True)
    for name in ("02_01", "03_01", "06_01"):  # subjects 2 (train), 3 (val), 6 (test)
        (bvh / f"{name}.bvh").write_text(sample_bvh_path().read_text())
    out = tmp_path / "tiny.npz"
    assert runner.invoke(app, ["data", "cmu", "--bvh-dir", str(bvh), "--out", str(out)]).exit_code == 0
    return out


def test_train_releases_int8_weights_at_half_the_float16_size(tmp_path):
    data = _tiny_dataset_file(tmp_path)
    sizes = {}
    for flag in ("--no-int8", "--int8"):
        ckpt, release = tmp_path / f"run{flag}.safetensors", tmp_path / f"model{flag}.safetensors"
        args = ["train", "--dataset", str(data), "--out", str(ckpt), "--release", str(release)]
        result = runner.invoke(app, [*args, "--width", "512", "--epochs", "1", "--batch-size", "16", flag])
        assert result.exit_code == 0, result.output
        assert ("(int8," in result.output) == (flag == "--int8")
        sizes[flag] = release.stat().st_size
    assert sizes["--int8"] < 0.6 * sizes["--no-int8"]
    ev = runner.invoke(
        app, ["evaluate", "--dataset", str(data), "--model", str(tmp_path / "model--int8.safetensors")]
    )
    assert ev.exit_code == 0 and "MPJPE" in ev.output, ev.output


def test_train_evaluate_lift_round_trip(tmp_path):
    data = _tiny_dataset_file(tmp_path)
    ckpt, release = tmp_path / "run.safetensors", tmp_path / "model.safetensors"
    args = ["train", "--dataset", str(data), "--out", str(ckpt), "--release", str(release), "--width", "32"]
    result = runner.invoke(app, [*args, "--epochs", "2", "--lr-drop-epoch", "1", "--batch-size", "16"])
    assert result.exit_code == 0, result.output
    assert "epoch 1:" in result.output and release.is_file() and release.stat().st_size < ckpt.stat().st_size
    ev = runner.invoke(
        app, ["evaluate", "--dataset", str(data), "--model", str(release), "--plot", str(tmp_path / "e.png")]
    )
    assert ev.exit_code == 0, ev.output
    assert "MPJPE" in ev.output and "% of the distance" in ev.output and (tmp_path / "e.png").is_file()
    kp = tmp_path / "kp.json"
    kp.write_text(json.dumps({"keypoints": (np.random.default_rng(0).normal(0, 50, (17, 2)) + 400).tolist()}))
    out = tmp_path / "o.csv"
    lifted = runner.invoke(
        app, ["lift", str(kp), "--model", str(release), "--image-size", "800", "600", "--out", str(out)]
    )
    assert lifted.exit_code == 0, lifted.output
    assert "no focal length given" in lifted.output and "person 0: pelvis at" in lifted.output
    assert len(out.read_text().splitlines()) == 18
    flipped = runner.invoke(app, ["lift", str(kp), "--model", str(release), "--image-size", "800", "600",
                                  "--out", str(tmp_path / "f.csv"), "--flip-test"])  # fmt: skip
    assert flipped.exit_code == 0, flipped.output
    assert (tmp_path / "f.csv").read_text() != out.read_text()  # the mirrored half moved the joints
    ev = runner.invoke(app, ["evaluate", "--dataset", str(data), "--model", str(release), "--flip-test"])
    assert ev.exit_code == 0 and "flip test" in ev.output, ev.output


def test_fit_spread_gives_a_model_with_calibrated_intervals(tmp_path):
    data = _tiny_dataset_file(tmp_path)
    model, spread = tmp_path / "model.safetensors", tmp_path / "spread.safetensors"
    args = ["--dataset", str(data), "--out", str(tmp_path / "run.safetensors"), "--release", str(model)]
    trained = runner.invoke(app, ["train", *args, "--width", "32", "--epochs", "1", "--batch-size", "16"])
    assert trained.exit_code == 0, trained.output
    same = runner.invoke(
        app, ["fit-spread", "--dataset", str(data), "--model", str(model), "--out", str(model)]
    )
    assert same.exit_code != 0 and "destroy the input" in str(same.exception), same.output
    fitted = runner.invoke(
        app,
        ["fit-spread", "--dataset", str(data), "--model", str(model), "--out", str(spread), "--epochs", "2"],
    )
    assert fitted.exit_code == 0, fitted.output
    assert "calibrated half-widths" in fitted.output and "with the stature known" in fitted.output
    from abspose.model import load_checkpoint, load_lifter

    assert load_lifter(spread).spread is not None and "depth_spread" in load_checkpoint(spread).meta
    kp = tmp_path / "kp.json"
    kp.write_text(json.dumps({"keypoints": (np.random.default_rng(0).normal(0, 50, (17, 2)) + 400).tolist()}))
    out = tmp_path / "o.json"
    camera = ["--focal", "1000", "--image-size", "800", "600"]
    lifted = runner.invoke(app, ["lift", str(kp), "--model", str(spread), *camera, "--out", str(out)])
    assert lifted.exit_code == 0, lifted.output
    assert "68%:" in lifted.output and "95%:" in lifted.output
    person = json.loads(out.read_text())["people"][0]
    lo, hi = person["distance_interval_m"]["68"]
    assert lo < person["distance_m"] < hi and person["depth_sigma"] > 0
    plain = runner.invoke(
        app, ["lift", str(kp), "--model", str(model), *camera, "--out", str(tmp_path / "p.csv")]
    )
    assert plain.exit_code == 0 and "68%:" not in plain.output, plain.output  # no head, no interval
    rows = (tmp_path / "p.csv").read_text().splitlines()
    assert rows[0].endswith("distance_lo95_m,distance_hi95_m,scale_source") and rows[1].endswith(",,,,prior")


def test_fit_errors_recovers_known_noise(tmp_path):
    rng = np.random.default_rng(0)
    gt = rng.normal(0, 60, (3000, 17, 2)) + [640.0, 360.0]
    scale = np.sqrt(((gt - gt.mean(1, keepdims=True)) ** 2).sum(-1).mean(-1))
    pred = gt + rng.normal(0, 0.04, gt.shape) * scale[:, None, None]
    np.save(tmp_path / "pred.npy", pred)
    np.save(tmp_path / "gt.npy", gt)
    out = tmp_path / "model.json"
    result = runner.invoke(
        app,
        ["fit-errors", "--pred", str(tmp_path / "pred.npy"), "--gt", str(tmp_path / "gt.npy"),
         "--out", str(out), "--plot", str(tmp_path / "e.png")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from abspose.noise import ErrorModel

    model = ErrorModel.load(out)
    assert np.allclose(model.std, 0.04, rtol=0.1) and (model.gamma > 0.95).all()
    assert ErrorModel.load(tmp_path / "model_gaussian.json").provenance["kind"] == "gaussian"
    assert (tmp_path / "e.png").exists()


def test_noise_pose2sim_on_the_demo_excerpt(tmp_path):
    from pathlib import Path

    demo = Path(__file__).parents[1] / "fixtures" / "pose2sim_demo"
    result = runner.invoke(
        app, ["noise", "pose2sim", "--source", str(demo), "--out-dir", str(tmp_path), "--fit-frames", "2"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "openpose_body25b_mixture.json").exists() and (tmp_path / "errors.png").exists()


def test_lift_with_a_camera_height_puts_people_on_the_floor(tmp_path):
    from tests.conftest import walk_scene

    sc = walk_scene(np.random.default_rng(5), 3, height_mm=1500.0, pitch_deg=8.0, focal_px=(900.0, 900.0))
    kp = tmp_path / "kp.json"
    kp.write_text(json.dumps({"keypoints": sc.keypoints_px.tolist(), "focal_px": 900.0,
                              "principal_px": sc.principal_px[0].tolist()}))  # fmt: skip
    out = tmp_path / "lifted.json"
    result = CliRunner().invoke(
        app, ["lift", str(kp), "--out", str(out), "--camera-height", "1.5", "--camera-pitch", "8"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "floor: 1.50 m below the camera" in result.output
        and "scale from floor+camera_height" in result.output
    )
    doc = json.loads(out.read_text())
    assert doc["floor"]["camera_height_mm"] == 1500.0 and doc["floor"]["orientation_source"] == "pitch_roll"
    assert {p["scale_source"] for p in doc["people"]} <= {"floor+camera_height", "prior"}
    npy = CliRunner().invoke(
        app, ["lift", str(kp), "--out", str(tmp_path / "x.npy"), "--camera-height", "1.5"]
    )
    assert npy.exit_code != 0 and "need --out .json or .csv" in str(npy.exception)
