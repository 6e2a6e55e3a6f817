"""BVH and TRC exports read back (BVH by bvhio, TRC by a small independent parser)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abspose.errors import AbsPoseError
from abspose.io.animation import (
    REST_DIRECTIONS,
    Track,
    TrackRecorder,
    bvh_motion,
    camera_to_y_up,
    export_tracks,
    write_bvh,
    write_trc,
)
from abspose.skeletons import H36M17


@pytest.fixture
def walk_track(walk_cam_mm: np.ndarray) -> Track:
    """The shipped walk 5 m in front of the camera, unseen in frames 20-25."""
    frames = np.arange(len(walk_cam_mm))
    seen = frames[(frames < 20) | (frames > 25)]
    return Track(3, seen + 100, walk_cam_mm[seen] + np.array([300.0, 100.0, 5000.0]))


def bvhio_joints_cam_mm(path: Path, frames: range, mm_per_unit: float) -> np.ndarray:
    """(F, 17, 3) world joint positions by bvhio's own forward kinematics, back in camera mm."""
    import bvhio

    root = bvhio.readAsHierarchy(str(path))
    out = []
    for f in frames:
        root.loadPose(f)
        world = {j.Name: j.PositionWorld.to_tuple() for j, _, _ in root.layout()}
        out.append([world[n] for n in H36M17.joint_names])
    return camera_to_y_up(np.asarray(out) * mm_per_unit)


def _parse_trc(path: Path) -> tuple[dict[str, str], list[str], np.ndarray, np.ndarray]:
    """A minimal TRC reader: header fields, marker names, frame numbers, (N, M, 3) (NaN blank)."""
    lines = path.read_text().splitlines()
    header = dict(zip(lines[1].split("\t"), lines[2].split("\t"), strict=True))
    names = [n for n in lines[3].split("\t")[2:] if n]
    rows = [line.split("\t") for line in lines[6:] if line]
    frames = np.array([int(r[0]) for r in rows])
    values = np.array([[float(v) if v else np.nan for v in r[2:]] for r in rows])
    return header, names, frames, values.reshape(len(rows), len(names), 3)


def _t_pose(bone_mm: float = 300.0) -> np.ndarray:
    """(17, 3) the rest skeleton: every bone ``bone_mm`` long along its rest direction."""
    rest = np.zeros((17, 3))
    for j in H36M17.topological_order:
        p = H36M17.parent_indices[j]
        if p >= 0:
            rest[j] = rest[p] + bone_mm * np.asarray(REST_DIRECTIONS[H36M17.joint_names[j]])
    return rest


def _forward_kinematics(data) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """(N, 17, 3, 3) world rotations and (N, 17, 3) positions from the BVH channels."""
    world_rot = np.zeros_like(data.local_rotations)
    world_pos = np.zeros_like(data.local_positions)
    for j in H36M17.topological_order:
        p = H36M17.parent_indices[j]
        if p < 0:
            world_rot[:, j], world_pos[:, j] = data.local_rotations[:, j], data.local_positions[:, j]
        else:
            world_rot[:, j] = world_rot[:, p] @ data.local_rotations[:, j]
            step = np.einsum("nij,nj->ni", world_rot[:, p], data.local_positions[:, j])
            world_pos[:, j] = world_pos[:, p] + step
    return world_rot, world_pos


@pytest.mark.parametrize(("unit", "mm_per_unit"), [("m", 1000.0), ("cm", 10.0), ("mm", 1.0)])
def test_bvh_reads_back_with_bvhio_to_a_tenth_of_a_millimetre(tmp_path, walk_track, unit, mm_per_unit):
    path = write_bvh(tmp_path / "walk.bvh", walk_track, fps=30.0, unit=unit)
    frames, dense, seen = walk_track.dense()
    back = bvhio_joints_cam_mm(path, range(len(frames)), mm_per_unit)  # (N, 17, 3)
    assert back.shape == dense.shape == (60, 17, 3)
    assert np.abs(back[seen] - walk_track.joints_cam_mm).max() < 0.1
    assert np.abs(back - dense).max() < 0.1  # the gap holds the interpolation
    gap = dense[~seen]
    lo, hi = walk_track.joints_cam_mm[19], walk_track.joints_cam_mm[20]  # frames 19 and 26
    assert np.allclose(gap[0], lo + (hi - lo) / 7.0)
    import bvhio

    header = bvhio.readAsBvh(str(path), loadKeyFrames=False)
    assert header.FrameTime == pytest.approx(1 / 30.0, rel=1e-6) and header.FrameCount == 60


def test_bvh_rotations_turn_each_rest_bone_onto_the_lifted_bone(walk_track):
    joints = camera_to_y_up(walk_track.joints_cam_mm)  # (T, 17, 3)
    data = bvh_motion(joints)
    world, _ = _forward_kinematics(data)
    for j, p in enumerate(H36M17.parent_indices):
        if p < 0 or H36M17.joint_names[p] in ("pelvis", "thorax"):
            continue  # several children: a best fit, not exact
        bone = joints[:, j] - joints[:, p]
        turned = np.einsum("nij,j->ni", world[:, p], data.offsets[j])
        cos = np.sum(turned * bone, -1) / np.linalg.norm(turned, axis=-1) / np.linalg.norm(bone, axis=-1)
        assert cos.min() > 1 - 1e-9, H36M17.joint_names[j]
    assert np.allclose(np.linalg.det(data.local_rotations), 1.0)
    lengths = np.linalg.norm(data.offsets, axis=-1)
    assert np.allclose(lengths[H36M17.index("l_knee")], np.median(
        np.linalg.norm(joints[:, H36M17.index("l_knee")] - joints[:, H36M17.index("l_hip")], axis=-1)
    ))  # fmt: skip


