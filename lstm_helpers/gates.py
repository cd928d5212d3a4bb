"""Looking inside the LSTM cell: diagrams, a small trained model, and its gates on real windows.

Lesson 02 uses this module to

- draw the plain RNN cell and the LSTM cell (:func:`draw_rnn_cell`,
  :func:`draw_lstm_cell`), in the report's notation f_t, I_t, C'_t, O_t,
  C_t, H_t, with matplotlib only;
- train a small Keras ``LSTM(units) -> Dense(1)`` on the report's windows and
  keep its weights in the course cache (:func:`train_gate_model`), so that a
  rerun does not retrain;
- pick a calm and a volatile 60-day window by a measured rule
  (:func:`window_volatility`, :func:`calm_and_volatile`) and run the NumPy
  cell over them (:func:`gate_trace`, :func:`plot_gate_heatmaps`).

Lesson 03 uses :func:`forget_path_product` and :func:`rnn_path_bound`, the two
products that decide whether a gradient survives the trip back through a
window.

TensorFlow is imported only inside :func:`build_gate_model` and
:func:`train_gate_model`, so the drawing and NumPy parts load fast.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from lstm_helpers import cache
from lstm_helpers.numpy_lstm import lstm_forward, rnn_forward
from lstm_helpers.windows import WindowedData

# --------------------------------------------------------------------------
# Diagrams
# --------------------------------------------------------------------------

COLOURS: dict[str, str] = {
    "f": "#d62728",  # forget gate
    "i": "#2ca02c",  # input gate
    "g": "#ff7f0e",  # candidate C'_t
    "o": "#1f77b4",  # output gate
    "c": "#9467bd",  # cell state C_t
    "h": "#17becf",  # hidden state H_t
}
"""One colour per part of the cell, shared by the diagrams and the heatmaps."""

LSTM_PARTS: tuple[str, ...] = ("f", "i", "g", "o", "c", "h")
"""The parts :func:`draw_lstm_cell` can highlight: the gates f, i (I_t), g (C'_t), o and the states c, h."""

_GREY = "#b0b0b0"


def _arrow(
    ax: plt.Axes, start: tuple[float, float], end: tuple[float, float], colour: str, head: bool = True
) -> None:
    style = "-|>" if head else "-"
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=12,
            lw=1.6,
            color=colour,
            shrinkA=0,
            shrinkB=0,
            zorder=1,
        )
    )


def _box(
    ax: plt.Axes, xy: tuple[float, float], text: str, colour: str, w: float = 0.9, h: float = 0.6
) -> None:
    x, y = xy
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05", fc=colour, ec="k", lw=0.8, zorder=3
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=11, color="white", zorder=4, weight="bold")


def _op(ax: plt.Axes, xy: tuple[float, float], text: str, colour: str, r: float = 0.28) -> None:
    ax.add_patch(Circle(xy, r, fc="white", ec=colour, lw=1.6, zorder=3))
    ax.text(
        xy[0],
        xy[1],
        text,
        ha="center",
        va="center",
        fontsize=10 if len(text) > 1 else 13,
        color=colour,
        zorder=4,
    )


def _new_axes(ax: plt.Axes | None, size: tuple[float, float]) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_rnn_cell(ax: plt.Axes | None = None) -> plt.Axes:
    """Draw one step of a plain RNN: ``H_t = tanh(W x_t + U H_{t-1} + b)``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib Axes
    """
    ax = _new_axes(ax, (6, 3.2))
    ax.add_patch(
        FancyBboxPatch((1.2, 0.6), 4.6, 3.0, boxstyle="round,pad=0.1", fc="#f4f4f4", ec="k", lw=1.0, zorder=0)
    )
    colour = COLOURS["h"]
    _arrow(ax, (0.0, 1.4), (3.3, 1.4), "k", head=False)  # H_{t-1} in
    _arrow(ax, (3.3, -0.4), (3.3, 1.4), "k", head=False)  # x_t in
    _arrow(ax, (3.3, 1.4), (3.3, 2.2), "k")
    _box(ax, (3.3, 2.5), "tanh", colour, w=1.0)
    _arrow(ax, (3.3, 2.8), (3.3, 3.2), colour, head=False)
    _arrow(ax, (3.3, 3.2), (7.0, 3.2), colour)
    ax.text(-0.1, 1.6, "$H_{t-1}$", fontsize=12, ha="left")
    ax.text(3.45, -0.4, "$x_t$", fontsize=12, ha="left")
    ax.text(7.05, 3.2, "$H_t$", fontsize=12, va="center")
    ax.text(3.5, 1.75, "[$x_t$, $H_{t-1}$]", fontsize=8, color="0.3")
    ax.set_xlim(-0.3, 7.8)
    ax.set_ylim(-0.7, 4.0)
    ax.set_title("plain RNN: one memory, rewritten at every step", fontsize=10)
    return ax


