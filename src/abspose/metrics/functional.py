"""Pose error metrics as pure, batched functions (numpy; torch tensors are accepted).

All 3D inputs are ``(..., J, 3)`` [mm] in the same frame; results are in mm (or % for PCK and
AUC). ``reduction="mean"`` returns one float, ``"none"`` the per-pose values ``(...)``.

>>> import numpy as np
>>> gt = np.zeros((17, 3)); pred = gt + [0.0, 0.0, 10.0]
>>> mpjpe(pred, gt), mpjpe(pred, gt, align_root=False)
(0.0, 10.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from abspose._checks import check_points, check_same_shape
from abspose.errors import AbsPoseError
from abspose.skeletons import H36M17, Skeleton

__all__ = [
    "AUC_THRESHOLDS_MM",
    "PCK_THRESHOLD_MM",
    "RootErrors",
    "auc",
    "joint_errors",
    "mpjpe",
    "mrpe",
    "pa_mpjpe",
    "pck3d",
    "procrustes_align",
]

#: The 3DPCK threshold of the literature [mm].
PCK_THRESHOLD_MM = 150.0
#: AUC thresholds 0, 5, ..., 150 mm (31 values), as in MPI-INF-3DHP's evaluation.
AUC_THRESHOLDS_MM = np.linspace(0.0, 150.0, 31)

Reduction = Literal["mean", "none"]


def _pair(pred: Any, gt: Any, skeleton: Skeleton | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    joints = skeleton.num_joints if skeleton is not None else None
    p = check_points(pred, "pred_mm", dim=3, joints=joints)
    g = check_points(gt, "gt_mm", dim=3, joints=joints)
    check_same_shape(p, g, "pred_mm", "gt_mm")
    return p, g


def _reduce(values: NDArray[np.float64], reduction: Reduction) -> Any:
    if reduction == "mean":
        return float(values.mean())
    if reduction == "none":
        return values
    raise AbsPoseError(f"reduction: expected 'mean' or 'none', got {reduction!r}")


def _root_align(p: NDArray[np.float64], g: NDArray[np.float64], skeleton: Skeleton) -> tuple[Any, Any]:
    r = skeleton.root_index
    return p - p[..., r : r + 1, :], g - g[..., r : r + 1, :]


def joint_errors(
    pred_mm: Any, gt_mm: Any, *, align_root: bool = True, skeleton: Skeleton = H36M17
) -> NDArray[np.float64]:
    """``(..., J)`` Euclidean joint errors [mm], after subtracting each pose's root if asked."""
    p, g = _pair(pred_mm, gt_mm, skeleton if align_root else None)
    if align_root:
        p, g = _root_align(p, g, skeleton)
    result: NDArray[np.float64] = np.linalg.norm(p - g, axis=-1)
    return result


def mpjpe(
    pred_mm: Any,
    gt_mm: Any,
    *,
    align_root: bool = True,
    skeleton: Skeleton = H36M17,
    reduction: Reduction = "mean",
) -> Any:
    """Mean per-joint position error [mm] (Protocol 1), root-aligned by default.

    Args:
        pred_mm, gt_mm: ``(..., J, 3)`` joints [mm].
        align_root: subtract each pose's root joint first (the field's MPJPE).
        skeleton: the layout, for the root joint.
        reduction: ``"mean"`` (float) or ``"none"`` (``(...)`` per pose).
    """
    return _reduce(joint_errors(pred_mm, gt_mm, align_root=align_root, skeleton=skeleton).mean(-1), reduction)


