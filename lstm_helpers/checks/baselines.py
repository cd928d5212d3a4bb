"""The exercise checks of the baselines lesson."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.checks._shared import (
    Failed,
    answered,
    as_mapping,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    guess_line,
    random_walk,
    rtol_for,
    show,
)
from lstm_helpers.evaluation.baselines import persistence, simple_moving_average
from lstm_helpers.evaluation.metrics import rmse
from lstm_helpers.evaluation.scaled_errors import mase, naive_scale


@exercise_check("moving average")
def moving_average(my_sma: Any) -> str:
    """``my_sma(series, window)`` against
    :func:`lstm_helpers.evaluation.baselines.simple_moving_average`."""
    series = random_walk(300, seed=1)
    windows = (1, 5, 20)
    for window in windows:
        got = call_answer(my_sma, f"my_sma(series, {window})", series.copy(), window)
        expected = simple_moving_average(series, window)
        mistakes = {
            "the forecast for day t averages days t-N+1..t, so it "
            "uses day t's own price (shift by one day)": series.rolling(window).mean(),
            f"the average covers {window - 1} days, not {window}": series.rolling(
                max(window - 1, 1)
            )
            .mean()
            .shift(1),
            "the first days get a forecast from fewer than N days "
            "(min_periods); they should stay NaN": series.rolling(window, min_periods=1)
            .mean()
            .shift(1),
        }
        expect_same(got, expected, f"my_sma(series, {window})", mistakes)
    return (
        "matches simple_moving_average for N = "
        f"{', '.join(map(str, windows))} on a seeded series of "
        "300 days."
    )


@exercise_check("persistence RMSE")
def persistence_rmse(
    my_rmse: Any,
    prices: Mapping[str, pd.DataFrame],
    split: Any,
    target: str,
    guess: Any = None,
) -> str:
    """``my_rmse[ticker]``: the test-period RMSE of "tomorrow = today", against
    :func:`persistence`."""
    values = as_mapping(my_rmse, "my_rmse")
    test = slice(split.test_start, split.test_end)
    measured = {}
    for ticker, frame in prices.items():
        if ticker not in values:
            raise Failed(f"my_rmse has no value for {ticker}")
        raw = values[ticker]
        if (
            isinstance(raw, numbers.Real)
            and not isinstance(raw, bool)
            and np.isnan(raw)
        ):
            raise Failed(
                f"my_rmse[{ticker!r}] is NaN: a forecast is missing on "
                "some test day. Persistence "
                "forecasts each day with the day before (shift(1)); "
                "tomorrow's price (shift(-1)) has no "
                "value on the last day"
            )
        got = as_number(raw, f"my_rmse[{ticker!r}]")
        series = frame[target]
        actual, previous = (
            series.loc[test].to_numpy(),
            persistence(series).loc[test].to_numpy(),
        )
        want = measured[ticker] = rmse(actual, previous)
        if abs(got - want) > rtol_for(raw, 1e-6) * want:
            errors = previous - actual
            hints = {
                "that is the mean squared error: take its square root": np.mean(
                    errors**2
                ),
                "the test part includes a day after the test period: "
                "cut it at test_end": np.sqrt(
                    np.mean(
                        (series.shift(1) - series)
                        .loc[split.test_start :]
                        .dropna()
                        .to_numpy()
                        ** 2
                    )
                ),
                "that is the mean absolute error: square, average, "
                "then take the root": np.mean(np.abs(errors)),
                "the first test day is missing: its forecast is the last training "
                "day's price, so shift the "
                "whole series before you cut out the test days": np.sqrt(
                    np.mean(errors[1:] ** 2)
                ),
            }
            hint = next(
                (
                    f" Hint: {h}."
                    for h, v in hints.items()
                    if abs(got - v) < 1e-6 * max(v, 1e-12)
                ),
                "",
            )
            raise Failed(
                f"my_rmse[{ticker!r}] is {show(got)}, expected "
                f"{show(want)} over {len(actual)} test days."
                f"{hint}"
            )
    first = next(iter(measured))
    shown = ", ".join(f"{t} {v:.3f}" for t, v in measured.items())
    return f"persistence RMSE {shown}.{guess_line(guess, measured[first])}"


@exercise_check("MASE")
def mase_function(my_mase: Any) -> str:
    """``my_mase(actual, forecast, train)`` against
    :func:`lstm_helpers.evaluation.scaled_errors.mase`."""
    rng = np.random.default_rng(3)
    train = 100 + np.cumsum(rng.normal(0, 1, 400))
    actual = train[-1] + np.cumsum(rng.normal(0, 2, 60))
    forecast = actual + rng.normal(0.3, 1.5, 60)
    raw = call_answer(
        my_mase,
        "my_mase(actual, forecast, train)",
        actual.copy(),
        forecast.copy(),
        train.copy(),
    )
    got = as_number(raw, "my_mase(actual, forecast, train)")
    want = mase(actual, forecast, naive_scale(train))
    if abs(got - want) > rtol_for(raw, 1e-9) * want:
        error = np.abs(forecast - actual)
        hints = {
            "the scale comes from the test values; MASE scales by "
            "the training days' naive error": error.mean() / naive_scale(actual),
            "the scale is the mean price, not the mean absolute "
            "one-day change": error.mean() / np.mean(np.abs(train)),
            "the errors are squared; MASE averages absolute errors": np.mean(error**2)
            / naive_scale(train),
            "the scale uses the training days' changes without the "
            "absolute value": error.mean() / abs(np.mean(np.diff(train))),
        }
        hint = next(
            (f" Hint: {h}." for h, v in hints.items() if abs(got - v) < 1e-9 * abs(v)),
            "",
        )
        raise Failed(
            f"my_mase gives {show(got)}, expected {show(want)} on "
            f"a seeded example.{hint}"
        )
    return (
        "matches mase(actual, forecast, naive_scale(train)) = "
        f"{want:.4f} on a seeded example."
    )


@exercise_check("moving-average window sweep")
def sma_sweep(
    my_ticker: Any,
    my_sweep: Any,
    prices: Mapping[str, pd.DataFrame],
    split: Any,
    target: str,
) -> str:
    """An open experiment: ``my_sweep[N]``, the test RMSE of the N-day moving average on
    ``my_ticker``."""
    ticker = answered(my_ticker, "my_ticker")
    if ticker not in prices:
        raise Failed(
            f"my_ticker {ticker!r} is not one of the loaded stocks "
            f"({', '.join(prices)})"
        )
    sweep = as_mapping(my_sweep, "my_sweep", at_least=3)
    series = prices[ticker][target]
    test = slice(split.test_start, split.test_end)
    for window, got in sweep.items():
        if (
            isinstance(window, bool)
            or not isinstance(window, numbers.Integral)
            or window < 2
        ):
            raise Failed(
                "my_sweep's keys must be window lengths N >= 2 (whole "
                "numbers; N = 1 is persistence), "
                f"got {window!r}"
            )
        raw, got = got, as_number(got, f"my_sweep[{window}]")
        want = rmse(
            series.loc[test], simple_moving_average(series, int(window)).loc[test]
        )
        if abs(got - want) > rtol_for(raw, 1e-6) * want:
            raise Failed(
                f"my_sweep[{window}] is {show(got)}, expected "
                f"{show(want)} (the RMSE over the test days "
                f"{split.test_start}..{split.test_end} only)."
            )
    best = min(sweep, key=sweep.get)
    return (
        f"{len(sweep)} windows on {ticker}; the best is N = "
        f"{best} (RMSE {sweep[best]:.3f})."
    )
