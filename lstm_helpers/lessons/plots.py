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
    """One panel per ticker: the target column, training part and test part in two
    colours.

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
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.7 * ncols, 2.8 * nrows), squeeze=False
    )
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
    """Each model's RMSE ratio to persistence per test year, one panel per stock, two
    panels a row.

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
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.7 * cols, 3.4 * rows), squeeze=False, sharex=True
    )
    for ax, ticker in zip(axes.flat, tickers, strict=False):
        part = ratios.loc[ticker]
        for name in part.columns:
            strong = name == highlight
            ax.plot(
                part.index,
                part[name],
                marker="o",
                label=name,
                ls="--" if strong else "-",
                lw=2.5 if strong else 1.2,
                zorder=4 if strong else 3,
            )
        ax.axhline(1.0, color="k", lw=0.8, label="persistence (= 1)")
        ax.set_title(ticker, fontsize=10)
        ax.set_xticks(list(part.index))
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(tickers) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("RMSE / persistence's")
    for ax in axes[-1]:
        ax.set_xlabel("test year")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="upper center", ncol=min(4, len(labels)), fontsize=8
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / (3.4 * rows) - 0.05))
    return fig


def _grid(
    n: int, width: float, height: float, ncols: int = 2, **kwargs
) -> tuple[plt.Figure, list[plt.Axes]]:
    """``n`` panels, ``ncols`` a row (so that a figure fits a book's column), unused
    panels hidden."""
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, **kwargs
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def plot_seed_rmse(
    runs: pd.DataFrame, baselines: pd.DataFrame, tickers: list[str], models: list[str]
) -> plt.Figure:
    """Each model's test RMSE per seed (dots) with mean ± sd, beside the baselines, one
    panel per stock.

    Parameters
    ----------
    runs : DataFrame
        :attr:`lstm_helpers.lessons.experiments.Comparison.runs` (``ticker``, ``model``,
        ``rmse``).
    baselines : DataFrame
        :func:`lstm_helpers.lessons.experiments.baseline_runs`: persistence,
        ``EMA(0.5)`` and ``SMA(100)`` are drawn.
    tickers, models : list of str
        The panels, and the models in each panel's order.
    """
    from matplotlib.ticker import FormatStrFormatter

    fig, axes = _grid(len(tickers), 4.7, 4.0)
    for ax, ticker in zip(axes, tickers, strict=True):
        for k, name in enumerate(models):
            vals = runs[(runs["ticker"] == ticker) & (runs["model"] == name)][
                "rmse"
            ].to_numpy()
            ax.scatter([k] * len(vals), vals, s=18, zorder=3)
            ax.errorbar(
                k,
                vals.mean(),
                yerr=vals.std(ddof=1) if len(vals) > 1 else 0,
                fmt="_",
                color="k",
                capsize=4,
                zorder=2,
            )
        for bname, style in (
            ("persistence", "-"),
            ("EMA(0.5)", "--"),
            ("SMA(100)", ":"),
        ):
            value = baselines[
                (baselines["ticker"] == ticker) & (baselines["model"] == bname)
            ]["rmse"]
            if len(value):
                ax.axhline(value.iloc[0], color="grey", ls=style, lw=1, label=bname)
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(FormatStrFormatter("%g"))
        ax.tick_params(axis="y", which="minor", labelsize=8)
        ax.margins(y=0.08)
        ax.set_xticks(
            range(len(models)), [n.replace(" ", "\n", 1) for n in models], fontsize=8
        )
        ax.set_title(ticker)
        ax.set_ylabel("test RMSE (USD, log scale)")
    fig.suptitle(
        "Test RMSE per model (dots: seeds; bar: mean ± sd; grey lines: the baselines)",
        y=0.995,
    )
    # the title and, under it, the legend keep their own strip
    top = 1 - 0.6 / fig.get_figheight()
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="upper center",
        bbox_to_anchor=(0.5, top + 0.005),
        ncol=3,
        fontsize=8,
    )
    fig.tight_layout(rect=(0, 0, 1, top - 0.3 / fig.get_figheight()))
    return fig


