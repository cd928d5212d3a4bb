"""Fresh weights for the NumPy LSTM and RNN, initialised like Keras's defaults."""

from __future__ import annotations

import numpy as np

from lstm_helpers.numpy_lstm._checks import Array, Params
from lstm_helpers.numpy_lstm.cell import gate_block


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def glorot_uniform(
    shape: tuple[int, int], rng: np.random.Generator | int | None, dtype=np.float64
) -> Array:
    """Uniform on [-a, a] with a = sqrt(6 / (fan_in + fan_out)) (Keras's
    ``GlorotUniform``).

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


def orthogonal(
    shape: tuple[int, int], rng: np.random.Generator | int | None, dtype=np.float64
) -> Array:
    """A random matrix with orthonormal rows or columns (Keras's ``Orthogonal``, gain
    1).

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
    # make the decomposition unique, so q is uniformly distributed
    q *= np.sign(np.diag(r))
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
    bias[gate_block("f", units)] = 1.0
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
    """Weights for LSTM(H) -> Dense(1): :func:`init_lstm_params` plus ``w_out`` (H, 1),
    Glorot uniform, and ``b_out`` (1,), zero."""
    rng = _rng(rng)
    params = init_lstm_params(input_dim, units, rng, dtype)
    params["w_out"] = glorot_uniform((units, 1), rng, dtype)
    params["b_out"] = np.zeros(1, dtype=dtype)
    return params
