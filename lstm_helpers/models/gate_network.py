"""The cell lesson's small Keras LSTM: ``LSTM(units) -> Dense(1)``, whose gates it
draws.

This module's code is part of the cache key of every :class:`GateConfig`
model and of no other.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_helpers.models.report_model import TrainingSettings

# TensorFlow loaded without its C++ start-up lines
from lstm_helpers.tf_quiet import keras


@dataclass(frozen=True)
class GateConfig(TrainingSettings):
    """``Input(window, n_features) -> LSTM(units) -> Dense(1)``, Adam and mean squared
    error.

    The small model whose weights lesson 02 runs through the NumPy cell.
    """

    name: str = "gate"
    units: int = 16
    epochs: int = 20
    batch_size: int = 32
    optimizer: str = "adam"
    early_stopping: bool = False
    patience: int = 5

    def build(self, window: int = 60, n_features: int = 1) -> keras.Model:
        """The compiled model (Keras's default compilation, as lesson 02 was first
        measured with)."""
        model = keras.Sequential(
            [
                keras.Input((window, n_features)),
                keras.layers.LSTM(self.units),
                keras.layers.Dense(1),
            ],
            name=f"gate_lstm_{self.units}",
        )
        model.compile(optimizer=self.optimizer, loss="mean_squared_error")
        return model
