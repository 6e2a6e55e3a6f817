"""Real OpenPose errors from Pose2Sim's demo capture (4 calibrated cameras, one person).

The PyPI package ``pose2sim`` (BSD-3-Clause) version 0.3.6 ships, in ``Pose2Sim/Demo/``,
OpenPose BODY_25B detections for 100 frames per camera (``pose-2d/cam*_json``) and the
Qualisys calibration ``calib-2d/Calib.qca.txt``. Get it from the registry with

    pip download pose2sim==0.3.6 --no-deps -d DIR

and pass the wheel (or the unpacked ``Demo`` folder) to :func:`read_pose2sim_demo`.

Qualisys calibration, as read here (checked on the data: leave-one-view-out residuals have a
median of 23 px with this convention, 190-2500 px with the seven others):

- intrinsics are in 1/64 px: ``f = focalLengthU / 64``, ``c = centerPointU / 64 - left``;
- ``transform`` holds the camera centre ``(x, y, z)`` [mm] and a rotation ``R`` (rows
  ``r11 r12 r13``...) with ``X_q = R (X_world - centre)`` in a camera frame whose y and z
  point up and backwards; OpenCV's frame (y down, z forward) is that turned by π about x.
- lens distortion is ignored: undistorting with the file's coefficients changes the median
  residual from 23.02 to 23.08 px (no evidence it applies to these detections).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.errors import DataError
from abspose.geometry import Intrinsics
from abspose.skeletons import get_layout

__all__ = [
    "CalibratedCamera",
    "MultiViewCapture",
    "RealErrors",
    "is_video_demo",
    "measure_errors",
    "parse_qca",
    "read_pose2sim_demo",
    "read_pose2sim_videos",
]

_DEMO = "Pose2Sim/Demo/"


@dataclass(frozen=True)
class CalibratedCamera:
    """One calibrated camera (OpenCV frame: x right, y down, z forward).

    Attributes:
        name: camera name.
        intrinsics: focal length and principal point [px].
        rot_world_to_cam: ``(3, 3)``.
        t_world_to_cam_mm: ``(3,)``; ``X_cam = R X_world + t`` [mm].
        image_size: ``(width, height)`` [px].
    """

    name: str
    intrinsics: Intrinsics
    rot_world_to_cam: NDArray[np.float64]
    t_world_to_cam_mm: NDArray[np.float64]
    image_size: tuple[int, int]

    @property
    def projection(self) -> NDArray[np.float64]:
        """``(3, 4)`` world-to-pixel projection matrix ``K [R | t]``."""
        return self.intrinsics.matrix @ np.hstack([self.rot_world_to_cam, self.t_world_to_cam_mm[:, None]])


@dataclass(frozen=True)
class MultiViewCapture:
    """Detections of one person in V synchronized views.

    Attributes:
        cameras: the V cameras.
        keypoints_px: ``(V, T, J, 2)`` detections [px] (0 where missing).
        confidences: ``(V, T, J)`` detector confidences (0 where missing).
        layout: keypoint layout name.
    """

    cameras: tuple[CalibratedCamera, ...]
    keypoints_px: NDArray[np.float64]
    confidences: NDArray[np.float64]
    layout: str

    @property
    def projections(self) -> NDArray[np.float64]:
        return np.stack([c.projection for c in self.cameras])


def parse_qca(text: str) -> tuple[CalibratedCamera, ...]:
    """Cameras of a Qualisys ``.qca.txt`` calibration (see the module notes for conventions)."""
    try:
        root = ET.fromstring(text)
        cameras = []
        flip = np.diag([1.0, -1.0, -1.0])  # Qualisys camera frame (y up, z back) to OpenCV
        for cam in root.findall("cameras/camera"):
            fov = cam.find("fov_video").attrib  # type: ignore[union-attr]
            left, top = float(fov["left"]), float(fov["top"])
            size = (int(float(fov["right"]) - left) + 1, int(float(fov["bottom"]) - top) + 1)
            it = cam.find("intrinsic").attrib  # type: ignore[union-attr]
            K = Intrinsics(
                float(it["focalLengthU"]) / 64.0,
                float(it["focalLengthV"]) / 64.0,
                float(it["centerPointU"]) / 64.0 - left,
                float(it["centerPointV"]) / 64.0 - top,
            )
            tr = cam.find("transform").attrib  # type: ignore[union-attr]
            rot = np.array([[float(tr[f"r{i}{j}"]) for j in (1, 2, 3)] for i in (1, 2, 3)])
            centre_mm = np.array([float(tr[k]) for k in "xyz"])
            r = flip @ rot
            cameras.append(CalibratedCamera(cam.attrib["serial"], K, r, -r @ centre_mm, size))
    except (ET.ParseError, AttributeError, KeyError, ValueError) as exc:
        raise DataError(f"not a Qualisys .qca.txt calibration ({exc})") from exc
    if not cameras:
        raise DataError("the .qca.txt calibration lists no cameras")
    return tuple(cameras)


def _main_person(doc: dict[str, Any], num_joints: int) -> NDArray[np.float64]:
    """``(J, 3)`` the person with the largest summed confidence; zeros when nobody."""
    people = [np.asarray(p["pose_keypoints_2d"], dtype=np.float64).reshape(-1, 3) for p in doc["people"]]
    people = [p for p in people if p.shape[0] == num_joints]
    if not people:
        return np.zeros((num_joints, 3))
    return max(people, key=lambda p: float(p[:, 2].sum()))


def _natural_key(name: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def read_pose2sim_demo(source: str | Path, num_joints: int = 25) -> MultiViewCapture:
    """Read Pose2Sim 0.3.6's demo: its wheel file, or the ``Demo`` folder unpacked from it.

    Each frame's main person (largest summed confidence) is kept; the cameras of the
    calibration are matched to the ``cam<k>_json`` folders in natural order.
    """
    source = Path(source)
    files: dict[str, str] = {}
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            for name in zf.namelist():
                if name.startswith(_DEMO) and (name.endswith(".json") or name.endswith(".qca.txt")):
                    files[name[len(_DEMO) :]] = zf.read(name).decode()
    elif source.is_dir():
        for path in source.rglob("*"):
            if path.suffix == ".json" or path.name.endswith(".qca.txt"):
                files[path.relative_to(source).as_posix()] = path.read_text()
    else:
        raise DataError(
            f"{source}: expected the pose2sim 0.3.6 wheel or its Demo folder; "
            "get it with `pip download pose2sim==0.3.6 --no-deps -d DIR`"
        )
    calib = [k for k in files if k.startswith("calib-2d/") and k.endswith(".qca.txt")]
    if not calib:
        raise DataError(f"{source}: no calib-2d/*.qca.txt found; is this Pose2Sim 0.3.6's Demo?")
    cameras = parse_qca(files[calib[0]])
    folders = sorted({k.split("/")[1] for k in files if k.startswith("pose-2d/")}, key=_natural_key)
    if len(folders) != len(cameras):
        raise DataError(f"{source}: {len(cameras)} calibrated cameras but {len(folders)} pose-2d folders")
    views = []
    for folder in folders:
        names = sorted((k for k in files if k.startswith(f"pose-2d/{folder}/")), key=_natural_key)
        views.append(np.stack([_main_person(json.loads(files[n]), num_joints) for n in names]))
    if len({v.shape[0] for v in views}) != 1:
        raise DataError(f"{source}: the views have different frame counts {[v.shape[0] for v in views]}")
    data = np.stack(views)  # (V, T, J, 3)
    layout = "body25b" if num_joints == 25 else f"{num_joints} joints"
    return MultiViewCapture(cameras, data[..., :2], data[..., 2], layout)


@dataclass(frozen=True)
class RealErrors:
    """Leave-one-view-out errors of one capture, split by frame.

    Attributes:
        errors: ``(V * T, 17, 2)`` H36M-17 errors [σ_pose], NaN where missing.
        view: ``(V * T,)`` view index of each row. frame: ``(V * T,)`` frame index.
        fit_frames: rows with ``frame < fit_frames`` are for fitting, the others held out.
    """

    errors: NDArray[np.float64]
    view: NDArray[np.int64]
    frame: NDArray[np.int64]
    fit_frames: int

    @property
    def fit(self) -> NDArray[np.float64]:
        return self.errors[self.frame < self.fit_frames]

    @property
    def held_out(self) -> NDArray[np.float64]:
        return self.errors[self.frame >= self.fit_frames]

    @property
    def held_out_complete(self) -> NDArray[np.float64]:
        """``(M, 17, 2)`` the held-out rows with every joint measured: whole error vectors, as
        :func:`abspose.evaluation.evaluate_lifter`'s ``input_errors`` draws them."""
        rows = self.held_out
        return rows[np.isfinite(rows).all(axis=(1, 2))]

    def save(self, path: str | Path) -> Path:
        """Write as ``errors.npz`` (arrays ``errors``, ``view``, ``frame``, ``fit_frames``)."""
        from abspose._files import atomic_path

        path = Path(path)
        with atomic_path(path, suffix=".tmp.npz") as tmp:  # savez appends .npz to other names
            np.savez(tmp, errors=self.errors, view=self.view, frame=self.frame, fit_frames=self.fit_frames)
        return path

    @classmethod
    def load(cls, path: str | Path) -> RealErrors:
        """Read an ``errors.npz`` written by :meth:`save` (``abspose noise pose2sim``).

        Raises:
            DataError: not such a file.
        """
        from abspose.errors import DataError

        path = Path(path)
        expected = f"{path}: expected an errors.npz written by `abspose noise pose2sim`"
        if not path.is_file():
            raise DataError(f"{expected}; there is no such file")
        try:
            with np.load(path, allow_pickle=False) as z:
                if not {"errors", "view", "frame", "fit_frames"} <= set(z.files):
                    raise DataError(f"{expected}, with arrays errors, view, frame and fit_frames")
                errors = np.asarray(z["errors"], dtype=np.float64)
                view, frame = np.asarray(z["view"], np.int64), np.asarray(z["frame"], np.int64)
                fit_frames = int(z["fit_frames"])
        except (OSError, ValueError, TypeError) as exc:
            raise DataError(f"{expected} ({exc})") from exc
        if errors.ndim != 3 or errors.shape[1:] != (17, 2) or not len(view) == len(frame) == len(errors):
            raise DataError(f"{expected}; its errors have shape {errors.shape}, expected (N, 17, 2)")
        return cls(errors, view, frame, fit_frames)


