"""A stack of LSTM layers of their own sizes: the network of the report's Solution 2
(Castilla).

:class:`StackConfig` has a linear or a sigmoid output; :data:`CASTILLA` and
:data:`CASTILLA_CLASSIFIER` are the network of the report's Solution 2 and its
"will it rise?" version. This module's code is part of the cache key of every
:class:`StackConfig` model and of no other.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_helpers.data.periods import REPORT_SPLIT
from lstm_helpers.models.report_model import TrainingSettings

# TensorFlow loaded without its C++ start-up lines
from lstm_helpers.tf_quiet import keras


@dataclass(frozen=True)
class StackConfig(TrainingSettings):
    """A stack of LSTM layers with their own sizes, each followed by Dropout, then
    Dense(1).

    Attributes are those of :class:`ModelConfig` (training, early stopping)
    plus ``layer_units`` (units per LSTM layer) and ``output`` (``"linear"``
    for a price, ``"sigmoid"`` for a probability).
    """

    name: str = "castilla"
    layer_units: tuple[int, ...] = (50, 100)
    dropout: float = 0.2
    output: str = "linear"
    epochs: int = 30
    batch_size: int = 32
    optimizer: str = "rmsprop"
    jit_compile: bool = True
    early_stopping: bool = True
    val_start: str = REPORT_SPLIT.train_end
    patience: int = 5

    def build(self, window: int = 60, n_features: int = 1) -> keras.Model:
        """The compiled model: MSE for a linear output, binary cross-entropy for a
        sigmoid."""
        if self.output not in ("linear", "sigmoid"):
            raise ValueError(
                f"output must be 'linear' or 'sigmoid', got {self.output!r}"
            )
        stack: list = [keras.Input((window, n_features))]
        for k, units in enumerate(self.layer_units):
            stack.append(
                keras.layers.LSTM(units, return_sequences=k < len(self.layer_units) - 1)
            )
            stack.append(keras.layers.Dropout(self.dropout))
        stack.append(keras.layers.Dense(1, activation=self.output))
        model = keras.Sequential(stack, name=self.name)
        loss = (
            "binary_crossentropy" if self.output == "sigmoid" else "mean_squared_error"
        )
        metrics = ["accuracy"] if self.output == "sigmoid" else None
        model.compile(
            optimizer=self.optimizer,
            loss=loss,
            metrics=metrics,
            jit_compile=self.jit_compile,
        )
        return model


CASTILLA = StackConfig(name="castilla")
"""Solution 2's regression network (early stopping on 2016, at most 30 epochs)."""

CASTILLA_CLASSIFIER = StackConfig(name="castilla-up", output="sigmoid")
"""The same network asked Castilla's question directly: will tomorrow's High be higher?"""  # noqa: E501
