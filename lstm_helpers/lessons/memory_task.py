"""The memory lesson's task and networks: the adding problem, and one recurrent layer to
solve it.

The adding problem (Hochreiter & Schmidhuber 1997, their experiment 4) asks a
network to remember two numbers over a delay. Every step of a sequence of
length T carries two inputs: a random value in [0, 1) and a marker that is 1
at exactly two steps and 0 elsewhere. The target is the sum of the two marked
values. In our variant the first marker falls in the first half of the
sequence and the second in the second half, so the first value must be held
for at least T/2 steps and on average 3T/4 (an example sequence is drawn in the
lesson).

Answering 1 (the mean of the sum) whatever the input gives a mean squared error
of Var(u1 + u2) = 2/12, about 0.167: a network that does no better has learned
nothing about the marked values.

:class:`MemoryConfig` is ``Input(T, 2) -> SimpleRNN | LSTM | GRU (units) ->
Dense(1)`` trained with Adam and gradient clipping. It trains through the
course's one path (:func:`lstm_helpers.training.scheduler.train_many`). This
module defines its configuration type, so its code is part of the cache key of
every memory model and of no other model
(:func:`lstm_helpers.training.digests.family_code`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers.numpy_lstm.cell import gate_block

# TensorFlow loaded without its C++ start-up lines
from lstm_helpers.tf_quiet import keras

CELLS: tuple[str, ...] = ("rnn", "lstm", "gru")
"""The recurrent layers compared: ``SimpleRNN``, ``LSTM``, ``GRU``."""

CONSTANT_ANSWER = 1.0
"""The best constant answer: the mean of the sum of two uniform values."""

CONSTANT_MSE = 2.0 / 12.0
"""Its expected mean squared error, Var(u1 + u2) = 2 Var(u) = 2/12."""


def adding_problem(n: int, delay: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of the adding problem of length ``delay``, drawn with ``seed``.

    Parameters
    ----------
    n : int
        Number of sequences.
    delay : int
        T, the number of steps (at least 2). The first marker falls in steps
        ``0 .. T//2 - 1``, the second in ``T//2 .. T-1``.
    seed : int
        Seeds NumPy's generator: the same arguments give the same arrays.

    Returns
    -------
    X : ndarray, shape (n, T, 2), float32
        ``X[:, t, 0]`` the random values, ``X[:, t, 1]`` the markers (0 or 1).
    y : ndarray, shape (n,), float32
        The sum of the two marked values.
    """
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if int(delay) < 2:
        raise ValueError(f"the delay T must be at least 2 steps, got {delay}")
    n, delay = int(n), int(delay)
    rng = np.random.default_rng(seed)
    values = rng.random((n, delay))
    half = delay // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, delay, size=n)
    markers = np.zeros((n, delay))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype("float32")
    y = (values[rows, first] + values[rows, second]).astype("float32")
    return X, y


def marked_steps(X: np.ndarray) -> np.ndarray:
    """The two marked steps of every sequence, shape (n, 2), earlier first."""
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[2] != 2:
        raise ValueError(
            f"X must be adding-problem sequences of shape (n, T, 2), got {X.shape}"
        )
    steps = [np.flatnonzero(row) for row in X[:, :, 1]]
    if any(len(s) != 2 for s in steps):
        raise ValueError("every sequence must have exactly two markers")
    return np.array(steps)


@dataclass(frozen=True)
class MemoryConfig:
    """``Input(T, 2) -> recurrent layer(units) -> Dense(1)``, Adam with gradient
    clipping, MSE.

    Attributes
    ----------
    name : str
        A label for tables and plots.
    cell : str
        ``"rnn"`` (``SimpleRNN``, tanh), ``"lstm"`` or ``"gru"``.
    units : int
        Units of the recurrent layer.
    forget_bias : float or None
        LSTM only: the value every forget-gate bias starts at. ``None`` keeps
        Keras's default (``unit_forget_bias=True``: 1).
    epochs, batch_size : int
        Training length and minibatch size.
    learning_rate : float
        Adam's step size.
    clipnorm : float
        Every gradient is rescaled to at most this norm (per weight array).
    """

    name: str = "memory"
    cell: str = "lstm"
    units: int = 32
    forget_bias: float | None = None
    epochs: int = 10
    batch_size: int = 128
    learning_rate: float = 1e-3
    clipnorm: float = 1.0

    # training.fit reads these
    early_stopping = False
    patience = 0

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(
                f"cell must be one of {', '.join(CELLS)}; got {self.cell!r}"
            )
        if self.forget_bias is not None and self.cell != "lstm":
            raise ValueError(
                f"forget_bias is an LSTM setting; the {self.cell} has no forget gate"
            )
        if self.units < 1 or self.epochs < 1 or self.batch_size < 1:
            raise ValueError(
                "units, epochs and batch_size must be positive, got "
                f"{self.units}, "
                f"{self.epochs}, {self.batch_size}"
            )

    def layer(self) -> keras.layers.Layer:
        """The recurrent layer, with Keras's default initialisers except the forget
        bias."""
        if self.cell == "rnn":
            return keras.layers.SimpleRNN(self.units)
        if self.cell == "gru":
            return keras.layers.GRU(self.units)
        if self.forget_bias is None:
            return keras.layers.LSTM(self.units)
        units, forget = self.units, float(self.forget_bias)

        def bias(shape, dtype=None):  # only the forget gate's block differs from 0
            values = np.zeros(shape, dtype="float32")
            values[gate_block("f", units)] = forget
            return keras.ops.convert_to_tensor(values, dtype=dtype)

        return keras.layers.LSTM(units, unit_forget_bias=False, bias_initializer=bias)

    def build(self, window: int, n_features: int = 2) -> keras.Model:
        """The compiled model for sequences of ``window`` steps."""
        model = keras.Sequential(
            [keras.Input((window, n_features)), self.layer(), keras.layers.Dense(1)],
            name=f"{self.name}_{self.cell}_{self.units}",
        )
        optimizer = keras.optimizers.Adam(
            learning_rate=self.learning_rate, clipnorm=self.clipnorm
        )
        model.compile(optimizer=optimizer, loss="mean_squared_error", jit_compile=True)
        return model
