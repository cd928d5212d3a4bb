"""Windows of all four daily prices, Open, High, Low and Close, for an LSTM given what
the Close-based rule sees.

The baselines lesson found that tomorrow's High forecast from today's Close
(:func:`lstm_helpers.evaluation.benchmarks.close_based`) beats persistence, a rule that
reads a column the report's networks never see. :func:`ohlc_windows` gives a
network that column, and the Open and the Low too. Like the experiments
lesson's bias fixes it works relative to the price level, so that 2017 prices
above the training range look like any others: every value of a window is
divided by the window's last Close (minus 1), the target is tomorrow's High
relative to today's Close, and both are divided by the standard deviation of
the training targets. An output of ``m - 1`` (over that scale) is the
Close-based rule with ratio ``m``.

With ``residual_days`` the target is instead tomorrow's High relative to the
60-day Close-based rule's forecast
(:func:`lstm_helpers.evaluation.benchmarks.close_based_recent`): the network learns a
correction to the rule, and an output of 0 *is* the rule. That is the practitioner's
remedy when a network does not find a simple rule by itself: hand it the rule and let it
learn the residual.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_helpers.data.periods import REPORT_SPLIT
from lstm_helpers.data.windows import WindowedData, report_windows, variant_windows
from lstm_helpers.evaluation.benchmarks import RECENT_DAYS, recent_ratio

OHLC: tuple[str, ...] = ("Open", "High", "Low", "Close")


def ohlc_windows(
    frame: pd.DataFrame,
    target: str = "High",
    train_end: str = REPORT_SPLIT.train_end,
    test_start: str = REPORT_SPLIT.test_start,
    test_end: str | None = REPORT_SPLIT.test_end,
    window: int = 60,
    residual_days: int | None = None,
) -> tuple[WindowedData, list[pd.Timestamp]]:
    """Windows of shape (window, 4) relative to the last Close, for the same test days
    as the report's.

    A missing Open, High or Low (the target column has none: such days are
    left out when the file is loaded) is filled with that day's Close; the
    days filled are returned so that the lesson can say so.

    Parameters
    ----------
    frame : DataFrame
        One stock's daily Open, High, Low and Close.
    target : str, default "High"
    train_end, test_start, test_end, window
        As in :func:`lstm_helpers.data.windows.report_windows`.
    residual_days : int, optional
        Learn the residual over the Close-based rule with this many days'
        ratio (at most ``window``): the target and the reference become the
        rule's forecast ``Close[t-1] * mean(target / Close over the last days)``.

    Returns
    -------
    data : WindowedData
        ``transform="close_relative"``: ``to_prices`` gives ``previous Close *
        (1 + output * scale)``; with ``residual_days``, ``transform="rule_relative"``:
        ``the rule's forecast * (1 + output * scale)``.
    filled : list of Timestamp
        The days whose Open, High or Low was filled with the Close.
    """
    missing = [c for c in OHLC if c not in frame.columns]
    if missing:
        raise ValueError(
            f"OHLC windows need the columns {', '.join(OHLC)}; "
            f"missing {', '.join(missing)}"
        )
    frame = frame.loc[:test_end] if test_end is not None else frame
    base = report_windows(frame[target], train_end, test_start, test_end, window)
    prices = frame[list(OHLC)].astype(float)
    if prices["Close"].isna().any():
        raise ValueError(
            "OHLC windows need a Close on every day; missing on "
            f"{prices.index[prices['Close'].isna()][0].date()}"
        )
    gaps = prices.isna().any(axis=1)
    filled = list(prices.index[gaps])
    prices = prices.apply(lambda column: column.fillna(prices["Close"]))
    raw = prices.to_numpy()  # (n_days, 4)
    close, high = raw[:, 3], frame[target].to_numpy(dtype=float)
    n = len(raw) - window
    # X[k]: days k .. k + window - 1
    X = np.stack([raw[k : k + window] for k in range(n)])
    last_close = close[window - 1 : window - 1 + n]
    X = X / last_close[:, None, None] - 1.0
    reference = last_close
    if residual_days is not None:
        if not 1 <= residual_days <= window:
            raise ValueError(
                "residual_days must be between 1 and the window "
                f"({window}), got {residual_days}"
            )
        # ratio[j]: days j-d+1 .. j
        ratio = recent_ratio(frame, target, residual_days).to_numpy()
        reference = last_close * ratio[window - 1 : window - 1 + n]
    y = high[window:] / reference - 1.0
    target_dates = frame.index[window:]
    is_train = np.asarray(target_dates <= base.train_dates.max())
    is_test = np.asarray(target_dates >= pd.Timestamp(test_start))
    if not target_dates[is_test].equals(base.test_dates):
        raise ValueError(
            f"{target}: OHLC windows do not cover the same test days as the report's"
        )
    scale = float(np.std(y[is_train]))
    data = WindowedData(
        X_train=X[is_train] / scale,
        y_train=y[is_train] / scale,
        X_test=X[is_test] / scale,
        y_test=y[is_test] / scale,
        test_dates=target_dates[is_test],
        test_actual=base.test_actual,
        test_previous=base.test_previous,
        scaler=base.scaler,
        window=window,
        dropped=[],
        train_dates=target_dates[is_train],
        transform="close_relative" if residual_days is None else "rule_relative",
        scale=scale,
        reference=reference[is_test],
    )
    return data, filled


OHLC_TRANSFORMS: dict[str, int | None] = {"ohlc": None, "ohlc_residual": RECENT_DAYS}
"""The transforms that read all four prices, and the rule's days each learns a residual
over (None: none)."""


def model_windows(
    frame: pd.DataFrame,
    target: str,
    transform: str,
    train_end: str,
    test_start: str,
    test_end: str | None,
    label: str = "",
) -> WindowedData:
    """The windows a comparison model with ``transform`` trains and is tested on.

    ``"ohlc"`` and ``"ohlc_residual"`` read the frame's four prices
    (:func:`ohlc_windows`, the residual over the 60-day rule); every other transform
    reads the ``target`` column alone
    (:func:`lstm_helpers.data.windows.variant_windows`). Days whose Open, High or Low
    was filled with the Close are printed as a note, naming ``label`` (the stock).
    """
    if transform not in OHLC_TRANSFORMS:
        return variant_windows(
            frame[target],
            transform,
            train_end=train_end,
            test_start=test_start,
            test_end=test_end,
        )
    data, filled = ohlc_windows(
        frame,
        target,
        train_end,
        test_start,
        test_end,
        residual_days=OHLC_TRANSFORMS[transform],
    )
    if filled:
        print(
            f"note: {label}: Open, High or Low missing on "
            f"{', '.join(str(d.date()) for d in filled)}; "
            "filled with the day's Close for the OHLC windows"
        )
    return data


def rule_share(
    frame: pd.DataFrame,
    target: str = "High",
    train_end: str = REPORT_SPLIT.train_end,
    days: int = 60,
) -> float:
    """How much of the OHLC network's target the Close-based rule explains, on the
    training years.

    The target is tomorrow's ``target`` relative to today's Close; on the log
    scale ``y[t] = log(target[t] / Close[t-1])``. The rule forecasts it with
    ``log(mean ratio of the last days)``. Returns ``1 - mean((y - rule)^2) / var(y)``
    over the training days where both exist: the share of the target's
    variance the rule accounts for. The rest is mostly the day's own move of
    the Close, which nothing in the window predicts.
    """
    ratio = recent_ratio(frame, target, days)  # checks the columns
    y = np.log(frame[target].astype(float) / frame["Close"].astype(float).shift(1))
    rule = np.log(ratio.shift(1))
    both = pd.concat([y, rule], axis=1).loc[:train_end].dropna()
    if len(both) < 2:
        raise ValueError(
            "rule_share: fewer than 2 training days up to "
            f"{train_end} with a target and a rule"
        )
    error = both.iloc[:, 0] - both.iloc[:, 1]
    return float(1.0 - np.mean(error**2) / np.var(both.iloc[:, 0]))
