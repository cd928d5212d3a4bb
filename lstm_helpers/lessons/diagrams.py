"""Diagrams of the plain RNN cell and the LSTM cell, in the report's notation.

Lesson 02 draws one step of each (:func:`draw_rnn_cell`, :func:`draw_lstm_cell`)
with f_t, I_t, C'_t, O_t, C_t and H_t, with matplotlib only. :data:`COLOURS`
gives each part of the cell its colour. :func:`draw_min_cell` draws the minimal
gated recurrences minGRU and minLSTM, whose gates read the input x_t only.
"""

from __future__ import annotations

from collections.abc import Collection

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

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
"""The parts :func:`draw_lstm_cell` can highlight: the gates f, i (I_t), g (C'_t), o and
the states c, h."""

MIN_KINDS: tuple[str, ...] = ("gru", "lstm")
"""The cells :func:`draw_min_cell` draws: ``"gru"`` (minGRU), ``"lstm"`` (minLSTM)."""

_GREY = "#b0b0b0"


def _arrow(
    ax: plt.Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: str,
    head: bool = True,
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
    ax: plt.Axes,
    xy: tuple[float, float],
    text: str,
    colour: str,
    w: float = 0.9,
    h: float = 0.6,
) -> None:
    x, y = xy
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.05",
            fc=colour,
            ec="k",
            lw=0.8,
            zorder=3,
        )
    )
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=11,
        color="white",
        zorder=4,
        weight="bold",
    )


def _op(
    ax: plt.Axes, xy: tuple[float, float], text: str, colour: str, r: float = 0.28
) -> None:
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
        FancyBboxPatch(
            (1.2, 0.6),
            4.6,
            3.0,
            boxstyle="round,pad=0.1",
            fc="#f4f4f4",
            ec="k",
            lw=1.0,
            zorder=0,
        )
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


