"""The exercise checks of the information lesson."""

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
    random_walk,
    rtol_for,
    show,
    typed_as_printed,
)
from lstm_helpers.evaluation.benchmarks import close_based_recent
from lstm_helpers.evaluation.scaled_errors import rmse_ratio


def _ohlc(n: int, seed: int) -> pd.DataFrame:
    """A seeded frame of daily Close and High (the High a little above the Close, by a
    ratio that wanders)."""
    close = random_walk(n, seed, name="Close")
    spread = 1.0 + 0.01 * np.abs(
        np.random.default_rng(seed + 1).normal(1.0, 0.5, n)
    ).cumsum() / np.arange(1, n + 1)
    return pd.DataFrame({"Close": close, "High": close * spread})


@exercise_check("the Close-based rule")
def rule_function(my_rule: Any) -> str:
    """``my_rule(frame, days)`` against
    :func:`lstm_helpers.evaluation.benchmarks.close_based_recent`."""
    frame = _ohlc(300, seed=4)
    ratio = frame["High"] / frame["Close"]
    for days in (1, 5, 60):
        got = call_answer(my_rule, f"my_rule(frame, {days})", frame.copy(), days)
        expected = close_based_recent(frame, "High", days)
        mistakes = {
            "the ratio for day t includes day t's own High / Close, which is not known "
            "the evening before "
            "(shift the ratio by one day)": frame["Close"].shift(1)
            * ratio.rolling(days).mean(),
            "it multiplies day t's Close, which is not known the "
            "evening before: use the day before's": frame["Close"]
            * ratio.rolling(days).mean().shift(1),
            "that is the ratio of the mean High to the mean Close; "
            "the rule averages each day's High / Close": frame["Close"].shift(1)
            * (
                frame["High"].rolling(days).mean() / frame["Close"].rolling(days).mean()
            ).shift(1),
            f"the first days get a ratio from fewer than {days} "
            "days (min_periods); they should stay NaN": frame["Close"].shift(1)
            * ratio.rolling(days, min_periods=1).mean().shift(1),
        }
        expect_same(got, expected.to_numpy(), f"my_rule(frame, {days})", mistakes)
    return (
        "matches close_based_recent for 1, 5 and 60 days on a seeded frame of 300 days."
    )


@exercise_check("how many days the rule averages")
def rule_days(
    my_days: Any,
    my_ratios: Any,
    prices: Mapping[str, pd.DataFrame],
    split: Any,
    target: str = "High",
) -> str:
    """``my_ratios[ticker]``: the test-period RMSE of the rule with ``my_days`` days
    over persistence's."""
    days = answered(my_days, "my_days")
    if (
        not isinstance(days, numbers.Integral)
        or isinstance(days, bool)
        or not 1 <= days <= 2000
    ):
        raise Failed(
            f"my_days must be a whole number of days between 1 and 2000, got {days!r}"
        )
    values = as_mapping(my_ratios, "my_ratios")
    test = slice(split.test_start, split.test_end)
    measured = {}
    for ticker, frame in prices.items():
        if "Close" not in frame.columns or target == "Close":
            continue
        if ticker not in values:
            raise Failed(f"my_ratios has no value for {ticker}")
        raw = values[ticker]
        got = as_number(raw, f"my_ratios[{ticker!r}]")
        series = frame[target]
        actual, previous = (
            series.loc[test].to_numpy(),
            series.shift(1).loc[test].to_numpy(),
        )
        rule = close_based_recent(frame, target, int(days)).loc[test].to_numpy()
        if np.isnan(rule).any():
            raise Failed(
                f"with {days} days the rule has no forecast on some "
                f"test days of {ticker}: the data "
                "before the test period are too short; choose fewer days"
            )
        want = measured[ticker] = rmse_ratio(actual, rule, previous)
        if abs(got - want) > rtol_for(raw, 1e-6) * want and not typed_as_printed(
            raw, want
        ):
            sixty = close_based_recent(frame, target).loc[test].to_numpy()
            hints = {
                "that is persistence's RMSE over the rule's: divide "
                "the rule's by persistence's": 1 / want,
                "that is the rule's RMSE in dollars: divide it by "
                "persistence's RMSE on the same days": float(
                    np.sqrt(np.mean((rule - actual) ** 2))
                ),
                "that is the 60-day rule's ratio, not the one with "
                "my_days days": rmse_ratio(actual, sixty, previous),
            }
            hint = next(
                (
                    f" Hint: {h}."
                    for h, v in hints.items()
                    if np.isfinite(v)
                    and abs(got - v) <= 1e-6 * max(abs(v), 1e-12)
                    and abs(v - want) > 1e-6 * want
                ),
                "",
            )
            raise Failed(
                f"my_ratios[{ticker!r}] is {show(got)}, expected "
                f"{show(want)} with {days} days over "
                f"{len(actual)} test days.{hint}"
            )
    if not measured:
        raise Failed(
            f"no stock has a Close column beside {target!r}: the rule needs both"
        )
    shown = ", ".join(f"{t} {v:.3f}" for t, v in measured.items())
    return f"with {days} days the rule's RMSE over persistence's is {shown}."
