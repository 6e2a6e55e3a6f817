"""The trained estimator as a 2D backend, alone and in the image pipeline."""

from __future__ import annotations

import numpy as np
import torch

from abspose.estimator2d import Backend2D, IntegralBackend, Poses2D, PrecomputedBackend
from abspose.estimator2d.integral_backend import heatmap_confidence


def test_backend_finds_the_joints_it_was_trained_on(overfit):
    people, path, _, _ = overfit
    backend = IntegralBackend(path)
    assert isinstance(backend, Backend2D) and backend.layout == "coco17"
    errors = []
    for p in people:
        found = backend.detect(p.image_rgb, rois_px=p.box_px[None])  # the tracker's box
        assert found.keypoints_px.shape == (1, 17, 2) and found.layout == "coco17"
        assert ((found.confidences >= 0) & (found.confidences <= 1)).all()
        errors.append(np.linalg.norm(found.keypoints_px[0] - p.keypoints_px, axis=1).mean())
    assert np.mean(errors) < 3.0
    whole = backend.detect(people[0].image_rgb)  # no box: the whole image
    assert whole.keypoints_px.shape == (1, 17, 2)


def test_boxes_from_another_backend_give_one_crop_per_person(overfit):
    people, path, _, _ = overfit
    image = np.concatenate([people[0].image_rgb, people[1].image_rgb], axis=1)  # two people side by side
    shift = np.array([people[0].image_rgb.shape[1], 0.0])
    truth = np.stack([people[0].keypoints_px, people[1].keypoints_px + shift])
    boxes = PrecomputedBackend([Poses2D(truth, np.ones((2, 17)), "coco17")])
    found = IntegralBackend(path, boxes=boxes).detect(image)
    assert len(found) == 2
    assert np.linalg.norm(found.keypoints_px - truth, axis=-1).mean() < 3.0


def test_heatmap_confidence_is_the_mass_near_the_estimate():
    prob = torch.zeros(2, 16, 16, dtype=torch.float64)
    prob[0, 5, 5] = 1.0  # all of it at the estimate
    prob[1, 2, 2] = prob[1, 13, 13] = 0.5  # split far apart: the estimate lies between
    coords = torch.tensor([[5.0, 5.0], [7.5, 7.5]], dtype=torch.float64)
    assert heatmap_confidence(prob, coords).tolist() == [1.0, 0.0]


def test_pipeline_lifts_what_the_estimator_sees(overfit):
    from abspose.pipeline import lift_image, resolve_intrinsics

    people, path, _, _ = overfit
    image = people[0].image_rgb
    camera = resolve_intrinsics(image.shape[1], image.shape[0], focal_px=150.0)
    frame = lift_image(image, IntegralBackend(path), camera)
    assert frame.poses2d.layout == "coco17" and len(frame.track_ids) + frame.skipped == 1
