"""Tests of lstm_helpers.lessons.diagrams: the RNN and LSTM cell diagrams."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from lstm_helpers.lessons.diagrams import (
    COLOURS,
    LSTM_PARTS,
    draw_lstm_cell,
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
