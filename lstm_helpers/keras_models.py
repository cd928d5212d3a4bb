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
import random
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from lstm_helpers import cache
from lstm_helpers.tf_quiet import keras, tf  # TensorFlow loaded without its C++ start-up lines
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
        Let XLA compile the training step (about 1.6x faster here).
    early_stopping : bool
        Hold out the training windows whose target falls in ``val_start`` or
        later (the end of the training years, never the test period), stop when
        their loss has not improved for ``patience`` epochs, and keep the best
        weights. ``epochs`` is then the most it trains.
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
    val_start: str = "2016"
    patience: int = 5

    def build(self, window: int = 60, n_features: int = 1) -> keras.Model:
        """The compiled Keras model of this configuration (see :func:`build_model`)."""
        return build_model(self, window, n_features)

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
    val_loss : list of float
        Validation loss after each epoch (empty without early stopping).
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
    val_loss: list[float] = field(default_factory=list)


def train_model(
    config: ModelConfig,
    data: WindowedData,
    targets: np.ndarray,
    seed: int = 0,
    label: str = "",
    log_every: int = 10,
) -> tuple[keras.Model, list[float], list[float], float]:
    """Seed, build and fit ``config`` on ``data.X_train`` and ``targets``.

    With ``config.early_stopping`` the training windows whose target day is
    ``config.val_start`` or later are held out for validation.

    Returns
    -------
    (model, loss per epoch, validation loss per epoch, seconds)
    """
    set_seeds(seed)
    model = config.build(window=data.window, n_features=data.X_train.shape[2])
    callbacks: list[keras.callbacks.Callback] = [EpochLog(label, config.epochs, log_every)] if log_every else []
    X, y = data.X_train.astype("float32"), np.asarray(targets, dtype="float32")
    validation = None
    if config.early_stopping:
        if data.train_dates is None:
            raise ValueError("early stopping needs the training windows' dates (data.train_dates)")
        is_val = np.asarray(data.train_dates >= config.val_start)
        if not is_val.any() or is_val.all():
            raise ValueError(f"validation slice from {config.val_start} leaves no training or no validation windows")
        validation = (X[is_val], y[is_val])
        X, y = X[~is_val], y[~is_val]
        callbacks.append(keras.callbacks.EarlyStopping(patience=config.patience, restore_best_weights=True))
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
    loss = [float(v) for v in history.history["loss"]]
    val_loss = [float(v) for v in history.history.get("val_loss", [])]
    return model, loss, val_loss, seconds


def cache_info(
    config: ModelConfig, data: WindowedData, seed: int, kind: str = "keras-regressor"
) -> dict[str, Any]:
    """Everything that determines a trained model's forecasts (what the cache key hashes)."""
    return {
        "kind": kind,
        "config": asdict(config),
        "seed": int(seed),
        "data": cache.array_digest(data.X_train, data.y_train, data.X_test),
        "train_dates": [str(data.train_dates.min()), str(data.train_dates.max())]
        if data.train_dates is not None
        else None,
        "scaler": [float(data.scaler.data_min_[0]), float(data.scaler.data_max_[0])],
        "transform": data.transform,
        "scale": data.scale,
        "versions": cache.versions(),
    }


def cache_key(config: ModelConfig, data: WindowedData, seed: int, kind: str = "keras-regressor") -> str:
    """The cache key of one training run (the hash of :func:`cache_info`)."""
    return cache.make_key(cache_info(config, data, seed, kind))


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
    info = cache_info(config, data, seed)
    key = cache_key(config, data, seed)
    if use_cache:
        stored = cache.load(key)
        if stored is not None:
            arrays, meta = stored
            return FitResult(
                arrays["predictions"], meta["loss"], meta["seconds"], True, key, info, meta.get("val_loss", [])
            )

    label = f"{ticker} {config.name} seed {seed}".strip()
    model, loss, val_loss, seconds = train_model(config, data, data.y_train, seed, label, log_every)
    outputs = model.predict(data.X_test.astype("float32"), batch_size=1024, verbose=0).ravel()
    predictions = data.to_prices(outputs)
    if use_cache:
        meta = {"loss": loss, "val_loss": val_loss, "seconds": seconds, "info": info}
        cache.save(key, {"predictions": predictions}, meta)
    return FitResult(predictions, loss, seconds, False, key, info, val_loss)


@dataclass(frozen=True)
class Job:
    """One training run: a configuration, its data, a seed, and a label."""

    config: ModelConfig
    data: WindowedData
    seed: int = 0
    ticker: str = ""
    task: str = "regress"  # "regress": fit_predict; "classify": literature.fit_classifier


def _worker_init() -> None:
    """Give each worker process one CPU thread, so two workers share two cores."""
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def _run_job(job: Job) -> FitResult:
    if job.task == "classify":
        from lstm_helpers.literature import fit_classifier

        return fit_classifier(job.config, job.data, job.seed, job.ticker, use_cache=True, log_every=0)
    return fit_predict(job.config, job.data, job.seed, job.ticker, use_cache=True, log_every=0)


def train_many(jobs: list[Job], workers: int | None = None) -> list[FitResult]:
    """Train several models, in parallel worker processes, loading cached ones instead.

    Each uncached job runs :func:`fit_predict` in a worker process with one CPU
    thread; on two cores two workers train about 1.7x faster than one process
    with two threads, and a given seed gives the same predictions either way
    (measured here; the cache key does not depend on the thread count).
    Prints one line as each job finishes.

    Parameters
    ----------
    jobs : list of Job
        What to train.
    workers : int, optional
        Worker processes; default the number of CPU cores (at most 2 are
        useful on this course's reference machine). ``1`` trains in this process.

    Returns
    -------
    list of FitResult
        In the order of ``jobs``.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: list[FitResult | None] = [None] * len(jobs)
    todo = []
    for k, job in enumerate(jobs):
        if _cached(job):
            results[k] = _run_job(job)  # loads from the cache
        else:
            todo.append(k)
    if len(jobs) - len(todo):
        print(f"{len(jobs) - len(todo)} of {len(jobs)} result(s) loaded from the cache")
    if not todo:
        return results  # type: ignore[return-value]
    workers = max(1, min(workers or (os.cpu_count() or 1), len(todo)))
    print(f"training {len(todo)} model(s) with {workers} worker process(es) ...", flush=True)
    start = time.perf_counter()
    done = 0

    def report(k: int) -> None:
        r, job = results[k], jobs[k]
        print(
            f"  [{done}/{len(todo)}] {job.ticker} {job.config.name} seed {job.seed}: {len(r.loss)} epochs "
            f"in {r.seconds:.0f} s ({time.perf_counter() - start:.0f} s elapsed)",
            flush=True,
        )

    if workers == 1:
        for k in todo:
            results[k] = _run_job(jobs[k])
            done += 1
            report(k)
        return results  # type: ignore[return-value]
    context = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init) as pool:
        futures = {pool.submit(_run_job, jobs[k]): k for k in todo}
        for future in as_completed(futures):
            k = futures[future]
            results[k] = future.result()
            done += 1
            report(k)
    return results  # type: ignore[return-value]


def _cached(job: Job) -> bool:
    kind = "keras-classifier" if job.task == "classify" else "keras-regressor"
    return cache.load(cache_key(job.config, job.data, job.seed, kind)) is not None
