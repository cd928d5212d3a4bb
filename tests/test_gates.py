"""Tests of lstm_helpers.gates: diagrams, the cached gate model, window choice, gate traces, path products."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from lstm_helpers import cache
from lstm_helpers.gates import (
    LSTM_PARTS,
    calm_and_volatile,
    draw_lstm_cell,
    draw_rnn_cell,
    forget_path_product,
    gate_trace,
    plot_gate_heatmaps,
    rnn_path_bound,
    train_gate_model,
    window_days,
    window_volatility,
)
from lstm_helpers.numpy_lstm import (
    init_lstm_params,
    init_rnn_params,
    lstm_forward,
    predict_regressor,
    rnn_backward,
    rnn_forward,
    sigmoid,
)
from lstm_helpers.windows import report_windows


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


@pytest.fixture(scope="module")
def data():
    days = pd.bdate_range("2015-01-01", "2017-12-29")
    prices = pd.Series(
        100 + np.cumsum(np.random.default_rng(0).normal(0, 1, len(days))), index=days, name="High"
    )
    return report_windows(prices, window=10)



# --------------------------------------------------------------------------
# Diagrams
# --------------------------------------------------------------------------


def test_diagrams_draw_and_check_parts():
    _, (a, b, c) = plt.subplots(1, 3)
    assert draw_rnn_cell(a) is a
    assert draw_lstm_cell(b) is b
    assert draw_lstm_cell(c, highlight={"f", "c"}) is c
    assert len(b.patches) > 10 and len(b.texts) > 10
    # grey parts in the highlighted drawing, none in the full one
    assert any(p.get_facecolor()[:3] == matplotlib.colors.to_rgb("#b0b0b0") for p in c.patches)
    with pytest.raises(ValueError, match="unknown part"):
        draw_lstm_cell(highlight={"x"})
    assert set(LSTM_PARTS) == {"f", "i", "g", "o", "c", "h"}
    plt.close("all")


# --------------------------------------------------------------------------
# The trained Keras model: its weights are the NumPy cell's, and it is cached
# --------------------------------------------------------------------------


def test_gate_model_weights_reproduce_keras_and_are_cached(data, tmp_cache):
    first = train_gate_model(data, units=4, epochs=1, batch_size=16, seed=3)
    assert not first.cached and first.units == 4
    assert first.params["kernel"].shape == (1, 16) and first.params["w_out"].shape == (4, 1)
    # the NumPy cell with the stored weights gives Keras's own test forecasts
    ours = predict_regressor(first.params, data.X_test.astype("float32"))
    assert np.abs(ours - first.test_outputs).max() <= 1e-6

    again = train_gate_model(data, units=4, epochs=1, batch_size=16, seed=3)
    assert again.cached and again.key == first.key
    for k in first.params:
        assert np.array_equal(first.params[k], again.params[k])
    assert again.loss == first.loss
    assert train_gate_model(data, units=4, epochs=1, batch_size=16, seed=4).cached is False
    assert cache.clear(tmp_cache) == 2


# --------------------------------------------------------------------------
# Calm and volatile windows
# --------------------------------------------------------------------------


def test_window_days_and_volatility():
    days = pd.bdate_range("2020-01-01", periods=30)
    growth = np.ones(30)
    growth[15:] = np.where(np.arange(15) % 2 == 0, 1.05, 1 / 1.05)  # calm, then zig-zag
    series = pd.Series(100 * np.cumprod(growth), index=days)

    w = window_days(series, days[20], window=5)
    assert list(w.index) == list(days[15:20])

    vol = window_volatility(series, days[5:], window=5)
    assert vol.index.equals(days[5:])
    assert vol.iloc[0] == pytest.approx(0.0, abs=1e-12)  # constant prices: no volatility
    assert vol.iloc[-1] == pytest.approx(100 * np.std(np.diff(np.log(series.iloc[-6:-1])), ddof=1))
    calm, wild = calm_and_volatile(vol)
    assert vol.iloc[calm] == vol.min() and vol.iloc[wild] == vol.max()

    with pytest.raises(ValueError, match="history"):
        window_days(series, days[2], window=5)


# --------------------------------------------------------------------------
# Gate traces and heatmaps
# --------------------------------------------------------------------------


def test_gate_trace_is_the_forward_cache(rng):
    params = init_lstm_params(1, 3, rng)
    x = rng.random((12, 1))
    trace = gate_trace(params, x)
    _, state = lstm_forward(x[None], **params)
    assert set(trace) == {"i", "f", "g", "o", "c", "h"}
    for k, v in trace.items():
        assert v.shape == (12, 3)
        np.testing.assert_array_equal(v, getattr(state, k)[0])
    assert np.array_equal(gate_trace(params, x[None])["c"], trace["c"])
    with pytest.raises(ValueError, match="one window"):
        gate_trace(params, rng.random((2, 12, 1)))


def test_heatmaps_have_a_row_per_gate_and_a_column_per_window(rng):
    params = init_lstm_params(1, 3, rng)
    days = pd.bdate_range("2020-01-01", periods=12)
    traces = {k: gate_trace(params, rng.random((12, 1))) for k in ("a", "b")}
    prices = {k: pd.Series(rng.random(12), index=days) for k in ("a", "b")}
    for centre, skip in ((False, 0), (True, 3)):
        fig = plot_gate_heatmaps(traces, prices, centre=centre, skip=skip)
        images = [ax for ax in fig.axes if ax.images]
        assert len(images) == 8  # 4 rows (f, i, o, c) x 2 windows
        if centre:
            # centred on the steps after the warm-up
            shown = images[0].images[0].get_array()
            assert np.abs(np.asarray(shown)[:, 3:].mean(axis=1)).max() < 1e-12
        plt.close(fig)
    with pytest.raises(ValueError, match="same keys"):
        plot_gate_heatmaps(traces, {"a": prices["a"]})


# --------------------------------------------------------------------------
# The two products of lesson 03
# --------------------------------------------------------------------------


def test_forget_path_product_with_constant_gates():
    T, H, b = 7, 2, 1.5
    params = {
        "kernel": np.zeros((1, 4 * H)),
        "recurrent_kernel": np.zeros((H, 4 * H)),
        "bias": np.zeros(4 * H),
    }
    params["bias"][H : 2 * H] = b
    product = forget_path_product(params, np.ones((1, T, 1)))
    np.testing.assert_allclose(product, sigmoid(np.float64(b)) ** (T - 1), rtol=1e-14)


def test_rnn_path_bound_with_a_scaled_identity(rng):
    T, H, s = 9, 3, 0.7
    params = {"kernel": np.zeros((1, H)), "recurrent_kernel": s * np.eye(H), "bias": np.zeros(H)}
    # zero input and zero bias keep H_t = 0, so tanh' = 1 and each step multiplies by s
    assert rnn_path_bound(params, np.zeros((1, T, 1))) == pytest.approx(s ** (T - 1), rel=1e-12)


def test_rnn_path_bound_bounds_the_hidden_state_gradient(rng):
    params = init_rnn_params(1, 5, rng)
    params["recurrent_kernel"] *= 1.3
    x = rng.random((1, 15, 1))
    h_seq, state = rnn_forward(x, **params, h0=np.zeros((1, 5)))
    u = params["recurrent_kernel"]
    bound = rnn_path_bound(params, x)
    for _ in range(5):  # several directions of the gradient arriving at the last hidden state
        dh_last = rng.standard_normal(5)
        dh_last /= np.linalg.norm(dh_last)
        v = dh_last
        for t in range(14, 0, -1):  # back from H_15 to H_1, one Jacobian per step
            v = (v * (1.0 - h_seq[0, t] ** 2)) @ u.T
        assert np.linalg.norm(v) <= bound * (1 + 1e-12)
        # the recursion is rnn_backward's: one more step gives its gradient of h0
        dh_seq = np.zeros_like(h_seq)
        dh_seq[0, -1] = dh_last
        np.testing.assert_allclose(
            rnn_backward(dh_seq, state)["h0"][0], (v * (1.0 - h_seq[0, 0] ** 2)) @ u.T, rtol=1e-10, atol=1e-14
        )
