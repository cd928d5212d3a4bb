"""The LSTM cell in NumPy, forward and backward, with Keras's weight layout.

Everything a lesson needs to open the black box of ``keras.layers.LSTM``:

- :func:`lstm_step_forward` / :func:`lstm_step_backward`: one time step,
  written to be read next to the equations.
- :func:`lstm_forward` / :func:`lstm_backward`: a whole batch of sequences.
  Same equations as the step functions, with the loop tuned for speed
  (buffers allocated once, operations in place); the tests check that the two
  agree and that :func:`lstm_forward` reproduces Keras.
- :func:`rnn_step_forward`, :func:`rnn_forward`, :func:`rnn_backward`: the
  plain ``tanh`` RNN, for the vanishing-gradient comparison.
- :func:`init_lstm_params`, :func:`init_rnn_params`: Keras's default
  initialisers.
- :func:`lstm_regressor_loss`, :class:`Adam`, :func:`fit_regressor`,
  :func:`predict_regressor`: LSTM -> Dense(1) trained with mean squared error.
- :func:`numerical_gradient`, :func:`relative_error`: gradient checking.
- :func:`input_gradient_norms`: how strongly each input step moves the last
  hidden state.

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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.floating]
"""A floating-point NumPy array (float32 or float64)."""

Params = dict[str, Array]
"""Named weights, e.g. ``{"kernel": ..., "recurrent_kernel": ..., "bias": ...}``."""

# --------------------------------------------------------------------------
# Activations and input checks
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


def _float_array(a: ArrayLike, name: str, dtype: np.dtype | None = None) -> Array:
    """``a`` as a floating array: of ``dtype`` if given, else its own (integers -> float64)."""
    arr = np.asarray(a)
    if dtype is None:
        dtype = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.dtype(np.float64)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    return arr.astype(dtype, copy=False)


def _check_weights(kernel: Array, recurrent_kernel: Array, bias: Array, input_dim: int, n_blocks: int) -> int:
    """Check the three weight shapes against each other and return H (units).

    ``n_blocks`` is 4 for an LSTM (four gates side by side) and 1 for a plain RNN.
    """
    cols = "4H" if n_blocks == 4 else "H"
    if kernel.ndim != 2 or kernel.shape[0] != input_dim or kernel.shape[1] % n_blocks:
        raise ValueError(
            f"kernel must have shape (D, {cols}) with D = {input_dim} input features"
            f"{' and a column count divisible by 4' if n_blocks == 4 else ''}; got {kernel.shape}"
        )
    units = kernel.shape[1] // n_blocks
    if units == 0:
        raise ValueError(f"kernel has shape {kernel.shape}: zero units")
    expected = (units, n_blocks * units)
    if recurrent_kernel.shape != expected:
        raise ValueError(
            f"recurrent_kernel must have shape (H, {cols}) = {expected} to match kernel "
            f"{kernel.shape} (H = {units} units); got {recurrent_kernel.shape}"
        )
    if bias.shape != (n_blocks * units,):
        raise ValueError(
            f"bias must have shape ({cols},) = ({n_blocks * units},) to match kernel "
            f"{kernel.shape}; got {bias.shape}"
        )
    return units


def _check_sequence(x: ArrayLike) -> Array:
    """``x`` as a float array of shape (N, T, D), or a ValueError saying what is wrong."""
    x = _float_array(x, "x")
    if x.ndim != 3:
        raise ValueError(f"x must have shape (N, T, D) = (batch, time steps, features); got {x.shape}")
    if x.shape[1] == 0:
        raise ValueError(f"x has no time steps: shape {x.shape}")
    return x


def _initial_state(state: ArrayLike | None, name: str, n: int, units: int, dtype: np.dtype) -> Array:
    """The initial hidden or cell state: zeros if ``state`` is None, else checked to be (N, H)."""
    if state is None:
        return np.zeros((n, units), dtype=dtype)
    state = _float_array(state, name, dtype)
    if state.shape != (n, units):
        raise ValueError(f"{name} must have shape (N, H) = ({n}, {units}); got {state.shape}")
    return state


def _check_step(
    x_t: Array, h_prev: Array, kernel: Array, recurrent_kernel: Array, bias: Array, n_blocks: int
) -> None:
    """Shape checks shared by the two step functions."""
    if x_t.ndim != 2:
        raise ValueError(f"x_t must have shape (N, D); got {x_t.shape}")
    units = _check_weights(kernel, recurrent_kernel, bias, x_t.shape[1], n_blocks)
    if h_prev.shape != (x_t.shape[0], units):
        raise ValueError(f"h_prev must have shape (N, H) = ({x_t.shape[0]}, {units}); got {h_prev.shape}")


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
        raise ValueError(f"c_prev must have the shape of h_prev {h_prev.shape}; got {c_prev.shape}")

    H = h_prev.shape[1]
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias  # (N, 4H): all four gates in one matmul
    i = sigmoid(z[:, 0 * H : 1 * H])  # input gate: how much of the candidate to write
    f = sigmoid(z[:, 1 * H : 2 * H])  # forget gate: how much of the old cell to keep
    g = np.tanh(z[:, 2 * H : 3 * H])  # candidate cell value
    o = sigmoid(z[:, 3 * H : 4 * H])  # output gate: how much of the cell to show
    c_t = f * c_prev + i * g
    tanh_c = np.tanh(c_t)
    h_t = o * tanh_c

    cache = {
        "x_t": x_t, "h_prev": h_prev, "c_prev": c_prev,
        "i": i, "f": f, "g": g, "o": o, "tanh_c": tanh_c,
        "kernel": kernel, "recurrent_kernel": recurrent_kernel,
    }  # fmt: skip
    return h_t, c_t, cache


def lstm_step_backward(dh_t: ArrayLike, dc_t: ArrayLike, cache: Mapping[str, Array]) -> dict[str, Array]:
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
        raise ValueError(f"dh_t and dc_t must have shape (N, H) = {i.shape}; got {dh_t.shape}, {dc_t.shape}")

    # h_t = o * tanh(c_t)
    do = dh_t * tanh_c
    dc = dc_t + dh_t * o * (1.0 - tanh_c**2)
    # c_t = f * c_prev + i * g
    di, df, dg, dc_prev = dc * g, dc * c_prev, dc * i, dc * f
    # back through the activations: sigmoid' = s (1 - s), tanh' = 1 - tanh^2
    dz = np.concatenate(
        [di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g**2), do * o * (1.0 - o)], axis=1
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


# --------------------------------------------------------------------------
# A whole sequence: the same step, unrolled over T with reused buffers
# --------------------------------------------------------------------------
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


def _keras_to_ifog(a: Array) -> Array:
    """Reorder the last axis (4H) from Keras's gate blocks i, f, c, o to i, f, o, g."""
    blocks = a.reshape(*a.shape[:-1], 4, a.shape[-1] // 4)
    return blocks[..., [0, 1, 3, 2], :].reshape(a.shape)


def _ifog_to_keras(a: Array) -> Array:
    """Inverse of :func:`_keras_to_ifog` (swapping the last two blocks undoes itself)."""
    return _keras_to_ifog(a)


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
        """Candidate cell value (Keras's "c" gate), shape (N, T, H), values in (-1, 1)."""
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
        """Hidden states h_1 .. h_T, shape (N, T, H): the ``h_seq`` of :func:`lstm_forward`."""
        return self.hx[1:, : self.units].transpose(2, 0, 1)

    @property
    def x(self) -> Array:
        """The inputs, shape (N, T, D)."""
        H = self.units
        return self.hx[:-1, H:-1].transpose(2, 0, 1)


def _stacked_weights(kernel: Array, recurrent_kernel: Array, bias: Array) -> Array:
    """``[recurrent_kernel; kernel; bias]``, shape (H + D + 1, 4H), gate blocks reordered to i, f, o, g."""
    return _keras_to_ifog(np.concatenate([recurrent_kernel, kernel, bias[None, :]]))


def _halve_sigmoid_columns(w_all: Array) -> Array:
    """``w_all`` with the i, f, o columns (the first 3H) times 1/2, for sigmoid(z) = (1 + tanh(z/2)) / 2.

    Multiplying by 1/2 is exact in floating point, so tanh sees exactly z/2.
    """
    units = w_all.shape[1] // 4
    scale = np.ones(4 * units, dtype=w_all.dtype)
    scale[: 3 * units] = 0.5
    return w_all * scale


def _stacked_inputs(x: Array, h0: Array) -> Array:
    """The buffer ``hx`` of :class:`LSTMCache`, shape (T + 1, H + D + 1, N): ``hx[t] = [h_{t-1}; x_t; 1]``.

    Filled here: h0, all the inputs and the row of ones; the loop writes h_t into ``hx[t + 1, :H]``.
    """
    N, T, D = x.shape
    H = h0.shape[1]
    hx = np.empty((T + 1, H + D + 1, N), dtype=x.dtype)
    hx[0, :H] = h0.T
    hx[:T, H : H + D] = x.transpose(1, 2, 0)
    hx[T, H : H + D] = 0.0  # no input after the last step
    hx[:, H + D] = 1.0
    return hx


def lstm_forward(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike,
    h0: ArrayLike | None = None,
    c0: ArrayLike | None = None,
) -> tuple[Array, LSTMCache]:
    """Run an LSTM over a batch of sequences (``keras.layers.LSTM(H, return_sequences=True)``).

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
    hx, w_all, gates, c_all, tanh_c_all = cache.hx, cache.w_all, cache.gates, cache.c_all, cache.tanh_c_all
    T, H, N = tanh_c_all.shape
    D = hx.shape[1] - H - 1
    dtype = hx.dtype
    dh_seq = _float_array(dh_seq, "dh_seq", dtype)
    if dh_seq.shape != (N, T, H):
        raise ValueError(f"dh_seq must have the shape of h_seq (N, T, H) = {(N, T, H)}; got {dh_seq.shape}")
    dh_steps = dh_seq.transpose(1, 2, 0)  # (T, H, N)

    dz = np.empty((4 * H, N), dtype=dtype)  # dL/dz of one step, blocks i, f, o, g
    dz_i, dz_f, dz_o, dz_g = dz[:H], dz[H : 2 * H], dz[2 * H : 3 * H], dz[3 * H :]
    dhx = np.zeros((H + D + 1, N), dtype=dtype)  # dL/d[h_prev; x_t; 1]; starts as dL/dh_T from later = 0
    dc = np.zeros((H, N), dtype=dtype)  # dL/dc_t from later steps
    dh = np.empty((H, N), dtype=dtype)
    tmp = np.empty((H, N), dtype=dtype)
    tmp3 = np.empty((3 * H, N), dtype=dtype)
    dx = np.empty((T, D, N), dtype=dtype)
    dw_all = np.zeros((4 * H, H + D + 1), dtype=dtype)  # dL/d w_all^T, summed over steps
    dw_step = np.empty_like(dw_all)

    for t in reversed(range(T)):
        s = gates[t]
        i, f, o, g = s[:H], s[H : 2 * H], s[2 * H : 3 * H], s[3 * H :]
        tanh_c = tanh_c_all[t]
        np.add(dh_steps[t], dhx[:H], out=dh)
        # h_t = o * tanh(c_t): do = dh tanh(c_t), dc += dh o (1 - tanh(c_t)^2) = dh o - do h_t
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


# --------------------------------------------------------------------------
# The plain RNN, for comparison: h_t = tanh(x_t W + h_prev U + b)
# --------------------------------------------------------------------------


def rnn_step_forward(
    x_t: ArrayLike, h_prev: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike
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
    cache = {"x_t": x_t, "h_prev": h_prev, "h_t": h_t, "kernel": kernel, "recurrent_kernel": recurrent_kernel}
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
    """Run a plain RNN over a batch of sequences by calling :func:`rnn_step_forward` T times.

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
        raise ValueError(f"dh_seq must have the shape of h_seq (N, T, H) = {(N, T, H)}; got {dh_seq.shape}")
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


# --------------------------------------------------------------------------
# Initialisation, as Keras does it
# --------------------------------------------------------------------------


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def glorot_uniform(shape: tuple[int, int], rng: np.random.Generator | int | None, dtype=np.float64) -> Array:
    """Uniform on [-a, a] with a = sqrt(6 / (fan_in + fan_out)) (Keras's ``GlorotUniform``).

    Parameters
    ----------
    shape : (fan_in, fan_out)
    rng : numpy Generator or int seed

    Returns
    -------
    ndarray, shape ``shape``
    """
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return _rng(rng).uniform(-limit, limit, size=shape).astype(dtype)


def orthogonal(shape: tuple[int, int], rng: np.random.Generator | int | None, dtype=np.float64) -> Array:
    """A random matrix with orthonormal rows or columns (Keras's ``Orthogonal``, gain 1).

    Parameters
    ----------
    shape : (rows, cols)
    rng : numpy Generator or int seed

    Returns
    -------
    ndarray, shape ``shape``
        Orthonormal columns if rows >= cols, else orthonormal rows.
    """
    rows, cols = shape
    a = _rng(rng).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))  # make the decomposition unique, so q is uniformly distributed
    return (q if rows >= cols else q.T).astype(dtype)


