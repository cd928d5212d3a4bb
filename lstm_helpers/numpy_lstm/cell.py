"""One LSTM time step in NumPy, forward and backward, with Keras's weight layout.

Lesson 02's reference implementation: :func:`sigmoid`,
:func:`lstm_step_forward` and :func:`lstm_step_backward`, written to be read
next to the equations below. :mod:`lstm_helpers.numpy_lstm.sequence` runs the
same step over a whole sequence, with the loop tuned for speed.

Shapes use the letters N (batch size), T (time steps), D (input features)
and H (units). The weights follow Keras: ``kernel`` (D, 4H),
``recurrent_kernel`` (H, 4H) and ``bias`` (4H,), their four column blocks
belonging to the gates in the order **i, f, c, o** (input gate, forget gate,
candidate cell value, output gate). In this module the candidate is called
``g`` so that ``c`` can be the cell state. One step is::

    z   = x_t @ kernel + h_prev @ recurrent_kernel + bias      # (N, 4H)
    i   = sigmoid(z[:, 0H:1H])      input gate
    f   = sigmoid(z[:, 1H:2H])      forget gate
    g   = tanh(z[:, 2H:3H])         candidate cell value
    o   = sigmoid(z[:, 3H:4H])      output gate
    c_t = f * c_prev + i * g        cell state
    h_t = o * tanh(c_t)             hidden state (the layer's output)

Every function keeps the floating dtype of its input ``x`` (float32 stays
float32); the weights are converted to that dtype.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers.numpy_lstm._checks import Array, _check_step, _float_array

GATES = ("i", "f", "c", "o")
"""The four gate blocks along the last axis of ``kernel``, ``recurrent_kernel`` and
``bias``, in Keras's order: input gate, forget gate, candidate cell value, output gate.
The one place the order is written."""


def gate_block(gate: str, units: int) -> slice:
    """The columns of ``gate``'s block in a weight or bias of last axis 4H (Keras's
    order, :data:`GATES`).

    ``gate_block("f", 3)`` is ``slice(3, 6)``: the forget gate's three columns.
    """
    if gate not in GATES:
        raise ValueError(f"gate must be one of {', '.join(GATES)}; got {gate!r}")
    k = GATES.index(gate)
    return slice(k * units, (k + 1) * units)


# --------------------------------------------------------------------------
# The activation
# --------------------------------------------------------------------------


def sigmoid(z: Array) -> Array:
    """The logistic function ``1 / (1 + exp(-z))``, computed without overflow.

    ``exp`` is only ever taken of ``-|z|``, so it cannot overflow:
    ``sigmoid(z) = 1 / (1 + e)`` for z >= 0 and ``e / (1 + e)`` for z < 0,
    with ``e = exp(-|z|)``. Both forms are accurate to the last digits, even
    for tiny results such as ``sigmoid(-30)``.

    Parameters
    ----------
    z : ndarray, any shape

    Returns
    -------
    ndarray, same shape and dtype as ``z``
        Values in [0, 1].
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


# --------------------------------------------------------------------------
# One LSTM step, written to be read
# --------------------------------------------------------------------------


