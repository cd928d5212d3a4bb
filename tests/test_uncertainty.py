import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from lstm_helpers.data.periods import Split
from lstm_helpers.evaluation import prediction_bands as bands
from lstm_helpers.evaluation.conformal import adaptive_conformal, conformal_quantile
from lstm_helpers.evaluation.distribution_scores import crps_lognormal
from lstm_helpers.lessons import multi_step as ms
from lstm_helpers.lessons import uncertainty as uq

SPLIT = Split("2016", "2017", "2017")
H = (1, 3, 5)


@pytest.fixture(scope="module")
def data(series):  # series: the suite's seeded random walk (tests/conftest.py)
    return ms.horizon_windows(series, SPLIT, horizon=5, window=10)


@pytest.fixture(scope="module")
def realised(data):
    return uq.realised_changes(data, H)


def test_realised_changes_are_the_relative_moves_from_each_origin(data, realised):
    k = 7
    assert realised["test"][k, 1] == pytest.approx(
        data.actual[k, 2] / data.origin_price[k] - 1
    )
    assert realised["val"][k, 2] == pytest.approx(
        data.val_actual[k, 4] / data.val_origin_price[k] - 1
    )
    # the last origins' far horizons lie past the test period
    assert np.isnan(realised["test"][-1, 2]) and not np.isnan(realised["test"][-1, 0])


def test_the_simple_bands_are_the_multi_step_lessons(realised):
    sigma = 0.013
    q = uq.random_walk_quantiles(sigma, H)
    low, high = bands.random_walk_quantiles(sigma, 5, 0.8)
    np.testing.assert_allclose(q[:, 1], low[[0, 2, 4]])
    np.testing.assert_allclose(q[:, 3], high[[0, 2, 4]])
    e = uq.empirical_quantiles(realised["val"])
    zero = np.zeros_like(realised["val"])
    low, high = bands.empirical_quantiles(realised["val"] + 1, zero + 1, 0.95)
    np.testing.assert_allclose(e[:, 0], low)
    np.testing.assert_allclose(e[:, 4], high)


def test_split_conformal_is_symmetric_with_the_corrected_quantile(realised):
    val, test = realised["val"], realised["test"]
    center = np.full_like(test, 0.01)
    q = uq.split_conformal_quantiles(np.zeros_like(val), val, center)
    for k in range(len(H)):
        half = conformal_quantile(np.abs(val[:, k]), 0.8)
        np.testing.assert_allclose(q[:, k, 3] - center[:, k], half)
        np.testing.assert_allclose(center[:, k] - q[:, k, 1], half)
    np.testing.assert_allclose(q[:, :, 2], center)
    assert (q[:, :, 4] >= q[:, :, 3]).all()


def _leaks(build, test, horizons):
    """(horizon column, origin) pairs whose band changed when outcomes not yet known
    (origins after ``t - h``) changed: [] for a band built without the future."""
    before = build(test)
    found = []
    rng = np.random.default_rng(0)
    for k, h in enumerate(horizons):
        for t in (5, 40, 120, len(test) - 30):
            changed = test.copy()
            later = np.arange(len(test)) > t - h
            changed[later, k] = rng.normal(0, 0.3, later.sum())
            after = build(changed)
            if not np.array_equal(
                before[: t + 1, k], after[: t + 1, k], equal_nan=True
            ):
                found.append((k, t))
    return found


def test_no_test_year_outcome_reaches_a_band_before_its_day(realised):
    val, test = realised["val"], realised["test"][:-5]  # no NaN: every score known

    def adaptive(changed):
        return uq.adaptive_conformal_quantiles(
            np.zeros_like(val), val, np.zeros_like(changed), changed, H, 0.05
        )[0]

    assert _leaks(adaptive, test, H) == []

    # planted: every horizon's error taken as known the next day (delay 1)
    def leaky(changed):
        q = [
            adaptive_conformal(np.abs(changed[:, k]), np.abs(val[:, k]), 0.8, 0.05, 1)[
                0
            ]
            for k in range(len(H))
        ]
        return np.stack(q, axis=1)

    assert {k for k, _ in _leaks(leaky, test, H)} == {1, 2}


