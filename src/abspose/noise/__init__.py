"""2D detector error models: fit by EM (paper Alg. 1), sample, save; real error statistics
measured by leave-one-view-out on calibrated multi-camera captures."""

from abspose.noise.em import FitResult, fit_gaussian, fit_mixture
from abspose.noise.measure import pose_errors
from abspose.noise.model import DEFAULT_HALF_WIDTH, SHIPPED_ERROR_MODELS, ErrorModel, load_error_model
from abspose.noise.multiview import LeaveOneOut, leave_one_view_out, project_with, triangulate

__all__ = [
    "DEFAULT_HALF_WIDTH",
    "SHIPPED_ERROR_MODELS",
    "ErrorModel",
    "FitResult",
    "LeaveOneOut",
    "fit_gaussian",
    "fit_mixture",
    "leave_one_view_out",
    "load_error_model",
    "pose_errors",
    "project_with",
    "triangulate",
]
