"""Stable person ids across video frames, temporal smoothing of each person's root, and one
stature per person.

:class:`Tracker` matches this frame's boxes to the tracks of the previous frames by centre
distance relative to the person's size (Hungarian assignment, ``scipy``), which survives the
fast motion (jumps) where box overlap drops to zero. A track not seen for ``max_missed`` frames
ends; a person who comes back later gets a new id.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from abspose.errors import AbsPoseError, ShapeError

__all__ = [
    "OneEuroFilter",
    "PoseFilter",
    "RootSmoother",
    "TrackSkeleton",
    "TrackStature",
    "Tracker",
    "with_bone_lengths",
]


@dataclass
class _Track:
    id: int
    box_px: NDArray[np.float64]
    missed: int = 0


def _centres_and_sizes(boxes: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    centres = (boxes[:, :2] + boxes[:, 2:]) / 2.0
    sizes = np.maximum(np.hypot(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]), 1.0)
    return centres, sizes


@dataclass
class Tracker:
    """Assigns track ids to per-frame person boxes.

    Attributes:
        max_distance: a box continues a track when its centre moved less than this fraction of
            the person's box diagonal since the track was last seen.
        max_missed: frames a track survives without a match.
    """

    max_distance: float = 0.5
    max_missed: int = 10
    _tracks: list[_Track] = field(default_factory=list)
    _next_id: int = 0

    def __post_init__(self) -> None:
        if not self.max_distance > 0 or self.max_missed < 0:
            raise AbsPoseError("Tracker: expected max_distance > 0 and max_missed >= 0")

    @property
    def boxes_px(self) -> NDArray[np.float64]:
        """``(T, 4)`` last boxes of the live tracks (where to look in the next frame)."""
        return np.array([t.box_px for t in self._tracks]).reshape(-1, 4)

    def update(self, boxes_px: NDArray[np.float64]) -> NDArray[np.int64]:
        """``(P, 4)`` boxes ``(x0, y0, x1, y1)`` of this frame -> ``(P,)`` track ids."""
        boxes = np.asarray(boxes_px, dtype=np.float64).reshape(-1, 4)
        if not np.isfinite(boxes).all():
            raise ShapeError("boxes_px: expected finite (P, 4) boxes")
        ids = np.full(len(boxes), -1, dtype=np.int64)
        matched_tracks: set[int] = set()
        if len(boxes) and self._tracks:
            c_new, s_new = _centres_and_sizes(boxes)
            c_old, s_old = _centres_and_sizes(self.boxes_px)
            dist = np.linalg.norm(c_new[:, None] - c_old[None], axis=-1)  # (P, T)
            cost = dist / np.maximum(s_new[:, None], s_old[None])
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if cost[r, c] < self.max_distance:
                    track = self._tracks[c]
                    ids[r] = track.id
                    track.box_px, track.missed = boxes[r], 0
                    matched_tracks.add(c)
        for k, track in enumerate(self._tracks):
            if k not in matched_tracks:
                track.missed += 1
        self._tracks = [t for t in self._tracks if t.missed <= self.max_missed]
        for r in np.flatnonzero(ids < 0):
            ids[r] = self._next_id
            self._tracks.append(_Track(self._next_id, boxes[r]))
            self._next_id += 1
        return ids


@dataclass
class RootSmoother:
    """Exponential smoothing of each track's canonical root depth ``Z/f`` (in log space).

    ``strength`` 0 leaves the depth as lifted; 0.8 averages over about 5 frames. Only the depth
    along the pelvis ray is smoothed: the pelvis stays on its detected 2D point.
    """

    strength: float = 0.0
    _state: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.0 <= self.strength < 1.0:
            raise AbsPoseError(f"smoothing strength: expected 0 <= s < 1, got {self.strength}")

    def __call__(
        self, track_ids: NDArray[np.int64], canonical_depth: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """``(P,)`` ids and ``(P,)`` canonical depths -> ``(P,)`` smoothed canonical depths."""
        out = np.asarray(canonical_depth, dtype=np.float64).copy()
        for k, (tid, depth) in enumerate(zip(track_ids.tolist(), out.tolist(), strict=True)):
            log_depth = np.log(depth)
            if tid in self._state:
                log_depth = self.strength * self._state[tid] + (1.0 - self.strength) * log_depth
            self._state[tid] = log_depth
            out[k] = np.exp(log_depth)
        return out


@dataclass
class OneEuroFilter:
    """The One-Euro filter (Casiez, Roussel, Vogel, CHI 2012) on each track's joints.

    A first-order low-pass per coordinate whose cutoff rises with the coordinate's speed:
    ``cutoff = min_cutoff_hz + beta * |speed|`` (speed [mm/s], itself low-passed at
    ``d_cutoff_hz``). At rest it cuts jitter hard; when a limb moves fast the cutoff opens and
    the lag shrinks. Latency: a first-order low-pass delays a slow signal by
    ``1 / (2 pi cutoff)``, so at most ``1 / (2 pi min_cutoff_hz)`` (0.11 s at 1.5 Hz), less
    while moving (docs/pipeline.md measures it). Causal: it reads only past frames, so it
    suits live streams; times come from the frames (dropped frames are fine).

    Written here rather than taken from a library: the filter is a dozen lines, vectorized over
    a pose's 51 coordinates, and the packages that carry one (filterpy: Kalman, unreleased
    since 2018) would add a dependency and a motion model to tune.

    Attributes:
        min_cutoff_hz: the cutoff at rest [Hz]. beta: how fast it rises with speed [1/mm].
        d_cutoff_hz: the speed's own low-pass [Hz].
        reset_after_s: a track unseen this long starts afresh.

    >>> import numpy as np
    >>> filt, ids = OneEuroFilter(min_cutoff_hz=1.5, beta=0.0), np.array([7])
    >>> walk = [filt(ids, np.full((1, 17, 3), 1000.0 * t / 30), t / 30) for t in range(300)]  # 1 m/s
    >>> lag_s = float(1000.0 * 299 / 30 - walk[-1][0, 0, 0]) / 1000.0
    >>> round(lag_s, 3), round(1 / (2 * np.pi * 1.5), 3)  # trails by 1 / (2 pi fc)
    (0.106, 0.106)
    """

    min_cutoff_hz: float = 1.5
    beta: float = 0.002
    d_cutoff_hz: float = 1.0
    reset_after_s: float = 0.5
    _state: dict[int, tuple[float, NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (
            self.min_cutoff_hz > 0 and self.d_cutoff_hz > 0 and self.beta >= 0 and self.reset_after_s > 0
        ):
            raise AbsPoseError(
                "OneEuroFilter: expected min_cutoff_hz > 0, d_cutoff_hz > 0, beta >= 0 and "
                f"reset_after_s > 0, got {self.min_cutoff_hz}, {self.d_cutoff_hz}, {self.beta}, "
                f"{self.reset_after_s}"
            )

    @staticmethod
    def _alpha(cutoff_hz: NDArray[np.float64] | float, dt_s: float) -> NDArray[np.float64]:
        tau = 1.0 / (2.0 * np.pi * np.asarray(cutoff_hz, dtype=np.float64))
        return np.asarray(1.0 / (1.0 + tau / dt_s))

    def __call__(
        self, track_ids: NDArray[np.int64], joints_mm: NDArray[np.float64], time_s: float
    ) -> NDArray[np.float64]:
        """``(P,)`` ids, ``(P, J, 3)`` joints [mm] at ``time_s`` -> ``(P, J, 3)`` filtered joints."""
        joints = np.asarray(joints_mm, dtype=np.float64)
        if joints.ndim != 3 or joints.shape[-1] != 3 or len(joints) != len(track_ids):
            raise ShapeError(f"joints: expected (P, J, 3) for {len(track_ids)} ids, got {joints.shape}")
        out = joints.copy()
        for k, tid in enumerate(track_ids.tolist()):
            last = self._state.get(tid)
            dt = time_s - last[0] if last is not None else 0.0
            if last is None or not 0.0 < dt <= self.reset_after_s:
                self._state[tid] = (time_s, joints[k].copy(), np.zeros_like(joints[k]))
                continue
            _, previous, speed = last
            speed = speed + self._alpha(self.d_cutoff_hz, dt) * ((joints[k] - previous) / dt - speed)
            alpha = self._alpha(self.min_cutoff_hz + self.beta * np.abs(speed), dt)
            out[k] = previous + alpha * (joints[k] - previous)
            self._state[tid] = (time_s, out[k].copy(), speed)
        return out


@dataclass
class PoseFilter:
    """A person's root and root-relative pose filtered apart, each by a :class:`OneEuroFilter`.

    The root's depth jitters far more than the limbs move relative to it (hundreds of mm per
    frame against tens, ``benchmarks/joint_filter.py``), and a One-Euro filter reads such
    jitter as speed and opens its cutoff. So the pelvis gets a plain low-pass (``root``, beta
    0: a steady lag of ``1 / (2 pi root.min_cutoff_hz)``, 0.11 s at 1.5 Hz), and the pose
    relative to it a One-Euro filter that follows fast limbs (``pose``).

    Attributes:
        root: the pelvis's filter. pose: the root-relative joints' filter.
        root_index: the pelvis's index in the joint arrays (H36M-17's).
    """

    root: OneEuroFilter = field(default_factory=lambda: OneEuroFilter(min_cutoff_hz=1.5, beta=0.0))
    pose: OneEuroFilter = field(default_factory=lambda: OneEuroFilter(min_cutoff_hz=2.0, beta=0.005))
    root_index: int = 0

    def __call__(
        self, track_ids: NDArray[np.int64], joints_mm: NDArray[np.float64], time_s: float
    ) -> NDArray[np.float64]:
        """``(P,)`` ids, ``(P, J, 3)`` joints [mm] at ``time_s`` -> ``(P, J, 3)`` filtered joints."""
        joints = np.asarray(joints_mm, dtype=np.float64)
        if joints.ndim != 3 or joints.shape[-1] != 3:
            raise ShapeError(f"joints: expected (P, J, 3), got {joints.shape}")
        root = joints[:, self.root_index : self.root_index + 1]
        return self.pose(track_ids, joints - root, time_s) + self.root(track_ids, root, time_s)


@dataclass
class TrackStature:
    """One stature per track: a person's height does not change between frames.

    Each frame, every tracked person's implied stature (:func:`~abspose.model.predict.implied_stature_mm`:
    what the lifted pose stands for at its depth) joins that track's history; the track's
    stature is the median of its history so far (causal: no future frame is read), so one
    bad frame moves it little and the estimate settles as the track grows. Given each frame's
    weight (``1 / depth_sigma**2``: how sure the lifter was of that frame's depth), the
    median is weighted: frames the lifter was unsure of count less. ``track_video`` does not
    weight: on ``benchmarks/track_stature.py`` the weighted median gave 5.55% root depth error
    against 5.51% (one person's interval varies little within a clip). Rescaling each
    frame's pose about the camera centre to it keeps the projection, holds the stature (and
    so the bone lengths' scale) constant, and stops the depth breathing.

    Attributes:
        history: frames kept per track (the most recent).
    """

    history: int = 900
    _seen: dict[int, deque[tuple[float, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.history < 1:
            raise AbsPoseError(f"TrackStature: expected history >= 1 frames, got {self.history}")

    def __call__(
        self,
        track_ids: NDArray[np.int64],
        implied_mm: NDArray[np.float64],
        weights: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """``(P,)`` ids, ``(P,)`` implied statures [mm] and optional ``(P,)`` weights > 0 ->
        ``(P,)`` track statures [mm] (the plain median when every weight is equal)."""
        out = np.asarray(implied_mm, dtype=np.float64).copy()
        w = np.ones(len(out)) if weights is None else np.asarray(weights, dtype=np.float64)
        for k, (tid, height) in enumerate(zip(track_ids.tolist(), out.tolist(), strict=True)):
            seen = self._seen.setdefault(tid, deque(maxlen=self.history))
            if np.isfinite(height) and np.isfinite(w[k]) and w[k] > 0:
                seen.append((height, float(w[k])))
            if seen:
                out[k] = weighted_median(*np.asarray(seen).T)
        return out


def weighted_median(values: NDArray[np.float64], weights: NDArray[np.float64]) -> float:
    """The value at half the total weight (``np.median`` when all weights are equal)."""
    if np.ptp(weights) == 0:
        return float(np.median(values))
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])


def with_bone_lengths(joints_mm: NDArray[np.float64], lengths_mm: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(P, 17, 3)`` H36M-17 poses rebuilt from their root with ``(P, 17)`` bone lengths [mm]
    (the bone ending at each joint; the root's is ignored), every bone's direction kept."""
    from abspose.skeletons import H36M17

    out = np.array(joints_mm, dtype=np.float64, copy=True)
    for j in H36M17.topological_order:
        parent = H36M17.parent_indices[j]
        if parent < 0:
            continue
        d = joints_mm[:, j] - joints_mm[:, parent]
        d = d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-9)
        out[:, j] = out[:, parent] + lengths_mm[:, j, None] * d
    return out


@dataclass
class TrackSkeleton:
    """One skeleton per track: every bone at the running median of its lengths in the track's
    frames so far (causal), each frame's bone directions and root kept.

    Bones do not stretch; the lifter's per-frame bone lengths do (docs/results.md, "One
    stature and one skeleton per track"). Rebuilding every frame on the track's median bones
    removes that variation.

    Attributes:
        history: frames kept per track (the most recent).
    """

    history: int = 900
    _seen: dict[int, deque[NDArray[np.float64]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.history < 1:
            raise AbsPoseError(f"TrackSkeleton: expected history >= 1 frames, got {self.history}")

    def __call__(
        self,
        track_ids: NDArray[np.int64],
        joints_mm: NDArray[np.float64],
        directions_mm: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """``(P,)`` ids and ``(P, 17, 3)`` poses [mm] -> the poses on their tracks' skeletons.

        ``directions_mm``: ``(P, 17, 3)`` other poses to take the bone directions and root from
        (a temporal filter's output, whose averaging shortens bones), the lengths still
        learned from ``joints_mm``."""
        from abspose.data.mocap.augment import body_lengths_mm

        lengths = body_lengths_mm(joints_mm)  # (P, 17)
        median = np.empty_like(lengths)
        for k, tid in enumerate(track_ids.tolist()):
            seen = self._seen.setdefault(tid, deque(maxlen=self.history))
            seen.append(lengths[k])
            median[k] = np.median(np.stack(seen), axis=0)
        return with_bone_lengths(joints_mm if directions_mm is None else directions_mm, median)