def draw_lstm_cell(ax: plt.Axes | None = None, highlight: Collection[str] | None = None) -> plt.Axes:
    """Draw one step of an LSTM cell in the report's notation.

    The cell state C runs along the top (the "conveyor belt"), multiplied by
    the forget gate f_t and added to by I_t * C'_t; the output gate O_t
    decides how much of tanh(C_t) becomes the hidden state H_t.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    highlight : collection of str, optional
        Parts to colour, from :data:`LSTM_PARTS` (``"f"``, ``"i"``, ``"g"``
        for C'_t, ``"o"``, ``"c"``, ``"h"``); the others are drawn in grey.
        Default: all of them.

    Returns
    -------
    matplotlib Axes
    """
    parts = set(LSTM_PARTS if highlight is None else highlight)
    unknown = parts - set(LSTM_PARTS)
    if unknown:
        raise ValueError(f"unknown part(s) {sorted(unknown)}; choose from {', '.join(LSTM_PARTS)}")

    def col(part: str) -> str:
        return COLOURS[part] if part in parts else _GREY

    ax = _new_axes(ax, (9, 5))
    ax.add_patch(
        FancyBboxPatch(
            (1.0, 0.7), 10.0, 5.5, boxstyle="round,pad=0.1", fc="#f6f6f6", ec="k", lw=1.0, zorder=0
        )
    )
    y_c, y_gate, y_bus, y_mid = 5.4, 2.7, 1.3, 4.05
    x_f, x_i, x_g, x_o, x_out = 3.0, 4.6, 6.0, 7.6, 9.2

    # inputs: H_{t-1} from the left, x_t from below, joined into one bus
    _arrow(ax, (0.0, y_bus), (x_o, y_bus), "k", head=False)
    _arrow(ax, (2.2, -0.3), (2.2, y_bus), "k", head=False)
    for x in (x_f, x_i, x_g, x_o):
        _arrow(ax, (x, y_bus), (x, y_gate - 0.35), "k")
    ax.text(-0.1, y_bus + 0.2, "$H_{t-1}$", fontsize=12)
    ax.text(2.35, -0.3, "$x_t$", fontsize=12)

    # the cell state: C_{t-1} -> x f_t -> + I_t C'_t -> C_t
    c = col("c")
    _arrow(ax, (0.0, y_c), (x_f - 0.28, y_c), c, head=False)
    _arrow(ax, (x_f + 0.28, y_c), (x_g - 0.28, y_c), c, head=False)
    _arrow(ax, (x_g + 0.28, y_c), (12.0, y_c), c)
    ax.text(-0.1, y_c + 0.2, "$C_{t-1}$", fontsize=12, color=c)
    ax.text(12.05, y_c, "$C_t$", fontsize=12, color=c, va="center")

    # forget gate
    f = col("f")
    _box(ax, (x_f, y_gate), "σ", f)
    _arrow(ax, (x_f, y_gate + 0.35), (x_f, y_c - 0.28), f)
    _op(ax, (x_f, y_c), "×", f)
    ax.text(x_f - 0.12, y_gate + 0.75, "$f_t$", fontsize=12, color=f, ha="right", va="center")

    # input gate and candidate, multiplied, added to the cell state
    i, g = col("i"), col("g")
    _box(ax, (x_i, y_gate), "σ", i)
    _box(ax, (x_g, y_gate), "tanh", g, w=1.0)
    _arrow(ax, (x_i, y_gate + 0.35), (x_i, y_mid), i, head=False)
    _arrow(ax, (x_i, y_mid), (x_g - 0.28, y_mid), i)
    _arrow(ax, (x_g, y_gate + 0.35), (x_g, y_mid - 0.28), g)
    add = "k" if {"i", "g"} & parts else _GREY
    _op(ax, (x_g, y_mid), "×", add)
    _arrow(ax, (x_g, y_mid + 0.28), (x_g, y_c - 0.28), add)
    _op(ax, (x_g, y_c), "+", c if "c" in parts else add)
    ax.text(x_i - 0.12, y_gate + 0.75, "$I_t$", fontsize=12, color=i, ha="right", va="center")
    ax.text(x_g - 0.12, y_gate + 0.75, "$C'_t$", fontsize=12, color=g, ha="right", va="center")

    # output gate: H_t = O_t * tanh(C_t)
    o, h = col("o"), col("h")
    _box(ax, (x_o, y_gate), "σ", o)
    ax.text(x_o + 0.6, y_gate + 0.3, "$O_t$", fontsize=12, color=o, ha="left", va="bottom")
    _arrow(ax, (x_out, y_c), (x_out, y_mid + 0.28), h)
    _op(ax, (x_out, y_mid), "tanh", h, r=0.36)
    _arrow(ax, (x_out, y_mid - 0.36), (x_out, y_gate + 0.28), h)
    _arrow(ax, (x_o + 0.45, y_gate), (x_out - 0.28, y_gate), o)
    _op(ax, (x_out, y_gate), "×", h)
    _arrow(ax, (x_out, y_gate - 0.28), (x_out, y_bus - 0.6), h, head=False)
    _arrow(ax, (x_out, y_bus - 0.6), (12.0, y_bus - 0.6), h)
    ax.text(12.05, y_bus - 0.6, "$H_t$", fontsize=12, color=h, va="center")

    ax.set_xlim(-0.3, 12.9)
    ax.set_ylim(-0.6, 6.6)
    return ax


