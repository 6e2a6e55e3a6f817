import numpy as np

from abspose.data import (
    BodyScaleConfig,
    convert_bvh,
    floor_height_mm,
    sample_bvh_path,
    sample_views,
    skeleton_stature_mm,
)


def test_sample_views_is_deterministic_and_varies_body_size():
    joints = np.tile(convert_bvh(sample_bvh_path()).joints_world_mm, (5, 1, 1))
    floor = floor_height_mm(joints)
    a = sample_views(joints, floor, np.random.default_rng(3))
    b = sample_views(joints, floor, np.random.default_rng(3))
    assert np.array_equal(a.joints_cam_mm, b.joints_cam_mm) and np.array_equal(a.stature_mm, b.stature_mm)
    assert a.stature_mm is not None and a.stature_mm.std() > 50.0
    # the recorded stature is the sampled body's: the camera transform keeps bone lengths
    assert np.allclose(skeleton_stature_mm(a.joints_cam_mm), a.stature_mm)
    fixed = sample_views(joints, floor, np.random.default_rng(3), augment=False)
    assert np.allclose(fixed.stature_mm, skeleton_stature_mm(joints))
    narrow = sample_views(
        joints, floor, np.random.default_rng(3), body=BodyScaleConfig(1700.0, 0.0, (1450.0, 2000.0), 0.0)
    )
    assert np.allclose(narrow.stature_mm, 1700.0)
