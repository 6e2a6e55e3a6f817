"""TRC reading and the lab marker set's joint centres."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from abspose.data import convert_bvh, sample_bvh_path
from abspose.data.mocap.trc import opencap_joints_mm, read_trc
from abspose.errors import DataError
from abspose.skeletons import H36M17


def _write_trc(
    path: Path, names: list[str], xyz_m: np.ndarray, rate: float = 100.0, blank: tuple = ()
) -> Path:
    """A TRC file as OpenSim writes it: header, names row, X1 Y1 Z1 row, blank line, data [m]."""
    f = xyz_m.shape[0]
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate:g}\t{rate:g}\t{f}\t{len(names)}\tm\t{rate:g}\t0\t{f}",
        "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t",
        "\t\t" + "\t".join(f"X{k + 1}\tY{k + 1}\tZ{k + 1}" for k in range(len(names))),
        "",
    ]
    for i in range(f):
        cells = [f"{v:.6f}" for v in xyz_m[i].ravel()]
        for frame, marker in blank:
            if frame == i:
                cells[3 * marker : 3 * marker + 3] = ["", "", ""]
        lines.append(f"{i + 1}\t{i / rate:.3f}\t" + "\t".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def _markers_from(joints_mm: np.ndarray) -> tuple[list[str], np.ndarray]:
    """An OpenCap marker set placed around known H36M-17 joints (y up, right-handed) [mm]."""
    j = {n: joints_mm[:, H36M17.index(n)] for n in H36M17.joint_names}
    left = j["l_hip"] - j["r_hip"]
    left /= np.linalg.norm(left, axis=-1, keepdims=True)
    up = j["thorax"] - j["pelvis"]
    up /= np.linalg.norm(up, axis=-1, keepdims=True)
    fwd = np.cross(left, up)
    m: dict[str, np.ndarray] = {"R_HJC": j["r_hip"], "L_HJC": j["l_hip"]}
    m["C7"] = j["thorax"] - 30 * up - 60 * fwd
    m["R_Sternum"] = m["L_Sternum"] = j["thorax"] - 30 * up + 60 * fwd
    for side, S, sign in (("l", "L", 1.0), ("r", "R", -1.0)):
        m[f"{side}_knee"] = j[f"{side}_knee"] + sign * 60 * left
        m[f"{side}_ankle"] = j[f"{side}_ankle"] + sign * 41 * left
        m[f"{S}_Shoulder"] = j[f"{side}_shoulder"] + 45 * up + sign * 15 * left
        m[f"{S}_elbow_lat"] = j[f"{side}_elbow"] + sign * 35 * left
        m[f"{S}_elbow_med"] = j[f"{side}_elbow"] - sign * 35 * left
        m[f"{S}_wrist_radius"] = j[f"{side}_wrist"] + 25 * fwd
        m[f"{S}_wrist_ulna"] = j[f"{side}_wrist"] - 25 * fwd
    names = sorted(m)
    return names, np.stack([m[n] for n in names], axis=1)


def test_read_trc_units_blanks_and_gaps(tmp_path: Path) -> None:
    xyz = np.random.default_rng(0).normal(0, 1, (30, 2, 3))
    path = _write_trc(tmp_path / "t.trc", ["A", "B"], xyz, blank=((5, 1), (6, 1)))
    m = read_trc(path)
    assert m.marker_names == ("A", "B") and m.rate_hz == 100.0
    np.testing.assert_allclose(m.get("A"), xyz[:, 0] * 1000, atol=1e-3)  # m -> mm
    assert np.isnan(m.get("B")[5]).all() and np.isfinite(m.get("B")[7]).all()
    with pytest.raises(DataError, match="missing"):
        m.get("C")
    (tmp_path / "bad.trc").write_text("not a trc\n")
    with pytest.raises(DataError, match="not a TRC"):
        read_trc(tmp_path / "bad.trc")


def test_joint_centres_from_markers_round_trip(tmp_path: Path) -> None:
    walk = convert_bvh(sample_bvh_path()).joints_world_mm[:20]  # y up, right-handed
    names, markers = _markers_from(walk)
    out = opencap_joints_mm(read_trc(_write_trc(tmp_path / "w.trc", names, markers / 1000.0)))
    for joint in ("pelvis", "l_hip", "r_hip", "l_elbow", "r_wrist", "l_shoulder", "r_shoulder"):
        np.testing.assert_allclose(out[:, H36M17.index(joint)], walk[:, H36M17.index(joint)], atol=0.01)
    # Knees and ankles move medially along the hips' axis, which the walk's legs follow closely.
    for joint in ("l_knee", "r_ankle"):
        err = np.linalg.norm(out[:, H36M17.index(joint)] - walk[:, H36M17.index(joint)], axis=-1)
        assert err.max() < 15.0, joint


def test_short_gaps_filled_long_gaps_left(tmp_path: Path) -> None:
    walk = convert_bvh(sample_bvh_path()).joints_world_mm[:40]
    names, markers = _markers_from(walk)
    k = names.index("L_elbow_lat")
    blank = tuple((f, k) for f in range(5, 8)) + tuple((f, k) for f in range(15, 30))
    out = opencap_joints_mm(read_trc(_write_trc(tmp_path / "g.trc", names, markers / 1000.0, blank=blank)))
    elbow = out[:, H36M17.index("l_elbow")]
    assert np.isfinite(elbow[5:8]).all() and np.isnan(elbow[15:30]).all()
    np.testing.assert_allclose(elbow[6], walk[6, H36M17.index("l_elbow")], atol=20.0)


def test_lateral_knee_offset_against_medial_markers(data_root: Path) -> None:
    """On the one real trial with medial markers: the lateral-marker knee and ankle centres
    against the lateral/medial midpoints."""
    path = data_root / "mocap-extra/opencap-lab/grf/Subject4/MarkerData/static1.trc"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    m = read_trc(path)
    joints = opencap_joints_mm(m)
    for side in ("r", "L"):
        s = side.lower()
        for joint, med in (("knee", "mknee"), ("ankle", "mankle")):
            mid = (m.get(f"{side}_{joint}") + m.get(f"{side}_{med}")) / 2
            # opencap_joints_mm uses the midpoint where medial markers exist: same point.
            np.testing.assert_allclose(joints[:, H36M17.index(f"{s}_{joint}")], mid, atol=1e-6)
            lateral_only = m.get(f"{side}_{joint}")
            left = joints[:, H36M17.index("l_hip")] - joints[:, H36M17.index("r_hip")]
            left /= np.linalg.norm(left, axis=-1, keepdims=True)
            half = 60.0 if joint == "knee" else 41.0
            guess = lateral_only - (1.0 if s == "l" else -1.0) * half * left
            assert np.nanmedian(np.linalg.norm(guess - mid, axis=-1)) < 20.0
