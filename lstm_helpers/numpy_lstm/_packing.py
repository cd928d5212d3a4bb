"""Keras's weights and a batch of inputs packed into the fast loop's layout, and back.

:func:`lstm_helpers.numpy_lstm.sequence.lstm_forward` keeps every step
"feature-major" ((features, N) blocks), its gates in the order i, f, o, g, and
x_t and the bias folded into the same matmul as h_prev; the comment at the top
of :mod:`lstm_helpers.numpy_lstm.sequence` explains why. These helpers convert
to that layout and back.
"""

from __future__ import annotations

import numpy as np

from lstm_helpers.numpy_lstm._checks import Array
from lstm_helpers.numpy_lstm.cell import GATES

_FAST_ORDER = ("i", "f", "o", "c")
"""The fast loop's block order: the three sigmoid gates together, then the candidate
(``g``, Keras's ``c``)."""


def _keras_to_ifog(a: Array) -> Array:
    """Reorder the last axis (4H) from Keras's gate blocks i, f, c, o to i, f, o, g."""
    blocks = a.reshape(*a.shape[:-1], 4, a.shape[-1] // 4)
    return blocks[..., [GATES.index(g) for g in _FAST_ORDER], :].reshape(a.shape)


def _ifog_to_keras(a: Array) -> Array:
    """Inverse of :func:`_keras_to_ifog` (swapping the last two blocks undoes
    itself)."""
    return _keras_to_ifog(a)


def _stacked_weights(kernel: Array, recurrent_kernel: Array, bias: Array) -> Array:
    """``[recurrent_kernel; kernel; bias]``, shape (H + D + 1, 4H), gate blocks
    reordered to i, f, o, g."""
    return _keras_to_ifog(np.concatenate([recurrent_kernel, kernel, bias[None, :]]))


def _halve_sigmoid_columns(w_all: Array) -> Array:
    """``w_all`` with the i, f, o columns (the first 3H) times 1/2, for sigmoid(z) = (1
    + tanh(z/2)) / 2.

    Multiplying by 1/2 is exact in floating point, so tanh sees exactly z/2.
    """
    units = w_all.shape[1] // 4
    scale = np.ones(4 * units, dtype=w_all.dtype)
    scale[: 3 * units] = 0.5
    return w_all * scale


def _stacked_inputs(x: Array, h0: Array) -> Array:
    """The buffer ``hx`` of :class:`LSTMCache`, shape (T + 1, H + D + 1, N): ``hx[t] =
    [h_{t-1}; x_t; 1]``.

    Filled here: h0, all the inputs and the row of ones; the loop writes h_t into ``hx[t
    + 1, :H]``.
    """
    N, T, D = x.shape
    H = h0.shape[1]
    hx = np.empty((T + 1, H + D + 1, N), dtype=x.dtype)
    hx[0, :H] = h0.T
    hx[:T, H : H + D] = x.transpose(1, 2, 0)
    hx[T, H : H + D] = 0.0  # no input after the last step
    hx[:, H + D] = 1.0
    return hx