# --------------------------------------------------------------------------
# A small Keras LSTM trained on the report's windows, weights cached
# --------------------------------------------------------------------------


@dataclass
class GateModel:
    """A trained ``LSTM(units) -> Dense(1)``: its weights as NumPy arrays, and its record.

    Attributes
    ----------
    params : dict of ndarray
        ``kernel`` (1, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H,) in
        Keras's gate order i, f, c, o, and the Dense layer's ``w_out`` (H, 1)
        and ``b_out`` (1,): exactly the arguments of
        :func:`lstm_helpers.numpy_lstm.predict_regressor`. float32, as trained.
    test_outputs : ndarray, shape (n_test,)
        Keras's own (scaled) predictions for the test windows.
    loss : list of float
        Training loss after each epoch.
    seconds : float
        Training time when it was trained.
    cached : bool
        True if loaded from the cache instead of trained now.
    key : str
        The cache key.
    info : dict
        What the key was made of.
    """

    params: dict[str, np.ndarray]
    test_outputs: np.ndarray
    loss: list[float]
    seconds: float
    cached: bool
    key: str
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def units(self) -> int:
        """H, the number of units."""
        return self.params["recurrent_kernel"].shape[0]


_PARAM_NAMES = ("kernel", "recurrent_kernel", "bias", "w_out", "b_out")


def build_gate_model(units: int, window: int = 60, n_features: int = 1):
    """``Input(window, n_features) -> LSTM(units) -> Dense(1)``, compiled with Adam and mean squared error.

    Returns
    -------
    keras.Model
    """
    from lstm_helpers.tf_quiet import keras

    model = keras.Sequential(
        [keras.Input((window, n_features)), keras.layers.LSTM(units), keras.layers.Dense(1)],
        name=f"gate_lstm_{units}",
    )
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model


