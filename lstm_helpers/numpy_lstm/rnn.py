"""The plain (Elman) ``tanh`` RNN in NumPy, for the vanishing-gradient comparison.

One step is ``keras.layers.SimpleRNN``'s cell::

    h_t = tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)      # (N, H)

with ``kernel`` (D, H), ``recurrent_kernel`` (H, H) and ``bias`` (H,).
:func:`rnn_forward` and :func:`rnn_backward` simply call the step functions
T times.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers.numpy_lstm._checks import (
    Array,
    _check_sequence,
    _check_step,
    _check_weights,
    _float_array,
    _initial_state,
)


def rnn_step_forward(
    x_t: ArrayLike,
    h_prev: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike,
) -> tuple[Array, dict[str, Array]]:
    """One step of a plain (Elman) RNN, ``keras.layers.SimpleRNN``'s cell.

    Parameters
    ----------
    x_t : ndarray, shape (N, D)
        The inputs at this time step.
    h_prev : ndarray, shape (N, H)
        The hidden state from the previous step.
    kernel : ndarray, shape (D, H)
    recurrent_kernel : ndarray, shape (H, H)
    bias : ndarray, shape (H,)

    Returns
    -------
    h_t : ndarray, shape (N, H)
        ``tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)``.
    cache : dict
        ``x_t`` (N, D), ``h_prev``, ``h_t`` (N, H) and the two weight matrices,
        for :func:`rnn_step_backward`.
    """
    x_t = _float_array(x_t, "x_t")
    dtype = x_t.dtype
    h_prev = _float_array(h_prev, "h_prev", dtype)
    kernel = _float_array(kernel, "kernel", dtype)
    recurrent_kernel = _float_array(recurrent_kernel, "recurrent_kernel", dtype)
    bias = _float_array(bias, "bias", dtype)
    _check_step(x_t, h_prev, kernel, recurrent_kernel, bias, n_blocks=1)

    h_t = np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)
    cache = {
        "x_t": x_t,
        "h_prev": h_prev,
        "h_t": h_t,
        "kernel": kernel,
        "recurrent_kernel": recurrent_kernel,
    }
    return h_t, cache


def rnn_step_backward(dh_t: ArrayLike, cache: Mapping[str, Array]) -> dict[str, Array]:
    """Backward pass of :func:`rnn_step_forward`.

    Parameters
    ----------
    dh_t : ndarray, shape (N, H)
        Gradient of the loss with respect to ``h_t`` (all of it: from the
        output at this step and from later steps).
    cache : dict
        From :func:`rnn_step_forward`.

    Returns
    -------
    dict of ndarray
        ``x`` (N, D), ``h_prev`` (N, H), ``kernel`` (D, H),
        ``recurrent_kernel`` (H, H), ``bias`` (H,).
    """
    h_t = cache["h_t"]
    dh_t = _float_array(dh_t, "dh_t", h_t.dtype)
    if dh_t.shape != h_t.shape:
        raise ValueError(f"dh_t must have shape (N, H) = {h_t.shape}; got {dh_t.shape}")
    dz = dh_t * (1.0 - h_t**2)  # tanh' = 1 - tanh^2
    return {
        "x": dz @ cache["kernel"].T,
        "h_prev": dz @ cache["recurrent_kernel"].T,
        "kernel": cache["x_t"].T @ dz,
        "recurrent_kernel": cache["h_prev"].T @ dz,
        "bias": dz.sum(axis=0),
    }


@dataclass(frozen=True)
class RNNCache:
    """What :func:`rnn_forward` computed.

    Attributes
    ----------
    steps : list of dict
        The cache of :func:`rnn_step_forward` for every step, T entries.
    h : ndarray, shape (N, T, H)
        The hidden states.
    has_h0 : bool
        Whether ``h0`` was passed (then :func:`rnn_backward` returns its gradient).
    """

    steps: list[dict[str, Array]]
    h: Array
    has_h0: bool


def rnn_forward(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike,
    h0: ArrayLike | None = None,
) -> tuple[Array, RNNCache]:
    """Run a plain RNN over a batch of sequences by calling :func:`rnn_step_forward` T
    times.

    Parameters
    ----------
    x : ndarray, shape (N, T, D)
    kernel : ndarray, shape (D, H)
    recurrent_kernel : ndarray, shape (H, H)
    bias : ndarray, shape (H,)
    h0 : ndarray, shape (N, H), optional
        Initial hidden state; zeros if not given.

    Returns
    -------
    h_seq : ndarray, shape (N, T, H)
        The hidden state at every step.
    cache : RNNCache
        For :func:`rnn_backward`.
    """
    x = _check_sequence(x)
    dtype = x.dtype
    kernel = _float_array(kernel, "kernel", dtype)
    recurrent_kernel = _float_array(recurrent_kernel, "recurrent_kernel", dtype)
    bias = _float_array(bias, "bias", dtype)
    N, T, D = x.shape
    H = _check_weights(kernel, recurrent_kernel, bias, D, n_blocks=1)
    h = _initial_state(h0, "h0", N, H, dtype)

    h_seq = np.empty((N, T, H), dtype=dtype)
    steps = []
    for t in range(T):
        h, step_cache = rnn_step_forward(x[:, t, :], h, kernel, recurrent_kernel, bias)
        h_seq[:, t, :] = h
        steps.append(step_cache)
    return h_seq, RNNCache(steps=steps, h=h_seq, has_h0=h0 is not None)


def rnn_backward(dh_seq: ArrayLike, cache: RNNCache) -> dict[str, Array]:
    """Backward pass of :func:`rnn_forward`, calling :func:`rnn_step_backward` T times.

    Parameters
    ----------
    dh_seq : ndarray, shape (N, T, H)
        Gradient of the loss with respect to every hidden state.
    cache : RNNCache
        From :func:`rnn_forward`.

    Returns
    -------
    dict of ndarray
        ``x`` (N, T, D), ``kernel`` (D, H), ``recurrent_kernel`` (H, H),
        ``bias`` (H,), and ``h0`` (N, H) when it was passed to :func:`rnn_forward`.
    """
    N, T, H = cache.h.shape
    dh_seq = _float_array(dh_seq, "dh_seq", cache.h.dtype)
    if dh_seq.shape != (N, T, H):
        raise ValueError(
            "dh_seq must have the shape of h_seq (N, T, H) = "
            f"{(N, T, H)}; got {dh_seq.shape}"
        )
    first = cache.steps[0]
    dx = np.empty((N, T, first["x_t"].shape[1]), dtype=cache.h.dtype)
    grads = {
        "kernel": np.zeros_like(first["kernel"]),
        "recurrent_kernel": np.zeros_like(first["recurrent_kernel"]),
        "bias": np.zeros(H, dtype=cache.h.dtype),
    }
    dh_next = np.zeros((N, H), dtype=cache.h.dtype)
    for t in reversed(range(T)):
        step = rnn_step_backward(dh_seq[:, t, :] + dh_next, cache.steps[t])
        for key in grads:
            grads[key] += step[key]
        dx[:, t, :] = step["x"]
        dh_next = step["h_prev"]
    grads["x"] = dx
    if cache.has_h0:
        grads["h0"] = dh_next
    return grads
