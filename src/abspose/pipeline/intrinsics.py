"""The camera of a photo or video: from a focal length, a field of view, a calibration file, or
a documented guess.

Calibration files (OpenCV style): JSON ``{"K": [[fx, 0, cx], [0, fy, cy], [0, 0, 1]],
"image_size": [w, h]}`` (``camera_matrix`` is accepted for ``K``; ``image_size`` optional), or
the YAML/XML that ``cv2.FileStorage`` writes, with ``camera_matrix`` (or ``K``) and optionally
``image_width`` / ``image_height``. When the calibration was made at another resolution than
the image's (same aspect ratio), K is rescaled to the image. Lens distortion is not modelled:
undistort first when it matters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose.api import FOCAL_RANGE_PX, default_focal_px
from abspose.errors import AbsPoseError
from abspose.geometry import Intrinsics

__all__ = ["CameraSetup", "read_calibration", "resolve_intrinsics"]


@dataclass(frozen=True)
class CameraSetup:
    """The intrinsics used for an image, and where they came from.

    Attributes:
        intrinsics: the camera, sized to the image.
        source: ``"focal"``, ``"fov"``, ``"calibration"`` or ``"default"``.
    """

    intrinsics: Intrinsics
    source: str

    @property
    def focal_is_default(self) -> bool:
        return self.source == "default"


def read_calibration(path: str | Path) -> tuple[Any, tuple[int, int] | None]:
    """Read ``(K, image_size or None)`` from an OpenCV-style JSON or YAML/XML calibration file."""
    path = Path(path)
    if not path.is_file():
        raise AbsPoseError(f"{path}: no such calibration file")
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text())
        except ValueError as exc:
            raise AbsPoseError(f"{path}: not valid JSON ({exc})") from exc
        K = doc.get("K", doc.get("camera_matrix")) if isinstance(doc, dict) else None
        if K is None:
            raise AbsPoseError(f"{path}: expected a 'K' (or 'camera_matrix') 3x3 matrix")
        try:
            matrix = np.asarray(K, dtype=np.float64)
        except (TypeError, ValueError):
            matrix = np.zeros(0)
        if matrix.shape != (3, 3) or not np.isfinite(matrix).all():
            raise AbsPoseError(
                f"{path}: K: expected a 3x3 matrix of numbers [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]"
            )
        size = doc.get("image_size")
        if size is None:
            return matrix, None
        if (
            not isinstance(size, list)
            or len(size) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in size)
        ):
            raise AbsPoseError(
                f"{path}: image_size: expected [width, height] in whole pixels, got {size!r:.40}"
            )
        return matrix, (size[0], size[1])
    if path.stat().st_size == 0:
        raise AbsPoseError(f"{path}: the calibration file is empty")
    if path.stat().st_size > _MAX_CALIBRATION_BYTES:
        raise AbsPoseError(
            f"{path}: {path.stat().st_size} bytes is too large for a calibration file "
            f"(expected < {_MAX_CALIBRATION_BYTES // 1000} kB)"
        )
    return _read_opencv_calibration(path)


#: A calibration file larger than this is refused before parsing [bytes].
_MAX_CALIBRATION_BYTES = 1_000_000


def _read_opencv_calibration(path: Path) -> tuple[Any, tuple[int, int] | None]:
    """``(K, size)`` from a file written by OpenCV's ``FileStorage`` (YAML or XML): its
    ``camera_matrix`` (or ``K``) and optional ``image_width`` / ``image_height``.

    Parsed by PyYAML's safe loader and the standard library's XML parser, not by OpenCV: on
    some damaged files OpenCV's reader aborts the whole interpreter instead of raising.
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    fail = f"{path}: cannot read it as an OpenCV YAML/XML calibration file"
    try:
        doc = _opencv_xml(text) if text.lstrip().startswith("<") else _opencv_yaml(text)
    except RecursionError:
        raise AbsPoseError(f"{fail} (nested too deeply)") from None
    except (ValueError, ArithmeticError) as exc:  # yaml.YAMLError and ParseError derive from neither
        raise AbsPoseError(f"{fail} ({exc})") from None
    except Exception as exc:
        import xml.etree.ElementTree as ET

        import yaml

        if isinstance(exc, yaml.YAMLError | ET.ParseError):
            why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise AbsPoseError(f"{fail} ({why})") from None
        raise
    if not isinstance(doc, dict):
        raise AbsPoseError(f"{fail} (expected a map of named entries)")
    node = doc.get("camera_matrix", doc.get("K"))
    K = _opencv_matrix(node)
    if K is None:
        raise AbsPoseError(f"{path}: expected a 'camera_matrix' (or 'K') 3x3 matrix")
    w, h = doc.get("image_width"), doc.get("image_height")
    if w is None or h is None:
        return K, None
    try:
        size = (int(float(w)), int(float(h)))
    except (TypeError, ValueError, OverflowError):
        raise AbsPoseError(
            f"{path}: image_width/image_height: expected whole pixels, got {w!r:.20}, {h!r:.20}"
        ) from None
    return K, size


