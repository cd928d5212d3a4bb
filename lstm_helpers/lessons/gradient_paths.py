"""Lesson 03: the two products that decide whether a gradient survives the trip back
through a window.

:func:`forget_path_product` is the LSTM's cell-state path (the product of the
forget gates); :func:`rnn_path_bound` bounds the plain RNN's only path.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lstm_helpers.lessons.gate_analysis import gate_trace
from lstm_helpers.numpy_lstm import rnn_forward


def forget_path_product(params: Mapping[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """The factor the cell-state path applies to a gradient from the last step back to
    the first.

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
    """An upper bound on how much a plain RNN can carry a gradient from its last step
    back to its first.

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
    h_seq, _ = rnn_forward(
        x, params["kernel"], params["recurrent_kernel"], params["bias"]
    )
    u = np.asarray(params["recurrent_kernel"], dtype=h_seq.dtype)
    bound = 1.0
    for t in range(1, h_seq.shape[1]):
        bound *= float(np.linalg.norm((1.0 - h_seq[0, t] ** 2)[:, None] * u.T, 2))
    return bound
