"""Fuzz targets for every file reader (slow suite): 0 tracebacks and 0 hangs.

Each reader gets mutations of a valid seed file (cut short, bytes flipped, bytes inserted,
lines dropped or doubled) and, for the JSON readers, arbitrary JSON documents. It must return
or raise :class:`AbsPoseError`; anything else, or a case running past its alarm, fails.
``ABSPOSE_FUZZ_EXAMPLES`` sets the cases per reader (10,000 by default).
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abspose import AbsPoseError

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("ABSPOSE_FUZZ_EXAMPLES", "10000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
ALARM_S = 20
_DIR = Path(tempfile.mkdtemp(prefix="abspose-fuzz-"))

_POSE = np.random.default_rng(0).uniform(200, 400, (17, 2)).round(1)
_TRIPLETS = np.c_[_POSE, np.ones(17)].ravel().tolist()
_BVH = """HIERARCHY
ROOT hip
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT chest
  {
    OFFSET 0 10 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    End Site
    {
      OFFSET 0 5 0
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.033333
0 90 0 0 0 0 0 0 0
1 90 0 5 0 0 10 0 0
"""
_TRC = (
    "PathFileType\t4\t(X/Y/Z)\tx.trc\n"
    "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n"
    "100\t100\t2\t2\tm\t100\t1\t2\n"
    "Frame#\tTime\tA\t\t\tB\n"
    "\t\tX1\tY1\tZ1\tX2\tY2\tZ2\n"
    "1\t0.00\t0.1\t0.2\t0.3\t0.4\t0.5\t0.6\n"
    "2\t0.01\t0.1\t0.2\t0.3\t0.4\t0.5\t0.7\n"
)
_YAML = (
    "%YAML:1.0\n---\nimage_width: 640\nimage_height: 480\ncamera_matrix: !!opencv-matrix\n"
    "   rows: 3\n   cols: 3\n   dt: d\n   data: [ 500., 0., 320., 0., 500., 240., 0., 0., 1. ]\n"
)


def _alarm(signum: int, frame: object) -> None:
    raise TimeoutError(f"a reader ran for more than {ALARM_S} s (a hang)")


@contextmanager
def _bounded():
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(ALARM_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    """Seed files cut, flipped, grown, with lines dropped or repeated."""
    n = len(seed)
    cut = st.integers(0, n).map(lambda k: seed[:k])
    flip = st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
        lambda edits: bytes(_edit(seed, edits))
    )
    insert = st.tuples(st.integers(0, n), st.binary(min_size=1, max_size=40)).map(
        lambda a: seed[: a[0]] + a[1] + seed[a[0] :]
    )
    lines = seed.split(b"\n")
    shuffle = st.lists(st.integers(0, len(lines) - 1), max_size=2 * len(lines)).map(
        lambda idx: b"\n".join(lines[i] for i in idx)
    )
    return st.one_of(cut, flip, insert, shuffle, st.binary(max_size=200))


def _edit(seed: bytes, edits: list[tuple[int, int]]) -> bytearray:
    out = bytearray(seed)
    for i, b in edits:
        out[i] = b
    return out


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=40,
)
_KEYS = ["keypoints", "confidences", "focal_px", "principal_px", "image_size", "layout", "people",
         "pose_keypoints_2d", "frames", "camera", "keypoints_px", "image_id", "K"]  # fmt: skip
json_docs = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(_KEYS), json_values, max_size=6),
    st.lists(st.dictionaries(st.sampled_from(_KEYS), json_values, max_size=4), max_size=4),
)


def _check(reader: Callable[[Path], object], name: str, data: bytes) -> None:
    path = _DIR / name
    path.write_bytes(data)
    with _bounded():
        try:
            reader(path)
        except AbsPoseError:
            pass


def _read_keypoints(path: Path) -> object:
    from abspose.io import read_keypoints

    return read_keypoints(path)


def _read_bvh(path: Path) -> object:
    from abspose.data import read_bvh

    return read_bvh(path)


def _read_trc(path: Path) -> object:
    from abspose.data.mocap.trc import opencap_joints_mm, read_trc

    markers = read_trc(path)
    try:
        return opencap_joints_mm(markers)
    except AbsPoseError:
        return markers


def _read_calibration(path: Path) -> object:
    from abspose.pipeline import resolve_intrinsics

    return resolve_intrinsics(640, 480, calibration=path)


def _read_dataset(path: Path) -> object:
    from abspose.data import MocapDataset

    return MocapDataset.load(path)


def _coco_detections(path: Path) -> object:
    from abspose.estimator2d import PrecomputedBackend

    return PrecomputedBackend.from_coco_results(path)


def _seed_npz(kind: str) -> bytes:
    import io

    buf = io.BytesIO()
    if kind == "keypoints":
        np.savez(buf, keypoints=_POSE[None], confidences=np.ones((1, 17)))
        return buf.getvalue()
    from abspose.data import sample_dataset

    path = _DIR / "seed.npz"
    sample_dataset().save(path)
    return path.read_bytes()


_SEEDS = {
    "abspose-json": json.dumps(
        {"keypoints": _POSE.tolist(), "focal_px": 1000, "image_size": [640, 480]}
    ).encode(),
    "coco-json": json.dumps([{"keypoints": _TRIPLETS}, {"keypoints": _TRIPLETS}]).encode(),
    "openpose-json": json.dumps({"people": [{"pose_keypoints_2d": _TRIPLETS + [0.0] * 24}]}).encode(),
}


@FUZZ
@given(data=st.one_of(*(_mutations(seed) for seed in _SEEDS.values())))
def test_keypoint_json_mutations(data):
    _check(_read_keypoints, "k.json", data)


@FUZZ
@given(doc=json_docs)
def test_keypoint_json_documents(doc):
    _check(_read_keypoints, "k.json", json.dumps(doc).encode())


@FUZZ
@given(doc=json_docs)
def test_coco_detection_documents(doc):
    _check(_coco_detections, "det.json", json.dumps(doc).encode())


@FUZZ
@given(
    data=_mutations(
        b"frame,time_s,person,joint,u_px,v_px,confidence\n0,0,0,pelvis,1,2,0.9\n0,0,0,r_hip,3,4,1\n"
    )
)
def test_pipeline_csv(data):
    _check(_read_keypoints, "k.csv", data)


@FUZZ
@given(data=_mutations(_BVH.encode()))
def test_bvh(data):
    _check(_read_bvh, "a.bvh", data)


@FUZZ
@given(data=_mutations(_TRC.encode()))
def test_trc(data):
    _check(_read_trc, "a.trc", data)


@FUZZ
@given(
    data=st.one_of(
        _mutations(
            json.dumps({"K": [[500, 0, 320], [0, 500, 240], [0, 0, 1]], "image_size": [640, 480]}).encode()
        ),
        json_docs.map(lambda d: json.dumps(d).encode()),
    )
)
def test_calibration_json(data):
    _check(_read_calibration, "cal.json", data)


@FUZZ
@given(data=_mutations(_YAML.encode()))
def test_calibration_yaml(data):
    _check(_read_calibration, "cal.yaml", data)


@FUZZ
@given(data=_mutations(_seed_npz("keypoints")))
def test_keypoints_npz(data):
    _check(_read_keypoints, "k.npz", data)


@FUZZ
@given(data=_mutations(_seed_npz("dataset")))
def test_dataset_npz(data):
    _check(_read_dataset, "d.npz", data)
