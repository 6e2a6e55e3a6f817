"""Training killed at random points (SIGKILL / SIGTERM) resumes from its last atomic checkpoint
and ends with exactly the weights of an uninterrupted run."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from abspose.model import load_checkpoint

DRIVER = textwrap.dedent(
    """
    import sys
    from abspose.data import sample_dataset
    from abspose.model import LifterConfig, TrainConfig, train_lifter

    data = sample_dataset(repeat=40)  # 2,400 frames
    tc = TrainConfig(epochs=int(sys.argv[2]), batch_size=32, lr_drop_epoch=4, seed=5, threads=1)
    train_lifter(data, LifterConfig(width=64), tc, checkpoint=sys.argv[1])
    """
)
EPOCHS = 8


def _run(tmp: Path, checkpoint: Path) -> subprocess.Popen[bytes]:
    script = tmp / "driver.py"
    script.write_text(DRIVER)
    return subprocess.Popen([sys.executable, str(script), str(checkpoint), str(EPOCHS)])


def _epoch(checkpoint: Path) -> int:
    return int(load_checkpoint(checkpoint).meta["epoch"]) if checkpoint.is_file() else -1


@pytest.mark.slow
def test_killed_training_resumes_to_the_same_weights(tmp_path):
    straight = tmp_path / "straight.safetensors"
    assert _run(tmp_path, straight).wait(timeout=300) == 0
    reference = load_checkpoint(straight)

    rng = np.random.default_rng(0)
    resumed = tmp_path / "resumed.safetensors"
    kills = 0
    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGKILL):
        proc = _run(tmp_path, resumed)
        start = _epoch(resumed)
        deadline = time.monotonic() + 120
        while _epoch(resumed) <= start and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)  # wait for at least one new epoch's checkpoint
        time.sleep(rng.uniform(0.0, 0.4))  # then kill at a random point of a later epoch
        if proc.poll() is None:
            proc.send_signal(sig)
            kills += 1
        proc.wait(timeout=60)
        load_checkpoint(resumed)  # whatever moment it died, the checkpoint is whole
    assert kills >= 2, "training finished before it could be killed: make the run longer"
    assert _run(tmp_path, resumed).wait(timeout=300) == 0
    final = load_checkpoint(resumed)
    assert final.meta["epoch"] == reference.meta["epoch"] == EPOCHS - 1
    for k, v in reference.model_state.items():
        assert torch.equal(v, final.model_state[k]), k