def lstm_step_forward(
    x_t: ArrayLike,
    h_prev: ArrayLike,
    c_prev: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike,
) -> tuple[Array, Array, dict[str, Array]]:
    """One LSTM time step for a batch.

    Parameters
    ----------
    x_t : ndarray, shape (N, D)
        The inputs at this time step.
    h_prev : ndarray, shape (N, H)
        The hidden state from the previous step.
    c_prev : ndarray, shape (N, H)
        The cell state from the previous step.
    kernel : ndarray, shape (D, 4H)
        Input weights, gate blocks in the order i, f, c (candidate), o.
    recurrent_kernel : ndarray, shape (H, 4H)
        Hidden-to-hidden weights, same block order.
    bias : ndarray, shape (4H,)
        Biases, same block order.

    Returns
    -------
    h_t : ndarray, shape (N, H)
        The new hidden state.
    c_t : ndarray, shape (N, H)
        The new cell state.
    cache : dict
        What :func:`lstm_step_backward` needs: the inputs ``x_t`` (N, D),
        ``h_prev`` and ``c_prev`` (N, H), the gate activations ``i``, ``f``,
        ``g``, ``o`` and ``tanh_c`` = tanh(c_t) (each (N, H)), and the weights.
    """
    x_t = _float_array(x_t, "x_t")
    dtype = x_t.dtype
    h_prev = _float_array(h_prev, "h_prev", dtype)
    c_prev = _float_array(c_prev, "c_prev", dtype)
    kernel = _float_array(kernel, "kernel", dtype)
    recurrent_kernel = _float_array(recurrent_kernel, "recurrent_kernel", dtype)
    bias = _float_array(bias, "bias", dtype)
    _check_step(x_t, h_prev, kernel, recurrent_kernel, bias, n_blocks=4)
    if c_prev.shape != h_prev.shape:
        raise ValueError(
            f"c_prev must have the shape of h_prev {h_prev.shape}; got {c_prev.shape}"
        )

    H = h_prev.shape[1]
    # (N, 4H): all four gates in one matmul
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    # input gate: how much of the candidate to write
    i = sigmoid(z[:, gate_block("i", H)])
    # forget gate: how much of the old cell to keep
    f = sigmoid(z[:, gate_block("f", H)])
    g = np.tanh(z[:, gate_block("c", H)])  # candidate cell value
    o = sigmoid(z[:, gate_block("o", H)])  # output gate: how much of the cell to show
    c_t = f * c_prev + i * g
    tanh_c = np.tanh(c_t)
    h_t = o * tanh_c

    cache = {
        "x_t": x_t, "h_prev": h_prev, "c_prev": c_prev,
        "i": i, "f": f, "g": g, "o": o, "tanh_c": tanh_c,
        "kernel": kernel, "recurrent_kernel": recurrent_kernel,
    }  # fmt: skip
    return h_t, c_t, cache


def lstm_step_backward(
    dh_t: ArrayLike, dc_t: ArrayLike, cache: Mapping[str, Array]
) -> dict[str, Array]:
    """Backward pass of :func:`lstm_step_forward`.

    Parameters
    ----------
    dh_t : ndarray, shape (N, H)
        Gradient of the loss with respect to ``h_t``.
    dc_t : ndarray, shape (N, H)
        Gradient of the loss with respect to ``c_t`` that arrives from later
        steps (not the part that flows through ``h_t``, which is added here).
        Zeros for the last step.
    cache : dict
        The cache returned by :func:`lstm_step_forward`.

    Returns
    -------
    dict of ndarray
        ``x`` (N, D), ``h_prev`` (N, H), ``c_prev`` (N, H), ``kernel`` (D, 4H),
        ``recurrent_kernel`` (H, 4H) and ``bias`` (4H,): the gradients of the
        loss with respect to each.
    """
    i, f, g, o = cache["i"], cache["f"], cache["g"], cache["o"]
    tanh_c, c_prev = cache["tanh_c"], cache["c_prev"]
    dh_t = _float_array(dh_t, "dh_t", i.dtype)
    dc_t = _float_array(dc_t, "dc_t", i.dtype)
    if dh_t.shape != i.shape or dc_t.shape != i.shape:
        raise ValueError(
            f"dh_t and dc_t must have shape (N, H) = {i.shape}; "
            f"got {dh_t.shape}, {dc_t.shape}"
        )

    # h_t = o * tanh(c_t)
    do = dh_t * tanh_c
    dc = dc_t + dh_t * o * (1.0 - tanh_c**2)
    # c_t = f * c_prev + i * g
    di, df, dg, dc_prev = dc * g, dc * c_prev, dc * i, dc * f
    # back through the activations: sigmoid' = s (1 - s), tanh' = 1 - tanh^2
    dz = np.concatenate(
        [di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g**2), do * o * (1.0 - o)],
        axis=1,
    )  # (N, 4H), blocks i, f, c, o like the weights
    # z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    return {
        "x": dz @ cache["kernel"].T,
        "h_prev": dz @ cache["recurrent_kernel"].T,
        "c_prev": dc_prev,
        "kernel": cache["x_t"].T @ dz,
        "recurrent_kernel": cache["h_prev"].T @ dz,
        "bias": dz.sum(axis=0),
    }