def draw_lstm_cell(
    ax: plt.Axes | None = None, highlight: Collection[str] | None = None
) -> plt.Axes:
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
        raise ValueError(
            f"unknown part(s) {sorted(unknown)}; choose from {', '.join(LSTM_PARTS)}"
        )

    def col(part: str) -> str:
        return COLOURS[part] if part in parts else _GREY

    ax = _new_axes(ax, (9, 5))
    ax.add_patch(
        FancyBboxPatch(
            (1.0, 0.7),
            10.0,
            5.5,
            boxstyle="round,pad=0.1",
            fc="#f6f6f6",
            ec="k",
            lw=1.0,
            zorder=0,
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
    ax.text(
        x_f - 0.12,
        y_gate + 0.75,
        "$f_t$",
        fontsize=12,
        color=f,
        ha="right",
        va="center",
    )

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
    ax.text(
        x_i - 0.12,
        y_gate + 0.75,
        "$I_t$",
        fontsize=12,
        color=i,
        ha="right",
        va="center",
    )
    ax.text(
        x_g - 0.12,
        y_gate + 0.75,
        "$C'_t$",
        fontsize=12,
        color=g,
        ha="right",
        va="center",
    )

    # output gate: H_t = O_t * tanh(C_t)
    o, h = col("o"), col("h")
    _box(ax, (x_o, y_gate), "σ", o)
    ax.text(
        x_o + 0.6, y_gate + 0.3, "$O_t$", fontsize=12, color=o, ha="left", va="bottom"
    )
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


def draw_min_cell(kind: str = "gru", ax: plt.Axes | None = None) -> plt.Axes:
    """Draw one step of a minimal gated recurrence, minGRU or minLSTM.

    The hidden state h runs along the top, only multiplied and added to; the
    gates and the candidate ``h~_t`` read the input x_t alone, from below, and
    no arrow leads from ``h_{t-1}`` into them (Feng et al. 2024; see
    :mod:`lstm_helpers.numpy_lstm.min_rnn`).

    minGRU: ``z_t = sigmoid(x_t W_z + b_z)``, ``h~_t = x_t W_h + b_h`` (linear,
    no tanh) and ``h_t = (1 - z_t) * h_{t-1} + z_t * h~_t``.

    minLSTM: ``f_t`` and ``i_t`` are sigmoids of x_t, normalised to
    ``f'_t = f_t / (f_t + i_t)`` and ``i'_t = i_t / (f_t + i_t)``, and
    ``h_t = f'_t * h_{t-1} + i'_t * h~_t``; no cell state, no output gate.

    Parameters
    ----------
    kind : {"gru", "lstm"}, default "gru"
        Which cell to draw, from :data:`MIN_KINDS`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``kind`` is not one of :data:`MIN_KINDS`.
    """
    if kind not in MIN_KINDS:
        raise ValueError(
            f"unknown kind {kind!r}; choose from {', '.join(map(repr, MIN_KINDS))}"
        )
    ax = _new_axes(ax, (9, 5))
    ax.add_patch(
        FancyBboxPatch(
            (1.0, 0.5),
            8.6,
            5.7,
            boxstyle="round,pad=0.1",
            fc="#f6f6f6",
            ec="k",
            lw=1.0,
            zorder=0,
        )
    )
    y_h, y_norm, y_gate, y_bus = 5.4, 3.1, 1.9, 1.0
    y_mid = 4.3 if kind == "lstm" else 3.8  # where the gate meets the candidate
    x_a, x_b, x_g = 3.0, 4.8, 7.8  # the h_{t-1} gate, the other gate, the candidate
    x_in, x_end = 2.2, 10.6
    h, g = COLOURS["h"], COLOURS["g"]

    # the input x_t, from below, is the only thing the gates and the candidate read
    _arrow(ax, (x_in, -0.3), (x_in, y_bus), "k", head=False)
    _arrow(ax, (x_in, y_bus), (x_g, y_bus), "k", head=False)
    gates = (x_a, x_b, x_g) if kind == "lstm" else (x_b, x_g)
    for x in gates:
        _arrow(ax, (x, y_bus), (x, y_gate - 0.35), "k")
    ax.text(x_in + 0.15, -0.3, "$x_t$", fontsize=12)

    # the hidden state: h_{t-1} -> x (forget) -> + (new) -> h_t, nothing else
    _arrow(ax, (0.0, y_h), (x_a - 0.28, y_h), h, head=False)
    _arrow(ax, (x_a + 0.28, y_h), (x_g - 0.28, y_h), h, head=False)
    _arrow(ax, (x_g + 0.28, y_h), (x_end, y_h), h)
    ax.text(-0.1, y_h + 0.2, "$h_{t-1}$", fontsize=12, color=h)
    ax.text(x_end + 0.05, y_h, "$h_t$", fontsize=12, color=h, va="center")
    _op(ax, (x_g, y_h), "+", h)

    # the candidate: linear in x_t, no tanh, weighted by the input side's gate
    _box(ax, (x_g, y_gate), "linear", g, w=1.2)
    _arrow(ax, (x_g, y_gate + 0.35), (x_g, y_mid - 0.28), g)
    _op(ax, (x_g, y_mid), "×", "k")
    _arrow(ax, (x_g, y_mid + 0.28), (x_g, y_h - 0.28), "k")
    labels = [(x_g + 0.12, y_gate + 0.75, r"$\tilde h_t$", g, "left")]

    if kind == "gru":
        z, keep = COLOURS["i"], COLOURS["f"]
        _box(ax, (x_b, y_gate), "σ", z)
        _arrow(ax, (x_b, y_gate + 0.35), (x_b, y_mid), z, head=False)
        _arrow(ax, (x_b, y_mid), (x_g - 0.28, y_mid), z)  # z_t to the candidate
        _arrow(ax, (x_b, y_mid), (x_a + 0.36, y_mid), z)  # z_t to 1 - z_t
        _op(ax, (x_a, y_mid), "1−", keep, r=0.36)
        _arrow(ax, (x_a, y_mid + 0.36), (x_a, y_h - 0.28), keep)
        _op(ax, (x_a, y_h), "×", keep)
        labels += [
            (x_b - 0.12, y_gate + 0.75, "$z_t$", z, "right"),
            (x_a - 0.12, (y_mid + 0.36 + y_h - 0.28) / 2, "$1-z_t$", keep, "right"),
        ]
        title = "minGRU: the gate reads only the input"
    else:
        f, i = COLOURS["f"], COLOURS["i"]
        _box(ax, (x_a, y_gate), "σ", f)
        _box(ax, (x_b, y_gate), "σ", i)
        _box(ax, ((x_a + x_b) / 2, y_norm), "÷ (f + i)", "#555555", w=2.6, h=0.5)
        for x, colour in ((x_a, f), (x_b, i)):
            _arrow(ax, (x, y_gate + 0.35), (x, y_norm - 0.3), colour)
        _arrow(ax, (x_a, y_norm + 0.3), (x_a, y_h - 0.28), f)
        _op(ax, (x_a, y_h), "×", f)
        _arrow(ax, (x_b, y_norm + 0.3), (x_b, y_mid), i, head=False)
        _arrow(ax, (x_b, y_mid), (x_g - 0.28, y_mid), i)
        labels += [
            (x_a - 0.12, (y_gate + y_norm) / 2, "$f_t$", f, "right"),
            (x_b - 0.12, (y_gate + y_norm) / 2, "$i_t$", i, "right"),
            (x_a - 0.12, (y_norm + y_h) / 2, "$f'_t$", f, "right"),
            (x_b - 0.12, (y_norm + 0.3 + y_mid) / 2, "$i'_t$", i, "right"),
        ]
        title = "minLSTM: two gates that add up to one, reading only the input"
    for x, y, text, colour, ha in labels:
        ax.text(x, y, text, fontsize=12, color=colour, ha=ha, va="center")
    ax.text(
        (x_in + x_g) / 2,
        y_bus - 0.25,
        "gates read $x_t$ only: no arrow from $h_{t-1}$ into them",
        fontsize=8,
        color="0.3",
        ha="center",
        va="top",
    )
    ax.set_xlim(-0.3, 11.4)
    ax.set_ylim(-0.6, 6.5)
    ax.set_title(title, fontsize=10)
    return ax
