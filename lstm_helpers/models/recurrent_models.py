"""The networks of the gates-today lesson (being built): for now, the minimal gated
recurrences minGRU and minLSTM as a Keras layer.

:class:`MinRNN` computes, for a whole batch of sequences at once, the recurrence of
:mod:`lstm_helpers.numpy_lstm.min_rnn` (Feng et al. 2024, "Were RNNs All We Needed?"):
gates that read only the input, so that ``h_t = a_t * h_{t-1} + b_t`` is linear in
``h`` and runs as a scan in log space instead of a loop over time. The state starts at
zero, as in Keras's recurrent layers. The candidate is linear, and the scan keeps the
signs of ``b`` apart (as :func:`~lstm_helpers.numpy_lstm.min_rnn.scan_log` does); the
paper instead makes the candidate positive with an activation of its own, so that one
log-sum-exp suffices.

This module will define the lesson's configuration type, so its code will be part of
the cache key of that lesson's models and of no other.
"""

from __future__ import annotations

from lstm_helpers.tf_quiet import keras, tf

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
