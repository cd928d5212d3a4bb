"""Gradient checking, and the vanishing-gradient measurement.

:func:`numerical_gradient` and :func:`relative_error` check a backward pass
against central differences; :func:`input_gradient_norms` measures how
strongly each input step moves the last hidden state of an LSTM or a plain RNN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers.numpy_lstm._checks import _LSTM_KEYS, Array
from lstm_helpers.numpy_lstm.rnn import rnn_backward, rnn_forward
from lstm_helpers.numpy_lstm.sequence import lstm_backward, lstm_forward


def numerical_gradient(
    f: Callable[[], float], array: Array, eps: float = 1e-6
) -> Array:
    """Central-difference estimate of the gradient of ``f`` with respect to ``array``.

    For every element, ``(f(a + eps) - f(a - eps)) / (2 eps)``. ``array`` is
    changed in place while ``f`` is evaluated and restored afterwards, so
    ``f`` must read the very array passed here (a closure over it).

    Parameters
    ----------
    f : callable, no arguments -> float
        The scalar loss.
    array : ndarray, any shape, floating
        The array to differentiate with respect to (float64 for reliable results).
    eps : float, default 1e-6

    Returns
    -------
    ndarray, same shape and dtype as ``array``
    """
    grad = np.zeros_like(array)
    it = np.nditer(array, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = array[idx]
        array[idx] = old + eps
        f_plus = f()
        array[idx] = old - eps
        f_minus = f()
        array[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """``||a - b|| / (||a|| + ||b||)``, with 0 when both are zero.

    Parameters
    ----------
    a, b : ndarray, same shape

    Returns
    -------
    float
        0 for identical arrays, at most 1.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def input_gradient_norms(
    model: str, params: Mapping[str, Array], x: ArrayLike
) -> Array:
    """How much each input step can move the last hidden state: ``||dL/dx_t||`` for t =
    1..T.

    The loss is the sum of the last hidden state, ``L = sum(h_T)`` (over units
    and, if N > 1, over the batch). A learner sees the vanishing gradient as
    norms that shrink towards the start of the window.

    Parameters
    ----------
    model : {"rnn", "lstm"}
    params : dict
        ``kernel``, ``recurrent_kernel``, ``bias`` for that model (extra keys,
        such as a Dense head's, are ignored).
    x : ndarray, shape (1, T, D) (or (N, T, D))
        One input window.

    Returns
    -------
    ndarray, shape (T,)
        The Euclidean norm of ``dL/dx[:, t, :]`` for every step t, oldest first.
    """
    weights = [params[k] for k in _LSTM_KEYS]
    if model == "lstm":
        h_seq, cache = lstm_forward(x, *weights)
        backward = lstm_backward
    elif model == "rnn":
        h_seq, cache = rnn_forward(x, *weights)
        backward = rnn_backward
    else:
        raise ValueError(f"model must be 'rnn' or 'lstm'; got {model!r}")
    dh_seq = np.zeros_like(h_seq)
    dh_seq[:, -1, :] = 1.0
    dx = backward(dh_seq, cache)["x"]
    return np.sqrt(np.sum(dx**2, axis=(0, 2)))
