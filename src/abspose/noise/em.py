"""Fitting the error model: EM for the Gaussian + uniform mixture (Alg. 1), and one Gaussian.

EM, vectorized over joints (all joints fit at once, independently):

- init: μ, σ from a single Gaussian fit of each joint's errors, γ = 0.9;
- E-step: responsibility of the Gaussian for each error,
  ``w = γ N(e; μ, Σ) / (γ N(e; μ, Σ) + (1 - γ) / v)`` (the paper's printed Alg. 1 writes γ
  in the uniform's numerator: that is not the posterior; this is);
- M-step: ``γ = mean(w)``, ``μ = Σ w e / Σ w``, ``σ² = Σ w (e - μ)² / Σ w`` per axis.

The uniform density ``1/v`` is used for every error, as in the paper, also for errors
outside the box (they are then outliers almost surely); samples drawn from the fitted model
put outliers inside the box. The log-likelihood never decreases (EM's guarantee; tested).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> errors = rng.normal(0.0, 0.05, (20000, 3, 2))
>>> fit = fit_mixture(errors, ("a", "b", "c"))
>>> bool(np.allclose(fit.model.std, 0.05, rtol=0.05)), bool((fit.model.gamma > 0.97).all())
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from abspose._checks import as_float_array
from abspose.errors import AbsPoseError, ShapeError
from abspose.noise.model import DEFAULT_HALF_WIDTH, ErrorModel

__all__ = ["FitResult", "fit_gaussian", "fit_mixture"]

_MIN_STD = 1e-6


@dataclass(frozen=True)
class FitResult:
    """A fitted model and its EM trace.

    Attributes:
        model: the fitted :class:`ErrorModel`.
        log_likelihood: ``(iterations + 1,)`` total log-likelihood before each M-step and at the end.
        iterations: EM iterations run.
        converged: whether the relative improvement fell below the tolerance.
    """

    model: ErrorModel
    log_likelihood: NDArray[np.float64]
    iterations: int
    converged: bool


def _check_errors(errors: Any, joint_names: tuple[str, ...]) -> NDArray[np.float64]:
    e = as_float_array(errors, "errors")
    if e.ndim != 3 or e.shape[1:] != (len(joint_names), 2):
        raise ShapeError(f"errors: expected shape (N, {len(joint_names)}, 2), got {e.shape}")
    if np.isfinite(e.sum()):  # the common case, in one pass: nothing missing, nothing infinite
        if len(e) < 2:
            raise AbsPoseError(f"errors: expected at least 2 finite error samples per joint, got {len(e)}")
        return e
    if np.isinf(e).any():
        raise AbsPoseError("errors: expected finite values or NaN (missing), got inf")
    counts = np.isfinite(e).all(-1).sum(0)
    if (counts < 2).any():
        few = [joint_names[j] for j in np.flatnonzero(counts < 2)]
        raise AbsPoseError(f"errors: expected at least 2 finite error samples per joint; {few} have fewer")
    return e


def fit_gaussian(
    errors: Any, joint_names: tuple[str, ...], provenance: dict[str, Any] | None = None
) -> ErrorModel:
    """Fit one Gaussian per joint to ``(N, J, 2)`` errors [σ_pose] (maximum likelihood); NaN
    rows are missing detections and are skipped."""
    e = _check_errors(errors, tuple(joint_names))
    std = np.maximum(np.nanstd(e, axis=0), _MIN_STD)
    return ErrorModel.gaussian_only(tuple(joint_names), np.nanmean(e, axis=0), std, provenance)


def fit_mixture(
    errors: Any,
    joint_names: tuple[str, ...],
    *,
    half_width: float = DEFAULT_HALF_WIDTH,
    gamma_init: float = 0.9,
    max_iterations: int = 200,
    tolerance: float = 1e-7,
    provenance: dict[str, Any] | None = None,
) -> FitResult:
    """Fit ``γ N(μ, diag σ²) + (1-γ)/v`` per joint to ``(N, J, 2)`` errors [σ_pose] by EM.

    Args:
        errors: ``(N, J, 2)`` errors, detected minus true, divided by the pose scale σ_pose;
            NaN marks a missing detection (skipped).
        joint_names: the J joint names.
        half_width: half-width ``h`` of the uniform box [σ_pose]; ``v = (2h)²``.
        gamma_init: initial Gaussian weight (the paper: 0.9).
        max_iterations: iteration cap.
        tolerance: stop when the log-likelihood gains less than ``tolerance`` per error.
        provenance: stored in the model (data, detector, command).
    """
    names = tuple(joint_names)
    e = _check_errors(errors, names)
    if not half_width > 0 or not 0 < gamma_init < 1:
        raise AbsPoseError(f"expected half_width > 0 and 0 < gamma_init < 1, got {half_width}, {gamma_init}")
    data = _Errors(e)
    gamma = np.full(len(names), gamma_init)
    mean, std = data.gaussian()
    log_uniform = -2.0 * math.log(2.0 * half_width)
    trace: list[float] = []
    converged = False
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 (used after the loop)
        trace.append(data.e_step(gamma, mean, std, log_uniform))
        if len(trace) > 1 and trace[-1] - trace[-2] < tolerance * data.total:
            converged = True
            break
        gamma, mean, std = data.m_step()
    trace.append(data.e_step(gamma, mean, std, log_uniform))
    model = ErrorModel(names, gamma, mean, std, half_width, provenance or {})
    return FitResult(model, np.asarray(trace), iterations, converged)


class _Errors:
    """The errors laid out for EM: one contiguous ``(J, N)`` row per joint and axis, centred on
    the joint's mean, squares precomputed, and work buffers reused by every iteration (each
    pass is one numpy ufunc writing in place: about 15 passes over the data per iteration,
    instead of allocating a new array per operation)."""

    def __init__(self, e: NDArray[np.float64]) -> None:
        self.x = np.ascontiguousarray(e[..., 0].T)  # (J, N)
        self.y = np.ascontiguousarray(e[..., 1].T)
        self.mask: NDArray[np.float64] | None = None  # (J, N) 1 where the joint was detected
        if not np.isfinite(e.sum()):
            present = np.isfinite(self.x) & np.isfinite(self.y)
            self.mask = present.astype(np.float64)
            self.x = np.where(present, self.x, 0.0)  # weight 0 below
            self.y = np.where(present, self.y, 0.0)
        self.count = self.mask.sum(1) if self.mask is not None else np.full(len(self.x), float(e.shape[0]))
        self.total = float(self.count.sum())
        # Centred on each joint's mean, so that E[x²] - E[x]² loses no digits to a large offset.
        self.offset = np.stack([self.x.sum(1), self.y.sum(1)], -1) / self.count[:, None]  # (J, 2)
        self.x -= self.offset[:, 0:1]
        self.y -= self.offset[:, 1:2]
        if self.mask is not None:
            self.x *= self.mask
            self.y *= self.mask
        self.x2, self.y2 = self.x * self.x, self.y * self.y
        self.s = np.empty_like(self.x)  # -log-odds of the Gaussian, then its responsibility
        self.t = np.empty_like(self.x)
        self.w = np.empty_like(self.x)

    def _moments(self, w: Any, total: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Weighted mean and standard deviation per joint and axis, ``(J, 2)`` each."""

        def dot(a: NDArray[np.float64]) -> NDArray[np.float64]:
            out: NDArray[np.float64] = np.einsum("jn,jn->j", w, a) if w is not None else a.sum(1)
            return out

        safe = np.maximum(total, 1e-12)
        mean = np.stack([dot(self.x), dot(self.y)], -1) / safe[:, None]
        var = np.stack([dot(self.x2), dot(self.y2)], -1) / safe[:, None] - mean**2
        return mean + self.offset, np.sqrt(np.maximum(var, _MIN_STD**2))

    def gaussian(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The single-Gaussian fit (EM's start)."""
        return self._moments(self.mask, self.count)

    def e_step(
        self,
        gamma: NDArray[np.float64],
        mean: NDArray[np.float64],
        std: NDArray[np.float64],
        log_uniform: float,
    ) -> float:
        """Store the Gaussian's responsibilities and return the total log-likelihood.

        With ``a = log γ N(e)`` and ``b = log (1-γ)/v``, ``s = b - a``: the responsibility is
        ``1 / (1 + exp(s))`` and the log-likelihood ``b - s + log(1 + exp(s))`` (``s`` clipped
        at 700, where both are exact to double precision)."""
        with np.errstate(divide="ignore"):
            b = np.log1p(-gamma) + log_uniform  # (J,)
            c = np.log(gamma) - np.log(2.0 * math.pi * std.prod(-1)) - b  # (J,) a - b at e = μ
        k = math.sqrt(0.5) / std  # (J, 2)
        mean = mean - self.offset
        s, t, w = self.s, self.t, self.w
        np.subtract(self.x, mean[:, 0:1], out=s)
        np.multiply(s, k[:, 0:1], out=s)
        np.square(s, out=s)
        np.subtract(self.y, mean[:, 1:2], out=t)
        np.multiply(t, k[:, 1:2], out=t)
        np.square(t, out=t)
        np.add(s, t, out=s)  # Mahalanobis² / 2
        np.subtract(s, c[:, None], out=s)
        np.minimum(s, 700.0, out=s)
        np.exp(s, out=w)
        np.log1p(w, out=t)
        np.subtract(t, s, out=t)  # log-likelihood - b
        if self.mask is None:
            ll = float(t.sum()) + float((b * self.count).sum())
        else:
            ll = float(np.einsum("jn,jn->", t, self.mask)) + float((b * self.count).sum())
        np.add(w, 1.0, out=w)
        np.reciprocal(w, out=w)
        if self.mask is not None:
            np.multiply(w, self.mask, out=w)
        return ll

    def m_step(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """γ, μ, σ from the stored responsibilities."""
        total = self.w.sum(1)  # (J,)
        mean, std = self._moments(self.w, total)
        return total / self.count, mean, std
