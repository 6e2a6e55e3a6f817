import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose import AbsPoseError, ShapeError
from abspose.noise import ErrorModel, fit_gaussian, fit_mixture

NAMES = ("a", "b", "c")


def _known_model():
    return ErrorModel(
        NAMES,
        gamma=np.array([0.9, 0.75, 0.97]),
        mean=np.array([[0.01, -0.02], [0.0, 0.03], [-0.01, 0.0]]),
        std=np.array([[0.04, 0.06], [0.08, 0.05], [0.03, 0.03]]),
        half_width=0.5,
    )


def test_em_recovers_a_known_mixture():
    truth = _known_model()
    errors = truth.sample(100_000, np.random.default_rng(0))
    fit = fit_mixture(errors, NAMES, half_width=0.5)
    assert fit.converged
    assert np.abs(fit.model.gamma - truth.gamma).max() < 0.02
    assert np.abs(fit.model.std / truth.std - 1).max() < 0.05
    assert np.abs(fit.model.mean - truth.mean).max() < 0.005


def test_single_gaussian_is_inflated_by_outliers():
    truth = _known_model()
    errors = truth.sample(50_000, np.random.default_rng(1))
    gauss = fit_gaussian(errors, NAMES)
    assert not gauss.is_mixture and (gauss.std > truth.std).all()
    # the mixture explains the data better than the single Gaussian
    mix = fit_mixture(errors, NAMES).model
    assert mix.log_density(errors).sum() > gauss.log_density(errors).sum()


@given(seed=st.integers(0, 10_000), gamma=st.floats(0.3, 0.99), std=st.floats(0.01, 0.2))
def test_log_likelihood_never_decreases(seed, gamma, std):
    rng = np.random.default_rng(seed)
    truth = ErrorModel(NAMES, np.full(3, gamma), rng.normal(0, 0.02, (3, 2)), np.full((3, 2), std))
    fit = fit_mixture(truth.sample(2000, rng), NAMES, tolerance=0.0, max_iterations=30)
    assert (np.diff(fit.log_likelihood) >= -1e-7 * np.abs(fit.log_likelihood[:-1])).all()


def test_log_density_against_a_direct_formula():
    m = _known_model()
    e = np.random.default_rng(2).normal(0, 0.1, (5, 3, 2))
    g = np.exp(-0.5 * (((e - m.mean) / m.std) ** 2).sum(-1)) / (2 * np.pi * m.std.prod(-1))
    direct = np.log(m.gamma * g + (1 - m.gamma) / (2 * m.half_width) ** 2)
    assert np.allclose(m.log_density(e), direct)


def test_samples_stay_in_the_box_and_have_the_right_outlier_share():
    m = _known_model()
    s = m.sample(200_000, np.random.default_rng(3))
    assert np.abs(s).max() < 0.5 + 8 * m.std.max()
    far = (np.abs((s - m.mean) / m.std) > 6).any(-1).mean(0)  # surely from the box
    box_far = 1 - np.prod(np.clip(12 * m.std / 1.0, 0, 1), axis=-1)  # box share outside ±6σ
    assert np.allclose(far, (1 - m.gamma) * box_far, atol=0.01)


def test_sample_px_scales_with_person_size():
    m = _known_model()
    rng = np.random.default_rng(4)
    small = m.sample_px(np.full(50_000, 20.0), rng)
    big = m.sample_px(np.full(50_000, 200.0), rng)
    assert np.allclose(big.std(0) / small.std(0), 10.0, rtol=0.05)


def test_json_round_trip_keeps_provenance(tmp_path):
    m = _known_model()
    m2 = ErrorModel(m.joint_names, m.gamma, m.mean, m.std, m.half_width, {"detector": "test"})
    back = ErrorModel.load(m2.save(tmp_path / "m.json"))
    assert back.provenance == {"detector": "test"} and back.joint_names == NAMES
    assert np.array_equal(back.std, m.std) and np.array_equal(back.gamma, m.gamma)


def test_bad_inputs():
    with pytest.raises(ShapeError, match=r"\(N, 3, 2\)"):
        fit_mixture(np.zeros((10, 4, 2)), NAMES)
    with pytest.raises(AbsPoseError, match="at least 2"):
        fit_gaussian(np.full((10, 3, 2), np.nan), NAMES)
    with pytest.raises(AbsPoseError, match="inf"):
        fit_mixture(np.full((10, 3, 2), np.inf), NAMES)
    with pytest.raises(AbsPoseError, match="gamma"):
        ErrorModel(NAMES, np.full(3, 1.5), np.zeros((3, 2)), np.ones((3, 2)))
    with pytest.raises(AbsPoseError, match="fit-errors"):
        ErrorModel.from_json('{"format": "other"}')


def test_missing_detections_are_skipped():
    truth = _known_model()
    errors = truth.sample(60_000, np.random.default_rng(5))
    holes = errors.copy()
    holes[np.random.default_rng(6).random((60_000, 3)) < 0.3] = np.nan  # 30% missing
    full = fit_mixture(errors, NAMES).model
    partial = fit_mixture(holes, NAMES).model
    assert np.abs(partial.gamma - full.gamma).max() < 0.02
    assert np.abs(partial.std / full.std - 1).max() < 0.05
    assert np.allclose(fit_gaussian(holes, NAMES).std, np.nanstd(holes, axis=0))


def _reference_em(errors, half_width, iterations):
    """Alg. 1 written plainly, one joint at a time, with scipy's Gaussian density."""
    from scipy.stats import multivariate_normal

    gammas, means, stds = [], [], []
    for e in np.moveaxis(errors, 1, 0):  # (N, 2) per joint
        e = e[np.isfinite(e).all(-1)]
        gamma, mean, std = 0.9, e.mean(0), e.std(0)
        for _ in range(iterations):
            g = gamma * multivariate_normal(mean, np.diag(std**2)).pdf(e)
            w = g / (g + (1 - gamma) / (2 * half_width) ** 2)
            gamma = w.mean()
            mean = (w[:, None] * e).sum(0) / w.sum()
            std = np.sqrt((w[:, None] * (e - mean) ** 2).sum(0) / w.sum())
        gammas.append(gamma)
        means.append(mean)
        stds.append(std)
    return np.array(gammas), np.array(means), np.array(stds)


@pytest.mark.parametrize("missing", [0.0, 0.2])
def test_em_matches_a_plain_reference(missing):
    rng = np.random.default_rng(7)
    errors = _known_model().sample(5000, rng) + 0.3  # an offset: the fit centres the data
    errors[rng.random((5000, 3)) < missing] = np.nan
    fit = fit_mixture(errors, NAMES, half_width=0.5, tolerance=0.0, max_iterations=6)
    gamma, mean, std = _reference_em(errors, 0.5, fit.iterations)
    assert fit.iterations == 6
    assert np.allclose(fit.model.gamma, gamma, rtol=0, atol=1e-10)
    assert np.allclose(fit.model.mean, mean, rtol=0, atol=1e-10)
    assert np.allclose(fit.model.std, std, rtol=0, atol=1e-10)
