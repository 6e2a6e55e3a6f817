"""A 3D viewer anyone can open: one self-contained HTML page of a photo's or video's people.

The page (``abspose image|video ... --html scene.html``) shows the camera-frame scene in 3D with
plotly.js, inlined from the ``plotly`` package (the ``viewer`` extra), so it opens offline in
any browser: the camera's frustum, a floor grid where a floor is known, every person's skeleton
coloured as on the overlay with their id and distance, and trails of where each person went.
Beside it, the overlay frames (JPEG, inlined) follow a time slider and a play button; orbit,
zoom and pan are plotly's. The scene is drawn with up (the camera's -y) up; numbers stay in
the camera frame (x right, y down, z forward), in metres.

Why plotly: a well-kept WebGL 3D plot with orbit, zoom and pan, shipped on PyPI with its
script, so the page needs no network, no npm step and no server (three.js would need both a
vendored build and our own controls; Rerun needs its viewer installed).

>>> import numpy as np
>>> from abspose.estimator2d import Poses2D, PrecomputedBackend
>>> from abspose.geometry import Intrinsics, project
>>> from abspose.pipeline import CameraSetup, lift_image
>>> from abspose.data import convert_bvh, sample_bvh_path
>>> walk = convert_bvh(sample_bvh_path()).joints_world_mm[:1] * np.array([1.0, -1.0, -1.0])
>>> people = walk - walk[:, :1] + np.array([[[-600.0, 0, 4000]], [[700.0, 0, 5000]]])  # (2, 17, 3)
>>> cam = Intrinsics.from_focal(700.0, 640, 480)
>>> backend = PrecomputedBackend([Poses2D(project(people, cam), np.ones((2, 17)), "h36m17")])
>>> frame = lift_image(np.zeros((480, 640, 3), np.uint8), backend, CameraSetup(cam, "focal"))
>>> scene = SceneRecorder(title="two people")
>>> scene.add(frame)
>>> [len(f["people"]) for f in scene.frames]
[2]
>>> import tempfile, pathlib
>>> path = scene.write(pathlib.Path(tempfile.mkdtemp()) / "scene.html")
>>> len(read_scene(path)["frames"][0]["people"])
2
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from abspose._files import atomic_path
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17
from abspose.viz.people import distance_label, person_color

if TYPE_CHECKING:
    from abspose.pipeline import PeopleInFrame

__all__ = ["SceneRecorder", "read_scene"]

_DATA_TAG = '<script id="abspose-scene" type="application/json">'
_DATA_RE = re.compile(re.escape(_DATA_TAG) + r"(.*?)</script>", re.S)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


_NEEDS_PLOTLY = "--html needs plotly (its script is inlined in the page): pip install 'abspose[viewer]'"


def _plotly_js() -> str:
    """plotly.js itself (minified, ~4.8 MB), from the ``plotly`` package."""
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:
        raise AbsPoseError(_NEEDS_PLOTLY) from None
    script: str = get_plotlyjs()
    return script


def _require_plotly() -> None:
    import importlib.util

    if importlib.util.find_spec("plotly") is None:
        raise AbsPoseError(_NEEDS_PLOTLY)


def _jpeg_data_uri(image_rgb: NDArray[np.uint8], width: int, quality: int = 75) -> str:
    """A ``data:image/jpeg;base64,...`` URI of an RGB image downscaled to ``width`` px at most."""
    import cv2

    h, w = image_rgb.shape[:2]
    small: NDArray[Any] = image_rgb
    if w > width:
        small = cv2.resize(image_rgb, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    bgr = np.ascontiguousarray(small[..., ::-1])
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise AbsPoseError("--html: OpenCV could not encode an overlay frame as JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii")


def _finite(values: Any, digits: int) -> list[float | None]:
    return [round(float(v), digits) if math.isfinite(float(v)) else None for v in np.ravel(values)]


class SceneRecorder:
    """Collects a photo's or video's frames, then writes them as one HTML page (:meth:`write`).

    Args:
        title: the page's title (the input's file name, say).
        fps: the video's frame rate (play speed); None for a photo.
        total_frames: how many frames will be added, when known: the overlay images are then
            thinned evenly to ``max_images`` (every k-th frame), else the first ``max_images``.
        max_images: most overlay images inlined (each ~30-60 kB at 640 px); the 3D scene keeps
            every frame. image_width: their width [px].
    """

    def __init__(
        self,
        title: str = "abspose",
        fps: float | None = None,
        total_frames: int | None = None,
        max_images: int = 1500,
        image_width: int = 640,
    ) -> None:
        if max_images < 0 or image_width < 16:
            raise AbsPoseError(
                "SceneRecorder: expected max_images >= 0 and image_width >= 16, "
                f"got {max_images} and {image_width}"
            )
        _require_plotly()  # before any work, not after a long video
        self.title = title
        self.fps = fps
        self.max_images = max_images
        self.image_width = image_width
        self.image_stride = max(1, math.ceil(total_frames / max_images)) if total_frames and max_images else 1
        self.frames: list[dict[str, Any]] = []
        self.images: list[str] = []
        self.camera: dict[str, Any] | None = None

    def wants_image(self, index: int) -> bool:
        """Whether frame ``index``'s overlay image would be kept (draw it only then)."""
        return len(self.images) < self.max_images and index % self.image_stride == 0

    def add(self, frame: PeopleInFrame, overlay_rgb: NDArray[np.uint8] | None = None) -> None:
        """Record one frame's people (and its ``(H, W, 3)`` RGB overlay picture, if given)."""
        k = frame.camera.intrinsics
        if self.camera is None:
            self.camera = {
                "focal_px": k.fx,
                "fy_px": k.fy,
                "principal_px": [k.cx, k.cy],
                "image_size": [frame.width, frame.height],
                "focal_is_default": frame.camera.focal_is_default,
            }
        image = None
        if overlay_rgb is not None and self.wants_image(frame.index):
            self.images.append(_jpeg_data_uri(overlay_rgb, self.image_width))
            image = len(self.images) - 1
        lifted = frame.lifted
        guess = "~" if frame.camera.focal_is_default else ""  # as on the overlay
        people = []
        for p, tid in enumerate(frame.track_ids.tolist()):
            lo, hi = np.asarray(lifted.distance_interval_m[p], dtype=np.float64)[0]
            distance = distance_label(lifted.distance_m[p], lifted.distance_interval_m[p]).replace("+-", "±")
            people.append(
                {
                    "id": int(tid),
                    "color": _hex(person_color(tid)),
                    "joints_m": [_finite(j, 4) for j in lifted.joints_cam_mm[p] / 1000.0],
                    "distance_m": round(float(lifted.distance_m[p]), 3),
                    "interval_68_m": _finite([lo, hi], 3) if np.isfinite([lo, hi]).all() else None,
                    "label": f"#{tid} {guess}{distance}",
                }
            )
        floor = lifted.floor
        self.frames.append(
            {
                "index": frame.index,
                "time_s": round(frame.time_s, 4),
                "image": image,
                "floor": None
                if floor is None
                else {"up": _finite(floor.up_cam, 5), "offset_m": round(floor.offset_mm / 1000.0, 4)},
                "people": people,
            }
        )

    def scene(self) -> dict[str, Any]:
        """The page's data: camera, bones, frames (people in camera metres) and images."""
        if not self.frames or self.camera is None:
            raise AbsPoseError("--html: no frame was recorded, so there is no scene to write")
        return {
            "abspose_scene": 1,
            "title": self.title,
            "fps": self.fps,
            "frame": "camera: x right, y down, z forward; metres",
            "joint_names": list(H36M17.joint_names),
            "bones": [[H36M17.index(a), H36M17.index(b)] for a, b in H36M17.bones],
            "camera": self.camera,
            "frames": self.frames,
            "images": self.images,
        }

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` (``.html``), atomically; returns the path."""
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise AbsPoseError(f"{path}: expected an .html path for the 3D viewer")
        data = json.dumps(self.scene(), separators=(",", ":")).replace("</", "<\\/")
        viewer = resources.files("abspose") / "assets" / "viewer"
        parts = {
            "TITLE": html.escape(self.title),
            "PLOTLY_JS": _plotly_js(),
            "SCENE_JS": (viewer / "scene.js").read_text("utf-8"),
            "SCENE_JSON": data,
        }  # one pass over the template: what is put in is not searched again
        template = (viewer / "scene.html").read_text("utf-8")
        page = re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], template)
        with atomic_path(path, suffix=".html") as tmp:
            Path(tmp).write_text(page, encoding="utf-8")
        return path


def read_scene(path: str | Path) -> dict[str, Any]:
    """The data a page written by :class:`SceneRecorder` holds (to check or reuse it)."""
    text = Path(path).read_text(encoding="utf-8")
    match = _DATA_RE.search(text)
    if match is None:
        raise AbsPoseError(f"{path}: not an abspose scene page (no abspose-scene data in it)")
    scene: dict[str, Any] = json.loads(match.group(1))  # "<\\/" is JSON's own escape of "</"
    return scene
