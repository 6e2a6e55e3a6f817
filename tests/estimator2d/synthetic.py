"""Synthetic labelled people: coloured joint discs and grey bones on a noisy background."""

from __future__ import annotations

import numpy as np

from abspose.estimator2d.train2d import LabelledPerson
from abspose.skeletons import COCO17

#: (17, 3) each joint's disc colour (RGB), all distinct.
COLOURS = np.array([[(37 * j + 40) % 256, (91 * j + 60) % 256, (151 * j + 120) % 256] for j in range(17)])


def synthetic_people(count: int, seed: int = 0, size: tuple[int, int] = (96, 128)) -> list[LabelledPerson]:
    """``count`` people in COCO-17, one per ``size = (width, height)`` image, ~90 px tall."""
    import cv2

    rng = np.random.default_rng(seed)
    w, h = size
    people = []
    for _ in range(count):
        image = rng.integers(0, 60, (h, w, 3), dtype=np.uint8)
        centre = np.array([w / 2, h / 2]) + rng.uniform(-8, 8, 2)
        while True:  # discs 10+ px apart: none hides another
            keypoints = centre + rng.uniform(-1, 1, (17, 2)) * np.array([30.0, 45.0])  # (17, 2) px
            gaps = np.linalg.norm(keypoints[:, None] - keypoints[None], axis=-1) + 99 * np.eye(17)
            if gaps.min() > 10.0:
                break
        for a, b in zip(COCO17.joint_names, COCO17.parents, strict=True):
            if b is not None:
                pa, pb = keypoints[COCO17.index(a)], keypoints[COCO17.index(b)]
                cv2.line(image, tuple(int(v) for v in pa), tuple(int(v) for v in pb), (120, 120, 120), 1)
        for j, (x, y) in enumerate(keypoints):
            cv2.circle(image, (round(x), round(y)), 3, tuple(int(c) for c in COLOURS[j]), -1)
        box = np.concatenate([keypoints.min(0), keypoints.max(0)])
        people.append(LabelledPerson(image, box, keypoints, np.ones(17, dtype=bool)))
    return people
