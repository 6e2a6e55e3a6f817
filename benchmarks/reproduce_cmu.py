"""A dry run of `abspose reproduce` on a Human3.6M stand-in made of CMU motion capture.

Human3.6M is licensed and absent here, so this writes CMU's real motions in VideoPose3D's
exact file format, seen by Human3.6M's 4 real cameras, and runs the table commands on it:

* ``data_3d_h36m.npz``: each CMU subject group becomes a Human3.6M subject (test: S9, S11),
  each clip an action named by its rig ("daz 02_01"), world metres with z up, every clip
  centred on the capture area's floor;
* ``data_2d_h36m_synthetic.npz``: the true 2D plus errors drawn from the shipped MediaPipe
  error model (a stand-in for a detector).

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

import numpy as np

#: CMU subject -> Human3.6M subject name (train S1, S5-S8; S9 and S11 are the test subjects).
SUBJECTS = {1: "S1", 2: "S1", 3: "S1", 8: "S5", 9: "S5", 10: "S5", 12: "S6", 13: "S6",
            14: "S7", 16: "S7", 7: "S8", 5: "S9", 6: "S11"}  # fmt: skip


def write_standin(out: Path) -> tuple[Path, Path]:
    from abspose.data import convert_cmu
    from abspose.data.h36m import h36m_cameras, world_to_camera
    from abspose.geometry import Intrinsics, project
    from abspose.geometry.normalize import pose_scale
    from abspose.noise import load_error_model

    data_root = Path(os.environ.get("ABSPOSE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    dataset, _ = convert_cmu(data_root / "cmu-bvh", fps=30.0)
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


def main(out: str, *options: str) -> None:
    from abspose.cli import main as cli

    path3d, path2d = write_standin(Path(out))
    sys.argv = ["abspose", "reproduce", *(options or ("all",))[:1], "--h36m", str(path3d), "--h36m-2d",
                str(path2d), "--trust-pickle", "--out-dir", out, *options[1:]]  # fmt: skip
    cli()


if __name__ == "__main__":
    main(*sys.argv[1:])
