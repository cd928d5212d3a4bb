"""The exercise checks of the multi-step lesson."""

from __future__ import annotations

import numbers
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
    rtol_for,
    show,
    typed_as_printed,
)

NOISE = 0.005
"""How close two mean RMSE ratios may be and still count as a tie in the open
experiment: the exercise calls "a lead of a few thousandths" noise (the recursive and
direct one-day models differ by about 1e-9)."""


def _toy_step(X: np.ndarray) -> np.ndarray:
    """A one-step "model" for the recursive check: it reads the oldest, the newest and
    the mean of the window."""
    X = np.asarray(X, dtype=float)[:, :, 0]
    return 0.3 * X[:, 0] - 0.2 * X[:, -5:].mean(axis=1) + 0.05 * X.shape[1] / 10.0 + 0.1


@exercise_check("the recursive forecast")
def recursive_loop(my_recursive: Any) -> str:
    """``my_recursive(step, history, horizon, scale) -> (n, horizon)`` against
    :func:`multi_step.recursive_paths`."""
    from lstm_helpers.lessons.multi_step import _relative, recursive_paths

    rng = np.random.default_rng(8)
    history = 40 * np.exp(np.cumsum(rng.normal(0, 0.01, (6, 10)), axis=1))
    scale, horizon = 0.01, 7
    where = "my_recursive(step, history, 7, 0.01)"
    got = call_answer(my_recursive, where, _toy_step, history.copy(), horizon, scale)
    expected = recursive_paths(_toy_step, history, horizon, scale)

    # every step reads the origin's window: the forecast never fed back
    def one_window_only() -> np.ndarray:
        change = _toy_step(_relative(history, scale))
        return history[:, -1:] * (1 + change[:, None] * scale) ** np.arange(
            1, horizon + 1
        )

    # the loop as written: the same window read at every step
    def never_slides() -> np.ndarray:
        change = _toy_step(_relative(history, scale))
        return np.repeat(
            (history[:, -1] * (1 + change * scale))[:, None], horizon, axis=1
        )

    # each step's change applied to the origin's price, not the newest
    def not_compounded() -> np.ndarray:
        window, out = history.copy(), np.empty((len(history), horizon))
        for h in range(horizon):
            out[:, h] = history[:, -1] * (
                1 + _toy_step(_relative(window, scale)) * scale
            )
            window = np.concatenate([window[:, 1:], out[:, h : h + 1]], axis=1)
        return out

    # the newest forecast appended, the oldest price never dropped
    def growing_window() -> np.ndarray:
        window, out = history.copy(), np.empty((len(history), horizon))
        for h in range(horizon):
            out[:, h] = window[:, -1] * (
                1 + _toy_step(_relative(window, scale)) * scale
            )
            window = np.concatenate([window, out[:, h : h + 1]], axis=1)
        return out

    mistakes = {
        "the window never slides, so every day repeats day 1: "
        "inside the loop, append each forecast as "
        "the newest price and drop the oldest before the next "
        "step": never_slides(),
        "the window never changes: each forecast must be "
        "appended as the newest price": one_window_only(),
        "each step's change is applied to the origin's price; "
        "apply it to the newest price in the window": not_compounded(),
        "the window grows: drop the oldest price when you "
        "append the forecast": growing_window(),
    }
    expect_same(got, expected, where, mistakes, axes=("path", "day +"))
    return (
        f"{horizon} days rolled forward for {len(history)} "
        "windows, equal to the package's recursive_paths."
    )


