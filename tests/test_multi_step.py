import numpy as np
import pandas as pd
import pytest

from lstm_helpers.data.periods import Split
from lstm_helpers.lessons import multi_step as ms

SPLIT = Split("2016", "2017", "2017")


@pytest.fixture(scope="module")
def data(series):  # series: the suite's seeded random walk (tests/conftest.py)
    return ms.horizon_windows(series, SPLIT, horizon=5, window=10)


def test_windows_read_each_origin_and_its_next_h_days(series, data):
    prices, days = series.to_numpy(), series.index
    k = 17  # any training window
    # training origins start at window - 1
    origin = int(np.searchsorted(days, days[9 + k]))
    assert np.allclose(
        data.X_train[k, :, 0],
        (prices[origin - 9 : origin + 1] / prices[origin] - 1) / data.scale,
    )
    assert np.allclose(
        data.Y_train[k],
        (prices[origin + 1 : origin + 6] / prices[origin] - 1) / data.scale,
    )
    assert data.X_train[k, -1, 0] == 0.0  # the origin reads as zero
    assert data.scale == pytest.approx(
        np.std(
            np.diff(series.loc[:"2016"].to_numpy())
            / series.loc[:"2016"].to_numpy()[:-1]
        )
    )


def test_no_target_is_shared_between_the_parts_and_the_test_starts_on_the_last_training_day(
    series, data
):
    n_train, n_val = len(data.X_train), len(data.X_val)
    first_val = np.searchsorted(series.index, pd.Timestamp("2016-01-01"))
    # the last training target lies before the first validation origin
    assert 9 + n_train - 1 + 5 < first_val
    last_train = np.searchsorted(series.index, pd.Timestamp("2016-12-31")) - 1
    # validation targets end on the last training day
    assert first_val + n_val - 1 + 5 == last_train
    assert not np.isnan(data.Y_val).any() and not np.isnan(data.val_actual).any()
    assert data.test_origins[0] == series.loc[:"2016"].index[-1]
    assert data.test_origins[-1] == series.index[-2]
    # the last test origin knows only tomorrow; NaN exactly where the target day is past
    # the test
    assert np.isnan(data.actual).sum(axis=0).tolist() == [0, 1, 2, 3, 4]
    assert data.actual[0, 0] == series.loc["2017"].iloc[0]


def test_the_test_prices_change_nothing_the_models_learn_from(series):
    other = series.copy()
    other.loc["2017"] *= 3.0
    a, b = (
        ms.horizon_windows(series, SPLIT, 5, 10),
        ms.horizon_windows(other, SPLIT, 5, 10),
    )
    assert (
        a.scale == b.scale
        and np.array_equal(a.X_train, b.X_train)
        and np.array_equal(a.Y_val, b.Y_val)
    )


def test_bad_series_and_splits_are_refused(series):
    with pytest.raises(
        ValueError, match="High: horizon_windows needs a series without missing values"
    ):
        ms.horizon_windows(series.where(series.index != series.index[50]), SPLIT)
    with pytest.raises(ValueError, match="every part needs some"):
        ms.horizon_windows(series, SPLIT, horizon=300, window=10)


def test_zero_output_is_persistence_and_parts_come_back_in_order(data):
    parts = data.to_prices(np.zeros((len(data.history), 3)))
    assert np.allclose(parts["test"], data.origin_price[:, None]) and parts[
        "test"
    ].shape == (len(data.X_test), 3)
    assert (
        np.allclose(parts["val"], data.val_origin_price[:, None])
        and parts["last"][0, 0] == data.last_price
    )


def test_recursive_paths_append_each_forecast_as_the_newest_price(data):
    flat = ms.recursive_paths(lambda X: np.zeros(len(X)), data.history, 7, data.scale)
    # "no change" rolled forward stays flat
    assert np.allclose(flat, data.history[:, -1:])
    c = 0.5
    grow = ms.recursive_paths(lambda X: np.full(len(X), c), data.history, 7, data.scale)
    assert np.allclose(
        grow, data.history[:, -1:] * (1 + c * data.scale) ** np.arange(1, 8)
    )
    # a step that reads the window: the newest value it sees at step 2 is its own first
    # forecast
    seen = []
    ms.recursive_paths(
        lambda X: seen.append(X[:, -2, 0].copy()) or np.full(len(X), c),
        data.history,
        2,
        data.scale,
    )
    assert np.allclose(
        seen[1],
        (data.history[:, -1] / (data.history[:, -1] * (1 + c * data.scale)) - 1)
        / data.scale,
    )