def test_a_person_in_the_rest_pose_has_no_rotation():
    rest = _t_pose()
    data = bvh_motion(rest[None] + np.array([10.0, 900.0, -4000.0]))
    assert np.allclose(data.local_rotations, np.eye(3), atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), turn=st.floats(-np.pi, np.pi))
def test_bvh_channels_reproduce_any_pose_exactly(seed, turn):
    """Forward kinematics of the channels (incl. bones pointing against their rest direction)."""
    from scipy.spatial.transform import Rotation

    rng = np.random.default_rng(seed)
    joints = rng.normal(0, 300, (4, 17, 3)) @ Rotation.from_euler("y", turn).as_matrix().T
    world_rot, world_pos = _forward_kinematics(bvh_motion(joints))
    assert np.allclose(world_pos, joints, atol=1e-6)
    assert np.allclose(world_rot @ np.swapaxes(world_rot, -1, -2), np.eye(3), atol=1e-9)


def test_trc_reads_back_with_blank_unseen_frames(tmp_path, walk_track):
    path = write_trc(tmp_path / "walk.trc", walk_track, fps=25.0)
    header, names, frames, markers = _parse_trc(path)
    assert names == list(H36M17.joint_names)
    assert header["Units"] == "mm" and float(header["DataRate"]) == 25.0
    assert int(header["NumFrames"]) == len(frames) == 60 and int(header["NumMarkers"]) == 17
    assert frames[0] == 101 and frames[-1] == 160  # 1-based video frame numbers
    seen = np.isin(frames - 1, walk_track.frame_indices)
    assert np.isnan(markers[~seen]).all() and not np.isnan(markers[seen]).any()
    back = camera_to_y_up(markers[seen])
    assert np.abs(back - walk_track.joints_cam_mm).max() <= 0.005 + 1e-9  # written to 0.01 mm
    head, ankle = H36M17.index("head_top"), H36M17.index("l_ankle")
    assert (markers[seen][:, head, 1] > markers[seen][:, ankle, 1] + 1000).all()  # Y up: standing
    assert (markers[seen][:, :, 2] < -4000).all()  # in front of the camera, which looks along -Z


def test_export_tracks_names_one_file_per_person_and_skips_short_ones(tmp_path, walk_track):
    short = Track(7, np.array([4]), walk_track.joints_cam_mm[:1])
    out = export_tracks(tmp_path / "motion.bvh", [walk_track, short], fps=30.0, min_frames=2)
    assert out == [tmp_path / "motion_id3.bvh"]
    out = export_tracks(tmp_path / "motion.trc", [walk_track, short], fps=30.0)
    assert [p.name for p in out] == ["motion_id3.trc", "motion_id7.trc"] and all(p.is_file() for p in out)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["motion_id3.bvh", "motion_id3.trc", "motion_id7.trc"]


def test_bad_exports_are_refused(tmp_path, walk_track):
    with pytest.raises(AbsPoseError, match=r"\.bvh or \.trc"):
        export_tracks(tmp_path / "motion.fbx", [walk_track], fps=30.0)
    with pytest.raises(AbsPoseError, match="frame rate"):
        write_trc(tmp_path / "a.trc", walk_track, fps=0.0)
    with pytest.raises(AbsPoseError, match="unit"):
        write_bvh(tmp_path / "a.bvh", walk_track, fps=30.0, unit="inch")  # type: ignore[arg-type]
    with pytest.raises(AbsPoseError, match="increase"):
        Track(0, np.array([3, 2]), walk_track.joints_cam_mm[:2])
    with pytest.raises(AbsPoseError, match="one frame index per pose"):
        Track(0, np.array([1, 2, 3]), walk_track.joints_cam_mm[:2])
    with pytest.raises(AbsPoseError, match="finite"):
        Track(0, np.array([1]), np.full((1, 17, 3), np.nan))
    assert not list(tmp_path.iterdir())


def test_recorder_gathers_each_person_across_frames(walk_cam_mm):
    from types import SimpleNamespace

    recorder = TrackRecorder()
    for index, ids in [(0, [0]), (1, [0, 1]), (3, [1])]:
        joints = np.stack([walk_cam_mm[index] + 1000.0 * (i + 1) for i in ids])
        recorder.add(SimpleNamespace(index=index, track_ids=np.array(ids),
                                     lifted=SimpleNamespace(joints_cam_mm=joints)))  # type: ignore[arg-type]  # fmt: skip
    tracks = recorder.tracks()
    assert [t.person_id for t in tracks] == [0, 1]
    assert tracks[0].frame_indices.tolist() == [0, 1] and tracks[1].frame_indices.tolist() == [1, 3]
    assert np.allclose(tracks[1].joints_cam_mm[1], walk_cam_mm[3] + 2000.0)


def test_a_bone_pointing_against_its_rest_direction_gets_a_half_turn():
    rest = _t_pose()
    flipped = rest.copy()
    knee, ankle = H36M17.index("r_knee"), H36M17.index("r_ankle")
    flipped[ankle] = rest[knee] + np.array([0.0, 300.0, 0.0])  # shin straight up, rest is down
    rot = bvh_motion(flipped[None]).local_rotations[0, knee]
    assert np.allclose(rot @ np.array([0.0, -300.0, 0.0]), [0.0, 300.0, 0.0], atol=1e-9)
    assert np.allclose(rot @ rot.T, np.eye(3)) and np.isclose(np.linalg.det(rot), 1.0)
