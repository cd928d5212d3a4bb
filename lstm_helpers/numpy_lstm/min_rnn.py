"""The minimal gated recurrences minGRU and minLSTM in NumPy, step by step and by a
parallel scan.

Feng et al. (2024), "Were RNNs All We Needed?" (arXiv:2410.01201), drop the previous
hidden state from the gates of the GRU and the LSTM. Every gate then reads the input
alone, and the step becomes a *linear* recurrence in ``h``::

    h_t = a_t * h_{t-1} + b_t                                   (elementwise)

minGRU (update gate ``z``, candidate ``h~``)::

    z_t  = sigmoid(x_t @ W_z + b_z)
    h~_t = x_t @ W_h + b_h
    h_t  = (1 - z_t) * h_{t-1} + z_t * h~_t        a_t = 1 - z_t, b_t = z_t * h~_t

minLSTM (forget gate ``f``, input gate ``i``, normalised so that they add up to 1, and
no cell state or output gate: the hidden state is the memory)::

    f_t  = sigmoid(x_t @ W_f + b_f),  i_t = sigmoid(x_t @ W_i + b_i)
    f'_t = f_t / (f_t + i_t),         i'_t = i_t / (f_t + i_t)
    h~_t = x_t @ W_h + b_h
    h_t  = f'_t * h_{t-1} + i'_t * h~_t            a_t = f'_t, b_t = i'_t * h~_t

Since the gates of every step are known before the recurrence runs, the whole sequence
can be computed at once, without a loop over time: unrolled, ``h_t = A_t * (h_0 +
sum_{k<=t} b_k / A_k)`` with ``A_t = a_1 * ... * a_t``, a cumulative product and a
cumulative sum (:func:`scan_parallel`). The product of many gates below 1 underflows
within a few hundred steps, so :func:`scan_log` computes the same in log space, the
signs of ``b`` kept apart (Heinsen 2023, "Efficient parallelization of a ubiquitous
sequential computation", arXiv:2311.06281, computes it in log space too).
:func:`scan_loop` is the step-by-step reference.

Shapes use N (batch size), T (time steps), D (input features) and H (units). The
weights are a dict: ``W_*`` (D, H) and ``b_*`` (H,), with ``*`` in ``z, h`` for minGRU
and ``f, i, h`` for minLSTM.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lstm_helpers.numpy_lstm.cell import sigmoid

MIN_GRU_WEIGHTS = ("W_z", "b_z", "W_h", "b_h")
MIN_LSTM_WEIGHTS = ("W_f", "b_f", "W_i", "b_i", "W_h", "b_h")
TINY = 1e-300
"""A gate of exactly 0 is taken as this in :func:`scan_log` (its logarithm must be
finite); the error it makes is at most ``TINY`` times the state."""


def _weights(params: Mapping[str, np.ndarray], names: tuple[str, ...]) -> list:
    missing = [n for n in names if n not in params]
    if missing:
        raise ValueError(
            f"params lacks {', '.join(missing)} (needs {', '.join(names)})"
        )
    return [np.asarray(params[n], dtype=float) for n in names]


def min_gru_gates(
    x: np.ndarray, params: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The minGRU's ``a`` and ``b`` for every step at once: ``x`` (..., D) -> two
    arrays (..., H)."""
    W_z, b_z, W_h, b_h = _weights(params, MIN_GRU_WEIGHTS)
    z = sigmoid(x @ W_z + b_z)
    return 1.0 - z, z * (x @ W_h + b_h)


