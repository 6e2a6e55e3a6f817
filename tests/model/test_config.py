"""LifterConfig: stored in every checkpoint as JSON, validated, and readable when older."""

import json

import pytest

from abspose.errors import AbsPoseError
from abspose.model import LifterConfig


def test_config_json_round_trip_and_validation():
    cfg = LifterConfig(width=64, depth_target="direct", use_scale=False)
    assert LifterConfig.from_json(cfg.to_json()) == cfg
    with pytest.raises(AbsPoseError, match="fields"):
        LifterConfig.from_json('{"width": 3}')
    with pytest.raises(AbsPoseError, match="dropout"):
        LifterConfig(dropout=1.0)


def test_a_checkpoint_written_before_a_field_existed_reads_its_default():
    """spread_width came after the first checkpoints: a config without it has no spread head."""
    old = json.loads(LifterConfig(width=32, spread_width=0).to_json())
    del old["spread_width"]
    assert LifterConfig.from_json(json.dumps(old)) == LifterConfig(width=32)
    assert LifterConfig(num_joints=17).input_size == 37 and LifterConfig().output_size == 49
    assert LifterConfig(use_location=False, use_scale=False).input_size == 34
    with pytest.raises(AbsPoseError, match="not JSON"):
        LifterConfig.from_json("{")