def measure_errors(capture: MultiViewCapture, fit_frames: int, min_confidence: float = 0.3) -> RealErrors:
    """Leave-one-view-out H36M-17 errors of every view and frame (see :mod:`abspose.noise.multiview`)."""
    from abspose.noise.measure import pose_errors
    from abspose.noise.multiview import leave_one_view_out

    loo = leave_one_view_out(
        capture.projections, capture.keypoints_px, capture.confidences, min_confidence=min_confidence
    )
    v, t, j, _ = capture.keypoints_px.shape
    det = np.where(loo.valid[..., None], loo.detected_px, np.nan).reshape(-1, j, 2)
    errors = pose_errors(det, loo.reference_px.reshape(-1, j, 2), capture.layout)
    view, frame = np.meshgrid(np.arange(v), np.arange(t), indexing="ij")
    return RealErrors(errors, view.reshape(-1), frame.reshape(-1), fit_frames)


_VIDEO_DEMO = "Pose2Sim/Demo_SinglePerson/"


def is_video_demo(source: str | Path) -> bool:
    """Whether ``source`` is pose2sim 0.10's wheel or ``Demo_SinglePerson`` folder (videos)."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            return any(n.startswith(_VIDEO_DEMO + "videos/") for n in zf.namelist())
    return source.is_dir() and (source / "videos").is_dir()


def read_pose2sim_videos(
    source: str | Path,
    backend: Any,
    max_frames: int | None = None,
    on_frame: Callable[[int], None] | None = None,
) -> MultiViewCapture:
    """Run a 2D backend on the four videos of Pose2Sim 0.10's ``Demo_SinglePerson``.

    ``pip download pose2sim==0.10.49 --no-deps`` gives a wheel whose
    ``Pose2Sim/Demo_SinglePerson/`` holds ``videos/cam01.mp4`` ... ``cam04.mp4`` (100
    synchronized frames at 60 fps) and ``calibration/Calib.qca.txt``; pass the wheel or that
    folder. Each frame's main person (largest summed confidence) is kept; videos are matched
    to cameras by name (``cam01.mp4`` ↔ serial ``cam01``).

    Args:
        source: the wheel or the ``Demo_SinglePerson`` folder.
        backend: a :class:`~abspose.estimator2d.Backend2D` (e.g. MediaPipe).
        max_frames: read at most this many frames per video.
        on_frame: called after each decoded frame with the number done so far.
    """
    import tempfile

    from abspose.io.video import iter_frames

    source = Path(source)
    with tempfile.TemporaryDirectory() as tmp:
        if source.is_file() and zipfile.is_zipfile(source):
            with zipfile.ZipFile(source) as zf:
                for name in zf.namelist():
                    if name.startswith(_VIDEO_DEMO) and (
                        name.endswith(".mp4") or name.endswith("calibration/Calib.qca.txt")
                    ):
                        zf.extract(name, tmp)
            folder = Path(tmp) / _VIDEO_DEMO
        elif source.is_dir():
            folder = source
        else:
            raise DataError(
                f"{source}: expected the pose2sim 0.10.49 wheel or its Demo_SinglePerson folder; get it "
                "with `pip download pose2sim==0.10.49 --no-deps -d DIR`"
            )
        calib = folder / "calibration" / "Calib.qca.txt"
        videos = sorted((folder / "videos").glob("*.mp4"), key=lambda p: _natural_key(p.name))
        if not calib.is_file() or not videos:
            raise DataError(f"{source}: no calibration/Calib.qca.txt or videos/*.mp4 (Demo_SinglePerson?)")
        cameras = {c.name: c for c in parse_qca(calib.read_text())}
        missing = [v.stem for v in videos if v.stem not in cameras]
        if missing:
            raise DataError(f"{source}: videos {missing} have no camera of that name in {sorted(cameras)}")
        views, done = [], 0
        for video in videos:
            frames = []
            for image in iter_frames(video, max_frames):
                found = backend.detect(image)
                if len(found) == 0:
                    j = get_layout(backend.layout).num_joints
                    frames.append(np.zeros((j, 3)))
                else:
                    best = int(np.argmax(found.confidences.sum(axis=1)))
                    frames.append(
                        np.concatenate([found.keypoints_px[best], found.confidences[best, :, None]], 1)
                    )
                done += 1
                if on_frame is not None:
                    on_frame(done)
            views.append(np.stack(frames))
    if len({v.shape[0] for v in views}) != 1:
        raise DataError(f"{source}: the videos have different frame counts {[v.shape[0] for v in views]}")
    data = np.stack(views)  # (V, T, J, 3)
    used = tuple(cameras[v.stem] for v in videos)
    return MultiViewCapture(used, data[..., :2], data[..., 2], backend.layout)
