import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose import AbsPoseError, DataError
from abspose.data import BodyScaleConfig, VirtualCameraConfig
from abspose.geometry.normalize import pose_scale
from abspose.model.feed import draw_epoch
from abspose.model.impute import PosePrior2D, fit_pose_prior, impute_missing, load_pose_prior


@pytest.fixture(scope="module")
def views(tiny_dataset):
    a = draw_epoch(tiny_dataset, np.random.default_rng(0), VirtualCameraConfig(), BodyScaleConfig())
    return a.keypoints_px.astype(np.float64)


def test_filled_joints_land_near_the_truth(views):
    rng = np.random.default_rng(1)
    visible = np.ones(views.shape[:2], bool)
    for row in visible:
        row[rng.choice(17, 2, replace=False)] = False
    filled = impute_missing(views, visible)
    assert np.array_equal(filled[visible], views[visible])
    err = np.linalg.norm(filled - views, axis=-1)[~visible] / np.repeat(pose_scale(views), 2)
    centroid = views[visible].reshape(len(views), 15, 2).mean(1, keepdims=True)
    naive = np.linalg.norm(centroid - views, axis=-1)[~visible] / np.repeat(pose_scale(views), 2)
    assert np.median(err) < 0.2 and np.median(err) < 0.3 * np.median(naive)


@given(
    scale=st.floats(0.2, 5.0),
    shift=st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)),
    seed=st.integers(0, 99),
)
def test_filling_commutes_with_image_translation_and_scale(views, scale, shift, seed):
    visible = np.ones(views.shape[:2], bool)
    visible[:, np.random.default_rng(seed).choice(17, 3, replace=False)] = False
    a = impute_missing(views * scale + shift, visible)
    b = impute_missing(views, visible) * scale + shift
    assert np.allclose(a, b, atol=1e-6 * scale * np.abs(views).max())


def test_too_few_joints_and_prior_files(views, tmp_path):
    visible = np.ones(views.shape[:2], bool)
    visible[0, :6] = False
    with pytest.raises(AbsPoseError, match="only 11 of 17"):
        impute_missing(views, visible)
    prior = fit_pose_prior(np.tile(views, (2, 1, 1)), {"data": "test"})
    (tmp_path / "p.json").write_text(prior.to_json())
    back = load_pose_prior(tmp_path / "p.json")
    assert np.array_equal(back.cov, prior.cov) and back.provenance == {"data": "test"}
    with pytest.raises(DataError):
        PosePrior2D.from_json('{"format": "abspose-pose-prior/1", "mean": [0], "cov": [[1]]}')
    assert "train split" in load_pose_prior().provenance["data"]


def test_the_shipped_prior_is_read_once_and_its_conditionals_are_kept():
    """A video misses the same joints frame after frame: the prior is parsed once and each
    visibility pattern's regression computed once, with the same numbers as computed afresh."""
    from abspose.model.impute import _conditional, load_pose_prior

    prior = load_pose_prior()
    assert load_pose_prior() is prior
    pattern = np.ones(17, dtype=bool)
    pattern[[9, 10]] = False
    first = prior.conditional(pattern)
    assert prior.conditional(pattern.copy()) is first
    for cached, fresh in zip(first, _conditional(prior, pattern), strict=True):
        np.testing.assert_array_equal(cached, fresh)
    assert prior == type(prior)(prior.mean, prior.cov, prior.provenance)  # the cache is not its value