def test_band_scores_by_hand():
    realised = np.array([[0.0], [0.03], [-0.05], [np.nan]])
    q = np.array([[-0.04, -0.02, 0.0, 0.02, 0.04]])  # (K, L), every origin the same
    table = uq.band_scores(realised, q, (1,))
    row = table.loc[1]
    assert row["coverage 80%"] == pytest.approx(100 / 3)
    assert row["coverage 95%"] == pytest.approx(200 / 3)
    assert row["width 80%"] == pytest.approx(4.0)
    # 0.04 wide, plus 2 / 0.2 times the misses 0.01 and 0.03
    assert row["Winkler 80%"] == pytest.approx(100 * (0.04 + 10 * 0.04 / 3))
    assert row["Winkler 95%"] == pytest.approx(100 * (0.08 + 40 * 0.01 / 3))


def test_network_outputs_become_quantiles_of_the_relative_change(data):
    n = len(data.history)
    config = uq.distribution_configs(H)["Gaussian LSTM"]
    rng = np.random.default_rng(5)
    raw = np.concatenate([rng.normal(size=(n, 3)), rng.uniform(1, 2, (n, 3))], axis=1)
    out = uq.network_quantiles(config, raw.ravel(), data)
    m = len(data.X_test)
    assert out["test"].shape == (m, 3, len(uq.LEVELS))
    mean = raw[len(data.X_val) : len(data.X_val) + m, :3] * data.scale
    sd = raw[len(data.X_val) : len(data.X_val) + m, 3:] * data.scale
    np.testing.assert_allclose(out["test"][:, :, 3], mean + norm.ppf(0.9) * sd)
    config = uq.distribution_configs(H)["quantile LSTM"]
    raw = np.sort(rng.normal(size=(n, 3, 5)), axis=-1)
    out = uq.network_quantiles(config, raw.ravel(), data)
    np.testing.assert_allclose(out["val"], raw[: len(data.X_val)] * data.scale)


def test_crps_and_calibration_curves_agree_with_their_parts(realised):
    sigma = {"X": 0.012}
    r = {"X": realised}
    crps = uq.random_walk_crps(realised["test"], 0.012, H)
    known = ~np.isnan(realised["test"][:, 2])
    want = 100 * np.mean(
        crps_lognormal(1 + realised["test"][known, 2], 0.0, 0.012 * np.sqrt(5))
    )
    assert crps[2] == pytest.approx(want)
    nominal = np.array([0.5, 0.8, 0.95])
    sd = np.full_like(realised["test"], 0.02)
    curves = uq.calibration_curves(
        r,
        sigma,
        {"X": [{"mean": {"test": 0 * sd}, "sd": {"test": sd}}]},
        H,
        nominal,
    )
    walk = uq.band_scores(realised["test"], uq.random_walk_quantiles(0.012, H), H)
    np.testing.assert_allclose(curves["random walk"][1], walk["coverage 80%"])
    assert (np.diff(curves["Gaussian LSTM"], axis=0) >= 0).all()


def test_score_tests_name_the_better_band(realised):
    test = realised["test"]
    wide = np.tile([-0.2, -0.1, 0.0, 0.1, 0.2], (len(H), 1))
    methods = {
        ("X", "split conformal", 0): wide,
        ("X", "random walk", 0): uq.random_walk_quantiles(0.012, H),
    }
    table = uq.score_tests({"X": test}, methods, H, against="split conformal")
    assert list(table["verdict"]) == ["better"] * len(H)
    assert (table["statistic"] < 0).all()
    assert isinstance(table, pd.DataFrame) and set(table["h"]) == set(H)
