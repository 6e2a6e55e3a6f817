"""Writing what the image/video pipeline found, frame by frame, with constant memory.

JSON schema (``abspose image`` / ``abspose video --out result.json``)::

    {
      "abspose_version": "0.1.0",
      "source": "clip.mp4",
      "frame": "camera: x right, y down, z forward; millimetres",
      "joint_names": ["pelvis", ...],                      # the 17 joints, in array order
      "backend": "mediapipe33",                            # the 2D backend's layout
      "camera": {"focal_px": 1768.0, "fy_px": 1768.0, "principal_px": [884.0, 497.0],
                 "image_size": [1768, 994], "source": "default", "focal_is_default": true},
      "fps": 30.0,                                         # videos only
      "frames": [
        {"index": 0, "time_s": 0.0, "skipped": 0,          # skipped: found in 2D, too few joints
         "people": [
           {"id": 0,                                       # stable across frames
            "keypoints_px": [[u, v] or null, ...],         # 17 joints; null: filled in
            "confidences": [c, ...],
            "joints_cam_mm": [[x, y, z], ...],
            "root_cam_mm": [x, y, z],
            "distance_m": 7.4,
            "canonical_depth_mm_per_px": 4.2,              # Z / f: valid whatever the focal
            "distance_interval_m": {"68": [6.9, 7.9], "95": [6.4, 8.6]},  # null without a spread head
            "depth_sigma": 0.065,                          # relative: the 68% half-width of log distance
            "imputed_joints": ["r_wrist"],
            "scale_source": "track"}]}]                    # prior, stature, track, floor+...
    }

CSV: one row per frame, person and joint (``frame, time_s, person, joint, u_px, v_px,
confidence, x_mm, y_mm, z_mm, canonical_depth_mm_per_px, focal_px, distance_m,
distance_lo68_m, distance_hi68_m, distance_lo95_m, distance_hi95_m, scale_source``; the
interval columns are empty without a depth-spread head). Both are written to a
temporary file renamed into place when the writer closes: a crash leaves no half file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from abspose._files import PendingFile
from abspose._version import __version__
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17

if TYPE_CHECKING:
    from abspose.pipeline import PeopleInFrame

__all__ = ["PERSON_COLUMNS", "FrameWriter", "frame_record", "interval_cells", "interval_record"]

_CSV_HEADER = [
    "frame", "time_s", "person", "joint", "u_px", "v_px", "confidence",
    "x_mm", "y_mm", "z_mm", "canonical_depth_mm_per_px", "focal_px",
]  # fmt: skip
#: The CSV columns after the joints', one value per person: :func:`interval_cells` and the source.
PERSON_COLUMNS = [
    "distance_m", "distance_lo68_m", "distance_hi68_m", "distance_lo95_m", "distance_hi95_m", "scale_source",
]  # fmt: skip


def interval_record(interval_m: Any) -> dict[str, list[float]] | None:
    """``(2, 2)`` 68% and 95% ``[lo, hi]`` [m] as ``{"68": [lo, hi], "95": [lo, hi]}``; None if NaN."""
    iv = np.asarray(interval_m, dtype=np.float64)
    if not np.isfinite(iv).all():
        return None
    return {"68": [round(float(v), 3) for v in iv[0]], "95": [round(float(v), 3) for v in iv[1]]}


def interval_cells(distance_m: float, interval_m: Any) -> list[str]:
    """The CSV cells ``distance_m, lo68, hi68, lo95, hi95`` [m] (empty where NaN)."""
    return [f"{v:.3f}" if np.isfinite(v) else "" for v in [distance_m, *np.asarray(interval_m).ravel()]]


def _r(values: Any, digits: int) -> list[Any]:
    return [None if not np.isfinite(v) else round(float(v), digits) for v in np.asarray(values).ravel()]


def frame_record(frame: PeopleInFrame) -> dict[str, Any]:
    """One frame as the JSON object described above."""
    lifted = frame.lifted
    sources = lifted.scale_source
    if sources is None:
        sources = np.full(len(frame.track_ids), "prior")
    intervals, sigma = lifted.distance_interval_m, lifted.depth_sigma
    people = []
    for k, tid in enumerate(frame.track_ids.tolist()):
        kp = frame.keypoints_px[k]
        people.append(
            {
                "id": int(tid),
                "keypoints_px": [_r(p, 2) if np.isfinite(p).all() else None for p in kp],
                "confidences": _r(frame.confidences[k], 3),
                "joints_cam_mm": [_r(p, 1) for p in lifted.joints_cam_mm[k]],
                "root_cam_mm": _r(lifted.root_cam_mm[k], 1),
                "distance_m": round(float(lifted.distance_m[k]), 3),
                "canonical_depth_mm_per_px": round(float(lifted.canonical_depth[k]), 5),
                "distance_interval_m": interval_record(intervals[k]),
                "depth_sigma": round(float(sigma[k]), 4) if np.isfinite(sigma[k]) else None,
                "imputed_joints": [
                    n for n, m in zip(H36M17.joint_names, lifted.imputed[k], strict=True) if m
                ],
                "scale_source": str(sources[k]),
            }
        )
    return {
        "index": frame.index,
        "time_s": round(frame.time_s, 4),
        "skipped": frame.skipped,
        "people": people,
    }


class FrameWriter:
    """Streams frames to ``.json`` or ``.csv`` (by extension); use as a context manager.

    Args:
        path: the output file.
        source: the image or video it came from (recorded in the JSON).
        backend: the 2D backend's layout name.
        fps: the video's frame rate, or None for a photo.
    """

    def __init__(self, path: str | Path, source: str | Path, backend: str, fps: float | None = None) -> None:
        self.path = Path(path)
        self.kind = self.path.suffix.lower()
        if self.kind not in (".json", ".csv"):
            raise AbsPoseError(f"{self.path}: expected an output file ending in .json or .csv")
        self._meta = {"source": str(source), "backend": backend, "fps": fps}
        self._pending = PendingFile(self.path)
        self._fh: IO[str] | None = open(self._pending.tmp, "w", newline="")
        self._first = True
        self._csv = csv.writer(self._fh) if self.kind == ".csv" else None
        if self._csv is not None:
            self._csv.writerow(_CSV_HEADER + PERSON_COLUMNS)
        self.frames = 0

    def _header(self, frame: PeopleInFrame) -> str:
        k = frame.camera.intrinsics
        doc: dict[str, Any] = {
            "abspose_version": __version__,
            "source": self._meta["source"],
            "frame": "camera: x right, y down, z forward; millimetres",
            "joint_names": list(H36M17.joint_names),
            "backend": self._meta["backend"],
            "camera": {
                "focal_px": k.fx,
                "fy_px": k.fy,
                "principal_px": [k.cx, k.cy],
                "image_size": [frame.width, frame.height],
                "source": frame.camera.source,
                "focal_is_default": frame.camera.focal_is_default,
            },
        }
        if self._meta["fps"] is not None:
            doc["fps"] = self._meta["fps"]
        text = json.dumps(doc, indent=1)
        return text[: text.rindex("}")].rstrip() + ',\n "frames": [\n'

    def write(self, frame: PeopleInFrame) -> None:
        """Append one frame."""
        if self._fh is None:
            raise AbsPoseError(f"{self.path}: the writer is closed")
        if self._csv is not None:
            f = frame.camera.intrinsics.fx
            lifted = frame.lifted
            sources = (
                lifted.scale_source if lifted.scale_source is not None else ["prior"] * len(frame.track_ids)
            )
            for k, tid in enumerate(frame.track_ids.tolist()):
                tail = [
                    *interval_cells(float(lifted.distance_m[k]), lifted.distance_interval_m[k]),
                    str(sources[k]),
                ]
                for j, name in enumerate(H36M17.joint_names):
                    u, v = frame.keypoints_px[k, j]
                    x, y, z = frame.lifted.joints_cam_mm[k, j]
                    self._csv.writerow(
                        [
                            frame.index,
                            f"{frame.time_s:.4f}",
                            tid,
                            name,
                            "" if not np.isfinite(u) else f"{u:.2f}",
                            "" if not np.isfinite(v) else f"{v:.2f}",
                            f"{frame.confidences[k, j]:.3f}",
                            f"{x:.1f}",
                            f"{y:.1f}",
                            f"{z:.1f}",
                            f"{frame.lifted.canonical_depth[k]:.5f}",
                            f"{f:.2f}",
                            *tail,
                        ]
                    )
        else:
            if self._first:
                self._fh.write(self._header(frame))
            else:
                self._fh.write(",\n")
            self._fh.write("  " + json.dumps(frame_record(frame)))
        self._first = False
        self.frames += 1

    def close(self, keep: bool = True) -> None:
        """Finish the file and move it into place (``keep=False``: discard it)."""
        if self._fh is None:
            return
        empty_json = self.kind == ".json" and self._first
        if self.kind == ".json" and keep and not empty_json:
            self._fh.write("\n ]\n}\n")
        self._fh.close()
        self._fh = None
        if keep and not empty_json:
            self._pending.commit()
            return
        self._pending.discard()
        if keep:
            raise AbsPoseError(f"{self.path}: no frame was written")

    def __enter__(self) -> FrameWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(keep=exc_type is None)
