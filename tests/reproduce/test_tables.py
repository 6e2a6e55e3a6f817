"""`abspose reproduce` end to end on fake Human3.6M and MPI-INF-3DHP files (tiny networks, one epoch)."""

import json
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

from abspose.cli import app
from abspose.data import read_videopose3d
from abspose.data.benchmarks.h36m import H36M_KEEP_32, h36m_cameras, world_to_camera
from abspose.errors import AbsPoseError
from abspose.geometry import Intrinsics, project
from abspose.reproduce import PAPER, Benchmarks, TableResult, plan_table, run_plan, write_table
from abspose.reproduce.tables import _mehta_roots
from abspose.skeletons import H36M17
from tests.conftest import random_pose_cam_mm
from tests.data.benchmarks.test_h36m import _fake_tree
from tests.data.benchmarks.test_mmpose import _cameras_pkl, in_3dhp_order
from tests.data.benchmarks.test_mpi_inf_3dhp import _sequence, _write_v5

TINY = ["--width", "16", "--epochs", "1", "--batch-size", "32", "--device", "cpu"]


def _h36m(tmp_path, rng, frames=40):
    """A fake VideoPose3D tree whose detections are the true 2D plus 6 px noise and 5% outliers."""
    positions, _ = _fake_tree(tmp_path, rng, subjects=("S1", "S9", "S11"), frames=frames)
    detections = {}
    for subject, actions in positions.items():
        detections[subject] = {}
        for action, world in actions.items():
            views = []
            for index, intr in enumerate(h36m_cameras()["intrinsics"]):
                cam = world_to_camera(
                    1000.0 * world[:, list(H36M_KEEP_32)].astype(np.float64), subject, index
                )
                K = Intrinsics(*intr["focal_length"], *intr["center"])
                kp = project(cam, K) + rng.normal(0, 6.0, (frames, 17, 2))
                wild = rng.random((frames, 17)) < 0.05
                kp[wild] += rng.uniform(-80, 80, (int(wild.sum()), 2))
                views.append(np.concatenate([kp, np.zeros((2, 17, 2))]))  # VideoPose3D's longer 2D
            detections[subject][action] = views
    np.savez(tmp_path / "data_2d_h36m_fake.npz", positions_2d=detections, metadata={"layout_name": "h36m"})
    return tmp_path / "data_3d_h36m.npz", tmp_path / "data_2d_h36m_fake.npz"


def _h36m_frames(tmp_path, rng, subjects, frames):
    """A fake VideoPose3D tree's ground-truth frames, read without the pickle warning."""
    _fake_tree(tmp_path, rng, subjects=subjects, frames=frames)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_videopose3d(tmp_path / "data_3d_h36m.npz", trust_pickle=True)


def test_table1_writes_ours_beside_the_paper(tmp_path, rng):
    _fake_tree(tmp_path, rng, subjects=("S1", "S9", "S11"), frames=40)
    out = tmp_path / "out"
    argv = ["reproduce", "table1", "--h36m", str(tmp_path / "data_3d_h36m.npz"), "--trust-pickle",
            "--out-dir", str(out), *TINY]  # fmt: skip
    estimate = CliRunner().invoke(app, [*argv, "--estimate-only"])
    assert estimate.exit_code == 0, estimate.output
    assert "4 trainings" in estimate.output and "320 frames" in estimate.output
    assert not (out / "table1.md").exists()
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert result.output.count("nothing left in this run") == 4  # the measured time left, per epoch
    md = (out / "table1.md").read_text()
    for name, paper in PAPER["table1"].items():
        assert name in md and f"{paper['mpjpe']:.2f}" in md
    rows = json.loads((out / "table1.json").read_text())["rows"]
    assert len(rows) == 4 and all(np.isfinite(r["mpjpe"]) and r["mpjpe"] > 0 for r in rows.values())
    assert len(list(out.glob("h36m-p1-every1-gt-*-w16.safetensors"))) == 4  # one checkpoint per setting
    assert (out / "fig5_table1.png").stat().st_size > 0 and "![fig5_table1.png]" in md
    again = CliRunner().invoke(app, [*argv, "--estimate-only"])
    assert again.output.count("resumes its checkpoint") == 4


