"""Tests of lstm_helpers.diagrams: the RNN and LSTM cell diagrams."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from lstm_helpers.diagrams import LSTM_PARTS, draw_lstm_cell, draw_rnn_cell


def test_diagrams_draw_and_check_parts():
    _, (a, b, c) = plt.subplots(1, 3)
    assert draw_rnn_cell(a) is a
    assert draw_lstm_cell(b) is b
    assert draw_lstm_cell(c, highlight={"f", "c"}) is c
    assert len(b.patches) > 10 and len(b.texts) > 10
    # grey parts in the highlighted drawing, none in the full one
    assert any(p.get_facecolor()[:3] == matplotlib.colors.to_rgb("#b0b0b0") for p in c.patches)
    with pytest.raises(ValueError, match="unknown part"):
        draw_lstm_cell(highlight={"x"})
    assert set(LSTM_PARTS) == {"f", "i", "g", "o", "c", "h"}
    plt.close("all")
