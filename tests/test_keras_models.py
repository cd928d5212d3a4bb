"""Tests of lstm_helpers.keras_models and lstm_helpers.cache with a tiny model."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers import cache
from lstm_helpers.keras_models import DEFAULT, IMPROVED, ModelConfig, build_model, fit_predict
from lstm_helpers.windows import report_windows

TINY = ModelConfig(name="tiny", units=4, layers=2, dropout=0.2, epochs=2, batch_size=16)


@pytest.fixture(scope="module")
def data():
    days = pd.bdate_range("2015-01-01", "2017-12-29")
    rng = np.random.default_rng(0)
    prices = pd.Series(100 + np.cumsum(rng.normal(0, 1, len(days))), index=days, name="High")
    return report_windows(prices, window=10)



def test_report_configurations():
    assert (DEFAULT.units, DEFAULT.layers, DEFAULT.dropout, DEFAULT.epochs, DEFAULT.batch_size) == (50, 4, 0.2, 50, 32)
    assert (IMPROVED.dropout, IMPROVED.epochs, IMPROVED.batch_size) == (0.1, 20, 12)
    assert DEFAULT.optimizer == IMPROVED.optimizer == "rmsprop"


def test_parameter_count_matches_the_gate_equations():
    model = build_model(DEFAULT, window=60)
    # Each LSTM layer: 4 gates x (input weights + recurrent weights + bias).
    first = 4 * (50 * 1 + 50 * 50 + 50)
    later = 4 * (50 * 50 + 50 * 50 + 50)
    assert model.count_params() == first + 3 * later + (50 + 1)
    assert model.output_shape == (None, 1)


def test_same_seed_gives_bit_identical_predictions(data, tmp_cache):
    a = fit_predict(TINY, data, seed=3, use_cache=False, log_every=0)
    b = fit_predict(TINY, data, seed=3, use_cache=False, log_every=0)
    c = fit_predict(TINY, data, seed=4, use_cache=False, log_every=0)
    assert np.array_equal(a.predictions, b.predictions)
    assert a.loss == b.loss
    assert not np.array_equal(a.predictions, c.predictions)
    assert a.predictions.shape == (len(data.test_dates),)


def test_cache_loads_instead_of_retraining_and_keys_on_every_input(data, tmp_cache):
    first = fit_predict(TINY, data, seed=1, log_every=0)
    again = fit_predict(TINY, data, seed=1, log_every=0)
    assert not first.cached and again.cached
    assert np.array_equal(first.predictions, again.predictions)
    assert fit_predict(TINY.with_training(epochs=1), data, seed=1, log_every=0).cached is False
    assert fit_predict(TINY, data, seed=2, log_every=0).cached is False
    assert cache.clear(tmp_cache) == 3
    assert fit_predict(TINY, data, seed=1, log_every=0).cached is False


def test_bad_configuration():
    with pytest.raises(ValueError, match="cell must be"):
        build_model(ModelConfig(cell="transformer"))
    with pytest.raises(ValueError, match="at least one layer"):
        build_model(ModelConfig(layers=0))


def test_train_many_in_workers_matches_training_here(data, tmp_cache):
    from lstm_helpers.keras_models import Job, train_many

    here = fit_predict(TINY, data, seed=5, use_cache=False, log_every=0)
    jobs = [Job(TINY, data, seed=5, ticker="T"), Job(TINY.with_training(epochs=1), data, seed=5, ticker="T")]
    results = train_many(jobs, workers=2)  # one CPU thread per worker process
    assert [r.cached for r in results] == [False, False]
    assert np.array_equal(results[0].predictions, here.predictions)
    again = train_many(jobs, workers=2)
    assert [r.cached for r in again] == [True, True]
    assert np.array_equal(again[1].predictions, results[1].predictions)


def test_early_stopping_holds_out_the_end_of_training(data, tmp_cache):
    config = ModelConfig(name="es", units=4, layers=1, epochs=30, batch_size=32, early_stopping=True,
                         val_start="2016-07", patience=2)
    result = fit_predict(config, data, seed=0, log_every=0)
    assert len(result.val_loss) == len(result.loss) <= 30
    with pytest.raises(ValueError, match="leaves no training or no validation"):
        fit_predict(ModelConfig(name="bad", units=4, layers=1, epochs=1, early_stopping=True,
                                val_start="2030"), data, seed=0, log_every=0)
