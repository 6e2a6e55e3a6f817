"""`abspose reproduce table1` end to end on a fake Human3.6M tree (tiny network, one epoch)."""

import json

import numpy as np
from typer.testing import CliRunner

from abspose.cli import app
from abspose.errors import AbsPoseError
from abspose.reproduce import PAPER, TableResult, write_table
from tests.data.test_h36m import _fake_tree


def test_table1_writes_ours_beside_the_paper(tmp_path, rng):
    _fake_tree(tmp_path, rng, subjects=("S1", "S9", "S11"), frames=40)
    out = tmp_path / "out"
    argv = ["reproduce", "table1", "--h36m", str(tmp_path / "data_3d_h36m.npz"), "--trust-pickle",
            "--out-dir", str(out), "--width", "16", "--epochs", "1", "--batch-size", "32"]  # fmt: skip
    estimate = CliRunner().invoke(app, [*argv, "--estimate-only"])
    assert estimate.exit_code == 0, estimate.output
    assert "4 trainings of 320 frames" in estimate.output and not (out / "table1.md").exists()
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    md = (out / "table1.md").read_text()
    for name, paper in PAPER["table1"].items():
        assert name in md and f"{paper['mpjpe']:.2f}" in md
    rows = json.loads((out / "table1.json").read_text())["rows"]
    assert len(rows) == 4 and all(np.isfinite(r["mpjpe"]) and r["mpjpe"] > 0 for r in rows.values())
    assert len(list(out.glob("table1_*.safetensors"))) == 4  # one resumable checkpoint per setting


def test_markdown_layout(tmp_path):
    metrics = ("mpjpe", "pa_mpjpe", "mrpe", "root_x", "root_y", "root_z", "pck3d", "auc")
    result = TableResult("table1", {"+ scale": dict.fromkeys(metrics, 1.5)}, ("a note",))
    md, _ = write_table(result, tmp_path)
    lines = md.read_text().splitlines()
    assert lines[2] == "| setting | mpjpe ours | paper | pa_mpjpe ours | paper | mrpe ours | paper |"
    assert lines[4] == "| + scale | 1.50 | 44.29 | 1.50 | 28.90 | 1.50 | 113.38 |"


def test_unknown_table(tmp_path, rng):
    _fake_tree(tmp_path, rng, subjects=("S1",), frames=2)
    result = CliRunner().invoke(app, ["reproduce", "table9", "--h36m", str(tmp_path / "data_3d_h36m.npz")])
    assert isinstance(result.exception, AbsPoseError)
