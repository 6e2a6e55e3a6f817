"""A tiny trained 2D estimator, shared by the estimator, backend and CLI tests."""

from __future__ import annotations

import pytest

from abspose.estimator2d.integral import IntegralPoseConfig, IntegralPoseNet
from abspose.estimator2d.train2d import Train2DConfig, evaluate_integral, train_integral

from .synthetic import synthetic_people

TINY = IntegralPoseConfig(layout="coco17", resnet_depth=18, base_width=16, input_size=64, deconv_channels=32)


@pytest.fixture(scope="session")
def overfit(tmp_path_factory):  # type: ignore[no-untyped-def]
    """(people, checkpoint, error before [px], history): 250 Adam steps on 4 synthetic people (~15 s)."""
    people = synthetic_people(4)
    path = tmp_path_factory.mktemp("est") / "tiny.safetensors"
    before = evaluate_integral(IntegralPoseNet(TINY), people)
    train = Train2DConfig(epochs=250, batch_size=4, lr=2e-3, optimizer="adam", lr_drop_epoch=10**6,
                          shift_px=0.0, flip=False, color_jitter=0.0, device="cpu")  # fmt: skip
    history = train_integral(people, TINY, train, path)
    return people, path, before, history
