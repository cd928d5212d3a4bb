"""The report's stacked Keras LSTM: building, seeding, training with a cache, predicting.

The report's model (its Step 5) is ``layers`` LSTM layers of ``units`` each, every
one followed by ``Dropout``, then ``Dense(1)``; rmsprop and mean squared error.
Its "default" and "improved" runs differ only in dropout, epochs and batch size;
:data:`DEFAULT` and :data:`IMPROVED` hold them.

:func:`fit_predict` trains one configuration on one ticker's windows with one
seed and returns the test-day forecasts in dollars. Results are cached under
``build/cache/models`` keyed by everything that determines them (the data, the
configuration, the seed, the package versions): a rerun loads instead of
retraining, and any changed input trains anew.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out of lessons

import random
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import keras
import numpy as np

from lstm_helpers import cache
from lstm_helpers.windows import WindowedData


@dataclass(frozen=True)
class ModelConfig:
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
        Training epochs.
    batch_size : int
        Minibatch size.
    optimizer : str
        Keras optimizer name.
    cell : str
        ``"lstm"`` or ``"gru"``.
    bidirectional : bool
        Wrap every recurrent layer in ``Bidirectional``.
    jit_compile : bool
        Let XLA compile the training step (same results, about 1.6x faster here).
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

    def with_training(self, epochs: int | None = None, batch_size: int | None = None) -> ModelConfig:
        """A copy with other epochs or batch size (``None`` keeps the current value)."""
        return replace(
            self,
            epochs=self.epochs if epochs is None else int(epochs),
            batch_size=self.batch_size if batch_size is None else int(batch_size),
        )


DEFAULT = ModelConfig(name="default", dropout=0.2, epochs=50, batch_size=32)
"""The report's default model: Dropout(0.2), 50 epochs, batch 32."""

IMPROVED = ModelConfig(name="improved", dropout=0.1, epochs=20, batch_size=12)
"""The report's improved model: Dropout(0.1), 20 epochs, batch 12."""


def set_seeds(seed: int) -> None:
    """Seed Python, NumPy and Keras/TensorFlow.

    On a CPU, training the same configuration on the same data with the same
    seed then gives bit-identical predictions (``tests/test_keras_models.py``
    checks it). We do not call ``tf.config.experimental.enable_op_determinism``:
    Keras turns XLA off when it is on, and XLA trains these models about 1.6x
    faster here while staying bit-identical from run to run on the CPU.
    """
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeds the legacy global RNG that older code may use
    keras.utils.set_random_seed(seed)


def build_model(config: ModelConfig, window: int = 60, n_features: int = 1) -> keras.Model:
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
        raise ValueError(f"need at least one layer of at least one unit, got {config.layers} x {config.units}")
    recurrent = keras.layers.LSTM if config.cell == "lstm" else keras.layers.GRU
    stack: list[keras.layers.Layer] = [keras.Input((window, n_features))]
    for k in range(config.layers):
        layer = recurrent(config.units, return_sequences=k < config.layers - 1)
        stack.append(keras.layers.Bidirectional(layer) if config.bidirectional else layer)
        stack.append(keras.layers.Dropout(config.dropout))
    stack.append(keras.layers.Dense(1))
    model = keras.Sequential(stack, name=f"{config.name}_{config.cell}")
    model.compile(optimizer=config.optimizer, loss="mean_squared_error", jit_compile=config.jit_compile)
    return model


class EpochLog(keras.callbacks.Callback):
    """Print one short line every ``every`` epochs: epoch, loss, seconds per epoch."""

    def __init__(self, label: str, epochs: int, every: int = 10) -> None:
        super().__init__()
        self.label, self.epochs, self.every = label, epochs, max(1, every)
        self._start = 0.0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        done = epoch + 1
        if done % self.every == 0 or done == self.epochs:
            rate = (time.perf_counter() - self._start) / done
            print(f"  {self.label}: epoch {done}/{self.epochs}, loss {logs['loss']:.6f}, {rate:.1f} s/epoch")


@dataclass
class FitResult:
    """One trained model's forecasts and training record.

    Attributes
    ----------
    predictions : ndarray, shape (n_test,)
        Forecast of each test day, in dollars.
    loss : list of float
        Training loss (scaled MSE) after each epoch.
    seconds : float
        Training time when it was trained (not when loaded from the cache).
    cached : bool
        True if loaded from the cache instead of trained now.
    key : str
        The cache key.
    info : dict
        What the key was made of.
    """

    predictions: np.ndarray
    loss: list[float]
    seconds: float
    cached: bool
    key: str
    info: dict[str, Any] = field(default_factory=dict)


def fit_predict(
    config: ModelConfig,
    data: WindowedData,
    seed: int = 0,
    ticker: str = "",
    use_cache: bool = True,
    log_every: int = 10,
) -> FitResult:
    """Train ``config`` on ``data``'s training windows and forecast its test days.

    Parameters
    ----------
    config : ModelConfig
        Model and training settings.
    data : WindowedData
        From :func:`lstm_helpers.windows.report_windows`.
    seed : int, default 0
        Seed for weights, dropout and shuffling.
    ticker : str
        Label for the progress lines (not part of the cache key: the data are).
    use_cache : bool, default True
        Load a cached result if one matches, and store a new one.
    log_every : int, default 10
        Print a progress line every this many epochs (0: silent).

    Returns
    -------
    FitResult
    """
    info = {
        "kind": "keras-regressor",
        "config": asdict(config),
        "seed": int(seed),
        "data": cache.array_digest(data.X_train, data.y_train, data.X_test),
        "scaler": [float(data.scaler.data_min_[0]), float(data.scaler.data_max_[0])],
        "versions": cache.versions(),
    }
    key = cache.make_key(info)
    if use_cache:
        stored = cache.load(key)
        if stored is not None:
            arrays, meta = stored
            return FitResult(arrays["predictions"], meta["loss"], meta["seconds"], True, key, info)

    set_seeds(seed)
    model = build_model(config, window=data.window, n_features=data.X_train.shape[2])
    callbacks = [EpochLog(f"{ticker} {config.name} seed {seed}".strip(), config.epochs, log_every)] if log_every else []
    start = time.perf_counter()
    history = model.fit(
        data.X_train.astype("float32"),
        data.y_train.astype("float32"),
        epochs=config.epochs,
        batch_size=config.batch_size,
        verbose=0,
        callbacks=callbacks,
    )
    seconds = time.perf_counter() - start
    scaled = model.predict(data.X_test.astype("float32"), batch_size=1024, verbose=0).ravel()
    predictions = data.inverse(scaled)
    loss = [float(v) for v in history.history["loss"]]
    if use_cache:
        cache.save(key, {"predictions": predictions}, {"loss": loss, "seconds": seconds, "info": info})
    return FitResult(predictions, loss, seconds, False, key, info)
