"""The array types and the input checks shared by the NumPy LSTM and RNN.

The step and sequence functions convert their inputs with :func:`_float_array`
and check their shapes here, so that a wrong shape fails with a message naming
the argument and the shape it should have (letters N, T, D, H as in
:mod:`lstm_helpers.numpy_lstm.cell`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.floating]
"""A floating-point NumPy array (float32 or float64)."""

Params = dict[str, Array]
"""Named weights, e.g. ``{"kernel": ..., "recurrent_kernel": ..., "bias": ...}``."""

_LSTM_KEYS = ("kernel", "recurrent_kernel", "bias")
"""The layer's weights in a :data:`Params` dict, in the argument order of
``lstm_forward`` / ``rnn_forward``."""


def _float_array(a: ArrayLike, name: str, dtype: np.dtype | None = None) -> Array:
    """``a`` as a floating array: of ``dtype`` if given, else its own (integers ->
    float64)."""
    arr = np.asarray(a)
    if dtype is None:
        dtype = (
            arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.dtype(np.float64)
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    return arr.astype(dtype, copy=False)


def _check_weights(
    kernel: Array, recurrent_kernel: Array, bias: Array, input_dim: int, n_blocks: int
) -> int:
    """Check the three weight shapes against each other and return H (units).

    ``n_blocks`` is 4 for an LSTM (four gates side by side) and 1 for a plain RNN.
    """
    cols = "4H" if n_blocks == 4 else "H"
    if kernel.ndim != 2 or kernel.shape[0] != input_dim or kernel.shape[1] % n_blocks:
        raise ValueError(
            f"kernel must have shape (D, {cols}) with D = {input_dim} input features"
            f"{' and a column count divisible by 4' if n_blocks == 4 else ''}; got "
            f"{kernel.shape}"
        )
    units = kernel.shape[1] // n_blocks
    if units == 0:
        raise ValueError(f"kernel has shape {kernel.shape}: zero units")
    expected = (units, n_blocks * units)
    if recurrent_kernel.shape != expected:
        raise ValueError(
            f"recurrent_kernel must have shape (H, {cols}) = {expected} to match "
            "kernel "
            f"{kernel.shape} (H = {units} units); got {recurrent_kernel.shape}"
        )
    if bias.shape != (n_blocks * units,):
        raise ValueError(
            f"bias must have shape ({cols},) = ({n_blocks * units},) to match kernel "
            f"{kernel.shape}; got {bias.shape}"
        )
    return units


def _check_sequence(x: ArrayLike) -> Array:
    """``x`` as a float array of shape (N, T, D), or a ValueError saying what is
    wrong."""
    x = _float_array(x, "x")
    if x.ndim != 3:
        raise ValueError(
            "x must have shape (N, T, D) = (batch, time steps, "
            f"features); got {x.shape}"
        )
    if x.shape[1] == 0:
        raise ValueError(f"x has no time steps: shape {x.shape}")
    return x


def _initial_state(
    state: ArrayLike | None, name: str, n: int, units: int, dtype: np.dtype
) -> Array:
    """The initial hidden or cell state: zeros if ``state`` is None, else checked to be
    (N, H)."""
    if state is None:
        return np.zeros((n, units), dtype=dtype)
    state = _float_array(state, name, dtype)
    if state.shape != (n, units):
        raise ValueError(
            f"{name} must have shape (N, H) = ({n}, {units}); got {state.shape}"
        )
    return state


def _check_step(
    x_t: Array,
    h_prev: Array,
    kernel: Array,
    recurrent_kernel: Array,
    bias: Array,
    n_blocks: int,
) -> None:
    """Shape checks shared by the two step functions."""
    if x_t.ndim != 2:
        raise ValueError(f"x_t must have shape (N, D); got {x_t.shape}")
    units = _check_weights(kernel, recurrent_kernel, bias, x_t.shape[1], n_blocks)
    if h_prev.shape != (x_t.shape[0], units):
        raise ValueError(
            f"h_prev must have shape (N, H) = ({x_t.shape[0]}, "
            f"{units}); got {h_prev.shape}"
        )
