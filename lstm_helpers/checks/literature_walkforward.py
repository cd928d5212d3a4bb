"""The exercise checks of the literature and walk-forward lesson."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.checks._shared import (
    Failed,
    answered,
    as_array,
    as_mapping,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    rtol_for,
)
from lstm_helpers.data.windows import variant_windows
from lstm_helpers.evaluation.direction import constant_directions


@exercise_check("chronological 75:25 split")
def chronological_split(my_fraction_split: Any) -> str:
    """``my_fraction_split(X, y, fraction) -> (X_train, y_train, X_test, y_test)``, in
    time order."""
    rng = np.random.default_rng(6)
    n = 203
    X = np.cumsum(rng.normal(size=(n, 5)), axis=0)
    y = np.arange(n, dtype=float)  # y[k] = k: the position of each window in time
    where = "my_fraction_split(X, y, 0.75)"
    out = call_answer(my_fraction_split, where, X.copy(), y.copy(), 0.75)
    if not isinstance(out, tuple | list) or len(out) != 4:
        raise Failed(f"{where} must return (X_train, y_train, X_test, y_test)")
    X_train, y_train, X_test, y_test = (
        as_array(a, name)
        for a, name in zip(out, ("X_train", "y_train", "X_test", "y_test"), strict=True)
    )
    if y_train.ndim == 2 and X_test.ndim == 1:
        raise Failed(
            f"{where} returned (X_train, X_test, y_train, y_test), "
            "train_test_split's order; the exercise "
            "asks for (X_train, y_train, X_test, y_test)"
        )
    cut = int(np.floor(0.75 * n))
    if len(y_train) and len(y_test) and y_test.min() < y_train.max():
        early = int(np.sum(y_test < y_train.max()))
        raise Failed(
            f"{early} test windows come before the last training "
            "window: the split is shuffled. "
            "Overlapping windows then put nearly the same days in both "
            "parts; keep time order"
        )
    if len(y_train) != cut:
        raise Failed(
            f"the training part has {len(y_train)} windows, "
            f"expected floor(0.75 * {n}) = {cut}"
        )
    expect_same(y_train, y[:cut], "y_train")
    expect_same(y_test, y[cut:], "y_test")
    expect_same(X_train, X[:cut], "X_train")
    expect_same(X_test, X[cut:], "X_test")
    return (
        f"the first {cut} of {n} windows train, the last {n - cut} test, in time order."
    )


@exercise_check("rising days per fold")
def fold_up_shares(
    my_ticker: Any, my_up_shares: Any, prices: Mapping[str, pd.DataFrame], target: str
) -> str:
    """An open experiment: ``my_up_shares[year]``, the share of that year's moving days
    whose target rose."""
    ticker = answered(my_ticker, "my_ticker")
    if ticker not in prices:
        raise Failed(
            f"my_ticker {ticker!r} is not one of the loaded stocks "
            f"({', '.join(prices)})"
        )
    shares = as_mapping(my_up_shares, "my_up_shares", at_least=2)
    series = prices[ticker][target]
    for year, got in shares.items():
        raw, got = got, as_number(got, f"my_up_shares[{year!r}]")
        try:
            data = variant_windows(
                series,
                "relative",
                train_end=str(int(year) - 1),
                test_start=str(year),
                test_end=str(year),
            )
        except ValueError as err:
            raise Failed(f"year {year!r} does not fit {ticker}'s data: {err}") from None
        moved, want = constant_directions(data.test_actual, data.test_previous)
        if abs(got - want) > max(1e-9, rtol_for(raw, 0.0) * want):
            y = series.loc[str(year)].to_numpy()
            prev = series.shift(1).loc[str(year)].to_numpy()
            hint = ""
            if abs(got - float(np.mean(y >= prev))) < 1e-9:
                hint = (
                    " Days with an unchanged price count as up in yours; "
                    "leave them out."
                )
            elif abs(got - float(np.mean(y > prev))) < 1e-9:
                hint = (
                    " Days with an unchanged price count as 'not up' in "
                    "yours; leave them out of the share."
                )
            raise Failed(
                f"my_up_shares[{year!r}] is {got:.4f}, expected "
                f"{want:.4f} ({moved} days with a move; "
                "the first day of the year compares with the last day of "
                f"the year before).{hint}"
            )
    shown = ", ".join(f"{y}: {s:.1%}" for y, s in sorted(shares.items()))
    return f"{ticker}: {shown}; always answering 'up' scores exactly these shares."