def init_lstm_params(
    input_dim: int, units: int, rng: np.random.Generator | int | None, dtype=np.float64
) -> Params:
    """Fresh LSTM weights initialised like ``keras.layers.LSTM``'s defaults.

    Parameters
    ----------
    input_dim : int
        D, features per time step.
    units : int
        H.
    rng : numpy Generator or int seed
    dtype : numpy dtype, default float64

    Returns
    -------
    dict
        ``kernel`` (D, 4H), Glorot uniform; ``recurrent_kernel`` (H, 4H),
        orthogonal; ``bias`` (4H,), zeros except 1 for the forget gate
        (Keras's ``unit_forget_bias=True``).
    """
    rng = _rng(rng)
    bias = np.zeros(4 * units, dtype=dtype)
    bias[units : 2 * units] = 1.0
    return {
        "kernel": glorot_uniform((input_dim, 4 * units), rng, dtype),
        "recurrent_kernel": orthogonal((units, 4 * units), rng, dtype),
        "bias": bias,
    }


def init_rnn_params(
    input_dim: int, units: int, rng: np.random.Generator | int | None, dtype=np.float64
) -> Params:
    """Fresh RNN weights like ``keras.layers.SimpleRNN``'s defaults.

    Returns
    -------
    dict
        ``kernel`` (D, H), Glorot uniform; ``recurrent_kernel`` (H, H),
        orthogonal; ``bias`` (H,), zeros.
    """
    rng = _rng(rng)
    return {
        "kernel": glorot_uniform((input_dim, units), rng, dtype),
        "recurrent_kernel": orthogonal((units, units), rng, dtype),
        "bias": np.zeros(units, dtype=dtype),
    }


