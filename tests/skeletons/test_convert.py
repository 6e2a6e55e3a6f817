import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose import AbsPoseError, ShapeError
from abspose.skeletons import (
    BODY25,
    COCO17,
    H36M17,
    LAYOUTS,
    MEDIAPIPE33,
    conversion_matrix,
    convert_to_h36m17,
)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_conversion_rows_sum_to_one(layout):
    # Affine combinations: converting commutes with translating the keypoints. A row may be
    # empty only for a joint the layout lacks (mpii16's nose), which comes out missing.
    sums = conversion_matrix(layout).sum(1)
    empty = ~(conversion_matrix(layout) != 0).any(1)
    assert np.allclose(sums[~empty], 1.0)
    assert [H36M17.joint_names[j] for j in np.flatnonzero(empty)] == (["nose"] if layout == "mpii16" else [])


def test_h36m_identity(rng):
    x = rng.normal(size=(3, 17, 2))
    conf = rng.uniform(size=(3, 17))
    out = convert_to_h36m17(x, "h36m17", conf)
    assert np.array_equal(out.keypoints, x) and np.array_equal(out.confidences, conf)
    assert out.keypoints is not x and out.confidences is not conf  # copies, never the caller's arrays


@given(st.integers(0, 2**32 - 1), st.sampled_from(["coco17", "body25", "mediapipe33"]))
def test_conversion_is_translation_equivariant(seed, layout):
    rng = np.random.default_rng(seed)
    src = rng.normal(size=(LAYOUTS[layout].num_joints, 2)) * 100
    shift = rng.normal(size=2) * 500
    a = convert_to_h36m17(src + shift, layout).keypoints
    b = convert_to_h36m17(src, layout).keypoints + shift
    assert np.allclose(a, b)


def test_coco_mapping_by_name(rng):
    coco = rng.normal(size=(17, 2))
    h = convert_to_h36m17(coco, "coco17").keypoints
    c = COCO17.index
    assert np.allclose(h[H36M17.index("l_wrist")], coco[c("l_wrist")])
    assert np.allclose(h[H36M17.index("pelvis")], (coco[c("l_hip")] + coco[c("r_hip")]) / 2)
    thorax = (coco[c("l_shoulder")] + coco[c("r_shoulder")]) / 2
    assert np.allclose(h[H36M17.index("thorax")], thorax)
    assert np.allclose(h[H36M17.index("spine")], (h[H36M17.index("pelvis")] + thorax) / 2)
    ears = (coco[c("l_ear")] + coco[c("r_ear")]) / 2
    assert np.allclose(h[H36M17.index("head_top")], ears + 0.5 * (ears - thorax))


def test_body25_uses_its_neck_and_mid_hip(rng):
    src = rng.normal(size=(25, 2))
    h = convert_to_h36m17(src, "body25").keypoints
    assert np.allclose(h[H36M17.index("thorax")], src[BODY25.index("neck")])
    assert np.allclose(h[H36M17.index("pelvis")], src[BODY25.index("mid_hip")])


def test_mediapipe_and_confidence_is_min_of_sources(rng):
    src = rng.normal(size=(2, 33, 2))
    conf = rng.uniform(size=(2, 33))
    out = convert_to_h36m17(src, "mediapipe33", conf)
    m = MEDIAPIPE33.index
    assert out.confidences is not None and out.confidences.shape == (2, 17)
    assert np.allclose(
        out.confidences[:, H36M17.index("pelvis")], np.minimum(conf[:, m("l_hip")], conf[:, m("r_hip")])
    )
    assert np.allclose(out.confidences[:, H36M17.index("r_knee")], conf[:, m("r_knee")])


def test_bad_inputs():
    with pytest.raises(AbsPoseError, match="unknown layout"):
        convert_to_h36m17(np.zeros((17, 2)), "openpose18")
    with pytest.raises(ShapeError, match="25"):
        convert_to_h36m17(np.zeros((17, 2)), "body25")
    with pytest.raises(ShapeError, match="confidences"):
        convert_to_h36m17(np.zeros((17, 2)), "coco17", np.ones(16))


def test_mpii16_has_no_nose_and_keeps_its_own_joints() -> None:
    import numpy as np

    from abspose.skeletons import H36M17, MPII16, convert_to_h36m17

    rng = np.random.default_rng(0)
    pts = rng.normal(0, 100, (3, 16, 2))
    out = convert_to_h36m17(pts, "mpii16")
    nose = H36M17.index("nose")
    assert out.confidences is not None
    assert np.all(out.confidences[:, nose] == 0) and np.all(np.delete(out.confidences, nose, axis=1) == 1)
    for name in ("pelvis", "thorax", "head_top", "l_wrist", "r_ankle", "l_hip"):
        np.testing.assert_array_equal(out.keypoints[:, H36M17.index(name)], pts[:, MPII16.index(name)])
    spine = (pts[:, MPII16.index("pelvis")] + pts[:, MPII16.index("thorax")]) / 2
    np.testing.assert_allclose(out.keypoints[:, H36M17.index("spine")], spine)
    # Given confidences, the nose stays at 0 and the others take their source's.
    conf = rng.uniform(0.2, 1.0, (3, 16))
    got = convert_to_h36m17(pts, "mpii16", conf).confidences
    assert got is not None and np.all(got[:, nose] == 0)
    np.testing.assert_array_equal(got[:, H36M17.index("l_knee")], conf[:, MPII16.index("l_knee")])


def test_h36m32_picks_the_published_17() -> None:
    import numpy as np

    from abspose.skeletons import H36M32, convert_to_h36m17

    pts = np.arange(32 * 3, dtype=float).reshape(32, 3)
    out = convert_to_h36m17(pts, "h36m32")
    picked = [0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27]  # VideoPose3D's selection
    np.testing.assert_array_equal(out.keypoints, pts[picked])
    assert out.confidences is None
    assert H36M32.num_joints == 32 and H36M32.left_right_pairs
