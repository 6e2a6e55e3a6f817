"""Bad inputs at every public entry point: each is refused with a library error whose message
says what was expected. docs/robustness.md holds the same table; this test checks that each
row's message is the one abspose actually gives (``FILE`` stands for the file's path; a
message ending in ``…`` is checked up to there, where a library's own text follows)."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from abspose import lift
from abspose.errors import AbsPoseError

DOC = Path(__file__).resolve().parents[1] / "docs" / "robustness.md"
GOOD = np.random.default_rng(0).uniform(200, 400, (17, 2))  # a spread-out pose in a 640x480 image
CAMERA = {"focal_px": 1000.0, "image_size": (640, 480)}


def _truncated_checkpoint(tmp: Path) -> Path:
    from abspose.api import default_model_path

    path = tmp / "lifter.safetensors"
    path.write_bytes(default_model_path().read_bytes()[:1000])
    return path


def _other_config_checkpoint(tmp: Path) -> Path:
    from abspose.model import AbsPoseLifter, Checkpoint, LifterConfig, save_checkpoint

    weights = AbsPoseLifter(LifterConfig(width=8)).state_dict()
    return save_checkpoint(tmp / "lifter.safetensors", Checkpoint(LifterConfig(width=16), weights))


def _pickle(tmp: Path) -> Path:
    import torch

    path = tmp / "lifter.pt"
    torch.save({"weights": torch.zeros(3)}, path)
    return path


def _estimator_as_lifter(tmp: Path) -> Path:
    from abspose.estimator2d.integral import (
        IntegralCheckpoint,
        IntegralPoseConfig,
        IntegralPoseNet,
        save_integral,
    )

    config = IntegralPoseConfig(resnet_depth=18, base_width=8, input_size=64)
    ckpt = IntegralCheckpoint(config, IntegralPoseNet(config).state_dict())
    return save_integral(tmp / "lifter.safetensors", ckpt)


def _text_file(tmp: Path, name: str) -> Path:
    path = tmp / name
    path.write_text("not what it claims to be")
    return path


def _empty_file(tmp: Path, name: str) -> Path:
    path = tmp / name
    path.write_bytes(b"")
    return path


def _image(path: Path) -> None:
    from abspose.pipeline import read_image

    read_image(path)


def _load(path: Path) -> None:
    from abspose.model import load_lifter

    load_lifter(path)


def _frames(path: Path) -> None:
    from abspose.pipeline import iter_frames

    list(iter_frames(path))


def _bvh(tmp: Path, text: str) -> None:
    from abspose.data import read_bvh

    path = tmp / "a.bvh"
    path.write_text(text)
    read_bvh(path)


def _keypoint_file(tmp: Path, text: str) -> None:
    from abspose.io import read_keypoints

    path = tmp / "k.json"
    path.write_text(text)
    read_keypoints(path)


def _calibration(tmp: Path, doc: object) -> None:
    from abspose.pipeline import resolve_intrinsics

    path = tmp / "cal.json"
    path.write_text(json.dumps(doc))
    resolve_intrinsics(884, 496, calibration=path)


def _huge_png(tmp: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)  # 1.6e9 pixels
    path = tmp / "a.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4001))
        + chunk(b"IEND", b"")
    )
    return path


_POSE = json.dumps(GOOD.tolist())

#: id -> (what goes in, the call)
CASES: dict[str, Callable[[Path], object]] = {
    "wrong-shape": lambda t: lift(np.zeros((17, 3)), **CAMERA),
    "nan": lambda t: lift(
        np.where(np.arange(17)[:, None] == 3, np.nan, GOOD), confidences=np.ones(17), **CAMERA
    ),
    "empty": lambda t: lift(np.zeros((0, 17, 2)), **CAMERA),
    "unknown-layout": lambda t: lift(GOOD, layout="openpose18", **CAMERA),
    "focal-zero": lambda t: lift(GOOD, focal_px=0.0, image_size=(640, 480)),
    "focal-absurd": lambda t: lift(GOOD, focal_px=1e9, image_size=(640, 480)),
    "principal-outside": lambda t: lift(GOOD, principal_px=(5000.0, 5000.0), **CAMERA),
    "keypoints-far-outside": lambda t: lift(GOOD * 1000.0, **CAMERA),
    "one-point": lambda t: lift(np.full((17, 2), 300.0), **CAMERA),
    "normalized-coordinates": lambda t: lift(GOOD / 640.0, **CAMERA),
    "too-few-joints": lambda t: lift(GOOD, confidences=np.r_[np.ones(5), np.zeros(12)], **CAMERA),
    "no-camera": lambda t: lift(GOOD),
    "truncated-checkpoint": lambda t: _load(_truncated_checkpoint(t)),
    "other-config-checkpoint": lambda t: _load(_other_config_checkpoint(t)),
    "pickle-checkpoint": lambda t: _load(_pickle(t)),
    "estimator-as-lifter": lambda t: _load(_estimator_as_lifter(t)),
    "unreadable-image": lambda t: _image(_text_file(t, "a.jpg")),
    "unreadable-video": lambda t: _frames(_text_file(t, "a.mp4")),
    "empty-video": lambda t: _frames(_empty_file(t, "b.mp4")),
    "bad-onnx": lambda t: lift(GOOD, model=_text_file(t, "lifter.onnx"), **CAMERA),
    "image-size-one-number": lambda t: lift(GOOD, focal_px=1000.0, image_size=(1280,)),
    "min-confidence-nan": lambda t: lift(GOOD, min_confidence=float("nan"), **CAMERA),
    "complex": lambda t: lift(GOOD + 1j, **CAMERA),
    "empty-bvh": lambda t: _bvh(t, ""),
    "cut-bvh": lambda t: _bvh(t, "HIERARCHY\nROOT hip\n{\n  OFFSET 0 0 0\n  CHANNELS 3 Xposition Yposition"),
    "openpose-null-person": lambda t: _keypoint_file(t, '{"people": [null]}'),
    "focal-not-a-number": lambda t: _keypoint_file(t, '{"keypoints": ' + _POSE + ', "focal_px": "abc"}'),
    "ragged-keypoints": lambda t: _keypoint_file(t, '{"keypoints": [' + _POSE + ", [[1, 2]]]}"),
    "deep-json": lambda t: _keypoint_file(t, "[" * 100_000 + "]" * 100_000),
    "calibration-bad-k": lambda t: _calibration(t, {"K": "x"}),
    "calibration-principal-outside": lambda t: _calibration(
        t, {"K": [[884, 0, 5000], [0, 884, 248], [0, 0, 1]]}
    ),
    "image-over-pixel-limit": lambda t: _image(_huge_png(t)),
}


def _documented() -> dict[str, tuple[str, str]]:
    """id -> (error class, message) from docs/robustness.md's table."""
    rows = {}
    for line in DOC.read_text().splitlines():
        m = re.match(r"\| `([a-z-]+)` \| [^|]+ \| `(\w+)` \| (.+) \|$", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3).strip().replace("\\|", "|"))
    return rows


def test_every_case_is_documented_and_nothing_else():
    assert set(_documented()) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_the_documented_error(case, tmp_path):
    with pytest.raises(AbsPoseError) as info:
        CASES[case](tmp_path)
    message = str(info.value).replace(str(tmp_path) + "/", "").replace(str(tmp_path), "")
    files = ("lifter.safetensors", "lifter.pt", "lifter.onnx", "a.jpg", "a.mp4", "b.mp4", "a.bvh", "k.json")
    for name in (*files, "cal.json", "a.png"):
        message = message.replace(name, "FILE")
    kind, documented = _documented()[case]
    row = f"| `{case}` | ... | `{type(info.value).__name__}` | {message} |"
    assert type(info.value).__name__ == kind, row
    if documented.endswith("…"):
        assert message.startswith(documented[:-1]), row
    else:
        assert message == documented, row