def min_lstm_gates(
    x: np.ndarray, params: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The minLSTM's ``a`` (the normalised forget gate) and ``b`` (the normalised input
    gate times the candidate) for every step at once: ``x`` (..., D) -> (..., H)."""
    W_f, b_f, W_i, b_i, W_h, b_h = _weights(params, MIN_LSTM_WEIGHTS)
    f, i = sigmoid(x @ W_f + b_f), sigmoid(x @ W_i + b_i)
    return f / (f + i), i / (f + i) * (x @ W_h + b_h)


def min_gru_step(
    x: np.ndarray, h_prev: np.ndarray, params: Mapping[str, np.ndarray]
) -> np.ndarray:
    """One minGRU step: ``x`` (N, D), ``h_prev`` (N, H) -> ``h`` (N, H)."""
    a, b = min_gru_gates(np.asarray(x, dtype=float), params)
    return a * h_prev + b


def min_lstm_step(
    x: np.ndarray, h_prev: np.ndarray, params: Mapping[str, np.ndarray]
) -> np.ndarray:
    """One minLSTM step: ``x`` (N, D), ``h_prev`` (N, H) -> ``h`` (N, H)."""
    a, b = min_lstm_gates(np.asarray(x, dtype=float), params)
    return a * h_prev + b


def _check_scan(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> tuple:
    a, b, h0 = (np.asarray(v, dtype=float) for v in (a, b, h0))
    if a.shape != b.shape or a.ndim != 3:
        raise ValueError(f"a and b must both be (N, T, H), got {a.shape} and {b.shape}")
    if h0.shape != (a.shape[0], a.shape[2]):
        raise ValueError(
            f"h0 must be (N, H) = {(a.shape[0], a.shape[2])}, got {h0.shape}"
        )
    if ((a < 0) | (a > 1)).any() or np.isnan(a).any():
        raise ValueError("the gates a must lie in [0, 1]")
    return a, b, h0


def scan_loop(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """The recurrence ``h_t = a_t * h_{t-1} + b_t``, one step after another.

    Parameters
    ----------
    a : ndarray, shape (N, T, H)
        The gates on the previous state, each in [0, 1].
    b : ndarray, shape (N, T, H)
        What each step adds.
    h0 : ndarray, shape (N, H)
        The state before the first step.

    Returns
    -------
    ndarray, shape (N, T, H)
        ``h_1 .. h_T``.
    """
    a, b, h0 = _check_scan(a, b, h0)
    out, h = np.empty_like(b), h0
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        out[:, t] = h
    return out


def scan_parallel(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """The same recurrence without a loop over time: ``h_t = A_t * (h_0 + sum_{k<=t}
    b_k / A_k)``, ``A_t = a_1 * ... * a_t``.

    Exact in exact arithmetic, and fine for short sequences; ``A_t`` underflows to 0
    (and ``b_k / A_k`` overflows) once the product of the gates falls below about
    1e-308. :func:`scan_log` does not. Shapes as in :func:`scan_loop`.
    """
    a, b, h0 = _check_scan(a, b, h0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        A = np.cumprod(a, axis=1)
        return A * (h0[:, None, :] + np.cumsum(b / A, axis=1))


def _log_cumsum_exp(x: np.ndarray) -> np.ndarray:
    """``log(cumsum(exp(x)))`` along axis 1, without overflow (-inf: an empty sum)."""
    return np.logaddexp.accumulate(x, axis=1)


def scan_log(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """The recurrence in log space: stable for long sequences and gates near 0 or 1.

    With ``s_t = log A_t`` (a cumulative sum of ``log a``), each term ``b_k / A_k`` is
    ``sign(b_k) * exp(log|b_k| - s_k)``. The positive and the negative terms are summed
    apart, each by a cumulative log-sum-exp, and ``h_t = exp(s_t + P_t) - exp(s_t +
    M_t)``. Every exponent is then of the size of the state itself, however small the
    gates' product. A gate of exactly 0 is taken as :data:`TINY`. Shapes as in
    :func:`scan_loop`.
    """
    a, b, h0 = _check_scan(a, b, h0)
    s = np.cumsum(np.log(np.maximum(a, TINY)), axis=1)
    # h0 enters as step 0, with s_0 = 0
    terms = np.concatenate([h0[:, None, :], b], axis=1)
    shift = np.concatenate([np.zeros_like(h0)[:, None, :], s], axis=1)
    with np.errstate(divide="ignore"):
        magnitude = np.log(np.abs(terms)) - shift
    plus = _log_cumsum_exp(np.where(terms > 0, magnitude, -np.inf))
    minus = _log_cumsum_exp(np.where(terms < 0, magnitude, -np.inf))
    return (np.exp(s + plus[:, 1:]) - np.exp(s + minus[:, 1:])).astype(b.dtype)
