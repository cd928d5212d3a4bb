"""Tests of lstm_helpers.evaluation.distribution_scores: pinball, coverage, Winkler, the
Gaussian CRPS and PIT, by hand, against scikit-learn and against their definitions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats
from sklearn.metrics import mean_pinball_loss

from lstm_helpers.evaluation.distribution_scores import (
    coverage,
    crps_gaussian,
    crps_lognormal,
    gaussian_band,
    pinball_loss,
    pit_gaussian,
    quantile_scores,
    winkler_scores,
)

# ---------------------------------------------------------------------------
# pinball loss


@pytest.mark.parametrize("level", [0.05, 0.25, 0.5, 0.9])
def test_pinball_loss_equals_sklearn(level):
    rng = np.random.default_rng(0)
    actual = rng.normal(size=200)
    forecast = actual + rng.normal(0.3, 1.0, size=200)
    assert pinball_loss(actual, forecast, level) == pytest.approx(
        mean_pinball_loss(actual, forecast, alpha=level), rel=1e-12
    )


def test_pinball_loss_by_hand_and_a_flipped_level_differs():
    # u = y - f = 2 (forecast too low) and -1 (too high); q = 0.9:
    # max(0.9 * 2, -0.1 * 2) = 1.8, max(-0.9, 0.1) = 0.1; mean 0.95
    actual, forecast = [3.0, 0.0], [1.0, 1.0]
    assert pinball_loss(actual, forecast, 0.9) == pytest.approx(0.95)
    # the planted mistake: the two tails' weights swapped (1 - q where q belongs)
    u = np.array(actual) - np.array(forecast)
    flipped = np.mean(np.maximum((1 - 0.9) * u, -0.9 * u))  # 0.2 and 0.9: 0.55
    assert flipped == pytest.approx(0.55)
    assert pinball_loss(actual, forecast, 0.9) != pytest.approx(flipped)
    # at q = 0.5 the loss is half the mean absolute error
    assert pinball_loss(actual, forecast, 0.5) == pytest.approx(0.5 * 1.5)


def test_quantile_scores_average_the_levels_day_by_day():
    rng = np.random.default_rng(1)
    actual = rng.normal(size=30)
    levels = np.array([0.1, 0.5, 0.9])
    forecasts = actual[:, None] + rng.normal(size=(30, 3))
    scores = quantile_scores(actual, forecasts, levels)
    assert scores.shape == (30,)
    by_level = [pinball_loss(actual, forecasts[:, j], levels[j]) for j in range(3)]
    assert scores.mean() == pytest.approx(np.mean(by_level), rel=1e-12)
    # day 0 written out
    u0 = actual[0] - forecasts[0]
    assert scores[0] == pytest.approx(
        np.mean(np.maximum(levels * u0, (levels - 1) * u0))
    )
    # a day past the data scores NaN, and its forecasts may be NaN too
    actual[-1], forecasts[-1] = np.nan, np.nan
    later = quantile_scores(actual, forecasts, levels)
    assert np.isnan(later[-1]) and np.allclose(later[:-1], scores[:-1])


# ---------------------------------------------------------------------------
# coverage and Winkler


def test_coverage_leaves_out_unknown_days():
    actual = np.array([1.0, 5.0, np.nan, np.nan])
    low, high = np.zeros(4), np.array([3.0, 3.0, np.nan, 3.0])
    assert coverage(actual, low, high) == 0.5
    # counted as misses, the two unknown days would give 1 / 4
    inside = (low <= actual) & (actual <= high)  # NaN compares False
    assert inside.mean() == 0.25
    # the bounds count as inside
    assert coverage([0.0, 3.0], [0.0, 0.0], [3.0, 3.0]) == 1.0


def test_winkler_by_hand():
    # band [1, 3], 80%: alpha = 0.2, 2 / alpha = 10, width 2
    actual = np.array([2.0, 0.0, 3.5, 1.0, np.nan])
    low, high = np.full(5, 1.0), np.full(5, 3.0)
    scores = winkler_scores(actual, low, high, 0.8)
    np.testing.assert_allclose(scores[:4], [2.0, 2.0 + 10.0, 2.0 + 5.0, 2.0])
    assert np.isnan(scores[4])
    # a wider band that holds every day beats the narrow one that missed twice
    assert np.nanmean(winkler_scores(actual, low - 1, high + 1, 0.8)) == 4.0
    assert np.nanmean(scores) > 4.0


# ---------------------------------------------------------------------------
# Gaussian CRPS, PIT, band


def crps_by_integration(y: float, mean: float, sd: float) -> float:
    """∫ (F(x) - 1{x >= y})^2 dx for F = N(mean, sd^2), split at y."""
    cdf = stats.norm(mean, sd).cdf
    below = integrate.quad(lambda x: cdf(x) ** 2, -np.inf, y, epsabs=1e-12)[0]
    above = integrate.quad(lambda x: (1 - cdf(x)) ** 2, y, np.inf, epsabs=1e-12)[0]
    return below + above


@pytest.mark.parametrize(
    ("y", "mean", "sd"), [(0.0, 0.0, 1.0), (1.3, -0.2, 0.7), (-4.0, 2.0, 3.0)]
)
def test_crps_gaussian_equals_its_definition(y, mean, sd):
    closed = crps_gaussian([y], [mean], [sd])[0]
    assert closed == pytest.approx(crps_by_integration(y, mean, sd), abs=1e-7)


def crps_lognormal_by_integration(y: float, mu: float, sd: float) -> float:
    """∫ (F(x) - 1{x >= y})^2 dx for F the log-normal with log-mean mu, log-sd sd."""
    cdf = stats.lognorm(s=sd, scale=np.exp(mu)).cdf
    below = integrate.quad(lambda x: cdf(x) ** 2, 0, y, epsabs=1e-12)[0]
    above = integrate.quad(lambda x: (1 - cdf(x)) ** 2, y, np.inf, epsabs=1e-12)[0]
    return below + above


@pytest.mark.parametrize(
    ("y", "mu", "sd"), [(1.0, 0.0, 0.05), (1.08, 0.01, 0.2), (0.5, 0.3, 0.6)]
)
def test_crps_lognormal_equals_its_definition(y, mu, sd):
    closed = crps_lognormal([y], mu, sd)[0]
    assert closed == pytest.approx(crps_lognormal_by_integration(y, mu, sd), abs=1e-7)
    # planted: the Gaussian formula on the logarithm is another number when sd is wide
    on_logs = crps_gaussian([np.log(y)], [mu], [sd])[0]
    assert sd < 0.1 or abs(on_logs - closed) > 1e-3


def test_crps_lognormal_leaves_unknown_days_out_and_refuses_bad_input():
    scores = crps_lognormal([1.0, np.nan], 0.0, 0.1)
    assert np.isfinite(scores[0]) and np.isnan(scores[1])
    with pytest.raises(ValueError, match="positive"):
        crps_lognormal([-1.0], 0.0, 0.1)
    with pytest.raises(ValueError, match="sd must be positive"):
        crps_lognormal([1.0], 0.0, 0.0)


def test_crps_gaussian_tends_to_the_absolute_error_and_rewards_the_right_sd():
    actual, mean = np.array([1.0, -2.0, 0.5]), np.array([0.0, 0.5, 0.5])
    narrow = crps_gaussian(actual, mean, np.full(3, 1e-9))
    np.testing.assert_allclose(narrow, np.abs(actual - mean), atol=1e-8)
    # a proper score: on data drawn from N(0, 1), sd 1 beats sd 0.5 and sd 2
    rng = np.random.default_rng(2)
    y = rng.normal(size=5000)
    mean_crps = {
        sd: crps_gaussian(y, np.zeros(5000), np.full(5000, sd)).mean()
        for sd in (0.5, 1.0, 2.0)
    }
    assert mean_crps[1.0] < min(mean_crps[0.5], mean_crps[2.0])
    assert np.isnan(crps_gaussian([np.nan, 1.0], [0.0, 0.0], [1.0, 1.0])[0])


def test_pit_of_calibrated_forecasts_is_uniform_and_of_too_narrow_ones_is_not():
    rng = np.random.default_rng(3)
    mean, sd = rng.normal(size=2000), rng.uniform(0.5, 2.0, size=2000)
    actual = rng.normal(mean, sd)
    assert stats.kstest(pit_gaussian(actual, mean, sd), "uniform").pvalue > 0.01
    # the planted mistake: bands half as wide as they should be
    assert stats.kstest(pit_gaussian(actual, mean, sd / 2), "uniform").pvalue < 1e-6
    assert pit_gaussian([1.0], [1.0], [2.0])[0] == 0.5


def test_gaussian_band_holds_its_coverage():
    low, high = gaussian_band([0.0, 10.0], [1.0, 2.0], 0.9)
    z = stats.norm.ppf(0.95)  # 1.645
    np.testing.assert_allclose(low, [-z, 10.0 - 2 * z])
    np.testing.assert_allclose(high, [z, 10.0 + 2 * z])
    rng = np.random.default_rng(4)
    mean, sd = rng.normal(size=20000), rng.uniform(0.5, 2.0, size=20000)
    band = gaussian_band(mean, sd, 0.8)
    assert coverage(rng.normal(mean, sd), *band) == pytest.approx(0.8, abs=0.01)


# ---------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: pinball_loss([1.0, np.nan], [1.0, 2.0], 0.5), "actual has 1 NaN"),
        (lambda: pinball_loss([1.0, 2.0], [1.0], 0.5), "length mismatch"),
        (lambda: pinball_loss([1.0], [1.0], 1.0), "level must be between 0 and 1"),
        (lambda: pinball_loss([1.0], [1.0], np.nan), "level must be between 0 and 1"),
        (lambda: quantile_scores([1.0], [[1.0, 2.0]], [0.1, 1.5]), "levels must be"),
        (lambda: quantile_scores([1.0], [1.0, 2.0], [0.1, 0.9]), r"shape \(n, Q\)"),
        (lambda: quantile_scores([1.0], [[np.nan]], [0.5]), "forecasts has NaN"),
        (lambda: coverage([1.0, 2.0], [0.0, np.nan], [3.0, 3.0]), "low has 1 NaN"),
        (lambda: coverage([np.nan, np.nan], [0.0, 0.0], [1.0, 1.0]), "no known day"),
        (lambda: coverage([1.0, 2.0], [0.0], [3.0, 3.0]), "length mismatch"),
        (lambda: coverage([[1.0]], [0.0], [3.0]), "actual must be one-dimensional"),
        (lambda: coverage(["a"], [0.0], [3.0]), "actual must hold numbers"),
        (lambda: coverage([np.inf], [0.0], [3.0]), "actual has 1 NaN or infinite"),
        (lambda: winkler_scores([1.0], [0.0], [2.0], 0.0), "coverage must be"),
        (lambda: winkler_scores([1.0], [2.0], [0.0], 0.9), "low is above high"),
        (lambda: crps_gaussian([1.0], [0.0], [0.0]), "sd must be positive"),
        (lambda: crps_gaussian([1.0], [np.nan], [1.0]), "mean has 1 NaN"),
        (lambda: pit_gaussian([1.0], [0.0], [-1.0]), "sd must be positive"),
        (lambda: gaussian_band([0.0], [1.0], 1.0), "coverage must be"),
        (lambda: gaussian_band([0.0, np.nan], [1.0, 1.0], 0.9), "mean has 1 NaN"),
    ],
)
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()