def plot_error_against_scaled_price(
    scaled_actual: dict, errors: dict, title: str
) -> plt.Figure:
    """Forecast error against the actual price scaled to the training range, one panel
    per stock.

    Parameters
    ----------
    scaled_actual, errors : dict of str -> ndarray, shape (n_test,)
        Ticker -> the test days' actual price on the training years' MinMax scale (1 =
        the training maximum), and the forecast minus the actual price in dollars.
    title : str
    """
    fig, axes = _grid(len(errors), 4.7, 3.5)
    for ax, ticker in zip(axes, errors, strict=True):
        ax.scatter(scaled_actual[ticker], errors[ticker], s=6)
        ax.axvline(1.0, color="k", ls="--", lw=0.8)
        ax.axhline(0.0, color="grey", lw=0.8)
        ax.set_title(ticker)
        ax.set_xlabel("scaled actual price (training range = [0, 1])")
        ax.set_ylabel("forecast − actual (USD)")
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def plot_outputs_against_inputs(last_inputs: dict, outputs: dict) -> plt.Figure:
    """Each network's scaled output against its last scaled input, one panel per stock.

    Parameters
    ----------
    last_inputs : dict of str -> ndarray, shape (n_test,)
        Ticker -> each test window's last value (today's scaled price: persistence's
        forecast).
    outputs : dict of str -> dict of (str, int) -> ndarray
        Ticker -> (model, seed) -> the network's scaled outputs on the same windows; one
        marker per model.
    """
    fig, axes = _grid(len(last_inputs), 4.7, 4.0)
    markers = ("o", "^", "s", "v")
    for ax, ticker in zip(axes, last_inputs, strict=True):
        last = last_inputs[ticker]
        models = list(dict.fromkeys(model for model, _ in outputs[ticker]))
        for (model, seed), output in outputs[ticker].items():
            ax.scatter(
                last,
                output,
                s=5,
                marker=markers[models.index(model) % len(markers)],
                alpha=0.6,
                label=f"{model.removeprefix('LSTM ')}, seed {seed}",
            )
        lowest = min(
            float(last.min()), *(float(o.min()) for o in outputs[ticker].values())
        )
        edge = [lowest - 0.02, max(float(last.max()), 1.0) + 0.05]
        ax.plot(
            edge, edge, color="k", lw=0.8, label="persistence (output = last input)"
        )
        ax.axvline(1.0, color="grey", ls="--", lw=0.8)
        ax.axhline(1.0, color="grey", ls="--", lw=0.8)
        ax.set_title(ticker)
        ax.set_xlabel("last input: today's scaled price")
        ax.set_ylabel("output: tomorrow's scaled forecast")
    axes[-1].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def plot_fan_chart(
    history: pd.Series,
    future: pd.DatetimeIndex,
    last_price: float,
    bands: list[tuple[float, object, object]],
    path: object,
    path_band: tuple[float, object, object],
    title: str,
    ylabel: str,
) -> plt.Figure:
    """The last days of the data, then a forecast's path and bands over the days after
    them.

    Parameters
    ----------
    history : Series
        The last observed prices, indexed by day.
    future : DatetimeIndex
        The forecast days.
    last_price : float
        The last observed price: persistence's forecast for every future day.
    bands : list of (coverage, low, high)
        The random walk's bands, widest first (drawn palest); ``low`` and ``high`` have
        one value per day.
    path : array, shape (len(future),)
        The network's forecast.
    path_band : (coverage, low, high)
        The network's empirical band.
    title, ylabel : str
    """
    fig, ax = plt.subplots(figsize=(10, 4.2))
    ax.plot(
        history.index, history.to_numpy(), color="black", linewidth=1, label="the data"
    )
    for k, (coverage, low, high) in enumerate(bands):
        alpha = 0.15 + 0.15 * k / max(1, len(bands) - 1)
        ax.fill_between(
            future,
            low,
            high,
            color="grey",
            alpha=alpha,
            label=f"random walk {coverage:.0%}",
        )
    ax.plot(
        future,
        [last_price] * len(future),
        color="black",
        linestyle="--",
        label="persistence",
    )
    ax.plot(future, path, color="C3", label="multi-output LSTM")
    coverage, low, high = path_band
    ax.plot(
        future,
        low,
        color="C3",
        linestyle=":",
        label=f"its empirical {coverage:.0%} band",
    )
    ax.plot(future, high, color="C3", linestyle=":")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="upper left")
    _date_axis(ax)
    return fig


