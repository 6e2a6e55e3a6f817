"""The joint layouts abspose knows: the canonical Human3.6M 17 and the common input layouts.

>>> H36M17.num_joints, H36M17.root
(17, 'pelvis')
>>> H36M17.joint_names[H36M17.flip_permutation[H36M17.index("l_wrist")]]
'r_wrist'
"""

from __future__ import annotations

from abspose.skeletons._skeleton import Skeleton

__all__ = ["BODY25", "BODY25B", "COCO17", "H36M17", "H36M32", "MEDIAPIPE33", "MPII16"]

#: Human3.6M 17-joint layout in VideoPose3D / MMPose order (the order every abspose array uses).
#: ``nose`` is Human3.6M's "Neck/Nose" joint; ``head_top`` its "Head" joint.
H36M17 = Skeleton(
    name="h36m17",
    joint_names=(
        "pelvis", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle",
        "spine", "thorax", "nose", "head_top",
        "l_shoulder", "l_elbow", "l_wrist", "r_shoulder", "r_elbow", "r_wrist",
    ),
    parents=(
        None, "pelvis", "r_hip", "r_knee", "pelvis", "l_hip", "l_knee",
        "pelvis", "spine", "thorax", "nose",
        "thorax", "l_shoulder", "l_elbow", "thorax", "r_shoulder", "r_elbow",
    ),
    root="pelvis",
)  # fmt: skip

#: COCO-17 keypoints (COCO, MMPose, Detectron2, YOLO pose).
COCO17 = Skeleton(
    name="coco17",
    joint_names=(
        "nose", "l_eye", "r_eye", "l_ear", "r_ear",
        "l_shoulder", "r_shoulder", "l_elbow", "r_elbow", "l_wrist", "r_wrist",
        "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle",
    ),
    parents=(
        None, "nose", "nose", "l_eye", "r_eye",
        None, None, "l_shoulder", "r_shoulder", "l_elbow", "r_elbow",
        "l_shoulder", "r_shoulder", "l_hip", "r_hip", "l_knee", "r_knee",
    ),
)  # fmt: skip

#: OpenPose BODY_25 keypoints (``neck`` is mid-shoulders, ``mid_hip`` mid-hips).
BODY25 = Skeleton(
    name="body25",
    joint_names=(
        "nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist",
        "mid_hip", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle",
        "r_eye", "l_eye", "r_ear", "l_ear",
        "l_big_toe", "l_small_toe", "l_heel", "r_big_toe", "r_small_toe", "r_heel",
    ),
    parents=(
        "neck", "mid_hip", "neck", "r_shoulder", "r_elbow", "neck", "l_shoulder", "l_elbow",
        None, "mid_hip", "r_hip", "r_knee", "mid_hip", "l_hip", "l_knee",
        "nose", "nose", "r_eye", "l_eye",
        "l_ankle", "l_ankle", "l_ankle", "r_ankle", "r_ankle", "r_ankle",
    ),
    root="mid_hip",
)  # fmt: skip

#: OpenPose's experimental BODY_25B: COCO-17 order, then neck, head top and the feet.
BODY25B = Skeleton(
    name="body25b",
    joint_names=(
        "nose", "l_eye", "r_eye", "l_ear", "r_ear",
        "l_shoulder", "r_shoulder", "l_elbow", "r_elbow", "l_wrist", "r_wrist",
        "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle",
        "neck", "head_top",
        "l_big_toe", "l_small_toe", "l_heel", "r_big_toe", "r_small_toe", "r_heel",
    ),
    parents=(
        "head_top", "nose", "nose", "l_eye", "r_eye",
        "neck", "neck", "l_shoulder", "r_shoulder", "l_elbow", "r_elbow",
        None, None, "l_hip", "r_hip", "l_knee", "r_knee",
        None, "neck",
        "l_ankle", "l_big_toe", "l_ankle", "r_ankle", "r_big_toe", "r_ankle",
    ),
)  # fmt: skip

