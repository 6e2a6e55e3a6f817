"""Readers of the benchmark datasets' released files, each giving
:class:`~abspose.data.frames.CameraFrames`: Human3.6M (VideoPose3D's ``.npz``), Human3.6M and
MPI-INF-3DHP in MMPose's form, and the MPI-INF-3DHP test set as released. :func:`read_benchmark`
picks the reader by name, so callers (the CLI's ``evaluate --dataset``) keep no chain of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, get_args

from abspose.data.benchmarks.h36m import read_videopose3d
from abspose.data.benchmarks.mmpose import read_mmpose
from abspose.data.benchmarks.mpi_inf_3dhp import read_3dhp_test
from abspose.data.frames import CameraFrames, test_subjects
from abspose.errors import DataError

__all__ = ["BENCHMARKS", "Benchmark", "read_benchmark"]

Benchmark = Literal["h36m", "mmpose-h36m", "mmpose-3dhp", "3dhp-test"]
#: The benchmark names :func:`read_benchmark` takes.
BENCHMARKS: tuple[str, ...] = get_args(Benchmark)

_EXPECTED = {
    "h36m": "data_3d_h36m.npz [data_2d_h36m_<detector>.npz]",
    "mmpose-h36m": "h36m_test.npz",
    "mmpose-3dhp": "mpi_inf_3dhp_test_valid.npz",
    "3dhp-test": "the MPI-INF-3DHP folder",
}


def read_benchmark(
    kind: str,
    files: Sequence[str | Path],
    *,
    cameras: str | Path | None = None,
    trust_pickle: bool = False,
    protocol: str = "h36m-p1",
    universal: bool = False,
    subjects: str | None = None,
) -> CameraFrames:
    """The test frames of benchmark ``kind`` from its files.

    Args:
        kind: one of :data:`BENCHMARKS`.
        files: ``"h36m"``: ``data_3d_h36m.npz`` and optionally a ``data_2d_h36m_<detector>.npz``
            (its 2D replaces the projected ground truth); the others: their one file or folder.
        cameras: MMPose's cameras ``.pkl`` or its ``.json`` (the ``mmpose-*`` kinds only).
        trust_pickle: allow the restricted unpickler on the files' pickled parts.
        protocol: the Human3.6M protocol whose test subjects are kept (:data:`H36M_PROTOCOLS`).
        universal: MPI-INF-3DHP's universal (height-normalized) skeleton instead of the metric one.
        subjects: Human3.6M subjects to keep, e.g. ``"S9,S11"`` (overrides ``protocol``).

    Raises:
        DataError: an unknown kind, the wrong number of files, or no frame of the subjects asked.
    """
    if kind not in BENCHMARKS:
        raise DataError(f"benchmark: expected one of {', '.join(BENCHMARKS)}, got {kind!r}")
    paths = [Path(f) for f in files]
    if not paths or len(paths) > (2 if kind == "h36m" else 1):
        raise DataError(f"{kind}: expected {_EXPECTED[kind]}, got {[str(f) for f in paths]}")
    wanted = test_subjects(protocol, subjects)
    if kind == "h36m":
        frames = read_videopose3d(paths[0], paths[1] if len(paths) > 1 else None, trust_pickle=trust_pickle)
    elif kind == "3dhp-test":
        frames = read_3dhp_test(paths[0], universal=universal)
    else:
        if cameras is None:
            raise DataError(
                f"{kind}: expected the cameras file (cameras=, --cameras: MMPose's cameras .pkl or its .json)"
            )
        frames = read_mmpose(
            paths[0], cameras, "h36m" if kind == "mmpose-h36m" else "3dhp", trust_pickle=trust_pickle
        )
    if kind in ("h36m", "mmpose-h36m"):
        frames = frames.subjects(wanted)
        if len(frames) == 0:
            raise DataError(
                f"{frames.name}: no frames of subjects {list(wanted)}; pass the subjects the file holds "
                "(subjects=, --subjects), or every subject (protocol='all', --protocol all)"
            )
    return frames
