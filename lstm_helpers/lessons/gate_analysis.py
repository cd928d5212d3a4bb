"""The gates of a trained LSTM on real windows: a calm one and a volatile one.

Lesson 02 picks a calm and a volatile 60-day window by a measured rule
(:func:`window_days`, :func:`window_volatility`, :func:`calm_and_volatile`),
runs the NumPy cell over them (:func:`gate_trace`) and shows every gate and
the cell state step by step (:func:`plot_gate_heatmaps`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lstm_helpers.numpy_lstm import lstm_forward


def window_days(
    series: pd.Series, target_day: pd.Timestamp, window: int = 60
) -> pd.Series:
    """The ``window`` prices before ``target_day``: the input window of the forecast of
    that day.

    Parameters
    ----------
    series : pandas.Series
        The price series the windows were cut from (no missing values).
    target_day : Timestamp
        A day of the series (e.g. one of ``data.test_dates``).
    window : int, default 60

    Returns
    -------
    pandas.Series
        ``window`` prices, oldest first, indexed by date.
    """
    pos = series.index.get_loc(target_day)
    if not isinstance(pos, int | np.integer) or pos < window:
        raise ValueError(
            f"{target_day} is not a day with {window} days of history in the series"
        )
    return series.iloc[pos - window : pos]


def window_volatility(
    series: pd.Series, days: pd.DatetimeIndex, window: int = 60
) -> pd.Series:
    """Standard deviation of the daily log returns inside the input window of every day
    in ``days``.

    Each window of ``window`` prices has ``window - 1`` daily returns
    ``log(x_k / x_{k-1})``; this is their standard deviation (in percent).

    Parameters
    ----------
    series : pandas.Series
        Prices, no missing values.
    days : DatetimeIndex
        Target days, e.g. ``data.test_dates``.
    window : int, default 60

    Returns
    -------
    pandas.Series
        Volatility in percent per day, indexed by the target day.
    """
    values = []
    for day in days:
        prices = window_days(series, day, window).to_numpy(dtype=float)
        values.append(100.0 * np.std(np.diff(np.log(prices)), ddof=1))
    return pd.Series(values, index=days, name="volatility (% per day)")


def calm_and_volatile(volatility: pd.Series) -> tuple[int, int]:
    """Positions of the calmest and the most volatile window (lowest and highest
    volatility).

    Parameters
    ----------
    volatility : pandas.Series
        From :func:`window_volatility`.

    Returns
    -------
    (int, int)
        Positions in ``volatility`` (so also in ``data.X_test``).
    """
    v = volatility.to_numpy()
    return int(np.argmin(v)), int(np.argmax(v))


def gate_trace(
    params: Mapping[str, np.ndarray], x: np.ndarray
) -> dict[str, np.ndarray]:
    """Run the NumPy LSTM over one window and return every gate and state, step by step.

    Parameters
    ----------
    params : dict
        ``kernel``, ``recurrent_kernel``, ``bias`` (extra keys are ignored).
    x : ndarray, shape (T, D) or (1, T, D)
        One input window.

    Returns
    -------
    dict of ndarray, each of shape (T, H)
        ``i``, ``f``, ``g`` (C'_t), ``o``, ``c`` and ``h``, from
        :func:`lstm_helpers.numpy_lstm.lstm_forward`'s cache.
    """
    x = np.asarray(x)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or x.shape[0] != 1:
        raise ValueError(
            f"x must be one window, shape (T, D) or (1, T, D); got {x.shape}"
        )
    _, state = lstm_forward(
        x, params["kernel"], params["recurrent_kernel"], params["bias"]
    )
    return {
        name: np.array(getattr(state, name)[0])
        for name in ("i", "f", "g", "o", "c", "h")
    }


_HEAT_ROWS = (
    ("f", "forget gate $f_t$", "Reds"),
    ("i", "input gate $I_t$", "Greens"),
    ("o", "output gate $O_t$", "Blues"),
    ("c", "cell state $C_t$", "PuOr_r"),
)


def plot_gate_heatmaps(
    traces: Mapping[str, Mapping[str, np.ndarray]],
    prices: Mapping[str, pd.Series],
    centre: bool = False,
    skip: int = 0,
    top_label: str = "price (USD)",
    xlabel: str = "step in the window (1 = oldest day, 60 = the day "
    "before the forecast)",
    marks: Mapping[str, Sequence[int]] | None = None,
) -> plt.Figure:
    """Price, f_t, I_t, O_t and C_t over the steps of several windows, one column per
    window.

    Rows of a heatmap are units, columns are the time steps of the window
    (oldest left). By default the gates share the colour scale [0, 1] and
    the cell state a scale symmetric around 0, common to all columns.

    Parameters
    ----------
    traces : dict of str -> dict
        Column title -> :func:`gate_trace` of that window.
    prices : dict of str -> Series
        Column title -> the window's prices (:func:`window_days`), same keys.
    centre : bool, default False
        Subtract from every unit its mean over the window, so that only the
        movement within the window is coloured (one symmetric scale per row,
        common to all columns).
    skip : int, default 0
        With ``centre``: leave the first ``skip`` steps (the warm-up from the
        zero initial state) out of the mean and of the colour scale, so that
        they show saturated; a dashed line marks where they end.
    top_label, xlabel : str
        Labels of the top panel's y axis and of the steps (the defaults are for
        price windows; the memory lesson passes its own).
    marks : dict of str -> list of int, optional
        Column title -> steps (1-based) to mark with a red dot on the top panel
        and a dotted line through the heatmaps.

    Returns
    -------
    matplotlib Figure
    """
    names = list(traces)
    if set(names) != set(prices):
        raise ValueError("traces and prices need the same keys")

    skip = skip if centre else 0

    def shown(name: str, key: str) -> np.ndarray:
        values = np.asarray(traces[name][key]).T  # (H, T)
        return (
            values - values[:, skip:].mean(axis=1, keepdims=True) if centre else values
        )

    limits = {
        key: max(float(np.abs(shown(n, key)[:, skip:]).max()) for n in names)
        for key, _, _ in _HEAT_ROWS
    }
    fig, axes = plt.subplots(
        1 + len(_HEAT_ROWS),
        len(names),
        figsize=(4.7 * len(names), 9.5),
        sharex="col",
        squeeze=False,
        gridspec_kw={"height_ratios": [1.2] + [1] * len(_HEAT_ROWS)},
    )
    for col, name in enumerate(names):
        p = prices[name]
        steps = np.arange(1, len(p) + 1)
        ax = axes[0, col]
        ax.plot(steps, p.to_numpy(), color="k", lw=1.2)
        dated = isinstance(p.index, pd.DatetimeIndex)
        ax.set_title(
            f"{name}\n{p.index[0].date()} to {p.index[-1].date()}" if dated else name,
            fontsize=10,
        )
        ax.set_ylabel(top_label)
        marked = list((marks or {}).get(name, []))
        if marked:
            ax.scatter(
                marked,
                p.to_numpy()[np.asarray(marked) - 1],
                color="tab:red",
                zorder=3,
                s=25,
            )
        for row, (key, label, cmap) in enumerate(_HEAT_ROWS, start=1):
            ax = axes[row, col]
            values = shown(name, key)
            if centre or key == "c":
                vmin, vmax, cmap = (
                    -limits[key],
                    limits[key],
                    "PuOr_r" if key == "c" else "coolwarm",
                )
            else:
                vmin, vmax = 0.0, 1.0
            im = ax.imshow(
                values,
                aspect="auto",
                cmap=cmap,
                vmin=vmin,
                vmax=vmax,
                interpolation="nearest",
                extent=(0.5, len(p) + 0.5, values.shape[0] - 0.5, -0.5),
            )
            ax.set_ylabel(f"{label}{' − its mean' if centre else ''}\nunit", fontsize=9)
            if skip:
                ax.axvline(skip + 0.5, color="k", ls="--", lw=0.8)
            for step in marked:
                ax.axvline(step, color="tab:red", ls=":", lw=0.9)
            fig.colorbar(im, ax=ax, pad=0.01, fraction=0.04)
        axes[-1, col].set_xlabel(xlabel)
    fig.tight_layout()
    return fig