#: MediaPipe / BlazePose 33 pose landmarks.
MEDIAPIPE33 = Skeleton(
    name="mediapipe33",
    joint_names=(
        "nose", "l_eye_inner", "l_eye", "l_eye_outer", "r_eye_inner", "r_eye", "r_eye_outer",
        "l_ear", "r_ear", "l_mouth", "r_mouth",
        "l_shoulder", "r_shoulder", "l_elbow", "r_elbow", "l_wrist", "r_wrist",
        "l_pinky", "r_pinky", "l_index", "r_index", "l_thumb", "r_thumb",
        "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle",
        "l_heel", "r_heel", "l_foot_index", "r_foot_index",
    ),
    parents=(
        None, "nose", "l_eye_inner", "l_eye", "nose", "r_eye_inner", "r_eye",
        "l_eye_outer", "r_eye_outer", "nose", "nose",
        None, None, "l_shoulder", "r_shoulder", "l_elbow", "r_elbow",
        "l_wrist", "r_wrist", "l_wrist", "r_wrist", "l_wrist", "r_wrist",
        "l_shoulder", "r_shoulder", "l_hip", "r_hip", "l_knee", "r_knee",
        "l_ankle", "r_ankle", "l_ankle", "r_ankle",
    ),
)  # fmt: skip

#: MPII's 16 joints (Stacked Hourglass and other MPII-trained detectors), in MPII's order. No
#: nose: converted to H36M-17, the neck/nose joint is missing and filled in by the 2D prior.
MPII16 = Skeleton(
    name="mpii16",
    joint_names=(
        "r_ankle", "r_knee", "r_hip", "l_hip", "l_knee", "l_ankle", "pelvis", "thorax",
        "upper_neck", "head_top", "r_wrist", "r_elbow", "r_shoulder", "l_shoulder", "l_elbow", "l_wrist",
    ),
    parents=(
        "r_knee", "r_hip", "pelvis", "pelvis", "l_hip", "l_knee", None, "pelvis",
        "thorax", "upper_neck", "r_elbow", "r_shoulder", "thorax", "thorax", "l_shoulder", "l_elbow",
    ),
    root="pelvis",
)  # fmt: skip

#: Human3.6M's full 32-joint skeleton, in the dataset's order (the 17 joints are its
#: 0 1 2 3 6 7 8 12 13 14 15 17 18 19 25 26 27). ``spine0`` is "Spine", ``spine`` "Spine1",
#: ``thorax`` "Neck", ``nose`` "Head", ``head_top`` its Site; the ``*_clavicle`` joints are the
#: "LeftShoulder"/"RightShoulder" bones, ``*_shoulder`` the "LeftArm"/"RightArm" joints.
H36M32 = Skeleton(
    name="h36m32",
    joint_names=(
        "pelvis", "r_hip", "r_knee", "r_ankle", "r_toe", "r_toe_end",
        "l_hip", "l_knee", "l_ankle", "l_toe", "l_toe_end",
        "spine0", "spine", "thorax", "nose", "head_top",
        "l_clavicle", "l_shoulder", "l_elbow", "l_wrist", "l_thumb", "l_thumb_end", "l_hand", "l_hand_end",
        "r_clavicle", "r_shoulder", "r_elbow", "r_wrist", "r_thumb", "r_thumb_end", "r_hand", "r_hand_end",
    ),
    parents=(
        None, "pelvis", "r_hip", "r_knee", "r_ankle", "r_toe",
        "pelvis", "l_hip", "l_knee", "l_ankle", "l_toe",
        "pelvis", "spine0", "spine", "thorax", "nose",
        "thorax", "l_clavicle", "l_shoulder", "l_elbow", "l_wrist", "l_thumb", "l_wrist", "l_hand",
        "thorax", "r_clavicle", "r_shoulder", "r_elbow", "r_wrist", "r_thumb", "r_wrist", "r_hand",
    ),
    root="pelvis",
)  # fmt: skip
