"""Building MediaPipe's pose-landmarker model bundle offline, from a registry package.

MediaPipe's current Python package (1.x, Tasks API: several people per image, numpy 2) ships
no pose model: its ``PoseLandmarker`` wants a ``.task`` bundle that Google serves from a web
bucket, and abspose never downloads weights at run time. The legacy ``mediapipe==0.10.21``
wheel on PyPI, however, carries the same BlazePose networks as TFLite files
(``mediapipe/modules/pose_detection/pose_detection.tflite`` and
``mediapipe/modules/pose_landmark/pose_landmark_full.tflite``). The set-up step downloads that
wheel with ``pip download --no-deps`` (never installed: it needs numpy<2), checks both files
against the SHA-256 sums below, adds the TFLite metadata the Tasks API needs (input image
normalization: [-1, 1] for the detector, [0, 1] for the landmark network, as in the legacy
graphs ``pose_detection_cpu.pbtxt`` and ``pose_landmark_by_roi_cpu.pbtxt``) with MediaPipe's own
metadata writer, and zips them into ``pose_landmarker_full.task``.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import types
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from abspose._files import atomic_path
from abspose.errors import AbsPoseError

__all__ = ["MEDIAPIPE_MODEL_WHEEL", "build_pose_landmarker_task", "default_task_path"]

#: The registry package the networks come from (``pip download`` name and version).
MEDIAPIPE_MODEL_WHEEL = "mediapipe==0.10.21"

#: member of the wheel -> (name inside the .task bundle, SHA-256, input mean, input std)
_MEMBERS = {
    "mediapipe/modules/pose_detection/pose_detection.tflite": (
        "pose_detector.tflite",
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        127.5,
        127.5,
    ),
    "mediapipe/modules/pose_landmark/pose_landmark_full.tflite": (
        "pose_landmarks_detector.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        0.0,
        255.0,
    ),
}


def default_task_path() -> Path:
    """Where the set-up step puts the bundle: inside the Python environment (``.venv/share``)."""
    return Path(sys.prefix) / "share" / "abspose" / "pose_landmarker_full.task"


@contextmanager
def _metadata_version_shim() -> Iterator[None]:
    """MediaPipe 1.x's metadata writer imports a compiled helper its wheel no longer ships.

    The helper only computes the metadata's minimum parser version; image normalization
    metadata needs parser 1.0.0, which every Tasks runtime reads. The shim exists only while
    the bundle is written.
    """
    name = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:
        __import__(name)
        yield
        return
    except ImportError:
        pass
    parents = ["mediapipe.tasks.cc", "mediapipe.tasks.cc.metadata", "mediapipe.tasks.cc.metadata.python"]
    added = [n for n in [*parents, name] if n not in sys.modules]
    shim = types.ModuleType(name)
    shim.GetMinimumMetadataParserVersion = lambda buffer: "1.0.0"  # type: ignore[attr-defined]
    for n in parents:
        sys.modules.setdefault(n, types.ModuleType(n))
    sys.modules[name] = shim
    sys.modules[parents[-1]]._pywrap_metadata_version = shim  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for n in added:
            sys.modules.pop(n, None)


def _with_metadata(model: bytes, name: str, mean: float, std: float) -> bytes:
    with _metadata_version_shim():
        from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, writer_utils

        n_outputs = len(writer_utils.get_output_tensor_types(bytearray(model)))
        writer = metadata_writer.MetadataWriter.create(bytearray(model))
        writer.add_general_info(name, "BlazePose (MediaPipe), from the mediapipe 0.10.21 wheel")
        writer.add_image_input([mean], [std])
        for _ in range(n_outputs):
            writer.add_feature_output()
        content, _json = writer.populate()
    return bytes(content)


def _download_wheel(folder: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q"]
    cmd += ["-d", str(folder), MEDIAPIPE_MODEL_WHEEL]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wheels = sorted(folder.glob("mediapipe-*.whl"))
    if proc.returncode or not wheels:
        raise AbsPoseError(
            f"could not download {MEDIAPIPE_MODEL_WHEEL} from the package index "
            f"({proc.stderr.strip()[-300:]}); "
            "download it elsewhere (pip download mediapipe==0.10.21 --no-deps) and pass it with --source"
        )
    return wheels[0]


def build_pose_landmarker_task(source: str | Path | None = None, out: str | Path | None = None) -> Path:
    """Write MediaPipe's pose-landmarker bundle from the networks in the mediapipe 0.10.21 wheel.

    Args:
        source: that wheel (``.whl``); None downloads it from the package index with pip.
        out: the bundle to write; default :func:`default_task_path`.

    Returns:
        The bundle's path. Raises :class:`AbsPoseError` when the wheel is missing, is not the
        expected one (checksums), or MediaPipe is not installed.
    """
    try:
        import mediapipe  # noqa: F401
    except ImportError as exc:
        raise AbsPoseError(
            "MediaPipe is not installed; install the extra: pip install 'abspose[mediapipe]'"
        ) from exc
    out = Path(out) if out is not None else default_task_path()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = Path(source) if source is not None else _download_wheel(Path(tmp))
        if not wheel.is_file():
            raise AbsPoseError(f"{wheel}: no such wheel; expected a {MEDIAPIPE_MODEL_WHEEL} .whl file")
        try:
            with zipfile.ZipFile(wheel) as zf:
                blobs = {member: zf.read(member) for member in _MEMBERS}
        except (zipfile.BadZipFile, KeyError) as exc:
            raise AbsPoseError(
                f"{wheel}: not a {MEDIAPIPE_MODEL_WHEEL} wheel with the BlazePose networks ({exc})"
            ) from exc
    models = {}
    for member, (name, sha256, mean, std) in _MEMBERS.items():
        digest = hashlib.sha256(blobs[member]).hexdigest()
        if digest != sha256:
            raise AbsPoseError(f"{wheel}: {member} has SHA-256 {digest}, expected {sha256}")
        models[name] = _with_metadata(blobs[member], name.removesuffix(".tflite"), mean, std)
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils

    with atomic_path(out) as tmp_out:  # members aligned in the zip, as MediaPipe's own bundles
        model_asset_bundle_utils.create_model_asset_bundle(models, tmp_out)
    return out
