import numpy as np
import pytest

from lstm_helpers.evaluation import prediction_bands as pb


def test_random_walk_bands_hold_on_a_random_walk():
    rng = np.random.default_rng(0)
    sigma, horizon, n = 0.01, 10, 20000
    origin = np.full(n, 100.0)
    actual = origin[:, None] * np.exp(
        np.cumsum(rng.normal(0, sigma, (n, horizon)), axis=1)
    )
    low, high = pb.interval_band(
        origin[:, None], *pb.random_walk_quantiles(sigma, horizon, 0.8)
    )
    scores = pb.interval_scores(actual, low, high, origin)
    assert (
        np.allclose(scores["coverage"], 0.8, atol=0.015) and scores["days"].eq(n).all()
    )
    assert scores["width_pct"].iloc[-1] == pytest.approx(
        scores["width_pct"].iloc[0] * np.sqrt(horizon), rel=0.01
    )


def test_empirical_bands_cover_what_they_were_fitted_on():
    rng = np.random.default_rng(1)
    forecast = np.full((5000, 3), 10.0)
    actual = forecast * (1 + rng.normal(0, [0.01, 0.02, 0.03], (5000, 3)))
    low, high = pb.empirical_quantiles(actual, forecast, 0.9)
    assert np.allclose(
        high, 1.645 * np.array([0.01, 0.02, 0.03]), rtol=0.06
    ) and np.all(low < 0)
    band = pb.interval_band(forecast, low, high)
    assert np.allclose(
        pb.interval_scores(actual, *band, forecast[:, 0])["coverage"], 0.9, atol=0.002
    )
    with pytest.raises(ValueError, match="no validation error"):
        pb.empirical_quantiles(np.full((3, 2), np.nan), np.ones((3, 2)), 0.9)


def test_coverage_counts_only_known_days():
    actual = np.array([[1.0, np.nan], [5.0, 2.0]])
    scores = pb.interval_scores(
        actual, np.zeros((2, 2)), np.full((2, 2), 3.0), np.array([1.5, 1.5])
    )
    assert scores["coverage"].tolist() == [0.5, 1.0] and scores["days"].tolist() == [
        2,
        1,
    ]
    assert scores["width_pct"].tolist() == [200.0, 200.0]


def test_a_dollar_band_holds_at_the_price_its_sigma_was_measured_at_and_not_at_twice_it():
    rng = np.random.default_rng(1)
    horizon, n = 10, 20000
    steps = rng.normal(0, 1.0, (n, horizon))  # dollar steps of sd 1
    for level, expected in ((100.0, 0.8), (200.0, None)):
        origin = np.full(n, level)
        # moves scale with the price
        actual = origin[:, None] + np.cumsum(steps * level / 100.0, axis=1)
        low, high = pb.dollar_band(origin, 1.0, horizon, 0.8)
        np.testing.assert_allclose(
            (high - origin[:, None])[0],
            1.28155 * np.sqrt(np.arange(1, horizon + 1)),
            rtol=1e-5,
        )
        coverage = pb.interval_scores(actual, low, high, origin)["coverage"]
        if expected:
            assert np.allclose(coverage, 0.8, atol=0.015)
        # the same dollar band at twice the price: moves twice as large, so it covers
        # P(|Z| < 1.28155 / 2)
        else:
            assert np.allclose(coverage, 2 * 0.73917 - 1, atol=0.015)
    with pytest.raises(ValueError, match="coverage"):
        pb.dollar_band(origin, 1.0, horizon, 1.2)
