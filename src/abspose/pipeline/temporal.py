"""The temporal lifter in a video stream: each track's 2D over a window, lifted again.

:func:`relift_tracks` takes the per-frame stream of :func:`~abspose.pipeline.track_video` (ids
assigned, every person lifted frame by frame) and lifts every person again with a
:class:`~abspose.model.temporal.TemporalLifter` from their track's window of 2D poses (missing
joints as the per-frame lift filled them in). The symmetric model needs ``(rf - 1) / 2`` later
frames, so frames come out that many frames late (all of them at the end of the stream); the
causal one lifts each frame as it comes. Where a track has fewer frames than the window (its
start, its end), its first or last frame is repeated, as VideoPose3D pads.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from abspose.skeletons import H36M17

if TYPE_CHECKING:
    from abspose.model.temporal import TemporalLifter
    from abspose.pipeline.run import PeopleInFrame

__all__ = ["relift_tracks"]


def _filled_keypoints(frame: PeopleInFrame) -> NDArray[np.float64]:
    """``(P, 17, 2)`` square-pixel keypoints, the joints the per-frame lift filled in taken
    from its pose's projection (what that lift saw)."""
    cams = frame.lifted.camera
    kp = cams.square_pixels(frame.keypoints_px)  # NaN where filled in
    projected = cams.square_pixels(cams.project(frame.lifted.joints_cam_mm))
    return np.where(np.isfinite(kp), kp, projected)


def relift_tracks(frames: Iterator[PeopleInFrame], model: TemporalLifter) -> Iterator[PeopleInFrame]:
    """``frames`` (tracked, per-frame lifted) with every person's pose and depth from ``model``.

    The depth interval is left unknown (NaN): the temporal model has no spread head.
    """
    import torch

    from abspose.geometry import equations as eq

    c = model.config
    before, after = c.target_offset, c.receptive_field - 1 - c.target_offset
    history: dict[int, deque[tuple[int, NDArray[np.float64]]]] = {}
    pending: deque[PeopleInFrame] = deque()

    def relifted(frame: PeopleInFrame) -> PeopleInFrame:
        if len(frame.track_ids) == 0:
            return frame
        windows = []
        for tid in frame.track_ids.tolist():
            seen = history[tid]
            at = next(k for k, (index, _) in enumerate(seen) if index == frame.index)
            rows = np.clip(np.arange(at - before, at + after + 1), 0, len(seen) - 1)  # edge padding
            windows.append(np.stack([seen[int(k)][1] for k in rows]))
        kp = np.stack(windows)  # (P, rf, 17, 2)
        lifted = frame.lifted
        with torch.inference_mode():
            out = model(
                torch.from_numpy(kp.astype(np.float32)),
                torch.from_numpy(lifted.principal_px.astype(np.float32)),
            )
        canonical = out.depth.double().numpy()
        rel = out.joints_rel_mm.double().numpy()
        root_px = kp[:, before, H36M17.root_index]
        root = eq.root_position(root_px, lifted.principal_px, canonical, lifted.focal_px)  # Eq. 5-6
        # square pixels in, so the square-pixel camera's 3D: the true camera's (lift() does the same)
        return replace(
            frame,
            lifted=replace(
                lifted,
                joints_cam_mm=rel + root[:, None, :],
                root_cam_mm=root,
                canonical_depth=canonical,
                depth_log_halfwidth=np.full((len(canonical), 2), np.nan),
            ),
        )

    for frame in frames:
        kp = _filled_keypoints(frame)
        for k, tid in enumerate(frame.track_ids.tolist()):
            seen = history.setdefault(tid, deque(maxlen=c.receptive_field + after + 1))
            seen.append((frame.index, kp[k]))
        pending.append(frame)
        while len(pending) > after:
            yield relifted(pending.popleft())
        for tid in [t for t, seen in history.items() if seen[-1][0] < frame.index - 2 * c.receptive_field]:
            del history[tid]  # a track long gone
    while pending:
        yield relifted(pending.popleft())
