"""The networks of the gates-today lesson: one recurrent or attention layer and a head,
and the minimal gated recurrences minGRU and minLSTM as a Keras layer.

:class:`SequenceConfig` is ``Input(T, D) -> one layer -> Dense head``, the layer one of
a plain RNN, an LSTM, a GRU, a minGRU, a minLSTM or a small causal Transformer block.
The head answers one number (the adding problem, a price; mean squared error) or
``k`` tokens of ``classes`` symbols (the selective-copying task; cross-entropy). It
trains through the course's one cached path; this module defines its configuration
type, so its code is part of the cache key of these models and of no other.

:class:`MinRNN` computes, for a whole batch of sequences at once, the recurrence of
:mod:`lstm_helpers.numpy_lstm.min_rnn` (Feng et al. 2024, "Were RNNs All We Needed?"):
gates that read only the input, so that ``h_t = a_t * h_{t-1} + b_t`` is linear in
``h`` and runs as a scan in log space instead of a loop over time. The state starts at
zero, as in Keras's recurrent layers. The candidate is linear, and the scan keeps the
signs of ``b`` apart (as :func:`~lstm_helpers.numpy_lstm.min_rnn.scan_log` does); the
paper instead makes the candidate positive with an activation of its own, so that one
log-sum-exp suffices.

:class:`CausalTransformer` is one Transformer block (Vaswani et al. 2017) that reads
the sequence with a causal mask: sinusoidal positions added to a linear embedding,
multi-head self-attention and a feed-forward layer, each with a residual connection and
layer normalisation; the last step's output goes to the head.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers.tf_quiet import keras, tf

CELLS: tuple[str, ...] = ("rnn", "lstm", "gru", "mingru", "minlstm", "transformer")
"""The layers :class:`SequenceConfig` builds."""

KINDS: tuple[str, ...] = ("gru", "lstm")
SCANS: tuple[str, ...] = ("log", "loop")
"""How :class:`MinRNN` runs the recurrence: the parallel scan in log space, or a loop
over time (``tf.scan``). Same numbers; on this course's two CPU cores the loop trained
the adding problem (T = 100, 32 units) about 12 times faster per epoch, since the
parallel form pays where the hardware runs the steps side by side."""
FLOOR = -1e30
"""The log of an empty sum in the scan: finite, so that gradients stay finite."""
TINY = 1e-30
"""A step that adds less than this (in size) adds nothing to the scan."""


class MinRNN(keras.layers.Layer):
    """A minGRU or minLSTM layer: input (batch, T, D) -> (batch, units), or (batch, T,
    units) with ``return_sequences``.

    Weights (Keras's names): ``kernel`` (D, G * units) and ``bias`` (G * units,), their
    column blocks in the order ``z, h`` (minGRU, G = 2) or ``f, i, h`` (minLSTM, G =
    3), the same blocks as :mod:`lstm_helpers.numpy_lstm.min_rnn`'s ``W_*`` and
    ``b_*``.
    """

    def __init__(
        self,
        units: int,
        kind: str = "gru",
        return_sequences: bool = False,
        scan: str = "log",
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
        if scan not in SCANS:
            raise ValueError(f"scan must be one of {', '.join(SCANS)}; got {scan!r}")
        self.scan = scan
        if units < 1:
            raise ValueError(f"units must be positive, got {units}")
        self.units, self.kind, self.return_sequences = units, kind, return_sequences
        self.blocks = 2 if kind == "gru" else 3

    def build(self, input_shape) -> None:
        width = self.blocks * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], width), initializer="glorot_uniform", name="kernel"
        )
        self.bias = self.add_weight(shape=(width,), initializer="zeros", name="bias")

    def gates(self, x):
        """``log a`` and ``b`` of every step, each (batch, T, units)."""
        ops, u = keras.ops, self.units
        pre = ops.matmul(x, self.kernel) + self.bias
        candidate = pre[..., -u:]
        if self.kind == "gru":
            # log(1 - sigmoid(k)) = -softplus(k); log(sigmoid(k)) = -softplus(-k)
            k = pre[..., :u]
            return -ops.softplus(k), ops.exp(-ops.softplus(-k)) * candidate
        # f / (f + i) = 1 / (1 + exp(d)), d = log sigmoid(p_i) - log sigmoid(p_f)
        d = ops.softplus(-pre[..., :u]) - ops.softplus(-pre[..., u : 2 * u])
        return -ops.softplus(d), ops.exp(-ops.softplus(-d)) * candidate

    def call(self, x):
        log_a, b = self.gates(x)
        h = self._log_scan(log_a, b) if self.scan == "log" else self._loop(log_a, b)
        return h if self.return_sequences else h[:, -1]

    @staticmethod
    def _loop(log_a, b):
        """``h_t = a_t * h_{t-1} + b_t`` step by step (time first for ``tf.scan``)."""
        a = tf.transpose(tf.exp(log_a), [1, 0, 2])
        steps = tf.scan(
            lambda h, ab: ab[0] * h + ab[1],
            (a, tf.transpose(b, [1, 0, 2])),
            initializer=tf.zeros_like(b[:, 0]),
        )
        return tf.transpose(steps, [1, 0, 2])

    @staticmethod
    def _log_scan(log_a, b):
        """The same recurrence without a loop over time, in log space."""
        ops = keras.ops
        s = ops.cumsum(log_a, axis=1)
        # log|b| only where b is not 0: a log of 0 would make the gradient infinite
        # (through the branch tf.where leaves out, too)
        nonzero = ops.abs(b) > TINY
        magnitude = ops.log(ops.where(nonzero, ops.abs(b), 1.0)) - s
        floor = ops.full_like(magnitude, FLOOR)
        plus = tf.math.cumulative_logsumexp(
            ops.where((b > 0) & nonzero, magnitude, floor), axis=1
        )
        minus = tf.math.cumulative_logsumexp(
            ops.where((b < 0) & nonzero, magnitude, floor), axis=1
        )
        return ops.exp(s + plus) - ops.exp(s + minus)


def positions(window: int, width: int) -> np.ndarray:
    """Sinusoidal position codes (Vaswani et al. 2017), shape (window, width), float32:
    column ``2j`` is ``sin(t / 10000^(2j / width))``, column ``2j + 1`` its cosine."""
    t = np.arange(window)[:, None]
    rate = 10000.0 ** (-(np.arange(width) // 2 * 2) / width)
    angles = t * rate[None, :]
    return np.where(np.arange(width) % 2 == 0, np.sin(angles), np.cos(angles)).astype(
        "float32"
    )


class CausalTransformer(keras.layers.Layer):
    """One causal Transformer block: (batch, T, D) -> (batch, width), the last step's
    output.

    ``x @ W + b + positions`` (width), then ``LayerNorm(z + attention(z))`` with a
    causal mask (step t reads steps 0..t), then ``LayerNorm(z + FFN(z))`` with a ReLU
    feed-forward layer of ``2 * width`` units.
    """

    def __init__(self, width: int, heads: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)
        if width < 1 or heads < 1 or width % heads:
            raise ValueError(
                f"width ({width}) must be a positive multiple of heads ({heads})"
            )
        self.width, self.heads = width, heads
        self.embed = keras.layers.Dense(width)
        self.attention = keras.layers.MultiHeadAttention(heads, width // heads)
        self.norm1 = keras.layers.LayerNormalization()
        self.ffn1 = keras.layers.Dense(2 * width, activation="relu")
        self.ffn2 = keras.layers.Dense(width)
        self.norm2 = keras.layers.LayerNormalization()

    def call(self, x):
        z = self.embed(x) + positions(x.shape[1], self.width)
        z = self.norm1(z + self.attention(z, z, use_causal_mask=True))
        z = self.norm2(z + self.ffn2(self.ffn1(z)))
        return z[:, -1]


@dataclass(frozen=True)
class SequenceConfig:
    """``Input(T, D) -> layer(units) -> Dense head``, Adam with gradient clipping.

    Attributes
    ----------
    name : str
        A label for tables and plots.
    cell : str
        One of :data:`CELLS`.
    units : int
        Units of the recurrent layer; for ``"transformer"`` the width of the block.
    heads : int
        Attention heads (Transformer only).
    outputs : int
        Numbers (regression) or tokens (``classes`` > 0) the head answers.
    classes : int
        0: the head answers ``outputs`` numbers, mean squared error. Else ``outputs``
        tokens, a softmax over ``classes`` symbols each, cross-entropy; the model's
        output is then (batch, outputs, classes).
    epochs, batch_size : int
        Training length and minibatch size.
    learning_rate, clipnorm : float
        Adam's step size; every gradient is rescaled to at most this norm.
    scan : str
        How minGRU / minLSTM run their recurrence: ``"loop"`` or ``"log"`` (the same
        numbers; see :data:`SCANS`).
    early_stopping : bool
        Stop when the loss on the training windows from ``val_start`` on has not
        improved for ``patience`` epochs, and keep the best weights (prices only).
    val_start : str or None
        First day (or year) of that validation slice.
    patience : int
    jit_compile : bool
        Let XLA compile the training step.
    """

    name: str = "sequence"
    cell: str = "lstm"
    units: int = 32
    heads: int = 2
    outputs: int = 1
    classes: int = 0
    epochs: int = 30
    batch_size: int = 64
    learning_rate: float = 3e-3
    clipnorm: float = 1.0
    scan: str = "loop"
    early_stopping: bool = False
    val_start: str | None = None
    patience: int = 5
    jit_compile: bool = True

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(
                f"cell must be one of {', '.join(CELLS)}; got {self.cell!r}"
            )
        if self.units < 1 or self.outputs < 1 or self.classes < 0:
            raise ValueError(
                "units and outputs must be positive and classes not negative, got "
                f"{self.units}, {self.outputs}, {self.classes}"
            )
        if self.scan not in SCANS:
            raise ValueError(
                f"scan must be one of {', '.join(SCANS)}; got {self.scan!r}"
            )

    def layer(self) -> keras.layers.Layer:
        """The recurrent or attention layer, with Keras's default initialisers."""
        if self.cell == "transformer":
            return CausalTransformer(self.units, self.heads)
        if self.cell in ("mingru", "minlstm"):
            return MinRNN(self.units, kind=self.cell[3:], scan=self.scan)
        layer = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM}.get(
            self.cell, keras.layers.GRU
        )
        return layer(self.units)

    def build(self, window: int, n_features: int) -> keras.Model:
        """The compiled model for sequences of ``window`` steps of ``n_features``."""
        stack = [keras.Input((window, n_features)), self.layer()]
        if self.classes:
            stack += [
                keras.layers.Dense(self.outputs * self.classes),
                keras.layers.Reshape((self.outputs, self.classes)),
                keras.layers.Softmax(),
            ]
            loss = "sparse_categorical_crossentropy"
        else:
            stack.append(keras.layers.Dense(self.outputs))
            loss = "mean_squared_error"
        model = keras.Sequential(stack, name=f"{self.name}_{self.cell}_{self.units}")
        optimizer = keras.optimizers.Adam(
            learning_rate=self.learning_rate, clipnorm=self.clipnorm
        )
        model.compile(optimizer=optimizer, loss=loss, jit_compile=self.jit_compile)
        return model