def test_drift_grows_by_the_training_years_mean_rate():
    days = pd.bdate_range("2014-01-01", "2017-12-29")
    grows = pd.Series(10 * 1.002 ** np.arange(len(days)), index=days, name="High")
    assert ms.relative_drift_rate(grows, "2016") == pytest.approx(0.002)
    test_only = grows.copy()
    test_only.loc["2017"] *= 5.0  # the test year changes nothing
    assert ms.relative_drift_rate(test_only, "2016") == ms.relative_drift_rate(
        grows, "2016"
    )


def test_settled_rate_reads_the_growth_a_path_ends_on():
    assert ms.settled_rate(100 * 1.001 ** np.arange(1, 251)) == pytest.approx(0.001)
    with pytest.raises(ValueError, match="too short"):
        ms.settled_rate(np.ones(5))


def test_strategy_configs_and_jobs(data):
    configs = ms.strategy_configs(5, (2, 5), units=4, epochs=2)
    assert list(configs) == [
        "one-step",
        "direct 2",
        "direct 5",
        "multi-output",
        "encoder-decoder",
    ]
    jobs = {name: ms.strategy_job(c, hs, data, 0) for name, (c, hs) in configs.items()}
    assert jobs["one-step"].keep_weights and not jobs["direct 2"].keep_weights
    assert (
        np.array_equal(jobs["direct 5"].y, data.Y_train[:, 4:5])
        and jobs["multi-output"].y.shape[1] == 5
    )
    assert jobs["encoder-decoder"].X_val is not None and len(
        jobs["one-step"].X_predict
    ) == len(data.history)
    with pytest.raises(
        ValueError, match=r"direct horizons must lie in 2..5, got \[1, 6\]"
    ):
        ms.strategy_configs(5, (1, 6))


def test_a_model_rebuilt_from_its_weights_is_the_step(data):
    config = ms.MultiStepConfig(units=3)
    model = config.build(10)
    step = ms.keras_step(config, model.get_weights(), window=10)
    assert np.allclose(step(data.X_test[:4]), model.predict(data.X_test[:4], verbose=0))


def test_horizon_rmse_scores_only_known_days():
    actual = np.array([[1.0, 2.0], [3.0, np.nan]])
    assert np.allclose(
        ms.horizon_rmse(actual, np.array([[2.0, 2.0], [3.0, 0.0]])), [np.sqrt(0.5), 0.0]
    )
    with pytest.raises(ValueError, match="differ in shape"):
        ms.horizon_rmse(actual, np.zeros(2))
    with pytest.raises(ValueError, match="NaN where the actual price is known"):
        ms.horizon_rmse(actual, np.array([[np.nan, 2.0], [3.0, 0.0]]))
    # a direct model's gap
    left_out = ms.horizon_rmse(actual, np.array([[2.0, np.nan], [3.0, np.nan]]))
    assert left_out[0] == pytest.approx(np.sqrt(0.5)) and np.isnan(left_out[1])


def test_persistence_error_grows_like_sqrt_h_on_a_random_walk():
    rng = np.random.default_rng(0)
    sigma, horizon, n = 0.01, 10, 20000
    origin = np.full(n, 100.0)
    actual = origin[:, None] * np.exp(
        np.cumsum(rng.normal(0, sigma, (n, horizon)), axis=1)
    )
    persistence = np.repeat(origin[:, None], horizon, axis=1)
    fake = ms.HorizonData(
        *(None,) * 6,
        origin_price=origin,
        actual=actual,
        val_origin_price=None,
        val_actual=None,
        X_last=None,
        last_day=None,
        last_price=None,
        history=None,
        scale=None,
        horizon=horizon,
        window=None,
    )
    assert np.allclose(
        ms.horizon_rmse(actual, persistence),
        ms.random_walk_rmse(fake, sigma),
        rtol=0.03,
    )


