"""The networks of the multi-step lesson: one LSTM with one or H outputs, or an
encoder-decoder.

:class:`MultiStepConfig` is a frozen configuration that builds its compiled
Keras model. This module defines its type, so its code is part of the cache
key of every multi-step model and of no other: a change to a builder trains
every multi-step model anew and nothing else (the windows they read are keyed
by their bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lstm_helpers.tf_quiet import keras

KINDS: tuple[str, ...] = ("dense", "encoder-decoder")


@dataclass(frozen=True)
class MultiStepConfig:
    """``Input(window, 1) -> LSTM(units) -> Dense(outputs)``, or an encoder-decoder of
    ``outputs`` steps.

    Attributes
    ----------
    name : str
        A label for tables and progress lines.
    kind : {"dense", "encoder-decoder"}
        ``dense``: one LSTM layer, then ``Dense(outputs)`` (one output: the
        one-step or a direct model; H outputs: the multi-output model).
        ``encoder-decoder``: ``LSTM(units)`` -> ``RepeatVector(outputs)`` ->
        ``LSTM(units, return_sequences=True)`` -> ``Dense(1)`` at every step.
    units : int
        Units of each LSTM layer.
    outputs : int
        Values the model predicts per window (horizons 1..outputs, or one horizon).
    epochs, batch_size : int
        Most epochs (training stops early on the validation windows) and minibatch size.
    patience : int
        Epochs without a better validation loss before training stops (best weights
        kept).
    learning_rate : float
        Adam's step size.
    """

    name: str = "one-step"
    kind: str = "dense"
    units: int = 32
    outputs: int = 1
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
        if min(self.units, self.outputs, self.epochs, self.batch_size) < 1:
            raise ValueError(
                "units, outputs, epochs and batch_size must be "
                f"positive, got {self.units}, "
                f"{self.outputs}, {self.epochs}, {self.batch_size}"
            )

    def with_training(self, epochs: int | None = None) -> MultiStepConfig:
        """A copy with another most-epochs (``None`` keeps it): for the quick
        profile."""
        return self if epochs is None else replace(self, epochs=epochs)

    def build(self, window: int = 60, n_features: int = 1) -> keras.Model:
        """The compiled model: input (batch, window, n_features), output (batch,
        outputs), MSE."""
        inputs = keras.Input((window, n_features))
        if self.kind == "dense":
            out = keras.layers.Dense(self.outputs)(
                keras.layers.LSTM(self.units)(inputs)
            )
        else:
            state = keras.layers.LSTM(self.units)(inputs)
            steps = keras.layers.LSTM(self.units, return_sequences=True)(
                keras.layers.RepeatVector(self.outputs)(state)
            )
            out = keras.layers.Reshape((self.outputs,))(keras.layers.Dense(1)(steps))
        model = keras.Model(
            inputs,
            out,
            name=f"{self.name}_{self.kind}_{self.outputs}".replace(" ", "_"),
        )
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=self.learning_rate),
            loss="mean_squared_error",
            jit_compile=True,
        )
        return model
