import pytest
import torch

from abspose._device import resolve_device
from abspose.errors import AbsPoseError


def test_auto_picks_cuda_only_when_present():
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")


def test_bad_names_are_refused_with_the_choices():
    with pytest.raises(AbsPoseError, match="auto, cpu, cuda"):
        resolve_device("gpu0")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_says_so():
    with pytest.raises(AbsPoseError, match="not available"):
        resolve_device("cuda:0")