def _opencv_matrix(node: Any) -> NDArray[np.float64] | None:
    """A 3x3 matrix from an ``opencv-matrix`` node (``rows``, ``cols``, ``data``), or None."""
    if not isinstance(node, dict):
        return None
    data = node.get("data")
    if node.get("rows") not in (3, "3") or node.get("cols") not in (3, "3") or not isinstance(data, list):
        return None
    if len(data) != 9:
        return None
    try:
        K = np.array([float(v) for v in data], dtype=np.float64).reshape(3, 3)
    except (TypeError, ValueError, OverflowError):
        return None
    return K if np.isfinite(K).all() else None


def _opencv_yaml(text: str) -> Any:
    """OpenCV's YAML: a ``%YAML:1.0`` line PyYAML does not take, and ``!!opencv-matrix`` maps."""
    import yaml

    class Loader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
        pass

    def matrix(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.MappingNode):
            raise ValueError("an opencv-matrix that is not a map")
        return loader.construct_mapping(node, deep=True)

    Loader.add_constructor("tag:yaml.org,2002:opencv-matrix", matrix)
    lines = text.splitlines()
    if lines and lines[0].startswith("%YAML:"):
        lines = lines[1:]
    return yaml.load("\n".join(lines), Loader=Loader)  # a SafeLoader subclass: no arbitrary objects


def _opencv_xml(text: str) -> dict[str, Any]:
    """OpenCV's XML: ``<opencv_storage>`` with ``<name type_id="opencv-matrix">`` children."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(text)
    doc: dict[str, Any] = {}
    for child in root:
        if child.get("type_id") == "opencv-matrix":
            doc[child.tag] = {
                "rows": (child.findtext("rows") or "").strip(),
                "cols": (child.findtext("cols") or "").strip(),
                "data": (child.findtext("data") or "").split(),
            }
        else:
            doc[child.tag] = (child.text or "").strip()
    return doc


def resolve_intrinsics(
    width: int,
    height: int,
    *,
    focal_px: float | None = None,
    fov_deg: float | None = None,
    calibration: str | Path | None = None,
) -> CameraSetup:
    """The intrinsics for a ``width x height`` image from at most one of the three sources;
    with none, :func:`abspose.api.default_focal_px` (``source == "default"``)."""
    sources = (("focal", focal_px), ("fov", fov_deg), ("calibration", calibration))
    given = [name for name, v in sources if v is not None]
    if len(given) > 1:
        raise AbsPoseError(f"give one of focal, fov or calibration, not {' and '.join(given)}")
    if focal_px is not None:
        return CameraSetup(Intrinsics.from_focal(focal_px, width, height), "focal")
    if fov_deg is not None:
        return CameraSetup(Intrinsics.from_fov(fov_deg, width, height), "fov")
    if calibration is not None:
        K, size = read_calibration(calibration)
        cam = Intrinsics.from_matrix(K, width, height)
        if size is not None and size != (width, height):
            sx, sy = width / size[0], height / size[1]
            if abs(sx - sy) > 0.01 * sx:
                raise AbsPoseError(
                    f"{calibration}: calibrated at {size[0]}x{size[1]}, the image is {width}x{height} "
                    "(another aspect ratio: cropped?); calibrate at this resolution"
                )
            cam = Intrinsics(cam.fx * sx, cam.fy * sy, cam.cx * sx, cam.cy * sy, width, height)
        if not (0 <= cam.cx <= width and 0 <= cam.cy <= height):
            raise AbsPoseError(
                f"{calibration}: principal point ({cam.cx:g}, {cam.cy:g}) is outside the {width}x{height} "
                f"image; it is usually near the centre ({width / 2:g}, {height / 2:g}). Is this the "
                "calibration of this camera, at this resolution?"
            )
        if not FOCAL_RANGE_PX[0] < cam.fx < FOCAL_RANGE_PX[1]:
            raise AbsPoseError(
                f"{calibration}: focal length fx = {cam.fx:g} px; expected "
                f"{FOCAL_RANGE_PX[0]:g} < fx < {FOCAL_RANGE_PX[1]:g} px"
            )
        return CameraSetup(cam, "calibration")
    return CameraSetup(Intrinsics.from_focal(default_focal_px(width, height), width, height), "default")
