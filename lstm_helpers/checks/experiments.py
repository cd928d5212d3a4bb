"""The exercise checks of the experiments lesson."""

from __future__ import annotations

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
    rtol_for,
    show,
)
from lstm_helpers.evaluation.significance import diebold_mariano


@exercise_check("Diebold-Mariano statistic")
def dm_statistic(my_dm: Any) -> str:
    """``my_dm(actual, forecast_a, forecast_b) -> (statistic, p_value)`` against the
    package's test."""
    from scipy import stats

    rng = np.random.default_rng(12)
    actual = 50 + np.cumsum(rng.normal(0, 1, 40))
    fa, fb = actual + rng.normal(0.2, 1.0, 40), actual + rng.normal(0, 1.3, 40)
    out = call_answer(
        my_dm,
        "my_dm(actual, forecast_a, forecast_b)",
        actual.copy(),
        fa.copy(),
        fb.copy(),
    )
    if not isinstance(out, tuple | list) or len(out) < 2:
        raise Failed("my_dm must return (statistic, p_value)")
    stat, p = as_number(out[0], "the statistic"), as_number(out[1], "the p-value")
    ref = diebold_mariano(actual, fa, fb)
    rtol = rtol_for(out[0], 1e-6)
    if abs(stat - ref.statistic) > rtol * abs(ref.statistic):
        d = (fa - actual) ** 2 - (fb - actual) ** 2
        n = len(d)
        hints = {
            "the sign is flipped: d = loss of forecast_a minus "
            "loss of forecast_b": -ref.statistic,
            "absolute errors instead of squared ones": diebold_mariano(
                actual, fa, fb, loss="absolute"
            ).statistic,
            "the variance uses ddof=0 (divide by n): the small-sample (HLN) statistic "
            "equals the t-statistic "
            "with ddof=1": d.mean() / np.sqrt(d.var() / n),
            "the mean of d is divided by its standard deviation, "
            "not by the standard error std / sqrt(n)": d.mean() / d.std(ddof=1),
        }
        hint = next(
            (f" Hint: {h}." for h, v in hints.items() if abs(stat - v) < rtol * abs(v)),
            "",
        )
        raise Failed(
            f"the statistic is {show(stat)}, expected "
            f"{show(ref.statistic)} on a seeded example (n = 40)."
            f"{hint}"
        )
    if abs(p - ref.p_value) > max(1e-6, rtol_for(out[1], 0.0)):
        hint = ""
        if abs(p - 2 * stats.norm.sf(abs(ref.statistic))) < 1e-6:
            hint = (
                " That is the normal distribution's p-value; use "
                "Student's t with n - 1 degrees of freedom."
            )
        elif abs(p - ref.p_value / 2) < 1e-6:
            hint = " That is one-sided; the test is two-sided."
        raise Failed(f"the p-value is {show(p)}, expected {show(ref.p_value)}.{hint}")
    return (
        f"statistic {ref.statistic:.4f} and p-value "
        f"{ref.p_value:.4f} match diebold_mariano (n = 40)."
    )


@exercise_check("runs that beat persistence")
def significant_wins(my_count: Any, runs: pd.DataFrame, guess: Any = None) -> str:
    """``my_count``: how many runs are significantly *better* than persistence (p <
    0.05, negative statistic)."""
    got = as_number(my_count, "my_count")
    significant = runs["dm_p"] < 0.05
    better = runs["dm_vs_persistence"] < 0
    want = int((significant & better).sum())
    if got != want:
        hints = {}  # a count that two mistakes give names both
        loose = runs["dm_p"] < 0.10
        for count, why in (
            (
                int(better.sum()),
                "you counted every run with a lower loss, significant or not",
            ),
            (
                int(significant.sum()),
                "you counted every significant run, also those "
                "significantly "
                "worse: keep only a negative "
                "statistic (lower loss than "
                "persistence)",
            ),
            (
                int((loose & better).sum()),
                "you counted at the 10% level: the exercise asks p < 0.05",
            ),
        ):
            hints[count] = f"{hints[count]}; or {why}" if count in hints else why
        hint = (
            f" Hint: {hints[int(got)]}."
            if got == int(got) and int(got) in hints
            else ""
        )
        raise Failed(f"my_count is {got:g}, expected {want} of {len(runs)} runs.{hint}")
    line = f" You guessed {guess!r}." if guess is not None else ""
    return f"{want} of {len(runs)} runs beat persistence at the 5% level.{line}"


@exercise_check("spread over seeds")
def seed_spread(my_model: Any, my_spread: Any, runs: pd.DataFrame) -> str:
    """An open experiment: ``my_spread[ticker] = (mean, std)`` of one model's RMSE over
    the seeds."""
    model = answered(my_model, "my_model")
    if model not in set(runs["model"]):
        raise Failed(
            f"my_model {model!r} is not a model of the comparison "
            f"({', '.join(sorted(set(runs['model'])))})"
        )
    spread = as_mapping(my_spread, "my_spread")
    rows = runs[runs["model"] == model].groupby("ticker")["rmse"]
    for ticker, values in rows:
        if ticker not in spread:
            raise Failed(f"my_spread has no entry for {ticker}")
        pair = spread[ticker]
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise Failed(f"my_spread[{ticker!r}] must be a pair (mean, std)")
        mean = as_number(pair[0], f"the mean of {ticker}")
        if abs(mean - values.mean()) > 1e-6:
            raise Failed(
                f"my_spread[{ticker!r}] mean is {show(mean)}, expected "
                f"{show(values.mean())}"
            )
        want = values.std()  # ddof=1: the sample standard deviation
        # one seed has no spread: NaN (pandas) or 0 (NumPy) both say so
        if len(values) == 1:
            continue
        std = as_number(pair[1], f"the std of {ticker} (over {len(values)} seeds)")
        if abs(std - want) > 1e-6:
            hint = (
                " That is np.std's ddof=0; over a few seeds use the "
                "sample std (ddof=1)."
                if abs(float(std) - values.std(ddof=0)) < 1e-9
                else ""
            )
            raise Failed(
                f"my_spread[{ticker!r}] std is {float(std):.4f}, "
                f"expected {want:.4f}.{hint}"
            )
    shown = ", ".join(
        f"{t} {v.mean():.3f} ± {v.std():.3f}"
        if len(v) > 1
        else f"{t} {v.mean():.3f} (one seed: no std)"
        for t, v in rows
    )
    return f"{model}, RMSE mean ± std over the seeds: {shown}."