def _similarity(p0: NDArray[np.float64], g0: NDArray[np.float64]) -> tuple[Any, Any]:
    """Best similarity per pose, ``g0 ≈ s R p0`` with det R = +1 (Umeyama), of centred poses
    given as ``(B, 3, J)`` (coordinates by joints).

    Horn's quaternion form: the rotation is the top eigenvector of a traceless symmetric 4x4
    matrix ``N`` built from the cross-covariance ``M = Σ p0 g0ᵀ``, and the top eigenvalue
    ``λ = σ1 + σ2 ± σ3`` gives the scale ``s = λ / Σ |p0|²``. The eigenvalue is the largest root
    of ``det(N - λI) = λ⁴ - 2|M|²λ² - 8 det(M) λ + det N``, found by Newton's method from the
    upper bound ``√3 |M|`` (monotone from above: all roots are real); the eigenvector is a row
    of ``adj(N - λI)`` (Theobald's QCP). All of it is elementwise over the batch, instead of one
    LAPACK SVD call per 3x3 matrix. Poses whose top eigenvalue is (nearly) double, where the
    rotation is not unique or the adjugate is too small to trust, fall back to the SVD.

    Returns:
        ``s (B,)`` and ``R (B, 3, 3)``.
    """
    var_p = np.einsum("naj,naj->n", p0, p0)
    # Batch last from here on: every entry below is one contiguous (B,) row.
    m = np.moveaxis(p0 @ np.swapaxes(g0, -1, -2), 0, -1).copy()  # (3, 3, B) M[a, b] = Σ p0_a g0_b
    (xx, xy, xz), (yx, yy, yz), (zx, zy, zz) = m
    n = np.empty((4, 4, m.shape[-1]))
    n[0, 0], n[1, 1], n[2, 2], n[3, 3] = xx + yy + zz, xx - yy - zz, yy - xx - zz, zz - xx - yy
    n[0, 1] = n[1, 0] = yz - zy
    n[0, 2] = n[2, 0] = zx - xz
    n[0, 3] = n[3, 0] = xy - yx
    n[1, 2] = n[2, 1] = xy + yx
    n[1, 3] = n[3, 1] = zx + xz
    n[2, 3] = n[3, 2] = yz + zy
    norm2 = np.einsum("ijb,ijb->b", m, m)
    c2, c1, c0 = -2.0 * norm2, -8.0 * _det3(m), _det4(n)
    lam = np.sqrt(3.0 * norm2)
    for _ in range(100):  # quadratic convergence: ~6 steps; a double root converges linearly
        lam2 = lam * lam
        f = (lam2 + c2) * lam2 + c1 * lam + c0
        df = (4.0 * lam2 + 2.0 * c2) * lam + c1
        step = np.divide(f, df, out=np.zeros_like(f), where=df > 0)
        lam -= step
        if not (np.abs(step) > 1e-15 * np.abs(lam)).any():
            break
    a = n.copy()
    for i in range(4):
        a[i, i] -= lam
    adj = _adjugate(a)  # (4, 4, B): each row is a multiple of the eigenvector
    size = np.einsum("ikb,ikb->ib", adj, adj)  # (4, B)
    best = size.argmax(0)
    cols = np.arange(len(best))
    q = adj[best, :, cols].T  # (4, B)
    qn = size[best, cols]
    unsure = ~(qn > (1e-6 * norm2**1.5) ** 2)  # (nearly) double eigenvalue, or all zero
    q /= np.sqrt(np.where(unsure, 1.0, qn))
    r = np.moveaxis(_quaternion_matrix(q), -1, 0)  # (B, 3, 3)
    if unsure.any():
        r[unsure], lam[unsure] = _rotation_svd(np.moveaxis(m[..., unsure], -1, 0))
    return lam / np.where(var_p > 0, var_p, 1.0), r


def _det3(m: NDArray[np.float64]) -> NDArray[np.float64]:
    """Determinants of ``(3, 3, B)`` matrices (batch last)."""
    result: NDArray[np.float64] = (
        m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
        - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
        + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0])
    )
    return result


_OTHERS = [[i for i in range(4) if i != k] for k in range(4)]
#: Index pairs selecting the 3x3 minor without row i and column k from a (4, 4, B) array.
_MINOR = [[np.ix_(_OTHERS[i], _OTHERS[k]) for k in range(4)] for i in range(4)]