def test_strategy_forecasts_from_trained_models(data, tmp_cache, tmp_results):
    from lstm_helpers.training.scheduler import train_many

    configs = ms.strategy_configs(5, (3,), units=3, epochs=1)
    results = train_many(
        [ms.strategy_job(c, hs, data, 0) for c, hs in configs.values()], workers=1
    )
    # the one-step model keeps its weights, stored
    assert results[0].weights and not results[1].weights
    out = ms.strategy_forecasts(data, configs, dict(zip(configs, results, strict=True)))
    assert list(out) == list(ms.STRATEGIES)
    m = len(data.X_test)
    assert all(
        parts["test"].shape == (m, 5) and parts["last"].shape == (1, 5)
        for parts in out.values()
    )
    direct = out["direct"]["test"]
    assert np.isnan(direct).all(axis=0).tolist() == [False, True, False, True, True]
    # both are the one-step model at h=1
    assert np.allclose(direct[:, 0], out["recursive"]["test"][:, 0], rtol=1e-5)
    assert np.allclose(direct[:, 2], data.to_prices(results[1].outputs)["test"][:, 0])
    loaded = train_many(
        [ms.strategy_job(c, hs, data, 0) for c, hs in configs.values()], workers=1
    )
    assert loaded[0].source == "cache" and all(
        np.array_equal(a, b)
        for a, b in zip(loaded[0].weights, results[0].weights, strict=True)
    )


def test_a_gap_between_training_and_test_years_is_never_scored(series):
    """With train_end=2015 and test_start=2017, 2016 is neither trained on nor scored (a
    planted leak: the old first test origin, the last training day, scored 2016 as
    test)."""
    gap = ms.horizon_windows(
        series, Split("2015", "2017", "2017"), horizon=5, window=10
    )
    first_test_day = series.loc["2017"].index[0]
    assert gap.test_origins[0] == series.index[series.index.get_loc(first_test_day) - 1]
    # the first target is the first test day
    assert gap.actual[0, 0] == series.loc["2017"].iloc[0]
    assert (gap.test_origins >= pd.Timestamp("2016-12-30")).all()
    scored = gap.actual[~np.isnan(gap.actual)]
    assert np.isin(scored, series.loc["2017"].to_numpy()).all()


def test_change_structure_reads_no_structure_in_a_random_walk_and_momentum_in_an_ar1():
    days = pd.bdate_range("2000-01-03", periods=4000)
    rng = np.random.default_rng(3)
    walk = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, len(days)))), index=days)
    flat = ms.change_structure(walk, "2100", horizon=20)
    assert (
        abs(flat["lag-1 autocorrelation"]) < 0.05
        and abs(flat["variance ratio (20 days)"] - 1) < 0.15
    )
    moves = np.zeros(len(days))
    noise = rng.normal(0, 0.01, len(days))
    for t in range(1, len(days)):
        moves[t] = 0.3 * moves[t - 1] + noise[t]  # a move tends to go on the next day
    momentum = ms.change_structure(
        pd.Series(np.exp(np.cumsum(moves)), index=days), "2100", horizon=20
    )
    assert momentum["lag-1 autocorrelation"] == pytest.approx(0.3, abs=0.05)
    # VR(h) of an AR(1) with phi = 0.3 tends to (1 + phi) / (1 - phi) = 1.86 for long h
    assert momentum["variance ratio (20 days)"] == pytest.approx(1.3 / 0.7, rel=0.15)
    with pytest.raises(ValueError, match="too few"):
        ms.change_structure(walk.iloc[:30], "2100", horizon=20)


def test_growth_interval_compares_the_same_origins_and_brackets_a_random_walks_sqrt_h():
    rng = np.random.default_rng(8)
    m, H = 400, 20
    price = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, m + H)))
    origin = price[:m]
    actual = np.stack([price[k + 1 : k + 1 + H] for k in range(m)])
    actual[-5:, -1] = np.nan  # the last origins' 20-day target is not known yet
    out = ms.growth_interval(actual, origin, H, draws=500)
    known = ~np.isnan(actual[:, -1])
    by_hand = np.sqrt(
        np.mean((actual[known, -1] - origin[known]) ** 2)
        / np.mean((actual[known, 0] - origin[known]) ** 2)
    )
    assert out["ratio"] == pytest.approx(by_hand) and out["origins"] == m - 5
    assert (
        out["low"] < np.sqrt(H) < out["high"]
        and out["low"] < out["ratio"] < out["high"]
    )
    with pytest.raises(ValueError, match="between 2 and 20"):
        ms.growth_interval(actual, origin, 21)
