import numpy as np
import pytest
import torch

from abspose import AbsPoseError
from abspose.evaluation import evaluate_lifter
from abspose.model import AbsPoseLifter, LifterConfig
from abspose.noise import ErrorModel
from abspose.skeletons import H36M17


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return AbsPoseLifter(LifterConfig(width=32)).eval()


def test_input_errors_degrade_and_zero_errors_change_nothing(model, tiny_dataset):
    clean = evaluate_lifter(model, tiny_dataset)
    zero = evaluate_lifter(model, tiny_dataset, input_errors=np.zeros((5, 17, 2)))
    assert np.allclose(clean.mpjpe_mm, zero.mpjpe_mm)
    big = ErrorModel.gaussian_only(H36M17.joint_names, np.zeros((17, 2)), np.full((17, 2), 0.3))
    noisy = evaluate_lifter(model, tiny_dataset, input_errors=big)
    assert not np.allclose(noisy.mpjpe_mm, clean.mpjpe_mm)
    with pytest.raises(AbsPoseError, match=r"\(M, 17, 2\)"):
        evaluate_lifter(model, tiny_dataset, input_errors=np.full((3, 17, 2), np.nan))


def test_known_stature_changes_only_the_size(model, tiny_dataset):
    plain = evaluate_lifter(model, tiny_dataset)
    known = evaluate_lifter(model, tiny_dataset, known_stature=True)
    assert plain.distance_mm.tolist() == known.distance_mm.tolist()
    assert not np.allclose(plain.root_error_mm, known.root_error_mm)
