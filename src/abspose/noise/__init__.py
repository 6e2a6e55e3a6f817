"""2D detector error models: fit by EM (paper Alg. 1), sample, save; real error statistics."""

from abspose.noise.em import FitResult, fit_gaussian, fit_mixture
from abspose.noise.model import DEFAULT_HALF_WIDTH, ErrorModel

__all__ = ["DEFAULT_HALF_WIDTH", "ErrorModel", "FitResult", "fit_gaussian", "fit_mixture"]
