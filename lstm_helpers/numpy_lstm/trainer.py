"""LSTM(H) -> Dense(1) regression in NumPy, trained with Adam on the mean squared error.

The Dense layer reads the LSTM's last hidden state: ``pred = h_T @ w_out + b_out``.
:func:`lstm_regressor_loss` gives the loss and its gradient, :class:`Adam`
takes a step, and :func:`fit_regressor` loops over epochs and batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lstm_helpers.numpy_lstm._checks import _LSTM_KEYS, Array, Params, _check_sequence, _float_array
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
