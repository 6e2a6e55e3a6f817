import numpy as np
import pytest

from abspose.metrics import PoseErrorAccumulator, auc, mpjpe, mrpe, pa_mpjpe, pck3d
from tests.conftest import random_pose_cam_mm


def test_grouped_accumulation_equals_direct_computation(rng):
    gt = random_pose_cam_mm(rng, 40)
    pred = gt + rng.normal(0, 60, gt.shape)
    groups = np.array(rng.choice(["walk", "run", "jump"], 40))
    acc = PoseErrorAccumulator()
    for chunk in np.array_split(np.arange(40), 3):  # several batches
        acc.update(
            pred[chunk], gt[chunk], pred_root_mm=pred[chunk, 0], gt_root_mm=gt[chunk, 0], groups=groups[chunk]
        )
    result = acc.compute()
    for g in ("walk", "run", "jump"):
        m = groups == g
        assert result[g].count == m.sum()
        assert result[g].mpjpe == pytest.approx(mpjpe(pred[m], gt[m]))
        assert result[g].pa_mpjpe == pytest.approx(pa_mpjpe(pred[m], gt[m]))
        assert result[g].pck3d == pytest.approx(pck3d(pred[m], gt[m]))
        assert result[g].auc == pytest.approx(auc(pred[m], gt[m]))
        root = mrpe(pred[m, 0], gt[m, 0])
        assert (result[g].mrpe, result[g].root_z) == (pytest.approx(root.mrpe), pytest.approx(root.z))
    assert result["all"].count == 40
    assert result["all"].mpjpe == pytest.approx(mpjpe(pred, gt))


def test_without_roots_root_fields_are_nan(rng):
    gt = random_pose_cam_mm(rng, 4)
    acc = PoseErrorAccumulator()
    acc.update(gt, gt)
    out = acc.compute()["all"]
    assert out.mpjpe == 0.0 and np.isnan(out.mrpe)
