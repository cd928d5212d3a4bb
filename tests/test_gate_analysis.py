"""Tests of lstm_helpers.lessons.gate_analysis: window choice, gate traces and
heatmaps."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from lstm_helpers.lessons.gate_analysis import (
    calm_and_volatile,
    gate_trace,
    plot_gate_heatmaps,
    window_days,
    window_volatility,
)
from lstm_helpers.numpy_lstm import init_lstm_params, lstm_forward


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


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
    # constant prices: no volatility
    assert vol.iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert vol.iloc[-1] == pytest.approx(
        100 * np.std(np.diff(np.log(series.iloc[-6:-1])), ddof=1)
    )
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
        # row r, column w (row-major) shows gate r of window w, units down, steps across
        for r, key in enumerate(("f", "i", "o", "c")):
            for w, name in enumerate(("a", "b")):
                values = traces[name][key].T
                if centre:
                    values = values - values[:, skip:].mean(axis=1, keepdims=True)
                shown = np.asarray(images[2 * r + w].images[0].get_array())
                np.testing.assert_allclose(
                    shown, values, rtol=0, atol=1e-15, err_msg=f"{key} of {name}"
                )
        if centre:
            # centred on the steps after the warm-up
            shown = images[0].images[0].get_array()
            assert np.abs(np.asarray(shown)[:, 3:].mean(axis=1)).max() < 1e-12
        plt.close(fig)
    with pytest.raises(ValueError, match="same keys"):
        plot_gate_heatmaps(traces, {"a": prices["a"]})
