"""A whole batch of sequences: :func:`lstm_forward`, :func:`lstm_backward` and their
:class:`LSTMCache`.

Every step computes what :func:`~lstm_helpers.numpy_lstm.cell.lstm_step_forward`
and :func:`~lstm_helpers.numpy_lstm.cell.lstm_step_backward` compute, with the
loop tuned for speed (buffers allocated once, operations in place); the tests
check that the two agree and that :func:`lstm_forward` reproduces ``keras.layers.LSTM``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers.numpy_lstm._checks import (
    Array,
    _check_sequence,
    _check_weights,
    _float_array,
    _initial_state,
)
from lstm_helpers.numpy_lstm._packing import (
    _halve_sigmoid_columns,
    _ifog_to_keras,
    _stacked_inputs,
    _stacked_weights,
)

# A whole sequence: the same step, unrolled over T with reused buffers.
#
# The fast loop stores everything "feature-major": the arrays of one step are
# (features, N), not (N, features), so each gate is one contiguous (H, N) block,
# and the gates are kept in the order i, f, o, g (Keras: i, f, g, o) so that the
# three sigmoid gates form one block. x_t and the bias enter the same matmul as
# h_prev, by stacking [h_prev; x_t; 1] and [recurrent_kernel; kernel; bias]:
#
#     z^T = [recurrent_kernel; kernel; bias]^T @ [h_prev; x_t; 1]      (4H, N)
#
# (Precomputing x @ kernel for all steps at once was measured slower here: it
# writes and re-reads a (T, N, 4H) array, and memory bandwidth is the limit.)


@dataclass(frozen=True)
class LSTMCache:
    """What :func:`lstm_forward` computed, for :func:`lstm_backward` and for plots.

    Read the gates and states through the properties ``i``, ``f``, ``g``,
    ``o``, ``c``, ``tanh_c``, ``h`` and ``x``, each of shape (N, T, ·): they are
    views (no copies) of the arrays below, which are stored time-major and
    feature-major (one contiguous (features, N) block per step) for speed.

    Attributes
    ----------
    hx : ndarray, shape (T + 1, H + D + 1, N)
        ``hx[t]`` stacks the input of step t: ``[h_{t-1}; x_t; 1]``, with
        ``hx[0, :H]`` = h0 and ``hx[T, :H]`` = the last hidden state.
    w_all : ndarray, shape (H + D + 1, 4H)
        ``[recurrent_kernel; kernel; bias]``, gate blocks in the order i, f, o, g.
    gates : ndarray, shape (T, 4H, N)
        Gate activations of every step, blocks i, f, o, g.
    c_all : ndarray, shape (T + 1, H, N)
        Cell states, ``c_all[0]`` = c0.
    tanh_c_all : ndarray, shape (T, H, N)
        tanh of the cell states c_1 .. c_T.
    has_h0, has_c0 : bool
        Whether h0 / c0 were passed to :func:`lstm_forward` (then
        :func:`lstm_backward` returns their gradients).
    """

    hx: Array
    w_all: Array
    gates: Array
    c_all: Array
    tanh_c_all: Array
    has_h0: bool
    has_c0: bool

    @property
    def units(self) -> int:
        """H, the number of units."""
        return self.c_all.shape[1]

    def _gate(self, block: int) -> Array:
        H = self.units
        return self.gates[:, block * H : (block + 1) * H, :].transpose(2, 0, 1)

    @property
    def i(self) -> Array:
        """Input gate, shape (N, T, H), values in (0, 1)."""
        return self._gate(0)

    @property
    def f(self) -> Array:
        """Forget gate, shape (N, T, H), values in (0, 1)."""
        return self._gate(1)

    @property
    def o(self) -> Array:
        """Output gate, shape (N, T, H), values in (0, 1)."""
        return self._gate(2)

    @property
    def g(self) -> Array:
        """Candidate cell value (Keras's "c" gate), shape (N, T, H), values in (-1,
        1)."""
        return self._gate(3)

    @property
    def c(self) -> Array:
        """Cell states c_1 .. c_T, shape (N, T, H)."""
        return self.c_all[1:].transpose(2, 0, 1)

    @property
    def tanh_c(self) -> Array:
        """tanh(c_t), shape (N, T, H)."""
        return self.tanh_c_all.transpose(2, 0, 1)

    @property
    def h(self) -> Array:
        """Hidden states h_1 .. h_T, shape (N, T, H): the ``h_seq`` of
        :func:`lstm_forward`."""
        return self.hx[1:, : self.units].transpose(2, 0, 1)

    @property
    def x(self) -> Array:
        """The inputs, shape (N, T, D)."""
        H = self.units
        return self.hx[:-1, H:-1].transpose(2, 0, 1)


def lstm_forward(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike,
    h0: ArrayLike | None = None,
    c0: ArrayLike | None = None,
) -> tuple[Array, LSTMCache]:
    """Run an LSTM over a batch of sequences (``keras.layers.LSTM(H,
    return_sequences=True)``).

    Every step computes what :func:`lstm_step_forward` computes; the loop is
    written out for speed. Each step is one matmul for all four gates (with
    x_t and the bias folded in), one ``tanh`` over all four gates (the
    sigmoids are evaluated as ``(1 + tanh(z / 2)) / 2`` with the 1/2 folded
    into the weights), and a few in-place products into buffers allocated
    once.

    Parameters
    ----------
    x : ndarray, shape (N, T, D)
        Input sequences. Their floating dtype (float32 or float64) is kept.
    kernel : ndarray, shape (D, 4H)
        Input weights, Keras layout (gate blocks i, f, c, o).
    recurrent_kernel : ndarray, shape (H, 4H)
        Hidden-to-hidden weights, same block order.
    bias : ndarray, shape (4H,)
        Biases, same block order.
    h0, c0 : ndarray, shape (N, H), optional
        Initial hidden and cell states; zeros if not given.

    Returns
    -------
    h_seq : ndarray, shape (N, T, H)
        The hidden state of every step; ``h_seq[:, -1]`` is what Keras returns
        with ``return_sequences=False``. A view of the cache (not C-contiguous).
    cache : LSTMCache
        For :func:`lstm_backward`, and for plots: ``cache.i``, ``cache.f``,
        ``cache.g``, ``cache.o``, ``cache.c`` and ``cache.h`` are the gates,
        cell states and hidden states of every step, each of shape (N, T, H).

    Raises
    ------
    ValueError
        If a shape does not fit (x not 3-D, kernel not (D, 4H), ...).
    """
    x = _check_sequence(x)
    dtype = x.dtype
    kernel = _float_array(kernel, "kernel", dtype)
    recurrent_kernel = _float_array(recurrent_kernel, "recurrent_kernel", dtype)
    bias = _float_array(bias, "bias", dtype)
    N, T, D = x.shape
    H = _check_weights(kernel, recurrent_kernel, bias, D, n_blocks=4)
    h_init = _initial_state(h0, "h0", N, H, dtype)
    c_init = _initial_state(c0, "c0", N, H, dtype)

    w_all = _stacked_weights(kernel, recurrent_kernel, bias)
    w_step = _halve_sigmoid_columns(w_all).T.copy()  # (4H, H+D+1)
    hx = _stacked_inputs(x, h_init)

    gates = np.empty((T, 4 * H, N), dtype=dtype)
    c_all = np.empty((T + 1, H, N), dtype=dtype)
    c_all[0] = c_init.T
    tanh_c_all = np.empty((T, H, N), dtype=dtype)
    ig = np.empty((H, N), dtype=dtype)

    for t in range(T):
        z = gates[t]  # (4H, N): pre-activations, then activations, in place
        np.matmul(w_step, hx[t], out=z)
        np.tanh(z, out=z)
        sig = z[: 3 * H]  # i, f, o: (1 + tanh) / 2
        sig *= 0.5
        sig += 0.5
        i, f, o, g = z[:H], z[H : 2 * H], z[2 * H : 3 * H], z[3 * H :]
        c_prev, c_t, tanh_c = c_all[t], c_all[t + 1], tanh_c_all[t]
        np.multiply(f, c_prev, out=c_t)
        np.multiply(i, g, out=ig)
        c_t += ig
        np.tanh(c_t, out=tanh_c)
        np.multiply(o, tanh_c, out=hx[t + 1, :H])

    cache = LSTMCache(
        hx=hx, w_all=w_all, gates=gates, c_all=c_all, tanh_c_all=tanh_c_all,
        has_h0=h0 is not None, has_c0=c0 is not None,
    )  # fmt: skip
    return cache.h, cache


def lstm_backward(dh_seq: ArrayLike, cache: LSTMCache) -> dict[str, Array]:
    """Backward pass of :func:`lstm_forward` (backpropagation through time).

    Every step computes what :func:`lstm_step_backward` computes, in reused
    buffers. Fastest when ``dh_seq`` has the memory layout of ``h_seq``, as
    ``np.zeros_like(h_seq)`` and arithmetic on ``h_seq`` give.

    Parameters
    ----------
    dh_seq : ndarray, shape (N, T, H)
        Gradient of the loss with respect to every hidden state ``h_seq``
        (zeros except ``[:, -1]`` when only the last state feeds the loss).
    cache : LSTMCache
        From :func:`lstm_forward`.

    Returns
    -------
    dict of ndarray
        Gradients of the loss: ``x`` (N, T, D), ``kernel`` (D, 4H),
        ``recurrent_kernel`` (H, 4H), ``bias`` (4H,) in Keras layout, and
        ``h0``, ``c0`` (N, H) when they were passed to :func:`lstm_forward`.
    """
    hx, w_all, gates, c_all, tanh_c_all = (
        cache.hx,
        cache.w_all,
        cache.gates,
        cache.c_all,
        cache.tanh_c_all,
    )
    T, H, N = tanh_c_all.shape
    D = hx.shape[1] - H - 1
    dtype = hx.dtype
    dh_seq = _float_array(dh_seq, "dh_seq", dtype)
    if dh_seq.shape != (N, T, H):
        raise ValueError(
            "dh_seq must have the shape of h_seq (N, T, H) = "
            f"{(N, T, H)}; got {dh_seq.shape}"
        )
    dh_steps = dh_seq.transpose(1, 2, 0)  # (T, H, N)

    dz = np.empty((4 * H, N), dtype=dtype)  # dL/dz of one step, blocks i, f, o, g
    dz_i, dz_f, dz_o, dz_g = dz[:H], dz[H : 2 * H], dz[2 * H : 3 * H], dz[3 * H :]
    # dL/d[h_prev; x_t; 1]; starts as dL/dh_T from later = 0
    dhx = np.zeros((H + D + 1, N), dtype=dtype)
    dc = np.zeros((H, N), dtype=dtype)  # dL/dc_t from later steps
    dh = np.empty((H, N), dtype=dtype)
    tmp = np.empty((H, N), dtype=dtype)
    tmp3 = np.empty((3 * H, N), dtype=dtype)
    dx = np.empty((T, D, N), dtype=dtype)
    # dL/d w_all^T, summed over steps
    dw_all = np.zeros((4 * H, H + D + 1), dtype=dtype)
    dw_step = np.empty_like(dw_all)

    for t in reversed(range(T)):
        s = gates[t]
        i, f, o, g = s[:H], s[H : 2 * H], s[2 * H : 3 * H], s[3 * H :]
        tanh_c = tanh_c_all[t]
        np.add(dh_steps[t], dhx[:H], out=dh)
        # h_t = o * tanh(c_t): do = dh tanh(c_t), dc += dh o (1 - tanh(c_t)^2) = dh o -
        # do h_t
        np.multiply(dh, tanh_c, out=dz_o)
        np.multiply(dh, o, out=tmp)
        dc += tmp
        np.multiply(dz_o, hx[t + 1, :H], out=tmp)
        dc -= tmp
        # c_t = f * c_prev + i * g
        np.multiply(dc, g, out=dz_i)
        np.multiply(dc, c_all[t], out=dz_f)
        np.multiply(dc, i, out=dz_g)
        dc *= f  # now dL/dc_prev
        # through the activations: tanh' = 1 - g^2, sigmoid' = s (1 - s)
        np.multiply(g, g, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        dz_g *= tmp
        sig = s[: 3 * H]
        np.subtract(1.0, sig, out=tmp3)
        tmp3 *= sig
        dz[: 3 * H] *= tmp3
        # z^T = w_all^T @ [h_prev; x_t; 1]
        np.matmul(w_all, dz, out=dhx)
        dx[t] = dhx[H : H + D]
        np.matmul(dz, hx[t].T, out=dw_step)
        dw_all += dw_step

    dw_all = dw_all.T  # (H+D+1, 4H), rows [recurrent_kernel; kernel; bias]
    grads = {
        "x": np.ascontiguousarray(dx.transpose(2, 0, 1)),
        "kernel": _ifog_to_keras(dw_all[H : H + D]),
        "recurrent_kernel": _ifog_to_keras(dw_all[:H]),
        "bias": _ifog_to_keras(dw_all[H + D]),
    }
    if cache.has_h0:
        grads["h0"] = np.ascontiguousarray(dhx[:H].T)
    if cache.has_c0:
        grads["c0"] = np.ascontiguousarray(dc.T)
    return grads