def _adjugate(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """The adjugate of ``(4, 4, B)`` symmetric matrices (the cofactor matrix; batch last)."""
    out = np.empty_like(a)
    for i in range(4):
        for k in range(i, 4):
            out[i, k] = out[k, i] = (-1.0) ** (i + k) * _det3(a[_MINOR[i][k]])
    return out


def _det4(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Determinants of ``(4, 4, B)`` matrices, by cofactors of the first row."""
    result: NDArray[np.float64] = sum((-1.0) ** k * a[0, k] * _det3(a[_MINOR[0][k]]) for k in range(4))
    return result


def _quaternion_matrix(q: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(3, 3, B)`` rotations of unit quaternions ``(4, B)`` = (w, x, y, z) (Horn 1987)."""
    w, x, y, z = q
    ww, xx, yy, zz = w * w, x * x, y * y, z * z
    xy, xz, yz, wx, wy, wz = x * y, x * z, y * z, w * x, w * y, w * z
    return np.stack(
        [
            np.stack([ww + xx - yy - zz, 2 * (xy - wz), 2 * (xz + wy)]),
            np.stack([2 * (xy + wz), ww - xx + yy - zz, 2 * (yz - wx)]),
            np.stack([2 * (xz - wy), 2 * (yz + wx), ww - xx - yy + zz]),
        ]
    )


def _rotation_svd(m: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Rotations ``R`` maximizing ``tr(R M)`` (det +1) of ``(B, 3, 3)`` matrices, and that
    maximum, by SVD (the fallback)."""
    u, sv, vt = np.linalg.svd(m)
    d = np.sign(np.linalg.det(np.swapaxes(vt, -1, -2) @ np.swapaxes(u, -1, -2)))
    d = np.where(d == 0, 1.0, d)
    vt = vt.copy()
    vt[..., -1, :] *= d[..., None]
    sv = sv.copy()
    sv[..., -1] *= d
    return np.swapaxes(vt, -1, -2) @ np.swapaxes(u, -1, -2), sv.sum(-1)


#: Poses per block in the Procrustes functions: the block's temporaries (~2 MB) stay in the
#: CPU cache and are reused, instead of faulting in fresh pages for every 100k-pose array.
_BLOCK = 4096


def _centred_blocks(p: NDArray[np.float64], g: NDArray[np.float64]) -> Any:
    """Blocks of the flattened batch as centred ``(B, 3, J)`` copies (coordinates by joints:
    the centring and the 3x3 products then run along contiguous joint rows), with their
    slice and the ground truth's ``(B, 3, 1)`` centroid."""
    p = p.reshape(-1, *p.shape[-2:])
    g = g.reshape(-1, *g.shape[-2:])
    for start in range(0, len(p), _BLOCK):
        sl = slice(start, start + _BLOCK)
        pt = np.ascontiguousarray(np.swapaxes(p[sl], -1, -2))
        gt = np.ascontiguousarray(np.swapaxes(g[sl], -1, -2))
        mu_g = gt.mean(-1, keepdims=True)
        pt -= pt.mean(-1, keepdims=True)
        gt -= mu_g
        yield sl, pt, gt, mu_g


def procrustes_align(pred_mm: Any, gt_mm: Any) -> NDArray[np.float64]:
    """Align each ``(..., J, 3)`` predicted pose to the ground truth by a similarity transform.

    Finds scale ``s``, rotation ``R`` (det +1) and translation ``t`` minimizing
    ``||s R p + t - g||²`` per pose (Umeyama; computed in closed form, see :func:`_similarity`).

    Returns:
        ``(..., J, 3)`` the aligned prediction [mm].
    """
    p, g = _pair(pred_mm, gt_mm, None)
    out = np.empty(p.shape).reshape(-1, *p.shape[-2:])
    for sl, p0, g0, mu_g in _centred_blocks(p, g):
        scale, r = _similarity(p0, g0)
        out[sl] = np.swapaxes((scale[:, None, None] * r) @ p0 + mu_g, -1, -2)
    return out.reshape(p.shape)


def pa_mpjpe(pred_mm: Any, gt_mm: Any, *, reduction: Reduction = "mean") -> Any:
    """MPJPE after Procrustes alignment with scale (Protocol 2) [mm]."""
    p, g = _pair(pred_mm, gt_mm, None)
    errors = np.empty(p.shape[:-2]).reshape(-1)
    for sl, p0, g0, _ in _centred_blocks(p, g):
        scale, r = _similarity(p0, g0)
        diff = (scale[:, None, None] * r) @ p0  # (B, 3, J)
        diff -= g0
        errors[sl] = np.sqrt(np.einsum("naj,naj->nj", diff, diff)).mean(-1)
    return _reduce(errors.reshape(p.shape[:-2]), reduction)


@dataclass(frozen=True)
class RootErrors:
    """Mean root position error (MRPE, Eq. 10) and its per-axis parts [mm].

    Attributes:
        mrpe: mean Euclidean root error.
        x, y, z: mean absolute error along each camera axis.
        count: number of poses.
    """

    mrpe: float
    x: float
    y: float
    z: float
    count: int


def mrpe(pred_root_mm: Any, gt_root_mm: Any) -> RootErrors:
    """Mean root position error of ``(..., 3)`` camera-frame roots [mm], with X/Y/Z parts."""
    p = check_points(pred_root_mm, "pred_root_mm", dim=3, min_ndim=1)
    g = check_points(gt_root_mm, "gt_root_mm", dim=3, min_ndim=1)
    check_same_shape(p, g, "pred_root_mm", "gt_root_mm")
    diff = (p - g).reshape(-1, 3)
    axes = np.abs(diff).mean(0)
    return RootErrors(
        mrpe=float(np.linalg.norm(diff, axis=-1).mean()),
        x=float(axes[0]),
        y=float(axes[1]),
        z=float(axes[2]),
        count=diff.shape[0],
    )


def pck3d(
    pred_mm: Any,
    gt_mm: Any,
    *,
    threshold_mm: float = PCK_THRESHOLD_MM,
    skeleton: Skeleton = H36M17,
    reduction: Reduction = "mean",
) -> Any:
    """3DPCK [%]: share of joints within ``threshold_mm`` after root alignment."""
    err = joint_errors(pred_mm, gt_mm, align_root=True, skeleton=skeleton)
    return _reduce(100.0 * (err <= threshold_mm).mean(-1), reduction)


def auc(
    pred_mm: Any,
    gt_mm: Any,
    *,
    thresholds_mm: Any = AUC_THRESHOLDS_MM,
    skeleton: Skeleton = H36M17,
    reduction: Reduction = "mean",
) -> Any:
    """Area under the 3DPCK curve [%], the mean PCK over thresholds 0, 5, ..., 150 mm."""
    err = joint_errors(pred_mm, gt_mm, align_root=True, skeleton=skeleton)  # (..., J)
    t = np.asarray(thresholds_mm, dtype=np.float64)
    pck = (err[..., None] <= t).mean(-2)  # (..., T)
    return _reduce(100.0 * pck.mean(-1), reduction)
