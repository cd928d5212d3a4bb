"""Lesson 06: the report's other literature designs and walk-forward evaluation.

- :data:`CASTILLA`: Solution 2's network, LSTM(50, return_sequences) -> Dropout(0.2)
  -> LSTM(100) -> Dropout(0.2) -> Dense(1, linear), rmsprop and mean squared error.
- :func:`fit_classifier`: the same network with a sigmoid output trained with
  binary cross-entropy on "is tomorrow's High above today's?", scored by
  :func:`classification_scores` against the base rate of always answering "up".
- :func:`fraction_split_end`: the last training day of a chronological split
  by fraction (Solution 4's 75:25).
- :func:`walk_forward_windows`: train on every year up to Y, test on Y + 1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from lstm_helpers import cache
from lstm_helpers.baselines import exponential_moving_average
from lstm_helpers.keras_models import (
    FitResult,
    Job,
    ModelConfig,
    cache_info,
    cache_key,
    train_many,
    train_model,
)
from lstm_helpers.metrics import evaluate
from lstm_helpers.tf_quiet import keras
from lstm_helpers.windows import WindowedData, variant_windows


@dataclass(frozen=True)
class StackConfig:
    """A stack of LSTM layers with their own sizes, each followed by Dropout, then Dense(1).

    Attributes are those of :class:`lstm_helpers.keras_models.ModelConfig`
    (training, early stopping) plus ``layer_units`` (units per LSTM layer) and
    ``output`` (``"linear"`` for a price, ``"sigmoid"`` for a probability).
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
    val_start: str = "2016"
    patience: int = 5

    def build(self, window: int = 60, n_features: int = 1) -> keras.Model:
        """The compiled model: MSE for a linear output, binary cross-entropy for a sigmoid."""
        if self.output not in ("linear", "sigmoid"):
            raise ValueError(f"output must be 'linear' or 'sigmoid', got {self.output!r}")
        stack: list = [keras.Input((window, n_features))]
        for k, units in enumerate(self.layer_units):
            stack.append(keras.layers.LSTM(units, return_sequences=k < len(self.layer_units) - 1))
            stack.append(keras.layers.Dropout(self.dropout))
        stack.append(keras.layers.Dense(1, activation=self.output))
        model = keras.Sequential(stack, name=self.name)
        loss = "binary_crossentropy" if self.output == "sigmoid" else "mean_squared_error"
        metrics = ["accuracy"] if self.output == "sigmoid" else None
        model.compile(optimizer=self.optimizer, loss=loss, metrics=metrics, jit_compile=self.jit_compile)
        return model

    def with_training(self, epochs: int | None = None, batch_size: int | None = None) -> StackConfig:
        """A copy with other epochs or batch size (``None`` keeps the current value)."""
        return replace(
            self,
            epochs=self.epochs if epochs is None else int(epochs),
            batch_size=self.batch_size if batch_size is None else int(batch_size),
        )


CASTILLA = StackConfig(name="castilla")
"""Solution 2's regression network (early stopping on 2016, at most 30 epochs)."""

CASTILLA_CLASSIFIER = StackConfig(name="castilla-up", output="sigmoid")
"""The same network asked Castilla's question directly: will tomorrow's High be higher?"""


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


def fit_classifier(
    config: StackConfig,
    data: WindowedData,
    seed: int = 0,
    ticker: str = "",
    use_cache: bool = True,
    log_every: int = 10,
) -> FitResult:
    """Train a sigmoid-output model on "up tomorrow?" and return test-day probabilities.

    Returns
    -------
    FitResult
        ``predictions`` holds P(up) for each test day, shape (n_test,).
    """
    if config.output != "sigmoid":
        raise ValueError("fit_classifier needs a configuration with output='sigmoid'")
    info = cache_info(config, data, seed, kind="keras-classifier")
    key = cache_key(config, data, seed, kind="keras-classifier")
    if use_cache and (stored := cache.load(key)) is not None:
        arrays, meta = stored
        return FitResult(arrays["predictions"], meta["loss"], meta["seconds"], True, key, info, meta["val_loss"])
    train_up, _ = up_labels(data)
    label = f"{ticker} {config.name} seed {seed}".strip()
    model, loss, val_loss, seconds = train_model(config, data, train_up, seed, label, log_every)
    proba = model.predict(data.X_test.astype("float32"), batch_size=1024, verbose=0).ravel()
    if use_cache:
        cache.save(key, {"predictions": proba}, {"loss": loss, "val_loss": val_loss, "seconds": seconds})
    return FitResult(proba, loss, seconds, False, key, info, val_loss)


