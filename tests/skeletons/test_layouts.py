import numpy as np
import pytest

from abspose import AbsPoseError
from abspose.skeletons import BODY25, COCO17, H36M17, LAYOUTS, MEDIAPIPE33, Skeleton


def test_h36m17_order_matches_method_notes():
    # ../shared/METHOD.md §10: the Human3.6M order used by VideoPose3D and MMPose.
    assert H36M17.joint_names == (
        "pelvis", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "spine", "thorax",
        "nose", "head_top", "l_shoulder", "l_elbow", "l_wrist", "r_shoulder", "r_elbow", "r_wrist",
    )  # fmt: skip
    assert H36M17.root == "pelvis" and H36M17.root_index == 0
    assert H36M17.parent_indices[H36M17.index("r_knee")] == H36M17.index("r_hip")


@pytest.mark.parametrize("skeleton", list(LAYOUTS.values()), ids=list(LAYOUTS))
def test_flip_permutation_is_an_involution_swapping_sides(skeleton: Skeleton):
    perm = np.array(skeleton.flip_permutation)
    assert (perm[perm] == np.arange(skeleton.num_joints)).all()
    for i, name in enumerate(skeleton.joint_names):
        partner = skeleton.joint_names[perm[i]]
        if name.startswith("l_"):
            assert partner == "r_" + name[2:]
        elif not name.startswith("r_"):
            assert partner == name


def test_layout_sizes():
    assert (COCO17.num_joints, BODY25.num_joints, MEDIAPIPE33.num_joints) == (17, 25, 33)


def test_topological_order_puts_parents_first():
    seen: set[int] = set()
    for j in H36M17.topological_order:
        p = H36M17.parent_indices[j]
        assert p == -1 or p in seen
        seen.add(j)


def test_bad_skeleton_definitions_raise():
    with pytest.raises(AbsPoseError, match="parent"):
        Skeleton("bad", ("a", "b"), (None, "c"))
    with pytest.raises(AbsPoseError, match="right partner"):
        _ = Skeleton("bad", ("l_x",), (None,)).left_right_pairs
    with pytest.raises(AbsPoseError, match="unknown joint"):
        H36M17.index("l_toe")