def test_tables_2_to_4_share_trainings_and_fit_the_detector_errors(tmp_path, rng):
    path3d, path2d = _h36m(tmp_path, rng)
    out = tmp_path / "out"
    argv = ["reproduce", "all", "--h36m", str(path3d), "--h36m-2d", str(path2d), "--trust-pickle",
            "--out-dir", str(out), *TINY]  # fmt: skip
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert "table5: skipped (table5 needs mpi_test" in result.output
    # table1's 4 + table2's 3 more + table4's Protocol 2 mixture; table3 reuses table2's mixture
    assert len(list(out.glob("*.safetensors"))) == 8
    mixture = json.loads((out / "errors-h36m-p1-every1-mixture.json").read_text())
    std_px = np.asarray(mixture["std"])  # in units of the pose scale (~60-130 px here)
    assert mixture["provenance"]["detector"] == "fake" and mixture["provenance"]["subjects"] == ["S1"]
    assert 0.02 < np.median(std_px) < 0.2 and 0.85 < np.median(mixture["gamma"]) < 1.0
    assert json.loads((out / "errors-h36m-p2-every1-mixture.json").read_text())["provenance"]["subjects"] == [
        "S1", "S9",
    ]  # fmt: skip
    t2 = json.loads((out / "table2.json").read_text())["rows"]
    assert list(t2) == list(PAPER["table2"])
    t3 = json.loads((out / "table3.json").read_text())["rows"]
    assert t3["AbsPoseLifter"]["mrpe"] == pytest.approx(t2["mixture synthesis"]["mrpe"])  # one model
    for row in t3.values():  # Euclidean error >= each axis, <= their sum
        assert max(row["root_x"], row["root_y"], row["root_z"]) <= row["mrpe"] + 1e-9
        assert row["mrpe"] <= row["root_x"] + row["root_y"] + row["root_z"] + 1e-9
    t4 = json.loads((out / "table4.json").read_text())["rows"]
    assert set(t4) == {"Directions", "Walking", "average over actions", "all frames"}
    assert t4["average over actions"]["p1_mpjpe"] == pytest.approx(
        np.mean([t4["Directions"]["p1_mpjpe"], t4["Walking"]["p1_mpjpe"]])
    )
    assert "52.50" in (out / "table4.md").read_text() and (out / "errors-h36m-p1-every1.png").is_file()


def test_mehta_roots_are_exact_per_camera_on_true_inputs(tmp_path, rng):
    frames = _h36m_frames(tmp_path, rng, subjects=("S1",), frames=5)
    truth = frames.joints_cam_mm
    rel = truth - truth[:, :1]
    roots = _mehta_roots(frames, rel, "perspective")  # 4 cameras, each with its own intrinsics
    # exact up to fx != fy (0.1% in Human3.6M; frames keep their mean); a wrong camera: metres off
    root = truth[:, H36M17.root_index]
    assert (np.linalg.norm(roots - root, axis=-1) < 1e-3 * np.linalg.norm(root, axis=-1)).all()


def _mpi(tmp_path, rng):
    """An MPI-INF-3DHP test tree (TS1-TS6) and an MMPose-style training file with its cameras."""
    for k in range(1, 7):
        _write_v5(tmp_path / "3dhp" / f"TS{k}" / "annot_data.mat", _sequence(rng, n=10)[1])
    n = 96
    truth = in_3dhp_order(random_pose_cam_mm(rng, n))
    f, c = (1500.0, 1500.0), (1024.0, 1024.0)
    part = np.concatenate([truth[..., :2] / truth[..., 2:] * f + c, np.ones((n, 17, 1))], -1)
    names = np.array([f"S{1 + i % 2}_Seq1_Cam0_{i + 1:06d}.jpg" for i in range(n)])
    np.savez(tmp_path / "mpi_inf_3dhp_train.npz", imgname=names, center=np.zeros((n, 2)), scale=np.ones(n),
             part=part, S=np.concatenate([truth / 1000.0, np.ones((n, 17, 1))], -1))  # fmt: skip
    pkl = _cameras_pkl(tmp_path / "cameras_train.pkl", ["S1_Seq1_Cam0", "S2_Seq1_Cam0"], f=f, c=c,
                       size=(2048, 2048))  # fmt: skip
    return tmp_path / "3dhp", tmp_path / "mpi_inf_3dhp_train.npz", pkl


def test_table5_on_3dhp_with_both_trainings_and_figure6(tmp_path, rng):
    test_dir, train, cams = _mpi(tmp_path, rng)
    _fake_tree(tmp_path, rng, subjects=("S1", "S9"), frames=20)
    out = tmp_path / "out"
    argv = ["reproduce", "table5", "--mpi-test", str(test_dir), "--mpi-train", str(train), "--mpi-cameras",
            str(cams), "--h36m", str(tmp_path / "data_3d_h36m.npz"), "--trust-pickle", "--out-dir", str(out),
            "--every-3dhp", "2", *TINY]  # fmt: skip
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "table5.json").read_text())
    assert list(doc["rows"]) == list(PAPER["table5"])
    for row in doc["rows"].values():
        assert 0 <= row["pck3d"] <= 100 and 0 <= row["auc"] <= row["pck3d"] and row["mrpe"] > 0
        assert {"pck3d_GS", "pck3d_noGS", "pck3d_outdoor"} <= set(row)
    assert "3dhp-every2-gt-ls-direct-w16.safetensors" in {p.name for p in out.iterdir()}
    assert "trained on 3DHP: 48 frames" in "".join(doc["notes"])  # every second of 96
    assert (out / "fig6_3dhp.png").stat().st_size > 0 and (out / "fig5_table5.png").is_file()


