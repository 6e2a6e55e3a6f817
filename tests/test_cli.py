import subprocess
import sys

from typer.testing import CliRunner

from abspose.cli import app

runner = CliRunner()


def test_demo_converts_the_sample_and_writes_plots(tmp_path):
    result = runner.invoke(app, ["demo", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "60 frames at 30 fps" in result.output and "from the camera" in result.output
    for name in ("sample_3d.png", "sample_view.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
