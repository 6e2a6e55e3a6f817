import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from abspose import AbsPoseError, DataError
from abspose._safetensors import quantize_int8
from abspose.model import (
    AbsPoseLifter,
    Checkpoint,
    LifterConfig,
    TrainConfig,
    load_checkpoint,
    load_lifter,
    save_checkpoint,
    train_lifter,
)


def _inputs():
    g = torch.Generator().manual_seed(0)
    return torch.randn(8, 17, 2, generator=g) * 80 + 500, torch.full((8, 2), 480.0)


def test_round_trip_is_bit_exact(tmp_path):
    cfg = LifterConfig(width=64)
    model = AbsPoseLifter(cfg).eval()
    path = save_checkpoint(
        tmp_path / "m.safetensors", Checkpoint(cfg, model.state_dict(), meta={"note": "x"})
    )
    loaded = load_lifter(path)
    for k, v in model.state_dict().items():
        assert torch.equal(v, loaded.state_dict()[k]), k
    kp, c = _inputs()
    assert torch.equal(model(kp, c).joints_rel_mm, loaded(kp, c).joints_rel_mm)
    assert load_checkpoint(path).meta == {"note": "x"}
    half = load_lifter(
        save_checkpoint(tmp_path / "h.safetensors", Checkpoint(cfg, model.state_dict()), half=True)
    )
    assert torch.allclose(model(kp, c).depth, half(kp, c).depth, rtol=1e-2)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(1, 40),
    cols=st.integers(1, 40),
    seed=st.integers(0, 2**31 - 1),
    log_scale=st.floats(-6, 3),
)
def test_int8_rounds_each_entry_within_half_a_step_of_its_row(rows, cols, seed, log_scale):
    w = torch.randn(rows, cols, generator=torch.Generator().manual_seed(seed)) * 10**log_scale
    w[0] = 0.0  # an all-zero row must not divide by zero
    q, step = quantize_int8(w)
    assert q.dtype == torch.int8 and q.abs().max() <= 127 and step.shape == (rows, 1)
    assert torch.all((q.float() * step - w).abs() <= step / 2 * (1 + 1e-5) + 1e-30)
    assert torch.all(q.float().abs().amax(dim=1)[1:] == 127)  # every nonzero row uses the full range


def test_int8_checkpoint_stores_the_blocks_as_int8_and_lifts_as_the_float_one(tmp_path):
    cfg = LifterConfig(width=512)
    model = AbsPoseLifter(cfg).eval()
    full = save_checkpoint(tmp_path / "f.safetensors", Checkpoint(cfg, model.state_dict()), half=True)
    small = save_checkpoint(tmp_path / "q.safetensors", Checkpoint(cfg, model.state_dict()), int8=True)
    with safe_open(str(small), framework="pt") as f:
        dtypes = {k: f.get_slice(k).get_dtype() for k in f.keys()}
    block_weights = [k for k in model.state_dict() if k.startswith("blocks.") and k.endswith("weight")]
    square = [k for k in block_weights if model.state_dict()[k].ndim == 2]
    assert square and all(dtypes[f"q8.{k}"] == "I8" for k in square)
    assert dtypes["model.stem.0.weight"] == "F16"  # the input layer stays float
    assert small.stat().st_size < 0.6 * full.stat().st_size
    loaded = load_lifter(small)
    kp, c = _inputs()
    ref, got = model(kp, c), loaded(kp, c)
    assert torch.allclose(ref.depth, got.depth, rtol=2e-2)
    assert (ref.joints_rel_mm - got.joints_rel_mm).abs().max() < 0.02 * ref.joints_rel_mm.abs().max()


def test_int8_weights_without_their_steps_are_refused(tmp_path):
    cfg = LifterConfig(width=512)
    path = save_checkpoint(
        tmp_path / "q.safetensors", Checkpoint(cfg, AbsPoseLifter(cfg).state_dict()), int8=True
    )
    with safe_open(str(path), framework="pt") as f:
        header = f.metadata()
    tensors = {k: v for k, v in load_file(str(path)).items() if not k.startswith("q8scale.")}
    save_file(tensors, str(path), metadata=header)
    with pytest.raises(DataError, match="q8scale"):
        load_checkpoint(path)


def test_bad_checkpoints_are_refused(tmp_path):
    cfg = LifterConfig(width=16)
    pickled = tmp_path / "model.pt"
    torch.save(AbsPoseLifter(cfg).state_dict(), pickled)
    with pytest.raises(DataError, match="never loads pickles"):
        load_checkpoint(pickled)
    good = save_checkpoint(tmp_path / "g.safetensors", Checkpoint(cfg, AbsPoseLifter(cfg).state_dict()))
    truncated = tmp_path / "t.safetensors"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(DataError):
        load_checkpoint(truncated)
    other = LifterConfig(width=32)
    wrong = save_checkpoint(tmp_path / "w.safetensors", Checkpoint(cfg, AbsPoseLifter(other).state_dict()))
    with pytest.raises(DataError, match="do not fit"):
        load_lifter(wrong)
    with pytest.raises(DataError, match="no such"):
        load_checkpoint(tmp_path / "absent.safetensors")


def _train(data, path, epochs, resume=True):
    tc = TrainConfig(epochs=epochs, batch_size=16, lr_drop_epoch=1, seed=3)
    return train_lifter(data, LifterConfig(width=32), tc, checkpoint=path, resume=resume)


def test_resume_gives_the_same_result_as_an_uninterrupted_run(tiny_dataset, tmp_path):
    straight, hist_a = _train(tiny_dataset, tmp_path / "a.safetensors", 3)
    _train(tiny_dataset, tmp_path / "b.safetensors", 1)  # "interrupted" after epoch 0
    resumed, hist_b = _train(tiny_dataset, tmp_path / "b.safetensors", 3)  # resumes at epoch 1
    for k, v in straight.state_dict().items():
        assert torch.equal(v, resumed.state_dict()[k]), k
    assert [h.loss for h in hist_a] == [h.loss for h in hist_b]
    with pytest.raises(AbsPoseError, match="other settings"):
        train_lifter(
            tiny_dataset,
            LifterConfig(width=64),
            TrainConfig(epochs=3, batch_size=16, lr_drop_epoch=1, seed=3),
            checkpoint=tmp_path / "b.safetensors",
        )
    assert np.isfinite([h.loss for h in hist_a]).all()


def test_device_cpu_is_the_default_path_bit_for_bit(tiny_dataset, tmp_path):
    default, _ = _train(tiny_dataset, None, 1)
    tc = TrainConfig(epochs=1, batch_size=16, lr_drop_epoch=1, seed=3)
    auto, _ = train_lifter(tiny_dataset, LifterConfig(width=32), tc, device="cpu")
    for k, v in default.state_dict().items():
        assert torch.equal(v, auto.state_dict()[k]), k


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_train_on_gpu_resume_on_cpu(tiny_dataset, tmp_path):
    path = tmp_path / "gpu.safetensors"
    tc = TrainConfig(epochs=1, batch_size=16, lr_drop_epoch=1, seed=3)
    gpu, _ = train_lifter(tiny_dataset, LifterConfig(width=32), tc, checkpoint=path, device="cuda")
    assert next(gpu.parameters()).is_cuda
    cpu, hist = train_lifter(
        tiny_dataset, LifterConfig(width=32), TrainConfig(epochs=2, batch_size=16, lr_drop_epoch=1, seed=3),
        checkpoint=path, device="cpu",
    )  # fmt: skip
    assert len(hist) == 2 and np.isfinite([h.loss for h in hist]).all()
    assert not next(cpu.parameters()).is_cuda
