"""Walk-forward (rolling-origin) evaluation: train on every year up to Y - 1, test on Y, for several Y.

One test year says little; several folds show whether a result holds. Each
model's early-stopping slice moves with the fold to its last training year
(:func:`fold_config`), and persistence, the EMA and the benchmarks of
:mod:`lstm_helpers.evaluation.benchmarks` (fitted on each fold's training years) are
scored on every fold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.data.windows import WindowedData, variant_windows
from lstm_helpers.evaluation.baselines import exponential_moving_average
from lstm_helpers.evaluation.benchmarks import benchmark_forecasts
from lstm_helpers.evaluation.metrics import evaluate
from lstm_helpers.training.forecasting import Job, forecast_many, with_validation_year


def walk_forward_windows(
    series: pd.Series, test_year: int, transform: str = "level", window: int = 60
) -> WindowedData:
    """Windows for one walk-forward fold: train on every year before ``test_year``, test on it."""
    return variant_windows(
        series, transform, train_end=str(test_year - 1), test_start=str(test_year), test_end=str(test_year), window=window
    )


def fold_config(config: Any, test_year: int) -> Any:
    """``config`` with its early-stopping slice moved to the last training year of the fold.

    The fold of the comparison lesson's test year is the same run as that lesson's.
    """
    return with_validation_year(config, test_year - 1)


def fold_test_years(test_year: int, folds: int) -> list[int]:
    """The ``folds`` test years that end with ``test_year``: ``fold_test_years(2017, 3) == [2015, 2016, 2017]``."""
    if folds < 1:
        raise ValueError(f"need at least one fold, got {folds}")
    return list(range(test_year - folds + 1, test_year + 1))


def walk_forward(
    prices: dict[str, pd.DataFrame],
    years: list[int],
    models: dict[str, tuple[Any, str]],
    seeds: list[int],
    target: str = "High",
    decay: float = 0.5,
    workers: int | None = None,
) -> tuple[pd.DataFrame, dict[tuple[str, int, str, int], np.ndarray], dict[tuple[str, int], WindowedData]]:
    """Rolling-origin evaluation: for each year Y in ``years``, train up to Y - 1 and test on Y.

    Persistence, the EMA, drift, the AR on returns and (with a ``Close``
    column) the target from the Close are scored on every fold too. Each model's
    early-stopping slice is the last training year of its fold.

    Returns
    -------
    runs : DataFrame
        One row per (ticker, fold, model, seed) with the metrics of
        :func:`lstm_helpers.evaluation.metrics.evaluate` (baselines have seed 0).
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
    results = forecast_many(jobs, workers=workers)
    rows, predictions = [], {}
    for (ticker, year, name, seed), result in zip(keys, results, strict=True):
        predictions[(ticker, year, name, seed)] = result.predictions
    for (ticker, year), fold in folds.items():
        ema = exponential_moving_average(prices[ticker][target], decay).loc[fold.test_dates].to_numpy()
        predictions[(ticker, year, "persistence", 0)] = fold.test_previous
        predictions[(ticker, year, f"EMA({decay})", 0)] = ema
        # the benchmarks, fitted on the fold's training years
        bench = benchmark_forecasts(prices[ticker], target, str(year - 1), pd.Index(fold.test_dates))
        for note in bench.notes(f"{ticker} {year}"):
            print("note:", note)
        for name, forecast in bench.forecasts.items():
            predictions[(ticker, year, name, 0)] = forecast.to_numpy()
    for (ticker, year, name, seed), forecast in predictions.items():
        fold = folds[(ticker, year)]
        scores = evaluate(fold.test_actual, forecast, fold.test_previous)
        rows.append({"ticker": ticker, "fold": year, "model": name, "seed": seed, **scores})
    return pd.DataFrame(rows), predictions, folds