@exercise_check("persistence's error by horizon")
def horizon_growth(
    my_ratio: Any,
    actual: np.ndarray,
    origin_price: np.ndarray,
    horizon: int,
    guess: Any = None,
) -> str:
    """``my_ratio``: persistence's RMSE at ``horizon`` over its RMSE at 1 day, measured
    on the test origins."""
    from lstm_helpers.lessons.multi_step import horizon_rmse

    got = as_number(my_ratio, "my_ratio")
    persistence = np.repeat(
        np.asarray(origin_price, dtype=float)[:, None], np.shape(actual)[1], axis=1
    )
    errors = horizon_rmse(actual, persistence)
    want = errors[horizon - 1] / errors[0]
    rtol = rtol_for(my_ratio, 1e-6)
    if abs(got - want) > rtol * want and not typed_as_printed(my_ratio, want):
        hints = {
            f"that is sqrt({horizon}), the random walk's "
            "prediction: measure it instead": np.sqrt(horizon),
            "that is the ratio of the RMSE at 1 day to the RMSE at h: turn it over": 1
            / want,
            "that is the ratio of mean squared errors: take the square root": want**2,
        }
        hint = next(
            (f" Hint: {h}." for h, v in hints.items() if abs(got - v) < rtol * v), ""
        )
        raise Failed(
            f"my_ratio is {show(got)}, expected {show(want)} (RMSE "
            f"{errors[horizon - 1]:.3f} at {horizon} days "
            f"over {errors[0]:.3f} at 1 day).{hint}"
        )
    return (
        f"persistence's RMSE grows {want:.2f}-fold from 1 to "
        f"{horizon} days; a random walk's would grow "
        f"sqrt({horizon}) = {np.sqrt(horizon):.2f}-fold.{guess_line(guess, want)}"
    )


@exercise_check("the best strategy at your horizon")
def best_strategy(my_horizon: Any, my_best: Any, by_horizon: pd.DataFrame) -> str:
    """An open experiment: ``my_best[ticker]``, the strategy with the lowest mean RMSE
    ratio at ``my_horizon``."""
    h = answered(my_horizon, "my_horizon")
    if isinstance(h, bool) or not isinstance(h, numbers.Integral):
        raise Failed(
            f"my_horizon must be a whole number of days, got {type(h).__name__} {h!r}"
        )
    horizons = sorted(set(by_horizon["h"]))
    if h not in horizons:
        raise Failed(
            f"my_horizon {h} is not a scored horizon ({horizons[0]}..{horizons[-1]})"
        )
    best = as_mapping(my_best, "my_best")
    means = (
        by_horizon[by_horizon["h"] == h]
        .groupby(["ticker", "strategy"], sort=False)["ratio"]
        .mean()
    )
    per_seed = by_horizon[by_horizon["h"] == h].set_index(
        ["ticker", "strategy", "seed"]
    )["ratio"]
    lines = []
    for ticker in dict.fromkeys(by_horizon["ticker"]):
        if ticker not in best:
            raise Failed(f"my_best has no entry for {ticker}")
        ratios = means.loc[ticker]
        want = ratios.idxmin()
        pick = best[ticker]
        if pick not in ratios.index:
            raise Failed(
                f"my_best[{ticker!r}] is {pick!r}, not a strategy "
                f"scored at h = {h} "
                f"({', '.join(ratios.index)})"
            )
        lead = float(ratios[pick] - ratios[want])
        if lead > NOISE:
            seed_winners = {
                s: g.droplevel("seed").idxmin()
                for s, g in per_seed.loc[ticker].groupby(level="seed")
            }
            if pick in seed_winners.values():
                hint = (
                    " It wins in one seed; average over the seeds before you compare."
                )
            elif pick == ratios.idxmax():
                hint = (
                    " That is the highest mean ratio: the best strategy has the lowest."
                )
            else:
                hint = ""
            raise Failed(
                f"my_best[{ticker!r}] is {pick!r} (mean ratio "
                f"{ratios[pick]:.4f}); {want!r} is lower "
                f"({ratios[want]:.4f}), by {lead:.4f}, more than the {NOISE} "
                f"the exercise calls noise.{hint}"
            )
        tie = (
            (f", within {NOISE} of {want} ({ratios[want]:.3f}): a tie")
            if pick != want
            else ""
        )
        lines.append(f"{ticker} {pick} ({ratios[pick]:.3f}{tie})")
    return f"at h = {h}, the lowest mean RMSE / persistence: {', '.join(lines)}."
