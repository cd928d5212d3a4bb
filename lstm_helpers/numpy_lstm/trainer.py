"""LSTM(H) -> Dense(1) regression in NumPy, trained with Adam on the mean squared error.

The Dense layer reads the LSTM's last hidden state: ``pred = h_T @ w_out + b_out``.
:func:`lstm_regressor_loss` gives the loss and its gradient (optionally
truncated to the last k steps), :func:`clip_global_norm` rescales a gradient
that is too large, :class:`Adam` takes a step, and :func:`fit_regressor` loops
over epochs and batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lstm_helpers.numpy_lstm._checks import (
    _LSTM_KEYS,
    Array,
    Params,
    _check_sequence,
    _float_array,
)
from lstm_helpers.numpy_lstm.initializers import init_regressor_params
from lstm_helpers.numpy_lstm.sequence import lstm_backward, lstm_forward


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


def lstm_regressor_loss(
    params: Mapping[str, Array], x: ArrayLike, y: ArrayLike, truncate: int | None = None
) -> tuple[float, Params]:
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
    truncate : int, optional
        Truncated backpropagation through time: the forward pass reads all T
        steps (the loss is unchanged), but the gradient flows back through the
        last ``truncate`` steps only; the state entering them is treated as a
        constant. ``None`` (or ``truncate >= T``): the full gradient.

    Returns
    -------
    loss : float
    grads : dict
        The gradient of ``loss`` for every key of ``params``, same shapes.
    """
    x = _check_sequence(x)
    weights = [params[k] for k in _LSTM_KEYS]
    T = x.shape[1]
    if truncate is not None and truncate < 1:
        raise ValueError(f"truncate must be at least 1 step, got {truncate}")
    if truncate is None or truncate >= T:
        h_seq, cache = lstm_forward(x, *weights)
    # the first T - k steps run forward only; their final state enters as a constant
    else:
        h_early, early = lstm_forward(x[:, : T - truncate], *weights)
        h_seq, cache = lstm_forward(
            x[:, T - truncate :], *weights, h0=h_early[:, -1], c0=early.c[:, -1]
        )
    N = h_seq.shape[0]
    y = _float_array(y, "y", h_seq.dtype)
    if y.size != N or y.ndim > 2:
        raise ValueError(
            f"y must have shape (N,) or (N, 1) with N = {N}; got {y.shape}"
        )
    h_last = h_seq[:, -1, :]
    err = _regressor_head(params, h_last) - y.reshape(N)  # (N,)
    loss = float(np.mean(err**2))

    dpred = (2.0 / N) * err  # (N,)
    w_out = np.asarray(params["w_out"], dtype=h_seq.dtype)
    dh_seq = np.zeros_like(h_seq)
    dh_seq[:, -1, :] = dpred[:, None] * w_out[:, 0]
    grads = lstm_backward(dh_seq, cache)
    for key in ("x", "h0", "c0"):
        grads.pop(key, None)
    grads["w_out"] = h_last.T @ dpred[:, None]
    grads["b_out"] = np.array([dpred.sum()], dtype=h_seq.dtype)
    return loss, grads


def clip_global_norm(
    grads: Mapping[str, Array], max_norm: float
) -> tuple[Params, float]:
    """Rescale a gradient whose global norm exceeds ``max_norm`` down to that norm.

    The global norm is ``sqrt(sum over all arrays of sum(g ** 2))``. Every array
    is multiplied by the same factor ``min(1, max_norm / norm)``, so the
    direction of the step is kept and only its length is capped (Keras's
    ``global_clipnorm``; its ``clipnorm`` caps each array on its own).

    Returns
    -------
    grads : dict
        The clipped gradient (new arrays).
    norm : float
        The global norm before clipping.
    """
    if max_norm <= 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values())))
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {k: g * factor for k, g in grads.items()}, norm


class Adam:
    """The Adam optimiser (Kingma & Ba, 2015), updating NumPy arrays in place.

    For every parameter ``p`` with gradient ``g``, at step ``t`` = 1, 2, ...::

        m = beta1 * m + (1 - beta1) * g          # running mean of the gradient
        v = beta2 * v + (1 - beta2) * g**2       # running mean of its square
        p -= lr * m_hat / (sqrt(v_hat) + eps)    # m_hat = m / (1 - beta1**t), same for
        v

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

    def __init__(
        self,
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-7,
    ):
        if lr <= 0 or not (0 <= beta1 < 1) or not (0 <= beta2 < 1) or eps <= 0:
            raise ValueError(
                f"need lr > 0, 0 <= beta1, beta2 < 1, eps > 0; got {lr}, {beta1}, "
                f"{beta2}, {eps}"
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
                raise ValueError(
                    f"gradient {key!r} has no parameter of shape {np.shape(grad)}"
                )
            p = params[key]
            m = self.m.setdefault(key, np.zeros_like(p))
            v = self.v.setdefault(key, np.zeros_like(p))
            m *= self.beta1
            m += (1.0 - self.beta1) * grad
            v *= self.beta2
            v += (1.0 - self.beta2) * np.square(grad)
            p -= self.lr * (m / bias1) / (np.sqrt(v / bias2) + self.eps)


def _batches(
    n: int, batch_size: int, rng: np.random.Generator
) -> Iterable[NDArray[np.intp]]:
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
    clipnorm: float | None = None,
    truncate: int | None = None,
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
    clipnorm : float, optional
        Clip every batch's gradient to this global norm (:func:`clip_global_norm`).
    truncate : int, optional
        Backpropagate through the last ``truncate`` steps only (see
        :func:`lstm_regressor_loss`).

    Returns
    -------
    params : dict
        The trained weights (see :func:`lstm_regressor_loss`).
    history : dict
        ``"loss"``: the training loss of every epoch, the mean of its batch
        losses weighted by batch size (as Keras reports it); ``"val_loss"``:
        the validation loss after every epoch, if validation data was given;
        ``"grad_norm"``: the global norm of every batch's gradient, before any clipping.
    """
    x = _check_sequence(x)
    y = _float_array(y, "y", x.dtype).reshape(-1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"x has {x.shape[0]} windows but y has {y.shape[0]} targets")
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    if batch_size < 1 or epochs < 0:
        raise ValueError(
            f"need batch_size >= 1 and epochs >= 0; got {batch_size}, {epochs}"
        )

    rng = np.random.default_rng(seed)
    params = init_regressor_params(x.shape[2], units, rng, x.dtype)
    optimizer = Adam(lr=lr)
    history: dict[str, list[float]] = {"loss": [], "grad_norm": []}
    if x_val is not None:
        history["val_loss"] = []
        y_val = _float_array(y_val, "y_val", x.dtype).reshape(-1)

    for _ in range(epochs):
        total = 0.0
        for idx in _batches(x.shape[0], batch_size, rng):
            loss, grads = lstm_regressor_loss(params, x[idx], y[idx], truncate=truncate)
            clipped, norm = clip_global_norm(
                grads, clipnorm if clipnorm is not None else np.inf
            )
            history["grad_norm"].append(norm)
            optimizer.step(params, clipped)
            total += loss * len(idx)
        history["loss"].append(total / x.shape[0])
        if x_val is not None:
            err = predict_regressor(params, x_val) - y_val
            history["val_loss"].append(float(np.mean(err**2)))
    return params, history
