import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose import AbsPoseError
from abspose.data import (
    BodyScaleConfig,
    bone_lengths_mm,
    convert_bvh,
    random_bone_factors,
    sample_bvh_path,
    scale_bones,
    skeleton_stature_mm,
)
from abspose.skeletons import H36M17


@pytest.fixture(scope="module")
def poses():
    return convert_bvh(sample_bvh_path()).joints_world_mm


def test_unit_factors_change_nothing(poses):
    assert np.allclose(scale_bones(poses, np.ones((len(poses), 17))), poses)


@given(st.integers(0, 2**32 - 1))
def test_bones_scale_exactly_and_keep_directions(seed):
    poses = convert_bvh(sample_bvh_path()).joints_world_mm[:5]
    rng = np.random.default_rng(seed)
    factors = random_bone_factors(poses, BodyScaleConfig(), rng)
    out = scale_bones(poses, factors)
    before, after = bone_lengths_mm(poses), bone_lengths_mm(out)
    for parent, child in H36M17.bones:
        j = H36M17.index(child)
        assert np.allclose(after[child], factors[:, j] * before[child])
        d0 = poses[:, j] - poses[:, H36M17.index(parent)]
        d1 = out[:, j] - out[:, H36M17.index(parent)]
        assert np.allclose(np.cross(d0, d1), 0.0, atol=1e-6)
    # the lower ankle keeps its height above the floor
    assert np.allclose(out[:, [3, 6], 1].min(-1), poses[:, [3, 6], 1].min(-1))


def test_statures_land_in_the_target_range(poses, rng):
    many = np.tile(poses, (20, 1, 1))
    out = scale_bones(many, random_bone_factors(many, BodyScaleConfig(bone_log_std=0.0), rng))
    stature = skeleton_stature_mm(out)
    assert stature.min() >= 1450 - 1e-6 and stature.max() <= 2000 + 1e-6
    assert abs(stature.mean() - 1700) < 30 and 60 < stature.std() < 120
    # posture does not change the skeleton stature (a rigid rig)
    assert skeleton_stature_mm(poses).std() < 1.0


def test_left_and_right_get_the_same_factor(poses, rng):
    f = random_bone_factors(np.tile(poses, (2, 1, 1)), BodyScaleConfig(bone_log_std=0.1), rng)
    for left, right in H36M17.left_right_pairs:
        assert np.array_equal(f[:, H36M17.index(left)], f[:, H36M17.index(right)])
    assert f.min() > 0.5 and f.max() < 2.0 and f.std() > 0.05


def test_bad_config():
    with pytest.raises(AbsPoseError):
        BodyScaleConfig(stature_range_mm=(1900.0, 1500.0))
