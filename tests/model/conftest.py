import pytest

from abspose.data import MocapDataset, sample_dataset


@pytest.fixture(scope="session")
def tiny_dataset() -> MocapDataset:
    """The shipped walk as a 60-frame dataset (subject 2)."""
    return sample_dataset()
