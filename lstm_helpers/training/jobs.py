"""Training one Keras model, the same way for every model of the course: the shared
training path.

A :class:`TrainJob` holds a configuration (any of :mod:`lstm_helpers.models`,
or a lesson's own, such as the memory lesson's), the arrays it trains on and
the inputs it must predict, and a seed. :func:`fit` seeds, builds, fits and
predicts; it returns the model's raw outputs (scaled prices, returns or
probabilities: turning them into dollars is the caller's business, done again
at every load) and its training record.

This module's code is part of every cache key
(:func:`lstm_helpers.training.digests.job_info`), together with the code of the
module that defines the job's configuration type. Running jobs with the cache,
in parallel, is :mod:`lstm_helpers.training.scheduler`'s.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# TensorFlow loaded without its C++ start-up lines
from lstm_helpers.tf_quiet import keras
from lstm_helpers.training.digests import environment


def set_seeds(seed: int) -> None:
    """Seed Python, NumPy and Keras/TensorFlow.

    On a CPU, training the same configuration on the same data with the same
    seed then gives bit-identical outputs (``tests/test_training.py`` checks
    it). We do not call ``tf.config.experimental.enable_op_determinism``: Keras
    turns XLA off when it is on, and XLA trains these models about 1.6x faster
    here while staying bit-identical from run to run on the CPU.
    """
    random.seed(seed)
    # the legacy global RNG, which older code may use
    np.random.seed(seed)  # noqa: NPY002
    keras.utils.set_random_seed(seed)


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
            print(
                f"  {self.label}: epoch {done}/{self.epochs}, loss "
                f"{logs['loss']:.6f}, {rate:.1f} s/epoch"
            )


@dataclass(frozen=True, eq=False)
class TrainJob:
    """One model to train: configuration, data, seed.

    Attributes
    ----------
    config : dataclass
        A configuration of :mod:`lstm_helpers.models` (has ``build``, ``epochs``,
        ``batch_size``, ``early_stopping``, ``patience``).
    X : ndarray, shape (n, window, n_features)
        Training inputs.
    y : ndarray, shape (n,)
        Training targets.
    X_predict : ndarray, shape (m, window, n_features)
        Inputs whose outputs are returned (the test windows).
    seed : int
        Seeds weights, dropout and shuffling.
    X_val, y_val : ndarray, optional
        Validation data; required when ``config.early_stopping``.
    label : str
        For progress lines only (not part of the key).
    keep_weights : bool
        Also return (and store) the trained weights, for a lesson that looks inside.
    """

    config: Any
    X: np.ndarray
    y: np.ndarray
    X_predict: np.ndarray
    seed: int = 0
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    label: str = ""
    keep_weights: bool = False


@dataclass
class TrainOutput:
    """What one trained model leaves behind.

    Attributes
    ----------
    outputs : ndarray, shape (m,)
        The model's raw outputs on ``X_predict``.
    loss, val_loss : list of float
        Loss after each epoch (``val_loss`` empty without validation data).
    seconds : float
        Training time when it was trained.
    weights : list of ndarray
        The trained weights in Keras's order (empty unless ``keep_weights``).
    environment : dict
        Where it was trained (:func:`lstm_helpers.training.digests.environment`):
        recorded with the stored result, not part of its key.
    """

    outputs: np.ndarray
    loss: list[float]
    val_loss: list[float]
    seconds: float
    weights: list[np.ndarray] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)


def fit(job: TrainJob, log_every: int = 10) -> TrainOutput:
    """Seed, build and fit ``job.config`` on ``job.X``, ``job.y``; predict
    ``job.X_predict``.

    With ``config.early_stopping`` training stops when the loss on
    ``(X_val, y_val)`` has not improved for ``config.patience`` epochs and the
    best weights are kept; ``config.epochs`` is then the most it trains.

    Parameters
    ----------
    job : TrainJob
    log_every : int, default 10
        Print a progress line every this many epochs (0: silent).

    Returns
    -------
    TrainOutput
    """
    config = job.config
    X, y = np.asarray(job.X, dtype="float32"), np.asarray(job.y, dtype="float32")
    if X.ndim != 3 or len(X) != len(y):
        raise ValueError(
            "X must be (n, window, features) with one target "
            f"each, got {X.shape} and {y.shape}"
        )
    validation = None
    callbacks: list[keras.callbacks.Callback] = (
        [EpochLog(job.label, config.epochs, log_every)] if log_every else []
    )
    if config.early_stopping:
        if job.X_val is None or job.y_val is None or len(job.X_val) == 0:
            raise ValueError(
                f"{job.label or config.name}: early stopping needs "
                "validation data (X_val, y_val)"
            )
        validation = (
            np.asarray(job.X_val, dtype="float32"),
            np.asarray(job.y_val, dtype="float32"),
        )
        callbacks.append(
            keras.callbacks.EarlyStopping(
                patience=config.patience, restore_best_weights=True
            )
        )
    set_seeds(job.seed)
    model = config.build(window=X.shape[1], n_features=X.shape[2])
    start = time.perf_counter()
    history = model.fit(
        X,
        y,
        epochs=config.epochs,
        batch_size=config.batch_size,
        verbose=0,
        callbacks=callbacks,
        validation_data=validation,
    )
    seconds = time.perf_counter() - start
    outputs = model.predict(
        np.asarray(job.X_predict, dtype="float32"), batch_size=1024, verbose=0
    ).ravel()
    return TrainOutput(
        outputs=outputs,
        loss=[float(v) for v in history.history["loss"]],
        val_loss=[float(v) for v in history.history.get("val_loss", [])],
        seconds=seconds,
        weights=[np.asarray(w) for w in model.get_weights()]
        if job.keep_weights
        else [],
        # where it ran: a cluster's worker may differ from this machine
        environment=environment(),
    )
