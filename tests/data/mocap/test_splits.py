"""The fixed split of the motion capture by person."""

import pytest

from abspose.data import SPLITS, split_subjects
from abspose.errors import AbsPoseError


def test_splits_are_disjoint_people():
    train, val, test = (set(split_subjects(s)) for s in ("train", "val", "test"))
    assert train and val and test
    assert not (train & val) and not (train & test) and not (val & test)
    assert set(SPLITS) == {"train", "val", "test"}
    with pytest.raises(AbsPoseError, match="unknown split"):
        split_subjects("holdout")
