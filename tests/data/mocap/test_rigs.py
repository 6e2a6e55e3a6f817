import pytest

from abspose import DataError
from abspose.data import RIGS, convert_bvh, detect_rig, sample_bvh_path
from abspose.data.mocap.augment import bone_lengths_mm
from abspose.data.mocap.stats import bone_stats_by_rig

# Adult joint-centre lengths [mm]: Winter's segment proportions (thigh 0.245 H, shank 0.246 H,
# upper arm 0.186 H) for statures 1.45-2.0 m, widened 10% below for joint-centre placement
# (the iClone character's upper arm, 252 mm, is short for its 1.8 m stature).
ADULT_RANGES_MM = {"thigh": (320, 500), "shin": (320, 500), "upper_arm": (230, 380), "forearm": (190, 300)}


def test_rig_detection():
    assert detect_rig(["hip", "lThigh", "rShin", "leftEye"]).name == "daz"
    assert detect_rig(["RL_BoneRoot", "CC_Base_L_Thigh", "CC_Base_NeckTwist01"]).name == "iclone"
    assert detect_rig(["hip", "lfemur", "ltibia", "lowerneck"]).name == "cmu_asf"
    with pytest.raises(DataError, match="unknown BVH rig"):
        detect_rig(["Hips", "LeftUpLeg"])


def test_every_rig_maps_all_17_joints():
    for rig in RIGS.values():
        assert len(rig.recipes) == 17


def test_sample_is_an_upright_person_with_left_on_plus_x():
    clip = convert_bvh(sample_bvh_path())
    J = clip.joints_world_mm
    idx = {n: i for i, n in enumerate(("pelvis", "r_hip", "r_knee", "r_ankle", "l_hip"))}
    assert (J[:, 10, 1] > J[:, 8, 1]).all() and (J[:, 8, 1] > J[:, 0, 1]).all()  # head > thorax > pelvis
    assert (J[:, 0, 1] > J[:, 3, 1]).all()  # pelvis above the ankle
    # at rest, the person faces +z with left at +x: the first frame is near the rest pose
    assert J[0, idx["l_hip"], 0] > J[0, idx["r_hip"], 0]


def test_bone_lengths_are_human_and_symmetric_for_every_rig(cmu_dataset):
    dataset, _ = cmu_dataset
    stats = bone_stats_by_rig(dataset)
    assert set(stats) == {"daz", "iclone", "cmu_asf"}
    for rig, bones in stats.items():
        for bone, s in bones.items():
            lo, hi = ADULT_RANGES_MM[bone]
            assert lo <= s.left_mm <= hi and lo <= s.right_mm <= hi, (rig, bone, s)
            assert s.asymmetry < 0.04, (rig, bone, s)


def test_bone_lengths_are_constant_within_a_clip(cmu_dataset):
    # Rigid rigs: a limb that stretches over time would mean a wrong joint mapping.
    _dataset, clips = cmu_dataset
    for clip in clips[::10]:
        lengths = bone_lengths_mm(clip.joints_world_mm)
        for joint in ("l_knee", "r_ankle", "l_elbow", "r_wrist", "head_top"):
            assert lengths[joint].std() < 0.01 * lengths[joint].mean(), (clip.name, joint)