def test_tables_say_what_data_they_need(tmp_path, rng):
    _fake_tree(tmp_path, rng, subjects=("S1", "S9"), frames=4)
    data = Benchmarks(h36m=None)
    with pytest.raises(AbsPoseError, match="table2 needs h36m"):
        plan_table("table2", data, out_dir=tmp_path)
    with pytest.raises(AbsPoseError, match="table5 needs mpi_test"):
        plan_table("table5", data, out_dir=tmp_path)
    with pytest.raises(AbsPoseError, match="expected one of"):
        plan_table("table9", data, out_dir=tmp_path)
    result = CliRunner().invoke(app, ["reproduce", "table9", "--h36m", str(tmp_path / "data_3d_h36m.npz")])
    assert isinstance(result.exception, AbsPoseError)
    result = CliRunner().invoke(app, ["reproduce", "all", "--out-dir", str(tmp_path / "o")])
    assert isinstance(result.exception, AbsPoseError) and "no table has its data" in str(result.exception)


def test_detector_frames_must_match_the_ground_truth(tmp_path, rng):
    path3d, path2d = _h36m(tmp_path, rng, frames=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gt = read_videopose3d(path3d, trust_pickle=True)
        det = read_videopose3d(path3d, path2d, trust_pickle=True)
    with pytest.raises(AbsPoseError, match="same frames in the same order"):
        plan_table("table2", Benchmarks(h36m=gt, h36m_detected=det.every(2)), out_dir=tmp_path)


def test_run_plan_api(tmp_path, rng):
    from abspose.model import TrainConfig

    frames = _h36m_frames(tmp_path, rng, subjects=("S1", "S11"), frames=20)
    plan = plan_table("table1", Benchmarks(h36m=frames), width=8, out_dir=tmp_path)
    assert len(plan.unique) == 4
    seen = []
    result = run_plan(plan, TrainConfig(epochs=1, batch_size=32), out_dir=tmp_path, on_run=seen.append)
    assert [t.setting for t in seen] == list(result.rows) == list(PAPER["table1"])


def test_estimate_counts_the_cpu_draw_of_every_epoch(tmp_path, rng, monkeypatch):
    """Flips and 2D errors are drawn on the CPU each epoch whatever the device: a slow draw
    must show in the estimate even when the steps are fast."""
    import time

    import abspose.model.feed as feed
    from abspose.model import LifterConfig, TrainConfig
    from abspose.reproduce import estimate_seconds

    frames = _h36m_frames(tmp_path, rng, subjects=("S1",), frames=20)
    real = feed.frames_epoch

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(feed, "frames_epoch", slow)
    tc = TrainConfig(epochs=2, batch_size=16)
    # the probe's draw is all of these 80 frames: 0.5 s per epoch at least, whatever the steps
    assert estimate_seconds(frames, LifterConfig(width=8), tc, steps=6) >= 2 * 0.5


def test_estimate_ignores_a_stall_of_the_probe(tmp_path, rng, monkeypatch):
    """One probe step held up (another process, a page fault storm) must not count once per
    training sample: the estimate uses the median step. A fake clock makes it exact: every
    reading advances 1 ms, the 8th step's reading 3 s more."""
    import types

    import abspose.reproduce.run as tables
    from abspose.model import LifterConfig, TrainConfig
    from abspose.reproduce import estimate_seconds

    frames = _h36m_frames(tmp_path, rng, subjects=("S1",), frames=20)
    readings = []

    def clock() -> float:
        readings.append(1)
        return 0.001 * len(readings) + (3.0 if len(readings) >= 8 else 0.0)

    monkeypatch.setattr(tables, "time", types.SimpleNamespace(perf_counter=clock))
    tc = TrainConfig(epochs=1, batch_size=16)
    estimate = estimate_seconds(frames, LifterConfig(width=8), tc)
    # median: 1 ms per step of 16 samples, 1 ms for the draw of all the frames; a mean over the
    # steps would have counted the 3 s stall 1/20 per step: about 1.5 s here
    assert estimate == pytest.approx(0.001 / 16 * len(frames) + 0.001)
    assert len(readings) == 24 + 2  # 24 steps, then the draw's two readings


@pytest.mark.slow
def test_estimate_is_close_to_a_timed_run(tmp_path, rng):
    """The estimate against a timed run of the same training (loose: the machine may be shared)."""
    import time

    from abspose.model import LifterConfig, TrainConfig
    from abspose.model.train import train_lifter
    from abspose.reproduce import estimate_seconds

    frames = _h36m_frames(tmp_path, rng, subjects=("S1", "S5"), frames=800)  # 6,400 samples
    tc, config = TrainConfig(epochs=3, batch_size=64, lr_drop_epoch=2), LifterConfig(width=512)
    estimate = estimate_seconds(frames, config, tc)
    t0 = time.perf_counter()
    train_lifter(frames, config, tc)
    actual = time.perf_counter() - t0
    assert actual / 3 < estimate < 3 * actual, (estimate, actual)


def test_markdown_layout(tmp_path):
    metrics = ("mpjpe", "pa_mpjpe", "mrpe", "root_x", "root_y", "root_z", "pck3d", "auc")
    result = TableResult("table1", {"+ scale": dict.fromkeys(metrics, 1.5)}, ("a note",))
    md, _ = write_table(result, tmp_path)
    lines = md.read_text().splitlines()
    assert lines[2] == "| setting | mpjpe ours | paper | pa_mpjpe ours | paper | mrpe ours | paper |"
    assert lines[4] == "| + scale | 1.50 | 44.29 | 1.50 | 28.90 | 1.50 | 113.38 |"


def test_missing_values_are_dashes_and_null(tmp_path):
    result = TableResult(
        "table5", {"trained on H36M": {"pck3d": float("nan"), "mrpe": 400.0}}, (), ("pck3d", "mrpe")
    )
    md, js = write_table(result, tmp_path)
    assert "| trained on H36M | - | 76.50 | 400.00 | 421.30 |" in md.read_text()
    assert json.loads(js.read_text())["rows"]["trained on H36M"]["pck3d"] is None


@pytest.mark.parametrize("load, busy", [(0.1, False), (64.0, True)])
def test_estimate_warns_when_the_machine_is_busy(tmp_path, rng, monkeypatch, load, busy):
    """Other processes on the cores slow training's threads far more than a probe can see."""
    import os

    _fake_tree(tmp_path, rng, subjects=("S1", "S9", "S11"), frames=40)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    argv = ["reproduce", "table1", "--h36m", str(tmp_path / "data_3d_h36m.npz"), "--trust-pickle",
            "--out-dir", str(tmp_path / "out"), *TINY, "--estimate-only"]  # fmt: skip
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert ("the machine is busy" in result.output) == busy


def test_each_variant_builds_its_config_explicitly():
    """Table 1's rows differ in exactly the inputs they name; Table 5's direct variant only in
    its depth target (no setting decoded from a string)."""
    from abspose.reproduce.tables import BASELINE, DIRECT_DEPTH, LOCATION, LOCATION_SCALE, SCALE

    inputs = {
        v.slug: (v.config(64).use_location, v.config(64).use_scale) for v in (BASELINE, LOCATION, SCALE)
    }
    assert inputs == {"base": (False, False), "loc": (True, False), "scale": (False, True)}
    ls, direct = LOCATION_SCALE.config(64), DIRECT_DEPTH.config(64)
    assert (ls.use_location, ls.use_scale, ls.depth_target) == (True, True, "canonical")
    assert direct.depth_target == "direct" and (direct.use_location, direct.use_scale) == (True, True)
    assert ls.width == 64


def test_estimate_plans_counts_each_shared_training_once(tmp_path, rng, monkeypatch):
    """Two plans holding the same trainings: each checkpoint once, its rows listed once, and
    its time the probe's per-sample cost times its frames and epochs."""
    import abspose.reproduce.run as run
    from abspose.model import TrainConfig
    from abspose.reproduce import Benchmarks, estimate_plans, plan_table

    frames = _h36m_frames(tmp_path, rng, subjects=("S1", "S9"), frames=10)
    plan = plan_table("table1", Benchmarks(h36m=frames), width=8, out_dir=tmp_path)
    probed = []

    def fake(train, config, tc, steps=24, device="cpu"):
        probed.append(tc.epochs)
        return 0.5 * len(train) * tc.epochs  # 0.5 s per sample and epoch

    monkeypatch.setattr(run, "estimate_seconds", fake)
    est = estimate_plans([plan, plan], TrainConfig(epochs=3, batch_size=16))
    assert len(est.trainings) == 4 and probed == [1]  # one probe, of one epoch
    assert all(len(rows) == 1 for rows in est.settings.values())
    for slug, t in est.trainings.items():
        assert est.seconds[slug] == pytest.approx(0.5 * len(t.train) * 3)
    assert est.total_seconds == pytest.approx(sum(est.seconds.values()))