def init_regressor_params(
    input_dim: int, units: int, rng: np.random.Generator | int | None, dtype=np.float64
) -> Params:
    """Weights for LSTM(H) -> Dense(1): :func:`init_lstm_params` plus ``w_out`` (H, 1), Glorot
    uniform, and ``b_out`` (1,), zero."""
    rng = _rng(rng)
    params = init_lstm_params(input_dim, units, rng, dtype)
    params["w_out"] = glorot_uniform((units, 1), rng, dtype)
    params["b_out"] = np.zeros(1, dtype=dtype)
    return params


# --------------------------------------------------------------------------
# LSTM -> Dense(1) regression, trained with Adam
# --------------------------------------------------------------------------

_LSTM_KEYS = ("kernel", "recurrent_kernel", "bias")


def _regressor_head(params: Mapping[str, Array], h_last: Array) -> Array:
    """Dense(1) on the last hidden state: (N, H) -> (N,)."""
    w_out = np.asarray(params["w_out"], dtype=h_last.dtype)
    b_out = np.asarray(params["b_out"], dtype=h_last.dtype)
    if w_out.shape != (h_last.shape[1], 1) or b_out.shape != (1,):
        raise ValueError(
            f"w_out must have shape (H, 1) = ({h_last.shape[1]}, 1) and b_out (1,); "
            f"got {w_out.shape} and {b_out.shape}"
        )
    return (h_last @ w_out)[:, 0] + b_out[0]