def train_gate_model(
    data: WindowedData,
    units: int = 16,
    epochs: int = 20,
    batch_size: int = 32,
    seed: int = 0,
    use_cache: bool = True,
) -> GateModel:
    """Train a small ``LSTM(units) -> Dense(1)`` on ``data``'s training windows, or load it from the cache.

    Parameters
    ----------
    data : WindowedData
        From :func:`lstm_helpers.windows.report_windows`.
    units : int, default 16
        H.
    epochs : int, default 20
    batch_size : int, default 32
    seed : int, default 0
        Seeds the weights and the shuffling (``keras.utils.set_random_seed``).
    use_cache : bool, default True
        Load stored weights if everything that determines them matches, and
        store newly trained ones.

    Returns
    -------
    GateModel
    """
    info = {
        "kind": "gate-lstm",
        "units": int(units),
        "epochs": int(epochs),
        "batch_size": int(batch_size),
        "optimizer": "adam",
        "seed": int(seed),
        "data": cache.array_digest(data.X_train, data.y_train, data.X_test),
        "versions": cache.versions(),
    }
    key = cache.make_key(info)
    if use_cache:
        stored = cache.load(key)
        if stored is not None:
            arrays, meta = stored
            params = {k: arrays[k] for k in _PARAM_NAMES}
            return GateModel(params, arrays["test_outputs"], meta["loss"], meta["seconds"], True, key, info)

    from lstm_helpers.keras_models import set_seeds

    set_seeds(seed)
    model = build_gate_model(units, data.window, data.X_train.shape[2])
    start = time.perf_counter()
    history = model.fit(
        data.X_train.astype("float32"),
        data.y_train.astype("float32"),
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    test_outputs = model.predict(data.X_test.astype("float32"), batch_size=1024, verbose=0).ravel()
    lstm_layer, dense_layer = model.layers
    kernel, recurrent_kernel, bias = lstm_layer.get_weights()
    w_out, b_out = dense_layer.get_weights()
    params = dict(zip(_PARAM_NAMES, (kernel, recurrent_kernel, bias, w_out, b_out), strict=True))
    loss = [float(v) for v in history.history["loss"]]
    if use_cache:
        cache.save(
            key, {**params, "test_outputs": test_outputs}, {"loss": loss, "seconds": seconds, "info": info}
        )
    return GateModel(params, test_outputs, loss, seconds, False, key, info)


# --------------------------------------------------------------------------
# Calm and volatile windows, and the gates over them
# --------------------------------------------------------------------------


def window_days(series: pd.Series, target_day: pd.Timestamp, window: int = 60) -> pd.Series:
    """The ``window`` prices before ``target_day``: the input window of the forecast of that day.

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
        raise ValueError(f"{target_day} is not a day with {window} days of history in the series")
    return series.iloc[pos - window : pos]


def window_volatility(series: pd.Series, days: pd.DatetimeIndex, window: int = 60) -> pd.Series:
    """Standard deviation of the daily log returns inside the input window of every day in ``days``.

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
    """Positions of the calmest and the most volatile window (lowest and highest volatility).

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


def gate_trace(params: Mapping[str, np.ndarray], x: np.ndarray) -> dict[str, np.ndarray]:
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
        raise ValueError(f"x must be one window, shape (T, D) or (1, T, D); got {x.shape}")
    _, state = lstm_forward(x, params["kernel"], params["recurrent_kernel"], params["bias"])
    return {name: np.array(getattr(state, name)[0]) for name in ("i", "f", "g", "o", "c", "h")}


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
) -> plt.Figure:
    """Price, f_t, I_t, O_t and C_t over the steps of several windows, one column per window.

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
        return values - values[:, skip:].mean(axis=1, keepdims=True) if centre else values

    limits = {
        key: max(float(np.abs(shown(n, key)[:, skip:]).max()) for n in names) for key, _, _ in _HEAT_ROWS
    }
    fig, axes = plt.subplots(
        1 + len(_HEAT_ROWS),
        len(names),
        figsize=(5.5 * len(names), 10),
        sharex="col",
        squeeze=False,
        gridspec_kw={"height_ratios": [1.2] + [1] * len(_HEAT_ROWS)},
    )
    for col, name in enumerate(names):
        p = prices[name]
        steps = np.arange(1, len(p) + 1)
        ax = axes[0, col]
        ax.plot(steps, p.to_numpy(), color="k", lw=1.2)
        ax.set_title(f"{name}\n{p.index[0].date()} to {p.index[-1].date()}", fontsize=10)
        ax.set_ylabel("price (USD)")
        for row, (key, label, cmap) in enumerate(_HEAT_ROWS, start=1):
            ax = axes[row, col]
            values = shown(name, key)
            if centre or key == "c":
                vmin, vmax, cmap = -limits[key], limits[key], "PuOr_r" if key == "c" else "coolwarm"
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
            fig.colorbar(im, ax=ax, pad=0.01, fraction=0.04)
        axes[-1, col].set_xlabel("step in the window (1 = oldest day, 60 = the day before the forecast)")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------
# Lesson 03: the two products behind vanishing gradients
# --------------------------------------------------------------------------


def forget_path_product(params: Mapping[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """The factor the cell-state path applies to a gradient from the last step back to the first.

    Along the cell state, ``dC_t / dC_{t-1} = diag(f_t)``, so a gradient that
    travels from C_T back to C_1 only along that path is multiplied, unit by
    unit, by ``f_2 * f_3 * ... * f_T``.

    Parameters
    ----------
    params : dict
        LSTM ``kernel``, ``recurrent_kernel``, ``bias``.
    x : ndarray, shape (1, T, D)
        One window.

    Returns
    -------
    ndarray, shape (H,)
        ``prod_{t=2..T} f_t`` for every unit.
    """
    f = gate_trace(params, x)["f"]
    return np.prod(f[1:], axis=0)


def rnn_path_bound(params: Mapping[str, np.ndarray], x: np.ndarray) -> float:
    """An upper bound on how much a plain RNN can carry a gradient from its last step back to its first.

    One step back multiplies the gradient by ``diag(1 - H_t^2) U^T`` (the
    derivative of ``tanh`` times the recurrent matrix), so after T - 1 steps
    its norm is at most the product of those matrices' largest singular
    values.

    Parameters
    ----------
    params : dict
        RNN ``kernel``, ``recurrent_kernel`` (H, H), ``bias``.
    x : ndarray, shape (1, T, D)
        One window.

    Returns
    -------
    float
        ``prod_{t=2..T} ||diag(1 - H_t^2) U^T||_2``.
    """
    h_seq, _ = rnn_forward(x, params["kernel"], params["recurrent_kernel"], params["bias"])
    u = np.asarray(params["recurrent_kernel"], dtype=h_seq.dtype)
    bound = 1.0
    for t in range(1, h_seq.shape[1]):
        bound *= float(np.linalg.norm((1.0 - h_seq[0, t] ** 2)[:, None] * u.T, 2))
    return bound
