"""`abspose evaluate --dataset <benchmark>` and `abspose data cameras-json` on synthetic files."""

from typer.testing import CliRunner

from abspose.cli import app
from abspose.errors import AbsPoseError
from tests.data.benchmarks.test_h36m import _fake_tree
from tests.data.benchmarks.test_mmpose import _cameras_pkl, _h36m_npz
from tests.data.benchmarks.test_mpi_inf_3dhp import _sequence, _write_v5

HEADER = ("MPJPE", "PA-MPJPE", "MRPE", "X", "Y", "Z", "3DPCK", "AUC")


def _run(*argv):
    return CliRunner().invoke(app, [str(a) for a in argv])


def _row(output, label):
    line = next(line for line in output.splitlines() if line.strip("│ ").startswith(label))
    return [cell.strip() for cell in line.strip("│ ").split("│")]


def test_mmpose_h36m_with_trusted_pickle_and_with_its_json(tmp_path, rng):
    _h36m_npz(tmp_path / "h36m_test.npz", rng)
    pkl = _cameras_pkl(tmp_path / "cameras.pkl", [("S9", "54138969"), ("S11", "60457274")])
    refused = _run("evaluate", "--dataset", "mmpose-h36m", tmp_path / "h36m_test.npz", "--cameras", pkl)
    assert isinstance(refused.exception, AbsPoseError) and "--trust-pickle" in str(refused.exception)
    result = _run("evaluate", "--dataset", "mmpose-h36m", tmp_path / "h36m_test.npz", "--cameras", pkl,
                  "--trust-pickle")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert all(h in result.output for h in HEADER) and "trusted" in result.output
    assert _row(result.output, "all")[1] == "6" and _row(result.output, "Directions")[1] == "3"
    converted = _run("data", "cameras-json", pkl, "--out", tmp_path / "cameras.json", "--trust-pickle")
    assert converted.exit_code == 0, converted.output
    again = _run("evaluate", "--dataset", "mmpose-h36m", tmp_path / "h36m_test.npz", "--cameras",
                 tmp_path / "cameras.json")  # fmt: skip
    assert again.exit_code == 0 and _row(again.output, "all") == _row(result.output, "all")
    flipped = _run("evaluate", "--dataset", "mmpose-h36m", tmp_path / "h36m_test.npz", "--cameras",
                   tmp_path / "cameras.json", "--flip-test")  # fmt: skip
    assert flipped.exit_code == 0 and "flip test" in flipped.output, flipped.output
    assert _row(flipped.output, "all")[:2] == _row(result.output, "all")[:2]  # the same 6 frames
    assert _row(flipped.output, "all") != _row(result.output, "all")  # lifted otherwise


def test_mmpose_3dhp_rows_per_scene(tmp_path, rng):
    from tests.data.benchmarks.test_mmpose import test_3dhp_joints_are_mapped_by_name

    test_3dhp_joints_are_mapped_by_name(tmp_path, rng)  # writes the npz and cameras_test.pkl
    result = _run("evaluate", "--dataset", "mmpose-3dhp", tmp_path / "mpi_inf_3dhp_test_valid.npz",
                  "--cameras", tmp_path / "cameras_test.pkl", "--trust-pickle")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _row(result.output, "GS")[1] == "2" and _row(result.output, "outdoor")[1] == "2"


def test_videopose3d_protocols_and_subsampling(tmp_path, rng):
    _fake_tree(tmp_path, rng, frames=10)
    p1 = _run("evaluate", "--dataset", "h36m", tmp_path / "data_3d_h36m.npz", "--trust-pickle")
    p2 = _run("evaluate", "--dataset", "h36m", tmp_path / "data_3d_h36m.npz", "--trust-pickle",
              "--protocol", "h36m-p2", "--every", "5", "--by", "subject",
              "--plot", tmp_path / "fig5.png")  # fmt: skip
    assert p1.exit_code == 0 and p2.exit_code == 0, p1.output + p2.output
    assert _row(p1.output, "all")[1] == str(2 * 2 * 4 * 10)  # S9 and S11, 2 actions, 4 cameras
    assert _row(p2.output, "all")[1] == str(2 * 4 * 2) and _row(p2.output, "S11")[1] == "16"
    assert (tmp_path / "fig5.png").stat().st_size > 10_000


def test_3dhp_test_folder(tmp_path, rng):
    _write_v5(tmp_path / "TS3" / "annot_data.mat", _sequence(rng)[1])
    result = _run("evaluate", "--dataset", "3dhp-test", tmp_path)
    assert isinstance(result.exception, AbsPoseError)  # TS1 is missing: the whole test set is expected
    for ts in ("TS1", "TS2", "TS4", "TS5", "TS6"):
        _write_v5(tmp_path / ts / "annot_data.mat", _sequence(rng)[1])
    result = _run("evaluate", "--dataset", "3dhp-test", tmp_path)
    assert result.exit_code == 0, result.output
    assert {_row(result.output, g)[1] for g in ("GS", "noGS", "outdoor")} == {"12"}


def test_bad_benchmark_arguments(tmp_path):
    for argv in (
        ["evaluate", "--dataset", "mmpose-h36m"],  # no file
        ["evaluate", "--dataset", "nonsense.npz"],
        ["evaluate", "--dataset", "mmpose-h36m", tmp_path / "x.npz"],  # no --cameras
        ["evaluate", "--dataset", "h36m", tmp_path / "x.npz", "--protocol", "p3"],
    ):
        result = _run(*argv)
        assert isinstance(result.exception, AbsPoseError), (argv, result.output)


def test_h36m_subjects_and_protocol_all(tmp_path, rng):
    # A file holding only training subjects: the default protocol finds nothing and says how to fix it.
    _fake_tree(tmp_path, rng, subjects=("S1", "S5"), frames=4)
    p1 = _run("evaluate", "--dataset", "h36m", tmp_path / "data_3d_h36m.npz", "--trust-pickle")
    assert isinstance(p1.exception, AbsPoseError) and "--protocol all" in str(p1.exception)
    every = _run("evaluate", "--dataset", "h36m", tmp_path / "data_3d_h36m.npz", "--trust-pickle",
                 "--protocol", "all", "--by", "subject")  # fmt: skip
    assert every.exit_code == 0, every.output
    assert _row(every.output, "all")[1] == str(2 * 2 * 4 * 4)
    assert _row(every.output, "S1")[1] == _row(every.output, "S5")[1] == str(2 * 4 * 4)
    one = _run("evaluate", "--dataset", "h36m", tmp_path / "data_3d_h36m.npz", "--trust-pickle",
               "--subjects", "S5", "--by", "subject")  # fmt: skip
    assert one.exit_code == 0 and _row(one.output, "all")[1] == str(2 * 4 * 4), one.output
    assert not any(line.strip("│ ").startswith("S1") for line in one.output.splitlines())