def predict_regressor(params: Mapping[str, Array], x: ArrayLike) -> Array:
    """Predictions of LSTM(H) -> Dense(1) on the last hidden state.

    Parameters
    ----------
    params : dict
        ``kernel`` (D, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H,),
        ``w_out`` (H, 1), ``b_out`` (1,).
    x : ndarray, shape (N, T, D)

    Returns
    -------
    ndarray, shape (N,)
    """
    h_seq, _ = lstm_forward(x, *(params[k] for k in _LSTM_KEYS))
    return _regressor_head(params, h_seq[:, -1, :])


def lstm_regressor_loss(params: Mapping[str, Array], x: ArrayLike, y: ArrayLike) -> tuple[float, Params]:
    """Mean squared error of LSTM(H) -> Dense(1) and its gradient.

    ``pred = h_T @ w_out + b_out`` with ``h_T`` the LSTM's last hidden state,
    ``loss = mean((pred - y) ** 2)``.

    Parameters
    ----------
    params : dict
        ``kernel`` (D, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H,),
        ``w_out`` (H, 1), ``b_out`` (1,).
    x : ndarray, shape (N, T, D)
    y : ndarray, shape (N,) or (N, 1)
        Targets.

    Returns
    -------
    loss : float
    grads : dict
        The gradient of ``loss`` for every key of ``params``, same shapes.
    """
    h_seq, cache = lstm_forward(x, *(params[k] for k in _LSTM_KEYS))
    N = h_seq.shape[0]
    y = _float_array(y, "y", h_seq.dtype)
    if y.size != N or y.ndim > 2:
        raise ValueError(f"y must have shape (N,) or (N, 1) with N = {N}; got {y.shape}")
    h_last = h_seq[:, -1, :]
    err = _regressor_head(params, h_last) - y.reshape(N)  # (N,)
    loss = float(np.mean(err**2))

    dpred = (2.0 / N) * err  # (N,)
    w_out = np.asarray(params["w_out"], dtype=h_seq.dtype)
    dh_seq = np.zeros_like(h_seq)
    dh_seq[:, -1, :] = dpred[:, None] * w_out[:, 0]
    grads = lstm_backward(dh_seq, cache)
    del grads["x"]
    grads["w_out"] = h_last.T @ dpred[:, None]
    grads["b_out"] = np.array([dpred.sum()], dtype=h_seq.dtype)
    return loss, grads


