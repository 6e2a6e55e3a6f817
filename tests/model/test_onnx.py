"""The lifter exported to ONNX: same numbers as torch, any batch, usable wherever a model is."""

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

from typer.testing import CliRunner

from abspose import lift
from abspose.cli import app
from abspose.errors import AbsPoseError, DataError
from abspose.geometry import PinholeCameras
from abspose.lifters import default_lifter
from abspose.model import AbsPoseLifter, LifterConfig, predict
from abspose.model.onnx import OnnxLifter, compare_accuracy, compare_onnx, export_onnx


@pytest.fixture(scope="module")
def shipped_onnx(tmp_path_factory):
    return export_onnx(default_lifter(), tmp_path_factory.mktemp("onnx") / "lifter.onnx")


def test_onnx_matches_torch_on_random_inputs(shipped_onnx):
    diff = compare_onnx(default_lifter(), OnnxLifter(shipped_onnx), count=500, seed=3)
    assert diff["max_abs_mm"] < 0.5 and diff["max_rel_depth"] < 1e-5  # float32 at metres
    assert diff["max_abs_halfwidth"] < 1e-4  # the depth intervals too (the shipped model has the head)


@pytest.mark.parametrize("batch", [1, 37])
def test_any_batch_size_and_the_root_equations(shipped_onnx, batch):
    rng = np.random.default_rng(batch)
    kp = rng.uniform(300, 700, (batch, 17, 2))
    c, f = rng.uniform(400, 600, (batch, 2)), rng.uniform(800, 1500, batch)
    got = OnnxLifter(shipped_onnx).predict(kp, PinholeCameras.create(f, c))
    ref = predict(default_lifter(), kp, c, f)
    assert got.joints_cam_mm.shape == (batch, 17, 3)
    assert np.allclose(got.root_cam_mm, ref.root_cam_mm, atol=0.5)
    # Eq. 5-6 inside the graph: the root projects back onto the pelvis keypoint
    uv = got.root_cam_mm[:, :2] / got.root_cam_mm[:, 2:] * f[:, None] + c
    assert np.allclose(uv, kp[:, 0], atol=1e-3)


def test_lift_takes_an_onnx_file(shipped_onnx, rng):
    kp = rng.uniform(300, 700, (5, 17, 2))
    a = lift(kp, focal_px=1000.0, image_size=(960, 720))
    b = lift(kp, focal_px=1000.0, image_size=(960, 720), model=shipped_onnx)
    assert np.abs(a.joints_cam_mm - b.joints_cam_mm).max() < 0.5
    assert np.allclose(a.canonical_depth, b.canonical_depth, rtol=1e-5)
    flip_a = lift(kp, focal_px=1000.0, image_size=(960, 720), flip_test=True)
    flip_b = lift(kp, focal_px=1000.0, image_size=(960, 720), model=shipped_onnx, flip_test=True)
    assert np.abs(flip_a.joints_cam_mm - flip_b.joints_cam_mm).max() < 0.5
    assert np.abs(flip_a.joints_cam_mm - a.joints_cam_mm).max() > 1.0  # the mirrored half counts


def test_direct_depth_models_export_too(tmp_path):
    model = AbsPoseLifter(LifterConfig(width=32, depth_target="direct")).eval()
    path = export_onnx(model, tmp_path / "direct.onnx")
    assert not model.training  # the export leaves the model as it found it
    diff = compare_onnx(model, OnnxLifter(path), count=100)
    assert diff["max_abs_mm"] < 0.5 and diff["max_rel_depth"] < 1e-4


def test_bad_onnx_inputs_are_refused(tmp_path):
    with pytest.raises(DataError, match="no such ONNX"):
        OnnxLifter(tmp_path / "missing.onnx")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    with pytest.raises(DataError, match="not a readable ONNX"):
        OnnxLifter(junk)
    with pytest.raises(DataError, match="not a readable ONNX"):
        lift(np.full((17, 2), 300.0) + np.arange(34).reshape(17, 2), focal_px=1000.0,
             image_size=(640, 480), model=junk)  # fmt: skip


def test_export_command(tmp_path):
    out = tmp_path / "l.onnx"
    result = CliRunner().invoke(app, ["export-onnx", "--out", str(out), "--check", "200"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "joints differ by at most" in result.output
    wrong = CliRunner().invoke(app, ["export-onnx", "--out", str(tmp_path / "l.pt")])
    assert isinstance(wrong.exception, AbsPoseError)


def test_int8_export_keeps_accuracy_within_a_millimetre(shipped_onnx, tmp_path):
    import onnx

    path = export_onnx(default_lifter(), tmp_path / "int8.onnx", int8=True)
    ops = [n.op_type for n in onnx.load(str(path)).graph.node]
    assert ops.count("MatMulInteger") == 4  # the two residual blocks' four layers; stem and head float
    assert path.stat().st_size < 0.4 * shipped_onnx.stat().st_size
    acc = compare_accuracy(default_lifter(), OnnxLifter(path), repeat=10)
    assert abs(acc["onnx_mpjpe"] - acc["torch_mpjpe"]) <= 1.0
    assert abs(acc["onnx_mrpe"] - acc["torch_mrpe"]) <= 1.0
    fp32 = compare_accuracy(default_lifter(), OnnxLifter(shipped_onnx), repeat=10)
    assert abs(fp32["onnx_mpjpe"] - fp32["torch_mpjpe"]) < 0.01  # float32: the same numbers


def test_export_command_int8(tmp_path):
    out = tmp_path / "q.onnx"
    result = CliRunner().invoke(app, ["export-onnx", "--out", str(out), "--check", "0", "--int8"])
    assert result.exit_code == 0, result.output
    assert "torch -> int8: MPJPE" in result.output


def test_torch_and_onnx_run_the_same_equations(tmp_path, monkeypatch, rng):
    """Eq. 1-4 and 5-6 live in abspose.geometry.equations only: a change made there (Eq. 6
    doubled, the location input halved) reaches torch's predict and the exported graph alike."""
    from abspose.geometry import equations as eq

    model = AbsPoseLifter(LifterConfig(width=32)).eval()
    kp = rng.uniform(300, 700, (6, 17, 2))
    c, f = rng.uniform(400, 600, (6, 2)), rng.uniform(800, 1500, 6)
    before_torch = predict(model, kp, c, f)
    before_onnx = OnnxLifter(export_onnx(model, tmp_path / "before.onnx")).predict(
        kp, PinholeCameras.create(f, c)
    )
    depth, normalization = eq.root_depth, eq.normalization
    monkeypatch.setattr(eq, "root_depth", lambda zc, focal: 2.0 * depth(zc, focal))
    monkeypatch.setattr(eq, "normalization", lambda *a: (lambda p, m, s: (p, 0.5 * m, s))(*normalization(*a)))
    after_torch = predict(model, kp, c, f)
    after_onnx = OnnxLifter(export_onnx(model, tmp_path / "after.onnx")).predict(
        kp, PinholeCameras.create(f, c)
    )
    for before, after in ((before_torch, after_torch), (before_onnx, after_onnx)):
        assert not np.allclose(after.canonical_depth, before.canonical_depth, rtol=1e-3)  # m changed
        assert np.allclose(after.root_cam_mm[:, 2], 2.0 * f * after.canonical_depth, rtol=1e-5)
    assert np.allclose(after_onnx.root_cam_mm, after_torch.root_cam_mm, rtol=1e-4)
