"""Score lifters: on benchmark frames (Human3.6M, MPI-INF-3DHP, MMPose files, real captures)
and on motion-capture subjects under virtual cameras, with one scorer and one report type."""

from abspose.evaluation.frames import (
    Evaluation,
    evaluate_frames,
    plot_evaluation,
    predict_frames,
    score_frames,
)
from abspose.evaluation.virtual import evaluate_lifter

__all__ = [
    "Evaluation",
    "evaluate_frames",
    "evaluate_lifter",
    "plot_evaluation",
    "predict_frames",
    "score_frames",
]
