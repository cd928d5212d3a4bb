"""Plots the lessons draw more than once."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import NullFormatter

from lstm_helpers.data.periods import REPORT_SPLIT


def _date_axis(ax: plt.Axes) -> None:
    """Compact, non-overlapping date labels."""
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def plot_split(
    prices: dict[str, pd.DataFrame],
    target: str = "High",
    train_end: str = REPORT_SPLIT.train_end,
    test_start: str = REPORT_SPLIT.test_start,
    ncols: int = 2,
) -> plt.Figure:
    """One panel per ticker: the target column, training part and test part in two colours.

    Parameters
    ----------
    prices : dict of str -> DataFrame
        Ticker -> price frame.
    target : str, default "High"
        Column to plot.
    train_end, test_start : str
        The split; a dashed line marks the first test day.

    Returns
    -------
    matplotlib Figure
    """
    n = len(prices)
    ncols = max(1, min(ncols, n))
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(6 * ncols, 3 * nrows), squeeze=False)
    for ax, (ticker, frame) in zip(axes.flat, prices.items(), strict=False):
        series = frame[target]
        train, test = series.loc[:train_end], series.loc[test_start:]
        ax.plot(train.index, train.to_numpy(), lw=0.8, label=f"train (..{train_end})")
        ax.plot(test.index, test.to_numpy(), lw=0.8, label=f"test ({test_start}..)")
        ax.axvline(test.index.min(), color="k", ls="--", lw=0.8)
        ax.axhline(train.max(), color="grey", ls=":", lw=0.8, label="training maximum")
        ax.set_title(f"{ticker} {target}")
        _date_axis(ax)
        ax.set_ylabel("price (USD)")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_forecasts(
    actual: pd.Series,
    forecasts: dict[str, pd.Series],
    title: str = "",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """The actual series and one or more forecasts of it on one axis.

    Parameters
    ----------
    actual : pandas.Series
        Observed values, indexed by date.
    forecasts : dict of str -> Series or array
        Forecast name -> values on the same days as ``actual``.
    title : str
        Axis title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.5))
    ax.plot(actual.index, actual.to_numpy(), color="k", lw=1.4, label="actual")
    for name, values in forecasts.items():
        ax.plot(actual.index, pd.Series(values).to_numpy(), lw=1.0, label=name)
    ax.set_title(title)
    ax.set_ylabel("price (USD)")
    ax.legend(fontsize=8, loc="best")
    _date_axis(ax)
    return ax


def plot_losses(losses: dict[str, list[float]], ax: plt.Axes | None = None) -> plt.Axes:
    """Training loss per epoch of one or more models (log scale).

    Parameters
    ----------
    losses : dict of str -> list of float
        Model name -> loss after each epoch.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    for name, values in losses.items():
        ax.plot(range(1, len(values) + 1), values, marker=".", label=name)
    ax.set_yscale("log")
    ax.yaxis.set_minor_formatter(NullFormatter())  # label the decades only
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (MSE, scaled)")
    ax.legend(fontsize=8)
    return ax


def plot_fold_ratios(ratios: pd.DataFrame, highlight: str | None = None) -> plt.Figure:
    """Each model's RMSE ratio to persistence per test year, one panel per stock, two panels a row.

    Parameters
    ----------
    ratios : DataFrame
        Indexed by (ticker, fold), a column per model: the model's RMSE over
        persistence's on the fold's days (mean over seeds).
    highlight : str, optional
        A model drawn thick and dashed, on top.
    """
    tickers = list(dict.fromkeys(ratios.index.get_level_values(0)))
    cols = min(2, len(tickers))
    rows = -(-len(tickers) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.4 * rows), squeeze=False, sharex=True)
    for ax, ticker in zip(axes.flat, tickers, strict=False):
        part = ratios.loc[ticker]
        for name in part.columns:
            strong = name == highlight
            ax.plot(part.index, part[name], marker="o", label=name, ls="--" if strong else "-",
                    lw=2.5 if strong else 1.2, zorder=4 if strong else 3)
        ax.axhline(1.0, color="k", lw=0.8, label="persistence (= 1)")
        ax.set_title(ticker, fontsize=10)
        ax.set_xticks(list(part.index))
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(tickers):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("RMSE / persistence's")
    for ax in axes[-1]:
        ax.set_xlabel("test year")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=min(4, len(labels)), fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / (3.4 * rows) - 0.05))
    return fig
