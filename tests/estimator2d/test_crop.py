"""Crop / uncrop: exact inverses, and consistent with the pixels OpenCV resamples."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose.errors import AbsPoseError
from abspose.estimator2d.crop import CropBox, crop_boxes, crop_image

coords = st.floats(-500, 2500, allow_nan=False)


@given(x0=coords, y0=coords, w=st.floats(5, 900), h=st.floats(5, 900), size=st.sampled_from([64, 256]),
       scale=st.floats(0.5, 2.0), px=st.lists(coords, min_size=2, max_size=2))  # fmt: skip
def test_crop_and_uncrop_round_trip(x0, y0, w, h, size, scale, px):
    box = crop_boxes(np.array([[x0, y0, x0 + w, y0 + h]]), size, scale)[0]
    p = np.array(px)
    assert np.allclose(box.to_image(box.to_crop(p)), p, atol=1e-6)
    assert box.side_px == pytest.approx(scale * max(w, h))
    corners = box.to_crop(np.array([[x0, y0], [x0 + w, y0 + h]]))
    centre = corners.mean(axis=0)
    assert np.allclose(centre, (size - 1) / 2.0)  # the box is centred in the crop
    assert np.allclose(np.abs(corners[1] - corners[0]).max(), size / scale)  # long side fills 1/scale


@pytest.mark.parametrize("point", [(37.3, 81.6), (130.0, 30.5), (25.8, 100.1)])
@pytest.mark.parametrize("side", [160.0, 40.0])  # 0.4 and 1.6 crop px per image px
def test_a_blob_in_the_image_lands_where_to_crop_says(point, side):
    ys, xs = np.mgrid[:128, :160]
    blob = np.exp(-0.5 * ((xs - point[0]) ** 2 + (ys - point[1]) ** 2) / 3.0**2)  # smooth: no aliasing
    image = np.repeat((255 * blob).round().astype(np.uint8)[..., None], 3, axis=2)
    box = CropBox((point[0] + 3.7, point[1] - 2.2), side, 64)
    crop = crop_image(image, box).astype(np.float64)[..., 0]
    ys, xs = np.mgrid[: crop.shape[0], : crop.shape[1]]
    found = np.array([(crop * xs).sum(), (crop * ys).sum()]) / crop.sum()  # intensity centroid
    assert np.allclose(found, box.to_crop(np.array(point)), atol=0.05)


def test_outside_the_image_is_black_and_bad_boxes_are_refused():
    image = np.full((50, 50, 3), 200, np.uint8)
    crop = crop_image(image, crop_boxes(np.array([[40.0, 40.0, 60.0, 60.0]]), 32)[0])
    assert crop[-1, -1].tolist() == [0, 0, 0] and crop[0, 0].tolist() == [200, 200, 200]
    with pytest.raises(AbsPoseError, match="finite"):
        crop_boxes(np.array([[0.0, 0.0, np.nan, 5.0]]), 64)
