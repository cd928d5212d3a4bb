"""Tests of lstm_helpers.lessons.diagrams: the RNN, LSTM, minGRU and minLSTM cell
diagrams."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from lstm_helpers.lessons.diagrams import (
    COLOURS,
    LSTM_PARTS,
    MIN_KINDS,
    draw_lstm_cell,
    draw_min_cell,
    draw_rnn_cell,
)

GREY = matplotlib.colors.to_hex("#b0b0b0")


def colours_drawn(ax) -> set[str]:
    """Every face, edge and text colour on the axes, as hex."""
    found = {matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches}
    found |= {matplotlib.colors.to_hex(p.get_edgecolor()) for p in ax.patches}
    found |= {matplotlib.colors.to_hex(t.get_color()) for t in ax.texts}
    return found


def test_diagrams_draw_and_check_parts():
    _, (a, b, c) = plt.subplots(1, 3)
    assert draw_rnn_cell(a) is a
    assert draw_lstm_cell(b) is b
    assert draw_lstm_cell(c, highlight={"f", "c"}) is c
    assert len(b.patches) > 10 and len(b.texts) > 10
    # grey parts in the highlighted drawing, none in the full one
    assert any(
        p.get_facecolor()[:3] == matplotlib.colors.to_rgb("#b0b0b0") for p in c.patches
    )
    full, highlighted = colours_drawn(b), colours_drawn(c)
    assert GREY not in full
    # the full drawing shows every part in its own colour ...
    for part in LSTM_PARTS:
        assert COLOURS[part] in full, part
    # ... the highlighted one only the parts asked for; the others are grey
    assert {COLOURS["f"], COLOURS["c"]} <= highlighted
    for part in ("i", "g", "o", "h"):
        assert COLOURS[part] not in highlighted, part
    with pytest.raises(ValueError, match="unknown part"):
        draw_lstm_cell(highlight={"x"})
    assert set(LSTM_PARTS) == {"f", "i", "g", "o", "c", "h"}
    plt.close("all")


def arrows_drawn(ax) -> list[tuple[np.ndarray, np.ndarray]]:
    """(start, end) of every arrow on the axes, in data coordinates: the path's first
    point and the point farthest from it (the tip, for a straight arrow)."""
    found = []
    for p in ax.patches:
        if isinstance(p, FancyArrowPatch):
            path = p.get_path()
            v = path.vertices
            if path.codes is not None:  # an arrow head's CLOSEPOLY has no real point
                v = v[path.codes != Path.CLOSEPOLY]
            found.append((v[0], v[np.argmax(np.linalg.norm(v - v[0], axis=1))]))
    return found


def gate_boxes(ax) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of every box drawn in the cell (the gates, the candidate and
    the normalisation), without the cell's background."""
    return [
        (p.get_x(), p.get_y(), p.get_x() + p.get_width(), p.get_y() + p.get_height())
        for p in ax.patches
        if isinstance(p, FancyBboxPatch) and p.get_zorder() > 0
    ]


MIN_LABELS = {
    "gru": {"$z_t$", "$1-z_t$"},
    "lstm": {"$f_t$", "$i_t$", "$f'_t$", "$i'_t$"},
}
MIN_TITLES = {
    "gru": "minGRU: the gate reads only",
    "lstm": "minLSTM: two gates that add up to one",
}


@pytest.mark.parametrize("kind", MIN_KINDS)
def test_min_cell_draws_its_title_and_labels(kind):
    ax = draw_min_cell(kind)
    assert isinstance(ax, plt.Axes)
    assert ax.get_title().startswith(MIN_TITLES[kind])
    texts = {t.get_text() for t in ax.texts}
    assert {"$x_t$", "$h_{t-1}$", "$h_t$", r"$\tilde h_t$"} <= texts
    assert MIN_LABELS[kind] <= texts
    # minGRU has one gate and the candidate; minLSTM two gates, the candidate and the
    # normalisation f/(f+i)
    assert len(gate_boxes(ax)) == {"gru": 2, "lstm": 4}[kind]
    assert ("÷ (f + i)" in texts) == (kind == "lstm")
    plt.close("all")


@pytest.mark.parametrize("kind", MIN_KINDS)
def test_min_cell_gates_read_only_the_input(kind):
    ax = draw_min_cell(kind)
    arrows = arrows_drawn(ax)
    # h_{t-1} is the arrow that comes in from the left edge; its row is the top one
    y_h = min(arrows, key=lambda a: a[0][0])[0][1]
    boxes = gate_boxes(ax)
    assert all(y1 < y_h for _, _, _, y1 in boxes)
    # nothing leaves the h row: every arrow that starts on it stays on it ...
    on_row = [(s, e) for s, e in arrows if np.isclose(s[1], y_h)]
    assert len(on_row) == 3
    assert all(np.isclose(e[1], y_h) for _, e in on_row)
    # ... and every arrow into a box comes up from below it, from x_t's bus
    for x0, y0, x1, y1 in boxes:
        into = [
            (s, e)
            for s, e in arrows
            if x0 - 0.1 <= e[0] <= x1 + 0.1 and y0 - 0.1 <= e[1] <= y1 + 0.1
        ]
        assert into, (x0, y0)
        for s, e in into:
            assert s[1] < y0 and s[1] < y_h - 1, (s, e)
            assert np.isclose(s[0], e[0]), (s, e)  # straight up
    plt.close("all")


def test_min_cell_draws_on_a_given_axes_and_checks_kind():
    _, (a, b) = plt.subplots(1, 2)
    assert draw_min_cell("gru", ax=a) is a
    assert draw_min_cell("lstm", b) is b
    assert a.get_title().startswith("minGRU") and b.get_title().startswith("minLSTM")
    assert draw_min_cell().get_title().startswith("minGRU")  # the default
    with pytest.raises(
        ValueError, match="unknown kind 'xyz'; choose from 'gru', 'lstm'"
    ):
        draw_min_cell("xyz")
    plt.close("all")
