"""Lab marker trials (OpenSim TRC) to H36M-17 joint centres.

A TRC file is tab-separated: a header (``DataRate ... Units ...``), a row of marker names (each
spanning three columns), a row of ``X1 Y1 Z1 ...``, then ``Frame# Time`` and the coordinates;
a marker missing in a frame is left blank (read as NaN). OpenSim files are Y up.

:func:`opencap_joints_mm` places the H36M-17 joints from the marker set of OpenCap and
AddBiomechanics lab trials (``C7``, ``R_Sternum``, ``R_Shoulder`` (acromion), ``R_HJC``,
``r_knee`` and ``r_ankle`` (lateral), ``R_elbow_lat/med``, ``R_wrist_radius/ulna``, ``r.ASIS``,
``r.PSIS`` and their left twins). Every choice, in the order it is made:

* **hips**: the hip-joint-centre markers ``R_HJC`` / ``L_HJC`` (``*_HJC_reg``, regressed, where
  the first are missing); without either, Harrington et al. (2007, J. Biomech. 40:595) from the
  pelvis markers: in the pelvis frame, 0.24 PD + 9.9 mm back, 0.30 PW + 10.9 mm down, 0.33 PW +
  7.3 mm lateral of the mid-ASIS (PW: inter-ASIS width, PD: ASIS-PSIS depth).
* **pelvis**: the midpoint of the hips (as in Human3.6M).
* **knees / ankles**: the dynamic trials carry only the lateral markers, so the joint centre is
  the lateral marker moved medially along the pelvis's left-right axis by half the joint's
  marker-to-marker width, 60 mm at the knee and 41 mm at the ankle (measured on
  ``Subject4/static1``, which also has the medial markers: lateral to medial 119-120 mm at the
  knees, 81-84 mm at the ankles). Where medial markers exist (``*_mknee``, ``*_mankle``), the midpoint.
* **thorax**: midway between ``C7`` and the sternum marker (the mean of ``R_Sternum`` and
  ``L_Sternum``, or ``Sternum``), moved up by 30 mm along the trunk: Human3.6M's thorax sits at
  the base of the neck, above the sternum marker's level.
* **shoulders**: the acromion marker moved 45 mm down along the trunk (pelvis → thorax) and
  15 mm medially: the glenohumeral centre lies below and inside the acromion.
* **elbows / wrists**: the midpoints of the lateral and medial epicondyle markers and of the
  radial and ulnar styloid markers.
* **spine**: Human3.6M's definition (:func:`abspose.data.mocap.body.place_spine`).
* **neck/nose and head**: no trial has head markers, so they follow the trunk: neck/nose 117 mm
  above the thorax along the trunk, tilted 20° forward; head 115 mm beyond it along the trunk.
  These two joints carry no head motion of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from abspose.data.mocap.body import place_spine
from abspose.errors import DataError
from abspose.skeletons import H36M17

__all__ = ["TrcMarkers", "opencap_joints_mm", "read_trc"]

_UNITS_MM = {"mm": 1.0, "m": 1000.0, "cm": 10.0}


@dataclass(frozen=True)
class TrcMarkers:
    """Marker trajectories of one trial.

    Attributes:
        marker_names: M names.
        positions_mm: ``(F, M, 3)`` in the file's lab frame (OpenSim: Y up) [mm]; NaN where missing.
        rate_hz: frame rate.
    """

    marker_names: tuple[str, ...]
    positions_mm: NDArray[np.float64]
    rate_hz: float

    def has(self, name: str) -> bool:
        """Whether the trial has a marker of this name."""
        return name in self.marker_names

    def get(self, name: str) -> NDArray[np.float64]:
        """``(F, 3)`` one marker [mm]."""
        try:
            return self.positions_mm[:, self.marker_names.index(name)]
        except ValueError:
            raise DataError(f"marker {name!r} missing; the trial has {list(self.marker_names)}") from None


def read_trc(path: str | Path) -> TrcMarkers:
    """Read a TRC file; coordinates converted to millimetres from the header's ``Units``."""
    path = Path(path)
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    if len(lines) < 6 or not lines[0].startswith("PathFileType"):
        raise DataError(f"{path}: not a TRC file (expected a 'PathFileType' first line and a header)")
    header = dict(zip(lines[1].split(), lines[2].split(), strict=False))
    unit = header.get("Units", "")
    if unit not in _UNITS_MM:
        raise DataError(f"{path}: Units {unit!r} not understood; expected one of {sorted(_UNITS_MM)}")
    try:
        rate = float(header["DataRate"])
    except (KeyError, ValueError):
        raise DataError(f"{path}: no numeric DataRate in the header") from None
    names = [n.strip() for n in lines[3].split("\t")[2:] if n.strip()]
    rows = []
    if not names:
        raise DataError(f"{path}: no marker names on the fourth line (expected Frame#, Time, names...)")
    for number, line in enumerate(lines[5:], start=6):
        cells = line.split("\t")
        if len(cells) < 2 or not cells[0].strip():
            continue
        try:
            coords = [float(c) if c.strip() else np.nan for c in cells[2 : 2 + 3 * len(names)]]
        except ValueError:
            raise DataError(f"{path}: line {number}: expected tab-separated numbers") from None
        coords += [np.nan] * (3 * len(names) - len(coords))
        rows.append(coords)
    if not rows:
        raise DataError(f"{path}: the TRC file has no frames")
    pos = np.array(rows, dtype=np.float64).reshape(len(rows), len(names), 3) * _UNITS_MM[unit]
    return TrcMarkers(tuple(names), pos, rate)


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64]:
    result: NDArray[np.float64] = v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)
    return result


#: Gaps in a marker's trajectory up to this many frames are filled by linear interpolation.
MAX_GAP_FRAMES = 10


