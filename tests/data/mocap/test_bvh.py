from pathlib import Path

import numpy as np
import pytest

from abspose import DataError
from abspose.data import read_bvh, sample_bvh_path


def _bvhio_world_positions(path: Path, frames: list[int]) -> dict[str, np.ndarray]:
    """Reference: bvhio's own (per-frame, hierarchical) forward kinematics."""
    import bvhio

    root = bvhio.readAsHierarchy(str(path))
    out: dict[str, list] = {}
    for f in frames:
        root.loadPose(f)
        for joint, _, _ in root.layout():
            w = joint.PositionWorld
            out.setdefault(joint.Name, []).append((w.x, w.y, w.z))
    return {k: np.array(v) for k, v in out.items()}


def _check_against_bvhio(path: Path, frames: list[int]) -> None:
    motion = read_bvh(path)
    ref = _bvhio_world_positions(path, frames)
    for name in motion.joint_names:
        assert np.allclose(motion.positions[frames, motion.index(name)], ref[name], atol=1e-3), name


def test_vectorized_fk_matches_bvhio_on_the_shipped_sample():
    _check_against_bvhio(sample_bvh_path(), [0, 7, 59])


@pytest.mark.parametrize("name", ["iclone/002_01.bvh", "iclone/001_01.bvh", "daz/16_01.bvh"])
def test_vectorized_fk_matches_bvhio_on_each_rig(data_root, name):
    _check_against_bvhio(data_root / "cmu-bvh" / name, [0, 50])


def test_only_needed_joints_and_their_ancestors_are_computed():
    motion = read_bvh(sample_bvh_path(), ["lHand"])
    assert motion.joint_names == ("hip", "abdomen", "chest", "lCollar", "lShldr", "lForeArm", "lHand")
    assert motion.num_frames == 61 and motion.frame_time_s == pytest.approx(1 / 30, rel=1e-5)


def test_missing_joint_and_broken_files(tmp_path):
    with pytest.raises(DataError, match="lacks joints"):
        read_bvh(sample_bvh_path(), ["CC_Base_L_Thigh"])
    broken = tmp_path / "01_01.bvh"
    broken.write_text("HIERARCHY\nROOT hip\n{\n  OFFSET 0 0\n")
    with pytest.raises(DataError, match="cannot read"):
        read_bvh(broken)
    with pytest.raises(DataError):
        read_bvh(tmp_path / "missing.bvh")


_CUTS_SCRIPT = """
import sys
from pathlib import Path
from abspose.data import read_bvh, sample_bvh_path
from abspose.errors import DataError

text = sample_bvh_path().read_text()
motion_at = text.index("MOTION")
out = Path(sys.argv[1])
cuts = [0, 1, 9, 20] + list(range(50, motion_at + 40, 97)) + [motion_at + 25]
for cut in cuts:
    out.write_text(text[:cut])
    try:
        read_bvh(out)
    except DataError as exc:
        assert "cannot read as BVH" in str(exc) or "no motion frames" in str(exc), exc
    else:
        raise SystemExit(f"a file cut at {cut} chars was read")
print(len(cuts))
"""


def test_empty_and_cut_short_files_are_refused_without_hanging(tmp_path):
    """bvhio loops forever at the end of a file cut short: read_bvh must refuse first."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _CUTS_SCRIPT, str(tmp_path / "02_03.bvh")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) > 10


def test_empty_file_message(tmp_path):
    empty = tmp_path / "02_03.bvh"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match=r"02_03\.bvh: cannot read as BVH \(the file is empty\)"):
        read_bvh(empty)
