"""Forecasting the test days of one ticker's windows with a Keras model.

A :class:`Job` asks for one configuration of :mod:`lstm_helpers.models`
trained on one :class:`~lstm_helpers.data.windows.WindowedData` with one seed,
either to forecast the target (``task="regress"``) or to say whether it rises
(``task="classify"``). :func:`forecast_many` turns the jobs into
:class:`~lstm_helpers.training.jobs.TrainJob` s, runs them through the course's one
cached path (:func:`lstm_helpers.training.scheduler.train_many`) and converts each
model's raw outputs into dollars with the windows' own
:meth:`~lstm_helpers.data.windows.WindowedData.to_prices`, at every load: a fix to
the conversion applies to stored results too.

:func:`fit_predict` and :func:`fit_classifier` do the same for one job.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from lstm_helpers.data.windows import WindowedData
from lstm_helpers.training import scheduler
from lstm_helpers.training.digests import job_info
from lstm_helpers.training.jobs import TrainJob

TASKS = ("regress", "classify")


@dataclass(frozen=True, eq=False)
class Job:
    """One forecasting run: a configuration, its windows, a seed, a label, a task."""

    config: Any
    data: WindowedData
    seed: int = 0
    ticker: str = ""
    task: str = "regress"


@dataclass
class FitResult:
    """One trained model's forecasts and training record.

    Attributes
    ----------
    predictions : ndarray, shape (n_test,)
        Forecast of each test day in dollars (``regress``), or P(up) (``classify``).
    loss, val_loss : list of float
        Loss after each epoch (``val_loss`` empty without early stopping).
    seconds : float
        Training time when it was trained.
    source : str
        ``"trained"``, ``"cache"`` or ``"published"``.
    key : str
        The cache key.
    outputs : ndarray, shape (n_test,)
        The model's raw outputs (scaled, before :meth:`WindowedData.to_prices`).
    info : dict
        What the key was made of.
    """

    predictions: np.ndarray
    loss: list[float]
    val_loss: list[float]
    seconds: float
    source: str
    key: str
    outputs: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def cached(self) -> bool:
        """True if loaded instead of trained now."""
        return self.source != "trained"


def up_labels(data: WindowedData) -> tuple[np.ndarray, np.ndarray]:
    """Labels "tomorrow's value above today's" for the training and test windows.

    Works for any :class:`WindowedData` (the label is the sign of the change
    from the window's last day to its target day).

    Returns
    -------
    (train_labels, test_labels)
        float arrays of 0.0 and 1.0, shapes (n_train,) and (n_test,).
    """
    if data.transform == "level":
        train_up = data.y_train > data.X_train[:, -1, 0]
        test_up = data.y_test > data.X_test[:, -1, 0]
    elif data.transform in ("relative", "log_return"):
        train_up, test_up = data.y_train > 0, data.y_test > 0
    else:
        raise ValueError(f"unknown transform {data.transform!r}")
    return train_up.astype(float), test_up.astype(float)


def with_validation_year(config: Any, year: int) -> Any:
    """``config`` with its early-stopping slice moved to ``year`` (the last training
    year); others unchanged."""
    if getattr(config, "early_stopping", False):
        return replace(config, val_start=str(year))
    return config


def with_jit(config: Any, jit_compile: bool) -> Any:
    """``config`` compiled with XLA or not: the quick profile's one or two epochs train
    faster without it.

    XLA compiles the training step once, which pays back only over many epochs: one
    epoch of the log-return LSTM took 13.8 s with it and 7.1 s without (one CPU thread,
    measured here). The setting is part of the configuration, so a model trained either
    way has a key of its own.
    """
    return (
        config
        if config.jit_compile == jit_compile
        else replace(config, jit_compile=jit_compile)
    )


def train_job(job: Job) -> TrainJob:
    """The :class:`~lstm_helpers.training.jobs.TrainJob` of ``job``.

    The targets are the scaled next-day values (``regress``) or the up labels
    (``classify``). With early stopping, the training windows whose target day
    is ``config.val_start`` or later become the validation data.
    """
    if job.task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {job.task!r}")
    if job.task == "classify" and getattr(job.config, "output", None) != "sigmoid":
        raise ValueError("a classify job needs a configuration with output='sigmoid'")
    data, config = job.data, job.config
    y = data.y_train if job.task == "regress" else up_labels(data)[0]
    X, X_val, y_val = data.X_train, None, None
    if config.early_stopping:
        if data.train_dates is None:
            raise ValueError(
                "early stopping needs the training windows' dates (data.train_dates)"
            )
        is_val = np.asarray(data.train_dates >= config.val_start)
        if not is_val.any() or is_val.all():
            raise ValueError(
                f"validation slice from {config.val_start} leaves no "
                "training or no validation windows"
            )
        X, y, X_val, y_val = X[~is_val], y[~is_val], X[is_val], y[is_val]
    label = f"{job.ticker} {config.name} seed {job.seed}".strip()
    return TrainJob(config, X, y, data.X_test, job.seed, X_val, y_val, label)


def forecast_many(
    jobs: list[Job],
    workers: int | None = None,
    executor: Executor | None = None,
    log_every: int = 10,
) -> list[FitResult]:
    """Train (or load) every job and return its forecasts, in the order of ``jobs``.

    Named apart from :func:`lstm_helpers.training.scheduler.train_many`, which it
    calls: that one takes :class:`~lstm_helpers.training.jobs.TrainJob` s and
    returns raw outputs; this one takes forecasting :class:`Job` s and returns
    forecasts in dollars (or P(up)). See
    :func:`lstm_helpers.training.scheduler.train_many` for ``workers``, ``executor`` and
    the progress lines.
    """
    train_jobs = [train_job(job) for job in jobs]
    results = scheduler.train_many(
        train_jobs, workers=workers, executor=executor, log_every=log_every
    )
    out = []
    for job, tjob, r in zip(jobs, train_jobs, results, strict=True):
        predictions = (
            job.data.to_prices(r.outputs) if job.task == "regress" else r.outputs
        )
        out.append(
            FitResult(
                predictions,
                r.loss,
                r.val_loss,
                r.seconds,
                r.source,
                r.key,
                r.outputs,
                job_info(tjob),
            )
        )
    return out


def fit_predict(
    config: Any,
    data: WindowedData,
    seed: int = 0,
    ticker: str = "",
    log_every: int = 10,
) -> FitResult:
    """Train ``config`` on ``data``'s training windows (or load it) and forecast its
    test days in dollars.

    Parameters
    ----------
    config : ModelConfig or StackConfig
        Model and training settings.
    data : WindowedData
        From :func:`lstm_helpers.data.windows.report_windows` or
        :func:`~lstm_helpers.data.windows.variant_windows`.
    seed : int, default 0
        Seed for weights, dropout and shuffling.
    ticker : str
        Label for the progress lines (not part of the cache key: the data are).
    log_every : int, default 10
        Print a progress line every this many epochs (0: silent).
    """
    return forecast_many(
        [Job(config, data, seed, ticker)], workers=1, log_every=log_every
    )[0]


def fit_classifier(
    config: Any,
    data: WindowedData,
    seed: int = 0,
    ticker: str = "",
    log_every: int = 10,
) -> FitResult:
    """Train a sigmoid-output model on "up tomorrow?" (or load it); ``predictions``
    holds P(up) per test day."""
    return forecast_many(
        [Job(config, data, seed, ticker, task="classify")],
        workers=1,
        log_every=log_every,
    )[0]