def plot_gradient_sweeps(
    lstm_sweep: pd.DataFrame, rnn_sweep: pd.DataFrame
) -> plt.Figure:
    """The learning lesson's two knobs: the LSTM's forget-gate bias and the plain RNN's
    recurrent scale.

    Parameters
    ----------
    lstm_sweep : DataFrame
        Columns ``forget bias``, ``gradient ratio (median)`` and ``product of f_t
        (median)``.
    rnn_sweep : DataFrame
        Columns ``recurrent scale``, ``gradient ratio (median)`` and ``upper bound
        (median)``.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    # (sweep, its knob, the bound drawn beside the measurement, colour, x label, title)
    panels = (
        (
            lstm_sweep,
            "forget bias",
            "product of f_t (median)",
            "product of forget gates",
            "tab:orange",
            "LSTM forget-gate bias",
            "LSTM: the forget gate is the knob",
        ),
        (
            rnn_sweep,
            "recurrent scale",
            "upper bound (median)",
            "upper bound",
            "tab:blue",
            "scale of the RNN's recurrent matrix (1 = Keras default)",
            "plain RNN: vanishes below scale 1, levels off above",
        ),
    )
    for ax, (sweep, knob, bound, bound_label, colour, xlabel, title) in zip(
        axes, panels, strict=True
    ):
        ax.plot(
            sweep[knob],
            sweep["gradient ratio (median)"],
            marker="o",
            color=colour,
            label="measured gradient ratio",
        )
        ax.plot(
            sweep[knob], sweep[bound], marker="x", ls="--", color="k", label=bound_label
        )
        ax.set_xlabel(xlabel)
        ax.set_title(title)
    axes[0].set_yscale("log")
    axes[0].set_ylabel("||dL/dx_1|| / ||dL/dx_60|| (median of 10)")
    for ax in axes:
        ax.axhline(1.0, color="grey", lw=0.8)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_account(
    account: pd.DataFrame,
    models: list[str],
    readings: list[str],
    stocks: list[str],
    persistence: dict[str, float],
    report_numbers: dict[tuple[str, str], float],
    stand_in: dict[str, str],
) -> plt.Figure:
    """Each reading of the report's code: test RMSE over persistence's per stock, beside
    the report's number.

    Parameters
    ----------
    account : DataFrame
        :func:`lstm_helpers.lessons.report_account.run_account`'s rows (``hypothesis``,
        ``model``, ``ticker``, ``rmse``).
    models, readings, stocks : list of str
        A panel per model; a colour per reading; the stocks along the x axis.
    persistence : dict of str -> float
        Each stock's persistence RMSE on its test days: every RMSE is divided by it.
    report_numbers : dict of (str, str) -> float
        (stock, model) -> the report's RMSE, drawn as a black bar (empty: none drawn).
    stand_in : dict of str -> str
        A stock whose numbers stand in for another's in the report's table (AABA for
        "IBM").
    """
    from matplotlib.ticker import FormatStrFormatter

    fig, axes = plt.subplots(
        1, len(models), figsize=(4.7 * len(models), 4.4), squeeze=False, sharey=True
    )
    for ax, name in zip(axes[0], models, strict=True):
        for k, reading in enumerate(readings):
            part = account[
                (account["hypothesis"] == reading)
                & (account["model"] == name)
                & account["ticker"].isin(stocks)
            ]
            x = [
                stocks.index(t) + 0.7 * (k / max(1, len(readings) - 1) - 0.5)
                for t in part["ticker"]
            ]
            ax.scatter(
                x,
                part["rmse"].to_numpy() / part["ticker"].map(persistence).to_numpy(),
                s=18,
                label=reading,
                color=f"C{k}",
            )
        for j, ticker in enumerate(stocks):
            number = report_numbers.get((stand_in.get(ticker, ticker), name))
            if number is not None:
                ax.hlines(
                    number / persistence[ticker],
                    j - 0.42,
                    j + 0.42,
                    color="black",
                    linewidth=2.2,
                    label="the report" if j == 0 else None,
                )
        ax.axhline(1.0, color="grey", linewidth=0.8)
        ax.set_yscale("log")
        ax.set_yticks([1, 2, 5, 10, 20, 50, 100])
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.set_xticks(
            range(len(stocks)),
            [f"{t}\n(as 'IBM')" if t in stand_in else t for t in stocks],
        )
        ax.set_title(name)
    axes[0, 0].set_ylabel("test RMSE / persistence's RMSE (log scale)")
    handles, labels = axes[0, -1].get_legend_handles_labels()
    fig.legend(
        handles, labels, fontsize=7, loc="lower center", ncol=min(3, len(labels))
    )
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig


def plot_band_widths(
    days: dict[str, pd.DatetimeIndex],
    lines: dict[str, dict[str, object]],
    title: str,
) -> plt.Figure:
    """One panel per stock: the one-day band of each method and the recent volatility,
    day by day.

    Parameters
    ----------
    days : dict
        Ticker -> the test origins.
    lines : dict
        Ticker -> {label: values, one per origin (%)}; a label starting with
        "recent" is drawn in black.
    title : str
    """
    fig, axes = _grid(len(days), 4.7, 3.2, sharey=True)
    for ax, (ticker, when) in zip(axes, days.items(), strict=True):
        for k, (label, values) in enumerate(lines[ticker].items()):
            recent = label.startswith("recent")
            ax.plot(
                when,
                values,
                color="black" if recent else f"C{k}",
                linewidth=0.8 if recent else 1.4,
                label=label,
            )
        ax.set_title(ticker)
        ax.set_ylabel("% of the price")
        _date_axis(ax)
    axes[0].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_coverage_by_level(
    nominal: object, curves: dict[str, object], horizons: tuple[int, ...]
) -> plt.Figure:
    """The share of test days inside each method's central band against the band's
    nominal level, one panel per horizon; the diagonal is a calibrated band.

    Parameters
    ----------
    nominal : array, shape (n,)
        The nominal levels (%).
    curves : dict
        Label -> coverage (%), shape (n, len(horizons)).
    horizons : tuple of int
    """
    fig, axes = _grid(len(horizons), 3.1, 3.1, ncols=3, sharey=True)
    for k, (ax, h) in enumerate(zip(axes, horizons, strict=True)):
        ax.plot(nominal, nominal, color="grey", linestyle="--", linewidth=1)
        for label, values in curves.items():
            ax.plot(nominal, [row[k] for row in values], marker=".", label=label)
        ax.set_title(f"h = {h}")
        ax.set_xlabel("nominal level (%)")
    axes[0].set_ylabel("test days inside (%)")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_adaptive_band(
    days: pd.DatetimeIndex,
    moves: object,
    split: object,
    adaptive: object,
    title: str,
) -> plt.Figure:
    """The size of each move beside a band's half-width, fixed (split conformal) and
    adaptive, day by day.

    Parameters
    ----------
    days : DatetimeIndex
        The test origins.
    moves, split, adaptive : array, shape (len(days),)
        The absolute change that happened, and the two half-widths (%).
    title : str
    """
    fig, ax = plt.subplots(figsize=(9, 3.4))
    ax.plot(
        days, moves, ".", color="grey", markersize=3, label="|change| that happened"
    )
    ax.plot(days, split, color="C0", label="split conformal (fixed)")
    ax.plot(days, adaptive, color="C3", label="adaptive conformal")
    ax.set_ylabel("% of the price")
    ax.set_title(title)
    ax.legend(fontsize=8)
    _date_axis(ax)
    return fig