def classification_scores(up: np.ndarray, proba: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Accuracy of "up" calls against the base rate, with a one-sided binomial test.

    Parameters
    ----------
    up : ndarray, shape (n,)
        1.0 where tomorrow's value was above today's, else 0.0.
    proba : ndarray, shape (n,)
        Predicted probability of "up".
    threshold : float, default 0.5
        Call "up" when ``proba > threshold``.

    Returns
    -------
    dict
        ``accuracy``; ``balanced_accuracy`` (mean of the hit rates on up days and
        on the other days; 0.5 for any constant answer); ``base_rate_up`` (share
        of up days = accuracy of always answering "up"); ``best_constant`` (the
        better of always up / always not up); ``share_called_up``; ``p_value``
        of a binomial test that the accuracy exceeds ``best_constant``; ``n``.
    """
    up = np.asarray(up, dtype=float).ravel()
    proba = np.asarray(proba, dtype=float).ravel()
    if up.shape != proba.shape or up.size == 0:
        raise ValueError(f"up and proba must be non-empty and of equal length, got {up.shape} and {proba.shape}")
    called = proba > threshold
    truth = up > 0.5
    correct = int((called == truth).sum())
    n = len(up)
    hit_up = called[truth].mean() if truth.any() else np.nan
    hit_down = (~called[~truth]).mean() if (~truth).any() else np.nan
    base = float(truth.mean())
    best = max(base, 1.0 - base)
    return {
        "accuracy": correct / n,
        "balanced_accuracy": float(np.nanmean([hit_up, hit_down])),
        "base_rate_up": base,
        "best_constant": best,
        "share_called_up": float(called.mean()),
        "p_value": float(stats.binomtest(correct, n, best, alternative="greater").pvalue),
        "n": n,
    }


def fraction_split_end(index: pd.DatetimeIndex, fraction: float = 0.75) -> pd.Timestamp:
    """The last training day of a chronological split that trains on ``fraction`` of the days."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    if len(index) < 2:
        raise ValueError("need at least two days to split")
    return index[int(np.floor(fraction * len(index))) - 1]


def walk_forward_windows(
    series: pd.Series, test_year: int, transform: str = "level", window: int = 60
) -> WindowedData:
    """Windows for one walk-forward fold: train on every year before ``test_year``, test on it."""
    return variant_windows(
        series, transform, train_end=str(test_year - 1), test_start=str(test_year), test_end=str(test_year), window=window
    )


def fold_config(config: ModelConfig | StackConfig, test_year: int) -> ModelConfig | StackConfig:
    """``config`` with its early-stopping slice moved to the last training year of the fold.

    The 2017 fold keeps the validation year 2016, so it is the same run as lesson 05's.
    """
    if getattr(config, "early_stopping", False):
        return replace(config, val_start=str(test_year - 1))
    return config



def walk_forward(
    prices: dict[str, pd.DataFrame],
    years: list[int],
    models: dict[str, tuple[ModelConfig | StackConfig, str]],
    seeds: list[int],
    target: str = "High",
    decay: float = 0.5,
    workers: int | None = None,
) -> tuple[pd.DataFrame, dict[tuple[str, int, str, int], np.ndarray], dict[tuple[str, int], WindowedData]]:
    """Rolling-origin evaluation: for each year Y in ``years``, train up to Y - 1 and test on Y.

    Persistence and the EMA are scored on every fold too. Each model's
    early-stopping slice is the last training year of its fold.

    Returns
    -------
    runs : DataFrame
        One row per (ticker, fold, model, seed) with the metrics of
        :func:`lstm_helpers.metrics.evaluate` (baselines have seed 0).
    predictions : dict
        (ticker, fold, model, seed) -> forecasts in dollars.
    folds : dict
        (ticker, fold) -> the fold's level windows (test dates, actual, previous).
    """
    if not years or not seeds:
        raise ValueError("walk_forward needs at least one fold year and one seed")
    jobs, keys, folds = [], [], {}
    for ticker, frame in prices.items():
        series = frame[target]
        for year in years:
            folds[(ticker, year)] = walk_forward_windows(series, year)
            for name, (config, transform) in models.items():
                data = walk_forward_windows(series, year, transform)
                for seed in seeds:
                    jobs.append(Job(fold_config(config, year), data, seed=seed, ticker=f"{ticker} {year}"))
                    keys.append((ticker, year, name, seed))
    results = train_many(jobs, workers=workers)
    rows, predictions = [], {}
    for (ticker, year, name, seed), result in zip(keys, results, strict=True):
        predictions[(ticker, year, name, seed)] = result.predictions
    for (ticker, year), fold in folds.items():
        ema = exponential_moving_average(prices[ticker][target], decay).loc[fold.test_dates].to_numpy()
        predictions[(ticker, year, "persistence", 0)] = fold.test_previous
        predictions[(ticker, year, f"EMA({decay})", 0)] = ema
    for (ticker, year, name, seed), forecast in predictions.items():
        fold = folds[(ticker, year)]
        scores = evaluate(fold.test_actual, forecast, fold.test_previous)
        rows.append({"ticker": ticker, "fold": year, "model": name, "seed": seed, **scores})
    return pd.DataFrame(rows), predictions, folds
