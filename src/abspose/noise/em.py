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
    present = np.asarray(np.isfinite(e).all(-1))  # (N, J)
    n = int(present.sum())
    j = e.shape[1]
    mean = np.nanmean(e, axis=0)  # (J, 2)
    std = np.maximum(np.nanstd(e, axis=0), _MIN_STD)
    e = np.where(present[..., None], e, mean)  # missing entries get weight 0 below
    gamma = np.full(j, gamma_init)
    log_uniform = -2.0 * math.log(2.0 * half_width)
    trace: list[float] = []
    converged = False
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 (used after the loop)
        w, ll = _e_step(e, present, gamma, mean, std, log_uniform)
        trace.append(ll)
        if len(trace) > 1 and trace[-1] - trace[-2] < tolerance * n:
            converged = True
            break
        gamma, mean, std = _m_step(e, w, present)
    _, ll = _e_step(e, present, gamma, mean, std, log_uniform)
    trace.append(ll)
    model = ErrorModel(names, gamma, mean, std, half_width, provenance or {})
    return FitResult(model, np.asarray(trace), iterations, converged)


def _e_step(
    e: NDArray[np.float64],
    present: NDArray[np.bool_],
    gamma: NDArray[np.float64],
    mean: NDArray[np.float64],
    std: NDArray[np.float64],
    log_uniform: float,
) -> tuple[NDArray[np.float64], float]:
    """Responsibilities ``(N, J)`` of the Gaussian and the total log-likelihood."""
    z = (e - mean) / std  # (N, J, 2)
    log_gauss = -0.5 * np.einsum("njk,njk->nj", z, z) - np.log(2.0 * math.pi * std.prod(-1))
    with np.errstate(divide="ignore"):
        a = np.log(gamma) + log_gauss  # (N, J)
        b = np.log1p(-gamma) + log_uniform  # (J,)
    log_total = np.where(present, np.logaddexp(a, b), 0.0)
    w = np.where(present, np.exp(a - log_total), 0.0)
    return w, float(log_total.sum())


def _m_step(
    e: NDArray[np.float64], w: NDArray[np.float64], present: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    total = w.sum(0)  # (J,)
    gamma = total / present.sum(0)
    safe = np.maximum(total, 1e-12)[:, None]
    mean = np.einsum("nj,njk->jk", w, e) / safe
    d = e - mean
    var = np.einsum("nj,njk->jk", w, d * d) / safe
    return gamma, mean, np.sqrt(np.maximum(var, _MIN_STD**2))
