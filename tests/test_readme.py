"""The README's command-line examples run here (its Python examples run as doctests)."""

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from abspose.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = [line[2:] for line in README.read_text().splitlines() if line.startswith("$ abspose ")]


def test_readme_has_exactly_two_setup_commands():
    block = re.search(r"## Set up.*?```bash\n(.*?)```", README.read_text(), re.S)
    assert block is not None
    assert [line.split("#")[0].strip() for line in block.group(1).strip().splitlines()] == [
        "make demo",
        "make test",
    ]


def test_readme_commands_run_in_order(tmp_path, monkeypatch, request):
    assert COMMANDS, "README lists no abspose commands"
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for command in COMMANDS:
        local = ("src/", "tests/")
        argv = [str(README.parent / a) if a.startswith(local) else a for a in shlex.split(command)[1:]]
        if argv[0] in ("image", "video"):
            request.getfixturevalue("mediapipe_task")  # skips when MediaPipe's model is not built
        if any("../shared/data" in a for a in argv):
            root = request.getfixturevalue("data_root")  # skips when the data is absent
            argv = [a.replace("../shared/data", str(root)) for a in argv]
        result = runner.invoke(app, argv)
        assert result.exit_code == 0, f"{command}\n{result.output}"
    assert (tmp_path / "demo_out" / "demo_3d.png").is_file() and (tmp_path / "lifted.json").is_file()
