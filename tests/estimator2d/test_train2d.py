"""Training the paper's 2D estimator: it overfits a few images, resumes exactly, augments right."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from abspose.errors import AbsPoseError, DataError
from abspose.estimator2d.integral import (
    HEATMAP_OFFSET,
    HEATMAP_STRIDE,
    IntegralPoseConfig,
    load_integral,
    read_integral,
)
from abspose.estimator2d.train2d import CocoPeople, Train2DConfig, _Crops, evaluate_integral, train_integral
from abspose.skeletons import COCO17

from .conftest import TINY
from .synthetic import COLOURS, synthetic_people


def test_it_overfits_a_few_images(overfit):
    people, path, before, history = overfit
    after = evaluate_integral(load_integral(path), people)
    assert before > 15.0 and after < 3.0, (before, after)  # image px, joints ~90 px person
    assert history[-1]["crop_px"] < 0.25 * history[0]["crop_px"]
    assert read_integral(path).meta["samples"] == 4 and len(history) == 250


def test_resuming_gives_the_same_weights_as_one_run(tmp_path):
    people = synthetic_people(3, seed=5)
    aug = Train2DConfig(epochs=3, batch_size=2, lr=1e-3, optimizer="adam", device="cpu")
    train_integral(people, TINY, aug, tmp_path / "straight.safetensors")
    short = Train2DConfig(**{**aug.__dict__, "epochs": 2})
    train_integral(people, TINY, short, tmp_path / "resumed.safetensors")
    history = train_integral(people, TINY, aug, tmp_path / "resumed.safetensors")  # epoch 3 only
    a = read_integral(tmp_path / "straight.safetensors").model_state
    b = read_integral(tmp_path / "resumed.safetensors").model_state
    assert len(history) == 3 and all(torch.equal(a[k], b[k]) for k in a)
    other = IntegralPoseConfig(**{**TINY.__dict__, "heatmap_sigma": 1.0})
    with pytest.raises(AbsPoseError, match="other settings"):
        train_integral(people, other, aug, tmp_path / "resumed.safetensors")
    faster = Train2DConfig(**{**aug.__dict__, "lr": 1e-2})
    with pytest.raises(AbsPoseError, match=r"changed: \['lr'\]"):
        train_integral(people, TINY, faster, tmp_path / "resumed.safetensors")


def test_augmented_targets_sit_on_their_joints_disc():
    """After shift, flip and crop, each target lies on its joint's disc; a flipped crop's
    ``l_eye`` target lies on the disc drawn as ``r_eye`` (a mirrored right eye looks like a
    left one), so the labels swap sides with the pixels."""
    people = synthetic_people(6)
    swapped = COLOURS[list(COCO17.flip_permutation)]
    kinds = set()
    for seed, i in np.ndindex(4, len(people)):
        train = Train2DConfig(shift_px=4.0, flip=True, color_jitter=0.0, seed=seed)
        crops = _Crops(people, IntegralPoseConfig(layout="coco17", input_size=128), train, epoch=seed)
        pixels, hm, visible = crops[i]
        xy = np.rint(hm.numpy() * HEATMAP_STRIDE + HEATMAP_OFFSET).astype(int)  # (17, 2) crop px
        colours = pixels.numpy()[xy[:, 1], xy[:, 0]].astype(int)  # (17, 3)
        assert visible.all()
        kind = [k for k, c in (("plain", COLOURS), ("flipped", swapped)) if np.abs(colours - c).max() <= 2]
        assert kind, f"seed {seed}, sample {i}: targets off their discs"
        kinds.update(kind)
    assert kinds == {"plain", "flipped"}  # 24 draws: both occur


def test_coco_people_reads_boxes_keypoints_and_visibility(tmp_path):
    import cv2

    people = synthetic_people(2)
    for i, p in enumerate(people):
        cv2.imwrite(str(tmp_path / f"{i}.png"), p.image_rgb[..., ::-1])
    anns = []
    for i, p in enumerate(people):
        kp = np.concatenate([p.keypoints_px, np.full((17, 1), 2.0)], axis=1)
        kp[3] = 0.0  # an unlabelled joint
        x0, y0, x1, y1 = p.box_px
        anns.append({"id": i, "image_id": 10 + i, "bbox": [x0, y0, x1 - x0, y1 - y0], "iscrowd": 0,
                     "num_keypoints": 16, "keypoints": kp.ravel().tolist()})  # fmt: skip
    anns.append({**anns[0], "id": 9, "iscrowd": 1})
    doc = {"images": [{"id": 10 + i, "file_name": f"{i}.png"} for i in range(2)], "annotations": anns}
    (tmp_path / "ann.json").write_text(json.dumps(doc))
    coco = CocoPeople(tmp_path / "ann.json", tmp_path)
    assert len(coco) == 2
    second = coco[1]
    assert np.array_equal(second.image_rgb, people[1].image_rgb)
    assert np.allclose(second.box_px, people[1].box_px) and second.visible.sum() == 16
    assert np.allclose(second.keypoints_px[second.visible], people[1].keypoints_px[second.visible])
    with pytest.raises(DataError, match="COCO keypoints"):
        CocoPeople(tmp_path / "0.png", tmp_path)
    (tmp_path / "1.png").unlink()
    with pytest.raises(DataError, match="unreadable image"):
        coco[1]


def test_bad_training_settings_are_refused():
    with pytest.raises(AbsPoseError, match="optimizer"):
        Train2DConfig(optimizer="sgd")  # type: ignore[arg-type]
    with pytest.raises(AbsPoseError, match="color_jitter"):
        Train2DConfig(color_jitter=1.5)
    assert COCO17.num_joints == TINY.num_joints