class Adam:
    """The Adam optimiser (Kingma & Ba, 2015), updating NumPy arrays in place.

    For every parameter ``p`` with gradient ``g``, at step ``t`` = 1, 2, ...::

        m = beta1 * m + (1 - beta1) * g          # running mean of the gradient
        v = beta2 * v + (1 - beta2) * g**2       # running mean of its square
        p -= lr * m_hat / (sqrt(v_hat) + eps)    # m_hat = m / (1 - beta1**t), same for v

    Parameters
    ----------
    lr : float, default 1e-3
    beta1 : float, default 0.9
    beta2 : float, default 0.999
    eps : float, default 1e-7 (Keras's default)

    Attributes
    ----------
    t : int
        Steps taken.
    m, v : dict of ndarray
        The moment estimates, one array per parameter name.
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-7):
        if lr <= 0 or not (0 <= beta1 < 1) or not (0 <= beta2 < 1) or eps <= 0:
            raise ValueError(
                f"need lr > 0, 0 <= beta1, beta2 < 1, eps > 0; got {lr}, {beta1}, {beta2}, {eps}"
            )
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m: dict[str, Array] = {}
        self.v: dict[str, Array] = {}

    def step(self, params: dict[str, Array], grads: Mapping[str, Array]) -> None:
        """Update every ``params[key]`` in place with ``grads[key]`` (one Adam step).

        Parameters
        ----------
        params : dict of ndarray
            Updated in place.
        grads : dict of ndarray
            Same keys (or a subset) and shapes as ``params``.
        """
        self.t += 1
        bias1 = 1.0 - self.beta1**self.t
        bias2 = 1.0 - self.beta2**self.t
        for key, grad in grads.items():
            if key not in params or params[key].shape != np.shape(grad):
                raise ValueError(f"gradient {key!r} has no parameter of shape {np.shape(grad)}")
            p = params[key]
            m = self.m.setdefault(key, np.zeros_like(p))
            v = self.v.setdefault(key, np.zeros_like(p))
            m *= self.beta1
            m += (1.0 - self.beta1) * grad
            v *= self.beta2
            v += (1.0 - self.beta2) * np.square(grad)
            p -= self.lr * (m / bias1) / (np.sqrt(v / bias2) + self.eps)


def _batches(n: int, batch_size: int, rng: np.random.Generator) -> Iterable[NDArray[np.intp]]:
    """Shuffled index batches covering 0..n-1 once."""
    order = rng.permutation(n)
    return (order[start : start + batch_size] for start in range(0, n, batch_size))


def fit_regressor(
    x: ArrayLike,
    y: ArrayLike,
    units: int,
    epochs: int,
    batch_size: int = 32,
    lr: float = 1e-3,
    seed: int = 0,
    x_val: ArrayLike | None = None,
    y_val: ArrayLike | None = None,
) -> tuple[Params, dict[str, list[float]]]:
    """Train LSTM(units) -> Dense(1) with Adam on the mean squared error.

    Deterministic: the same ``seed`` gives the same initial weights, the same
    shuffles and so the same result.

    Parameters
    ----------
    x : ndarray, shape (N, T, D)
        Training windows. Their dtype (float32 or float64) is the dtype of training.
    y : ndarray, shape (N,) or (N, 1)
        Targets.
    units : int
        H.
    epochs : int
    batch_size : int, default 32
    lr : float, default 1e-3
        Adam's learning rate.
    seed : int, default 0
        Seeds the initialisation and the shuffling.
    x_val, y_val : ndarray, optional
        Validation windows and targets, scored after every epoch.

    Returns
    -------
    params : dict
        The trained weights (see :func:`lstm_regressor_loss`).
    history : dict
        ``"loss"``: the training loss of every epoch, the mean of its batch
        losses weighted by batch size (as Keras reports it); ``"val_loss"``:
        the validation loss after every epoch, if validation data was given.
    """
    x = _check_sequence(x)
    y = _float_array(y, "y", x.dtype).reshape(-1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"x has {x.shape[0]} windows but y has {y.shape[0]} targets")
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    if batch_size < 1 or epochs < 0:
        raise ValueError(f"need batch_size >= 1 and epochs >= 0; got {batch_size}, {epochs}")

    rng = np.random.default_rng(seed)
    params = init_regressor_params(x.shape[2], units, rng, x.dtype)
    optimizer = Adam(lr=lr)
    history: dict[str, list[float]] = {"loss": []}
    if x_val is not None:
        history["val_loss"] = []
        y_val = _float_array(y_val, "y_val", x.dtype).reshape(-1)

    for _ in range(epochs):
        total = 0.0
        for idx in _batches(x.shape[0], batch_size, rng):
            loss, grads = lstm_regressor_loss(params, x[idx], y[idx])
            optimizer.step(params, grads)
            total += loss * len(idx)
        history["loss"].append(total / x.shape[0])
        if x_val is not None:
            err = predict_regressor(params, x_val) - y_val
            history["val_loss"].append(float(np.mean(err**2)))
    return params, history


# --------------------------------------------------------------------------
# Gradient checking and the vanishing-gradient measurement
# --------------------------------------------------------------------------


def numerical_gradient(f: Callable[[], float], array: Array, eps: float = 1e-6) -> Array:
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


def input_gradient_norms(model: str, params: Mapping[str, Array], x: ArrayLike) -> Array:
    """How much each input step can move the last hidden state: ``||dL/dx_t||`` for t = 1..T.

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
