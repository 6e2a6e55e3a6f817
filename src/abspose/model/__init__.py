"""The AbsPoseLifter network, its loss, training loop, checkpoints and prediction.

Importing this subpackage imports torch; ``import abspose`` alone does not.
"""

from abspose.model.checkpoint import Checkpoint, load_checkpoint, load_lifter, save_checkpoint
from abspose.model.config import LifterConfig
from abspose.model.loss import lifter_loss
from abspose.model.network import AbsPoseLifter, LifterOutput, NormalizationLayer
from abspose.model.predict import Prediction, predict, predict_flip_test
from abspose.model.train import EpochStats, TrainConfig, train_lifter
from abspose.model.uncertainty import SpreadFit, fit_depth_spread

__all__ = [
    "AbsPoseLifter",
    "Checkpoint",
    "EpochStats",
    "LifterConfig",
    "LifterOutput",
    "NormalizationLayer",
    "Prediction",
    "SpreadFit",
    "TrainConfig",
    "fit_depth_spread",
    "lifter_loss",
    "load_checkpoint",
    "load_lifter",
    "predict",
    "predict_flip_test",
    "save_checkpoint",
    "train_lifter",
]
