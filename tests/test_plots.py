"""Tests of lstm_helpers.lessons.plots: each figure builds, with its panels laid out two
a row."""

import matplotlib.pyplot as plt  # the Agg backend: tests/conftest.py sets MPLBACKEND
import numpy as np
import pandas as pd

from lstm_helpers.lessons import plots

TICKERS = ["AAA", "BBB", "CCC", "DDD"]


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def test_four_stocks_make_two_rows_of_two():
    runs = pd.DataFrame(
        [
            {"ticker": t, "model": m, "seed": s, "rmse": 1.0 + s}
            for t in TICKERS
            for m in ("A", "B")
            for s in (0, 1)
        ]
    )
    baselines = pd.DataFrame(
        [
            {"ticker": t, "model": m, "rmse": 1.2}
            for t in TICKERS
            for m in ("persistence", "EMA(0.5)", "SMA(100)")
        ]
    )
    fig = plots.plot_seed_rmse(runs, baselines, TICKERS, ["A", "B"])
    boxes = [ax.get_position() for ax in _visible_axes(fig)]
    assert len(boxes) == 4 and len({round(b.y0, 3) for b in boxes}) == 2  # two rows
    plt.close(fig)


def test_three_panels_hide_the_fourth():
    rng = np.random.default_rng(0)
    scaled = {t: rng.uniform(0, 1.3, 20) for t in TICKERS[:3]}
    fig = plots.plot_error_against_scaled_price(
        scaled, {t: rng.normal(size=20) for t in scaled}, "title"
    )
    assert len(_visible_axes(fig)) == 3
    plt.close(fig)


def test_outputs_against_inputs_one_marker_per_model():
    last = {"AAA": np.linspace(0.5, 1.2, 30)}
    outputs = {
        "AAA": {
            ("LSTM default", 0): last["AAA"] - 0.1,
            ("LSTM default", 1): last["AAA"] - 0.05,
            ("LSTM improved", 0): last["AAA"],
        }
    }
    fig = plots.plot_outputs_against_inputs(last, outputs)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels[:3] == ["default, seed 0", "default, seed 1", "improved, seed 0"]
    plt.close(fig)


def test_fan_chart_sweeps_and_account_build():
    days = pd.bdate_range("2017-01-02", periods=30)
    future = pd.bdate_range("2017-02-13", periods=5)
    band = (0.8, np.full(5, 9.0), np.full(5, 11.0))
    fig = plots.plot_fan_chart(
        pd.Series(np.linspace(9, 10, 30), index=days),
        future,
        10.0,
        [band],
        np.full(5, 10.1),
        band,
        "t",
        "USD",
    )
    assert len(fig.axes) == 1
    sweep = pd.DataFrame(
        {
            "forget bias": [0, 1],
            "gradient ratio (median)": [1e-3, 1e-2],
            "product of f_t (median)": [1e-3, 1e-2],
        }
    )
    rnn = pd.DataFrame(
        {
            "recurrent scale": [0.5, 1.0],
            "gradient ratio (median)": [1e-6, 1e-3],
            "upper bound (median)": [1e-5, 1e-2],
        }
    )
    assert len(plots.plot_gradient_sweeps(sweep, rnn).axes) == 2
    account = pd.DataFrame(
        [
            {"hypothesis": h, "model": "m", "ticker": t, "rmse": 3.0}
            for h in ("a", "b")
            for t in ("IBM", "AABA")
        ]
    )
    fig = plots.plot_account(
        account,
        ["m"],
        ["a", "b"],
        ["IBM", "AABA"],
        {"IBM": 1.5, "AABA": 0.5},
        {("IBM", "m"): 3.1},
        {"AABA": "IBM"},
    )
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [
        "IBM",
        "AABA\n(as 'IBM')",
    ]
    plt.close("all")
