"""The networks of the uncertainty lesson: an LSTM that forecasts a distribution, not a
number.

:class:`DistributionConfig` builds one of two compiled Keras models, each reading a
window and forecasting several horizons at once:

- ``quantile``: several quantiles per horizon, trained with the pinball loss (as
  MQ-RNN does, Wen et al. 2017). The quantiles cannot cross: the network outputs the
  lowest one and positive steps up to the next (softplus), added up.
- ``gaussian``: a mean and a scale per horizon, trained by the Gaussian negative
  log-likelihood (as DeepAR does with its distributions, Salinas et al. 2020).

This module defines the configuration's type, so its code is part of the cache key of
these models and of no other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lstm_helpers.tf_quiet import keras

KINDS: tuple[str, ...] = ("quantile", "gaussian")
LEVELS: tuple[float, ...] = (0.025, 0.1, 0.5, 0.9, 0.975)
"""The quantile model's levels: the edges of the central 80% and 95% bands, and the
median."""
MIN_SCALE = 1e-3
"""The Gaussian model's smallest scale, in the targets' units (one training-years
standard deviation of the one-day change): keeps the likelihood finite."""


class NonCrossing(keras.layers.Layer):
    """(batch, horizons * Q) raw outputs -> (batch, horizons * Q) ordered quantiles:
    per horizon, the lowest quantile plus the running sum of softplus steps."""

    def __init__(self, horizons: int, levels: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.horizons, self.levels = horizons, levels

    def call(self, raw):
        ops = keras.ops
        raw = ops.reshape(raw, (-1, self.horizons, self.levels))
        steps = ops.cumsum(ops.softplus(raw[:, :, 1:]), axis=-1)
        ordered = ops.concatenate([raw[:, :, :1], raw[:, :, :1] + steps], axis=-1)
        return ops.reshape(ordered, (-1, self.horizons * self.levels))


class MeanAndScale(keras.layers.Layer):
    """(batch, 2 * horizons) raw outputs -> the means, then the scales
    (``softplus + MIN_SCALE``), same shape."""

    def __init__(self, horizons: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.horizons = horizons

    def call(self, raw):
        ops = keras.ops
        mean, scale = raw[:, : self.horizons], raw[:, self.horizons :]
        return ops.concatenate([mean, ops.softplus(scale) + MIN_SCALE], axis=-1)


def pinball_loss(horizons: int, levels: tuple[float, ...]):
    """The Keras loss: the pinball loss averaged over horizons and levels.

    ``y_true`` (batch, horizons), ``y_pred`` (batch, horizons * Q).
    """
    ops = keras.ops

    def loss(y_true, y_pred):
        q = ops.reshape(ops.convert_to_tensor(levels, dtype=y_pred.dtype), (1, 1, -1))
        forecast = ops.reshape(y_pred, (-1, horizons, len(levels)))
        error = ops.reshape(y_true, (-1, horizons, 1)) - forecast
        return ops.mean(ops.maximum(q * error, (q - 1.0) * error), axis=(1, 2))

    return loss


def gaussian_nll(horizons: int):
    """The Keras loss: the Gaussian negative log-likelihood averaged over horizons
    (without its constant ``log(2 pi) / 2``).

    ``y_true`` (batch, horizons), ``y_pred`` (batch, 2 * horizons): means, then scales.
    """
    ops = keras.ops

    def loss(y_true, y_pred):
        mean, scale = y_pred[:, :horizons], y_pred[:, horizons:]
        z = (y_true - mean) / scale
        return ops.mean(ops.log(scale) + 0.5 * z * z, axis=-1)

    return loss


@dataclass(frozen=True)
class DistributionConfig:
    """``Input(window, 1) -> LSTM(units) -> Dense -> a distribution per horizon``.

    Attributes
    ----------
    name : str
        A label for tables and progress lines.
    kind : {"quantile", "gaussian"}
        ``quantile``: ``len(levels)`` ordered quantiles per horizon, pinball loss.
        ``gaussian``: a mean and a scale per horizon, negative log-likelihood.
    units : int
        Units of the LSTM layer.
    horizons : int
        How many horizons the targets hold (columns of ``y``).
    levels : tuple of float
        The quantile model's levels, increasing, each in (0, 1).
    epochs, batch_size : int
        Most epochs (training stops early on the validation windows) and minibatch size.
    patience : int
        Epochs without a better validation loss before training stops (best weights
        kept).
    learning_rate : float
        Adam's step size.
    """

    name: str = "quantile LSTM"
    kind: str = "quantile"
    units: int = 32
    horizons: int = 3
    levels: tuple[float, ...] = LEVELS
    epochs: int = 30
    batch_size: int = 32
    patience: int = 5
    learning_rate: float = 1e-3

    early_stopping = True  # training.fit reads it

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"kind must be one of {', '.join(KINDS)}; got {self.kind!r}"
            )
        if min(self.units, self.horizons, self.epochs, self.batch_size) < 1:
            raise ValueError(
                "units, horizons, epochs and batch_size must be positive, got "
                f"{self.units}, {self.horizons}, {self.epochs}, {self.batch_size}"
            )
        levels = list(self.levels)
        if not levels or levels != sorted(set(levels)) or not 0 < levels[0]:
            raise ValueError(f"levels must increase inside (0, 1), got {self.levels}")
        if levels[-1] >= 1:
            raise ValueError(f"levels must increase inside (0, 1), got {self.levels}")

    @property
    def outputs(self) -> int:
        """Numbers the model outputs per window."""
        if self.kind == "quantile":
            return self.horizons * len(self.levels)
        return 2 * self.horizons

    def with_training(self, epochs: int | None = None) -> DistributionConfig:
        """A copy with another most-epochs (``None`` keeps it)."""
        return self if epochs is None else replace(self, epochs=epochs)

    def build(self, window: int = 60, n_features: int = 1) -> keras.Model:
        """The compiled model: input (batch, window, n_features), output (batch,
        :attr:`outputs`)."""
        inputs = keras.Input((window, n_features))
        raw = keras.layers.Dense(self.outputs)(keras.layers.LSTM(self.units)(inputs))
        if self.kind == "quantile":
            out = NonCrossing(self.horizons, len(self.levels))(raw)
            loss = pinball_loss(self.horizons, tuple(self.levels))
        else:
            out = MeanAndScale(self.horizons)(raw)
            loss = gaussian_nll(self.horizons)
        model = keras.Model(inputs, out, name=self.name.replace(" ", "_"))
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=self.learning_rate),
            loss=loss,
            jit_compile=True,
        )
        return model
