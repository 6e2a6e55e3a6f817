"""A dry run of `abspose reproduce` on a Human3.6M stand-in made of CMU motion capture.

Human3.6M is licensed and absent here, so this writes CMU's real motions in VideoPose3D's
exact file format, seen by Human3.6M's 4 real cameras, and runs the table commands on it:

* ``data_3d_h36m.npz``: each CMU subject group becomes a Human3.6M subject (test: S9, S11),
  each clip an action named by its rig ("daz 02_01"), world metres with z up, every clip
  centred on the capture area's floor;
* ``data_2d_h36m_synthetic.npz``: the true 2D plus errors drawn from the shipped MediaPipe
  error model (a stand-in for a detector);
* an MPI-INF-3DHP stand-in for Table 5: the test subjects (CMU 5, 6) as ``TS1/annot_data.mat``
  ... ``TS6`` (MATLAB v5, 3DHP's joint order, one fixed camera per sequence, f = 1500 px) and
  the training subjects as MMPose's ``mpi_inf_3dhp_train.npz`` with a cameras ``.json``.

The numbers are **not** the paper's benchmark: other people, other motions, synthetic 2D
errors. They check that the whole path runs at scale and that the tables move the way the
paper's do (e.g. location and scale cut the root error). docs/reproduce.md lists one run.

Usage: ``python benchmarks/reproduce_cmu.py OUT_DIR [abspose reproduce options...]``, e.g.
``python benchmarks/reproduce_cmu.py /tmp/rep all --width 512 --epochs 8 --lr-drop-epoch 6``.
The CMU data come from ``$ABSPOSE_DATA`` (default ``../shared/data``), converted at 30 fps.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

#: CMU subject -> Human3.6M subject name (train S1, S5-S8; S9 and S11 are the test subjects).
SUBJECTS = {1: "S1", 2: "S1", 3: "S1", 8: "S5", 9: "S5", 10: "S5", 12: "S6", 13: "S6",
            14: "S7", 16: "S7", 7: "S8", 5: "S9", 6: "S11"}  # fmt: skip


def _data_root() -> Path:
    return Path(os.environ.get("ABSPOSE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def write_standin(out: Path) -> tuple[Path, Path]:
    from abspose.data.benchmarks.h36m import h36m_cameras, world_to_camera
    from abspose.geometry import Intrinsics, project
    from abspose.geometry.normalize import pose_scale
    from abspose.noise import load_error_model

    dataset = _cmu()
    errors = load_error_model("mediapipe-mixture")
    rng = np.random.default_rng(0)
    positions: dict[str, dict[str, np.ndarray]] = {}
    detections: dict[str, dict[str, list[np.ndarray]]] = {}
    inside, total = 0, 0
    for clip, name in enumerate(dataset.clip_names.tolist()):
        rows = np.flatnonzero(dataset.clip_index == clip)
        subject = SUBJECTS[int(dataset.subjects[rows[0]])]
        world = dataset.joints_world_mm[rows].astype(np.float64)  # (T, 17, 3) y up, mm
        world[..., 1] -= dataset.floor_y_mm[rows, None]
        world[..., [0, 2]] -= world[:, 0, [0, 2]].mean(0)  # the clip's mean root over the centre
        h36m = np.stack([world[..., 0], -world[..., 2], world[..., 1]], -1)  # z up (x, -z, y)
        action = name.replace("/", " ")
        positions.setdefault(subject, {})[action] = (h36m / 1000.0).astype(np.float32)
        views = []
        for index, intr in enumerate(h36m_cameras()["intrinsics"]):
            cam = world_to_camera(h36m, subject, index)
            kp = project(cam, Intrinsics(*intr["focal_length"], *intr["center"]))
            ok = (kp >= 0).all(-1) & (kp < [intr["res_w"], intr["res_h"]]).all(-1)
            inside, total = inside + int(ok.sum()), total + ok.size
            views.append(kp + errors.sample_px(pose_scale(kp), rng))
        detections.setdefault(subject, {})[action] = views
    out.mkdir(parents=True, exist_ok=True)
    path3d, path2d = out / "data_3d_h36m.npz", out / "data_2d_h36m_synthetic.npz"
    np.savez(path3d, positions_3d=positions)  # type: ignore[arg-type]
    np.savez(path2d, positions_2d=detections, metadata={"layout_name": "h36m"})  # type: ignore[arg-type]
    frames = {s: sum(len(a) for a in acts.values()) for s, acts in positions.items()}
    print(f"wrote {path3d} and {path2d}: frames per subject {frames}")
    print(f"{100 * inside / total:.1f}% of the true joints project inside the images")
    return path3d, path2d


def _cmu() -> Any:
    from abspose.data import convert_cmu

    return convert_cmu(_data_root() / "cmu-bvh", fps=30.0)[0]


def _views(joints_world_mm: Any, floor_y_mm: Any, size: tuple[int, int], seed: int) -> Any:
    """One fixed pinhole (f = 1500 px, centred), a random pose of it per frame, 2.5-6 m away."""
    from abspose.data import VirtualCameraConfig, sample_views

    config = VirtualCameraConfig(focal_px=(1500.0, 1500.0), image_sizes=(size,), principal_std=0.0,
                                 distance_mm=(2500.0, 6000.0))  # fmt: skip
    return sample_views(joints_world_mm, floor_y_mm, np.random.default_rng(seed), config, augment=False)


def write_3dhp_standin(out: Path) -> tuple[Path, Path, Path]:
    import scipy.io

    from abspose.data.benchmarks.mmpose import MPI_INF_3DHP17, write_cameras_json
    from abspose.skeletons import H36M17

    rename = {"neck": "thorax", "head": "nose"}  # 3DHP joint -> the same point's H36M-17 name
    order = [H36M17.index(rename.get(name, name)) for name in MPI_INF_3DHP17.joint_names]
    dataset = _cmu()
    test = np.isin(dataset.subjects, [5, 6])
    rows = np.flatnonzero(test)
    for k, chunk in enumerate(np.array_split(rows, 6)):
        size = (1920, 1080) if k >= 4 else (2048, 2048)  # TS5-6 are the outdoor camera's
        v = _views(dataset.joints_world_mm[chunk], dataset.floor_y_mm[chunk], size, seed=k)
        n = len(chunk)
        uv, xyz = v.keypoints_px[:, None][..., order, :], v.joints_cam_mm[:, None][..., order, :]
        arrays = {"annot2": uv, "annot3": xyz, "univ_annot3": xyz, "valid_frame": np.ones((n, 1)),
                  "activity_annotation": np.ones((n, 1))}  # fmt: skip
        (out / "3dhp" / f"TS{k + 1}").mkdir(parents=True, exist_ok=True)
        scipy.io.savemat(
            out / "3dhp" / f"TS{k + 1}" / "annot_data.mat", {a: np.transpose(b) for a, b in arrays.items()}
        )
    train = np.flatnonzero(~test)
    v = _views(dataset.joints_world_mm[train], dataset.floor_y_mm[train], (2048, 2048), seed=10)
    subjects = dataset.subjects[train]
    frame = np.zeros(len(train), dtype=int)
    for s in np.unique(subjects):
        frame[subjects == s] = np.arange(int((subjects == s).sum()))
    names = np.array([f"S{s}_Seq1_Cam0_{i + 1:06d}.jpg" for s, i in zip(subjects, frame, strict=True)])
    ones = np.ones((len(train), 17, 1))
    npz = out / "mpi_inf_3dhp_train.npz"
    np.savez(npz, imgname=names, center=np.zeros((len(train), 2)), scale=np.ones(len(train)),
             part=np.concatenate([v.keypoints_px[:, order], ones], -1),
             S=np.concatenate([v.joints_cam_mm[:, order] / 1000.0, ones], -1))  # fmt: skip
    cams = {f"S{s}_Seq1_Cam0": {"f": [[1500.0], [1500.0]], "c": [[1024.0], [1024.0]], "w": 2048, "h": 2048}
            for s in np.unique(subjects)}  # fmt: skip
    cameras = write_cameras_json(cams, out / "cameras_train.json", source="benchmarks/reproduce_cmu.py")
    print(f"wrote {out / '3dhp'} (TS1-TS6, {len(rows)} frames) and {npz} ({len(train)} frames)")
    return out / "3dhp", npz, cameras


def main(out: str, *options: str) -> None:
    from abspose.cli import main as cli

    path3d, path2d = write_standin(Path(out))
    test, train, cameras = write_3dhp_standin(Path(out))
    sys.argv = ["abspose", "reproduce", *(options or ("all",))[:1], "--h36m", str(path3d), "--h36m-2d",
                str(path2d), "--mpi-test", str(test), "--mpi-train", str(train), "--mpi-cameras",
                str(cameras), "--trust-pickle", "--out-dir", out, *options[1:]]  # fmt: skip
    cli()


if __name__ == "__main__":
    main(*sys.argv[1:])
