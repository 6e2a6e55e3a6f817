"""More real people for the training set: ReActIdle (BVH) and lab marker trials (TRC).

Both live in ``$ABSPOSE_DATA/mocap-extra`` (``../shared/data/mocap-extra/README.md``). Each
person gets a subject number of its own, so splits stay by person across sources:

* ReActIdle person ``NNN``: subject ``1000 + NNN`` (rig ``reactidle``).
* Lab trials: subject ``2001``... per person of :data:`LAB_PEOPLE` (rig ``lab``). Folders that
  hold the same person share a number (``grf/Subject4`` and ``grf/OpenCapUnfiltered``;
  ``osim/LaiArnoldSubject5`` and ``osim/DetectMarkerFlip``, whose files are the same trials).

Trials whose marker set lacks what :func:`abspose.data.mocap.trc.opencap_joints_mm` needs (running
trials without sternum markers, gait trials without pelvis markers) are skipped and reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from abspose.data.mocap.cmu import Clip, floor_height_mm, header_fps, leading_tpose_frames, resample
from abspose.data.mocap.dataset import MocapDataset
from abspose.data.mocap.rigs import REACTIDLE
from abspose.data.mocap.trc import opencap_joints_mm, read_trc
from abspose.errors import DataError

__all__ = [
    "LAB_PEOPLE",
    "build_training_set",
    "concat_datasets",
    "convert_lab_trials",
    "convert_reactidle",
    "to_dataset",
]

#: Lab-trial folders (relative to ``mocap-extra/opencap-lab``) and the person they show.
LAB_PEOPLE: dict[str, int] = {
    "grf/Subject4": 2001,
    "grf/OpenCapUnfiltered": 2001,
    "osim/OpenCapTest": 2002,
    "osim/LaiArnoldSubject5": 2003,
    "osim/DetectMarkerFlip": 2003,
    "osim/LaiArnoldSubject6": 2004,
    "osim/KirstenTest": 2005,
}

_REACTIDLE_NAME = re.compile(r"^(\d{3})_(genuine|acted)$")


def to_dataset(clips: list[Clip], fps: float) -> MocapDataset:
    """Stack clips (all at ``fps``) into a :class:`MocapDataset`."""
    if not clips:
        raise DataError("no clips to make a dataset of")
    return MocapDataset(
        joints_world_mm=np.concatenate([c.joints_world_mm for c in clips]).astype(np.float32),
        clip_index=np.concatenate([np.full(len(c.joints_world_mm), i) for i, c in enumerate(clips)]).astype(
            np.int32
        ),
        frame_index=np.concatenate([np.arange(len(c.joints_world_mm)) for c in clips]).astype(np.int32),
        clip_names=np.array([c.name for c in clips]),
        clip_subjects=np.array([c.subject for c in clips], dtype=np.int32),
        clip_rigs=np.array([c.rig for c in clips]),
        clip_floor_y_mm=np.array([floor_height_mm(c.joints_world_mm) for c in clips], dtype=np.float32),
        fps=float(fps),
    )


def concat_datasets(datasets: list[MocapDataset], fps: float | None = None) -> MocapDataset:
    """One dataset of several (clip arrays appended; ``fps`` recorded as given, else the first's)."""
    if not datasets:
        raise DataError("concat_datasets: expected at least one dataset")
    offsets = np.cumsum([0] + [len(d.clip_names) for d in datasets[:-1]])
    return MocapDataset(
        joints_world_mm=np.concatenate([d.joints_world_mm for d in datasets]),
        clip_index=np.concatenate([d.clip_index + o for d, o in zip(datasets, offsets, strict=True)]).astype(
            np.int32
        ),
        frame_index=np.concatenate([d.frame_index for d in datasets]),
        clip_names=np.concatenate([d.clip_names.astype(str) for d in datasets]),
        clip_subjects=np.concatenate([d.clip_subjects for d in datasets]),
        clip_rigs=np.concatenate([d.clip_rigs.astype(str) for d in datasets]),
        clip_floor_y_mm=np.concatenate([d.clip_floor_y_mm for d in datasets]),
        fps=float(fps if fps is not None else datasets[0].fps),
    )


def convert_reactidle(
    folder: str | Path, fps: float = 3.0, progress: Callable[[int, int, str], None] | None = None
) -> tuple[MocapDataset, list[Clip]]:
    """Convert ReActIdle's ``genuine/`` and ``acted/`` BVH clips (idle standing, 24 fps) at ``fps``
    (default 3 Hz: idle motion is slow, and 20 minutes of it would swamp the other postures)."""
    from abspose.data.mocap.bvh import read_bvh

    files = sorted(Path(folder).glob("*/*.bvh"))
    if not files:
        raise DataError(
            f"{folder}: no ReActIdle clips (expected genuine/NNN_genuine.bvh, acted/NNN_acted.bvh)"
        )
    clips = []
    for k, path in enumerate(files):
        match = _REACTIDLE_NAME.match(path.stem)
        if match is None:
            raise DataError(f"{path}: expected a ReActIdle name NNN_genuine.bvh or NNN_acted.bvh")
        motion = read_bvh(path, REACTIDLE.required_joints())
        joints = REACTIDLE.to_h36m17_mm(motion)
        tpose = leading_tpose_frames(joints)
        joints = joints[tpose:]
        clips.append(
            Clip(
                name=f"reactidle/{path.stem}",
                subject=1000 + int(match.group(1)),
                trial=1 if match.group(2) == "genuine" else 2,
                rig=REACTIDLE.name,
                joints_world_mm=resample(joints, header_fps(motion.frame_time_s), fps),
                fps=fps,
                dropped_frames=tpose,
            )
        )
        if progress is not None:
            progress(k + 1, len(files), clips[-1].name)
    return to_dataset(clips, fps), clips


def convert_lab_trials(
    folder: str | Path,
    fps: float = 10.0,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[MocapDataset, list[Clip], dict[str, str]]:
    """Convert the lab marker trials below ``folder`` (``mocap-extra/opencap-lab``) at ``fps``.

    Frames with a marker gap longer than the interpolated ones are dropped (a clip is cut there,
    so no interpolation bridges it).

    Returns:
        The dataset, its clips, and ``{trial: reason}`` for the trials skipped.
    """
    folder = Path(folder)
    files = sorted(folder.rglob("*.trc"))
    if not files:
        raise DataError(f"{folder}: no .trc files below it")
    clips: list[Clip] = []
    skipped: dict[str, str] = {}
    for k, path in enumerate(files):
        rel = path.relative_to(folder).as_posix()
        person = next((p for prefix, p in LAB_PEOPLE.items() if rel.startswith(prefix + "/")), None)
        if person is None:
            skipped[rel] = "no person assigned in LAB_PEOPLE"
            continue
        try:
            markers = read_trc(path)
            joints = opencap_joints_mm(markers)
        except DataError as exc:
            skipped[rel] = str(exc)
            continue
        seen = np.isfinite(joints).all(axis=(1, 2))
        edges = np.diff(np.concatenate([[0], seen.astype(np.int8), [0]]))
        runs = [(a, b) for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)]
        for part, (a, b) in enumerate(r for r in runs if r[1] - r[0] >= 2):
            stem = rel.removesuffix(".trc")
            clips.append(
                Clip(
                    name=f"lab/{stem}" + (f"#{part}" if len(runs) > 1 else ""),
                    subject=person,
                    trial=part,
                    rig="lab",
                    joints_world_mm=resample(joints[a:b], markers.rate_hz, fps),
                    fps=fps,
                    dropped_frames=int(a),
                )
            )
        if progress is not None:
            progress(k + 1, len(files), rel)
    return to_dataset(clips, fps), clips, skipped


def build_training_set(
    data_dir: str | Path,
    *,
    fps: float = 30.0,
    reactidle_fps: float = 2.0,
    lab_fps: float = 10.0,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[MocapDataset, dict[str, str]]:
    """Every source in the shared data folder as one dataset: CMU (``cmu-bvh/`` at ``fps``),
    ReActIdle (``mocap-extra/reactidle/``) and the lab trials (``mocap-extra/opencap-lab/``).

    Sources that are absent are skipped. Returns the dataset and ``{source or trial: reason}``
    for what was skipped.
    """
    from abspose.data.mocap.cmu import convert_cmu

    root = Path(data_dir)
    parts: list[MocapDataset] = []
    skipped: dict[str, str] = {}
    if (root / "cmu-bvh").is_dir():
        parts.append(convert_cmu(root / "cmu-bvh", fps=fps, progress=progress)[0])
    else:
        skipped["cmu-bvh"] = "folder absent"
    extra = root / "mocap-extra"
    if (extra / "reactidle").is_dir():
        parts.append(convert_reactidle(extra / "reactidle", fps=reactidle_fps, progress=progress)[0])
    else:
        skipped["mocap-extra/reactidle"] = "folder absent"
    if (extra / "opencap-lab").is_dir():
        lab, _, lab_skipped = convert_lab_trials(extra / "opencap-lab", fps=lab_fps, progress=progress)
        parts.append(lab)
        skipped.update({f"opencap-lab/{k}": v for k, v in lab_skipped.items()})
    else:
        skipped["mocap-extra/opencap-lab"] = "folder absent"
    if not parts:
        raise DataError(
            f"{root}: none of cmu-bvh/, mocap-extra/reactidle/, mocap-extra/opencap-lab/ found; "
            "set ABSPOSE_DATA to the shared data folder"
        )
    return concat_datasets(parts, fps=fps), skipped