def _fill_gaps(x: NDArray[np.float64], max_gap: int = MAX_GAP_FRAMES) -> NDArray[np.float64]:
    """``(F, 3)`` with runs of at most ``max_gap`` missing frames interpolated linearly."""
    missing = np.isnan(x).any(-1)
    if not missing.any() or missing.all():
        return x
    out = x.copy()
    t = np.arange(len(x))
    for k in range(3):
        out[missing, k] = np.interp(t[missing], t[~missing], x[~missing, k])
    # Put back the long gaps (and the ends beyond the first/last seen frame).
    edges = np.diff(np.concatenate([[0], missing.astype(np.int8), [0]]))
    for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if stop - start > max_gap or start == 0 or stop == len(x):
            out[start:stop] = np.nan
    return out


def _first(m: TrcMarkers, *names: str) -> NDArray[np.float64] | None:
    """The first of ``names`` the trial has, with its gaps filled from the later ones, then
    short gaps interpolated."""
    out = None
    for n in names:
        if m.has(n):
            x = m.get(n)
            out = x.copy() if out is None else np.where(np.isnan(out), x, out)
    return None if out is None else _fill_gaps(out)


def _harrington(m: TrcMarkers, side: str) -> NDArray[np.float64]:
    ra, la = _first(m, "r.ASIS", "R.ASIS", "RASI"), _first(m, "L.ASIS", "LASI")
    rp, lp = _first(m, "r.PSIS", "R.PSIS", "RPSI"), _first(m, "L.PSIS", "LPSI")
    if ra is None or la is None or rp is None or lp is None:
        raise DataError("no hip joint centre markers and no ASIS/PSIS markers to regress them from")
    mid_asis, mid_psis = (ra + la) / 2, (rp + lp) / 2
    pw = np.linalg.norm(la - ra, axis=-1, keepdims=True)
    pd = np.linalg.norm(mid_asis - mid_psis, axis=-1, keepdims=True)
    left = _unit(la - ra)
    forward = _unit(mid_asis - mid_psis)
    forward = _unit(forward - np.sum(forward * left, -1, keepdims=True) * left)
    up = np.cross(forward, left)  # right-handed (left, up, forward): forward × left = up
    lateral = 1.0 if side == "l" else -1.0
    result: NDArray[np.float64] = (
        mid_asis - (0.24 * pd + 9.9) * forward - (0.30 * pw + 10.9) * up + lateral * (0.33 * pw + 7.3) * left
    )
    return result


def opencap_joints_mm(m: TrcMarkers) -> NDArray[np.float64]:
    """``(F, 17, 3)`` H36M-17 joints [mm] from an OpenCap / AddBiomechanics marker trial, in its
    lab frame (see the module docstring for each joint's definition). Gaps of up to
    :data:`MAX_GAP_FRAMES` are interpolated; frames with a longer gap are NaN."""
    j: dict[str, NDArray[np.float64]] = {}
    for side, S in (("l", "L"), ("r", "R")):
        hjc = _first(m, f"{S}_HJC", f"{S}_HJC_reg")
        j[f"{side}_hip"] = hjc if hjc is not None else _harrington(m, side)
    pelvis = (j["l_hip"] + j["r_hip"]) / 2
    left = _unit(j["l_hip"] - j["r_hip"])
    c7 = _first(m, "C7")
    sternum = _first(m, "Sternum")
    if m.has("R_Sternum") and m.has("L_Sternum"):
        sternum = (m.get("R_Sternum") + m.get("L_Sternum")) / 2
    if c7 is None or sternum is None:
        raise DataError("the trial lacks the C7 or sternum markers needed for the thorax")
    mid = (c7 + sternum) / 2
    up = _unit(mid - pelvis)
    thorax = mid + 30.0 * up
    up = _unit(thorax - pelvis)
    forward = _unit(np.cross(left, up))
    for side, S, sign in (("l", "L", 1.0), ("r", "R", -1.0)):
        for joint, lateral, medial, half in (
            ("knee", "knee", "mknee", 60.0),
            ("ankle", "ankle", "mankle", 41.0),
        ):
            lat = _first(m, f"{side}_{lateral}", f"{S}_{lateral}")
            med = _first(m, f"{side}_{medial}", f"{S}_{medial}")
            if lat is None:
                raise DataError(f"the trial lacks the {side}_{lateral} marker")
            j[f"{side}_{joint}"] = (lat + med) / 2 if med is not None else lat - sign * half * left
        acromion = _first(m, f"{S}_Shoulder")
        if acromion is None:
            raise DataError(f"the trial lacks the {S}_Shoulder (acromion) marker")
        j[f"{side}_shoulder"] = acromion - 45.0 * up - sign * 15.0 * left
        for joint, a, b in (("elbow", "elbow_lat", "elbow_med"), ("wrist", "wrist_radius", "wrist_ulna")):
            pa, pb = _first(m, f"{S}_{a}"), _first(m, f"{S}_{b}")
            if pa is None or pb is None:
                raise DataError(f"the trial lacks the {S}_{a} / {S}_{b} markers")
            j[f"{side}_{joint}"] = (pa + pb) / 2
    tilt = np.radians(20.0)
    j["pelvis"], j["thorax"] = pelvis, thorax
    j["spine"] = (pelvis + thorax) / 2
    j["nose"] = thorax + 117.0 * (np.cos(tilt) * up + np.sin(tilt) * forward)
    j["head_top"] = j["nose"] + 115.0 * up
    joints = np.stack([j[n] for n in H36M17.joint_names], axis=1)  # (F, 17, 3)
    seen = np.isfinite(joints).all(axis=(1, 2))
    if seen.any():
        joints[seen] = place_spine(joints[seen])
    return joints
