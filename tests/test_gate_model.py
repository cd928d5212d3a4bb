"""Tests of lstm_helpers.lessons.gate_model: the small Keras LSTM, its weights the NumPy
cell's, cached."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.data.windows import report_windows
from lstm_helpers.lessons.gate_model import train_gate_model
from lstm_helpers.numpy_lstm import predict_regressor
from lstm_helpers.training import cache


@pytest.fixture(scope="module")
def data():
    days = pd.bdate_range("2015-01-01", "2017-12-29")
    prices = pd.Series(
        100 + np.cumsum(np.random.default_rng(0).normal(0, 1, len(days))),
        index=days,
        name="High",
    )
    return report_windows(prices, window=10)


# --------------------------------------------------------------------------
# The trained Keras model: its weights are the NumPy cell's, and it is cached
# --------------------------------------------------------------------------


def test_gate_model_weights_reproduce_keras_and_are_cached(data, tmp_cache):
    first = train_gate_model(data, units=4, epochs=1, batch_size=16, seed=3)
    assert not first.cached and first.units == 4
    assert first.params["kernel"].shape == (1, 16) and first.params["w_out"].shape == (
        4,
        1,
    )
    # the NumPy cell with the stored weights gives Keras's own test forecasts
    ours = predict_regressor(first.params, data.X_test.astype("float32"))
    assert np.abs(ours - first.test_outputs).max() <= 1e-6

    again = train_gate_model(data, units=4, epochs=1, batch_size=16, seed=3)
    assert again.cached and again.key == first.key
    for k in first.params:
        assert np.array_equal(first.params[k], again.params[k])
    assert again.loss == first.loss
    assert (
        train_gate_model(data, units=4, epochs=1, batch_size=16, seed=4).cached is False
    )
    assert cache.clear(tmp_cache) == 2
