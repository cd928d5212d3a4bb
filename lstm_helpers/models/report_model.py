"""The report's stacked network (its Step 5), a frozen configuration that builds its
model.

:class:`ModelConfig`, :func:`build_model`: ``layers`` recurrent layers of
``units`` each, every one followed by ``Dropout``, then ``Dense(1)``; rmsprop
and mean squared error. :data:`DEFAULT` and :data:`IMPROVED` are the report's
two runs. :class:`TrainingSettings` gives the course's configurations their
``with_training``.

A configuration has ``build(window, n_features)`` and the training settings
that :func:`lstm_helpers.training.jobs.fit` reads (``epochs``, ``batch_size``,
``early_stopping``, ``patience``). This module's code is part of the cache key
of every :class:`ModelConfig` model and of no other
(:func:`lstm_helpers.training.digests.job_info`): change how it builds a model
and those models train anew.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lstm_helpers.data.periods import REPORT_SPLIT

# TensorFlow loaded without its C++ start-up lines
from lstm_helpers.tf_quiet import keras


class TrainingSettings:
    """``with_training``, shared by the configurations (they are frozen dataclasses)."""

    epochs: int
    batch_size: int

    def with_training(
        self, epochs: int | None = None, batch_size: int | None = None
    ) -> Any:
        """A copy with other epochs or batch size (``None`` keeps the current value)."""
        return replace(
            self,  # type: ignore[type-var]
            epochs=self.epochs if epochs is None else int(epochs),
            batch_size=self.batch_size if batch_size is None else int(batch_size),
        )


@dataclass(frozen=True)
class ModelConfig(TrainingSettings):
    """Everything that defines one stacked recurrent model and how it is trained.

    Attributes
    ----------
    name : str
        A label for tables and plots.
    units : int
        Units of every recurrent layer.
    layers : int
        Number of stacked recurrent layers.
    dropout : float
        Rate of the Dropout after every recurrent layer.
    epochs : int
        Training epochs (with early stopping: the most it trains).
    batch_size : int
        Minibatch size.
    optimizer : str
        Keras optimizer name.
    cell : str
        ``"lstm"`` or ``"gru"``.
    bidirectional : bool
        Wrap every recurrent layer in ``Bidirectional``.
    jit_compile : bool
        Let XLA compile the training step (about 1.6x faster here).
    early_stopping : bool
        Hold out the training windows whose target falls in ``val_start`` or
        later (the end of the training years, never the test period), stop when
        their loss has not improved for ``patience`` epochs, and keep the best
        weights.
    val_start : str
        First day (or year) of the validation slice.
    patience : int
        Epochs without improvement before stopping.
    """

    name: str = "default"
    units: int = 50
    layers: int = 4
    dropout: float = 0.2
    epochs: int = 50
    batch_size: int = 32
    optimizer: str = "rmsprop"
    cell: str = "lstm"
    bidirectional: bool = False
    jit_compile: bool = True
    early_stopping: bool = False
    val_start: str = REPORT_SPLIT.train_end
    patience: int = 5

    def build(self, window: int = 60, n_features: int = 1) -> keras.Model:
        """The compiled Keras model of this configuration (see :func:`build_model`)."""
        return build_model(self, window, n_features)


DEFAULT = ModelConfig(name="default", dropout=0.2, epochs=50, batch_size=32)
"""The report's default model: Dropout(0.2), 50 epochs, batch 32."""

IMPROVED = ModelConfig(name="improved", dropout=0.1, epochs=20, batch_size=12)
"""The report's improved model: Dropout(0.1), 20 epochs, batch 12."""


def build_model(
    config: ModelConfig, window: int = 60, n_features: int = 1
) -> keras.Model:
    """Build and compile the stacked model of ``config``.

    Parameters
    ----------
    config : ModelConfig
        Layers, units, dropout, cell type, optimizer.
    window : int, default 60
        Time steps per input window.
    n_features : int, default 1
        Values per time step.

    Returns
    -------
    keras.Model
        Input (batch, window, n_features) -> output (batch, 1), compiled with
        mean squared error.
    """
    if config.cell not in ("lstm", "gru"):
        raise ValueError(f"cell must be 'lstm' or 'gru', got {config.cell!r}")
    if config.layers < 1 or config.units < 1:
        raise ValueError(
            "need at least one layer of at least one unit, got "
            f"{config.layers} x {config.units}"
        )
    recurrent = keras.layers.LSTM if config.cell == "lstm" else keras.layers.GRU
    stack: list[keras.layers.Layer] = [keras.Input((window, n_features))]
    for k in range(config.layers):
        layer = recurrent(config.units, return_sequences=k < config.layers - 1)
        stack.append(
            keras.layers.Bidirectional(layer) if config.bidirectional else layer
        )
        stack.append(keras.layers.Dropout(config.dropout))
    stack.append(keras.layers.Dense(1))
    model = keras.Sequential(stack, name=f"{config.name}_{config.cell}")
    model.compile(
        optimizer=config.optimizer,
        loss="mean_squared_error",
        jit_compile=config.jit_compile,
    )
    return model
